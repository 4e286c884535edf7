"""Telegram updates in, Lantern use cases out: each handler only translates.

Links come from `Shortener`, answers from `StatsService`, share events from
`Tracker.record_share`. A user's mistake surfaces as a `LanternError`, which
the one error handler (`on_error`) turns into a short reply.
"""

from __future__ import annotations

import logging

from telegram import InlineQueryResultsButton, Message, MessageEntity, Update, User
from telegram.error import TelegramError

from bot.telegram import inline, keyboards, replies
from bot.telegram.commands import (
    DEFAULT_CHANNEL,
    STATS_USAGE,
    UsageError,
    argument_text,
    first_url,
    parse_link_args,
)
from bot.telegram.ptb import Context
from tracking.asking import QuestionDesk
from tracking.core.errors import LanternError
from tracking.core.links import SharerRef
from tracking.core.ports import Clock, ShareRecorder
from tracking.core.questions.render import is_empty, render_html
from tracking.core.shortening import Shortener, ShortenRequest
from tracking.i18n import normalize, translator

log = logging.getLogger(__name__)


def _(message: str) -> str:
    """Marks a message for the catalog; it is translated where it is used."""
    return message


PLATFORM = "telegram"
#: The share event a chosen inline result is stored as.
INLINE_SOURCE = "telegram-inline"
#: The alert under a button Lantern no longer offers.
STALE_BUTTON = _(
    "This button is from an older message and no longer works. Send the link again for fresh buttons."
)
#: Telegram cuts a photo's caption at 1024 characters; a longer answer goes first as its own message.
CAPTION_LIMIT = 1024
#: Seconds Telegram may reuse an inline answer for the same user and text.
INLINE_CACHE_SECONDS = 30


def sharer_of(user: User) -> SharerRef:
    """The Telegram user as Lantern's sharer."""
    return SharerRef(PLATFORM, str(user.id), user.full_name or user.username or str(user.id))


def _urls_in(message: Message) -> list[str]:
    """Telegram's own reading of the links in a message, in order."""
    found = message.parse_entities([MessageEntity.URL, MessageEntity.TEXT_LINK])
    ordered = sorted(found.items(), key=lambda item: item[0].offset)
    return [
        (entity.url or text) if entity.type == MessageEntity.TEXT_LINK else text for entity, text in ordered
    ]


class Handlers:
    """The bot's handlers: everything they can reach is given here."""

    def __init__(
        self,
        *,
        shortener: Shortener,
        questions: QuestionDesk,
        shares: ShareRecorder,
        clock: Clock,
    ) -> None:
        self._shortener = shortener
        self._questions = questions
        self._shares = shares
        self._clock = clock

    async def help(self, update: Update, context: Context) -> None:
        """Explain what Lantern does, with examples (/start and /help)."""
        if update.effective_message is not None:
            await update.effective_message.reply_text(replies.help_text(context.bot.username))

    async def link(self, update: Update, context: Context) -> None:
        """Make one tagged short link per channel: /link URL [for CHANNEL…] [campaign NAME]."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        command = parse_link_args(argument_text(message.text or ""))
        request = ShortenRequest(command.url, campaign=command.campaign, sharer=sharer_of(user))
        channels = command.channels or (DEFAULT_CHANNEL,)
        results = await self._shortener.shorten_for_channels(request, channels)
        pairs = [(result.link.channel or DEFAULT_CHANNEL, result) for result in results]
        campaign = results[0].link.campaign if results else None
        await message.reply_text(
            replies.links_text(results[0].link.target, pairs, campaign),
            reply_markup=keyboards.share_keyboard({channel: result.short_url for channel, result in pairs}),
        )

    async def stats(self, update: Update, context: Context) -> None:
        """Answer a stats question in HTML, with a chart when the answer has rows."""
        message = update.effective_message
        if message is None:
            return
        question = argument_text(message.text or "")
        if not question:
            raise UsageError(STATS_USAGE)
        desk = self._questions
        user = update.effective_user
        asker = f"telegram:{user.id if user else message.chat.id}"
        answer = await desk.ask(question, asker=asker, now=self._clock())
        text = await desk.run(render_html, answer)
        if not answer.rows or is_empty(answer):
            await message.reply_text(text)
            return
        png = await desk.chart(answer)
        if len(text) <= CAPTION_LIMIT:
            await message.reply_photo(png, caption=text)  # the chart and its answer as one message
        else:
            await message.reply_text(text)
            await message.reply_photo(png)

    async def pasted(self, update: Update, context: Context) -> None:
        """Tag a URL pasted in a private chat for Telegram, with share buttons whose links are
        tagged for WhatsApp, email and SMS."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        url = first_url(message.text or "", _urls_in(message))
        if url is None:
            await message.reply_text(replies.NO_URL)
            return
        request = ShortenRequest(url, sharer=sharer_of(user))
        channels = (keyboards.HOME_CHANNEL, *keyboards.SHARE_CHANNELS)
        results = await self._shortener.shorten_for_channels(request, channels)
        by_channel = {result.link.channel or keyboards.HOME_CHANNEL: result for result in results}
        home = by_channel[keyboards.HOME_CHANNEL]
        await message.reply_text(
            replies.channel_link_text(home.link.target, keyboards.HOME_CHANNEL, home),
            reply_markup=keyboards.share_keyboard({name: r.short_url for name, r in by_channel.items()}),
        )

    async def stale_button(self, update: Update, context: Context) -> None:
        """A button Lantern no longer offers (an older message's, or foreign data): say so plainly."""
        query = update.callback_query
        if query is None:
            return
        say = translator(normalize(query.from_user.language_code)).gettext
        await query.answer(say(STALE_BUTTON), show_alert=True)

    async def inline_query(self, update: Update, context: Context) -> None:
        """Preview the Telegram link `@bot URL` would make; nothing is stored while the user types.

        The result is posted into a Telegram chat whichever one is picked, so
        only a Telegram-tagged link is offered; its slug is promised in the
        result id and the link is made when the result is chosen.
        """
        query = update.inline_query
        if query is None:
            return
        text = query.query.strip()
        if not text:
            hint = InlineQueryResultsButton(text=replies.INLINE_HINT, start_parameter="help")
            await query.answer([], cache_time=INLINE_CACHE_SECONDS, is_personal=True, button=hint)
            return
        command = parse_link_args(text)
        request = ShortenRequest(
            command.url, channel=inline.CHANNEL, campaign=command.campaign, sharer=sharer_of(query.from_user)
        )
        preview = await self._shortener.preview(request)
        result = inline.article(preview)
        await query.answer([result] if result else [], cache_time=INLINE_CACHE_SECONDS, is_personal=True)

    async def chosen_inline_result(self, update: Update, context: Context) -> None:
        """Make the link a picked result promised (tagged for Telegram) and store its share."""
        chosen = update.chosen_inline_result
        if chosen is None:
            return
        slug = inline.parse_result_id(chosen.result_id)
        if slug is None:
            log.warning("chosen inline result %r is not one of Lantern's", chosen.result_id[:80])
            return
        command = parse_link_args(chosen.query)
        request = ShortenRequest(
            command.url,
            channel=inline.CHANNEL,
            campaign=command.campaign,
            sharer=sharer_of(chosen.from_user),
            reserved_slug=slug,
        )
        result = await self._shortener.shorten(request)
        await self._shares.record_share(result.link.slug, inline.CHANNEL, source=INLINE_SOURCE)

    async def on_error(self, update: object, context: Context) -> None:
        """The one error handler: a user's mistake gets its own message, anything else is logged
        with its traceback and answered with a short apology — never a traceback in chat."""
        error = context.error
        if isinstance(error, LanternError):
            log.info("Telegram request refused: %s", error.message)
            text = replies.error_text(error)
        else:
            update_id = update.update_id if isinstance(update, Update) else None
            log.error("Telegram update %s failed", update_id, exc_info=error)
            text = replies.APOLOGY
        if isinstance(update, Update):
            await _tell(update, text, error.message if isinstance(error, LanternError) else replies.APOLOGY)


async def _tell(update: Update, html_text: str, plain_text: str) -> None:
    """Reply where the user will see it; a failure to reply is logged, not raised again."""
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(plain_text[:200], show_alert=True)
        elif update.inline_query is not None:
            button = InlineQueryResultsButton(text=_fit(plain_text, 64), start_parameter="help")
            await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(html_text)
    except TelegramError as error:
        log.warning("could not tell the user about an error: %s", error)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
