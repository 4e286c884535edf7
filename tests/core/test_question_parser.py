"""The question language: questions in, interpretations out, at fixed as-of moments in local time.

Expected periods are written out by hand (not computed with the code under
test), as local midnights in Europe/Berlin, so a wrong week start, month
roll-over or DST hour shows up as a plain inequality.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracking.core.channels import DARK_SOCIAL, Group, channels_in
from tracking.core.questions.model import GroupBy, Interpretation, Metric, QuestionNotUnderstood
from tracking.core.questions.parser import parse_question
from tracking.core.questions.render import describe_interpretation

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 15, 30, tzinfo=BERLIN)  # a Thursday; this week is Mon 23 – Sun 29 Nov
MSG = channels_in(frozenset({Group.MESSAGING}))
DARK = channels_in(DARK_SOCIAL)
SOCIAL = channels_in(frozenset({Group.SOCIAL}))
C, P, V, U, L = Metric.CLICKS, Metric.PREVIEWS, Metric.VISITS, Metric.UNIQUE_VISITORS, Metric.LINKS

_FILTERS = ("channels", "channel_filter", "campaign", "link", "sharer", "domain", "group_by", "top")


def at(text: str) -> datetime:
    """A local time in Berlin: "2026-11-23" is that midnight, "2026-11-25T15:30" that minute."""
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def case(question: str, metric: Metric, start: str, end: str, label: str | None = None, **fields: Any) -> Any:
    """One row: every filter not named must come out as None, so nothing extra is guessed."""
    return pytest.param(question, metric, start, end, label, fields, id=question)


def check(it: Interpretation, metric: Metric, start: str, end: str, label: str | None, fields: Any) -> None:
    assert it.metric is metric
    assert (it.start, it.end) == (at(start), at(end))
    assert it.start.isoformat() == at(start).isoformat() and it.end.isoformat() == at(end).isoformat()
    if label is not None:
        assert it.period == label
    for name in _FILTERS:
        assert getattr(it, name) == fields.get(name), name


# -- the main table, as of Thu 2026-11-26 15:30 in Berlin ------------------------------------------

MAIN = [
    # DESIGN.md examples
    case("clicks from messaging this week", C, "2026-11-23", "2026-11-30", "this week",
         channels=MSG, channel_filter="messaging"),
    case("shares by channel this month", P, "2026-11-01", "2026-12-01", "this month",
         group_by=GroupBy.CHANNEL),
    case("top 5 links last 30 days", C, "2026-10-28", "2026-11-27", "last 30 days",
         group_by=GroupBy.LINK, top=5),
    case("clicks by day since monday", C, "2026-11-23", "2026-11-27", "since Monday", group_by=GroupBy.DAY),
    case("clicks for campaign spring-sale in november", C, "2026-11-01", "2026-12-01", "in November 2026",
         campaign="spring-sale"),
    case("top sharers this week", C, "2026-11-23", "2026-11-30", "this week", group_by=GroupBy.SHARER,
         top=10),
    # natural variants
    case("How many clicks did we get from WhatsApp last week?", C, "2026-11-16", "2026-11-23", "last week",
         channels=("whatsapp",), channel_filter="whatsapp"),
    case("CLICKS VIA EMAIL TODAY", C, "2026-11-26", "2026-11-27", "today",
         channels=("email",), channel_filter="email"),
    case("previews over the past 3 days", P, "2026-11-24", "2026-11-27", "last 3 days"),
    case("clicks", C, "2026-11-20", "2026-11-27", "last 7 days"),
    case("Clicks?", C, "2026-11-20", "2026-11-27", "last 7 days"),
    case("click from whatsapp yesterday", C, "2026-11-25", "2026-11-26", "yesterday",
         channels=("whatsapp",), channel_filter="whatsapp"),
    case("what were the previews on telegram this month", P, "2026-11-01", "2026-12-01",
         channels=("telegram",), channel_filter="telegram"),
    case("show me visits via slack last month", V, "2026-10-01", "2026-11-01", "last month",
         channels=("slack",), channel_filter="slack"),
    case("number of unique visitors last week", U, "2026-11-16", "2026-11-23"),
    case("how many visitors came from sms today", U, "2026-11-26", "2026-11-27",
         channels=("sms",), channel_filter="sms"),
    case("how many people clicked from wa this week", U, "2026-11-23", "2026-11-30",
         channels=("whatsapp",), channel_filter="whatsapp"),
    case("links created this year", L, "2026-01-01", "2027-01-01", "this year"),
    case("how many links did we create last year", L, "2025-01-01", "2026-01-01", "last year"),
    case("Total number of shares, please!", P, "2026-11-20", "2026-11-27"),
    # channels, groups, aliases, unions
    case("whatsapp clicks this week", C, "2026-11-23", "2026-11-30",
         channels=("whatsapp",), channel_filter="whatsapp"),
    case("tg previews yesterday", P, "2026-11-25", "2026-11-26", channels=("telegram",),
         channel_filter="telegram"),
    case("clicks via mail last 7 days", C, "2026-11-20", "2026-11-27", "last 7 days",
         channels=("email",), channel_filter="email"),
    case("clicks via text", C, "2026-11-20", "2026-11-27", channels=("sms",), channel_filter="sms"),
    case("clicks from dark social this month", C, "2026-11-01", "2026-12-01",
         channels=DARK, channel_filter="dark social"),
    case("dark social shares last week", P, "2026-11-16", "2026-11-23", channels=DARK,
         channel_filter="dark social"),
    case("clicks from whatsapp and telegram", C, "2026-11-20", "2026-11-27",
         channels=("whatsapp", "telegram"), channel_filter="whatsapp and telegram"),
    case("clicks on whatsapp, email", C, "2026-11-20", "2026-11-27",
         channels=("whatsapp", "email"), channel_filter="whatsapp and email"),
    case("clicks from email and whatsapp", C, "2026-11-20", "2026-11-27",
         channels=("whatsapp", "email"), channel_filter="email and whatsapp"),
    case("clicks from messaging and email this week", C, "2026-11-23", "2026-11-30",
         channels=(*MSG, "email"), channel_filter="messaging and email"),
    case("clicks in slack today", C, "2026-11-26", "2026-11-27", channels=("slack",), channel_filter="slack"),
    case("clicks from social media last month", C, "2026-10-01", "2026-11-01",
         channels=SOCIAL, channel_filter="social"),
    case("clicks from google chat", C, "2026-11-20", "2026-11-27",
         channels=("googlechat",), channel_filter="googlechat"),
    # campaigns, links, domains, sharers
    case("clicks for campaign spring-sale", C, "2026-11-20", "2026-11-27", campaign="spring-sale"),
    case("previews in campaign black-friday last week", P, "2026-11-16", "2026-11-23",
         campaign="black-friday"),
    case("campaign Summer24 clicks", C, "2026-11-20", "2026-11-27", campaign="summer24"),
    case("clicks for the spring-sale campaign", C, "2026-11-20", "2026-11-27", campaign="spring-sale"),
    case('clicks for campaign "Spring Sale" this week', C, "2026-11-23", "2026-11-30",
         campaign="spring-sale"),
    case("clicks for link abc1234", C, "2026-11-20", "2026-11-27", link="abc1234"),
    case("clicks for /abc1234 today", C, "2026-11-26", "2026-11-27", link="abc1234"),
    case("clicks for https://go.example/abc1234 this week", C, "2026-11-23", "2026-11-30", link="abc1234"),
    case("visits for link Spring_Sale-2026", V, "2026-11-20", "2026-11-27", link="Spring_Sale-2026"),
    case("clicks for example.com", C, "2026-11-20", "2026-11-27", domain="example.com"),
    case("clicks to Example.COM last week", C, "2026-11-16", "2026-11-23", domain="example.com"),
    case("visits domain shop.example.org this month", V, "2026-11-01", "2026-12-01",
         domain="shop.example.org"),
    case("clicks by @alice", C, "2026-11-20", "2026-11-27", sharer="alice"),
    case("clicks by Alice this week", C, "2026-11-23", "2026-11-30", sharer="Alice"),
    case("previews shared by bob yesterday", P, "2026-11-25", "2026-11-26", sharer="bob"),
    case("links created by @alice this year", L, "2026-01-01", "2027-01-01", sharer="alice"),
    # shape
    case("clicks by day this week", C, "2026-11-23", "2026-11-30", group_by=GroupBy.DAY),
    case("clicks per day last 30 days", C, "2026-10-28", "2026-11-27", group_by=GroupBy.DAY),
    case("daily clicks this month", C, "2026-11-01", "2026-12-01", group_by=GroupBy.DAY),
    case("weekly clicks this year", C, "2026-01-01", "2027-01-01", group_by=GroupBy.WEEK),
    case("monthly visits this year", V, "2026-01-01", "2027-01-01", group_by=GroupBy.MONTH),
    case("clicks by hour today", C, "2026-11-26", "2026-11-27", group_by=GroupBy.HOUR),
    case("clicks by the hour last 24 hours", C, "2026-11-25T15:30", "2026-11-26T15:30",
         group_by=GroupBy.HOUR),
    case("clicks by channel last week", C, "2026-11-16", "2026-11-23", group_by=GroupBy.CHANNEL),
    case("clicks by campaign this month", C, "2026-11-01", "2026-12-01", group_by=GroupBy.CAMPAIGN),
    case("clicks by link", C, "2026-11-20", "2026-11-27", group_by=GroupBy.LINK),
    case("clicks by sharer this month", C, "2026-11-01", "2026-12-01", group_by=GroupBy.SHARER),
    case("clicks by workspace this month", C, "2026-11-01", "2026-12-01", group_by=GroupBy.WORKSPACE),
    case("clicks by country last 7 days", C, "2026-11-20", "2026-11-27", group_by=GroupBy.COUNTRY),
    case("visits by device this week", V, "2026-11-23", "2026-11-30", group_by=GroupBy.DEVICE),
    case("visits per browser today", V, "2026-11-26", "2026-11-27", group_by=GroupBy.BROWSER),
    case("top 3 channels this month", C, "2026-11-01", "2026-12-01", group_by=GroupBy.CHANNEL, top=3),
    case("top campaigns last month", C, "2026-10-01", "2026-11-01", group_by=GroupBy.CAMPAIGN, top=10),
    case("top 10 countries this year", C, "2026-01-01", "2027-01-01", group_by=GroupBy.COUNTRY, top=10),
    case("top five links yesterday", C, "2026-11-25", "2026-11-26", group_by=GroupBy.LINK, top=5),
    case("top sharers by previews this week", P, "2026-11-23", "2026-11-30", group_by=GroupBy.SHARER, top=10),
    case("top links", C, "2026-11-20", "2026-11-27", group_by=GroupBy.LINK, top=10),
    # every time phrase
    case("clicks last 24 hours", C, "2026-11-25T15:30", "2026-11-26T15:30", "last 24 hours"),
    case("clicks in the past 2 hours", C, "2026-11-26T13:30", "2026-11-26T15:30", "last 2 hours"),
    case("clicks in the last hour", C, "2026-11-26T14:30", "2026-11-26T15:30", "last 1 hour"),
    case("clicks last 14 days", C, "2026-11-13", "2026-11-27", "last 14 days"),
    case("clicks last seven days", C, "2026-11-20", "2026-11-27", "last 7 days"),
    case("clicks last 1 day", C, "2026-11-26", "2026-11-27", "last 1 day"),
    case("clicks over the last 2 weeks", C, "2026-11-13", "2026-11-27", "last 2 weeks"),
    case("clicks over the past two weeks", C, "2026-11-13", "2026-11-27", "last 2 weeks"),
    case("clicks last 3 months", C, "2026-08-27", "2026-11-27", "last 3 months"),
    case("clicks during the last 2 months", C, "2026-09-27", "2026-11-27", "last 2 months"),
    case("clicks in the past 2 years", C, "2024-11-27", "2026-11-27", "last 2 years"),
    case("clicks during the past week", C, "2026-11-20", "2026-11-27", "past week"),
    case("clicks past month", C, "2026-10-27", "2026-11-27", "past month"),
    case("previews in the last twenty-four hours", P, "2026-11-25T15:30", "2026-11-26T15:30",
         "last 24 hours"),
    case("clicks this week", C, "2026-11-23", "2026-11-30", "this week"),
    case("clicks last week", C, "2026-11-16", "2026-11-23", "last week"),
    case("clicks this month", C, "2026-11-01", "2026-12-01", "this month"),
    case("clicks last month", C, "2026-10-01", "2026-11-01", "last month"),
    case("clicks during last month", C, "2026-10-01", "2026-11-01", "last month"),
    case("clicks this year", C, "2026-01-01", "2027-01-01", "this year"),
    case("clicks last year", C, "2025-01-01", "2026-01-01", "last year"),
    case("clicks today", C, "2026-11-26", "2026-11-27", "today"),
    case("today's clicks", C, "2026-11-26", "2026-11-27", "today"),
    case("clicks yesterday", C, "2026-11-25", "2026-11-26", "yesterday"),
    case("clicks since wednesday", C, "2026-11-25", "2026-11-27", "since Wednesday"),
    case("clicks since thursday", C, "2026-11-26", "2026-11-27", "since Thursday"),
    case("clicks since last thursday", C, "2026-11-19", "2026-11-27", "since last Thursday"),
    case("clicks since 2026-11-02", C, "2026-11-02", "2026-11-27", "since 2026-11-02"),
    case("clicks since november 2", C, "2026-11-02", "2026-11-27", "since 2026-11-02"),
    case("clicks since nov 2", C, "2026-11-02", "2026-11-27", "since 2026-11-02"),
    case("clicks since nov 2nd", C, "2026-11-02", "2026-11-27", "since 2026-11-02"),
    case("clicks since 2 november", C, "2026-11-02", "2026-11-27", "since 2026-11-02"),
    case("clicks since december 5", C, "2025-12-05", "2026-11-27", "since 2025-12-05"),
    case("clicks since yesterday", C, "2026-11-25", "2026-11-27", "since yesterday"),
    case("clicks since last week", C, "2026-11-16", "2026-11-27", "since last week"),
    case("clicks since may", C, "2026-05-01", "2026-11-27", "since May 2026"),
    case("clicks since 2026", C, "2026-01-01", "2026-11-27", "since 2026"),
    case("clicks from 2026-11-20", C, "2026-11-20", "2026-11-27", "since 2026-11-20"),
    case("clicks in october", C, "2026-10-01", "2026-11-01", "in October 2026"),
    case("clicks in december", C, "2025-12-01", "2026-01-01", "in December 2025"),
    case("clicks in november", C, "2026-11-01", "2026-12-01", "in November 2026"),
    case("clicks during oct 2025", C, "2025-10-01", "2025-11-01", "in October 2025"),
    case("clicks in may", C, "2026-05-01", "2026-06-01", "in May 2026"),
    case("clicks in 2026-10", C, "2026-10-01", "2026-11-01", "in October 2026"),
    case("clicks in 2026", C, "2026-01-01", "2027-01-01", "in 2026"),
    case("clicks in 2025", C, "2025-01-01", "2026-01-01", "in 2025"),
    case("clicks on 2026-11-20", C, "2026-11-20", "2026-11-21", "on 2026-11-20"),
    case("clicks on nov 20", C, "2026-11-20", "2026-11-21", "on 2026-11-20"),
    case("clicks on monday", C, "2026-11-23", "2026-11-24", "on Monday"),
    case("clicks on thursday", C, "2026-11-26", "2026-11-27", "on Thursday"),
    case("clicks on sat", C, "2026-11-21", "2026-11-22", "on Saturday"),
    case("clicks last friday", C, "2026-11-20", "2026-11-21", "last Friday"),
    case("clicks between 2026-11-01 and 2026-11-15", C, "2026-11-01", "2026-11-16",
         "between 2026-11-01 and 2026-11-15"),
    case("clicks from 2026-11-01 to 2026-11-15", C, "2026-11-01", "2026-11-16",
         "from 2026-11-01 to 2026-11-15"),
    case("clicks 2026-11-01 - 2026-11-15", C, "2026-11-01", "2026-11-16", "from 2026-11-01 to 2026-11-15"),
    case("clicks between nov 1 and nov 15", C, "2026-11-01", "2026-11-16",
         "between 2026-11-01 and 2026-11-15"),
    case("clicks between dec 20 and jan 5", C, "2025-12-20", "2026-01-06",
         "between 2025-12-20 and 2026-01-05"),
    case("clicks from monday to wednesday", C, "2026-11-23", "2026-11-26", "from 2026-11-23 to 2026-11-25"),
    case("clicks between 2026-11-20 and today", C, "2026-11-20", "2026-11-27"),
    # everything together
    case("unique visitors from whatsapp by day last 14 days", U, "2026-11-13", "2026-11-27",
         channels=("whatsapp",), channel_filter="whatsapp", group_by=GroupBy.DAY),
    case("top 5 links from messaging this month", C, "2026-11-01", "2026-12-01",
         channels=MSG, channel_filter="messaging", group_by=GroupBy.LINK, top=5),
    case("clicks for campaign spring-sale from whatsapp by day this week", C, "2026-11-23", "2026-11-30",
         channels=("whatsapp",), channel_filter="whatsapp", campaign="spring-sale", group_by=GroupBy.DAY),
    case("how many previews did we get from dark social by channel last month", P, "2026-10-01", "2026-11-01",
         channels=DARK, channel_filter="dark social", group_by=GroupBy.CHANNEL),
    case("What's the number of clicks to example.com shared by @bob since monday?", C, "2026-11-23",
         "2026-11-27", domain="example.com", sharer="bob"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "metric", "start", "end", "label", "fields"), MAIN)
def test_questions_as_of_a_thursday_in_berlin(
    question: str, metric: Metric, start: str, end: str, label: str | None, fields: Any
) -> None:
    check(parse_question(question, now=NOW, tz=BERLIN), metric, start, end, label, fields)


# -- right after a month boundary: Tue 2026-12-01 00:30 ----------------------------------------------

AFTER_MONTH = [
    case("clicks today", C, "2026-12-01", "2026-12-02"),
    case("clicks yesterday", C, "2026-11-30", "2026-12-01"),
    case("clicks this week", C, "2026-11-30", "2026-12-07"),
    case("clicks last week", C, "2026-11-23", "2026-11-30"),
    case("clicks this month", C, "2026-12-01", "2027-01-01"),
    case("clicks last month", C, "2026-11-01", "2026-12-01"),
    case("clicks this year", C, "2026-01-01", "2027-01-01"),
    case("clicks last 7 days", C, "2026-11-25", "2026-12-02"),
    case("clicks in december", C, "2026-12-01", "2027-01-01", "in December 2026"),
    case("clicks in november", C, "2026-11-01", "2026-12-01", "in November 2026"),
    case("clicks last 24 hours", C, "2026-11-30T00:30", "2026-12-01T00:30"),
    case("clicks since monday", C, "2026-11-30", "2026-12-02"),
    case("clicks last 2 months", C, "2026-10-02", "2026-12-02"),
]


@pytest.mark.parametrize(("question", "metric", "start", "end", "label", "fields"), AFTER_MONTH)
def test_right_after_a_month_boundary(
    question: str, metric: Metric, start: str, end: str, label: str | None, fields: Any
) -> None:
    now = datetime(2026, 12, 1, 0, 30, tzinfo=BERLIN)
    check(parse_question(question, now=now, tz=BERLIN), metric, start, end, label, fields)


# -- right after a year boundary: Fri 2027-01-01 00:30 ----------------------------------------------

AFTER_YEAR = [
    case("clicks today", C, "2027-01-01", "2027-01-02"),
    case("clicks yesterday", C, "2026-12-31", "2027-01-01"),
    case("clicks this week", C, "2026-12-28", "2027-01-04"),
    case("clicks last week", C, "2026-12-21", "2026-12-28"),
    case("clicks this month", C, "2027-01-01", "2027-02-01"),
    case("clicks last month", C, "2026-12-01", "2027-01-01"),
    case("clicks this year", C, "2027-01-01", "2028-01-01"),
    case("clicks last year", C, "2026-01-01", "2027-01-01"),
    case("clicks in december", C, "2026-12-01", "2027-01-01", "in December 2026"),
    case("clicks in january", C, "2027-01-01", "2027-02-01", "in January 2027"),
    case("clicks last 7 days", C, "2026-12-26", "2027-01-02"),
    case("clicks since nov 2", C, "2026-11-02", "2027-01-02", "since 2026-11-02"),
    case("clicks between dec 30 and jan 2", C, "2026-12-30", "2027-01-03"),
    case("clicks in 2027", C, "2027-01-01", "2028-01-01"),
    case("clicks since friday", C, "2027-01-01", "2027-01-02"),
]


@pytest.mark.parametrize(("question", "metric", "start", "end", "label", "fields"), AFTER_YEAR)
def test_right_after_a_year_boundary(
    question: str, metric: Metric, start: str, end: str, label: str | None, fields: Any
) -> None:
    now = datetime(2027, 1, 1, 0, 30, tzinfo=BERLIN)
    check(parse_question(question, now=now, tz=BERLIN), metric, start, end, label, fields)


# -- across DST changes in Berlin: clocks go back on Sun 2026-10-25, forward on Sun 2027-03-28 ------------

DST = [
    # as of the autumn change day itself, 12:00 CET
    ("2026-10-25T12:00", "clicks today", "2026-10-25T00:00+02:00", "2026-10-26T00:00+01:00"),
    ("2026-10-25T12:00", "clicks yesterday", "2026-10-24T00:00+02:00", "2026-10-25T00:00+02:00"),
    ("2026-10-25T12:00", "clicks last 24 hours", "2026-10-24T13:00+02:00", "2026-10-25T12:00+01:00"),
    ("2026-10-25T12:00", "clicks this week", "2026-10-19T00:00+02:00", "2026-10-26T00:00+01:00"),
    ("2026-10-25T12:00", "clicks last 7 days", "2026-10-19T00:00+02:00", "2026-10-26T00:00+01:00"),
    ("2026-10-25T12:00", "clicks this month", "2026-10-01T00:00+02:00", "2026-11-01T00:00+01:00"),
    # as of the Monday after
    ("2026-11-02T09:00", "clicks last week", "2026-10-26T00:00+01:00", "2026-11-02T00:00+01:00"),
    ("2026-11-02T09:00", "clicks last month", "2026-10-01T00:00+02:00", "2026-11-01T00:00+01:00"),
    ("2026-11-02T09:00", "clicks in october", "2026-10-01T00:00+02:00", "2026-11-01T00:00+01:00"),
    ("2026-11-02T09:00", "clicks last 14 days", "2026-10-20T00:00+02:00", "2026-11-03T00:00+01:00"),
    ("2026-11-02T09:00", "clicks last 7 days", "2026-10-27T00:00+01:00", "2026-11-03T00:00+01:00"),
    ("2026-10-26T09:00", "clicks yesterday", "2026-10-25T00:00+02:00", "2026-10-26T00:00+01:00"),
    ("2026-10-26T09:00", "clicks on 2026-10-25", "2026-10-25T00:00+02:00", "2026-10-26T00:00+01:00"),
    # the spring change
    ("2027-03-28T12:00", "clicks today", "2027-03-28T00:00+01:00", "2027-03-29T00:00+02:00"),
    ("2027-03-28T12:00", "clicks last 24 hours", "2027-03-27T11:00+01:00", "2027-03-28T12:00+02:00"),
    ("2027-03-30T12:00", "clicks last week", "2027-03-22T00:00+01:00", "2027-03-29T00:00+02:00"),
]


@pytest.mark.parametrize(("as_of", "question", "start", "end"), DST)
def test_local_midnights_across_dst(as_of: str, question: str, start: str, end: str) -> None:
    it = parse_question(question, now=at(as_of), tz=BERLIN)
    assert it.start.isoformat(timespec="minutes") == start
    assert it.end.isoformat(timespec="minutes") == end


def test_a_day_across_the_autumn_change_is_25_hours_long() -> None:
    it = parse_question("clicks today", now=at("2026-10-25T12:00"), tz=BERLIN)
    assert (it.end.astimezone(UTC) - it.start.astimezone(UTC)).total_seconds() == 25 * 3600


def test_now_in_another_zone_is_read_in_the_configured_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # still Thu 26 Nov, 22:00, in New York
    it = parse_question("clicks today", now=now, tz=new_york)
    assert it.start == datetime(2026, 11, 26, tzinfo=new_york)
    assert it.end == datetime(2026, 11, 27, tzinfo=new_york)
    assert it.start.tzinfo == new_york


# -- questions it cannot read ----------------------------------------------------------------------

UNREADABLE = [
    ("clicks foo", ("foo",)),
    ("views from whatsapp", ("views",)),
    ("clicks from myspace last week", ("myspace",)),
    ("clicks not from whatsapp", ("not",)),
    ("clicks by 2026-11-20", ("by",)),
    ("clicks since foo", ("since", "foo")),
    ("clicks between monday", ("between",)),
    ("clicks for 11/2026", ("11/2026",)),
    ("clicks 2026-02-30", ("2026-02-30",)),
    ("clicks on feb 30", ("feb", "30")),
    ("clicks between 2026-11-15 and 2026-11-01", ("2026-11-15", "2026-11-01")),
    ("clicks next week", ("next", "week")),
    ("clicks tomorrow", ("tomorrow",)),
    ("clicks in 2027", ("2027",)),
    ("clicks in may 2027", ("may", "2027")),
    ("clicks today yesterday", ("yesterday",)),
    ("clicks this week last month", ("last", "month")),
    ("clicks last 0 days", ("0",)),
    ("clicks last 999999 days", ("999999",)),
    ("clicks in 1900", ("1900",)),
    ("top 0 links", ("0",)),
    ("top 500 sharers", ("500",)),
    ("top 5 this week", ("top", "5")),
    ("top links by day", ()),
    ("clicks and previews", ()),
    ("clicks by day by channel", ()),
    ("clicks for campaign spring for campaign autumn", ()),
    ("clicks for link abc1234 for link xyz9876", ()),
    ("links clicked", ()),
]


@pytest.mark.parametrize(("question", "unknown"), UNREADABLE, ids=[q for q, _ in UNREADABLE])
def test_unreadable_questions_say_what_was_understood(question: str, unknown: tuple[str, ...]) -> None:
    with pytest.raises(QuestionNotUnderstood) as caught:
        parse_question(question, now=NOW, tz=BERLIN)
    error = caught.value
    assert error.understood or error.unknown
    assert set(unknown) <= set(error.unknown)
    assert error.message.endswith(".") and "\n" not in error.message
    if unknown and error.message.startswith("Sorry"):
        assert all(word in error.message for word in unknown)
    assert 2 <= len(error.suggestions) <= 3
    for suggestion in error.suggestions:
        parse_question(suggestion, now=NOW, tz=BERLIN)


def test_enough_unreadable_cases() -> None:
    assert len(UNREADABLE) >= 15


def test_what_was_understood_is_listed() -> None:
    with pytest.raises(QuestionNotUnderstood) as caught:
        parse_question("clicks from whatsapp last week blah", now=NOW, tz=BERLIN)
    error = caught.value
    assert error.understood == ("metric: clicks", "channel: whatsapp", "period: last week")
    assert error.unknown == ("blah",)
    assert error.message == "Sorry, I could not read “blah” in that question."
    assert error.suggestions[0] == "clicks from whatsapp last week"


@pytest.mark.parametrize("question", ["", "   ", "?", "how many did we get?", "show me please"])
def test_an_empty_question_is_refused_with_examples(question: str) -> None:
    with pytest.raises(QuestionNotUnderstood) as caught:
        parse_question(question, now=NOW, tz=BERLIN)
    assert 2 <= len(caught.value.suggestions) <= 3
    for suggestion in caught.value.suggestions:
        parse_question(suggestion, now=NOW, tz=BERLIN)


def test_by_a_grouping_word_is_never_a_sharer() -> None:
    words = ("day", "week", "month", "hour", "channel", "campaign", "link", "country", "device", "browser")
    for word in words:
        it = parse_question(f"clicks by {word}", now=NOW, tz=BERLIN)
        assert it.sharer is None and it.group_by is not None


def test_dates_and_ordinals_after_by_are_not_sharers() -> None:
    for question in ("clicks by 2026-11-20", "clicks by 1st", "clicks by 12"):
        with pytest.raises(QuestionNotUnderstood):
            parse_question(question, now=NOW, tz=BERLIN)


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_question("clicks", now=datetime(2026, 11, 26, 12, 0), tz=BERLIN)


def test_the_same_question_reads_the_same_way() -> None:
    question = "top 5 links from dark social since nov 2"
    assert parse_question(question, now=NOW, tz=BERLIN) == parse_question(question, now=NOW, tz=BERLIN)


# -- any text: an interpretation or QuestionNotUnderstood, nothing else --------------------------------

_VOCABULARY: tuple[str, ...] = (
    "clicks", "previews", "shares", "visits", "unique", "visitors", "people", "links", "top", "by", "per",
    "from", "on", "via", "in", "for", "to", "since", "between", "and", "last", "past", "this", "next",
    "today", "yesterday", "tomorrow", "week", "weeks", "month", "months", "year", "years", "day", "days",
    "hours", "hour", "monday", "sunday", "nov", "november", "may", "2", "30", "0", "7", "24", "999999",
    "2026", "2026-11-02", "2026-02-30", "2026-13", "9999-12-31", "0001", "whatsapp", "wa", "dark", "social",
    "messaging", "email", "campaign", "spring-sale", "link", "abc1234", "/abc1234", "https://go.example/x",
    "example.com", "@alice", "alice", "shared", "daily", "the", "how", "many", "did", "we", "get", "?", ",",
    "-", "seven", "twenty-four", "channel", "sharers",
)  # fmt: skip


def _read(text: str, now: datetime) -> Interpretation | QuestionNotUnderstood:
    try:
        return parse_question(text, now=now, tz=BERLIN)
    except QuestionNotUnderstood as error:
        return error


def _assert_sane(text: str, now: datetime) -> None:
    result = _read(text, now)
    if isinstance(result, QuestionNotUnderstood):
        assert 2 <= len(result.suggestions) <= 3
        assert result.message
        return
    assert result.start < result.end
    assert result.start.tzinfo is not None and result.end.tzinfo is not None
    assert result.start <= now
    assert describe_interpretation(result).strip()


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_random_text_never_raises_anything_else(text: str) -> None:
    _assert_sane(text, NOW)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(st.sampled_from(_VOCABULARY), max_size=8),
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2090, 1, 1),
        timezones=st.just(BERLIN),
    ),
)
def test_random_sentences_of_known_words_never_raise_anything_else(words: list[str], now: datetime) -> None:
    _assert_sane(" ".join(words), now)
