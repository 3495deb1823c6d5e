"""Traffic channels: the one place that says which channel a visit or an order came from (seed 001 §4.5).

`classify_channel` turns what the tracker recorded (the visit's `source`, its UTM tags, its referrer) into one of
`CHANNELS`. The rules, in order (the first that applies wins):

1. paid: a UTM medium that marks paid traffic (`PAID_MEDIUMS`, e.g. `cpc`, `paid_social`) → **ads**;
2. e-mail: a UTM medium or source that is e-mail or a newsletter → **email**;
3. the network or engine named by the UTM source, else by the tracked source, else by the referrer's host
   (`www.` and `m.` dropped; `l.instagram.com` is Instagram): search engines → **search**; instagram, tiktok,
   facebook, pinterest → that channel;
4. nothing recorded at all (no source, no UTM, no referrer) or the source `direct` → **direct**;
5. anything else (YouTube, X/Twitter, blogs, partners) → **other**.

Orders and seller traffic store the channel when they are written, so every report groups by the same answer.
"""

from __future__ import annotations

from urllib.parse import urlsplit

CHANNELS: tuple[str, ...] = (
    "direct",
    "search",
    "instagram",
    "tiktok",
    "facebook",
    "pinterest",
    "email",
    "ads",
    "other",
)
CHANNEL_LABELS: dict[str, str] = {
    "direct": "Direct",
    "search": "Search",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "facebook": "Facebook",
    "pinterest": "Pinterest",
    "email": "E-mail",
    "ads": "Ads",
    "other": "Other",
}
PAID_MEDIUMS = frozenset(
    {"cpc", "ppc", "cpm", "cpv", "paid", "paid_social", "paidsocial", "paid-social", "display", "ads"}
)
EMAIL_NAMES = frozenset({"email", "e-mail", "newsletter", "mail"})
# A name (UTM source, tracked source, or a host's main label) -> channel.
NAMED_CHANNELS: dict[str, str] = {
    "google": "search",
    "bing": "search",
    "duckduckgo": "search",
    "yahoo": "search",
    "ecosia": "search",
    "baidu": "search",
    "yandex": "search",
    "brave": "search",
    "instagram": "instagram",
    "ig": "instagram",
    "tiktok": "tiktok",
    "facebook": "facebook",
    "fb": "facebook",
    "messenger": "facebook",
    "pinterest": "pinterest",
    "pin": "pinterest",
}


def _clean(value: str | None) -> str:
    return (value or "").strip().lower()


def _host_name(referrer: str) -> str:
    """The main label of a referrer's host: "https://www.google.co.uk/x" -> "google", "l.instagram.com" ->
    "instagram", "pin.it" -> "pin"."""
    host = urlsplit(referrer if "//" in referrer else f"//{referrer}").hostname or ""
    labels = [label for label in host.split(".") if label and label not in {"www", "m", "l", "lm"}]
    if not labels:
        return ""
    if len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net"}:  # google.co.uk, google.com.au
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _named(name: str) -> str | None:
    if name in EMAIL_NAMES:
        return "email"
    return NAMED_CHANNELS.get(name)


def classify_channel(
    source: str | None,
    utm_source: str | None = None,
    utm_medium: str | None = None,
    referrer: str | None = None,
) -> str:
    """The channel (one of `CHANNELS`) of a visit or order: see the module docstring for the rules."""
    source, utm_source, utm_medium, referrer = _clean(source), _clean(utm_source), _clean(utm_medium), _clean(referrer)
    if utm_medium in PAID_MEDIUMS:
        return "ads"
    if utm_medium in EMAIL_NAMES:
        return "email"
    for name in (utm_source, source):
        if name and (channel := _named(name)):
            return channel
    if referrer and (channel := _named(_host_name(referrer))):
        return channel
    if source in {"", "direct", "(direct)", "none"} and not utm_source and not referrer:
        return "direct"
    return "other"
