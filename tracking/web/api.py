"""The HTTP API (/api/v1): create links and ask stats questions, behind bearer API keys."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from tracking.asking import QuestionDesk
from tracking.core.errors import InvalidInput, LanternError
from tracking.core.links import SharerRef
from tracking.core.ports import Clock, StatsAnswers
from tracking.core.questions.model import Answer
from tracking.core.questions.render import answer_to_json
from tracking.core.shortening import Shortener, ShortenRequest
from tracking.web.errors import error_response, json_error
from tracking.web.openapi import openapi_document

log = logging.getLogger(__name__)


Verify = Callable[[str], Awaitable[str | None]]
KEY_NAME = web.RequestKey("api_key_name", str)
#: Longer than any key Lantern makes; a longer "key" is refused without a database look-up.
MAX_KEY_LENGTH = 128
#: Moments a question may be asked as of: wide enough for any real use, far from datetime's edges.
AS_OF_RANGE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))
_LINK_FIELDS = {"url", "channel", "channels", "campaign", "slug", "sharer", "expires_at", "max_clicks"}


@dataclass(frozen=True, slots=True)
class ApiContext:
    """What the API handlers need, built by the composition root."""

    shortener: Shortener
    stats: StatsAnswers
    questions: QuestionDesk
    verify_key: Verify
    clock: Clock


API = web.AppKey("api", ApiContext)


Handler = Callable[[web.Request], Awaitable[web.Response]]


def require_api_key(handler: Handler) -> Handler:
    """Wrap an API handler so it runs only with `Authorization: Bearer <key>` of a live key.

    A wrapper, not a middleware: a middleware (or a sub-application) would
    also run on every redirect, the path that must stay fast.
    """

    @functools.wraps(handler)
    async def checked(request: web.Request) -> web.Response:
        try:
            return await _checked(request)
        except (SQLAlchemyError, OSError) as error:
            # The database is busy or away: a clear, retryable answer, never a 500.
            log.warning("API request failed on the database: %s", error, exc_info=True)
            response = json_error(
                503, "unavailable", "the database is busy or unreachable; try again shortly"
            )
            response.headers["Retry-After"] = "1"
            return response

    async def _checked(request: web.Request) -> web.Response:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")

        verify = request.app[API].verify_key
        key = key.strip()
        # Keys are ASCII; undecodable header bytes arrive as surrogates and match no key.
        readable = scheme.lower() == "bearer" and key.isascii() and 0 < len(key) <= MAX_KEY_LENGTH
        name = await verify(key) if readable else None
        if name is None:
            response = json_error(
                401,
                "unauthorized",
                "a valid API key is required: Authorization: Bearer <key> "
                "(create one with `lantern api-key create NAME`)",
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="lantern"'
            return response
        request[KEY_NAME] = name
        return await handler(request)

    return checked


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be a string")
    return value


def _shorten_request(body: dict[str, Any], key_name: str) -> tuple[ShortenRequest, list[str]]:
    unknown = sorted(set(body) - _LINK_FIELDS)
    if unknown:
        raise InvalidInput(
            f"unknown field(s): {', '.join(unknown)}; allowed: {', '.join(sorted(_LINK_FIELDS))}"
        )
    url = _optional_str(body, "url")
    if not url:
        raise InvalidInput("'url' is required")
    channels = body.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise InvalidInput("'channels' must be a list of channel names")
    if channels and body.get("channel"):
        raise InvalidInput("give either 'channel' or 'channels', not both")

    max_clicks = body.get("max_clicks")
    if max_clicks is not None and (not isinstance(max_clicks, int) or isinstance(max_clicks, bool)):
        raise InvalidInput("'max_clicks' must be a whole number")

    expires = _optional_str(body, "expires_at")
    expires_at = None
    if expires:
        try:
            expires_at = datetime.fromisoformat(expires)
        except ValueError:
            raise InvalidInput("'expires_at' must be an ISO-8601 date or time") from None
        expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)

    sharer = _optional_str(body, "sharer")
    request = ShortenRequest(
        url=url.strip(),
        channel=_optional_str(body, "channel"),
        campaign=_optional_str(body, "campaign"),
        slug=_optional_str(body, "slug"),
        expires_at=expires_at,
        max_clicks=max_clicks,
        sharer=SharerRef("api", f"{key_name}:{sharer}"[:128], sharer[:256]) if sharer else None,
        limit_key=f"api:{key_name}",  # the key's allowance, whichever sharer it names
    )
    return request, channels


async def create_links(request: web.Request) -> web.Response:
    """POST /api/v1/links: one link, or one per channel with "channels"."""
    if request.content_type != "application/json":
        return json_error(
            415, "unsupported_media_type", "send the link as JSON (Content-Type: application/json)"
        )
    try:
        body = json.loads(await request.read())
    except web.HTTPRequestEntityTooLarge:
        return json_error(413, "too_large", "the body is larger than 64 KiB")
    except (ValueError, UnicodeDecodeError):
        return json_error(400, "invalid_json", "the body is not valid JSON")
    except RecursionError:
        return json_error(400, "invalid_json", "the JSON is nested too deeply")
    if not isinstance(body, dict):
        return json_error(400, "invalid_json", 'the body must be a JSON object like {"url": "https://…"}')
    shortener = request.app[API].shortener
    try:
        shorten, channels = _shorten_request(body, request[KEY_NAME])
        if channels:
            results = await shortener.shorten_for_channels(shorten, channels)
            status = 201 if any(r.created for r in results) else 200
            return web.json_response({"links": [r.as_json() for r in results]}, status=status)
        result = await shortener.shorten(shorten)
    except LanternError as error:
        return error_response(error)
    return web.json_response(result.as_json(), status=201 if result.created else 200)


async def stats(request: web.Request) -> web.Response:
    """GET /api/v1/stats?q=…[&as_of=…]: the answer as JSON, or as a PNG chart."""
    question = request.query.get("q", "").strip()
    if not question:
        return json_error(
            400, "invalid_input", "ask a question with ?q=, e.g. ?q=clicks+from+messaging+this+week"
        )
    now = request.app[API].clock()
    if "as_of" in request.query:
        try:
            now = datetime.fromisoformat(request.query["as_of"])
        except ValueError:
            return json_error(400, "invalid_input", "'as_of' must be an ISO-8601 date or time")
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
        if not AS_OF_RANGE[0] <= now <= AS_OF_RANGE[1]:
            return json_error(
                400, "invalid_input", "'as_of' must lie between 1970-01-01 and 9000-01-01 (UTC)"
            )
    desk = request.app[API].questions
    try:
        answer = await desk.ask(question, asker=f"api:{request[KEY_NAME]}", now=now)
    except LanternError as error:
        return error_response(error)
    if _wants_png(request):
        if not answer.rows:
            return json_error(
                406,
                "no_chart",
                "this answer has no breakdown or series to chart; ask e.g. "
                "'clicks by day this week', or ask for JSON",
            )
        return web.Response(body=await desk.chart(answer), content_type="image/png")
    body = await desk.run(_json_bytes, answer)
    return web.Response(body=body, content_type="application/json")


def _json_bytes(answer: Answer) -> bytes:
    return json.dumps(answer_to_json(answer)).encode()


def _wants_png(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "image/png" in accept and "application/json" not in accept


async def openapi(request: web.Request) -> web.Response:
    """GET /api/v1/openapi.json: the API described for clients and tools."""
    return web.json_response(openapi_document(request.app[API].stats.tz.key))


def add_api_routes(app: web.Application) -> None:
    """Register /api/v1 on the app itself (plain routes, found before the slug route)."""
    app.router.add_post("/api/v1/links", require_api_key(create_links))
    app.router.add_get("/api/v1/stats", require_api_key(stats))
    app.router.add_get("/api/v1/openapi.json", openapi)
