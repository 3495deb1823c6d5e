"""The one KPI tile: a bordered `st.metric` with its value, change and definition; and how a core `KpiValue`
(count, percent, money or days) reads on it."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import streamlit as st

from components.ui.format import format_change
from core.analytics import KpiValue
from core.money import format_money, format_money_compact, format_percent

DeltaColor = Literal["normal", "inverse", "off"]

# A rise is bad news for these (their change is drawn red when it goes up) ...
LOWER_IS_BETTER = frozenset({"bounce_rate", "median_days_to_first_sale"})
# ... and neither good nor bad for these.
NEUTRAL = frozenset({"emails_sent"})


def tile(
    label: str,
    value: str | int,
    *,
    delta: str | None = None,
    delta_description: str | None = None,
    delta_color: DeltaColor = "normal",
    delta_arrow: Literal["auto", "up", "down", "off"] = "auto",
    help: str | None = None,
    width: int | Literal["stretch", "content"] = "stretch",
    height: int | Literal["stretch", "content"] = "content",
) -> None:
    """One bordered metric tile in the current container (a column, usually); `height="stretch"` evens a row."""
    st.metric(
        label,
        value,
        delta=delta,
        delta_color=delta_color,
        delta_arrow=delta_arrow,
        delta_description=delta_description if delta is not None else None,
        help=help,
        border=True,
        width=width,
        height=height,
    )


PREVIOUS_30_DAYS = "vs previous 30 days"


def change_tile(
    label: str, value: str, change: float | Decimal | None, *, help: str, compared_with: str = PREVIOUS_30_DAYS
) -> None:
    """A tile whose delta is the percent change against the period before (none when there is no base)."""
    tile(label, value, delta=format_change(change), delta_description=compared_with, help=help)


# --------------------------------------------------------------------------- a core KpiValue on a tile


def _places(value: float | Decimal) -> int:
    # Small rates need the second decimal: a 2.04 % bounce rate is over the 2 % alert, "2.0%" would hide it.
    return 2 if abs(value) < 10 else 1


def kpi_value_text(kpi: KpiValue) -> str:
    """The tile's value: "1,234", "12.5%", "2.04%", "$1,234.50", "12 days"; "—" when nothing to measure."""
    value = kpi.value
    if value is None:
        return "—"
    if kpi.format == "count":
        return f"{int(value):,}"
    if kpi.format == "percent":
        return format_percent(value, places=_places(value))
    if kpi.format == "money":
        return format_money_compact(value)
    return f"{float(value):g} days"


def kpi_delta_text(kpi: KpiValue) -> str | None:
    """The change against the previous window: "+12 (+5.0%)", "-$30.00 (-2.5%)", "+1.25 pp", "-3 days"."""
    change = kpi.change
    if change is None:
        return None
    relative = f" ({format_percent(kpi.change_pct, signed=True)})" if kpi.change_pct is not None else ""
    if kpi.format == "count":
        return f"{int(change):+,}{relative}"
    if kpi.format == "percent":
        return f"{change:+.{_places(change)}f} pp"
    if kpi.format == "money":
        sign = "-" if change < 0 else "+"
        return f"{sign}{format_money(abs(Decimal(str(change))))}{relative}"
    return f"{float(change):+g} days"


def kpi_delta_color(kpi: KpiValue) -> DeltaColor:
    if kpi.change is None or kpi.change == 0 or kpi.key in NEUTRAL:
        return "off"
    return "inverse" if kpi.key in LOWER_IS_BETTER else "normal"


def kpi_label(kpi: KpiValue) -> str:
    """The tile's label; red with a warning sign when core flagged the value (bounce rate over 2 %)."""
    return f":red[:material/warning: {kpi.label}]" if kpi.flagged else kpi.label


def kpi_help(kpi: KpiValue, *, previous_name: str) -> str:
    previous = kpi_value_text(KpiValue(kpi.key, kpi.label, kpi.previous, None, kpi.format))
    return f"{kpi.help}\n\n{previous_name}: {previous}."


def kpi_tile(kpi: KpiValue, *, previous_name: str, delta_description: str | None = None) -> None:
    """One `KpiValue` on a tile: value, coloured change, and the definition in the help tooltip."""
    tile(
        kpi_label(kpi),
        kpi_value_text(kpi),
        delta=kpi_delta_text(kpi),
        delta_color=kpi_delta_color(kpi),
        delta_arrow="off" if kpi.change == 0 else "auto",
        delta_description=delta_description,
        help=kpi_help(kpi, previous_name=previous_name),
    )
