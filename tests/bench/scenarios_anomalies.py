"""Benchmark scenarios of issue 19's anomaly detection and daily business digest on the large set: the daily
`anomalies` job's scan (marketplace series, every product's units, every seller's revenue; no target — the time is
reported) and the `daily-digest` job's composition after it. Both write only inside the rolled-back session."""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from core.analytics.anomaly_scan import scan_anomalies
from core.config import Settings
from core.messaging.daily_digest import send_daily_digest
from tests.bench.harness import BenchContext, scenario

ZONE = ZoneInfo("UTC")
SETTINGS = Settings(app_timezone="UTC")


@scenario("anomaly scan", repeats=3, warmup=1)
def anomaly_scan(ctx: BenchContext) -> int:
    """The whole scan at the bench "now" (9 weeks loaded, 14 days judged), stored (rolled back); prints the
    per-step seconds. Returns the anomalies stored."""
    with ctx.session() as session:
        report = scan_anomalies(session, now=ctx.now, tz=ZONE)
    steps = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in report.seconds.items())
    print(f"  anomaly scan: {report.summary()}; {steps}")
    return report.inserted


@scenario("daily digest composition", repeats=3, warmup=1)
def daily_digest_composition(ctx: BenchContext) -> int:
    """The scan first (untimed, so the day's anomalies exist), then the digest timed apart and printed: load the
    numbers, compose (offline engine), store, queue one mail per opted-in admin (rolled back). Returns the mails."""
    with ctx.session() as session:
        scan_anomalies(session, now=ctx.now, tz=ZONE)
        started = time.perf_counter()
        report = send_daily_digest(session, now=ctx.now, settings=SETTINGS)
        elapsed = time.perf_counter() - started
    print(f"  daily digest: {report.summary()} in {elapsed * 1000:.0f} ms")
    return report.queued
