"""The measured signals of system health (`core.ops.signals`) on SQLite and PostgreSQL: hand-built events, outbox rows,
job runs, AI calls and ingestion batches against a controlled clock, with every expected value counted by hand (or,
on random data, by a plain Python count of the same rows)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.analytics.rollups import refresh_rollups
from core.models import (
    AICallLog,
    AnalyticsRollup,
    EmailOutbox,
    EmailStatus,
    IngestionBatch,
    JobClaim,
    JobRun,
    JobStatus,
)
from core.ops import signals
from core.ops.job_signals import JobSchedule, claimed_job_schedules, job_states, late_job_list
from core.ops.signals import SIGNALS, measure
from tests.conftest import NOW
from tests.factories import add_event

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def events(session: Session, event_type: str, *moments: datetime) -> None:
    for i, at in enumerate(moments):
        add_event(session, person_id=f"p{i}", event_type=event_type, occurred_at=at)


def mail(
    session: Session,
    status: EmailStatus,
    *,
    created: datetime,
    attempts: int = 0,
    updated: datetime | None = None,
    sent: datetime | None = None,
) -> EmailOutbox:
    row = EmailOutbox(kind="test", to_address="a@example.com", subject="s", html_body="<p>b</p>", text_body="b",
                      status=status, attempts=attempts, sent_at=sent)  # fmt: skip
    row.created_at = created
    row.updated_at = updated or created
    session.add(row)
    session.flush()
    return row


# ------------------------------------------------------------------------------------------------ event counts


def test_event_counts_take_the_half_open_window_before_now(session: Session) -> None:
    # In [now - 15 min, now): the edge itself and a minute before now. Out: 1 s before the window, now, the future.
    events(session, "webhook_failed", NOW - 15 * MIN, NOW - MIN, NOW - 15 * MIN - timedelta(seconds=1), NOW,
           NOW + HOUR)  # fmt: skip
    events(session, "error", NOW - 30 * MIN, NOW - 2 * HOUR)
    assert signals.webhook_failures(session, now=NOW, window_minutes=15) == 2
    assert signals.webhook_failures(session, now=NOW, window_minutes=16) == 3
    assert signals.error_events(session, now=NOW, window_minutes=60) == 1
    assert signals.error_events(session, now=NOW, window_minutes=180) == 2
    assert measure("webhook_failures", session, now=NOW) == 2  # its usual window: 15 minutes


def test_event_counts_match_a_python_count_on_random_moments(session: Session) -> None:
    rng = random.Random(19)
    moments = [NOW - timedelta(seconds=rng.randint(-3600, 3 * 86400)) for _ in range(300)]
    events(session, "error", *moments)
    for window in (1, 15, 60, 600, 1440, 4000):
        since = NOW - timedelta(minutes=window)
        expected = sum(1 for m in moments if since <= m < NOW)
        assert signals.error_events(session, now=NOW, window_minutes=window) == expected, window


def test_a_window_must_be_positive_and_now_aware(session: Session) -> None:
    with pytest.raises(ValueError, match="positive"):
        signals.error_events(session, now=NOW, window_minutes=0)
    with pytest.raises(ValueError):
        signals.error_events(session, now=NOW.replace(tzinfo=None), window_minutes=5)


# ------------------------------------------------------------------------------------------------ bounce rate


def test_bounce_rate_is_bounced_over_sent_and_none_without_sends(session: Session) -> None:
    assert signals.bounce_rate(session, now=NOW, window_minutes=7 * 24 * 60) is None
    sent = [NOW - timedelta(hours=h) for h in range(1, 201)]  # 200 sends over the last 200 hours
    events(session, "email_sent", *sent)
    events(session, "email_bounced", *(NOW - timedelta(hours=h, minutes=-1) for h in (3, 50, 100, 199)))
    events(session, "email_delivered", *sent[:50])  # not part of the rate
    # 7 days = 168 hours: 168 sends (hours 1..168), bounces at hours 3, 50, 100 → 3/168 = 1.7857 %.
    assert signals.bounce_rate(session, now=NOW, window_minutes=7 * 24 * 60) == D("1.7857")
    # 24 h: 24 sends, 1 bounce → 4.1667 %.
    assert signals.bounce_rate(session, now=NOW, window_minutes=24 * 60) == D("4.1667")


def test_bounce_rate_is_the_same_from_the_roll_ups(session: Session) -> None:
    rng = random.Random(4)
    sent = [NOW - timedelta(minutes=rng.randint(1, 9 * 24 * 60)) for _ in range(400)]
    bounced = [m + timedelta(seconds=30) for m in sent if rng.random() < 0.05]
    events(session, "email_sent", *sent)
    events(session, "email_bounced", *bounced)
    week = NOW - 7 * DAY
    n_sent = sum(1 for m in sent if week <= m < NOW)
    n_bounced = sum(1 for m in bounced if week <= m < NOW)
    expected = (D(n_bounced) * 100 / n_sent).quantize(D("0.0001"))
    assert signals.bounce_rate(session, now=NOW, window_minutes=7 * 24 * 60) == expected  # raw
    refresh_rollups(session, now=NOW - 3 * HOUR, full=True)  # roll-ups cover all but the last three hours
    rolled = session.scalar(select(func.sum(AnalyticsRollup.value)).where(AnalyticsRollup.metric == "email_tracked"))
    assert rolled == sum(1 for m in sent if m < NOW - 3 * HOUR)  # the fast path really reads roll-ups
    assert signals.email_reports(session, [signals.TimeRange(week, NOW)]) == [(n_sent, n_bounced)]
    assert signals.bounce_rate(session, now=NOW, window_minutes=7 * 24 * 60) == expected


# ------------------------------------------------------------------------------------------------ errors vs median


def test_error_rate_against_the_hourly_median_of_the_week(session: Session) -> None:
    start = NOW - 7 * DAY  # NOW is on the hour: the 168 complete hours before it
    # 90 hours with 2 errors and 78 with none: the median of 168 counts is 2.
    moments = [start + i * HOUR + timedelta(minutes=m) for i in range(90) for m in (5, 40)]
    events(session, "error", *moments)
    assert signals.error_rate_vs_median(session, now=NOW, window_minutes=7 * 24 * 60) == D("0.00")
    events(session, "error", *(NOW - timedelta(minutes=m) for m in (1, 10, 20, 30, 59)))
    # The last hour's 5 errors are also the week's last hour (index 167 → still 90 hours with 2 of 168, plus one
    # with 5: the median stays 2) → 5 / 2 = 2.50.
    assert signals.error_rate_vs_median(session, now=NOW, window_minutes=7 * 24 * 60) == D("2.50")


def test_a_quiet_week_divides_by_one(session: Session) -> None:
    events(session, "error", NOW - 5 * MIN, NOW - 6 * MIN, NOW - 7 * MIN)
    # Median 0 (the three errors sit in one of 168 hours): floored at 1 → 3.00.
    assert signals.error_rate_vs_median(session, now=NOW, window_minutes=7 * 24 * 60) == D("3.00")


# ------------------------------------------------------------------------------------------------ outbox


def test_outbox_depth_oldest_and_failures(session: Session) -> None:
    assert signals.outbox_depth(session, now=NOW, window_minutes=60) == 0
    assert signals.oldest_queued_minutes(session, now=NOW, window_minutes=60) is None
    mail(session, EmailStatus.QUEUED, created=NOW - 90 * MIN - timedelta(seconds=30))
    mail(session, EmailStatus.QUEUED, created=NOW - 5 * MIN)
    mail(session, EmailStatus.FAILED, created=NOW - 3 * HOUR, attempts=2, updated=NOW - 2 * HOUR)  # retried later
    mail(session, EmailStatus.FAILED, created=NOW - 30 * HOUR, attempts=5, updated=NOW - 20 * HOUR)  # given up
    mail(session, EmailStatus.SENT, created=NOW - 10 * HOUR, attempts=1, sent=NOW - 9 * HOUR)
    # Waiting: two queued + one failed with attempts left (5 is the default maximum).
    assert signals.outbox_depth(session, now=NOW, window_minutes=60) == 3
    assert signals.oldest_queued_minutes(session, now=NOW, window_minutes=60) == 180  # the retried failure
    # Failed last attempts within 24 h: both FAILED rows (2 h and 20 h ago); within 3 h: one.
    assert signals.email_send_failures(session, now=NOW, window_minutes=24 * 60) == 2
    assert signals.email_send_failures(session, now=NOW, window_minutes=180) == 1


# ------------------------------------------------------------------------------------------------ AI and ingestion


def test_ai_counts_by_outcome(session: Session) -> None:
    for outcome, minutes_ago in [("model", 10), ("cache", 20), ("offline", 30), ("fallback", 40), ("fallback", 50),
                                 ("failure", 60), ("fallback", 25 * 60)]:  # fmt: skip
        session.add(AICallLog(task="t", engine="e", outcome=outcome, latency_ms=3,
                              created_at=NOW - minutes_ago * MIN))  # fmt: skip
    session.flush()
    assert signals.ai_calls(session, now=NOW, window_minutes=24 * 60) == 6
    assert signals.ai_fallbacks(session, now=NOW, window_minutes=24 * 60) == 2
    assert signals.ai_failures(session, now=NOW, window_minutes=24 * 60) == 1
    assert signals.ai_failures(session, now=NOW, window_minutes=59) == 0
    assert signals.ai_outcomes(session, now=NOW, window_minutes=45) == {"model": 1, "cache": 1, "offline": 1,
                                                                        "fallback": 1}  # fmt: skip


def test_ingestion_rejects_sum_the_batches_of_the_window(session: Session) -> None:
    for hours_ago, rejected in [(1, 3), (5, 0), (23, 7), (25, 100)]:
        session.add(IngestionBatch(channel="file", origin="x.ndjson", started_at=NOW - hours_ago * HOUR,
                                   received=1000, inserted=1000 - rejected, rejected=rejected))  # fmt: skip
    session.flush()
    assert signals.ingestion_rejects(session, now=NOW, window_minutes=24 * 60) == 10
    assert signals.ingestion_rejects(session, now=NOW, window_minutes=2 * 60) == 3


# ------------------------------------------------------------------------------------------------ database


def test_database_round_trip_and_size_are_measured(session: Session, backend: str) -> None:
    trip = signals.db_round_trip_ms(session, now=NOW, window_minutes=1)
    assert isinstance(trip, D) and D(0) <= trip < D(10_000)
    size = signals.db_size_mb(session, now=NOW, window_minutes=1)
    # A migrated database has tables and indexes: more than a few pages, far below a gigabyte here.
    expected_bytes = signals.db_size_bytes(session)
    assert expected_bytes > 0
    assert size == (D(expected_bytes) / (1024 * 1024)).quantize(D("0.1"))


# ------------------------------------------------------------------------------------------------ jobs


def run(
    session: Session, name: str, status: JobStatus, started: datetime, period: str, error: str | None = None
) -> None:
    session.add(JobRun(job_name=name, period=period, status=status, started_at=started, finished_at=started + MIN,
                       error=error))  # fmt: skip
    if status == JobStatus.OK:
        session.add(JobClaim(job_name=name, period=period, claimed_at=started))
    session.flush()


SCHEDULES = [
    JobSchedule("benchmarks", "Market benchmarks", DAY),
    JobSchedule("rollups", "Operator roll-ups", timedelta(minutes=15)),
    JobSchedule("weekly-digest", "Weekly digest", 7 * DAY),
    JobSchedule("goal-deadlines", "Goal deadlines", DAY),
]


def test_job_states_against_their_schedules(session: Session) -> None:
    # benchmarks: ok 3 days ago, then failed yesterday → late (3 days > 2 periods).
    run(session, "benchmarks", JobStatus.OK, NOW - 3 * DAY, "2026-11-18")
    run(session, "benchmarks", JobStatus.FAILED, NOW - DAY, "2026-11-20", error="Traceback\nValueError: boom")
    run(session, "benchmarks", JobStatus.SKIPPED, NOW - HOUR, "2026-11-21")  # skipped runs are not the latest
    # rollups: ok 20 minutes ago, then a failure 5 minutes ago → failed (not late).
    run(session, "rollups", JobStatus.OK, NOW - 20 * MIN, "2026-11-21T14:30")
    run(session, "rollups", JobStatus.FAILED, NOW - 5 * MIN, "2026-11-21T14:45", error="boom")
    # weekly-digest: ok 8 days ago → ok (weekly).
    run(session, "weekly-digest", JobStatus.OK, NOW - 8 * DAY, "2026-W46")
    # goal-deadlines: never ran.
    states = {s.name: s for s in job_states(session, now=NOW, schedules=SCHEDULES)}
    assert {k: s.state for k, s in states.items()} == {
        "benchmarks": "late", "rollups": "failed", "weekly-digest": "ok", "goal-deadlines": "never ran",
    }  # fmt: skip
    bench = states["benchmarks"]
    assert (bench.last_success_at, bench.last_run_at, bench.last_status) == (NOW - 3 * DAY, NOW - DAY, "failed")
    assert bench.last_error == "Traceback\nValueError: boom" and bench.first_run_at == NOW - 3 * DAY
    assert [s.name for s in late_job_list(session, now=NOW, schedules=SCHEDULES)] == ["benchmarks"]


def test_late_jobs_without_the_jobs_table_reads_the_claims(session: Session) -> None:
    run(session, "benchmarks", JobStatus.OK, NOW - 3 * DAY, "2026-11-18")  # a day label: late
    run(session, "rollups", JobStatus.OK, NOW - 20 * MIN, "2026-11-21T14:30")  # a quarter label: fine
    run(session, "weekly-digest", JobStatus.OK, NOW - 15 * DAY, "2026-W45")  # a week label: late
    inferred = {s.name: s.period for s in claimed_job_schedules(session)}
    assert inferred == {"benchmarks": DAY, "rollups": timedelta(minutes=15), "weekly-digest": 7 * DAY}
    assert signals.late_jobs(session, now=NOW, window_minutes=60) == 2
    assert measure("late_jobs", session, now=NOW) == 2


def test_the_registry_names_every_signal_with_a_definition(session: Session) -> None:
    assert set(SIGNALS) >= {
        "bounce_rate", "webhook_failures", "outbox_depth", "oldest_queued_minutes", "email_send_failures",
        "error_events", "error_rate_vs_median", "late_jobs", "ingestion_rejects", "ai_failures", "ai_fallbacks",
        "db_round_trip_ms", "db_size_mb",
    }  # fmt: skip
    for key, signal in SIGNALS.items():
        assert signal.key == key and signal.definition and signal.unit and signal.default_window_minutes > 0
        value = signal.measure(session, now=NOW)
        assert value is None or isinstance(value, int | D), key
    with pytest.raises(KeyError, match="unknown signal"):
        measure("nope", session, now=NOW)


def test_every_timestamp_is_utc(session: Session) -> None:
    # A non-UTC aware `now` is the same moment.
    events(session, "error", NOW - MIN)
    other = NOW.astimezone(ZoneInfo("America/New_York"))
    assert signals.error_events(session, now=other, window_minutes=5) == 1
