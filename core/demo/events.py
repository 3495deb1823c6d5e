"""Timestamped demo activity: analytics events (learner and creator funnels, logins, e-mails) and searches.

Generators take a seeded `random.Random`, an id factory and an `emit(table, row)` callback, so
millions of rows stream straight into the bulk loader. Event rows follow the column order of
`EVENT_COLUMNS`; search rows that of `SEARCH_COLUMNS`.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core.demo.activity import HISTORY_DAYS
from core.demo.vocabulary import (
    CAMPAIGN_KINDS,
    DEVICES,
    GAP_TERMS,
    LANDING_PAGES,
    SIGNUP_RATE,
    TRAFFIC_SOURCES,
    UTM_MEDIUM,
)
from core.demo.writer import JsonText

EVENT_COLUMNS = (
    "id",
    "person_id",
    "user_id",
    "session_id",
    "event_type",
    "source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "properties",
    "occurred_at",
)
SEARCH_COLUMNS = ("id", "query", "result_count", "searched_at", "person_id")
Emit = Callable[[str, tuple[Any, ...]], None]
EMPTY_JSON = JsonText("{}")
IdFactory = Callable[[], str]

DEMO_CLOCK_HOUR = 8  # the demo's "now" is 08:00 UTC on `today`
PURCHASE_RATE = 0.35  # of sign-ups
RETURN_WEEK_2_RATE = 0.42  # of buyers
NEWSLETTER_SHARE = 0.3  # of signed-up learners reached by one weekly newsletter
BOUNCE_RATE = 0.02
SEARCH_WINDOW_DAYS = 150
GAP_SEARCH_SHARE = 0.14
# Visits by hour of day (UTC): quiet at night, busiest in the evening.
_HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 7, 7, 7, 7, 7, 8, 8, 9, 10, 10, 9, 6, 4]
HOUR_CUMULATIVE = [sum(_HOUR_WEIGHTS[: i + 1]) for i in range(24)]
SECONDS = [timedelta(seconds=second) for second in range(24 * 3600)]  # built once: tens of millions of times
_CAMPAIGN_BY_MONTH = {1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 3, 9: 3, 10: 5, 11: 4, 12: 4}


# The bits uuid.UUID(int=..., version=4) clears and sets (version 4, RFC 4122 variant).
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (4 << 76) | (0x8000 << 48)


def id_factory(rng: random.Random) -> IdFactory:
    """UUIDv4 strings drawn from `rng` (never from the OS), so ids repeat with the seed.

    Same text as `str(uuid.UUID(int=rng.getrandbits(128), version=4))`, formatted directly
    because the large demo makes tens of millions of them.
    """
    bits = rng.getrandbits

    def new_id() -> str:
        h = "%032x" % ((bits(128) & _UUID4_CLEAR) | _UUID4_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    return new_id


def sequential_ids(rng: random.Random) -> IdFactory:
    """UUIDv4-shaped strings for the bulk rows (events, orders, daily rows): 80 bits drawn once from `rng`, then a
    48-bit counter, so the ids repeat with the seed, never collide between streams (each draws its own prefix) and
    cost a fraction of `id_factory`'s (tens of millions at the large scale)."""
    bits = (rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET
    h = f"{bits:032x}"
    prefix = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-"
    counter = itertools.count(int(h[20:], 16) & 0xFFFFFF)  # start low in the 48 bits: room for 2^47 ids

    def new_id() -> str:
        return f"{prefix}{next(counter):012x}"

    return new_id


@dataclass(frozen=True)
class Clock:
    """The demo's calendar: HISTORY_DAYS days ending `today`, which stops at 08:00 UTC."""

    today: date

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS - 1)

    @property
    def as_of(self) -> datetime:
        return datetime.combine(self.today, time(DEMO_CLOCK_HOUR), tzinfo=UTC)

    @functools.cached_property
    def _starts(self) -> tuple[datetime, ...]:
        first = datetime.combine(self.first_day, time(0), tzinfo=UTC)
        return tuple(first + timedelta(days=index) for index in range(HISTORY_DAYS))

    def day_start(self, index: int) -> datetime:
        if 0 <= index < HISTORY_DAYS:
            return self._starts[index]
        return datetime.combine(self.first_day + timedelta(days=index), time(0), tzinfo=UTC)

    def index_of(self, moment: datetime) -> int:
        return (moment.date() - self.first_day).days

    def time_on(self, rng: random.Random, index: int) -> datetime:
        """A moment on day `index`, at a realistic hour (before the clock stops on today)."""
        if index >= HISTORY_DAYS - 1:
            hour = int(rng.random() * DEMO_CLOCK_HOUR)
        else:
            hour = bisect.bisect_right(HOUR_CUMULATIVE, rng.random() * HOUR_CUMULATIVE[-1])
        return self.day_start(index) + SECONDS[hour * 3600 + int(rng.random() * 3600)]


class Stamps:
    """The times and days of the bulk rows in the form the loader takes fastest: `datetime`/`date` objects for
    SQLite (its bind processors), or for PostgreSQL's COPY their text (`2026-01-31 14:05:09+00`, `2026-01-31`),
    which psycopg passes as it is instead of formatting tens of millions of datetimes. A moment is (day index of
    the history, second of that day)."""

    def __init__(self, clock: Clock, *, text: bool) -> None:
        self.text = text
        dates = [clock.first_day + timedelta(days=index) for index in range(HISTORY_DAYS)]
        if text:
            self.days: list[Any] = [day.isoformat() for day in dates]
            self._prefix: list[Any] = [f"{day} " for day in self.days]
            self._seconds: list[Any] = _time_texts()
        else:
            self.days = dates
            self._prefix = [clock.day_start(index) for index in range(HISTORY_DAYS)]
            self._seconds = SECONDS

    def at(self, day: int, second: int) -> datetime | str:
        return self._prefix[day] + self._seconds[second]


@functools.cache
def _time_texts() -> list[str]:
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(24 * 3600)]


def campaign_names(clock: Clock) -> list[tuple[str, str]]:
    """Per day index: the season campaign (`<kind>-<year>`) and the newsletter (`newsletter-<yyyy-mm>`) a visit of
    that day carries in its utm_campaign (as `attribution` names them)."""
    names = []
    for index in range(HISTORY_DAYS):
        moment = clock.day_start(index)
        kind = CAMPAIGN_KINDS[_CAMPAIGN_BY_MONTH[moment.month]]
        names.append((f"{kind}-{moment.year}", f"newsletter-{moment:%Y-%m}"))
    return names


def _weighted(rng: random.Random, options: list[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def attribution(rng: random.Random, source: str, moment: datetime) -> tuple[str | None, str | None, str | None]:
    """utm_source / utm_medium / utm_campaign for a visit from `source`."""
    if source == "direct":
        return None, None, None
    if source == "google":
        if rng.random() < 0.3:
            return "google", "cpc", "search-brand"
        return "google", "organic", None
    kind = CAMPAIGN_KINDS[_CAMPAIGN_BY_MONTH[moment.month]]
    campaign = f"newsletter-{moment:%Y-%m}" if source == "email" else f"{kind}-{moment.year}"
    return source, UTM_MEDIUM[source], campaign


def event_row(
    new_id: IdFactory,
    person: str,
    user: str | None,
    session: str | None,
    kind: str,
    when: datetime,
    source: str | None = None,
    utm: tuple[str | None, str | None, str | None] = (None, None, None),
    properties: dict[str, Any] | JsonText | None = None,
) -> tuple[Any, ...]:
    return (new_id(), person, user, session, kind, source, utm[0], utm[1], utm[2], properties or EMPTY_JSON, when)


def day_weights(length: int, growth_per_year: float) -> list[float]:
    """Cumulative weights for drawing a day index, with more activity recently."""
    cumulative, total = [], 0.0
    for i in range(length):
        total += math.exp(growth_per_year * (i - length + 1) / 365)
        cumulative.append(total)
    return cumulative


@dataclass(frozen=True)
class LearnerPurchase:
    """A signed-up learner's purchase: it becomes one of the real sales of its day (`core.demo.purchases`), and its
    follow-up events (the week-2 return, later logins) are written only when it does."""

    bought_at: datetime
    person: str
    source: str
    utm: tuple[str | None, str | None, str | None]
    follow_ups: tuple[tuple[Any, ...], ...]


def learner_funnel(
    rng: random.Random, new_id: IdFactory, clock: Clock, visitors: int, emit: Emit
) -> tuple[list[tuple[datetime, str]], list[LearnerPurchase]]:
    """Visits -> sign-up -> purchase -> return in week 2; returns the sign-ups (time, person) for e-mails and the
    learners' purchases, which take the place of real sales of their day (so events and revenue agree)."""
    as_of = clock.as_of
    cumulative = day_weights(HISTORY_DAYS, 0.9)
    sources, source_weights = [s for s, _ in TRAFFIC_SOURCES], [w for _, w in TRAFFIC_SOURCES]
    signups: list[tuple[datetime, str]] = []
    purchases: list[LearnerPurchase] = []
    for chunk_start in range(0, visitors, 10_000):
        count = min(10_000, visitors - chunk_start)
        day_indexes = rng.choices(range(HISTORY_DAYS), cum_weights=cumulative, k=count)
        chosen_sources = rng.choices(sources, weights=source_weights, k=count)
        for index, source in zip(day_indexes, chosen_sources, strict=True):
            person, session = new_id(), new_id()
            moment = clock.time_on(rng, index)
            utm = attribution(rng, source, moment)
            device = _weighted(rng, DEVICES)
            pages = 1 + min(8, int(-math.log(1 - rng.random()) * 1.5))
            for page_number in range(pages):
                page = LANDING_PAGES[0] if page_number == 0 else rng.choice(LANDING_PAGES[1:])
                when = moment + timedelta(seconds=page_number * (20 + int(rng.random() * 130)))
                # json.dumps({"page": …, "device": …, "funnel": "learner"}), written directly (millions of these).
                props = JsonText(f'{{"page": "{page}", "device": "{device}", "funnel": "learner"}}')
                emit(
                    "analytics_events", event_row(new_id, person, None, session, "page_view", when, source, utm, props)
                )
            if rng.random() >= SIGNUP_RATE[source]:
                continue
            # Sign-up in the visit's session or up to 3 days later, so the whole journey (visit, sign-up,
            # purchase, return in week 2) fits in the funnels' 14-day window.
            later = rng.random() < 0.3
            signup_at = moment + timedelta(minutes=2 + rng.random() * 20, days=rng.randint(1, 3) if later else 0)
            if signup_at >= as_of:
                continue
            signup_session = new_id() if later else session
            emit("analytics_events", event_row(new_id, person, None, signup_session, "signup", signup_at, source, utm))
            signups.append((signup_at, person))
            if rng.random() >= PURCHASE_RATE:
                continue
            # Before day 7, so the week-2 return comes after the purchase (the funnel's order).
            bought_at = signup_at + timedelta(minutes=5 + rng.random() * 60 * 24 * rng.choice((0.02, 0.5, 2, 6.5)))
            if bought_at >= as_of:
                continue
            follow_ups: list[tuple[Any, ...]] = []
            if rng.random() < RETURN_WEEK_2_RATE:
                first_return = signup_at + timedelta(days=7 + rng.random() * 3.5)
                if first_return < as_of:
                    return_session = new_id()
                    follow_ups.append(event_row(new_id, person, None, return_session, "login", first_return, "direct"))
                    follow_ups.append(event_row(new_id, person, None, return_session, "return_week_2", first_return))
                    for _ in range(rng.randint(0, 2)):
                        again = first_return + timedelta(hours=6 + rng.random() * 24 * 6)
                        if again < as_of:
                            follow_ups.append(event_row(new_id, person, None, new_id(), "login", again, "direct"))
            purchases.append(LearnerPurchase(bought_at, person, source, utm, tuple(follow_ups)))
    signups.sort()
    return signups, purchases


def email_event_rows(
    rng: random.Random, new_id: IdFactory, person: str, user: str | None, sent_at: datetime, template: str
) -> list[tuple[Any, ...]]:
    """email_sent followed by email_delivered or email_bounced."""
    props = {"template": template, "campaign_id": f"{template}-{sent_at:%Y-%m-%d}"}
    rows = [event_row(new_id, person, user, None, "email_sent", sent_at, "email", properties=props)]
    outcome = "email_bounced" if rng.random() < BOUNCE_RATE else "email_delivered"
    rows.append(
        event_row(
            new_id,
            person,
            user,
            None,
            outcome,
            sent_at + timedelta(seconds=rng.randint(2, 90)),
            "email",
            properties=props,
        )
    )
    return rows


def learner_newsletters(
    rng: random.Random, new_id: IdFactory, clock: Clock, signups: list[tuple[datetime, str]], emit: Emit
) -> None:
    """A weekly newsletter (Tuesdays 15:00 UTC) to a share of everybody who had signed up by then."""
    first_tuesday = clock.first_day + timedelta(days=(1 - clock.first_day.weekday()) % 7)
    send_day = first_tuesday
    while send_day < clock.today:
        sent_at = datetime.combine(send_day, time(15), tzinfo=UTC)
        reached = bisect.bisect_left(signups, (sent_at, ""))
        for _, person in signups[:reached]:
            if rng.random() < NEWSLETTER_SHARE:
                for row in email_event_rows(rng, new_id, person, None, sent_at, "newsletter"):
                    emit("analytics_events", row)
        send_day += timedelta(days=7)


def creator_prospects(rng: random.Random, new_id: IdFactory, clock: Clock, count: int, emit: Emit) -> None:
    """Visitors of the "sell with us" page who never start the creator flow (the funnel's first drop-off)."""
    cumulative = day_weights(HISTORY_DAYS, 0.6)
    for index in rng.choices(range(HISTORY_DAYS), cum_weights=cumulative, k=count):
        source = _weighted(rng, TRAFFIC_SOURCES)
        moment = clock.time_on(rng, index)
        props = {"page": "/sell", "device": _weighted(rng, DEVICES), "funnel": "creator"}
        row = event_row(
            new_id, new_id(), None, new_id(), "page_view", moment, source, attribution(rng, source, moment), props
        )
        emit("analytics_events", row)


def term_variant(rng: random.Random, term: str) -> str:
    """How people really type a term: casing, stray spaces, punctuation, plurals."""
    roll = rng.random()
    if roll < 0.35:
        return term
    if roll < 0.5:
        return term.title()
    if roll < 0.58:
        return term.capitalize()
    if roll < 0.64:
        return term.upper()
    if roll < 0.72:
        return term.replace(" ", "  ", 1)
    if roll < 0.78:
        return f" {term} "
    if roll < 0.86:
        return term + rng.choice(("!", "?", ".", " ?"))
    if not term.endswith("s"):
        plural = term + "s"
        return plural.title() if rng.random() < 0.5 else plural
    return term


def _trend_weights(trend: str) -> list[float]:
    """Cumulative weights over days-ago 0..SEARCH_WINDOW_DAYS-1 for a term's searches."""
    weights = []
    for days_ago in range(SEARCH_WINDOW_DAYS):
        if trend == "rising":
            weight = 0.3 + 4.0 * math.exp(-days_ago / 18)
        elif trend == "fading":
            weight = 0.1 + math.exp(-(((days_ago - 95) / 22) ** 2))
        else:
            weight = math.exp(-days_ago / 300)
        weights.append(weight)
    return [sum(weights[: i + 1]) for i in range(len(weights))]


def search_queries(
    rng: random.Random, new_id: IdFactory, clock: Clock, total: int, covered: list[tuple[str, int]], emit: Emit
) -> dict[str, int]:
    """Searches of the last SEARCH_WINDOW_DAYS days: gap terms (result_count < 3) and covered terms.

    `covered` lists (term, number of matching products), each with at least 3 matches.
    Returns the number of searches per gap term.
    """
    last_index = HISTORY_DAYS - 1
    trend_cumulative = {trend: _trend_weights(trend) for trend in ("rising", "fading", "flat")}
    gap_total = int(total * GAP_SEARCH_SHARE)
    weight_sum = sum(w for _, w, _ in GAP_TERMS)
    gap_counts: dict[str, int] = {}

    def emit_search(query: str, results: int, days_ago: int) -> None:
        when = clock.time_on(rng, last_index - days_ago)
        person = new_id() if rng.random() < 0.5 else None
        emit("search_queries", (new_id(), query[:255], results, when, person))

    for term, weight, trend in GAP_TERMS:
        count = max(3, round(gap_total * weight / weight_sum))
        gap_counts[term] = count
        for days_ago in rng.choices(range(SEARCH_WINDOW_DAYS), cum_weights=trend_cumulative[trend], k=count):
            results = 0 if rng.random() < 0.8 else rng.choice((1, 2))
            emit_search(term_variant(rng, term), results, days_ago)
    ordinary_total = total - sum(gap_counts.values())
    if covered:
        popularity = [float(matches) ** 0.7 * (0.3 + rng.random()) for _, matches in covered]
        picks = rng.choices(range(len(covered)), weights=popularity, k=ordinary_total)
        days = rng.choices(range(SEARCH_WINDOW_DAYS), cum_weights=trend_cumulative["flat"], k=ordinary_total)
        for pick, days_ago in zip(picks, days, strict=True):
            term, matches = covered[pick]
            emit_search(term_variant(rng, term), matches, days_ago)
    return gap_counts


def seller_events(
    rng: random.Random,
    new_id: IdFactory,
    clock: Clock,
    *,
    user_id: str,
    created_at: datetime,
    approved_at: datetime | None,
    published_at: datetime | None,
    first_sale_at: datetime | None,
    active_until: datetime,
    login_rate: float,
) -> tuple[list[tuple[Any, ...]], datetime]:
    """A seller's creator funnel, logins and weekly digest e-mails; returns (rows, last login).

    Sellers are users, so person_id = user_id = the user's id on every row.
    """
    rows: list[tuple[Any, ...]] = []
    source = _weighted(rng, TRAFFIC_SOURCES)
    visit = created_at - timedelta(hours=0.2 + rng.random() * 72)
    utm = attribution(rng, source, visit)
    session = new_id()
    props = {"page": "/sell", "device": _weighted(rng, DEVICES), "funnel": "creator"}
    rows.append(event_row(new_id, user_id, user_id, session, "page_view", visit, source, utm, props))
    rows.append(event_row(new_id, user_id, user_id, session, "creator_started", created_at, source, utm))
    if published_at is not None:
        rows.append(event_row(new_id, user_id, user_id, new_id(), "creator_published", published_at, source, utm))
    if first_sale_at is not None:
        rows.append(event_row(new_id, user_id, user_id, None, "first_sale", first_sale_at, source, utm))
    last_login = created_at + timedelta(minutes=1 + rng.random() * 30)
    rows.append(event_row(new_id, user_id, user_id, session, "login", last_login, "direct"))
    for index in range(max(0, clock.index_of(last_login) + 1), clock.index_of(active_until) + 1):
        if rng.random() < login_rate:
            when = clock.time_on(rng, index)
            if when >= active_until:
                break
            rows.append(event_row(new_id, user_id, user_id, new_id(), "login", when, "direct"))
            last_login = when
    if approved_at is not None:
        start = max(approved_at.date() + timedelta(days=1), clock.first_day)
        monday = start + timedelta(days=(7 - start.weekday()) % 7)
        while monday < clock.today:
            sent_at = datetime.combine(monday, time(9), tzinfo=UTC)
            rows.extend(email_event_rows(rng, new_id, user_id, user_id, sent_at, "seller_weekly_digest"))
            monday += timedelta(days=7)
    return rows, last_login
