"""Per-request things every page needs: language, session, signed-in user, CSRF token, rendering."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import Session, get_session

from tracking.core.accounts import User
from tracking.core.dashboard import Accounts
from tracking.i18n import LANGUAGES, Language, Translator, from_accept_language, normalize, translator
from tracking.web.dashboard.keys import (
    DASHBOARD,
    ENVIRONMENTS,
    STATIC_VERSION,
    VENDOR_PRESENT,
    DashboardContext,
)

PREFIX = "/dashboard"
NO_STORE = "private, no-store"


class FormForged(web.HTTPForbidden):
    """A form without this session's CSRF token: sent by another site, or from an expired page."""


@dataclass
class Page:
    """The request as the templates see it."""

    request: web.Request
    session: Session
    language: Language
    t: Translator
    user: User | None

    @property
    def container(self) -> DashboardContext:
        """What the composition root gave the dashboard."""
        return self.request.config_dict[DASHBOARD]

    @property
    def accounts(self) -> Accounts:
        """Users and shares."""
        return self.container.accounts

    def csrf_token(self) -> str:
        """This session's CSRF token (made on first use)."""
        token = self.session.get("csrf")
        if not isinstance(token, str):
            token = secrets.token_urlsafe(24)
            self.session["csrf"] = token
        return token

    async def check_form(self) -> Mapping[str, str]:
        """The posted form, after checking its CSRF token; forged or stale forms raise FormForged."""
        form = await self.request.post()
        sent = form.get("csrf")
        expected = self.session.get("csrf")
        if (
            not isinstance(sent, str)
            or not isinstance(expected, str)
            or not hmac.compare_digest(sent, expected)
        ):
            raise FormForged()
        return {key: value for key, value in form.items() if isinstance(value, str)}

    def render(self, template: str, context: Mapping[str, Any], *, status: int = 200) -> web.Response:
        """A template in the reader's language, never cached by proxies."""
        values = {
            "page": self,
            "t": self.t,
            "lang": self.language,
            "languages": LANGUAGES,
            "user": self.user,
            "prefix": PREFIX,
            "static_version": self.request.config_dict[STATIC_VERSION],
            "vendor_present": self.request.config_dict[VENDOR_PRESENT],
            "n": self.t.number,
            "pct": self.t.percent,
            "day": self.day,
            **context,
        }
        response = aiohttp_jinja2.render_template(
            template, self.request, values, app_key=ENVIRONMENTS[self.language], status=status
        )
        response.headers["Cache-Control"] = NO_STORE
        return response

    def day(self, value: date | datetime, style: str = "medium") -> str:
        """A date in the reader's language and the configured time zone."""
        if isinstance(value, datetime):
            value = value.astimezone(self.container.settings.zone).date()
        return self.t.day(value, style=style)


def pick_language(request: web.Request, session: Session) -> Language:
    """`?lang=` first, then the switch remembered in the session, then Accept-Language."""
    asked = request.query.get("lang")
    if asked and normalize(asked) == asked.lower()[:2]:
        return normalize(asked)
    remembered = session.get("lang")
    if isinstance(remembered, str) and remembered in LANGUAGES:
        return normalize(remembered)
    return from_accept_language(request.headers.get("Accept-Language"))


async def page_for(request: web.Request) -> Page:
    """Build the Page of a request (session, language and signed-in user)."""
    session = await get_session(request)
    language = pick_language(request, session)
    user = None
    user_id = session.get("uid")
    if isinstance(user_id, int):
        user = await request.config_dict[DASHBOARD].accounts.user(user_id=user_id)
        if user is None:  # the account is gone: forget it
            session.invalidate()
    return Page(request, session, language, translator(language), user)


def make_environment(loader: jinja2.BaseLoader, language: Language) -> jinja2.Environment:
    """A Jinja2 environment whose {% trans %} and _() speak one language."""
    environment = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    speaker = translator(language)
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        speaker.gettext, speaker.ngettext, newstyle=True, pgettext=speaker.pgettext
    )
    return environment
