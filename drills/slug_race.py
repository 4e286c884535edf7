"""Drill 4: fifty people ask for the same custom slug at the same moment; exactly one gets it.

Through the HTTP API (two workers, so the race crosses processes and ends
at the database's unique constraint) the winner gets 201 and everyone else
409, never a 5xx; through the CLI (fifty processes on one SQLite file) one
succeeds and every other exits 1 saying the slug is already taken. Each
request names a different URL: the same URL would be a reuse, not a race.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections import Counter

import aiohttp

from bench.servers import LANTERN, lantern
from drills.harness import (
    Backend,
    Scratch,
    api_key,
    count_rows,
    keep_log,
    log_errors,
    postgres_available,
    scratch,
    wait_for_log,
)
from drills.result import DrillResult, skipped

RACERS = 50


async def _race_api(target: Scratch, key: str, slug: str) -> Counter[int]:
    """POST the same custom slug RACERS times at once; the status codes."""
    headers = {"Authorization": f"Bearer {key}"}
    connector = aiohttp.TCPConnector(limit=RACERS)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        start = asyncio.Event()

        async def one(n: int) -> int:
            await start.wait()
            body = {"url": f"https://example.com/race/{n}", "slug": slug}
            async with session.post(f"{target.origin}/api/v1/links", json=body) as response:
                await response.read()
                return response.status

        racers = [asyncio.create_task(one(n)) for n in range(RACERS)]
        await asyncio.sleep(0.1)
        start.set()
        return Counter(await asyncio.gather(*racers))


def api_drill(backend: Backend) -> DrillResult:
    """The API race on one database."""
    result = DrillResult(f"4. {RACERS} concurrent custom slugs, API ({backend})")
    slug = "drill-race"
    with scratch(backend, "slug") as target:
        key = api_key(target)
        log = target.folder / "serve.log"
        with lantern(target.env, 2, log):
            wait_for_log(log, r"worker \d+ started", 2)
            statuses = asyncio.run(_race_api(target, key, slug))
        links = asyncio.run(count_rows(target.url, "links", f"WHERE slug = '{slug}'"))
        server_errors = sum(n for status, n in statuses.items() if status >= 500)
        if server_errors:
            result.failures.append(f"server log ({keep_log(log, 'slug-race')}): {log_errors(log)}")
    result.requests = RACERS
    result.refused = statuses[409]
    result.expect(statuses == Counter({201: 1, 409: RACERS - 1}), f"statuses {dict(statuses)}")
    result.expect(server_errors == 0, f"{server_errors} answers were 5xx")
    result.expect(links == 1, f"{links} links hold the slug {slug!r}")
    result.figure = f"{_statuses(statuses)}; {links} link stored with the slug"
    return result


def cli_drill() -> DrillResult:
    """The CLI race: RACERS `lantern shorten --slug` processes on one SQLite file."""
    result = DrillResult(f"4. {RACERS} concurrent custom slugs, CLI (sqlite)")
    slug = "cli-race"
    with scratch("sqlite", "slug-cli") as target:
        racers = [
            subprocess.Popen(
                [LANTERN, "shorten", "--slug", slug, "--", f"https://example.com/cli/{n}"],
                env=target.env,
                cwd=target.folder,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(RACERS)
        ]
        outcomes = []
        for racer in racers:
            out, err = racer.communicate(timeout=300)
            outcomes.append((racer.returncode, out, err))
        links = asyncio.run(count_rows(target.url, "links"))
    succeeded = [out for code, out, _ in outcomes if code == 0]
    conflicts = [err for code, _, err in outcomes if code == 1 and "already taken" in err]
    other = [
        (code, err.strip()[-300:]) for code, _, err in outcomes if code != 0 and "already taken" not in err
    ]
    tracebacks = sum("Traceback" in err for _, _, err in outcomes)
    result.requests = RACERS
    result.refused = len(conflicts)
    result.expect(len(succeeded) == 1, f"{len(succeeded)} processes got the slug")
    result.expect(len(conflicts) == RACERS - 1, f"{len(conflicts)} clear conflicts; others: {other[:3]}")
    result.expect(tracebacks == 0, f"{tracebacks} processes printed a traceback")
    result.expect(links == 1, f"{links} links stored")
    result.expect(
        all(err.strip().startswith("lantern: ") and err.count("\n") == 1 for err in conflicts),
        "a conflict message is not one 'lantern: …' line",
    )
    example = conflicts[0].strip() if conflicts else "–"
    result.figure = (
        f"{len(succeeded)} exit 0, {len(conflicts)} exit 1 with “{example}”, {len(other)} other; "
        f"{links} link stored"
    )
    return result


def _statuses(statuses: Counter[int]) -> str:
    return ", ".join(f"{n}× {status}" for status, n in sorted(statuses.items()))


def run() -> list[DrillResult]:
    """API on SQLite and PostgreSQL, CLI on SQLite (where one file is shared by fifty processes)."""
    rows = [api_drill("sqlite")]
    if postgres_available():
        rows.append(api_drill("postgresql"))
    else:
        rows.append(skipped(f"4. {RACERS} concurrent custom slugs, API (postgresql)", "PostgreSQL is down"))
    rows.append(cli_drill())
    return rows
