"""The Performance page's period picker and overview: KPI tiles with the change against the previous period and each
figure's definition, the data's freshness and query time in small print, the three daily charts (revenue, profit,
visits, with the previous period as a second line) and the top-product tables with their CSV.

The custom dates' bounds are wide on purpose: Streamlit's `date_input` silently swaps a typed date outside min/max
for its default, so an out-of-range day must reach core's checks (`core.sales.metrics.report_period`) to be
refused next to the field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from components.charts.performance import daily_comparison_chart
from components.data import database_errors
from components.data import performance as data
from components.ui.empty import empty_state
from components.ui.format import format_change, format_count, format_day_range, format_local
from components.ui.kpi import tile
from components.ui.text import md
from core.money import format_money, format_money_compact, format_percent
from core.sales.metrics import (
    DEFINITIONS,
    MIN_VISITS_FOR_CONVERSION,
    PRESET_DAYS,
    PeriodError,
    ProductFigures,
    ReportPeriod,
    last_days,
    products_csv,
    report_period,
)
from core.sales.performance import SellerPerformance

CUSTOM = "Custom"
PRESETS = {f"Last {days} days": days for days in PRESET_DAYS}
DEFAULT_PRESET = "Last 30 days"
CHOICE_KEY = "performance_period"
START_KEY = "performance_start"
END_KEY = "performance_end"
FIELD_MIN = date(2000, 1, 1)
NO_ADS = "no ads in this period"
# A rise of these is bad news: their change is drawn red when it goes up.
COSTS = frozenset({"refunds", "refund_rate", "commission", "payment_fees", "ad_spend", "acos", "tacos"})


# ----------------------------------------------------------------------------- the period picker


def period_picker(today: date) -> ReportPeriod | None:
    """7 / 30 / 90 complete days, or Custom with two dates; None (and the message next to the field at fault) when
    the custom range cannot be reported."""
    choice = st.segmented_control(
        "Period",
        [*PRESETS, CUSTOM],
        default=DEFAULT_PRESET,
        key=CHOICE_KEY,
        help="Complete days (UTC) up to yesterday.",
    )
    if choice is None:  # the segmented control can be cleared: back to the default
        choice = DEFAULT_PRESET
    if choice != CUSTOM:
        period = last_days(PRESETS[choice], today=today)
    else:
        default = last_days(30, today=today)
        st.session_state.setdefault(START_KEY, default.start)
        st.session_state.setdefault(END_KEY, default.end)
        start_col, end_col, _ = st.columns([1, 1, 2])
        wide = {"min_value": FIELD_MIN, "max_value": today + timedelta(days=3650), "format": "YYYY-MM-DD"}
        with start_col:
            start = st.date_input("From", key=START_KEY, **wide)
        with end_col:
            end = st.date_input("To (inclusive)", key=END_KEY, **wide)
        try:
            period = report_period(start, end, today=today)
        except PeriodError as error:
            with start_col if error.field == "start" else end_col:
                st.caption(f":red[:material/error: {md(error.message)}]")
            return None
    previous = period.previous
    st.caption(
        md(
            f"{format_day_range(period.start, period.end)} ({format_count(period.days)} days), compared with "
            f"{format_day_range(previous.start, previous.end)}."
        )
    )
    return period


# ----------------------------------------------------------------------------- tiles


def _money(value: Any) -> str:
    return "—" if value is None else format_money_compact(value)


def _percent(value: Any) -> str:
    return format_percent(value, places=2)


def _ratio(value: Any) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _count(value: Any) -> str:
    return "—" if value is None else format_count(value)


# key -> (label, how the value reads)
TILES: dict[str, tuple[str, Callable[[Any], str]]] = {
    "revenue": ("Revenue", _money),
    "orders": ("Orders", _count),
    "average_order_value": ("Average order value", _money),
    "net_profit": ("Net profit", _money),
    "profit_margin": ("Profit margin", _percent),
    "visits": ("Visits", _count),
    "conversion_rate": ("Conversion rate", _percent),
    "units": ("Units sold", _count),
    "refunds": ("Refunds", _money),
    "refund_rate": ("Refund rate", _percent),
    "ad_spend": ("Ad spend", _money),
    "acos": ("ACOS", _percent),
    "roas": ("ROAS", _ratio),
    "tacos": ("TACOS", _percent),
    "commission": ("Commission", _money),
    "payment_fees": ("Payment fees", _money),
}
# Four to a row: a fifth or sixth tile cuts "$12,345.67" at laptop width.
TILE_ROWS: tuple[tuple[str, ...], ...] = (
    ("revenue", "orders", "average_order_value", "units"),
    ("net_profit", "profit_margin", "commission", "payment_fees"),
    ("visits", "conversion_rate", "refunds", "refund_rate"),
    ("ad_spend", "acos", "roas", "tacos"),
)
AD_TILES = frozenset({"acos", "roas", "tacos"})


def kpi_tile(perf: SellerPerformance, key: str) -> None:
    label, reads = TILES[key]
    figure = getattr(perf, key)
    previous = perf.previous_period
    help_text = md(
        f"{DEFINITIONS[key]}\n\nPrevious period ({format_day_range(previous.start, previous.end)}): "
        f"{reads(figure.previous)}."
    )
    if key in AD_TILES and not perf.has_ads:
        tile(label, "—", delta=NO_ADS, delta_color="off", delta_arrow="off", help=help_text)
        return
    flat = figure.change is not None and figure.change == 0
    tile(
        label,
        md(reads(figure.current)),
        delta=format_change(figure.change),
        delta_color="off" if flat else ("inverse" if key in COSTS else "normal"),
        delta_arrow="off" if flat else "auto",
        help=help_text,
        height="stretch",
    )


def tiles(perf: SellerPerformance) -> None:
    for row in TILE_ROWS:
        for column, key in zip(st.columns(len(row)), row, strict=True):
            with column:
                kpi_tile(perf, key)


def meta_line(perf: SellerPerformance) -> None:
    fresh = format_local(perf.meta.data_as_of, "%b %d, %Y %H:%M") if perf.meta.data_as_of else "no order yet"
    st.caption(
        md(
            f"Data as of {fresh} (the newest order received) · loaded in {perf.meta.query_ms:,.0f} ms · "
            "days are UTC days."
        )
    )


# ----------------------------------------------------------------------------- charts and tables


def daily_charts(perf: SellerPerformance) -> None:
    st.subheader("Day by day")
    revenue, profit, visits = st.tabs(["Revenue", "Net profit", "Visits"])
    for tab, figure in ((revenue, "revenue"), (profit, "profit"), (visits, "visits")):
        with tab:
            st.altair_chart(daily_comparison_chart(perf.daily, figure), width="stretch")
    st.caption(
        "Solid line: this period; dashed: the same day of the previous period. Profit counts each day's refunds "
        "and ad spend on the day they happened. Days without a sale or a visit count as zero."
    )


def products_frame(products: Sequence[ProductFigures]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Product": p.title,
                "Revenue": float(p.revenue),
                "Orders": p.orders,
                "Units": p.units,
                "Visits": p.visits,
                "Conversion": None if p.conversion_rate is None else float(p.conversion_rate),
                "Net profit": float(p.profit),
            }
            for p in products
        ],
        columns=["Product", "Revenue", "Orders", "Units", "Visits", "Conversion", "Net profit"],
    )


PRODUCT_COLUMNS = {
    "Revenue": st.column_config.NumberColumn(format="dollar", help=DEFINITIONS["revenue"]),
    "Orders": st.column_config.NumberColumn(help=DEFINITIONS["orders"]),
    "Visits": st.column_config.NumberColumn(help=DEFINITIONS["product_visits"]),
    "Conversion": st.column_config.NumberColumn(format="%.2f %%", help=DEFINITIONS["product_conversion"]),
    "Net profit": st.column_config.NumberColumn(format="dollar", help=DEFINITIONS["product_profit"]),
}


def csv_button(data: str, name: str, period: ReportPeriod) -> None:
    """A "CSV" download of `data` named after what it holds and the period's days."""
    st.download_button(
        "CSV",
        data=data,
        file_name=f"{name}-{period.start.isoformat()}-{period.end.isoformat()}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=f"performance_csv_{name}",
    )


def top_products(perf: SellerPerformance) -> None:
    st.subheader("Top products")
    lists = {
        "by revenue": (perf.top_by_revenue, "revenue"),
        "by net profit": (perf.top_by_profit, "profit"),
        "by conversion": (perf.top_by_conversion, "conversion"),
    }
    tabs = st.tabs(["By revenue", "By net profit", "By conversion"])
    for tab, (name, (products, slug)) in zip(tabs, lists.items(), strict=True):
        with tab:
            if slug == "conversion":
                st.caption(f"Only products with at least {MIN_VISITS_FOR_CONVERSION} visits in the period are ranked.")
            if not products:
                empty_state(md(f"No product to rank {name} in this period."))
                continue
            st.dataframe(products_frame(products), hide_index=True, column_config=PRODUCT_COLUMNS, width="stretch")
            csv_button(products_csv(products), f"top-products-{slug}", perf.period)


# ----------------------------------------------------------------------------- the section


def render(seller_id: str, period: ReportPeriod) -> None:
    """The KPI tiles, the daily charts and the top products of `period` against the period before."""
    with database_errors():
        perf = data.seller_performance(seller_id, period.start, period.end)
    if not perf.has_orders:
        empty_state(
            "No orders in this period or the one before — once buyers order, your revenue, profit and conversion "
            "show here, compared period against period. Pick a longer period to look further back.",
            icon=":material/receipt_long:",
        )
        meta_line(perf)
        return
    tiles(perf)
    if not perf.has_ads:
        st.caption(
            f"No ads in this period: ACOS, ROAS and TACOS show once you advertise. Ad spend counts "
            f"{format_money(0)} towards your profit."
        )
    meta_line(perf)
    daily_charts(perf)
    top_products(perf)
