"""`make drills`: every registered drill, its figure printed, the table written to docs/reliability.md.

To add a drill, write `drills/<name>.py` with a `run()` that returns a
`DrillResult` row, or a list of them (one per backend, say), and add it to
`DRILLS` below under its number; the number orders the table. The exit status is non-zero
when any row fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from drills import (
    abuse,
    bad_urls,
    forged_platforms,
    heavy_questions,
    hostile_requests,
    kill_under_load,
    migrations,
    online_backup,
    pg_outage,
    sigterm_under_load,
    slug_race,
)
from drills.result import DrillResult, Outcome

DOC = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"


@dataclass(frozen=True)
class Drill:
    """A registered drill: its number in issue #8, a short name, and the function that runs it."""

    number: int
    name: str
    run: Callable[[], DrillResult | Sequence[DrillResult]]


DRILLS: list[Drill] = [
    Drill(1, "kill-9", kill_under_load.run),
    Drill(2, "sigterm", sigterm_under_load.run),
    Drill(3, "pg-outage", pg_outage.run),
    Drill(4, "slug-race", slug_race.run),
    Drill(5, "bad-urls", bad_urls.run),
    Drill(5, "hostile-requests", hostile_requests.run),
    Drill(6, "forged-platforms", forged_platforms.run),
    Drill(7, "abuse", abuse.run),
    Drill(8, "migrations", migrations.run),
    Drill(8, "online-backup", online_backup.run),
    Drill(9, "heavy-questions", heavy_questions.run),
]


def run_one(drill: Drill) -> list[DrillResult]:
    """Run a drill; a drill that crashes is a failed row with its error, and the others still run."""
    started = time.monotonic()
    try:
        ran = drill.run()
        rows = [ran] if isinstance(ran, DrillResult) else list(ran)
    except Exception as error:  # noqa: BLE001 - reported as a failed row, with its traceback printed
        traceback.print_exc()
        rows = [DrillResult(f"{drill.number}. {drill.name}", failures=[f"crashed: {error!r}"])]
    seconds = time.monotonic() - started
    for row in rows:
        row.seconds = seconds / len(rows)
        print(row.line(), flush=True)
    return rows


def _machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    psql = subprocess.run(["psql", "--version"], capture_output=True, text=True, check=False)
    return [
        f"- CPU: {cpu}, {len(os.sched_getaffinity(0))} cores; memory {memory} GiB; {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {psql.stdout.strip()}",
        f"- Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]


def tally(rows: Sequence[DrillResult]) -> str:
    """E.g. "9 rows: 8 pass, 1 skipped, 0 fail"."""
    count = Counter(row.outcome for row in rows)
    return (
        f"{len(rows)} rows: {count[Outcome.PASSED]} pass, {count[Outcome.SKIPPED]} skipped, "
        f"{count[Outcome.FAILED]} fail"
    )


def _module(drill: Drill) -> str:
    return str(getattr(drill.run, "__module__", ""))


def _purpose(drill: Drill) -> str:
    """The first paragraph of the drill module's docstring, on one line."""
    doc = (sys.modules[_module(drill)].__doc__ or drill.name) if _module(drill) in sys.modules else drill.name
    return " ".join(doc.strip().split("\n\n", 1)[0].split())


def _cell(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def write(rows: list[DrillResult], seconds: float) -> None:
    """docs/reliability.md from one run."""
    failed = [r for r in rows if r.outcome is Outcome.FAILED]
    lines = [
        "# Reliability and security drills",
        "",
        f"Written by `make drills` (`python -m drills.run_all`) in {seconds / 60:.1f} minutes; every figure "
        "comes from that run. *Requests* is what the drill sent, *visits stored* what the database held "
        "afterwards, *lost* the 302s a client received without a stored visit (must be 0), *refused* the "
        "requests Lantern turned away or that got no redirect (cut connections included).",
        "",
        "## Machine",
        "",
        *_machine(),
        "",
        "## Summary",
        "",
        "| drill | requests | visits stored | lost | refused | result |",
        "|---|---:|---:|---:|---:|---|",
        *[
            f"| {r.drill} | {_cell(r.requests)} | {_cell(r.visits_stored)} | {_cell(r.lost)} "
            f"| {_cell(r.refused)} | {'**FAIL**' if r.outcome is Outcome.FAILED else r.outcome} |"
            for r in rows
        ],
        "",
        tally(rows) + (f"; failing: {', '.join(r.drill for r in failed)}." if failed else "."),
        "",
        "## Figures",
        "",
    ]
    for r in rows:
        lines.append(f"- **{r.drill}** ({r.seconds:.0f} s): {r.skipped or r.figure}")
        lines += [f"  - ✗ {failure}" for failure in r.failures]
    lines += ["", "## What each drill does", ""]
    lines += [f"- `drills/{_module(d).rsplit('.', 1)[-1]}.py` — {_purpose(d)}" for d in DRILLS]
    missing = sorted(set(range(1, 10)) - {d.number for d in DRILLS})
    if missing:
        lines += ["", f"Drills {', '.join(map(str, missing))} of issue #8 are not registered yet."]
    lines.append("")
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="names of the drills to run (default: all)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/reliability.md")
    args = parser.parse_args(argv)
    chosen = [d for d in DRILLS if not args.only or d.name in args.only or str(d.number) in args.only]
    started = time.monotonic()
    rows = [row for drill in sorted(chosen, key=lambda d: d.number) for row in run_one(drill)]
    if not args.no_write:
        write(rows, time.monotonic() - started)
        print(f"\nwritten to {DOC}")
    print(tally(rows))
    return 1 if any(r.outcome is Outcome.FAILED for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
