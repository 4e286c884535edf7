"""A corpus of real user-agent strings: previews, in-app browsers, browsers, crawlers, scripts.

The strings are as the apps and browsers publish or send them. Ordinary browsers
must never be a bot or a preview: a false bot loses a real click for good.
"""

from __future__ import annotations

import pytest

from tracking.core.attribution import Classifier, VisitKind, VisitSignals, describe_device

CLICK, PREVIEW, BOT = VisitKind.CLICK, VisitKind.PREVIEW, VisitKind.BOT

# (user agent, kind, channel) — for previews and in-app browsers.
APPS: list[tuple[str, VisitKind, str]] = [
    # Preview fetchers
    ("WhatsApp/2.23.20.0 A", PREVIEW, "whatsapp"),
    ("WhatsApp/2.23.18.78 i", PREVIEW, "whatsapp"),
    ("WhatsApp/2.21.12.21 A", PREVIEW, "whatsapp"),
    ("WhatsApp/2", PREVIEW, "signal"),
    ("TelegramBot (like TwitterBot)", PREVIEW, "telegram"),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", PREVIEW, "slack"),
    ("Slack-ImgProxy (+https://api.slack.com/robots)", PREVIEW, "slack"),
    ("Slackbot 1.0 (+https://api.slack.com/robots)", PREVIEW, "slack"),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.10; rv:38.0) Gecko/20100101 Firefox/38.0 "
        "(compatible; Discordbot/2.0; +https://discordapp.com)",
        PREVIEW,
        "discord",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
        "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        PREVIEW,
        "imessage",
    ),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", PREVIEW, "facebook"),
    ("facebookexternalhit/1.1", PREVIEW, "facebook"),
    ("Facebot", PREVIEW, "facebook"),
    ("Twitterbot/1.0", PREVIEW, "x"),
    (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        PREVIEW,
        "linkedin",
    ),
    (
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
        PREVIEW,
        "teams",
    ),
    ("Mozilla/5.0 MicrosoftPreview/2.0 +https://aka.ms/MicrosoftPreview", PREVIEW, "teams"),
    ("Viber", PREVIEW, "viber"),
    ("facebookexternalhit/1.1;line-poker/1.0", PREVIEW, "line"),
    (
        "facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/t/scrap/33984",
        PREVIEW,
        "kakaotalk",
    ),
    (
        "Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots)",
        PREVIEW,
        "snapchat",
    ),
    ("Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/)", PREVIEW, "mastodon"),
    ("Mastodon/3.5.3 (http.rb/5.0.4; +https://fosstodon.org/)", PREVIEW, "mastodon"),
    (
        "Mozilla/5.0 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)",
        PREVIEW,
        "sms",
    ),
    ("Mattermost-Bot/1.1", PREVIEW, "mattermost"),
    ("Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", PREVIEW, "reddit"),
    ("Pinterest/0.2 (+https://www.pinterest.com/bot.html)", PREVIEW, "pinterest"),
    ("Mozilla/5.0 (compatible; Pinterestbot/1.0; +https://www.pinterest.com/bot.html)", PREVIEW, "pinterest"),
    # In-app browsers
    (
        "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 "
        "[FB_IAB/MESSENGER;FBAV/439.0.0.29.119;]",
        CLICK,
        "messenger",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [FBAN/MessengerForiOS;FBAV/440.0.0.40.106;FBBV/538612720;FBDV/iPhone14,5;"
        "FBMD/iPhone;FBSN/iOS;FBSV/17.1.1;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/0]",
        CLICK,
        "messenger",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [FBAN/MessengerLiteForiOS;FBAV/428.0.0.22.109;FBBV/520380338;FBDV/iPhone12,8;"
        "FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/2;FBCR/;FBID/phone;FBLC/en_GB;FBOP/0]",
        CLICK,
        "messenger",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UD1A.231105.004; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.193 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/442.0.0.38.109;]",
        CLICK,
        "facebook",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [FBAN/FBIOS;FBAV/441.0.0.23.105;FBBV/539217318;FBDV/iPhone15,2;FBMD/iPhone;"
        "FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/540963207]",
        CLICK,
        "facebook",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Instagram 309.1.1.28.108 (iPhone14,2; iOS 17_1_2; en_US; en; scale=3.00; "
        "1170x2532; 538239779)",
        CLICK,
        "instagram",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram "
        "309.0.0.40.113 Android (33/13; 480dpi; 1080x2340; samsung; SM-S911B; dm1q; qcom; en_US; 541635890)",
        CLICK,
        "instagram",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 MicroMessenger/8.0.42(0x18002a2a) NetType/WIFI Language/zh_CN",
        CLICK,
        "wechat",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 "
        "MMWEBSDK/20230805 MMWEBID/2586 MicroMessenger/8.0.42.2460(0x28002A3B) WeChat/arm64 Weixin "
        "NetType/WIFI Language/zh_CN ABI/arm64",
        CLICK,
        "wechat",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Safari Line/13.16.0",
        CLICK,
        "line",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SO-51C Build/61.2.C.0.183; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Line/13.19.1/IAB",
        CLICK,
        "line",
    ),
    (
        "Mozilla/5.0 (Linux; Android 7.1.2; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.6045.193 Mobile Safari/537.36 Telegram-Android/11.4.3 "
        "(Samsung SM-G965N; Android 7.1.2; SDK 25; LOW)",
        CLICK,
        "telegram",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Telegram-iOS/10.12.1",
        CLICK,
        "telegram",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 KAKAOTALK 10.4.3",
        CLICK,
        "kakaotalk",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918N Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36;KAKAOTALK 2410430",
        CLICK,
        "kakaotalk",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Snapchat/12.61.0.37 (like Safari/8617.2.4.10.8, panda)",
        CLICK,
        "snapchat",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [LinkedInApp]/9.29.8433",
        CLICK,
        "linkedin",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [LinkedInApp]/4.1.880",
        CLICK,
        "linkedin",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Twitter for iPhone/10.70",
        CLICK,
        "x",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en "
        "Region/US ByteFullLocale/en isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6",
        CLICK,
        "tiktok",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [Pinterest/iOS]",
        CLICK,
        "pinterest",
    ),
]

# (user agent, device class, browser family, OS family) — ordinary browsers: always a click.
BROWSERS: list[tuple[str, str, str, str]] = [
    # Windows
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "desktop",
        "Chrome",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "desktop",
        "Chrome",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/109.0.0.0 Safari/537.36",
        "desktop",
        "Chrome",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "desktop",
        "Firefox",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
        "desktop",
        "Firefox",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
        "desktop",
        "Edge",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "desktop",
        "Edge",
        "Windows",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0",
        "desktop",
        "Opera",
        "Windows",
    ),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", "desktop", "IE", "Windows"),
    # macOS
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1 Safari/605.1.15",
        "desktop",
        "Safari",
        "Mac OS X",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/16.6 Safari/605.1.15",
        "desktop",
        "Safari",
        "Mac OS X",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "desktop",
        "Chrome",
        "Mac OS X",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
        "desktop",
        "Firefox",
        "Mac OS X",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
        "desktop",
        "Edge",
        "Mac OS X",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0",
        "desktop",
        "Opera",
        "Mac OS X",
    ),
    # Linux and ChromeOS
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "desktop",
        "Chrome",
        "Linux",
    ),
    (
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "desktop",
        "Firefox",
        "Ubuntu",
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "desktop", "Firefox", "Linux"),
    (
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "desktop",
        "Chrome",
        "Chrome OS",
    ),
    # iOS and iPadOS
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1.2 Mobile/15E148 Safari/604.1",
        "mobile",
        "Mobile Safari",
        "iOS",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/16.6 Mobile/15E148 Safari/604.1",
        "mobile",
        "Mobile Safari",
        "iOS",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "CriOS/120.0.6099.50 Mobile/15E148 Safari/604.1",
        "mobile",
        "Chrome Mobile iOS",
        "iOS",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "FxiOS/120.0 Mobile/15E148 Safari/605.1.15",
        "mobile",
        "Firefox iOS",
        "iOS",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.0 EdgiOS/120.2210.60 Mobile/15E148 Safari/605.1.15",
        "mobile",
        "Edge Mobile",
        "iOS",
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1 Mobile/15E148 Safari/604.1",
        "tablet",
        "Mobile Safari",
        "iOS",
    ),
    # Android
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Chrome Mobile",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/116.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Chrome Mobile",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        "mobile",
        "Samsung Internet",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/20.0 Chrome/106.0.5249.126 Mobile Safari/537.36",
        "mobile",
        "Samsung Internet",
        "Android",
    ),
    (
        "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
        "mobile",
        "Firefox Mobile",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/118.0.0.0 Mobile Safari/537.36 OPR/79.0.4195.76217",
        "mobile",
        "Opera Mobile",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36 EdgA/120.0.2210.64",
        "mobile",
        "Edge Mobile",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; Pixel 6 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/115.0.5790.166 Mobile Safari/537.36",
        "mobile",
        "Chrome Mobile WebView",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "tablet",
        "Chrome",
        "Android",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36",
        "tablet",
        "Samsung Internet",
        "Android",
    ),
    (
        "Mozilla/5.0 (Android 13; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0",
        "tablet",
        "Firefox Mobile",
        "Android",
    ),
]

# Crawlers and scripts: kind bot, whatever else they claim to be.
BOTS: list[str] = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Googlebot-Image/1.0",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
    "(compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
    "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
    "(compatible; Bytespider; spider-feedback@bytedance.com)",
    # LINE's search crawler, not its preview fetcher (that one is line-poker).
    "Mozilla/5.0 (compatible; Linespider/1.1; +https://lin.ee/4dwXkTH)",
    "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "curl/8.4.0",
    "curl/7.68.0",
    "Wget/1.21.2",
    "python-requests/2.31.0",
    "Python-urllib/3.11",
    "Python/3.11 aiohttp/3.9.1",
    "python-httpx/0.25.2",
    "Go-http-client/1.1",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
    "Java/17.0.2",
    "Apache-HttpClient/4.5.13 (Java/17.0.2)",
    "libwww-perl/6.72",
    "Scrapy/2.11.0 (+https://scrapy.org)",
    "axios/1.6.2",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.6099.28 Safari/537.36",
    "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
    "",
]


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


def _classify(classifier: Classifier, user_agent: str, link_channel: str | None = None) -> tuple[str, str]:
    result = classifier.classify(VisitSignals("GET", user_agent, "", link_channel))
    return result.kind, result.channel


@pytest.mark.parametrize(("user_agent", "kind", "channel"), APPS)
def test_apps_are_named(classifier: Classifier, user_agent: str, kind: VisitKind, channel: str) -> None:
    assert _classify(classifier, user_agent) == (kind, channel)


@pytest.mark.parametrize(("user_agent", "device", "browser", "os"), BROWSERS)
def test_browsers_are_clicks_with_their_device(
    classifier: Classifier, user_agent: str, device: str, browser: str, os: str
) -> None:
    assert _classify(classifier, user_agent, "email") == (CLICK, "email")
    info = describe_device(user_agent)
    assert (info.device, info.browser, info.os) == (device, browser, os)


@pytest.mark.parametrize("user_agent", BOTS)
def test_crawlers_and_scripts_are_bots(classifier: Classifier, user_agent: str) -> None:
    assert _classify(classifier, user_agent, "slack") == (BOT, "slack")
    assert _classify(classifier, user_agent) == (BOT, "direct")


@pytest.mark.parametrize("user_agent", [ua for ua in BOTS if ua])
def test_bots_are_bot_devices(user_agent: str) -> None:
    assert describe_device(user_agent).device == "bot"


@pytest.mark.parametrize(("user_agent", "kind", "channel"), [a for a in APPS if a[1] is PREVIEW])
def test_preview_fetchers_are_bot_devices(user_agent: str, kind: VisitKind, channel: str) -> None:
    assert describe_device(user_agent).device == "bot"


@pytest.mark.parametrize(("user_agent", "kind", "channel"), [a for a in APPS if a[1] is CLICK])
def test_in_app_browsers_are_phones(user_agent: str, kind: VisitKind, channel: str) -> None:
    assert describe_device(user_agent).device == "mobile"


def test_no_user_agent_is_an_other_device() -> None:
    assert describe_device("") == describe_device("   ")
    assert (describe_device("").device, describe_device("").browser, describe_device("").os) == (
        "other",
        "Other",
        "Other",
    )
