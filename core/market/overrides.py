"""The admin's hand on market benchmarks: reference-value overrides (validated, with who and when, clearable), the
values to show and use (`effective_reference`), and the Benchmarks page's claimed "Recalculate now".

Far overrides (issue 11): a figure outside the segment's computed 10th–90th percentile needs a second
confirmation (`OverrideConfirmationNeeded`, then `confirm_far=True`). Sellers see an override only as the team's
reference, flagged "set by the marketplace team"; the Pricing tool's position, suggestion and range keep using
the computed figures, so an extreme override never makes a screen contradict itself.

An override replaces the *displayed reference* of a segment — average price, median price, top-seller average
price — while the computed figures stay in their columns and keep being refreshed by the daily recalculation
(`core.market.benchmarks` leaves the override columns alone). Setting an override stores exactly the values given: a
figure passed as None uses the computed value again; all three None clears the override.

"Recalculate now" (decided for issue 7): the daily `benchmarks` job also closes goals and sends opportunity
alerts, and its claim (one per local date) is usually taken at 03:00, so the page cannot reuse it without
being refused most of the day. The page's run therefore recalculates the benchmarks only, through the same
`recalculate_benchmarks` and the same `run_claimed` (the same PostgreSQL advisory lock as the scheduled job,
so the two never run at once), under its own claim period: the local minute, suffixed " manual". A second
press in the same minute is skipped, and both runs show in the job history under `benchmarks`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.market.benchmarks import recalculate_benchmarks
from core.market.queries import BenchmarkView
from core.models import MarketBenchmark, User, UserRole
from core.money import CENT, format_money, parse_amount, to_cents
from core.ops.claims import (
    JobOutcome,
    RetryPolicy,
    SessionFactory,
    as_session_factory,
    run_claimed,
    run_with_db_retry,
)
from core.periods import require_aware
from core.text_input import PROSE, text_problem, url_key

BENCHMARKS_JOB = "benchmarks"  # the scheduled job's name: its lock and its history
MANUAL_PERIOD_SUFFIX = " manual"
NOTE_MAX_CHARS = 500  # market_benchmarks.override_note is String(500)
MAX_OVERRIDE_PRICE = Decimal("9999999999.99")  # Numeric(12, 2)

FIELD_LABELS = {
    "average_price": "Average price",
    "median_price": "Median price",
    "top_seller_avg_price": "Top-seller average price",
    "note": "Note",
}


class OverrideValidationError(ValueError):
    """Values that cannot be saved; `errors` maps each bad field to a message meant to be shown next to it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


# ---------------------------------------------------------------- validation (pure)


def parse_override_price(value: Decimal | str | float | int | None, field: str) -> Decimal | None:
    """None/blank → None (no override); else a positive amount with at most two decimals.

    Raises `OverrideValidationError({field: message})` with a message that names the field.
    """
    label = FIELD_LABELS[field]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value != value:  # NaN: what an emptied data-editor cell can hold
        return None
    amount = parse_amount(value)
    if amount is None:
        raise OverrideValidationError({field: f"{label}: enter an amount like 14.99."})
    if amount <= 0:
        raise OverrideValidationError({field: f"{label} must be above $0.00."})
    if amount != amount.quantize(CENT):
        raise OverrideValidationError({field: f"{label}: use at most two decimals (cents)."})
    if amount > MAX_OVERRIDE_PRICE:
        raise OverrideValidationError({field: f"{label} is too large; check for a typo."})
    return amount.quantize(CENT)


@dataclass(frozen=True)
class OverrideValues:
    average_price: Decimal | None
    median_price: Decimal | None
    top_seller_avg_price: Decimal | None
    note: str | None

    @property
    def is_empty(self) -> bool:
        return self.average_price is None and self.median_price is None and self.top_seller_avg_price is None


def validate_override(
    *,
    average_price: Decimal | str | float | None = None,
    median_price: Decimal | str | float | None = None,
    top_seller_avg_price: Decimal | str | float | None = None,
    note: str | None = None,
) -> OverrideValues:
    """Every field checked at once: `OverrideValidationError` carries one message per bad field."""
    errors: dict[str, str] = {}
    parsed: dict[str, Decimal | None] = {}
    for field, value in (
        ("average_price", average_price),
        ("median_price", median_price),
        ("top_seller_avg_price", top_seller_avg_price),
    ):
        try:
            parsed[field] = parse_override_price(value, field)
        except OverrideValidationError as exc:
            errors.update(exc.errors)
            parsed[field] = None
    clean_note = (note or "").strip() if isinstance(note, str) else None
    if clean_note and len(clean_note) > NOTE_MAX_CHARS:
        errors["note"] = f"Note: keep it to {NOTE_MAX_CHARS} characters (it has {len(clean_note)})."
    if problem := text_problem(clean_note, label="Note", kind=PROSE):
        errors["note"] = problem
    values = OverrideValues(**parsed, note=clean_note or None)
    if values.is_empty and values.note and not errors:
        errors["note"] = "Note: set at least one override value for the note to explain, or clear the override."
    if errors:
        raise OverrideValidationError(errors)
    return values


# The order every segment's figures keep: each is an average or a middle of the segment's listing prices, so it lies
# between the lowest and the highest of them. An override that leaves the range is a typo (250 for 25.0).
_ORDER_NOUNS = {
    "average_price": "average",
    "median_price": "median",
    "top_seller_avg_price": "top-seller average",
}


def override_order_errors(values: OverrideValues, *, lowest: Decimal, highest: Decimal) -> dict[str, str]:
    """{field: message} for each overridden figure outside [lowest, highest] of the segment's listing prices,
    naming the rule it breaks ("lowest price ≤ median ≤ highest price"). Pure."""
    errors: dict[str, str] = {}
    for field, noun in _ORDER_NOUNS.items():
        value = getattr(values, field)
        if value is None:
            continue
        rule = f"the rule is lowest price ≤ {noun} ≤ highest price."
        if value < lowest:
            errors[field] = (
                f"{FIELD_LABELS[field]} {format_money(value)} is below the lowest listing price of this segment "
                f"({format_money(lowest)}): {rule}"
            )
        elif value > highest:
            errors[field] = (
                f"{FIELD_LABELS[field]} {format_money(value)} is above the highest listing price of this segment "
                f"({format_money(highest)}): {rule}"
            )
    return errors


def price_range_of(row: MarketBenchmark) -> tuple[Decimal, Decimal]:
    """The (lowest, highest) listing price of a benchmark's segment, to the cent, as computed."""
    return to_cents(row.price_range["min"]), to_cents(row.price_range["max"])


def check_override_order(values: OverrideValues, row: MarketBenchmark) -> None:
    """`OverrideValidationError` when an overridden figure leaves the segment's price range (see above)."""
    lowest, highest = price_range_of(row)
    errors = override_order_errors(values, lowest=lowest, highest=highest)
    if errors:
        raise OverrideValidationError(errors)


# An override outside the computed 10th–90th percentile of the segment's prices (where 80 % of its listings are)
# is allowed, but only once the admin confirms it a second time (issue 11).


class OverrideConfirmationNeeded(ValueError):
    """Some overrides lie outside the computed p10–p90; `warnings` maps benchmark id -> {field: the sentence to
    confirm}. Nothing was written; save again with `confirm_far=True`."""

    def __init__(self, warnings: dict[str, dict[str, str]]) -> None:
        super().__init__(f"{len(warnings)} benchmark row(s) need a confirmation")
        self.warnings = warnings


def far_override_warnings(values: OverrideValues, *, p10: Decimal | None, p90: Decimal | None) -> dict[str, str]:
    """{field: "Yes, set the median $9.00 although 80 % of listings are between $X and $Y"} for each overridden
    figure outside [p10, p90] (nothing when the percentiles are not computed yet). Pure."""
    if p10 is None or p90 is None:
        return {}
    warnings: dict[str, str] = {}
    for field, noun in _ORDER_NOUNS.items():
        value = getattr(values, field)
        if value is not None and not p10 <= value <= p90:
            warnings[field] = (
                f"Yes, set the {noun} {format_money(value)} although 80 % of listings are between "
                f"{format_money(p10)} and {format_money(p90)}"
            )
    return warnings


# ---------------------------------------------------------------- what to show and use (pure)


@dataclass(frozen=True)
class ReferenceFigure:
    """One reference figure: the value to show and use, the computed one beside it, and which one won."""

    value: Decimal
    computed: Decimal
    is_override: bool


@dataclass(frozen=True)
class EffectiveReference:
    average_price: ReferenceFigure
    median_price: ReferenceFigure
    top_seller_avg_price: ReferenceFigure
    note: str | None
    overridden_by_user_id: str | None
    overridden_by_name: str | None
    overridden_at: datetime | None

    @property
    def is_overridden(self) -> bool:
        return any(f.is_override for f in (self.average_price, self.median_price, self.top_seller_avg_price))


def _figure(override: Decimal | None, computed: Decimal) -> ReferenceFigure:
    return ReferenceFigure(override if override is not None else computed, computed, override is not None)


def _computed_top_seller_price(source: BenchmarkView | MarketBenchmark) -> Decimal:
    if isinstance(source, BenchmarkView):
        return source.top_sellers.avg_price
    return to_cents(source.top_seller_metrics["avgPrice"])


def effective_reference(source: BenchmarkView | MarketBenchmark) -> EffectiveReference:
    """The average, median and top-seller average to display and use: the override where set, else computed."""
    return EffectiveReference(
        average_price=_figure(source.override_average_price, source.average_price),
        median_price=_figure(source.override_median_price, source.median_price),
        top_seller_avg_price=_figure(source.override_top_seller_avg_price, _computed_top_seller_price(source)),
        note=source.override_note,
        overridden_by_user_id=source.overridden_by_user_id,
        overridden_by_name=getattr(source, "overridden_by_name", None),
        overridden_at=source.overridden_at,
    )


# ---------------------------------------------------------------- writing


def _require_admin(session: Session, admin_user_id: str) -> None:
    user = session.get(User, admin_user_id)
    if user is None or not user.is_active or user.role != UserRole.ADMIN:
        raise PermissionError("Only an admin can change market benchmarks.")


def _benchmark(session: Session, benchmark_id: str) -> MarketBenchmark:
    key = url_key(benchmark_id, max_chars=64)
    row = None if key is None else session.get(MarketBenchmark, key, populate_existing=True)
    if row is None:
        raise LookupError("Benchmark not found (it may have been removed by a recalculation).")
    return row


def set_benchmark_override(
    session: Session,
    *,
    benchmark_id: str,
    admin_user_id: str,
    average_price: Decimal | str | float | None = None,
    median_price: Decimal | str | float | None = None,
    top_seller_avg_price: Decimal | str | float | None = None,
    note: str | None = None,
    now: datetime,
    confirm_far: bool = False,
) -> EffectiveReference:
    """Store the admin's override of a benchmark's reference figures, stamped with who and when (flushed).

    PermissionError unless `admin_user_id` is an active admin; `OverrideValidationError` (one message per
    field) for an amount that is not a positive number with at most two decimals or lies outside the segment's
    lowest–highest listing price, or a note over 500 characters or with a control character; LookupError for an
    unknown benchmark; `OverrideConfirmationNeeded` for a figure outside the computed p10–p90 unless
    `confirm_far`. Nothing is written on any error. All three figures
    None clears the override (see `clear_benchmark_override`).
    """
    require_aware(now)
    _require_admin(session, admin_user_id)
    values = validate_override(
        average_price=average_price, median_price=median_price, top_seller_avg_price=top_seller_avg_price, note=note
    )
    row = _benchmark(session, benchmark_id)
    check_override_order(values, row)
    far = far_override_warnings(values, p10=row.p10_price, p90=row.p90_price)
    if far and not confirm_far:
        raise OverrideConfirmationNeeded({row.id: far})
    if values.is_empty:
        _clear(row)
    else:
        row.override_average_price = values.average_price
        row.override_median_price = values.median_price
        row.override_top_seller_avg_price = values.top_seller_avg_price
        row.override_note = values.note
        row.overridden_by_user_id = admin_user_id
        row.overridden_at = now
    session.flush()
    return effective_reference(row)


def _clear(row: MarketBenchmark) -> bool:
    had = row.overridden_at is not None or any(
        v is not None
        for v in (row.override_average_price, row.override_median_price, row.override_top_seller_avg_price)
    )
    row.override_average_price = row.override_median_price = row.override_top_seller_avg_price = None
    row.override_note = row.overridden_by_user_id = row.overridden_at = None
    return had


def clear_benchmark_override(session: Session, *, benchmark_id: str, admin_user_id: str, now: datetime) -> bool:
    """Remove a benchmark's override (the computed figures are used again); True when there was one (flushed).

    PermissionError unless an active admin asks; LookupError for an unknown benchmark. `now` is required for
    symmetry with `set_benchmark_override` and is checked, not stored (a cleared override keeps no stamp).
    """
    require_aware(now)
    _require_admin(session, admin_user_id)
    had = _clear(_benchmark(session, benchmark_id))
    session.flush()
    return had


class OverrideBatchError(ValueError):
    """Some edited rows cannot be saved; `errors` maps benchmark id -> {field: message}. Nothing was written."""

    def __init__(self, errors: dict[str, dict[str, str]]) -> None:
        super().__init__(f"{len(errors)} benchmark row(s) have errors")
        self.errors = errors


OVERRIDE_FIELDS = ("average_price", "median_price", "top_seller_avg_price", "note")


def save_benchmark_overrides(
    session: Session,
    *,
    admin_user_id: str,
    edits: Mapping[str, Mapping[str, Any]],
    now: datetime,
    confirm_far: bool = False,
) -> int:
    """Save several rows' overrides at once (the page's "Save overrides"); returns how many rows were saved.

    `edits` maps benchmark id -> the row's whole override as edited ({average_price, median_price,
    top_seller_avg_price, note}; a missing or None figure uses the computed value). Every row is validated
    before anything is written: `OverrideBatchError` (per row, per field) and nothing written when any row
    is bad; PermissionError for a non-admin; LookupError for an unknown id. A figure outside the computed
    p10–p90 raises `OverrideConfirmationNeeded` (nothing written) unless `confirm_far`.
    """
    _require_admin(session, admin_user_id)
    errors: dict[str, dict[str, str]] = {}
    warnings: dict[str, dict[str, str]] = {}
    for benchmark_id, row in edits.items():
        try:
            values = validate_override(**{f: row.get(f) for f in OVERRIDE_FIELDS})
            benchmark = _benchmark(session, benchmark_id)
            check_override_order(values, benchmark)
        except OverrideValidationError as exc:
            errors[benchmark_id] = exc.errors
            continue
        far = far_override_warnings(values, p10=benchmark.p10_price, p90=benchmark.p90_price)
        if far:
            warnings[benchmark_id] = far
    if errors:
        raise OverrideBatchError(errors)
    if warnings and not confirm_far:
        raise OverrideConfirmationNeeded(warnings)
    for benchmark_id, row in edits.items():
        set_benchmark_override(
            session, benchmark_id=benchmark_id, admin_user_id=admin_user_id, now=now, confirm_far=True,
            **{f: row.get(f) for f in OVERRIDE_FIELDS},
        )  # fmt: skip
    return len(edits)


# ---------------------------------------------------------------- "Recalculate now" (claimed, benchmarks only)


def manual_period(now: datetime, tz: ZoneInfo) -> str:
    """The claim period of a manual recalculation: the local minute, e.g. "2026-11-21T16:05 manual"."""
    require_aware(now)
    return now.astimezone(tz).strftime("%Y-%m-%dT%H:%M") + MANUAL_PERIOD_SUFFIX


def recalculate_benchmarks_now(
    sessions: Engine | SessionFactory,
    *,
    now: datetime,
    claimed_by: str,
    tz: ZoneInfo,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], Any] = time.sleep,
) -> JobOutcome:
    """Recalculate every benchmark once, claimed like the scheduled job (same lock, period = the local minute).

    ok (rows = benchmarks upserted) / skipped (`detail`: the minute was already done, or the scheduled job is
    running right now) / failed (`error`). Overrides survive. Commits through `run_claimed`; a short
    database retry keeps the page responsive when the database is down.
    """
    factory = as_session_factory(sessions)
    period = manual_period(now, tz)

    def work(session: Session) -> int:
        return recalculate_benchmarks(session, now=now)

    return run_with_db_retry(
        lambda: run_claimed(factory, job_name=BENCHMARKS_JOB, period=period, fn=work, claimed_by=claimed_by),
        sessions=factory,
        job_name=BENCHMARKS_JOB,
        period=period,
        retry=retry or RetryPolicy(total_seconds=15.0, first_delay=1.0),
        sleep=sleep,
    )
