"""Admin Benchmarks page (AppTest): the table equals `list_benchmarks`, an edited override is saved with who/when,
a bad value shows its message and writes nothing, clearing works, "Recalculate now" reports, sellers can't get in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.admin.benchmarks import row_label
from core.config import get_settings
from core.market.benchmarks import recalculate_benchmarks
from core.market.queries import list_benchmarks
from core.models import DigitalProductType, JobRun, MarketBenchmark, SellerProfile, User
from tests.app.conftest import World, logged_in_app, pin_clock, plain
from tests.factories import make_category, make_product

PAGE = "pages/admin/benchmarks.py"
EDITOR = "bench_admin_editor_0"
# A fixed clock for "Recalculate now", so a repeated press lands in the same minute on any machine.
FIXED_NOW = datetime(2026, 11, 21, 15, 0, 20, tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def benchmark_world(world: World) -> Iterator[None]:
    """Planners: five EBOOKs at 10, 12, 14, 16, 18 and two COURSEs (a thin sample); then the benchmarks."""
    with Session(world.engine) as session:
        maya = session.get(SellerProfile, world.maya_seller_id)
        other = session.get(SellerProfile, world.other_seller_id)
        planners = make_category(session, name="Planners")
        for price in ("10.00", "12.00", "14.00", "16.00", "18.00"):
            make_product(session, seller=other, category=planners, price=price)
        for price in ("40.00", "60.00"):
            make_product(session, seller=maya, category=planners, price=price, type=DigitalProductType.COURSE)
        recalculate_benchmarks(session, now=datetime.now(UTC))
        session.commit()
    yield


@pytest.fixture(autouse=True)
def no_overrides(world: World) -> None:
    with Session(world.engine) as session:
        session.execute(
            update(MarketBenchmark).values(
                override_average_price=None, override_median_price=None, override_top_seller_avg_price=None,
                override_note=None, overridden_by_user_id=None, overridden_at=None,
            )
        )  # fmt: skip
        session.commit()


def views(world: World):
    with Session(world.engine) as session:
        return list_benchmarks(session)


def stored(world: World, benchmark_id: str) -> MarketBenchmark:
    with Session(world.engine) as session:
        row = session.get(MarketBenchmark, benchmark_id)
        session.expunge(row)
        return row


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def seed_edit(at: AppTest, edited_rows: dict) -> AppTest:
    at.session_state[EDITOR] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    return at


def texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.error, *at.success, *at.info, *at.warning]
    return "\n".join(str(p.value) for p in parts)


def test_table_shows_every_benchmark_with_thin_samples_flagged(world: World) -> None:
    at = open_page()

    assert not at.exception
    assert at.title[0].value == "Market benchmarks"
    (editor,) = at.data_editor
    table = editor.value
    expected = views(world)
    # Rows: per type (COURSE, EBOOK) the all-categories row, then Planners, in list_benchmarks' order.
    assert len(expected) == 4
    assert list(table["Category"]) == [v.category_name for v in expected]
    assert list(table["Median"]) == [float(v.median_price) for v in expected]
    assert list(table["Sample size"]) == [v.sample_size for v in expected]
    planners_ebook = table[(table["Type"] == "E-book") & (table["Category"] == "Planners")].iloc[0]
    # Prices 10, 12, 14, 16, 18 → median 14.00, average 70 / 5 = 14.00, range $10.00 – $18.00.
    assert (planners_ebook["Median"], planners_ebook["Average"], planners_ebook["Range"]) == (
        14.0,
        14.0,
        "$10.00 – $18.00",
    )
    planners_course = table[(table["Type"] == "Course") & (table["Category"] == "Planners")].iloc[0]
    assert planners_course["Sample size"] == 2 and bool(planners_course["Thin sample"]) is True
    assert bool(planners_ebook["Thin sample"]) is False
    assert "Thin sample" in texts(at)


def test_filters_narrow_the_table_like_list_benchmarks(world: World) -> None:
    at = open_page()
    at.selectbox[0].select("COURSE").run()
    table = at.data_editor[0].value
    with Session(world.engine) as session:
        expected = list_benchmarks(session, product_type=DigitalProductType.COURSE)
    assert list(table["Category"]) == [v.category_name for v in expected] == ["All categories", "Planners"]


def test_an_edited_override_is_saved_with_who_and_when(world: World) -> None:
    at = open_page()
    target = views(world)[1]
    seed_edit(at, {1: {"Median override": 45.5, "Override note": "Spam listings removed"}}).run()

    button(at, "Save overrides").click().run()

    assert not at.exception
    assert any("Saved the override of 1 benchmark." in s.value for s in at.success)
    row = stored(world, target.id)
    assert (row.override_median_price, row.override_note) == (D("45.50"), "Spam listings removed")
    assert (row.override_average_price, row.override_top_seller_avg_price) == (None, None)
    with Session(world.engine) as session:
        admin_id = session.scalar(select(User.id).where(User.username == "admin"))
    assert row.overridden_by_user_id == admin_id
    assert datetime.now(UTC) - row.overridden_at < timedelta(minutes=5)
    # The refreshed editor shows the saved value and who set it.
    table = at.data_editor[0].value
    assert table.loc[1, "Median override"] == 45.5
    assert table.loc[1, "Override by"].startswith("Ada Admin, ")


def test_a_bad_value_shows_its_message_and_writes_nothing(world: World) -> None:
    at = open_page()
    first, second = views(world)[:2]
    seed_edit(at, {0: {"Average override": 50}, 1: {"Median override": -5, "Top-seller avg override": 1.234}}).run()

    button(at, "Save overrides").click().run()

    assert not at.exception
    assert any("Nothing was saved" in e.value for e in at.error)
    shown = plain(texts(at))
    assert "Median price must be above $0.00." in shown
    assert "Top-seller average price: use at most two decimals (cents)." in shown
    assert f"**{row_label(second)}**" in shown and f"**{row_label(first)}**" not in shown
    # The valid row 0 was not written either: one transaction, all or nothing.
    for view in (first, second):
        row = stored(world, view.id)
        assert (row.override_average_price, row.override_median_price, row.overridden_at) == (None, None, None)


def test_clearing_an_override(world: World) -> None:
    at = open_page()
    target = views(world)[0]
    seed_edit(at, {0: {"Average override": 50}}).run()
    button(at, "Save overrides").click().run()
    assert stored(world, target.id).override_average_price == D("50.00")

    (picker,) = [s for s in at.selectbox if s.label == "Overridden benchmark"]
    assert picker.value == target.id
    button(at, "Clear override").click().run()

    assert any(f"Cleared the override of {row_label(target)}" in s.value for s in at.success)
    row = stored(world, target.id)
    assert (row.override_average_price, row.overridden_by_user_id, row.overridden_at) == (None, None, None)


def test_recalculate_now_reports_and_a_second_press_in_the_minute_is_skipped(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin_clock(monkeypatch, FIXED_NOW)
    at = open_page()

    button(at, "Recalculate now").click().run()

    assert not at.exception
    (status,) = at.status
    assert (status.label, status.state) == ("Recalculated 4 benchmarks.", "complete")
    with Session(world.engine) as session:
        runs = session.scalars(select(JobRun).where(JobRun.period == "2026-11-21T15:00 manual")).all()
    assert [(r.job_name, r.status.value, r.rows_affected) for r in runs] == [("benchmarks", "ok", 4)]

    button(at, "Recalculate now").click().run()

    (status,) = at.status
    assert status.label.startswith("Already recalculated this minute")


def test_a_seller_cannot_open_the_page() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_an_override_far_from_the_computed_figures_needs_a_second_confirmation(world: World) -> None:
    """Courses in Planners at 40 and 60: p10 at 0.1 → 42.00, p90 at 0.9 → 58.00. $41.00 is inside the price
    range (so valid) but outside p10–p90: nothing is saved until the admin ticks the sentence and saves again."""
    at = open_page()
    target = views(world)[1]
    assert (target.category_name, target.p10_price, target.p90_price) == ("Planners", D("42.00"), D("58.00"))
    seed_edit(at, {1: {"Median override": 41}}).run()

    button(at, "Save overrides").click().run()

    assert not at.exception
    assert stored(world, target.id).override_median_price is None  # nothing written yet
    assert any("Nothing was saved yet" in w.value for w in at.warning)
    (tick,) = [c for c in at.checkbox if c.key == "bench_far_0"]
    assert plain(tick.label) == (
        f"{row_label(target)}: Yes, set the median $41.00 although 80 % of listings are between $42.00 and $58.00"
    )
    assert button(at, "Save anyway").disabled
    tick.check().run()
    button(at, "Save anyway").click().run()

    assert not at.exception
    assert stored(world, target.id).override_median_price == D("41.00")
    assert any("Saved the override of 1 benchmark." in s.value for s in at.success)
    last = max(v.calculated_at for v in views(world)).astimezone(get_settings().timezone).date()
    assert f"Market figures computed nightly; last on {last:%b} {last.day}, {last.year}." in plain(texts(at))


def test_a_far_override_can_be_cancelled(world: World) -> None:
    at = open_page()
    target = views(world)[1]
    seed_edit(at, {1: {"Median override": 59}}).run()
    button(at, "Save overrides").click().run()
    button(at, "Cancel").click().run()
    assert not [c for c in at.checkbox if c.key == "bench_far_0"]
    assert stored(world, target.id).override_median_price is None
