"""The market figures of the opportunity finder that only move from one day to the next, counted once per UTC day
and stored: the costly part of a fresh analysis, which every later analysis that day (another seller's report, a
refresh, the opportunity alerts job) reads instead of recounting.

* **Supply**: how many published listings a term's full-text search matches
  (`core.catalog.search.count_existing_products`), in `search_supply_counts` per term and day. The trade-off: a
  listing published during the day counts from the next day's first analysis. Rows of earlier days are deleted
  when a day's first counts are written.
* **Word sales**: the 90-day revenue per product type of the published listings whose title or tags hold a word
  (`core.catalog.search.sales_by_word`), and **demand rates**: each type's conversion over the same window
  (`core.market.demand.load_demand_rates`). Both cover the sales window, complete days only, so they are the
  same all day; they are stored in `ai_cache` under the window (one row per word, one for the rates), expiring
  after `DAILY_TTL` and purged by the daily `ai-cache-purge` job.

Only the terms and words not stored yet are counted, so new searches arriving during the day cost just their
own new terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.ai.cache import input_hash
from core.ai.tasks.opportunity_demand import DemandRates
from core.catalog.search import WordSales, count_existing_products, sales_by_word
from core.db import insert_for, new_id
from core.market.demand import conversion_rates, load_type_activity
from core.models import AICache, SearchSupplyCount
from core.periods import require_aware

MAX_TERM_CHARS = 200
"""The `term` column's width: a longer term (rare free text) is counted every time, never stored."""


def supply_day(now: datetime) -> date:
    """The UTC day whose counts an analysis at `now` uses."""
    require_aware(now)
    return now.astimezone(UTC).date()


def cached_supply_counts(session: Session, *, terms: Sequence[str], now: datetime) -> dict[str, int]:
    """{term: published listings matching it} for every term, as counted on `now`'s UTC day.

    One read of the stored counts; when some terms are not stored for the day yet, one full-text count for just
    those, one upsert and one delete of earlier days' rows. Writes in the caller's transaction (no commit).
    """
    day = supply_day(now)
    wanted = list(dict.fromkeys(terms))
    storable = [t for t in wanted if len(t) <= MAX_TERM_CHARS]
    found: dict[str, int] = {}
    if storable:
        rows = session.execute(
            select(SearchSupplyCount.term, SearchSupplyCount.listings).where(
                SearchSupplyCount.day == day, SearchSupplyCount.term.in_(storable)
            )
        )
        found = {term: int(listings) for term, listings in rows}
    missing = [t for t in wanted if t not in found]
    if not missing:
        return {t: found[t] for t in wanted}
    counted = count_existing_products(session, terms=missing)
    records = [
        {"term": t, "day": day, "listings": counted[t], "counted_at": now} for t in missing if len(t) <= MAX_TERM_CHARS
    ]
    if records:
        table = SearchSupplyCount.__table__
        stmt = insert_for(session, table)
        # Two analyses racing on the same day count the same catalogue: the later one simply rewrites the row.
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.term, table.c.day],
            set_={"listings": stmt.excluded.listings, "counted_at": stmt.excluded.counted_at},
        )
        session.execute(stmt, records)
        session.execute(delete(SearchSupplyCount).where(SearchSupplyCount.day < day))
    return {t: found[t] if t in found else counted[t] for t in wanted}


# ---------------------------------------------------------------- word sales and demand rates (ai_cache)

WORD_SALES_TASK = "market-word-sales"
DEMAND_RATES_TASK = "market-demand-rates"
DAILY_VERSION = 1
DAILY_TTL = timedelta(days=1)
STORED_ENGINE = "database"  # not a model's answer: figures the database counted


def _window_json(window: tuple[date, date]) -> list[str]:
    return [window[0].isoformat(), window[1].isoformat()]


def load_daily(session: Session, task: str, keys: Sequence[str], now: datetime) -> dict[str, dict[str, Any]]:
    """{input hash: stored result} of the unexpired `ai_cache` rows of `task` among `keys` (one query)."""
    if not keys:
        return {}
    rows = session.execute(
        select(AICache.input_hash, AICache.result).where(
            AICache.task == task, AICache.input_hash.in_(keys), AICache.expires_at > now
        )
    )
    return {key: result for key, result in rows}


def store_daily(session: Session, task: str, results: dict[str, dict[str, Any]], now: datetime) -> None:
    """Upsert one `ai_cache` row per key (one statement for all)."""
    if not results:
        return
    stmt = insert_for(session, AICache)
    stmt = stmt.on_conflict_do_update(
        index_elements=[AICache.task, AICache.input_hash],
        set_={c: stmt.excluded[c] for c in ("engine", "result", "created_at", "expires_at")},
    )
    records = [
        {
            "id": new_id(),
            "task": task,
            "input_hash": key,
            "engine": STORED_ENGINE,
            "result": result,
            "created_at": now,
            "expires_at": now + DAILY_TTL,
        }
        for key, result in results.items()
    ]
    session.execute(stmt, records)


def cached_word_sales(
    session: Session, *, words: Sequence[str], window: tuple[date, date], now: datetime
) -> list[WordSales]:
    """`sales_by_word` over `window`, each word's rows counted once and then read back until the day changes.

    One read of the stored words; when some are not stored yet, `sales_by_word` for just those and one upsert.
    The rows come word by word in `words`' order (each word's as `sales_by_word` returned them).
    """
    unique = [w for w in dict.fromkeys(words) if w]
    span = _window_json(window)
    keys = {w: input_hash(WORD_SALES_TASK, DAILY_VERSION, {"word": w, "window": span}) for w in unique}
    stored_rows = load_daily(session, WORD_SALES_TASK, sorted(set(keys.values())), now)
    by_word: dict[str, list[WordSales]] = {}
    for word in unique:
        if (found := stored_rows.get(keys[word])) is not None:
            by_word[word] = [
                WordSales(word, str(kind), int(products), Decimal(revenue)) for kind, products, revenue in found["rows"]
            ]
    missing = [w for w in unique if w not in by_word]
    if missing:
        fresh: dict[str, list[WordSales]] = {w: [] for w in missing}
        for row in sales_by_word(session, words=missing, window=window):
            fresh[row.word].append(row)
        store_daily(
            session,
            WORD_SALES_TASK,
            {
                keys[w]: {"rows": [[r.product_type, r.products, str(r.revenue)] for r in rows]}
                for w, rows in fresh.items()
            },
            now,
        )
        by_word.update(fresh)
    return [row for word in unique for row in by_word[word]]


def cached_demand_rates(session: Session, *, window: tuple[date, date], now: datetime) -> DemandRates:
    """`core.market.demand.load_demand_rates` for `window`: its two GROUP BYs once, then read back that day."""
    key = input_hash(DEMAND_RATES_TASK, DAILY_VERSION, {"window": _window_json(window)})
    found = load_daily(session, DEMAND_RATES_TASK, [key], now).get(key)
    if found is None:
        views, units = load_type_activity(session, window=window)
        found = {"views": views, "units": units}
        store_daily(session, DEMAND_RATES_TASK, {key: found}, now)
    return conversion_rates(
        {str(k): int(v) for k, v in found["views"].items()}, {str(k): int(v) for k, v in found["units"].items()}
    )
