"""Digest and alert commands, the same for Slack (`/linkstats subscribe …`) and Telegram (`/subscribe …`).

Adapters pass the words after the command and who/where asked; this use
case answers with the text to reply (already in the asker's language) or
None when the words are not a subscription command at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tracking.core.digests import EXAMPLES, Schedule, next_run, parse_subscription
from tracking.core.errors import InvalidInput, LanternError
from tracking.i18n import Language, Translator, translator
from tracking.storage.subscriptions import SqlSubscriptions, Subscription

_SUBSCRIBE = {"subscribe", "abonner", "s'abonner", "abonnement"}
_UNSUBSCRIBE = {"unsubscribe", "desabonner", "se-desabonner"}
_LIST = {"subscriptions", "abonnements"}
_ALERTS = {"alerts", "alertes", "alert", "alerte"}
_ON = {"on", "oui", "yes", "activer", "active"}
_OFF = {"off", "non", "no", "desactiver", "stop"}


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def is_subscription_command(text: str) -> bool:
    """True when the words start with a subscription verb (the Slack adapter routes on it)."""
    first = _fold(text.strip().split(maxsplit=1)[0]) if text.strip() else ""
    return first in _SUBSCRIBE | _UNSUBSCRIBE | _LIST | _ALERTS


@dataclass(frozen=True, slots=True)
class Asker:
    """Where and by whom a command was typed."""

    platform: str
    chat_id: str
    user: str
    team_id: str | None = None
    language: Language = "en"


def _schedule_words(schedule: Schedule, t: Translator) -> str:
    at = f"{schedule.hour:02d}:{schedule.minute:02d}"
    if schedule.weekday is not None:
        days = (
            t.gettext("Monday"), t.gettext("Tuesday"), t.gettext("Wednesday"), t.gettext("Thursday"),
            t.gettext("Friday"), t.gettext("Saturday"), t.gettext("Sunday"),
        )  # fmt: skip
        return t.gettext("every {day} at {time}").format(day=days[schedule.weekday], time=at)
    if schedule.monthday is not None:
        return t.gettext("on day {day} of every month at {time}").format(day=schedule.monthday, time=at)
    return t.gettext("every day at {time}").format(time=at)


def describe(subscription: Subscription, t: Translator) -> str:
    """One line of `subscriptions`: number, schedule, question, next run."""
    if subscription.kind == "alerts":
        return t.gettext("#{id} alerts (first clicks, spikes, new chat apps)").format(id=subscription.id)
    assert subscription.schedule is not None
    line = t.gettext("#{id} {schedule}: “{question}”").format(
        id=subscription.id, schedule=_schedule_words(subscription.schedule, t), question=subscription.question
    )
    if subscription.next_run_at is not None:
        local = subscription.next_run_at.astimezone(ZoneInfo(subscription.timezone))
        line += " — " + t.gettext("next: {when}").format(when=t.moment(local, style="medium"))
    return line


class SubscriptionCommands:
    """`subscribe`, `unsubscribe`, `subscriptions` and `alerts on|off`."""

    def __init__(
        self,
        *,
        store: SqlSubscriptions,
        clock: Callable[[], datetime],
        timezone: str,
        check_question: Callable[[str, datetime, ZoneInfo], None],
    ) -> None:
        self._store = store
        self._clock = clock
        self._timezone = timezone
        self._check_question = check_question

    async def handle(self, text: str, asker: Asker) -> str | None:
        """The reply to a subscription command, or None when `text` is not one."""
        words = text.strip().split(maxsplit=1)
        if not words:
            return None
        verb, rest = _fold(words[0]), (words[1] if len(words) > 1 else "")
        t = translator(asker.language)
        try:
            if verb in _SUBSCRIBE:
                return await self._subscribe(rest, asker, t)
            if verb in _UNSUBSCRIBE:
                return await self._unsubscribe(rest, asker, t)
            if verb in _LIST:
                return await self._list(asker, t)
            if verb in _ALERTS:
                return await self._alerts(rest, asker, t)
        except LanternError as error:
            return t.gettext("That did not work: {reason}").format(reason=error.message)
        return None

    async def _subscribe(self, rest: str, asker: Asker, t: Translator) -> str:
        if not rest.strip():
            return t.gettext("Say when and what, e.g. {examples}").format(
                examples=" · ".join(f"“subscribe {example}”" for example in EXAMPLES)
            )
        schedule, question = parse_subscription(rest)
        zone = ZoneInfo(self._timezone)
        now = self._clock()
        self._check_question(question, now, zone)
        created = await self._store.add_digest(
            platform=asker.platform,
            chat_id=asker.chat_id,
            team_id=asker.team_id,
            question=question,
            schedule=schedule,
            timezone=self._timezone,
            language=asker.language,
            created_by=asker.user,
            first_run=next_run(schedule, after=now, tz=zone),
        )
        return t.gettext("Subscribed. {line}").format(line=describe(created, t))

    async def _unsubscribe(self, rest: str, asker: Asker, t: Translator) -> str:
        number = rest.strip().lstrip("#")
        if not number.isdigit():
            raise InvalidInput(t.gettext("give the number shown by “subscriptions”, e.g. “unsubscribe 3”"))
        removed = await self._store.remove(
            subscription_id=int(number), platform=asker.platform, chat_id=asker.chat_id
        )
        if not removed:
            return t.gettext("This chat has no subscription #{id}.").format(id=number)
        return t.gettext("Unsubscribed from #{id}.").format(id=number)

    async def _list(self, asker: Asker, t: Translator) -> str:
        found = await self._store.of_chat(platform=asker.platform, chat_id=asker.chat_id)
        if not found:
            return t.gettext("No subscriptions in this chat yet. Try “subscribe {example}”.").format(
                example=EXAMPLES[0]
            )
        return "\n".join(describe(subscription, t) for subscription in found)

    async def _alerts(self, rest: str, asker: Asker, t: Translator) -> str:
        word = _fold(rest.strip())
        if word not in _ON | _OFF:
            return t.gettext("Say “alerts on” or “alerts off”.")
        on = word in _ON
        await self._store.set_alerts(
            platform=asker.platform,
            chat_id=asker.chat_id,
            team_id=asker.team_id,
            on=on,
            language=asker.language,
            created_by=asker.user,
        )
        if on:
            return t.gettext(
                "Alerts are on for this chat: a link's first real click, a spike of clicks, "
                "and a link seen in a new chat app."
            )
        return t.gettext("Alerts are off for this chat.")
