"""System health on SQLite and PostgreSQL (`core.ops.health`): the strip's colours on hand-built events, outbox rows and
job runs at a controlled clock, the 7-day series against counts made by hand, and the recent-errors log."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core.models import AICallLog, EmailStatus, IngestionBatch, JobStatus
from core.ops.health import GREEN, RED, YELLOW, system_health
from core.ops.health_history import health_series, recent_errors
from core.ops.job_signals import JobSchedule
from tests.conftest import NOW
from tests.db.ops.test_signals import events, mail, run
from tests.factories import add_event

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
SCHEDULES = [JobSchedule("benchmarks", "Market benchmarks", DAY), JobSchedule("rollups", "Roll-ups", 15 * MIN)]


def colours(session: Session, now: datetime = NOW) -> dict[str, str]:
    return {c.key: c.colour for c in system_health(session, now=now, schedules=SCHEDULES)}


def test_a_quiet_healthy_system_is_green_except_jobs_that_never_ran(session: Session) -> None:
    checks = {c.key: c for c in system_health(session, now=NOW, schedules=SCHEDULES)}
    assert list(checks) == [
        "jobs", "outbox_depth", "oldest_queued", "send_failures", "bounce_rate", "webhook_failures", "error_rate",
        "db_round_trip", "db_size", "ai", "ingestion",
    ]  # fmt: skip
    assert checks["jobs"].colour == YELLOW  # both never ran
    assert checks["jobs"].value_text == "0 late, 0 failed, 2 never ran of 2"
    assert all(c.colour == GREEN for k, c in checks.items() if k not in ("jobs", "db_round_trip"))
    assert checks["bounce_rate"].value_text == "no e-mail sent"
    assert checks["oldest_queued"].value_text == "nothing waiting"
    assert all(c.threshold_text and c.definition for c in checks.values())


def test_each_check_turns_colour_on_hand_built_data(session: Session) -> None:
    run(session, "benchmarks", JobStatus.OK, NOW - 3 * DAY, "2026-11-18")  # late
    run(session, "rollups", JobStatus.OK, NOW - 10 * MIN, "2026-11-21T14:45")
    # 101 e-mails waiting (yellow above 100), the oldest 61 minutes (red above 60).
    mail(session, EmailStatus.QUEUED, created=NOW - 61 * MIN)
    for _ in range(100):
        mail(session, EmailStatus.QUEUED, created=NOW - 5 * MIN)
    # 1 failed delivery in 24 h: yellow (above 0).
    mail(session, EmailStatus.FAILED, created=NOW - 2 * HOUR, attempts=5, updated=NOW - HOUR)
    # Bounce: 3 of 100 in 7 days = 3 %: yellow.
    events(session, "email_sent", *(NOW - timedelta(hours=h) for h in range(1, 101)))
    events(session, "email_bounced", *(NOW - timedelta(hours=h) for h in (1, 2, 3)))
    # Webhooks: 6 in 15 minutes: red (above 5).
    events(session, "webhook_failed", *(NOW - m * MIN for m in range(1, 7)))
    # Errors: 3 in the last hour, a quiet week (median floored at 1) → 3 × usual: yellow.
    events(session, "error", NOW - 5 * MIN, NOW - 6 * MIN, NOW - 7 * MIN)
    # AI: 10 calls, 2 fallbacks (20 %: yellow), no failure.
    for outcome in ["model"] * 8 + ["fallback"] * 2:
        session.add(AICallLog(task="t", engine="e", outcome=outcome, latency_ms=1, created_at=NOW - HOUR))
    # Ingestion: 11 of 100 rejected (11 %: red).
    session.add(IngestionBatch(channel="http", origin="127.0.0.1", started_at=NOW - HOUR, received=100, inserted=89,
                               rejected=11))  # fmt: skip
    session.flush()
    checks = {c.key: c for c in system_health(session, now=NOW, schedules=SCHEDULES)}
    assert {k: c.colour for k, c in checks.items() if k not in ("db_round_trip", "db_size")} == {
        "jobs": RED, "outbox_depth": YELLOW, "oldest_queued": RED, "send_failures": YELLOW, "bounce_rate": YELLOW,
        "webhook_failures": RED, "error_rate": YELLOW, "ai": YELLOW, "ingestion": RED,
    }  # fmt: skip
    assert checks["outbox_depth"].value == 101 and checks["oldest_queued"].value == 61
    assert checks["bounce_rate"].value_text == "3.00%"
    assert checks["error_rate"].value_text == "3 errors in the last hour (3 × usual)"
    assert checks["ai"].value_text == "10 calls, 0 failures, 2 offline fallbacks"
    assert checks["ingestion"].value_text == "11 events of 100 received"
    assert checks["jobs"].details == ("Market benchmarks: late — last success Nov 18 15:00 UTC",)


def test_series_count_what_happened_per_hour_and_day(session: Session) -> None:
    # Webhook failures: 2 in the hour 10:00–11:00 two days ago, 1 in the last complete hour.
    two_days = NOW - 2 * DAY
    events(session, "webhook_failed", two_days - 5 * HOUR + 5 * MIN, two_days - 5 * HOUR + 50 * MIN, NOW - MIN)
    # Bounce: yesterday 4 sent / 1 bounced (25 %), today 2 sent / 0 bounced; nothing the days before.
    yesterday = NOW.replace(hour=0) - DAY
    events(session, "email_sent", *(yesterday + timedelta(hours=h) for h in (1, 2, 3, 4)), NOW - HOUR, NOW - 2 * HOUR)
    events(session, "email_bounced", yesterday + timedelta(hours=5))
    # Outbox: one mail queued at 11:50 and sent at 13:10; one queued at 14:30, still waiting.
    mail(session, EmailStatus.SENT, created=NOW - 190 * MIN, attempts=1, sent=NOW - 110 * MIN)
    mail(session, EmailStatus.QUEUED, created=NOW - 30 * MIN)
    run(session, "benchmarks", JobStatus.OK, yesterday + 3 * HOUR, "2026-11-20")
    run(session, "benchmarks", JobStatus.FAILED, NOW - 2 * HOUR, "2026-11-21", error="boom")
    series = health_series(session, now=NOW)

    hooks = {p.at: p.value for p in series["webhook_failures"].points}
    assert len(hooks) == 7 * 24 and max(hooks) == NOW  # hourly, the current (partial) hour last
    assert hooks[two_days - 5 * HOUR] == 2 and hooks[NOW - HOUR] == 1 and sum(hooks.values()) == 3

    bounce = {p.at: p.value for p in series["bounce_rate"].points}
    assert len(bounce) == 7 and max(bounce) == NOW.replace(hour=0)
    assert bounce[yesterday] == 25.0 and bounce[NOW.replace(hour=0)] == 0.0
    assert [v for d, v in bounce.items() if d < yesterday] == [None] * 5  # no sends: nothing to draw

    depth = {p.at: p.value for p in series["outbox_depth"].points}  # waiting at each hour's end (now for the last)
    oldest = {p.at: p.value for p in series["oldest_queued"].points}
    by_hour = [(depth[NOW - h * HOUR], oldest[NOW - h * HOUR]) for h in (5, 4, 3, 2, 1, 0)]
    # At 11:00 nothing; at 12:00 the first (10 min old); 13:00 (70 min); 14:00 none (sent 13:10); 15:00 and now the
    # second (30 min).
    assert by_hour == [(0, None), (1, 10), (1, 70), (0, None), (1, 30), (1, 30)]

    jobs = {(p.series, p.at): p.value for p in series["jobs"].points}
    assert jobs[("ok runs", yesterday)] == 1 and jobs[("failed runs", NOW.replace(hour=0))] == 1
    assert sum(jobs.values()) == 2
    assert series["db_size"].note and not series["db_size"].points


def test_recent_errors_merge_error_events_and_failed_runs_newest_first(session: Session) -> None:
    add_event(session, person_id="visitor-1", event_type="error", occurred_at=NOW - 3 * MIN, message="checkout 500",
              path="/checkout")  # fmt: skip
    add_event(session, person_id="visitor-2", event_type="error", occurred_at=NOW - 30 * MIN, code=17)
    add_event(session, person_id="visitor-3", event_type="error", occurred_at=NOW + MIN, message="the future")
    add_event(session, person_id="visitor-4", event_type="page_view", occurred_at=NOW - MIN)
    run(session, "benchmarks", JobStatus.FAILED, NOW - 10 * MIN, "2026-11-21", error="Traceback\nValueError: bad")
    run(session, "rollups", JobStatus.OK, NOW - 5 * MIN, "2026-11-21T14:45")
    log = recent_errors(session, now=NOW, limit=10)
    assert [(e.kind, e.message) for e in log] == [
        ("error event", "checkout 500"),
        ("failed job", "ValueError: bad"),
        ("error event", "(no message)"),
    ]
    assert log[0].details == {"message": "checkout 500", "path": "/checkout"}
    assert log[1].source == "benchmarks (2026-11-21)"
    assert [e.kind for e in recent_errors(session, now=NOW, limit=2)] == ["error event", "failed job"]
