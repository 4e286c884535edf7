"""Per-request cost of attribution and of each scanner signal, measured on the real code.

A microbenchmark, not a throughput test: `VisitBuilder.build` (classification,
device parsing, privacy) over a realistic mix of user agents and addresses,
with scanner evidence off and on, plus each part of the evidence alone. Run it
with `python -m bench.scanner_bench`; `make bench` writes its table into
docs/benchmarks.md.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tests.core.corpus_2026 import BROWSERS_2026, EMAIL_SCANNERS, IN_APP_BROWSERS, PREVIEW_FETCHERS
from tracking.address_ranges import snapshot
from tracking.core.attribution import Classifier
from tracking.core.attribution.scanner_evidence import (
    RecentFetches,
    ScannerEvidence,
    ScannerPolicy,
    header_signals,
)
from tracking.core.links import Link
from tracking.core.visits import PrivacyPolicy, VisitBuilder, VisitRequest, truncate_ip

REQUESTS = 20_000


def _requests(seed: int = 7) -> list[VisitRequest]:
    """Mostly browsers from many home networks, some apps, previews and scanners, a few cloud addresses."""
    rng = random.Random(seed)
    agents = BROWSERS_2026 * 6 + [ua for ua, _, _ in IN_APP_BROWSERS + PREVIEW_FETCHERS + EMAIL_SCANNERS]
    out = []
    for _ in range(REQUESTS):
        cloud = rng.random() < 0.1
        ip = (
            f"3.{rng.randrange(128)}.{rng.randrange(256)}.9"
            if cloud
            else f"81.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        )
        out.append(
            VisitRequest(
                method="GET",
                user_agent=rng.choice(agents),
                referrer="",
                peer_ip=ip,
                accept_language=rng.random() > 0.05,
                client_hints=rng.random() > 0.05,
                fetch_metadata=rng.random() > 0.05,
                secure=True,
            )
        )
    return out


def _per_call(run: Callable[[], None], count: int) -> float:
    """Microseconds of this process's CPU per call: best of five passes (the machine is shared)."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best / count * 1e6


def measure() -> list[tuple[str, float]]:
    """(what, µs per request) for the hot path with and without each part of scanner evidence."""
    requests = _requests()
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    target = "https://example.com/"
    day_old = now - timedelta(days=1)
    link = Link(1, "abc", target, target, channel="email", campaign=None, sharer_id=None, created_at=day_old)
    ranges = snapshot().build()
    policy = ScannerPolicy()
    privacy = PrivacyPolicy()

    def builder(evidence: ScannerEvidence | None) -> Callable[[], None]:
        b = VisitBuilder(
            classifier=Classifier(scanner_policy=policy), privacy=privacy, scanner_evidence=evidence
        )
        b.warm_up()

        def run() -> None:
            for r in requests:
                b.build(r, link, at=now, salt="s")

        return run

    facts = [(r.user_agent, r.header_facts()) for r in requests]
    ips = [r.peer_ip for r in requests]
    nets = [truncate_ip(ip) or ip for ip in ips]

    def headers_only() -> None:
        for ua, f in facts:
            header_signals(ua, f)

    def ranges_only() -> None:
        for ip in ips:
            ranges.lookup(ip)

    def memory_only() -> None:
        memory = RecentFetches(horizon=30)
        for n, net in enumerate(nets):
            memory.observe(net, n % 50, preflight=False, now=n * 0.001, policy=policy)

    evidence = ScannerEvidence(policy=policy, ranges=ranges)
    rows = [
        ("`VisitBuilder.build`, scanner evidence off", _per_call(builder(None), REQUESTS)),
        ("`VisitBuilder.build`, every scanner signal on", _per_call(builder(evidence), REQUESTS)),
        ("header signals alone (`header_signals`)", _per_call(headers_only, REQUESTS)),
        (f"address-range lookup alone ({ranges.count:,} published ranges)", _per_call(ranges_only, REQUESTS)),
        ("batch and preflight memory alone (`RecentFetches.observe`)", _per_call(memory_only, REQUESTS)),
    ]  # fmt: skip
    return rows


def table(rows: list[tuple[str, float]]) -> list[str]:
    """The markdown table docs/benchmarks.md shows."""
    off = rows[0][1]
    out = ["| what | µs per request |", "|---|---|"]
    out += [f"| {what} | {us:.1f} |" for what, us in rows]
    out.append(f"| **added by scanner evidence** | **{rows[1][1] - off:.1f}** |")
    return out


if __name__ == "__main__":
    print("\n".join(table(measure())))
