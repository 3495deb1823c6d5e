"""A seller's numbers as insight findings (pure): pricing, listing quality, opportunity, performance, marketing.

Each builder reads plain results of the other capabilities (pricing analyses, listing scores, opportunities,
the forecast) and the seller's per-product activity, and writes the title, description and action items
from the seller's own numbers. The texts are deterministic rules over those numbers (the offline engine of
the insights; no model is needed to say "$12 below the median"). Rules:

* **PRICING** (`pricing:<product id>`): every product the pricing review advises to change
  (`core.pricing.rules.needs_attention`) AND whose suggestion is expected to earn more: the analysis'
  `money_at_stake` read as the expected change in monthly revenue of following the suggestion (positive = gain);
  zero or negative (keep, or a change the demand model does not expect to pay) raises nothing. Priority from
  that gain against the seller's monthly revenue (`core.insights.rules.priority_from_money`); it is the
  finding's stakes.
* **LISTING_QUALITY** (`listing:<product id>`, the key `core.listings.low_quality.finding_key` shares with an
  admin's notice): published listings in the red band (score < 40) or that can
  still win at least `BIG_GAP_POINTS` (30) points. HIGH when red and viewed at least `VIEWED_LISTING_VIEWS`
  (50) times in the last 30 days; MEDIUM when red, or when the gap is big and the listing is that viewed;
  else LOW. Within a priority, the most viewed first. Each action opens the Listing editor at the dimension it
  fixes.
* **Names**: a product is named by `core.listings.low_quality.product_labels` — its title, or, when the seller
  has two products with that title, "Title · $24.99 · #3f2a" — so two cards never look alike.
* **OPPORTUNITY** (`opportunity:<term>`): HIGH or MEDIUM potential gaps that fit the seller. HIGH potential
  and a rising trend → HIGH; HIGH potential → MEDIUM; MEDIUM potential → LOW. Most searched first.
* **PERFORMANCE** (`performance:forecast`): revenue of the last 30 complete days against the 30 before
  (needs a sale in the earlier period): down ≥ 15 % → HIGH, down ≥ 5 % → MEDIUM, up ≥ 5 % → LOW (a
  congratulation naming the product that gained most); in between, nothing. The 30-day forecast is quoted.
* **MARKETING** (`marketing:conversion:<id>`, `marketing:visibility:<id>`):
  - good traffic, few buyers: ≥ `TRAFFIC_VIEWS` (100) views in 90 days and a conversion below half its
    segment's median; the sales missed a month = views a month × (median − own rate), priced at the
    product's price, gives the priority (`priority_from_money`); the advice names the weakest lever
    (overpriced → price; ≥ 8 image points to win → images; else the description);
  - a strong listing nobody sees: score > 70 and fewer than `FEW_VIEWS` (30) views in 30 days; MEDIUM when
    those who find it buy at least at the segment's median rate, else LOW.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from core import urls
from core.insights.rules import STAKES_META_KEY, Finding, priority_from_money
from core.listings.low_quality import editor_url, finding_key
from core.listings.queries import ScoredListing
from core.listings.rules import format_points, plural
from core.listings.score import listing_suggestions_offline
from core.market.opportunities import MarketOpportunity
from core.models import InsightPriority, InsightType
from core.models.enums import product_type_label
from core.money import ZERO, format_money
from core.pricing.rules import PricingAnalysis, needs_attention

RED_SCORE_BELOW = 40.0
GREEN_SCORE_ABOVE = 70.0
BIG_GAP_POINTS = 30.0
VIEWED_LISTING_VIEWS = 50
LISTING_ACTIONS = 3
TRAFFIC_VIEWS = 100
LOW_CONVERSION_SHARE = 0.5
IMAGE_LEVER_POINTS = 8.0
FEW_VIEWS = 30
DOWN_HIGH = -0.15
DOWN_MEDIUM = -0.05
UP_LOW = 0.05
MONTHS_IN_90_DAYS = 3


@dataclass(frozen=True)
class ProductActivity:
    """One published product's recent numbers (windows end with the last complete day)."""

    product_id: str
    title: str
    price: Decimal
    currency: str
    views_30: int
    views_90: int
    purchases_90: int
    revenue_30: Decimal
    revenue_previous_30: Decimal
    revenue_90: Decimal = ZERO  # the last 90 complete days: the base of the priority share (÷ 3 = a month)

    @property
    def conversion_90(self) -> float | None:
        return self.purchases_90 / self.views_90 if self.views_90 else None


def action_item(label: str, action: str, url: str) -> dict[str, str]:
    return {"label": label, "action": action, "url": url}


def _kind(product_type: str) -> str:
    """The one type label, mid-sentence: "e-book", "web template", "PowerPoint"."""
    return product_type_label(product_type, lower=True)


def _a(word: str) -> str:
    """ "a planner", "an e-book"."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def pricing_url(product_id: str) -> str:
    return urls.page_link(urls.PRICING, product=product_id)


def listing_url(product_id: str, dimension: str | None = None) -> str:
    """The Listing editor at the product, and at `dimension` (a `core.listings.score.DIMENSIONS` key) when one
    dimension is what the action fixes; without it when no single dimension applies."""
    return editor_url(product_id, dimension)


Names = Mapping[str, str]
"""{product id: label} from `core.listings.low_quality.product_labels`; a product missing from it keeps its title."""


def name_of(names: Names | None, product_id: str, title: str) -> str:
    return (names or {}).get(product_id) or title


# ---------------------------------------------------------------- pricing


def pricing_findings(
    analyses: Iterable[PricingAnalysis], *, monthly_revenue: Decimal = Decimal(0), names: Names | None = None
) -> list[Finding]:
    """One finding per product whose suggested change is expected to gain (rules: module docstring); the title
    says which way (below / above similar listings when the position agrees, else "could earn / sell more")."""
    out = []
    for a in needs_attention(analyses):
        market, suggested = a.market, a.suggested_price
        gain = Decimal(a.money_at_stake)
        if market is None or suggested is None or suggested == a.current_price or gain <= 0:
            continue
        name = name_of(names, a.product_id, a.title)
        money = partial(format_money, currency=a.currency)
        kind = _kind(a.facts.product_type) if a.facts else "similar"
        where = f"in {market.category_name}" if market.category_name else "across all categories"
        monthly = a.units_90_days / MONTHS_IN_90_DAYS
        sales = f"{format_points(monthly)} sale{'' if monthly == 1 else 's'} a month" if a.units_90_days else "no sale"
        description = (
            f"You charge {money(a.current_price)}; {market.sample_size} published {kind} listings {where} sell "
            f"for {money(market.p25_price)}–{money(market.p75_price)} (median {money(market.median_price)}). "
            f"Suggested price: {money(suggested)}."
        )
        review_label = f"Review the price (suggested {money(suggested)})"
        review = action_item(review_label, "review_price", pricing_url(a.product_id))
        at_sales = f", at your {sales}" if a.units_90_days else ""
        expected = f" Expected gain at the suggested price: about {money(gain)} a month{at_sales}."
        raise_it = suggested > a.current_price
        if raise_it:
            below = a.competitive_position == "underpriced"
            title = (
                f"“{name}” is priced below similar listings" if below else f"“{name}” could earn more at a higher price"
            )
            description += expected
            actions = [review]
        else:
            above = a.competitive_position == "overpriced"
            title = (
                f"“{name}” is priced above similar listings" if above else f"“{name}” could sell more at a lower price"
            )
            description += expected
            if not a.units_90_days:
                description += " It has not sold in the last 90 days, and buyers compare prices before they buy."
            actions = [
                review,
                action_item("Or show buyers what makes it worth more", "improve_listing", listing_url(a.product_id)),
            ]
        out.append(
            Finding(
                key=f"pricing:{a.product_id}",
                insight_type=InsightType.PRICING,
                priority=priority_from_money(gain, monthly_revenue),
                title=title,
                description=description,
                action_items=tuple(actions),
                weight=float(gain),
                meta={
                    "product_id": a.product_id,
                    "position": a.competitive_position,
                    "current_price": str(a.current_price),
                    "suggested_price": str(suggested),
                    "money_at_stake": str(a.money_at_stake),
                    "units_90_days": a.units_90_days,
                    "engine": a.engine,
                    "monthly_revenue": str(monthly_revenue),
                    STAKES_META_KEY: str(gain),
                },
                stakes=gain,
            )
        )
    return out


# ---------------------------------------------------------------- listing quality


def listing_priority(overall: float, gap: float, views_30: int) -> InsightPriority | None:
    """None when the listing is neither red nor has a big gap; else HIGH / MEDIUM / LOW (module docstring)."""
    red, big = overall < RED_SCORE_BELOW, gap >= BIG_GAP_POINTS
    if not red and not big:
        return None
    viewed = views_30 >= VIEWED_LISTING_VIEWS
    if red and viewed:
        return InsightPriority.HIGH
    return InsightPriority.MEDIUM if red or viewed else InsightPriority.LOW


def listing_findings(
    scored: Iterable[ScoredListing], activity: Mapping[str, ProductActivity], *, names: Names | None = None
) -> list[Finding]:
    """Red or far-from-complete published listings (rules: module docstring)."""
    out = []
    for item in scored:
        if item.status != "PUBLISHED":
            continue
        score, pid = item.score, item.listing.product_id
        gap = round(sum(d.actionable_gap for d in score.dimensions), 1)
        views = activity[pid].views_30 if pid in activity else 0
        priority = listing_priority(score.overall, gap, views)
        if priority is None:
            continue
        weakest = sorted((d for d in score.dimensions if d.actionable_gap > 0), key=lambda d: -d.actionable_gap)[:2]
        where = " and ".join(
            f"{d.label} ({format_points(d.actionable_gap)} of {format_points(d.max_points)})" for d in weakest
        )
        if views >= VIEWED_LISTING_VIEWS:
            seen = f"was viewed {plural(views, 'time')} in the last 30 days: every fix reaches buyers already looking"
        elif views:
            seen = f"was viewed only {plural(views, 'time')} in the last 30 days: complete listings rank better"
        else:
            seen = "had no views in the last 30 days: complete listings rank better in search"
        description = (
            f"It scores {format_points(score.overall)}/100 on listing health ({score.band}) and {seen}. "
            f"It can win {format_points(gap)} points, most of them in {where}."
        )
        suggestions = listing_suggestions_offline(score, item.listing, limit=LISTING_ACTIONS)
        actions = [action_item(s.suggestion, f"fix:{s.dimension}", listing_url(pid, s.dimension)) for s in suggestions]
        if not actions:
            first = weakest[0].key if weakest else None
            actions = [action_item("Open it in the Listing editor", "open_listing", listing_url(pid, first))]
        name = name_of(names, pid, item.listing.title)
        out.append(
            Finding(
                key=finding_key(pid),
                insight_type=InsightType.LISTING_QUALITY,
                priority=priority,
                title=f"“{name}” scores {format_points(score.overall)}/100: fix its listing",
                description=description,
                action_items=tuple(actions),
                weight=views + (100 - score.overall) / 1000,
                meta={"product_id": pid, "score": score.overall, "gap": gap, "views_30": views, "band": score.band},
            )
        )
    return out


# ---------------------------------------------------------------- opportunities


def opportunity_priority(potential: str, trend: str) -> InsightPriority | None:
    """HIGH potential + rising → HIGH; HIGH → MEDIUM; MEDIUM → LOW; LOW potential → None (not raised)."""
    if potential == "HIGH":
        return InsightPriority.HIGH if trend == "rising" else InsightPriority.MEDIUM
    return InsightPriority.LOW if potential == "MEDIUM" else None


def opportunity_findings(opportunities: Iterable[MarketOpportunity]) -> list[Finding]:
    """Unmet searches that fit the seller, HIGH or MEDIUM potential (rules: module docstring)."""
    out = []
    for o in opportunities:
        priority = opportunity_priority(o.potential, o.trend)
        if not o.fits_seller or priority is None:
            continue
        kind = _kind(o.suggested_product_type)
        listings = "no listing" if o.existing_products == 0 else plural(o.existing_products, "listing")
        description = (
            f"Buyers searched “{o.term}” {plural(o.search_volume, 'time')} in the last 90 days "
            f"({o.searches_last_30_days:,} in the last 30, {o.trend}) and found {listings}. "
            f"It is close to what you already sell: {_a(kind)} could meet "
            f"{_buyers_a_month(o.estimated_monthly_demand)}."
        )
        market, benchmarks = (urls.page_link(urls.MARKET, section=s) for s in ("Opportunities", "Benchmarks"))
        actions = (
            action_item(f"Plan {_a(kind)} for “{o.term}”", "create_product", market),
            action_item(f"Check what {kind}s sell for", "see_benchmarks", benchmarks),
        )
        out.append(
            Finding(
                key=f"opportunity:{o.term}",
                insight_type=InsightType.OPPORTUNITY,
                priority=priority,
                title=f"Unmet demand: “{o.term}”",
                description=description,
                action_items=actions,
                weight=float(o.search_volume),
                meta={
                    "term": o.term,
                    "search_volume": o.search_volume,
                    "potential": o.potential,
                    "trend": o.trend,
                    "suggested_product_type": o.suggested_product_type,
                    "reasoning": o.reasoning,
                    "engine": o.engine,
                },
            )
        )
    return out


def _buyers_a_month(estimate: float) -> str:
    """ "about 3 buyers a month", or "fewer than one buyer a month" rather than "about 0 buyers"."""
    if estimate < 1:
        return "fewer than one buyer a month"
    return f"about {plural(round(estimate), 'buyer')} a month"
