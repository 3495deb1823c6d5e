"""The admin's Home: the marketplace at a glance — sellers, live products, 30-day GMV and daily GMV."""

from __future__ import annotations

import streamlit as st

from components.ui.daily import daily_chart, period_caption
from components.ui.empty import empty_state
from components.ui.format import format_count
from components.ui.kpi import change_tile, tile
from components.ui.text import md
from core.models import SellerStatus
from core.money import format_money, format_money_compact
from core.sales import AdminHomeSummary


def admin_metrics(summary: AdminHomeSummary) -> None:
    period_caption(summary.period, summary.previous_period)
    by_status = summary.sellers_by_status
    gmv, sellers, selling, products = st.columns([1.4, 1, 1, 1])
    with gmv:
        change_tile(
            "GMV · last 30 days",
            format_money_compact(summary.gmv),
            summary.gmv_change,
            help=(
                f"Gross merchandise value: every seller's revenue, {format_money(summary.gmv)}. "
                f"Previous 30 days: {format_money(summary.previous_gmv)}."
            ),
        )
    with sellers:
        tile(
            "Sellers",
            format_count(summary.total_sellers),
            help=" · ".join(f"{md(status.value.title())}: {format_count(n)}" for status, n in by_status.items()),
        )
    with selling:
        tile(
            "Selling · 30 days",
            format_count(summary.selling_sellers),
            help="Sellers with at least one sale in the last 30 full days.",
        )
    with products:
        tile(
            "Live products",
            format_count(summary.live_products),
            help="Published, not deleted products across the marketplace.",
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
        empty_state("No sales in the last 90 days yet — the daily GMV will show here.", icon=":material/bar_chart:")
        return
    daily_chart(summary.daily, value_label="GMV")


def sellers_by_status(summary: AdminHomeSummary) -> None:
    st.subheader("Sellers by status")
    columns = st.columns(len(summary.sellers_by_status))
    for column, (status, count) in zip(columns, summary.sellers_by_status.items(), strict=True):
        column.metric(md(status.value.title()), format_count(count))
