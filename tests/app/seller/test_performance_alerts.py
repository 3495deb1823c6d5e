"""The Performance page's alerts section as a seller: the defaults shown, valid thresholds saved, a negative or
non-number threshold answered under its field with nothing stored, and the seller's own alerts listed (never
another seller's)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from components.seller.performance_alerts import VERSION_KEY
from core.db import utcnow
from core.models import Notification, NotificationType, SellerAlertBreach, SellerAlertSettings
from core.sales.alert_evaluation import evaluate_seller_alerts
from core.sales.alert_rules import MSG_DAYS, MSG_NOT_A_NUMBER, MSG_NOT_POSITIVE
from tests.app.conftest import World, logged_in_app, plain

PERFORMANCE_PAGE = "pages/seller/performance.py"
REVENUE_FIELD = "alerts_revenue_drop_percent"
CONVERSION_FIELD = "alerts_min_conversion_percent"
ACOS_FIELD = "alerts_max_acos_percent"
DAYS_FIELD = "alerts_no_sale_days"


def _clean(world: World) -> None:
    with Session(world.engine) as session:
        session.execute(delete(SellerAlertBreach))
        session.execute(delete(Notification).where(Notification.type == NotificationType.PERFORMANCE_ALERT))
        session.execute(delete(SellerAlertSettings))
        session.commit()


@pytest.fixture(autouse=True)
def no_alerts_left(world: World) -> Iterator[None]:
    """The world is shared by the module: every test starts and ends without alert settings or alerts."""
    _clean(world)
    yield
    _clean(world)


def performance_page() -> AppTest:
    at = logged_in_app("maya", "seller", "Maya Lopez").run()
    at.switch_page(PERFORMANCE_PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def v(at: AppTest, name: str) -> str:
    """The widget key of field `name` in the form's current version (a successful save starts a new version)."""
    try:
        version = at.session_state[VERSION_KEY]
    except KeyError:
        version = 0
    return f"{name}_v{version}"


def save(at: AppTest) -> AppTest:
    [button] = [b for b in at.button if b.label == "Save alerts"]
    button.click().run()
    assert not at.exception, at.exception
    return at


def errors_under(at: AppTest, widget_key: str) -> list[str]:
    """The error captions in the column of the field `widget_key` (errors are drawn under their field)."""
    for column in at.columns:
        if widget_key in {w.key for w in column.text_input}:
            return [
                plain(c.value).removeprefix(":red[:material/error: ").removesuffix("]")
                for c in column.caption
                if c.value.startswith(":red[")
            ]
    raise AssertionError(f"no column holds {widget_key}")


def stored(world: World) -> list[SellerAlertSettings]:
    with Session(world.engine) as session:
        return list(session.scalars(select(SellerAlertSettings)))


def test_defaults_are_shown_and_on(world: World) -> None:
    at = performance_page()
    assert [at.text_input(key=v(at, k)).value for k in (REVENUE_FIELD, CONVERSION_FIELD, ACOS_FIELD, DAYS_FIELD)] == [
        "30",
        "1",
        "50",
        "30",
    ]
    assert at.toggle(key=v(at, "alerts_enabled")).value is True
    assert all(at.checkbox(key=v(at, f"alerts_{rule}_on")).value for rule in ("revenue_drop", "low_conversion",
                                                                         "high_acos", "no_sale"))  # fmt: skip
    captions = [plain(c.value) for c in at.caption]
    assert {"Default: 30%", "Default: 1%", "Default: 50%", "Default: 30 days"} <= set(captions)
    assert stored(world) == []


def test_valid_thresholds_are_saved(world: World) -> None:
    at = performance_page()
    at.text_input(key=v(at, REVENUE_FIELD)).input("45.5")
    at.text_input(key=v(at, DAYS_FIELD)).input("60")
    at.checkbox(key=v(at, "alerts_high_acos_on")).uncheck()
    save(at)

    [row] = stored(world)
    assert row.seller_id == world.maya_seller_id
    assert (row.enabled, row.revenue_drop_percent, row.min_conversion_percent, row.max_acos_percent) == (
        True, Decimal("45.50"), Decimal("1.00"), None)  # fmt: skip
    assert row.no_sale_days == 60
    assert "Saved: 3 of 4 alerts on. We check them every morning." in [plain(s.value) for s in at.success]
    # The fields show what is stored; a rule switched off shows its default, ready to switch on again.
    assert (
        at.text_input(key=v(at, REVENUE_FIELD)).value == "45.5" and at.text_input(key=v(at, ACOS_FIELD)).value == "50"
    )
    assert at.checkbox(key=v(at, "alerts_high_acos_on")).value is False


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (REVENUE_FIELD, "-5", MSG_NOT_POSITIVE),
        (CONVERSION_FIELD, "abc", MSG_NOT_A_NUMBER.format(example=1)),
        (ACOS_FIELD, "NaN", MSG_NOT_A_NUMBER.format(example=50)),
        (DAYS_FIELD, "-3", MSG_DAYS),
    ],
    ids=["negative-percent", "words", "nan", "negative-days"],
)
def test_a_bad_threshold_is_answered_under_its_field_and_nothing_is_stored(
    world: World, field: str, typed: str, message: str
) -> None:
    at = performance_page()
    at.text_input(key=v(at, field)).input(typed)
    save(at)

    assert errors_under(at, v(at, field)) == [message]
    others = [k for k in (REVENUE_FIELD, CONVERSION_FIELD, ACOS_FIELD, DAYS_FIELD) if k != field]
    assert all(errors_under(at, v(at, k)) == [] for k in others)
    assert stored(world) == []
    assert not [s for s in at.success if s.value.startswith("Saved")]
    assert at.text_input(key=v(at, field)).value == typed  # what was typed stays, to be corrected


def test_the_sellers_own_alerts_are_listed(world: World) -> None:
    with Session(world.engine) as session:
        evaluate_seller_alerts(session, now=utcnow())  # maya's planner and otto's product never sold (orders)
        session.commit()
        others = session.scalar(select(func.count()).where(SellerAlertBreach.seller_id == world.other_seller_id))
    assert others == 1

    at = performance_page()

    [listed] = [plain(m.value) for m in at.markdown if m.value.startswith("- **")]
    assert listed.startswith("- **“Budget planner” has had no sale in 30 days** · No sale · Since ")
    assert "\n  No sale in the last 30 days: “Budget planner” (no sale since it was" in listed
    assert listed.count("\n- ") == 0 and "“Product " not in listed  # one alert: otto's product stays his
    assert "**Your alerts** · 1 open" in [m.value for m in at.markdown]
