"""The demo's experiments (`core.demo.experiments`) on SQLite and PostgreSQL, read back through the experiments
tracker's own counting and statistics (`core.analytics.experiment_counts.summary`): the clear winner is called for
the treatment, the flat one is no difference at the planned size, the broken assignment is flagged as a sample-ratio
mismatch with its switchers, and the draft has no events. The verdicts come from the independent `decide()`, so
they check the generated events, not the generator's intentions."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from core.analytics.experiment_counts import ExperimentSummary, summary
from core.analytics.experiment_stats import Verdict
from core.analytics.experiments import update_experiment
from core.demo.events import DEMO_CLOCK_HOUR
from core.models import AnalyticsEvent, Experiment, ExperimentStatus, ExperimentWinner, User
from tests.db.demo.shared import TODAY, Demo

pytestmark = pytest.mark.timeout(900)  # the shared fixtures generate a whole small marketplace per backend
AS_OF = datetime.combine(TODAY, time(DEMO_CLOCK_HOUR), tzinfo=UTC)  # the demo's clock
WINNER = "Sell page button: “Open your shop”"
FLAT = "Creator landing headline"
SRM = "Pricing page layout: comparison table"
DRAFT = "Homepage bundle banner"


def _summaries(engine) -> dict[str, ExperimentSummary]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        ids = dict(session.execute(select(Experiment.name, Experiment.id)).all())
        return {name: summary(session, experiment_id=eid, now=AS_OF) for name, eid in ids.items()}


def test_the_experiments_their_plans_and_statuses(demo: Demo) -> None:
    engine, _ = demo
    with Session(engine) as session:
        admin = session.scalars(select(User.id).where(User.username == "admin")).one()
        rows = {e.name: e for e in session.scalars(select(Experiment))}
        assert {name: (e.status, e.winner) for name, e in rows.items()} == {
            WINNER: (ExperimentStatus.COMPLETED, ExperimentWinner.B),
            FLAT: (ExperimentStatus.COMPLETED, ExperimentWinner.TIE),
            SRM: (ExperimentStatus.RUNNING, None),
            DRAFT: (ExperimentStatus.DRAFT, None),
        }
        for e in rows.values():
            assert e.created_by_user_id == admin and e.metric == "conversion_rate" and e.hypothesis
            assert e.variant_a_cta_text and e.variant_b_cta_text and e.variant_a_cta_text != e.variant_b_cta_text
            assert e.variant_a_cta_url.startswith("https://") and e.variant_b_cta_url.startswith("https://")
            assert e.created_at < e.start_at and e.created_at <= AS_OF
            # Every experiment passes the tracker's own validation (an edit that changes nothing; rolled back).
            update_experiment(session, experiment_id=e.id, values={}, now=AS_OF)
        session.rollback()
        assert rows[WINNER].end_at < rows[FLAT].start_at < rows[FLAT].end_at < rows[SRM].start_at < AS_OF
        assert rows[SRM].end_at is None and rows[DRAFT].start_at > AS_OF


def test_summaries_call_the_winner_the_flat_one_and_the_broken_split(demo: Demo) -> None:
    engine, demo_summary = demo
    results = _summaries(engine)
    # The counting rules (first exposure, sticky variant, clicks after exposure) give back exactly what was written:
    # repeat views and switchers' second views are not counted twice.
    for name, result in results.items():
        written = demo_summary.experiments[name]
        counts = result.counts
        assert (counts.a.exposures, counts.b.exposures) == written.get("exposures", (0, 0)), name
        assert (counts.a.conversions, counts.b.conversions) == written.get("conversions", (0, 0)), name
        assert counts.switchers == written.get("switchers", 0), name

    winner = results[WINNER]
    assert winner.decision.verdict is Verdict.TREATMENT_WINS, winner.decision.reasons
    assert min(winner.counts.a.exposures, winner.counts.b.exposures) >= winner.planned_per_variant > 3000
    assert winner.comparison.relative_lift > 0.15 and winner.comparison.p_value < 0.01
    assert not winner.comparison.srm and winner.warnings == ()

    flat = results[FLAT]
    assert flat.decision.verdict is Verdict.NO_DIFFERENCE, flat.decision.reasons
    assert min(flat.counts.a.exposures, flat.counts.b.exposures) >= flat.planned_per_variant
    assert flat.comparison.p_value > 0.3 and abs(flat.comparison.relative_lift) < 0.05
    assert not flat.comparison.srm and flat.warnings == ()

    broken = results[SRM]
    assert broken.comparison.srm and broken.comparison.srm_p_value < 1e-6
    assert 0.53 < broken.counts.a.exposures / (broken.counts.a.exposures + broken.counts.b.exposures) < 0.57
    assert broken.decision.verdict is Verdict.NO_WINNER_YET
    assert any(reason.startswith("Sample ratio mismatch") for reason in broken.decision.reasons)
    assert 10 <= broken.counts.switchers <= 40
    assert len(broken.warnings) == 1 and f"{broken.counts.switchers:,} people saw both variants" in broken.warnings[0]
    assert broken.daily_exposures_per_variant and broken.days_running == pytest.approx(20 + DEMO_CLOCK_HOUR / 24)

    draft = results[DRAFT]
    assert draft.counts.a.exposures == draft.counts.b.exposures == 0 and draft.daily == []


def test_experiment_traffic_stays_out_of_the_other_figures(demo: Demo) -> None:
    """Exposed people are visitors of their own (anonymous, a session per visit) with no event the KPIs or funnels
    read; the demo's a few thousand people per experiment, two event types."""
    engine, demo_summary = demo
    e = AnalyticsEvent
    kinds = ("campaign_view", "cta_clicked")
    with Session(engine) as session:
        exposed = select(e.person_id).where(e.event_type == "campaign_view")
        others = session.scalar(select(func.count()).where(e.person_id.in_(exposed), e.event_type.not_in(kinds)))
        assert others == 0
        rows = session.execute(
            select(e.event_type, func.count(), func.count(distinct(e.person_id)), func.count(e.session_id))
            .where(e.event_type.in_(kinds))
            .group_by(e.event_type)
        ).all()
        anonymous = session.scalar(select(func.count()).where(e.event_type.in_(kinds), e.user_id.is_not(None)))
        late = session.scalar(select(func.count()).where(e.event_type.in_(kinds), e.occurred_at > AS_OF))
    counted = {kind: (n, people, sessions) for kind, n, people, sessions in rows}
    assert anonymous == 0 and late == 0
    assert counted["campaign_view"][0] == counted["campaign_view"][2]  # every event has its session
    written = sum(int(facts["events"]) for facts in demo_summary.experiments.values())
    assert written == counted["campaign_view"][0] + counted["cta_clicked"][0]
    assert 15_000 <= counted["campaign_view"][1] <= 30_000
    assert written < 0.06 * demo_summary.rows["analytics_events"]
    assert demo_summary.rows["experiments"] == 4


def test_same_experiments_on_both_backends(sqlite_demo: Demo, postgresql_demo: Demo) -> None:
    def rows(engine) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
        with Session(engine) as session:
            return [
                tuple(row)
                for row in session.execute(
                    select(Experiment.id, Experiment.name, Experiment.start_at, Experiment.end_at).order_by(
                        Experiment.id
                    )
                )
            ]

    assert rows(sqlite_demo[0]) == rows(postgresql_demo[0])
    assert sqlite_demo[1].experiments == postgresql_demo[1].experiments
