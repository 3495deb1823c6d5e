"""The admin's Home: the marketplace at a glance — 30-day GMV, orders, buyers and AOV, e-mails sent today (the one
definition of each, `core.analytics.metrics`, as on Operator KPIs), sellers, live products and daily GMV."""

from __future__ import annotations

import streamlit as st

from components.ui.daily import daily_chart, period_caption
from components.ui.empty import empty_state
from components.ui.format import format_count
from components.ui.kpi import change_tile, tile
from components.ui.text import md
from core.analytics import HomeMetrics
from core.analytics.kpis import DEFINITIONS
from core.models import SellerStatus
from core.money import format_money, format_money_compact, percent_change
from core.sales import AdminHomeSummary

# The narrow tiles say only "vs before": the caption above the row names both periods, and the long words were cut.
VS_BEFORE = "vs before"


def sales_metrics(metrics: HomeMetrics) -> None:
    """GMV, orders, buyers, AOV over the last 30 full days against the 30 before, and e-mails sent today."""
    period_caption(metrics.period, metrics.previous_period)
    now, before = metrics.sales, metrics.previous_sales
    gmv, orders, buyers, aov, mails = st.columns([1.4, 1, 1, 1, 1])
    with gmv:
        change_tile(
            "GMV · last 30 days",
            format_money_compact(now.gmv),
            percent_change(now.gmv, before.gmv),
            help=f"{DEFINITIONS['gmv']} {format_money(now.gmv)}; previous 30 days: {format_money(before.gmv)}.",
        )
    with orders:
        change_tile(
            "Orders · 30 days",
            format_count(now.orders),
            percent_change(now.orders, before.orders),
            help="Purchases in the window (one per product bought).",
            compared_with=VS_BEFORE,
        )
    with buyers:
        change_tile(
            "Buyers · 30 days",
            format_count(now.buyers),
            percent_change(now.buyers, before.buyers),
            help=DEFINITIONS["paying_buyers"],
            compared_with=VS_BEFORE,
        )
    with aov:
        change_tile(
            "AOV · 30 days",
            format_money(now.aov) if now.aov is not None else "—",
            percent_change(now.aov, before.aov),
            help=DEFINITIONS["aov"],
            compared_with=VS_BEFORE,
        )
    with mails:
        tile(
            "E-mails today",
            format_count(metrics.emails_sent_today),
            help=f"{DEFINITIONS['emails_sent']} Today = since local midnight, as on Operator KPIs.",
        )


def admin_metrics(summary: AdminHomeSummary) -> None:
    by_status = summary.sellers_by_status
    sellers, selling, products = st.columns(3)
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
        st.page_link("pages/admin/applications.py", label="Review applications", icon=":material/arrow_forward:")


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
