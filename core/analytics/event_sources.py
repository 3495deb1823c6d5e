"""Where an ingested event came from: its traffic source (the landing URL's UTM tags and the referrer) and its device
(the user agent, parsed with `ua-parser`). Pure functions, used by `core.analytics.events`.

Traffic source (`classify_source`, one of `SOURCES`), the first rule that applies wins:

1. e-mail: the UTM medium or source is e-mail or a newsletter, or the referrer is a webmail host → **email**;
2. the network or engine named by the UTM source, else by the referrer's host (`www.`, `m.`, `l.` dropped; `t.co` is
   X, `youtu.be` is YouTube): search engines → **search**; instagram, tiktok, facebook, pinterest, x (twitter), youtube
   → that source;
3. a UTM source `direct`; or no UTM source and either no referrer or a referrer on the landing page's own host (a
   visitor moving inside the store) → **direct**;
4. anything else (blogs, partners, unknown UTM sources) → **other**.

Paid traffic is not a source here: the UTM medium is stored beside it (`cpc`…), and `core.sales.channels` turns it
into the "ads" channel. Device (`parse_user_agent`): `bot` when the parser calls the device a spider; `tablet` for
iPads, Kindles and Android tablets (the parser's tablet brands, or Android without the `Mobile` token, Google's
convention); `mobile` for the other phones' systems; `desktop` otherwise. Browser and OS are the parser's families.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from ua_parser import Device
from ua_parser import parse as parse_ua

SOURCES: tuple[str, ...] = (
    "search",
    "instagram",
    "tiktok",
    "facebook",
    "pinterest",
    "x",
    "youtube",
    "email",
    "direct",
    "other",
)
EMAIL_NAMES = frozenset({"email", "e-mail", "newsletter", "mail"})
# A name (UTM source or a host's main label) -> source.
NAMED_SOURCES: dict[str, str] = {
    **dict.fromkeys(
        ("google", "bing", "duckduckgo", "yahoo", "ecosia", "baidu", "yandex", "brave", "qwant", "startpage"), "search"
    ),
    **dict.fromkeys(("instagram", "ig"), "instagram"),
    "tiktok": "tiktok",
    **dict.fromkeys(("facebook", "fb", "messenger"), "facebook"),
    **dict.fromkeys(("pinterest", "pin"), "pinterest"),
    **dict.fromkeys(("x", "twitter"), "x"),
    **dict.fromkeys(("youtube", "yt"), "youtube"),
}
# Whole hosts whose main label says nothing (link shorteners) or says the wrong thing (webmail of a search engine).
HOST_SOURCES: dict[str, str] = {
    "t.co": "x",
    "youtu.be": "youtube",
    "mail.google.com": "email",
    "outlook.live.com": "email",
    "outlook.office.com": "email",
    "mail.yahoo.com": "email",
}
DEVICE_TYPES: tuple[str, ...] = ("mobile", "tablet", "desktop", "bot")
MOBILE_OS = frozenset(
    {"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Firefox OS", "Tizen", "Symbian OS"}
)
TABLET_BRANDS = frozenset({"Generic_Android_Tablet", "Amazon"})


@dataclass(frozen=True)
class Attribution:
    """The traffic source and the landing URL's UTM tags (each None when absent)."""

    source: str
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None


@dataclass(frozen=True)
class DeviceInfo:
    """What the user agent says: device type (one of `DEVICE_TYPES`), browser family, OS family."""

    device_type: str | None
    browser: str | None
    os: str | None


def host_of(url: str | None) -> str:
    """The lower-case host of a URL ("" when there is none); a bare "example.com/x" counts as a host too."""
    text = (url or "").strip()
    if not text:
        return ""
    try:
        return (urlsplit(text if "//" in text else f"//{text}").hostname or "").lower()
    except ValueError:  # e.g. an invalid IPv6 literal
        return ""


def _main_label(host: str) -> str:
    """ "www.google.co.uk" -> "google", "l.instagram.com" -> "instagram", "pin.it" -> "pin"."""
    labels = [label for label in host.split(".") if label and label not in {"www", "m", "l", "lm", "mobile"}]
    if not labels:
        return ""
    if len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net"}:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _utm(url: str | None) -> dict[str, str]:
    """The first value of each `utm_*` parameter of the URL's query, stripped; empty ones are dropped."""
    if not url or "utm_" not in url:
        return {}
    try:
        query = parse_qs(urlsplit(url).query)
    except ValueError:
        return {}
    return {key: values[0].strip() for key, values in query.items() if key.startswith("utm_") and values[0].strip()}


def _named(name: str) -> str | None:
    return "email" if name in EMAIL_NAMES else NAMED_SOURCES.get(name)


def classify_source(*, utm_source: str | None, utm_medium: str | None, referrer: str | None, url: str | None) -> str:
    """The traffic source (one of `SOURCES`): see the module docstring for the rules."""
    name, medium = (utm_source or "").strip().lower(), (utm_medium or "").strip().lower()
    ref_host = host_of(referrer)
    if medium in EMAIL_NAMES or name in EMAIL_NAMES or HOST_SOURCES.get(ref_host) == "email":
        return "email"
    if name and (source := _named(name)):
        return source
    if ref_host and (source := HOST_SOURCES.get(ref_host) or NAMED_SOURCES.get(_main_label(ref_host))):
        return source
    if name in {"direct", "(direct)", "none"}:
        return "direct"
    if not name and (not (referrer or "").strip() or (ref_host and ref_host == host_of(url))):
        return "direct"
    return "other"


@lru_cache(maxsize=8192)  # landing pages and referrers repeat: a file of events asks about the same few often
def attribution(url: str | None, referrer: str | None) -> Attribution:
    """The landing URL's UTM tags (cut to the columns' sizes) and the traffic source they and the referrer give."""
    tags = _utm(url)
    utm_source, utm_medium = tags.get("utm_source"), tags.get("utm_medium")
    utm_campaign = tags.get("utm_campaign")
    source = classify_source(utm_source=utm_source, utm_medium=utm_medium, referrer=referrer, url=url)
    return Attribution(
        source=source,
        utm_source=utm_source[:80] if utm_source else None,
        utm_medium=utm_medium[:80] if utm_medium else None,
        utm_campaign=utm_campaign[:120] if utm_campaign else None,
    )


def _is_tablet(device: Device | None, os: str | None, user_agent: str) -> bool:
    if device is not None and (
        device.family in {"iPad", "Kindle"} or device.brand in TABLET_BRANDS or "tablet" in device.family.lower()
    ):
        return True
    return os == "Android" and "Mobile" not in user_agent


@lru_cache(maxsize=4096)
def parse_user_agent(user_agent: str | None) -> DeviceInfo:
    """Device type, browser and OS of a user agent (all None when there is none); see the module docstring."""
    if not user_agent or not user_agent.strip():
        return DeviceInfo(None, None, None)
    result = parse_ua(user_agent)
    browser = result.user_agent.family if result.user_agent else None
    os = result.os.family if result.os else None
    device = result.device
    if device is not None and device.family == "Spider":
        kind = "bot"
    elif _is_tablet(device, os, user_agent):
        kind = "tablet"
    elif os in MOBILE_OS:
        kind = "mobile"
    else:
        kind = "desktop"
    return DeviceInfo(kind, browser[:60] if browser else None, os[:60] if os else None)
