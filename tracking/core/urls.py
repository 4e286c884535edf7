"""Target URL validation: refuse anything a short link must never point to.

Every refusal has its own `reason` and message, so a chat reply or an HTTP
400 can tell the user exactly what to fix.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

import idna

from tracking.core.errors import InvalidUrl

MAX_URL_LENGTH = 2048
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_WHITESPACE_OR_CONTROL = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff]"
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMBER_LABEL = re.compile(r"^(?:[0-9]+|0x[0-9a-f]*)$")

# Characters left alone when re-quoting path, query and fragment: RFC 3986
# reserved and unreserved characters plus '%' so existing escapes survive.
_SAFE_CHARS = "!#$%&'()*+,/:;=?@[]~-._"
# Latin look-alikes from other scripts, enough to spot a homograph of a
# protected host such as Lantern's own.
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ɡ": "g",
        "һ": "h",
        "ӏ": "l",
        "ԛ": "q",
        "ԝ": "w",
        "α": "a",
        "ο": "o",
        "ν": "v",
        "τ": "t",
        "ι": "i",
        "κ": "k",
        "ρ": "p",
        "υ": "u",
    }
)


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """Hosts a target may not point at: Lantern's own and the denied domains."""

    own_hosts: frozenset[str]
    denied_domains: frozenset[str] = frozenset()

    @classmethod
    def build(cls, own_urls: Iterable[str], denied: Iterable[str] = ()) -> HostPolicy:
        """Build from Lantern's public URLs and the denied-domain setting."""
        own = {canonical_host(urlsplit(u).hostname or u) for u in own_urls}
        return cls(
            own_hosts=frozenset(h for h in own if h),
            denied_domains=frozenset(canonical_host(d) for d in denied if d.strip()),
        )


def canonical_host(host: str) -> str:
    """Lower-case, punycode, without trailing dot or leading `www.`: for comparing hosts."""
    host = host.strip().lower().rstrip(".")
    with contextlib.suppress(idna.IDNAError):
        host = idna.encode(host, uts46=True).decode("ascii")
    return host.removeprefix("www.")


def _refuse(reason: str, message: str) -> InvalidUrl:
    return InvalidUrl(message, reason=reason)


def _scripts(label: str) -> set[str]:
    """Unicode scripts used by the letters of one label (by the character-name prefix)."""
    found = set()
    for char in label:
        if char.isascii():
            if char.isalpha():
                found.add("LATIN")
            continue
        name = unicodedata.name(char, "")
        if name:
            found.add(name.split(" ")[0])
    return found


_CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"}


def _check_unicode_host(host: str, policy: HostPolicy) -> None:
    for label in host.split("."):
        mixed = _scripts(label) & _CONFUSABLE_SCRIPTS
        if len(mixed) > 1:
            raise _refuse(
                "mixed_script_host",
                f"the host {host!r} mixes {' and '.join(sorted(s.title() for s in mixed))} letters "
                "in one name, a common look-alike trick; type the address with a single alphabet",
            )
    skeleton = canonical_host(host.translate(_HOMOGLYPHS))
    if skeleton == canonical_host(host):
        return
    # A sub-domain of a look-alike (login.раураӏ.com) imitates the protected host just the same.
    for protected in policy.own_hosts | policy.denied_domains:
        if skeleton == protected or skeleton.endswith("." + protected):
            raise _refuse(
                "lookalike_host",
                f"the host {host!r} imitates {protected!r} with look-alike letters",
            )


def _to_ascii_host(host: str, policy: HostPolicy) -> str:
    if not host.isascii():
        _check_unicode_host(host, policy)
    else:
        decoded = _decode_punycode(host)
        if decoded != host:
            _check_unicode_host(decoded, policy)
    try:
        return idna.encode(host.rstrip("."), uts46=True).decode("ascii").lower()
    except idna.IDNAError as error:
        raise _refuse("invalid_host", f"the host {host!r} is not a valid domain name ({error})") from None


def _decode_punycode(host: str) -> str:
    try:
        return idna.decode(host.rstrip("."))
    except idna.IDNAError:
        return host


def _check_ip_host(host: str) -> bool:
    """True when the host is an IP literal (refused when it is not publicly routable)."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if not address.is_global:
        raise _refuse(
            "private_address",
            f"the address {host} is private or local; visitors could not reach it",
        )
    return True


def _check_domain(host: str) -> None:
    if host == "localhost" or host.endswith(".localhost"):
        raise _refuse("private_address", "'localhost' points at the visitor's own machine")
    labels = host.split(".")
    if len(labels) < 2:
        raise _refuse("no_tld", f"the host {host!r} has no top-level domain (like .com)")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _refuse("invalid_host", f"the host {host!r} is not a valid domain name")
    if _NUMBER_LABEL.match(labels[-1]):
        # Browsers (the WHATWG URL standard) read a host ending in a number — decimal, or hex
        # like 0x7f — as an IPv4 address, so it would not go where the name suggests.
        raise _refuse(
            "invalid_host", f"the host {host!r} ends in a number, so browsers read it as an IP address"
        )


def _check_policy(host: str, policy: HostPolicy) -> None:
    canonical = canonical_host(host)
    if canonical in policy.own_hosts:
        raise _refuse(
            "own_host",
            "that is already a Lantern link; shortening it again would make a redirect loop",
        )
    for denied in policy.denied_domains:
        if canonical == denied or canonical.endswith("." + denied):
            raise _refuse("denied_domain", f"links to {denied} are not allowed here")


def _requote(part: str) -> str:
    return quote(part, safe=_SAFE_CHARS)


def validate_target(raw: str, policy: HostPolicy) -> str:
    """Return the normalised target URL, or raise InvalidUrl saying what is wrong."""
    if not raw:
        raise _refuse("empty", "the URL is empty")
    if len(raw) > MAX_URL_LENGTH:
        raise _refuse("too_long", f"the URL is {len(raw)} characters long; the limit is {MAX_URL_LENGTH}")
    if _WHITESPACE_OR_CONTROL.search(raw):
        raise _refuse(
            "whitespace",
            "the URL contains spaces, line breaks or invisible control characters; encode spaces as %20",
        )
    scheme_match = _SCHEME.match(raw)
    if scheme_match is None:
        raise _refuse("no_scheme", "the URL must start with http:// or https://")
    scheme = scheme_match.group(1).lower()
    if scheme not in {"http", "https"}:
        raise _refuse("scheme", f"only http and https links can be shortened, not {scheme}:")
    if not raw[len(scheme) + 1 :].startswith("//"):
        raise _refuse("no_host", "the URL must have a host after the scheme, like https://example.com/")
    if "\\" in raw:
        raise _refuse("backslash", "the URL contains a backslash; browsers read it as a different host")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as error:
        raise _refuse("malformed", f"the URL cannot be read: {error}") from None
    netloc = parts.netloc
    if "@" in netloc:
        raise _refuse("userinfo", "the URL must not carry a user name or password (user@host)")
    host = parts.hostname or ""
    if not host:
        raise _refuse("no_host", "the URL has no host")
    if port == 0:
        raise _refuse("malformed", "the URL's port must be between 1 and 65535")
    if _check_ip_host(host):
        ascii_host = _format_ip(host)
    else:
        ascii_host = _to_ascii_host(host, policy)
        _check_domain(ascii_host)
    _check_policy(ascii_host, policy)
    new_netloc = ascii_host if port is None else f"{ascii_host}:{port}"
    normalised = SplitResult(
        scheme=scheme,
        netloc=new_netloc,
        path=_requote(parts.path) or "/",
        query=_requote(parts.query),
        fragment=_requote(parts.fragment),
    )
    url = urlunsplit(normalised)
    if len(url) > MAX_URL_LENGTH:
        raise _refuse("too_long", f"the URL is longer than {MAX_URL_LENGTH} characters once encoded")
    return url


def _format_ip(host: str) -> str:
    address = ipaddress.ip_address(host)
    return f"[{address.compressed}]" if address.version == 6 else address.compressed
