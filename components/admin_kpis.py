"""KPI tiles of the admin pages (value, change and definition of a core `KpiValue`) and the Operator KPIs page:
the today | 7d | 28d strip with traffic by source, and the learner and creator funnels side by side.

Each section is a parallel fragment: the 28-day KPIs (seconds on millions of events) and the funnels load at
the same time, and changing one section's controls reruns only that section. Results are cached briefly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import streamlit as st

from components import data
from components.admin_charts import format_percent, funnel_chart, funnel_rows, traffic_chart
from components.format import format_metric_money, format_money
from core.analytics.funnels import CREATOR_FUNNEL, LEARNER_FUNNEL, FunnelResult, funnel_for
from core.analytics.kpis import BOUNCE_RATE_ALERT_PERCENT, KpiValue, OperatorKpis, operator_kpis
from core.config import get_settings
from core.db import session_scope, utcnow

WINDOW_LABELS = {"today": "Today", "7d": "7 days", "28d": "28 days"}
# How long a window's figures may be reused: "today" moves by the minute, 28 days hardly within ten.
KPI_TTL_SECONDS = {"today": 60, "7d": 300, "28d": 600}
FUNNEL_TTL_SECONDS = 600
FUNNEL_DAYS = 28
CONVERSION_WINDOWS = (7, 14, 21, 28)
# A rise is bad news for these (their change is drawn red when it goes up) ...
LOWER_IS_BETTER = frozenset({"bounce_rate", "median_days_to_first_sale"})
# ... and neither good nor bad for these.
NEUTRAL = frozenset({"emails_sent"})
STRIP_GROUPS = (
    ("Growth", ("new_signups", "new_creator_signups", "learner_activation", "creator_activation")),
    ("Money", ("gmv", "platform_revenue", "paying_buyers", "aov")),
    ("E-mail", ("emails_sent", "bounce_rate")),
)
KEY_WINDOW = "ok_window"
KEY_RANGE = "ok_funnel_range"
KEY_CONVERSION = "ok_funnel_window"


def clock() -> datetime:
    """Now, for every figure on the admin pages (one seam, so tests can pin the time)."""
    return utcnow()


def local_today() -> date:
    """Today in APP_TIMEZONE, by `clock()`."""
    return clock().astimezone(get_settings().timezone).date()


# --------------------------------------------------------------------------- one KPI tile


def _decimals(value: float | Decimal) -> int:
    # Small rates need the second decimal: a 2.04 % bounce rate is over the 2 % alert, "2.0 %" would hide it.
    return 2 if abs(value) < 10 else 1


def kpi_value_text(kpi: KpiValue) -> str:
    """The tile's value: "1,234", "12.5 %", "2.04 %", "$1,234.50", "12 days"; "—" when nothing to measure."""
    value = kpi.value
    if value is None:
        return "—"
    if kpi.format == "count":
        return f"{int(value):,}"
    if kpi.format == "percent":
        return f"{value:.{_decimals(value)}f} %"
    if kpi.format == "money":
        return format_metric_money(Decimal(str(value)))
    return f"{float(value):g} days"


def kpi_delta_text(kpi: KpiValue) -> str | None:
    """The change against the previous window: "+12 (+5.0%)", "-$30.00 (-2.5%)", "+1.25 pp", "-3 days"."""
    change = kpi.change
    if change is None:
        return None
    relative = f" ({kpi.change_pct:+.1f}%)" if kpi.change_pct is not None else ""
    if kpi.format == "count":
        return f"{int(change):+,}{relative}"
    if kpi.format == "percent":
        return f"{change:+.{_decimals(change)}f} pp"
    if kpi.format == "money":
        sign = "-" if change < 0 else "+"
        return f"{sign}{format_money(abs(Decimal(str(change))))}{relative}"
    return f"{float(change):+g} days"


def kpi_delta_color(kpi: KpiValue) -> str:
    if kpi.change is None or kpi.change == 0 or kpi.key in NEUTRAL:
        return "off"
    return "inverse" if kpi.key in LOWER_IS_BETTER else "normal"


def kpi_label(kpi: KpiValue) -> str:
    """The tile's label; red with a warning sign when core flagged the value (bounce rate over 2 %)."""
    return f":red[:material/warning: {kpi.label}]" if kpi.flagged else kpi.label


def kpi_help(kpi: KpiValue, *, previous_name: str) -> str:
    previous = kpi_value_text(KpiValue(kpi.key, kpi.label, kpi.previous, None, kpi.format))
    return f"{kpi.help}\n\n{previous_name}: {previous}."


def kpi_metric(kpi: KpiValue, *, previous_name: str, delta_description: str | None = None) -> None:
    """One `st.metric` tile: value, coloured change, and the definition in the help tooltip."""
    delta = kpi_delta_text(kpi)
    st.metric(
        kpi_label(kpi),
        kpi_value_text(kpi),
        delta=delta,
        delta_color=kpi_delta_color(kpi),  # type: ignore[arg-type]
        delta_arrow="off" if kpi.change == 0 else "auto",
        delta_description=delta_description if delta is not None else None,
        help=kpi_help(kpi, previous_name=previous_name),
        border=True,
    )


# --------------------------------------------------------------------------- cached reads


@st.cache_data(ttl=max(KPI_TTL_SECONDS.values()), show_spinner=False)
def _operator_kpis(window: str, freshness: int) -> OperatorKpis:
    # `freshness` changes every KPI_TTL_SECONDS[window]: it ends a cached answer early for the short windows.
    with session_scope() as session:
        return operator_kpis(session, window=window, now=clock())


def load_operator_kpis(window: str) -> OperatorKpis:
    return _operator_kpis(window, int(clock().timestamp() // KPI_TTL_SECONDS[window]))


@st.cache_data(ttl=FUNNEL_TTL_SECONDS, show_spinner=False)
def load_funnel(name: str, first_day: date, last_day: date, conversion_days: int) -> FunnelResult:
    """The funnel of the people who entered between the starts of `first_day` and the end of `last_day`."""
    tz = get_settings().timezone
    start = datetime.combine(first_day, time.min, tzinfo=tz)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz) - timedelta(microseconds=1)
    with session_scope() as session:
        return funnel_for(session, name=name, start=start, end=end, window=timedelta(days=conversion_days))


# --------------------------------------------------------------------------- the KPI strip


def _window_caption(result: OperatorKpis) -> str:
    tz = get_settings().timezone
    start, end = result.current.start.astimezone(tz), result.current.end.astimezone(tz)
    if result.window == "today":
        return (
            f"Today since midnight, as of {end:%H:%M} ({tz.key}), compared with yesterday up to the same time. "
            f"Refreshed every minute."
        )
    days = WINDOW_LABELS[result.window]
    return (
        f"The last {days} ({start:%b %d %H:%M} – {end:%b %d %H:%M} {tz.key}), compared with the {days} before. "
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
                kpi_metric(kpi, previous_name=previous_name)
    bounce = result.kpis.get("bounce_rate")
    if result.email_alert and bounce is not None:
        st.error(
            f"E-mail bounce rate is {kpi_value_text(bounce)}, above the {BOUNCE_RATE_ALERT_PERCENT} % limit: "
            "check the sending domain and remove addresses that bounce before the next campaign.",
            icon=":material/mark_email_unread:",
        )


def traffic_section(result: OperatorKpis) -> None:
    st.subheader("Traffic by source")
    if not result.traffic:
        st.info("No page views in this window yet — traffic by source shows here once visitors arrive.")
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
    with data.database_errors(), st.spinner(f"Counting the events of the last {WINDOW_LABELS[window].lower()}…"):
        result = load_operator_kpis(window)
    kpi_strip(result)
    traffic_section(result)


# --------------------------------------------------------------------------- the funnels


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
        st.info("Nobody entered this funnel in the chosen dates. Widen the date range.", icon=":material/filter_alt:")
        return
    st.altair_chart(funnel_chart(result), width="stretch")
    last = result.steps[-1]
    st.caption(f"{format_percent(last.conversion_from_first, decimals=2)} of those who entered reached “{last.label}”.")
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
    today = local_today()
    st.subheader("Funnels")
    dates_column, window_column = st.columns([2, 3])
    with dates_column:
        dates = _funnel_dates(today)
    with window_column:
        conversion_days = st.segmented_control(
            "Conversion window",
            options=list(CONVERSION_WINDOWS),
            format_func=lambda d: f"{d} days",
            default=14,
            required=True,
            key=KEY_CONVERSION,
            help="How long after the visit the later steps may happen and still count.",
        )
    if dates is None:
        return
    first_day, last_day = dates
    with data.database_errors(), st.spinner("Following every visitor through the funnels…"):
        learner = load_funnel(LEARNER_FUNNEL.name, first_day, last_day, conversion_days)
        creator = load_funnel(CREATOR_FUNNEL.name, first_day, last_day, conversion_days)
    left, right = st.columns(2, gap="large")
    with left:
        _one_funnel(LEARNER_FUNNEL.title, learner)
    with right:
        _one_funnel(CREATOR_FUNNEL.title, creator)
    if last_day >= today - timedelta(days=conversion_days):
        st.caption(
            f"People who entered in the last {conversion_days} days may still convert: their later steps "
            "are counted as far as they have happened."
        )
