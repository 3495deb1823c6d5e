"""`python -m jobs collect`: the HTTP event collector a storefront's tracker posts to (seed 001 §4.3), on Starlette
served by uvicorn (both come with Streamlit). Every event goes through `core.analytics.record_events`.

- `POST /track/event` and `POST /track/pageview` (the latter fills a missing `event_type` with `page_view` and
  refuses other types): a JSON body (one event, an array of events, or `{"events": [...]}`) or NDJSON
  (`Content-Type: application/x-ndjson`, one event per line), at most `MAX_EVENTS` events.
- The shared secret in the `X-Ingest-Secret` header (`INGEST_SECRET`): wrong or missing → 401 with an empty body.
- `COLLECTOR_MAX_BODY_BYTES` per request → 413; more than `COLLECTOR_RATE_PER_MINUTE` requests per client address
  (a token bucket refilled every second, bursts of up to 10 seconds' worth) → 429 with `Retry-After` in seconds.
  Behind a reverse proxy every request comes from the proxy's address: set the limit there instead.
- The answer (200): `{"received", "inserted", "duplicates", "rejected": [{"index", "reason"}...]}`; a malformed JSON
  body → 400; the database unreachable → 503 (the client retries: `event_id`s make retries safe).
- `GET /health` → 200 `{"status": "ok"}` when the database answers, else 503.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.analytics.events import record_events
from core.config import Settings, get_settings
from core.db import get_engine, utcnow

MAX_EVENTS = 500
SECRET_HEADER = "x-ingest-secret"
BURST_SECONDS = 10.0
NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl", "application/jsonlines")
log = logging.getLogger("jobs.collector")


class RateLimiter:
    """Per-key token buckets: `per_minute` tokens a minute, at most `BURST_SECONDS` worth saved up."""

    def __init__(self, per_minute: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * BURST_SECONDS)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go ahead (a token is spent), else the seconds until the next token."""
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > 10_000:  # forget full buckets so the table does not grow without end
                    self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.capacity - 1}
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class _TooLarge(Exception):
    pass


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _events(body: bytes, content_type: str) -> list[Any] | str:
    """The events of a body (dicts, or a line's raw text when it is not JSON) or why the body is refused."""
    if content_type.split(";")[0].strip().lower() in NDJSON_TYPES:
        events: list[Any] = []
        for line in body.splitlines():
            if line.strip():
                try:
                    events.append(json.loads(line))
                except ValueError:
                    events.append(line)  # refused one by one by record_events, with the reason
        return events
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return "malformed JSON body"
    if isinstance(payload, dict) and isinstance(payload.get("events"), list):
        return payload["events"]
    return payload if isinstance(payload, list) else [payload]


def create_app(settings: Settings, engine: Engine, *, limiter: RateLimiter | None = None) -> Starlette:
    """The collector's ASGI app (tests serve it with uvicorn in a subprocess)."""
    secret = (settings.ingest_secret or "").encode()
    limiter = limiter or RateLimiter(settings.collector_rate_per_minute)

    def store(events: list[Any], origin: str, only_type: str | None) -> dict[str, Any]:
        allowed = frozenset({only_type}) if only_type else None
        with Session(engine, expire_on_commit=False) as session:
            report = record_events(session, events, now=utcnow(), channel="http", origin=origin, allowed_types=allowed)
        return {
            "received": report.received,
            "inserted": report.inserted,
            "duplicates": report.duplicates,
            "rejected": [{"index": r.index, "reason": r.reason} for r in report.rejected],
        }

    async def track(request: Request, *, default_type: str | None) -> Response:
        client = request.client.host if request.client else "unknown"
        wait = limiter.take(client)
        if wait > 0:
            return JSONResponse(
                {"error": "too many requests"}, status_code=429, headers={"Retry-After": str(math.ceil(wait))}
            )
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secret or not hmac.compare_digest(given, secret):
            return Response(status_code=401)
        try:
            body = await _body(request, settings.collector_max_body_bytes)
        except _TooLarge:
            limit = settings.collector_max_body_bytes
            return JSONResponse({"error": f"body over {limit:,} bytes"}, status_code=413)
        events = _events(body, request.headers.get("content-type", ""))
        if isinstance(events, str):
            return JSONResponse({"error": events}, status_code=400)
        if len(events) > MAX_EVENTS:
            return JSONResponse({"error": f"at most {MAX_EVENTS} events per request"}, status_code=413)
        if default_type:
            events = [
                {**e, "event_type": default_type} if isinstance(e, dict) and "event_type" not in e else e
                for e in events
            ]
        try:
            answer = await run_in_threadpool(store, events, client, default_type)
        except DBAPIError:
            log.exception("could not store a batch from %s", client)
            return JSONResponse({"error": "database unavailable, retry later"}, status_code=503)
        return JSONResponse(answer)

    async def track_event(request: Request) -> Response:
        return await track(request, default_type=None)

    async def track_pageview(request: Request) -> Response:
        return await track(request, default_type="page_view")

    def ping() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    async def health(_request: Request) -> Response:
        try:
            await run_in_threadpool(ping)
        except DBAPIError:
            return JSONResponse({"status": "database unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/track/event", track_event, methods=["POST"]),
            Route("/track/pageview", track_pageview, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


def _with_type(event: Any, event_type: str) -> Any:
    """A page view endpoint's event with its missing `event_type` filled in."""
    return {**event, "event_type": event_type} if isinstance(event, dict) and "event_type" not in event else event


def command_collect(*, host: str | None, port: int | None) -> int:
    """The `collect` sub-command: serve until SIGTERM/SIGINT. Exit 2 without INGEST_SECRET."""
    import uvicorn

    settings = get_settings()
    if not settings.ingest_secret:
        print("settings: the collector needs INGEST_SECRET (a long random shared secret)", file=sys.stderr)
        return 2
    app = create_app(settings, get_engine())
    host, port = host or settings.collector_host, port or settings.collector_port
    log.info("collector listening on http://%s:%s", host, port)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0
