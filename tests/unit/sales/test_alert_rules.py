"""Seller alerts' pure rules: the settings form's parsing (every bad value answered per field), each rule's
predicate on hand numbers at and around its threshold, the cut-off of the no-sale rule, and the alert words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.sales.alert_rules import (
    DEFAULT_SETTINGS,
    HIGH_ACOS,
    LOW_CONVERSION,
    MSG_DAYS,
    MSG_MISSING,
    MSG_NOT_POSITIVE,
    MSG_TOO_MANY_DECIMALS,
    NO_SALE,
    REVENUE_DROP,
    RULES_BY_KEY,
    AlertSettings,
    StaleProduct,
    breach_text,
    high_acos_text,
    is_high_acos,
    is_low_conversion,
    is_revenue_drop,
    low_conversion_text,
    msg_too_large,
    no_sale_cutoff,
    no_sale_text,
    parse_alert_settings,
    percent_text,
    revenue_drop_text,
)

D = Decimal
GOOD = {
    "enabled": True,
    "revenue_drop_percent": "25",
    "min_conversion_percent": 1.5,
    "max_acos_percent": D("80.25"),
    "no_sale_days": 45,
}


# ---------------------------------------------------------------- parsing


def test_good_values_parse_to_settings() -> None:
    settings = parse_alert_settings(GOOD)
    assert settings == AlertSettings(
        enabled=True,
        revenue_drop_percent=D("25.00"),
        min_conversion_percent=D("1.50"),
        max_acos_percent=D("80.25"),
        no_sale_days=45,
        saved=True,
    )


def test_a_rule_switched_off_stores_no_threshold_and_its_field_is_not_checked() -> None:
    raw = GOOD | {"high_acos_on": False, "max_acos_percent": "garbage", "no_sale_on": False}
    settings = parse_alert_settings(raw)
    assert isinstance(settings, AlertSettings)
    assert settings.max_acos_percent is None and settings.no_sale_days is None
    assert settings.threshold(HIGH_ACOS) is None and settings.threshold(REVENUE_DROP) == D("25.00")


def test_alerts_switched_off_keep_thresholds_but_none_applies() -> None:
    settings = parse_alert_settings(GOOD | {"enabled": False})
    assert isinstance(settings, AlertSettings)
    assert settings.revenue_drop_percent == D("25.00")
    assert [settings.threshold(rule) for rule in RULES_BY_KEY] == [None, None, None, None]


def test_defaults_are_on_with_the_documented_thresholds() -> None:
    assert DEFAULT_SETTINGS.saved is False
    assert DEFAULT_SETTINGS.threshold(REVENUE_DROP) == D("30")
    assert DEFAULT_SETTINGS.threshold(LOW_CONVERSION) == D("1")
    assert DEFAULT_SETTINGS.threshold(HIGH_ACOS) == D("50")
    assert DEFAULT_SETTINGS.threshold(NO_SALE) == 30


NUMBER_MSG = "Enter a number, like {}."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("revenue_drop_percent", "-5", MSG_NOT_POSITIVE),
        ("revenue_drop_percent", 0, MSG_NOT_POSITIVE),
        ("revenue_drop_percent", "100", msg_too_large(RULES_BY_KEY[REVENUE_DROP])),
        ("revenue_drop_percent", float("nan"), NUMBER_MSG.format(30)),
        ("revenue_drop_percent", "NaN", NUMBER_MSG.format(30)),
        ("revenue_drop_percent", float("inf"), NUMBER_MSG.format(30)),
        ("revenue_drop_percent", "-Infinity", NUMBER_MSG.format(30)),
        ("revenue_drop_percent", "thirty", NUMBER_MSG.format(30)),
        ("revenue_drop_percent", "３０", NUMBER_MSG.format(30)),  # full-width digits are not ASCII digits
        ("revenue_drop_percent", True, NUMBER_MSG.format(30)),
        ("revenue_drop_percent", "  ", MSG_MISSING),
        ("revenue_drop_percent", None, MSG_MISSING),
        ("min_conversion_percent", "1.005", MSG_TOO_MANY_DECIMALS),
        ("min_conversion_percent", "100.01", msg_too_large(RULES_BY_KEY[LOW_CONVERSION])),
        ("min_conversion_percent", -0.5, MSG_NOT_POSITIVE),
        ("max_acos_percent", "1000.01", msg_too_large(RULES_BY_KEY[HIGH_ACOS])),
        ("max_acos_percent", "abc", NUMBER_MSG.format(50)),
        ("no_sale_days", 0, MSG_DAYS),
        ("no_sale_days", 366, MSG_DAYS),
        ("no_sale_days", "-3", MSG_DAYS),
        ("no_sale_days", 2.5, MSG_DAYS),
        ("no_sale_days", "a week", NUMBER_MSG.format(30)),
    ],
)
def test_a_bad_value_gets_its_message_on_its_field_only(field: str, value: object, message: str) -> None:
    assert parse_alert_settings(GOOD | {field: value}) == {field: message}


def test_several_bad_fields_each_get_a_message() -> None:
    errors = parse_alert_settings(GOOD | {"revenue_drop_percent": "-1", "no_sale_days": "400"})
    assert errors == {"revenue_drop_percent": MSG_NOT_POSITIVE, "no_sale_days": MSG_DAYS}


def test_messages_name_the_bounds() -> None:
    assert msg_too_large(RULES_BY_KEY[REVENUE_DROP]) == "Enter a percent below 100."
    assert msg_too_large(RULES_BY_KEY[LOW_CONVERSION]) == "Enter at most 100%."
    assert msg_too_large(RULES_BY_KEY[HIGH_ACOS]) == "Enter at most 1,000%."
    assert MSG_DAYS == "Enter a whole number of days from 1 to 365."


@pytest.mark.parametrize(
    ("value", "parsed"), [("99.99", D("99.99")), ("0.01", D("0.01")), (" 12.5 % ", D("12.50")), (12, D("12.00"))]
)
def test_edges_that_are_accepted(value: object, parsed: Decimal) -> None:
    settings = parse_alert_settings(GOOD | {"revenue_drop_percent": value, "no_sale_days": "365"})
    assert isinstance(settings, AlertSettings)
    assert settings.revenue_drop_percent == parsed and settings.no_sale_days == 365


# ---------------------------------------------------------------- predicates on hand numbers


def test_revenue_drop_breaches_above_the_threshold_only() -> None:
    # $200 the week before (10 orders): a 40 % drop to $120 breaches 30 %, exactly 30 % ($140) does not.
    assert is_revenue_drop(D("120"), D("200"), 10, D("30"))
    assert not is_revenue_drop(D("140"), D("200"), 10, D("30"))
    assert is_revenue_drop(D("139.99"), D("200"), 10, D("30"))  # 30.005 %
    assert not is_revenue_drop(D("250"), D("200"), 10, D("30"))  # growth


def test_revenue_drop_needs_enough_orders_and_revenue_the_week_before() -> None:
    assert not is_revenue_drop(D("0"), D("200"), 4, D("30"))  # 4 orders
    assert not is_revenue_drop(D("0"), D("49.99"), 20, D("30"))  # under $50
    assert is_revenue_drop(D("0"), D("50"), 5, D("30"))  # both minimums met exactly


def test_low_conversion_breaches_under_the_threshold_with_enough_visits() -> None:
    assert is_low_conversion(9, 1000, D("1"))  # 0.9 %
    assert not is_low_conversion(10, 1000, D("1"))  # exactly 1 %
    assert not is_low_conversion(0, 99, D("1"))  # too few visits to say
    assert is_low_conversion(0, 100, D("1"))
    assert is_low_conversion(2, 100, D("2.5"))


def test_high_acos_breaches_over_the_threshold_and_when_ads_brought_nothing() -> None:
    assert is_high_acos(D("60"), D("100"), D("50"))  # 60 %
    assert not is_high_acos(D("50"), D("100"), D("50"))  # exactly 50 %
    assert is_high_acos(D("12"), D("0"), D("50"))  # spend, no attributed revenue
    assert not is_high_acos(D("9.99"), D("0"), D("50"))  # too little spend to say
    assert is_high_acos(D("10"), D("19.99"), D("50"))  # 50.03 %


def test_no_sale_cutoff_is_the_start_of_the_day_n_days_ago() -> None:
    assert no_sale_cutoff(date(2026, 11, 21), 30) == datetime(2026, 10, 22, tzinfo=UTC)
    assert no_sale_cutoff(date(2026, 3, 1), 1) == datetime(2026, 2, 28, tzinfo=UTC)


# ---------------------------------------------------------------- words


def test_percent_text_shows_the_decimals_it_needs() -> None:
    assert [percent_text(v) for v in (D("30.00"), D("1.50"), D("0.75"), 12, None)] == [
        "30%",
        "1.5%",
        "0.75%",
        "12%",
        "—",
    ]


def test_alert_words_carry_the_numbers() -> None:
    text = revenue_drop_text(D("1234"), D("2128"), D("30"))
    assert text.title == "Revenue down 42% week over week"  # 894 / 2128 = 42.01 %
    assert text.body == (
        "Revenue $1,234 in the last 7 days, down 42% from $2,128 in the 7 days before "
        "(your alert: a drop of more than 30%)."
    )
    conversion = low_conversion_text(9, 1200, D("1"))
    assert conversion.body == "Conversion 0.75% in the last 7 days: 9 orders from 1,200 visits (your alert: under 1%)."
    acos = high_acos_text(D("340"), D("400"), D("50"))
    assert acos.title == "Ad cost (ACOS) at 85%"
    assert "$340 of ad spend for $400 of revenue from the ads" in acos.body
    nothing = high_acos_text(D("120"), D("0"), D("50"))
    assert nothing.title == "Your ads brought no sales"
    assert nothing.body.startswith("$120 of ad spend in the last 7 days and no revenue attributed to the ads")


def test_no_sale_words_name_three_products_and_count_the_rest() -> None:
    products = [
        StaleProduct("p1", "Alpha", date(2026, 1, 15), date(2026, 9, 2)),
        StaleProduct("p2", "Beta", date(2026, 3, 1), None),
        StaleProduct("p3", "Gamma", date(2026, 1, 15), None),
        StaleProduct("p4", "Delta", date(2026, 1, 15), None),
    ]
    text = no_sale_text(products, 30)
    assert text.title == "4 products have had no sale in 30 days"
    assert text.body.startswith(
        "No sale in the last 30 days: “Alpha” (last sale Sep 2, 2026); “Beta” (no sale since it was published on "
        "Mar 1, 2026); “Gamma” (no sale since it was published on Jan 15, 2026); and 1 more."
    )
    assert no_sale_text(products[:1], 45).title == "“Alpha” has had no sale in 45 days"


def test_breach_text_from_stored_numbers_is_the_notification_text() -> None:
    numbers = {"revenue": "120.00", "previous_revenue": "200.00", "orders": 6, "previous_orders": 10,
               "threshold": "30.00"}  # fmt: skip
    assert breach_text(REVENUE_DROP, numbers) == revenue_drop_text(D("120"), D("200"), D("30"))
    stored = {"published_on": "2026-01-15", "last_sale_on": "2026-09-02", "threshold": "30"}
    alone = StaleProduct("p1", "Alpha", date(2026, 1, 15), date(2026, 9, 2))
    assert breach_text(NO_SALE, stored, product_id="p1", product_title="Alpha") == no_sale_text([alone], 30)
    with pytest.raises(ValueError, match="unknown alert rule"):
        breach_text("nope", {"threshold": "1"})
