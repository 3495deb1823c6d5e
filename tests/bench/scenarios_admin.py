"""Benchmark scenarios for the admin pages of issues 7 and 13: the operator KPI strip per window (from the hourly
roll-ups plus the raw edges), and the seller success page's data (KPIs + the overview's first page + the 12-month
trend). Target: 300 ms each, 100 MB of Python allocations.

Each KPI window has two comparisons returning the same figures: one hand-written SQL query over the raw events
(PostgreSQL), and every event of both windows loaded into Python and counted there. The roll-ups must have been
built in the data set first (`python -m jobs run rollups`, or `refresh_rollups`): without them the product
reads the raw events, exactly but slowly.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, text

from core.analytics.kpis import (
    CREATOR_ACTIVATION_HOURS,
    DEFAULT_COMMISSION_RATE,
    LEARNER_ACTIVATION_HOURS,
    NO_SOURCE,
    EventTotals,
    OperatorKpis,
    build_kpis,
    build_traffic,
    kpi_windows,
)
from core.analytics.queries import operator_kpis
from core.config import get_settings
from core.db import UTCDateTime
from core.models import AnalyticsEvent, DigitalProduct, EmailOutbox, EmailStatus, SellerProfile
from core.sellers.overview import seller_overview
from core.sellers.success import seller_success
from tests.bench.harness import BenchContext, comparison, scenario

Figures = tuple[tuple[Any, ...], ...]


def _figures(result: OperatorKpis) -> Figures:
    """Every number the strip shows: (key, value, previous) per KPI, then (source, share, previous share)."""
    kpis = tuple((k.key, k.value, k.previous) for k in result.kpis.values())
    return kpis + tuple((t.label, t.value, t.previous) for t in result.traffic)


def _strip(counts: list[dict[str, Any]], sessions: list[Counter[str]]) -> Figures:
    """The strip from hand-counted totals (the pure `build_kpis` / `build_traffic`, as the product)."""
    totals = [EventTotals(**c) for c in counts]
    sources = sorted(set(sessions[0]) | set(sessions[1]))
    rows = [(s, sessions[0][s], sessions[1][s]) for s in sources if sessions[0][s] or sessions[1][s]]
    traffic = build_traffic(rows, sum(r[1] for r in rows), sum(r[2] for r in rows))
    kpis = build_kpis(totals[0], totals[1])
    return tuple((k.key, k.value, k.previous) for k in kpis.values()) + tuple(
        (t.label, t.value, t.previous) for t in traffic
    )


def _operator(ctx: BenchContext, window: str) -> Figures:
    with ctx.session() as session:
        return _figures(operator_kpis(session, window=window, now=ctx.now))


@scenario("operator KPIs today", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def operator_kpis_today(ctx: BenchContext) -> Figures:
    """operator_kpis("today"): roll-ups for whole hours, raw events for the open hour and the edges."""
    return _operator(ctx, "today")


@scenario("operator KPIs 7d", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def operator_kpis_7d(ctx: BenchContext) -> Figures:
    """operator_kpis("7d"): roll-ups for the 14 × 24 whole hours, raw events for the partial edges."""
    return _operator(ctx, "7d")


@scenario("operator KPIs 28d", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def operator_kpis_28d(ctx: BenchContext) -> Figures:
    """operator_kpis("28d"): roll-ups for the 56 × 24 whole hours, raw events for the partial edges."""
    return _operator(ctx, "28d")


# --------------------------------------------------------------------------- one hand-written query (PostgreSQL)

_HAND_WRITTEN = """
WITH w(i, lo, hi) AS (VALUES (0, :c_lo, :c_hi), (1, :p_lo, :p_hi)),
ev AS MATERIALIZED (
    SELECT w.i, e.* FROM analytics_events e JOIN w ON e.occurred_at >= w.lo AND e.occurred_at < w.hi
    WHERE e.event_type IN ('signup', 'creator_started', 'purchase', 'page_view', 'email_sent', 'email_bounced')
      AND e.occurred_at >= :lo AND e.occurred_at < :hi
),
persons AS (
    SELECT e.i, e.event_type, e.person_id, bool_or(
        CASE WHEN e.event_type = 'signup' THEN EXISTS (
                SELECT 1 FROM analytics_events l WHERE l.person_id = e.person_id AND l.event_type = 'purchase'
                AND l.occurred_at >= e.occurred_at AND l.occurred_at <= e.occurred_at + interval '{learner} hours')
             ELSE EXISTS (
                SELECT 1 FROM analytics_events l WHERE l.person_id = e.person_id
                AND l.event_type = 'creator_published'
                AND l.occurred_at >= e.occurred_at AND l.occurred_at <= e.occurred_at + interval '{creator} hours')
        END) AS act
    FROM ev e WHERE e.event_type IN ('signup', 'creator_started')
    GROUP BY e.i, e.event_type, e.person_id
),
sales AS (
    SELECT e.i, sum((e.properties->>'amount_cents')::numeric) AS gmv, count(*) AS orders,
        count(DISTINCT e.person_id) AS buyers,
        sum((e.properties->>'amount_cents')::numeric * coalesce(s.commission_rate, {rate})) AS commission
    FROM ev e
    LEFT JOIN digital_products d ON d.id = e.properties->>'product_id'
    LEFT JOIN seller_profiles s ON s.id = d.seller_id
    WHERE e.event_type = 'purchase'
    GROUP BY e.i
),
firsts AS (
    SELECT DISTINCT ON (e.i, e.person_id, coalesce(e.session_id, '')) e.i, coalesce(e.source, '{none}') AS source
    FROM ev e WHERE e.event_type = 'page_view'
    ORDER BY e.i, e.person_id, coalesce(e.session_id, ''), e.occurred_at, coalesce(e.source, '{none}'), e.id
)
SELECT 'persons', i, event_type, count(*), count(*) FILTER (WHERE act) FROM persons GROUP BY i, event_type
UNION ALL SELECT 'sales', i, 'gmv', gmv, commission FROM sales
UNION ALL SELECT 'sales', i, 'orders', orders, buyers FROM sales
UNION ALL SELECT 'mail', w.i, 'reports',
    (SELECT count(*) FROM ev e WHERE e.i = w.i AND e.event_type = 'email_sent'),
    (SELECT count(*) FROM ev e WHERE e.i = w.i AND e.event_type = 'email_bounced') FROM w
UNION ALL SELECT 'outbox', w.i, 'sent', (SELECT count(*) FROM email_outbox o WHERE o.status = 'SENT'
    AND o.sent_at >= w.lo AND o.sent_at < w.hi), 0 FROM w
UNION ALL SELECT 'traffic', i, source, count(*), 0 FROM firsts GROUP BY i, source
"""


def _empty_counts() -> dict[str, Any]:
    return {"gmv_cents": Decimal(0), "commission_cents": Decimal(0)}


def _sql(ctx: BenchContext, window: str) -> Figures:
    current, previous = kpi_windows(window, now=ctx.now, tz=get_settings().timezone)
    sql = _HAND_WRITTEN.format(
        learner=LEARNER_ACTIVATION_HOURS, creator=CREATOR_ACTIVATION_HOURS, rate=DEFAULT_COMMISSION_RATE, none=NO_SOURCE
    )
    names = ("c_lo", "c_hi", "p_lo", "p_hi", "lo", "hi")
    statement = text(sql).bindparams(*(bindparam(n, type_=UTCDateTime()) for n in names))
    bounds = (current.start, current.end, previous.start, previous.end, previous.start, current.end)
    params = dict(zip(names, bounds, strict=True))
    counts = [_empty_counts(), _empty_counts()]
    sessions: list[Counter[str]] = [Counter(), Counter()]
    with ctx.session() as session:
        for kind, i, key, a, b in session.execute(statement, params):
            c = counts[i]
            if kind == "persons":
                names_ = (
                    ("signups", "learners_activated") if key == "signup" else ("creator_starts", "creators_activated")
                )
                c[names_[0]], c[names_[1]] = int(a), int(b)
            elif key == "gmv":
                c["gmv_cents"], c["commission_cents"] = Decimal(a or 0), Decimal(b or 0)
            elif key == "orders":
                c["purchases"], c["buyers"] = int(a), int(b)
            elif kind == "mail":
                c["emails_tracked"], c["emails_bounced"] = int(a), int(b)
            elif kind == "outbox":
                c["emails_sent"] = int(a)
            else:
                sessions[i][key] = int(a)
    return _strip(counts, sessions)


@comparison("operator KPIs today", "sql")
def operator_kpis_today_sql(ctx: BenchContext) -> Figures:
    return _sql(ctx, "today")


@comparison("operator KPIs 7d", "sql")
def operator_kpis_7d_sql(ctx: BenchContext) -> Figures:
    return _sql(ctx, "7d")


@comparison("operator KPIs 28d", "sql")
def operator_kpis_28d_sql(ctx: BenchContext) -> Figures:
    return _sql(ctx, "28d")


# --------------------------------------------------------------------------- every event into Python


def _python(ctx: BenchContext, window: str) -> Figures:
    """The windows' events (and the purchases / publications up to 14 days later, for activation) into Python."""
    windows = kpi_windows(window, now=ctx.now, tz=get_settings().timezone)
    lo, hi = min(w.start for w in windows), max(w.end for w in windows)
    e = AnalyticsEvent
    with ctx.session() as session:
        rates = dict(
            session.execute(
                select(DigitalProduct.id, SellerProfile.commission_rate).join(
                    SellerProfile, SellerProfile.id == DigitalProduct.seller_id
                )
            ).all()
        )
        rows = session.execute(
            select(e.id, e.person_id, e.session_id, e.event_type, e.source, e.occurred_at, e.properties).where(
                e.occurred_at >= lo,
                e.occurred_at < hi + timedelta(hours=CREATOR_ACTIVATION_HOURS),
                e.event_type.in_(
                    ("signup", "creator_started", "creator_published", "purchase", "page_view", "email_sent",
                     "email_bounced")
                ),
            )
        ).all()  # fmt: skip
        sent_at = session.scalars(
            select(EmailOutbox.sent_at).where(
                EmailOutbox.status == EmailStatus.SENT, EmailOutbox.sent_at >= lo, EmailOutbox.sent_at < hi
            )
        ).all()
    later: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        if row.event_type in ("purchase", "creator_published"):
            later[(row.person_id, row.event_type)].append(row.occurred_at)

    def converted(person: str, at: Any, target: str, hours: int) -> bool:
        return any(at <= t <= at + timedelta(hours=hours) for t in later[(person, target)])

    counts: list[dict[str, Any]] = []
    sessions: list[Counter[str]] = []
    for w in windows:
        inside = [r for r in rows if w.start <= r.occurred_at < w.end]
        signed, learners, started, creators = set(), set(), set(), set()
        buyers, gmv, commission, orders, tracked, bounced = set(), Decimal(0), Decimal(0), 0, 0, 0
        first: dict[tuple[str, str], tuple[Any, ...]] = {}
        for r in inside:
            if r.event_type == "signup":
                signed.add(r.person_id)
                if converted(r.person_id, r.occurred_at, "purchase", LEARNER_ACTIVATION_HOURS):
                    learners.add(r.person_id)
            elif r.event_type == "creator_started":
                started.add(r.person_id)
                if converted(r.person_id, r.occurred_at, "creator_published", CREATOR_ACTIVATION_HOURS):
                    creators.add(r.person_id)
            elif r.event_type == "purchase":
                amount = Decimal(str(r.properties.get("amount_cents", 0)))
                orders, gmv = orders + 1, gmv + amount
                commission += amount * rates.get(r.properties.get("product_id"), DEFAULT_COMMISSION_RATE)
                buyers.add(r.person_id)
            elif r.event_type == "email_sent":
                tracked += 1
            elif r.event_type == "email_bounced":
                bounced += 1
            elif r.event_type == "page_view":
                source = r.source or NO_SOURCE
                key, order = (r.person_id, r.session_id or ""), (r.occurred_at, source, r.id)
                if key not in first or order < first[key]:
                    first[key] = order
        counts.append(
            {
                "signups": len(signed), "learners_activated": len(learners), "creator_starts": len(started),
                "creators_activated": len(creators), "gmv_cents": gmv, "commission_cents": commission,
                "purchases": orders, "buyers": len(buyers), "emails_tracked": tracked, "emails_bounced": bounced,
                "emails_sent": sum(1 for t in sent_at if w.start <= t < w.end),
            }
        )  # fmt: skip
        sessions.append(Counter(order[1] for order in first.values()))
    return _strip(counts, sessions)


@comparison("operator KPIs today", "python")
def operator_kpis_today_python(ctx: BenchContext) -> Figures:
    return _python(ctx, "today")


@comparison("operator KPIs 7d", "python")
def operator_kpis_7d_python(ctx: BenchContext) -> Figures:
    return _python(ctx, "7d")


@comparison("operator KPIs 28d", "python")
def operator_kpis_28d_python(ctx: BenchContext) -> Figures:
    return _python(ctx, "28d")


# --------------------------------------------------------------------------- seller success


@scenario("seller success page data", repeats=5, warmup=1, target_ms=300, max_peak_mb=100)
def seller_success_page(ctx: BenchContext) -> str:
    """seller_success (KPIs now and 30 days ago, 12-month trend; retention from the activity roll-up) +
    seller_overview (first page of 25 by name, listing health from stored scores)."""
    with ctx.session() as session:
        figures = seller_success(session, now=ctx.now)
        page = seller_overview(session, now=ctx.now)
    kpis = figures.kpis
    return (
        f"activation {kpis.activation_rate.value} %, retention {kpis.retention_30d.value} %, {page.total} sellers, "
        f"{len(figures.trend)} trend points"
    )
