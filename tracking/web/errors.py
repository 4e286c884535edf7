"""Core errors to HTTP answers, in one place: a status, a code and a message a person can act on."""

from __future__ import annotations

from aiohttp import web

from tracking.core.errors import InvalidInput, InvalidUrl, LanternError, NotFound, RateLimited, SlugTaken
from tracking.core.questions.model import QuestionNotUnderstood

_STATUS: list[tuple[type[LanternError], int]] = [
    (InvalidUrl, 400),
    (QuestionNotUnderstood, 400),
    (InvalidInput, 400),
    (SlugTaken, 409),
    (NotFound, 404),
    (RateLimited, 429),
]


def json_error(status: int, code: str, message: str, **extra: object) -> web.Response:
    """The JSON error body every API failure uses."""
    return web.json_response({"error": code, "message": message, **extra}, status=status)


def error_response(error: LanternError) -> web.Response:
    """The HTTP answer for a user error raised by the core."""
    status = next((s for kind, s in _STATUS if isinstance(error, kind)), 400)
    extra: dict[str, object] = {}
    if isinstance(error, InvalidUrl):
        extra["reason"] = error.reason
    if isinstance(error, QuestionNotUnderstood):
        extra.update(
            understood=list(error.understood),
            unknown=list(error.unknown),
            suggestions=list(error.suggestions),
        )
    if isinstance(error, RateLimited):
        extra["retry_after"] = error.retry_after
        response = json_error(status, error.code, error.message, **extra)
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    return json_error(status, error.code, error.message, **extra)
