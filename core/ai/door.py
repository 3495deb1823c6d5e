"""The one door to language models: run a task on Claude, or on its offline engine, and say which answered.

Every answer given with a `session` is recorded in `ai_call_log` (task, engine, outcome, latency) in that session, so
System health can count calls, failures and offline fallbacks: outcome `cache` (an unexpired Claude answer), `model`
(Claude answered), `offline` (no API key, or the offline engine by choice), `fallback` (Claude failed and the
offline engine answered; `detail` says why) or `failure` (the door raising, e.g. personal data in a payload).

The rows wait on the session (`session.info`) and are written together, in one INSERT in a savepoint, just before
the session commits (or when `write_call_log` is called): a bulk pricing review of 200 products asks the door 200
times but writes its log in one statement, not 600. A log that cannot be written is logged and never fails the
answer; a session rolled back (or closed without a commit) takes its calls' log with it, as it takes their work."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import anthropic
import httpx2
from sqlalchemy import event, insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.ai.anthropic_engine import AIFallback, build_anthropic_client, request_tool_input
from core.ai.cache import input_hash, load_cached_answer, save_cached_answer
from core.ai.privacy import assert_no_personal_keys, redact_emails
from core.ai.serialize import to_jsonable
from core.ai.validation import SchemaViolation
from core.config import Settings, get_settings
from core.db import new_id, utcnow
from core.models import AICallLog

log = logging.getLogger(__name__)

P = TypeVar("P")
T = TypeVar("T")

OFFLINE_ENGINE = "offline"
NO_API_KEY = "no API key"
MAX_DETAIL_CHARS = 255


def call_outcome(result: AIResult[Any] | None) -> str:
    """How an answer came about, as `ai_call_log.outcome` (module docstring); None (no answer) is a failure."""
    if result is None:
        return "failure"
    if result.cached:
        return "cache"
    if not result.is_offline:
        return "model"
    return "offline" if result.fallback_reason in (None, NO_API_KEY) else "fallback"


PENDING_KEY = "ai_call_log_pending"  # session.info: the rows not written yet


def record_call(
    session: Session,
    *,
    task: str,
    engine: str,
    outcome: str,
    latency_ms: int,
    detail: str | None,
    now: datetime,
) -> None:
    """Queue one `ai_call_log` row on `session`; it is written before the session commits (`write_call_log`)."""
    pending: list[dict[str, Any]] = session.info.setdefault(PENDING_KEY, [])
    pending.append(
        {
            "id": new_id(),
            "task": task[:80],
            "engine": engine[:40],
            "outcome": outcome,
            "latency_ms": latency_ms,
            "detail": None if detail is None else detail[:MAX_DETAIL_CHARS],
            "created_at": now,
        }
    )
    if not event.contains(session, "before_commit", write_call_log):
        event.listen(session, "before_commit", write_call_log)


def write_call_log(session: Session) -> bool:
    """Write the session's queued `ai_call_log` rows in one INSERT, in a savepoint: False (and logged) when they
    could not be written, the caller unharmed. Called before every commit of a session the door answered in."""
    rows = session.info.pop(PENDING_KEY, None)
    if not rows:
        return True
    try:
        with session.begin_nested():
            session.execute(insert(AICallLog), rows)
    except SQLAlchemyError:
        log.warning("could not record %d AI calls (first: task %s)", len(rows), rows[0]["task"], exc_info=True)
        return False
    return True


@dataclass(frozen=True)
class Task(Generic[P, T]):
    """Everything the door needs to answer one kind of question, with or without a model.

    - `name` is the tool name and the cache's task key; `version` is part of the input
      hash, so bump it when the schema, prompt or validator changes meaning.
    - `input_schema` is the strict tool schema (the subset strict mode accepts: types,
      enums, `required`, `additionalProperties: false`; bounds go in descriptions and
      are enforced by `parse`).
    - `build_message(payload)` writes the user message from plain numbers and text.
    - `parse(raw, payload)` turns the tool input (or a cached result) into the typed
      result `T`, raising `SchemaViolation` on a missing field, wrong enum or a value
      out of bounds (bounds may depend on the payload).
    - `offline(payload)` answers deterministically from the numbers in the payload.

    Payloads and results are dataclasses; a result's JSON form (`to_jsonable`) must be
    something `parse` accepts, because that is what the cache stores.
    """

    name: str
    version: int
    description: str
    input_schema: Mapping[str, Any]
    system_prompt: str
    build_message: Callable[[P], str]
    parse: Callable[[Any, P], T]
    offline: Callable[[P], T]
    cache_ttl: timedelta
    max_tokens: int = 1024


@dataclass(frozen=True)
class AIResult(Generic[T]):
    """A task's answer and where it came from."""

    value: T
    engine: str  # "anthropic:<model>" or "offline"
    fallback_reason: str | None = None  # why the offline engine answered (None when it was not a fallback)
    cached: bool = False

    @property
    def is_offline(self) -> bool:
        return self.engine == OFFLINE_ENGINE

    @property
    def model(self) -> str | None:
        if not self.engine.startswith("anthropic:"):
            return None
        return self.engine.partition(":")[2]

    @property
    def engine_label(self) -> str:
        """One line for the page: who wrote this answer, and why the offline engine did."""
        if self.is_offline:
            return f"Written by the offline engine ({self.fallback_reason or 'by choice'})"
        label = f"Written by Claude ({self.model})"
        return f"{label}, from the cache" if self.cached else label


class AIDoor:
    """Runs tasks: cache first, then Claude (when a client exists), else the offline engine.

    Never raises for a model failure: every failure becomes an offline answer whose
    `fallback_reason` says what went wrong (also logged). It does raise
    `PersonalDataError` for a payload carrying personal fields: that is a bug to fix,
    not a condition to paper over.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        client: anthropic.Anthropic | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.client = client
        self.clock = clock

    @property
    def model(self) -> str:
        return self.settings.anthropic_model

    @property
    def anthropic_engine(self) -> str:
        return f"anthropic:{self.model}"

    def run(
        self, task: Task[P, T], payload: P, *, session: Session | None = None, use_cache: bool = True
    ) -> AIResult[T]:
        """Answer `task` for `payload`.

        With a `session`, an unexpired cached Claude answer is returned (`cached=True`)
        and a new Claude answer is stored. `use_cache=False` skips the lookup (a
        "regenerate" action) but still stores the new answer. Offline answers are not
        cached: they are deterministic and cheap, and caching a fallback would keep
        serving it for the whole TTL after a passing outage.

        With a `session`, the answer (or the door raising) is recorded in `ai_call_log` (module docstring).
        """
        if session is None:
            return self._answer(task, payload, session=None, use_cache=use_cache)
        started = time.perf_counter()
        result: AIResult[T] | None = None
        failure: str | None = None
        try:
            result = self._answer(task, payload, session=session, use_cache=use_cache)
        except Exception as exc:
            failure = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            record_call(
                session,
                task=task.name,
                engine=result.engine if result is not None else self.anthropic_engine,
                outcome=call_outcome(result),
                latency_ms=round((time.perf_counter() - started) * 1000),
                detail=failure if result is None else result.fallback_reason,
                now=self.clock(),
            )
        return result

    def _answer(self, task: Task[P, T], payload: P, *, session: Session | None, use_cache: bool) -> AIResult[T]:
        """The answer of `run`, without its record."""
        payload_json = to_jsonable(payload)
        assert_no_personal_keys(payload_json)
        key = input_hash(task.name, task.version, payload_json)

        if session is not None and use_cache:
            cached = self._from_cache(session, task, payload, key)
            if cached is not None:
                return cached

        if self.client is None:
            log.info("AI task %s answered offline: %s", task.name, NO_API_KEY)
            return self._offline(task, payload, NO_API_KEY)

        try:
            raw = request_tool_input(
                self.client,
                model=self.model,
                tool_name=task.name,
                tool_description=task.description,
                input_schema=task.input_schema,
                system_prompt=task.system_prompt,
                user_message=redact_emails(task.build_message(payload)),
                max_tokens=task.max_tokens,
            )
            value = task.parse(raw, payload)
        except AIFallback as exc:
            return self._fallback(task, payload, exc.reason)
        except SchemaViolation as exc:
            return self._fallback(task, payload, f"schema violation: {exc}")
        except Exception as exc:
            # Whatever else an odd answer triggers, the seller still gets an answer; the traceback is logged.
            log.exception("AI task %s failed unexpectedly", task.name)
            return self._fallback(task, payload, f"unexpected error ({type(exc).__name__})")

        if session is not None:
            save_cached_answer(
                session,
                task.name,
                key,
                engine=self.anthropic_engine,
                result=to_jsonable(value),
                ttl=task.cache_ttl,
                now=self.clock(),
            )
        return AIResult(value=value, engine=self.anthropic_engine)

    def _from_cache(self, session: Session, task: Task[P, T], payload: P, key: str) -> AIResult[T] | None:
        hit = load_cached_answer(session, task.name, key, now=self.clock())
        if hit is None:
            return None
        try:
            value = task.parse(hit.result, payload)
        except SchemaViolation as exc:
            # A row written before a validator got stricter: treat it as a miss, it will be overwritten.
            log.warning("ignoring a cached %s answer that no longer validates: %s", task.name, exc)
            return None
        return AIResult(value=value, engine=hit.engine, cached=True)

    def _fallback(self, task: Task[P, T], payload: P, reason: str) -> AIResult[T]:
        log.warning("AI task %s fell back to the offline engine (model %s): %s", task.name, self.model, reason)
        return self._offline(task, payload, reason)

    @staticmethod
    def _offline(task: Task[P, T], payload: P, reason: str | None) -> AIResult[T]:
        return AIResult(value=task.offline(payload), engine=OFFLINE_ENGINE, fallback_reason=reason)


def get_ai(settings: Settings | None = None, *, http_client: httpx2.Client | None = None) -> AIDoor:
    """A new door for `settings` (default: the process settings), with a Claude client only when a key is set."""
    settings = settings or get_settings()
    return AIDoor(settings, client=build_anthropic_client(settings, http_client=http_client))


_default_door: AIDoor | None = None


def default_ai() -> AIDoor:
    """The process-wide door for the process settings, rebuilt when the settings are reloaded.

    A client holds a connection pool, so task functions called without `ai=` share this one.
    """
    global _default_door
    settings = get_settings()
    if _default_door is None or _default_door.settings is not settings:
        _default_door = get_ai(settings)
    return _default_door
