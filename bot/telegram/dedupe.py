"""Handle each update once: webhook retries and polling overlaps may deliver one twice, and with
`--workers N` the copies can reach different processes, so ids are claimed in the database."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.state import Deliveries
from bot.telegram.ptb import Context

log = logging.getLogger(__name__)


def source_of(bot_id: int) -> str:
    """Update ids count per bot, so the claims of two bots sharing a database never meet."""
    return f"telegram-{bot_id}"


class OncePerUpdate:
    """The first handler group: stops an update whose id some worker has already claimed."""

    def __init__(self, deliveries: Deliveries) -> None:
        self._deliveries = deliveries

    async def __call__(self, update: Update, context: Context) -> None:
        """Claim the update id; if the claim is taken, no other handler sees the update."""
        if not await self._deliveries.claim(source=source_of(context.bot.id), key=str(update.update_id)):
            log.info("Telegram update %d arrived again; handled once already", update.update_id)
            raise ApplicationHandlerStop
