"""The benchmark harness's own arithmetic and bookkeeping: percentiles, the registry, run counts, the table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest

from tests.bench import harness
from tests.bench.harness import BenchContext, Measurement, format_table, measure, percentile, scenario


@pytest.fixture
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, harness.Scenario]]:
    registry: dict[str, harness.Scenario] = {}
    monkeypatch.setattr(harness, "REGISTRY", registry)
    yield registry


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        # 5 values: rank ceil(0.95 * 5) = 5 -> the largest.
        ([30.0, 10.0, 50.0, 20.0, 40.0], 95, 50.0),
        # 20 values 1..20: rank ceil(0.95 * 20) = 19 -> 19.
        ([float(v) for v in range(20, 0, -1)], 95, 19.0),
        # 4 values: rank ceil(0.5 * 4) = 2 -> the second smallest, 20.
        ([40.0, 10.0, 30.0, 20.0], 50, 20.0),
        ([7.0], 95, 7.0),
    ],
)
def test_percentile_is_nearest_rank(values: list[float], pct: float, expected: float) -> None:
    assert percentile(values, pct) == expected


def test_scenario_registers_once_with_its_options(empty_registry: dict[str, harness.Scenario]) -> None:
    @scenario("demo.thing", repeats=3, warmup=2, target_ms=250)
    def thing(ctx: BenchContext) -> None:
        """Does a thing.

        More detail that the listing leaves out."""

    item = empty_registry["demo.thing"]
    assert (item.repeats, item.warmup, item.target_ms, item.description) == (3, 2, 250, "Does a thing.")
    assert item.func is thing

    with pytest.raises(ValueError, match="registered twice"):
        scenario("demo.thing")(thing)


def test_scenario_refuses_zero_repeats() -> None:
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        scenario("demo.never", repeats=0)


def test_measure_runs_warmups_timed_runs_and_one_traced_run(empty_registry: dict[str, harness.Scenario]) -> None:
    calls: list[Any] = []

    @scenario("demo.counted", repeats=4, warmup=2)
    def counted(ctx: BenchContext) -> None:
        calls.append(ctx)
        _ = [0] * 100_000  # an 800 kB list (8 bytes per slot) the tracemalloc peak must see

    ctx = cast(BenchContext, object())
    result = measure(empty_registry["demo.counted"], ctx)

    assert len(calls) == 2 + 4 + 1  # warm-up, timed, traced
    assert result.runs == 4
    assert result.error is None
    assert result.peak_mb is not None and result.peak_mb >= 100_000 * 8 / 2**20

    overridden = measure(empty_registry["demo.counted"], ctx, repeats=1)
    assert overridden.runs == 1


def test_measure_reports_a_failing_scenario_instead_of_raising(empty_registry: dict[str, harness.Scenario]) -> None:
    @scenario("demo.broken")
    def broken(ctx: BenchContext) -> None:
        raise RuntimeError("no data")

    result = measure(empty_registry["demo.broken"], cast(BenchContext, object()))

    assert result.runs == 0
    assert result.error is not None and "RuntimeError: no data" in result.error


def test_table_shows_median_p95_and_flags_a_missed_target() -> None:
    fast = Measurement("fast", 1, [1.0, 2.0, 3.0], 0.5, 0.0, target_ms=5.0)
    slow = Measurement("slow", 1, [100.0, 300.0, 200.0], 12.0, 3.0, target_ms=150.0)
    failed = Measurement("failed", 1, [], None, None, None, error="Traceback ...")

    lines = format_table([fast, slow, failed]).splitlines()

    def cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.split("|")]

    assert cells(lines[0])[:5] == ["scenario", "runs", "median ms", "p95 ms", "peak MB"]
    # fast: median of 1, 2, 3 = 2; p95 rank ceil(0.95 * 3) = 3 -> 3.
    assert cells(lines[2]) == ["fast", "3", "2.00", "3.00", "0.50", "0.00", "5.00", "", ""]
    # slow: median 200 > target 150.
    assert cells(lines[3]) == ["slow", "3", "200.0", "300.0", "12.0", "3.00", "150.0 OVER", "", ""]
    assert "ERROR" in lines[4]
    assert slow.as_dict()["over_target"] is True
    assert fast.as_dict()["over_target"] is False


def test_a_peak_over_its_limit_fails_and_is_flagged() -> None:
    heavy = Measurement("heavy", 1, [10.0], 150.0, 0.0, target_ms=50.0, max_peak_mb=100.0)
    light = Measurement("light", 1, [10.0], 99.5, 0.0, target_ms=50.0, max_peak_mb=100.0)

    assert heavy.failed and heavy.over_memory and not heavy.over_target
    assert not light.failed
    assert "150.0 OVER 100" in format_table([heavy])


def test_comparisons_are_checked_equal_then_timed_and_give_ratios(
    empty_registry: dict[str, harness.Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "COMPARISONS", {})
    clock = iter(float(t) for t in range(1000))
    # Every perf_counter call advances one "second": each timed run of anything lasts exactly 1 s ...
    monkeypatch.setattr(harness.time, "perf_counter", lambda: next(clock))

    @scenario("demo.sum", repeats=3, warmup=0)
    def product(ctx: BenchContext) -> list[int]:
        return [1, 2, 3]

    @harness.comparison("demo.sum", "sql")
    def by_sql(ctx: BenchContext) -> list[int]:
        return [1, 2, 3]

    ctx = cast(BenchContext, object())
    result = measure(empty_registry["demo.sum"], ctx)
    harness.measure_comparisons(empty_registry["demo.sum"], ctx, result)

    # ... so both medians are 1,000 ms and the ratio is exactly 1.
    assert result.error is None
    assert result.median_ms == 1000.0
    assert result.comparison_ms == {"sql": 1000.0}
    assert result.ratio_to("sql") == 1.0
    assert result.as_dict()["ratio_to_sql"] == 1.0


def test_a_comparison_that_disagrees_is_an_error(
    empty_registry: dict[str, harness.Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "COMPARISONS", {})

    @scenario("demo.count", repeats=1, warmup=0)
    def product(ctx: BenchContext) -> int:
        return 41

    @harness.comparison("demo.count", "python")
    def by_python(ctx: BenchContext) -> int:
        return 42

    ctx = cast(BenchContext, object())
    result = measure(empty_registry["demo.count"], ctx)
    harness.measure_comparisons(empty_registry["demo.count"], ctx, result)

    assert result.failed
    assert result.error is not None and "python comparison" in result.error and "42" in result.error
    assert result.comparison_ms == {}


def test_a_scenario_takes_one_comparison_of_each_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "COMPARISONS", {})
    harness.comparison("demo.x", "sql")(lambda ctx: 1)
    with pytest.raises(ValueError, match="two sql comparisons"):
        harness.comparison("demo.x", "sql")(lambda ctx: 1)
    with pytest.raises(ValueError, match="kind must be one of"):
        harness.comparison("demo.x", "csv")  # type: ignore[arg-type]


def test_a_slow_comparison_is_timed_by_its_checking_run_alone(
    empty_registry: dict[str, harness.Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness, "COMPARISONS", {})
    clock = iter(float(t) * 10 for t in range(1000))
    monkeypatch.setattr(harness.time, "perf_counter", lambda: next(clock))  # every timed call lasts 10 s
    calls: list[str] = []

    @scenario("demo.slow", repeats=5, warmup=1)
    def product(ctx: BenchContext) -> int:
        return 7

    @harness.comparison("demo.slow", "python")
    def by_python(ctx: BenchContext) -> int:
        calls.append("python")
        return 7

    ctx = cast(BenchContext, object())
    result = measure(empty_registry["demo.slow"], ctx)
    harness.measure_comparisons(empty_registry["demo.slow"], ctx, result)

    assert calls == ["python"]  # 10 s ≥ SLOW_COMPARISON_MS: no further runs
    assert result.comparison_ms == {"python": 10_000.0}
    assert result.ratio_to("python") == 1.0  # the product's runs also "took" 10 s each


def test_a_tiny_ratio_keeps_its_first_significant_digit() -> None:
    fast = Measurement("fast", 1, [124.0], 0.2, 0.0, target_ms=300.0, comparison_ms={"sql": 38_000.0})
    slow = Measurement("slow", 1, [150.0], 0.2, 0.0, target_ms=300.0, comparison_ms={"sql": 100.0})

    table = format_table([fast, slow]).splitlines()

    assert "0.003×" in table[2]  # 124 / 38,000 = 0.00326
    assert "1.50×" in table[3]


def test_a_scenario_with_timed_blocks_is_measured_by_them_alone(
    empty_registry: dict[str, harness.Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The set-up outside `ctx.timed()` is not counted; two blocks add up. The clock is scripted, so the expected
    times are exact: the whole call spans 0 → 100 ms, the blocks 10 → 30 and 50 → 60 ms."""
    ticks = iter([0.0, 0.010, 0.030, 0.050, 0.060, 0.100] * 2)
    monkeypatch.setattr(harness.time, "perf_counter", lambda: next(ticks))

    @scenario("demo.timed", repeats=1, warmup=0)
    def with_setup(ctx: BenchContext) -> None:
        with ctx.timed():
            pass
        with ctx.timed():
            pass

    @scenario("demo.whole", repeats=1, warmup=0)
    def without_blocks(ctx: BenchContext) -> None:
        next(ticks), next(ticks), next(ticks), next(ticks)  # the same clock reads, none of them a block

    ctx = BenchContext(database_url="sqlite://", engine=cast(Any, None))
    assert harness.run_once(empty_registry["demo.timed"].func, ctx) == pytest.approx(30.0)
    assert harness.run_once(empty_registry["demo.whole"].func, ctx) == pytest.approx(100.0)
