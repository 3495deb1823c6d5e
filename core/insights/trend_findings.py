"""Insight findings from trends and traffic (pure): PERFORMANCE (the revenue trend, with the forecast) and MARKETING
(good traffic with few buyers; strong listings nobody sees). Rules: `core.insights.findings`.

PERFORMANCE reads the seller's trend over 12 months and 90 days (`core.sales.trends`, carried by the forecast)
before the last 30 days: a declining seller (the documented rule) gets a HIGH finding that names the decline —
never "up 8 %: keep it going" because one month was better than the one before — and a seller whose last 90
days fell is never told to keep a 30-day rise going."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from core import urls
from core.insights.findings import (
    DOWN_HIGH,
    DOWN_MEDIUM,
    FEW_VIEWS,
    GREEN_SCORE_ABOVE,
    IMAGE_LEVER_POINTS,
    LOW_CONVERSION_SHARE,
    MONTHS_IN_90_DAYS,
    TRAFFIC_VIEWS,
    UP_LOW,
    Names,
    ProductActivity,
    action_item,
    listing_url,
    name_of,
    pricing_url,
)
from core.insights.rules import STAKES_META_KEY, Finding, priority_from_money
from core.listings.queries import ScoredListing
from core.listings.rules import format_points, plural
from core.models import InsightPriority, InsightType
from core.money import format_money, format_share, to_cents, to_decimal
from core.pricing.rules import PricingAnalysis
from core.sales.forecast import SalesForecast
from core.sales.trends import SellerTrend, decline_clause, growth_supported

# ---------------------------------------------------------------- performance


def revenue_change(last: Decimal, previous: Decimal) -> float | None:
    """last ÷ previous − 1; None without revenue in the previous period."""
    return None if previous <= 0 else float(last / previous) - 1


def performance_priority(change: float) -> InsightPriority | None:
    """≤ −15 % → HIGH, ≤ −5 % → MEDIUM, ≥ +5 % → LOW, else None (steady: nothing to say)."""
    if change <= DOWN_HIGH:
        return InsightPriority.HIGH
    if change <= DOWN_MEDIUM:
        return InsightPriority.MEDIUM
    return InsightPriority.LOW if change >= UP_LOW else None


def monthly_revenue_of(activity: Iterable[ProductActivity]) -> Decimal:
    """The seller's monthly revenue, the base of `priority_from_money`'s share: revenue of the last 90 complete
    days ÷ 3, to the cent (a month of a seller whose sales swing is read over a quarter, not one month)."""
    return to_cents(sum((a.revenue_90 for a in activity), Decimal(0)) / MONTHS_IN_90_DAYS)


def _driver(activity: Sequence[ProductActivity], down: bool) -> ProductActivity | None:
    """The product whose 30-day revenue moved most in the direction of the change (ties: by title)."""
    moves = [(a, a.revenue_30 - a.revenue_previous_30) for a in activity]
    movers = [(a, d) for a, d in moves if (d < 0 if down else d > 0)]
    return max(movers, key=lambda m: (abs(m[1]), m[0].title))[0] if movers else None


def _forecast_sentence(forecast: SalesForecast | None) -> str:
    if forecast is None or not forecast.available or forecast.projected_revenue is None:
        return ""
    text = f" The forecast for the next 30 days is {format_money(forecast.projected_revenue)}"
    if forecast.confidence_interval is not None:
        ci = forecast.confidence_interval
        text += f" (likely {format_money(ci.low)}–{format_money(ci.high)})"
    return text + "."


def decline_finding(
    activity: Sequence[ProductActivity],
    forecast: SalesForecast | None,
    trend: SellerTrend,
    names: Names | None = None,
) -> Finding:
    """HIGH: the seller is declining (`core.sales.trends`); the last 30 days are context, not the headline. Its
    stakes are the revenue a month lost against the comparison 90 days: (comparison − last 90 days) ÷ 3."""
    last = sum((a.revenue_30 for a in activity), Decimal(0))
    previous = sum((a.revenue_previous_30 for a in activity), Decimal(0))
    share = trend.share_of_peak
    if trend.peak_month is not None and share is not None and share < 1:
        title = f"Your revenue is {format_share(1 - share, places=0)} below its {trend.peak_month:%B} peak"
    else:
        title = "Your revenue is falling over the last 90 days"
    clause = decline_clause(trend)
    description = clause[0].upper() + clause[1:] + "."
    change = revenue_change(last, previous)
    if change is not None and change > 0:
        description += (
            f" The last 30 days brought {format_money(last)} against {format_money(previous)} in the 30 before "
            f"({format_share(change, places=0, signed=True)}): one better month does not turn that trend."
        )
    driver = _driver(activity, down=True)
    driver_name = name_of(names, driver.product_id, driver.title) if driver is not None else ""
    if driver is not None:
        description += (
            f" The biggest drop of the last 30 days: “{driver_name}”, {format_money(driver.revenue_30)} against "
            f"{format_money(driver.revenue_previous_30)}."
        )
    description += _forecast_sentence(forecast)
    actions = []
    if driver is not None:
        actions.append(
            action_item(f"Check the listing of “{driver_name}”", "improve_listing", listing_url(driver.product_id))
        )
    actions += [
        action_item(
            "See your 12-month trend and forecast", "see_forecast", urls.page_link(urls.MARKET, section="Forecast")
        ),
        action_item("Set a revenue goal to win it back", "set_goal", urls.page_link(urls.GOALS)),
    ]
    base = trend.comparison_90 or Decimal(0)
    stakes = to_cents(max(Decimal(0), base - trend.last_90) / MONTHS_IN_90_DAYS)
    return Finding(
        key="performance:forecast",
        insight_type=InsightType.PERFORMANCE,
        priority=InsightPriority.HIGH,
        title=title,
        description=description,
        action_items=tuple(actions),
        weight=float(1 - trend.last_90 / base) if base > 0 else 1.0,
        meta={
            "declining": True,
            "revenue_90": str(trend.last_90),
            "comparison_90": str(base),
            "decline_base": trend.decline_base,
            "peak_month": trend.peak_month.isoformat() if trend.peak_month else None,
            "share_of_peak": None if share is None else str(share),
            "revenue_30": str(last),
            "revenue_previous_30": str(previous),
            "driver_product_id": driver.product_id if driver else None,
            "projected_revenue_30": str(forecast.projected_revenue) if forecast and forecast.available else None,
            STAKES_META_KEY: str(stakes),
        },
        stakes=stakes,
    )


def performance_finding(
    activity: Sequence[ProductActivity], forecast: SalesForecast | None, names: Names | None = None
) -> Finding | None:
    """The revenue trend, with the product that moved it most and the forecast (see the module docstring)."""
    trend = forecast.trend if forecast is not None else None
    if trend is not None and trend.declining:
        return decline_finding(activity, forecast, trend, names)
    last = sum((a.revenue_30 for a in activity), Decimal(0))
    previous = sum((a.revenue_previous_30 for a in activity), Decimal(0))
    change = revenue_change(last, previous)
    priority = None if change is None else performance_priority(change)
    if change is None or priority is None:
        return None
    down = change < 0
    driver = _driver(activity, down)
    driver_name = name_of(names, driver.product_id, driver.title) if driver is not None else ""
    pct = format_share(abs(change), places=0)
    money = format_money
    description = f"You made {money(last)} in the last 30 days against {money(previous)} in the 30 days before."
    if driver is not None:
        what = "The biggest drop" if down else "What drove it"
        description += (
            f" {what}: “{driver_name}”, {money(driver.revenue_30)} against {money(driver.revenue_previous_30)}."
        )
    falling_90 = not down and not growth_supported(trend)
    if falling_90 and trend is not None and trend.change_90_days is not None:
        description += (
            f" Over 90 days the picture is different: {money(trend.last_90)} against {money(trend.previous_90)} "
            f"in the 90 days before ({format_share(trend.change_90_days / 100, places=0, signed=True)})."
        )
    description += _forecast_sentence(forecast)
    forecast_url = urls.page_link(urls.MARKET, section="Forecast")
    see_forecast = action_item("See your sales forecast", "see_forecast", forecast_url)
    goals = urls.page_link(urls.GOALS)
    if down:
        title = f"Your revenue is down {pct} on the previous 30 days"
        actions = []
        if driver is not None:
            actions.append(
                action_item(f"Check the listing of “{driver_name}”", "improve_listing", listing_url(driver.product_id))
            )
        actions += [see_forecast, action_item("Set a revenue goal to win it back", "set_goal", goals)]
    else:
        title = f"Your revenue is up {pct} on the previous 30 days: keep it going"
        if falling_90:
            title = f"Your revenue is up {pct} on the previous 30 days, but down over 90 days"
        actions = [action_item("Set a goal for the next 30 days", "set_goal", goals), see_forecast]
        if driver is not None:
            price_url = pricing_url(driver.product_id)
            actions.append(action_item(f"Check the price of “{driver_name}”", "review_price", price_url))
    return Finding(
        key="performance:forecast",
        insight_type=InsightType.PERFORMANCE,
        priority=priority,
        title=title,
        description=description,
        action_items=tuple(actions),
        weight=abs(change),
        meta={
            "revenue_30": str(last),
            "revenue_previous_30": str(previous),
            "change": round(change, 4),
            "driver_product_id": driver.product_id if driver else None,
            "projected_revenue_30": str(forecast.projected_revenue) if forecast and forecast.available else None,
        },
    )


# ---------------------------------------------------------------- marketing


def missed_sales(views_90: int, own_rate: float, median_rate: float) -> float:
    """Sales a month the listing misses against its segment's median: views a month × (median − own)."""
    return views_90 / MONTHS_IN_90_DAYS * max(0.0, median_rate - own_rate)


def converts_poorly(a: ProductActivity, analysis: PricingAnalysis | None) -> bool:
    """Enough traffic (≥ `TRAFFIC_VIEWS` views in 90 days) converting under `LOW_CONVERSION_SHARE` of the
    segment's median conversion: the listing gets a "traffic but few buyers" finding."""
    median = analysis.market.median_conversion_rate if analysis and analysis.market else None
    own = a.conversion_90
    return a.views_90 >= TRAFFIC_VIEWS and bool(median) and own is not None and own < median * LOW_CONVERSION_SHARE


def _conversion_finding(
    a: ProductActivity,
    analysis: PricingAnalysis | None,
    item: ScoredListing | None,
    monthly_revenue: Decimal,
    name: str,
) -> Finding | None:
    if not converts_poorly(a, analysis):
        return None
    median = analysis.market.median_conversion_rate if analysis and analysis.market else None
    own = a.conversion_90
    assert median is not None and own is not None  # checked by converts_poorly
    lost = missed_sales(a.views_90, own, median)
    money = to_cents(to_decimal(lost) * a.price)
    images = item.score.dimension("image_quality").actionable_gap if item else 0.0
    if analysis is not None and analysis.competitive_position == "overpriced":
        lever = "Its price is above similar listings: that is the first thing to check."
        first = action_item("Bring the price in line", "review_price", pricing_url(a.product_id))
        second = action_item("Then check its images and description", "improve_listing", listing_url(a.product_id))
    elif images >= IMAGE_LEVER_POINTS:
        lever = "It lacks images: buyers who cannot see what they get do not buy."
        first = action_item(
            "Add images that show what buyers get", "fix:image_quality", listing_url(a.product_id, "image_quality")
        )
        second = action_item("Check the price against similar listings", "review_price", pricing_url(a.product_id))
    else:
        lever = "Make the description answer buyers' questions: what they get, for whom, how to use it."
        first = action_item(
            "Improve the description",
            "fix:description_completeness",
            listing_url(a.product_id, "description_completeness"),
        )
        second = action_item("Check the price against similar listings", "review_price", pricing_url(a.product_id))
    description = (
        f"{plural(a.views_90, 'view')} in the last 90 days turned into {plural(a.purchases_90, 'purchase')} "
        f"({format_share(own)}); similar listings convert {format_share(median)} of their views. At their rate it "
        f"would sell about {lost:.1f} more a month (≈ {format_money(money, a.currency)}). {lever}"
    )
    return Finding(
        key=f"marketing:conversion:{a.product_id}",
        insight_type=InsightType.MARKETING,
        priority=priority_from_money(money, monthly_revenue),
        title=f"“{name}” gets traffic but few buyers",
        description=description,
        action_items=(first, second),
        weight=float(money),
        meta={
            "product_id": a.product_id,
            "views_90": a.views_90,
            "purchases_90": a.purchases_90,
            "conversion": round(own, 4),
            "segment_median_conversion": round(median, 4),
            "money_per_month": str(money),
            STAKES_META_KEY: str(money),
        },
        stakes=money,
    )


def _visibility_finding(
    a: ProductActivity, analysis: PricingAnalysis | None, overall: float | None, learn_url: str | None, name: str
) -> Finding | None:
    if overall is None or overall <= GREEN_SCORE_ABOVE or a.views_30 >= FEW_VIEWS:
        return None
    median = analysis.market.median_conversion_rate if analysis and analysis.market else None
    own = a.conversion_90
    converts = a.purchases_90 > 0 and own is not None and (median is None or own >= median)
    description = (
        f"It scores {format_points(overall)}/100 on listing health but had only "
        f"{plural(a.views_30, 'view')} in the last 30 days. The listing is ready; what it needs now is buyers who "
        "find it: share it with your audience and check its search keywords."
    )
    if converts and own is not None:
        than = f", at or above similar listings' {format_share(median)}" if median else ""
        description += f" Those who find it buy: {format_share(own)} of its views{than}."
    actions = [
        action_item(
            "Check its search keywords and tags", "fix:seo_optimization", listing_url(a.product_id, "seo_optimization")
        )
    ]
    if learn_url:
        actions.insert(0, action_item("Read how to promote a listing", "learn", learn_url))
    return Finding(
        key=f"marketing:visibility:{a.product_id}",
        insight_type=InsightType.MARKETING,
        priority=InsightPriority.MEDIUM if converts else InsightPriority.LOW,
        title=f"“{name}” is a strong listing few buyers see",
        description=description,
        action_items=tuple(actions),
        weight=overall / 1000,
        meta={"product_id": a.product_id, "score": overall, "views_30": a.views_30},
    )


def marketing_findings(
    activity: Sequence[ProductActivity],
    analyses: Iterable[PricingAnalysis],
    scored: Iterable[ScoredListing],
    *,
    overall: Mapping[str, float] | None = None,
    learn_url: str | None = None,
    names: Names | None = None,
) -> list[Finding]:
    """Good traffic with few buyers, and strong listings nobody sees (rules: `core.insights.findings`).

    `scored` are the listings with their full checks; `overall` (product id → overall score), when given, is
    where the visibility finding reads the score, so `scored` then only needs the listings for which
    `converts_poorly` holds (the conversion finding reads their image checks).
    """
    monthly_revenue = monthly_revenue_of(activity)
    by_analysis = {a.product_id: a for a in analyses if a.available}
    by_listing = {s.listing.product_id: s for s in scored}
    scores = overall if overall is not None else {pid: s.score.overall for pid, s in by_listing.items()}
    out = []
    for a in activity:
        analysis, item = by_analysis.get(a.product_id), by_listing.get(a.product_id)
        name = name_of(names, a.product_id, a.title)
        conversion = _conversion_finding(a, analysis, item, monthly_revenue, name)
        visibility = _visibility_finding(a, analysis, scores.get(a.product_id), learn_url, name)
        out += [f for f in (conversion, visibility) if f is not None]
    return out
