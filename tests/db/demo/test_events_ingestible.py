"""Every kind of analytics event the demo writes is one the ingestion path accepts (issue 19).

The demo writes its events with COPY, not through `core.analytics.events.record_events`: the large set's 22
million events would take about 30 minutes at ingestion's ~12,000 events a second, twice the whole generation. So
this test sends up to 200 demo events of every type, as a storefront's tracker would send them (the landing URL
carrying the UTM tags), through `validate_event`, and checks that each is accepted with the demo's own type,
person, session, time, properties and UTM tags.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.analytics.events import validate_event
from core.models import AnalyticsEvent
from tests.db.demo.shared import Demo

pytestmark = pytest.mark.timeout(900)
PER_TYPE = 200


def _wire(event: AnalyticsEvent) -> dict[str, object]:
    tags = {
        key: value
        for key, value in (
            ("utm_source", event.utm_source),
            ("utm_medium", event.utm_medium),
            ("utm_campaign", event.utm_campaign),
        )
        if value
    }
    occurred = event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC)
    wire: dict[str, object] = {
        "event_id": event.id,
        "event_type": event.event_type,
        "occurred_at": occurred.isoformat(),
        "person_id": event.person_id,
        "url": "https://market.example/" + (f"?{urlencode(tags)}" if tags else ""),
        "properties": event.properties or {},
    }
    if event.session_id:
        wire["session_id"] = event.session_id
    if event.user_id:
        wire["user_id"] = event.user_id
    return wire


def test_every_kind_of_demo_event_is_accepted_by_ingestion(demo: Demo) -> None:
    engine, _ = demo
    e = AnalyticsEvent
    with Session(engine) as session:
        kinds = sorted(session.scalars(select(e.event_type).distinct()))
        assert len(kinds) >= 10  # logins, funnels, purchases, e-mails, searches ...
        now = datetime.now(UTC)
        checked = 0
        for kind in kinds:
            for event in session.scalars(select(e).where(e.event_type == kind).limit(PER_TYPE)):
                row = validate_event(json.dumps(_wire(event)), now=now)
                assert isinstance(row, dict), f"{kind}: {row}"
                occurred = event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC)
                assert (row["event_type"], row["person_id"], row["session_id"], row["occurred_at"]) == (
                    kind,
                    event.person_id,
                    event.session_id,
                    occurred,
                )
                assert json.loads(row["properties"]) == (event.properties or {})
                assert (row["utm_source"], row["utm_medium"], row["utm_campaign"]) == (
                    event.utm_source,
                    event.utm_medium,
                    event.utm_campaign,
                )
                checked += 1
    assert checked >= 10 * 50
