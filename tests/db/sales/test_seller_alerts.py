"""Seller alerts on both databases: each rule breaches on hand-built numbers and not at its threshold, one
notification per breach across days (opened, followed, closed, opened again), a second run on one day changes
nothing, another seller's rows never mix in, defaults apply without a settings row, switched-off alerts close,
settings are saved only when valid, and the evaluation's reads do not grow with the number of sellers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import (
    Notification,
    NotificationType,
    ProductStatus,
    SellerAlertBreach,
    SellerAlertSettings,
    SellerProfile,
    SellerStatus,
)
from core.sales.alert_evaluation import AlertRunReport, evaluate_seller_alerts
from core.sales.alert_rules import (
    DEFAULT_SETTINGS,
    HIGH_ACOS,
    LOW_CONVERSION,
    NO_SALE,
    REVENUE_DROP,
    AlertSettings,
    AlertSettingsError,
)
from core.sales.alerts import alert_settings, save_alert_settings, seller_alerts
from tests.conftest import NOW
from tests.db.statements import Statements
from tests.factories import add_ad_spend, add_order, add_traffic, make_product, make_seller

# NOW is Sat 2026-11-21 15:00 UTC: the week is Nov 14–20, the week before Nov 7–13; a 30-day no-sale cut-off is
# Oct 22 00:00 UTC.
D = Decimal
ALL_OFF_BUT = {"revenue_drop_on": False, "low_conversion_on": False, "high_acos_on": False, "no_sale_on": False}
DEFAULTS = {"revenue_drop_percent": "30", "min_conversion_percent": "1", "max_acos_percent": "50", "no_sale_days": 30}


def at(day: int, hour: int = 12, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def only(session: Session, seller: SellerProfile, rule: str, **values: object) -> None:
    """Switch every alert of the seller off except `rule` (with its threshold from `values` or the default)."""
    save_alert_settings(
        session, seller_id=seller.id, values=DEFAULTS | ALL_OFF_BUT | {f"{rule}_on": True} | values, now=NOW
    )


def breaches(session: Session, seller: SellerProfile | None = None) -> list[SellerAlertBreach]:
    stmt = select(SellerAlertBreach).order_by(SellerAlertBreach.rule, SellerAlertBreach.started_on)
    if seller is not None:
        stmt = stmt.where(SellerAlertBreach.seller_id == seller.id)
    session.expire_all()
    return list(session.scalars(stmt))


def notifications(session: Session, seller: SellerProfile) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == seller.user_id).order_by(Notification.created_at)
    return list(session.scalars(stmt))


def orders(session: Session, product, days: list[int], amount: str, *, month: int = 11) -> None:
    for day in days:
        add_order(session, product=product, created_at=at(day, month=month), amount=amount)


# ---------------------------------------------------------------- each rule


def test_revenue_drop_breaches_and_notifies_with_its_numbers(session: Session) -> None:
    shop = make_seller(session, username="drop_shop")
    product = make_product(session, seller=shop)
    only(session, shop, REVENUE_DROP)
    orders(session, product, [7, 8, 9, 10, 11, 12, 13, 13, 13, 13], "20.00")  # week before: $200, 10 orders
    orders(session, product, [14, 15, 16, 17, 18, 20], "20.00")  # week: $120, 6 orders (-40 %)
    orders(session, product, [6, 21, 21], "500.00")  # before both weeks, and today: not counted

    report = evaluate_seller_alerts(session, now=NOW)

    assert report == AlertRunReport(opened=1, continued=0, closed=0, notified=1)
    (breach,) = breaches(session, shop)
    assert (breach.rule, breach.subject, breach.started_on, breach.last_seen_on, breach.ended_on) == (
        REVENUE_DROP, "", date(2026, 11, 21), date(2026, 11, 21), None)  # fmt: skip
    assert breach.numbers == {"revenue": "120.00", "previous_revenue": "200.00", "orders": 6, "previous_orders": 10,
                              "start": "2026-11-14", "end": "2026-11-20", "threshold": "30.00"}  # fmt: skip
    (note,) = notifications(session, shop)
    assert note.id == breach.notification_id
    assert (note.type, note.link, note.title) == (
        NotificationType.PERFORMANCE_ALERT, "/performance", "Revenue down 40% week over week")  # fmt: skip
    assert note.body == (
        "Revenue $120 in the last 7 days, down 40% from $200 in the 7 days before "
        "(your alert: a drop of more than 30%)."
    )


def test_revenue_drop_at_the_threshold_or_on_a_thin_week_before_is_no_alert(session: Session) -> None:
    at_threshold = make_seller(session, username="drop_exact")
    thin = make_seller(session, username="drop_thin")
    p1, p2 = make_product(session, seller=at_threshold), make_product(session, seller=thin)
    only(session, at_threshold, REVENUE_DROP)
    only(session, thin, REVENUE_DROP)
    orders(session, p1, [7, 8, 9, 10, 11, 12, 13, 13, 13, 13], "20.00")  # $200
    orders(session, p1, [14, 15, 16, 17, 18, 19, 20], "20.00")  # $140: exactly -30 %, not "more than"
    orders(session, p2, [8, 9, 10, 11], "50.00")  # $200 from 4 orders: under the 5-order minimum; week: $0

    assert evaluate_seller_alerts(session, now=NOW).opened == 0
    assert breaches(session) == []


def test_low_conversion_breaches_under_the_threshold_only(session: Session) -> None:
    low, exact, few_visits = (make_seller(session, username=f"conv_{n}") for n in ("low", "exact", "few"))
    for shop, count, visits in ((low, 9, 1000), (exact, 10, 1000), (few_visits, 0, 99)):
        only(session, shop, LOW_CONVERSION)
        product = make_product(session, seller=shop)
        orders(session, product, [14 + i % 7 for i in range(count)], "5.00")
        add_traffic(session, seller=shop, day=date(2026, 11, 14), channel="search", visits=visits - visits // 3)
        add_traffic(session, seller=shop, day=date(2026, 11, 20), channel="direct", visits=visits // 3)
        add_traffic(session, seller=shop, day=date(2026, 11, 13), channel="direct", visits=5000)  # before the week
        add_traffic(session, seller=shop, day=date(2026, 11, 21), channel="direct", visits=5000)  # today

    evaluate_seller_alerts(session, now=NOW)

    assert [(b.seller_id, b.rule) for b in breaches(session)] == [(low.id, LOW_CONVERSION)]
    assert breaches(session, low)[0].numbers == {"orders": 9, "visits": 1000, "conversion_percent": "0.90",
                                                 "start": "2026-11-14", "end": "2026-11-20",
                                                 "threshold": "1.00"}  # fmt: skip
    assert notifications(session, low)[0].body == (
        "Conversion 0.9% in the last 7 days: 9 orders from 1,000 visits (your alert: under 1%)."
    )
    assert notifications(session, exact) == [] and notifications(session, few_visits) == []


def test_high_acos_breaches_over_the_threshold_and_on_spend_without_revenue(session: Session) -> None:
    over, exact, nothing, tiny = (make_seller(session, username=f"acos_{n}") for n in ("over", "exact", "nil", "tiny"))
    for shop, spend, revenue in ((over, "60", "100"), (exact, "50", "100"), (nothing, "12", "0"), (tiny, "9.98", "0")):
        only(session, shop, HIGH_ACOS)
        product = make_product(session, seller=shop)
        add_ad_spend(session, product=product, day=date(2026, 11, 14), spend=D(spend) / 2, attributed_revenue=revenue)
        add_ad_spend(session, product=product, day=date(2026, 11, 20), spend=D(spend) / 2)
        add_ad_spend(session, product=product, day=date(2026, 11, 13), spend="900")  # before the week
        add_ad_spend(session, product=product, day=date(2026, 11, 21), spend="900")  # today

    evaluate_seller_alerts(session, now=NOW)

    assert {b.seller_id: b.numbers for b in breaches(session)} == {
        over.id: {"spend": "60.00", "attributed_revenue": "100.00", "acos_percent": "60.0", "start": "2026-11-14",
                  "end": "2026-11-20", "threshold": "50.00"},
        nothing.id: {"spend": "12.00", "attributed_revenue": "0.00", "acos_percent": None, "start": "2026-11-14",
                     "end": "2026-11-20", "threshold": "50.00"},
    }  # fmt: skip
    assert notifications(session, over)[0].title == "Ad cost (ACOS) at 60%"
    assert notifications(session, nothing)[0].title == "Your ads brought no sales"
    assert notifications(session, nothing)[0].body == (
        "$12 of ad spend in the last 7 days and no revenue attributed to the ads (your alert: ACOS over 50%)."
    )


def test_no_sale_per_product_with_one_notification_for_the_seller(session: Session) -> None:
    shop = make_seller(session, username="quiet_shop")
    only(session, shop, NO_SALE)
    cutoff = datetime(2026, 10, 22, tzinfo=UTC)  # 30 days before today's start
    sold_before = make_product(session, seller=shop, title="Sold long ago")
    add_order(session, product=sold_before, created_at=cutoff - timedelta(seconds=1))
    never = make_product(session, seller=shop, title="Never sold", published_at=cutoff)  # published exactly N days ago
    sold_at_cutoff = make_product(session, seller=shop, title="Sold at the cut-off")
    add_order(session, product=sold_at_cutoff, created_at=cutoff)
    sold_today = make_product(session, seller=shop, title="Sold today")
    add_order(session, product=sold_today, created_at=at(21, 9))
    make_product(session, seller=shop, title="Too new", published_at=cutoff + timedelta(seconds=1))
    make_product(session, seller=shop, title="Draft", status=ProductStatus.DRAFT)
    make_product(session, seller=shop, title="Gone", deleted_at=datetime(2026, 5, 1, tzinfo=UTC))

    report = evaluate_seller_alerts(session, now=NOW)

    assert report == AlertRunReport(opened=2, continued=0, closed=0, notified=1)
    assert {b.subject: b.numbers for b in breaches(session, shop)} == {
        sold_before.id: {"published_on": "2026-01-15", "last_sale_on": "2026-10-21", "threshold": "30"},
        never.id: {"published_on": "2026-10-22", "last_sale_on": None, "threshold": "30"},
    }
    (note,) = notifications(session, shop)
    assert {b.notification_id for b in breaches(session, shop)} == {note.id}
    assert note.title == "2 products have had no sale in 30 days"
    assert note.body == (
        "No sale in the last 30 days: “Never sold” (no sale since it was published on Oct 22, 2026); “Sold long ago” "
        "(last sale Oct 21, 2026). A new price, a better listing or a promotion can wake them up."
    )


def test_quiet_products_are_told_at_most_once_a_week_each_exactly_once(session: Session) -> None:
    # Each product's last sale was at noon: it goes quiet the day its 30-day cut-off (today's start - 30 days)
    # passes that noon. A on Nov 21 (last sale Oct 21), B on Nov 23 (Oct 23), C on Nov 29 (Oct 29).
    shop = make_seller(session, username="weekly_shop")
    only(session, shop, NO_SALE)
    quiet = {}
    for name, day in (("A", 21), ("B", 23), ("C", 29)):
        quiet[name] = make_product(session, seller=shop, title=f"Product {name}")
        add_order(session, product=quiet[name], created_at=at(day, month=10))
    runs = [datetime(2026, 11, day, 6, 30, tzinfo=UTC) for day in (21, 23, 27, 29)]

    reports = [evaluate_seller_alerts(session, now=run) for run in runs]

    assert reports == [
        AlertRunReport(opened=1, continued=0, closed=0, notified=1),  # A: told at once
        AlertRunReport(opened=1, continued=1, closed=0, notified=0),  # B, two days later: listed, told later
        AlertRunReport(opened=0, continued=2, closed=0, notified=0),  # Nov 27: still within the week of A's notice
        AlertRunReport(opened=1, continued=2, closed=0, notified=1),  # Nov 29: B and C in one notice
    ]
    by_subject = {b.subject: b for b in breaches(session, shop)}
    assert {name: by_subject[p.id].started_on.day for name, p in quiet.items()} == {"A": 21, "B": 23, "C": 29}
    first, second = notifications(session, shop)
    assert {name: by_subject[p.id].notification_id for name, p in quiet.items()} == {
        "A": first.id,
        "B": second.id,
        "C": second.id,
    }
    assert (first.title, second.title) == (
        "“Product A” has had no sale in 30 days",
        "2 products have had no sale in 30 days",
    )
    assert second.body.startswith(
        "No sale in the last 30 days: “Product B” (last sale Oct 23, 2026); “Product C” (last"
    )


# ---------------------------------------------------------------- across days


def test_one_notification_per_breach_across_days(session: Session) -> None:
    shop = make_seller(session, username="days_shop")
    product = make_product(session, seller=shop)
    only(session, shop, HIGH_ACOS)
    for day in range(14, 22):  # $20 a day with no sale from the ads, Nov 14–21
        add_ad_spend(session, product=product, day=date(2026, 11, day), spend="20")
    add_ad_spend(session, product=product, day=date(2026, 12, 1), spend="15")

    day1 = evaluate_seller_alerts(session, now=NOW)  # Nov 21: week Nov 14–20, $140
    day2 = evaluate_seller_alerts(session, now=NOW + timedelta(days=1))  # Nov 22: week Nov 15–21, $140
    (open_breach,) = breaches(session, shop)
    assert (open_breach.started_on, open_breach.last_seen_on, open_breach.ended_on) == (
        date(2026, 11, 21), date(2026, 11, 22), None)  # fmt: skip
    day3 = evaluate_seller_alerts(session, now=datetime(2026, 11, 30, 6, 30, tzinfo=UTC))  # week Nov 23–29: no ads
    day4 = evaluate_seller_alerts(session, now=datetime(2026, 12, 2, 6, 30, tzinfo=UTC))  # week Nov 25–Dec 1: $15

    assert [day1, day2, day3, day4] == [
        AlertRunReport(opened=1, continued=0, closed=0, notified=1),
        AlertRunReport(opened=0, continued=1, closed=0, notified=0),
        AlertRunReport(opened=0, continued=0, closed=1, notified=0),
        AlertRunReport(opened=1, continued=0, closed=0, notified=1),
    ]
    first, second = breaches(session, shop)
    assert (first.started_on, first.last_seen_on, first.ended_on) == (
        date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 30))  # fmt: skip
    assert (second.started_on, second.last_seen_on, second.ended_on) == (date(2026, 12, 2), date(2026, 12, 2), None)
    assert second.numbers["spend"] == "15.00"
    notes = notifications(session, shop)
    assert [n.id for n in notes] == [first.notification_id, second.notification_id]
    assert [n.body.split(" of ad spend")[0] for n in notes] == ["$140", "$15"]


def test_open_breach_follows_its_numbers_without_a_new_notification(session: Session) -> None:
    shop = make_seller(session, username="follow_shop")
    product = make_product(session, seller=shop)
    only(session, shop, HIGH_ACOS)
    add_ad_spend(session, product=product, day=date(2026, 11, 20), spend="20")
    add_ad_spend(session, product=product, day=date(2026, 11, 21), spend="30")
    evaluate_seller_alerts(session, now=NOW)
    evaluate_seller_alerts(session, now=NOW + timedelta(days=1))  # week Nov 15–21: $50
    (breach,) = breaches(session, shop)
    assert (breach.numbers["spend"], breach.numbers["start"], breach.last_seen_on) == (
        "50.00", "2026-11-15", date(2026, 11, 22))  # fmt: skip
    assert len(notifications(session, shop)) == 1


def test_a_quiet_product_keeps_its_breach_and_takes_the_new_number_of_days(session: Session) -> None:
    shop = make_seller(session, username="days_change_shop")
    product = make_product(session, seller=shop, title="Old e-book")  # published Jan 15, sold once on Mar 3
    add_order(session, product=product, created_at=datetime(2026, 3, 3, 10, tzinfo=UTC))
    only(session, shop, NO_SALE, no_sale_days=30)
    evaluate_seller_alerts(session, now=NOW)
    only(session, shop, NO_SALE, no_sale_days=90)  # still quiet: the open breach goes on with the new days

    report = evaluate_seller_alerts(session, now=NOW + timedelta(days=1))

    assert report == AlertRunReport(opened=0, continued=1, closed=0, notified=0)
    (breach,) = breaches(session, shop)
    assert (breach.subject, breach.started_on, breach.last_seen_on, breach.ended_on) == (
        product.id, date(2026, 11, 21), date(2026, 11, 22), None)  # fmt: skip
    assert breach.numbers == {"published_on": "2026-01-15", "last_sale_on": "2026-03-03", "threshold": "90"}
    assert seller_alerts(session, seller_id=shop.id, today=date(2026, 11, 22))[0].title == (
        "“Old e-book” has had no sale in 90 days"
    )
    only(session, shop, NO_SALE, no_sale_days=365)  # Mar 3 is within a year: no longer a breach
    assert evaluate_seller_alerts(session, now=NOW + timedelta(days=2)).closed == 1
    assert len(notifications(session, shop)) == 1


def test_running_twice_on_one_day_changes_nothing(session: Session) -> None:
    shop = make_seller(session, username="twice_shop")
    product = make_product(session, seller=shop)  # no sale: the default no-sale alert
    orders(session, product, [7, 8, 9, 10, 11], "30.00", month=11)
    add_ad_spend(session, product=product, day=date(2026, 11, 15), spend="25")
    first = evaluate_seller_alerts(session, now=NOW)
    before = [(b.id, b.rule, b.subject, b.started_on, b.last_seen_on, b.ended_on, b.numbers) for b in breaches(session)]

    again = evaluate_seller_alerts(session, now=NOW + timedelta(hours=3))

    assert (first.opened, first.notified) == (2, 2)  # revenue drop ($150 -> $0) and ACOS without revenue
    assert again == AlertRunReport(opened=0, continued=2, closed=0, notified=0)
    after = [(b.id, b.rule, b.subject, b.started_on, b.last_seen_on, b.ended_on, b.numbers) for b in breaches(session)]
    assert after == before
    assert len(notifications(session, shop)) == 2


# ---------------------------------------------------------------- sellers apart, defaults, switched off


def test_another_sellers_rows_never_mix_in(session: Session) -> None:
    mine, theirs = make_seller(session, username="mine_shop"), make_seller(session, username="theirs_shop")
    my_product, their_product = make_product(session, seller=mine), make_product(session, seller=theirs)
    orders(session, my_product, [7, 8, 9, 10, 11], "20.00")  # $100 the week before, $0 this week
    orders(session, their_product, [15, 16, 17, 18, 19, 20, 20] * 3, "50.00")  # a big week for them
    add_traffic(session, seller=theirs, day=date(2026, 11, 16), channel="search", visits=5000)
    add_ad_spend(session, product=their_product, day=date(2026, 11, 16), spend="500", attributed_revenue="100")

    evaluate_seller_alerts(session, now=NOW)

    assert [(b.rule, b.numbers["revenue"], b.numbers["previous_revenue"]) for b in breaches(session, mine)] == [
        (REVENUE_DROP, "0.00", "100.00")
    ]
    # Theirs: 21 orders from 5,000 visits is 0.42 %, ACOS 500 %: their own alerts, with their own numbers.
    assert {b.rule: b.numbers for b in breaches(session, theirs)} == {
        LOW_CONVERSION: {"orders": 21, "visits": 5000, "conversion_percent": "0.42", "start": "2026-11-14",
                         "end": "2026-11-20", "threshold": "1.00"},
        HIGH_ACOS: {"spend": "500.00", "attributed_revenue": "100.00", "acos_percent": "500.0",
                    "start": "2026-11-14", "end": "2026-11-20", "threshold": "50.00"},
    }  # fmt: skip
    assert [n.title for n in notifications(session, mine)] == ["Revenue down 100% week over week"]
    assert [a.rule for a in seller_alerts(session, seller_id=mine.id, today=NOW.date())] == [REVENUE_DROP]


def test_defaults_apply_without_a_settings_row(session: Session) -> None:
    shop = make_seller(session, username="default_shop")
    quiet = make_product(session, seller=shop, title="Quiet")
    assert session.get(SellerAlertSettings, shop.id) is None
    assert alert_settings(session, seller_id=shop.id) == DEFAULT_SETTINGS

    evaluate_seller_alerts(session, now=NOW)

    assert [(b.rule, b.subject, b.numbers["threshold"]) for b in breaches(session, shop)] == [(NO_SALE, quiet.id, "30")]
    assert session.get(SellerAlertSettings, shop.id) is None  # evaluating never writes settings


def test_switched_off_alerts_and_sellers_who_left_are_closed_and_not_notified(session: Session) -> None:
    keep, off, rule_off, suspended = (make_seller(session, username=f"off_{n}") for n in ("keep", "all", "rule", "sus"))
    for shop in (keep, off, rule_off, suspended):
        make_product(session, seller=shop)  # never sold: the default no-sale alert
    evaluate_seller_alerts(session, now=NOW)
    assert len(breaches(session)) == 4

    save_alert_settings(session, seller_id=off.id, values=DEFAULTS | {"enabled": False}, now=NOW)
    save_alert_settings(session, seller_id=rule_off.id, values=DEFAULTS | {"no_sale_on": False}, now=NOW)
    suspended.status = SellerStatus.SUSPENDED
    session.flush()
    report = evaluate_seller_alerts(session, now=NOW + timedelta(days=1))

    assert report == AlertRunReport(opened=0, continued=1, closed=3, notified=0)
    ended = {b.seller_id: b.ended_on for b in breaches(session)}
    assert ended == {keep.id: None, off.id: date(2026, 11, 22), rule_off.id: date(2026, 11, 22),
                     suspended.id: date(2026, 11, 22)}  # fmt: skip
    assert all(len(notifications(session, s)) == 1 for s in (keep, off, rule_off, suspended))


def test_seller_list_shows_open_first_and_recently_closed(session: Session) -> None:
    shop = make_seller(session, username="list_shop")
    product = make_product(session, seller=shop, title="Lonely <b>book</b>")
    add_ad_spend(session, product=product, day=date(2026, 11, 20), spend="40")
    evaluate_seller_alerts(session, now=NOW)
    evaluate_seller_alerts(session, now=datetime(2026, 11, 29, 6, 30, tzinfo=UTC))  # ads stopped: ACOS closes

    views = seller_alerts(session, seller_id=shop.id, today=date(2026, 11, 29))

    assert [(v.rule, v.is_open, v.product_title) for v in views] == [
        (NO_SALE, True, "Lonely <b>book</b>"),
        (HIGH_ACOS, False, None),
    ]
    assert views[1].ended_on == date(2026, 11, 29) and views[1].title == "Your ads brought no sales"
    assert views[0].title == "“Lonely <b>book</b>” has had no sale in 30 days"
    assert seller_alerts(session, seller_id=shop.id, today=date(2027, 1, 15))[0].rule == NO_SALE  # closed one gone


# ---------------------------------------------------------------- settings


def test_save_valid_settings_then_read_them(session: Session) -> None:
    shop = make_seller(session, username="save_shop")
    saved = save_alert_settings(
        session, seller_id=shop.id, values=DEFAULTS | {"revenue_drop_percent": "45.5", "high_acos_on": False}, now=NOW
    )
    expected = AlertSettings(True, D("45.50"), D("1.00"), None, 30, saved=True)
    assert saved == expected
    session.expire_all()
    assert alert_settings(session, seller_id=shop.id) == expected


@pytest.mark.parametrize("bad", [{"revenue_drop_percent": "-10"}, {"no_sale_days": "NaN"}, {"max_acos_percent": "x"}])
def test_bad_settings_store_nothing(session: Session, bad: dict[str, str]) -> None:
    shop = make_seller(session, username="bad_shop")
    with pytest.raises(AlertSettingsError) as raised:
        save_alert_settings(session, seller_id=shop.id, values=DEFAULTS | bad, now=NOW)
    assert set(raised.value.errors) == set(bad)
    assert session.scalar(select(func.count()).select_from(SellerAlertSettings)) == 0


def test_unknown_seller_is_refused(session: Session) -> None:
    with pytest.raises(LookupError):
        save_alert_settings(session, seller_id="no-such-seller", values=DEFAULTS, now=NOW)


# ---------------------------------------------------------------- set-based


def _reads_of_one_run(session: Session, *, sellers: int, tag: str, now: datetime) -> int:
    """SELECTs of one evaluation at `now` after adding `sellers` shops that breach three rules each."""
    for n in range(sellers):
        shop = make_seller(session, username=f"{tag}{n}")
        product = make_product(session, seller=shop)
        orders(session, product, [8, 9, 10, 11, 12], "20.00")
        add_traffic(session, seller=shop, day=date(2026, 11, 15), channel="search", visits=400)
        add_ad_spend(session, product=product, day=date(2026, 11, 15), spend="30")
    counter = Statements(session)
    try:
        report = evaluate_seller_alerts(session, now=now)
    finally:
        counter.close()
    assert report.opened >= 3 * sellers
    return sum(statement.lstrip().upper().startswith("SELECT") for statement in counter.seen)


def test_reads_do_not_grow_with_the_number_of_sellers(session: Session) -> None:
    one = _reads_of_one_run(session, sellers=1, tag="setone", now=NOW)
    seven = _reads_of_one_run(session, sellers=6, tag="setmany", now=NOW + timedelta(hours=1))
    # Sellers, orders, visits, ad spend, quiet products, open breaches, quiet products not yet told: one statement
    # each, whatever the count.
    assert one == seven == 7
