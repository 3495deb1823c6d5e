"""Goals' pure part: input validation, deadline days in the app's time zone, value formats and the pace of a goal.

No database and no clock: "today" and "now" are arguments. Rules (issue 5):

* **Target**: a number above 0 with at most two decimals; SALES and PRODUCTS targets are whole numbers;
  a RATING target is at most 5.0.
* **Deadline**: a day after today and on or before the same calendar day two years on (29 February → 28
  February), both in the seller's days (APP_TIMEZONE). A deadline day means the end of that day there. Today is
  refused too (a goal due in a few hours cannot be paced), and so is a typed text that is not a real day
  (`parse_deadline`: ISO `YYYY-MM-DD`, ASCII digits). The page's date field never narrows what reaches these rules:
  Streamlit's `date_input` replaces a value outside its min/max with its default without a word, so the rules here
  are the only judge and a refused deadline is a message next to the field, never a different deadline.
* **No duplicate**: an ACTIVE goal identical to another active goal of the seller — same type, same target (to
  the cent), same deadline day — is refused, pointing at the existing one (`same_goal`). The title does not make
  two goals different: renaming a number and a date does not double them.
* **Title**: optional, at most 120 characters, none of the characters `core.text_input` refuses in names.
* **Active goals**: at most `MAX_ACTIVE_GOALS` (10) at once.
* **Pace**: expected progress = elapsed ÷ total time (creation → deadline); on pace when progress ≥ expected.
  A RATING goal is a level, not an accumulation: on pace when the current rating ≥ the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from core.models import GoalType
from core.money import CENT, format_money, format_money_whole, format_share, parse_amount, to_cents
from core.periods import local_day
from core.text_input import text_problem

MAX_ACTIVE_GOALS = 10
MAX_TITLE_CHARS = 120
MAX_RATING = Decimal("5.0")
MAX_TARGET = Decimal("9999999999.99")  # what Numeric(12, 2) can store
DEADLINE_MAX_YEARS = 2
END_OF_DAY = time(23, 59, 59)

UNITS: dict[GoalType, str] = {
    GoalType.REVENUE: "$",
    GoalType.SALES: "sales",
    GoalType.PRODUCTS: "products",
    GoalType.RATING: "★",
}
_NOUNS = {GoalType.SALES: ("sale", "sales"), GoalType.PRODUCTS: ("product", "products")}

MSG_TYPE = "Pick a goal type: revenue, sales, products or rating."
MSG_TARGET_MISSING = "Enter a target."
MSG_NOT_A_NUMBER = "Enter a number."
MSG_TARGET_NOT_POSITIVE = "Enter a target above 0."
MSG_TARGET_TOO_LARGE = "Enter a target below 10,000,000,000."
MSG_TOO_MANY_DECIMALS = "Use at most two decimals."
MSG_SALES_WHOLE = "Sales goals count whole sales: enter a whole number."
MSG_PRODUCTS_WHOLE = "Product goals count whole products: enter a whole number."
MSG_RATING_MAX = "A rating goal can be at most 5.0."
MSG_DEADLINE_MISSING = "Pick a deadline."
MSG_DEADLINE_NOT_FUTURE = "Pick a deadline after today."
MSG_DEADLINE_INVALID = "Enter the deadline as a date, like 2027-03-01."
MSG_TITLE_TOO_LONG = f"Title can be at most {MAX_TITLE_CHARS} characters."
MSG_TOO_MANY_ACTIVE = f"You have {MAX_ACTIVE_GOALS} active goals, the most at once: finish or cancel one first."


def msg_deadline_too_far(latest: date) -> str:
    return f"Pick a deadline within two years (on or before {latest.isoformat()})."


def msg_duplicate(title: str) -> str:
    """The refusal of a goal identical to an active one, naming it (the page adds a button that opens it)."""
    return f"You already have this goal: “{title}”. Change that one instead of setting it twice."


# ---------------------------------------------------------------- parsing and validation


def parse_goal_type(value: GoalType | str | None) -> GoalType | None:
    """The goal type from an enum or its name in any case ("revenue"); None when it is not one."""
    if isinstance(value, GoalType):
        return value
    if isinstance(value, str):
        try:
            return GoalType(value.strip().upper())
        except ValueError:
            return None
    return None


def parse_target(value: Decimal | str | float | int | None) -> Decimal | str:
    """The target as a Decimal, or the message saying why it is not a number.

    Accepts a Decimal, int, float (read through its shortest text form, so 19.99 stays 19.99) or text
    like "5,000" or "$5,000.50" (`core.money.parse_amount`). Booleans, NaN, infinities and digits other
    than ASCII are not numbers.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return MSG_TARGET_MISSING
    number = parse_amount(value)
    return MSG_NOT_A_NUMBER if number is None else number


def target_amount(value: Decimal | str | float | int) -> Decimal:
    """A validated target to the cent; ValueError with the field's message when it is not a number."""
    parsed = parse_target(value)
    if isinstance(parsed, str):
        raise ValueError(parsed)
    return to_cents(parsed)


def target_error(goal_type: GoalType | None, target: Decimal | str) -> str | None:
    """The message for a parsed target (see `parse_target`), or None when it is acceptable for the type."""
    if isinstance(target, str):
        return target
    if target <= 0:
        return MSG_TARGET_NOT_POSITIVE
    if target > MAX_TARGET:
        return MSG_TARGET_TOO_LARGE
    if goal_type is GoalType.SALES and target != target.to_integral_value():
        return MSG_SALES_WHOLE
    if goal_type is GoalType.PRODUCTS and target != target.to_integral_value():
        return MSG_PRODUCTS_WHOLE
    if goal_type is GoalType.RATING and target > MAX_RATING:
        return MSG_RATING_MAX
    if target != target.quantize(CENT):
        return MSG_TOO_MANY_DECIMALS
    return None


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_deadline(today: date) -> date:
    """The last day a deadline may fall on: today two years on (inclusive)."""
    return add_years(today, DEADLINE_MAX_YEARS)


DeadlineInput = date | datetime | str


def parse_deadline(value: DeadlineInput | None, tz: tzinfo = UTC) -> date | str | None:
    """The deadline's day, the message saying why it is not a day, or None when nothing was given.

    A `datetime` (aware) is read as its day in `tz`; a `date` is that day; text must be an ISO day `YYYY-MM-DD`
    written with ASCII digits ("2027-02-30", "tomorrow" and "２０２７-…" are not days). Blank text is None.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return local_day(value, tz)
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return MSG_DEADLINE_INVALID
    text = value.strip()
    if not text:
        return None
    if len(text) != 10 or not text.isascii() or text[4] != "-" or text[7] != "-":
        return MSG_DEADLINE_INVALID
    try:
        return date.fromisoformat(text)
    except ValueError:
        return MSG_DEADLINE_INVALID


def deadline_day(deadline: DeadlineInput, tz: tzinfo) -> date:
    """The seller's day of a valid deadline given as a day, an aware moment or ISO text; ValueError otherwise."""
    day = parse_deadline(deadline, tz)
    if not isinstance(day, date):
        raise ValueError(day or MSG_DEADLINE_MISSING)
    return day


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """23:59:59 of `day` in `tz`, as an aware UTC datetime: what a deadline given as a day means."""
    return datetime.combine(day, END_OF_DAY, tzinfo=tz).astimezone(UTC)


def clean_title(title: str | None) -> str | None:
    """The title trimmed with runs of whitespace collapsed; None when blank (the page shows a default title)."""
    if title is None:
        return None
    text = " ".join(title.split())
    return text or None


def title_error(title: str | None) -> str | None:
    """The message for a title with a character `core.text_input` refuses in names (NUL, a direction override,
    a zero-width character…) or longer than `MAX_TITLE_CHARS` once cleaned (blank is fine: default title)."""
    problem = text_problem(title, label="Title")
    if problem:
        return problem
    cleaned = clean_title(title)
    return MSG_TITLE_TOO_LONG if cleaned is not None and len(cleaned) > MAX_TITLE_CHARS else None


def validate_goal(
    goal_type: GoalType | str | None,
    target: Decimal | str | float | int | None,
    deadline: DeadlineInput | None,
    *,
    today: date,
    active_count: int,
    title: str | None = None,
    tz: tzinfo = UTC,
) -> dict[str, str]:
    """Every problem of a new goal, as {field: message}; empty when the goal can be saved.

    Fields: "type", "target_value", "deadline", "title", and "goal" for the limit of active goals.
    `today` is the seller's day (APP_TIMEZONE); a datetime deadline is read as its day in `tz`.
    `active_count` = the seller's active goals (pass 0 when editing an existing goal).
    """
    errors: dict[str, str] = {}
    parsed_type = parse_goal_type(goal_type)
    if parsed_type is None:
        errors["type"] = MSG_TYPE
    problem = target_error(parsed_type, parse_target(target))
    if problem:
        errors["target_value"] = problem
    problem = deadline_error(deadline, today=today, tz=tz)
    if problem:
        errors["deadline"] = problem
    problem = title_error(title)
    if problem:
        errors["title"] = problem
    if active_count >= MAX_ACTIVE_GOALS:
        errors["goal"] = MSG_TOO_MANY_ACTIVE
    return errors


def deadline_error(deadline: DeadlineInput | None, *, today: date, tz: tzinfo = UTC) -> str | None:
    """ "Pick a deadline." when none; the date-format message for text that is no day; "Pick a deadline after
    today." for today or earlier; the two-year message after `latest_deadline`; None for a good deadline."""
    day = parse_deadline(deadline, tz)
    if day is None:
        return MSG_DEADLINE_MISSING
    if isinstance(day, str):
        return day
    if day <= today:
        return MSG_DEADLINE_NOT_FUTURE
    latest = latest_deadline(today)
    return msg_deadline_too_far(latest) if day > latest else None


# ---------------------------------------------------------------- formats


def format_day(day: date, *, today: date | None = None) -> str:
    """ "Mar 1, 2027"; without the year ("Mar 1") when `today` is given and falls in the same year."""
    text = f"{day:%b} {day.day}"
    return text if today is not None and today.year == day.year else f"{text}, {day.year}"


def _plain_number(value: Decimal, decimals: int) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,.{decimals}f}"


def format_rating(value: Decimal) -> str:
    """Two decimals with one trailing zero dropped: 4.5, 4.25, 5.0."""
    text = _plain_number(value, 2)
    return text[:-1] if text.endswith("0") else text


def format_dollars(amount: Decimal) -> str:
    """Whole dollars ("$1,240") for amounts of $10 or more, else to the cent ("$4.50"); half up."""
    return format_money(amount) if abs(amount) < 10 else format_money_whole(amount)


def format_count(goal_type: GoalType, value: Decimal | int) -> str:
    """ "1 sale", "12 sales", "3 products": whole numbers with their noun."""
    count = int(Decimal(value).to_integral_value(rounding=ROUND_HALF_UP))
    singular, plural = _NOUNS.get(goal_type, ("", ""))
    return f"{count:,} {singular if count == 1 else plural}"


def format_goal_value(goal_type: GoalType, value: Decimal, *, cents: bool = False) -> str:
    """A target or current value as the page shows it: "$5,000" ("$5,000.00" with `cents`), "120 sales",
    "5 products", "4.5 ★"."""
    if goal_type is GoalType.REVENUE:
        whole = value == value.to_integral_value() and not cents
        return format_money_whole(value) if whole else format_money(value)
    if goal_type is GoalType.RATING:
        return f"{format_rating(value)} ★"
    return format_count(goal_type, value)


def default_title(goal_type: GoalType, target: Decimal, deadline: date) -> str:
    """ "Revenue goal: $5,000 by Mar 1, 2027" — shown when the seller gave no title."""
    what = format_goal_value(goal_type, target)
    if goal_type is GoalType.PRODUCTS:
        what = f"{what.split(' ')[0]} new {what.split(' ', 1)[1]}"
    return f"{goal_type.value.capitalize()} goal: {what} by {format_day(deadline)}"


def progress_ratio(current: Decimal, target: Decimal) -> float:
    """current ÷ target, uncapped (1.2 = 120%); 0 for a target ≤ 0."""
    return float(current / target) if target > 0 else 0.0


# ---------------------------------------------------------------- pace


@dataclass(frozen=True)
class Pace:
    """Whether an active goal keeps up with the calendar, and one sentence saying so."""

    expected_progress: float  # elapsed ÷ total time, 0–1
    on_pace: bool
    sentence: str


def expected_progress(created_at: datetime, deadline: datetime, now: datetime) -> float:
    """Elapsed ÷ total time from creation to deadline, clamped to 0–1 (1 when the span is empty)."""
    total = (deadline - created_at).total_seconds()
    if total <= 0:
        return 1.0
    elapsed = (now - created_at).total_seconds()
    return min(1.0, max(0.0, elapsed / total))


def _per_period(goal_type: GoalType, remaining: Decimal, days_left: int) -> str:
    """ "about $41 a day" (money always per day); counts per week when less than one a day for a week or more."""
    per_day = remaining / days_left
    if goal_type is GoalType.REVENUE:
        return f"about {format_dollars(per_day)} a day"
    if per_day < 1 and days_left >= 7:
        return f"about {_short_number(per_day * 7)} a week"
    return f"about {_short_number(per_day)} a day"


def _short_number(value: Decimal) -> str:
    """One decimal below 10 without a trailing ".0" (0.4, 2, 2.5), whole numbers from 10."""
    if value >= 10:
        return _plain_number(value, 0)
    text = _plain_number(value, 1)
    return text.removesuffix(".0")


def _remaining_text(goal_type: GoalType, remaining: Decimal) -> str:
    if goal_type is GoalType.REVENUE:
        return f"{format_dollars(remaining)} more"
    count, noun = format_count(goal_type, remaining).split(" ", 1)
    return f"{count} more {noun}"


def goal_pace(
    goal_type: GoalType,
    target: Decimal,
    current: Decimal,
    *,
    created_at: datetime,
    deadline: datetime,
    now: datetime,
    tz: tzinfo = UTC,
) -> Pace:
    """The pace of an active goal and its sentence (see the module docstring for the rules).

    Behind pace, the sentence says what is left and how much a day (or week) that takes until the
    deadline day; on the deadline day itself it says "by the end of today". Past the deadline (the
    daily check has not closed the goal yet), expected progress is 1.
    """
    expected = expected_progress(created_at, deadline, now)
    today = local_day(now, tz)
    due_day = local_day(deadline, tz)
    due = format_day(due_day, today=today)
    if goal_type is GoalType.RATING:
        on_pace = current >= target
        if on_pace:
            sentence = f"On target: your average rating is {format_rating(current)} ★, goal {format_rating(target)} ★."
        elif current <= 0:
            sentence = f"No ratings yet: your {format_rating(target)} ★ goal counts once buyers rate your products."
        else:
            gap = format_rating(target - current)
            sentence = f"Behind: your average rating is {format_rating(current)} ★, {gap} ★ to go by {due}."
        return Pace(expected, on_pace, sentence)
    progress = progress_ratio(current, target)
    if progress >= 1:
        done = f"{format_goal_value(goal_type, current)} of {format_goal_value(goal_type, target)}"
        return Pace(expected, True, f"Target reached: {done}. Anything more by {due} is a bonus.")
    if now >= deadline:
        return Pace(1.0, False, "Deadline passed: the result is recorded at the next daily check.")
    on_pace = progress >= expected
    if on_pace:
        done, gone = format_share(progress, places=0), format_share(expected, places=0)
        return Pace(expected, True, f"On pace: {done} done with {gone} of the time gone.")
    remaining = target - current
    days_left = (due_day - today).days
    if days_left <= 0:
        return Pace(
            expected, False, f"Behind pace: you'd need {_remaining_text(goal_type, remaining)} by the end of today."
        )
    per = _per_period(goal_type, remaining, days_left)
    return Pace(expected, False, f"Behind pace: you'd need {_remaining_text(goal_type, remaining)}, {per} until {due}.")


def days_remaining(deadline: datetime, now: datetime, tz: tzinfo) -> int:
    """Whole seller days from today to the deadline's day (0 on the deadline day and after it)."""
    return max(0, (local_day(deadline, tz) - local_day(now, tz)).days)


def round_up(value: Decimal, step: Decimal = Decimal(1)) -> Decimal:
    """`value` rounded up to a multiple of `step`."""
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


# ---------------------------------------------------------------- duplicates and the first goal


def same_goal(
    goal_type: GoalType, target: Decimal, day: date, other_type: GoalType, other_target: Decimal, other_day: date
) -> bool:
    """True when two goals are the same goal: same type, same target to the cent, same deadline day (the title
    does not count, see the module docstring)."""
    return goal_type is other_type and to_cents(target) == to_cents(other_target) and day == other_day
