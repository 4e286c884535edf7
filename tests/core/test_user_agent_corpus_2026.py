"""The second corpus (2024-2026 user agents) through the real classifier, and what it may never do."""

from __future__ import annotations

import pytest

from tests.core.corpus_2026 import (
    BROWSERS_2026,
    EMAIL_SCANNERS,
    IN_APP_BROWSERS,
    PREVIEW_FETCHERS,
    TRAPS_AND_CRAWLERS,
)
from tests.core.test_user_agent_corpus import APPS, BOTS, BROWSERS
from tracking.core.attribution import Classifier, Fetcher, VisitSignals, fetcher_of

CASES = EMAIL_SCANNERS + IN_APP_BROWSERS + PREVIEW_FETCHERS + TRAPS_AND_CRAWLERS


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


def test_the_corpus_is_big_and_has_no_duplicates() -> None:
    agents = [ua for ua, _, _ in CASES] + BROWSERS_2026
    assert len(agents) >= 190
    assert len(set(agents)) == len(agents)
    first = {ua for ua, _, _ in APPS} | {ua for ua, *_ in BROWSERS} | set(BOTS)
    assert len(set(agents) - first) >= 150  # new strings, not the first corpus again


@pytest.mark.parametrize(("user_agent", "kind", "channel"), CASES)
def test_each_reads_right_on_an_untagged_link(
    classifier: Classifier, user_agent: str, kind: str, channel: str
) -> None:
    verdict = classifier.classify(VisitSignals("GET", user_agent, "", None))
    assert (verdict.kind, verdict.channel) == (kind, channel)


@pytest.mark.parametrize(("user_agent", "kind", "channel"), CASES)
def test_on_a_tagged_link_bots_keep_the_tag_and_apps_name_themselves(
    classifier: Classifier, user_agent: str, kind: str, channel: str
) -> None:
    verdict = classifier.classify(VisitSignals("GET", user_agent, "", "slack"))
    assert (verdict.kind, verdict.channel) == (kind, "slack" if kind == "bot" else channel)


@pytest.mark.parametrize(("user_agent", "kind", "channel"), EMAIL_SCANNERS)
def test_email_scanners_are_named_as_such(
    classifier: Classifier, user_agent: str, kind: str, channel: str
) -> None:
    verdict = classifier.classify(VisitSignals("GET", user_agent, "", "email"))
    assert (verdict.kind, verdict.channel, fetcher_of(verdict)) == ("bot", "email", Fetcher.EMAIL_SCANNER)


@pytest.mark.parametrize(("user_agent", "kind", "channel"), TRAPS_AND_CRAWLERS)
def test_crawlers_with_app_names_are_never_previews_or_email(
    classifier: Classifier, user_agent: str, kind: str, channel: str
) -> None:
    verdict = classifier.classify(VisitSignals("GET", user_agent, "", None))
    assert fetcher_of(verdict) not in {Fetcher.PERSON, Fetcher.LINK_PREVIEW, Fetcher.EMAIL_SCANNER}


ALL_BROWSERS = BROWSERS_2026 + [ua for ua, *_ in BROWSERS]


@pytest.mark.parametrize("user_agent", ALL_BROWSERS)
@pytest.mark.parametrize("tag", [None, "email", "whatsapp"])
def test_ordinary_browsers_are_always_clicks(
    classifier: Classifier, user_agent: str, tag: str | None
) -> None:
    verdict = classifier.classify(VisitSignals("GET", user_agent, "", tag))
    assert (verdict.kind, verdict.channel) == ("click", tag or "direct")


def test_the_figures_the_readme_quotes(classifier: Classifier) -> None:
    right = sum(
        (v.kind, v.channel) == (kind, channel)
        for ua, kind, channel in CASES
        for v in [classifier.classify(VisitSignals("GET", ua, "", None))]
    )
    assert right == len(CASES)
    assert all(classifier.classify(VisitSignals("GET", ua, "", None)).kind == "click" for ua in ALL_BROWSERS)


# Browsers on phones whose model name is a crawler's word (device-detector fixtures): still people.
PHONES_NAMED_LIKE_CRAWLERS = [
    "Mozilla/5.0 (Linux; Android 13; Spider 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Linux; Android 11; AUPO Zeus 10 Pro) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.6261.119 Safari/537.36 OPR/81.2.4292.78581",
    "Mozilla/5.0 (Linux; arm; Android 9; yandexstation_2 Build/PPR1.180610.011; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.550 Mobile Safari/537.36",
]


@pytest.mark.parametrize("user_agent", PHONES_NAMED_LIKE_CRAWLERS)
def test_a_phone_named_like_a_crawler_is_a_person(classifier: Classifier, user_agent: str) -> None:
    assert classifier.classify(VisitSignals("GET", user_agent, "", None)).kind == "click"


def test_crawlers_that_hide_in_the_platform_segment_are_still_bots(classifier: Classifier) -> None:
    for agent in (
        "Mozilla/5.0 (Linux; Android 8.0; Pixel 2 Build/OPD3.170816.012; Storebot-Google/1.0) "
        "AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/81.0.4044.138 Mobile Safari/537.36",
        "Mozilla/5.0 (compatible; Linux x86_64; Mail.RU_Bot/2.0; +http://go.mail.ru/help/robots)",
    ):
        assert classifier.classify(VisitSignals("GET", agent, "", None)).kind == "bot"
