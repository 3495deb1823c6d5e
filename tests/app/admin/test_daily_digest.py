"""Admin Home's daily digest section (AppTest, drawn alone): the empty state before the job ran, then the newest
stored digest — summary, metrics table, top product and the three lists — with data text shown as typed (a link
or an icon directive in a text stays text)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import streamlit as st
from sqlalchemy import delete
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from core.models import DailyDigest
from tests.app.conftest import RUN_TIMEOUT, World, pin_clock, plain

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SUMMARY = "Revenue $400.00 [click](https://evil.example) :red[alarm]"
METRICS = [
    {"key": "revenue", "label": "Revenue", "value": "$400.00", "previous": "$300.00", "change": "+33.3%"},
    {"key": "orders", "label": "Orders", "value": "8", "previous": "6", "change": "+33.3%"},
]


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, world: World) -> Iterator[None]:
    pin_clock(monkeypatch, NOW)
    st.cache_data.clear()
    yield
    with Session(world.engine) as session:
        session.execute(delete(DailyDigest))
        session.commit()


def section() -> None:
    from components.admin.daily_digest import render_daily_digest
    from components.data import clock, use_database
    from components.data.daily_digest import load_latest_digest
    from core.config import get_settings

    use_database(get_settings().database_url)
    render_daily_digest(load_latest_digest(clock.today()))


def test_empty_before_the_first_digest() -> None:
    at = AppTest.from_function(section, default_timeout=RUN_TIMEOUT).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "No daily digest yet: the daily-digest job writes one every morning at 08:00 about the day before."
    ]


def test_the_newest_digest_with_data_text_as_typed(world: World) -> None:
    with Session(world.engine) as session:
        for day, summary in (
            (date(2026, 11, 19), "Older"),
            (date(2026, 11, 20), SUMMARY),
            (date(2026, 11, 21), "Today"),
        ):
            content = {
                "metrics": METRICS,
                "top_product": "“Budget **planner**”, $300.00 from 3 sales",
                "highlights": ["Orders up 33.3%"],
                "concerns": [],
                "recommendations": ["Feature it", "Watch [here](https://x.example)"],
                "engine_label": "Written by the offline engine (no API key)",
            }
            session.add(DailyDigest(day=day, engine="offline", summary=summary, content=content,
                                    created_at=datetime(2026, 11, 21, 8, 0, tzinfo=UTC)))  # fmt: skip
        session.commit()
    at = AppTest.from_function(section, default_timeout=RUN_TIMEOUT).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Daily digest"]
    assert [plain(c.value) for c in at.caption] == [
        "Friday Nov 20, 2026 · Written by the offline engine (no API key) · composed Nov 21, 08:00"
    ]
    texts = [plain(m.value) for m in at.markdown]
    assert texts == [
        SUMMARY,  # the newest day before today, as typed: no link, no colour
        "**Top product:** “Budget **planner**”, $300.00 from 3 sales",
        "**Highlights**",
        "- Orders up 33.3%",
        "**Concerns**",
        "None today.",
        "**Recommendations**",
        "- Feature it\n- Watch [here](https://x.example)",
    ]
    raw = [m.value for m in at.markdown]
    assert "[click]" not in raw[0] and "**planner**" not in raw[1]  # escaped in the source
    table = at.dataframe[0].value
    assert list(table.columns) == ["Metric", "Nov 20, 2026", "Nov 13, 2026", "Change"]
    assert table.values.tolist() == [["Revenue", "$400.00", "$300.00", "+33.3%"], ["Orders", "8", "6", "+33.3%"]]
