"""Benchmark overrides on SQLite and PostgreSQL: set/clear with who and when, validation writes nothing, only admins,
recalculation keeps overrides, the pricing tool uses them and says so, and the claimed "Recalculate now"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.market.benchmarks import recalculate_benchmarks
from core.market.overrides import (
    OverrideBatchError,
    OverrideConfirmationNeeded,
    OverrideValidationError,
    OverrideValues,
    clear_benchmark_override,
    effective_reference,
    far_override_warnings,
    manual_period,
    recalculate_benchmarks_now,
    save_benchmark_overrides,
    set_benchmark_override,
)
from core.market.queries import list_benchmarks
from core.models import DigitalProductType, JobRun, JobStatus, MarketBenchmark, User, UserRole
from core.ops.claims import PERIOD_DONE, is_period_claimed
from core.pricing.analysis import analyze_pricing
from tests.conftest import NOW
from tests.db.pricing.test_analysis import build_market, offline
from tests.factories import make_product, make_user

EBOOK = DigitalProductType.EBOOK
UTC_ZONE = ZoneInfo("UTC")


def planners_row(session: Session, category_id: str) -> MarketBenchmark:
    return session.scalars(
        select(MarketBenchmark).where(MarketBenchmark.product_type == EBOOK, MarketBenchmark.category_id == category_id)
    ).one()


def override_columns(row: MarketBenchmark) -> tuple:
    session = Session.object_session(row)
    assert session is not None
    session.refresh(row)
    return (
        row.override_average_price,
        row.override_median_price,
        row.override_top_seller_avg_price,
        row.override_note,
        row.overridden_by_user_id,
        row.overridden_at,
    )


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, role=UserRole.ADMIN, name="Ada Admin")


def test_set_and_clear_an_override_with_who_and_when(session: Session, admin: User) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)
    # Computed (see test_pricing_db.build_market): Planners EBOOK prices {10, 12, 14, 16, 18, 20}:
    # average 90 / 6 = 15.00, median (14 + 16) / 2 = 15.00; top seller = the rival, (12+…+20) / 5 = 16.00.
    assert (row.average_price, row.median_price) == (D("15.00"), D("15.00"))
    when = NOW + timedelta(hours=1)

    ref = set_benchmark_override(
        session, benchmark_id=row.id, admin_user_id=admin.id, median_price="17.00",
        top_seller_avg_price=D("18.50"), note="  Launch-week spam listings skew the median.  ", now=when,
    )  # fmt: skip

    assert (ref.median_price.value, ref.median_price.computed, ref.median_price.is_override) == (
        D("17.00"),
        D("15.00"),
        True,
    )
    assert (ref.top_seller_avg_price.value, ref.top_seller_avg_price.computed) == (D("18.50"), D("16.00"))
    assert ref.average_price == type(ref.average_price)(D("15.00"), D("15.00"), False)
    assert ref.is_overridden
    assert override_columns(row) == (
        None,
        D("17.00"),
        D("18.50"),
        "Launch-week spam listings skew the median.",
        admin.id,
        when,
    )
    # The page's view carries the same values, with the admin's name for "set by Ada Admin".
    (view,) = [v for v in list_benchmarks(session, category_id=m.planners.id)]
    shown = effective_reference(view)
    assert (shown.median_price.value, shown.overridden_by_name, shown.overridden_at) == (D("17.00"), "Ada Admin", when)
    assert view.median_price == D("15.00")  # the computed column is untouched

    assert clear_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, now=when) is True
    assert override_columns(row) == (None,) * 6
    assert not effective_reference(row).is_overridden
    assert effective_reference(row).median_price.value == D("15.00")
    # Clearing again: nothing to clear.
    assert clear_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, now=when) is False


def test_all_figures_empty_clears_and_a_lone_note_is_refused(session: Session, admin: User) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)
    set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, average_price="18", now=NOW)
    assert override_columns(row)[0] == D("18.00")

    set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, average_price=" ", now=NOW)
    assert override_columns(row) == (None,) * 6

    with pytest.raises(OverrideValidationError) as caught:
        set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, note="why?", now=NOW)
    assert set(caught.value.errors) == {"note"}
    assert override_columns(row) == (None,) * 6


def test_bad_values_get_a_message_per_field_and_nothing_is_written(session: Session, admin: User) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)
    set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, median_price="16.00", now=NOW)
    before = override_columns(row)

    with pytest.raises(OverrideValidationError) as caught:
        set_benchmark_override(
            session, benchmark_id=row.id, admin_user_id=admin.id, average_price="12.345", median_price="0",
            top_seller_avg_price="lots", note="x" * 501, now=NOW + timedelta(days=1),
        )  # fmt: skip

    assert caught.value.errors == {
        "average_price": "Average price: use at most two decimals (cents).",
        "median_price": "Median price must be above $0.00.",
        "top_seller_avg_price": "Top-seller average price: enter an amount like 14.99.",
        "note": "Note: keep it to 500 characters (it has 501).",
    }
    assert override_columns(row) == before
    with pytest.raises(OverrideValidationError) as negative:
        set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, median_price=-3, now=NOW)
    assert negative.value.errors == {"median_price": "Median price must be above $0.00."}
    assert override_columns(row) == before


def test_only_an_active_admin_may_override(session: Session, admin: User) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)
    seller_user_id = m.me.user_id

    with pytest.raises(PermissionError):
        set_benchmark_override(session, benchmark_id=row.id, admin_user_id=seller_user_id, median_price="9", now=NOW)
    with pytest.raises(PermissionError):
        clear_benchmark_override(session, benchmark_id=row.id, admin_user_id=seller_user_id, now=NOW)
    with pytest.raises(PermissionError):
        save_benchmark_overrides(session, admin_user_id="no-such-user", edits={row.id: {"median_price": 9}}, now=NOW)
    admin.is_active = False
    session.flush()
    with pytest.raises(PermissionError):
        set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, median_price="9", now=NOW)
    assert override_columns(row) == (None,) * 6
    admin.is_active = True
    session.flush()
    with pytest.raises(LookupError):
        set_benchmark_override(session, benchmark_id="missing", admin_user_id=admin.id, median_price="9", now=NOW)


def test_saving_several_rows_validates_all_first(session: Session, admin: User) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)
    whole = session.scalars(
        select(MarketBenchmark).where(MarketBenchmark.product_type == EBOOK, MarketBenchmark.category_id.is_(None))
    ).one()

    with pytest.raises(OverrideBatchError) as caught:
        save_benchmark_overrides(
            session,
            admin_user_id=admin.id,
            edits={row.id: {"median_price": "17.00"}, whole.id: {"average_price": "1.001"}},
            now=NOW,
        )
    assert caught.value.errors == {whole.id: {"average_price": "Average price: use at most two decimals (cents)."}}
    assert override_columns(row) == (None,) * 6  # the good row was not written either

    saved = save_benchmark_overrides(
        session,
        admin_user_id=admin.id,
        edits={row.id: {"median_price": "17.00", "note": "n"}, whole.id: {"average_price": 30}},
        now=NOW,
    )
    assert saved == 2
    assert override_columns(row)[1] == D("17.00") and override_columns(whole)[0] == D("30.00")


def test_recalculation_keeps_overrides_and_refreshes_computed_figures(session: Session, admin: User) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)
    set_benchmark_override(
        session, benchmark_id=row.id, admin_user_id=admin.id, median_price="17.00", note="hand-set", now=NOW
    )
    before = override_columns(row)
    # A seventh Planners e-book at 29.00: prices {10, 12, 14, 16, 18, 20, 29} → median 16.00, average 119 / 7 = 17.00.
    make_product(session, seller=m.rival, category=m.planners, price="29.00")

    recalculate_benchmarks(session, now=NOW + timedelta(days=1))

    session.refresh(row)
    assert (row.median_price, row.average_price, row.sample_size) == (D("16.00"), D("17.00"), 7)
    assert override_columns(row) == before
    assert effective_reference(row).median_price == type(effective_reference(row).median_price)(
        D("17.00"), D("16.00"), True
    )


def test_pricing_tool_shows_the_override_as_the_teams_reference_and_advises_on_the_computed_figures(
    session: Session, admin: User
) -> None:
    # Rewritten for issue 11: the override used to replace the median the offline engine aimed at (16.99 instead
    # of 14.99), so an override could flip the advice while the position stayed computed. Now the position, the
    # suggestion and the range use the computed figures, and the override is shown, flagged, beside them.
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    before = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)
    row = planners_row(session, m.planners.id)
    set_benchmark_override(
        session, benchmark_id=row.id, admin_user_id=admin.id, median_price="17.00",
        top_seller_avg_price="18.50", note="Spam listings removed by hand.", now=NOW,
    )  # fmt: skip

    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)

    market = a.market
    assert market is not None and market.uses_override
    assert (market.median_price, market.average_price, market.top_seller_average_price) == (
        D("15.00"),
        D("15.00"),
        D("16.00"),
    )
    assert (a.competitive_position, a.suggested_price, a.price_range, a.confidence_score) == (
        before.competitive_position,
        before.suggested_price,
        before.price_range,
        before.confidence_score,
    )
    assert market.override_note == "Spam listings removed by hand."
    assert market.override_notice() == (
        "Reference median $17.00 (computed: $15.00) and top-seller average $18.50 (computed: $16.00) set by the "
        "marketplace team; the position, the suggestion and the range use the computed figures."
    )


def test_an_override_outside_p10_to_p90_needs_a_second_confirmation(session: Session, admin: User) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)  # p10 11.00, p90 19.00; listing prices 10.00 … 20.00
    assert (row.p10_price, row.p90_price) == (D("11.00"), D("19.00"))

    with pytest.raises(OverrideConfirmationNeeded) as caught:
        save_benchmark_overrides(
            session, admin_user_id=admin.id, edits={row.id: {"median_price": "10.50", "average_price": "15"}}, now=NOW
        )
    assert caught.value.warnings == {
        row.id: {"median_price": "Yes, set the median $10.50 although 80 % of listings are between $11.00 and $19.00"}
    }
    assert override_columns(row) == (None,) * 6  # nothing written
    with pytest.raises(OverrideConfirmationNeeded):
        set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, median_price="19.50", now=NOW)
    assert override_columns(row) == (None,) * 6

    saved = save_benchmark_overrides(
        session, admin_user_id=admin.id, edits={row.id: {"median_price": "10.50"}}, now=NOW, confirm_far=True
    )
    assert saved == 1 and override_columns(row)[1] == D("10.50")
    # Inside p10–p90 (both ends included) no confirmation is asked.
    set_benchmark_override(session, benchmark_id=row.id, admin_user_id=admin.id, median_price="19.00", now=NOW)
    assert override_columns(row)[1] == D("19.00")


def test_far_warnings_are_pure_and_silent_without_percentiles() -> None:
    values = OverrideValues(average_price=D("30.00"), median_price=D("12.00"), top_seller_avg_price=None, note=None)
    assert far_override_warnings(values, p10=D("11.00"), p90=D("19.00")) == {
        "average_price": "Yes, set the average $30.00 although 80 % of listings are between $11.00 and $19.00"
    }
    assert far_override_warnings(values, p10=None, p90=None) == {}


def test_an_override_outside_the_segments_price_range_is_refused_and_writes_nothing(
    session: Session, admin: User
) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    row = planners_row(session, m.planners.id)  # listing prices 10.00 … 20.00

    with pytest.raises(OverrideValidationError) as caught:
        set_benchmark_override(
            session, benchmark_id=row.id, admin_user_id=admin.id, average_price="9.00", median_price="25.00",
            top_seller_avg_price="18.00", now=NOW,
        )  # fmt: skip
    with pytest.raises(OverrideBatchError) as batch:
        save_benchmark_overrides(
            session, admin_user_id=admin.id, edits={row.id: {"top_seller_avg_price": "250.00"}}, now=NOW
        )

    assert caught.value.errors == {
        "average_price": "Average price $9.00 is below the lowest listing price of this segment ($10.00): "
        "the rule is lowest price ≤ average ≤ highest price.",
        "median_price": "Median price $25.00 is above the highest listing price of this segment ($20.00): "
        "the rule is lowest price ≤ median ≤ highest price.",
    }
    assert batch.value.errors == {
        row.id: {
            "top_seller_avg_price": "Top-seller average price $250.00 is above the highest listing price of this "
            "segment ($20.00): the rule is lowest price ≤ top-seller average ≤ highest price."
        }
    }
    assert override_columns(row) == (None, None, None, None, None, None)


def test_no_override_leaves_the_pricing_market_as_computed(session: Session) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    a = analyze_pricing(session, seller_id=m.me.id, product_id=m.mine.id, ai=offline(), now=NOW)
    assert a.market is not None and not a.market.uses_override and a.market.override_notice() is None


# ---------------------------------------------------------------- "Recalculate now"


@pytest.fixture
def sessions(session: Session) -> Callable[[], Session]:
    connection = session.connection()
    return lambda: Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


def test_manual_recalculation_is_claimed_per_minute_and_keeps_the_daily_claim_open(
    session: Session, sessions: Callable[[], Session], admin: User
) -> None:
    m = build_market(session)
    recalculate_benchmarks(session, now=NOW)
    set_benchmark_override(
        session, benchmark_id=planners_row(session, m.planners.id).id, admin_user_id=admin.id, median_price="17",
        now=NOW,
    )  # fmt: skip
    session.flush()
    no_wait = lambda _s: None  # noqa: E731
    # NOW = 15:00 UTC; APP_TIMEZONE UTC here → period "2026-11-21T15:00 manual".
    assert manual_period(NOW, UTC_ZONE) == "2026-11-21T15:00 manual"

    first = recalculate_benchmarks_now(sessions, now=NOW, claimed_by="app:admin", tz=UTC_ZONE, sleep=no_wait)
    again = recalculate_benchmarks_now(
        sessions, now=NOW + timedelta(seconds=40), claimed_by="app:admin", tz=UTC_ZONE, sleep=no_wait
    )
    later = recalculate_benchmarks_now(
        sessions, now=NOW + timedelta(minutes=1), claimed_by="app:admin", tz=UTC_ZONE, sleep=no_wait
    )

    # Segments: EBOOK × Planners, EBOOK × Recipes, EBOOK × all categories → 3 rows.
    assert (first.status, first.rows, first.period) == (JobStatus.OK, 3, "2026-11-21T15:00 manual")
    assert (again.status, again.detail) == (JobStatus.SKIPPED, PERIOD_DONE)
    assert (later.status, later.period) == (JobStatus.OK, "2026-11-21T15:01 manual")
    runs = session.scalars(select(JobRun).where(JobRun.job_name == "benchmarks").order_by(JobRun.started_at)).all()
    assert [(r.period, r.status) for r in runs] == [
        ("2026-11-21T15:00 manual", JobStatus.OK),
        ("2026-11-21T15:00 manual", JobStatus.SKIPPED),
        ("2026-11-21T15:01 manual", JobStatus.OK),
    ]
    # The scheduled job's claim for the day is untouched: its 03:00 run (and catch-up) still happens.
    assert not is_period_claimed(session, job_name="benchmarks", period="2026-11-21")
    session.expire_all()
    row = planners_row(session, m.planners.id)
    assert row.override_median_price == D("17.00")
