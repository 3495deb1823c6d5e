"""The Performance page's alerts: the seller's alert settings and alerts (read fresh: one primary-key read and one
short indexed list, and the daily job changes the list behind any cache), and the save of the settings in one
transaction."""

from __future__ import annotations

from collections.abc import Mapping

from components.data import clock
from core.db import session_scope
from core.sales.alert_rules import AlertSettings
from core.sales.alerts import AlertView
from core.sales.alerts import alert_settings as load_settings
from core.sales.alerts import save_alert_settings as store_settings
from core.sales.alerts import seller_alerts as load_alerts


def alert_settings(seller_id: str) -> AlertSettings:
    """The seller's thresholds; the defaults when the seller never saved any."""
    with session_scope() as session:
        return load_settings(session, seller_id=seller_id)


def seller_alerts(seller_id: str) -> list[AlertView]:
    """The seller's open alerts and those closed in the last 30 days."""
    with session_scope() as session:
        return load_alerts(session, seller_id=seller_id, today=clock.utc_today())


def save_alert_settings(seller_id: str, values: Mapping[str, object]) -> AlertSettings:
    """Store the form's values; raises `AlertSettingsError` (field -> message) with nothing stored, `LookupError`
    for an unknown seller, or the database's error."""
    with session_scope() as session:
        return store_settings(session, seller_id=seller_id, values=values, now=clock.now())
