"""Conversion funnels computed in the database: the same numbers as the pure `core.analytics.funnels.compute_funnel`
(the reference it is tested against) without loading the events into Python.

`funnel_in_database` answers "of the persons with a step-1 event in [start, end], how far did each get within
`window`" for the orders "ordered" and "strict", with or without an exclusion, with distinct or repeated steps
(the same event as several steps), on PostgreSQL 15 and SQLite >= 3.35. Order "any" is not expressed in SQL:
`funnel_for` computes it with `compute_funnel` (see `SQL_ORDERS`).

How (one statement, window functions only, no per-person loop):

1. Everybody with a step-1 event in [start, end] counts for step 1 (one `DISTINCT` over the (event type, time)
   index). Only persons who also did the step-2 event in [start, end + window] can get further (a step follows
   its anchor, which lies in [start, end]), so only their funnel events (and exclusion events) are read, by
   person from the (person, event type, time) index: on the large data set 13.7 k of the 122 k entrants. With an
   exclusion from step 1 the persons with an exclusion event are read too; when step 2 is step 1's event
   again, every entrant is.
2. Each person's rows are ordered as `compute_funnel` orders them: (time, rank of the name), where the rank is
   the first step with that name, the exclusion event ranking after every step. Rows equal in both are
   interchangeable unless a name is several steps; then the id orders them, the same way in every window
   (without it the rows come from the index alone, no table access).
3. **Ordered:** the chain from an anchor takes, for each next step, the first occurrence of its name strictly
   after the previous step's row (greedy, as the pure path does). Built from the last step backwards: for a row
   that is step k, the times of its chain's steps k+1.. are the chain times of the *first* later row that is
   step k+1. Chains from later rows are never earlier (greedy chains are monotone), so that first row's value
   is the minimum over all later rows: `MIN(...) OVER (ORDER BY position DESC ROWS BETWEEN UNBOUNDED PRECEDING
   AND 1 PRECEDING)`, one growing frame per level, which both databases compute in one pass per person.
   **Strict:** step k+1 must be the very next row, so the chain is `LAG(..., j)` in the same descending order.
   The exclusion is carried the same way: the first exclusion event after the chain's from-step row.
4. An anchor's depth is 1 + the number of chain steps within `window` of it (boundary inclusive); each person's
   best anchor is the deepest, the earliest on ties (`ROW_NUMBER`); then the exclusion rule of `compute_funnel`.
5. The statement returns one row per distinct (depth, excluded, times between steps) with its count: a handful
   of rows for the persons who stopped at step 1, one per converting person otherwise (13 k on the large set),
   and the entrants' count. Times are whole microseconds since the epoch inside the statement, so the seconds
   between steps, their mean and median are exactly the pure path's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from core.analytics.funnels import Exclusion, FunnelOrder, FunnelResult, step_codes, summarise_steps, validate_funnel
from core.db import UTCDateTime, set_local_work_mem
from core.models import AnalyticsEvent

SQL_ORDERS: tuple[str, ...] = ("ordered", "strict")
FUNNEL_WORK_MEM_MB = 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def funnel_in_database(
    session: Session,
    *,
    steps: Sequence[str],
    start: datetime,
    end: datetime,
    window: timedelta,
    order: FunnelOrder = "ordered",
    exclusion: Exclusion | tuple[str, int, int] | None = None,
    labels: Sequence[str] | None = None,
) -> FunnelResult:
    """`compute_funnel` over `analytics_events` in [start, end + window], anchors in [start, end], in one query.

    Equal to `compute_funnel(events, ..., anchors_between=(start, end))` for the orders in `SQL_ORDERS`; any other
    order raises ValueError (the caller computes it in Python)."""
    steps = list(steps)
    exclusion = Exclusion(*exclusion) if exclusion is not None else None
    validate_funnel(steps, window, order, exclusion, labels)
    if order not in SQL_ORDERS:
        raise ValueError(f"order {order!r} is not computed in the database; use one of {', '.join(SQL_ORDERS)}")
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    dialect = session.get_bind().dialect.name
    statement, params = _statement(steps, exclusion, strict=order == "strict", dialect=dialect)
    params |= {
        "lo": start,
        "hi": end,
        "hi_w": end + window,
        "lo_us": _epoch_us(start),
        "hi_us": _epoch_us(end),
        "w_us": window // _MICROSECOND,
    }
    n_steps = len(steps)
    counts = [0] * n_steps
    deltas: list[list[float]] = [[] for _ in range(n_steps)]
    entrants = excluded = 0
    # The entrants' DISTINCT over a month of step-1 events spills to disk with the 4 MB default (issue 13).
    set_local_work_mem(session, FUNNEL_WORK_MEM_MB)
    for depth, is_excluded, *rest in session.execute(statement, params):
        *gaps, how_many = rest
        if depth == 0:  # the entrants row
            entrants = how_many
        elif is_excluded:
            excluded += how_many
        else:
            for k in range(1, depth):
                counts[k] += how_many
                deltas[k].extend([gaps[k - 1] / 1_000_000] * how_many)
    counts[0] = entrants - excluded
    return FunnelResult(
        steps=summarise_steps(steps, list(labels) if labels is not None else steps, counts, deltas),
        window=window,
        order=order,
        excluded_persons=excluded,
    )


def _epoch_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _epoch_us_sql(column: str, dialect: str) -> str:
    """Whole microseconds since 1970 of a timestamp column (UTC), exactly."""
    if dialect == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's format): whole seconds, then the six digits.
    seconds = f"CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER)"
    return f"({seconds} * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER))"


def _statement(
    steps: list[str], exclusion: Exclusion | None, *, strict: bool, dialect: str
) -> tuple[Any, dict[str, Any]]:
    n = len(steps)
    code_of = step_codes(steps)
    code = [code_of[name] for name in steps]
    names = list(code_of)  # distinct step names, in step order
    params: dict[str, Any] = {f"e{i}": name for i, name in enumerate(names)}
    ranks = " ".join(f"WHEN :e{i} THEN {code_of[name]}" for i, name in enumerate(names))
    in_list = [f":e{i}" for i in range(len(names))]
    if exclusion is not None:
        params["x"] = exclusion.event
        in_list.append(":x")
    events = AnalyticsEvent.__tablename__
    entered = (
        f"SELECT DISTINCT person_id FROM {events} "
        "WHERE event_type = :step1 AND occurred_at >= :lo AND occurred_at <= :hi"
    )
    # Who can get past step 1, or be excluded, did the step-2 event (or, with an exclusion from step 1, the
    # exclusion event) in [start, end + window]: few, found in the (event type, time) index alone. Who of them did
    # not enter has no anchor below, so no row; everybody else stops at step 1. When step 2 is step 1's event
    # again, every entrant is read.
    if n > 1 and steps[1] != steps[0]:
        could_move = ":step2, :x" if exclusion is not None and exclusion.from_step == 1 else ":step2"
        pool = (
            f"SELECT DISTINCT person_id FROM {events} "
            f"WHERE event_type IN ({could_move}) AND occurred_at >= :lo AND occurred_at <= :hi_w"
        )
    else:
        pool = entered
    params["step1"], params["step2"] = steps[0], steps[min(1, n - 1)]
    # Rows of one person, one instant and one name are interchangeable unless a name is several steps; then the
    # row's id orders them, the same way in every window. Without it the rows come from the index alone.
    tie = ["id"] if len(code_of) < n else []
    order_by = ", ".join(["t DESC", "c DESC", *(f"{column} DESC" for column in tie)])
    later = f"PARTITION BY p ORDER BY {order_by}"  # descending: "preceding" rows come later in time
    strictly_later = f"{later} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    ev_columns = [
        "e.person_id AS p",
        f"{_epoch_us_sql('e.occurred_at', dialect)} AS t",
        f"CASE e.event_type {ranks} ELSE {n} END AS c",
        *(f"e.{column} AS {column}" for column in tie),
    ]
    ctes = [
        f"pool AS ({pool})",
        f"ev AS (SELECT {', '.join(ev_columns)} FROM {events} e "
        f"WHERE e.event_type IN ({', '.join(in_list)}) AND e.occurred_at >= :lo AND e.occurred_at <= :hi_w "
        "AND e.person_id IN (SELECT person_id FROM pool))",
    ]
    first_exclusion = f"MIN(CASE WHEN c = {n} THEN t END) OVER"  # + the window: the first exclusion event after
    x_level = exclusion.from_step - 1 if exclusion is not None else None
    if strict:
        # chain step j of an anchor = the row j places later (LAG in descending order); x = the first exclusion
        # after the chain's from-step row.
        lags = [f"LAG(c, {j}) OVER ({later}) AS c{j}, LAG(t, {j}) OVER ({later}) AS a{j}" for j in range(1, n)]
        inner = ", ".join(
            [
                "p",
                "t",
                "c",
                *tie,
                *lags,
                *([f"{first_exclusion} ({strictly_later}) AS xn"] if x_level is not None else []),
            ]
        )
        ctes.append(f"s0 AS (SELECT {inner} FROM ev)")
        chain_cols = [f"a{j}" for j in range(1, n)]
        if x_level is not None:
            x_col = "xn" if x_level == 0 else f"LAG(xn, {x_level}) OVER ({later})"
            ctes.append(f"s1 AS (SELECT s0.*, {x_col} AS x FROM s0)")
            source = "s1"
        else:
            source = "s0"
        matches = [f"(CASE WHEN c{j} = {code[j]} AND a{j} - t <= :w_us THEN 1 ELSE 0 END)" for j in range(1, n)]
        depth = " + ".join(["1", *("*".join(matches[:j]) for j in range(1, n))])
    else:
        # Level k holds, for rows that are step k, the times of their chain's steps k+1..n-1 (a{k}_{j}) and the
        # chain's first exclusion event after the from-step (x{k}).
        source = "ev"
        for k in range(n - 2, -1, -1):
            cols = ["p", "t", "c", *tie]
            own = f"c = {code[k]}"
            cols.append(f"CASE WHEN {own} THEN MIN(CASE WHEN c = {code[k + 1]} THEN t END) OVER w END AS a{k}_{k + 1}")
            cols += [f"CASE WHEN {own} THEN MIN(a{k + 1}_{j}) OVER w END AS a{k}_{j}" for j in range(k + 2, n)]
            if x_level is not None and k == x_level:
                cols.append(f"CASE WHEN {own} THEN {first_exclusion} w END AS x{k}")
            elif x_level is not None and k < x_level:
                cols.append(f"CASE WHEN {own} THEN MIN(x{k + 1}) OVER w END AS x{k}")
            ctes.append(f"l{k} AS (SELECT {', '.join(cols)} FROM {source} WINDOW w AS ({strictly_later}))")
            source = f"l{k}"
        if n > 1:
            renames = [f"a0_{j} AS a{j}" for j in range(1, n)] + (["x0 AS x"] if x_level is not None else [])
            ctes.append(f"s1 AS (SELECT {', '.join(['p', 't', 'c', *tie, *renames])} FROM {source})")
            source = "s1"
        chain_cols = [f"a{j}" for j in range(1, n)]
        depth = " + ".join(["1", *(f"(CASE WHEN a{j} - t <= :w_us THEN 1 ELSE 0 END)" for j in range(1, n))])
    kept = ["p", "t", *tie, *chain_cols, *(["x"] if x_level is not None else [])]
    ctes.append(
        f"scored AS (SELECT {', '.join(kept)}, {depth} AS depth FROM {source} "
        f"WHERE c = {code[0]} AND t >= :lo_us AND t <= :hi_us)"
    )
    ctes.append(
        "ranked AS (SELECT scored.*, ROW_NUMBER() OVER "
        f"(PARTITION BY p ORDER BY {', '.join(['depth DESC', 't', *tie])}) AS rn FROM scored)"
    )
    times = ["t", *chain_cols]  # the chain's step times, step 1 first
    if exclusion is not None:
        f, to = exclusion.from_step, exclusion.to_step
        excluded = (
            f"CASE WHEN depth >= {f} AND x IS NOT NULL AND "
            f"((depth >= {to} AND x < {times[to - 1]}) OR (depth < {to} AND x - t <= :w_us)) THEN 1 ELSE 0 END"
        )
    else:
        excluded = "0"
    # microseconds from step j to step j + 1 of the chain, for the steps within the window
    gaps = [f"CASE WHEN depth > {j} THEN {times[j]} - {times[j - 1]} END AS g{j}" for j in range(1, n)]
    gap_names = [f"g{j}" for j in range(1, n)]
    body = (
        f"SELECT {', '.join(['depth', 'excluded', *gap_names, 'COUNT(*)'])} FROM "
        f"(SELECT {', '.join(['depth', f'{excluded} AS excluded', *gaps])} FROM ranked WHERE rn = 1) AS best "
        f"GROUP BY {', '.join(['depth', 'excluded', *gap_names])} "
        f"UNION ALL SELECT {', '.join(['0', '0', *['NULL'] * (n - 1), 'COUNT(*)'])} FROM ({entered}) AS entered"
    )
    statement = text(f"WITH {', '.join(ctes)} {body}").bindparams(
        bindparam("lo", type_=UTCDateTime()),
        bindparam("hi", type_=UTCDateTime()),
        bindparam("hi_w", type_=UTCDateTime()),
    )
    return statement, params
