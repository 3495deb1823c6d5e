"""How a KPI tile words a core `KpiValue`: value, change, colour and label (components/ui/kpi.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from components.ui.kpi import change_tile, kpi_delta_color, kpi_delta_text, kpi_help, kpi_label, kpi_value_text
from core.analytics.kpis import KpiValue


def kpi(fmt: str, value: object, previous: object, key: str = "k", flagged: bool = False) -> KpiValue:
    return KpiValue(key, "Label", value, previous, fmt, flagged)  # type: ignore[arg-type]


def test_counts_show_the_difference_and_the_relative_change() -> None:
    assert kpi_value_text(kpi("count", 1234, 1000)) == "1,234"
    assert kpi_delta_text(kpi("count", 1234, 1000)) == "+234 (+23.4%)"  # 234 / 1000
    assert kpi_delta_text(kpi("count", 5, 0)) == "+5"  # nothing to compare a relative change with
    assert kpi_delta_text(kpi("count", 5, None)) is None


def test_rates_change_in_percentage_points() -> None:
    # 2.5 % vs 0.5 %: +2.00 pp (two decimals under 10: the 2 % bounce alert must stay visible).
    assert kpi_value_text(kpi("percent", 2.5, 0.5)) == "2.50%"
    assert kpi_delta_text(kpi("percent", 2.5, 0.5)) == "+2.00 pp"
    assert kpi_value_text(kpi("percent", 66.67, 33.33)) == "66.7%"
    assert kpi_delta_text(kpi("percent", 66.67, 33.33)) == "+33.3 pp"  # 66.67 - 33.33 = 33.34
    assert kpi_value_text(kpi("percent", None, 10.0)) == "—"


def test_money_and_days() -> None:
    assert kpi_value_text(kpi("money", Decimal("1234.5"), Decimal("1000"))) == "$1,234.50"
    assert kpi_delta_text(kpi("money", Decimal("970"), Decimal("1000"))) == "-$30.00 (-3.0%)"
    assert kpi_value_text(kpi("money", Decimal("2190653.40"), Decimal("1000"))) == "$2,190,653"  # a big tile
    assert kpi_value_text(kpi("days", 12.5, 10.0)) == "12.5 days"
    assert kpi_delta_text(kpi("days", 7.0, 10.0)) == "-3 days"


def test_colors_follow_what_is_good() -> None:
    assert kpi_delta_color(kpi("count", 5, 3, key="new_signups")) == "normal"
    assert kpi_delta_color(kpi("percent", 3.0, 1.0, key="bounce_rate")) == "inverse"  # a rise is bad
    assert kpi_delta_color(kpi("days", 9.0, 10.0, key="median_days_to_first_sale")) == "inverse"
    assert kpi_delta_color(kpi("count", 50, 40, key="emails_sent")) == "off"
    assert kpi_delta_color(kpi("count", 4, 4, key="new_signups")) == "off"  # no change


def test_a_flagged_kpi_is_labelled_red() -> None:
    assert kpi_label(kpi("percent", 3.0, 1.0, flagged=True)) == ":red[:material/warning: Label]"
    assert kpi_label(kpi("percent", 1.0, 1.0)) == "Label"


def test_the_help_ends_with_the_previous_value() -> None:
    value = KpiValue("gmv", "GMV", Decimal("1234.5"), Decimal("1000"), "money", False, help="All paid orders.")
    assert kpi_help(value, previous_name="Previous window") == "All paid orders.\n\nPrevious window: $1,000.00."


def test_change_tile_shows_the_change_against_the_period_before(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[tuple[object, ...], dict[str, object]]] = []
    monkeypatch.setattr("components.ui.kpi.st.metric", lambda *args, **kwargs: shown.append((args, kwargs)))
    change_tile("Revenue · last 30 days", "$1,200.00", 20.0, help="Previous 30 days: $1,000.00.")
    change_tile("Units sold · last 30 days", "3", None, help="Previous 30 days: 0")  # no base: no change shown

    (label, value), first = shown[0]
    assert (label, value, first["delta"], first["delta_description"]) == (
        "Revenue · last 30 days",
        "$1,200.00",
        "+20.0%",
        "vs previous 30 days",
    )
    assert first["help"] == "Previous 30 days: $1,000.00."
    assert (shown[1][1]["delta"], shown[1][1]["delta_description"]) == (None, None)
