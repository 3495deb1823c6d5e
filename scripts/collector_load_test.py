"""Bounded load test of the HTTP event collector (issue 19): `python scripts/collector_load_test.py --database-url URL`.

Starts `python -m jobs collect` on loopback against URL (a scratch database: it is migrated, and must hold no events),
sends `--rate` events per second (default 1,000) in batches of `--batch` (default 100) for `--seconds` (default 60)
on an open-loop schedule (each batch has its send time, so a slow answer does not slow the offered load), resends
every `--resend-every`-th batch a second time on purpose, then counts in the database: zero lost (every event sent
is stored), zero duplicated (no event_id twice, the resent batches answered as duplicates). Prints the sustained
rate (events stored per second of the run) and the request latency (p50, p99, max). Exit 0 when nothing was lost or
duplicated, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from core.migrate import upgrade_engine  # noqa: E402

USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Mobile/15E148 Safari/604.1"
)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    sent_ids: set[str] = field(default_factory=set)
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    resent_events: int = 0
    retries: int = 0
    failures: int = 0
    late: int = 0  # batches sent more than a second after their slot (the client fell behind)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def batch_of(size: int, seq: int) -> list[dict[str, object]]:
    now = datetime.now(UTC).isoformat()
    return [
        {
            "event_id": str(uuid.uuid4()),
            "event_type": "page_view",
            "occurred_at": now,
            "person_id": f"load-{seq}-{i % 10}",
            "session_id": f"s-{seq}",
            "url": "https://shop.example.com/p/planner?utm_source=instagram&utm_medium=social",
            "referrer": "https://l.instagram.com/",
            "user_agent": USER_AGENT,
            "country": "DE",
            "properties": {"page": "/p/planner", "seq": seq},
        }
        for i in range(size)
    ]


def post(conn: http.client.HTTPConnection, secret: str, body: bytes) -> tuple[int, dict[str, object]]:
    conn.request("POST", "/track/event", body, {"Content-Type": "application/json", "X-Ingest-Secret": secret})
    response = conn.getresponse()
    payload = response.read()
    return response.status, (json.loads(payload) if payload else {})


def sender(port: int, secret: str, schedule: list[tuple[float, bytes, int, bool]], results: Results) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for due, body, count, resend in schedule:
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1.0:
            with results.lock:
                results.late += 1
        for attempt in range(5):
            started = time.monotonic()
            try:
                status, answer = post(conn, secret, body)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status, answer = 0, {}
            elapsed = time.monotonic() - started
            if status == 200:
                with results.lock:
                    results.latencies.append(elapsed)
                    results.inserted += int(answer["inserted"])  # type: ignore[call-overload]
                    results.duplicates += int(answer["duplicates"])  # type: ignore[call-overload]
                    results.rejected += len(answer["rejected"])  # type: ignore[arg-type]
                    if resend:
                        results.resent_events += count
                break
            with results.lock:
                results.retries += 1
            time.sleep(0.2 * (attempt + 1))
        else:
            with results.lock:
                results.failures += 1
    conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a scratch database (migrated here; no events in it)")
    parser.add_argument("--rate", type=int, default=1_000, help="events per second (default 1,000)")
    parser.add_argument("--batch", type=int, default=100, help="events per request (default 100)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the run (default 60)")
    parser.add_argument("--resend-every", type=int, default=10, help="resend every N-th batch (default 10)")
    parser.add_argument("--senders", type=int, default=8, help="client threads (default 8)")
    args = parser.parse_args(argv)

    engine = create_engine(args.database_url)
    upgrade_engine(engine)
    with engine.connect() as connection:
        if connection.scalar(text("SELECT count(*) FROM analytics_events")):
            print("the database already holds events: use an empty scratch database", file=sys.stderr)
            return 2

    port, secret = free_port(), secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "INGEST_SECRET": secret,
        "COLLECTOR_RATE_PER_MINUTE": "1000000",
        "COLLECTOR_MAX_BODY_BYTES": str(4 * 1024 * 1024),
    }
    collector = subprocess.Popen(
        [sys.executable, "-m", "jobs", "collect", "--host", "127.0.0.1", "--port", str(port)], cwd=PROJECT_ROOT, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if collector.poll() is not None or time.monotonic() > deadline:
                print("the collector did not start", file=sys.stderr)
                return 2
            time.sleep(0.2)

        batches = int(args.rate * args.seconds / args.batch)
        interval = args.batch / args.rate
        bodies = [batch_of(args.batch, seq) for seq in range(batches)]
        results = Results()
        for body in bodies:
            results.sent_ids.update(str(e["event_id"]) for e in body)
        plan: list[tuple[float, bytes, int, bool]] = []
        for seq, body in enumerate(bodies):
            plan.append((seq * interval, json.dumps(body).encode(), len(body), False))
            if args.resend_every and seq % args.resend_every == args.resend_every - 1:
                # the batch sent half a second earlier goes out once more (a client retrying after a timeout)
                earlier = bodies[max(0, seq - int(0.5 / interval))]
                plan.append((seq * interval + interval / 2, json.dumps(earlier).encode(), len(earlier), True))
        start = time.monotonic() + 0.5  # the plan is ready: its clock starts now
        plan = [(start + offset, body, count, resend) for offset, body, count, resend in plan]
        threads = [
            threading.Thread(target=sender, args=(port, secret, plan[i :: args.senders], results), daemon=True)
            for i in range(args.senders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    finally:
        collector.terminate()
        collector.wait(timeout=30)

    with engine.connect() as connection:
        stored = connection.scalar(text("SELECT count(*) FROM analytics_events")) or 0
        distinct = connection.scalar(text("SELECT count(DISTINCT event_id) FROM analytics_events")) or 0
        ids = {row[0] for row in connection.execute(text("SELECT event_id FROM analytics_events"))}
    lost = len(results.sent_ids - ids)
    duplicated = stored - distinct
    latencies = sorted(results.latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    print(
        f"offered {args.rate:,} events/s for {args.seconds:.0f} s in batches of {args.batch} "
        f"({len(results.sent_ids):,} events, {results.resent_events:,} resent on purpose)"
    )
    print(
        f"answers: inserted {results.inserted:,}, duplicates {results.duplicates:,}, rejected {results.rejected:,}, "
        f"retries {results.retries}, failed batches {results.failures}, late sends {results.late}"
    )
    print(f"database: {stored:,} rows, {distinct:,} distinct event ids; lost {lost}, duplicated {duplicated}")
    print(
        f"sustained {stored / elapsed:,.0f} events/s over {elapsed:.1f} s; latency per request "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    ok = lost == 0 and duplicated == 0 and results.duplicates == results.resent_events and results.failures == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
