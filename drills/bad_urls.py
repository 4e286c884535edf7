"""Drill 5a/5b: ten thousand hostile target URLs through the API, and a sample through the CLI.

Nothing may crash (no 5xx, no traceback), nothing refused may leave a row
behind (links counted before and after), and whatever Lantern accepts must
be a valid, public http(s) URL — the corpus has valid URLs in it too, and
storing those is right.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import aiohttp

from bench.servers import lantern
from drills.harness import Scratch, api_key, cli, count_rows, keep_log, log_errors, scratch
from drills.hostile_urls import DENIED_HOST, OWN_HOST, Case, corpus, problems_with_accepted
from drills.result import DrillResult

API_CASES = 10_400
CLI_CASES = 200
CONCURRENCY = 32
#: The drill's Lantern names these as its own host and a denied domain, so the corpus can aim at them;
#: the per-key link rate is off, so every valid URL is judged on its validity rather than answered 429
#: (rate limits have a drill of their own).
SETTINGS = {
    "LANTERN_BASE_URL": f"https://{OWN_HOST}",
    "LANTERN_DENIED_DOMAINS": DENIED_HOST,
    "LANTERN_LINK_RATE_PER_MINUTE": "0",
}
#: Longest argument Linux passes to a process.
MAX_ARG_BYTES = 131_072


@dataclass
class Tally:
    """How Lantern answered each case."""

    statuses: Counter[int] = field(default_factory=Counter)
    refused_by_family: Counter[str] = field(default_factory=Counter)
    accepted_by_family: Counter[str] = field(default_factory=Counter)
    created: int = 0
    crashes: list[str] = field(default_factory=list)
    invalid_accepted: list[str] = field(default_factory=list)

    def accept(self, case: Case, answer: dict[str, object]) -> None:
        """A case Lantern took: it must be a valid public http(s) URL, tags included."""
        self.accepted_by_family[case.family] += 1
        self.created += bool(answer.get("created"))
        problems = {
            problem
            for key in ("original_url", "target")
            for problem in problems_with_accepted(str(answer.get(key)), {OWN_HOST}, {DENIED_HOST})
        }
        if problems:
            self.invalid_accepted.append(f"{case.url[:120]!r}: {'; '.join(sorted(problems))}")

    def families(self) -> str:
        """Refused/accepted per family, e.g. "scheme 800/0"."""
        names = sorted(set(self.refused_by_family) | set(self.accepted_by_family))
        return ", ".join(f"{n} {self.refused_by_family[n]}/{self.accepted_by_family[n]}" for n in names)


async def _flood(target: Scratch, key: str, cases: list[Case]) -> Tally:
    tally = Tally()
    limit = asyncio.Semaphore(CONCURRENCY)
    headers = {"Authorization": f"Bearer {key}"}
    url = f"{target.origin}/api/v1/links"
    async with aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def one(case: Case) -> None:
            try:
                async with limit, session.post(url, json={"url": case.url}) as response:
                    body = await response.read()
            except (aiohttp.ClientError, TimeoutError) as error:
                tally.statuses[0] += 1
                tally.crashes.append(f"no answer ({type(error).__name__}) for {case.url[:120]!r}")
                return
            tally.statuses[response.status] += 1
            if response.status >= 500:
                tally.crashes.append(f"{response.status} for {case.url[:120]!r}: {body[:200]!r}")
            elif response.status in (200, 201):
                tally.accept(case, json.loads(body))
            else:
                tally.refused_by_family[case.family] += 1

        await asyncio.gather(*(one(case) for case in cases))
    return tally


def api_drill() -> DrillResult:
    """Every case POSTed to /api/v1/links, 32 at a time."""
    result = DrillResult(f"5. {API_CASES:,} hostile URLs via the API (sqlite)")
    cases = list(corpus(API_CASES))
    with scratch("sqlite", "urls", **SETTINGS) as target:
        key = api_key(target)
        log = target.folder / "serve.log"
        before = asyncio.run(count_rows(target.url, "links"))
        with lantern(target.env, 1, log):
            tally = asyncio.run(_flood(target, key, cases))
        after = asyncio.run(count_rows(target.url, "links"))
        tracebacks = log.read_text(errors="replace").count("Traceback")
        if tracebacks or tally.crashes:
            result.failures.append(f"server log ({keep_log(log, 'bad-urls')}): {log_errors(log)}")
    _judge(result, tally, after - before, len(cases))
    result.expect(tracebacks == 0, f"{tracebacks} tracebacks in the server log")
    statuses = ", ".join(f"{n}× {s}" for s, n in sorted(tally.statuses.items()))
    result.figure = (
        f"{len(cases):,} URLs in {len({c.family for c in cases})} families: {statuses}; "
        f"{tally.created} links created = {after - before} rows added; "
        f"{len(tally.invalid_accepted)} accepted URLs invalid; "
        f"refused/accepted per family: {tally.families()}"
    )
    return result


def _passable(case: Case) -> bool:
    """Can this URL be an argument of a process at all? (no NUL, encodable, not over the kernel's limit)"""
    if "\x00" in case.url:
        return False
    try:
        return len(os.fsencode(case.url)) < MAX_ARG_BYTES
    except UnicodeEncodeError:
        return False


def cli_drill() -> DrillResult:
    """A sample of the corpus through `lantern shorten --json -- URL`, two processes at a time."""
    cases = [case for case in corpus(CLI_CASES * 2, seed=9) if _passable(case)][:CLI_CASES]
    result = DrillResult(f"5. {len(cases)} hostile URLs via the CLI (sqlite)")
    tally = Tally()
    with scratch("sqlite", "urls-cli", **SETTINGS) as target:
        before = asyncio.run(count_rows(target.url, "links"))

        def one(case: Case) -> tuple[Case, int, str, str]:
            done = cli(target.env, "shorten", "--json", "--", case.url, folder=target.folder)
            return case, done.returncode, done.stdout, done.stderr

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            outcomes = list(pool.map(one, cases))
        after = asyncio.run(count_rows(target.url, "links"))
    unclear = []
    for case, code, out, err in outcomes:
        if code == 0:
            tally.accept(case, json.loads(out))
        elif code == 1 and err.startswith("lantern: ") and "Traceback" not in err:
            tally.refused_by_family[case.family] += 1
        else:
            unclear.append(f"exit {code} for {case.url[:80]!r}: {err.strip()[-200:]!r}")
        tally.statuses[code] += 1
    tally.crashes += unclear
    _judge(result, tally, after - before, len(cases))
    result.figure = (
        f"{len(cases)} URLs: {tally.statuses[0]} exit 0, {tally.statuses[1]} exit 1 with a one-line "
        f"'lantern: …' reason, {len(unclear)} other; {tally.created} links created = "
        f"{after - before} rows added; {len(tally.invalid_accepted)} accepted URLs invalid"
    )
    return result


def _judge(result: DrillResult, tally: Tally, rows_added: int, sent: int) -> None:
    result.requests = sent
    result.refused = sum(tally.refused_by_family.values())
    result.expect(not tally.crashes, f"{len(tally.crashes)} crashes, e.g. {tally.crashes[:3]}")
    result.expect(
        rows_added == tally.created, f"{rows_added} rows added but {tally.created} links reported created"
    )
    result.expect(
        not tally.invalid_accepted,
        f"{len(tally.invalid_accepted)} invalid URLs accepted: "
        + " · ".join(f"{n}× {text}" for text, n in Counter(tally.invalid_accepted).most_common(5)),
    )


def run() -> list[DrillResult]:
    """API flood, then the CLI sample."""
    return [api_drill(), cli_drill()]
