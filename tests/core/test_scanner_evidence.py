"""Scanner evidence beyond the user agent: each signal, the combination rule, and the memory."""

from __future__ import annotations

from itertools import combinations

import pytest

from tracking.core.attribution import Classifier, Evidence, Fetcher, VisitKind, VisitSignals, fetcher_of
from tracking.core.attribution.scanner_evidence import (
    HEADER_SIGNALS,
    SIGNALS,
    AddressRange,
    AddressRanges,
    HeaderFacts,
    RecentFetches,
    ScannerEvidence,
    ScannerPolicy,
    header_signals,
    parse_signals_name,
    signals_name,
)

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/138.0.0.0 Safari/537.36"
)
OLD_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582"
)
SAFARI_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.5 Mobile/15E148 Safari/604.1"
)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0"
FULL = HeaderFacts(accept_language=True, client_hints=True, fetch_metadata=True, secure=True)
BARE = HeaderFacts(accept_language=False, client_hints=False, fetch_metadata=False, secure=True)


def test_a_real_browser_with_its_headers_raises_no_header_signal() -> None:
    for agent in (CHROME, SAFARI_IOS, FIREFOX, OLD_EDGE):
        assert header_signals(agent, FULL) == frozenset()


def test_missing_headers_count_only_where_that_browser_sends_them() -> None:
    assert header_signals(CHROME, BARE) == {"no-lang", "no-ch", "no-fetch-meta"}
    assert header_signals(SAFARI_IOS, BARE) == {"no-lang", "no-fetch-meta"}  # WebKit sends no client hints
    assert header_signals(FIREFOX, BARE) == {"no-lang", "no-fetch-meta"}
    assert header_signals(OLD_EDGE, BARE) == {"no-lang"}  # Chromium 70: neither hints nor metadata
    # Over plain HTTP a browser sends neither hints nor fetch metadata: only Accept-Language counts.
    assert header_signals(CHROME, HeaderFacts(False, False, False, secure=False)) == {"no-lang"}
    assert header_signals("curl/8.0", BARE) == frozenset()  # not a browser: the UA rules decide


def test_no_combination_without_a_header_signal_makes_a_bot() -> None:
    policy = ScannerPolicy(threshold=2)
    network_only = [s for s in SIGNALS if s not in HEADER_SIGNALS]
    for size in range(len(network_only) + 1):
        for chosen in combinations(network_only, size):
            assert policy.decisive(chosen) is None


def test_strong_combined_evidence_makes_a_bot_and_weak_does_not() -> None:
    policy = ScannerPolicy()
    assert policy.decisive({"no-lang", "cloud-net"}) == frozenset({"no-lang", "cloud-net"})
    assert policy.decisive({"no-lang", "just-sent"}) is None  # 3 < 4
    assert policy.decisive({"no-ch", "no-fetch-meta", "batch"}) == frozenset(
        {"no-ch", "no-fetch-meta", "batch"}
    )
    assert policy.decisive({"no-lang", "cloud-net"}) is not None
    off = ScannerPolicy(enabled=frozenset({"no-lang"}))
    assert off.decisive({"no-lang", "cloud-net"}) is None  # a switched-off signal does not count


def test_signal_names_fit_the_rule_column_and_read_back() -> None:
    everything = signals_name(s for s in SIGNALS if s != "cloud-net")  # mail and cloud never both
    assert len(everything) <= 64
    assert parse_signals_name(everything) == frozenset(SIGNALS) - {"cloud-net"}
    assert signals_name({"batch", "no-lang"}) == "no-lang+batch"
    assert parse_signals_name("no-lang+nonsense") == {"no-lang"}
    assert parse_signals_name(None) == frozenset()


def test_ranges_prefer_mail_over_cloud_and_handle_both_families() -> None:
    ranges = AddressRanges(
        [
            AddressRange("40.0.0.0/8", "azure", "cloud"),
            AddressRange("40.107.0.0/16", "microsoft-exchange-online", "mail"),
            AddressRange("2600:1f00::/24", "aws", "cloud"),
            AddressRange("3.0.0.0/9", "aws", "cloud"),
            AddressRange("3.0.0.0/10", "aws", "cloud"),  # overlapping rows fold together
        ],
        date="2026-10-26",
    )
    assert ranges.lookup("40.107.3.4") == ("mail", "microsoft-exchange-online")
    assert ranges.lookup("40.1.2.3") == ("cloud", "azure")
    assert ranges.lookup("2600:1f18::1") == ("cloud", "aws")
    assert ranges.lookup("::ffff:3.1.2.3") == ("cloud", "aws")
    assert ranges.lookup("192.0.2.1") is None
    assert ranges.lookup("not an address") is None
    assert ranges.count == 5


def test_batches_and_preflights_are_per_network_and_expire() -> None:
    policy = ScannerPolicy(batch_links=3, batch_seconds=10, preflight_seconds=30)
    memory = RecentFetches(horizon=30, max_networks=2)
    assert memory.observe("a", 1, preflight=False, now=0, policy=policy) == set()
    assert memory.observe("a", 2, preflight=False, now=1, policy=policy) == set()
    assert memory.observe("b", 3, preflight=False, now=2, policy=policy) == set()  # another network
    assert memory.observe("a", 3, preflight=False, now=3, policy=policy) == {"batch"}
    assert memory.observe("a", 4, preflight=False, now=30, policy=policy) == set()  # the window passed
    assert memory.observe("a", 9, preflight=True, now=31, policy=policy) == set()
    assert memory.observe("a", 9, preflight=False, now=40, policy=policy) == {"preflight"}
    memory.observe("c", 1, preflight=False, now=41, policy=policy)  # only two networks are kept
    assert "b" not in memory._by_network


def test_evidence_gathers_every_switched_on_signal() -> None:
    ranges = AddressRanges([AddressRange("3.0.0.0/9", "aws", "cloud")])
    evidence = ScannerEvidence(policy=ScannerPolicy(), ranges=ranges)
    found = evidence.signals(
        user_agent=CHROME, headers=BARE, ip="3.1.2.3", network="3.1.2.0/24", link_id=1, method="GET", now=0,
        link_age=2.0,
    )  # fmt: skip
    assert found == {"no-lang", "no-ch", "no-fetch-meta", "cloud-net", "just-sent"}
    quiet = ScannerEvidence(policy=ScannerPolicy(enabled=frozenset({"batch"})), ranges=ranges)
    assert not quiet.signals(
        user_agent=CHROME,
        headers=BARE,
        ip="3.1.2.3",
        network=None,
        link_id=1,
        method="GET",
        now=0,
        link_age=2,
    )


@pytest.fixture
def classifier() -> Classifier:
    return Classifier(scanner_policy=ScannerPolicy())


def test_the_classifier_reads_strong_evidence_as_a_named_bot(classifier: Classifier) -> None:
    verdict = classifier.classify(
        VisitSignals("GET", CHROME, "", "email", scanner_signals=frozenset({"no-lang", "mail-net"}))
    )
    assert (verdict.kind, verdict.channel, verdict.evidence, verdict.rule) == (
        VisitKind.BOT, "email", Evidence.SCANNER_SIGNALS, "no-lang+mail-net",
    )  # fmt: skip
    assert fetcher_of(verdict) is Fetcher.EMAIL_SCANNER
    untagged = classifier.classify(
        VisitSignals("GET", CHROME, "", None, scanner_signals=frozenset({"no-lang", "batch"}))
    )
    assert (untagged.channel, fetcher_of(untagged)) == ("direct", Fetcher.SCANNER)


def test_user_agent_rows_and_weak_evidence_win_over_scanner_evidence(classifier: Classifier) -> None:
    whatsapp = classifier.classify(
        VisitSignals(
            "GET", "WhatsApp/2.24.25.78 A", "", None, scanner_signals=frozenset({"no-lang", "cloud-net"})
        )
    )
    assert whatsapp.kind is VisitKind.PREVIEW
    weak = classifier.classify(
        VisitSignals("GET", CHROME, "", "sms", scanner_signals=frozenset({"cloud-net", "batch", "just-sent"}))
    )
    assert (weak.kind, weak.channel, weak.evidence) == (VisitKind.CLICK, "sms", Evidence.LINK_TAG)
    off = Classifier().classify(
        VisitSignals("GET", CHROME, "", None, scanner_signals=frozenset({"no-lang", "cloud-net"}))
    )
    assert off.kind is VisitKind.CLICK  # no policy: the evidence is switched off


def test_the_question_language_names_bots_and_fetchers() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from tracking.core.questions.model import GroupBy, Metric
    from tracking.core.questions.parser import parse_question

    asked = parse_question(
        "bots by fetcher this week", now=datetime(2026, 12, 1, tzinfo=UTC), tz=ZoneInfo("UTC")
    )
    assert (asked.metric, asked.group_by) == (Metric.BOTS, GroupBy.FETCHER)
    scanners = parse_question(
        "scanners by fetcher", now=datetime(2026, 12, 1, tzinfo=UTC), tz=ZoneInfo("UTC")
    )
    assert scanners.metric is Metric.BOTS
