"""Seller Home (AppTest): below the 30-day tiles, "Last 12 months" shows the 12 complete months as bars (the hand
sums) and, for a seller far below her peak, states the decline in a warning even while the 30-day tile is green;
a growing seller gets no warning.

The clock is pinned at 2026-11-21 12:00 UTC (APP_TIMEZONE UTC): the 12 complete months are Nov 2025 – Oct 2026;
the last 90 complete days Aug 23 – Nov 20, 2026; the last 30 Oct 22 – Nov 20, the 30 before Sep 22 – Oct 21.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from tests.app.conftest import World, logged_in_app, pin_clock, plain
from tests.factories import add_revenue, make_product, make_seller

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
# One sale on the 10th of each month. Dora (first sale January 2026, so under a year of history): falling from
# $3,000 to $200; November's $216 against October's $200 makes her 30-day tile read +8%.
DORA = {1: "3000", 2: "2500", 3: "2000", 4: "1500", 5: "1000", 6: "800", 7: "600", 8: "400", 9: "300", 10: "200"}
# Gus (first sale December 2025): growing by $50 a month, October his best.
GUS = {12: "100", **{m: str(100 + 50 * m) for m in range(1, 11)}}
DORA_MONTHS = [0, 0, 3000, 2500, 2000, 1500, 1000, 800, 600, 400, 300, 200]  # Nov 2025 … Oct 2026
GUS_MONTHS = [0, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600]


def _sales(session: Session, username: str, name: str, months: dict[int, str]) -> None:
    seller = make_seller(session, username=username, name=name)
    product = make_product(session, seller=seller, title=f"{name}'s planner")
    for month, revenue in months.items():
        year = 2025 if month == 12 else 2026
        add_revenue(session, product=product, day=date(year, month, 10), revenue=revenue, units=1)


@pytest.fixture(scope="module", autouse=True)
def trend_sellers(world: World) -> Iterator[None]:
    with Session(world.engine) as s:
        _sales(s, "dora", "Dora Down", {**DORA, 11: "216"})
        _sales(s, "gus", "Gus Grows", GUS)
        s.commit()
    yield


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_clock(monkeypatch, NOW)


def open_home(username: str, name: str) -> AppTest:
    at = logged_in_app(username, "seller", name).run()
    assert not at.exception, at.exception
    return at


def chart_months(at: AppTest) -> list[tuple[str, float, str]]:
    """(month, revenue, kind) of the 12-month chart: the Vega-Lite chart whose rows have a month (Streamlit hands
    the chart's rows over as an Arrow table beside the spec)."""
    for element in at.get("vega_lite_chart"):
        frame = dataframe_util.convert_arrow_bytes_to_pandas_df(element.proto.data.data)
        if "month" in frame.columns:
            return [
                (str(m), float(r), str(k))
                for m, r, k in zip(frame["month"], frame["revenue"], frame["kind"], strict=True)
            ]
    raise AssertionError("no 12-month chart")


def test_a_declining_seller_reads_the_decline_next_to_a_green_30_day_tile() -> None:
    at = open_home("dora", "Dora Down")
    revenue = next(m for m in at.metric if m.label == "Revenue · last 30 days")
    assert "8" in revenue.delta  # $216 against $200: the tile alone would say all is well
    assert "Last 12 months" in [h.value for h in at.subheader]
    (warning,) = at.warning
    # Last month $200 of January's $3,000: 93% below. Best 90 days: Nov 26 – Feb 23 = $3,000 + $2,500 = $5,500;
    # the last 90: $300 + $200 + $216 = $716, 87% less (716 < 60% of 5,500: declining).
    assert plain(warning.value) == (
        "Revenue is 93% below its January peak: the last 90 days brought $716.00, 87% less than your best 90 days."
    )
    months = chart_months(at)
    assert [m for m, _, _ in months] == [f"{y}-{m:02d}-01" for y, m in [(2025, 11), (2025, 12)]] + [
        f"2026-{m:02d}-01" for m in range(1, 11)
    ]
    assert [r for _, r, _ in months] == DORA_MONTHS
    assert [m for m, _, kind in months if kind == "Best month"] == ["2026-01-01"]
    assert any("Total: $12,300.00" in plain(c.value) for c in at.caption)


def test_a_growing_seller_gets_no_warning() -> None:
    at = open_home("gus", "Gus Grows")
    assert not at.warning
    assert any(plain(c.value) == "Revenue is at its 12-month high: October was your best month." for c in at.caption)
    months = chart_months(at)
    assert [r for _, r, _ in months] == GUS_MONTHS
    assert [m for m, _, kind in months if kind == "Best month"] == ["2026-10-01"]
