"""The Market page's sections: opportunity cards (with refresh), the benchmark table with its segment charts, and
the sales forecast. Their cached reads are in `components.data.market`."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.charts import market as market_charts
from components.data import clock
from components.data.market import (
    benchmark_rows,
    forecast_view,
    my_segments,
    opportunity_report,
    refresh_opportunities,
    segment_charts,
)
from components.ui.empty import empty_state
from components.ui.format import format_count, format_day_range, format_money_short
from components.ui.kpi import tile
from components.ui.labels import type_label
from components.ui.text import md
from core.config import get_settings
from core.market import BenchmarkView, MarketOpportunity, SellerSegment, benchmarks
from core.models import DigitalProductType
from core.money import format_money, format_money_compact, format_share
from core.periods import format_day, local_day
from core.sales import FORECAST_DAYS, SalesForecast
from core.sales.forecast_text import accuracy_sentence

OPPORTUNITY_CARDS = 12
CARDS_PER_ROW = 2
ALL_TYPES = ""
POTENTIAL_BADGE = {"HIGH": "green", "MEDIUM": "orange", "LOW": "gray"}
TREND_ICON = {
    "rising": ":green[:material/trending_up:] rising",
    "steady": ":gray[:material/trending_flat:] steady",
    "fading": ":red[:material/trending_down:] fading",
}


# ---------------------------------------------------------------- opportunities


def opportunities_section(seller_id: str) -> None:
    st.caption(
        "What buyers searched for in the last 90 days and found (almost) nothing. Terms that match your "
        "categories and specialties come first."
    )
    with st.spinner("Looking for unmet demand… (the first time today can take a few seconds)"):
        report = opportunity_report(seller_id)
    info, button = st.columns([4, 1], vertical_alignment="center")
    computed = report.computed_at.astimezone(get_settings().timezone)
    info.caption(
        f"Computed {computed:%b %d, %Y at %H:%M} ({md(get_settings().app_timezone)}) · {md(report.engine_label)}. "
        "Recomputed once a day."
    )
    if button.button(
        "Refresh", icon=":material/refresh:", key="market_refresh", help="Recompute now (skips the cache)"
    ):
        with st.status("Recomputing opportunities…", expanded=False) as status:
            report = refresh_opportunities(seller_id)
            status.update(label=f"Recomputed: {len(report)} opportunities.", state="complete")
    items = list(report.opportunities)
    if not items:
        empty_state(
            "No unmet searches right now: buyers found listings for almost everything they looked for in the last "
            "90 days. Check again next week, or look at the benchmarks to position your prices.",
            icon=":material/travel_explore:",
        )
        return
    fitting = sum(1 for o in items if o.fits_seller)
    st.markdown(
        f"**{format_count(len(items))} opportunities**"
        + (f" · {format_count(fitting)} fit your shop" if fitting else " · none matches your categories yet")
    )
    shown = items[:OPPORTUNITY_CARDS]
    for start in range(0, len(shown), CARDS_PER_ROW):
        for column, item in zip(st.columns(CARDS_PER_ROW), shown[start : start + CARDS_PER_ROW], strict=False):
            with column:
                opportunity_card(item)
    if len(items) > OPPORTUNITY_CARDS:
        with st.expander(f"All {format_count(len(items))} opportunities as a table"):
            opportunity_table(items)


def opportunity_card(item: MarketOpportunity) -> None:
    with st.container(border=True):
        # The term as buyers typed it (capitalising "adhd planner" would misspell it).
        st.markdown(f"#### “{md(item.term)}”")
        fits = [":violet-badge[:material/star: fits your shop]"] if item.fits_seller else []
        badges = [
            f":blue-badge[:material/search: {format_count(item.search_volume)} searches]",
            f":{POTENTIAL_BADGE.get(item.potential, 'gray')}-badge[{md(item.potential)} potential]",
            *fits,
        ]
        st.markdown(" ".join(badges))
        st.markdown(
            f"**{type_label(item.suggested_product_type)}** · {_sales_a_month(item.estimated_monthly_demand)} · "
            f"{TREND_ICON.get(item.trend, md(item.trend))} · "
            f"{format_count(item.existing_products)} matching listing{'s' if item.existing_products != 1 else ''}"
        )
        st.caption(md(item.reasoning))
        st.page_link(
            "pages/seller/listing_editor.py",
            label="Create product",
            icon=":material/add_circle:",
            query_params={"new": "1", "type": str(item.suggested_product_type)},
            help="Start a draft of this type in the Listing editor.",
        )


def opportunity_table(items: list[MarketOpportunity]) -> None:
    rows = [
        {
            "Search term": o.term,
            "Searches (90 days)": o.search_volume,
            "Potential": o.potential,
            "Suggested type": type_label(o.suggested_product_type),
            "Sales a month": o.estimated_monthly_demand,
            "Trend": o.trend,
            "Listings": o.existing_products,
            "Fits your shop": o.fits_seller,
        }
        for o in items
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


# ---------------------------------------------------------------- benchmarks


def _segment_key(row: BenchmarkView) -> str:
    return f"{row.product_type.value}|{row.category_id or ''}"


def benchmarks_section(seller_id: str) -> None:
    segments = my_segments(seller_id)
    main = segments[0] if segments else None
    type_options = [ALL_TYPES, *(t.value for t in DigitalProductType)]
    if "market_bench_type" not in st.session_state and main is not None:
        st.session_state["market_bench_type"] = main.product_type.value
    left, right = st.columns(2)
    product_type = left.selectbox(
        "Product type", type_options, key="market_bench_type", format_func=lambda t: type_label(t) if t else "All types"
    )
    rows = benchmark_rows(product_type)
    names = sorted({r.category_name for r in rows if r.category_id})
    category = right.selectbox(
        "Category",
        ["", benchmarks.ALL_CATEGORIES_LABEL, *names],
        key="market_bench_category",
        format_func=lambda c: c or "Every row",
        help="“All categories” rows describe a product type across the whole marketplace.",
    )
    if category:
        rows = [r for r in rows if r.category_name == category]
    if not rows:
        empty_state(
            "No benchmark for this choice yet: benchmarks are calculated every night from the published products "
            "of each type and category. Pick another type or category, or check again tomorrow.",
            icon=":material/query_stats:",
        )
        return
    benchmark_table(rows)
    thin = sum(1 for r in rows if r.thin_sample)
    if thin:
        st.caption(
            f":orange[:material/warning:] {format_count(thin)} row{'s are' if thin != 1 else ' is'} based on fewer "
            f"than {benchmarks.THIN_SAMPLE_SIZE} products (thin sample): read them as a hint, not a rule."
        )
    segment_details(seller_id, rows, main)


def benchmark_table(rows: list[BenchmarkView]) -> None:
    table: list[dict[str, Any]] = [
        {
            "Type": type_label(r.product_type),
            "Category": r.category_name,
            "Products": r.sample_size,
            "Sample": "⚠ thin" if r.thin_sample else "ok",
            "Median price": float(r.median_price),
            "Average price": float(r.average_price),
            "Price range": f"{format_money(r.price_min)} – {format_money(r.price_max)}",
            "Sales / product / month": float(r.average_sales_per_month),
            "Rating": float(r.average_rating) if r.average_rating is not None else None,
            "Top sellers' price": float(r.top_sellers.avg_price),
            "Top sellers' sales / month": float(r.top_sellers.avg_monthly_sales),
        }
        for r in rows
    ]
    if len({r.product_type for r in rows}) == 1:  # one type chosen: its name in every row only costs width
        for line in table:
            del line["Type"]
    money = st.column_config.NumberColumn(format="dollar")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Products": st.column_config.NumberColumn(help="Published products in the segment (the sample size)."),
            "Sample": st.column_config.TextColumn(help=f"Thin: fewer than {benchmarks.THIN_SAMPLE_SIZE} products."),
            "Median price": money,
            "Average price": money,
            "Top sellers' price": money,
            "Sales / product / month": st.column_config.NumberColumn(format="%.2f", help="Units, last 90 days ÷ 3."),
            "Rating": st.column_config.NumberColumn(format="%.2f ★"),
            "Top sellers' sales / month": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    calculated = local_day(max(r.calculated_at for r in rows), get_settings().timezone)
    st.caption(
        f"Market figures computed nightly; last on {format_day(calculated)}, from the last 90 complete days of sales."
    )


def segment_details(seller_id: str, rows: list[BenchmarkView], main: SellerSegment | None) -> None:
    by_key = {_segment_key(r): r for r in rows}
    keys = list(by_key)
    preferred = f"{main.product_type.value}|{main.category_id or ''}" if main else None
    index = keys.index(preferred) if preferred in by_key else 0
    st.subheader("Segment in detail", anchor=False)
    key = st.selectbox(
        "Segment",
        keys,
        index=index,
        key="market_bench_segment",
        format_func=lambda k: (
            f"{type_label(by_key[k].product_type)} · {by_key[k].category_name}"
            + (" (thin sample)" if by_key[k].thin_sample else "")
        ),
    )
    row = by_key[key]
    charts = segment_charts(seller_id, row.product_type.value, row.category_id, clock.utc_today())
    prices, sales = st.columns(2)
    with prices:
        st.markdown("**Price distribution**")
        if charts.histogram.bins:
            st.altair_chart(market_charts.price_distribution_chart(charts.histogram, charts.mine), width="stretch")
            if charts.mine:
                count = len(charts.mine)
                if count <= 3:
                    yours = ", ".join(f"{md(p.title)} {md(format_money(p.price))}" for p in charts.mine)
                else:
                    low, high = charts.mine[0].price, charts.mine[-1].price
                    yours = f"{count} products from {md(format_money(low))} to {md(format_money(high))} (hover a line)"
                median = md(format_money(row.median_price))
                st.caption(f":orange[Dashed lines]: your {yours}. Segment median {median}.")
            else:
                st.caption(
                    f"You have no published product in this segment. Median {md(format_money(row.median_price))}."
                )
        else:
            empty_state("No published product in this segment today.", icon=":material/inventory_2:")
    with sales:
        st.markdown("**Segment sales, last 12 months**")
        if any(m.revenue or m.units for m in charts.monthly):
            st.altair_chart(market_charts.monthly_sales_chart(charts.monthly), width="stretch")
            first, last = charts.monthly[0].month, charts.monthly[-1].month
            st.caption(f"Revenue of all sellers' products in the segment per month, {first:%b %Y} – {last:%b %Y}.")
        else:
            empty_state("No sales in this segment in the last 12 months.", icon=":material/bar_chart:")


# ---------------------------------------------------------------- forecast


def forecast_section(seller_id: str) -> None:
    days = st.segmented_control(
        "Forecast horizon",
        FORECAST_DAYS,
        default=30,
        key="market_forecast_days",
        format_func=lambda d: f"{format_count(d)} days",
        required=True,
    )
    view = forecast_view(seller_id, int(days or 30), clock.utc_today())
    result = view.forecast
    has_sales = any(p.revenue for p in view.actual)
    if not result.available:
        empty_state(
            md(result.reason or "No forecast is available yet.")
            + " Meanwhile, Opportunities shows what buyers search for and Benchmarks what similar products cost.",
            icon=":material/hourglass_empty:",
        )
        if has_sales:
            st.altair_chart(market_charts.forecast_chart(view.actual, ()), width="stretch")
        return
    interval = result.confidence_interval
    revenue, sales, price = st.columns(3)
    with revenue:
        tile(
            f"Projected revenue · next {format_count(result.forecast_days)} days",
            format_money_compact(result.projected_revenue),
            help=f"Likely between {format_money(interval.low)} and {format_money(interval.high)}."
            if interval
            else None,
        )
    with sales:
        tile(
            f"Projected sales · next {format_count(result.forecast_days)} days",
            format_count(result.projected_sales) if result.projected_sales is not None else "—",
            help="Projected revenue ÷ your average revenue per unit sold.",
        )
    with price:
        tile(
            "Likely range",
            f"{format_money_short(interval.low)} – {format_money_short(interval.high)}" if interval else "—",
            help=f"{format_money(interval.low)} to {format_money(interval.high)}." if interval else None,
        )
    st.altair_chart(market_charts.forecast_chart(view.actual, result.daily_projections), width="stretch")
    first_day = result.daily_projections[0].date
    st.caption(
        f"Solid: your revenue per day, {format_day_range(view.actual[0].day, view.actual[-1].day)}. "
        f"Dashed: the projection, {format_day_range(first_day, result.daily_projections[-1].date)}; shaded: the "
        "likely range."
    )
    method_summary(result)
    with st.expander("How this forecast was made"):
        for line in result.assumptions:
            st.markdown(f"- {md(line)}")


def method_summary(result: SalesForecast) -> None:
    """The method the forecast was made with, how accurate it was on the seller's last weeks, and how often its kind
    of range held the actual total (all from `core.sales.forecast`)."""
    choice = result.method
    if choice is None:
        return
    st.markdown(f":material/model_training: **Method:** {md(choice.label)}")
    st.markdown(f":material/fact_check: **How accurate has it been?** {md(accuracy_sentence(choice))}")
    coverage = result.coverage
    if coverage is not None and coverage.checked:
        st.markdown(
            f":material/straighten: **How reliable is the range?** Built at {format_count(coverage.checked)} past "
            f"starting points from only the errors known by then, the likely range held the actual 30-day total "
            f"{format_count(coverage.inside)} times ({format_share(coverage.share, places=0)}); it aims at 80%."
        )
    else:
        st.markdown(
            ":material/straighten: **How reliable is the range?** Too little history to check it yet: the range is a "
            "wide, stated guess (see below)."
        )


def _sales_a_month(estimate: float) -> str:
    """ "about 3 sales a month"; an estimate under one reads as such instead of "about 0"."""
    if estimate < 1:
        return "under 1 sale a month"
    return f"about {format_count(round(estimate))} sales a month"
