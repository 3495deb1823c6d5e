"""How the admin pages word KPI values, changes and durations (pure helpers of components/admin_*)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from components.admin_charts import format_duration
from components.admin_kpis import kpi_delta_color, kpi_delta_text, kpi_label, kpi_value_text
from core.analytics.kpis import KpiValue


def kpi(fmt: str, value: object, previous: object, key: str = "k", flagged: bool = False) -> KpiValue:
    return KpiValue(key, "Label", value, previous, fmt, flagged)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0, "0 s"),
        (59.4, "59 s"),
        (60, "1 min"),
        (55 * 60, "55 min"),
        (3600, "1.0 h"),
        (47.9 * 3600, "47.9 h"),
        (48 * 3600, "2.0 days"),
        (8 * 86400 - 7200, "7.9 days"),  # 8 days - 2 h = 7.917 days
    ],
)
def test_durations_read_in_human_units(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


def test_counts_show_the_difference_and_the_relative_change() -> None:
    assert kpi_value_text(kpi("count", 1234, 1000)) == "1,234"
    assert kpi_delta_text(kpi("count", 1234, 1000)) == "+234 (+23.4%)"  # 234 / 1000
    assert kpi_delta_text(kpi("count", 5, 0)) == "+5"  # nothing to compare a relative change with
    assert kpi_delta_text(kpi("count", 5, None)) is None


def test_rates_change_in_percentage_points() -> None:
    # 2.5 % vs 0.5 %: +2.00 pp (two decimals under 10: the 2 % bounce alert must stay visible).
    assert kpi_value_text(kpi("percent", 2.5, 0.5)) == "2.50 %"
    assert kpi_delta_text(kpi("percent", 2.5, 0.5)) == "+2.00 pp"
    assert kpi_value_text(kpi("percent", 66.67, 33.33)) == "66.7 %"
    assert kpi_delta_text(kpi("percent", 66.67, 33.33)) == "+33.3 pp"  # 66.67 - 33.33 = 33.34
    assert kpi_value_text(kpi("percent", None, 10.0)) == "—"


def test_money_and_days() -> None:
    assert kpi_value_text(kpi("money", Decimal("1234.5"), Decimal("1000"))) == "$1,234.50"
    assert kpi_delta_text(kpi("money", Decimal("970"), Decimal("1000"))) == "-$30.00 (-3.0%)"
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
