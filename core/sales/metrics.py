"""Seller Performance figures from plain inputs (pure, no session): the report period and its checks, a figure
with its previous value and change, the one-line definitions, a period's totals and the days of two periods side
by side, the product rankings and their CSV, and every ratio of the page (each division by zero is None — "—" on
the page —, never 0).

Percentages are percent values rounded half up to two places (`core.money.percent`: 12.34 means 12.34 %);
ROAS is a plain ratio (2.50 means $2.50 of ad-attributed revenue per $1 of ad spend). Days are UTC days.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, TypeVar

from core.csv_safety import spreadsheet_text
from core.money import Number, percent, percent_change, to_cents, to_decimal
from core.periods import format_day

PRESET_DAYS: tuple[int, ...] = (7, 30, 90)
MAX_PERIOD_DAYS = 365
# How far back a period may start: two years, so that the longest period (365 days) and the one before it are both
# inside the order history the marketplace keeps for reports.
HISTORY_DAYS = 2 * MAX_PERIOD_DAYS
# A product needs this many visits in the period before it is ranked by conversion (fewer: one sale is "50 %").
MIN_VISITS_FOR_CONVERSION = 20
TOP_PRODUCTS = 10

T = TypeVar("T", int, Decimal)

DEFINITIONS: dict[str, str] = {
    "revenue": "Sum of the amounts of the orders created in the period (gross: refunds are counted separately).",
    "orders": "Orders created in the period, refunded or not.",
    "units": "Items sold in the orders of the period.",
    "average_order_value": "Revenue ÷ orders of the period.",
    "refunds": "Money refunded in the period (dated by the day of the refund, whatever the order's day).",
    "refund_rate": "Orders created in the period that have been refunded since ÷ orders created in the period.",
    "commission": "The platform's commission on the orders of the period (your rate when each order was made).",
    "payment_fees": "The payment provider's fees on the orders of the period (a percentage plus a fixed fee).",
    "net_profit": "Revenue − commission − payment fees − ad spend − refunds of the period.",
    "profit_margin": "Net profit ÷ revenue.",
    "visits": "Sessions with a view of one of your products (a session counts once per day).",
    "conversion_rate": "Orders ÷ visits of the period.",
    "ad_spend": "What your ads cost in the period, on every ad channel.",
    "acos": "Advertising cost of sales: ad spend ÷ the revenue your ad channels attribute to the ads.",
    "roas": "Return on ad spend: ad-attributed revenue ÷ ad spend (ACOS inverted): $ back per $1 of ads.",
    "tacos": "Total advertising cost of sales: ad spend ÷ all revenue of the period.",
    "product_visits": "Unique visitors of the product's page, summed over the days of the period.",
    "product_profit": "The product's revenue − its commission − its payment fees − its ad spend − its refunds.",
    "product_conversion": (
        f"Orders ÷ visits of the product; ranked only with at least {MIN_VISITS_FOR_CONVERSION} visits in the period."
    ),
    "channel_share": "The channel's revenue ÷ the revenue of all channels in the period.",
    "channel_growth": "Change of the channel's revenue against the previous period.",
}


# ----------------------------------------------------------------------------- the period


class PeriodError(ValueError):
    """A report period that cannot be shown: `field` ("start" or "end") is where the message belongs."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ReportPeriod:
    """An inclusive range of complete UTC days, and the period of the same length just before it."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period ends on or after its start; got {self.start} .. {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> ReportPeriod:
        return ReportPeriod(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def each_day(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def earliest_start(today: date) -> date:
    """The first day a period may start on (HISTORY_DAYS before today)."""
    return today - timedelta(days=HISTORY_DAYS)


def report_period(start: date, end: date, *, today: date) -> ReportPeriod:
    """The period `start`..`end` (inclusive), or PeriodError naming the field at fault: the end is after yesterday
    (only complete days are reported), the end is before the start, the period is longer than MAX_PERIOD_DAYS, or
    the start is before the history reports cover (HISTORY_DAYS)."""
    yesterday = today - timedelta(days=1)
    if end > yesterday:
        raise PeriodError("end", f"The end can be yesterday ({format_day(yesterday)}) at the latest: today isn't over.")
    if end < start:
        raise PeriodError("end", f"The end ({format_day(end)}) is before the start ({format_day(start)}).")
    first = earliest_start(today)
    if start < first:
        raise PeriodError(
            "start",
            f"The start can be {format_day(first)} at the earliest: reports cover the last {HISTORY_DAYS} days.",
        )
    days = (end - start).days + 1
    if days > MAX_PERIOD_DAYS:
        raise PeriodError("start", f"A period can be at most {MAX_PERIOD_DAYS} days long; this one is {days}.")
    return ReportPeriod(start, end)


def last_days(days: int, *, today: date) -> ReportPeriod:
    """The last `days` complete days (ending yesterday)."""
    end = today - timedelta(days=1)
    return report_period(end - timedelta(days=days - 1), end, today=today)


# ----------------------------------------------------------------------------- ratios and comparisons


def ratio(part: Number | None, whole: Number | None, *, places: int = 2) -> Decimal | None:
    """part ÷ whole, half up to `places` decimals; None when whole is zero or missing."""
    base = to_decimal(whole)
    if whole is None or base == 0:
        return None
    return (to_decimal(part) / base).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rate(part: Number | None, whole: Number | None) -> Decimal | None:
    """part ÷ whole as a percent value (two places); None when whole is zero or missing."""
    return None if whole is None else percent(part, whole)


def change(current: Number | None, previous: Number | None) -> Decimal | None:
    """Percent change (`core.money.percent_change`); None when either side is missing or previous is 0."""
    if current is None or previous is None or to_decimal(previous) == 0:
        return None
    return percent_change(current, previous)


@dataclass(frozen=True)
class Compared(Generic[T]):
    """A figure in the period and in the previous one (None: not measurable, e.g. a ratio over zero)."""

    current: T | None
    previous: T | None

    @property
    def change(self) -> Decimal | None:
        return change(self.current, self.previous)


def net_profit(revenue: Decimal, commission: Decimal, fees: Decimal, ad_spend: Decimal, refunds: Decimal) -> Decimal:
    """Revenue − commission − payment fees − ad spend − refunds (the one profit rule: shop, product and day)."""
    return to_cents(revenue - commission - fees - ad_spend - refunds)


# ----------------------------------------------------------------------------- a period's totals


@dataclass(frozen=True)
class PeriodTotals:
    """What the database sums for one period; every other figure is derived here."""

    revenue: Decimal = Decimal("0.00")
    orders: int = 0
    units: int = 0
    refunds: Decimal = Decimal("0.00")  # refunded in the period (by refunded_at)
    refunded_orders: int = 0  # orders created in the period, refunded since
    commission: Decimal = Decimal("0.00")
    payment_fees: Decimal = Decimal("0.00")
    visits: int = 0
    ad_spend: Decimal = Decimal("0.00")
    ad_revenue: Decimal = Decimal("0.00")  # revenue the ad channels attribute to the ads

    @property
    def average_order_value(self) -> Decimal | None:
        return None if self.orders == 0 else to_cents(self.revenue / self.orders)

    @property
    def refund_rate(self) -> Decimal | None:
        return rate(self.refunded_orders, self.orders)

    @property
    def net_profit(self) -> Decimal:
        return net_profit(self.revenue, self.commission, self.payment_fees, self.ad_spend, self.refunds)

    @property
    def profit_margin(self) -> Decimal | None:
        return rate(self.net_profit, self.revenue)

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.orders, self.visits)

    @property
    def acos(self) -> Decimal | None:
        return rate(self.ad_spend, self.ad_revenue)

    @property
    def roas(self) -> Decimal | None:
        return ratio(self.ad_revenue, self.ad_spend)

    @property
    def tacos(self) -> Decimal | None:
        return rate(self.ad_spend, self.revenue)


# ----------------------------------------------------------------------------- days


@dataclass(frozen=True)
class DailyComparison:
    """Day `offset` of the period and the same day of the previous period."""

    offset: int
    day: date
    previous_day: date
    revenue: Decimal
    previous_revenue: Decimal
    profit: Decimal
    previous_profit: Decimal
    visits: int
    previous_visits: int


def sum_totals(days: Iterable[PeriodTotals]) -> PeriodTotals:
    """The totals of several days: every field summed."""
    zero = PeriodTotals()
    sums: dict[str, Any] = {f.name: getattr(zero, f.name) for f in fields(PeriodTotals)}
    for day in days:
        for name in sums:
            sums[name] += getattr(day, name)
    return PeriodTotals(**sums)


def align_days(period: ReportPeriod, days: dict[date, PeriodTotals]) -> list[DailyComparison]:
    """Day i of the period next to day i of the previous period (revenue, profit, visits)."""
    rows = []
    for offset, (day, before) in enumerate(zip(period.each_day(), period.previous.each_day(), strict=True)):
        now, then = days.get(day, PeriodTotals()), days.get(before, PeriodTotals())
        rows.append(
            DailyComparison(
                offset, day, before, now.revenue, then.revenue, now.net_profit, then.net_profit, now.visits, then.visits
            )
        )
    return rows


# ----------------------------------------------------------------------------- products


@dataclass(frozen=True)
class ProductFigures:
    """One product's sums in the period."""

    product_id: str
    title: str
    revenue: Decimal
    orders: int
    units: int
    visits: int
    commission: Decimal
    payment_fees: Decimal
    ad_spend: Decimal
    refunds: Decimal

    @property
    def profit(self) -> Decimal:
        return net_profit(self.revenue, self.commission, self.payment_fees, self.ad_spend, self.refunds)

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.orders, self.visits)


def top_by_revenue(products: Iterable[ProductFigures], n: int = TOP_PRODUCTS) -> list[ProductFigures]:
    """The `n` products with the most revenue (products without an order are left out)."""
    sold = [p for p in products if p.orders > 0]
    return sorted(sold, key=lambda p: (-p.revenue, p.title, p.product_id))[:n]


def top_by_profit(products: Iterable[ProductFigures], n: int = TOP_PRODUCTS) -> list[ProductFigures]:
    """The `n` products with the most net profit (any product with an order, refund or ad spend)."""
    active = [p for p in products if p.orders > 0 or p.refunds > 0 or p.ad_spend > 0]
    return sorted(active, key=lambda p: (-p.profit, p.title, p.product_id))[:n]


def top_by_conversion(
    products: Iterable[ProductFigures], n: int = TOP_PRODUCTS, *, min_visits: int = MIN_VISITS_FOR_CONVERSION
) -> list[ProductFigures]:
    """The `n` products converting best among those with at least `min_visits` visits (ties: more orders first)."""
    ranked = [p for p in products if p.visits >= min_visits]
    return sorted(ranked, key=lambda p: (-(p.conversion_rate or 0), -p.orders, p.title, p.product_id))[:n]


PRODUCT_CSV_COLUMNS = (
    "Product", "Revenue", "Orders", "Units", "Visits", "Conversion (%)", "Commission", "Payment fees", "Ad spend",
    "Refunds", "Net profit",
)  # fmt: skip


def products_csv(products: Sequence[ProductFigures]) -> str:
    """Product rows as CSV text (header first): money as plain decimals, conversion as a percent value (empty when
    there is no visit), a title a spreadsheet would read as a formula prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PRODUCT_CSV_COLUMNS)
    for p in products:
        title = spreadsheet_text(p.title)
        conversion = "" if p.conversion_rate is None else f"{p.conversion_rate:.2f}"
        money = (p.revenue, p.commission, p.payment_fees, p.ad_spend, p.refunds, p.profit)
        revenue, commission, fees, ads, refunds, profit = (f"{to_cents(v):.2f}" for v in money)
        writer.writerow(
            (title, revenue, p.orders, p.units, p.visits, conversion, commission, fees, ads, refunds, profit)
        )
    return out.getvalue()
