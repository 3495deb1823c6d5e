"""The demo's advertisers: campaigns on a few of a shop's best products, their daily `ad_spend` rows, and which
of the product's sales the ads brought (the orders of the ads channel).

About `ADVERTISER_SHARE` of the approved sellers with sales advertise, half of them profitably (ROAS 2–5), half
not (ROAS 0.3–0.9). A campaign runs 1–8 weeks on one or two of the four `AdChannel`s for one product; on each of
its days a share of that product-day's units (binomial, the campaign's `ads share`) came through the ads: those
units become orders with `utm_medium` `cpc` or `paid_social` and the network as `utm_source`
(`core.demo.traffic.AD_SOURCES`), so `classify_channel` calls them "ads", and the ad row's `attributed_orders` and
`attributed_revenue` are exactly those orders (their amounts are the first shares of the record's
`split_cents`, which the purchase pass gives the ads units). The campaign's spend is its attributed revenue
divided by its target ROAS, spread over its days and networks with noise, so every campaign returns its ROAS.
Clicks are the spend over a cost per click (never fewer than the attributed orders), impressions the clicks over
a click-through rate of 0.5–3 %.

The personas: maya advertises three best sellers on marketplace_ads and instagram_ads for the last ~100 days at
ROAS 3.2–3.8; dana two on tiktok_ads at ROAS 0.55–0.75; noah never sells, so never advertises.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from core.demo.activity import HISTORY_DAYS, binomial
from core.demo.draws import DrawnProduct
from core.demo.purchases import split_cents
from core.models.enums import AdChannel

ADVERTISER_SHARE = 0.08
NETWORKS: tuple[AdChannel, ...] = tuple(AdChannel)
NETWORK_WEIGHTS = (40.0, 25.0, 15.0, 20.0)  # marketplace, instagram, tiktok, google (NETWORKS order)
PERSONA_ADS: dict[str, tuple[tuple[float, float], tuple[AdChannel, ...], int]] = {
    # ROAS range, networks, how many best sellers
    "maya": ((3.2, 3.8), (AdChannel.MARKETPLACE_ADS, AdChannel.INSTAGRAM_ADS), 3),
    "dana": ((0.55, 0.75), (AdChannel.TIKTOK_ADS,), 2),
}
PERSONA_AD_DAYS = 100  # the personas advertise over the last ~100 days (the 90-day view sees a full quarter)


@dataclass
class AdPlan:
    """A seller's ads: `ad_spend` rows, the ads units per (product id, day index) as one network index per unit
    (the record's first units), and the clicks per day index (the ads channel's visits)."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)
    reserved: dict[tuple[str, int], tuple[int, ...]] = field(default_factory=dict)
    clicks: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Campaign:
    product: DrawnProduct
    first: int
    last: int
    networks: tuple[int, ...]
    ads_share: float


def plan_ads(
    rng: random.Random,
    new_id: Callable[[], str],
    seller_id: str,
    products: list[DrawnProduct],
    days: list[date] | list[str],
    *,
    persona: str | None,
) -> AdPlan:
    """The campaigns of an advertising seller (see the module docstring) and what they bought."""
    plan = AdPlan()
    revenue = {p.id: sum(d.revenue_cents for d in p.days) for p in products}
    ranked = sorted((p for p in products if revenue[p.id] > 0), key=lambda p: (-revenue[p.id], p.id))
    if not ranked:
        return plan
    campaigns: list[_Campaign] = []
    if persona in PERSONA_ADS:
        (low, high), networks, best = PERSONA_ADS[persona]
        roas = rng.uniform(low, high)
        codes = tuple(NETWORKS.index(n) for n in networks)
        for product in ranked[:best]:
            start = HISTORY_DAYS - 1 - PERSONA_AD_DAYS
            while start < HISTORY_DAYS:
                length = 7 * rng.randint(4, 8)
                campaigns.append(_Campaign(product, start, min(HISTORY_DAYS - 1, start + length - 1), codes, 0.3))
                start += length
    else:
        roas = rng.uniform(2.0, 5.0) if rng.random() < 0.5 else rng.uniform(0.3, 0.9)
        for product in ranked[: rng.randint(1, 3)]:
            selling = [d.index for d in product.days if d.units]
            for _ in range(rng.randint(1, 3)):
                length = 7 * rng.randint(1, 8)
                first = rng.randint(selling[0], max(selling[0], selling[-1] - 6))
                count = 1 if rng.random() < 0.7 else 2
                codes = tuple(sorted(rng.sample(range(len(NETWORKS)), k=count)))
                last = min(HISTORY_DAYS - 1, first + length - 1)
                campaigns.append(_Campaign(product, first, last, codes, rng.uniform(0.15, 0.35)))
    used: set[tuple[str, int]] = set()
    for campaign in campaigns:
        _run(rng, new_id, seller_id, campaign, roas, days, used, plan)
    return plan


def _run(
    rng: random.Random,
    new_id: Callable[[], str],
    seller_id: str,
    campaign: _Campaign,
    roas: float,
    days: list[date] | list[str],
    used: set[tuple[str, int]],
    plan: AdPlan,
) -> None:
    product = campaign.product
    by_day = {d.index: d for d in product.days}
    networks = campaign.networks
    # (day, network) -> [orders, revenue cents]
    attributed: dict[tuple[int, int], list[int]] = {}
    for index in range(campaign.first, campaign.last + 1):
        if (product.id, index) in used:
            continue  # a product-day belongs to one campaign
        used.add((product.id, index))
        for network in networks:
            attributed[(index, network)] = [0, 0]
        day = by_day.get(index)
        if day is None or not day.units:
            continue
        ads_units = binomial(rng, day.units, campaign.ads_share)
        if not ads_units:
            continue
        units_networks = tuple(networks[int(rng.random() * len(networks))] for _ in range(ads_units))
        plan.reserved[(product.id, index)] = units_networks
        for network, cents in zip(units_networks, split_cents(day.revenue_cents, day.units), strict=False):
            slot = attributed[(index, network)]
            slot[0] += 1
            slot[1] += cents
    if not attributed:
        return
    revenue = sum(cents for _, cents in attributed.values())
    if revenue:
        budget = revenue / roas
    else:  # nothing sold through the ads: the spend the seller planned from the product's usual day
        selling = [d.revenue_cents for d in product.days]
        budget = max(100 * len(attributed), sum(selling) / max(1, len(selling)) * campaign.ads_share * len(attributed))
    weights = {key: rng.uniform(0.7, 1.3) for key in attributed}
    total_weight = sum(weights.values())
    cost_per_click = {network: rng.uniform(25, 150) for network in networks}  # cents
    click_rate = {network: rng.uniform(0.005, 0.03) for network in networks}
    for (index, network), (orders, cents) in attributed.items():
        spend = max(1, round(budget * weights[(index, network)] / total_weight))
        clicks = max(orders, round(spend / cost_per_click[network]))
        impressions = max(clicks, round(clicks / click_rate[network]))
        plan.clicks[index] = plan.clicks.get(index, 0) + clicks
        plan.rows.append(
            (
                new_id(),
                seller_id,
                product.id,
                days[index],
                NETWORKS[network].value,
                Decimal(spend).scaleb(-2),
                impressions,
                clicks,
                orders,
                Decimal(cents).scaleb(-2),
            )
        )
