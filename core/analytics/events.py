"""Event ingestion: `record_events`, the one way events come in (the `ingest` file loader and the HTTP collector).

An event is a JSON object: `event_id` (the client's UUID), `event_type` (one of `EVENT_TYPES`), `occurred_at` (ISO 8601
with an offset), `person_id`, and optional `session_id`, `user_id`, `url` (the landing URL; its `utm_*` parameters are
read), `referrer`, `user_agent`, `country` (ISO 3166 alpha-2) and `properties` (an object). Each event is checked on
its own (`validate_event`: the reasons are the `REASON_*` texts, with a detail); a refused event does not stop the
good ones of its batch. Good events get their traffic source and device (`core.analytics.event_sources`), are
deduplicated on `event_id` (inside the batch, then against the table with INSERT … ON CONFLICT DO NOTHING on the
unique partial index, so a retried batch inserts nothing twice), and are written with `recorded_at` = `now` (so the
`rollups` job re-aggregates the hours they touch) in one transaction together with one `ingestion_batches` row.
PostgreSQL loads a batch with COPY into a temporary table and one INSERT … SELECT; SQLite with executemany.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.analytics.event_sources import attribution, parse_user_agent
from core.analytics.event_types import EVENT_TYPES
from core.db import new_id
from core.models import AnalyticsEvent, User
from core.models.operations import IngestionBatch

MAX_FUTURE = timedelta(minutes=5)  # clocks drift: an event up to 5 minutes "ahead" of ours is accepted
MAX_PROPERTIES_BYTES = 8 * 1024  # of the properties' compact JSON text, UTF-8
MAX_ID_CHARS = 36  # person_id, session_id, user_id columns
MAX_URL_CHARS = 1000  # url and referrer are cut to this (after the UTM tags are read)
SAMPLE_REASONS = 5  # distinct reasons kept on the ingestion_batches row
FIELDS = frozenset(
    {
        "event_id",
        "event_type",
        "occurred_at",
        "person_id",
        "session_id",
        "user_id",
        "url",
        "referrer",
        "user_agent",
        "country",
        "properties",
    }
)
REASON_MALFORMED = "malformed JSON"
REASON_NOT_OBJECT = "not a JSON object"
REASON_UNKNOWN_FIELD = "unknown field"
REASON_EVENT_ID = "event_id must be a UUID"
REASON_EVENT_TYPE = "unknown event type"
REASON_TIMESTAMP = "occurred_at must be an ISO 8601 date-time"
REASON_NAIVE = "occurred_at has no UTC offset"
REASON_FUTURE = "occurred_at is more than 5 minutes in the future"
REASON_PERSON = "person_id is required (a string of up to 36 characters)"
REASON_ID_FIELD = "must be a string of up to 36 characters"
REASON_TEXT_FIELD = "must be a string"
REASON_NUL = "contains a NUL character"
REASON_ENCODING = "is not valid Unicode text"
REASON_PROPERTIES = "properties must be a JSON object"
REASON_PROPERTIES_SIZE = "properties over 8 KB"
REASON_COUNTRY = "country must be an ISO 3166 alpha-2 code"
REASON_USER = "unknown user_id"
REASON_NOT_HERE = "event type not accepted here"
# Every column of the table, in its order (the COPY and INSERT … SELECT name them all; a row lacks none but `id`).
COLUMNS: tuple[str, ...] = tuple(AnalyticsEvent.__table__.columns.keys())


@dataclass(frozen=True)
class Rejection:
    """An event refused: its position in the batch (0-based) and why."""

    index: int
    reason: str


@dataclass
class IngestReport:
    """What one `record_events` call did."""

    received: int = 0
    inserted: int = 0
    duplicates: int = 0  # already in the table, or repeated inside the batch
    rejected: list[Rejection] = field(default_factory=list)
    batch_id: str | None = None

    @property
    def accepted(self) -> int:
        return self.inserted + self.duplicates


class _Refused(ValueError):
    """Raised inside `validate_event` with the reason."""


def _text(event: Mapping[str, Any], name: str, *, limit: int | None = None, required: bool = False) -> str | None:
    value = event.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise _Refused(REASON_PERSON if name == "person_id" else f"{name} is required")
        return None
    if not isinstance(value, str):
        raise _Refused(REASON_PERSON if name == "person_id" else f"{name} {REASON_TEXT_FIELD}")
    if "\x00" in value:
        raise _Refused(f"{name} {REASON_NUL}")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:  # a lone surrogate ("\ud800" in the JSON): no database can store it
            raise _Refused(f"{name} {REASON_ENCODING}") from None
    if limit is not None and (len(value) > limit or not value.strip()):
        raise _Refused(REASON_PERSON if name == "person_id" else f"{name} {REASON_ID_FIELD}")
    return value


def _occurred_at(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise _Refused(REASON_TIMESTAMP)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Refused(REASON_TIMESTAMP) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _Refused(REASON_NAIVE)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise _Refused(REASON_TIMESTAMP) from None
    if moment > now + MAX_FUTURE:
        raise _Refused(REASON_FUTURE)
    return moment


def _properties(value: Any) -> str:
    """The properties as compact JSON text (what is stored); refused when not an object, not strict JSON or too big."""
    if value is None:
        return "{}"
    if not isinstance(value, dict):
        raise _Refused(REASON_PROPERTIES)
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        raise _Refused(f"{REASON_PROPERTIES} (no NaN or Infinity)") from None
    if "\\u0000" in text:  # PostgreSQL's jsonb cannot hold it
        raise _Refused(f"properties {REASON_NUL}")
    try:
        size = len(text.encode())
    except UnicodeEncodeError:
        raise _Refused(f"properties {REASON_ENCODING}") from None
    if size > MAX_PROPERTIES_BYTES:
        raise _Refused(f"{REASON_PROPERTIES_SIZE} ({size:,} bytes)")
    return text


def parse_event(raw: Mapping[str, Any] | str | bytes) -> Mapping[str, Any]:
    """The event object of a JSON text (a file line, an NDJSON line) or the object itself; `_Refused` otherwise."""
    if isinstance(raw, str | bytes):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            raise _Refused(f"{REASON_MALFORMED} ({detail})") from None
    if not isinstance(raw, Mapping):
        raise _Refused(REASON_NOT_OBJECT)
    return raw


def validate_event(raw: Mapping[str, Any] | str | bytes, *, now: datetime) -> dict[str, Any] | str:
    """The row to insert for one event (without `id`), or the reason it is refused. Pure."""
    try:
        event = parse_event(raw)
        unknown = sorted(str(key) for key in event if key not in FIELDS)
        if unknown:
            raise _Refused(f"{REASON_UNKNOWN_FIELD} {unknown[0]!r}")
        try:
            event_id = str(uuid.UUID(event["event_id"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _Refused(REASON_EVENT_ID) from None
        event_type = event.get("event_type")
        if event_type is None:
            raise _Refused(f"{REASON_EVENT_TYPE} (event_type is missing)")
        if not isinstance(event_type, str) or event_type not in EVENT_TYPES:
            shown = event_type[:40] if isinstance(event_type, str) else event_type
            raise _Refused(f"{REASON_EVENT_TYPE} {shown!r}"[:120])
        occurred_at = _occurred_at(event.get("occurred_at"), now)
        person_id = _text(event, "person_id", limit=MAX_ID_CHARS, required=True)
        session_id = _text(event, "session_id", limit=MAX_ID_CHARS)
        user_id = _text(event, "user_id", limit=MAX_ID_CHARS)
        url, referrer = _text(event, "url"), _text(event, "referrer")
        user_agent = _text(event, "user_agent")
        country = _text(event, "country")
        if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise _Refused(REASON_COUNTRY)
        properties = _properties(event.get("properties"))
    except _Refused as refused:
        return str(refused)
    source = attribution(url, referrer)
    device = parse_user_agent(user_agent[:MAX_URL_CHARS] if user_agent else None)
    return {
        "event_id": event_id,
        "person_id": person_id,
        "user_id": user_id,
        "session_id": session_id,
        "event_type": event_type,
        "source": source.source,
        "utm_source": source.utm_source,
        "utm_medium": source.utm_medium,
        "utm_campaign": source.utm_campaign,
        "properties": properties,
        "occurred_at": occurred_at,
        "recorded_at": now,
        "url": url[:MAX_URL_CHARS] if url else None,
        "referrer": referrer[:MAX_URL_CHARS] if referrer else None,
        "device_type": device.device_type,
        "browser": device.browser,
        "os": device.os,
        "country": country.upper() if country else None,
    }


def _known_users(session: Session, user_ids: set[str]) -> set[str]:
    if not user_ids:
        return set()
    return set(session.scalars(select(User.id).where(User.id.in_(sorted(user_ids)))))


def _existing_event_ids(session: Session, event_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(event_ids), 5_000):
        chunk = event_ids[start : start + 5_000]
        found.update(session.scalars(select(AnalyticsEvent.event_id).where(AnalyticsEvent.event_id.in_(chunk))))
    return found


def _insert_postgres(session: Session, rows: list[dict[str, Any]]) -> int:
    """COPY into a per-connection temporary table, then one INSERT … SELECT … ON CONFLICT DO NOTHING."""
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    quoted = ", ".join(f'"{c}"' for c in COLUMNS)
    try:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS ingest_stage "
            "(LIKE analytics_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE ingest_stage")  # a test's savepoint "commit" does not empty it
        with cursor.copy(f"COPY ingest_stage ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row.get(c) for c in COLUMNS))
        cursor.execute(
            f"INSERT INTO analytics_events ({quoted}) SELECT {quoted} FROM ingest_stage "
            "ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE ingest_stage")
    finally:
        cursor.close()
    return inserted


def _insert_sqlite(session: Session, rows: list[dict[str, Any]]) -> int:
    """executemany of INSERT … ON CONFLICT DO NOTHING, values converted as SQLAlchemy would store them."""
    connection = session.connection()
    dialect = connection.dialect
    table = AnalyticsEvent.__table__
    processors = [
        (index, processor)
        for index, name in enumerate(COLUMNS)
        if name != "properties"  # already JSON text
        and (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    values = []
    for row in rows:
        value = [row.get(c) for c in COLUMNS]
        for index, process in processors:
            value[index] = process(value[index])
        values.append(value)
    quoted = ", ".join(f'"{c}"' for c in COLUMNS)
    marks = ", ".join("?" for _ in COLUMNS)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(
            f"INSERT INTO analytics_events ({quoted}) VALUES ({marks}) "
            "ON CONFLICT (event_id) WHERE event_id IS NOT NULL DO NOTHING",
            values,
        )
        return cursor.rowcount
    finally:
        cursor.close()


def record_events(
    session: Session,
    events: Sequence[Mapping[str, Any] | str | bytes],
    *,
    now: datetime,
    channel: str,
    origin: str,
    dry_run: bool = False,
    allowed_types: frozenset[str] | None = None,
) -> IngestReport:
    """Validate, enrich, deduplicate and insert `events` (objects or JSON texts), with one `ingestion_batches` row,
    in one transaction that this call commits. `dry_run` checks the same way (duplicates included, by reading the
    table) and writes nothing. `now` (aware) is `recorded_at` and the limit for future timestamps. `allowed_types`
    narrows `EVENT_TYPES` for an endpoint (the collector's page views)."""
    if now.tzinfo is None:
        raise ValueError("record_events needs an aware `now`")
    started = time.perf_counter()
    report = IngestReport(received=len(events))
    rows: list[dict[str, Any]] = []
    indexes: list[int] = []
    seen: set[str] = set()
    for index, raw in enumerate(events):
        row = validate_event(raw, now=now)
        if allowed_types is not None and not isinstance(row, str) and row["event_type"] not in allowed_types:
            row = f"{REASON_NOT_HERE} {row['event_type']!r} (only {', '.join(sorted(allowed_types))})"
        if isinstance(row, str):
            report.rejected.append(Rejection(index, row))
        elif row["event_id"] in seen:
            report.duplicates += 1
        else:
            seen.add(row["event_id"])
            rows.append(row)
            indexes.append(index)
    known = _known_users(session, {row["user_id"] for row in rows if row["user_id"]})
    kept: list[dict[str, Any]] = []
    for index, row in zip(indexes, rows, strict=True):
        if row["user_id"] and row["user_id"] not in known:
            report.rejected.append(Rejection(index, f"{REASON_USER} {row['user_id']!r}"))
        else:
            kept.append(row)
    report.rejected.sort(key=lambda r: r.index)
    if dry_run:
        report.inserted = len(kept) - len(_existing_event_ids(session, [row["event_id"] for row in kept]))
        report.duplicates += len(kept) - report.inserted
        return report
    try:
        for row in kept:
            row["id"] = new_id()
        if not kept:
            inserted = 0
        elif session.get_bind().dialect.name == "postgresql":
            inserted = _insert_postgres(session, kept)
        else:
            inserted = _insert_sqlite(session, kept)
        report.inserted = inserted
        report.duplicates += len(kept) - inserted
        reasons = list(dict.fromkeys(r.reason for r in report.rejected))[:SAMPLE_REASONS]
        batch_id = new_id()
        session.execute(
            insert(IngestionBatch),
            [
                {
                    "id": batch_id,
                    "channel": channel[:16],
                    "origin": origin[:255],
                    "started_at": now,
                    "finished_at": now + timedelta(seconds=time.perf_counter() - started),
                    "received": report.received,
                    "inserted": report.inserted,
                    "duplicates": report.duplicates,
                    "rejected": len(report.rejected),
                    "sample_reasons": reasons,
                }
            ],
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    report.batch_id = batch_id
    return report
