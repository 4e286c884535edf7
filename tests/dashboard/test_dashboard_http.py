"""The dashboard over HTTP: shares, sign-in, CSRF, bad input and export, on the real app."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

from aiohttp import ClientSession, CookieJar

from tests.dashboard.conftest import Site
from tracking.core.dashboard import LinkSearch
from tracking.storage.link_listing import SqlLinkListing


def text_of(html: str) -> str:
    """Roughly what a reader sees: no scripts, no SVG, no tags."""
    html = re.sub(r"<script.*?</script>|<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


async def test_shared_url_shows_clicks_and_channels_signed_out(site: Site) -> None:
    url = await site.share("weekly")
    async with ClientSession() as client, client.get(url) as answer:
        assert answer.status == 200
        page = text_of(await answer.text())
    assert re.search(r"Clicks 6\b", page)
    assert re.search(r"WhatsApp 3\b", page) and re.search(r"Telegram 2\b", page)
    assert re.search(r"Share events 2\b", page)
    assert "Messaging 5" in page


async def test_shared_url_takes_a_question(site: Site) -> None:
    url = await site.share("messaging")
    async with (
        ClientSession() as client,
        client.get(url, params={"q": "clicks from email this week"}) as answer,
    ):
        page = text_of(await answer.text())
    assert "Understood as: Clicks · channel: email" in page
    assert re.search(r"Email 1\b", page)
    assert "WhatsApp" not in page.split("Clicks by channel")[1].split("Share events by app")[0]


async def test_french_from_accept_language(site: Site) -> None:
    url = await site.share("fr")
    async with (
        ClientSession() as client,
        client.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"}) as answer,
    ):
        page = text_of(await answer.text())
    assert "Clics par canal" in page and "Partages par application" in page
    assert re.search(r"WhatsApp 3\b", page)


async def test_revoked_share_is_404(site: Site) -> None:
    url = await site.share("gone")
    await site.accounts.revoke_share(name="gone")
    async with ClientSession() as client, client.get(url) as answer:
        assert answer.status == 404
        assert "revoked" in await answer.text()


async def test_unreadable_question_and_bad_range_are_said_on_the_page(site: Site) -> None:
    url = await site.share("bad")
    params = {"q": "zorglub wibble", "period": "custom", "from": "2026-02-30", "to": "yesterday"}
    async with ClientSession() as client, client.get(url, params=params) as answer:
        assert answer.status == 200
        page = text_of(await answer.text())
    assert "could not be read" in page and "Try:" in page
    assert "A custom period needs two dates" in page
    async with ClientSession() as client, client.get(url, params={"channel": "carrier-pigeon"}) as answer:
        assert "No channel or channel group is called “carrier-pigeon”" in text_of(await answer.text())


async def test_dashboard_needs_sign_in(site: Site) -> None:
    async with ClientSession() as client, client.get(site.url("/dashboard/")) as answer:
        assert answer.status == 401


async def test_sign_in_link_works_once_and_forged_forms_are_refused(site: Site) -> None:
    link = await site.sign_in_link()
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as client:  # unsafe: cookies of an IP host
        async with client.get(link) as answer:  # a preview fetcher's GET does not use the token
            form = await answer.text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        async with client.post(link, data={"csrf": "forged"}) as answer:
            assert answer.status == 403
            assert "could not be accepted" in await answer.text()
        async with client.post(link, data={"csrf": csrf.group(1)}) as answer:
            assert answer.status == 200 and "Clicks by channel" in await answer.text()
        cookie = next(c for c in client.cookie_jar if c.key == "lantern_session")
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as other:
        async with other.get(link) as answer:
            csrf = re.search(r'name="csrf" value="([^"]+)"', await answer.text())
        assert csrf is not None
        async with other.post(link, data={"csrf": csrf.group(1)}) as answer:
            assert answer.status == 403  # used already


async def test_failed_sign_ins_are_rate_limited(site: Site) -> None:
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as client:
        statuses = []
        for attempt in range(8):
            url = site.url(f"/dashboard/auth/wrong-token-{attempt}")
            async with client.get(url) as answer:
                match = re.search(r'name="csrf" value="([^"]+)"', await answer.text())
            async with client.post(url, data={"csrf": match.group(1) if match else ""}) as answer:
                statuses.append(answer.status)
    assert statuses[0] == 403 and 429 in statuses


async def test_export_is_a_zip_of_the_panels(site: Site) -> None:
    url = await site.share("export")
    async with (
        ClientSession() as client,
        client.get(url + "/export.zip", params={"channel": "messaging"}) as answer,
    ):
        assert answer.status == 200 and answer.content_type == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(await answer.read()))
    assert {"headline.csv", "channels.csv", "series.csv", "evidence.csv", "apps.csv"} <= set(
        archive.namelist()
    )
    assert "clicks,5," in archive.read("headline.csv").decode()


async def test_slug_dashboard_is_reserved(site: Site) -> None:
    async with ClientSession() as client, client.get(site.url("/dashboard"), allow_redirects=False) as answer:
        assert answer.status == 301 and answer.headers["Location"] == "/dashboard/"


async def signed_in(site: Site) -> ClientSession:
    """A client holding a signed-in session (the caller closes it)."""
    client = ClientSession(cookie_jar=CookieJar(unsafe=True))
    link = await site.sign_in_link()
    async with client.get(link) as answer:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await answer.text())
    assert csrf is not None
    async with client.post(link, data={"csrf": csrf.group(1)}) as answer:
        assert answer.status == 200
    return client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


async def test_qr_scans_arrive_as_their_own_channel(site: Site) -> None:
    client = await signed_in(site)
    async with client:
        slug = site.slugs["whatsapp"]
        async with client.get(site.url(f"/dashboard/links/{slug}/qr.svg")) as answer:
            assert answer.status == 200 and answer.content_type == "image/svg+xml"
            assert b"<svg" in await answer.read()
        async with client.get(
            site.url(f"/dashboard/links/{slug}/qr.png"), params={"download": "1"}
        ) as answer:
            assert (
                answer.content_type == "image/png" and "attachment" in answer.headers["Content-Disposition"]
            )
            assert (await answer.read()).startswith(b"\x89PNG")
    original = await site.container.links.get_by_slug(slug)
    assert original is not None
    listing, _ = await SqlLinkListing(site.container.engine).search(
        LinkSearch(channel="qr"), now=site.container.clock()
    )
    assert [item.link.target for item in listing] == [original.target]
    assert listing[0].link.campaign == "spring"


async def test_links_list_searches_filters_and_sorts(site: Site) -> None:
    client = await signed_in(site)
    async with client:
        async with client.get(site.url("/dashboard/links")) as answer:
            text = text_of(await answer.text())
        order = [text.index("/" + site.slugs[c]) for c in ("whatsapp", "telegram", "email")]
        assert order == sorted(order)  # most clicks first: 3, 2, 1
        async with client.get(site.url("/dashboard/links"), params={"search": "telegram"}) as answer:
            text = text_of(await answer.text())
        assert site.slugs["telegram"] in text and site.slugs["whatsapp"] not in text
        async with client.get(
            site.url("/dashboard/links"), params={"campaign": "spring", "sort": "slug"}
        ) as answer:
            text = text_of(await answer.text())
        assert site.slugs["email"] in text and site.slugs["telegram"] not in text


async def test_creating_links_answers_with_short_links_or_a_clear_error(site: Site) -> None:
    client = await signed_in(site)
    async with client:
        async with client.get(site.url("/dashboard/links")) as answer:
            token = csrf_of(await answer.text())
        form = [("csrf", token), ("url", "https://example.net/x"), ("channel", "sms"), ("channel", "email"),
                ("campaign", "Winter"), ("max_clicks", "5"), ("expires", "2027-01-31")]  # fmt: skip
        async with client.post(site.url("/dashboard/links"), data=form) as answer:
            assert answer.status == 201
            made = re.findall(r'<code class="short">([^<]+)</code>', await answer.text())
        assert len(made) == 2 and all(url.startswith(site.base + "/") for url in made)
        bad = [("csrf", token), ("url", "javascript:alert(1)")]
        async with client.post(site.url("/dashboard/links"), data=bad) as answer:
            assert answer.status == 400
            assert 'class="problem"' in await answer.text()
        taken = [("csrf", token), ("url", "https://example.net/y"), ("slug", "dashboard")]
        async with client.post(site.url("/dashboard/links"), data=taken) as answer:
            assert answer.status == 400 and "reserved" in await answer.text()
        async with client.post(
            site.url("/dashboard/links"), data=[("url", "https://example.net/z")]
        ) as answer:
            assert answer.status == 403  # no CSRF token: refused


async def test_link_page_disable_and_enable(site: Site) -> None:
    client = await signed_in(site)
    slug = site.slugs["email"]
    async with client:
        async with client.get(site.url(f"/dashboard/links/{slug}")) as answer:
            html = await answer.text()
        assert re.search(r"Clicks 1\b", text_of(html))
        async with client.post(
            site.url(f"/dashboard/links/{slug}/state"), data={"csrf": csrf_of(html), "action": "disable"}
        ) as answer:
            assert "disabled" in text_of(await answer.text())
        link = await site.container.links.get_by_slug(slug)
        assert link is not None and link.disabled
        async with client.get(site.url("/dashboard/links/no-such-link")) as answer:
            assert answer.status == 404


async def test_language_switch_is_remembered(site: Site) -> None:
    client = await signed_in(site)
    async with client:
        async with client.get(site.url("/dashboard/lang/fr"), params={"next": "/dashboard/links"}) as answer:
            assert answer.url.path == "/dashboard/links"
            assert "Tous les liens" in await answer.text()
        async with client.get(
            site.url("/dashboard/lang/en"), params={"next": "https://evil.example/"}
        ) as answer:
            assert answer.url.path == "/dashboard/"


async def test_questions_over_sub_day_periods_render(site: Site) -> None:
    url = await site.share("hours")
    async with (
        ClientSession() as client,
        client.get(url, params={"q": "clicks by country last 24 hours"}) as answer,
    ):
        assert answer.status == 200
        assert re.search(r"Clicks 6\b", text_of(await answer.text()))


async def test_sign_out(site: Site) -> None:
    client = await signed_in(site)
    async with client:
        async with client.get(site.url("/dashboard/")) as answer:
            token = csrf_of(await answer.text())
        async with client.post(site.url("/dashboard/auth/sign-out"), data={"csrf": token}) as answer:
            assert "signed out" in await answer.text()
        async with client.get(site.url("/dashboard/")) as answer:
            assert answer.status == 401


async def test_a_dimension_row_filters_the_whole_page(site: Site) -> None:
    url = await site.share("dimensions")
    async with ClientSession() as client:
        async with client.get(url) as answer:
            html = await answer.text()
        assert 'data-fill-panels="' in html  # the per-day panels come after the page
        async with client.get(url + "/panels.html") as answer:
            assert "?evidence=referrer" in await answer.text()  # the evidence row is a filter link
        async with client.get(url, params={"evidence": "referrer", "panels": "all"}) as answer:
            page = text_of(await answer.text())
        assert re.search(r"Clicks 1\b", page) and re.search(r"Telegram 1\b", page)
        assert "Evidence: Referrer" in page
        assert "Not broken down while another" in page  # countries cannot be split by evidence
        async with client.get(url, params={"device": "desktop", "evidence": "none"}) as answer:
            page = text_of(await answer.text())
        assert "Only one of country, device, browser and evidence filters at a time" in page


async def test_unique_visitors_come_after_the_page_or_with_it(site: Site) -> None:
    url = await site.share("visitors")
    async with ClientSession() as client:
        async with client.get(url) as answer:
            html = await answer.text()
        fill = re.search(r'data-fill="([^"]+)"', html)
        assert fill is not None
        async with client.get(site.url(unescape(fill.group(1)))) as answer:
            assert answer.status == 200
            assert (await answer.json())["value"] == "1"  # one browser, one day
        async with client.get(url, params={"visitors": "1"}) as answer:  # the no-script way
            assert re.search(r"Unique visitors 1\b", text_of(await answer.text()))
