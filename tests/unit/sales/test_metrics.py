"""The pure Performance figures: the report period and its checks, ratios over zero, comparisons, the derived
figures of a period's totals, and the product rankings (values worked out by hand)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.sales.metrics import (
    DEFINITIONS,
    HISTORY_DAYS,
    MAX_PERIOD_DAYS,
    MIN_VISITS_FOR_CONVERSION,
    Compared,
    PeriodError,
    PeriodTotals,
    ProductFigures,
    ReportPeriod,
    change,
    last_days,
    products_csv,
    rate,
    ratio,
    report_period,
    top_by_conversion,
    top_by_profit,
    top_by_revenue,
)

D = Decimal
TODAY = date(2026, 11, 21)


# ----------------------------------------------------------------------------- the period


def test_period_days_and_previous() -> None:
    period = ReportPeriod(date(2026, 10, 25), date(2026, 11, 3))
    assert period.days == 10
    assert period.previous == ReportPeriod(date(2026, 10, 15), date(2026, 10, 24))
    assert list(period.each_day())[6] == date(2026, 10, 31)
    assert date(2026, 11, 1) in period and date(2026, 11, 4) not in period
    one_day = ReportPeriod(date(2026, 3, 1), date(2026, 3, 1))
    assert one_day.previous == ReportPeriod(date(2026, 2, 28), date(2026, 2, 28))
    with pytest.raises(ValueError):
        ReportPeriod(date(2026, 3, 2), date(2026, 3, 1))


def test_last_days_are_complete_days() -> None:
    assert last_days(7, today=TODAY) == ReportPeriod(date(2026, 11, 14), date(2026, 11, 20))
    assert last_days(30, today=TODAY).start == date(2026, 10, 22)
    assert last_days(90, today=TODAY).previous.end == date(2026, 8, 22)


def test_valid_custom_periods() -> None:
    assert report_period(date(2026, 11, 20), date(2026, 11, 20), today=TODAY).days == 1
    longest = report_period(date(2025, 11, 21), date(2026, 11, 20), today=TODAY)
    assert longest.days == MAX_PERIOD_DAYS == 365
    earliest = report_period(date(2024, 11, 21), date(2024, 11, 30), today=TODAY)
    assert (TODAY - earliest.start).days == HISTORY_DAYS == 730


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        (date(2026, 11, 20), date(2026, 11, 21), "end", "yesterday (Nov 20, 2026) at the latest"),  # today
        (date(2026, 11, 1), date(2026, 12, 1), "end", "yesterday"),  # the future
        (date(2026, 11, 10), date(2026, 11, 9), "end", "is before the start (Nov 10, 2026)"),
        (date(2025, 11, 20), date(2026, 11, 20), "start", "at most 365 days long; this one is 366"),
        (date(2024, 11, 20), date(2024, 11, 30), "start", "Nov 21, 2024 at the earliest"),
    ],
)
def test_bad_custom_periods(start: date, end: date, field: str, words: str) -> None:
    with pytest.raises(PeriodError) as caught:
        report_period(start, end, today=TODAY)
    assert caught.value.field == field
    assert words in caught.value.message


# ----------------------------------------------------------------------------- ratios and changes


def test_ratios_over_zero_are_none() -> None:
    assert ratio(5, 2) == D("2.50") and ratio(1, 3) == D("0.33") and ratio(2, 3) == D("0.67")
    assert ratio(5, 0) is None and ratio(5, None) is None and ratio(0, 4) == D("0.00")
    assert rate(1, 8) == D("12.50") and rate(1, 3) == D("33.33")
    assert rate(1, 0) is None and rate(3, None) is None


def test_change_needs_a_base() -> None:
    assert change(D("110"), D("40")) == D("175.0")
    assert change(30, 40) == D("-25.0")
    assert change(5, 0) is None and change(0, 0) is None  # no base: "—"
    assert change(None, 5) is None and change(5, None) is None
    assert Compared(D("27.50"), D("20.00")).change == D("37.5")
    assert Compared(None, D("20.00")).change is None
    assert Compared(3, 0).change is None


# ----------------------------------------------------------------------------- derived figures


def test_derived_figures_of_a_period() -> None:
    totals = PeriodTotals(
        revenue=D("110.00"),
        orders=4,
        units=5,
        refunds=D("40.00"),
        refunded_orders=1,
        commission=D("11.00"),
        payment_fees=D("4.39"),
        visits=100,
        ad_spend=D("10.00"),
        ad_revenue=D("40.00"),
    )
    assert totals.average_order_value == D("27.50")
    assert totals.refund_rate == D("25.00")
    assert totals.net_profit == D("44.61")
    assert totals.profit_margin == D("40.55")
    assert totals.conversion_rate == D("4.00")
    assert (totals.acos, totals.roas, totals.tacos) == (D("25.00"), D("4.00"), D("9.09"))


def test_a_period_with_nothing_has_no_ratios() -> None:
    empty = PeriodTotals()
    assert empty.net_profit == D("0.00")
    assert (empty.average_order_value, empty.refund_rate, empty.profit_margin) == (None, None, None)
    assert (empty.conversion_rate, empty.acos, empty.roas, empty.tacos) == (None, None, None, None)
    ads_only = PeriodTotals(ad_spend=D("5.00"))
    assert ads_only.acos is None and ads_only.roas == D("0.00") and ads_only.tacos is None
    assert ads_only.net_profit == D("-5.00")
    loss = PeriodTotals(revenue=D("10.00"), orders=1, commission=D("1.00"), payment_fees=D("0.59"), refunds=D(20))
    assert loss.net_profit == D("-11.59") and loss.profit_margin == D("-115.90")


def test_every_figure_has_a_definition() -> None:
    names = ["revenue", "orders", "units", "average_order_value", "refunds", "refund_rate", "commission"]
    names += ["payment_fees", "net_profit", "profit_margin", "visits", "conversion_rate", "ad_spend", "acos", "roas"]
    names += ["tacos", "product_visits", "product_profit", "product_conversion", "channel_share", "channel_growth"]
    assert set(names) <= set(DEFINITIONS)
    assert all(text.strip() and "\n" not in text for text in DEFINITIONS.values())
    assert str(MIN_VISITS_FOR_CONVERSION) in DEFINITIONS["product_conversion"]


# ----------------------------------------------------------------------------- products


def product(pid: str, revenue: str, orders: int, visits: int, *, ads: str = "0", refunds: str = "0") -> ProductFigures:
    amount = D(revenue)
    return ProductFigures(
        product_id=pid,
        title=pid.upper(),
        revenue=amount,
        orders=orders,
        units=orders,
        visits=visits,
        commission=amount / 10,
        payment_fees=D("0.50") * orders,
        ad_spend=D(ads),
        refunds=D(refunds),
    )


def test_product_rankings() -> None:
    a = product("a", "100.00", 5, 200, ads="80.00")  # profit 100 - 10 - 2.50 - 80 = 7.50, conversion 2.50 %
    b = product("b", "60.00", 3, 20)  # profit 60 - 6 - 1.50 = 52.50, conversion 15.00 % on exactly 20 visits
    c = product("c", "40.00", 4, 19)  # conversion 21.05 % on 19 visits: not ranked by conversion
    d = product("d", "0", 0, 500, ads="3.00")  # no order, ads only: profit -3.00, conversion 0 %
    e = product("e", "60.00", 3, 40, refunds="60.00")  # same revenue as b; profit -7.50
    assert a.profit == D("7.50") and b.profit == D("52.50") and d.profit == D("-3.00") and e.profit == D("-7.50")
    assert [p.product_id for p in top_by_revenue([a, b, c, d, e])] == ["a", "b", "e", "c"]  # ties by title
    assert [p.product_id for p in top_by_profit([a, b, c, d, e])] == ["b", "c", "a", "d", "e"]
    assert [p.product_id for p in top_by_conversion([a, b, c, d, e])] == ["b", "e", "a", "d"]
    assert [p.product_id for p in top_by_revenue([a, b, c, d, e], n=2)] == ["a", "b"]
    assert top_by_conversion([c]) == []


def test_products_csv() -> None:
    rows = [product("a", "100.00", 5, 200, ads="80.00"), product("d", "0", 0, 0, ads="3.00")]
    rows.append(ProductFigures("x", "=HYPERLINK(1)", D("1.5"), 1, 1, 3, D(0), D("0.35"), D(0), D(0)))
    lines = products_csv(rows).splitlines()
    assert lines[0].startswith("Product,Revenue,Orders,Units,Visits,Conversion (%)")
    assert lines[1] == "A,100.00,5,5,200,2.50,10.00,2.50,80.00,0.00,7.50"
    assert lines[2] == "D,0.00,0,0,0,,0.00,0.00,3.00,0.00,-3.00"
    assert lines[3] == "'=HYPERLINK(1),1.50,1,1,3,33.33,0.00,0.35,0.00,0.00,1.15"
