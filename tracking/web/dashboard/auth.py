"""Signing in with a one-time link, signing out, and the limit on failed attempts.

The link opens a page with a button rather than signing in on GET: chat
apps and mail scanners fetch links to preview them, and a GET that used
the token would burn it before its owner clicks.
"""

from __future__ import annotations

import time
from ipaddress import ip_address, ip_network

from aiohttp import web
from aiohttp_session import new_session

from tracking.core.rate_limits import RateLimiter
from tracking.web.dashboard.context import PREFIX, Page, page_for

#: Failed sign-ins a client network may make: 5 at once, then one every 12 seconds.
FAILED_PER_MINUTE = 5
FAILED_BURST = 5


class SignInGuard:
    """Counts failed sign-ins per client network (/24, /48) and says when one must wait."""

    def __init__(self) -> None:
        self._limiter = RateLimiter(per_minute=FAILED_PER_MINUTE, burst=FAILED_BURST, clock=time.monotonic)
        self._blocked_until: dict[str, float] = {}

    @staticmethod
    def network(peer: str | None) -> str:
        """The client's network: one person rarely holds many addresses of one /24."""
        try:
            address = ip_address(peer or "")
        except ValueError:
            return "unknown"
        prefix = 24 if address.version == 4 else 48
        return str(ip_network(f"{address}/{prefix}", strict=False))

    def wait(self, network: str) -> float:
        """Seconds this network must wait before trying again (0 when it may try)."""
        until = self._blocked_until.get(network, 0.0)
        left = until - time.monotonic()
        if left <= 0:
            self._blocked_until.pop(network, None)
            return 0.0
        return left

    def failed(self, network: str) -> None:
        """Count one failure; past the allowance the network waits."""
        wait = self._limiter.take(network)
        if wait > 0:
            if len(self._blocked_until) > 10_000:
                self._blocked_until.clear()
            self._blocked_until[network] = time.monotonic() + wait


GUARD = web.AppKey("dashboard_sign_in_guard", SignInGuard)


def _too_many(page: Page, wait: float) -> web.Response:
    response = page.render(
        "message.html",
        {
            "title": page.t.gettext("Too many failed sign-ins"),
            "message": page.t.gettext("Wait {seconds} seconds, then open your sign-in link again.").format(
                seconds=max(1, round(wait))
            ),
        },
        status=429,
    )
    response.headers["Retry-After"] = str(max(1, round(wait)))
    return response


async def sign_in_form(request: web.Request) -> web.Response:
    """GET /dashboard/auth/{token}: a button that signs in (the token is not used yet)."""
    page = await page_for(request)
    guard = request.config_dict[GUARD]
    wait = guard.wait(guard.network(request.remote))
    if wait:
        return _too_many(page, wait)
    return page.render("sign_in.html", {"token": request.match_info["token"]})


async def sign_in(request: web.Request) -> web.Response:
    """POST /dashboard/auth/{token}: use the token once and start a fresh session."""
    page = await page_for(request)
    guard = request.config_dict[GUARD]
    network = guard.network(request.remote)
    wait = guard.wait(network)
    if wait:
        return _too_many(page, wait)
    await page.check_form()
    user = await page.accounts.redeem(token=request.match_info["token"][:200])
    if user is None:
        guard.failed(network)
        return page.render(
            "message.html",
            {
                "title": page.t.gettext("This sign-in link does not work"),
                "message": page.t.gettext(
                    "It was already used, has expired (links last 24 hours) or was mistyped. "
                    "Ask for a new one: “lantern user add EMAIL”."
                ),
            },
            status=403,
        )
    language = page.session.get("lang")
    session = await new_session(request)  # a new session id: nothing from before sign-in carries over
    session["uid"] = user.id
    if isinstance(language, str):
        session["lang"] = language
    raise web.HTTPSeeOther(f"{PREFIX}/")


async def sign_out(request: web.Request) -> web.Response:
    """POST /dashboard/auth/sign-out: forget the session."""
    page = await page_for(request)
    await page.check_form()
    page.session.invalidate()
    page.user = None
    return page.render(
        "message.html",
        {"title": page.t.gettext("Signed out"), "message": page.t.gettext("You are signed out.")},
    )


async def switch_language(request: web.Request) -> web.Response:
    """GET /dashboard/lang/{code}?next=…: remember a language and go back."""
    page = await page_for(request)
    code = request.match_info["code"]
    if code in ("en", "fr"):
        page.session["lang"] = code
    target = request.query.get("next", f"{PREFIX}/")
    if not target.startswith(f"{PREFIX}/") or "//" in target or "\\" in target:
        target = f"{PREFIX}/"
    raise web.HTTPSeeOther(target)
