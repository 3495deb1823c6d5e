"""The HTTP collector (`python -m jobs collect`) in a subprocess, spoken to with real HTTP requests: health, the shared
secret (401, no detail), the body limit (413), per-event errors, a good batch stored once (a retry stores nothing),
NDJSON, page views, the rate limit (429 with Retry-After)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.analytics.events import REASON_FUTURE, REASON_NOT_HERE
from core.config import PROJECT_ROOT
from core.models import AnalyticsEvent
from core.models.operations import IngestionBatch
from jobs.collector import MAX_EVENTS

SECRET = "test-secret-4b1d0c9e7f"
BODY_LIMIT = 300_000
RATE_PER_MINUTE = 90  # 1.5 requests a second, bursts of 15


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Collector:
    base: str
    engine: Engine

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Answer:
        req = urllib.request.Request(self.base + path, data=body, method=method)
        for name, value in headers.items():
            req.add_header(name.replace("_", "-"), value)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as err:
            return Answer(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())

    def post(self, path: str, payload: Any, *, secret: str = SECRET, content_type: str = "application/json") -> Answer:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.request("POST", path, body, Content_Type=content_type, X_Ingest_Secret=secret)

    def stored(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(AnalyticsEvent)) or 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def collector(fresh_db: Engine) -> Iterator[Collector]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": fresh_db.url.render_as_string(hide_password=False),
        "INGEST_SECRET": SECRET,
        "COLLECTOR_MAX_BODY_BYTES": str(BODY_LIMIT),
        "COLLECTOR_RATE_PER_MINUTE": str(RATE_PER_MINUTE),
        "APP_ENV": "development",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "jobs", "collect", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    client = Collector(f"http://127.0.0.1:{port}", fresh_db)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.request("GET", "/health").status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"the collector did not start: {output}")
            time.sleep(0.2)
        yield client
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def event(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.UUID(int=1000 + n)),
        "event_type": "page_view",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=n)).isoformat(),
        "person_id": f"visitor-{n}",
        **extra,
    }


def test_the_collector_end_to_end(collector: Collector) -> None:
    health = collector.request("GET", "/health")
    assert (health.status, health.json()) == (200, {"status": "ok"})

    # Wrong or missing secret: 401 with nothing in the body, nothing stored.
    wrong = collector.post("/track/event", [event(1)], secret="guess")
    missing = collector.request("POST", "/track/event", json.dumps([event(1)]).encode())
    assert (wrong.status, wrong.body, missing.status, missing.body) == (401, b"", 401, b"")

    # Over the body limit: 413 before anything is parsed.
    huge = collector.post("/track/event", b"[" + b" " * BODY_LIMIT + b"]")
    assert huge.status == 413
    too_many = collector.post("/track/event", [event(n) for n in range(MAX_EVENTS + 1)])
    assert (too_many.status, too_many.json()) == (413, {"error": f"at most {MAX_EVENTS} events per request"})
    not_json = collector.post("/track/event", b"{nope")
    assert (not_json.status, not_json.json()) == (400, {"error": "malformed JSON body"})
    assert collector.stored() == 0

    # A batch with bad events: the good ones are kept, the answer says which were refused and why.
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    batch = [event(1), event(2, occurred_at=future), event(3, event_type="teleport"), event(4)]
    answer = collector.post("/track/event", {"events": batch})
    assert answer.status == 200
    body = answer.json()
    assert (body["received"], body["inserted"], body["duplicates"]) == (4, 2, 0)
    assert [(r["index"], r["reason"]) for r in body["rejected"]] == [
        (1, REASON_FUTURE),
        (2, "unknown event type 'teleport'"),
    ]
    assert collector.stored() == 2

    # The same batch again (a client retry): stored once.
    retry = collector.post("/track/event", batch).json()
    assert (retry["inserted"], retry["duplicates"], len(retry["rejected"])) == (0, 2, 2)
    assert collector.stored() == 2

    # NDJSON, with a broken line refused on its own.
    lines = b"\n".join([json.dumps(event(5)).encode(), b"{broken", json.dumps(event(6)).encode()])
    ndjson = collector.post("/track/event", lines, content_type="application/x-ndjson").json()
    assert (ndjson["inserted"], [r["index"] for r in ndjson["rejected"]]) == (2, [1])
    assert ndjson["rejected"][0]["reason"].startswith("malformed JSON")

    # Page views: the type may be left out; another type is refused there.
    no_type = {k: v for k, v in event(7).items() if k != "event_type"}
    views = collector.post("/track/pageview", [no_type, event(8, event_type="purchase")]).json()
    assert views["inserted"] == 1
    assert views["rejected"] == [{"index": 1, "reason": f"{REASON_NOT_HERE} 'purchase' (only page_view)"}]
    assert collector.stored() == 5

    with Session(collector.engine) as session:
        origins = set(session.scalars(select(IngestionBatch.origin)))
        channels = set(session.scalars(select(IngestionBatch.channel)))
        batches = session.scalar(select(func.count(IngestionBatch.id)))
    assert (origins, channels, batches) == ({"127.0.0.1"}, {"http"}, 4)

    # The rate limit: a quick burst runs out of tokens; the answer says when to come back.
    statuses = [collector.post("/track/event", [event(9)]) for _ in range(20)]
    limited = [a for a in statuses if a.status == 429]
    assert limited, [a.status for a in statuses]
    assert int(limited[0].headers["retry-after"]) >= 1
    assert {a.status for a in statuses} <= {200, 429}
    assert collector.stored() == 6
