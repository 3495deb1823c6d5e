"""The runner-alive rule and the mass-mail confirmation (pure): `core.ops.heartbeat.is_alive` and
`core.ops.mass_mail.mass_mail_check`, with hand-computed times and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.ops import ALIVE_WITHIN, LOOP_SECONDS, is_alive, mass_mail_check
from core.ops.mass_mail import in_words

NOW = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)


def test_alive_means_a_beat_within_three_loop_intervals() -> None:
    assert LOOP_SECONDS == 60.0 and timedelta(seconds=180) == ALIVE_WITHIN
    assert is_alive(NOW - timedelta(seconds=40), None, now=NOW)
    assert is_alive(NOW - timedelta(seconds=180), None, now=NOW)  # the boundary is still alive
    assert not is_alive(NOW - timedelta(seconds=181), None, now=NOW)  # stale
    assert not is_alive(NOW - timedelta(seconds=5), NOW - timedelta(seconds=5), now=NOW)  # stopped cleanly
    assert not is_alive(None, None, now=NOW)  # never beat


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "1 min"), (45, "45 min"), (90, "1 h 30 min"), (660, "11 h"), (665, "11 h"), (24 * 60 + 180, "1 day 3 h")],
)
def test_durations_in_words(minutes: int, text: str) -> None:
    assert in_words(timedelta(minutes=minutes)) == text


def check(**overrides: object):
    args = {
        "what": "this week's digest",
        "due": 87,
        "already_queued": 0,
        "first_queued_at": None,
        "now": NOW,
        "next_run": NOW + timedelta(days=6),
        "next_run_text": "Mon Dec 07, 09:00",
        "same_period": False,
    }
    return mass_mail_check(**(args | overrides))


def test_the_question_counts_the_recipients_and_a_far_schedule_says_nothing() -> None:
    result = check()
    assert (result.recipients, result.question, result.warnings) == (87, "E-mail 87 sellers now?", ())
    assert check(due=1).question == "E-mail 1 seller now?"


def test_a_scheduled_run_of_the_next_period_within_a_day_means_two_emails() -> None:
    result = check(next_run=NOW + timedelta(hours=11))
    assert result.warnings == (
        "The scheduled run is in 11 h (Mon Dec 07, 09:00) and sends the next one: running now means sellers get two "
        "e-mails 11 h apart.",
    )


def test_a_scheduled_run_of_the_same_period_will_find_it_done() -> None:
    result = check(next_run=NOW + timedelta(hours=11), same_period=True)
    assert result.warnings == (
        "The scheduled run is in 11 h (Mon Dec 07, 09:00) — running now means sellers get it now and not again then.",
    )


def test_already_sent_sends_nothing_new() -> None:
    done = check(due=0, already_queued=87, first_queued_at="Mon Nov 23, 09:00")
    assert done.sends_nothing
    assert done.question == "This week's digest was already sent on Mon Nov 23, 09:00: running again sends nothing new."
    partly = check(due=5, already_queued=82, first_queued_at="Mon Nov 23, 09:00")
    assert partly.question == "E-mail 5 sellers now?"
    assert partly.warnings == ("82 sellers already got this week's digest (since Mon Nov 23, 09:00); only the other 5 "
                               "are e-mailed.",)  # fmt: skip
    assert check(due=0).question.startswith("No seller is due this e-mail")
