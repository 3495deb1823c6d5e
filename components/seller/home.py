"""The seller's Home: a welcome, the last 30 days on three tiles, the last 12 months (a chart and, when revenue
has fallen, the trend's verdict stated plainly), and daily revenue for the last 90 days."""

from __future__ import annotations

import streamlit as st

from components.charts.months import monthly_revenue_chart
from components.data import clock, database_errors
from components.data.sales import seller_trend
from components.shell.navigation import script_for
from components.ui.daily import daily_chart, period_caption
from components.ui.empty import empty_state
from components.ui.format import format_count
from components.ui.kpi import change_tile, tile
from components.ui.text import md
from core import urls
from core.accounts import Account
from core.money import format_money, format_money_compact
from core.sales import DECLINE_SHARE, SellerHomeSummary, SellerTrend
from core.sales.trends import FAR_BELOW_PEAK

TREND_HELP = (
    "Revenue per complete calendar month (the running month is left out until it ends). The darker bar is the "
    "best of the 12 months. The trend counts as declining when the last 90 complete days brought under "
    f"{DECLINE_SHARE:.0%} of the same 90 days a year earlier (or, with under a year of sales, of the best 90 days "
    f"of the last year); it is called far below its peak when the last month is under {FAR_BELOW_PEAK:.0%} of "
    "the best month."
)


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
    st.page_link(
        script_for(urls.PERFORMANCE) or "pages/seller/performance.py",
        label="Profit, conversion, ads and channels: see your Performance",
        icon=":material/monitoring:",
    )
    # The 30-day tiles above must not be the only message: a seller far below her peak reads it right here.
    with database_errors():
        trend = seller_trend(summary.seller_id, clock.today())
    last_12_months(trend)


def last_12_months(trend: SellerTrend) -> None:
    """The 12 complete months as bars (the best marked), and the verdict: a warning when revenue has fallen."""
    st.subheader("Last 12 months", help=TREND_HELP)
    if trend.declining or trend.far_below_peak:
        st.warning(md(trend.verdict), icon=":material/trending_down:")
    else:
        st.caption(md(trend.verdict))
    if trend.peak_month is None:
        return
    st.altair_chart(monthly_revenue_chart(trend.months, peak=trend.peak_month), width="stretch")
    first, last = trend.months[0].month, trend.months[-1].month
    st.caption(
        md(
            f"{first:%B %Y} – {last:%B %Y}, complete months. Total: {format_money(trend.revenue_12_months)}; "
            f"best month: {trend.peak_month:%B %Y}."
        )
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
