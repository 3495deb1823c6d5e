"""The AI answer cache (`ai_cache`): one row per task and input hash, ignored once its TTL has passed."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.ai.serialize import canonical_json
from core.db import insert_for, new_id
from core.models import AICache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedAnswer:
    engine: str
    result: dict[str, Any]
    created_at: datetime
    expires_at: datetime


def input_hash(task_name: str, schema_version: int, payload_json: Any) -> str:
    """sha256 of the canonical JSON of task name + schema version + payload.

    The schema version is in the key so that changing a task's schema or prompt
    (and bumping its version) retires every answer cached under the old one.
    """
    key = canonical_json({"task": task_name, "version": schema_version, "payload": payload_json})
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def load_cached_answer(session: Session, task_name: str, key: str, *, now: datetime) -> CachedAnswer | None:
    """The unexpired cached answer for (task, input hash), or None."""
    row = session.execute(
        select(AICache.engine, AICache.result, AICache.created_at, AICache.expires_at).where(
            AICache.task == task_name, AICache.input_hash == key, AICache.expires_at > now
        )
    ).one_or_none()
    if row is None:
        return None
    return CachedAnswer(engine=row.engine, result=row.result, created_at=row.created_at, expires_at=row.expires_at)


def save_cached_answer(
    session: Session,
    task_name: str,
    key: str,
    *,
    engine: str,
    result: dict[str, Any],
    ttl: timedelta,
    now: datetime,
) -> bool:
    """Insert or replace the answer for (task, input hash); True when written.

    Runs in a savepoint and swallows database errors: a cache that cannot be written
    must not cost the caller its answer or poison its transaction (PostgreSQL aborts
    the whole transaction after a failed statement unless it was in a savepoint).
    Does not commit: the caller's transaction decides.
    """
    values = {
        "id": new_id(),
        "task": task_name,
        "input_hash": key,
        "engine": engine,
        "result": result,
        "created_at": now,
        "expires_at": now + ttl,
    }
    statement = insert_for(session, AICache).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[AICache.task, AICache.input_hash],
        set_={
            "engine": statement.excluded.engine,
            "result": statement.excluded.result,
            "created_at": statement.excluded.created_at,
            "expires_at": statement.excluded.expires_at,
        },
    )
    try:
        with session.begin_nested():
            session.execute(statement)
    except SQLAlchemyError:
        log.warning("could not write the AI cache for task %s", task_name, exc_info=True)
        return False
    return True


def purge_expired_answers(session: Session, *, now: datetime) -> int:
    """Delete cached answers whose TTL has passed (`expires_at <= now`); how many. The daily `ai-cache-purge` job."""
    result = session.execute(delete(AICache).where(AICache.expires_at <= now))
    return int(result.rowcount or 0)
