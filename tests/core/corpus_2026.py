"""The second corpus: user agents as they are sent in 2024-2026, each with the verdict it must get.

Strings are copied from public captures: the vendors' own help pages (named in
the strings), the test fixtures of matomo-org/device-detector and
monperrus/crawler-user-agents, and published in-app browser samples. Kept as
data so the tracker's HTTP test can reuse a few of them.
"""

from __future__ import annotations

from typing import Final

# (user agent, kind, channel when the link carries no channel of its own)
Case = tuple[str, str, str]

EMAIL_SCANNERS: Final[list[Case]] = [
    ("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", "bot", "email"),
    ("Yahoo:LinkExpander:Slingstone", "bot", "email"),
    (
        "Mozilla/5.0 (compatible; Yahoo Link Preview; "
        "https://help.yahoo.com/kb/mail/yahoo-link-preview-SLN23615.html)",
        "bot",
        "email",
    ),
    ("YahooCacheSystem; YahooWebServiceClient", "bot", "email"),
    (
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
        "bot",
        "email",
    ),
    ("Google-Safety", "bot", "email"),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/114.0.5735.179 Safari/537.36 (compatible; Google-Safety; +http://www.google.com/bot.html)",
        "bot",
        "email",
    ),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/114.0.5735.179 Mobile Safari/537.36 (compatible; Google-Safety; "
        "+http://www.google.com/bot.html)",
        "bot",
        "email",
    ),
    ("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)", "bot", "email"),
    (
        "Microsoft Office/14.0 (Windows NT 6.1; Microsoft Outlook 14.0.6106; Pro; ms-office; MSOffice 14)",
        "bot",
        "email",
    ),
    (
        "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/8.0; .NET4.0C; .NET4.0E; "
        ".NET CLR 2.0.50727; .NET CLR 3.0.30729; .NET CLR 3.5.30729; Microsoft Outlook 15.0.4737; ms-office; "
        "MSOffice 15)",
        "bot",
        "email",
    ),
    (
        "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E; "
        "Microsoft Outlook 16.0.5422; ms-office; MSOffice 16)",
        "bot",
        "email",
    ),
    ("Microsoft Office Existence Discovery", "bot", "email"),
    ("Microsoft Office Protocol Discovery", "bot", "email"),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0 OneOutlook/1.2024.1204.100",
        "bot",
        "email",
    ),
    ("Outlook-iOS/709.2226530.prod.iphone (4.2447.0)", "bot", "email"),
    ("Outlook-Android/2.0", "bot", "email"),
    ("Barracuda Sentinel (EE)", "bot", "email"),
    ("Kaspersky Lab CFR link resolver cfradmins@kaspersky.com", "bot", "email"),
    ("Mozilla/5.0 SeznamEmailProxy/2.0.174", "bot", "email"),
    ("RamblerMail/6.0 (incompatible; ImageProxy/6.0)", "bot", "email"),
    (
        "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/55.0.2883.87 "
        "Safari/537.36 (via secureurl.fwdcdn.com - mail.ukr.net proxy)",
        "bot",
        "email",
    ),
    ("Mozilla/5.0 (compatible; MailChimp; +https://mailchimp.com/)", "bot", "email"),
    ("HubSpot Links Crawler 2.0 http://www.hubspot.com/", "bot", "email"),
    (
        "Mozilla/5.0 (X11; Linux x86_64; HubSpot Single Page link check; web-crawlers+links@hubspot.com) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36",
        "bot",
        "email",
    ),
    ("Mozilla/5.0 (compatible; HubSpot Crawler; web-crawlers@hubspot.com)", "bot", "email"),
    ("SendGrid Event API", "bot", "email"),
    ("Klaviyo/1.0", "bot", "email"),
    ("Braze Sender 2ac4e1c", "bot", "email"),
    ("Customer.io Link Checker", "bot", "email"),
    ("Mimecast-URL-Protect/1.0", "bot", "email"),
    ("Proofpoint URL Defense", "bot", "email"),
    ("Cisco IronPort URL Filtering", "bot", "email"),
    ("TrendMicro Email Security", "bot", "email"),
    ("Symantec Email Security.cloud link checker", "bot", "email"),
    ("Sophos Email Time-of-Click", "bot", "email"),
    ("FortiMail URL Click Protection", "bot", "email"),
    ("Zscaler URL Scanner", "bot", "email"),
    ("Litmus Link Validation", "bot", "email"),
]

IN_APP_BROWSERS: Final[list[Case]] = [
    (
        "Mozilla/5.0 (Linux; Android 16; Pixel 10 Pro XL Build/CP1A.260305.018; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/146.0.7680.174 Mobile Safari/537.36 MetaIAB Facebook",
        "click",
        "facebook",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/22G100 Safari/604.1 MetaIAB Facebook",
        "click",
        "facebook",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [FBAN/FBIOS;FBAV/482.2.0.68.110;FBBV/658316928;FBDV/iPhone12,8;FBMD/iPhone;FBSN/iOS;"
        "FBSV/18.1;FBSS/2;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]",
        "click",
        "facebook",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250205.002; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/138.0.7204.63 Mobile Safari/537.36 "
        "[FB_IAB/FB4A;FBAV/520.0.0.38.101;]",
        "click",
        "facebook",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36 "
        "[FB_IAB/Orca-Android;FBAV/490.0.0.52.107;]",
        "click",
        "messenger",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/22F76 Instagram 393.1.0.36.70 (iPhone15,3; iOS 18_5; en_US; en; scale=3.00; 1290x2796; "
        "IABMV/1; 776538208) Safari/604.1",
        "click",
        "instagram",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; SM-S928B Build/AP3A.240905.015.A2; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/138.0.7204.63 Mobile Safari/537.36 Instagram 385.0.0.47.74 "
        "Android (35/15; 480dpi; 1080x2340; samsung; SM-S928B; e3q; qcom; he_IL; 750482123)",
        "click",
        "instagram",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S711W Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/135.0.7049.111 Mobile Safari/537.36 Barcelona 377.0.0.41.112 "
        "Android (34/14; 450dpi; 1080x2125; samsung; SM-S711W; r11q; qcom; en_CA; 724359173; IABMV/1)",
        "click",
        "threads",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; Z2464N Build/AP3A.240905.015.A2; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/137.0.7151.88 Mobile Safari/537.36 Barcelona 384.0.0.33.86 "
        "Android (35/15; 400dpi; 900x2030; nubia; Z2464N; P780F01; ums9632_1h10; es_MX; 745210318)",
        "click",
        "threads",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Barcelona 339.0.0.18.105 (iPhone15,2; iOS 17_5_1; en_US; en; scale=3.00; 1179x2556; "
        "623402871)",
        "click",
        "threads",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; 2107113SG Build/SKQ1.211006.001; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/103.0.5060.129 Mobile Safari/537.36 "
        "Reddit/Version 2022.28.0/Build 533235/Android 12",
        "click",
        "reddit",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36 "
        "Reddit/Version 2024.33.0/Build 1789345/Android 14",
        "click",
        "reddit",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "GSA/375.0.772545411 Mobile/15E148 Safari/604.1",
        "click",
        "google",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; Infinix X604 Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.198 Mobile Safari/537.36 GSA/11.36.10.23.arm64",
        "click",
        "google",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; 25098RA98G Build/AQ3A.250226.002; ) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/145.0.7632.79 Mobile Safari/537.36 "
        "BingSapphire/32.7.440115006",
        "click",
        "bing",
    ),
    (
        "Mozilla/5.0 (Linux; Android 7.0; VIE-L09 Build/HUAWEIVIE-L09; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/59.0.3071.125 Mobile Safari/537.36 BingWeb/6.9.25207603",
        "click",
        "bing",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 26_0_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/26.0.1 Mobile/15E148 Safari/604.1 [WAiOS/2.25.31]",
        "click",
        "whatsapp",
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.7390.124 "
        "Mobile Safari/537.36 [WA4A/2.25.32.75;]",
        "click",
        "whatsapp",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-G991B Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile Safari/537.36 TeamsMobile-Android",
        "click",
        "teams",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 TeamsMobile-iOS",
        "click",
        "teams",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; SM-A146P Build/AP3A.240905.015.A2; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/140.0.7339.207 Mobile Safari/537.36 [LinkedInApp]/2.200.63",
        "click",
        "linkedin",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 {useragents: [LinkedInApp]/9.30.1753",
        "click",
        "linkedin",
    ),
    (
        "Mozilla/5.0 (Linux; Android 12; Pixel 6 Pro Build/SQ3A.220605.009.A1; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/102.0.5005.125 Mobile Safari/537.36Snapchat11.83.0.31 "
        "(Pixel 6 Pro; Android 12#8643238#32; gzip; )",
        "click",
        "snapchat",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Snapchat/13.21.0.39 (like Safari/8620.1.16.10.11, panda)",
        "click",
        "snapchat",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Safari/604.1 musical_ly_41.9.0",
        "click",
        "tiktok",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.240105.004; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/121.0.6167.143 Mobile Safari/537.36 musical_ly_2023303040 "
        "JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/33.3.4 ByteLocale/en "
        "ByteFullLocale/en Region/US AppId/1233 Spark/1.5.0.5-alpha.2 AppVersion/33.3.4 "
        "BytedanceWebview/d8a21c6",
        "click",
        "tiktok",
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; 6025H_EEA Build/RP1A.200720.011; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/91.0.4472.120 Mobile Safari/537.36 trill_2022003030 "
        "JsSdk/1.0 "
        "NetType/WIFI Channel/googleplay AppName/musical_ly app_version/20.7.5 ByteLocale/en "
        "ByteFullLocale/en Region/US",
        "click",
        "tiktok",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 [Pinterest/iOS]",
        "click",
        "pinterest",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; motorola razr ultra 2025 Build/V2VL35.42-60-16; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/137.0.7151.61 Mobile Safari/537.36 "
        "TwitterAndroid",
        "click",
        "x",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Twitter for iPhone/10.80",
        "click",
        "x",
    ),
    (
        "Mozilla/5.0 (Linux; Android 15; JMS-L09 Build/AQ3A.241229.001; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/149.0.7827.93 Mobile Safari/537.36 Line/26.9.0/IAB",
        "click",
        "line",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Safari Line/15.4.0 LIFF",
        "click",
        "line",
    ),
    (
        "Mozilla/5.0 (Linux; Android 11; SM-F926N Build/RP1A.200720.012; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/94.0.4606.85 Safari/537.36;KAKAOTALK 2309520",
        "click",
        "kakaotalk",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 KAKAOTALK 25.8.2",
        "click",
        "kakaotalk",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 MicroMessenger/8.0.54(0x18003637) NetType/WIFI Language/zh_CN",
        "click",
        "wechat",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300333 "
        "MMWEBSDK/20241103 MMWEBID/6533 MicroMessenger/8.0.55.2780(0x28003737) WeChat/arm64 Weixin "
        "NetType/5G Language/zh_CN ABI/arm64",
        "click",
        "wechat",
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.104 Mobile Safari/537.36 Telegram-Android/11.5.3 (Samsung SM-S921B; Android 14; "
        "SDK 34; HIGH)",
        "click",
        "telegram",
    ),
    (
        "Mozilla/5.0 (Linux; Android 7.1.2; G011A Build/N2G48H; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/66.0.3359.158 Safari/537.36 Viber/11.9.5.8",
        "click",
        "viber",
    ),
    (
        "Mozilla/5.0 (Linux; Android 13; SM-A325F Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Zalo android/12110101 "
        "ZaloTheme/light ZaloLanguage/vi",
        "click",
        "zalo",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 Zalo iOS/498 ZaloTheme/light ZaloLanguage/vi",
        "click",
        "zalo",
    ),
]

PREVIEW_FETCHERS: Final[list[Case]] = [
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Bluesky Cardyb/1.1; "
        "+mailto:support@bsky.app) Chrome/W.X.Y.Z Safari/537.36",
        "preview",
        "bluesky",
    ),
    ("Mastodon/4.3.2 (http.rb/5.2.0; +https://mastodon.social/) Bot", "preview", "mastodon"),
    ("Mastodon/4.2.12 (http.rb/5.1.1; +https://hachyderm.io/)", "preview", "mastodon"),
    ("http.rb/5.1.1 (Mastodon/4.1.2; +https://fosstodon.org/)", "preview", "mastodon"),
    ("http.rb/2.2.2 (Mastodon/1.5.1; +https://example-masto-instance.org/)", "preview", "mastodon"),
    ("Pleroma 2.6.2; https://pleroma.example <admin@pleroma.example>", "preview", "mastodon"),
    ("Misskey/2024.11.0 (https://misskey.io)", "preview", "mastodon"),
    ("Mattermost-Bot/1.1", "preview", "mattermost"),
    ("Mozilla/5.0 (compatible; SnapURLPreview/1.0; +https://www.snapchat.com)", "preview", "snapchat"),
    ("Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots", "preview", "snapchat"),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 "
        "Safari/537.36 Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/)",
        "preview",
        "sms",
    ),
    ("Slack-ImgProxy 149 (+https://api.slack.com/robots)", "preview", "slack"),
    ("Slack-ImgProxy 1.138 (+https://api.slack.com/robots)", "preview", "slack"),
    ("Slackbot-LinkExpanding (+https://api.slack.com/robots)", "preview", "slack"),
    ("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", "preview", "teams"),
    ("MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview", "preview", "teams"),
    ("ViberUrlDownloader", "preview", "viber"),
    ("Viber/24.8.1", "preview", "viber"),
    ("WhatsApp/2.24.25.78 A", "preview", "whatsapp"),
    ("WhatsApp/2.25.1.75 i", "preview", "whatsapp"),
    ("WhatsApp/2.2443.6 W", "preview", "whatsapp"),
    ("WhatsApp/2.17.427 Android/7.0 Device/motorola-Moto_C_Plus", "preview", "whatsapp"),
    ("WhatsApp/2", "preview", "signal"),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "preview", "discord"),
    ("TelegramBot (like TwitterBot)", "preview", "telegram"),
    ("facebookexternalhit/1.1;line-poker/1.0", "preview", "line"),
    (
        "facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/t/scrap/33984",
        "preview",
        "kakaotalk",
    ),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "preview", "facebook"),
    (
        "Mozilla/5.0 (compatible; Meta-ExternalHit/1.1; +http://www.facebook.com/externalhit_uatext.php)",
        "preview",
        "facebook",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
        "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        "preview",
        "imessage",
    ),
    ("Twitterbot/1.0", "preview", "x"),
    (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "preview",
        "linkedin",
    ),
    ("Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", "preview", "reddit"),
    (
        "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
        "preview",
        "pinterest",
    ),
    ("Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", "preview", "vk"),
    ("Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", "preview", "web"),
    ("Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian", "preview", "web"),
    ("Synapse (bot; +https://github.com/matrix-org/synapse)", "preview", "matrix"),
]

TRAPS_AND_CRAWLERS: Final[list[Case]] = [
    ("Mozilla/5.0 (compatible; Linespider/1.1; +https://lin.ee/4dwXkTH)", "bot", "direct"),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Linespider/1.1; "
        "+https://lin.ee/4dwXkTH) Chrome/W.X.Y.Z Safari/537.36",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
        "(compatible; TikTokSpider; ttspider-feedback@tiktok.com)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        "bot",
        "direct",
    ),
    (
        "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
        "bot",
        "direct",
    ),
    (
        "meta-externalfetcher/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
        "bot",
        "direct",
    ),
    (
        "meta-webindexer/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
        "bot",
        "direct",
    ),
    (
        "meta-externalads/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
        "bot",
        "direct",
    ),
    ("facebookcatalog/1.0", "bot", "direct"),
    (
        "Mozilla/5.0 (compatible; FacebookBot/1.0; +https://developers.facebook.com/docs/sharing/webmasters/"
        "facebookbot/)",
        "bot",
        "direct",
    ),
    ("DuckAssistBot/1.2; (+http://duckduckgo.com/duckassistbot.html)", "bot", "direct"),
    (
        "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
        "(compatible; Bytespider; spider-feedback@bytedance.com)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
        "+https://openai.com/gptbot)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; "
        "+https://openai.com/bot",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; "
        "+https://openai.com/searchbot",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; "
        "+claudebot@anthropic.com)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Claude-User/1.0; "
        "+Claude-User@anthropic.com)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; "
        "+https://perplexity.ai/perplexitybot)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Perplexity-User/1.0; "
        "+https://perplexity.ai/perplexity-user)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/600.2.5 (KHTML, like Gecko) "
        "Version/8.0.2 Safari/600.2.5 (Amazonbot/0.1; +https://developer.amazon.com/support/amazonbot)",
        "bot",
        "direct",
    ),
    ("CCBot/2.0 (https://commoncrawl.org/faq/)", "bot", "direct"),
    ("Mozilla/5.0 (compatible; Google-Extended/1.0; +http://www.google.com/bot.html)", "bot", "direct"),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Google-CloudVertexBot; "
        "+https://cloud.google.com/enterprise-search) Chrome/W.X.Y.Z Safari/537.36",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 (compatible; SnapchatAds/1.0; "
        "+https://businesshelp.snapchat.com/s/article/adsbot-crawler)",
        "bot",
        "direct",
    ),
    ("ZoomBot (Linkbot 1.0 http://suite.seozoom.it/bot.html)", "bot", "direct"),
    ("bluesky-domain-status-classifier/1.0", "bot", "direct"),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
        "+http://www.google.com/bot.html)",
        "bot",
        "direct",
    ),
    (
        "Mozilla/5.0 (compatible; Google-InspectionTool/1.0)",
        "bot",
        "direct",
    ),
    ("Mozilla/5.0 (compatible; GoogleOther)", "bot", "direct"),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
        "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
        "bot",
        "direct",
    ),
    ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "bot", "direct"),
    ("Mozilla/5.0 (compatible; Yeti/1.1; +http://naver.me/bot)", "bot", "direct"),
    (
        "Mozilla/5.0 (compatible; Linux x86_64; Mail.RU_Bot/2.0; +http://go.mail.ru/help/robots)",
        "bot",
        "direct",
    ),
    ("Mozilla/5.0 (compatible; OrangeBot/2.0; support.orangebot@orange.com)", "bot", "direct"),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "bot", "direct"),
    ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", "bot", "direct"),
    ("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "bot", "direct"),
    ("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", "bot", "direct"),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2272.118 "
        "Safari/537.36 (compatible; Google-Read-Aloud; +https://developers.google.com/search/docs/"
        "crawling-indexing/overview-google-crawlers)",
        "bot",
        "direct",
    ),
    ("curl/8.11.1", "bot", "direct"),
    ("python-requests/2.32.3", "bot", "direct"),
    ("Go-http-client/2.0", "bot", "direct"),
    ("axios/1.7.9", "bot", "direct"),
    ("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "bot", "direct"),
    ("node", "bot", "direct"),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.6778.33 Safari/537.36",
        "bot",
        "direct",
    ),
    ("", "bot", "direct"),
]

# Ordinary browsers of 2024–2026: always a person's click, never a bot or a preview.
BROWSERS_2026: Final[list[str]] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 "
    "Safari/537.36 "
    "Edg/142.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 "
    "Safari/537.36 "
    "OPR/121.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 "
    "YaBrowser/25.4.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 "
    "Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 "
    "Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:143.0) Gecko/20100101 Firefox/143.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.5 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/26.0 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/138.0.7204.119 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "FxiOS/140.0 "
    "Mobile/15E148 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "EdgiOS/138.0.3351.77 Mobile/15E148 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148",
    "Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (Linux; Android 15; SAMSUNG SM-S928B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Android 15; Mobile; rv:143.0) Gecko/143.0 Firefox/143.0",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile "
    "Safari/537.36 "
    "EdgA/140.0.0.0",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Mobile "
    "Safari/537.36 "
    "OPR/90.0.0.0",
    "Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250205.002; wv) AppleWebKit/537.36 (KHTML, like "
    "Gecko) "
    "Version/4.0 Chrome/138.0.7204.63 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 Mobile "
    "Safari/537.36 "
    "DuckDuckGo/5",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 "
    "Safari/537.36 "
    "Vivaldi/7.1.3570.58",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/136.0.0.0 "
    "Safari/537.36 Edg/136.0.0.0",
]
