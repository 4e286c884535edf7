"""No secret in any log line, at any level: every record is redacted as it is made.

Redaction happens in the log record factory, not in one handler's filter,
so it holds for every handler (the console, a file, a test's capture) and
for every library's logger (httpx logs Bot API URLs, which carry the
Telegram token; python-telegram-bot echoes a rejected token). Two nets:
the configured secrets themselves, wherever they appear, and the shapes
secrets take (a Telegram token, Slack tokens, a Lantern API key, a bearer
credential, a password in a URL) for secrets Lantern was never told about.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from tracking.settings import Settings

MASK = "[redacted]"
#: Secrets shorter than this are not searched for (they would mask ordinary words).
MIN_SECRET_LENGTH = 6
_SHAPES = (
    (re.compile(r"(?<![0-9])\d{5,16}:[A-Za-z0-9_-]{30,}"), MASK),  # Telegram bot token
    (re.compile(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}"), MASK),  # Slack bot, user, app tokens
    (re.compile(r"\blnt_[A-Za-z0-9_-]{16,}"), MASK),  # Lantern API key
    (re.compile(r"(?i)(?<=bearer )[^\s'\",]{6,}"), MASK),  # Authorization: Bearer …
    (re.compile(r"(?<=://)([^/\s:@]*):[^/\s@]+(?=@)"), r"\1:" + MASK),  # user:password@ in a URL
)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value in the settings: tokens, signing secrets, the database password."""
    found = [
        value.get_secret_value()
        for value in (
            settings.telegram_token,
            settings.telegram_webhook_secret,
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.metrics_token,
        )
        if value is not None
    ]
    try:
        password = make_url(settings.database_url).password
    except ArgumentError:
        password = None
    if password:
        found += [str(password), quote(str(password), safe="")]
    return found


class Redactor:
    """Masks known secrets and secret-shaped text in strings."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._known: re.Pattern[str] | None = None

    def remember(self, secrets: Iterable[str]) -> None:
        """Add secrets to mask (kept for the life of the process)."""
        self._secrets |= {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}
        ordered = sorted(self._secrets, key=len, reverse=True)  # longest first: a secret inside another
        self._known = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def __call__(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(MASK, text)
        for shape, replacement in _SHAPES:
            text = shape.sub(replacement, text)
        return text


REDACTOR = Redactor()
_installed = False


def install(settings: Settings) -> None:
    """Redact every log record made from now on; remember the settings' secrets.

    Called by the composition root and the command line; calling it again
    adds secrets and keeps one factory.
    """
    global _installed
    REDACTOR.remember(secrets_of(settings))
    # httpx logs each request's URL at INFO; Bot API URLs carry the token. Its warnings still show.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redact_record(record)
        return record

    logging.setLogRecordFactory(redacted_record)


def redact_record(record: logging.LogRecord) -> None:
    """Replace the record's message (and its traceback text) with redacted copies."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed call: leave it to the handler to report
        return
    clean = REDACTOR(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        record.exc_text = REDACTOR("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = REDACTOR(record.stack_info)
