"""full-text search over the published catalogue (title, tags, description)

SQLite: an FTS5 table `digital_products_fts` with external content (`digital_products`, keyed by its
rowid) and the porter stemmer, kept in sync by three triggers, backfilled with 'rebuild'.
PostgreSQL: a GIN expression index `ix_digital_products_fulltext` on the English tsvector of the same
three fields; queries must spell the identical expression (`core.catalog_search.PG_DOCUMENT`) to use it.

Neither object is part of the models: `core.catalog_search.include_in_autogenerate` hides them from
Alembic's autogenerate. A later migration that makes SQLite batch mode *recreate* `digital_products`
drops these triggers with the old table and may renumber rowids: it must re-run the
trigger statements of `_SQLITE_UPGRADE` and its 'rebuild' (copied: migrations do not import each other).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE digital_products_fts USING fts5("
    "title, tags, description, content='digital_products', content_rowid='rowid', tokenize='porter unicode61')",
    "CREATE TRIGGER digital_products_fts_insert AFTER INSERT ON digital_products BEGIN "
    "INSERT INTO digital_products_fts(rowid, title, tags, description) "
    "VALUES (new.rowid, new.title, new.tags, new.description); END",
    "CREATE TRIGGER digital_products_fts_delete AFTER DELETE ON digital_products BEGIN "
    "INSERT INTO digital_products_fts(digital_products_fts, rowid, title, tags, description) "
    "VALUES ('delete', old.rowid, old.title, old.tags, old.description); END",
    "CREATE TRIGGER digital_products_fts_update AFTER UPDATE OF title, tags, description ON digital_products BEGIN "
    "INSERT INTO digital_products_fts(digital_products_fts, rowid, title, tags, description) "
    "VALUES ('delete', old.rowid, old.title, old.tags, old.description); "
    "INSERT INTO digital_products_fts(rowid, title, tags, description) "
    "VALUES (new.rowid, new.title, new.tags, new.description); END",
    # Index the products that exist already.
    "INSERT INTO digital_products_fts(digital_products_fts) VALUES ('rebuild')",
)
_SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS digital_products_fts_update",
    "DROP TRIGGER IF EXISTS digital_products_fts_delete",
    "DROP TRIGGER IF EXISTS digital_products_fts_insert",
    "DROP TABLE IF EXISTS digital_products_fts",
)
_PG_UPGRADE = (
    "CREATE INDEX ix_digital_products_fulltext ON digital_products USING gin ("
    "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(tags::text, '') || ' ' "
    "|| coalesce(description, '')))",
)
_PG_DOWNGRADE = ("DROP INDEX IF EXISTS ix_digital_products_fulltext",)


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _run(_SQLITE_UPGRADE)
    else:
        _run(_PG_UPGRADE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _run(_SQLITE_DOWNGRADE)
    else:
        _run(_PG_DOWNGRADE)
