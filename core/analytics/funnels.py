"""Conversion funnels (pure): `compute_funnel` over (person, event, time) rows, and seed 004's learner and creator
funnel definitions. `compute_funnel` is the reference: `core.analytics.funnel_sql` computes the same funnel in
the database and is tested equal to it; `core.analytics.funnel_queries.funnel_for` picks the path.

Semantics of `compute_funnel` (each one a decision, each one tested in tests/unit/analytics/test_funnels.py):

- **Counting.** A person counts at most once per step. A person "reaches step k" when the best chain (below)
  has at least k steps; step counts are the number of persons reaching each step, so they never increase.
- **Window.** Every step of a chain happens within `window` of the chain's step-1 event (the *anchor*),
  boundary inclusive: exactly `window` later counts, one microsecond more doesn't.
- **Anchor.** Every eligible step-1 occurrence of a person is tried as an anchor; the one whose chain gets the
  person furthest wins, the earliest anchor on ties. (A person who visits on Monday and again on Friday and
  signs up on Saturday with a 3-day window converts, anchored on Friday.) With `anchors_between=(lo, hi)`
  only step-1 events with lo <= time <= hi are anchors; later steps may fall after `hi` (inside the window).
- **Ordered** (default): step k+1 is the first step-k+1 event after the step-k event of the chain (the greedy
  earliest match, which is optimal for a fixed anchor). Skipping a step stops the chain: reaching step 3
  without step 2 counts only for step 1.
- **Same instant.** An event at the same instant as step k counts as after it (`>=`): events of a person are
  ordered by (time, funnel step index, input order), other events after the steps at that instant. So a
  signup stamped at the same instant as the visit converts, whatever order the rows came in.
- **Strict:** consecutive steps must be adjacent in the person's event sequence (the rows given, in the order
  above). Any other event in between breaks the chain, including a repeat of a step's own name (a second
  signup before the purchase) and the exclusion event; a repeated step 1 just makes a later anchor, which may
  still convert. `funnel_for` loads only the funnel's event types, so there "other" means another funnel event.
- **Any order:** the steps may happen in any sequence; step k = completed at least k of the steps. Any step
  event can be the anchor; the chain is the first occurrence of each step within the anchor's window, in time
  order, so "step k" means "the k-th step completed" (for time-to-convert and exclusion too).
- **Exclusion** `Exclusion(event, from_step, to_step)` (1-based step numbers): a person whose best chain
  reached `from_step` and who did `event` at or after that step's instant and before reaching `to_step`
  (before the to-step's instant; if the chain never reached `to_step`, up to anchor + window inclusive) is
  removed from the funnel entirely, from every step including step 1, and counted in `excluded_persons`.
  The chain is chosen first (anchor rule above), the exclusion is then checked on that chain.
  This follows PostHog's definition ("users who performed that specific event within the steps will be
  automatically dropped from the funnel altogether ... fully removed from consideration on the entire
  funnel", PostHog/posthog#5553).
- **Time to convert:** for step k >= 2, mean and median of (time of step k - time of step k-1) in seconds over
  the persons who reached step k; median of an even count = mean of the two middle values; None for step 1
  and for a step nobody reached.
- **Conversion:** percent of step 1 and of the previous step, `core.money.percent` (2 decimals, half up:
  1 of 800 = 0.125 % -> 0.13, where Python's round() would give 0.12); 0.0 when the denominator is 0.
  Step 1 converts 100.0 % from step 1 and from "previous" when anybody entered.
- **Repeated steps** (as PostHog's funnels allow): the same event may be several steps, e.g. `page_view` four
  times. Each step of a chain is a different occurrence, so in an ordered funnel a person reaches step k after
  k ordered occurrences within the window; in strict order the occurrences must be adjacent; in any order a
  person completes a name that is m steps once for each of its first m occurrences in the window. At one
  instant an event sorts by the *first* step with its name (so `[visit, signup, visit]` puts a visit before a
  signup of the same instant).
- **Input:** any iterable of (person, event name, aware datetime) tuples, `Event`s or SQLAlchemy rows, in any
  order. The exclusion event must not be a step.

Cost: O(n) to group rows by person, O(m log m) to sort each person's m events; then per person
O(anchors x steps x log m) in ordered mode (a bisect per step), O(anchors x steps) in strict mode and O(m)
(two pointers) in any order: no scan of all events per anchor.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from core.money import percent

FunnelOrder = Literal["ordered", "strict", "any"]
ORDERS: tuple[str, ...] = ("ordered", "strict", "any")
DEFAULT_WINDOW = timedelta(days=14)


class Event(NamedTuple):
    """One event row: who did what, when (an aware datetime)."""

    person: str
    name: str
    at: datetime


class Exclusion(NamedTuple):
    """Drop a person who does `event` between reaching step `from_step` and step `to_step` (1-based)."""

    event: str
    from_step: int
    to_step: int


@dataclass(frozen=True, slots=True)
class FunnelStep:
    name: str  # the event name of the step
    count: int
    conversion_from_first: float  # percent, 2 decimals
    conversion_from_previous: float  # percent, 2 decimals
    mean_seconds_from_previous: float | None
    median_seconds_from_previous: float | None
    label: str  # what a person reads ("Visit"); the event name when no label was given


@dataclass(frozen=True, slots=True)
class FunnelResult:
    steps: tuple[FunnelStep, ...]
    window: timedelta
    order: str
    excluded_persons: int = 0


@dataclass(frozen=True, slots=True)
class FunnelDefinition:
    """A named funnel of seed 004: (label, event_type) per step."""

    name: str
    title: str
    steps: tuple[tuple[str, str], ...]

    @property
    def event_types(self) -> list[str]:
        return [event for _label, event in self.steps]

    @property
    def labels(self) -> list[str]:
        return [label for label, _event in self.steps]


# The event_type values of `analytics_events` that the demo generator writes (seed 004, "Funnel Cards").
# Step 3 of the learner funnel is the first purchase after signup: the ordered match takes the earliest one.
LEARNER_FUNNEL = FunnelDefinition(
    name="learner",
    title="Learner funnel",
    steps=(
        ("Visit", "page_view"),
        ("Signup", "signup"),
        ("First purchase", "purchase"),
        ("Return week 2", "return_week_2"),
    ),
)
CREATOR_FUNNEL = FunnelDefinition(
    name="creator",
    title="Creator funnel",
    steps=(
        ("Visit", "page_view"),
        ("Start creator flow", "creator_started"),
        ("Publish first item", "creator_published"),
        ("First sale", "first_sale"),
    ),
)
FUNNELS: dict[str, FunnelDefinition] = {f.name: f for f in (LEARNER_FUNNEL, CREATOR_FUNNEL)}


def compute_funnel(
    events: Iterable[tuple[str, str, datetime]],
    *,
    steps: Sequence[str],
    window: timedelta,
    order: FunnelOrder = "ordered",
    exclusion: Exclusion | tuple[str, int, int] | None = None,
    anchors_between: tuple[datetime, datetime] | None = None,
    labels: Sequence[str] | None = None,
) -> FunnelResult:
    """Count how far each person gets through `steps` (see the module docstring for every rule)."""
    steps = list(steps)
    exclusion = Exclusion(*exclusion) if exclusion is not None else None
    validate_funnel(steps, window, order, exclusion, labels)
    n_steps = len(steps)
    # Per-event codes: 0..n_steps-1 = funnel steps (the first step with that name), n_steps = the exclusion
    # event, n_steps + 1 = any other event. The code doubles as the tie-break at one instant, which puts steps
    # in funnel order before others.
    code_of = step_codes(steps)
    codes_of_steps = [code_of[name] for name in steps]
    exclusion_code, other_code = n_steps, n_steps + 1
    if exclusion is not None:
        code_of[exclusion.event] = exclusion_code
    keep_others = order == "strict"  # only strict order looks at events outside the funnel

    # The hot loop of a large funnel (a row costs about a microsecond here): keep it to a lookup and an append.
    by_person: defaultdict[str, list[tuple[datetime, int, int]]] = defaultdict(list)
    for index, (person, name, at) in enumerate(events):
        code = code_of.get(name, other_code)
        if code != other_code or keep_others:
            by_person[person].append((at, code, index))

    counts = [0] * n_steps
    deltas: list[list[float]] = [[] for _ in range(n_steps)]
    excluded = 0
    lo, hi = anchors_between if anchors_between is not None else (None, None)
    for rows in by_person.values():
        rows.sort()
        times, codes, _input_order = zip(*rows, strict=True)
        if order == "any":
            chain, deadline = _best_chain_any_order(times, codes, codes_of_steps, window, lo, hi)
        else:
            chain, deadline = _best_chain_in_order(
                times, codes, codes_of_steps, window, lo, hi, strict=order == "strict"
            )
        if not chain:
            continue
        if exclusion is not None and _is_excluded(chain, deadline, times, codes, exclusion, exclusion_code):
            excluded += 1
            continue
        for k in range(len(chain)):
            counts[k] += 1
            if k:
                deltas[k].append((times[chain[k]] - times[chain[k - 1]]).total_seconds())

    return FunnelResult(
        steps=summarise_steps(steps, list(labels) if labels is not None else steps, counts, deltas),
        window=window,
        order=order,
        excluded_persons=excluded,
    )


def step_codes(steps: Sequence[str]) -> dict[str, int]:
    """Event name -> the index of the first step with that name (its rank at one instant)."""
    codes: dict[str, int] = {}
    for index, name in enumerate(steps):
        codes.setdefault(name, index)
    return codes


def validate_funnel(
    steps: list[str], window: timedelta, order: str, exclusion: Exclusion | None, labels: Sequence[str] | None
) -> None:
    """Refuse what `compute_funnel` cannot answer (ValueError with the reason)."""
    if not steps:
        raise ValueError("a funnel needs at least one step")
    if window < timedelta(0):
        raise ValueError(f"window must not be negative, got {window}")
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}; got {order!r}")
    if labels is not None and len(labels) != len(steps):
        raise ValueError(f"{len(labels)} labels for {len(steps)} steps")
    if exclusion is not None:
        if exclusion.event in steps:
            raise ValueError(f"the exclusion event {exclusion.event!r} is one of the funnel steps")
        if not 1 <= exclusion.from_step < exclusion.to_step <= len(steps):
            raise ValueError(
                f"exclusion steps must satisfy 1 <= from_step < to_step <= {len(steps)}, "
                f"got {exclusion.from_step}..{exclusion.to_step}"
            )


def _best_chain_in_order(
    times: Sequence[datetime],
    codes: Sequence[int],
    step_code: Sequence[int],
    window: timedelta,
    lo: datetime | None,
    hi: datetime | None,
    *,
    strict: bool,
) -> tuple[list[int], datetime | None]:
    """The positions of the furthest chain (earliest anchor on ties) and its deadline (anchor + window)."""
    n_steps = len(step_code)
    positions: list[list[int]] = [[] for _ in range(n_steps)]  # by code: where each step's name occurs
    for i, code in enumerate(codes):
        if code < n_steps:
            positions[code].append(i)
    best: list[int] = []
    best_deadline: datetime | None = None
    n_events = len(codes)
    for anchor in positions[step_code[0]]:
        start = times[anchor]
        if (lo is not None and start < lo) or (hi is not None and start > hi):
            continue
        deadline = start + window
        chain = [anchor]
        current = anchor
        for step in range(1, n_steps):
            if strict:
                nxt = current + 1
                if nxt >= n_events or codes[nxt] != step_code[step]:
                    break
            else:
                candidates = positions[step_code[step]]
                j = bisect_right(candidates, current)
                if j == len(candidates):
                    break
                nxt = candidates[j]
            if times[nxt] > deadline:
                break
            chain.append(nxt)
            current = nxt
        if len(chain) > len(best):
            best, best_deadline = chain, deadline
            if len(best) == n_steps:
                break
    return best, best_deadline


def _best_chain_any_order(
    times: Sequence[datetime],
    codes: Sequence[int],
    step_code: Sequence[int],
    window: timedelta,
    lo: datetime | None,
    hi: datetime | None,
) -> tuple[list[int], datetime | None]:
    """Any order: the anchor (any step event) whose window completes the most steps, earliest on ties.

    A name that is m steps completes one step for each of its first m occurrences in the window."""
    n_steps = len(step_code)
    wanted = [0] * n_steps  # by code: how many steps carry that name
    for code in step_code:
        wanted[code] += 1
    step_positions = [i for i, code in enumerate(codes) if code < n_steps]
    in_window = [0] * n_steps  # occurrences per code in step_positions[p:q]
    completed = 0  # steps completed in step_positions[p:q]: sum of min(in_window, wanted)
    q = 0
    best_count, best_p, best_q = 0, -1, -1
    for p, anchor in enumerate(step_positions):
        deadline = times[anchor] + window
        while q < len(step_positions) and times[step_positions[q]] <= deadline:
            code = codes[step_positions[q]]
            if in_window[code] < wanted[code]:
                completed += 1
            in_window[code] += 1
            q += 1
        eligible = (lo is None or times[anchor] >= lo) and (hi is None or times[anchor] <= hi)
        if eligible and completed > best_count:
            best_count, best_p, best_q = completed, p, q
            if completed == n_steps:
                break
        code = codes[anchor]
        in_window[code] -= 1
        if in_window[code] < wanted[code]:
            completed -= 1
    if best_count == 0:
        return [], None
    taken = [0] * n_steps
    chain: list[int] = []
    for i in step_positions[best_p:best_q]:
        if taken[codes[i]] < wanted[codes[i]]:
            taken[codes[i]] += 1
            chain.append(i)
    return chain, times[step_positions[best_p]] + window


def _is_excluded(
    chain: list[int],
    deadline: datetime | None,
    times: Sequence[datetime],
    codes: Sequence[int],
    exclusion: Exclusion,
    exclusion_code: int,
) -> bool:
    if len(chain) < exclusion.from_step:
        return False
    after = chain[exclusion.from_step - 1]
    # Exclusion events sort after the steps at one instant, so "position after the from-step" includes its
    # instant and "position before the to-step" excludes the to-step's instant.
    hits = [i for i in range(after + 1, len(codes)) if codes[i] == exclusion_code]
    if not hits:
        return False
    if len(chain) >= exclusion.to_step:
        before = chain[exclusion.to_step - 1]
        return bisect_left(hits, before) > 0
    assert deadline is not None
    return times[hits[0]] <= deadline


def _percent(part: int, whole: int) -> float:
    return float(percent(part, whole) or 0)


def summarise_steps(
    steps: list[str], labels: list[str], counts: list[int], deltas: list[list[float]]
) -> tuple[FunnelStep, ...]:
    result = []
    for k, (name, label) in enumerate(zip(steps, labels, strict=True)):
        previous = counts[k - 1] if k else counts[0]
        seconds = deltas[k]
        result.append(
            FunnelStep(
                name=name,
                count=counts[k],
                conversion_from_first=_percent(counts[k], counts[0]),
                conversion_from_previous=_percent(counts[k], previous),
                mean_seconds_from_previous=statistics.fmean(seconds) if seconds else None,
                median_seconds_from_previous=float(statistics.median(seconds)) if seconds else None,
                label=label,
            )
        )
    return tuple(result)
