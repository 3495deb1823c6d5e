"""Admin Alerts page (AppTest, clock pinned): the default rules listed, an edit with a bad threshold and a zero
window refused next to the fields (the typed values stay, nothing stored), a good edit saved, an open alert
acknowledged; a seller cannot open the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import streamlit as st
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.shell import navigation
from core.config import PROJECT_ROOT
from core.models import AlertRule, AlertStatus, AnalyticsEvent, Notification, OperatorAlert
from core.ops.alert_rules import MSG_NEGATIVE, MSG_NOT_A_NUMBER, MSG_WINDOW
from core.ops.alerts import ensure_default_rules, evaluate_alert_rules
from tests.app.conftest import RUN_TIMEOUT, World, logged_in_app, pin_clock, plain

PAGE = "pages/admin/alerts.py"
NOW = datetime(2026, 12, 7, 9, 30, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    pin_clock(monkeypatch, NOW)
    yield
    with Session(world.engine) as session:  # leave the shared world as it was
        session.execute(delete(OperatorAlert))
        session.execute(delete(AlertRule))
        session.execute(delete(AnalyticsEvent).where(AnalyticsEvent.event_type == "webhook_failed"))
        session.execute(delete(Notification).where(Notification.link == "/alerts"))
        session.commit()


def open_page() -> AppTest:
    at = logged_in_app("admin", "admin", "Ada Admin").run()
    at.switch_page(PAGE)
    return at.run()


def field(at: AppTest, label: str):
    """The rule form's text field whose label starts with `label` (the keys carry the rule's id and version)."""
    (widget,) = [w for w in at.text_input if plain(w.label).startswith(label)]
    return widget


def error_captions(at: AppTest) -> list[str]:
    return [plain(c.value) for c in at.caption if ":red[" in c.value]


def test_rules_listed_and_a_bad_edit_refused_next_to_the_fields(world: World) -> None:
    at = open_page()
    assert not at.exception
    assert [t.value for t in at.title] == ["Alerts"]
    table = at.dataframe[0].value
    assert list(table["Rule"]) == [
        "E-mail bounce rate", "E-mail outbox backlog", "Late jobs", "Oldest queued e-mail", "Webhook failures",
    ]  # fmt: skip
    assert "Bounce rate above 2% (over 7 days)" in list(table["Condition"])

    at.selectbox(key="alert_rule_chosen").set_value(
        next(r.id for r in _rules(world) if r.key == "webhook-failures")
    ).run()
    field(at, "Threshold").set_value("-3")
    field(at, "Window").set_value("0")
    _submit(at)
    assert not at.exception
    assert error_captions(at) == [f":red[:material/error: {MSG_NEGATIVE}]", f":red[:material/error: {MSG_WINDOW}]"]
    # What was typed stays in the fields; nothing was stored.
    assert field(at, "Threshold").value == "-3"
    rule = next(r for r in _rules(world) if r.key == "webhook-failures")
    assert (rule.threshold, rule.window_minutes) == (Decimal("5"), 15)

    field(at, "Threshold").set_value("NaN")
    field(at, "Window").set_value("30")
    _submit(at)
    assert error_captions(at) == [f":red[:material/error: {MSG_NOT_A_NUMBER}]"]

    field(at, "Threshold").set_value("10")
    _submit(at)
    assert not at.exception and error_captions(at) == []
    rule = next(r for r in _rules(world) if r.key == "webhook-failures")
    assert (rule.threshold, rule.window_minutes) == (Decimal("10"), 30)
    assert any("Saved “Webhook failures” (on)" in plain(s.value) for s in at.success)


def test_an_open_alert_is_acknowledged(world: World) -> None:
    with Session(world.engine) as session:
        ensure_default_rules(session, now=NOW)
        for i in range(6):
            session.add(AnalyticsEvent(person_id="system", event_type="webhook_failed",
                                       occurred_at=NOW - timedelta(minutes=1, seconds=i), properties={}))  # fmt: skip
        evaluate_alert_rules(session, now=NOW)
        session.commit()
    at = open_page()
    assert not at.exception
    (ack,) = [b for b in at.button if b.label == "Acknowledge"]
    ack.click()
    at.run()
    assert not at.exception
    assert [b for b in at.button if b.label == "Acknowledge"] == []
    with Session(world.engine) as session:
        (status,) = session.scalars(select(OperatorAlert.status))
    assert status == AlertStatus.ACKNOWLEDGED


def menu_title(at: AppTest, url_path: str) -> str:
    # AppTest keeps the pages st.navigation registered (title as `page_name`); there is no public accessor.
    return next(p["page_name"] for p in at._registered_pages.values() if p.get("url_pathname") == url_path)


def test_the_menu_badge_counts_unresolved_alerts_and_home_lists_todays(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page()
    assert menu_title(at, "alerts") == "Alerts"  # no badge at 0
    with Session(world.engine) as session:
        ensure_default_rules(session, now=NOW)
        for i in range(7):
            session.add(AnalyticsEvent(person_id="system", event_type="webhook_failed",
                                       occurred_at=NOW - timedelta(minutes=2, seconds=i), properties={}))  # fmt: skip
        evaluate_alert_rules(session, now=NOW)
        session.commit()
    st.cache_data.clear()  # what the menu cached a moment ago (the app re-reads within BADGE_TTL_SECONDS)
    at = open_page()
    assert menu_title(at, "alerts") == "Alerts :red-badge[1]"

    def home_section() -> None:
        from components.admin.todays_alerts import render_todays_alerts
        from components.data import use_database
        from core.config import get_settings

        use_database(get_settings().database_url)
        render_todays_alerts()

    # Drawn alone, outside the app's menu: no page to link to (Admin Home, inside the menu, adds "Open Alerts").
    monkeypatch.setattr(navigation, "_SCRIPTS", {})
    home = AppTest.from_function(home_section, default_timeout=RUN_TIMEOUT).run()
    assert not home.exception
    assert [plain(m.value) for m in home.markdown] == [
        ":red-badge[Critical] **Webhook failures** · 7 events · open since Dec 07, 09:30"
    ]


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


def _rules(world: World) -> list[AlertRule]:
    with Session(world.engine) as session:
        return list(session.scalars(select(AlertRule)))


def _submit(at: AppTest) -> None:
    (button,) = [b for b in at.button if b.label == "Save rule"]
    button.click()
    at.run()


def test_the_form_starts_from_the_stored_rule_and_a_save_refreshes_it(world: World) -> None:
    """Every field shows the chosen rule as stored (switch, comparison, severity and both notifications too, not
    their widgets' defaults); after a save the form shows what was saved."""
    at = open_page()
    bounce = next(r for r in _rules(world) if r.key == "bounce-rate")
    at.selectbox(key="alert_rule_chosen").set_value(bounce.id).run()
    assert [t.value for t in at.toggle] == [bounce.enabled] == [True]
    assert [s.value for s in at.selectbox if s.label in ("Comparison", "Severity")] == [">", "critical"]
    assert [(c.label, c.value) for c in at.checkbox] == [("Notify admins in the app", True), ("E-mail admins", True)]
    assert (field(at, "Threshold").value, field(at, "Window").value) == ("2", "10080")

    at.toggle[0].set_value(False)
    at.checkbox[1].set_value(False)
    field(at, "Threshold").set_value("3.5")
    _submit(at)
    assert not at.exception and error_captions(at) == []
    stored = next(r for r in _rules(world) if r.key == "bounce-rate")
    assert (stored.enabled, stored.notify_email, stored.threshold) == (False, False, Decimal("3.5"))
    assert [t.value for t in at.toggle] == [False]
    assert [(c.label, c.value) for c in at.checkbox] == [("Notify admins in the app", True), ("E-mail admins", False)]
    assert field(at, "Threshold").value == "3.5"
