"""The Experiments page's reads and writes (admin): every experiment's summary (counts, statistics, decision) at the
app's clock, and the validated create, edit and mark-winner. Uncached: an admin's edit shows at once, and all the
experiments cost three statements together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.data import clock
from core.analytics import experiment_counts, experiments
from core.analytics.experiment_counts import ExperimentSummary
from core.db import session_scope
from core.models import Experiment, ExperimentWinner


def summaries() -> list[ExperimentSummary]:
    """Every experiment's summary, newest start first (then by name): three statements in all."""
    with session_scope() as session:
        return experiment_counts.summaries(session, now=clock.now())


def create(values: Mapping[str, Any], *, user_id: str) -> Experiment:
    """Add an experiment (raises `ExperimentValidationError` with a message per field; nothing is stored then)."""
    with session_scope() as session:
        return experiments.create_experiment(session, values=values, created_by=user_id, now=clock.now())


def update(experiment_id: str, values: Mapping[str, Any]) -> Experiment:
    """Store an edit (the same validation as `create`); LookupError when the experiment is gone."""
    with session_scope() as session:
        return experiments.update_experiment(session, experiment_id=experiment_id, values=values, now=clock.now())


def mark_winner(experiment_id: str, winner: ExperimentWinner | str | None) -> Experiment:
    """Record the winner of a completed experiment (`ExperimentValidationError` otherwise)."""
    with session_scope() as session:
        return experiments.mark_winner(session, experiment_id=experiment_id, winner=winner, now=clock.now())
