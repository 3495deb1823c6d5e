"""Full-text search over the published catalogue, the same on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

The index (migration 0003) covers a product's title, tags and description, stemmed (SQLite: porter;
PostgreSQL: the English snowball stemmer). A term matches a product when every content word of the term
(stop words dropped, `core.catalog.terms.content_words`) occurs, stemmed, in any of the three fields — on
both databases, so they give the same counts for ordinary English words. Known differences: the two
stemmers disagree on a few rare words, and SQLite folds accents ("quinceañera" = "quinceanera") where
PostgreSQL does not.

Every function here is one statement for all its terms, never a loop over the catalogue in Python.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.catalog.terms import content_words
from core.models import ProductStatus

FTS_TABLE = "digital_products_fts"
FULLTEXT_INDEX = "ix_digital_products_fulltext"
# The indexed expression, spelled exactly as in migration 0003 (PostgreSQL only uses the index for it).
PG_DOCUMENT = (
    "to_tsvector('english', coalesce(p.title, '') || ' ' || coalesce(p.tags::text, '') || ' ' "
    "|| coalesce(p.description, ''))"
)
PG_TITLE_TAGS = "to_tsvector('english', coalesce(p.title, '') || ' ' || coalesce(p.tags::text, ''))"

_SQLITE_COUNT = f"""
WITH terms AS (
    SELECT json_extract(value, '$[0]') AS term, json_extract(value, '$[1]') AS query FROM json_each(:payload)
)
SELECT terms.term, (
    SELECT count(*) FROM {FTS_TABLE} JOIN digital_products AS p ON p.rowid = {FTS_TABLE}.rowid
    WHERE {FTS_TABLE} MATCH terms.query AND p.status = :published AND p.deleted_at IS NULL
) AS matches
FROM terms
"""
# The matches are MATERIALIZED on their own so that the only way to them is the GIN index: left together with
# the status filter, the planner (on fresh or stale statistics) prefers the status index and computes the
# tsvector of every published product once per term.
_PG_COUNT = f"""
WITH matches AS MATERIALIZED (
    SELECT t.term, p.status, p.deleted_at
    FROM unnest(CAST(:terms AS text[]), CAST(:queries AS text[])) AS t(term, query)
    JOIN digital_products AS p ON {PG_DOCUMENT} @@ websearch_to_tsquery('english', t.query)
)
SELECT term, count(*) AS matches FROM matches
WHERE status = :published AND deleted_at IS NULL
GROUP BY term
"""
# Word sales: first the (word, product) matches, then each matched product's window revenue summed once
# (a product matching several words would otherwise be re-aggregated per word: 10× slower on the demo).
_SALES_TAIL = """
sales AS (
    SELECT r.product_id, sum(round(r.revenue * 100)) AS cents FROM revenue_records AS r
    WHERE r.product_id IN (SELECT id FROM matches) AND r.day >= :start AND r.day < :end
    GROUP BY r.product_id
)
SELECT m.word, m.type AS product_type, count(*) AS products, sum(s.cents) AS revenue_cents
FROM matches AS m JOIN sales AS s ON s.product_id = m.id
GROUP BY m.word, m.type
"""
_SQLITE_WORD_SALES = f"""
WITH words AS (
    SELECT json_extract(value, '$[0]') AS word, json_extract(value, '$[1]') AS query FROM json_each(:payload)
),
matches AS MATERIALIZED (
    SELECT words.word, p.id, p.type FROM words
    JOIN {FTS_TABLE} ON {FTS_TABLE} MATCH words.query
    JOIN digital_products AS p ON p.rowid = {FTS_TABLE}.rowid
    WHERE p.status = :published AND p.deleted_at IS NULL
),
{_SALES_TAIL}"""
# The title-and-tags tsvector is computed once per matched product, not once per (word, product).
_PG_WORD_SALES = f"""
WITH candidates AS MATERIALIZED (
    SELECT w.word, p.id FROM unnest(CAST(:words AS text[])) AS w(word)
    JOIN digital_products AS p ON {PG_DOCUMENT} @@ plainto_tsquery('english', w.word)
),
documents AS MATERIALIZED (
    SELECT p.id, p.type, {PG_TITLE_TAGS} AS title_tags FROM digital_products AS p
    WHERE p.id IN (SELECT id FROM candidates) AND p.status = :published AND p.deleted_at IS NULL
),
matches AS (
    SELECT c.word, d.id, d.type FROM candidates AS c JOIN documents AS d ON d.id = c.id
    WHERE d.title_tags @@ plainto_tsquery('english', c.word)
),
{_SALES_TAIL}"""


@dataclass(frozen=True)
class WordSales:
    """Published products of one type whose title or tags contain a word, and their revenue in a window."""

    word: str
    product_type: str
    products: int
    revenue: Decimal


def fts5_phrase(word: str) -> str:
    """One word as an FTS5 string (quoted, so FTS5 operators and punctuation in it mean nothing)."""
    return '"' + word.replace('"', '""') + '"'


def fts5_all_words(words: Iterable[str]) -> str:
    """An FTS5 query matching rows that contain every word (FTS5 ANDs juxtaposed strings)."""
    return " ".join(fts5_phrase(w) for w in words)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def count_existing_products(session: Session, *, terms: Sequence[str]) -> dict[str, int]:
    """For each normalised term: how many published, not deleted products match all its content words.

    One statement for all terms. A term without content words (only stop words) matches nothing.
    """
    queries = {term: " ".join(content_words(term)) for term in dict.fromkeys(terms)}
    counts = dict.fromkeys(queries, 0)
    searchable = {term: query for term, query in queries.items() if query}
    if not searchable:
        return counts
    published = ProductStatus.PUBLISHED.value
    if _dialect(session) == "sqlite":
        payload = json.dumps([[term, fts5_all_words(q.split())] for term, q in searchable.items()])
        rows = session.execute(text(_SQLITE_COUNT), {"payload": payload, "published": published})
    else:
        params = {"terms": list(searchable), "queries": list(searchable.values()), "published": published}
        rows = session.execute(text(_PG_COUNT), params)
    for term, matches in rows:
        counts[term] = int(matches)
    return counts


def sales_by_word(session: Session, *, words: Sequence[str], window: tuple[date, date]) -> list[WordSales]:
    """Revenue per (word, product type) in `window` of published products whose title or tags contain the word.

    One aggregate statement for all words (matched through the full-text index, stemmed); a product
    matching two words counts for both. Products without a sale in the window are not counted.
    """
    unique = [w for w in dict.fromkeys(words) if w]
    if not unique:
        return []
    start, end = window
    params: dict[str, Any] = {"start": start, "end": end, "published": ProductStatus.PUBLISHED.value}
    if _dialect(session) == "sqlite":
        params["payload"] = json.dumps([[w, "{title tags} : " + fts5_phrase(w)] for w in unique])
        rows = session.execute(text(_SQLITE_WORD_SALES), params)
    else:
        params["words"] = unique
        rows = session.execute(text(_PG_WORD_SALES), params)
    return [
        WordSales(
            word=row.word,
            product_type=str(row.product_type),
            products=int(row.products),
            revenue=Decimal(round(row.revenue_cents or 0)) / 100,
        )
        for row in rows
    ]


def check_catalog_index(session: Session) -> None:
    """Raise (a database error) when the SQLite full-text table disagrees with `digital_products`; no-op on PG."""
    if _dialect(session) == "sqlite":
        session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)"))


def include_in_autogenerate(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic `include_object` hook: hide the full-text objects, which live in migrations, not in the models.

    They are the FTS5 table and its shadow tables (`digital_products_fts*`) on SQLite and the GIN
    expression index on PostgreSQL; without this, autogenerate would offer to drop them.
    """
    if type_ == "table" and name is not None and name.startswith(FTS_TABLE):
        return False
    return not (type_ == "index" and name == FULLTEXT_INDEX)
