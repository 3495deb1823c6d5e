"""The blocks the two home pages are made of: metric rows, the daily chart with its caption, empty states."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from components.charts import ROLLING_DAYS, daily_revenue_chart
from components.format import format_change, format_count, format_day_range, format_metric_money, format_money
from core.models import SellerStatus
from core.sales.summary import AdminHomeSummary, DailyPoint, SellerHomeSummary


def _period_caption(period_start: date, period_end: date, previous_start: date, previous_end: date) -> str:
    return (
        f"Last 30 full days ({format_day_range(period_start, period_end)}), "
        f"compared with the 30 days before ({format_day_range(previous_start, previous_end)})."
    )


def seller_metrics(summary: SellerHomeSummary) -> None:
    st.caption(
        _period_caption(
            summary.period.start, summary.period.end, summary.previous_period.start, summary.previous_period.end
        )
    )
    revenue, units, products = st.columns(3)
    revenue.metric(
        "Revenue · last 30 days",
        format_metric_money(summary.revenue),
        delta=format_change(summary.revenue_change),
        delta_description="vs previous 30 days" if summary.revenue_change is not None else None,
        help=f"{format_money(summary.revenue)}. Previous 30 days: {format_money(summary.previous_revenue)}.",
        border=True,
    )
    units.metric(
        "Units sold · last 30 days",
        format_count(summary.units),
        delta=format_change(summary.units_change),
        delta_description="vs previous 30 days" if summary.units_change is not None else None,
        help=f"Previous 30 days: {format_count(summary.previous_units)}",
        border=True,
    )
    products.metric(
        "Live products",
        format_count(summary.live_products),
        help="Published products buyers can find today (drafts and archived products are not counted).",
        border=True,
    )


def seller_revenue_chart(summary: SellerHomeSummary) -> None:
    st.subheader("Daily revenue")
    if not summary.has_any_sale:
        if summary.live_products:
            st.info(
                f"No sales yet — your {format_count(summary.live_products)} live "
                f"product{'s' if summary.live_products != 1 else ''} will show their revenue here day by day "
                "once the first order comes in. Clear titles, a good cover image and a fair price help "
                "the first buyer find you.",
                icon=":material/rocket_launch:",
            )
        else:
            st.info(
                "No sales yet — publish your first product and its revenue will show here day by day.",
                icon=":material/rocket_launch:",
            )
        return
    _daily_chart(summary.daily, value_label="Revenue", start=summary.daily[0].day, end=summary.daily[-1].day)


def admin_metrics(summary: AdminHomeSummary) -> None:
    st.caption(
        _period_caption(
            summary.period.start, summary.period.end, summary.previous_period.start, summary.previous_period.end
        )
    )
    by_status = summary.sellers_by_status
    gmv, sellers, selling, products = st.columns([1.4, 1, 1, 1])
    gmv.metric(
        "GMV · last 30 days",
        format_metric_money(summary.gmv),
        delta=format_change(summary.gmv_change),
        delta_description="vs previous 30 days" if summary.gmv_change is not None else None,
        help=(
            f"Gross merchandise value: every seller's revenue, {format_money(summary.gmv)}. "
            f"Previous 30 days: {format_money(summary.previous_gmv)}."
        ),
        border=True,
    )
    sellers.metric(
        "Sellers",
        format_count(summary.total_sellers),
        help=" · ".join(f"{status.value.title()}: {format_count(n)}" for status, n in by_status.items()),
        border=True,
    )
    selling.metric(
        "Selling · 30 days",
        format_count(summary.selling_sellers),
        help="Sellers with at least one sale in the last 30 full days.",
        border=True,
    )
    products.metric(
        "Live products",
        format_count(summary.live_products),
        help="Published, not deleted products across the marketplace.",
        border=True,
    )
    pending = by_status.get(SellerStatus.PENDING, 0)
    if pending:
        st.info(
            f"{format_count(pending)} seller application{'s are' if pending != 1 else ' is'} waiting for approval.",
            icon=":material/how_to_reg:",
        )


def admin_gmv_chart(summary: AdminHomeSummary) -> None:
    st.subheader("Daily GMV")
    if not any(point.units or point.revenue for point in summary.daily):
        st.info("No sales in the last 90 days yet — the daily GMV will show here.", icon=":material/bar_chart:")
        return
    _daily_chart(summary.daily, value_label="GMV", start=summary.daily[0].day, end=summary.daily[-1].day)


def sellers_by_status(summary: AdminHomeSummary) -> None:
    st.subheader("Sellers by status")
    columns = st.columns(len(summary.sellers_by_status))
    for column, (status, count) in zip(columns, summary.sellers_by_status.items(), strict=True):
        column.metric(status.value.title(), format_count(count))


def _daily_chart(points: Sequence[DailyPoint], *, value_label: str, start: date, end: date) -> None:
    st.altair_chart(daily_revenue_chart(points, value_label=value_label), width="stretch")
    st.caption(
        f"{format_day_range(start, end)}. Bars: {value_label} per day. Line: {ROLLING_DAYS}-day average. "
        "Days without a sale count as zero."
    )
