"""`python -m tests.bench.run` (`make bench`): build or reuse the demo data set, time the scenarios, report.

The data set is generated once per backend and scale and then reused: on PostgreSQL in a persistent
throw-away cluster under `.bench/pg` (started for the run, stopped at exit, data kept), on SQLite in
`.bench/<scale>.db`. A marker table records what was generated (seed, scale, day, schema head, a hash of
the generator's source); when any of it changes the data set is rebuilt, so figures always describe
what the current generator produces. Results go to the terminal and to `.bench/results-<backend>.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import os
import platform
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.config import reset_settings
from core.db import make_engine, set_engine
from core.migrate import alembic_config, upgrade
from core.models import Base
from tests.bench.harness import (
    BENCH_DIR,
    BENCH_NOW,
    COMPARISONS,
    FIXED_TODAY,
    REGISTRY,
    BenchContext,
    Measurement,
    format_table,
    measure,
    measure_comparisons,
)
from tests.pg_cluster import PostgresCluster

SEED = 42
MARKER_TABLE = "bench_dataset_marker"
SCENARIO_DIR = Path(__file__).resolve().parent
HEARTBEAT_SECONDS = 30
COUNTED_TABLES = (
    "users",
    "seller_profiles",
    "digital_products",
    "revenue_records",
    "product_views",
    "conversion_events",
    "search_queries",
    "analytics_events",
)


def say(message: str) -> None:
    print(message, flush=True)


def load_scenario_modules() -> list[str]:
    """Import every `scenarios_*.py` next to this file (they register themselves); return import errors."""
    errors = []
    for path in sorted(SCENARIO_DIR.glob("scenarios_*.py")):
        try:
            importlib.import_module(f"tests.bench.{path.stem}")
        except Exception as exc:
            errors.append(f"{path.name}: {type(exc).__name__}: {exc}")
    return errors


# --- The data set -----------------------------------------------------------------------------------


def _generator_hash() -> str:
    """A hash of the demo generator's source (every module of the core/demo package); "none" if missing."""
    spec = importlib.util.find_spec("core.demo")
    if spec is None or spec.origin is None:
        return "none"
    if spec.submodule_search_locations:
        files = sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.py"))
    else:
        origin = Path(spec.origin)
        files = [origin, *sorted(origin.parent.glob(f"{origin.stem}_*.py"))]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


# Bumped when `build_derived_data` builds something new: the data set is then brought up to date in place.
DERIVED_VERSION = "4"  # 2: the sellers' monthly activity roll-up; 3: their first sales; 4: the creator pipeline
IN_PLACE = {"schema", "derived"}  # what a data set is brought up to date in, without regenerating it


def dataset_fingerprint(url: str, scale: str) -> dict[str, str]:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head() or "base"
    return {
        "seed": str(SEED),
        "scale": scale,
        "today": FIXED_TODAY.isoformat(),
        "schema": head,
        "generator": _generator_hash(),
        "derived": DERIVED_VERSION,
    }


def _admin_engine(url: str) -> Engine:
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def database_exists(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return bool(parsed.database) and Path(parsed.database).exists()
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            found = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
    finally:
        admin.dispose()
    return found is not None


def recreate_database(url: str) -> None:
    """Start from an empty database (only ever called on databases the benchmark owns)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def read_marker(url: str) -> dict[str, str] | None:
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(MARKER_TABLE):
            return None
        with engine.connect() as conn:
            return {k: v for k, v in conn.execute(text(f"SELECT key, value FROM {MARKER_TABLE}"))}
    finally:
        engine.dispose()


def write_marker(url: str, fingerprint: dict[str, str]) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key VARCHAR(32) PRIMARY KEY, value TEXT)"))
            conn.execute(text(f"DELETE FROM {MARKER_TABLE}"))
            conn.execute(
                text(f"INSERT INTO {MARKER_TABLE} (key, value) VALUES (:k, :v)"),
                [{"k": k, "v": v} for k, v in fingerprint.items()],
            )
    finally:
        engine.dispose()


def _has_users(url: str) -> bool:
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("users"):
            return False
        with engine.connect() as conn:
            return bool(conn.scalar(text("SELECT count(*) FROM users")))
    finally:
        engine.dispose()


def _generate_in_child(url: str, scale: str) -> None:
    from core.demo.generator import generate_demo

    generate_demo(url, seed=SEED, scale=scale, today=FIXED_TODAY, progress=lambda message: say(f"  {message}"))


def generate(url: str, scale: str) -> None:
    """Run the generator in a child process, so its memory does not inflate the scenarios' peak RSS."""
    if _generator_hash() == "none":
        say("  ! core/demo/generator.py is missing: the scenarios run on an EMPTY migrated database.")
        return
    process = multiprocessing.get_context("spawn").Process(target=_generate_in_child, args=(url, scale))
    started = time.monotonic()
    process.start()
    while True:
        process.join(timeout=HEARTBEAT_SECONDS)
        if process.exitcode is not None:
            break
        say(f"  … still generating ({_elapsed(started)})")
    if process.exitcode != 0:
        raise SystemExit(f"Generating the data set failed (exit code {process.exitcode}); see the error above.")
    say(f"  generated in {_elapsed(started)}")


def prepare_dataset(url: str, scale: str, *, owned: bool, rebuild: bool) -> dict[str, str]:
    """Make `url` hold the demo data set for `scale`; rebuild only databases the benchmark owns."""
    wanted = dataset_fingerprint(url, scale)
    marker = read_marker(url) if database_exists(url) else None
    if marker == wanted and not rebuild:
        say(f"Reusing the {scale} data set in {_masked(url)} (seed {SEED}, as of {FIXED_TODAY}).")
        return marker
    if marker is not None and not rebuild and owned and _only_derived_differs(marker, wanted):
        # Migrations only add what the generator does not write (derived tables, columns): migrate in place
        # instead of regenerating millions of rows, then rebuild the derived data.
        say(f"Bringing the {scale} data set's schema ({wanted['schema']}) and derived data up to date in place …")
        upgrade(url)
        build_derived_data(url)
        write_marker(url, wanted)
        return wanted
    if not owned:
        if marker is not None or _has_users(url):
            say(f"  ! {_masked(url)} holds data the benchmark did not build as asked: using it as it is.")
            return marker or {}
    else:
        if marker is not None or database_exists(url):
            changed = sorted(k for k in wanted if marker.get(k) != wanted[k]) if marker else ["no marker"]
            reason = "--rebuild" if rebuild else f"changed: {', '.join(changed)}"
            say(f"Rebuilding the {scale} data set ({reason}).")
        recreate_database(url)
    say(f"Building the {scale} data set in {_masked(url)} (seed {SEED}, as of {FIXED_TODAY}).")
    say("  This takes a while the first time (minutes for --scale large); later runs reuse it.")
    make_engine(url).dispose()  # creates .bench/ for a SQLite file
    say("  migrating to the newest schema …")
    upgrade(url)
    say("  generating the demo data …")
    generate(url, scale)
    build_derived_data(url)
    write_marker(url, wanted)
    return wanted


def build_derived_data(url: str) -> None:
    """What the nightly, hourly and 15-minute jobs keep, as of the bench's "now": stored listing scores (only those
    due), the operator roll-ups and the daily sales, the creator pipeline, then VACUUM (ANALYZE); so the scenarios
    read what production pages read. VACUUM, not only ANALYZE: a live database's autovacuum has long set the
    visibility map of these tables, and without it index-only scans read the heap (the learner funnel took 678 ms
    on the fresh set, 383 ms after it), and autovacuum's own pass over the 17.6 M events would run under the first
    scenarios."""
    from core.analytics.daily_sales import refresh_daily_sales
    from core.analytics.rollups import refresh_rollups
    from core.listings.persisted import refresh_listing_scores
    from core.sellers.activity import refresh_seller_activity
    from core.sellers.pipeline import refresh_pipeline

    engine = make_engine(url)
    try:
        started = time.monotonic()
        with Session(engine) as session:
            scored = refresh_listing_scores(session, now=BENCH_NOW, commit_chunks=True)
            session.commit()
        say(f"  listing scores: {scored:,} listings scored ({_elapsed(started)})")
        started = time.monotonic()
        with Session(engine) as session:
            report = refresh_rollups(session, now=BENCH_NOW)
            days = refresh_daily_sales(session, today=FIXED_TODAY)
            session.commit()
        say(f"  roll-ups: {report.summary()}; {days} daily sales rows ({_elapsed(started)})")
        started = time.monotonic()
        with Session(engine) as session:
            activity = refresh_seller_activity(session, now=BENCH_NOW)
            session.commit()
        say(f"  {activity.summary()} ({_elapsed(started)})")
        started = time.monotonic()
        with Session(engine) as session:
            placed = refresh_pipeline(session, now=BENCH_NOW)
            session.commit()
        say(f"  {placed.summary()}, first build ({_elapsed(started)})")
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM (ANALYZE)"))
    finally:
        engine.dispose()


def _only_derived_differs(marker: dict[str, str], wanted: dict[str, str]) -> bool:
    """Only the schema or the derived data's version changed (a marker older than the "derived" key counts)."""
    changed = {k for k in wanted if marker.get(k) != wanted[k]}
    return marker.keys() <= wanted.keys() and bool(changed) and changed <= IN_PLACE


def dataset_counts(engine: Engine) -> dict[str, int]:
    present = set(inspect(engine).get_table_names())
    counts = {}
    with engine.connect() as conn:
        for table in COUNTED_TABLES:
            if table in present and table in Base.metadata.tables:
                counts[table] = conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0
    return counts


# --- The PostgreSQL cluster -------------------------------------------------------------------------


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def bench_cluster() -> Iterator[PostgresCluster]:
    """The persistent benchmark cluster in .bench/pg: started here, stopped at exit, data kept."""
    from tests.pg_cluster import free_port

    cluster = PostgresCluster(BENCH_DIR / "pg")
    if (cluster.data_dir / "postmaster.pid").exists():
        cluster.stop(remove=False)  # left running by an interrupted run
    if not _port_is_free(cluster.port):
        cluster.port = free_port()
    say(f"Starting the benchmark PostgreSQL cluster in {_shown(cluster.base_dir)} …")
    cluster.start()
    try:
        yield cluster
    finally:
        say("Stopping the benchmark PostgreSQL cluster (its data stays for the next run).")
        cluster.stop(remove=False)


# --- Running ----------------------------------------------------------------------------------------


def _masked(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _database_on(cluster: PostgresCluster, name: str) -> str:
    return make_url(cluster.url).set(database=name).render_as_string(hide_password=False)


def _shown(path: Path) -> str:
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _elapsed(started: float) -> str:
    seconds = int(time.monotonic() - started)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--database-url", help="use this database as it is (never rebuilt; generated if empty)")
    parser.add_argument("--scenario", nargs="+", action="extend", metavar="NAME", help="run only these")
    parser.add_argument("--repeats", type=int, help="timed runs per scenario (default: each scenario's own)")
    parser.add_argument("--scale", choices=["large", "small"], default="large", help="small: quick trial runs")
    parser.add_argument("--rebuild", action="store_true", help="regenerate the data set even if it is current")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def list_scenarios() -> None:
    width = max((len(name) for name in REGISTRY), default=0)
    for item in sorted(REGISTRY.values(), key=lambda s: s.name):
        target = f", target {item.target_ms:g} ms" if item.target_ms is not None else ""
        kinds = sorted(COMPARISONS.get(item.name, {}))
        versus = f", vs {'+'.join(kinds)}" if kinds else ""
        say(f"{item.name.ljust(width)}  {item.repeats}×(+{item.warmup} warm-up){target}{versus}  {item.description}")
    orphans = sorted(set(COMPARISONS) - set(REGISTRY))
    if orphans:
        say(f"! comparisons for unknown scenarios: {', '.join(orphans)}")


def run_scenarios(ctx: BenchContext, names: list[str], repeats: int | None) -> list[Measurement]:
    results = []
    for index, name in enumerate(names, start=1):
        item = REGISTRY[name]
        print(f"[{index}/{len(names)}] {name} …", end=" ", flush=True)
        result = measure(item, ctx, repeats=repeats)
        measure_comparisons(item, ctx, result, repeats=repeats)
        if result.error:
            say("ERROR")
            say(result.error.rstrip())
        else:
            against = ", ".join(f"{kind} {ms:,.1f} ms" for kind, ms in sorted(result.comparison_ms.items()))
            say(f"median {result.median_ms:,.1f} ms over {result.runs} runs" + (f" ({against})" if against else ""))
        results.append(result)
    return results


def write_results(path: Path, payload: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A plain `kill` must still stop the PostgreSQL cluster (the exit handlers run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    import_errors = load_scenario_modules()
    import_errors += [
        f"a comparison names an unknown scenario: {name}" for name in sorted(set(COMPARISONS) - set(REGISTRY))
    ]
    for error in import_errors:
        say(f"! could not import scenarios from {error}")
    if args.list:
        list_scenarios()
        return 1 if import_errors else 0
    unknown = sorted(set(args.scenario or []) - set(REGISTRY))
    if unknown:
        say(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(sorted(REGISTRY)) or 'none'}.")
        return 2
    names = args.scenario or sorted(REGISTRY)
    if not names:
        say("No scenarios registered (tests/bench/scenarios_*.py).")
        return 1

    backend = make_url(args.database_url).get_backend_name() if args.database_url else args.backend
    started = time.monotonic()
    with ExitStack() as stack:
        if args.database_url:
            url, owned = args.database_url, False
        elif backend == "postgresql":
            cluster = stack.enter_context(bench_cluster())
            url, owned = _database_on(cluster, f"bench_{args.scale}"), True
        else:
            url, owned = f"sqlite:///{BENCH_DIR / f'{args.scale}.db'}", True
        dataset = prepare_dataset(url, args.scale, owned=owned, rebuild=args.rebuild)
        say(f"Data set ready ({_elapsed(started)}).")

        engine = make_engine(url)
        stack.callback(engine.dispose)
        # Code that opens its own session or reads settings must reach the benchmark database too.
        os.environ["DATABASE_URL"] = url
        reset_settings()
        set_engine(engine)
        stack.callback(set_engine, None)

        counts = dataset_counts(engine)
        say("Rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
        say(f"Running {len(names)} scenario(s) on {backend} …")
        results = run_scenarios(BenchContext(database_url=url, engine=engine), names, args.repeats)

    say("")
    say(format_table(results))
    say("peak MB: Python allocations (tracemalloc) in one extra run; RSS +MB: rise of the process's peak RSS.")
    say("× SQL: the product's median ÷ one hand-written SQL query's returning the same numbers (checked equal);")
    say("Python ×: how many times faster than loading the window's rows into Python and counting there.")
    suffix = "" if args.scale == "large" else f"-{args.scale}"
    out = BENCH_DIR / f"results-{backend}{suffix}.json"
    write_results(
        out,
        {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "backend": backend,
            "database_url": _masked(url),
            "scale": args.scale,
            "dataset": dataset,
            "rows": counts,
            "python": sys.version.split()[0],
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            "scenarios": [r.as_dict() for r in results],
        },
    )
    say(f"Results written to {_shown(out)}")
    failed = [r.name for r in results if r.failed]
    if failed:
        say(f"FAILED: {len(failed)} scenario(s) errored or missed a target: {', '.join(failed)}")
    elif any(r.target_ms is not None for r in results):
        say(f"All {sum(r.target_ms is not None for r in results)} targets met.")
    return 1 if failed or import_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
