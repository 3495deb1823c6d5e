"""Product recommendations (issue 14): the evidence of every published product of a seller, one stored
recommendation per product (keep / promote / reprice / drop, through the AI door's `product_recommendation` task,
answered offline by `core.sales.recommendation_rules`), the seller's decision, and the outcome measured 30 days
after an acceptance.

**Evidence** (all products of the seller at once, a fixed number of queries whatever their number; windows are
complete days in the marketplace's time zone ending yesterday):

* views and add-to-cart of the last 30 days (`product_views`, `conversion_events`);
* orders and revenue of the last 30 days and of the 30 before, and orders of the last 90 (`orders`, gross: refunded
  orders count, as in the revenue roll-up), read from the seller's covering index;
* the **segment**: the product's type in its category, or the type across all categories when the category has
  fewer than `MIN_SEGMENT_PRODUCTS` ranked products or the product has none. Its ranked products are the published
  ones with at least `MIN_VIEWS` views in the 30 days, as stored by the nightly listing-scores job
  (`listing_scores.views_30d`, the same 30-day window); each one's conversion is its units sold in the window (the
  orders' daily roll-up, `revenue_records`: one unit per order) ÷ those views; the page states the median and the
  count. Stored views and the roll-up instead of summing `product_views` and `orders` over the segments' thousands
  of products: 2–8 s → about 0.4 s for the largest seller (24 segments, ~9,000 ranked products);
* the nightly benchmark's median price of the product's segment (the category's row when it has ≥ 5 listings,
  else the type's: the pricing tool's rule);
* the stored listing score (`listing_scores.overall`).

The domain packages that own benchmarks, pricing and listing scores import this one (through `core.market`), so
their tables are read here directly through the models, never through their packages (no import cycle).

**Storing**: `generate_recommendations` replaces the seller's `new` recommendations with one per published product;
accepted and dismissed ones are history. `decide` accepts (storing the 30 days before as `baseline`) or dismisses
one of the seller's own `new` recommendations. `measure_due_outcomes` (daily job) stores, 30 complete days after
the day of acceptance, the same figures for those 30 days against the baseline with a verdict on the order rate
(`core.sales.before_after`); for "reprice", also the effect of the first price change made after accepting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, tuple_
from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, default_ai
from core.ai.serialize import to_jsonable
from core.ai.tasks.product_recommendation import ProductRecommendation as Advice
from core.ai.tasks.product_recommendation import RecommendationPayload, product_recommendation_task
from core.config import get_settings
from core.models import (
    Category,
    ConversionEvent,
    ConversionEventType,
    DigitalProduct,
    ListingScoreRecord,
    MarketBenchmark,
    Order,
    PriceChange,
    ProductRecommendation,
    ProductStatus,
    ProductView,
    RecommendationAction,
    RecommendationStatus,
    RevenueRecord,
)
from core.models.enums import product_type_label
from core.money import ZERO, percent_change, to_cents
from core.periods import Window, complete_days, local_day, start_of_day
from core.sales.before_after import BeforeAfter, PeriodNumbers, load_windows, price_change_windows
from core.sales.recommendation_rules import MIN_SEGMENT_PRODUCTS, MIN_VIEWS, NO_SALE_DAYS, price_ratio
from core.sales.recommendation_rules import decide as decide_by_rules
from core.sales.recommendation_rules import recommend as offline_recommend

EVIDENCE_DAYS = 30
OUTCOME_DAYS = 30
BENCHMARK_CATEGORY_MIN = 5  # the pricing tool's rule (core.pricing.market.MIN_CATEGORY_SAMPLE)
ENGINE_CHARS = 40  # `product_recommendations.engine`
HISTORY_ROWS = 50

TASK = product_recommendation_task(offline_recommend)

Segment = tuple[str, str | None]  # (product type, category id or None for all categories)


@dataclass(frozen=True)
class ProductEvidence:
    """One published product's evidence: its id, its segment and the payload the task answers from."""

    product_id: str
    segment: Segment
    payload: RecommendationPayload
    window: Window

    def as_json(self) -> dict[str, Any]:
        """The numbers stored with the recommendation (the page's "numbers behind it")."""
        p = self.payload
        data = to_jsonable(p)
        ratio = (
            None
            if p.conversion is None or not p.segment_median_conversion
            else p.conversion / p.segment_median_conversion
        )
        data.update(
            conversion=p.conversion,
            conversion_ratio=ratio if p.views >= MIN_VIEWS else None,
            price_ratio=price_ratio(p),
            revenue_change_percent=_float(percent_change(p.revenue, p.previous_revenue)),
            window={"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
        )
        return data


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------------------------------------- evidence


def _live() -> tuple[Any, ...]:
    return DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None)


def _segment_label(product_type: str, category_name: str | None) -> str:
    kind = product_type_label(product_type, lower=True)
    return f"{kind} listings in {category_name}" if category_name else f"{kind} listings across all categories"


@dataclass(frozen=True)
class SegmentStats:
    products: int
    median_conversion: float | None
    median_views: float | None


def _segment_rows(session: Session, *, categories: set[Segment], whole_types: set[str], window: Window) -> list[Any]:
    """(type, category id or None, views, units) of each ranked product of the segments (one query).

    Units sold in the window come from the daily roll-up of orders (`revenue_records`), summed over the window for
    every product in one pass of its (day, product, units) covering index and joined to the ranked products: one
    index range whatever the number of ranked products (probing `orders` per ranked product took 1–2 s for the
    largest seller's ~9,000). A unit is an order: the marketplace sells one unit per order.
    """
    rec = ListingScoreRecord
    in_segment = []
    if categories:
        in_segment.append(tuple_(rec.product_type, rec.category_id).in_(sorted(categories)))  # type: ignore[arg-type]
    if whole_types:
        in_segment.append(rec.product_type.in_(sorted(whole_types)))
    ranked = (
        select(rec.product_id, rec.product_type, rec.category_id, rec.views_30d)
        .where(rec.status == ProductStatus.PUBLISHED.value, rec.views_30d >= MIN_VIEWS, or_(*in_segment))
        .cte("ranked")
        .prefix_with("MATERIALIZED")
    )
    sold = (
        select(RevenueRecord.product_id, func.sum(RevenueRecord.units).label("units"))
        .where(RevenueRecord.day >= window.start, RevenueRecord.day <= window.end)
        .group_by(RevenueRecord.product_id)
        .cte("window_units")
        .prefix_with("MATERIALIZED")
    )
    query = select(
        ranked.c.product_type, ranked.c.category_id, ranked.c.views_30d, func.coalesce(sold.c.units, 0)
    ).outerjoin(sold, sold.c.product_id == ranked.c.product_id)
    return list(session.execute(query).all())


def load_segment_stats(session: Session, segments: Iterable[Segment], *, window: Window) -> dict[Segment, SegmentStats]:
    """Median conversion and views over each segment's ranked products; a segment (type, None) is the whole type."""
    wanted = set(segments)
    if not wanted:
        return {}
    categories = {s for s in wanted if s[1] is not None}
    whole = {t for t, c in wanted if c is None}
    values: dict[Segment, list[tuple[int, int]]] = {s: [] for s in wanted}
    for product_type, category_id, views, orders in _segment_rows(
        session, categories=categories, whole_types=whole, window=window
    ):
        for key in {(str(product_type), category_id), (str(product_type), None)}:
            if key in values:
                values[key].append((int(views), int(orders)))
    out = {}
    for key, rows in values.items():
        out[key] = SegmentStats(
            products=len(rows),
            median_conversion=median(o / v for v, o in rows) if rows else None,
            median_views=float(median(v for v, _ in rows)) if rows else None,
        )
    return out


def _benchmark_prices(session: Session, types: set[str]) -> dict[Segment, tuple[Decimal, int]]:
    rows = session.execute(
        select(
            MarketBenchmark.product_type,
            MarketBenchmark.category_id,
            MarketBenchmark.median_price,
            MarketBenchmark.sample_size,
        ).where(MarketBenchmark.product_type.in_(sorted(types)))
    ).all()
    return {(str(t), c): (Decimal(m), int(n)) for t, c, m, n in rows if m is not None}


def _benchmark_for(
    prices: dict[Segment, tuple[Decimal, int]], product_type: str, category_id: str | None
) -> tuple[Decimal, int] | None:
    own = prices.get((product_type, category_id)) if category_id else None
    if own is not None and own[1] >= BENCHMARK_CATEGORY_MIN:
        return own
    return prices.get((product_type, None))


def load_evidence(session: Session, *, seller_id: str, now: datetime) -> list[ProductEvidence]:
    """The evidence of every published product of the seller, by title (see the module docstring)."""
    tz = get_settings().timezone
    today = local_day(now, tz)
    window = complete_days(EVIDENCE_DAYS, today=today)
    previous = window.previous()
    lookback = complete_days(NO_SALE_DAYS, today=today)
    p = DigitalProduct
    products = session.execute(
        select(
            p.id,
            p.title,
            p.type,
            p.category_id,
            Category.name.label("category_name"),
            p.price,
            p.currency,
            p.published_at,
            ListingScoreRecord.overall,
        )
        .outerjoin(Category, Category.id == p.category_id)
        .outerjoin(ListingScoreRecord, ListingScoreRecord.product_id == p.id)
        .where(p.seller_id == seller_id, *_live())
        .order_by(func.lower(p.title), p.id)
    ).all()
    if not products:
        return []

    views = dict(
        session.execute(
            select(ProductView.product_id, func.sum(ProductView.views))
            .where(ProductView.seller_id == seller_id, ProductView.day >= window.start, ProductView.day <= window.end)
            .group_by(ProductView.product_id)
        ).all()
    )
    carts = dict(
        session.execute(
            select(ConversionEvent.product_id, func.sum(ConversionEvent.count))
            .where(
                ConversionEvent.seller_id == seller_id,
                ConversionEvent.event_type == ConversionEventType.ADD_TO_CART,
                ConversionEvent.day >= window.start,
                ConversionEvent.day <= window.end,
            )
            .group_by(ConversionEvent.product_id)
        ).all()
    )
    w_start, w_end = start_of_day(window.start, tz), start_of_day(window.end + timedelta(days=1), tz)
    prev_start = start_of_day(previous.start, tz)
    current = and_(Order.created_at >= w_start)
    before = and_(Order.created_at >= prev_start, Order.created_at < w_start)
    sales = {
        row.product_id: row
        for row in session.execute(
            select(
                Order.product_id,
                func.sum(case((current, 1), else_=0)).label("orders"),
                func.sum(case((current, Order.amount), else_=0)).label("revenue"),
                func.sum(case((before, Order.amount), else_=0)).label("previous_revenue"),
                func.count().label("orders_90d"),
            )
            .where(
                Order.seller_id == seller_id,
                Order.created_at >= min(start_of_day(lookback.start, tz), prev_start),
                Order.created_at < w_end,
            )
            .group_by(Order.product_id)
        )
    }

    def segment_of(product_type: str, category_id: str | None) -> Segment:
        return (product_type, category_id)

    first = {segment_of(str(r.type), r.category_id) for r in products}
    stats = load_segment_stats(session, first, window=window)
    thin = {(t, None) for (t, c), s in stats.items() if c is not None and s.products < MIN_SEGMENT_PRODUCTS}
    if thin - set(stats):
        stats.update(load_segment_stats(session, thin - set(stats), window=window))
    prices = _benchmark_prices(session, {str(r.type) for r in products})

    out = []
    for r in products:
        product_type = str(r.type)
        segment = segment_of(product_type, r.category_id)
        if r.category_id is not None and stats[segment].products < MIN_SEGMENT_PRODUCTS:
            segment = (product_type, None)
        seg = stats[segment]
        sold = sales.get(r.id)
        benchmark = _benchmark_for(prices, product_type, r.category_id)
        published = None if r.published_at is None else max(0, (today - local_day(r.published_at, tz)).days)
        payload = RecommendationPayload(
            title=r.title or "",
            product_type=product_type,
            category_name=r.category_name,
            currency=r.currency or "USD",
            price=to_cents(r.price),
            days_published=published,
            views=int(views.get(r.id) or 0),
            add_to_cart=int(carts.get(r.id) or 0),
            orders=int(sold.orders) if sold else 0,
            revenue=to_cents(sold.revenue) if sold else ZERO,
            previous_revenue=to_cents(sold.previous_revenue) if sold else ZERO,
            orders_90d=int(sold.orders_90d) if sold else 0,
            segment_label=_segment_label(product_type, r.category_name if segment[1] is not None else None),
            segment_products=seg.products,
            segment_median_conversion=seg.median_conversion,
            segment_median_views=seg.median_views,
            benchmark_median_price=None if benchmark is None else to_cents(benchmark[0]),
            benchmark_sample=0 if benchmark is None else benchmark[1],
            listing_score=None if r.overall is None else round(float(r.overall), 1),
        )
        out.append(ProductEvidence(product_id=r.id, segment=segment, payload=payload, window=window))
    return out


# ---------------------------------------------------------------------------------------------- recommending


Progress = Callable[[int, int, str], None]


def recommend_all(
    evidence: Sequence[ProductEvidence],
    *,
    ai: AIDoor | None = None,
    session: Session | None = None,
    progress: Progress | None = None,
) -> list[tuple[ProductEvidence, AIResult[Advice]]]:
    """One answer per product through the AI door (offline rules without a key or on any model failure)."""
    door = ai or default_ai()
    # The cache holds only Claude's answers: without a client a lookup per product would find nothing.
    cache = session if door.client is not None else None
    out = []
    for index, item in enumerate(evidence, start=1):
        out.append((item, door.run(TASK, item.payload, session=cache)))
        if progress is not None:
            progress(index, len(evidence), item.payload.title)
    return out


def generate_recommendations(
    session: Session,
    *,
    seller_id: str,
    now: datetime,
    ai: AIDoor | None = None,
    progress: Progress | None = None,
) -> int:
    """Replace the seller's `new` recommendations with one per published product; returns how many were stored.

    Accepted and dismissed recommendations stay (they are the history and carry outcomes). Writes in the
    caller's transaction.
    """
    evidence = load_evidence(session, seller_id=seller_id, now=now)
    answers = recommend_all(evidence, ai=ai, session=session, progress=progress)
    session.execute(
        delete(ProductRecommendation).where(
            ProductRecommendation.seller_id == seller_id, ProductRecommendation.status == RecommendationStatus.NEW
        )
    )
    for item, answer in answers:
        advice = answer.value
        numbers = item.as_json()
        rules = decide_by_rules(item.payload)
        numbers["direction"] = rules.direction if advice.action == "reprice" and rules.action == "reprice" else None
        session.add(
            ProductRecommendation(
                seller_id=seller_id,
                product_id=item.product_id,
                action=RecommendationAction(advice.action),
                confidence=advice.confidence,
                reason=advice.reason,
                evidence=numbers,
                engine=answer.engine[:ENGINE_CHARS],
                status=RecommendationStatus.NEW,
                created_at=now,
            )
        )
    session.flush()
    return len(answers)


# ---------------------------------------------------------------------------------------------- deciding


def _accepted_day(rec: ProductRecommendation) -> date:
    assert rec.accepted_at is not None
    return local_day(rec.accepted_at, get_settings().timezone)


def baseline_window(accepted_on: date) -> Window:
    """The 30 complete days before the day of acceptance."""
    return complete_days(OUTCOME_DAYS, today=accepted_on)


def outcome_window(accepted_on: date) -> Window:
    """The 30 complete days after the day of acceptance (that day itself is partly before, partly after)."""
    return Window(accepted_on + timedelta(days=1), accepted_on + timedelta(days=OUTCOME_DAYS))


def decide(
    session: Session, *, seller_id: str, recommendation_id: str, accept: bool, user_id: str, now: datetime
) -> ProductRecommendation:
    """Accept or dismiss one of the seller's `new` recommendations.

    LookupError when it is not this seller's (or does not exist), ValueError when it was already decided; nothing
    changes then. Accepting stores the product's numbers of the 30 days before as `baseline`.
    """
    rec = session.scalar(
        select(ProductRecommendation).where(
            ProductRecommendation.id == recommendation_id, ProductRecommendation.seller_id == seller_id
        )
    )
    if rec is None:
        raise LookupError("This recommendation is not one of yours.")
    if rec.status != RecommendationStatus.NEW:
        raise ValueError(f"This recommendation was already {rec.status.value}.")
    rec.decided_at = now
    rec.decided_by_user_id = user_id
    if accept:
        rec.status = RecommendationStatus.ACCEPTED
        rec.accepted_at = now
        window = baseline_window(local_day(now, get_settings().timezone))
        numbers = load_windows(session, {"baseline": (rec.product_id, window)}, tz=get_settings().timezone)
        rec.baseline = numbers["baseline"].as_json()
    else:
        rec.status = RecommendationStatus.DISMISSED
    session.flush()
    return rec


@dataclass(frozen=True)
class OutcomeCounts:
    measured: int  # outcomes stored
    price_effects: int  # of which reprice outcomes with a price change to measure


def _numbers(data: dict[str, Any]) -> PeriodNumbers:
    return PeriodNumbers(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        visits=int(data["visits"]),
        orders=int(data["orders"]),
        revenue=Decimal(str(data["revenue"])),
    )


def measure_due_outcomes(session: Session, *, now: datetime) -> OutcomeCounts:
    """Store the outcome of every accepted recommendation whose 30 days after acceptance are complete.

    outcome = {"after": figures of those 30 days, "baseline": the stored figures, "changes": percent change of
    revenue, orders, visits and conversion, "verdict": the order-rate verdict, and for "reprice" "price_changes"
    (those made from acceptance to the end of the window) and "price_effect" (the first one's effect, 14 days
    before vs up to 28 after, when it is at least 7 days old)}.
    """
    tz = get_settings().timezone
    today = local_day(now, tz)
    rec = ProductRecommendation
    due = list(
        session.scalars(
            select(rec)
            .where(
                rec.status == RecommendationStatus.ACCEPTED,
                rec.outcome_measured_at.is_(None),
                rec.accepted_at < start_of_day(today - timedelta(days=OUTCOME_DAYS), tz),
            )
            .order_by(rec.accepted_at, rec.id)
        )
    )
    if not due:
        return OutcomeCounts(0, 0)
    windows: dict[Any, tuple[str, Window]] = {}
    for r in due:
        accepted_on = _accepted_day(r)
        windows[(r.id, "after")] = (r.product_id, outcome_window(accepted_on))
        if r.baseline is None:
            windows[(r.id, "baseline")] = (r.product_id, baseline_window(accepted_on))

    repriced = [r for r in due if r.action == RecommendationAction.REPRICE]
    changes: dict[str, list[PriceChange]] = {}
    if repriced:
        earliest = min(r.accepted_at for r in repriced if r.accepted_at is not None)
        for change in session.scalars(
            select(PriceChange)
            .where(
                PriceChange.product_id.in_(sorted({r.product_id for r in repriced})), PriceChange.created_at >= earliest
            )
            .order_by(PriceChange.created_at, PriceChange.id)
        ):
            changes.setdefault(change.product_id, []).append(change)
    own_changes: dict[str, list[PriceChange]] = {}
    for r in repriced:
        assert r.accepted_at is not None
        end = start_of_day(outcome_window(_accepted_day(r)).end + timedelta(days=1), tz)
        mine = [c for c in changes.get(r.product_id, []) if r.accepted_at <= c.created_at < end]
        own_changes[r.id] = mine
        if mine:
            pair = price_change_windows(local_day(mine[0].created_at, tz), today=today)
            if pair is not None:
                windows[(r.id, "effect_before")] = (r.product_id, pair[0])
                windows[(r.id, "effect_after")] = (r.product_id, pair[1])
    numbers = load_windows(session, windows, tz=tz)

    effects = 0
    for r in due:
        baseline = numbers.get((r.id, "baseline")) or _numbers(r.baseline or {})
        after = numbers[(r.id, "after")]
        pair = BeforeAfter(baseline, after)
        outcome: dict[str, Any] = {
            "baseline": baseline.as_json(),
            "after": after.as_json(),
            "changes": {
                "revenue": _float(percent_change(after.revenue, baseline.revenue)),
                "orders": _float(percent_change(after.orders, baseline.orders)),
                "visits": _float(percent_change(after.visits, baseline.visits)),
                "conversion": None
                if after.conversion is None or baseline.conversion is None
                else _float(percent_change(after.conversion, baseline.conversion)),
            },
            "verdict": pair.verdict.as_json(),
        }
        if r.action == RecommendationAction.REPRICE:
            mine = own_changes.get(r.id, [])
            outcome["price_changes"] = [
                {
                    "day": local_day(c.created_at, tz).isoformat(),
                    "old_price": str(c.old_price),
                    "new_price": str(c.new_price),
                }
                for c in mine
            ]
            if (r.id, "effect_before") in numbers:
                effect = BeforeAfter(numbers[(r.id, "effect_before")], numbers[(r.id, "effect_after")])
                outcome["price_effect"] = effect.as_json()
                effects += 1
            else:
                outcome["price_effect"] = None
        r.outcome = outcome
        r.outcome_measured_at = now
    session.flush()
    return OutcomeCounts(len(due), effects)


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class RecommendationRow:
    """One stored recommendation as the page lists it."""

    id: str
    product_id: str
    title: str
    action: str
    confidence: int
    reason: str
    evidence: dict[str, Any]
    engine: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    accepted_at: datetime | None
    baseline: dict[str, Any] | None
    outcome: dict[str, Any] | None
    outcome_measured_at: datetime | None

    @property
    def outcome_due_on(self) -> date | None:
        """The first day the outcome can be measured (accepted ones not measured yet)."""
        if self.accepted_at is None or self.outcome is not None:
            return None
        return outcome_window(local_day(self.accepted_at, get_settings().timezone)).end + timedelta(days=1)


ACTION_ORDER = {"reprice": 0, "drop": 1, "promote": 2, "keep": 3}


def list_recommendations(session: Session, *, seller_id: str) -> list[RecommendationRow]:
    """The seller's `new` recommendations (reprice, drop, promote, keep; most confident first), then the decided
    ones, newest decision first (at most `HISTORY_ROWS`)."""
    rec = ProductRecommendation
    columns = (rec, DigitalProduct.title)
    new = session.execute(
        select(*columns)
        .join(DigitalProduct, DigitalProduct.id == rec.product_id)
        .where(rec.seller_id == seller_id, rec.status == RecommendationStatus.NEW)
    ).all()
    decided = session.execute(
        select(*columns)
        .join(DigitalProduct, DigitalProduct.id == rec.product_id)
        .where(rec.seller_id == seller_id, rec.status != RecommendationStatus.NEW)
        .order_by(rec.decided_at.desc(), rec.id)
        .limit(HISTORY_ROWS)
    ).all()
    rows = [_row(r, title) for r, title in new]
    rows.sort(key=lambda x: (ACTION_ORDER.get(x.action, 9), -x.confidence, x.title.lower(), x.id))
    return rows + [_row(r, title) for r, title in decided]


def _row(r: ProductRecommendation, title: str | None) -> RecommendationRow:
    return RecommendationRow(
        id=r.id,
        product_id=r.product_id,
        title=title or "",
        action=r.action.value,
        confidence=r.confidence,
        reason=r.reason,
        evidence=dict(r.evidence or {}),
        engine=r.engine,
        status=r.status.value,
        created_at=r.created_at,
        decided_at=r.decided_at,
        accepted_at=r.accepted_at,
        baseline=r.baseline,
        outcome=r.outcome,
        outcome_measured_at=r.outcome_measured_at,
    )
