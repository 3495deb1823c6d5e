"""The experiments tracker's data (`core.analytics.experiments`) on both databases: exposures, conversions and
switchers counted from a hand-built event set (each count worked out by hand below), daily counts that sum to
them, validated writes that write nothing on error, the winner rules, and a summary on hand-worked numbers."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.analytics.experiment_counts import (
    DailyCount,
    ExperimentCounts,
    VariantCounts,
    daily_counts,
    experiment_counts,
    summaries,
    summary,
)
from core.analytics.experiment_stats import Verdict
from core.analytics.experiments import (
    ExperimentValidationError,
    ExperimentValues,
    create_experiment,
    mark_winner,
    update_experiment,
)
from core.models import Experiment, ExperimentStatus, ExperimentWinner, UserRole
from tests.conftest import NOW
from tests.db.statements import Statements
from tests.factories import add_event, make_user

START = datetime(2026, 11, 11, tzinfo=UTC)
END = datetime(2026, 11, 19, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def _values(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Hero CTA",
        "hypothesis": "A shorter call to action gets more clicks.",
        "status": "running",
        "start_at": START,
        "end_at": END,
        "variant_a_name": "Control",
        "variant_a_cta_text": "Start selling today",
        "variant_a_cta_url": "https://example.com/start",
        "variant_b_name": "Short",
        "variant_b_cta_text": "Start",
        "variant_b_cta_url": "https://example.com/start",
        "baseline_rate": "0.1",
        "minimum_detectable_effect": 0.2,
    }
    return values | changes


@pytest.fixture
def admin_id(session: Session) -> str:
    return make_user(session, role=UserRole.ADMIN).id


def _create(session: Session, admin_id: str, **changes: object) -> Experiment:
    return create_experiment(session, values=_values(**changes), created_by=admin_id, now=NOW)


def _count_experiments(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Experiment)) or 0


def _view(session: Session, person: str, exp: Experiment | str, variant: str, at: datetime) -> None:
    exp_id = exp if isinstance(exp, str) else exp.id
    add_event(
        session, person_id=person, event_type="campaign_view", occurred_at=at, experiment_id=exp_id, variant=variant
    )


def _click(session: Session, person: str, exp: Experiment | str, at: datetime) -> None:
    exp_id = exp if isinstance(exp, str) else exp.id
    add_event(session, person_id=person, event_type="cta_clicked", occurred_at=at, experiment_id=exp_id)


@pytest.fixture
def experiments(session: Session, admin_id: str) -> tuple[Experiment, Experiment]:
    """X: START..END; Y: running since START with no end (counts up to NOW)."""
    x = _create(session, admin_id)
    y = _create(session, admin_id, name="Pricing page banner", end_at=None)
    # X, variant A
    _view(session, "p1", x, "A", START + H)  # exposed A
    _view(session, "p1", x, "A", START + 2 * H)  # a second view changes nothing
    _click(session, "p1", x, START + 3 * H)  # converts …
    _click(session, "p1", x, START + 4 * H)  # … once
    _click(session, "p3", x, START + H)  # a click before the exposure does not count
    _view(session, "p3", x, "A", START + 2 * H)  # exposed A, never converts
    _view(session, "p7", x, "A", START + 3 * D)  # exposed A (day 11-14)
    _click(session, "p7", y, START + 3 * D + H)  # a click for another experiment does not count
    _view(session, "p9", x, "A", START)  # exposed A at the very start (inclusive)
    _click(session, "p9", x, END)  # converts at the very end (inclusive)
    _view(session, "p8", x, "A", END + H)  # after the end: not exposed
    # X, variant B
    _view(session, "p2", x, "B", START + H)  # exposed B (first exposure wins) …
    _view(session, "p2", x, "A", START + 5 * H)  # … a switcher, still counted in B
    _click(session, "p2", x, START + 6 * H)  # converts B
    _view(session, "p4", x, "B", START + D + H)  # exposed B (day 11-12)
    _click(session, "p4", x, END + H)  # a click after the end does not count
    _view(session, "p5", x, "A", START - H)  # before the start: not an exposure …
    _view(session, "p5", x, "B", START + 2 * D)  # … so the first exposure is this B (day 11-13)
    _click(session, "p5", x, START + 2 * D + timedelta(minutes=1))  # converts B
    _view(session, "p10", x, "B", START + 4 * D)  # exposed B (day 11-15) …
    _click(session, "p10", x, START + 4 * D)  # … and a click at the same moment converts
    # noise
    _view(session, "p6", y, "A", START + H)  # Y's, not X's: exposed A in Y
    _click(session, "p6", x, START + 2 * H)  # X's click of a person never exposed to X
    _view(session, "p6", x, "C", START + 3 * H)  # not a variant
    _view(session, "p1", y, "B", START + 5 * D)  # exposed B in Y …
    _click(session, "p1", y, START + 5 * D + H)  # … converts in Y
    _view(session, "p11", y, "A", NOW + H)  # after now: Y counts up to now
    add_event(session, person_id="p12", event_type="page_view", occurred_at=START + H, experiment_id=x.id, variant="A")
    return x, y


def test_counts_by_hand_in_one_statement(session: Session, experiments: tuple[Experiment, Experiment]) -> None:
    x, y = experiments
    statements = Statements(session)
    try:
        counts = experiment_counts(session, experiment_ids=[x.id, y.id, "missing"], now=NOW)
    finally:
        statements.close()
    assert statements.count == 1
    assert counts[x.id] == ExperimentCounts(a=VariantCounts(4, 2, 0), b=VariantCounts(4, 3, 1))
    assert counts[x.id].switchers == 1
    assert counts[y.id] == ExperimentCounts(a=VariantCounts(1, 0, 0), b=VariantCounts(1, 1, 0))
    assert counts["missing"] == ExperimentCounts()
    assert experiment_counts(session, experiment_ids=[], now=NOW) == {}


def test_a_running_experiment_counts_up_to_now(session: Session, experiments: tuple[Experiment, Experiment]) -> None:
    _, y = experiments
    later = experiment_counts(session, experiment_ids=[y.id], now=NOW + 2 * H)[y.id]
    assert later.a == VariantCounts(2, 0, 0)  # p11's view at NOW + 1 h is in now
    earlier = experiment_counts(session, experiment_ids=[y.id], now=START + 2 * H)[y.id]
    assert earlier == ExperimentCounts(a=VariantCounts(1, 0, 0))  # p1's B view was on day 5


def test_daily_counts_by_hand_and_summing_to_the_totals(
    session: Session, experiments: tuple[Experiment, Experiment]
) -> None:
    x, _ = experiments
    statements = Statements(session)
    try:
        daily = daily_counts(session, experiment_id=x.id, now=NOW)
    finally:
        statements.close()
    assert statements.count == 1
    assert daily == [
        DailyCount(date(2026, 11, 11), "A", 3, 2),  # p1, p3, p9; p1 and p9 convert (p9 on the last day)
        DailyCount(date(2026, 11, 11), "B", 1, 1),
        DailyCount(date(2026, 11, 12), "B", 1, 0),
        DailyCount(date(2026, 11, 13), "B", 1, 1),
        DailyCount(date(2026, 11, 14), "A", 1, 0),
        DailyCount(date(2026, 11, 15), "B", 1, 1),
    ]
    totals = experiment_counts(session, experiment_ids=[x.id], now=NOW)[x.id]
    for variant, counts in (("A", totals.a), ("B", totals.b)):
        assert sum(d.exposures for d in daily if d.variant == variant) == counts.exposures
        assert sum(d.conversions for d in daily if d.variant == variant) == counts.conversions


def test_summary_on_hand_worked_numbers(session: Session, admin_id: str) -> None:
    """Running for 4 days (NOW - 4 d, no end): A 3 exposed / 1 converted, B 3 / 2.

    Planned: p1 = 0.10, p2 = 0.12, pbar = 0.11: (1.959964 sqrt(0.1958) + 0.841621 sqrt(0.1956))^2 / 0.02^2
    = 1.239491^2 / 0.0004 = 3840.8 -> 3,841 per variant. Daily rate per variant = 6 / 2 / 4 = 0.75; shortfall
    3,841 - 3 = 3,838 -> ceil(3,838 / 0.75) = 5,118 days. Pooled rate 3/6 = 0.5: z = (2/3 - 1/3) / sqrt(0.25
    (1/3 + 1/3)) = 0.816497, p = erfc(0.816497 / sqrt 2) = 0.414216."""
    start = NOW - 4 * D
    z = _create(session, admin_id, start_at=start, end_at=None)
    for person, variant, converts in (
        ("a1", "A", True), ("a2", "A", False), ("a3", "A", False),
        ("b1", "B", True), ("b2", "B", True), ("b3", "B", False),
    ):  # fmt: skip
        _view(session, person, z, variant, start + D)
        if converts:
            _click(session, person, z, start + 2 * D)
    statements = Statements(session)
    try:
        result = summary(session, experiment_id=z.id, now=NOW)
    finally:
        statements.close()
    assert statements.count <= 3
    assert result.counts == ExperimentCounts(a=VariantCounts(3, 1, 0), b=VariantCounts(3, 2, 0))
    assert result.planned_per_variant == 3841
    assert result.days_running == pytest.approx(4.0)
    assert result.daily_exposures_per_variant == pytest.approx(0.75)
    assert result.comparison.control_rate == pytest.approx(1 / 3)
    assert result.comparison.treatment_rate == pytest.approx(2 / 3)
    assert result.comparison.p_value == pytest.approx(0.414216, abs=1e-6)
    assert result.comparison.p_value == pytest.approx(math.erfc(0.816497 / math.sqrt(2)), abs=1e-6)
    assert result.decision.verdict is Verdict.NO_WINNER_YET
    assert result.decision.reasons[0] == (
        "Needs 3,838 more exposures per variant (planned 3,841 each) — about 5,118 days at the current rate."
    )
    day = (start + D).date()  # conversions count on the day of the exposure
    assert [(p.day, p.exposures, p.conversions) for p in result.cumulative["A"]] == [(day, 3, 1)]
    assert [(p.day, p.exposures, p.conversions) for p in result.cumulative["B"]] == [(day, 3, 2)]
    assert result.warnings == ()


def test_summary_warns_about_switchers(session: Session, experiments: tuple[Experiment, Experiment]) -> None:
    x, _ = experiments
    result = summary(session, experiment_id=x.id, now=NOW)
    assert result.days_running == pytest.approx(8.0)  # START .. END, not up to now
    assert result.daily_exposures_per_variant == pytest.approx(8 / 2 / 8)
    assert result.warnings == (
        "1 person saw both variants; each is counted in the variant they saw first. Check that the assignment is "
        "sticky.",
    )


def test_all_summaries_in_three_statements_equal_each_one_alone(
    session: Session, experiments: tuple[Experiment, Experiment]
) -> None:
    x, y = experiments
    statements = Statements(session)
    try:
        together = summaries(session, now=NOW)
    finally:
        statements.close()
    assert statements.count == 3  # the experiments, their counts, their daily cohorts
    newest_first = sorted((x, y), key=lambda e: (-e.start_at.timestamp(), e.name))
    alone = [summary(session, experiment_id=e.id, now=NOW) for e in newest_first]
    assert [s.experiment.id for s in together] == [s.experiment.id for s in alone]
    for mine, reference in zip(together, alone, strict=True):
        assert (mine.counts, mine.daily, mine.comparison, mine.decision) == (
            reference.counts,
            reference.daily,
            reference.comparison,
            reference.decision,
        )


# ----------------------------------------------------------------------------- writes


def test_create_stores_the_values(session: Session, admin_id: str) -> None:
    values = ExperimentValues(**{**_values(), "start_at": date(2026, 11, 11), "end_at": date(2026, 11, 18)})
    experiment = create_experiment(session, values=values, created_by=admin_id, now=NOW)
    session.expire_all()
    stored = session.get(Experiment, experiment.id)
    assert stored is not None
    assert (stored.name, stored.status, stored.winner) == ("Hero CTA", ExperimentStatus.RUNNING, None)
    assert stored.start_at == START
    assert stored.end_at == datetime(2026, 11, 18, 23, 59, 59, 999999, tzinfo=UTC)
    assert Decimal(stored.baseline_rate) == Decimal("0.1")
    assert Decimal(stored.minimum_detectable_effect) == Decimal("0.2")
    assert (stored.variant_a_asset_url, stored.created_by_user_id, stored.created_at) == (None, admin_id, NOW)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"name": "  "}, {"name"}),
        ({"end_at": START - H}, {"end_at"}),
        ({"end_at": START}, {"end_at"}),
        ({"variant_b_name": "control"}, {"variant_b_name"}),
        ({"variant_b_cta_text": "start selling TODAY"}, {"variant_b_cta_text"}),
        ({"minimum_detectable_effect": 0}, {"minimum_detectable_effect"}),
        ({"minimum_detectable_effect": -0.1}, {"minimum_detectable_effect"}),
        ({"minimum_detectable_effect": 10}, {"minimum_detectable_effect"}),
        ({"baseline_rate": 0}, {"baseline_rate"}),
        ({"baseline_rate": 1}, {"baseline_rate"}),
        ({"baseline_rate": "abc"}, {"baseline_rate"}),
        ({"status": "paused"}, {"status"}),
        ({"start_at": None}, {"start_at"}),
        ({"start_at": datetime(2026, 11, 11)}, {"start_at"}),  # naive: no time zone
        ({"variant_a_cta_url": "javascript:alert(1)"}, {"variant_a_cta_url"}),
        ({"name": "Hero\u202eCTA"}, {"name"}),
        ({"name": "", "end_at": START - H, "baseline_rate": 2}, {"name", "end_at", "baseline_rate"}),
    ],
)
def test_invalid_values_are_refused_by_field_and_nothing_is_written(
    session: Session, admin_id: str, changes: dict[str, object], fields: set[str]
) -> None:
    with pytest.raises(ExperimentValidationError) as refused:
        _create(session, admin_id, **changes)
    assert set(refused.value.errors) == fields
    assert all(refused.value.errors.values())
    assert _count_experiments(session) == 0


def test_a_name_is_unique_in_any_case(session: Session, admin_id: str) -> None:
    _create(session, admin_id)
    with pytest.raises(ExperimentValidationError) as refused:
        _create(session, admin_id, name="  hero cta ")
    assert refused.value.errors == {"name": "An experiment named “Hero CTA” already exists: pick another name."}
    assert _count_experiments(session) == 1


def test_update_validates_and_writes_nothing_on_error(session: Session, admin_id: str) -> None:
    first = _create(session, admin_id)
    second = _create(session, admin_id, name="Second")
    with pytest.raises(ExperimentValidationError) as refused:
        update_experiment(session, experiment_id=second.id, values={"name": "HERO cta", "end_at": START}, now=NOW)
    assert set(refused.value.errors) == {"name", "end_at"}
    session.expire_all()
    assert session.get(Experiment, second.id).name == "Second"  # type: ignore[union-attr]
    later = NOW + H
    updated = update_experiment(session, experiment_id=first.id, values={"name": "Hero CTA v2"}, now=later)
    assert (updated.name, updated.updated_at, updated.end_at) == ("Hero CTA v2", later, END)
    same = update_experiment(session, experiment_id=first.id, values={"name": "hero cta V2"}, now=later)
    assert same.name == "hero cta V2"  # its own name in another case is not a duplicate
    with pytest.raises(LookupError):
        update_experiment(session, experiment_id="missing", values={}, now=NOW)


def test_mark_winner_only_for_completed_experiments(session: Session, admin_id: str) -> None:
    experiment = _create(session, admin_id)
    with pytest.raises(ExperimentValidationError) as refused:
        mark_winner(session, experiment_id=experiment.id, winner="A", now=NOW)
    assert set(refused.value.errors) == {"winner"}
    assert experiment.winner is None
    update_experiment(session, experiment_id=experiment.id, values={"status": ExperimentStatus.COMPLETED}, now=NOW)
    for given, stored in (("b", ExperimentWinner.B), ("A", ExperimentWinner.A), ("Tie", ExperimentWinner.TIE)):
        assert mark_winner(session, experiment_id=experiment.id, winner=given, now=NOW).winner is stored
    with pytest.raises(ExperimentValidationError) as refused:
        mark_winner(session, experiment_id=experiment.id, winner="C", now=NOW)
    assert set(refused.value.errors) == {"winner"}
    session.expire_all()
    assert session.get(Experiment, experiment.id).winner is ExperimentWinner.TIE  # type: ignore[union-attr]
    # back to running: a winner belongs to a completed experiment only
    reopened = update_experiment(session, experiment_id=experiment.id, values={"status": "running"}, now=NOW)
    assert reopened.winner is None
    with pytest.raises(LookupError):
        mark_winner(session, experiment_id="missing", winner="A", now=NOW)
