"""The OpenAPI 3.1 description of Lantern's HTTP API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from tracking.core.channels import CHANNELS
from tracking.core.questions.model import GroupBy, Metric

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {
            "type": "string",
            "description": "A stable code, e.g. invalid_url, slug_taken, unauthorized.",
        },
        "message": {"type": "string", "description": "What went wrong, for a person."},
        "reason": {"type": "string", "description": "For invalid_url: which rule the URL broke."},
        "understood": {"type": "array", "items": {"type": "string"}},
        "unknown": {"type": "array", "items": {"type": "string"}},
        "suggestions": {"type": "array", "items": {"type": "string"}},
    },
}

_LINK = {
    "type": "object",
    "required": ["slug", "short_url", "target", "original_url", "created"],
    "properties": {
        "slug": {"type": "string"},
        "short_url": {"type": "string", "format": "uri"},
        "target": {"type": "string", "format": "uri", "description": "The tagged target (UTM merged in)."},
        "original_url": {"type": "string", "format": "uri"},
        "channel": {"type": ["string", "null"]},
        "campaign": {"type": ["string", "null"]},
        "created": {"type": "boolean", "description": "False when an identical live link was returned."},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "max_clicks": {"type": ["integer", "null"]},
    },
}

_NEW_LINK = {
    "type": "object",
    "required": ["url"],
    "additionalProperties": False,
    "properties": {
        "url": {"type": "string", "maxLength": 2048, "description": "http(s) URL to shorten."},
        "channel": {"type": "string", "description": "Where it will be shared (name or alias)."},
        "channels": {"type": "array", "items": {"type": "string"}, "description": "One link per channel."},
        "campaign": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$"},
        "slug": {"type": "string", "pattern": "^[A-Za-z0-9_-]{3,64}$"},
        "sharer": {"type": "string", "description": "Who shares it; becomes utm_content as a handle."},
        "expires_at": {"type": "string", "format": "date-time"},
        "max_clicks": {"type": "integer", "minimum": 1, "description": "Only real clicks count."},
    },
}

_ANSWER = {
    "type": "object",
    "required": ["total", "previous_total", "interpreted", "rows"],
    "properties": {
        "total": {"type": "integer"},
        "previous_total": {
            "type": "integer",
            "description": "Same question, previous period of equal length.",
        },
        "change": {"type": ["number", "null"], "description": "Relative change; null when previous is 0."},
        "interpreted": {
            "type": "object",
            "required": ["metric", "channels", "start", "end", "group_by"],
            "properties": {
                "metric": {"enum": [m.value for m in Metric]},
                "channels": {"type": ["array", "null"], "items": {"type": "string"}},
                "channel_filter": {"type": ["string", "null"]},
                "campaign": {"type": ["string", "null"]},
                "link": {"type": ["string", "null"]},
                "sharer": {"type": ["string", "null"]},
                "domain": {"type": ["string", "null"]},
                "start": {"type": "string", "format": "date-time"},
                "end": {"type": "string", "format": "date-time", "description": "Exclusive."},
                "period": {"type": "string"},
                "group_by": {
                    "enum": [*(g.value for g in GroupBy), None],
                    "description": "fetcher: person, email-scanner, link-preview, search-crawler, …",
                },
                "top": {"type": ["integer", "null"]},
            },
        },
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "label", "value"],
                "properties": {
                    "key": {"type": "string"},
                    "label": {"type": "string"},
                    "value": {"type": "integer"},
                },
            },
        },
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(timezone: str) -> dict[str, Any]:
    """The document; the time zone that decides days is stated in the stats description."""
    channels = ", ".join(c.name for c in CHANNELS)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lantern API",
            "version": "1",
            "description": "Tagged short links and dark-social stats. Authenticate with "
            "`Authorization: Bearer <key>` (create keys with `lantern api-key create NAME`).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _ERROR, "Link": _LINK, "NewLink": _NEW_LINK, "Answer": _ANSWER},
        },
        "paths": {
            "/links": {
                "post": {
                    "summary": "Create (or find again) a tagged short link",
                    "description": f"Channels: {channels}.",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewLink"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "Created",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "oneOf": [
                                            {"$ref": "#/components/schemas/Link"},
                                            {
                                                "type": "object",
                                                "properties": {
                                                    "links": {
                                                        "type": "array",
                                                        "items": {"$ref": "#/components/schemas/Link"},
                                                    }
                                                },
                                            },
                                        ]
                                    }
                                }
                            },
                        },
                        "200": {
                            "description": "An identical live link already existed",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Link"}}
                            },
                        },
                        "400": _error_response("Invalid URL or field"),
                        "401": _error_response("Missing or wrong API key"),
                        "409": _error_response("The custom slug is taken"),
                        "429": _error_response("Too many links from this key or sharer; see Retry-After"),
                        "413": {"description": "Body too large"},
                        "415": _error_response("Not JSON"),
                    },
                }
            },
            "/stats": {
                "get": {
                    "summary": "Answer a stats question",
                    "description": (
                        f"Questions like 'clicks from messaging this week'. Days follow {timezone}."
                    ),
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                        {
                            "name": "as_of",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "format": "date-time"},
                            "description": "Answer as if it were this moment.",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The answer",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Answer"}},
                                "image/png": {"schema": {"type": "string", "format": "binary"}},
                            },
                        },
                        "400": _error_response("Question not understood (with suggestions)"),
                        "401": _error_response("Missing or wrong API key"),
                        "404": _error_response("The named link or sharer does not exist"),
                        "406": _error_response("A chart was asked for an answer without rows"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
        },
    }
