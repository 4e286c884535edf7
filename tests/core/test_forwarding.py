"""What leaves Lantern, decided without I/O: events, signatures, GA4 payloads, retries, fan-out."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from tracking.core.attribution import VisitKind
from tracking.core.forwarding import ga4, retries, webhooks
from tracking.core.forwarding.events import EventName, UnknownEvent, parse_events, visit_events
from tracking.core.forwarding.fanout import GA4, Event, Receiver, plan
from tracking.core.forwarding.receivers import ReceiverRefused, check_addresses, check_url, is_internal
from tracking.core.visits import Visit

AT = datetime(2026, 11, 30, 9, 45, 12, tzinfo=UTC)


def _visit(kind: VisitKind, *, private: bool = False) -> Visit:
    return Visit(
        link_id=7, at=AT, method="GET", kind=kind, channel="whatsapp", evidence="referrer", rule="r",
        rules_version=1, user_agent=None, referrer=None, ip_prefix=None,
        visitor_hash=None if private else "ab" * 16, device="mobile", browser="Chrome", os="Android",
        country="FR", private=private,
    )  # fmt: skip


def test_clicks_and_shares_raise_events_and_bots_none() -> None:
    events = visit_events([_visit(VisitKind.CLICK), _visit(VisitKind.BOT), _visit(VisitKind.PREVIEW)])
    assert [e.event for e in events] == [EventName.LINK_CLICKED, EventName.SHARE_DETECTED]
    assert len({e.id for e in events}) == 2


def test_a_private_click_carries_no_visitor_details() -> None:
    (event,) = visit_events([_visit(VisitKind.CLICK, private=True)])
    assert event.data == {"kind": "click", "channel": "whatsapp", "evidence": "referrer", "private": True}


def test_event_lists_are_checked() -> None:
    assert parse_events("link.clicked, LINK.CREATED") == (EventName.LINK_CREATED, EventName.LINK_CLICKED)
    with pytest.raises(UnknownEvent, match=r"unknown event 'link\.opened'"):
        parse_events("link.opened")
    with pytest.raises(UnknownEvent):
        parse_events(" , ")


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = webhooks.body(event_id="e1", event="link.clicked", created_at=AT, data={"a": 1})
    header = webhooks.signature("sekret", 1_700_000_000, body)
    expected = hmac.new(b"sekret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert json.loads(body) == {
        "id": "e1",
        "event": "link.clicked",
        "created_at": AT.isoformat(),
        "data": {"a": 1},
    }


def test_receivers_refuse_tampering_other_secrets_and_old_timestamps() -> None:
    body = b'{"id":"e1"}'
    header = webhooks.signature("sekret", 1_000, body)
    assert webhooks.verify("sekret", header, body, now=1_010)
    assert not webhooks.verify("sekret", header, body + b" ", now=1_010)
    assert not webhooks.verify("other", header, body, now=1_010)
    assert not webhooks.verify("sekret", header, body, now=1_000 + webhooks.TOLERANCE_SECONDS + 1)
    assert not webhooks.verify("sekret", "garbage", body, now=1_000)


def test_retries_back_off_exponentially_up_to_an_hour() -> None:
    delays = [retries.next_delay(n).total_seconds() for n in range(1, 16)]
    assert delays[:4] == [1, 2, 4, 8]
    assert max(delays) == 3600
    assert delays == sorted(delays)


def test_ga4_client_ids_have_the_number_dot_seconds_form() -> None:
    client = ga4.client_id("00ff" + "0" * 28, AT)
    number, seconds = client.split(".")
    assert number == str(0x00FF0000)
    assert int(seconds) == int(datetime(2026, 11, 30, tzinfo=UTC).timestamp())


def test_ga4_payload_carries_campaign_session_and_engagement() -> None:
    target = "https://x.example/?utm_source=whatsapp&utm_medium=messaging&utm_campaign=spring"
    link = {"slug": "abc", "campaign": "spring", "sharer": "alice", "tagged_target": target}
    payload = ga4.payload_for(
        event=EventName.LINK_CLICKED,
        event_id="e1",
        at=AT,
        data=visit_events([_visit(VisitKind.CLICK)])[0].data,
        link=link,
    )
    assert payload is not None
    _, events = payload
    assert events[0] == {
        "name": "campaign_details",
        "params": {"source": "whatsapp", "medium": "messaging", "campaign": "spring",
                   "session_id": ga4.session_id(AT), "engagement_time_msec": ga4.ENGAGEMENT_MSEC},
    }  # fmt: skip
    assert events[1]["name"] == "lantern_click"
    assert events[1]["params"]["sharer"] == "alice"


def test_ga4_gets_nothing_private() -> None:
    data = visit_events([_visit(VisitKind.CLICK, private=True)])[0].data
    assert ga4.payload_for(event=EventName.LINK_CLICKED, event_id="e", at=AT, data=data, link={}) is None


def test_ga4_requests_hold_at_most_25_events() -> None:
    with pytest.raises(ValueError, match="25"):
        ga4.request_body("1.2", [{"name": "x"}] * 26, consent=ga4.Consent())


def test_fan_out_sends_each_receiver_what_it_subscribed_to() -> None:
    link = {"slug": "abc", "tagged_target": "https://x.example/?utm_source=sms"}
    click = Event("e1", "link.clicked", AT, {"kind": "click", "visitor_hash": "ab" * 16}, link)
    share = Event("e2", "share.detected", AT, {"kind": "preview", "visitor_hash": "cd" * 16}, link)
    receivers = [
        Receiver(1, frozenset({"link.clicked"})),
        Receiver(2, frozenset({"share.detected", "link.clicked"})),
        Receiver(3, frozenset({"link.clicked"}), disabled=True),
    ]
    planned = plan([click, share], receivers, ga4_on=True, base_url="https://go.example")
    assert [(p.destination, p.event_id) for p in planned] == [
        ("webhook:1", "e1"), ("webhook:2", "e1"), (GA4, "e1"), ("webhook:2", "e2"), (GA4, "e2"),
    ]  # fmt: skip
    body = json.loads(planned[0].body)
    assert body["data"]["link"]["short_url"] == "https://go.example/abc"
    assert "visitor_hash" not in body["data"]


ANY_ADDRESS = "0.0.0.0"  # noqa: S104 - an address to refuse, not one to bind


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "172.16.5.5", "169.254.169.254", "::1", "fd00::1",
                "::ffff:127.0.0.1", ANY_ADDRESS, "100.64.0.1", "not-an-ip"],
)  # fmt: skip
def test_internal_addresses_are_refused(address: str) -> None:
    assert is_internal(address)
    with pytest.raises(ReceiverRefused, match="LANTERN_WEBHOOK_ALLOW_PRIVATE"):
        check_addresses("hooks.example", [address], allow_private=False)
    check_addresses("hooks.example", [address], allow_private=True)


def test_public_addresses_pass() -> None:
    check_addresses("hooks.example", ["93.184.215.14", "2606:4700::1111"], allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("ftp://x.example/", "https://"), ("https:///path", "no host"), ("https://u:p@x.example/", "password"),
     ("https://x.example:99999/", "port"), ("https://x.example/" + "a" * 2050, "2,048")],
)  # fmt: skip
def test_bad_receiver_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(ReceiverRefused, match=reason):
        check_url(url)


def test_give_up_is_a_day() -> None:
    assert timedelta(days=1) == retries.GIVE_UP_AFTER
