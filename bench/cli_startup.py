"""How long the command line takes before it does its work: `python -X importtime` per command.

Each command runs against a migrated SQLite file holding one link. For
every command the figures are the best of the runs (on a shared machine
the best run is the one least disturbed by others) of (a) the time spent
importing modules — everything the command loads, the database driver
included, so an upper bound of the time before it touches the database —
(b) the CPU time of the whole command and (c) its wall time.

`--source DIR` measures another checkout (e.g. the commit before a change)
with this virtual environment: DIR goes first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LANTERN_SCRIPT = str(Path(sys.executable).with_name("lantern"))
RUNS = 7
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def commands(slug: str) -> list[list[str]]:
    """The commands a person types most, and `--version` as the floor."""
    return [
        ["--version"],
        ["shorten", "https://example.com/post", "--channel", "whatsapp"],
        ["stats", "clicks by channel this week"],
        ["links", "list"],
        ["links", "show", slug],
        ["api-key", "list"],
    ]


def import_seconds(stderr: str) -> tuple[float, int, list[tuple[float, str]]]:
    """Total import time (the top-level entries' cumulative times), modules imported, the largest five."""
    top: list[tuple[float, str]] = []
    modules = 0
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        modules += 1
        if len(match.group(3)) == 1:  # one space: imported by the program, not by a module
            top.append((int(match.group(2)) / 1e6, match.group(4)))
    return sum(seconds for seconds, _ in top), modules, sorted(top, reverse=True)[:5]


def measure(env: dict[str, str], args: list[str], runs: int) -> dict[str, Any]:
    """Best import, CPU and wall time of one command over `runs` runs."""
    imports: list[float] = []
    walls: list[float] = []
    cpus: list[float] = []
    largest: list[tuple[float, str]] = []
    name = "lantern " + " ".join(a if " " not in a else repr(a) for a in args[:2])
    for _ in range(runs):
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-X", "importtime", LANTERN_SCRIPT, *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        if done.returncode != 0:
            return {"command": name, "error": done.stderr.strip().splitlines()[-1]}
        total, modules, top = import_seconds(done.stderr)
        if not imports or total < min(imports):
            largest = top
        imports.append(total)
    return {
        "command": name,
        "modules": modules,
        "import_s": min(imports),
        "cpu_s": min(cpus),
        "wall_s": min(walls),
        "largest_imports": [(round(s, 3), module) for s, module in largest],
    }


def run(source: Path | None = None, runs: int = RUNS) -> list[dict[str, Any]]:
    """Every command's figures, on a scratch database."""
    with tempfile.TemporaryDirectory(prefix="lantern-cli-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
        env["LANTERN_DATABASE_URL"] = f"sqlite+aiosqlite:///{Path(tmp) / 'lantern.db'}"
        if source is not None:
            env["PYTHONPATH"] = str(source)
        made = subprocess.run(
            [LANTERN_SCRIPT, "shorten", "https://example.com/"], env=env, capture_output=True, text=True
        )
        slug = made.stdout.strip().rsplit("/", 1)[-1]
        return [measure(env, args, runs) for args in commands(slug)]


def markdown(rows: list[dict[str, Any]], before: list[dict[str, Any]] | None = None) -> list[str]:
    """The table docs/benchmarks.md shows."""
    out = [
        "| command | modules imported | imports, s | CPU of the whole command, s | wall, s "
        "| largest imports (best run), s |",
        "|---|---|---|---|---|---|",
    ]
    old = {r["command"]: r for r in before or [] if "error" not in r}

    def cell(row: dict[str, Any], key: str) -> str:
        was = old.get(row["command"])
        shown = f"{row[key]}" if isinstance(row[key], int) else f"{row[key]:.3f}"
        if was is None:
            return shown
        return shown + (f" (was {was[key]})" if isinstance(was[key], int) else f" (was {was[key]:.3f})")

    for r in rows:
        if "error" in r:
            continue
        largest = ", ".join(f"`{name}` {s:.2f}" for s, name in r["largest_imports"][:3])
        out.append(
            f"| `{r['command']}` | {cell(r, 'modules')} | {cell(r, 'import_s')} | {cell(r, 'cpu_s')} "
            f"| {cell(r, 'wall_s')} "
            f"| {largest} |"
        )
    return out


def section(rows: list[dict[str, Any]], before: list[dict[str, Any]] | None = None) -> list[str]:
    """The "Command-line start-up" section of docs/benchmarks.md."""
    return [
        "## Command-line start-up",
        "",
        "`python -m bench.cli_startup`: each command under `python -X importtime` against a migrated "
        "SQLite file, best of several runs. *Imports* is everything the command loads, the database "
        "driver included — an upper bound of the time before it touches the database. The command line "
        "imports only what a command needs: `lantern/composition.py` imports the serving parts (aiohttp, "
        "the tracker, the writers, the bots, Prometheus) inside the functions that build them, Alembic "
        "is imported only when a migration really runs (an up-to-date SQLite file is recognised with one "
        "query), and matplotlib only for `--chart`.",
        "",
        *markdown(rows, before),
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=None, help="measure this checkout instead")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--before", type=Path, default=None, help="also measure this checkout, to compare")
    args = parser.parse_args()
    rows = run(args.source, args.runs)
    before = run(args.before, args.runs) if args.before else None
    for row in [*rows, *(before or [])]:
        print(json.dumps(row), flush=True)
    print("\n".join(markdown(rows, before)))


if __name__ == "__main__":
    main()
