"""The rows under the Operator KPIs funnels (components/admin/operator_kpis.py): what chart and table show."""

from __future__ import annotations

from datetime import timedelta

from components.admin.operator_kpis import funnel_rows
from core.analytics.funnels import FunnelResult, FunnelStep

FUNNEL = FunnelResult(
    steps=(
        FunnelStep(
            "page_view", 8, 100.0, 100.0, mean_seconds_from_previous=None, median_seconds_from_previous=None,
            label="Visit",
        ),
        FunnelStep(
            "signup", 2, 25.0, 25.0, mean_seconds_from_previous=3000.0, median_seconds_from_previous=3300.0,
            label="Sign up",
        ),
        FunnelStep(
            "purchase", 1, 12.5, 50.0, mean_seconds_from_previous=4 * 86400.0, median_seconds_from_previous=7200.0,
            label="Purchase",
        ),
    ),
    window=timedelta(days=14),
    order="ordered",
)  # fmt: skip


def test_funnel_rows_say_count_conversion_and_time_from_the_previous_step() -> None:
    first, second, third = funnel_rows(FUNNEL)
    assert first == {
        "step": "1. Visit",
        "count": 8,
        "from_first": 100.0,
        "from_previous": 100.0,
        "median": "—",  # the first step has no previous one
        "mean": "—",
        "text": "8 · 100.0% of step 1\nentered the funnel",
    }
    # 3,300 s = 55 min median; 3,000 s = 50 min mean.
    assert (second["step"], second["median"], second["mean"]) == ("2. Sign up", "55 min", "50 min")
    assert second["text"] == "2 · 25.0% of step 1\n25.0% of previous · median 55 min"
    # 7,200 s = 2.0 h; 4 days (over 48 h) read in days.
    assert (third["median"], third["mean"]) == ("2.0 h", "4.0 days")
    assert third["text"] == "1 · 12.5% of step 1\n50.0% of previous · median 2.0 h"
