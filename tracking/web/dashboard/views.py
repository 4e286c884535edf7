"""The dashboard page, its shared read-only twin, and its CSV export."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from markupsafe import Markup

from tracking.core.accounts import Share
from tracking.core.errors import NotFound
from tracking.core.questions.model import Answer, Interpretation, Metric
from tracking.web.dashboard import words
from tracking.web.dashboard.context import PREFIX, Page, page_for
from tracking.web.dashboard.export import dashboard_zip
from tracking.web.dashboard.panels import PANEL_DIMENSIONS, Dashboard, DashboardReader, Figure
from tracking.web.dashboard.scope import FILTER_PARAMS, N_, PERIODS, Problem, View, read_view
from tracking.web.dashboard.svg import series_svg

PANEL_TITLES = {
    "apps": N_("Share events by app"),
    "evidence": N_("How each click was attributed"),
    "campaigns": N_("Campaigns"),
    "links": N_("Links"),
    "sharers": N_("Sharers"),
    "countries": N_("Countries"),
    "devices": N_("Devices"),
    "browsers": N_("Browsers"),
}
_ONE_TICK = timedelta(microseconds=1)
FILTER_NAMES = {
    "channel": N_("Channel"),
    "campaign": N_("Campaign"),
    "link": N_("Link"),
    "sharer": N_("Sharer"),
    "country": N_("Country"),
    "device": N_("Device"),
    "browser": N_("Browser"),
    "evidence": N_("Evidence"),
}
#: The panel whose words label a filter's value.
_FILTER_PANELS = {"channel": "channels", "country": "countries", "device": "devices", "evidence": "evidence"}


def view_url(base: str, params: dict[str, str], **changes: str | None) -> str:
    """The URL of this view with some parameters changed (None drops one)."""
    merged = dict(params)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    if merged.get("period") != "custom":
        merged.pop("from", None)
        merged.pop("to", None)
    query = urlencode(merged)
    return f"{base}?{query}" if query else base


def problem_text(page: Page, problem: Problem) -> str:
    """A problem in the reader's language."""
    return page.t.gettext(problem.message).format(**problem.values)


async def read_dashboard(
    page: Page, view: View, now: datetime, *, visitors: bool = True, dimensions: bool = True
) -> tuple[View, Dashboard, Answer | None]:
    """The page's numbers; an unknown link or sharer in the filters is said and left out."""
    reader = DashboardReader(page.container.stats)
    try:
        dashboard = await reader.read(view.scope, now=now, visitors=visitors, dimensions=dimensions)
    except NotFound as error:
        problem = Problem(N_("Left out a filter: {reason}."), {"reason": error.message})
        scope = replace(view.scope, link=None, sharer=None)
        question = replace(view.question, link=None, sharer=None) if view.question else None
        view = replace(view, scope=scope, question=question, problems=(*view.problems, problem))
        dashboard = await reader.read(scope, now=now, visitors=visitors, dimensions=dimensions)
    answer = None
    if view.question is not None:
        answer = await page.container.stats.answer(view.question, now=now)
    return view, dashboard, answer


def understood(page: Page, question: Interpretation) -> list[str]:
    """How the question was read, part by part, in the reader's language."""
    t = page.t
    parts = [t.gettext(words.METRICS[question.metric])]
    if question.channel_filter:
        parts.append(t.gettext("channel: {name}").format(name=question.channel_filter))
    if question.campaign:
        parts.append(t.gettext("campaign: {name}").format(name=question.campaign))
    if question.link:
        parts.append(t.gettext("link: /{slug}").format(slug=question.link))
    if question.sharer:
        parts.append(t.gettext("sharer: @{name}").format(name=question.sharer))
    if question.domain:
        parts.append(t.gettext("to: {domain}").format(domain=question.domain))
    parts.append(period_text(page, question.start, question.end))
    if question.group_by is not None:
        parts.append(t.gettext(words.GROUPINGS[question.group_by]))
    if question.top is not None:
        parts.append(t.gettext("top {count}").format(count=question.top))
    return parts


def period_text(page: Page, start: datetime, end: datetime) -> str:
    """First and last day of a period (its end is exclusive, the text inclusive)."""
    zone = page.container.settings.zone
    first = start.astimezone(zone).date()
    last = (end - _ONE_TICK).astimezone(zone).date()
    if first == last:
        return page.day(first)
    return f"{page.day(first)} – {page.day(last)}"


def context(
    page: Page, view: View, dashboard: Dashboard, answer: Answer | None, *, base: str
) -> dict[str, Any]:
    """Everything the dashboard template reads."""
    t = page.t
    series = dashboard.series
    labels = [words.bucket_label(t, series.grain, key) for key in series.keys]
    chart_title = t.gettext("Clicks and share events over time")
    params = view.params
    filters = [
        (
            name,
            t.gettext(FILTER_NAMES[name]),
            words.row_label(t, _FILTER_PANELS[name], value, value) if name in _FILTER_PANELS else value,
            view_url(base, params, **{name: None}),
        )
        for name in FILTER_PARAMS
        if (value := params.get(name))
    ]
    crossed = {
        panel
        for panel, dimension in PANEL_DIMENSIONS.items()
        if dashboard.scope.dimension is not None and dashboard.scope.dimension[0] != dimension
    }
    chart_data = {
        "labels": labels,
        "keys": list(series.keys),
        "clicks": list(series.clicks),
        "shares": list(series.shares),
        "names": [t.gettext("Clicks"), t.gettext("Share events")],
        "grain": series.grain.value,
    }
    return {
        "view": view,
        "dashboard": dashboard,
        "answer": answer,
        "base": base,
        "url": lambda **changes: view_url(base, params, **changes),
        "filters": filters,
        "crossed": crossed,
        "periods": [(key, t.gettext(words.PERIODS[key])) for key in PERIODS],
        "period_text": period_text(page, dashboard.scope.start, dashboard.scope.end),
        "problems": [(problem_text(page, p), p) for p in view.problems],
        "understood": understood(page, view.question) if view.question else [],
        "series_labels": labels,
        "series_svg": Markup(  # noqa: S704  (series_svg escapes every text it draws)
            series_svg(labels, series.clicks, series.shares, title=chart_title, number=t.number)
        ),
        "chart_json": json.dumps(chart_data).replace("</", "<\\/"),
        "panel_titles": {key: t.gettext(title) for key, title in PANEL_TITLES.items()},
        "group_label": lambda group: t.gettext(words.GROUPS[group.value]),
        "row_label": lambda panel, row: words.row_label(t, panel, row.key, row.label),
        "channel_label": lambda name: words.channel_label(t, name),
        "answer_label": (lambda row: _answer_row_label(page, answer, row)) if answer else None,
        "metric_label": t.gettext(words.METRICS[answer.interpretation.metric]) if answer else "",
        "custom_from": params.get(
            "from", dashboard.scope.start.astimezone(page.container.settings.zone).date().isoformat()
        ),
        "custom_to": params.get(
            "to",
            (dashboard.scope.end.astimezone(page.container.settings.zone) - _ONE_TICK).date().isoformat(),
        ),
    }


def _answer_row_label(page: Page, answer: Answer | None, row: Any) -> str:
    group = answer.interpretation.group_by if answer else None
    if group is None:
        return str(row.label)
    if group.is_time:
        return words.bucket_label(page.t, group, row.key)
    panel = {"channel": "channels", "country": "countries", "device": "devices", "evidence": "evidence"}
    return words.row_label(page.t, panel.get(group.value, group.value + "s"), row.key, row.label)


def change_text(page: Page, change: float | None, *, points: bool = False) -> str:
    """A relative change (+12.5%), a difference in points for shares, or “new” when nothing came before."""
    if change is None:
        return page.t.gettext("new")
    if points:
        return page.t.gettext("{sign}{value} pts").format(
            sign="+" if change >= 0 else "−", value=page.t.number(round(abs(change) * 100, 1))
        )
    text = page.t.percent(abs(change))
    return ("+" if change >= 0 else "−") + text


async def render_dashboard(
    page: Page,
    *,
    base: str,
    read_only: bool,
    share: Share | None = None,
    fixed: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    template: str = "dashboard.html",
) -> web.Response:
    """The dashboard for this request's view; `fixed` parameters (a link page's slug) always apply."""
    now = page.container.clock()
    params = dict(page.request.query) | (fixed or {})
    view = read_view(
        params,
        now=now,
        tz=page.container.settings.zone,
        default_question=share.question if share else None,
    )
    fragment = template != "dashboard.html"
    inline = page.request.query.get("visitors") == "1"  # without script: counted with the page
    every_panel = fragment or page.request.query.get("panels") == "all"
    view, dashboard, answer = await read_dashboard(
        page, view, now, visitors=inline and not fragment, dimensions=every_panel
    )
    values = context(page, view, dashboard, answer, base=base)
    data_base = f"{PREFIX}/s/{share.token}" if share else PREFIX
    values.update(
        export_url=view_url(f"{data_base}/export.zip", view.params),
        visitors_url=view_url(f"{data_base}/visitors.json", view.params),
        panels_url=view_url(f"{data_base}/panels.html", view.params),
        read_only=read_only,
        share=share,
        fixed=fixed or {},
        change_text=lambda *a, **k: change_text(page, *a, **k),
        **(extra or {}),
    )
    return page.render(template, values)


async def dashboard_page(request: web.Request) -> web.Response:
    """GET /dashboard/: the signed-in dashboard."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    return await render_dashboard(page, base=f"{PREFIX}/", read_only=False)


async def shared_page(request: web.Request) -> web.Response:
    """GET /dashboard/s/{token}: the read-only dashboard anyone with the URL may see."""
    page = await page_for(request)
    share = await page.accounts.live_share(token=request.match_info["token"])
    if share is None:
        return not_found(page)
    return await render_dashboard(page, base=f"{PREFIX}/s/{share.token}", read_only=True, share=share)


async def panels_fragment(request: web.Request) -> web.Response:
    """GET /dashboard/panels.html: the country, device, browser and evidence panels of a view."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    return await render_dashboard(page, base=f"{PREFIX}/", read_only=False, template="panels.html")


async def shared_panels_fragment(request: web.Request) -> web.Response:
    """GET /dashboard/s/{token}/panels.html: the same, for a shared view."""
    page = await page_for(request)
    share = await page.accounts.live_share(token=request.match_info["token"])
    if share is None:
        return not_found(page)
    base = f"{PREFIX}/s/{share.token}"
    return await render_dashboard(page, base=base, read_only=True, share=share, template="panels.html")


async def _visitors(page: Page, share: Share | None) -> web.Response:
    now = page.container.clock()
    view = read_view(
        page.request.query,
        now=now,
        tz=page.container.settings.zone,
        default_question=share.question if share else None,
    )
    try:
        answer = await page.container.stats.answer(view.scope.interpretation(Metric.UNIQUE_VISITORS), now=now)
    except NotFound as error:
        return web.json_response({"error": error.message}, status=404)
    figure = Figure("visitors", answer.total, answer.previous_total)
    change = figure.change
    return web.json_response(
        {
            "value": page.t.number(answer.total),
            "previous": page.t.number(answer.previous_total),
            "change": "—" if answer.total == answer.previous_total == 0 else change_text(page, change),
            "direction": "" if change is None or change == 0 else ("up" if change > 0 else "down"),
        },
        headers={"Cache-Control": "private, no-store"},
    )


async def visitors_json(request: web.Request) -> web.Response:
    """GET /dashboard/visitors.json: the unique visitors of a view (counted from raw visits)."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    return await _visitors(page, None)


async def shared_visitors_json(request: web.Request) -> web.Response:
    """GET /dashboard/s/{token}/visitors.json: the same, for a shared view."""
    page = await page_for(request)
    share = await page.accounts.live_share(token=request.match_info["token"])
    if share is None:
        return not_found(page)
    return await _visitors(page, share)


async def _export(page: Page, share: Share | None) -> web.Response:
    now = page.container.clock()
    view = read_view(
        page.request.query,
        now=now,
        tz=page.container.settings.zone,
        default_question=share.question if share else None,
    )
    view, dashboard, _answer = await read_dashboard(page, view, now)
    about = [
        ("start", dashboard.scope.start.isoformat()),
        ("end_exclusive", dashboard.scope.end.isoformat()),
        *sorted(view.params.items()),
        *(("problem", problem_text(page, p)) for p in view.problems),
    ]
    body = dashboard_zip(dashboard, about=about)
    stamp = dashboard.scope.start.date().isoformat()
    return web.Response(
        body=body,
        content_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="lantern-{stamp}.zip"',
            "Cache-Control": "private, no-store",
        },
    )


async def export_zip(request: web.Request) -> web.Response:
    """GET /dashboard/export.zip: the current view's panels as CSV files."""
    page = await page_for(request)
    if page.user is None:
        return sign_in_needed(page)
    return await _export(page, None)


async def shared_export_zip(request: web.Request) -> web.Response:
    """GET /dashboard/s/{token}/export.zip: the same, for a shared view."""
    page = await page_for(request)
    share = await page.accounts.live_share(token=request.match_info["token"])
    if share is None:
        return not_found(page)
    return await _export(page, share)


def sign_in_needed(page: Page) -> web.Response:
    """401 with how to get a sign-in link."""
    return page.render(
        "message.html",
        {
            "title": page.t.gettext("Sign in to see the dashboard"),
            "message": page.t.gettext(
                "Ask an administrator for a sign-in link; they make one with “lantern user add EMAIL”."
            ),
        },
        status=401,
    )


def not_found(page: Page) -> web.Response:
    """404 for unknown pages, links and revoked shares."""
    return page.render(
        "message.html",
        {
            "title": page.t.gettext("Not found"),
            "message": page.t.gettext("This page does not exist, or the shared view was revoked."),
        },
        status=404,
    )
