"""Operator KPI strip of seed 004 §1: today / 7d / 28d against the previous window, from `analytics_events`.

Definitions as implemented (also in `DEFINITIONS`, for the page's help tooltips):

- **Windows** are half-open [start, end). "today" = local midnight in APP_TIMEZONE up to `now`, compared with
  yesterday from local midnight up to the same local clock time (a partial day against the same hours).
  "7d" / "28d" = the last 7×24 h / 28×24 h ending `now` (rolling, not calendar days), against the 7×24 h /
  28×24 h before them, so both sides always have the same length and end at the same time of day.
- **New signups** = distinct persons with a `signup` event in the window; **new creator signups** = distinct
  persons with a `creator_started` event (the creator funnel's entry, rather than seller_profiles rows, so the
  activation rate below has the same denominator as the funnel).
- **Learner activation** = of those signed up in the window, the share with a `purchase` at or after the signup
  and at most 7×24 h later; **creator activation** = of those who started the creator flow in the window, the
  share with a `creator_published` at most 14×24 h later. Observed up to `now`, so a recent cohort has had less
  time to convert than the previous one (the page says so).
- **GMV, platform revenue, paying buyers, AOV** and **e-mails sent** are the one definition of each in
  `core.analytics.metrics` (the purchases, the outbox), called for this page's windows: the same days give the
  same figures as on Admin Home. AOV = GMV ÷ number of purchases (`average_order_value`, the one formula).
- **Traffic by source** = distinct sessions with a `page_view` from the source ÷ all distinct sessions with a page
  view in the window. A session is one person's visit (person + session id; page views without a session id are
  one session per person); no source = "(none)". A session counts once, for the source of its first page view in
  the window (first by time, then source, then id; the tracker gives every page view of a visit the same source),
  so the shares add up to 100 %.
- **E-mail bounce rate** = `email_bounced` events ÷ `email_sent` events in the window (the mail provider's delivery
  reports: the outbox cannot know a bounce), flagged above 2 %.

Rates are percentages rounded half-up to 2 decimals (None when the denominator is 0); money is Decimal, rounded
to cents (both `core.money`). The numbers come from the hourly roll-ups plus the raw events of the windows' edges
(`core.analytics.queries`, `core.analytics.rollups`); this module is the pure part: windows, definitions and the
KPI strip built from the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any, Literal

from core.money import percent, percent_change, to_cents
from core.periods import require_aware, start_of_day

Window = Literal["today", "7d", "28d"]
WINDOWS: tuple[str, ...] = ("today", "7d", "28d")
KpiFormat = Literal["count", "percent", "money", "days"]
LEARNER_ACTIVATION_HOURS = 7 * 24
CREATOR_ACTIVATION_HOURS = 14 * 24
BOUNCE_RATE_ALERT_PERCENT = Decimal("2")
DEFAULT_COMMISSION_RATE = Decimal("0.1500")
NO_SOURCE = "(none)"

DEFINITIONS: dict[str, str] = {
    "new_signups": "People who signed up in the window (distinct persons with a signup event).",
    "new_creator_signups": "People who started the creator flow in the window (distinct persons).",
    "learner_activation": "Of the people who signed up in the window, the share who bought something within "
    "7 days of signing up (so far: recent sign-ups may still convert).",
    "creator_activation": "Of the people who started the creator flow in the window, the share who published "
    "within 14 days (so far).",
    "gmv": "Gross merchandise value: the sum of all purchases in the window (the same figure Admin Home shows for "
    "the same days).",
    "platform_revenue": "The marketplace's commission on those purchases (each at its seller's commission rate).",
    "paying_buyers": "Distinct people who made at least one purchase in the window.",
    "aov": "Average order value: GMV divided by the number of purchases.",
    "emails_sent": "E-mails the product sent in the window: the outbox's messages with status sent.",
    "bounce_rate": "Bounced e-mails divided by e-mails with a delivery report from the mail provider; flagged "
    "above 2%.",
    "traffic": "Share of visit sessions in the window that came from each source.",
}


@dataclass(frozen=True)
class TimeRange:
    """[start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class KpiValue:
    key: str
    label: str
    value: Decimal | int | float | None
    previous: Decimal | int | float | None
    format: KpiFormat
    flagged: bool = False
    help: str = ""

    @property
    def change(self) -> Decimal | int | float | None:
        """value − previous (percentage points for a percent); None when either is missing."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous  # type: ignore[operator]

    @property
    def change_pct(self) -> Decimal | None:
        """Relative change in percent (`core.money.percent_change`); None when previous is 0 or missing."""
        if self.value is None or not self.previous:
            return None
        return percent_change(self.value, self.previous)


@dataclass(frozen=True)
class OperatorKpis:
    window: str
    current: TimeRange
    previous: TimeRange
    kpis: dict[str, KpiValue]  # in display order
    traffic: list[KpiValue] = field(default_factory=list)  # one per source, biggest current share first

    @property
    def email_alert(self) -> bool:
        return self.kpis["bounce_rate"].flagged


def kpi_windows(window: str, *, now: datetime, tz: tzinfo) -> tuple[TimeRange, TimeRange]:
    """(current, previous) ranges of `window` ending at `now` (see the module docstring)."""
    require_aware(now)
    if window == "today":
        local = now.astimezone(tz)
        yesterday = local.date() - timedelta(days=1)
        same_time_yesterday = datetime.combine(yesterday, local.time(), tzinfo=tz)
        return (
            TimeRange(start_of_day(local.date(), tz), now.astimezone(UTC)),
            TimeRange(start_of_day(yesterday, tz), same_time_yesterday.astimezone(UTC)),
        )
    if window in ("7d", "28d"):
        length = timedelta(days=int(window[:-1]))
        end = now.astimezone(UTC)
        return TimeRange(end - length, end), TimeRange(end - 2 * length, end - length)
    raise ValueError(f"window must be one of {', '.join(WINDOWS)}; got {window!r}")


def percent_value(part: int | Decimal, whole: int | Decimal) -> float | None:
    """A rate KPI's value: `core.money.percent` (2 decimals, half up) as a float for the charts; None for whole 0."""
    value = percent(part, whole)
    return None if value is None else float(value)


def average_order_value(gmv: Decimal, orders: int) -> Decimal | None:
    """AOV = GMV ÷ orders, to cents (half up); None without orders. The one AOV formula."""
    return to_cents(gmv / orders) if orders else None


@dataclass(frozen=True)
class EventTotals:
    """What the events query returns for one window."""

    signups: int = 0
    learners_activated: int = 0
    creator_starts: int = 0
    creators_activated: int = 0
    gmv_cents: Decimal = Decimal(0)
    commission_cents: Decimal = Decimal(0)
    purchases: int = 0
    buyers: int = 0
    emails_sent: int = 0  # the outbox's sent messages (`core.analytics.metrics.emails_sent`)
    emails_tracked: int = 0  # `email_sent` delivery reports: the bounce rate's denominator
    emails_bounced: int = 0


def build_kpis(current: EventTotals, previous: EventTotals) -> dict[str, KpiValue]:
    """The KPI strip from the two windows' totals (pure)."""

    def both(fn: Any) -> tuple[Any, Any]:
        return fn(current), fn(previous)

    def kpi(key: str, label: str, fmt: KpiFormat, fn: Any, *, alert: Any = None) -> KpiValue:
        value, prev = both(fn)
        flagged = bool(alert(value)) if alert is not None and value is not None else False
        return KpiValue(key, label, value, prev, fmt, flagged, DEFINITIONS[key])

    def bounce(t: EventTotals) -> float | None:
        return percent_value(t.emails_bounced, t.emails_tracked)

    return {
        k.key: k
        for k in (
            kpi("new_signups", "New signups", "count", lambda t: t.signups),
            kpi("new_creator_signups", "New creator signups", "count", lambda t: t.creator_starts),
            kpi(
                "learner_activation",
                "Learner activation",
                "percent",
                lambda t: percent_value(t.learners_activated, t.signups),
            ),
            kpi(
                "creator_activation",
                "Creator activation",
                "percent",
                lambda t: percent_value(t.creators_activated, t.creator_starts),
            ),
            kpi("gmv", "GMV", "money", lambda t: to_cents(t.gmv_cents / 100)),
            kpi("platform_revenue", "Platform revenue", "money", lambda t: to_cents(t.commission_cents / 100)),
            kpi("paying_buyers", "Paying buyers", "count", lambda t: t.buyers),
            kpi(
                "aov",
                "Average order value",
                "money",
                lambda t: average_order_value(to_cents(t.gmv_cents / 100), t.purchases),
            ),
            kpi("emails_sent", "E-mails sent", "count", lambda t: t.emails_sent),
            kpi("bounce_rate", "E-mail bounce rate", "percent", bounce, alert=lambda v: v > BOUNCE_RATE_ALERT_PERCENT),
        )
    }


def build_traffic(rows: list[tuple[str, int, int]], total_current: int, total_previous: int) -> list[KpiValue]:
    """One percent KPI per source from (source, sessions now, sessions before), biggest current share first."""
    values = [
        KpiValue(
            f"traffic:{source}",
            source,
            percent_value(cur, total_current),
            percent_value(prev, total_previous),
            "percent",
            help=DEFINITIONS["traffic"],
        )
        for source, cur, prev in rows
    ]
    return sorted(values, key=lambda k: (-(k.value or 0), -(k.previous or 0), k.label))
