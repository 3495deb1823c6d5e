"""The Seller success page's blocks: the three KPIs with their 12-month trends, the seller table (search, filters,
sort, database pages, CSV of the whole filter) and the selected seller's detail (revenue, goals, insights,
listing scores). Reads are in `components.data.sellers`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import streamlit as st

from components.charts.daily import daily_revenue_chart
from components.charts.kpis import TrendPoint, kpi_trend_chart
from components.data import clock, database_errors
from components.data import sellers as seller_data
from components.data.sellers import DetailView, GoalLine, InsightLine
from components.ui.empty import empty_state
from components.ui.format import format_count, format_local
from components.ui.kpi import change_tile, kpi_tile, tile
from components.ui.text import md
from core.config import get_settings
from core.listings import ScoredListing, describe_weakest, weakest_dimensions
from core.models import SellerStatus
from core.money import format_money, format_money_compact, format_percent
from core.sellers import DEFINITIONS, STAGES, SellerFilters, SellerOverviewPage, SellerOverviewRow, SuccessPoint

KEY_SEARCH, KEY_STATUS, KEY_STAGE, KEY_SORT, KEY_PAGE = "ss_search", "ss_status", "ss_stage", "ss_sort", "ss_page"
TABLE_KEY_PREFIX = "ss_table_"
ALL = "all"
STAGE_LABELS = {
    "pending": "Pending approval",
    "inactive": "Suspended or rejected",
    "churned": "Churned",
    "no_first_sale": "No first sale yet",
    "new": "New seller",
    "declining": "Declining",
    "active": "Active",
}
# One choice per useful order: (core sort key, descending).
SORTS: dict[str, tuple[str, bool]] = {
    "Name (A–Z)": ("name", False),
    "Revenue, highest first": ("revenue_30d", True),
    "Listing health, lowest first": ("listing_health", False),
    "Listing health, highest first": ("listing_health", True),
    "Last login, longest ago": ("last_login", False),
    "Last login, most recent": ("last_login", True),
    "Most active goals": ("active_goals", True),
    "Most pending insights": ("pending_insights", True),
    "90-day fall, steepest first": ("change_90d", False),
    "90-day growth, strongest first": ("change_90d", True),
    "12-month fall, steepest first": ("change_12m", False),
    "12-month growth, strongest first": ("change_12m", True),
}


# --------------------------------------------------------------------------- the KPIs


def activity_freshness(through: datetime | None) -> str:
    """Up to when the retention's activity was counted (the `rollups` job's activity roll-up)."""
    if through is None:
        return (
            "Activity is counted live from sales, logins, publications and edits: the roll-ups job has not rolled "
            "it up yet."
        )
    until = format_local(through, "%H:%M (%b %d)")
    return f"Activity counted up to {until}; the roll-ups job adds it every 15 minutes."


def trend_points(points: Sequence[SuccessPoint], metric: str) -> list[TrendPoint]:
    """One chart point per month end (the last one is now), with what the value is made of."""
    tz = get_settings().timezone
    out = []
    for i, p in enumerate(points):
        last_day = (p.as_of - timedelta(microseconds=1)).astimezone(tz).date()
        label = f"{last_day:%b} {last_day.day} (now)" if i == len(points) - 1 else f"{last_day:%b %Y}"
        if metric == "activation_rate":
            value, detail = p.activation_rate, f"{p.activated} of {p.approved} approved sellers"
        elif metric == "median_days_to_first_sale":
            value, detail = p.median_days, f"{p.activated} sellers with a first sale"
        else:
            value, detail = p.retention_rate, f"{p.retained} of {p.eligible} sellers approved 30+ days before"
        out.append(TrendPoint(last_day, label, value, detail))
    return out


@st.fragment(parallel=True)
def kpi_section() -> None:
    with database_errors(), st.spinner("Measuring activation and retention…"):
        figures = seller_data.kpis_and_trend(clock.today())
    kpis, trend = figures.kpis, figures.trend
    tiles = (
        (kpis.activation_rate, "%"),
        (kpis.median_days_to_first_sale, "days"),
        (kpis.retention_30d, "%"),
    )
    for column, (kpi, unit) in zip(st.columns(3, gap="medium"), tiles, strict=True):
        with column:
            kpi_tile(kpi, previous_name="30 days ago", delta_description="vs 30 days ago")
            st.altair_chart(kpi_trend_chart(trend_points(trend, kpi.key), title=kpi.label, unit=unit), width="stretch")
    st.caption(f"{DEFINITIONS['previous']} The charts show each figure at the end of the last 12 months.")
    st.caption(md(activity_freshness(figures.activity_through)))


# --------------------------------------------------------------------------- the seller table


def _reset_page() -> None:
    st.session_state[KEY_PAGE] = 1


def table_filters() -> tuple[SellerFilters, str, bool]:
    search_col, status_col, stage_col, sort_col = st.columns([3, 2, 2, 2.4])
    search = search_col.text_input(
        "Search", key=KEY_SEARCH, placeholder="Name or username", on_change=_reset_page, max_chars=100
    )
    status = status_col.selectbox(
        "Status",
        [ALL, *(s.value for s in SellerStatus)],
        format_func=lambda s: "All statuses" if s == ALL else s.title(),
        key=KEY_STATUS,
        on_change=_reset_page,
    )
    stage = stage_col.selectbox(
        "Stage",
        [ALL, *STAGES],
        format_func=lambda s: "All stages" if s == ALL else STAGE_LABELS.get(s, s),
        key=KEY_STAGE,
        on_change=_reset_page,
        help="Pending → suspended or rejected → churned (nothing in 60 days) → no first sale → new seller (first "
        "sale in the last 60 days) → declining (last 90 days under 60% of the same 90 days a year earlier, or of "
        "the best 90 days with under a year of history) → active: the first that applies.",
    )
    sort_label = sort_col.selectbox("Sort by", list(SORTS), key=KEY_SORT, on_change=_reset_page)
    filters = SellerFilters(search.strip(), None if status == ALL else status, None if stage == ALL else stage)
    sort, descending = SORTS[sort_label]
    return filters, sort, descending


def _change(row: SellerOverviewRow) -> float | None:
    if not row.revenue_prev_30d:
        return None
    return float((row.revenue_30d - row.revenue_prev_30d) / row.revenue_prev_30d * 100)


def change_text(row: SellerOverviewRow) -> str:
    """ "+23%", "-5%", "new" (sales now, none before) or "—" (no sales in either period)."""
    change = _change(row)
    if change is not None:
        return format_percent(change, places=0, signed=True)
    return "new" if row.revenue_30d else "—"


def change_90d_text(row: SellerOverviewRow) -> str:
    """The last 90 complete days on the 90 before: "-58%", "new" (sales now, none before) or "—"."""
    if not row.revenue_prev_90d:
        return "new" if row.revenue_90d else "—"
    return format_percent(row.change_90d, places=0, signed=True)


def stage_text(row: SellerOverviewRow) -> str:
    # "inactive" covers two statuses: name the one that applies.
    return row.status.title() if row.stage == "inactive" else STAGE_LABELS.get(row.stage, row.stage)


def table_columns(rows: Sequence[SellerOverviewRow]) -> dict[str, list[object]]:
    """The table's columns (never the seller id; the masked e-mail and first sale are in the seller's detail and
    the CSV, which keeps the table within the page's width)."""
    return {
        "Seller": [r.display_name for r in rows],
        "Stage": [stage_text(r) for r in rows],
        "Revenue 30 d": [float(r.revenue_30d) for r in rows],
        "Change": [change_text(r) for r in rows],
        "90 d": [change_90d_text(r) for r in rows],
        "Listing health": [r.listing_health for r in rows],
        "Goals": [r.active_goals for r in rows],
        "Insights": [r.pending_insights for r in rows],
        "Last login": [r.last_login_at for r in rows],
    }


# Pixel widths that fit a laptop screen (1366 px with the sidebar open) without a horizontal scroll bar.
TABLE_CONFIG = {
    "Seller": st.column_config.TextColumn(width=170),
    "Stage": st.column_config.TextColumn(width=125, help="The seller's stage (see the Stage filter's help)."),
    "Revenue 30 d": st.column_config.NumberColumn(format="dollar", width=105, help="Last 30 complete days."),
    "Change": st.column_config.TextColumn(width=70, help="Revenue change against the 30 days before."),
    "90 d": st.column_config.TextColumn(
        width=60, help="Revenue change of the last 90 complete days against the 90 days before."
    ),
    "Listing health": st.column_config.ProgressColumn(
        min_value=0,
        max_value=100,
        format="%.0f",
        width=115,
        help="Average score (0–100) of the seller's published and draft listings.",
    ),
    "Goals": st.column_config.NumberColumn(width=60, help="Active goals"),
    "Insights": st.column_config.NumberColumn(width=65, help="Pending insights"),
    "Last login": st.column_config.DatetimeColumn(format="MMM D, YYYY", timezone="UTC", width=105),
}


def _table_key(filters: SellerFilters, sort: str, descending: bool, page: int) -> str:
    # A new key for every filter and page: a selection never jumps to whichever seller takes its row.
    signature = repr((filters, sort, descending, page)).encode()
    return TABLE_KEY_PREFIX + hashlib.sha1(signature, usedforsecurity=False).hexdigest()[:12]


def _load_page(filters: SellerFilters, sort: str, descending: bool) -> SellerOverviewPage:
    page = int(st.session_state.get(KEY_PAGE, 1) or 1)
    day = clock.today()
    args = (filters.search, filters.status, filters.stage, sort, descending)
    result = seller_data.overview_page(*args, page, day)
    if page > result.pages:  # sellers left since the page was chosen
        page = result.pages
        st.session_state[KEY_PAGE] = page
        result = seller_data.overview_page(*args, page, day)
    return result


@st.fragment(parallel=True)
def seller_table_section() -> None:
    st.subheader("Sellers")
    filters, sort, descending = table_filters()
    with database_errors(), st.spinner("Loading sellers…"):
        result = _load_page(filters, sort, descending)
    if result.total == 0:
        if filters == SellerFilters():
            empty_state("No sellers yet — they show here as soon as someone applies to sell.", icon=":material/group:")
        else:
            empty_state(
                "No sellers match these filters. Clear the search or choose another status or stage.",
                icon=":material/filter_alt_off:",
            )
        return
    event = st.dataframe(
        table_columns(result.rows),
        column_config=TABLE_CONFIG,
        hide_index=True,
        width="stretch",
        height="content",  # a whole page without an inner scroll bar
        on_select="rerun",
        selection_mode="single-row",
        key=_table_key(filters, sort, descending, result.page),
    )
    first = (result.page - 1) * result.page_size + 1
    pages_col, count_col, csv_col = st.columns([3, 2, 2], vertical_alignment="center")
    with pages_col:
        st.pagination(result.pages, key=KEY_PAGE)
    count_col.caption(f"Sellers {first:,}–{first + len(result.rows) - 1:,} of {result.total:,}")
    with csv_col:
        st.download_button(
            f"CSV of all {result.total:,}",
            data=seller_data.csv_download(filters, sort, descending),
            file_name=f"sellers-{clock.today().isoformat()}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            help="Every seller of the current filter and order, with masked e-mail addresses.",
        )
    selected = event.selection.rows
    if not selected:
        st.caption(":material/touch_app: Select a seller's row to see their revenue, goals, insights and listings.")
        return
    seller_detail_section(result.rows[selected[0]].seller_id)


# --------------------------------------------------------------------------- one seller


def seller_detail_section(seller_id: str) -> None:
    with database_errors():
        detail = seller_data.detail(seller_id, clock.today())
    if detail is None:
        st.warning("This seller no longer exists.", icon=":material/person_off:")
        return
    s = detail.seller
    st.divider()
    st.subheader(md(s.display_name), anchor=False)
    approved = f"approved {s.approved_at:%b %d, %Y}" if s.approved_at else "not approved"
    first_sale = f"first sale {s.first_sale_day:%b %d, %Y}" if s.first_sale_day else "no sale yet"
    last_login = f"last login {s.last_login_at:%b %d, %Y}" if s.last_login_at else "never logged in"
    st.caption(md(" · ".join((s.email_masked, f"@{s.username}", stage_text(s), approved, first_sale, last_login))))
    revenue, health, goals, insights = st.columns([1.6, 1, 1, 1])
    with revenue:
        previous = f"Previous 30 days: {format_money(s.revenue_prev_30d)}."
        change_tile("Revenue · last 30 days", format_money_compact(s.revenue_30d), _change(s), help=previous)
    with health:
        tile(
            "Listing health",
            "—" if s.listing_health is None else f"{s.listing_health:.0f} / 100",
            help=f"Average score of {format_count(s.listings_scored)} published and draft listings.",
        )
    with goals:
        tile("Active goals", format_count(s.active_goals))
    with insights:
        tile("Pending insights", format_count(s.pending_insights))
    _detail_tabs(detail)


def _detail_tabs(detail: DetailView) -> None:
    revenue_tab, goals_tab, insights_tab, listings_tab = st.tabs(
        [
            "Revenue",
            f"Goals ({len(detail.goals)})",
            f"Insights ({len(detail.insights)})",
            f"Listings ({len(detail.listings)})",
        ]
    )
    with revenue_tab:
        if any(d.revenue or d.units for d in detail.daily):
            st.altair_chart(daily_revenue_chart(detail.daily, height=240), width="stretch")
            st.caption("The last 90 complete days. Bars: revenue per day; line: 7-day average.")
        else:
            empty_state("No sale in the last 90 days.", icon=":material/bar_chart:")
    with goals_tab:
        _goal_table(detail.goals)
    with insights_tab:
        _insight_table(detail.insights)
    with listings_tab:
        _listing_table(detail.listings)


# A detail tab's column: the row's attribute of that name, or a function of the row.
Column = str | Callable[[Any], object]


def _detail_table(
    rows: Sequence[Any], columns: dict[str, Column], config: dict[str, Any], *, empty: str, icon: str
) -> None:
    """One detail tab's table, a column per (header, attribute or function); the tab's empty state without rows."""
    if not rows:
        empty_state(empty, icon=icon)
        return
    data = {header: [getattr(r, c) if isinstance(c, str) else c(r) for r in rows] for header, c in columns.items()}
    st.dataframe(data, hide_index=True, width="stretch", column_config=config)


def _goal_table(goals: Sequence[GoalLine]) -> None:
    columns: dict[str, Column] = {
        "Goal": "title",
        "Progress": "progress",
        "Current": "current",
        "Target": "target",
        "Deadline": "deadline",
        "Status": "status",
    }
    config = {
        "Goal": st.column_config.TextColumn(width="large"),
        "Progress": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f%%"),
        "Deadline": st.column_config.DateColumn(format="MMM D, YYYY"),
    }
    _detail_table(goals, columns, config, empty="This seller has not set a goal.", icon=":material/target:")


def _insight_table(insights: Sequence[InsightLine]) -> None:
    columns: dict[str, Column] = {
        "Insight": "title",
        "Type": "type",
        "Priority": "priority",
        "Status": "status",
        "Generated": "generated_at",
    }
    config = {
        "Insight": st.column_config.TextColumn(width="large"),
        "Generated": st.column_config.DatetimeColumn(format="MMM D, YYYY HH:mm", timezone="UTC"),
    }
    _detail_table(insights, columns, config, empty="No insights for this seller yet.", icon=":material/lightbulb:")


def _listing_table(listings: Sequence[ScoredListing]) -> None:
    columns: dict[str, Column] = {
        "Listing": lambda item: item.listing.title,
        "Status": lambda item: item.status.title(),
        "Score": lambda item: item.score.overall,
        "Weakest parts": lambda item: describe_weakest(weakest_dimensions(item.score)) or "—",
    }
    config = {
        "Listing": st.column_config.TextColumn(width="medium"),
        "Score": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.0f"),
        "Weakest parts": st.column_config.TextColumn(width="large"),
    }
    _detail_table(listings, columns, config, empty="No published or draft listings.", icon=":material/inventory_2:")
