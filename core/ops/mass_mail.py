"""Before a job that e-mails sellers runs "now" from the Jobs page (DESIGN §4: a mass action asks for confirmation
with its count): the question with the number of recipients, and the warnings about the schedule (pure).

- **Recipients** = the sellers the job would e-mail now: its own recipient query (for the weekly digest,
  `core.messaging.queries.digest_recipients`) minus those already queued for the current period (the job skips
  them by the same once-per-period key). The caller passes both counts.
- **Already sent**: every recipient already queued for the period → "running again sends nothing new".
- **Scheduled run near** (within `NEAR`, 24 h): in the same period, the scheduled run will find the period done,
  so sellers get it now and not again then; in the next period, sellers get two e-mails that far apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

NEAR = timedelta(hours=24)


@dataclass(frozen=True)
class MassMailCheck:
    recipients: int  # e-mails a run now would queue
    question: str  # the confirmation question, or what happens instead when nobody is due
    warnings: tuple[str, ...]

    @property
    def sends_nothing(self) -> bool:
        return self.recipients == 0


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def in_words(delta: timedelta) -> str:
    """`11 h`, `45 min`, `2 days 3 h` (whole minutes, rounded down; at least 1 min)."""
    minutes = max(1, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'' if days == 1 else 's'}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins:02d} min" if mins and hours < 3 else "")
    return f"{mins} min"


def mass_mail_check(
    *,
    what: str,
    due: int,
    already_queued: int,
    first_queued_at: str | None,
    now: datetime,
    next_run: datetime,
    next_run_text: str,
    same_period: bool,
) -> MassMailCheck:
    """The confirmation for running `what` ("this week's digest") now.

    `due`: recipients a run now would e-mail; `already_queued`: recipients already e-mailed this period, the first
    at `first_queued_at` (formatted); `next_run`: the scheduled run (`next_run_text` formatted), `same_period`:
    whether it belongs to the period a run now would claim.
    """
    warnings: list[str] = []
    if due == 0:
        if already_queued:
            when = f" on {first_queued_at}" if first_queued_at else ""
            question = f"{what.capitalize()} was already sent{when}: running again sends nothing new."
        else:
            question = "No seller is due this e-mail (none approved and opted in): running now sends nothing."
        return MassMailCheck(0, question, ())
    question = f"E-mail {plural(due, 'seller')} now?"
    if already_queued:
        when = f" (since {first_queued_at})" if first_queued_at else ""
        warnings.append(
            f"{plural(already_queued, 'seller')} already got {what}{when}; only the other {due:,} are e-mailed."
        )
    until = next_run - now
    if until <= NEAR:
        if same_period:
            warnings.append(
                f"The scheduled run is in {in_words(until)} ({next_run_text}) — running now means sellers get it "
                "now and not again then."
            )
        else:
            warnings.append(
                f"The scheduled run is in {in_words(until)} ({next_run_text}) and sends the next one: running now "
                f"means sellers get two e-mails {in_words(until)} apart."
            )
    return MassMailCheck(due, question, tuple(warnings))
