"""The Performance page's channel section (seed 001 §4.5): a metric picker (revenue, orders, conversion), bars
comparing the channels against the previous period, the trend per selected channel, each channel's share of
revenue, and the table (with its CSV) — visits, orders, revenue, conversion, order value, share, growth."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.charts.performance import channel_bar_chart, channel_share_chart, channel_trend_chart
from components.data import database_errors
from components.data import performance as data
from components.seller.performance_overview import csv_button
from components.ui.empty import empty_state
from components.ui.text import md
from core.money import format_money
from core.sales.channel_report import CHANNEL_METRICS, ChannelReport, channel_csv
from core.sales.channels import CHANNEL_LABELS
from core.sales.metrics import DEFINITIONS, ReportPeriod

METRIC_KEY = "performance_channel_metric"
CHANNELS_KEY = "performance_channel_pick"
CHANNEL_HELP = (
    "Where the visit that led to an order came from: the UTM tags, else the tracked source, else the referrer "
    "(paid campaigns count as Ads, newsletters as E-mail, no source at all as Direct)."
)


def channel_frame(report: ChannelReport) -> pd.DataFrame:
    rows = [
        {
            "Channel": c.label,
            "Visits": c.visits,
            "Orders": c.orders,
            "Revenue": float(c.revenue),
            "Conversion": None if c.conversion_rate is None else float(c.conversion_rate),
            "Average order": None if c.average_order_value is None else float(c.average_order_value),
            "Share": None if c.share is None else float(c.share),
            "Growth": None if c.growth is None else float(c.growth),
        }
        for c in sorted(report.channels, key=lambda c: (-c.revenue, -c.visits, c.label))
        if c.visits or c.orders or c.previous_visits or c.previous_orders  # the CSV has every channel
    ]
    return pd.DataFrame(rows)


COLUMNS = {
    "Visits": st.column_config.NumberColumn(help=DEFINITIONS["visits"]),
    "Orders": st.column_config.NumberColumn(help=DEFINITIONS["orders"]),
    "Revenue": st.column_config.NumberColumn(format="dollar", help=DEFINITIONS["revenue"]),
    "Conversion": st.column_config.NumberColumn(format="%.2f %%", help=DEFINITIONS["conversion_rate"]),
    "Average order": st.column_config.NumberColumn(format="dollar", help=DEFINITIONS["average_order_value"]),
    "Share": st.column_config.NumberColumn(format="%.1f %%", help=DEFINITIONS["channel_share"]),
    "Growth": st.column_config.NumberColumn(format="%+.1f %%", help=DEFINITIONS["channel_growth"]),
}


def render(seller_id: str, period: ReportPeriod) -> None:
    """The channel comparison for `period` against the period before."""
    st.subheader("Channels", help=CHANNEL_HELP)
    with database_errors():
        report = data.channel_report(seller_id, period.start, period.end)
    if not report.has_data:
        empty_state("No visits or orders in this period or the one before, so no channel to compare yet.")
        return
    if not any(c.orders or c.previous_orders for c in report.channels):
        # Visitors but no order yet: revenue, order and conversion charts would all be flat zeros.
        st.info(
            "No orders in this period or the one before yet: the table shows where your visitors come from, "
            "so you can see which channels to work on.",
            icon=":material/travel_explore:",
        )
        st.dataframe(channel_frame(report), hide_index=True, column_config=COLUMNS, width="stretch")
        return
    metric = st.segmented_control(
        "Compare channels by", list(CHANNEL_METRICS), default="revenue", key=METRIC_KEY, format_func=CHANNEL_METRICS.get
    )
    metric = metric or "revenue"
    title = CHANNEL_METRICS[metric]
    active = [c for c in report.channels if c.visits or c.orders or c.previous_visits or c.previous_orders]
    bars, share = st.columns([3, 2])
    with bars:
        st.altair_chart(channel_bar_chart(active, metric, title), width="stretch")
    with share:
        if any(c.revenue > 0 for c in report.channels):
            st.altair_chart(channel_share_chart(report.channels), width="content")
            st.caption(md(DEFINITIONS["channel_share"]))
        else:
            empty_state("No revenue in this period: no share to show.")
    best = [c.channel for c in sorted(active, key=lambda c: (-c.revenue, -c.visits))][:3]
    picked = st.multiselect(
        "Trend per channel",
        [c.channel for c in active],
        default=best,
        key=CHANNELS_KEY,
        format_func=lambda channel: CHANNEL_LABELS.get(channel, channel),
    )
    if picked:
        days = [d for d in report.daily if d.channel in picked]
        st.altair_chart(channel_trend_chart(days, metric, title, CHANNEL_LABELS), width="stretch")
    st.dataframe(channel_frame(report), hide_index=True, column_config=COLUMNS, width="stretch")
    csv_button(channel_csv(report), "channels", period)
    with st.expander("Top products per channel"):
        for channel in active:
            products = report.top_products.get(channel.channel, [])
            if products:
                names = "; ".join(f"{p.title} ({format_money(p.revenue)}, {p.orders:,} orders)" for p in products)
                st.markdown(f"**{md(channel.label)}:** {md(names)}")
