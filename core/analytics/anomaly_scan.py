"""The `anomalies` job's work: load the daily series, run `core.analytics.anomalies.detect_anomalies`, store the
anomalies in `detected_anomalies` and turn a seller's revenue drop into a seller insight.

Series (the last 14 complete local days are judged against the 8 weeks before them: 9 weeks loaded):

* marketplace (`subject_id` ''): `gmv` and `orders` (Σ revenue and units of `revenue_records`), `signups`
  (`signup` events, counted per hour in SQL and put on the local day), `conversion` (purchases per 100 unique
  product-page visitors: `conversion_events` PURCHASE / Σ `product_views.unique_visitors`; volume: the visitors)
  and `checkout_abandonment` (add-to-carts without a purchase per 100 add-to-carts; volume: the add-to-carts);
* product (`units`, spikes of severity warning and above: a product going viral): one day × product matrix in one
  statement;
* seller (`revenue`, drops of any severity and spikes of warning and above): one day × seller matrix in one
  statement; the drops are returned in the
  report (`ScanReport.seller_drops`) for `core.messaging.anomaly_insights.raise_seller_drop_insights`, which turns
  each into the seller's insight once (it lives there: `core.insights` already reads `core.analytics` through
  `core.sales`, so analytics must not write insights itself).

Products and sellers are judged **relative to the marketplace's day** (`core.analytics.anomalies`, "Relative to
the marketplace"): the subject's same-weekday history is scaled by the day's market index — the marketplace's GMV
÷ its same-weekday 8-week median for seller revenue, the marketplace's units ÷ theirs for product units — so a
marketplace-wide ramp (on the large set the index climbs from 1.27 to 1.62 over the judged fortnight) flags the
marketplace once, not most of its sellers. A subject that is a large share of the marketplace partly carries its
own index (its drop lowers the index it is judged by); with thousands of sellers that share is small.

A seller's spread is never less than **one of their average sales** (their revenue ÷ units over the loaded weeks,
`seller_matrix`): a shop that usually sells nothing and sells one $122 template has had one sale, not a spike (on
the demo that one sale was a "critical" spike against an expected $0–$3); it takes 4.5 such sales above the usual
day to be a stored (warning) spike.

What is stored of subjects (`KEEP`): product spikes and seller spikes from severity **warning** up — info-level
subject spikes (3–4.5 spreads: e.g. a small seller's one $120 sale) were 79 % of product and 43 % of seller spikes
on the large set, noise to an operator —, and seller drops of **every** severity: under the 25 % floor a drop can
reach at most 4 spreads (revenue falling to zero), i.e. info, and those drops are what the seller's insight tells.

A product's or seller's days count from its first sale in the loaded weeks, zero on days without a sale (a new
seller's first sales are not a spike against weeks before it existed). Subjects whose every day is below the
minimum volume are skipped before detection (they cannot alarm). Rows are written with INSERT … ON CONFLICT DO
NOTHING on (scope, subject, metric, day): a re-run changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.analytics.anomalies import DAYS, WEEKS, Anomaly, detect_anomalies, market_index
from core.analytics.rollup_keys import floor_hour_sql
from core.db import insert_for, new_id
from core.models import (
    AnalyticsEvent,
    ConversionEvent,
    ConversionEventType,
    DetectedAnomaly,
    DigitalProduct,
    ProductView,
    RevenueRecord,
)
from core.models.enums import AlertSeverity
from core.periods import Window, complete_days, local_day, start_of_day

log = logging.getLogger(__name__)

MARKETPLACE, PRODUCT, SELLER = "marketplace", "product", "seller"
# Minimum volumes (a day is judged when its volume or the expected value reaches it).
MIN_VOLUME = {
    "gmv": 100.0,  # dollars a day
    "orders": 20.0,
    "signups": 20.0,
    "conversion": 200.0,  # unique visitors a day
    "checkout_abandonment": 50.0,  # add-to-carts a day
    "units": 10.0,  # one product's units a day
    "revenue": 100.0,  # one seller's dollars a day
}
MIN_SPREAD = {"conversion": 0.1, "checkout_abandonment": 0.5}  # percentage points; counts and money: 1
SUBJECT_FLOOR_SHARE = 0.25  # one product's or seller's day moves more than the marketplace's: spread ≥ 25 %
RANK = {AlertSeverity.INFO: 0, AlertSeverity.WARNING: 1, AlertSeverity.CRITICAL: 2}
# What is stored of a product's or seller's anomalies: kind -> the lowest severity kept (module docstring).
KEEP: dict[str, dict[str, AlertSeverity]] = {
    PRODUCT: {"spike": AlertSeverity.WARNING},
    SELLER: {"drop": AlertSeverity.INFO, "spike": AlertSeverity.WARNING},
}


@dataclass(frozen=True)
class Found:
    scope: str
    subject_id: str
    anomaly: Anomaly


@dataclass
class ScanReport:
    first_day: date
    last_day: date
    found: dict[str, int] = field(default_factory=dict)  # per scope
    inserted: int = 0
    seller_drops: list[Found] = field(default_factory=list)  # for the sellers' insights (module docstring)
    seconds: dict[str, float] = field(default_factory=dict)  # load / detect per scope, and store

    @property
    def rows(self) -> int:
        return self.inserted

    def summary(self) -> str:
        found = ", ".join(f"{n} {scope}" for scope, n in sorted(self.found.items())) or "none"
        return (
            f"{self.first_day.isoformat()}..{self.last_day.isoformat()}: found {found}; {self.inserted} new; "
            f"{len(self.seller_drops)} seller drops"
        )


def scan_windows(today: date) -> tuple[Window, Window]:
    """(judged, loaded): the last 14 complete days, and those with the 8 weeks before them."""
    judged = complete_days(DAYS, today=today)
    return judged, Window(judged.start - timedelta(weeks=WEEKS), judged.end)


def _zero_filled(days: dict[date, float], loaded: Window) -> list[tuple[date, float]]:
    """The subject's series from its first day with activity to the window's end, zero on quiet days."""
    first = min(days)
    return [(d, days.get(d, 0.0)) for d in loaded.each_day() if d >= first]


# --------------------------------------------------------------------------- loading


def marketplace_series(
    session: Session, loaded: Window, tz: tzinfo
) -> dict[str, tuple[list[tuple[date, float]], dict[date, float] | None]]:
    """metric -> (series, volume per day or None) for the marketplace, one grouped statement per source."""
    r = RevenueRecord
    sales = {
        day: (float(revenue or 0), float(units or 0))
        for day, revenue, units in session.execute(
            select(r.day, func.sum(r.revenue), func.sum(r.units))
            .where(r.day >= loaded.start, r.day <= loaded.end)
            .group_by(r.day)
        )
    }
    c = ConversionEvent
    funnel: dict[date, dict[str, float]] = defaultdict(dict)
    for day, kind, count in session.execute(
        select(c.day, c.event_type, func.sum(c.count))
        .where(c.day >= loaded.start, c.day <= loaded.end)
        .group_by(c.day, c.event_type)
    ):
        funnel[day][str(kind)] = float(count or 0)
    v = ProductView
    visitors = {
        day: float(n or 0)
        for day, n in session.execute(
            select(v.day, func.sum(v.unique_visitors)).where(v.day >= loaded.start, v.day <= loaded.end).group_by(v.day)
        )
    }
    signups: dict[date, float] = defaultdict(float)
    e = AnalyticsEvent
    hour = floor_hour_sql(session, e.occurred_at)
    for at, n in session.execute(
        select(hour, func.count())
        .where(
            e.event_type == "signup",
            e.occurred_at >= start_of_day(loaded.start, tz),
            e.occurred_at < start_of_day(loaded.end + timedelta(days=1), tz),
        )
        .group_by(hour)
    ):
        signups[local_day(at if at.tzinfo else at.replace(tzinfo=UTC), tz)] += n
    days = list(loaded.each_day())
    purchase, cart = ConversionEventType.PURCHASE.value, ConversionEventType.ADD_TO_CART.value
    conversion = [(d, 100 * funnel[d].get(purchase, 0) / visitors[d]) for d in days if visitors.get(d)]
    abandonment = [
        (d, 100 * max(funnel[d].get(cart, 0) - funnel[d].get(purchase, 0), 0) / funnel[d][cart])
        for d in days
        if funnel.get(d, {}).get(cart)
    ]
    return {
        "gmv": ([(d, sales.get(d, (0.0, 0.0))[0]) for d in days], None),
        "orders": ([(d, sales.get(d, (0.0, 0.0))[1]) for d in days], None),
        "signups": ([(d, signups.get(d, 0.0)) for d in days], None),
        "conversion": (conversion, visitors),
        "checkout_abandonment": (abandonment, {d: funnel[d].get(cart, 0.0) for d in funnel}),
    }


def seller_matrix(session: Session, loaded: Window) -> tuple[dict[str, dict[date, float]], dict[str, float]]:
    """(seller -> day -> revenue, seller -> average sale: revenue ÷ units over the loaded weeks), for every seller
    with a sale in them, in one statement."""
    r = RevenueRecord
    matrix: dict[str, dict[date, float]] = defaultdict(dict)
    units: dict[str, float] = defaultdict(float)
    for seller, day, revenue, sold in session.execute(
        select(r.seller_id, r.day, func.sum(r.revenue), func.sum(r.units))
        .where(r.day >= loaded.start, r.day <= loaded.end)
        .group_by(r.seller_id, r.day)
    ):
        matrix[seller][day] = float(revenue or 0)
        units[seller] += float(sold or 0)
    average = {seller: sum(days.values()) / units[seller] for seller, days in matrix.items() if units[seller] > 0}
    return matrix, average


def product_matrix(session: Session, loaded: Window) -> dict[str, dict[date, float]]:
    """product -> day -> units for every product with a sale in the loaded weeks, in one statement (the covering day
    index on PostgreSQL)."""
    r = RevenueRecord
    matrix: dict[str, dict[date, float]] = defaultdict(dict)
    for product, day, units in session.execute(
        select(r.product_id, r.day, r.units).where(r.day >= loaded.start, r.day <= loaded.end)
    ):
        matrix[product][day] = float(units or 0)
    return matrix


# --------------------------------------------------------------------------- detecting


def detect_subjects(
    matrix: dict[str, dict[date, float]],
    loaded: Window,
    *,
    scope: str,
    metric: str,
    keep: Mapping[str, AlertSeverity],
    market: Mapping[date, float] | None = None,
    min_spreads: Mapping[str, float] | None = None,
) -> list[Found]:
    """The anomalies of every subject of a matrix (`keep`: kind -> the lowest severity kept), judged relative to
    the marketplace's day (`market`: `core.analytics.anomalies.market_index`), skipping subjects that cannot alarm
    (every day, scaled by the largest index, below the minimum volume); `min_spreads`: a subject's smallest spread
    (default 1, as a count's or a dollar's)."""
    floor = MIN_VOLUME[metric]
    most = max(max(market.values(), default=1.0), 1.0) if market else 1.0
    found: list[Found] = []
    for subject, days in matrix.items():
        if max(days.values()) * most < floor:
            continue
        series = _zero_filled(days, loaded)
        least = max(min_spreads.get(subject, 1.0), 1.0) if min_spreads else 1.0
        for anomaly in detect_anomalies(
            series,
            metric=metric,
            min_volume=floor,
            floor_share=SUBJECT_FLOOR_SHARE,
            market=market,
            min_spread=least,
        ):
            lowest = keep.get(anomaly.kind)
            if lowest is not None and RANK[anomaly.severity] >= RANK[lowest]:
                found.append(Found(scope, subject, anomaly))
    return found


def _named(session: Session, found: list[Found]) -> list[Found]:
    """Product anomalies with the product's title in the sentence."""
    ids = {f.subject_id for f in found}
    if not ids:
        return found
    statement = select(DigitalProduct.id, DigitalProduct.title).where(DigitalProduct.id.in_(ids))
    titles = {product_id: title for product_id, title in session.execute(statement)}
    out = []
    for f in found:
        title = titles.get(f.subject_id)
        if title:
            sentence = f.anomaly.sentence.replace("Units sold on", f"Units sold of “{title}” on", 1)
            f = Found(f.scope, f.subject_id, _with_sentence(f.anomaly, sentence))
        out.append(f)
    return out


def _with_sentence(anomaly: Anomaly, sentence: str) -> Anomaly:
    return Anomaly(**{**anomaly.__dict__, "sentence": sentence})


# --------------------------------------------------------------------------- storing


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 4)))


def store_anomalies(session: Session, found: Iterable[Found], *, now: datetime) -> int:
    """INSERT … ON CONFLICT DO NOTHING, in batches; returns the rows inserted (a re-run inserts 0)."""
    rows = [
        {
            "id": new_id(),
            "scope": f.scope,
            "subject_id": f.subject_id,
            "metric": f.anomaly.metric,
            "day": f.anomaly.day,
            "kind": f.anomaly.kind,
            "severity": f.anomaly.severity,
            "value": _money(f.anomaly.value),
            "expected": _money(f.anomaly.expected),
            "low": _money(f.anomaly.low),
            "high": _money(f.anomaly.high),
            "sentence": f.anomaly.sentence,
            "detected_at": now,
        }
        for f in found
    ]
    if not rows:
        return 0
    statement = (
        insert_for(session, DetectedAnomaly)
        .on_conflict_do_nothing(index_elements=["scope", "subject_id", "metric", "day"])
        .returning(DetectedAnomaly.id)
    )
    return len(session.execute(statement, rows).all())


# --------------------------------------------------------------------------- the job


def scan_anomalies(session: Session, *, now: datetime, tz: tzinfo) -> ScanReport:
    """The daily scan (module docstring): detect and store; the seller drops are in the report. Writes in the
    caller's transaction (flushes, no commit)."""
    judged, loaded = scan_windows(local_day(now, tz))
    report = ScanReport(first_day=judged.start, last_day=judged.end)
    found: list[Found] = []

    started = time.perf_counter()
    market = marketplace_series(session, loaded, tz)
    # The day's marketplace movement each subject is judged against (module docstring): GMV for seller revenue,
    # the marketplace's units for product units.
    index = {"revenue": market_index(market["gmv"][0]), "units": market_index(market["orders"][0])}
    for metric, (series, volume) in market.items():
        for a in detect_anomalies(
            series,
            metric=metric,
            min_volume=MIN_VOLUME[metric],
            volume=volume,
            min_spread=MIN_SPREAD.get(metric, 1.0),
        ):
            found.append(Found(MARKETPLACE, "", a))
    report.seconds[MARKETPLACE] = time.perf_counter() - started

    started = time.perf_counter()
    products = product_matrix(session, loaded)
    report.seconds["product load"] = time.perf_counter() - started
    started = time.perf_counter()
    product_found = detect_subjects(
        products, loaded, scope=PRODUCT, metric="units", keep=KEEP[PRODUCT], market=index["units"]
    )
    report.seconds["product detect"] = time.perf_counter() - started
    del products
    found += _named(session, product_found)

    started = time.perf_counter()
    sellers, average_sale = seller_matrix(session, loaded)
    report.seconds["seller load"] = time.perf_counter() - started
    started = time.perf_counter()
    seller_found = detect_subjects(
        sellers,
        loaded,
        scope=SELLER,
        metric="revenue",
        keep=KEEP[SELLER],
        market=index["revenue"],
        min_spreads=average_sale,
    )
    report.seconds["seller detect"] = time.perf_counter() - started
    found += seller_found

    started = time.perf_counter()
    for f in found:
        report.found[f.scope] = report.found.get(f.scope, 0) + 1
    report.inserted = store_anomalies(session, found, now=now)
    report.seller_drops = [f for f in seller_found if f.anomaly.kind == "drop"]
    session.flush()
    report.seconds["store"] = time.perf_counter() - started
    log.info("anomaly scan %s", report.summary())
    return report


def anomalies_of_day(session: Session, day: date, *, scopes: Sequence[str] = (MARKETPLACE, PRODUCT)) -> list[Any]:
    """The stored anomalies of one day, most severe first (the digest's concerns and highlights)."""
    d = DetectedAnomaly
    rows = list(session.scalars(select(d).where(and_(d.day == day, d.scope.in_(scopes)))))
    return sorted(rows, key=lambda r: (-RANK[r.severity], r.scope, r.metric, r.subject_id))
