"""The seller's Home: a welcome, the last 30 days on three tiles, and daily revenue for the last 90 days."""

from __future__ import annotations

import streamlit as st

from components.ui.daily import daily_chart, period_caption
from components.ui.empty import empty_state
from components.ui.format import format_count
from components.ui.kpi import change_tile, tile
from components.ui.text import md
from core.accounts import Account
from core.money import format_money, format_money_compact
from core.sales import SellerHomeSummary


def welcome(account: Account) -> None:
    st.title(f"Welcome back, {md(account.name.split()[0])}")


def seller_metrics(summary: SellerHomeSummary) -> None:
    period_caption(summary.period, summary.previous_period)
    revenue, units, products = st.columns(3)
    with revenue:
        money_help = f"{format_money(summary.revenue)}. Previous 30 days: {format_money(summary.previous_revenue)}."
        change_tile(
            "Revenue · last 30 days", format_money_compact(summary.revenue), summary.revenue_change, help=money_help
        )
    with units:
        units_help = f"Previous 30 days: {format_count(summary.previous_units)}"
        change_tile("Units sold · last 30 days", format_count(summary.units), summary.units_change, help=units_help)
    with products:
        tile(
            "Live products",
            format_count(summary.live_products),
            help="Published products buyers can find today (drafts and archived products are not counted).",
        )


def seller_revenue_chart(summary: SellerHomeSummary) -> None:
    st.subheader("Daily revenue")
    if not summary.has_any_sale:
        if summary.live_products:
            empty_state(
                f"No sales yet — your {format_count(summary.live_products)} live "
                f"product{'s' if summary.live_products != 1 else ''} will show their revenue here day by day "
                "once the first order comes in. Clear titles, a good cover image and a fair price help "
                "the first buyer find you.",
                icon=":material/rocket_launch:",
            )
        else:
            empty_state(
                "No sales yet — publish your first product and its revenue will show here day by day.",
                icon=":material/rocket_launch:",
            )
        return
    daily_chart(summary.daily, value_label="Revenue")
