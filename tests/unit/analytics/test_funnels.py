"""compute_funnel on hand-built event sequences: every rule of core/analytics/funnels.py's docstring, with the numbers
worked out in the comments."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from core.analytics.funnels import Event, Exclusion, FunnelResult, compute_funnel

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
STEPS = ["visit", "signup", "purchase"]
DAY = timedelta(days=1)


def at(**delta: float) -> datetime:
    return T0 + timedelta(**delta)


def counts(result: FunnelResult) -> list[int]:
    return [step.count for step in result.steps]


def ordered(rows: list[tuple[str, str, datetime]], **kwargs: object) -> FunnelResult:
    kwargs.setdefault("window", DAY)
    return compute_funnel(rows, steps=STEPS, **kwargs)  # type: ignore[arg-type]


# --- ordered funnels -------------------------------------------------------------------------------------

BASIC = [
    ("a", "visit", at(hours=0)),
    ("a", "signup", at(hours=1)),
    ("a", "purchase", at(hours=3)),
    ("b", "visit", at(hours=0)),
    ("b", "signup", at(hours=2)),
    ("c", "visit", at(hours=0)),
    ("d", "signup", at(hours=0)),  # never visited: not in the funnel at all
]


def test_ordered_funnel_counts_conversions_and_times() -> None:
    result = ordered(BASIC)
    # visit: a, b, c = 3; signup: a, b = 2; purchase: a = 1
    assert counts(result) == [3, 2, 1]
    visit, signup, purchase = result.steps
    assert (visit.conversion_from_first, visit.conversion_from_previous) == (100.0, 100.0)
    # 2/3 = 66.666.. -> 66.67 from first and from previous
    assert (signup.conversion_from_first, signup.conversion_from_previous) == (66.67, 66.67)
    # 1/3 = 33.33 from first; 1/2 = 50.00 from previous
    assert (purchase.conversion_from_first, purchase.conversion_from_previous) == (33.33, 50.0)
    assert visit.mean_seconds_from_previous is None and visit.median_seconds_from_previous is None
    # signup - visit: a 1 h = 3600 s, b 2 h = 7200 s -> mean 5400, median of two = (3600 + 7200) / 2 = 5400
    assert signup.mean_seconds_from_previous == 5400.0
    assert signup.median_seconds_from_previous == 5400.0
    # purchase - signup: a only, 3 h - 1 h = 7200 s
    assert purchase.mean_seconds_from_previous == 7200.0
    assert purchase.median_seconds_from_previous == 7200.0
    assert [s.name for s in result.steps] == STEPS
    assert [s.label for s in result.steps] == STEPS  # no labels given: the event names
    assert result.order == "ordered" and result.window == DAY and result.excluded_persons == 0


def test_input_order_does_not_matter() -> None:
    shuffled = BASIC[:]
    random.Random(3).shuffle(shuffled)
    assert shuffled != BASIC
    assert ordered(shuffled) == ordered(BASIC)


def test_event_namedtuples_and_labels_are_accepted() -> None:
    rows = [Event("a", "visit", at()), Event("a", "signup", at(minutes=5))]
    result = compute_funnel(rows, steps=["visit", "signup"], window=DAY, labels=["Visit", "Sign up"])
    assert counts(result) == [1, 1]
    assert [s.label for s in result.steps] == ["Visit", "Sign up"]
    assert result.steps[1].mean_seconds_from_previous == 300.0  # 5 minutes


def test_window_boundary_is_inclusive() -> None:
    rows = [
        ("on_time", "visit", at()),
        ("on_time", "signup", at(days=1)),  # exactly the window: counts
        ("late", "visit", at()),
        ("late", "signup", at(days=1, seconds=1)),  # one second more: doesn't
    ]
    assert counts(ordered(rows)) == [2, 1, 0]


def test_window_is_measured_from_step_one_not_from_the_previous_step() -> None:
    rows = [
        ("a", "visit", at()),
        ("a", "signup", at(hours=23)),
        ("a", "purchase", at(days=1, seconds=1)),  # 2 h 0 m 1 s after signup, but 1 d 1 s after the visit
    ]
    assert counts(ordered(rows)) == [1, 1, 0]


def test_repeated_step_one_uses_the_anchor_that_gets_furthest() -> None:
    rows = [
        ("a", "visit", at(days=0)),
        ("a", "visit", at(days=4)),
        ("a", "signup", at(days=6)),  # 6 days after the first visit, 2 days after the second
    ]
    result = ordered(rows, window=timedelta(days=3))
    assert counts(result) == [1, 1, 0]  # the person counts once for the visit, anchored on day 4
    assert result.steps[1].mean_seconds_from_previous == 2 * 86400.0


def test_a_later_anchor_wins_when_it_gets_further() -> None:
    rows = [
        ("a", "visit", at(days=0)),
        ("a", "signup", at(days=0, hours=1)),  # anchor day 0 reaches step 2 only
        ("a", "visit", at(days=5)),
        ("a", "signup", at(days=5, hours=1)),
        ("a", "purchase", at(days=5, hours=3)),  # anchor day 5 reaches step 3
    ]
    result = ordered(rows)
    assert counts(result) == [1, 1, 1]
    # the times come from the day-5 chain: signup 1 h after the visit, purchase 2 h after the signup
    assert result.steps[1].mean_seconds_from_previous == 3600.0
    assert result.steps[2].mean_seconds_from_previous == 7200.0


def test_the_earliest_anchor_wins_a_tie() -> None:
    rows = [
        ("a", "visit", at(days=0)),
        ("a", "visit", at(days=1)),
        ("a", "signup", at(days=2)),  # both visits reach step 2 within 3 days
    ]
    result = ordered(rows, window=timedelta(days=3))
    assert counts(result) == [1, 1, 0]
    # anchored on day 0: 2 days to signup (the day-1 anchor would have said 1 day)
    assert result.steps[1].median_seconds_from_previous == 2 * 86400.0


def test_a_step_at_the_same_instant_counts_as_after_whatever_the_input_order() -> None:
    rows = [
        ("a", "purchase", at()),  # all three at one instant, listed backwards
        ("a", "signup", at()),
        ("a", "visit", at()),
    ]
    result = ordered(rows)
    assert counts(result) == [1, 1, 1]
    assert result.steps[1].mean_seconds_from_previous == 0.0
    assert result.steps[2].mean_seconds_from_previous == 0.0
    # strict order too: at one instant the steps sort in funnel order, so they are adjacent
    assert counts(ordered(rows, order="strict")) == [1, 1, 1]


def test_skipping_a_step_stops_the_chain() -> None:
    rows = [("a", "visit", at()), ("a", "purchase", at(hours=1))]  # no signup
    assert counts(ordered(rows)) == [1, 0, 0]


def test_steps_out_of_order_do_not_convert_in_an_ordered_funnel() -> None:
    rows = [
        ("a", "visit", at(hours=0)),
        ("a", "purchase", at(hours=1)),  # before the signup: not step 3
        ("a", "signup", at(hours=2)),
        ("b", "signup", at(hours=0)),  # signup before the visit: not step 2
        ("b", "visit", at(hours=1)),
    ]
    assert counts(ordered(rows)) == [2, 1, 0]


# --- strict and any order --------------------------------------------------------------------------------

ORDER_CASES = [
    ("a", "visit", at(minutes=0)),  # a: visit, signup, purchase adjacent
    ("a", "signup", at(minutes=1)),
    ("a", "purchase", at(minutes=2)),
    ("b", "visit", at(minutes=0)),  # b: another event between visit and signup
    ("b", "browse", at(minutes=1)),
    ("b", "signup", at(minutes=2)),
    ("b", "purchase", at(minutes=3)),
    ("c", "visit", at(minutes=0)),  # c: signup repeated before the purchase
    ("c", "signup", at(minutes=1)),
    ("c", "signup", at(minutes=2)),
    ("c", "purchase", at(minutes=3)),
    ("d", "visit", at(minutes=0)),  # d: visit repeated, then signup
    ("d", "visit", at(minutes=1)),
    ("d", "signup", at(minutes=2)),
]


def test_strict_order_breaks_on_any_other_event_in_between() -> None:
    # a: 3; b: 1 (browse breaks visit -> signup); c: 2 (the second signup breaks signup -> purchase);
    # d: 2 (the first visit is broken by the second, which anchors visit -> signup)
    result = ordered(ORDER_CASES, order="strict")
    assert counts(result) == [4, 3, 1]
    assert result.order == "strict"
    # signup - visit: a 60 s, c 60 s, d 60 s (from the day's second visit) -> mean 60
    assert result.steps[1].mean_seconds_from_previous == 60.0


def test_the_same_rows_in_an_ordered_funnel_ignore_events_in_between() -> None:
    # a: 3, b: 3, c: 3 (first signup, then the purchase), d: 2
    assert counts(ordered(ORDER_CASES)) == [4, 4, 3]


def test_strict_order_other_event_at_the_next_steps_instant_does_not_break() -> None:
    rows = [
        ("a", "visit", at(minutes=0)),
        ("a", "browse", at(minutes=1)),  # same instant as the signup: sorts after the steps of that instant
        ("a", "signup", at(minutes=1)),
    ]
    assert counts(ordered(rows, order="strict")) == [1, 1, 0]


def test_strict_order_other_event_at_the_previous_steps_instant_breaks() -> None:
    rows = [
        ("a", "browse", at(minutes=0)),  # same instant as the visit, so it sits between visit and signup
        ("a", "visit", at(minutes=0)),
        ("a", "signup", at(minutes=1)),
    ]
    assert counts(ordered(rows, order="strict")) == [1, 0, 0]


def test_any_order_counts_distinct_steps_in_the_window() -> None:
    rows = [
        ("a", "purchase", at(hours=0)),  # a: all three, backwards -> 3
        ("a", "visit", at(hours=1)),
        ("a", "signup", at(hours=2)),
        ("b", "signup", at(hours=0)),  # b: two steps -> 2
        ("b", "visit", at(hours=1)),
        ("c", "purchase", at(hours=0)),  # c: one step -> 1
        ("d", "visit", at(hours=0)),  # d: signup 2 days later, outside the 1-day window -> 1
        ("d", "signup", at(days=2)),
    ]
    result = ordered(rows, order="any")
    assert counts(result) == [4, 2, 1]
    # "step k" = the k-th step completed: a 0 h -> 1 h -> 2 h, b 0 h -> 1 h
    # step 2: a 3600, b 3600 -> mean 3600; step 3: a 3600
    assert result.steps[1].mean_seconds_from_previous == 3600.0
    assert result.steps[2].mean_seconds_from_previous == 3600.0
    # 2/4 = 50.00 from first; 1/2 = 50.00 from previous; 1/4 = 25.00 from first
    assert (result.steps[1].conversion_from_first, result.steps[2].conversion_from_first) == (50.0, 25.0)
    # the same rows in order: a visit -> signup = 2, b visit = 1, c nothing, d visit = 1
    assert counts(ordered(rows)) == [3, 1, 0]


def test_any_order_repeated_step_counts_once() -> None:
    rows = [("a", "visit", at()), ("a", "visit", at(minutes=1)), ("a", "visit", at(minutes=2))]
    assert counts(ordered(rows, order="any")) == [1, 0, 0]


# --- exclusion -------------------------------------------------------------------------------------------

EXCLUSION_CASES = [
    ("a", "visit", at(hours=0)),  # a: ticket between visit and signup -> excluded
    ("a", "ticket", at(hours=1)),
    ("a", "signup", at(hours=2)),
    ("a", "purchase", at(hours=3)),
    ("b", "visit", at(hours=0)),  # b: ticket between signup and purchase, outside steps 1..2 -> kept, 3
    ("b", "signup", at(hours=1)),
    ("b", "ticket", at(hours=2)),
    ("b", "purchase", at(hours=3)),
    ("c", "visit", at(hours=0)),  # c: never signs up, ticket after the 1-day window -> kept, 1
    ("c", "ticket", at(days=2)),
    ("d", "visit", at(hours=0)),  # d: never signs up, ticket inside the window -> excluded
    ("d", "ticket", at(hours=5)),
    ("e", "visit", at(hours=0)),  # e: ticket after the whole funnel -> kept, 3
    ("e", "signup", at(hours=1)),
    ("e", "purchase", at(hours=2)),
    ("e", "ticket", at(hours=3)),
    ("f", "ticket", at(hours=0)),  # f: ticket before the visit -> kept, 2
    ("f", "visit", at(hours=1)),
    ("f", "signup", at(hours=2)),
]


def test_exclusion_between_chosen_steps_removes_the_person_from_every_step() -> None:
    result = ordered(EXCLUSION_CASES, exclusion=Exclusion("ticket", 1, 2))
    # kept: b (3), c (1), e (3), f (2) -> visit 4, signup 3 (b, e, f), purchase 2 (b, e)
    assert counts(result) == [4, 3, 2]
    assert result.excluded_persons == 2  # a and d
    # without the exclusion: a 3, b 3, c 1, d 1, e 3, f 2 -> 6, 4, 3
    assert counts(ordered(EXCLUSION_CASES)) == [6, 4, 3]


def test_exclusion_between_later_steps() -> None:
    # ticket between signup and purchase: only b; a's ticket is before its signup, c/d never reach signup
    result = ordered(EXCLUSION_CASES, exclusion=("ticket", 2, 3))
    # kept: a 3, c 1, d 1, e 3, f 2 -> 5, 3 (a, e, f), 2 (a, e)
    assert counts(result) == [5, 3, 2]
    assert result.excluded_persons == 1


def test_exclusion_boundaries_include_the_from_instant_and_exclude_the_to_instant() -> None:
    rows = [
        ("from", "visit", at(hours=0)),
        ("from", "ticket", at(hours=0)),  # same instant as the visit (from step): excluded
        ("from", "signup", at(hours=1)),
        ("to", "visit", at(hours=0)),
        ("to", "ticket", at(hours=1)),  # same instant as the signup (to step): kept
        ("to", "signup", at(hours=1)),
    ]
    result = ordered(rows, exclusion=Exclusion("ticket", 1, 2))
    assert counts(result) == [1, 1, 0]
    assert result.excluded_persons == 1


def test_exclusion_is_checked_in_strict_and_any_order_too() -> None:
    rows = [("a", "visit", at(hours=0)), ("a", "ticket", at(hours=1)), ("a", "signup", at(hours=2))]
    assert counts(ordered(rows, order="any", exclusion=Exclusion("ticket", 1, 2))) == [0, 0, 0]
    # strict: the ticket already breaks the chain at step 1; it is still after step 1 inside the window
    assert counts(ordered(rows, order="strict", exclusion=Exclusion("ticket", 1, 2))) == [0, 0, 0]
    assert counts(ordered(rows, order="strict")) == [1, 0, 0]


# --- time to convert, rounding, empty input, anchors -----------------------------------------------------


def test_time_to_convert_odd_count() -> None:
    rows = []
    for person, seconds in (("a", 10), ("b", 20), ("c", 90)):
        rows += [(person, "visit", at()), (person, "signup", at(seconds=seconds))]
    signup = ordered(rows).steps[1]
    assert signup.mean_seconds_from_previous == 40.0  # (10 + 20 + 90) / 3 = 40
    assert signup.median_seconds_from_previous == 20.0  # the middle of 10, 20, 90


def test_time_to_convert_even_count() -> None:
    rows = []
    for person, seconds in (("a", 100), ("b", 10), ("c", 30), ("d", 20)):
        rows += [(person, "visit", at()), (person, "signup", at(seconds=seconds))]
    signup = ordered(rows).steps[1]
    assert signup.mean_seconds_from_previous == 40.0  # (10 + 20 + 30 + 100) / 4 = 40
    assert signup.median_seconds_from_previous == 25.0  # (20 + 30) / 2


def test_conversion_rounds_half_up() -> None:
    rows = [(f"p{i}", "visit", at()) for i in range(800)] + [("p0", "signup", at(minutes=1))]
    signup = ordered(rows).steps[1]
    # 1 / 800 = 0.125 % -> 0.13 half up (Python's round(0.125, 2) gives 0.12)
    assert signup.conversion_from_first == 0.13
    assert signup.conversion_from_previous == 0.13
    assert round(0.125, 2) == 0.12  # why Decimal: the banker's rounding this test guards against


def test_empty_input_gives_zeros_and_no_times() -> None:
    result = ordered([])
    assert counts(result) == [0, 0, 0]
    for step in result.steps:
        assert step.conversion_from_first == 0.0 and step.conversion_from_previous == 0.0
        assert step.mean_seconds_from_previous is None and step.median_seconds_from_previous is None


def test_nobody_reaching_a_step_gives_zero_percent_and_no_times_after_it() -> None:
    result = ordered([("a", "visit", at())])
    assert [(s.conversion_from_first, s.conversion_from_previous) for s in result.steps] == [
        (100.0, 100.0),
        (0.0, 0.0),
        (0.0, 0.0),  # 0 of 0 from the previous step: 0 by definition
    ]
    assert result.steps[2].mean_seconds_from_previous is None


def test_anchors_must_be_inside_the_entry_range_but_later_steps_need_not() -> None:
    lo, hi = at(days=1), at(days=2)
    rows = [
        ("early", "visit", at(hours=12)),  # visit before lo: not an anchor
        ("early", "signup", at(days=1, hours=1)),
        ("late_convert", "visit", at(days=2)),  # visit exactly at hi: an anchor
        ("late_convert", "signup", at(days=2, hours=5)),  # after hi but inside the window: counts
        ("both", "visit", at(hours=1)),  # the early visit is ignored, the one inside the range anchors
        ("both", "visit", at(days=1, hours=1)),
        ("both", "signup", at(days=1, hours=2)),
    ]
    result = ordered(rows, anchors_between=(lo, hi))
    assert counts(result) == [2, 2, 0]
    # late_convert 5 h, both 1 h (from the in-range visit) -> mean 3 h = 10800 s
    assert result.steps[1].mean_seconds_from_previous == 10800.0
    assert counts(ordered(rows, order="any", anchors_between=(lo, hi))) == [3, 2, 0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": []}, "at least one step"),
        ({"window": timedelta(seconds=-1)}, "negative"),
        ({"order": "sideways"}, "order must be one of ordered, strict, any"),
        ({"exclusion": ("visit", 1, 2)}, "is one of the funnel steps"),
        ({"exclusion": ("ticket", 2, 2)}, "from_step < to_step"),
        ({"exclusion": ("ticket", 0, 2)}, "from_step < to_step"),
        ({"exclusion": ("ticket", 2, 4)}, "<= 3"),
        ({"labels": ["Visit"]}, "1 labels for 3 steps"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"steps": STEPS, "window": DAY, **kwargs}
    with pytest.raises(ValueError, match=message):
        compute_funnel([], **arguments)  # type: ignore[arg-type]


# --- properties over random event sets, against a brute-force reference ----------------------------------


def _sequence(rows: list[tuple[str, str, datetime]], steps: list[str] = STEPS) -> list[tuple[datetime, int]]:
    """One person's events as (time, code) in the documented order: time, then the first step index of the name,
    others last."""
    code = {name: steps.index(name) for name in steps}
    keyed = [(t, code.get(name, len(steps)), i) for i, (_p, name, t) in enumerate(rows)]
    return [(t, c) for t, c, _i in sorted(keyed)]


def _reference_depth(seq: list[tuple[datetime, int]], window: timedelta, order: str, steps: list[str] = STEPS) -> int:
    """The furthest step by exhaustive search: every subsequence of positions, every anchor."""
    best = 0
    wanted = [steps.index(name) for name in steps]  # the code each step needs
    if order == "any":
        for t0, c0 in seq:
            if c0 < len(steps):
                inside = [c for t, c in seq if t0 <= t <= t0 + window]
                best = max(best, sum(min(inside.count(c), wanted.count(c)) for c in set(wanted)))
        return best
    for k in range(1, len(steps) + 1):
        for combo in itertools.combinations(range(len(seq)), k):
            if [seq[i][1] for i in combo] != wanted[:k]:
                continue
            if seq[combo[-1]][0] - seq[combo[0]][0] > window:
                continue
            if order == "strict" and any(b != a + 1 for a, b in itertools.pairwise(combo)):
                continue
            best = max(best, k)
    return best


@pytest.mark.parametrize("order", ["ordered", "strict", "any"])
def test_random_event_sets_match_the_brute_force_reference_and_never_increase(order: str) -> None:
    rnd = random.Random(20261121)
    names = [*STEPS, "browse"]
    for _ in range(150):
        window = timedelta(minutes=rnd.choice([0, 5, 10, 30]))
        rows = []
        for person in range(rnd.randint(0, 6)):
            for _event in range(rnd.randint(1, 7)):
                rows.append((f"p{person}", rnd.choice(names), at(minutes=rnd.randint(0, 40))))
        result = compute_funnel(rows, steps=STEPS, window=window, order=order)  # type: ignore[arg-type]
        got = counts(result)
        assert got == sorted(got, reverse=True), "step counts never increase"
        depths = [
            _reference_depth(_sequence([r for r in rows if r[0] == p]), window, order) for p in {r[0] for r in rows}
        ]
        assert got == [sum(1 for d in depths if d > k) for k in range(len(STEPS))]
        for step in result.steps:
            assert 0.0 <= step.conversion_from_previous <= 100.0
            if step.mean_seconds_from_previous is not None:
                assert 0.0 <= step.mean_seconds_from_previous <= window.total_seconds()


@pytest.mark.parametrize("order", ["ordered", "strict", "any"])
@pytest.mark.parametrize(
    "steps", [["visit", "visit", "visit"], ["visit", "signup", "visit"], ["visit", "visit", "signup", "visit"]]
)
def test_random_repeated_step_funnels_match_the_brute_force_reference(order: str, steps: list[str]) -> None:
    rnd = random.Random(f"{order}-{steps}")
    names = ["visit", "signup", "browse"]
    for _ in range(150):
        window = timedelta(minutes=rnd.choice([0, 5, 10, 30]))
        rows = []
        for person in range(rnd.randint(0, 5)):
            for _event in range(rnd.randint(1, 7)):
                rows.append((f"p{person}", rnd.choice(names), at(minutes=rnd.randint(0, 30))))
        got = counts(compute_funnel(rows, steps=steps, window=window, order=order))  # type: ignore[arg-type]
        depths = [
            _reference_depth(_sequence([r for r in rows if r[0] == p], steps), window, order, steps)
            for p in {r[0] for r in rows}
        ]
        assert got == [sum(1 for d in depths if d > k) for k in range(len(steps))]


# --- the same event as several steps ----------------------------------------------------------------------

VIEWS = ["view", "view", "view", "view"]


def test_a_repeated_step_needs_that_many_ordered_occurrences_within_the_window() -> None:
    rows = [("a", "view", at(hours=h)) for h in (0, 1, 2, 3)]  # a: four views in a day -> 4
    rows += [("b", "view", at(hours=h)) for h in (0, 1, 2)]  # b: three -> 3
    # c: anchored on the 0 h view only 3 fit in 24 h (25 h is late); anchored on 2 h, 2/20/25/26 h all fit -> 4
    rows += [("c", "view", at(hours=h)) for h in (0, 2, 20, 25, 26)]
    rows += [("d", "view", at(hours=5)), ("d", "signup", at(hours=6))]  # d: one view -> 1
    result = compute_funnel(rows, steps=VIEWS, window=DAY)
    assert counts(result) == [4, 3, 3, 2]
    # step 2: a 1 h, b 1 h, c 18 h (2 h -> 20 h) -> mean 20 h / 3 = 24000 s, median 1 h
    assert result.steps[1].mean_seconds_from_previous == 24000.0
    assert result.steps[1].median_seconds_from_previous == 3600.0
    # step 4: a 1 h (2 h -> 3 h), c 1 h (25 h -> 26 h)
    assert result.steps[3].mean_seconds_from_previous == 3600.0


def test_repeats_at_one_instant_are_separate_occurrences() -> None:
    rows = [("a", "view", at()), ("a", "view", at()), ("b", "view", at())]
    result = compute_funnel(rows, steps=["view", "view"], window=DAY)
    assert counts(result) == [2, 1]  # a's two views at one instant are two steps; b has one
    assert result.steps[1].mean_seconds_from_previous == 0.0


def test_a_step_repeated_later_in_the_funnel() -> None:
    steps = ["visit", "signup", "visit"]  # a visit again after signing up
    rows = [
        ("a", "visit", at(hours=0)),  # a: visit, signup, visit -> 3
        ("a", "signup", at(hours=1)),
        ("a", "visit", at(hours=2)),
        ("b", "visit", at(hours=0)),  # b: the second visit is before the signup -> 2
        ("b", "visit", at(hours=1)),
        ("b", "signup", at(hours=2)),
        ("c", "signup", at()),  # c: all at one instant: a visit ranks as step 1, before the signup -> 2
        ("c", "visit", at()),
        ("c", "visit", at()),
    ]
    assert counts(compute_funnel(rows, steps=steps, window=DAY)) == [3, 3, 1]
    # strict: a is adjacent (3); b's second visit sits between its first visit and the signup, but anchored on
    # it, visit -> signup is adjacent (2); c: visit, visit, signup -> anchored on the second visit (2)
    assert counts(compute_funnel(rows, steps=steps, window=DAY, order="strict")) == [3, 3, 1]
    # any order: a 3, b 3 (two visits + a signup), c 3
    assert counts(compute_funnel(rows, steps=steps, window=DAY, order="any")) == [3, 3, 3]


def test_strict_and_any_order_with_a_repeated_step() -> None:
    rows = [
        ("a", "view", at(minutes=0)),  # a: a signup between the views
        ("a", "signup", at(minutes=1)),
        ("a", "view", at(minutes=2)),
        ("b", "view", at(minutes=0)),  # b: adjacent views
        ("b", "view", at(minutes=1)),
        ("c", "view", at(minutes=0)),  # c: three views, only two are steps
        ("c", "view", at(minutes=1)),
        ("c", "view", at(minutes=2)),
    ]
    # strict: a 1 (the signup breaks it), b 2, c 2
    assert counts(compute_funnel(rows, steps=["view", "view"], window=DAY, order="strict")) == [3, 2]
    # ordered: all three reach 2
    assert counts(compute_funnel(rows, steps=["view", "view"], window=DAY)) == [3, 3]
    # any order, view twice then a signup: a 3, b 2, c 2
    any_order = compute_funnel(rows, steps=["view", "view", "signup"], window=DAY, order="any")
    assert counts(any_order) == [3, 3, 1]
