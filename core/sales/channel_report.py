"""Where a seller's buyers come from (seed 001 §4.5): per traffic channel (`core.sales.channels.CHANNELS`) the
visits, orders, revenue, conversion, order value, share of revenue and growth against the previous period; the
daily series per channel; the top products per channel.

Built from the data `core.sales.performance.load_performance_data` loads for the whole page (orders grouped per UTC
day and channel — orders store their channel when written —, visits per day and channel from `seller_traffic`,
orders per product and channel), so the channel section adds no read of its own when the page loads both.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from core.sales.channels import CHANNEL_LABELS, CHANNELS
from core.sales.metrics import ReportPeriod, change, rate
from core.sales.performance import PerformanceData, PerformanceMeta, cents, load_performance_data

TOP_PRODUCTS_PER_CHANNEL = 5
# The metrics a seller can compare channels by (the picker's options): key -> label.
CHANNEL_METRICS: dict[str, str] = {"revenue": "Revenue", "orders": "Orders", "conversion_rate": "Conversion"}


@dataclass(frozen=True)
class ChannelFigures:
    """One channel in the period and in the previous one."""

    channel: str
    visits: int
    orders: int
    revenue: Decimal
    previous_visits: int
    previous_orders: int
    previous_revenue: Decimal
    share: Decimal | None  # percent of the period's revenue (None when the shop had no revenue)

    @property
    def label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel.title())

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.orders, self.visits)

    @property
    def previous_conversion_rate(self) -> Decimal | None:
        return rate(self.previous_orders, self.previous_visits)

    @property
    def average_order_value(self) -> Decimal | None:
        return None if self.orders == 0 else (self.revenue / self.orders).quantize(Decimal("0.01"))

    @property
    def growth(self) -> Decimal | None:
        """Change of revenue against the previous period (percent; None without previous revenue)."""
        return change(self.revenue, self.previous_revenue)

    @property
    def orders_growth(self) -> Decimal | None:
        return change(self.orders, self.previous_orders)

    @property
    def conversion_growth(self) -> Decimal | None:
        return change(self.conversion_rate, self.previous_conversion_rate)


@dataclass(frozen=True)
class ChannelDay:
    """One channel on one day of the period (a day without a row is a zero day)."""

    day: date
    channel: str
    visits: int
    orders: int
    revenue: Decimal

    @property
    def conversion_rate(self) -> Decimal | None:
        return rate(self.orders, self.visits)


@dataclass(frozen=True)
class ChannelProduct:
    channel: str
    product_id: str
    title: str
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class ChannelReport:
    seller_id: str
    period: ReportPeriod
    channels: list[ChannelFigures]  # every channel of CHANNELS, in that order
    daily: list[ChannelDay]  # every day of the period x every channel
    top_products: dict[str, list[ChannelProduct]]  # channel -> its best products by revenue
    meta: PerformanceMeta

    @property
    def has_data(self) -> bool:
        return any(c.visits or c.orders or c.previous_visits or c.previous_orders for c in self.channels)


def build_channel_report(data: PerformanceData) -> ChannelReport:
    """The channel report from the Performance page's loaded data (`core.sales.performance`)."""
    period, previous = data.period, data.period.previous
    cells = data.channel_days

    def totals(window: ReportPeriod, channel: str) -> tuple[int, int, int]:
        found = [cells[(d, channel)] for d in window.each_day() if (d, channel) in cells]
        return sum(c[0] for c in found), sum(c[1] for c in found), sum(c[2] for c in found)

    known = list(CHANNELS) + sorted({channel for _, channel in cells} - set(CHANNELS))
    now = {channel: totals(period, channel) for channel in known}
    before = {channel: totals(previous, channel) for channel in known}
    all_revenue = sum(value[2] for value in now.values())
    channels = [
        ChannelFigures(
            channel=channel,
            visits=now[channel][0],
            orders=now[channel][1],
            revenue=cents(now[channel][2]),
            previous_visits=before[channel][0],
            previous_orders=before[channel][1],
            previous_revenue=cents(before[channel][2]),
            share=rate(now[channel][2], all_revenue),
        )
        for channel in known
    ]
    daily = []
    for day in period.each_day():
        for channel in known:
            visits, orders, revenue = cells.get((day, channel), (0, 0, 0))
            daily.append(ChannelDay(day, channel, visits, orders, cents(revenue)))
    by_channel: dict[str, list[ChannelProduct]] = {channel: [] for channel in known}
    for channel, product_id, title, orders, revenue in data.product_channels:
        by_channel.setdefault(channel, []).append(ChannelProduct(channel, product_id, title, orders, revenue))
    top = {
        channel: sorted(found, key=lambda x: (-x.revenue, -x.orders, x.title, x.product_id))[:TOP_PRODUCTS_PER_CHANNEL]
        for channel, found in by_channel.items()
    }
    meta = PerformanceMeta(data.data_as_of, round((time.perf_counter() - data.began) * 1000, 1))
    return ChannelReport(data.seller_id, period, channels, daily, top, meta)


def channel_report(session: Session, *, seller_id: str, start: date, end: date) -> ChannelReport:
    """The seller's channels for `start`..`end` (inclusive UTC days) against the same number of days before."""
    return build_channel_report(load_performance_data(session, seller_id=seller_id, start=start, end=end))


CHANNEL_CSV_COLUMNS = (
    "Channel", "Visits", "Orders", "Revenue", "Conversion (%)", "Average order value", "Share of revenue (%)",
    "Growth (%)", "Previous visits", "Previous orders", "Previous revenue",
)  # fmt: skip


def channel_csv(report: ChannelReport) -> str:
    """The channel table as CSV text (header first); an empty cell where a ratio has no base."""

    def cell(value: Decimal | None) -> str:
        return "" if value is None else str(value)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHANNEL_CSV_COLUMNS)
    for c in report.channels:
        writer.writerow(
            (
                c.label, c.visits, c.orders, f"{c.revenue:.2f}", cell(c.conversion_rate), cell(c.average_order_value),
                cell(c.share), cell(c.growth), c.previous_visits, c.previous_orders, f"{c.previous_revenue:.2f}",
            )
        )  # fmt: skip
    return out.getvalue()
