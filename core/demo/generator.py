"""Deterministic demo marketplace generator: `python -m core.demo --database-url URL --seed N [--scale small|large]`.

The same seed and the same `today` give byte-identical data: every id and value comes from
seeded `random.Random` streams, and all dates are relative to `today`. The small scale runs on
every `make run` of a fresh machine; the large one feeds `make bench`. Both use the same code,
streamed in chunks into bulk inserts (COPY on PostgreSQL, executemany on SQLite).

Issue 14: every sale is an order (`core.demo.purchases`, with its purchase event), the sellers' visits are split
per channel (`core.demo.traffic`) and a few sellers advertise (`core.demo.ads`).
"""

from __future__ import annotations

import argparse
import random
import sys
import time as time_module
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import bcrypt
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from core.config import get_settings
from core.db import make_engine
from core.demo.activity import HISTORY_DAYS, history_days, season_curve
from core.demo.draws import MarketContext
from core.demo.events import (
    EVENT_COLUMNS,
    SEARCH_COLUMNS,
    Clock,
    creator_prospects,
    event_row,
    id_factory,
    learner_funnel,
    learner_newsletters,
    search_queries,
    sequential_ids,
)
from core.demo.experiments import EXPERIMENT_COLUMNS, demo_experiments
from core.demo.pipeline import add_demo_pipeline
from core.demo.planted import Plants
from core.demo.purchases import ORDER_COLUMNS, TRAFFIC_COLUMNS, SalesLedger, purchase_events
from core.demo.resources import RESOURCES
from core.demo.rows import TABLE_COLUMNS
from core.demo.sellers import seller_plans, simulate_seller
from core.demo.stages import STAGES, classify_seller_stage
from core.demo.vocabulary import CATEGORIES, GAP_TERMS
from core.demo.writer import BulkLoader
from core.market.benchmarks import recalculate_benchmarks
from core.migrate import upgrade
from core.models import User

__all__ = [
    "DEMO_LOGINS",
    "GAP_TERMS",
    "SCALES",
    "STAGES",
    "DemoSummary",
    "Scale",
    "classify_seller_stage",
    "database_has_users",
    "generate_demo",
    "main",
]

# Development-only logins (the README and the browser tests use them).
DEMO_LOGINS = [
    {"username": "admin", "password": "admin-demo-pass", "role": "admin", "situation": "operator"},
    {"username": "maya", "password": "maya-demo-pass", "role": "seller", "situation": "thriving"},
    {"username": "noah", "password": "noah-demo-pass", "role": "seller", "situation": "approved, no first sale yet"},
    {"username": "dana", "password": "dana-demo-pass", "role": "seller", "situation": "declining"},
]


@dataclass(frozen=True)
class Scale:
    name: str
    sellers: int  # generated sellers besides maya, noah and dana
    demand_factor: float  # multiplies every active product's demand
    dormant_share: float  # listings that hardly anybody finds
    visitors: int  # learner-funnel visitors over the year
    searches: int  # searches over the last 150 days
    prospects_per_seller: int  # visitors of "sell with us" who never start
    experiment_factor: int = 1  # multiplies the demo experiments' people (core.demo.experiments)


SCALES: dict[str, Scale] = {
    "small": Scale("small", 110, 2.3, 0.10, 60_000, 28_000, 4),
    "large": Scale("large", 13_500, 3.5, 0.88, 1_000_000, 260_000, 4, 8),
}


@dataclass
class DemoSummary:
    seed: int
    scale: str
    today: date
    rows: dict[str, int] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    gap_searches: dict[str, int] = field(default_factory=dict)
    purchases: dict[str, int] = field(default_factory=dict)
    planted: dict[str, dict[str, object]] = field(default_factory=dict)  # the anomalies planted (core.demo.planted)
    experiments: dict[str, dict[str, object]] = field(default_factory=dict)  # what core.demo.experiments wrote
    seconds: float = 0.0


def _hash(password: str, rounds: int = 12) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def _register(loader: BulkLoader) -> None:
    loader.register("users", TABLE_COLUMNS["users"])
    loader.register("categories", ("id", "name", "slug", "is_active", "created_at", "updated_at"))
    for table in (
        "seller_profiles",
        "digital_products",
        "product_views",
        "conversion_events",
        "revenue_records",
        "ad_spend",
    ):
        loader.register(table, TABLE_COLUMNS[table])
    loader.register("orders", ORDER_COLUMNS)
    loader.register("seller_traffic", TRAFFIC_COLUMNS)
    loader.register("analytics_events", EVENT_COLUMNS)
    loader.register("search_queries", SEARCH_COLUMNS)
    loader.register("seller_resources", _RESOURCE_COLUMNS)
    loader.register("experiments", EXPERIMENT_COLUMNS)


# The tables with millions of rows at the large scale: their indexes are built after the load.
BULK_TABLES = (
    "product_views",
    "conversion_events",
    "revenue_records",
    "orders",
    "seller_traffic",
    "analytics_events",
    "search_queries",
)
_RESOURCE_COLUMNS = (
    "id", "title", "slug", "type", "content", "excerpt", "video_url", "thumbnail_url", "category",
    "tags", "order", "is_published", "published_at", "created_at", "updated_at", "deleted_at",
)  # fmt: skip


def _static_rows(rng: random.Random, clock: Clock, loader: BulkLoader) -> tuple[dict[str, str], str]:
    """Categories, learn resources and the admin (a login every day); returns category ids by slug, the admin's id."""
    new_id = id_factory(rng)
    founded = clock.day_start(0) - timedelta(days=800)
    category_ids = {}
    for slug, name, _ in CATEGORIES:
        category_ids[slug] = new_id()
        loader.add("categories", (category_ids[slug], name, slug, True, founded, founded))
    for order, res in enumerate(RESOURCES, start=1):
        written = clock.day_start(HISTORY_DAYS - 1 - rng.randint(10, 300))
        thumbnail = f"https://images.demo-marketplace.example/learn/{res.slug}.jpg"
        loader.add(
            "seller_resources",
            (
                new_id(),
                res.title,
                res.slug,
                res.type.value,
                res.content,
                res.excerpt,
                res.video_url,
                thumbnail,
                res.category,
                list(res.tags),
                order,
                res.is_published,
                written if res.is_published else None,
                written,
                written,
                None,
            ),
        )
    admin_id = new_id()
    last_login = clock.as_of - timedelta(minutes=rng.randint(5, 90))
    loader.add(
        "users",
        (
            admin_id,
            "admin",
            "admin@example.com",
            "Alex Operator",
            _hash(DEMO_LOGINS[0]["password"]),
            "admin",
            True,
            last_login,
            founded,
            last_login,
        ),
    )
    for index in range(HISTORY_DAYS - 1):
        if rng.random() < 0.85:
            when = clock.time_on(rng, index)
            loader.add("analytics_events", event_row(new_id, admin_id, admin_id, new_id(), "login", when, "direct"))
    loader.add("analytics_events", event_row(new_id, admin_id, admin_id, new_id(), "login", last_login, "direct"))
    return category_ids, admin_id


def database_has_users(database_url: str) -> bool:
    """True when the `users` table exists and has at least one row."""
    engine = make_engine(database_url)
    try:
        if not inspect(engine).has_table("users"):
            return False
        with engine.connect() as conn:
            return bool(conn.execute(select(func.count()).select_from(User)).scalar_one())
    finally:
        engine.dispose()


def generate_demo(
    database_url: str,
    *,
    seed: int = 42,
    scale: str = "small",
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Migrate `database_url` to head and fill it with the demo marketplace (it must have no users yet)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    started = time_module.perf_counter()
    say = progress or (lambda _message: None)
    today = today or datetime.now(UTC).date()
    upgrade(database_url)
    if database_has_users(database_url):
        raise ValueError("the database already has users: generate the demo into an empty database")
    engine = make_engine(database_url)
    try:
        summary = _generate(engine, seed, SCALES[scale], today, say, started)
        analyze_after_bulk_load(engine)
        say(f"planner statistics refreshed ({time_module.perf_counter() - started:.1f} s)")
        # The nightly figures every market page reads (issue 11): computed once, as the 03:00 job would today.
        with Session(engine) as session, session.begin():
            recalculate_benchmarks(session, now=datetime.combine(today, datetime.min.time(), UTC))
        say(f"market benchmarks computed ({time_module.perf_counter() - started:.1f} s)")
        with Session(engine) as session, session.begin():
            creators = add_demo_pipeline(session, seed=seed, now=datetime.combine(today, datetime.min.time(), UTC))
        say(f"creator pipeline: {creators:,} creators ({time_module.perf_counter() - started:.1f} s)")
    finally:
        engine.dispose()
    summary.seconds = round(time_module.perf_counter() - started, 2)
    say(f"done in {summary.seconds:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in summary.rows.items()))
    return summary


def analyze_after_bulk_load(engine: Engine) -> None:
    """`ANALYZE` on PostgreSQL after a bulk load: autovacuum analyses a table only after a delay, so until then every
    query plans without statistics (issue 13: the benchmarks job ran over 10 minutes on such a plan of the large set).
    SQLite's planner does without `sqlite_stat1` here, so it is left alone there."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _generate(
    engine: Engine, seed: int, scale: Scale, today: date, say: Callable[[str], None], started: float
) -> DemoSummary:
    clock = Clock(today)
    days = history_days(today)
    summary = DemoSummary(seed=seed, scale=scale.name, today=today)
    with engine.begin() as conn:
        loader = BulkLoader(conn)
        try:
            return _load(loader, seed, scale, clock, days, summary, say, started)
        finally:
            loader.close()


def _load(
    loader: BulkLoader,
    seed: int,
    scale: Scale,
    clock: Clock,
    days: list[date],
    summary: DemoSummary,
    say: Callable[[str], None],
    started: float,
) -> DemoSummary:
    """Everything the demo writes, through `loader` (one transaction, the caller's)."""
    _register(loader)
    loader.defer_indexes(BULK_TABLES)
    # The products keep their key (other tables point to it) but not their indexes: the full-text GIN index
    # alone cost 39 s of the large load row by row.
    loader.defer_indexes(("digital_products",), keep_constraints=True)
    category_ids, admin_id = _static_rows(random.Random(f"demo:{seed}:static"), clock, loader)
    ctx = MarketContext(
        clock=clock,
        days=days,
        category_ids=category_ids,
        season={slug: season_curve(days, weekend) for slug, _, weekend in CATEGORIES},
        demand_factor=scale.demand_factor,
        dormant_share=scale.dormant_share,
        row_days=[day.isoformat() for day in days] if loader.is_postgres else days,
    )
    rng = random.Random(f"demo:{seed}:plans")
    passwords = {login["username"]: login["password"] for login in DEMO_LOGINS}
    persona_hashes = {name: _hash(password) for name, password in passwords.items() if name != "admin"}
    # Generated sellers cannot log in with a known password: one cheap hash of a random secret serves all.
    shared_hash = _hash(f"{rng.getrandbits(128):032x}", rounds=4)
    plans = seller_plans(rng, scale.sellers, persona_hashes, shared_hash)
    stages: Counter[str] = Counter()
    subjects: Counter[str] = Counter()
    ledger = SalesLedger()
    plants = Plants(seed)
    report_every = max(1, len(plans) // 10)
    for number, plan in enumerate(plans, start=1):
        build = simulate_seller(plan, ctx, seed, plant=plants.apply)
        stages[build.stage] += 1
        subjects.update(build.subject_hits)
        ledger.add_seller(build.market)
        for table, rows in build.rows.items():  # the loader flushes parents first, whatever the order here
            loader.extend(table, rows)
        if number % report_every == 0 or number == len(plans):
            say(f"sellers {number:,}/{len(plans):,} ({time_module.perf_counter() - started:.1f} s)")
    _activity(seed, scale, clock, loader, ledger, subjects, summary)
    summary.experiments = demo_experiments(seed, clock, loader.add, admin_id=admin_id, factor=scale.experiment_factor)
    say(f"funnels, e-mails, searches and experiments written ({time_module.perf_counter() - started:.1f} s)")
    loader.restore_indexes()
    say(f"indexes and constraints rebuilt ({time_module.perf_counter() - started:.1f} s)")
    summary.rows = dict(loader.counts)
    summary.planted = plants.planted
    summary.stages = {stage: stages.get(stage, 0) for stage in STAGES}
    return summary


def _activity(
    seed: int,
    scale: Scale,
    clock: Clock,
    loader: BulkLoader,
    ledger: SalesLedger,
    subjects: Counter[str],
    summary: DemoSummary,
) -> None:
    emit: Callable[[str, tuple[Any, ...]], None] = loader.add
    rng = random.Random(f"demo:{seed}:learners")
    signups, learner_purchases = learner_funnel(rng, sequential_ids(rng), clock, scale.visitors, emit)
    # One order and one purchase event per unit the revenue records count (the learners' among them), and the
    # sellers' visits per channel: one marketplace.
    rng = random.Random(f"demo:{seed}:purchases")
    summary.purchases = purchase_events(
        rng, sequential_ids(rng), clock, ledger, learner_purchases, emit, text_times=loader.is_postgres
    )
    rng = random.Random(f"demo:{seed}:newsletters")
    learner_newsletters(rng, sequential_ids(rng), clock, signups, emit)
    rng = random.Random(f"demo:{seed}:prospects")
    creator_prospects(rng, sequential_ids(rng), clock, scale.prospects_per_seller * (scale.sellers + 3), emit)
    covered = sorted((term, count) for term, count in subjects.items() if count >= 3)
    rng = random.Random(f"demo:{seed}:searches")
    summary.gap_searches = search_queries(rng, sequential_ids(rng), clock, scale.searches, covered, emit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fill a database with the deterministic demo marketplace.")
    parser.add_argument("--database-url", default=None, help="defaults to DATABASE_URL from the settings")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--if-empty", action="store_true", help="do nothing when the database already has users")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today, UTC)")
    args = parser.parse_args(argv)
    url = args.database_url or get_settings().database_url
    make_engine(url).dispose()  # creates data/ for a SQLite file
    upgrade(url)
    if database_has_users(url):
        if args.if_empty:
            print("demo: the database already has users; nothing to do (--if-empty)")
            return 0
        print("demo: the database already has users; use an empty database or --if-empty", file=sys.stderr)
        return 1
    summary = generate_demo(
        url, seed=args.seed, scale=args.scale, today=args.today, progress=lambda message: print(message, flush=True)
    )
    print(f"demo: {args.scale} marketplace (seed {args.seed}, today {summary.today}) in {summary.seconds:.1f} s")
    for stage, count in summary.stages.items():
        print(f"  sellers {stage:>14}: {count:,}")
    for kind, facts in summary.planted.items():
        print(f"  planted {kind}: " + ", ".join(f"{key} {value}" for key, value in facts.items()))
    return 0
