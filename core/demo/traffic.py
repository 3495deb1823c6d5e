"""Where a demo shop's visitors and buyers come from: each seller's channel mix, the sources an order can carry, and
the split of a seller's daily visits over the channels (`seller_traffic`).

**Visits.** The demo treats one unique visitor of a product page as one session per seller and day: a seller's
visits on a day are the sum of `unique_visitors` of that day's `product_views` rows (a visitor who viewed two of
the shop's listings counts twice). A product-day never has fewer unique visitors than units sold
(`core.demo.activity`), so a seller-day never has fewer visits than orders and the total needs no raising.

**The mix.** Every seller draws its own visit shares over the eight organic channels of `core.sales.channels`
(everything but `ads`): social-first shops live on Instagram, TikTok and Pinterest, search-first shops on Google and
Bing, balanced ones in between, and a shop need not be on every network (`PRESENCE`); shops with a following
(established and bigger than usual) get e-mail traffic, the others none; everybody gets some direct visits. The ads
channel only has visits on the days the seller's ads ran (their clicks, `core.demo.ads`).

**Orders** draw their channel from the same mix weighted by `CONVERSION_MULTIPLIERS` (e-mail and direct
visitors buy more often, TikTok's less), so each shop's channel section shows what is true of that shop.
`split_visits` then gives every channel its orders first and spreads the other visits by the mix, so a
channel's conversion is never above 100 % and follows the multipliers. A learner of the Learn library buys with the
source she arrived by, which may be a channel the shop's mix has no visits from (a search visitor at a social-only
shop): such a channel gets the visits its orders need at the day's conversion, not just one visit per order (which
read as 100 % conversion).
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass

from core.models.enums import AdChannel
from core.sales.channels import CHANNELS

# Visit -> order conversion relative to the shop's average, per channel (ads convert at 1.0: their clicks).
CONVERSION_MULTIPLIERS: dict[str, float] = {
    "direct": 1.6,
    "search": 1.1,
    "instagram": 0.8,
    "tiktok": 0.45,
    "facebook": 0.7,
    "pinterest": 0.9,
    "email": 2.2,
    "other": 0.6,
}
ORGANIC = ("direct", "search", "instagram", "tiktok", "facebook", "pinterest", "email", "other")
CHANNEL_CODE = {name: code for code, name in enumerate(CHANNELS)}
ADS_CODE = CHANNEL_CODE["ads"]
# Visit shares before the seller's own noise: (direct, search, instagram, tiktok, facebook, pinterest, other).
ARCHETYPES: dict[str, tuple[float, ...]] = {
    "social": (10, 12, 30, 22, 8, 14, 4),
    "search": (14, 52, 8, 4, 5, 8, 9),
    "balanced": (18, 26, 15, 10, 8, 8, 12),
}
ARCHETYPE_SHARES = (("social", 0.35), ("search", 0.35), ("balanced", 0.30))
# The chance a shop of the archetype has any visits from the channel at all (search, instagram, tiktok, facebook,
# pinterest, other): a social-first shop may never be found by search, a search-first one may have no TikTok.
# Direct always; e-mail exactly when the shop has a following.
PRESENCE: dict[str, tuple[float, ...]] = {
    "social": (0.7, 1.0, 0.85, 0.5, 0.85, 0.5),
    "search": (1.0, 0.6, 0.3, 0.5, 0.5, 0.7),
    "balanced": (1.0, 1.0, 0.6, 0.6, 0.6, 0.7),
}
FOLLOWING_EMAIL = 14.0  # e-mail's visit weight at a shop with a following (0 without one)

# What an order (and its purchase event) carries per organic channel: (source, utm_source, utm_medium, campaign
# style, share of the channel). Campaign style: None, "season" (`<kind>-<year>`) or "newsletter" (`newsletter-
# <yyyy-mm>`).
SOURCE_OPTIONS: dict[str, tuple[tuple[str, str | None, str | None, str | None, float], ...]] = {
    "direct": (("direct", None, None, None, 1.0),),
    "search": (("google", "google", "organic", None, 0.8), ("bing", "bing", "organic", None, 0.2)),
    "instagram": (("instagram", "instagram", "social", "season", 1.0),),
    "tiktok": (("tiktok", "tiktok", "social", "season", 1.0),),
    "facebook": (("facebook", "facebook", "social", "season", 1.0),),
    "pinterest": (("pinterest", "pinterest", "social", "season", 1.0),),
    "email": (("email", "email", "email", "newsletter", 1.0),),
    "other": (("youtube", "youtube", "video", "season", 0.5), ("twitter", "twitter", "social", "season", 0.5)),
}
# What an ads order carries per network (`core.demo.ads`): (source, utm_source, utm_medium, utm_campaign).
AD_SOURCES: dict[AdChannel, tuple[str, str, str, str]] = {
    AdChannel.MARKETPLACE_ADS: ("marketplace", "marketplace", "cpc", "sponsored-listing"),
    AdChannel.INSTAGRAM_ADS: ("instagram", "instagram", "paid_social", "promoted-post"),
    AdChannel.TIKTOK_ADS: ("tiktok", "tiktok", "paid_social", "spark-ads"),
    AdChannel.GOOGLE_ADS: ("google", "google", "cpc", "shopping"),
}
# The flat list of (channel code, source, utm_source, utm_medium, campaign style) an order draws from.
ORDER_SOURCES: tuple[tuple[int, str, str | None, str | None, str | None], ...] = tuple(
    (CHANNEL_CODE[channel], source, utm_source, medium, style)
    for channel in ORGANIC
    for source, utm_source, medium, style, _ in SOURCE_OPTIONS[channel]
)
_OPTION_SHARES = [(channel, share) for channel in ORGANIC for *_, share in SOURCE_OPTIONS[channel]]


@dataclass(frozen=True)
class ChannelMix:
    """One seller's visit shares over `ORGANIC` (cumulative, for `split_visits`) and its orders' cumulative
    weights over `ORDER_SOURCES`."""

    archetype: str
    visit_cumulative: tuple[float, ...]
    order_cumulative: tuple[float, ...]
    absent: frozenset[int] = frozenset()  # codes of the organic channels the mix gives no visits


def draw_channel_mix(rng: random.Random, *, following: bool, archetype: str | None = None) -> ChannelMix:
    """A seller's mix: an archetype (drawn unless given), each weight times its own noise (mean 1), e-mail from the
    following."""
    if archetype is None:
        roll, archetype = rng.random(), "balanced"
        for name, share in ARCHETYPE_SHARES:
            if roll < share:
                archetype = name
                break
            roll -= share
    base = ARCHETYPES[archetype]
    present = [rng.random() < chance for chance in PRESENCE[archetype]]
    email = FOLLOWING_EMAIL if following else 0.0
    raw = (base[0], *(w if keep else 0.0 for w, keep in zip(base[1:], present, strict=True)), email)
    raw = (*raw[:6], raw[7], raw[6])  # ORGANIC order: ..., pinterest, email, other
    weights = {channel: w * rng.gammavariate(3.0, 1 / 3) for channel, w in zip(ORGANIC, raw, strict=True)}
    weights["direct"] = max(weights["direct"], 4.0)  # everybody has some direct visitors
    total = sum(weights.values())
    visit_cumulative, running = [], 0.0
    for channel in ORGANIC:
        running += weights[channel] / total
        visit_cumulative.append(running)
    order_cumulative, running = [], 0.0
    for channel, share in _OPTION_SHARES:
        running += weights[channel] / total * CONVERSION_MULTIPLIERS[channel] * share
        order_cumulative.append(running)
    absent = frozenset(CHANNEL_CODE[channel] for channel in ORGANIC if weights[channel] == 0)
    return ChannelMix(archetype, tuple(visit_cumulative), tuple(order_cumulative), absent)


def split_visits(rng: random.Random, total: int, orders: list[int], ad_clicks: int, mix: ChannelMix) -> list[int]:
    """Visits per channel (`CHANNELS` order) of one seller-day: each channel at least its `orders` (indexed like
    `CHANNELS`), the ads channel up to the day's `ad_clicks`, the rest spread over the organic channels by the mix.
    The visits add up to `total` (which must be at least the orders)."""
    visits = list(orders)
    left = total - sum(orders)
    if ad_clicks > visits[ADS_CODE] and left > 0:
        extra = min(left, ad_clicks - visits[ADS_CODE])
        visits[ADS_CODE] += extra
        left -= extra
    if left <= 0:
        return visits
    if mix.absent:
        rate = sum(orders) / total
        for code in mix.absent:
            if orders[code] and left > 0:
                wanted = math.ceil(orders[code] / min(1.0, rate * CONVERSION_MULTIPLIERS[CHANNELS[code]]))
                extra = min(left, wanted - visits[code])
                visits[code] += extra
                left -= extra
        if left <= 0:
            return visits
    cumulative = mix.visit_cumulative
    codes = _ORGANIC_CODES
    if left > 24:
        previous = 0.0
        given = 0
        for position, edge in enumerate(cumulative):
            share = int(left * (edge - previous))
            visits[codes[position]] += share
            given += share
            previous = edge
        left -= given
    rand = rng.random
    last = len(cumulative) - 1
    for _ in range(left):
        visits[codes[min(last, bisect.bisect_right(cumulative, rand() * cumulative[-1]))]] += 1
    return visits


_ORGANIC_CODES = tuple(CHANNEL_CODE[channel] for channel in ORGANIC)
