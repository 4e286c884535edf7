"""Copy-and-paste tracking on a team's own site: origins, page paths, share tokens, beacons.

A registered site's pages carry a script that puts a short random token in
the address bar's fragment; a page opened with a token is a visit that came
from someone's copy of the address. Pages become pseudo-links (slug `~…`,
never served as a redirect) so every attribution rule, roll-up and question
that works for short links works for pages too.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import string
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracking.core.errors import InvalidInput

#: Pseudo-link slugs of pages start with this; no short link can (custom slugs are [A-Za-z0-9_-]).
PAGE_SLUG_PREFIX = "~"
MAX_PATH = 512
MAX_REFERRER = 1024
MAX_BODY_BYTES = 2048
_TOKEN = re.compile(r"^[A-Za-z0-9]{8,32}$")
_KEY = re.compile(r"^[A-Za-z0-9]{16,32}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The buttons the script offers, and the channel each short link is tagged for (None: untagged).
SHARE_CHANNELS: dict[str, str | None] = {
    "whatsapp": "whatsapp",
    "telegram": "telegram",
    "email": "email",
    "sms": "sms",
    "copy": None,
}


class BadBeacon(InvalidInput):
    """A beacon or share request that cannot be read; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Site:
    """A registered site: its origin and the public key its tag carries."""

    id: int
    origin: str
    key: str


@dataclass(frozen=True, slots=True)
class Beacon:
    """What the script sends when a page opens with a share token."""

    site_key: str
    token: str
    path: str
    referrer: str


@dataclass(frozen=True, slots=True)
class ShareRequest:
    """A share button's request for a short link to the page it sits on."""

    site_key: str
    path: str
    button: str


def check_origin(raw: str) -> str:
    """`https://blog.example.com` (scheme, host and port only), lower-cased; anything else refused."""
    text = raw.strip()
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(f"{raw!r} is not a site origin; give one like https://blog.example.com")
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInput(
            f"give the site's origin only (scheme and host), e.g. {parts.scheme}://{parts.hostname}"
        )
    try:
        port = parts.port
    except ValueError:
        raise InvalidInput(f"{raw!r} has a port that is not a number from 1 to 65535") from None
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.encode("idna").decode("ascii") if not parts.hostname.isascii() else parts.hostname
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{parts.scheme}://{host.lower()}{suffix}"


def new_site_key() -> str:
    """The public key a site's tag carries (not a secret: the origin check is what protects)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20))


def script_tag(base_url: str, key: str) -> str:
    """The one line to put on every page of the site."""
    return f'<script defer src="{base_url.rstrip("/")}/lantern.js" data-site="{key}"></script>'


def check_path(raw: object) -> str:
    """A page's path: starts with one `/`, no query or fragment, no control characters, ≤ 512."""
    if not isinstance(raw, str) or not raw.startswith("/") or raw.startswith("//"):
        raise BadBeacon("path must be the page's path, starting with /")
    path = raw.split("?", 1)[0].split("#", 1)[0]
    if len(path) > MAX_PATH:
        raise BadBeacon(f"path is longer than {MAX_PATH} characters")
    if _CONTROL.search(path):
        raise BadBeacon("path holds control characters")
    return path


def page_slug(site_key: str, path: str) -> str:
    """The pseudo-link slug of one page of one site (stable, never a valid short-link slug)."""
    return PAGE_SLUG_PREFIX + hashlib.sha256(f"{site_key}\n{path}".encode()).hexdigest()[:24]


def is_page_slug(slug: str) -> bool:
    """True for a page's pseudo-link."""
    return slug.startswith(PAGE_SLUG_PREFIX)


def _document(body: bytes) -> dict[str, object]:
    if len(body) > MAX_BODY_BYTES:
        raise BadBeacon(f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBeacon("the body is not JSON") from None
    if not isinstance(document, dict):
        raise BadBeacon("the body must be a JSON object")
    return document


def _site_key(document: dict[str, object]) -> str:
    key = document.get("site")
    if not isinstance(key, str) or not _KEY.match(key):
        raise BadBeacon("site must be the data-site key of the tag")
    return key


def parse_beacon(body: bytes) -> Beacon:
    """Read a `/collect` body: `{"site", "token", "path", "referrer"}`."""
    document = _document(body)
    token = document.get("token")
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise BadBeacon("token must be 8 to 32 letters and digits")
    referrer = document.get("referrer", "")
    if not isinstance(referrer, str):
        raise BadBeacon("referrer must be a string")
    return Beacon(
        site_key=_site_key(document),
        token=token,
        path=check_path(document.get("path")),
        referrer=_CONTROL.sub("", referrer)[:MAX_REFERRER],
    )


def parse_share(body: bytes) -> ShareRequest:
    """Read a `/collect/share` body: `{"site", "path", "channel"}`."""
    document = _document(body)
    button = document.get("channel")
    if not isinstance(button, str) or button not in SHARE_CHANNELS:
        raise BadBeacon(f"channel must be one of {', '.join(SHARE_CHANNELS)}")
    return ShareRequest(site_key=_site_key(document), path=check_path(document.get("path")), button=button)
