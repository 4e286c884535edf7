"""Handle each update once: webhook retries and polling overlaps may deliver one twice."""

from __future__ import annotations

import logging
from collections import OrderedDict

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.ptb import Context

log = logging.getLogger(__name__)

#: Telegram retries a webhook for minutes at most; a few thousand ids cover that window.
DEFAULT_SIZE = 4096


class RecentUpdates:
    """A bounded memory of update ids; the oldest are forgotten first."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self._size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        """True the first time an id is seen, False while it is still remembered."""
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True

    async def __call__(self, update: Update, context: Context) -> None:
        """Stop an update already handled before any other handler sees it."""
        if not self.first_time(update.update_id):
            log.info("Telegram update %d arrived again; handled once already", update.update_id)
            raise ApplicationHandlerStop
