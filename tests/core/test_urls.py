"""URL validation: a corpus of bad URLs, each refused for its own reason."""

from __future__ import annotations

import pytest

from tracking.core.errors import InvalidUrl
from tracking.core.urls import HostPolicy, canonical_host, validate_target

POLICY = HostPolicy.build(
    ["https://go.lantern.test", "http://localhost:8080"], ["evil.example", "spam.test", "coop.example"]
)

# (url, reason): at least 40 bad URLs covering every rule.
BAD_URLS: list[tuple[str, str]] = [
    ("javascript:alert(1)", "scheme"),
    ("JavaScript:alert(document.cookie)", "scheme"),
    ("data:text/html,<script>alert(1)</script>", "scheme"),
    ("data:text/html;base64,PHNjcmlwdD4=", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.com/file.zip", "scheme"),
    ("mailto:someone@example.com", "scheme"),
    ("vbscript:msgbox(1)", "scheme"),
    ("chrome://settings", "scheme"),
    ("ws://example.com/socket", "scheme"),
    ("example.com/page", "no_scheme"),
    ("//example.com/page", "no_scheme"),
    ("www.example.com", "no_scheme"),
    ("https:example.com", "no_host"),
    ("https:/example.com", "no_host"),
    ("https://", "no_host"),
    ("https:///path", "no_host"),
    ("https://user@example.com/", "userinfo"),
    ("https://user:pass@example.com/", "userinfo"),
    ("https://example.com@evil.example/", "userinfo"),
    ("https://exa\r\nmple.com/", "whitespace"),
    ("https://example.com/a\r\nSet-Cookie: x=1", "whitespace"),
    ("https://example.com/\tpath", "whitespace"),
    ("https://example.com/a b", "whitespace"),
    (" https://example.com/", "whitespace"),
    ("https://example.com/\x00", "whitespace"),
    ("https://example.com/\u200bzero-width", "whitespace"),
    ("https://example.com/\u202eevil", "whitespace"),
    ("https://example.com/" + "a" * 3000, "too_long"),
    ("https://" + "a" * 2100 + ".com/", "too_long"),
    ("", "empty"),
    ("https://go.lantern.test/abc", "own_host"),
    ("https://GO.LANTERN.TEST/abc", "own_host"),
    ("https://go.lantern.test:8443/abc", "own_host"),
    ("https://go.lantern.test./abc", "own_host"),
    ("https://www.go.lantern.test/abc", "own_host"),
    ("http://LOCALHOST:8080/abc", "private_address"),
    ("https://evil.example/", "denied_domain"),
    ("https://sub.evil.example/path", "denied_domain"),
    ("https://EVIL.EXAMPLE./", "denied_domain"),
    ("https://deep.sub.spam.test/", "denied_domain"),
    ("https://аpple.com/", "mixed_script_host"),
    ("https://pаypal.com/login", "mixed_script_host"),
    ("https://xn--pypal-4ve.com/", "mixed_script_host"),
    ("https://gо.lantern.test/x", "mixed_script_host"),
    ("https://соор.example/", "lookalike_host"),
    ("https://127.0.0.1/", "private_address"),
    ("https://10.0.0.8/admin", "private_address"),
    ("https://192.168.1.1/", "private_address"),
    ("https://[::1]/", "private_address"),
    ("https://169.254.169.254/latest/meta-data", "private_address"),
    ("https://localhost/", "private_address"),
    ("https://intranet/", "no_tld"),
    ("https://exa_mple.com/", "invalid_host"),
    ("https://-bad-.com/", "invalid_host"),
    ("https://example.0x7f/", "invalid_host"),
    ("https://example.0X1A/", "invalid_host"),
    ("https://0x7f.0.0.1/", "invalid_host"),
    ("https://example.123/", "invalid_host"),
    ("https://" + "a" * 64 + ".com/", "invalid_host"),
    ("https://example.com:99999/", "malformed"),
    ("https://example.com:0/", "malformed"),
    ("https://[1:2:3/", "malformed"),
    ("https://example.com\\@evil.example/", "backslash"),
]


@pytest.mark.parametrize(
    ("url", "reason"), BAD_URLS, ids=[f"{i:02d}-{r}" for i, (_, r) in enumerate(BAD_URLS)]
)
def test_bad_url_is_refused_with_its_reason(url: str, reason: str) -> None:
    with pytest.raises(InvalidUrl) as caught:
        validate_target(url, POLICY)
    assert caught.value.reason == reason
    assert caught.value.message


def test_corpus_is_large_and_every_reason_has_its_own_message() -> None:
    assert len(BAD_URLS) >= 40
    messages: dict[str, set[str]] = {}
    for url, reason in BAD_URLS:
        with pytest.raises(InvalidUrl) as caught:
            validate_target(url, POLICY)
        messages.setdefault(reason, set()).add(caught.value.message)
    firsts = {reason: sorted(found)[0] for reason, found in messages.items()}
    assert len(set(firsts.values())) == len(firsts), "two reasons share a message"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?x=1#top", "https://example.com/a?x=1#top"),
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("https://example.com", "https://example.com/"),
        ("https://bücher.de/straße", "https://xn--bcher-kva.de/stra%C3%9Fe"),
        ("https://例え.jp/", "https://xn--r8jz45g.jp/"),
        ("https://example.com/a%20b?q=%2F", "https://example.com/a%20b?q=%2F"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://8.8.8.8/dns", "http://8.8.8.8/dns"),
        ("https://[2001:4860:4860::8888]/", "https://[2001:4860:4860::8888]/"),
        (
            "https://example.com/?q=ü#frag ment".replace(" ", "%20"),
            "https://example.com/?q=%C3%BC#frag%20ment",
        ),
        ("https://lantern.test.example.org/", "https://lantern.test.example.org/"),
        ("https://notevil.example/", "https://notevil.example/"),
    ],
)
def test_good_urls_are_normalised(url: str, expected: str) -> None:
    assert validate_target(url, POLICY) == expected


def test_canonical_host_compares_like_a_browser() -> None:
    assert canonical_host("WWW.Example.COM.") == "example.com"
    assert canonical_host("Bücher.de") == "xn--bcher-kva.de"
