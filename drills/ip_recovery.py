"""Drill 9b: whoever holds the database cannot recover a visitor's address by trying 256 candidates.

Visits from known addresses (through a trusted proxy's X-Forwarded-For)
are stored; then the attacker's search runs on a copy of what the database
holds: for every visit with a /24 prefix, a user agent and a visitor hash,
each of the 256 addresses of the prefix is hashed with every secret-looking
value found anywhere in the database as the salt. It must recover nothing.
As a control, the same search given the day's salt derived from the
server's key file recovers every address — so the search itself works.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import random
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from sqlalchemy import make_url

from bench.servers import lantern, shorten
from drills import raw_http
from drills.harness import BACKENDS, BROWSER, Backend, Scratch, postgres_available, scratch
from drills.result import DrillResult, skipped
from tracking.core.visits import day_salt, visitor_hash

VISITS = 120
NETWORKS = ("198.51.100.0/24", "203.0.113.0/24")
AGENTS = (
    BROWSER,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
)
#: What a salt or key stored in a table would look like: a long run of hex or base64url characters.
SECRET_LOOKING = re.compile(r"[0-9A-Za-z_\-]{32,}")
#: Visits the search runs on (every salt × 256 addresses each); the control runs on all of them.
SEARCHED = VISITS


@dataclass(frozen=True)
class StoredVisit:
    """What the attacker reads of one visit."""

    ip_prefix: str
    user_agent: str
    visitor_hash: str


def recover(visits: Iterable[StoredVisit], salts: Iterable[str]) -> dict[StoredVisit, str]:
    """The attacker's search: every address of each visit's /24 under every candidate salt.

    Lantern's own `visitor_hash` checks the first try, so the search hashes as Lantern does.
    """
    salts = list(dict.fromkeys(salts))
    found: dict[StoredVisit, str] = {}
    for visit in dict.fromkeys(visits):
        addresses = [str(a) for a in ipaddress.ip_network(visit.ip_prefix)]
        messages = [f"{a}|{visit.user_agent}".encode() for a in addresses]
        for salt in salts:
            keyed = hashlib.blake2b(key=salt.encode()[:64], digest_size=16)
            for address, message in zip(addresses, messages, strict=True):
                attempt = keyed.copy()
                attempt.update(message)
                if attempt.hexdigest() == visit.visitor_hash:
                    assert visitor_hash(salt, address, visit.user_agent) == visit.visitor_hash
                    found[visit] = address
                    break
            if visit in found:
                break
    return found


def candidate_salts(cells: Iterable[object]) -> set[str]:
    """Every value in the database that could be a salt or a key (whole, and each secret-looking run)."""
    found: set[str] = set()
    for cell in cells:
        if isinstance(cell, bytes):
            cell = cell.hex()
        if not isinstance(cell, str) or len(cell) < 16:
            continue
        found.update(SECRET_LOOKING.findall(cell))
        if len(cell) <= 128:
            found.add(cell)
    return found


def read_database(target: Scratch) -> tuple[list[StoredVisit], list[object], int]:
    """All visits the search can use, every cell of every table, and the number of tables read."""
    url = make_url(target.url)
    if target.backend == "sqlite":
        with sqlite3.connect(url.database or "") as connection:
            tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            cells = [c for t in tables for row in connection.execute(f'SELECT * FROM "{t}"') for c in row]  # noqa: S608
            rows = connection.execute("SELECT ip_prefix, user_agent, visitor_hash FROM visits").fetchall()
    else:

        async def go() -> tuple[list[str], list[object], list[tuple[object, ...]]]:
            connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
            try:
                names = [
                    r[0]
                    for r in await connection.fetch(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    )
                ]
                query = 'SELECT * FROM "{}"'  # every table the database has, by its catalogued name
                values = [c for t in names for row in await connection.fetch(query.format(t)) for c in row]
                found = await connection.fetch("SELECT ip_prefix, user_agent, visitor_hash FROM visits")
                return names, values, [tuple(r) for r in found]
            finally:
                await connection.close()

        tables, cells, rows = asyncio.run(go())
    visits = [StoredVisit(str(p), str(u), str(h)) for p, u, h in rows if p and u and h]
    return visits, cells, len(tables)


async def _visit(target: Scratch, slug: str, addresses: list[str]) -> int:
    redirected = 0
    for n, address in enumerate(addresses):
        headers = [("User-Agent", AGENTS[n % len(AGENTS)]), ("X-Forwarded-For", address)]
        answer = await raw_http.send(target.port, raw_http.request("GET", f"/{slug}", headers))
        redirected += answer.status == 302
    return redirected


def drill(backend: Backend) -> DrillResult:
    """Visits from known addresses, then the search against the database, then the control."""
    result = DrillResult(f"9. 256-candidate IP search on the database ({backend})")
    if backend == "postgresql" and not postgres_available():
        return skipped(result.drill, "no PostgreSQL server")
    chooser = random.Random(11)  # addresses for a drill, not secrets
    addresses = [
        str(chooser.choice(list(ipaddress.ip_network(NETWORKS[n % 2]).hosts()))) for n in range(VISITS)
    ]
    with scratch(backend, "privacy", LANTERN_TRUSTED_PROXIES="127.0.0.1/32") as target:
        target.env["LANTERN_SPOOL_DIR"] = str(target.folder / "spool")
        key_file = target.folder / "visitor.key"
        target.env["LANTERN_VISITOR_KEY_FILE"] = str(key_file)
        slug = shorten(target.env)
        with lantern(target.env, 1, target.folder / "serve.log"):
            redirected = asyncio.run(_visit(target, slug, addresses))
        day = datetime.now(UTC).date()
        visits, cells, tables = read_database(target)
        salts = candidate_salts(cells)
        started = datetime.now(UTC)
        searched = list(dict.fromkeys(visits))[:SEARCHED]
        recovered = recover(searched, salts)
        seconds = (datetime.now(UTC) - started).total_seconds()
        control = recover(visits, [day_salt(key_file.read_text().strip().encode(), day)])
        modes = {p.name: oct(p.stat().st_mode & 0o777) for p in target.folder.iterdir() if p.is_file()}
    distinct = len(set(visits))
    right = sum(
        1 for v, ip in control.items() if ip in addresses and ip.startswith(v.ip_prefix.rsplit(".", 1)[0])
    )
    result.expect(redirected == VISITS, f"{VISITS - redirected} visits not redirected")
    result.expect(
        len(visits) == VISITS, f"{len(visits)} visits with prefix, agent and hash; expected {VISITS}"
    )
    result.expect(not recovered, f"{len(recovered)} addresses recovered from the database alone")
    result.expect(right == distinct, f"the control search found {right} of {distinct}: it is broken")
    private = {name: mode for name, mode in modes.items() if name.startswith(("lantern.db", "visitor.key"))}
    loose = {name: mode for name, mode in private.items() if mode != "0o600"}
    result.expect(not loose, f"files readable by others: {loose}")
    tried = len(searched) * len(salts) * 256
    result.requests = redirected
    result.visits_stored = len(visits)
    result.figure = (
        f"{len(visits)} visits from known addresses ({distinct} distinct address and agent pairs); for "
        f"{len(searched)} of them, {len(salts)} "
        f"values found in {tables} tables tried as the salt × 256 addresses ({tried:,} hashes, "
        f"{seconds:.1f} s): {len(recovered)} "
        f"recovered; control with the salt derived from the key file: {right} of {distinct} recovered; "
        f"files {', '.join(f'{n} {m[2:]}' for n, m in sorted(private.items()))}"
    )
    return result


def run() -> list[DrillResult]:
    """The search on SQLite, then on PostgreSQL."""
    return [drill(backend) for backend in BACKENDS]
