"""`/linkstats subscribe …` through signed requests to the real Bolt app: stored, listed, removed."""

from __future__ import annotations

from tests.slack.conftest import CHANNEL, SlackLantern
from tracking.storage.subscriptions import SqlSubscriptions


async def test_subscribe_list_and_unsubscribe(slack: SlackLantern) -> None:
    sent = await slack.command("/linkstats", "subscribe weekly monday 9:00 clicks by channel last week")
    assert sent.status == 200
    reply = sent.json()
    assert reply["response_type"] == "in_channel"
    assert reply["text"].startswith("Subscribed. #1 every Monday at 09:00: “clicks by channel last week”")
    store = SqlSubscriptions(slack.parts.engine, clock=slack.parts.clock)
    (stored,) = await store.of_chat(platform="slack", chat_id=CHANNEL)
    assert stored.question == "clicks by channel last week" and stored.next_run_at is not None
    listed = (await slack.command("/linkstats", "subscriptions")).json()["text"]
    assert "#1 every Monday at 09:00" in listed
    assert (await slack.command("/linkstats", "alerts on")).json()["text"].startswith("Alerts are on")
    assert (await slack.command("/linkstats", "unsubscribe 1")).json()["text"] == "Unsubscribed from #1."
    assert [s.kind for s in await store.of_chat(platform="slack", chat_id=CHANNEL)] == ["alerts"]


async def test_a_digest_whose_question_cannot_be_read_is_refused(slack: SlackLantern) -> None:
    reply = (await slack.command("/linkstats", "subscribe daily 9:00 clicks on the moon")).json()["text"]
    assert reply.startswith("That did not work")
    store = SqlSubscriptions(slack.parts.engine, clock=slack.parts.clock)
    assert await store.of_chat(platform="slack", chat_id=CHANNEL) == []


async def test_other_questions_still_reach_linkstats(slack: SlackLantern) -> None:
    sent = await slack.command("/linkstats", "links this week")
    answer = await slack.peer.wait_for_response(sent.key)
    assert answer["text"].startswith("*0 links created") or "links created" in answer["text"]
