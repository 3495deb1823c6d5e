"""The Alerts page's reads and writes (admin): the rules (the defaults created on first view), the alert history,
today's alerts for admin Home, edit / switch a rule, acknowledge an alert, and the open-alert count of the admin
menu's badge (cached a few seconds, forgotten by every write here)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.data import clock
from core.db import session_scope
from core.ops import alert_history, alerts
from core.ops.alert_history import AlertView
from core.ops.alerts import RuleView

log = logging.getLogger(__name__)

BADGE_TTL_SECONDS = 5  # read on every run of every admin page: at most one COUNT per 5 seconds per process
HISTORY_LIMIT = 100


@st.cache_data(ttl=BADGE_TTL_SECONDS, show_spinner=False)
def open_alert_count() -> int:
    """Unresolved alerts (open or acknowledged)."""
    with session_scope() as session:
        return alert_history.open_alert_count(session)


def badge_count() -> int:
    """`open_alert_count` for the menu badge; 0 when it cannot be read (a missing badge must never stop the menu)."""
    try:
        return open_alert_count()
    except SQLAlchemyError:
        log.exception("could not count open alerts for the menu badge")
        return 0


def _forget() -> None:
    open_alert_count.clear()


def rules() -> list[RuleView]:
    """Every rule (the seed's defaults are created on first use), uncached: an edit shows at once."""
    with session_scope() as session:
        alerts.ensure_default_rules(session, now=clock.now())
    with session_scope() as session:
        return alerts.list_rules(session)


def history(limit: int = HISTORY_LIMIT) -> list[AlertView]:
    with session_scope() as session:
        return alert_history.alert_history(session, limit=limit)


def todays() -> list[AlertView]:
    with session_scope() as session:
        return alert_history.todays_alerts(session, now=clock.now())


def save_rule(rule_id: str, values: Mapping[str, object], *, user_id: str) -> RuleView:
    """Store an edit (raises `RuleValuesError` with a message per bad field; nothing is stored then)."""
    with session_scope() as session:
        saved = alerts.save_rule(session, rule_id=rule_id, values=values, user_id=user_id, now=clock.now())
    _forget()
    return saved


def set_enabled(rule_id: str, enabled: bool, *, user_id: str) -> None:
    with session_scope() as session:
        alerts.set_rule_enabled(session, rule_id=rule_id, enabled=enabled, user_id=user_id, now=clock.now())
    _forget()


def acknowledge(alert_id: str, *, user_id: str) -> bool:
    with session_scope() as session:
        done = alert_history.acknowledge(session, alert_id=alert_id, user_id=user_id, now=clock.now())
    _forget()
    return done
