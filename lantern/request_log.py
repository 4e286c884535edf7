"""A malformed request is the sender's mistake: one line in the log, not an ERROR with a traceback.

aiohttp answers a request it cannot parse (a control byte in a header, an
over-long line) with a 400 and logs it with `logger.exception`; anyone can
send those, so left alone they would fill the log with tracebacks that
point at nothing wrong in Lantern. Errors of Lantern's own stay as they are.
"""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError

SERVER_LOGGER = "aiohttp.server"


class MalformedRequestsInOneLine(logging.Filter):
    """Turns aiohttp's record of a request it refused with a 4xx into one INFO line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and 400 <= (error.code or 400) < 500:
            message = " ".join(str(error.message or error).split())[:200]
            record.msg, record.args = "malformed request refused with %d: %s", (error.code or 400, message)
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True


def install() -> None:
    """Add the filter once to aiohttp's server logger."""
    logger = logging.getLogger(SERVER_LOGGER)
    if not any(isinstance(f, MalformedRequestsInOneLine) for f in logger.filters):
        logger.addFilter(MalformedRequestsInOneLine())
