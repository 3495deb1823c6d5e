"""The `weekly_digest_text` task: the subject, summary sentence and tip of a seller's weekly digest e-mail.

The payload holds only the week's numbers, the weakest listing dimension (with the listing's title)
and the top insight's title: no name, no address. The e-mail template adds "Hi <first name>," itself.
The offline engine writes the same three texts from the numbers with plain rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.ai.door import AIDoor, AIResult, Task, default_ai
from core.ai.validation import SchemaViolation, require_object, require_text
from core.money import format_money, format_percent, percent_change

NAME = "weekly_digest_text"
MAX_SUBJECT_CHARS = 120
MAX_SUMMARY_CHARS = 400
MAX_TIP_CHARS = 400
STEADY_PERCENT = Decimal("0.5")  # a change smaller than this reads as "held steady"


@dataclass(frozen=True)
class WeekNumbers:
    """The seller's last 7 days against the 7 days before (revenue in `currency`)."""

    currency: str
    revenue_this_week: Decimal
    revenue_last_week: Decimal
    units_this_week: int
    units_last_week: int
    average_rating: Decimal | None  # current average of the seller's published listings' ratings
    rated_listings: int


@dataclass(frozen=True)
class TipFacts:
    """The weakest dimension of the seller's published listings, and the rule-based fix for it."""

    listing_title: str
    dimension: str
    dimension_label: str
    points: float
    max_points: float
    suggestion: str


@dataclass(frozen=True)
class WeeklyDigestPayload:
    numbers: WeekNumbers
    tip: TipFacts | None
    top_insight_title: str | None


@dataclass(frozen=True)
class WeeklyDigestText:
    subject: str
    summary: str
    tip: str  # "" when the payload has no tip


def _sales(units: int) -> str:
    return f"{units} sale{'' if units == 1 else 's'}"


def revenue_sentence(n: WeekNumbers) -> str:
    """One sentence on revenue and sales, this week against last, from the numbers."""
    money = lambda amount: format_money(amount, n.currency)  # noqa: E731
    this, last = money(n.revenue_this_week), money(n.revenue_last_week)
    if n.revenue_this_week == 0 and n.revenue_last_week == 0:
        return "No sales in the last 7 days, and none the week before."
    change = percent_change(n.revenue_this_week, n.revenue_last_week)
    if change is None:
        return f"Revenue was {this} on {_sales(n.units_this_week)} in the last 7 days, up from nothing the week before."
    if abs(change) < STEADY_PERCENT:
        return f"Revenue held steady at {this} on {_sales(n.units_this_week)} (the week before: {last})."
    verb = "rose" if change > 0 else "fell"
    return (
        f"Revenue {verb} {format_percent(abs(change))} to {this} on {_sales(n.units_this_week)} "
        f"(the week before: {last} on {_sales(n.units_last_week)})."
    )


def offline_weekly_digest_text(payload: WeeklyDigestPayload) -> WeeklyDigestText:
    n = payload.numbers
    summary = revenue_sentence(n)
    if n.average_rating is not None:
        listings = f"{n.rated_listings} rated listing{'' if n.rated_listings == 1 else 's'}"
        summary += f" Your {listings} average {n.average_rating:.1f} stars."
    change = percent_change(n.revenue_this_week, n.revenue_last_week)
    money = format_money(n.revenue_this_week, n.currency)
    if n.revenue_this_week == 0:
        subject = "Your week on the marketplace: one thing to try next"
    elif change is None or abs(change) < STEADY_PERCENT:
        subject = f"Your week: {money} in sales"
    else:
        subject = f"Your week: {money} in sales, {'up' if change > 0 else 'down'} {format_percent(abs(change))}"
    tip = ""
    if payload.tip is not None:
        t = payload.tip
        tip = f'"{t.listing_title}" scores {t.points:g} of {t.max_points:g} on {t.dimension_label.lower()}. '
        tip += t.suggestion
    return WeeklyDigestText(
        subject=subject[:MAX_SUBJECT_CHARS], summary=summary[:MAX_SUMMARY_CHARS], tip=_clip(tip, MAX_TIP_CHARS)
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "description": "The e-mail subject, at most 120 characters, with one number."},
        "summary": {
            "type": "string",
            "description": "1–2 sentences, at most 400 characters, on the week's revenue and sales against the week "
            "before, with the numbers given.",
        },
        "tip": {
            "type": "string",
            "description": "One concrete action for the named listing, at most 400 characters; empty when no tip "
            "facts are given.",
        },
    },
    "required": ["subject", "summary", "tip"],
    "additionalProperties": False,
}

SYSTEM_PROMPT = """You write the weekly coaching e-mail of a seller of digital products on a marketplace.
You get the seller's numbers for the last 7 days and the 7 days before, and the weakest part of one of their listings.
Rules:
- Use only the numbers given, written exactly as given; do not invent data.
- The greeting is added by the template: do not greet, do not sign.
- Friendly, plain and short; address the seller as "you".
- tip: one concrete action for the named listing, based on the rule-based suggestion; empty if none is given.
Answer only by calling the weekly_digest_text tool."""


def build_digest_message(payload: WeeklyDigestPayload) -> str:
    n = payload.numbers
    money = lambda amount: format_money(amount, n.currency)  # noqa: E731
    change = percent_change(n.revenue_this_week, n.revenue_last_week)
    lines = [
        "Last 7 days against the 7 days before:",
        f"- revenue: {money(n.revenue_this_week)} (before: {money(n.revenue_last_week)}; change: "
        f"{'n/a' if change is None else format_percent(change, signed=True)})",
        f"- sales: {n.units_this_week} (before: {n.units_last_week})",
        f"- average rating of published listings: "
        f"{'none yet' if n.average_rating is None else f'{n.average_rating:.1f} of 5 over {n.rated_listings}'}",
        f"Top open insight: {payload.top_insight_title or 'none'}",
    ]
    if payload.tip is None:
        lines.append("Tip facts: none (no published listing with points to win).")
    else:
        t = payload.tip
        lines += [
            f"Tip facts: listing {t.listing_title!r}, {t.dimension_label} scores {t.points:g} of {t.max_points:g}.",
            f"Rule-based suggestion: {t.suggestion}",
        ]
    return "\n".join(lines)


def parse_weekly_digest_text(raw: Any, payload: WeeklyDigestPayload) -> WeeklyDigestText:
    answer = require_object(raw, ("subject", "summary", "tip"))
    subject = require_text(answer["subject"], "subject", max_chars=MAX_SUBJECT_CHARS)
    summary = require_text(answer["summary"], "summary", max_chars=MAX_SUMMARY_CHARS)
    if payload.tip is None:
        if not isinstance(answer["tip"], str) or answer["tip"].strip():
            raise SchemaViolation("tip must be empty when no tip facts are given")
        tip = ""
    else:
        tip = require_text(answer["tip"], "tip", max_chars=MAX_TIP_CHARS)
    return WeeklyDigestText(subject=subject, summary=summary, tip=tip)


WEEKLY_DIGEST_TEXT: Task[WeeklyDigestPayload, WeeklyDigestText] = Task(
    name=NAME,
    version=1,
    description="Record the subject, the summary sentence and the tip of a seller's weekly digest e-mail.",
    input_schema=INPUT_SCHEMA,
    system_prompt=SYSTEM_PROMPT,
    build_message=build_digest_message,
    parse=parse_weekly_digest_text,
    offline=offline_weekly_digest_text,
    # The payload is the week's numbers: a rerun in the same week reuses the wording.
    cache_ttl=timedelta(days=7),
    max_tokens=600,
)


def weekly_digest_text(
    payload: WeeklyDigestPayload, *, ai: AIDoor | None = None, session: Session | None = None
) -> AIResult[WeeklyDigestText]:
    """The digest's texts (Claude when configured and well-behaved, else the offline rules)."""
    return (ai or default_ai()).run(WEEKLY_DIGEST_TEXT, payload, session=session)
