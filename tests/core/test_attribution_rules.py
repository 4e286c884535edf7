"""The rules table (one case per row) and the evidence order of the classifier."""

from __future__ import annotations

import re

import pytest

from tracking.core.attribution import (
    RULES,
    RULES_VERSION,
    Attribution,
    Classifier,
    Evidence,
    HostPattern,
    Rule,
    VisitKind,
    VisitSignals,
    rules_for,
    split_referrer,
    validate_rules,
)
from tracking.core.attribution.fetchers import Fetcher
from tracking.core.attribution.rules import fetcher_of
from tracking.core.channels import find_channel

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
IPHONE_FB = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 [FBAN/FBIOS;FBAV/441.0.0.23.105;FBBV/539217318;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS]"
)
ANDROID_WV = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.231105.004; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.193 Mobile Safari/537.36"
)

# One case per user-agent row: the row's name -> a user agent it must decide.
USER_AGENT_CASES: dict[str, str] = {
    "imessage-preview": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 "
    "(KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
    "line-preview": "facebookexternalhit/1.1;line-poker/1.0",
    "kakaotalk-preview": "facebookexternalhit/1.1; kakaotalk-scrap/1.0; "
    "+https://devtalk.kakao.com/t/scrap/33984",
    "signal-preview": "WhatsApp/2",
    "whatsapp-preview": "WhatsApp/2.23.20.0 A",
    "telegram-preview": "TelegramBot (like TwitterBot)",
    "slack-preview": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "discord-preview": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.10; rv:38.0) Gecko/20100101 Firefox/38.0 "
    "(compatible; Discordbot/2.0; +https://discordapp.com)",
    "teams-preview": "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 "
    "skype-url-preview@microsoft.com",
    "facebook-preview": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "x-preview": "Twitterbot/1.0",
    "linkedin-preview": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient "
    "+http://www.linkedin.com)",
    "viber-preview": "Viber",
    "snapchat-preview": "Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; "
    "https://developers.snap.com/robots)",
    "mastodon-preview": "Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/)",
    "google-messages-preview": "Mozilla/5.0 Google-PageRenderer Google "
    "(+https://developers.google.com/+/web/snippet/)",
    "googlechat-preview": "Google-Chat/1.0",
    "zoom-preview": "Zoom.Mac",
    "mattermost-preview": "Mattermost-Bot/1.1",
    "reddit-preview": "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
    "pinterest-preview": "Pinterest/0.2 (+https://www.pinterest.com/bot.html)",
    "empty-user-agent": "",
    "curl": "curl/8.4.0",
    "wget": "Wget/1.21.2",
    "python-requests": "python-requests/2.31.0",
    "python-urllib": "Python-urllib/3.11",
    "aiohttp": "Python/3.11 aiohttp/3.9.1",
    "httpx": "python-httpx/0.25.2",
    "go-http-client": "Go-http-client/1.1",
    "okhttp": "okhttp/4.12.0",
    "java-http-client": "Java/17.0.2",
    "libwww-perl": "libwww-perl/6.72",
    "headless-chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.6099.28 Safari/537.36",
    "phantomjs": "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) "
    "PhantomJS/2.1.1 Safari/538.1",
    "browser-automation": CHROME + " Playwright/1.40",
    "crawler-library": "Mozilla/5.0 (compatible; archive.org_bot "
    "+http://www.archive.org/details/archive.org_bot)",
    "messenger-in-app": ANDROID_WV + " [FB_IAB/MESSENGER;FBAV/439.0.0.29.119;]",
    "instagram-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Instagram 309.1.1.28.108 (iPhone14,2; iOS 17_1_2; en_US; en)",
    "facebook-in-app": IPHONE_FB,
    "wechat-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.42(0x18002a2a) NetType/WIFI Language/zh_CN",
    "line-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Safari Line/13.16.0",
    "telegram-in-app": ANDROID_WV + " Telegram-Android/11.4.3 (Google Pixel 8; Android 14; SDK 34; HIGH)",
    "kakaotalk-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.4.3",
    "snapchat-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Snapchat/12.61.0.37 (like Safari/8617.2.4.10.8, panda)",
    "linkedin-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8433",
    "x-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/10.70",
    "tiktok-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI BytedanceWebview/d8a21c6",
    "pinterest-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]",
    # Rules version 2: email scanners, crawlers named after apps, new previews and in-app browsers.
    "yahoo-mail": "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
    "gmail-image-proxy": "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com "
    "GoogleImageProxy)",
    "google-safety": CHROME + " (compatible; Google-Safety; +http://www.google.com/bot.html)",
    "outlook-office": "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
    "barracuda": "Barracuda Sentinel (EE)",
    "kaspersky": "Kaspersky Lab CFR link resolver cfradmins@kaspersky.com",
    "proofpoint": "Proofpoint URL Defense",
    "mimecast": "Mimecast-URL-Protect/1.0",
    "cisco-secure-email": "Cisco IronPort URL Filtering",
    "trend-micro": "TrendMicro Email Security",
    "symantec": "Symantec Email Security.cloud link checker",
    "sophos": "Sophos Email Time-of-Click",
    "fortinet": "FortiMail URL Click Protection",
    "zscaler": "Zscaler URL Scanner",
    "other-mail-security": "Forcepoint Email Security URL Sandbox",
    "mail-provider-proxy": "Mozilla/5.0 SeznamEmailProxy/2.0.174",
    "email-platform": "Mozilla/5.0 (compatible; MailChimp; +https://mailchimp.com/)",
    "linespider": "Mozilla/5.0 (compatible; Linespider/1.1; +https://lin.ee/4dwXkTH)",
    "tiktokspider": "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile "
    "Safari/537.36 "
    "(compatible; TikTokSpider; ttspider-feedback@tiktok.com)",
    "meta-crawlers": "meta-externalagent/1.1 "
    "(+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "snapchat-ads": "Mozilla/5.0 (compatible; SnapchatAds/1.0; +https://businesshelp.snapchat.com/s/article/"
    "adsbot-crawler)",
    "seozoom": "ZoomBot (Linkbot 1.0 http://suite.seozoom.it/bot.html)",
    "bluesky-crawlers": "bluesky-domain-status-classifier/1.0",
    "applebot": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "ai-crawlers": "DuckAssistBot/1.2; (+http://duckduckgo.com/duckassistbot.html)",
    "bluesky-preview": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Bluesky Cardyb/1.1; "
    "+mailto:support@bsky.app) Chrome/W.X.Y.Z Safari/537.36",
    "fediverse-preview": "Misskey/2024.11.0 (https://misskey.io)",
    "matrix-preview": "Synapse (bot; +https://github.com/matrix-org/synapse)",
    "vk-preview": "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
    "embed-service-preview": "Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian",
    "node-http-client": "axios/1.7.9",
    "search-crawlers": "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "seo-crawlers": "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "monitoring": "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "machine-words": "Mozilla/5.0 (compatible; SecurityScanner/1.0)",
    "not-a-browser": "Spotify/1.0",
    "threads-in-app": ANDROID_WV + " Barcelona 377.0.0.41.112 Android (34/14; 450dpi; 1080x2125; samsung)",
    "whatsapp-in-app": ANDROID_WV + " [WA4A/2.25.32.75;]",
    "reddit-in-app": ANDROID_WV + " Reddit/Version 2024.33.0/Build 1789345/Android 14",
    "teams-in-app": ANDROID_WV + " TeamsMobile-Android",
    "viber-in-app": ANDROID_WV + " Viber/11.9.5.8",
    "zalo-in-app": ANDROID_WV + " Zalo android/12110101 ZaloTheme/light ZaloLanguage/vi",
    "google-app-in-app": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) GSA/375.0.772545411 Mobile/15E148 Safari/604.1",
    "bing-app-in-app": ANDROID_WV + " BingSapphire/32.7.440115006",
}

# One case per referrer row: the row's name -> a referrer it must decide.
REFERRER_CASES: dict[str, str] = {
    "telegram-web": "https://web.telegram.org/",
    "telegram-app": "android-app://org.telegram.messenger/",
    "whatsapp-web": "https://web.whatsapp.com/",
    "whatsapp-app": "android-app://com.whatsapp/",
    "slack-web": "https://app.slack.com/client/T012AB3C4/C012AB3C4",
    "slack-app": "android-app://com.Slack/",
    "messenger-web": "https://l.messenger.com/l.php?u=https%3A%2F%2Fexample.org",
    "messenger-app": "android-app://com.facebook.orca/",
    "facebook-web": "https://l.facebook.com/",
    "facebook-app": "android-app://com.facebook.katana/",
    "instagram-web": "https://l.instagram.com/",
    "instagram-app": "android-app://com.instagram.android/",
    "x-shortener": "https://t.co/AbC123xyz",
    "x-web": "https://x.com/",
    "x-app": "android-app://com.twitter.android/",
    "linkedin-shortener": "https://lnkd.in/e8aBcD",
    "linkedin-web": "https://www.linkedin.com/",
    "linkedin-app": "android-app://com.linkedin.android/",
    "email-webmail": "https://mail.google.com/",
    "email-app": "android-app://com.google.android.gm/",
    "teams-web": "https://teams.microsoft.com/",
    "teams-app": "android-app://com.microsoft.teams/",
    "discord-web": "https://discord.com/",
    "discord-app": "android-app://com.discord/",
    "reddit-web": "https://out.reddit.com/t3_abc?url=https%3A%2F%2Fexample.org",
    "youtube-web": "https://www.youtube.com/",
    "tiktok-web": "https://www.tiktok.com/",
    "pinterest-web": "https://www.pinterest.com/",
    "google-search": "https://www.google.com/",
    "google-app": "android-app://com.google.android.googlequicksearchbox/",
    "bing-search": "https://www.bing.com/",
    "duckduckgo-search": "https://duckduckgo.com/",
    "yahoo-search": "https://search.yahoo.com/",
    "web-referrer": "https://news.ycombinator.com/item?id=1",
}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(own_hosts=frozenset({"lnt.example"}))


def _rule(name: str) -> Rule:
    return next(rule for rule in RULES if rule.name == name)


def _get(
    user_agent: str = CHROME,
    referrer: str = "",
    link_channel: str | None = None,
    recent: frozenset[str] = frozenset(),
    method: str = "GET",
) -> VisitSignals:
    return VisitSignals(method, user_agent, referrer, link_channel, recent)


# --- the table --------------------------------------------------------------------


def test_every_rule_row_has_a_case() -> None:
    cases = set(USER_AGENT_CASES) | set(REFERRER_CASES)
    assert [rule.name for rule in RULES if rule.name not in cases] == []
    assert sorted(cases - {rule.name for rule in RULES}) == []


def test_the_table_is_well_formed() -> None:
    validate_rules(RULES)
    assert RULES_VERSION == 2
    assert len({rule.name for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        if rule.kind == "bot":
            assert rule.channel in {"", "email"}
            assert (rule.channel == "email") == (rule.fetcher is Fetcher.EMAIL_SCANNER)
        else:
            found = find_channel(rule.channel)
            assert found is not None and found.name == rule.channel


def test_stages_come_in_evidence_order() -> None:
    order = {"early_bot": 0, "preview": 1, "bot": 2, "in_app": 3, "referrer": 4}
    ranks = [order[rule.stage] for rule in RULES]
    assert ranks == sorted(ranks)
    assert RULES[-1].name == "web-referrer"
    assert [r.name for r in rules_for("bot")][-3:] == ["crawler-library", "machine-words", "not-a-browser"]


@pytest.mark.parametrize("name", sorted(USER_AGENT_CASES))
def test_user_agent_row(classifier: Classifier, name: str) -> None:
    rule = _rule(name)
    result = classifier.classify(_get(USER_AGENT_CASES[name], referrer="https://t.co/x"))
    assert result.rule == name
    assert result.kind == VisitKind(rule.kind)
    assert result.channel == (rule.channel or "direct")
    assert fetcher_of(result) == (rule.fetcher if rule.kind != "click" else Fetcher.PERSON)


@pytest.mark.parametrize("name", sorted(REFERRER_CASES))
def test_referrer_row(classifier: Classifier, name: str) -> None:
    rule = _rule(name)
    result = classifier.classify(_get(referrer=REFERRER_CASES[name], link_channel="sms"))
    assert (result.kind, result.channel, result.evidence, result.rule) == (
        VisitKind.CLICK,
        rule.channel,
        Evidence.REFERRER,
        name,
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Bad_Name", "kebab-case"),
        ("channel", "myspace", "canonical"),
        ("channel", "wa", "canonical"),
        ("kind", "click", "does not fit"),
    ],
)
def test_validation_refuses_bad_rows(field: str, value: str, message: str) -> None:
    good = _rule("whatsapp-preview")
    row = {
        "name": good.name,
        "stage": good.stage,
        "pattern": good.pattern,
        "kind": good.kind,
        "channel": good.channel,
        field: value,
    }
    with pytest.raises(ValueError, match=message):
        validate_rules((Rule(**row),))  # type: ignore[arg-type]


def test_validation_refuses_duplicates_misfiled_patterns_and_bot_channels() -> None:
    row = _rule("curl")
    with pytest.raises(ValueError, match="duplicate"):
        validate_rules((row, row))
    with pytest.raises(ValueError, match="HostPattern"):
        validate_rules((Rule("odd", "referrer", re.compile("x"), "click", "web"),))
    with pytest.raises(ValueError, match="no channel"):
        validate_rules((Rule("odd", "bot", re.compile("x"), "bot", "web"),))
    with pytest.raises(ValueError, match="lower-case"):
        validate_rules((Rule("odd", "referrer", HostPattern(hosts=frozenset({"T.co"})), "click", "x"),))


# --- the evidence order -----------------------------------------------------------


def test_head_beats_everything(classifier: Classifier) -> None:
    result = classifier.classify(_get("WhatsApp/2.23.20.0 A", "https://t.co/x", "email", method="HEAD"))
    assert result == Attribution(VisitKind.BOT, "email", Evidence.HEAD_REQUEST, None, RULES_VERSION)
    assert classifier.classify(_get(method="head")).channel == "direct"


def test_preview_beats_bot(classifier: Classifier) -> None:
    # TelegramBot is a crawler to crawlerdetect too; the preview row must win.
    result = classifier.classify(_get("TelegramBot (like TwitterBot)"))
    assert (result.kind, result.channel, result.evidence) == (
        VisitKind.PREVIEW,
        "telegram",
        Evidence.PREVIEW_FETCHER,
    )


def test_specific_previews_beat_the_generic_ones(classifier: Classifier) -> None:
    assert classifier.classify(_get(USER_AGENT_CASES["imessage-preview"])).channel == "imessage"
    assert classifier.classify(_get(USER_AGENT_CASES["line-preview"])).channel == "line"
    assert classifier.classify(_get(USER_AGENT_CASES["kakaotalk-preview"])).channel == "kakaotalk"
    assert classifier.classify(_get("TelegramBot (like TwitterBot)")).channel == "telegram"


def test_bot_beats_in_app_browser(classifier: Classifier) -> None:
    headless = USER_AGENT_CASES["headless-chrome"] + " [FB_IAB/FB4A;FBAV/442.0.0.38.109;]"
    result = classifier.classify(_get(headless, link_channel="facebook"))
    assert (result.kind, result.channel, result.rule) == (VisitKind.BOT, "facebook", "headless-chrome")


def test_in_app_browser_beats_referrer(classifier: Classifier) -> None:
    result = classifier.classify(_get(IPHONE_FB, "https://t.co/x", "email"))
    assert (result.kind, result.channel, result.evidence) == (
        VisitKind.CLICK,
        "facebook",
        Evidence.IN_APP_BROWSER,
    )


def test_messenger_beats_facebook(classifier: Classifier) -> None:
    assert classifier.classify(_get(USER_AGENT_CASES["messenger-in-app"])).channel == "messenger"


def test_referrer_beats_recent_preview(classifier: Classifier) -> None:
    result = classifier.classify(_get(referrer="https://mail.google.com/", recent=frozenset({"whatsapp"})))
    assert (result.channel, result.evidence) == ("email", Evidence.REFERRER)


def test_recent_preview_beats_link_tag(classifier: Classifier) -> None:
    result = classifier.classify(_get(link_channel="email", recent=frozenset({"telegram"})))
    assert result == Attribution(VisitKind.CLICK, "telegram", Evidence.RECENT_PREVIEW, None, RULES_VERSION)


def test_recent_preview_counts_only_when_exactly_one_channel(classifier: Classifier) -> None:
    two = classifier.classify(_get(link_channel="email", recent=frozenset({"telegram", "slack"})))
    assert (two.channel, two.evidence) == ("email", Evidence.LINK_TAG)
    none = classifier.classify(_get(link_channel="email"))
    assert (none.channel, none.evidence) == ("email", Evidence.LINK_TAG)
    aliases = classifier.classify(_get(recent=frozenset({"wa", "whatsapp"})))
    assert (aliases.channel, aliases.evidence) == ("whatsapp", Evidence.RECENT_PREVIEW)
    unknown = classifier.classify(_get(recent=frozenset({"myspace"})))
    assert (unknown.channel, unknown.evidence) == ("direct", Evidence.NONE)


def test_link_tag_beats_nothing(classifier: Classifier) -> None:
    assert classifier.classify(_get(link_channel="tg")) == Attribution(
        VisitKind.CLICK, "telegram", Evidence.LINK_TAG, None, RULES_VERSION
    )
    assert classifier.classify(_get()) == Attribution(
        VisitKind.CLICK, "direct", Evidence.NONE, None, RULES_VERSION
    )


def test_bots_never_have_an_empty_channel(classifier: Classifier) -> None:
    for user_agent in ("", "curl/8.4.0", USER_AGENT_CASES["crawler-library"]):
        assert classifier.classify(_get(user_agent)).channel == "direct"
        assert classifier.classify(_get(user_agent, link_channel="slack")).channel == "slack"
        assert classifier.classify(_get(user_agent, link_channel="nonsense")).channel == "direct"


# --- referrers ----------------------------------------------------------------------


def test_own_host_referrer_is_ignored(classifier: Classifier) -> None:
    for own in ("https://lnt.example/abc", "https://LNT.Example:443/abc", "http://lnt.example./"):
        result = classifier.classify(_get(referrer=own, link_channel="sms"))
        assert (result.channel, result.evidence) == ("sms", Evidence.LINK_TAG), own
    other = Classifier().classify(_get(referrer="https://lnt.example/abc"))
    assert (other.channel, other.rule) == ("web", "web-referrer")


@pytest.mark.parametrize(
    "referrer",
    [
        "https://evil-t.co/x",
        "https://t.co.evil.com/x",
        "https://xt.co/",
        "https://sub.t.co/x",
        "https://mail.google.com.evil.io/",
        "https://web.telegram.org.evil.net/",
        "https://notslack.com/",
        "https://myfacebook.com/",
        "https://lnkd.in.example.org/",
        "https://google.evil.com/",
        "https://www.google.example.com/",
        "https://t.co@evil.example/",
    ],
)
def test_look_alike_hosts_are_just_the_web(classifier: Classifier, referrer: str) -> None:
    result = classifier.classify(_get(referrer=referrer))
    assert (result.channel, result.rule) == ("web", "web-referrer")


@pytest.mark.parametrize(
    ("referrer", "channel"),
    [
        ("HTTPS://L.FACEBOOK.COM/l.php?u=x", "facebook"),
        ("https://lm.facebook.com/", "facebook"),
        ("https://m.facebook.com/", "facebook"),
        ("https://www.messenger.com/", "messenger"),
        ("https://ptb.discord.com/channels/1/2", "discord"),
        ("https://discordapp.com/", "discord"),
        ("https://myteam.slack.com/archives/C1", "slack"),
        ("https://t.me/somechannel/12", "telegram"),
        ("https://telegram.me/x", "telegram"),
        ("android-app://org.telegram.messenger.web/", "telegram"),
        ("https://wa.me/15551234567", "whatsapp"),
        ("https://twitter.com/", "x"),
        ("https://outlook.live.com/", "email"),
        ("https://outlook.office.com/", "email"),
        ("https://outlook.office365.com/", "email"),
        ("https://mail.yahoo.com/", "email"),
        ("https://mail.proton.me/", "email"),
        ("https://teams.live.com/", "teams"),
        ("https://www.reddit.com/r/python", "reddit"),
        ("https://www.google.co.uk/", "google"),
        ("https://www.google.de/", "google"),
        ("https://www.google.com.au/", "google"),
        ("https://cn.bing.com/", "bing"),
        ("https://html.duckduckgo.com/", "duckduckgo"),
        ("https://uk.search.yahoo.com/", "yahoo"),
        ("https://docs.google.com/document/d/1", "web"),
        ("http://example.org:8080/page", "web"),
    ],
)
def test_referrer_hosts(classifier: Classifier, referrer: str, channel: str) -> None:
    assert classifier.classify(_get(referrer=referrer)).channel == channel


@pytest.mark.parametrize(
    "referrer",
    [
        "",
        "   ",
        "not a url",
        "/relative/path",
        "ftp://files.example.org/",
        "http://[::1",
        "android-app://com.whatsapp.fake/",
        "about:blank",
    ],
)
def test_unusable_referrers_fall_through(classifier: Classifier, referrer: str) -> None:
    result = classifier.classify(_get(referrer=referrer, link_channel="sms"))
    assert (result.channel, result.evidence) == ("sms", Evidence.LINK_TAG)


def test_split_referrer() -> None:
    assert split_referrer("HTTPS://Mail.Google.com:443/mail/u/0/") == ("https", "mail.google.com")
    assert split_referrer("android-app://com.google.android.gm/") == ("android-app", "com.google.android.gm")
    assert split_referrer("http://[::1") is None
    assert split_referrer("") is None


# --- what cannot be told apart ------------------------------------------------------


def test_bare_whatsapp_2_is_read_as_signal() -> None:
    """Signal sends the bare "WhatsApp/2"; so do Pleroma/Akkoma and some preview libraries.

    The rows cannot tell those apart: they are all attributed to signal. Real WhatsApp
    always sends a full version, so it is never mistaken for Signal.
    """
    classifier = Classifier()
    assert classifier.classify(_get("WhatsApp/2")).channel == "signal"
    assert classifier.classify(_get("WhatsApp/2.24.1.5 i")).channel == "whatsapp"


def test_messenger_previews_count_as_facebook() -> None:
    """Messenger and Facebook share facebookexternalhit: a Messenger preview is facebook."""
    result = Classifier().classify(_get("facebookexternalhit/1.1", link_channel="messenger"))
    assert (result.kind, result.channel) == (VisitKind.PREVIEW, "facebook")


def test_long_user_agents_are_cut_but_still_match() -> None:
    classifier = Classifier()
    assert classifier.classify(_get("curl/8.4.0 " + "x" * 10_000)).kind == VisitKind.BOT
    assert classifier.classify(_get(CHROME + " " + "y" * 10_000)).kind == VisitKind.CLICK


def test_results_are_the_same_cached_or_not() -> None:
    cached = Classifier(cache_size=2)
    fresh_each_time = Classifier(cache_size=0)
    agents = [*USER_AGENT_CASES.values(), CHROME, IPHONE_FB] * 2
    expected = [fresh_each_time.classify(_get(ua)) for ua in agents]
    assert [cached.classify(_get(ua)) for ua in agents] == expected
