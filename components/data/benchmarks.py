"""The admin Benchmarks page's reads and writes: every benchmark (uncached: the admin must see a save at once),
saving and clearing overrides, and "Recalculate now". Each write forgets every cached answer: sellers' pricing and
market pages use the new reference figures on their next rerun."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.data import clear_all, clock, use_database
from core.config import get_settings
from core.db import session_scope
from core.market import BenchmarkView, list_benchmarks, overrides
from core.models import JobStatus
from core.ops import JobOutcome


def all_benchmarks() -> list[BenchmarkView]:
    with session_scope() as session:
        return list_benchmarks(session)


def save_overrides(admin_user_id: str, edits: Mapping[str, Mapping[str, Any]], *, confirm_far: bool = False) -> int:
    """Validate and save every edited row in one transaction (how many were saved); raises
    `OverrideBatchError` (per-row errors), `OverrideConfirmationNeeded` (a figure outside p10–p90 without
    `confirm_far`), LookupError or PermissionError, nothing written then."""
    with session_scope() as session:
        saved = overrides.save_benchmark_overrides(
            session, admin_user_id=admin_user_id, edits=dict(edits), now=clock.now(), confirm_far=confirm_far
        )
    clear_all()
    return saved


def clear_override(admin_user_id: str, benchmark_id: str) -> None:
    with session_scope() as session:
        overrides.clear_benchmark_override(
            session, benchmark_id=benchmark_id, admin_user_id=admin_user_id, now=clock.now()
        )
    clear_all()


def recalculate_now(claimed_by: str) -> JobOutcome:
    """The benchmarks job's work, run here under its lock and claim; forgets every cached answer when it wrote."""
    settings = get_settings()
    outcome = overrides.recalculate_benchmarks_now(
        use_database(settings.database_url), now=clock.now(), claimed_by=claimed_by, tz=settings.timezone
    )
    if outcome.status == JobStatus.OK:
        clear_all()
    return outcome
