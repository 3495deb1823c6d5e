"""Ingestion's attribution (UTM tags + referrer -> one traffic source) and user-agent parsing on real strings."""

from __future__ import annotations

import pytest

from core.analytics.event_sources import SOURCES, attribution, classify_source, parse_user_agent

SHOP = "https://shop.example.com/p/planner"
# (case, landing URL, referrer, expected source, expected utm_source, utm_medium, utm_campaign)
ATTRIBUTION = [
    ("nothing at all", SHOP, None, "direct", None, None, None),
    ("no URL either", None, None, "direct", None, None, None),
    ("utm_source=direct", f"{SHOP}?utm_source=direct", "https://blog.example.org/", "direct", "direct", None, None),
    ("inside the store", SHOP, "https://shop.example.com/", "direct", None, None, None),
    ("google organic", SHOP, "https://www.google.com/", "search", None, None, None),
    ("google.co.uk", SHOP, "https://www.google.co.uk/search?q=x", "search", None, None, None),
    ("bing", SHOP, "https://www.bing.com/", "search", None, None, None),
    ("duckduckgo", SHOP, "https://duckduckgo.com/", "search", None, None, None),
    (
        "google ads",
        f"{SHOP}?utm_source=google&utm_medium=cpc&utm_campaign=brand",
        None,
        "search",
        "google",
        "cpc",
        "brand",
    ),
    ("instagram link shim", SHOP, "https://l.instagram.com/?u=x", "instagram", None, None, None),
    ("utm ig", f"{SHOP}?utm_source=ig&utm_medium=social", None, "instagram", "ig", "social", None),
    ("tiktok", SHOP, "https://www.tiktok.com/@maker", "tiktok", None, None, None),
    ("facebook mobile", SHOP, "https://m.facebook.com/", "facebook", None, None, None),
    ("utm fb", f"{SHOP}?utm_source=fb", None, "facebook", "fb", None, None),
    ("pinterest", SHOP, "https://www.pinterest.com/pin/1", "pinterest", None, None, None),
    ("pin.it", SHOP, "https://pin.it/abc", "pinterest", None, None, None),
    ("t.co", SHOP, "https://t.co/xyz", "x", None, None, None),
    ("twitter.com", SHOP, "https://twitter.com/maker", "x", None, None, None),
    ("x.com", SHOP, "https://x.com/maker", "x", None, None, None),
    ("utm twitter", f"{SHOP}?utm_source=Twitter", None, "x", "Twitter", None, None),
    ("youtube", SHOP, "https://www.youtube.com/watch?v=1", "youtube", None, None, None),
    ("youtu.be", SHOP, "https://youtu.be/1", "youtube", None, None, None),
    ("utm newsletter", f"{SHOP}?utm_source=newsletter&utm_campaign=nov", None, "email", "newsletter", None, "nov"),
    ("utm medium email", f"{SHOP}?utm_source=brevo&utm_medium=email", None, "email", "brevo", "email", None),
    ("gmail web", SHOP, "https://mail.google.com/mail/u/0/", "email", None, None, None),
    ("outlook web", SHOP, "https://outlook.live.com/mail/0/", "email", None, None, None),
    ("a blog", SHOP, "https://blog.example.org/best-planners", "other", None, None, None),
    ("unknown utm", f"{SHOP}?utm_source=partner-42", None, "other", "partner-42", None, None),
    ("utm beats referrer", f"{SHOP}?utm_source=tiktok", "https://www.google.com/", "tiktok", "tiktok", None, None),
    ("empty utm ignored", f"{SHOP}?utm_source=&utm_medium=", "https://www.bing.com/", "search", None, None, None),
    ("bare host referrer", SHOP, "pinterest.com", "pinterest", None, None, None),
    ("broken referrer", SHOP, "http://[::1", "other", None, None, None),
]


@pytest.mark.parametrize(
    ("case", "url", "referrer", "source", "utm_source", "utm_medium", "utm_campaign"),
    ATTRIBUTION,
    ids=[c[0] for c in ATTRIBUTION],
)
def test_attribution_table(
    case: str,
    url: str | None,
    referrer: str | None,
    source: str,
    utm_source: str | None,
    utm_medium: str | None,
    utm_campaign: str | None,
) -> None:
    got = attribution(url, referrer)
    assert (got.source, got.utm_source, got.utm_medium, got.utm_campaign) == (
        source,
        utm_source,
        utm_medium,
        utm_campaign,
    ), case
    assert got.source in SOURCES


def test_the_table_covers_every_source() -> None:
    assert {case[3] for case in ATTRIBUTION} == set(SOURCES)


def test_long_utm_values_are_cut_to_their_columns() -> None:
    got = attribution(f"{SHOP}?utm_source={'s' * 100}&utm_campaign={'c' * 200}", None)
    assert (len(got.utm_source or ""), len(got.utm_campaign or "")) == (80, 120)
    assert got.source == "other"


def test_classify_source_reads_medium_and_source_case_insensitively() -> None:
    assert classify_source(utm_source="GOOGLE", utm_medium=None, referrer=None, url=None) == "search"
    assert classify_source(utm_source=None, utm_medium="E-Mail", referrer=None, url=None) == "email"


# Real user agents: (case, user agent, device type, browser, OS).
USER_AGENTS = [
    (
        "desktop Chrome on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
        "Safari/537.36",
        "desktop",
        "Chrome",
        "Windows",
    ),
    (
        "Safari on a Mac",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
        "Safari/605.1.15",
        "desktop",
        "Safari",
        "Mac OS X",
    ),
    (
        "iPhone Safari",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1",
        "mobile",
        "Mobile Safari",
        "iOS",
    ),
    (
        "Instagram's Android in-app webview",
        "Mozilla/5.0 (Linux; Android 13; SM-S918B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Instagram 330.0.0.40.92 Android",
        "mobile",
        "Instagram",
        "Android",
    ),
    (
        "plain Android webview",
        "Mozilla/5.0 (Linux; Android 12; Pixel 6 Build/SD1A.210817.036; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36",
        "mobile",
        "Chrome Mobile WebView",
        "Android",
    ),
    (
        "iPad Safari",
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
        "Mobile/15E148 Safari/604.1",
        "tablet",
        "Mobile Safari",
        "iOS",
    ),
    (
        "Android tablet Chrome",
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
        "Safari/537.36",
        "tablet",
        "Chrome",
        "Android",
    ),
    (
        "Googlebot",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "bot",
        "Googlebot",
        None,
    ),
    (
        "Bingbot",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "bot",
        "bingbot",
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "user_agent", "device_type", "browser", "os"), USER_AGENTS, ids=[c[0] for c in USER_AGENTS]
)
def test_user_agent_parsing(case: str, user_agent: str, device_type: str, browser: str, os: str | None) -> None:
    got = parse_user_agent(user_agent)
    assert (got.device_type, got.browser, got.os) == (device_type, browser, os), case


def test_no_user_agent_means_no_device() -> None:
    assert parse_user_agent(None) == parse_user_agent("  ") == parse_user_agent("")
    got = parse_user_agent(None)
    assert (got.device_type, got.browser, got.os) == (None, None, None)
