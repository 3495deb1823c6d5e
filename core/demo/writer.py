"""Bulk loading for the demo generator: rows buffered per table and flushed in foreign-key order.

PostgreSQL gets psycopg 3 `COPY ... FROM STDIN` (`write_row`); SQLite gets `executemany`
with large batches. Both run inside the caller's single transaction, so a failed load
leaves nothing behind. Rows are plain tuples in the column order given to `register`,
holding Python values (str, int, date, aware datetime, Decimal, list/dict for JSON).

On PostgreSQL a chunk is written by one background thread while the generator goes on drawing the next one
(at most one chunk in flight): the server's part of a COPY (parsing, writing the heap) then runs on the second
core instead of stopping the generator. psycopg releases the GIL while it waits on the server; only one thread
uses the connection at a time (`wait` joins the writer before anything else runs on it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from sqlalchemy import JSON, Connection

from core.db import Base

Row = tuple[Any, ...]
# maintenance_work_mem while the deferred indexes are rebuilt (this transaction only): the large demo's biggest
# indexes sort 16-22 million keys, which spill to disk under 512 MB.
INDEX_BUILD_MEMORY = "2GB"


class BulkLoader:
    """Buffers rows and writes them in chunks; tables flush in registration order (parents first)."""

    def __init__(self, connection: Connection, *, chunk_rows: int = 50_000) -> None:
        self._dialect = connection.dialect
        self._raw = connection.connection.driver_connection
        self._chunk_rows = chunk_rows
        self._columns: dict[str, list[str]] = {}
        self._buffers: dict[str, list[Row]] = {}
        self._converters: dict[str, list[tuple[int, Callable[[Any], Any]]]] = {}
        self.counts: dict[str, int] = {}
        self._pending = 0
        self._deferred: list[str] = []
        self._writer: ThreadPoolExecutor | None = None
        self._in_flight: Future[None] | None = None
        if self.is_postgres:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-copy")
        else:
            # Random UUID keys touch pages all over every index: a big page cache keeps them in memory
            # instead of spilling to the WAL on every batch (several times faster for the demo load).
            self._raw.execute("PRAGMA cache_size = -524288")  # 512 MiB, this connection only

    @property
    def is_postgres(self) -> bool:
        return self._dialect.name == "postgresql"

    def register(self, table: str, columns: Sequence[str]) -> None:
        """Declare a table and the column order of its rows (call parents before children)."""
        sa_table = Base.metadata.tables[table]
        converters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, name in enumerate(columns):
            col_type = sa_table.c[name].type
            if isinstance(col_type, JSON):
                # COPY text format parses JSON text into jsonb; SQLite stores the same text SQLAlchemy would.
                converters.append((index, _json_text))
            elif not self.is_postgres:
                # Exactly what SQLAlchemy would store (date strings, UTC datetimes, floats, JSON text).
                processor = col_type.dialect_impl(self._dialect).bind_processor(self._dialect)
                if processor is not None:
                    converters.append((index, processor))
        self._columns[table] = list(columns)
        self._buffers[table] = []
        self._converters[table] = converters
        self.counts[table] = 0

    def add(self, table: str, row: Row) -> None:
        self._buffers[table].append(row)
        self._pending += 1
        if self._pending >= self._chunk_rows:
            self.flush()

    def extend(self, table: str, rows: Sequence[Row]) -> None:
        self._buffers[table].extend(rows)
        self._pending += len(rows)
        if self._pending >= self._chunk_rows:
            self.flush()

    def defer_indexes(self, tables: Sequence[str], *, keep_constraints: bool = False) -> None:
        """Drop the indexes (on PostgreSQL also the key, unique and foreign-key constraints, unless
        `keep_constraints`: a table other tables' keys point to) of empty tables.

        Maintaining a B-tree row by row over random UUID keys costs far more than building it once
        from sorted data (and a full-text GIN index far more again), so `restore_indexes` recreates them after the
        load, in the same transaction.
        """
        self.wait()
        cursor = self._raw.cursor()
        try:
            if self.is_postgres:
                for table in tables:
                    cursor.execute(
                        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY conname",
                        (table,),
                    )
                    constraints = cursor.fetchall()
                    cursor.execute(
                        "SELECT indexname, indexdef FROM pg_indexes "
                        "WHERE schemaname = current_schema() AND tablename = %s ORDER BY indexname",
                        (table,),
                    )
                    names = {name for name, _, _ in constraints}
                    indexes = [(name, sql) for name, sql in cursor.fetchall() if name not in names]
                    if keep_constraints:
                        constraints = []
                    for name, _, _ in constraints:
                        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                    for name, _ in indexes:
                        cursor.execute(f'DROP INDEX "{name}"')
                    # Keys and unique constraints first, foreign keys next, plain indexes last.
                    order = {"p": 0, "u": 1, "f": 2}
                    for name, _kind, definition in sorted(constraints, key=lambda c: (order[c[1]], c[0])):
                        self._deferred.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                    self._deferred.extend(sql for _, sql in indexes)
            else:
                if not self._raw.in_transaction:
                    cursor.execute("BEGIN")  # so the DROP INDEX below is undone if the load fails
                for table in tables:
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                        "AND sql IS NOT NULL ORDER BY name",
                        (table,),
                    )
                    for name, sql in cursor.fetchall():
                        cursor.execute(f'DROP INDEX "{name}"')
                        self._deferred.append(sql)
        finally:
            cursor.close()

    def restore_indexes(self) -> None:
        """Flush, then rebuild everything `defer_indexes` dropped (on PostgreSQL with room to sort in memory: the
        large demo's biggest indexes cover tens of millions of rows)."""
        self.flush()
        self.wait()
        cursor = self._raw.cursor()
        try:
            if self.is_postgres and self._deferred:
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            for statement in self._deferred:
                cursor.execute(statement)
        finally:
            cursor.close()
        self._deferred.clear()

    def flush(self) -> None:
        """Write every buffered row, parent tables first so foreign keys always resolve (on PostgreSQL in the
        background: the previous chunk is finished first, so chunks land in order)."""
        chunk = [(table, rows) for table, rows in self._buffers.items() if rows]
        for table, rows in chunk:
            self.counts[table] += len(rows)
            self._buffers[table] = []
        self._pending = 0
        if not chunk:
            return
        if self._writer is None:
            self._write_chunk(chunk)
            return
        self.wait()
        self._in_flight = self._writer.submit(self._write_chunk, chunk)

    def wait(self) -> None:
        """Block until the chunk being written in the background is written (its error, if any, is raised here)."""
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            in_flight.result()

    def close(self) -> None:
        """Finish the background write and stop the writer thread (also after a failure: the caller's transaction
        can then roll back)."""
        try:
            self.wait()
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                self._writer = None

    def _write_chunk(self, chunk: list[tuple[str, list[Row]]]) -> None:
        for table, rows in chunk:
            self._write(table, rows)

    def _convert(self, table: str, rows: list[Row]) -> list[Row]:
        converters = self._converters[table]
        if not converters:
            return rows
        if len(converters) == 1 and converters[0][1] is _json_text:
            # PostgreSQL's one JSON column (the events' properties): most rows carry `JsonText` already and pass as
            # they are; only the others are rebuilt.
            index = converters[0][0]
            return [
                row if row[index].__class__ is JsonText else (*row[:index], _json_text(row[index]), *row[index + 1 :])
                for row in rows
            ]
        converted = []
        for row in rows:
            values = list(row)
            for index, convert in converters:
                values[index] = convert(values[index])
            converted.append(tuple(values))
        return converted

    def _write(self, table: str, rows: list[Row]) -> None:
        columns = self._columns[table]
        quoted = ", ".join(f'"{c}"' for c in columns)
        rows = self._convert(table, rows)
        cursor = self._raw.cursor()
        try:
            if self.is_postgres:
                with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)
        finally:
            cursor.close()


class JsonText(str):
    """A JSON document already encoded (exactly as `json.dumps` would write it): stored as it is."""

    __slots__ = ()


def _json_text(value: Any) -> str:
    """json.dumps, with the empty containers most demo rows carry and pre-encoded `JsonText` answered as they are."""
    if isinstance(value, JsonText):
        return value
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    return json.dumps(value)
