"""Benchmark scenarios: the `@scenario` registry, the `BenchContext` they receive, and how they are measured.

A scenario is a function of one `BenchContext`, registered with `@scenario("name")` in a module
`tests/bench/scenarios_<area>.py`; `python -m tests.bench.run` imports those modules and measures every
scenario: `warmup` untimed runs, `repeats` timed runs (`time.perf_counter`), then one more run under
`tracemalloc` for the peak of Python allocations (kept out of the timed runs, whose speed it would skew).

A scenario may carry the contract it must meet: `target_ms` (its median) and `max_peak_mb` (the traced peak).
It may also name comparisons, registered with `@comparison("scenario name", kind)`: `kind="sql"` is one
hand-written SQL query that returns the same numbers, `kind="python"` loads the raw rows into Python and counts
there. Each comparison's result must equal the scenario's (checked before timing; a difference is an error), and
the table shows the product's median over the comparison's: the ratio to SQL we steer by (aim ≤ 1.5×), and how
many times faster than the Python baseline the product is.
"""

from __future__ import annotations

import gc
import math
import re
import resource
import statistics
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.config import PROJECT_ROOT
from core.models import DigitalProduct, ProductStatus

BENCH_DIR = PROJECT_ROOT / ".bench"
# The data set is generated as of this day, so every run (and every machine) measures the same data.
FIXED_TODAY = date(2026, 11, 21)
# "Now" for scenarios: the afternoon of FIXED_TODAY, the same instant the tests use as NOW.
BENCH_NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)

ScenarioFunc = Callable[["BenchContext"], Any]


@dataclass(frozen=True)
class Scenario:
    name: str
    func: ScenarioFunc
    repeats: int
    warmup: int
    target_ms: float | None
    module: str
    max_peak_mb: float | None = None

    @property
    def description(self) -> str:
        doc = (self.func.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


REGISTRY: dict[str, Scenario] = {}

ComparisonKind = Literal["sql", "python"]
COMPARISON_KINDS: tuple[ComparisonKind, ...] = ("sql", "python")


@dataclass(frozen=True)
class Comparison:
    """Another way to get the scenario's numbers: one hand-written SQL query, or the raw rows counted in Python."""

    scenario: str
    kind: ComparisonKind
    func: ScenarioFunc
    module: str

    @property
    def description(self) -> str:
        doc = (self.func.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


COMPARISONS: dict[str, dict[ComparisonKind, Comparison]] = {}
COMPARISON_RUNS = 3  # timed runs of a comparison (after its checking run, which also warms it up)
SLOW_COMPARISON_MS = 5000.0  # a comparison whose checking run took this long is timed by that run alone


def scenario(
    name: str,
    *,
    repeats: int = 5,
    warmup: int = 1,
    target_ms: float | None = None,
    max_peak_mb: float | None = None,
) -> Callable[[ScenarioFunc], ScenarioFunc]:
    """Register a benchmark scenario. `target_ms` is the median and `max_peak_mb` the traced Python peak the
    issue asks for (both optional: without them the scenario is reported, never failed)."""
    if repeats < 1 or warmup < 0:
        raise ValueError(f"scenario {name!r}: repeats must be >= 1 and warmup >= 0")

    def register(func: ScenarioFunc) -> ScenarioFunc:
        if name in REGISTRY:
            raise ValueError(f"scenario {name!r} is registered twice ({REGISTRY[name].module}, {func.__module__})")
        REGISTRY[name] = Scenario(name, func, repeats, warmup, target_ms, func.__module__, max_peak_mb)
        return func

    return register


def comparison(name: str, kind: ComparisonKind = "sql") -> Callable[[ScenarioFunc], ScenarioFunc]:
    """Register `func` as the `kind` comparison of scenario `name`: it must return what the scenario returns."""
    if kind not in COMPARISON_KINDS:
        raise ValueError(f"comparison kind must be one of {COMPARISON_KINDS}, got {kind!r}")

    def register(func: ScenarioFunc) -> ScenarioFunc:
        found = COMPARISONS.setdefault(name, {})
        if kind in found:
            raise ValueError(f"scenario {name!r} has two {kind} comparisons ({found[kind].module}, {func.__module__})")
        found[kind] = Comparison(name, kind, func, func.__module__)
        return func

    return register


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")
    if not cleaned:
        raise ValueError(f"not a usable database name: {name!r}")
    return cleaned[:48]


def create_empty_database(base_url: str, name: str) -> str:
    """An empty database named after `name` on the same backend as `base_url` (replaced if it exists)."""
    url = make_url(base_url)
    db_name = f"bench_fresh_{_safe_name(name)}"
    if url.get_backend_name() == "sqlite":
        path = BENCH_DIR / "fresh" / f"{db_name}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
    finally:
        admin.dispose()
    return url.set(database=db_name).render_as_string(hide_password=False)


@dataclass
class BenchContext:
    """What a scenario gets: the large data set, ways to reach it, and a fixed "now"."""

    database_url: str
    engine: Engine
    now: datetime = BENCH_NOW
    _largest_seller_id: str | None = field(default=None, repr=False)
    _timed_ms: float | None = field(default=None, repr=False)

    @contextmanager
    def timed(self) -> Iterator[None]:
        """The part of a run that is measured, when the scenario must set something up first inside its own
        rolled-back transaction (opting sellers out, opening breaches): the run's time is then the sum of its
        `timed()` blocks, not the whole call's."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self._timed_ms = (self._timed_ms or 0.0) + (time.perf_counter() - started) * 1000

    @property
    def backend(self) -> str:
        """The backend name: "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A Session on the data set inside an outer transaction that is rolled back at exit.

        Code under measurement may `commit()` (it only releases a savepoint), so a scenario that writes
        leaves the data set as it found it for the next run.
        """
        connection = self.engine.connect()
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            outer.rollback()
            connection.close()

    def fresh_database_url(self, name: str) -> str:
        """An empty database on the same backend (a new SQLite file under .bench/, or CREATE DATABASE)."""
        return create_empty_database(self.database_url, name)

    def largest_seller_id(self) -> str:
        """The seller with the most published products (ties broken by id, so it is stable)."""
        if self._largest_seller_id is None:
            count = func.count(DigitalProduct.id)
            query = (
                select(DigitalProduct.seller_id)
                .where(DigitalProduct.status == ProductStatus.PUBLISHED, DigitalProduct.deleted_at.is_(None))
                .group_by(DigitalProduct.seller_id)
                .order_by(count.desc(), DigitalProduct.seller_id)
                .limit(1)
            )
            with self.session() as session:
                seller_id = session.scalar(query)
            if seller_id is None:
                raise LookupError("the data set has no published product: was the demo data generated?")
            self._largest_seller_id = seller_id
        return self._largest_seller_id


@dataclass
class Measurement:
    name: str
    warmup: int
    times_ms: list[float]
    peak_mb: float | None
    rss_delta_mb: float | None
    target_ms: float | None
    error: str | None = None
    max_peak_mb: float | None = None
    # kind -> median ms of that comparison (same number of runs); filled by `measure_comparisons`
    comparison_ms: dict[str, float] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return len(self.times_ms)

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95_ms(self) -> float | None:
        return percentile(self.times_ms, 95) if self.times_ms else None

    @property
    def over_target(self) -> bool:
        return self.target_ms is not None and self.median_ms is not None and self.median_ms > self.target_ms

    @property
    def over_memory(self) -> bool:
        return self.max_peak_mb is not None and self.peak_mb is not None and self.peak_mb > self.max_peak_mb

    @property
    def failed(self) -> bool:
        """An error (including a comparison that disagreed), a median over its target or a peak over its limit."""
        return bool(self.error) or self.over_target or self.over_memory

    def ratio_to(self, kind: str) -> float | None:
        """The product's median ÷ the `kind` comparison's median (None without that comparison)."""
        other = self.comparison_ms.get(kind)
        if other is None or self.median_ms is None or other <= 0:
            return None
        return self.median_ms / other

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "warmup": self.warmup,
            "runs": self.runs,
            "times_ms": [round(t, 3) for t in self.times_ms],
            "median_ms": _round(self.median_ms),
            "p95_ms": _round(self.p95_ms),
            "min_ms": _round(min(self.times_ms, default=None)),
            "max_ms": _round(max(self.times_ms, default=None)),
            "peak_mb": _round(self.peak_mb),
            "rss_delta_mb": _round(self.rss_delta_mb),
            "target_ms": self.target_ms,
            "over_target": self.over_target,
            "max_peak_mb": self.max_peak_mb,
            "over_memory": self.over_memory,
            "comparison_ms": {k: round(v, 3) for k, v in self.comparison_ms.items()},
            "ratio_to_sql": _round(self.ratio_to("sql")),
            "ratio_to_python": _round(self.ratio_to("python")),
            "error": self.error,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `pct`% of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def run_once(func: ScenarioFunc, ctx: BenchContext) -> float:
    """One timed call of a scenario: its time in ms, or the sum of its `ctx.timed()` blocks when it has any."""
    real = isinstance(ctx, BenchContext)  # the harness's own tests pass stand-ins
    if real:
        ctx._timed_ms = None
    started = time.perf_counter()
    func(ctx)
    whole = (time.perf_counter() - started) * 1000
    return whole if not real or ctx._timed_ms is None else ctx._timed_ms


def _max_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(item: Scenario, ctx: BenchContext, *, repeats: int | None = None) -> Measurement:
    """Warm up, time `repeats` runs, then one traced run for the Python allocation peak.

    `rss_delta_mb` is how far the process's peak resident memory rose during the scenario: 0 when the
    scenario stayed under a peak an earlier scenario already reached.
    """
    runs = repeats or item.repeats
    times: list[float] = []
    rss_before = _max_rss_mb()
    limits = {"target_ms": item.target_ms, "max_peak_mb": item.max_peak_mb}
    try:
        for _ in range(item.warmup):
            item.func(ctx)
        gc.collect()
        for _ in range(runs):
            times.append(run_once(item.func, ctx))
        gc.collect()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            item.func(ctx)
            peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    except Exception:
        return Measurement(item.name, item.warmup, times, None, None, error=traceback.format_exc(), **limits)
    return Measurement(item.name, item.warmup, times, peak_mb, _max_rss_mb() - rss_before, **limits)


def measure_comparisons(item: Scenario, ctx: BenchContext, result: Measurement, *, repeats: int | None = None) -> None:
    """Check each comparison of `item` returns what the scenario returns, then time it (up to COMPARISON_RUNS runs;
    a comparison slower than SLOW_COMPARISON_MS is timed by its checking run alone).

    A comparison that disagrees (or raises) turns the scenario's result into an error: a ratio to a query that
    computes something else would be meaningless.
    """
    if result.error:
        return
    found = COMPARISONS.get(item.name, {})
    if not found:
        return
    runs = min(repeats or item.repeats, COMPARISON_RUNS)
    try:
        expected = item.func(ctx)
        for kind, other in sorted(found.items()):
            started = time.perf_counter()
            got = other.func(ctx)
            checked_ms = (time.perf_counter() - started) * 1000
            if got != expected:
                result.error = (
                    f"the {kind} comparison ({other.module}.{other.func.__name__}) disagrees with the scenario:\n"
                    f"  scenario:   {_short(expected)}\n  comparison: {_short(got)}\n"
                )
                return
            if checked_ms >= SLOW_COMPARISON_MS:
                # Seconds per run (the raw baselines): the checking run is the measurement; more would add minutes.
                result.comparison_ms[kind] = checked_ms
                continue
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                other.func(ctx)
                times.append((time.perf_counter() - started) * 1000)
            result.comparison_ms[kind] = statistics.median(times)
    except Exception:
        result.error = traceback.format_exc()


def _short(value: Any, limit: int = 400) -> str:
    text_ = repr(value)
    return text_ if len(text_) <= limit else text_[:limit] + " …"


def format_table(results: list[Measurement]) -> str:
    """The results as an aligned text table (one row per scenario)."""
    headers = ["scenario", "runs", "median ms", "p95 ms", "peak MB", "RSS +MB", "target ms", "× SQL", "Python ×"]
    rows = []
    for m in results:
        if m.error:
            rows.append([m.name, str(m.runs), "ERROR", "", "", "", _fmt(m.target_ms), "", ""])
            continue
        target = _fmt(m.target_ms) + (" OVER" if m.over_target else "")
        peak = _fmt(m.peak_mb) + (f" OVER {m.max_peak_mb:g}" if m.over_memory else "")
        to_sql = m.ratio_to("sql")
        to_python = m.ratio_to("python")
        rows.append(
            [
                m.name,
                str(m.runs),
                _fmt(m.median_ms),
                _fmt(m.p95_ms),
                peak,
                _fmt(m.rss_delta_mb),
                target,
                "" if to_sql is None else _ratio(to_sql),
                "" if to_python is None else f"{1 / to_python:.1f}× faster",
            ]
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)]
        return " | ".join([first, *rest]).rstrip()

    separator = "-+-".join("-" * w for w in widths)
    return "\n".join([line(headers), separator, *(line(r) for r in rows)])


def _ratio(value: float) -> str:
    """A ratio with two decimals, or its first significant digit when it is under 0.1 (0.003×, not 0.00×)."""
    return f"{value:.2f}×" if value >= 0.1 else f"{value:.1g}×"


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
