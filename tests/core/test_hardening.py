"""Core fixes from issue 11: look-alike sub-domains, handles that never run out, ports in
X-Forwarded-For, unbalanced curly quotes, and answers with a bounded number of buckets."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracking.core.errors import InvalidInput, InvalidUrl
from tracking.core.links import SharerRef, handle_candidates
from tracking.core.questions.buckets import MAX_BUCKETS, fit_series, series_buckets
from tracking.core.questions.model import GroupBy, Interpretation, Metric, QuestionNotUnderstood
from tracking.core.questions.parser import parse_question
from tracking.core.urls import HostPolicy, validate_target
from tracking.core.visits import client_ip, parse_networks, truncate_ip

NOW = datetime(2026, 11, 26, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("host", ["раураӏ.com", "login.раураӏ.com", "a.b.раураӏ.com", "www.раураӏ.com"])
def test_a_look_alike_of_a_denied_domain_is_refused_with_its_sub_domains(host: str) -> None:
    policy = HostPolicy.build(["https://go.example.com"], ["paypal.com"])
    with pytest.raises(InvalidUrl) as refused:
        validate_target(f"https://{host}/", policy)
    assert refused.value.reason == "lookalike_host"


def test_a_sub_domain_of_a_look_alike_of_lantern_itself_is_refused() -> None:
    policy = HostPolicy.build(["https://go.example.com"])
    with pytest.raises(InvalidUrl) as refused:
        validate_target("https://login.gо.ехаmрlе.com/", policy)  # Cyrillic о, е, х, а, р
    assert refused.value.reason in {"lookalike_host", "mixed_script_host"}


def test_fifty_taken_handles_still_leave_one_for_the_person() -> None:
    ref = SharerRef("telegram", "4711", "Alice")
    candidates = handle_candidates(ref)
    taken = set(candidates[:50])
    free = [handle for handle in candidates if handle not in taken]
    assert free and all(len(handle) <= 40 for handle in candidates)
    other = handle_candidates(SharerRef("telegram", "4712", "Alice"))
    assert free[0] not in other[50:]  # another Alice gets other hashed handles


@pytest.mark.parametrize(
    ("forwarded", "network"),
    [
        ("203.0.113.5:4711", "203.0.113.0/24"),
        ("203.0.113.5:80, 10.0.0.1", "203.0.113.0/24"),
        ("[2001:db8:1:2::1]:443", "2001:db8:1::/48"),
        ("2001:db8:1:2::1", "2001:db8:1::/48"),
    ],
)
def test_a_forwarded_hop_with_a_port_maps_to_its_network(forwarded: str, network: str) -> None:
    trusted = parse_networks(["10.0.0.0/8"])
    assert truncate_ip(client_ip("10.0.0.2", forwarded, trusted)) == network


def test_unbalanced_curly_quotes_are_read_in_linear_time() -> None:
    began = time.perf_counter()
    for text in ("“ " * 50_000, "“" * 200_000, "clicks " + "“x " * 5_000):
        with contextlib.suppress(QuestionNotUnderstood):
            parse_question(text, now=NOW, tz=ZoneInfo("UTC"))
    assert time.perf_counter() - began < 5  # quadratic took 54 s for 100 k characters
    assert parse_question("clicks for campaign “spring sale” this week", now=NOW, tz=ZoneInfo("UTC")).campaign


def interpretation(group: GroupBy, days: int) -> Interpretation:
    return Interpretation(Metric.CLICKS, NOW - timedelta(days=days), NOW, "recently", group_by=group)


def test_a_series_that_fits_is_left_alone() -> None:
    asked = interpretation(GroupBy.HOUR, 40)
    assert fit_series(asked, NOW) == (asked, None)


def test_a_series_too_fine_for_its_period_is_coarsened_and_said_so() -> None:
    fitted, note = fit_series(interpretation(GroupBy.HOUR, 365 * 56), NOW)
    assert fitted.group_by is GroupBy.MONTH
    assert note is not None and "shown by month instead" in note
    fitted, note = fit_series(interpretation(GroupBy.HOUR, 400), NOW)
    assert fitted.group_by is GroupBy.DAY
    assert series_buckets(GroupBy.DAY, fitted.start, NOW) <= MAX_BUCKETS


def test_a_series_too_long_even_by_month_is_refused_with_a_suggestion() -> None:
    with pytest.raises(InvalidInput) as refused:
        fit_series(interpretation(GroupBy.DAY, 365 * 100), NOW)
    assert "by month since" in refused.value.message
