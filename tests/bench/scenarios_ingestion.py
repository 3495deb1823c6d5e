"""Event ingestion's speed: a 100,000-line NDJSON file (1 % bad lines) loaded by `jobs.ingest.ingest_file` into an
empty scratch database on the bench's backend (`fresh_database_url`): events per second = 100,000 / the median.
The collector's rate and latency come from `scripts/collector_load_test.py` (a 60 s run, not a scenario)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from core.db import make_engine
from core.migrate import upgrade_engine
from jobs.ingest import ingest_file
from tests.bench.harness import BenchContext, scenario
from tests.jobs.test_ingest_file import write_events_file

LINES = 100_000


@dataclass
class _Scratch:
    engine: Engine
    path: Path


_scratch: _Scratch | None = None


def _prepare(ctx: BenchContext) -> _Scratch:
    """The scratch database (migrated once) and the file (written once), kept between runs."""
    global _scratch
    if _scratch is None:
        engine = make_engine(ctx.fresh_database_url("ingestion"))
        upgrade_engine(engine)
        path = Path(tempfile.mkdtemp(prefix="sgt-ingest-bench-")) / "events.ndjson"
        write_events_file(path, LINES)
        _scratch = _Scratch(engine, path)
    return _scratch


@scenario("ingest 100k-line file", repeats=3, warmup=1)
def scenario_ingest_file(ctx: BenchContext) -> tuple[int, int, int]:
    """`python -m jobs ingest` on 100,000 lines (99,000 good) into an empty scratch table: batches, COPY, ANALYZE."""
    scratch = _prepare(ctx)
    with scratch.engine.begin() as connection:  # every run starts from an empty table
        connection.execute(text("DELETE FROM ingestion_batches"))
        connection.execute(text("DELETE FROM analytics_events"))
    summary = ingest_file(scratch.path, sessions=lambda: Session(scratch.engine, expire_on_commit=False))
    if (summary.inserted, summary.rejected) != (99_000, 1_000):
        raise AssertionError(f"unexpected counts: {summary.line()}")
    return summary.read, summary.inserted, summary.rejected


@scenario("ingest 100k-line file again (all duplicates)", repeats=3, warmup=1)
def scenario_ingest_file_again(ctx: BenchContext) -> tuple[int, int, int]:
    """The same file once more (a retried upload): every good line a duplicate (the untimed warm-up fills the table
    when this runs first)."""
    scratch = _prepare(ctx)
    summary = ingest_file(scratch.path, sessions=lambda: Session(scratch.engine, expire_on_commit=False))
    return summary.read, summary.duplicates, summary.rejected
