"""Managing links from the dashboard: the list, the form that makes them, one page each, QR codes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any, cast
from urllib.parse import urlencode

from aiohttp import web

from tracking.core.channels import CHANNELS, Group
from tracking.core.dashboard import LinkSearch
from tracking.core.errors import InvalidInput, LanternError
from tracking.core.links import Link, LinkState, SharerRef, short_url
from tracking.core.shortening import ShortenRequest, ShortenResult
from tracking.web.dashboard import words
from tracking.web.dashboard.context import PREFIX, Page, page_for
from tracking.web.dashboard.qr import qr_png, qr_svg
from tracking.web.dashboard.views import not_found, render_dashboard, sign_in_needed

QR_CHANNEL = "qr"
SORTS = ("clicks", "newest", "oldest", "slug")
STATES = ("any", "active", "disabled", "expired")
PAGE_SIZE = 50
#: Channels offered first in the form: the dark-social ones people ask links for.
FORM_GROUPS = (Group.MESSAGING, Group.EMAIL, Group.SMS, Group.SOCIAL)


def _channel_choices(page: Page) -> list[tuple[str, str]]:
    return [(c.name, words.channel_label(page.t, c.name)) for c in CHANNELS if c.group in FORM_GROUPS]


def _signed_in(handler: Any) -> Any:
    async def wrapped(request: web.Request) -> web.Response:
        page = await page_for(request)
        if page.user is None:
            return sign_in_needed(page)
        return cast(web.Response, await handler(page))

    wrapped.__doc__ = handler.__doc__
    return wrapped


async def _list_context(page: Page) -> dict[str, Any]:
    query = page.request.query
    sort = query.get("sort", "clicks")
    state = query.get("state", "any")
    try:
        offset = max(0, int(query.get("offset", "0")))
    except ValueError:
        offset = 0
    search = LinkSearch(
        text=query.get("search", "").strip()[:100],
        channel=query.get("channel") or None,
        campaign=query.get("campaign") or None,
        state=cast(Any, state if state in STATES else "any"),
        sort=cast(Any, sort if sort in SORTS else "clicks"),
        limit=PAGE_SIZE,
        offset=offset,
    )
    listing = page.container.listing
    now = page.container.clock()
    found, total = await listing.search(search, now=now)
    params = {k: v for k, v in query.items() if k in ("search", "channel", "campaign", "state", "sort") and v}
    return {
        "search": search,
        "found": found,
        "total": total,
        "now": now,
        "campaigns": await listing.campaigns(),
        "channels": [(c.name, words.channel_label(page.t, c.name)) for c in CHANNELS],
        "channel_label": lambda name: words.channel_label(page.t, name),
        "form_channels": _channel_choices(page),
        "short_url": page.container.shortener.short_url,
        "state_of": lambda link: link.state(now).value,
        "next_page": (
            f"{PREFIX}/links?{urlencode(params | {'offset': str(offset + PAGE_SIZE)})}"
            if offset + PAGE_SIZE < total
            else None
        ),
        "created": [],
        "form": {},
        "form_error": None,
    }


@_signed_in
async def links_page(page: Page) -> web.Response:
    """GET /dashboard/links: search, filter and sort links; the form to make new ones."""
    return page.render("links.html", await _list_context(page))


def _when(text: str, page: Page) -> datetime | None:
    """An expiry from the form's date (end of that local day) or date-time (local)."""
    text = text.strip()
    if not text:
        return None
    zone = page.container.settings.zone
    try:
        if len(text) == 10:
            return datetime.combine(datetime.fromisoformat(text).date(), time(23, 59, 59), tzinfo=zone)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            page.t.gettext("The expiry “{text}” is not a date (YYYY-MM-DD).").format(text=text[:30])
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _limit(text: str, page: Page) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 1_000_000_000:
        raise InvalidInput(page.t.gettext("The click limit is a whole number from 1 up."))
    return int(text)


async def _create(page: Page, form: Mapping[str, str], channels: list[str]) -> list[ShortenResult]:
    request = ShortenRequest(
        url=form.get("url", "").strip(),
        campaign=form.get("campaign", "").strip() or None,
        slug=form.get("slug", "").strip() or None,
        sharer=SharerRef("dashboard", page.user.email, page.user.email) if page.user else None,
        expires_at=_when(form.get("expires", ""), page),
        max_clicks=_limit(form.get("max_clicks", ""), page),
    )
    if not request.url:
        raise InvalidInput(page.t.gettext("Paste the URL to shorten."))
    return await page.container.shortener.shorten_for_channels(request, channels)


async def create_links(request: web.Request) -> web.Response:
    """POST /dashboard/links: make one link per chosen channel and show them with copy and QR."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    form = await page.check_form()
    posted = await request.post()
    channels = [str(value) for value in posted.getall("channel", []) if isinstance(value, str)][:20]
    values = await _list_context(page)
    try:
        values["created"] = await _create(page, form, channels)
    except LanternError as error:
        values["form_error"] = error.message
        values["form"] = dict(form) | {"channels": channels}
        return page.render("links.html", values, status=400)
    values["found"], values["total"] = await page.container.listing.search(
        LinkSearch(sort="newest", limit=PAGE_SIZE), now=page.container.clock()
    )
    return page.render("links.html", values, status=201)


async def _link(page: Page) -> Link | None:
    return await page.container.links.get_by_slug(page.request.match_info["slug"][:64])


async def link_page(request: web.Request) -> web.Response:
    """GET /dashboard/links/{slug}: the link's settings, QR code and its own numbers."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    link = await _link(page)
    if link is None:
        return not_found(page)
    now = page.container.clock()
    return await render_dashboard(
        page,
        base=f"{PREFIX}/links/{link.slug}",
        read_only=False,
        fixed={"link": link.slug},
        extra={"link": link, "facts": link_facts(page, link, now), "link_state": link.state(now).value},
    )


async def set_state(request: web.Request) -> web.Response:
    """POST /dashboard/links/{slug}/state: disable or enable."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    form = await page.check_form()
    link = await _link(page)
    if link is None:
        return not_found(page)
    await page.container.shortener.set_disabled(link.slug, disabled=form.get("action") == "disable")
    raise web.HTTPSeeOther(f"{PREFIX}/links/{link.slug}")


async def qr_link(page: Page, link: Link) -> Link:
    """The link a QR code of `link` points to: same target and campaign, channel `qr`.

    Scans then arrive as their own channel (“QR code”) in every panel, and
    the dedupe key makes this the same link each time it is asked for.
    """
    if link.channel == QR_CHANNEL:
        return link
    result = await page.container.shortener.shorten(
        ShortenRequest(url=link.target, channel=QR_CHANNEL, campaign=link.campaign)
    )
    return result.link


async def qr_code(request: web.Request) -> web.Response:
    """GET /dashboard/links/{slug}/qr.svg|qr.png: the QR code (`?download=1` to save it)."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    link = await _link(page)
    if link is None:
        return not_found(page)
    target = await qr_link(page, link)
    url = short_url(page.container.settings.base_url, target.slug)
    kind = request.match_info["kind"]
    body, content_type = (qr_svg(url), "image/svg+xml") if kind == "svg" else (qr_png(url), "image/png")
    headers = {"Cache-Control": "private, max-age=3600"}
    if request.query.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="{link.slug}-qr.{kind}"'
    return web.Response(body=body, content_type=content_type, headers=headers)


def link_facts(page: Page, link: Link, now: datetime) -> list[tuple[str, str]]:
    """The settings of a link, as label/value pairs for its page."""
    t = page.t
    state = link.state(now)
    state_words = {
        LinkState.ACTIVE: t.gettext("active"),
        LinkState.DISABLED: t.gettext("disabled"),
        LinkState.EXPIRED: t.gettext("expired"),
        LinkState.EXHAUSTED: t.gettext("click limit reached"),
    }
    facts = [
        (t.gettext("Short link"), page.container.shortener.short_url(link.slug)),
        (t.gettext("Target"), link.target),
        (t.gettext("Tagged target"), link.tagged_target),
        (t.gettext("Channel"), words.channel_label(t, link.channel) if link.channel else "—"),
        (t.gettext("Campaign"), link.campaign or "—"),
        (t.gettext("State"), state_words[state]),
        (t.gettext("Created"), page.day(link.created_at)),
        (t.gettext("Expires"), page.day(link.expires_at) if link.expires_at else "—"),
        (
            t.gettext("Click limit"),
            f"{t.number(link.clicks)} / {t.number(link.max_clicks)}" if link.max_clicks else "—",
        ),
    ]
    return facts
