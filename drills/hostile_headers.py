"""Drill 9a: visits are stored whatever their headers say, and one refused visit blocks nobody.

Raw requests with bytes that are not UTF-8 in every header, over-long user
agents and referrers, and user agents whose parsed browser or OS name
outgrows its column, on SQLite and PostgreSQL: each must get its 302 and
its visit must be in the database within 10 s, with plain visits after them
unaffected. Then the database itself is made to refuse one visit (a trigger
or CHECK the drill adds), sent amid plain visits, and a poisoned batch is
left in the spool beside an unreadable file before the server starts: the
refused visits land in `visit_quarantine`, everything else is stored, the
spool empties, and `/healthz` still says ok.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy import make_url

from bench.servers import lantern, shorten
from drills import raw_http
from drills.harness import BACKENDS, BROWSER, Backend, Scratch, count_rows, postgres_available, scratch
from drills.result import DrillResult, skipped

#: Marks the visit the drill makes the database refuse.
POISON = "poison-pill"
#: How long every 302's visit may take to be in the database.
WITHIN_SECONDS = 10.0
PLAIN_VISITS = 50

Headers = list[tuple[str, str]]


def hostile_requests() -> list[tuple[str, Headers]]:
    """(what, headers): each is a request a stranger can send; "\\udcXX" goes out as the raw byte XX."""
    long_names = "Mozilla/5.0 (" + "W" * 150 + " 10.0; Win64) " + "B" * 150 + "/1.0"
    return [
        ("User-Agent with byte \\xe9", [("User-Agent", "Mozilla/5.0 caf\udce9")]),
        ("Referer with byte \\xe9", [("User-Agent", "Mozilla/5.0"), ("Referer", "https://a.example/\udce9")]),
        ("crawler name of 105 characters", [("User-Agent", "A" * 50 + "Crawler" + "a" * 50 + "/1")]),
        ("browser and OS names of 150 characters", [("User-Agent", long_names)]),
        ("User-Agent of 4,000 characters", [("User-Agent", BROWSER + "x" * 4_000)]),
        (
            "Referer of 4,000 characters",
            [("User-Agent", BROWSER), ("Referer", "https://a.example/" + "r" * 4_000)],
        ),
        (
            "bytes \\xff\\xfe in every header",
            [
                ("User-Agent", "\udcff\udcfe" + BROWSER),
                ("Referer", "https://\udcff.example/"),
                ("X-Forwarded-For", "203.0.113.\udcff"),
                ("CF-IPCountry", "\udcff\udcfe"),
            ],
        ),
        ("User-Agent of 600 emoji", [("User-Agent", "Mozilla/5.0 " + "\U0001f98a" * 600)]),
        ("Referer that is not a URL", [("User-Agent", BROWSER), ("Referer", "\udce9" * 3_000)]),
    ]


@dataclass
class Sent:
    """What the drill sent and what came back."""

    hostile: list[tuple[str, int]]
    plain: list[int]
    poison: int
    slowest_plain: float
    stored_after: float | None


def _raw(slug: str, headers: Headers) -> bytes:
    return raw_http.request("GET", f"/{slug}", headers)


async def _plain(port: int, slug: str, n: int) -> tuple[int, float]:
    started = time.monotonic()
    answer = await raw_http.send(port, _raw(slug, [("User-Agent", f"{BROWSER} plain/{n}")]))
    return answer.status, time.monotonic() - started


async def _send(target: Scratch, slug: str, expected_extra: int) -> Sent:
    hostile = []
    for what, headers in hostile_requests():
        hostile.append((what, (await raw_http.send(target.port, _raw(slug, headers))).status))
    # The refused visit travels in the middle of a batch of plain ones.
    poisoned = raw_http.send(target.port, _raw(slug, [("User-Agent", f"{BROWSER} {POISON}")]))
    first = [_plain(target.port, slug, n) for n in range(PLAIN_VISITS // 2)]
    answers = await asyncio.gather(*first[: len(first) // 2], poisoned, *first[len(first) // 2 :])
    poison = answers[len(first) // 2]
    assert isinstance(poison, raw_http.RawResponse)
    plain = [a for a in answers if isinstance(a, tuple)]
    plain += [await _plain(target.port, slug, n) for n in range(PLAIN_VISITS // 2, PLAIN_VISITS)]
    sent_at = time.monotonic()
    redirected = sum(s == 302 for _, s in hostile) + sum(s == 302 for s, _ in plain)
    stored_after = None
    while time.monotonic() - sent_at < WITHIN_SECONDS:
        if await count_rows(target.url, "visits") >= redirected + expected_extra:
            stored_after = time.monotonic() - sent_at
            break
        await asyncio.sleep(0.05)
    return Sent(hostile, [s for s, _ in plain], poison.status, max(t for _, t in plain), stored_after)


def _sql(target: Scratch, statements: list[str]) -> list[object]:
    """Run statements with a plain driver (not Lantern's code); the last one's first value back."""
    url = make_url(target.url)
    if target.backend == "sqlite":
        import sqlite3

        with sqlite3.connect(url.database or "") as connection:
            rows = [connection.execute(s).fetchone() for s in statements]
        return [row[0] if row else None for row in rows]

    async def go() -> list[object]:
        connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
        try:
            return [await connection.fetchval(s) for s in statements]
        finally:
            await connection.close()

    return asyncio.run(go())


def poison_the_database(target: Scratch) -> None:
    """Make the database itself refuse any visit whose user agent holds POISON (a data error)."""
    if target.backend == "sqlite":
        _sql(
            target,
            [
                "CREATE TRIGGER drill_poison BEFORE INSERT ON visits "
                f"WHEN NEW.user_agent LIKE '%{POISON}%' BEGIN SELECT RAISE(ABORT, 'drill: refused'); END"
            ],
        )
    else:
        _sql(
            target,
            [
                "ALTER TABLE visits ADD CONSTRAINT drill_poison "
                f"CHECK (user_agent IS NULL OR user_agent NOT LIKE '%{POISON}%')"
            ],
        )


def seed_spool(spool: Path, link_id: int) -> None:
    """Before the server starts: a batch no driver can encode (beside a good visit), and a file of garbage."""
    folder = spool / "worker-0"
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat()

    def visit(user_agent: str) -> dict[str, object]:
        return {
            "link_id": link_id, "at": now, "method": "GET", "kind": "click", "channel": "email",
            "evidence": "link-tag", "rule": None, "rules_version": 1, "user_agent": user_agent,
            "referrer": None, "ip_prefix": None, "visitor_hash": None, "device": "desktop",
            "browser": "Chrome", "os": "Windows", "country": None, "private": False,
        }  # fmt: skip

    batch = {
        "id": uuid.uuid4().hex,
        "visits": [visit("spooled \udce9 before the fix"), visit("spooled good")],
    }
    (folder / "000000000001-1-2.batch").write_text(json.dumps(batch))
    (folder / "000000000002-1-1.batch").write_text("{ this is not a batch")


async def _health(origin: str) -> tuple[int, dict[str, object], str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{origin}/healthz") as response:
            health = (response.status, await response.json())
        async with session.get(f"{origin}/metrics") as response:
            metrics = await response.text()
    return health[0], health[1], metrics


def _metric(text: str, name: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def drill(backend: Backend) -> DrillResult:
    """One backend: hostile headers, a refused visit amid plain ones, a poisoned spool."""
    result = DrillResult(f"9. hostile headers and refused visits ({backend})")
    if backend == "postgresql" and not postgres_available():
        return skipped(result.drill, "no PostgreSQL server")
    extra = {"LANTERN_COUNTRY_HEADER": "CF-IPCountry", "LANTERN_TRUSTED_PROXIES": "127.0.0.1/32"}
    with scratch(backend, "headers", **extra) as target:
        spool = target.folder / "spool"
        target.env["LANTERN_SPOOL_DIR"] = str(spool)
        slug = shorten(target.env)
        [link_id] = _sql(target, [f"SELECT id FROM links WHERE slug = '{slug}'"])  # noqa: S608 - our slug
        assert isinstance(link_id, int)
        poison_the_database(target)
        seed_spool(spool, link_id)
        with lantern(target.env, 1, target.folder / "serve.log"):
            sent = asyncio.run(_send(target, slug, expected_extra=1))  # + the good visit of the spooled batch
            status, health, metrics = asyncio.run(_health(target.origin))
        visits = asyncio.run(count_rows(target.url, "visits"))
        [quarantined, reasons] = _sql(
            target,
            [
                "SELECT count(*) FROM visit_quarantine",
                "SELECT min(reason) FROM visit_quarantine WHERE visit LIKE '%poison-pill%'",
            ],
        )
        left = sorted(p.name for p in (spool / "worker-0").iterdir())
    hostile_ok = sum(s == 302 for _, s in sent.hostile)
    plain_ok = sum(s == 302 for s in sent.plain)
    for what, code in sent.hostile:
        result.expect(code == 302, f"{what}: {code or 'no answer'} instead of 302")
    result.expect(plain_ok == PLAIN_VISITS, f"{PLAIN_VISITS - plain_ok} plain visits not redirected")
    result.expect(sent.poison == 302, f"the visit the database refuses answered {sent.poison}, not 302")
    expected = hostile_ok + plain_ok + 1  # + the good visit of the poisoned spooled batch
    result.expect(visits == expected, f"{visits} visits stored; expected {expected}")
    result.expect(
        sent.stored_after is not None, f"not every 302's visit was stored within {WITHIN_SECONDS:.0f} s"
    )
    result.expect(quarantined == 2, f"{quarantined} visits quarantined; expected 2 (refused live, spooled)")
    result.expect(not [n for n in left if n.endswith(".batch")], f"the spool still holds {left}")
    result.expect(status == 200 and health.get("status") == "ok", f"/healthz {status} {health}")
    counted = _metric(metrics, "lantern_visits_quarantined_total")
    result.expect(counted == 2, f"/metrics lantern_visits_quarantined_total = {counted}, expected 2")
    result.requests = len(sent.hostile) + PLAIN_VISITS + 1
    result.visits_stored = visits
    result.lost = max(0, hostile_ok + plain_ok + 1 - visits)
    result.refused = len(sent.hostile) - hostile_ok + PLAIN_VISITS - plain_ok
    took = f"{sent.stored_after:.2f} s" if sent.stored_after is not None else "never"
    result.figure = (
        f"{len(sent.hostile)} hostile requests → {hostile_ok} × 302; {PLAIN_VISITS} plain → {plain_ok} × 302 "
        f"(slowest {sent.slowest_plain * 1000:.0f} ms); every 302's visit in the database {took} after the "
        f"last request; 1 visit the database refuses (drill trigger) and 1 spooled undecodable visit → "
        f"{quarantined} rows in visit_quarantine ({str(reasons)[:60]!r}…), the spool emptied past them "
        f"({sum(n.endswith('.unreadable') for n in left)} unreadable file set aside); /healthz {status} "
        f"{health.get('status')}"
    )
    return result


def run() -> list[DrillResult]:
    """The drill on SQLite, then on PostgreSQL."""
    return [drill(backend) for backend in BACKENDS]
