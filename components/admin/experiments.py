"""The admin Experiments page's widgets: the table of every experiment (with a definition per figure), the rates
chart, one experiment's detail (cumulative rates, posteriors, interval, verdict, warnings, "Mark winner") and the
create/edit form (errors under the field at fault, nothing saved then; the planned sample size shown as typed).

The form is not an `st.form` on purpose: the planned sample size follows the baseline and MDE as they are typed.
Its widgets' keys carry the experiment's id and stored version (or a counter for a new one), so a saved
experiment's fields restart from what was stored. Saves run in the button's callback, so their errors are drawn
under the fields in the same run.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import streamlit as st

from components.charts import experiments as charts
from components.data import DatabaseError, clock, describe_database_error
from components.data import experiments as data
from components.seller.goals_edit import field_error
from components.ui.empty import empty_state
from components.ui.flash import flash
from components.ui.format import format_count
from components.ui.text import md
from core.accounts import Account
from core.analytics.experiment_counts import ExperimentSummary
from core.analytics.experiment_stats import ExperimentInputError, Verdict, format_p_value, sample_size_per_variant
from core.analytics.experiments import ExperimentValidationError
from core.models import ExperimentStatus, ExperimentWinner
from core.money import format_share, parse_amount

log = logging.getLogger(__name__)

FLASH = "experiments"
ERRORS_KEY = "experiment_errors"
ERRORS_FOR_KEY = "experiment_errors_for"
EDIT_KEY = "experiment_edit"
DETAIL_KEY = "experiment_detail"
WINNER_KEY = "experiment_winner_choice"
NEW_COUNTER_KEY = "experiment_new_form"
NEW = "__new__"
STATUSES = [s.value for s in ExperimentStatus]
WINNER_LABELS = {ExperimentWinner.A.value: "A (control)", ExperimentWinner.B.value: "B (treatment)", "tie": "Tie"}
VERDICT_BOXES = {
    Verdict.TREATMENT_WINS: st.success,
    Verdict.CONTROL_WINS: st.success,
    Verdict.NO_DIFFERENCE: st.info,
    Verdict.NO_WINNER_YET: st.warning,
}

# One line per figure: the table's column help and the "What these numbers mean" expander say the same.
DEFINITIONS: dict[str, str] = {
    "Exposures A": "People whose first view of the experiment's call to action showed variant A (the control).",
    "Exposures B": "People whose first view showed variant B (the treatment).",
    "Rate A": "Conversion rate of A: exposed people who then clicked the call to action, divided by A's exposures.",
    "Rate B": "Conversion rate of B, counted the same way.",
    "Lift": "Relative lift: (rate B − rate A) / rate A. Positive means B converts better.",
    "P(B better)": "Probability that B's true rate is above A's, from both posteriors (uniform prior).",
    "p-value": "Two-sided two-proportion z-test: how surprising the difference is if A and B convert alike. "
    "Only valid at the planned sample size.",
    "SRM": "Sample ratio mismatch: the exposures split too far from 50/50 to be chance (chi-square p < 0.001); "
    "the assignment is broken and no result can be trusted.",
    "Days running": "Days from the start to the end (or to now, while it runs).",
    "Progress": "Exposures of the smaller variant as a share of the planned sample size per variant.",
    "Planned per variant": "Exposures each variant needs to detect the minimum detectable effect over the baseline "
    "rate (5 % significance, 80 % power).",
    "Verdict": "Winner only at the planned size, without SRM, with p < 0.05 and P(B better) above 95 % (or below "
    "5 % for A).",
}


def progress(s: ExperimentSummary) -> float:
    """How far the smaller variant is towards the planned exposures, 0 to 1."""
    return min(min(s.counts.a.exposures, s.counts.b.exposures) / s.planned_per_variant, 1.0)


def table_rows(summaries: list[ExperimentSummary]) -> list[dict[str, Any]]:
    rows = []
    for s in summaries:
        c = s.comparison
        rows.append(
            {
                "Experiment": s.experiment.name,
                "Status": s.experiment.status.value.capitalize(),
                "Progress": progress(s),
                "Verdict": s.decision.verdict.value.capitalize(),
                "Exposures A": c.control_exposures,
                "Exposures B": c.treatment_exposures,
                "Rate A": format_share(c.control_rate, places=2),
                "Rate B": format_share(c.treatment_rate, places=2),
                "Lift": format_share(c.relative_lift, signed=True),
                "P(B better)": format_share(c.probability_treatment_better),
                "p-value": format_p_value(c.p_value),
                "SRM": "Mismatch" if c.srm else ("OK" if c.srm_p_value is not None else "—"),
                "Days running": round(s.days_running, 1),
                "Planned per variant": s.planned_per_variant,
                "Winner": WINNER_LABELS[s.experiment.winner.value] if s.experiment.winner else "",
            }
        )
    return rows


def experiments_table(summaries: list[ExperimentSummary]) -> None:
    config: dict[str, Any] = {name: st.column_config.Column(help=md(text)) for name, text in DEFINITIONS.items()}
    for name in ("Exposures A", "Exposures B", "Planned per variant"):
        config[name] = st.column_config.NumberColumn(help=md(DEFINITIONS[name]), format="localized")
    config["Days running"] = st.column_config.NumberColumn(
        help=md(DEFINITIONS["Days running"]), format="%.1f", width="small"
    )
    config["Progress"] = st.column_config.ProgressColumn(
        help=md(DEFINITIONS["Progress"]), min_value=0.0, max_value=1.0, format="percent"
    )
    st.dataframe(table_rows(summaries), hide_index=True, width="stretch", column_config=config, key="experiments")
    chart = charts.rates_chart(summaries)
    if chart is not None:
        st.caption("Conversion rate of each variant: the gap between the dots is the lift (hover a dot for its counts)")
        st.altair_chart(chart, width="stretch")
    with st.expander("What these numbers mean", icon=":material/help:"):
        st.markdown("\n".join(f"- **{md(name)}**: {md(text)}" for name, text in DEFINITIONS.items()))


def no_experiments() -> None:
    empty_state(
        "No experiment yet. An experiment (an A/B test) shows half of the visitors variant A of a call to action — "
        "the control — and the other half variant B, then compares how many of each click it. Create one with the "
        "form below: name it, describe both variants, and give the baseline conversion rate and the smallest lift "
        "worth detecting; the page works out how many exposures each variant needs.",
        icon=":material/science:",
    )


# ----------------------------------------------------------------------------- one experiment


def _mark_winner(experiment_id: str, choice_key: str) -> None:
    choice = st.session_state.get(choice_key)
    try:
        saved = data.mark_winner(experiment_id, choice)
    except ExperimentValidationError as exc:
        flash(FLASH, md(" ".join(exc.errors.values())), kind="error")
        return
    except (LookupError, DatabaseError):
        log.exception("marking a winner failed")
        flash(FLASH, "We couldn't record the winner. Reload the page and try again.", kind="error")
        return
    flash(FLASH, md(f"Recorded the winner of “{saved.name}”: {WINNER_LABELS[str(choice)]}."))


def _figures(s: ExperimentSummary) -> None:
    c = s.comparison
    interval = (
        "—"
        if c.ci_low is None or c.ci_high is None
        else f"{format_share(c.ci_low, signed=True)} to {format_share(c.ci_high, signed=True)}"
    )
    tiles = (
        ("Rate A", format_share(c.control_rate, places=2), DEFINITIONS["Rate A"]),
        ("Rate B", format_share(c.treatment_rate, places=2), DEFINITIONS["Rate B"]),
        ("Difference B − A", format_share(c.absolute_lift, places=2, signed=True),
         "Rate B minus rate A, in percentage points."),
        (f"{c.confidence:.0%} interval of the difference", interval,
         "Where the true difference B − A lies with this confidence (normal approximation). It includes 0 when the "
         "data cannot tell the variants apart."),
        ("P(B better)", format_share(c.probability_treatment_better), DEFINITIONS["P(B better)"]),
        ("Expected loss of picking B", format_share(c.expected_loss, places=3),
         "How much conversion rate you expect to give up, on average, if you ship B and A is in fact better."),
    )  # fmt: skip
    # Two rows (six tiles in one row cut labels off); the interval, the longest value, gets the widest tile.
    columns = [*st.columns(3), *st.columns([1.6, 1, 1])]
    for column, (label, value, text) in zip(columns, tiles, strict=True):
        column.metric(md(label), md(value), help=md(text))


def detail(summaries: list[ExperimentSummary]) -> None:
    """Pick an experiment; its verdict with reasons, figures, warnings, charts and "Mark winner"."""
    by_id = {s.experiment.id: s for s in summaries}
    if st.session_state.get(DETAIL_KEY) not in by_id:
        st.session_state.pop(DETAIL_KEY, None)
    chosen = st.selectbox("Experiment", list(by_id), format_func=lambda i: by_id[i].experiment.name, key=DETAIL_KEY)
    s = by_id[chosen]
    e = s.experiment
    end = f"{e.end_at:%b %d, %Y} (UTC)" if e.end_at else "no end date"
    st.markdown(
        f"**{md(e.name)}** · {md(e.status.value.capitalize())} · {md(f'{e.start_at:%b %d, %Y} to {end}')} · "
        f"planned {md(format_count(s.planned_per_variant))} exposures per variant"
    )
    if e.hypothesis:
        st.caption(md(f"Hypothesis: {e.hypothesis}"))
    for column, variant, name, cta in zip(
        st.columns(2), ("A (control)", "B (treatment)"), (e.variant_a_name, e.variant_b_name),
        (e.variant_a_cta_text, e.variant_b_cta_text), strict=True,
    ):  # fmt: skip
        column.caption(md(f"{variant}: {name}" + (f" — “{cta}”" if cta else "")))

    verdict = s.decision.verdict
    VERDICT_BOXES[verdict](
        f"**Verdict: {verdict.value.capitalize()}**\n\n" + "\n".join(f"- {md(r)}" for r in s.decision.reasons),
        icon=":material/gavel:",
    )
    st.caption(md(s.decision.note))
    for warning in s.warnings:
        st.warning(md(warning), icon=":material/swap_horiz:")
    _figures(s)

    left, right = st.columns(2)
    with left:
        st.markdown("**Cumulative conversion rate**", help="Each variant's conversion rate so far, by day of first "
                    "exposure. Early lines swing; they settle as exposures accumulate.")  # fmt: skip
        chart = charts.cumulative_chart(s.cumulative)
        if chart is None:
            empty_state("Nobody has been exposed yet.", icon=":material/show_chart:")
        else:
            st.altair_chart(chart, width="stretch")
    with right:
        st.markdown("**Where each true rate likely is**", help="Posterior density of each variant's conversion rate "
                    "(Beta with a uniform prior). The less the areas overlap, the surer the difference.")  # fmt: skip
        st.altair_chart(charts.posterior_chart(s), width="stretch")

    completed = e.status is ExperimentStatus.COMPLETED
    pick, button = st.columns([3, 1], vertical_alignment="bottom")
    current = e.winner.value if e.winner else None
    choice_key = f"{WINNER_KEY}_{e.id}_{e.updated_at:%Y%m%d%H%M%S%f}"  # restarts from the stored winner after a save
    choice = pick.segmented_control(
        "Winner", list(WINNER_LABELS), format_func=WINNER_LABELS.__getitem__, default=current, key=choice_key,
        disabled=not completed,
    )  # fmt: skip
    button.button(
        "Mark winner", icon=":material/emoji_events:", on_click=_mark_winner, args=(e.id, choice_key),
        disabled=not completed or choice is None,
        help=None if completed else "Only a completed experiment has a winner: set its status to completed first.",
    )  # fmt: skip


# ----------------------------------------------------------------------------- create / edit

_VARIANT_FIELDS = (("name", "name"), ("description", "description"), ("cta_text", "call-to-action text"),
                   ("cta_url", "call-to-action link"), ("asset_url", "asset link"))  # fmt: skip
TEXT_FIELDS = (
    "name",
    "hypothesis",
    "baseline_rate",
    "minimum_detectable_effect",
    *(f"variant_{v}_{part}" for v in "ab" for part, _ in _VARIANT_FIELDS),
)


def _version(summary: ExperimentSummary | None) -> str:
    if summary is None:
        return f"new_{st.session_state.get(NEW_COUNTER_KEY, 0)}"
    return f"{summary.experiment.id}_{summary.experiment.updated_at:%Y%m%d%H%M%S%f}"


def _key(field: str, version: str) -> str:
    return f"experiment_{field}_{version}"


def _moment(picked: date | None, stored: datetime | None) -> date | datetime | None:
    """The stored moment when its day was left as it was (a day alone means midnight or the end of the day)."""
    return stored if stored is not None and picked == stored.date() else picked


def _typed(summary: ExperimentSummary | None, version: str) -> dict[str, Any]:
    values: dict[str, Any] = {f: st.session_state.get(_key(f, version), "") for f in TEXT_FIELDS}
    values["status"] = st.session_state.get(_key("status", version))
    stored = summary.experiment if summary else None
    values["start_at"] = _moment(st.session_state.get(_key("start_at", version)), stored and stored.start_at)
    values["end_at"] = _moment(st.session_state.get(_key("end_at", version)), stored and stored.end_at)
    return values


def _save(account: Account, summary: ExperimentSummary | None, version: str) -> None:
    values = _typed(summary, version)
    try:
        if summary is None:
            saved = data.create(values, user_id=account.user_id)
        else:
            saved = data.update(summary.experiment.id, values)
    except ExperimentValidationError as exc:
        st.session_state[ERRORS_KEY], st.session_state[ERRORS_FOR_KEY] = exc.errors, version
        return
    except LookupError:
        flash(FLASH, "This experiment no longer exists. Nothing was changed.", kind="error")
        return
    except DatabaseError as exc:
        log.exception("saving an experiment failed")
        message, icon = describe_database_error(exc, doing="save the experiment")
        flash(FLASH, md(f"{message} Nothing was changed."), kind="error", icon=icon)
        return
    st.session_state.pop(ERRORS_KEY, None)
    if summary is None:  # a fresh, empty form for the next one; the new experiment opens in the detail
        st.session_state[NEW_COUNTER_KEY] = st.session_state.get(NEW_COUNTER_KEY, 0) + 1
        st.session_state[DETAIL_KEY] = saved.id
    flash(FLASH, md(f"Saved “{saved.name}” ({saved.status.value})."))


def _rate_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _planned_size(version: str, errors: dict[str, str]) -> str | None:
    """The planned sample size for the baseline and MDE as typed (a sentence), its errors added to `errors`."""
    baseline = parse_amount(st.session_state.get(_key("baseline_rate", version)))
    mde = parse_amount(st.session_state.get(_key("minimum_detectable_effect", version)))
    if baseline is None or mde is None:
        return None
    try:
        n = sample_size_per_variant(float(baseline), float(mde))
    except ExperimentInputError as exc:
        for field, message in exc.errors.items():
            errors.setdefault(field, message)
        return None
    return (
        f"Planned sample size: **{md(format_count(n))} exposures per variant** ({md(format_count(2 * n))} in all) "
        f"to detect {md(format_share(baseline, places=2))} → {md(format_share(baseline * (1 + mde), places=2))} "
        "with 5 % significance and 80 % power."
    )


def experiment_form(account: Account, summaries: list[ExperimentSummary]) -> None:
    """Choose "New experiment" or one to edit; errors under the fields, nothing saved while any remains."""
    by_id = {s.experiment.id: s for s in summaries}
    if st.session_state.get(EDIT_KEY, NEW) not in (NEW, *by_id):
        st.session_state.pop(EDIT_KEY, None)
    chosen = st.selectbox(
        "Create or edit", [NEW, *by_id], key=EDIT_KEY,
        format_func=lambda i: "New experiment" if i == NEW else f"Edit: {by_id[i].experiment.name}",
    )  # fmt: skip
    summary = by_id.get(chosen)
    e = summary.experiment if summary else None
    version = _version(summary)
    if st.session_state.get(ERRORS_FOR_KEY) != version:
        st.session_state.pop(ERRORS_KEY, None)  # errors belong to the form (and version) they were made on
    errors: dict[str, str] = dict(st.session_state.get(ERRORS_KEY, {}))
    shown: set[str] = set()

    def key(field: str) -> str:
        shown.add(field)
        return _key(field, version)

    def text(field: str, label: str, value: str | None, **kwargs: Any) -> None:
        st.text_input(md(label), value=value or "", key=key(field), **kwargs)
        field_error(errors, field)

    with st.container(border=True):
        name, status = st.columns([3, 1])
        with name:
            text("name", "Name", e.name if e else "", max_chars=120)
        with status:
            st.selectbox("Status", STATUSES, index=STATUSES.index(e.status.value) if e else 0, key=key("status"),
                         format_func=str.capitalize)  # fmt: skip
            field_error(errors, "status")
        st.text_area("Hypothesis", value=e.hypothesis if e else "", key=key("hypothesis"), height=68,
                     placeholder="What do you expect B to change, and why?")  # fmt: skip
        field_error(errors, "hypothesis")
        start, end = st.columns(2)
        with start:
            st.date_input("Start day (UTC)", value=e.start_at.date() if e else clock.utc_today(), key=key("start_at"))
            field_error(errors, "start_at")
        with end:
            st.date_input(
                "End day (UTC, optional)",
                value=e.end_at.date() if e and e.end_at else None,
                key=key("end_at"),
                help="Counts events through the end of this day; empty: up to now.",
            )
            field_error(errors, "end_at")
        for column, v in zip(st.columns(2), "ab", strict=True):
            with column:
                st.markdown(f"**Variant {md(v.upper())}** ({md('control' if v == 'a' else 'treatment')})")
                default = {"a": "Control", "b": "Variant B"}[v]
                for part, label in _VARIANT_FIELDS:
                    field = f"variant_{v}_{part}"
                    value = getattr(e, field) if e else (default if part == "name" else "")
                    text(field, f"Variant {v.upper()} {label}", value)
        baseline, mde = st.columns(2)
        baseline.text_input("Baseline conversion rate (a share: 0.05 = 5 %)", key=key("baseline_rate"),
                            value=_rate_text(e.baseline_rate if e else None), placeholder="0.05")  # fmt: skip
        mde.text_input("Minimum detectable effect (relative: 0.1 = +10 %)", key=key("minimum_detectable_effect"),
                       value=_rate_text(e.minimum_detectable_effect if e else None), placeholder="0.1")  # fmt: skip
        planned = _planned_size(version, errors)
        with baseline:
            field_error(errors, "baseline_rate")
        with mde:
            field_error(errors, "minimum_detectable_effect")
        if planned:
            st.markdown(planned)
        st.button("Create experiment" if e is None else "Save changes", type="primary", icon=":material/save:",
                  on_click=_save, args=(account, summary, version), key=f"experiment_save_{version}")  # fmt: skip
    saved_errors = st.session_state.get(ERRORS_KEY)
    if saved_errors:
        others = [message for field, message in saved_errors.items() if field not in shown]
        st.error(md(" ".join(["Nothing was saved: fix the fields marked above.", *others])), icon=":material/error:")
