"""The System health page's widgets (seed 004 §9): the strip of checks (colour, value, threshold and what it
measures), a chart per check over the last 7 days, and the recent-errors log (error events and failed job runs,
with their details)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components.charts.health import health_chart
from components.data import database_errors
from components.data.health import HEALTH_TTL_SECONDS, HealthPage, load_health
from components.ui.empty import empty_state
from components.ui.format import format_local
from components.ui.text import md
from core.ops.health import GREEN, RED, YELLOW, HealthCheck
from core.ops.health_history import RecentError

# Streamlit's Markdown colours, and a word beside each so the colour is never the only signal.
COLOURS = {GREEN: ("green", "OK"), YELLOW: ("orange", "Warning"), RED: ("red", "Problem")}
CHECKS_PER_ROW = 4
CHARTS_PER_ROW = 2


def colour_label(colour: str) -> str:
    """`:red[● Problem]`: the check's colour as a dot and a word (Markdown)."""
    name, word = COLOURS[colour]
    return f":{name}[● {word}]"


def summary_line(checks: Sequence[HealthCheck]) -> str:
    """`2 problems, 1 warning, 8 OK` (plain text)."""
    counts = {c: sum(1 for x in checks if x.colour == c) for c in (RED, YELLOW, GREEN)}
    parts = []
    if counts[RED]:
        parts.append(f"{counts[RED]} problem{'' if counts[RED] == 1 else 's'}")
    if counts[YELLOW]:
        parts.append(f"{counts[YELLOW]} warning{'' if counts[YELLOW] == 1 else 's'}")
    parts.append(f"{counts[GREEN]} OK")
    return ", ".join(parts)


def check_tile(check: HealthCheck) -> None:
    with st.container(border=True):
        st.markdown(f"{colour_label(check.colour)} **{md(check.label)}**")
        st.markdown(f"#### {md(check.value_text)}")
        st.caption(md(check.definition))
        st.caption(md(f"Thresholds: {check.threshold_text}."))
        for line in check.details:
            st.caption(md(line))


def health_strip(page: HealthPage) -> None:
    st.markdown(f"**{md(summary_line(page.checks))}**")
    checks = list(page.checks)
    for start in range(0, len(checks), CHECKS_PER_ROW):
        for column, check in zip(st.columns(CHECKS_PER_ROW), checks[start : start + CHECKS_PER_ROW], strict=False):
            with column:
                check_tile(check)


def health_charts(page: HealthPage) -> None:
    st.subheader("The last 7 days")
    st.caption("Hourly or daily, in UTC; a dashed line marks a check's threshold.")
    checks = list(page.checks)
    for start in range(0, len(checks), CHARTS_PER_ROW):
        for column, check in zip(st.columns(CHARTS_PER_ROW), checks[start : start + CHARTS_PER_ROW], strict=False):
            series = page.series.get(check.key)
            with column:
                st.markdown(f"**{md(check.label)}**")
                if series is None or not series.points:
                    st.caption(md(series.note if series and series.note else "Nothing to draw."))
                    continue
                st.altair_chart(health_chart(series, title=check.label), width="stretch")


def errors_frame(errors: Sequence[RecentError]) -> pd.DataFrame:
    rows = [
        {"When": format_local(e.at, "%b %d, %H:%M:%S"), "What": e.kind, "Where": e.source, "Message": e.message}
        for e in errors
    ]
    return pd.DataFrame(rows, columns=["When", "What", "Where", "Message"])


def recent_errors_log(errors: Sequence[RecentError]) -> None:
    st.subheader("Recent errors")
    if not errors:
        empty_state("No error events and no failed job runs.", icon=":material/check_circle:", good_news=True)
        return
    st.caption("The latest error events and failed job runs, newest first. Open one for its details.")
    st.dataframe(errors_frame(errors), hide_index=True, width="stretch")
    for error in errors:
        with st.expander(md(f"{format_local(error.at, '%b %d, %H:%M:%S')} · {error.kind} · {error.message[:80]}")):
            st.code(json.dumps(error.details, indent=2, default=str, ensure_ascii=False), language="json")


def system_health_page() -> None:
    """The whole page below its title: the strip, the charts and the log (one cached read)."""
    with database_errors(), st.spinner("Checking the system…"):
        page = load_health()
    health_strip(page)
    st.caption(f"Measured at most {HEALTH_TTL_SECONDS} seconds ago; reload the page to measure again.")
    st.divider()
    health_charts(page)
    st.divider()
    recent_errors_log(page.errors)
