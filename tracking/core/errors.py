"""Errors the core raises; adapters map them to HTTP codes, chat replies or exit codes."""

from __future__ import annotations


class LanternError(Exception):
    """Base of every error a user can cause; its message is safe to show them."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidUrl(LanternError):
    """A target URL Lantern refuses to shorten; `reason` names the rule it broke."""

    code = "invalid_url"

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidInput(LanternError):
    """A channel, campaign, slug or option that is not acceptable."""

    code = "invalid_input"


class SlugTaken(LanternError):
    """A custom slug that another link already uses."""

    code = "slug_taken"


class NotFound(LanternError):
    """The thing a user named does not exist."""

    code = "not_found"


class LinkNotFound(NotFound):
    """No link has that slug."""


class ConfigError(LanternError):
    """A setting with a value Lantern cannot run with."""

    code = "config_error"


class RateLimited(LanternError):
    """Too many attempts from one sharer, API key or network; `retry_after` is whole seconds."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
