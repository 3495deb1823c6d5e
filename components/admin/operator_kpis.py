"""The Operator KPIs page: the today | 7d | 28d strip of KPI tiles with traffic by source, and the learner and
creator funnels side by side.

Each section is a parallel fragment: the KPIs (read from the hourly roll-ups, with how fresh they are) and the
funnels load at the same time, and changing one section's controls reruns only that section. Results are cached
briefly (`components.data.analytics`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import streamlit as st

from components.admin.rollup_freshness import rollup_freshness
from components.charts.kpis import funnel_chart, traffic_chart
from components.data import clock, database_errors
from components.data.analytics import load_funnel, load_operator_kpis, load_rollup_state
from components.ui.empty import empty_state
from components.ui.format import format_count, format_duration
from components.ui.kpi import kpi_tile, kpi_value_text
from components.ui.text import md
from core.analytics import BOUNCE_RATE_ALERT_PERCENT, CREATOR_FUNNEL, LEARNER_FUNNEL, FunnelResult, OperatorKpis
from core.config import get_settings
from core.money import format_percent

WINDOW_LABELS = {"today": "Today", "7d": "7 days", "28d": "28 days"}
FUNNEL_DAYS = 28
CONVERSION_WINDOWS = (7, 14, 21, 28)
STRIP_GROUPS = (
    ("Growth", ("new_signups", "new_creator_signups", "learner_activation", "creator_activation")),
    ("Money", ("gmv", "platform_revenue", "paying_buyers", "aov")),
    ("E-mail", ("emails_sent", "bounce_rate")),
)
KEY_WINDOW = "ok_window"
KEY_RANGE = "ok_funnel_range"
KEY_CONVERSION = "ok_funnel_window"


# --------------------------------------------------------------------------- the KPI strip


def _window_caption(result: OperatorKpis) -> str:
    tz = get_settings().timezone
    start, end = result.current.start.astimezone(tz), result.current.end.astimezone(tz)
    if result.window == "today":
        return (
            f"Today since midnight, as of {end:%H:%M} ({md(tz.key)}), compared with yesterday up to the same time. "
            f"Refreshed every minute."
        )
    days = WINDOW_LABELS[result.window]
    return (
        f"The last {days} ({start:%b %d %H:%M} – {end:%b %d %H:%M} {md(tz.key)}), compared with the {days} before. "
        "Activation rates count conversions so far: the newest sign-ups have had less time to convert."
    )


def kpi_strip(result: OperatorKpis) -> None:
    previous_name = "Yesterday, same hours" if result.window == "today" else "Previous window"
    st.caption(_window_caption(result))
    placed = {key for _, keys in STRIP_GROUPS for key in keys}
    groups = [*STRIP_GROUPS, ("More", tuple(k for k in result.kpis if k not in placed))]
    for title, keys in groups:
        present = [result.kpis[k] for k in keys if k in result.kpis]
        if not present:
            continue
        st.markdown(f"**{title}**")
        for column, kpi in zip(st.columns(4), present, strict=False):
            with column:
                # No "vs previous …" under each change: a quarter of the page is too narrow for it, and the
                # caption above says what every change compares with.
                kpi_tile(kpi, previous_name=previous_name)
    bounce = result.kpis.get("bounce_rate")
    if result.email_alert and bounce is not None:
        st.error(
            f"E-mail bounce rate is {kpi_value_text(bounce)}, above the "
            f"{format_percent(BOUNCE_RATE_ALERT_PERCENT, places=0)} limit: "
            "check the sending domain and remove addresses that bounce before the next campaign.",
            icon=":material/mark_email_unread:",
        )


def traffic_section(result: OperatorKpis) -> None:
    st.subheader("Traffic by source")
    if not result.traffic:
        empty_state("No page views in this window yet — traffic by source shows here once visitors arrive.")
        return
    st.altair_chart(traffic_chart(result.traffic), width="stretch")
    st.caption(
        "Share of visit sessions per source in this window (bars) and in the previous one (dark ticks). "
        "Each session counts once, for the source it came from."
    )


@st.fragment(parallel=True)
def operator_kpi_section() -> None:
    window = st.segmented_control(
        "Time window",
        options=list(WINDOW_LABELS),
        format_func=WINDOW_LABELS.__getitem__,
        default="7d",
        required=True,
        key=KEY_WINDOW,
    )
    with database_errors(), st.spinner(f"Counting the events of the last {WINDOW_LABELS[window].lower()}…"):
        result = load_operator_kpis(window)
        state = load_rollup_state()
    kpi_strip(result)
    rollup_freshness(state, clock.now())
    traffic_section(result)


# --------------------------------------------------------------------------- the funnels


def funnel_rows(result: FunnelResult) -> list[dict[str, object]]:
    """One plain row per step: what the funnel chart draws and its table lists."""
    rows = []
    for i, step in enumerate(result.steps, start=1):
        first_line = f"{step.count:,} · {format_percent(step.conversion_from_first)} of step 1"
        second_line = (
            f"{format_percent(step.conversion_from_previous)} of previous · median "
            f"{format_duration(step.median_seconds_from_previous)}"
            if i > 1
            else "entered the funnel"
        )
        rows.append(
            {
                "step": f"{i}. {step.label}",
                "count": step.count,
                "from_first": step.conversion_from_first,
                "from_previous": step.conversion_from_previous,
                "median": format_duration(step.median_seconds_from_previous) if i > 1 else "—",
                "mean": format_duration(step.mean_seconds_from_previous) if i > 1 else "—",
                "text": f"{first_line}\n{second_line}",
            }
        )
    return rows


def funnel_table(result: FunnelResult) -> None:
    """The exact numbers under a funnel chart, narrow enough for half a laptop screen."""
    rows = funnel_rows(result)
    st.dataframe(
        {
            "Step": [r["step"] for r in rows],
            "People": [r["count"] for r in rows],
            "% of step 1": [r["from_first"] for r in rows],
            "% of prev.": [r["from_previous"] for r in rows],
            "Median": [r["median"] for r in rows],
        },
        hide_index=True,
        width="stretch",
        column_config={
            "Step": st.column_config.TextColumn(width=130),
            "People": st.column_config.NumberColumn(format="localized", width=65),
            "% of step 1": st.column_config.NumberColumn(format="%.2f %%", width=80),
            "% of prev.": st.column_config.NumberColumn(format="%.2f %%", width=75, help="% of the previous step"),
            "Median": st.column_config.TextColumn(
                width=65, help="Median time from the previous step (the mean is in the chart's tooltip)."
            ),
        },
    )


def _one_funnel(title: str, result: FunnelResult) -> None:
    st.markdown(f"**{title}**")
    if not result.steps or result.steps[0].count == 0:
        empty_state(
            "Nobody entered this funnel in the chosen dates. Widen the date range.", icon=":material/filter_alt:"
        )
        return
    st.altair_chart(funnel_chart(funnel_rows(result)), width="stretch")
    last = result.steps[-1]
    st.caption(
        f"{format_percent(last.conversion_from_first, places=2)} of those who entered reached “{md(last.label)}”."
    )
    funnel_table(result)


def _funnel_dates(today: date) -> tuple[date, date] | None:
    chosen = st.date_input(
        "People who entered between",
        value=(today - timedelta(days=FUNNEL_DAYS - 1), today),
        max_value=today,
        key=KEY_RANGE,
        help="Step 1 (the visit) must fall in these dates; the later steps may come after them, within the "
        "conversion window.",
    )
    if isinstance(chosen, Sequence) and len(chosen) == 2:
        return chosen[0], chosen[1]
    st.info("Pick the last day of the range too.", icon=":material/date_range:")
    return None


@st.fragment(parallel=True)
def funnel_section() -> None:
    today = clock.today()
    st.subheader("Funnels")
    dates_column, window_column = st.columns([2, 3])
    with dates_column:
        dates = _funnel_dates(today)
    with window_column:
        conversion_days = st.segmented_control(
            "Conversion window",
            options=list(CONVERSION_WINDOWS),
            format_func=lambda d: f"{format_count(d)} days",
            default=14,
            required=True,
            key=KEY_CONVERSION,
            help="How long after the visit the later steps may happen and still count.",
        )
    if dates is None:
        return
    first_day, last_day = dates
    with database_errors(), st.spinner("Following every visitor through the funnels…"):
        learner = load_funnel(LEARNER_FUNNEL.name, first_day, last_day, conversion_days)
        creator = load_funnel(CREATOR_FUNNEL.name, first_day, last_day, conversion_days)
    left, right = st.columns(2, gap="large")
    with left:
        _one_funnel(LEARNER_FUNNEL.title, learner)
    with right:
        _one_funnel(CREATOR_FUNNEL.title, creator)
    if last_day >= today - timedelta(days=conversion_days):
        st.caption(
            f"People who entered in the last {format_count(conversion_days)} days may still convert: their later steps "
            "are counted as far as they have happened."
        )
