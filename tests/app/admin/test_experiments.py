"""Admin Experiments page (AppTest, clock pinned) on a hand-built set of experiments and events: the table shows
`summary(...)`'s figures for each experiment (exposures worked out by hand), the detail shows the verdict with its
reasons and the switcher warning, a bad form (end before start, MDE 0, a duplicate name) is answered next to the
fields and writes nothing, the planned sample size follows what is typed, a good form creates, "Mark winner" works
only on a completed experiment, the empty state explains experiments, and a seller is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.ui.text import md
from core.analytics.experiment_counts import ExperimentSummary, summary
from core.analytics.experiment_stats import format_p_value, sample_size_per_variant
from core.analytics.experiments import create_experiment
from core.config import PROJECT_ROOT
from core.models import AnalyticsEvent, Experiment, ExperimentWinner, User
from core.money import format_share
from tests.app.conftest import RUN_TIMEOUT, World, logged_in_app, pin_clock, plain
from tests.factories import add_event

PAGE = "pages/admin/experiments.py"
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
X_START, X_END = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC)
Y_START = datetime(2026, 11, 30, tzinfo=UTC)
H, D = timedelta(hours=1), timedelta(days=1)
Y_NAME = "Pricing <b>banner</b> [x](https://e.example)"  # typed text, shown as typed


def _values(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Hero CTA",
        "hypothesis": "A shorter call to action gets more clicks.",
        "status": "completed",
        "start_at": X_START,
        "end_at": X_END,
        "variant_a_name": "Control",
        "variant_a_cta_text": "Start selling today",
        "variant_b_name": "Short",
        "variant_b_cta_text": "Start",
        "baseline_rate": "0.1",
        "minimum_detectable_effect": "0.2",
    }
    return values | changes


def _view(session: Session, person: str, exp: Experiment, variant: str, at: datetime) -> None:
    add_event(session, person_id=person, event_type="campaign_view", occurred_at=at, experiment_id=exp.id,
              variant=variant)  # fmt: skip


def _click(session: Session, person: str, exp: Experiment, at: datetime) -> None:
    add_event(session, person_id=person, event_type="cta_clicked", occurred_at=at, experiment_id=exp.id)


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch, world: World) -> Iterator[None]:
    pin_clock(monkeypatch, NOW)
    yield
    with Session(world.engine) as session:  # leave the shared world as it was
        session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.event_type.in_(["campaign_view", "cta_clicked"])))
        session.execute(delete(Experiment))
        session.commit()


@pytest.fixture
def experiments(world: World) -> dict[str, str]:
    """X "Hero CTA" (completed, Nov 20-28): A exposed p1..p4, p1 and p2 convert; B exposed p5..p7, all convert,
    p7 also saw A (a switcher, stays in B); p8 is seen after the end (not counted). Y "Pricing <b>banner</b>"
    (running, no end): A exposed q1, B exposed q2 who converts. Z (a draft) has no events."""
    with Session(world.engine) as session:
        admin_id = session.scalar(select(User.id).where(User.username == "admin"))
        x = create_experiment(session, values=_values(), created_by=admin_id, now=NOW)
        y_values = _values(name=Y_NAME, status="running", start_at=Y_START, end_at=None)
        y = create_experiment(session, values=y_values, created_by=admin_id, now=NOW)
        z_values = _values(name="Empty draft", status="draft", start_at=NOW + D, end_at=None)
        z = create_experiment(session, values=z_values, created_by=admin_id, now=NOW)
        for i, person in enumerate(("p1", "p2", "p3", "p4")):
            _view(session, person, x, "A", X_START + (i + 1) * H)
        _click(session, "p1", x, X_START + 5 * H)
        _click(session, "p2", x, X_START + D)
        for i, person in enumerate(("p5", "p6", "p7")):
            _view(session, person, x, "B", X_START + 2 * D + i * H)
            _click(session, person, x, X_START + 2 * D + (i + 1) * H)
        _view(session, "p7", x, "A", X_START + 3 * D)  # the switcher
        _view(session, "p8", x, "B", X_END + H)  # after the end
        _view(session, "q1", y, "A", Y_START + H)
        _view(session, "q2", y, "B", Y_START + 2 * H)
        _click(session, "q2", y, Y_START + 3 * H)
        session.commit()
        return {"x": x.id, "y": y.id, "z": z.id}


def _summaries(world: World, ids: dict[str, str]) -> dict[str, ExperimentSummary]:
    with Session(world.engine) as session:
        return {k: summary(session, experiment_id=i, now=NOW) for k, i in ids.items()}


def open_page(username: str = "admin") -> AppTest:
    at = logged_in_app(username, "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def field(at: AppTest, label: str):
    (widget,) = [w for w in [*at.text_input, *at.date_input] if plain(w.label).startswith(label)]
    return widget


def error_captions(at: AppTest) -> list[str]:
    return [plain(c.value) for c in at.caption if ":red[" in c.value]


def _count(world: World) -> int:
    with Session(world.engine) as session:
        return session.scalar(select(func.count()).select_from(Experiment)) or 0


def _click_button(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click()
    return at.run()


def test_the_table_shows_each_experiments_summary(world: World, experiments: dict[str, str]) -> None:
    at = open_page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Experiments"]
    table = at.dataframe[0].value
    summaries = _summaries(world, experiments)
    # Hand-counted exposures (A, B) first: the summaries agree with them.
    assert [(s.counts.a.exposures, s.counts.b.exposures) for s in summaries.values()] == [(4, 3), (1, 1), (0, 0)]
    assert summaries["x"].counts.switchers == 1
    # Newest start first: Z (Dec 8), Y (Nov 30), X (Nov 20). Names are shown as typed.
    assert list(table["Experiment"]) == ["Empty draft", Y_NAME, "Hero CTA"]
    for (_, row), key in zip(table.iterrows(), ("z", "y", "x"), strict=True):
        s, c = summaries[key], summaries[key].comparison
        assert row["Status"] == s.experiment.status.value.capitalize()
        assert (row["Exposures A"], row["Exposures B"]) == (c.control_exposures, c.treatment_exposures)
        assert row["Rate A"] == format_share(c.control_rate, places=2)
        assert row["Rate B"] == format_share(c.treatment_rate, places=2)
        assert row["Lift"] == format_share(c.relative_lift, signed=True)
        assert row["P(B better)"] == format_share(c.probability_treatment_better)
        assert row["p-value"] == format_p_value(c.p_value)
        assert row["SRM"] == ("Mismatch" if c.srm else "OK" if c.srm_p_value is not None else "—")
        assert row["Days running"] == round(s.days_running, 1)
        assert row["Planned per variant"] == s.planned_per_variant == sample_size_per_variant(0.1, 0.2)
        expected_progress = min(c.control_exposures, c.treatment_exposures) / s.planned_per_variant
        assert row["Progress"] == pytest.approx(expected_progress)
        assert row["Verdict"] == s.decision.verdict.value.capitalize()
    x_row = table.iloc[2]
    assert (x_row["Rate A"], x_row["Rate B"], x_row["Lift"]) == ("50.00%", "100.00%", "+100.0%")
    assert x_row["Days running"] == 8.0
    assert x_row["Verdict"] == "No winner yet"
    # Every figure has its definition a person can open.
    (expander,) = [e for e in at.expander if e.label == "What these numbers mean"]
    assert "Sample ratio mismatch" in expander.markdown[0].value
    assert at.get("vega_lite_chart"), "the rates chart"


def test_the_detail_shows_the_verdict_reasons_and_warnings(world: World, experiments: dict[str, str]) -> None:
    at = open_page()
    at.selectbox(key="experiment_detail").set_value(experiments["x"]).run()
    assert not at.exception
    s = _summaries(world, experiments)["x"]
    (box,) = at.warning[:1]
    text = plain(box.value)
    assert text.startswith("**Verdict: No winner yet**")
    for reason in s.decision.reasons:
        assert f"- {reason}" in text
    assert [plain(w.value) for w in at.warning[1:]] == list(s.warnings)
    assert "1 person saw both variants" in s.warnings[0]
    assert any(plain(c.value) == s.decision.note for c in at.caption)
    metrics = {plain(m.label): plain(m.value) for m in at.metric}
    lo, hi = s.comparison.ci_low, s.comparison.ci_high
    interval = f"{format_share(lo, signed=True)} to {format_share(hi, signed=True)}"
    assert metrics["95% interval of the difference"] == interval
    assert metrics["Difference B − A"] == "+50.00%"
    specs = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert len(specs) == 3  # rates, cumulative line, posterior areas
    assert '"line"' in specs[1] and '"area"' in specs[2]
    # A name typed with markup is shown as typed: escaped in the detail's Markdown.
    at.selectbox(key="experiment_detail").set_value(experiments["y"]).run()
    assert any(m.value.startswith(f"**{md(Y_NAME)}** · Running") for m in at.markdown)
    assert not any("<b>" in m.value or "](https" in m.value for m in at.markdown)


def test_a_bad_form_is_refused_next_to_the_fields_and_writes_nothing(world: World, experiments: dict) -> None:
    at = open_page()
    before = _count(world)
    field(at, "Name").set_value("hero cta")  # the same name in another case
    field(at, "Start day").set_value(date(2026, 12, 10))
    field(at, "End day").set_value(date(2026, 12, 1))
    field(at, "Baseline conversion rate").set_value("0.05")
    field(at, "Minimum detectable effect").set_value("0")
    at.run()
    mde_message = "The minimum detectable effect must be a relative change above 0 and below 10 (1000 %), got 0.0."
    # Shown live, before any save: the planned size cannot be worked out.
    assert error_captions(at) == [f":red[:material/error: {mde_message}]"]
    at = _click_button(at, "Create experiment")
    assert not at.exception
    assert error_captions(at) == [
        ":red[:material/error: An experiment named “Hero CTA” already exists: pick another name.]",
        ":red[:material/error: The end must be after the start.]",
        f":red[:material/error: {mde_message}]",
    ]
    assert _count(world) == before
    assert field(at, "Name").value == "hero cta"  # what was typed stays
    assert any("Nothing was saved" in plain(e.value) for e in at.error)

    # Fixed: the planned size is shown as typed, and the experiment is created.
    field(at, "Name").set_value("Checkout button")
    field(at, "End day").set_value(date(2026, 12, 20))
    field(at, "Minimum detectable effect").set_value("0.2")
    at.run()
    n = sample_size_per_variant(0.05, 0.2)
    assert any(f"{n:,} exposures per variant" in plain(m.value) for m in at.markdown)
    at = _click_button(at, "Create experiment")
    assert not at.exception and error_captions(at) == []
    assert _count(world) == before + 1
    assert any("Saved “Checkout button” (draft)" in plain(s.value) for s in at.success)


def test_mark_winner_only_on_a_completed_experiment(world: World, experiments: dict[str, str]) -> None:
    at = open_page()
    at.selectbox(key="experiment_detail").set_value(experiments["y"]).run()
    (button,) = [b for b in at.button if b.label == "Mark winner"]
    assert button.disabled
    assert at.button_group[0].disabled

    at.selectbox(key="experiment_detail").set_value(experiments["x"]).run()
    at.button_group[0].set_value("B").run()
    at = _click_button(at, "Mark winner")
    assert not at.exception
    with Session(world.engine) as session:
        assert session.get(Experiment, experiments["x"]).winner is ExperimentWinner.B
        assert session.get(Experiment, experiments["y"]).winner is None
    assert list(at.dataframe[0].value["Winner"]) == ["", "", "B (treatment)"]


def test_no_experiment_shows_what_one_is() -> None:
    at = open_page()
    assert not at.exception
    assert not at.dataframe
    assert any("An experiment (an A/B test)" in i.value for i in at.info)
    assert [b.label for b in at.button if b.label == "Create experiment"] == ["Create experiment"]


def test_a_seller_cannot_reach_the_page() -> None:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def test_the_page_itself_stops_a_seller() -> None:
    at = AppTest.from_file(str(PROJECT_ROOT / PAGE), default_timeout=RUN_TIMEOUT)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "maya"
    at.session_state["roles"] = ["seller"]
    at.run()
    assert [e.value for e in at.error] == ["This page is only for admins."]
    assert not at.dataframe and not at.button and not at.text_input
