"""The Performance page as a seller: the KPI tiles equal the figures worked out by hand from maya's orders (another
seller's never counted), "no ads in this period" on the ad tiles, the daily charts and the channel section; a bad
custom range shows its message next to the field and loads nothing; a seller without orders sees the empty
state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from components.seller import performance_overview as overview
from core.models import DigitalProduct, Order, SellerProfile, SellerTraffic
from tests.app.conftest import World, logged_in_app, plain
from tests.factories import add_order, add_traffic

PAGE = "pages/seller/performance.py"


@pytest.fixture(scope="module", autouse=True)
def maya_orders(world: World) -> Iterator[None]:
    """maya's orders: two in the last 30 days ($100 and $50, the $50 one refunded), one in the 30 days before ($40);
    50 visits; another seller's $500 order in the same days."""

    def moment(days_ago: int) -> datetime:
        return datetime.combine(world.today - timedelta(days=days_ago), time(12), tzinfo=UTC)

    with Session(world.engine) as session:
        planner = session.scalars(
            select(DigitalProduct).where(
                DigitalProduct.seller_id == world.maya_seller_id, DigitalProduct.title == "Budget planner"
            )
        ).one()
        theirs = session.scalars(
            select(DigitalProduct).where(DigitalProduct.seller_id == world.other_seller_id)
        ).first()
        add_order(session, product=planner, created_at=moment(1), amount="100.00", rollup=False)
        add_order(session, product=planner, created_at=moment(5), amount="50.00", refunded_at=moment(3), rollup=False)
        add_order(session, product=planner, created_at=moment(31), amount="40.00", rollup=False)
        add_order(session, product=theirs, created_at=moment(2), amount="500.00", rollup=False)
        add_traffic(session, seller=planner.seller, day=world.today - timedelta(days=1), channel="direct", visits=50)
        session.commit()
    yield
    with Session(world.engine) as session:
        session.execute(delete(Order))
        session.execute(delete(SellerTraffic))
        session.commit()


def page_as(username: str, name: str) -> AppTest:
    at = logged_in_app(username, "seller", name).run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def chart_rows(element: Any) -> list[dict[str, Any]]:
    """The rows of a chart: inline in the spec, or (Streamlit moves them there) the Arrow table beside it."""
    spec = json.loads(element.proto.spec)
    if "values" in spec.get("data", {}):
        return list(spec["data"]["values"])
    frames = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data) for d in element.proto.datasets]
    if element.proto.data.data:
        frames.append(dataframe_util.convert_arrow_bytes_to_pandas_df(element.proto.data.data))
    return [row for frame in frames for row in frame.to_dict("records")]


def tiles(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (plain(m.value), m.delta or None) for m in at.metric}


def test_tiles_for_maya(world: World) -> None:
    at = page_as("maya", "Maya Lopez")
    shown = tiles(at)
    # last 30 days: $100 + $50 (refunded 3 days ago); the 30 days before: $40; commission 15 %
    assert shown["Revenue"] == ("$150.00", "+275.0%")
    assert shown["Orders"] == ("2", "+100.0%")
    assert shown["Average order value"] == ("$75.00", "+87.5%")
    assert shown["Refunds"][0] == "$50.00"
    assert shown["Refund rate"][0] == "50.00%"
    # 150 - 22.50 commission - 4.95 fees (3.20 + 1.75) - 50 refunds; previously 40 - 6 - 1.46
    assert shown["Net profit"] == ("$72.55", "+123.0%")
    assert shown["Visits"][0] == "50"
    assert shown["Conversion rate"] == ("4.00%", None)  # no visits before: no change
    for label in ("ACOS", "ROAS", "TACOS"):
        assert shown[label] == ("—", overview.NO_ADS)
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 3 + 2  # three daily charts, the channel bars and share (+ the trend)
    revenue = chart_rows(charts[0])
    assert len(revenue) == 2 * 30  # each day of the period and the same day of the previous period
    this_period = sum(row["value"] for row in revenue if row["series"] == "This period")
    assert this_period == 150.0
    assert sum(row["value"] for row in revenue if row["series"] == "Previous period") == 40.0
    assert any("Data as of" in plain(c.value) for c in at.caption)
    assert any(s.value == "Channels" for s in at.subheader)


def test_preset_periods_change_the_tiles(world: World) -> None:
    at = page_as("maya", "Maya Lopez")
    at.segmented_control(key=overview.CHOICE_KEY).set_value("Last 7 days").run()
    assert not at.exception, at.exception
    shown = tiles(at)
    assert shown["Revenue"] == ("$150.00", None)  # nothing in the 7 days before
    at.segmented_control(key=overview.CHOICE_KEY).set_value("Last 90 days").run()
    assert tiles(at)["Revenue"][0] == "$190.00"


def test_bad_custom_range_shows_the_message_and_loads_nothing(world: World) -> None:
    at = page_as("maya", "Maya Lopez")
    at.segmented_control(key=overview.CHOICE_KEY).set_value(overview.CUSTOM).run()
    assert tiles(at)["Revenue"][0] == "$150.00"  # the default custom range is the last 30 days
    at.date_input(key=overview.START_KEY).set_value(world.today - timedelta(days=3))
    at.date_input(key=overview.END_KEY).set_value(world.today - timedelta(days=9)).run()
    assert not at.exception, at.exception
    errors = [plain(c.value) for c in at.caption if ":material/error:" in c.value]
    assert len(errors) == 1 and "is before the start" in errors[0]
    end_column = next(col for col in at.columns if any(w.key == overview.END_KEY for w in col.date_input))
    assert any("is before the start" in plain(c.value) for c in end_column.caption)
    assert len(at.metric) == 0  # nothing loaded, nothing shown
    assert not any(s.value == "Channels" for s in at.subheader)
    # today is not a complete day
    at.date_input(key=overview.START_KEY).set_value(world.today - timedelta(days=3))
    at.date_input(key=overview.END_KEY).set_value(world.today).run()
    errors = [plain(c.value) for c in at.caption if ":material/error:" in c.value]
    assert len(errors) == 1 and "at the latest" in errors[0]
    assert len(at.metric) == 0
    # a good range again
    at.date_input(key=overview.END_KEY).set_value(world.today - timedelta(days=1)).run()
    assert tiles(at)["Revenue"] == ("$100.00", "+100.0%")  # the 3 days before hold the $50 order


def test_seller_without_orders_sees_the_empty_state(world: World) -> None:
    at = page_as("noah", "Noah Kim")
    assert any("No orders in this period" in i.value for i in at.info)
    assert len(at.metric) == 0


def test_visits_without_orders_show_where_visitors_come_from(world: World) -> None:
    """noah had 7 Instagram and 3 direct visits yesterday and no order: the channel section says so and lists the
    visits, without revenue, order or conversion charts that would all be flat zeros."""
    with Session(world.engine) as session:
        noah = session.get(SellerProfile, world.noah_seller_id)
        yesterday = world.today - timedelta(days=1)
        add_traffic(session, seller=noah, day=yesterday, channel="instagram", visits=7)
        add_traffic(session, seller=noah, day=yesterday, channel="direct", visits=3)
        session.commit()
    try:
        at = page_as("noah", "Noah Kim")
        assert any("the table shows where your visitors come from" in i.value for i in at.info)
        assert len(at.get("vega_lite_chart")) == 0
        [table] = [df.value for df in at.dataframe if "Visits" in df.value.columns]
        assert list(zip(table["Channel"], table["Visits"], table["Orders"], strict=True)) == [
            ("Instagram", 7, 0),
            ("Direct", 3, 0),
        ]
    finally:
        with Session(world.engine) as session:
            session.execute(delete(SellerTraffic).where(SellerTraffic.seller_id == world.noah_seller_id))
            session.commit()
