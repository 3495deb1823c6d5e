"""The experiments tracker's counts (issue 16): exposures, conversions and switchers of each variant counted in the
database from `analytics_events`, per day for the charts, and `summary`, the experiments page's one call (the
statistics are `core.analytics.experiment_stats`', the writes `core.analytics.experiments`').

Counting rules (one definition, used by `experiment_counts`, `daily_counts` and `summary`). An experiment counts
the events between `start_at` and its stop, both inclusive: `end_at`, or `now` while it has none (or ends later).

* **Exposed**: a person with a `campaign_view` whose `properties` carry the experiment's id and a variant "A" or
  "B", within the dates. The variant of their *first* such view is theirs (ties in time: the lower event id).
* **Switcher**: an exposed person who also viewed the other variant; they stay in their first variant, and the
  page shows their number as a data-quality warning (the assignment should be sticky).
* **Converted**: an exposed person with a `cta_clicked` for the same experiment at or after their first exposure
  and within the dates (a click before exposure or after the end does not count; two clicks convert once).
  `daily_counts` counts a conversion on the day of the person's first exposure (a cohort per day).

Each count is one SQL statement whatever the number of experiments: window functions pick each person's first
exposure, a correlated subquery on the (person, event type, time) index finds their first qualifying click.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from core.analytics.experiment_stats import (
    ConversionComparison,
    CumulativeRate,
    Decision,
    compare_conversions,
    cumulative_rates,
    decide,
    sample_size_per_variant,
)
from core.db import UTCDateTime
from core.models import AnalyticsEvent, Experiment
from core.periods import require_aware

EXPOSURE_EVENT = "campaign_view"
CONVERSION_EVENT = "cta_clicked"
VARIANTS = ("A", "B")  # A is the control, B the treatment
_SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class VariantCounts:
    exposures: int = 0
    conversions: int = 0
    switchers: int = 0  # of this variant's exposed people, those who also saw the other variant


@dataclass(frozen=True)
class ExperimentCounts:
    a: VariantCounts = VariantCounts()
    b: VariantCounts = VariantCounts()

    @property
    def switchers(self) -> int:
        return self.a.switchers + self.b.switchers


@dataclass(frozen=True)
class DailyCount:
    """One variant's people first exposed on one UTC day, and how many of them converted (whenever they clicked):
    conversions are counted on the exposure day, so a day never has more conversions than exposures and the
    running totals are `experiment_stats.cumulative_rates`' input."""

    day: date
    variant: str
    exposures: int
    conversions: int


@dataclass(frozen=True)
class ExperimentSummary:
    """Everything the experiments page shows of one experiment."""

    experiment: Experiment
    counts: ExperimentCounts
    comparison: ConversionComparison  # B (treatment) against A (control)
    planned_per_variant: int
    days_running: float
    daily_exposures_per_variant: float | None  # the mean of the two variants since the start; None before it
    decision: Decision
    daily: list[DailyCount]
    cumulative: dict[str, list[CumulativeRate]]  # "A" / "B" -> running totals per day
    warnings: tuple[str, ...]


# ----------------------------------------------------------------------------- counting


def _utc_day(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return type_coerce(func.date(column), Date)


def _first_exposures(session: Session, experiment_ids: Collection[str], now: datetime) -> Any:
    """One row per (experiment, exposed person): variant, first_at, switched (0/1), converted_at (or NULL)."""
    moment = literal(now, UTCDateTime())
    stop = case((or_(Experiment.end_at.is_(None), Experiment.end_at > moment), moment), else_=Experiment.end_at)
    exp = (
        select(Experiment.id.label("experiment_id"), Experiment.start_at, stop.label("stop_at"))
        .where(Experiment.id.in_(list(experiment_ids)))
        .cte("exp")
    )
    e = AnalyticsEvent
    variant = e.properties["variant"].as_string()
    person = {"partition_by": (exp.c.experiment_id, e.person_id)}
    views = (
        select(
            exp.c.experiment_id,
            exp.c.stop_at,
            e.person_id,
            variant.label("variant"),
            e.occurred_at.label("seen_at"),
            func.row_number().over(order_by=(e.occurred_at, e.id), **person).label("rank"),
            func.min(variant).over(**person).label("low"),
            func.max(variant).over(**person).label("high"),
        )
        .select_from(e)
        .join(exp, e.properties["experiment_id"].as_string() == exp.c.experiment_id)
        .where(
            e.event_type == EXPOSURE_EVENT,
            e.occurred_at >= exp.c.start_at,
            e.occurred_at <= exp.c.stop_at,
            variant.in_(VARIANTS),
        )
        .subquery("views")
    )
    click = aliased(AnalyticsEvent, name="click")
    converted_at = (
        select(func.min(click.occurred_at))
        .where(
            click.person_id == views.c.person_id,
            click.event_type == CONVERSION_EVENT,
            click.occurred_at >= views.c.seen_at,
            click.occurred_at <= views.c.stop_at,
            click.properties["experiment_id"].as_string() == views.c.experiment_id,
        )
        .scalar_subquery()
    )
    return (
        select(
            views.c.experiment_id,
            views.c.variant,
            views.c.seen_at.label("first_at"),
            case((views.c.low != views.c.high, 1), else_=0).label("switched"),
            type_coerce(converted_at, UTCDateTime()).label("converted_at"),
        )
        .where(views.c.rank == 1)
        .cte("first_exposures")
    )


def experiment_counts(
    session: Session, *, experiment_ids: Collection[str], now: datetime
) -> dict[str, ExperimentCounts]:
    """Exposures, conversions and switchers per variant of each experiment, in one statement (module docstring).
    Every requested id gets an entry (zeros when nothing was counted)."""
    require_aware(now)
    ids = list(dict.fromkeys(experiment_ids))
    result = {experiment_id: ExperimentCounts() for experiment_id in ids}
    if not ids:
        return result
    first = _first_exposures(session, ids, now)
    rows = session.execute(
        select(
            first.c.experiment_id,
            first.c.variant,
            func.count(),
            func.count(first.c.converted_at),
            func.sum(first.c.switched),
        ).group_by(first.c.experiment_id, first.c.variant)
    ).all()
    per: dict[str, dict[str, VariantCounts]] = {}
    for experiment_id, variant, exposures, conversions, switchers in rows:
        per.setdefault(experiment_id, {})[variant] = VariantCounts(int(exposures), int(conversions), int(switchers))
    for experiment_id, variants in per.items():
        result[experiment_id] = ExperimentCounts(variants.get("A", VariantCounts()), variants.get("B", VariantCounts()))
    return result


def daily_counts(session: Session, *, experiment_id: str, now: datetime) -> list[DailyCount]:
    """Per UTC day of first exposure and variant: the people exposed, and how many of them converted (days without
    exposures are absent), in one statement; they sum to `experiment_counts`' totals."""
    return _daily_by_experiment(session, [experiment_id], now).get(experiment_id, [])


def _daily_by_experiment(
    session: Session, experiment_ids: Collection[str], now: datetime
) -> dict[str, list[DailyCount]]:
    """`daily_counts` of several experiments in one statement."""
    require_aware(now)
    ids = list(dict.fromkeys(experiment_ids))
    if not ids:
        return {}
    first = _first_exposures(session, ids, now)
    day = _utc_day(session, first.c.first_at).label("day")
    rows = session.execute(
        select(first.c.experiment_id, day, first.c.variant, func.count(), func.count(first.c.converted_at))
        .group_by(first.c.experiment_id, day, first.c.variant)
        .order_by(first.c.experiment_id, day, first.c.variant)
    ).all()
    result: dict[str, list[DailyCount]] = {}
    for experiment_id, day_value, variant, n, x in rows:
        as_day = day_value if isinstance(day_value, date) else date.fromisoformat(str(day_value))
        result.setdefault(experiment_id, []).append(DailyCount(as_day, variant, int(n), int(x)))
    return result


def summary(session: Session, *, experiment_id: str, now: datetime, confidence: float = 0.95) -> ExperimentSummary:
    """One experiment's summary (`summaries`' for one): three statements. LookupError when it does not exist."""
    require_aware(now)
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise LookupError("Experiment not found")
    counts = experiment_counts(session, experiment_ids=[experiment_id], now=now)[experiment_id]
    daily = daily_counts(session, experiment_id=experiment_id, now=now)
    return _summarize(experiment, counts, daily, now, confidence)


def summaries(session: Session, *, now: datetime, confidence: float = 0.95) -> list[ExperimentSummary]:
    """The page's one call: every experiment's summary, newest start first (then by name), in three statements
    whatever the number of experiments (the experiments, their counts, their daily cohorts)."""
    require_aware(now)
    rows = session.scalars(select(Experiment).order_by(Experiment.start_at.desc(), Experiment.name)).all()
    ids = [experiment.id for experiment in rows]
    counts = experiment_counts(session, experiment_ids=ids, now=now)
    daily = _daily_by_experiment(session, ids, now)
    return [_summarize(e, counts[e.id], daily.get(e.id, []), now, confidence) for e in rows]


def _summarize(
    experiment: Experiment, counts: ExperimentCounts, daily: list[DailyCount], now: datetime, confidence: float
) -> ExperimentSummary:
    """Counts, the comparison of B with A, the planned sample size, the decision (with the daily exposure rate since
    the start), the cumulative series and the data-quality warnings (pure)."""
    comparison = compare_conversions(
        (counts.a.exposures, counts.a.conversions), (counts.b.exposures, counts.b.conversions), confidence=confidence
    )
    planned = sample_size_per_variant(float(experiment.baseline_rate), float(experiment.minimum_detectable_effect))
    stop = min(experiment.end_at or now, now)
    days = max((stop - experiment.start_at).total_seconds() / _SECONDS_PER_DAY, 0.0)
    rate = (counts.a.exposures + counts.b.exposures) / 2 / days if days > 0 else None
    decision = decide(comparison, exposures_per_variant_planned=planned, daily_exposures_per_variant=rate)
    cumulative = {
        v: cumulative_rates((d.day, d.exposures, d.conversions) for d in daily if d.variant == v) for v in VARIANTS
    }
    warnings: list[str] = []
    if counts.switchers:
        people = "person" if counts.switchers == 1 else "people"
        warnings.append(
            f"{counts.switchers:,} {people} saw both variants; each is counted in the variant they saw first. "
            "Check that the assignment is sticky."
        )
    return ExperimentSummary(
        experiment, counts, comparison, planned, days, rate, decision, daily, cumulative, tuple(warnings)
    )
