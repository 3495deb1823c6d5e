"""`record_events` on both databases: good events kept beside refused ones, dedupe on retry and inside a batch, the
`ingestion_batches` row, `recorded_at`, and a dry run that counts the same without writing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.analytics.events import REASON_FUTURE, REASON_NOT_HERE, REASON_USER, record_events
from core.models import AnalyticsEvent
from core.models.operations import IngestionBatch
from tests.factories import make_user

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Mobile/15E148 Safari/604.1"
)


def good(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.UUID(int=n + 1)),
        "event_type": "page_view",
        "occurred_at": (NOW - timedelta(minutes=n)).isoformat(),
        "person_id": f"person-{n}",
        **extra,
    }


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AnalyticsEvent)) or 0


def test_a_mixed_batch_keeps_the_good_events_and_says_why_the_others_were_refused(session: Session) -> None:
    user = make_user(session)
    batch = [
        good(0, user_id=user.id, url="https://shop.example.com/?utm_source=tiktok", user_agent=IPHONE, country="fr"),
        good(1, occurred_at=(NOW + timedelta(minutes=6)).isoformat()),
        '{"event_id": ',
        good(2, user_id="no-such-user"),
        good(3, properties={"page": "/p/1"}),
    ]
    before = count_events(session)
    report = record_events(session, batch, now=NOW, channel="http", origin="127.0.0.1")
    assert (report.received, report.inserted, report.duplicates) == (5, 2, 0)
    assert [r.index for r in report.rejected] == [1, 2, 3]
    assert report.rejected[0].reason == REASON_FUTURE
    assert report.rejected[1].reason.startswith("malformed JSON")
    assert report.rejected[2].reason == f"{REASON_USER} 'no-such-user'"
    assert count_events(session) == before + 2

    stored = session.scalars(
        select(AnalyticsEvent).where(AnalyticsEvent.event_id.in_([good(0)["event_id"], good(3)["event_id"]]))
    ).all()
    by_person = {e.person_id: e for e in stored}
    first = by_person["person-0"]
    assert (first.user_id, first.source, first.utm_source, first.country) == (user.id, "tiktok", "tiktok", "FR")
    assert (first.device_type, first.browser, first.os) == ("mobile", "Mobile Safari", "iOS")
    assert first.occurred_at == NOW and first.recorded_at == NOW
    assert first.url == "https://shop.example.com/?utm_source=tiktok"
    assert by_person["person-3"].properties == {"page": "/p/1"}
    assert by_person["person-3"].source == "direct"

    row = session.get(IngestionBatch, report.batch_id)
    assert row is not None
    assert (row.channel, row.origin, row.received, row.inserted, row.duplicates, row.rejected) == (
        "http",
        "127.0.0.1",
        5,
        2,
        0,
        3,
    )
    assert row.sample_reasons == [r.reason for r in report.rejected]
    assert row.started_at == NOW and row.finished_at is not None and row.finished_at >= NOW


def test_a_retried_batch_inserts_nothing_twice(session: Session) -> None:
    batch = [good(n) for n in range(10)]
    first = record_events(session, batch, now=NOW, channel="file", origin="a.ndjson")
    before = count_events(session)
    # The retry carries 3 new events among the 10 old ones.
    again = record_events(session, batch + [good(n) for n in range(10, 13)], now=NOW, channel="file", origin="a")
    assert (first.inserted, first.duplicates) == (10, 0)
    assert (again.received, again.inserted, again.duplicates, again.rejected) == (13, 3, 10, [])
    assert count_events(session) == before + 3
    assert session.scalar(select(func.count()).select_from(IngestionBatch)) == 2


def test_duplicates_inside_one_batch_count_once(session: Session) -> None:
    # Same id typed in two cases: one event (the canonical UUID), the first occurrence wins.
    twin = {**good(1), "event_id": good(1)["event_id"].upper(), "person_id": "someone-else"}
    report = record_events(session, [good(1), good(2), twin, good(1)], now=NOW, channel="http", origin="x")
    assert (report.inserted, report.duplicates, report.rejected) == (2, 2, [])
    stored = session.scalars(select(AnalyticsEvent.person_id).where(AnalyticsEvent.event_id == good(1)["event_id"]))
    assert list(stored) == ["person-1"]


def test_a_dry_run_counts_like_the_real_run_and_writes_nothing(session: Session) -> None:
    record_events(session, [good(n) for n in range(4)], now=NOW, channel="file", origin="f")
    before_events, before_batches = count_events(session), session.scalar(select(func.count(IngestionBatch.id)))
    batch = [good(n) for n in range(2, 8)] + [good(7), "nope"]
    dry = record_events(session, batch, now=NOW, channel="file", origin="f", dry_run=True)
    assert (dry.inserted, dry.duplicates, len(dry.rejected)) == (4, 3, 1)
    assert count_events(session) == before_events
    assert session.scalar(select(func.count(IngestionBatch.id))) == before_batches
    real = record_events(session, batch, now=NOW, channel="file", origin="f")
    assert (real.inserted, real.duplicates, len(real.rejected)) == (dry.inserted, dry.duplicates, len(dry.rejected))


def test_an_endpoint_can_narrow_the_types(session: Session) -> None:
    report = record_events(
        session,
        [good(1), good(2, event_type="purchase")],
        now=NOW,
        channel="http",
        origin="x",
        allowed_types=frozenset({"page_view"}),
    )
    assert report.inserted == 1
    assert [(r.index, r.reason) for r in report.rejected] == [(1, f"{REASON_NOT_HERE} 'purchase' (only page_view)")]


def test_an_all_bad_batch_still_leaves_its_batch_row(session: Session) -> None:
    report = record_events(session, ["x", "y"], now=NOW, channel="http", origin="x")
    assert (report.inserted, len(report.rejected)) == (0, 2)
    row = session.get(IngestionBatch, report.batch_id)
    assert row is not None and (row.received, row.rejected, row.sample_reasons) == (2, 2, [report.rejected[0].reason])


def test_a_naive_now_is_a_programming_error(session: Session) -> None:
    with pytest.raises(ValueError, match="aware"):
        record_events(session, [good(1)], now=NOW.replace(tzinfo=None), channel="http", origin="x")


def test_ingested_events_are_found_by_the_rollups_late_event_index(session: Session) -> None:
    record_events(session, [good(n) for n in range(3)], now=NOW, channel="file", origin="f")
    recorded = session.scalar(select(func.count()).select_from(AnalyticsEvent).where(AnalyticsEvent.recorded_at >= NOW))
    assert recorded == 3


def test_text_no_database_can_store_is_refused_without_losing_the_batch(session: Session) -> None:
    good_line = good(1)
    surrogate = json.dumps({**good(3), "person_id": "\ud800"})  # json.dumps writes the lone surrogate as \\ud800
    nul = good(2, properties={"note": "a\x00b"})
    report = record_events(session, [surrogate, good_line, nul], now=NOW, channel="file", origin="f")
    assert (report.inserted, [r.index for r in report.rejected]) == (1, [0, 2])
    assert (
        session.scalar(select(func.count()).select_from(AnalyticsEvent).where(AnalyticsEvent.person_id == "person-1"))
        == 1
    )
