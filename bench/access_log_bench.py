"""What `LANTERN_ACCESS_LOG=true` costs the redirect path: rounds alternating off and on.

One SQLite worker, one link, wrk with a browser user agent on loopback,
the log going to a file as it would in production. Alternating rounds
keep slow drift of a shared machine out of the comparison; the figure is
the median of each side.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.servers import LANTERN, free_port, lantern, lantern_env, shorten
from bench.wrk import run_wrk


def run(rounds: int = 3, seconds: int = 8) -> dict[str, Any]:
    """Median requests/s and p99 with the access log off and on."""
    figures: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
    with tempfile.TemporaryDirectory(prefix="lantern-access-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        env = lantern_env(f"sqlite+aiosqlite:///{workdir / 'lantern.db'}", port)
        subprocess.run([LANTERN, "db", "upgrade"], env=env, check=True, capture_output=True)
        slug = shorten(env)
        for n in range(rounds):
            for state in ("off", "on"):
                env["LANTERN_ACCESS_LOG"] = "true" if state == "on" else "false"
                with lantern(env, 1, workdir / f"serve-{state}-{n}.log") as server:
                    url = f"http://127.0.0.1:{server.port}/{slug}"
                    run_wrk(url, seconds=2)
                    result = run_wrk(url, seconds=seconds)
                figures[state].append((result.requests_per_s, result.p99_ms))
    off = statistics.median(r for r, _ in figures["off"])
    on = statistics.median(r for r, _ in figures["on"])
    return {
        "rounds": rounds,
        "seconds": seconds,
        "off_requests_per_s": off,
        "on_requests_per_s": on,
        "ratio": on / off,
        "off_p99_ms": statistics.median(p for _, p in figures["off"]),
        "on_p99_ms": statistics.median(p for _, p in figures["on"]),
        "all": figures,
    }


def section(result: dict[str, Any]) -> list[str]:
    """The "Access log" section of docs/benchmarks.md."""
    rounds = ", ".join(
        f"{off:,.0f} / {on:,.0f}"
        for (off, _), (on, _) in zip(result["all"]["off"], result["all"]["on"], strict=True)
    )
    return [
        "## Access log",
        "",
        f"`python -m bench.access_log_bench`: one SQLite worker, one link, wrk on loopback, "
        f"{result['rounds']} rounds of {result['seconds']} s alternating `LANTERN_ACCESS_LOG` off and on "
        "(the log written to a file).",
        "",
        "| access log | requests/s (median) | p99 ms (median) |",
        "|---|---|---|",
        f"| off | {result['off_requests_per_s']:,.0f} | {result['off_p99_ms']:.1f} |",
        f"| on | {result['on_requests_per_s']:,.0f} | {result['on_p99_ms']:.1f} |",
        "",
        f"On / off: {result['ratio']:.2f}×. Rounds, off / on requests/s: {rounds}.",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(run(args.rounds, args.seconds)))


if __name__ == "__main__":
    main()
