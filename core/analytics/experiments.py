"""The experiments tracker's writes (issue 16): validated create, update and mark-winner of `experiments`; the
counts from `analytics_events` are `core.analytics.experiment_counts`', the statistics `experiment_stats`'.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.analytics.experiment_stats import (
    ExperimentInputError,
    sample_size_per_variant,
)
from core.models import Experiment, ExperimentStatus, ExperimentWinner, User
from core.money import parse_amount
from core.periods import require_aware
from core.text_input import NAME, PROSE, text_problem

RATE_PLACES = Decimal("0.000001")  # what Numeric(9, 6) keeps
# field -> (label, most characters, text kind); optional fields are None when blank
_TEXT_FIELDS: dict[str, tuple[str, int | None, str]] = {
    "name": ("Name", 120, NAME),
    "hypothesis": ("Hypothesis", None, PROSE),
    "metric": ("Metric", 60, NAME),
    **{
        f"variant_{v}_{part}": (f"Variant {v.upper()} {label}", size, kind)
        for v in "ab"
        for part, label, size, kind in (
            ("name", "name", 80, NAME),
            ("description", "description", None, PROSE),
            ("cta_text", "call-to-action text", 120, NAME),
            ("cta_url", "call-to-action link", 1000, NAME),
            ("asset_url", "asset link", 1000, NAME),
        )
    },
}
_OPTIONAL = {f"variant_{v}_{part}" for v in "ab" for part in ("cta_text", "cta_url", "asset_url")}
_URLS = {f"variant_{v}_{part}" for v in "ab" for part in ("cta_url", "asset_url")}
FIELDS = (*_TEXT_FIELDS, "status", "start_at", "end_at", "baseline_rate", "minimum_detectable_effect")


class ExperimentValidationError(ExperimentInputError):
    """An experiment that cannot be saved; `errors` maps a form field to the message shown next to it (the goals'
    pattern). Nothing was written."""


@dataclass(frozen=True)
class ExperimentValues:
    """What the create/edit form gives. A start or end *day* (a `date`) means 00:00 or 23:59:59.999999 UTC."""

    name: str = ""
    hypothesis: str = ""
    metric: str = "conversion_rate"
    status: ExperimentStatus | str = ExperimentStatus.DRAFT
    start_at: datetime | date | None = None
    end_at: datetime | date | None = None
    variant_a_name: str = "Control"
    variant_a_description: str = ""
    variant_a_cta_text: str | None = None
    variant_a_cta_url: str | None = None
    variant_a_asset_url: str | None = None
    variant_b_name: str = "Variant B"
    variant_b_description: str = ""
    variant_b_cta_text: str | None = None
    variant_b_cta_url: str | None = None
    variant_b_asset_url: str | None = None
    baseline_rate: Decimal | float | str | None = None
    minimum_detectable_effect: Decimal | float | str | None = None


# ----------------------------------------------------------------------------- validation and writes


def _moment(value: object, *, end: bool) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo is not None and value.utcoffset() is not None else None
    if isinstance(value, date):
        return datetime.combine(value, time.max if end else time.min, tzinfo=UTC)
    return None


def _rate(value: object) -> Decimal | None:
    amount = parse_amount(value)  # type: ignore[arg-type]
    return None if amount is None else amount.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def _clean(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalised values and {field: message} for each value that breaks a rule on its own."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, (label, size, kind) in _TEXT_FIELDS.items():
        text = (raw.get(field) or "").strip() if isinstance(raw.get(field) or "", str) else None
        if text is None:
            errors[field] = f"{label} must be text."
            continue
        values[field] = None if field in _OPTIONAL and not text else text
        if problem := text_problem(text, label=label, kind=kind):
            errors[field] = problem
        elif size is not None and len(text) > size:
            errors[field] = f"{label} can be at most {size} characters."
        elif field in _URLS and text:
            parts = urlsplit(text)
            if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
                errors[field] = f"{label} must be a web address starting with https:// or http://."
    for field, message in (
        ("name", "Enter a name."),
        ("variant_a_name", "Enter a name for variant A."),
        ("variant_b_name", "Enter a name for variant B."),
    ):
        if field not in errors and not values[field]:
            errors[field] = message
    values["metric"] = values.get("metric") or "conversion_rate"
    try:
        status = raw.get("status") or ExperimentStatus.DRAFT
        values["status"] = ExperimentStatus(str(getattr(status, "value", status)).lower())
    except ValueError:
        errors["status"] = "Pick a status: draft, running, completed or cancelled."
    values["start_at"] = _moment(raw.get("start_at"), end=False)
    values["end_at"] = _moment(raw.get("end_at"), end=True)
    if values["start_at"] is None:
        errors["start_at"] = "Pick a start date (a day, or a moment with its time zone)."
    if raw.get("end_at") is not None and values["end_at"] is None:
        errors["end_at"] = "Pick an end date (a day, or a moment with its time zone), or leave it empty."
    elif values["start_at"] and values["end_at"] and values["end_at"] <= values["start_at"]:
        errors["end_at"] = "The end must be after the start."
    for field, label in (
        ("baseline_rate", "baseline rate"),
        ("minimum_detectable_effect", "minimum detectable effect"),
    ):
        values[field] = _rate(raw.get(field))
        if values[field] is None:
            errors[field] = f"Enter the {label} as a number."
    if values["baseline_rate"] is not None and values["minimum_detectable_effect"] is not None:
        try:  # the planned sample size's own rules: baseline in (0, 1), MDE in (0, 10), the expected rate below 1
            sample_size_per_variant(float(values["baseline_rate"]), float(values["minimum_detectable_effect"]))
        except ExperimentInputError as error:
            errors.update(error.errors)
    if "variant_b_name" not in errors and values["variant_a_name"].casefold() == values["variant_b_name"].casefold():
        errors["variant_b_name"] = "Give variant B a name different from variant A's."
    cta_a = (values["variant_a_cta_text"], values["variant_a_cta_url"])
    cta_b = (values["variant_b_cta_text"], values["variant_b_cta_url"])
    if any(cta_a) and [(s or "").casefold() for s in cta_a] == [(s or "").casefold() for s in cta_b]:
        errors.setdefault("variant_b_cta_text", "Variant B has the same call to action as variant A: change it.")
    return values, errors


def _duplicate_name(session: Session, name: str, *, except_id: str | None) -> str | None:
    """The existing name equal to `name` in any case (casefolded in Python: SQLite's lower() is ASCII only)."""
    rows = session.execute(select(Experiment.id, Experiment.name)).all()
    return next((n for i, n in rows if i != except_id and n.casefold() == name.casefold()), None)


def _as_dict(values: Mapping[str, Any] | ExperimentValues) -> dict[str, Any]:
    raw = dataclasses.asdict(values) if dataclasses.is_dataclass(values) else dict(values)  # type: ignore[arg-type]
    unknown = set(raw) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown experiment fields: {', '.join(sorted(unknown))}")
    return raw


def _save(session: Session, experiment: Experiment, values: dict[str, Any], errors: dict[str, str]) -> Experiment:
    if "name" not in errors and (twin := _duplicate_name(session, values["name"], except_id=experiment.id)):
        errors["name"] = f"An experiment named “{twin}” already exists: pick another name."
    if errors:
        raise ExperimentValidationError(errors)
    try:
        with session.begin_nested():  # a simultaneous save of the same name: refused, not half-written
            for field, value in values.items():
                setattr(experiment, field, value)
            if experiment.status is not ExperimentStatus.COMPLETED:
                experiment.winner = None  # only a completed experiment has a winner
            session.add(experiment)
            session.flush()
    except IntegrityError:
        raise ExperimentValidationError({"name": "An experiment with this name already exists."}) from None
    return experiment


def create_experiment(
    session: Session, *, values: Mapping[str, Any] | ExperimentValues, created_by: str, now: datetime
) -> Experiment:
    """Validate and add an experiment, or raise `ExperimentValidationError` (nothing written); flushes, the
    caller commits. LookupError when `created_by` is no user."""
    require_aware(now)
    if session.get(User, created_by) is None:
        raise LookupError("User not found")
    values, errors = _clean(_as_dict(values))
    experiment = Experiment(created_by_user_id=created_by, created_at=now, updated_at=now)
    return _save(session, experiment, values, errors)


def update_experiment(
    session: Session, *, experiment_id: str, values: Mapping[str, Any] | ExperimentValues, now: datetime
) -> Experiment:
    """Change the given fields (the others keep their value) under the rules of a new experiment; moving a
    completed experiment to another status clears its winner. `ExperimentValidationError` writes nothing."""
    require_aware(now)
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise LookupError("Experiment not found")
    merged = {field: getattr(experiment, field) for field in FIELDS} | _as_dict(values)
    values, errors = _clean(merged)
    values["updated_at"] = now
    return _save(session, experiment, values, errors)


def mark_winner(
    session: Session, *, experiment_id: str, winner: ExperimentWinner | str | None, now: datetime
) -> Experiment:
    """Record the winner ("A", "B" or "tie") of a completed experiment; None clears it. Flushes."""
    require_aware(now)
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise LookupError("Experiment not found")
    if experiment.status is not ExperimentStatus.COMPLETED:
        raise ExperimentValidationError(
            {"winner": f"This experiment is {experiment.status.value}: only a completed experiment has a winner."}
        )
    choice = None
    if winner is not None:
        text = str(getattr(winner, "value", winner)).strip()
        choice = next((w for w in ExperimentWinner if w.value.casefold() == text.casefold()), None)
        if choice is None:
            raise ExperimentValidationError({"winner": "Pick the winner: A, B or tie."})
    experiment.winner, experiment.updated_at = choice, now
    session.flush()
    return experiment
