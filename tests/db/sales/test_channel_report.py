"""`channel_report` on the hand-built shop (tests/db/sales/performance_shop.py), both databases: per channel the
visits, orders, revenue, conversion, order value, share and growth; the daily series; the top products per
channel; another seller never counted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from core.sales.channel_report import channel_csv, channel_report
from core.sales.channels import CHANNELS
from core.sales.performance import seller_performance
from tests.db.sales.performance_shop import END, START, build_shop

D = Decimal


def test_figures_per_channel(session: Session) -> None:
    shop = build_shop(session)
    report = channel_report(session, seller_id=shop.seller.id, start=START, end=END)
    assert [c.channel for c in report.channels] == list(CHANNELS)
    by = {c.channel: c for c in report.channels}
    # direct: A Oct 25 ($20), visits Oct 25 + Nov 1 (30 + 30); previous: A Oct 15 (no source)
    direct = by["direct"]
    assert (direct.visits, direct.orders, direct.revenue) == (60, 1, D("20.00"))
    assert (direct.previous_visits, direct.previous_orders, direct.previous_revenue) == (0, 1, D("20.00"))
    assert direct.conversion_rate == D("1.67") and direct.previous_conversion_rate is None
    assert direct.average_order_value == D("20.00")
    assert direct.share == D("18.18") and direct.growth == D("0.0")
    # search: A Oct 31 (source google), 40 visits; previous: A Oct 24 23:59:59 (google)
    search = by["search"]
    assert (search.visits, search.orders, search.revenue, search.conversion_rate) == (40, 1, D("20.00"), D("2.50"))
    assert search.previous_orders == 1 and search.growth == D("0.0")
    # ads: A Nov 1 (utm_medium cpc) without tracked visits: conversion "—"
    ads = by["ads"]
    assert (ads.visits, ads.orders, ads.revenue, ads.conversion_rate) == (0, 1, D("20.00"), None)
    assert ads.growth is None  # nothing before: no base
    # instagram: B Nov 3, $50
    insta = by["instagram"]
    assert (insta.orders, insta.revenue, insta.share, insta.average_order_value) == (1, D("50.00"), D("45.45"), D(50))
    # the rest: nothing
    for name in ("tiktok", "facebook", "pinterest", "email", "other"):
        quiet = by[name]
        assert (quiet.visits, quiet.orders, quiet.revenue, quiet.share) == (0, 0, D("0.00"), D("0.00"))
        assert quiet.conversion_rate is None and quiet.average_order_value is None and quiet.growth is None
    # the channels add up to the shop's figures
    perf = seller_performance(session, seller_id=shop.seller.id, start=START, end=END)
    assert sum(c.revenue for c in report.channels) == perf.current.revenue
    assert sum(c.orders for c in report.channels) == perf.current.orders
    assert sum(c.visits for c in report.channels) == perf.current.visits
    assert sum(c.previous_revenue for c in report.channels) == perf.previous.revenue
    assert report.has_data


def test_daily_series_and_top_products(session: Session) -> None:
    shop = build_shop(session)
    report = channel_report(session, seller_id=shop.seller.id, start=START, end=END)
    assert len(report.daily) == 10 * len(CHANNELS)
    cell = {(d.day, d.channel): d for d in report.daily}
    assert (cell[(date(2026, 11, 1), "ads")].orders, cell[(date(2026, 11, 1), "ads")].visits) == (1, 0)
    assert cell[(date(2026, 11, 1), "direct")].visits == 30
    oct31 = cell[(date(2026, 10, 31), "search")]
    assert (oct31.visits, oct31.orders, oct31.revenue, oct31.conversion_rate) == (40, 1, D("20.00"), D("2.50"))
    assert cell[(date(2026, 10, 26), "direct")].visits == 0  # a zero-visit day is a zero row
    assert cell[(date(2026, 11, 3), "instagram")].revenue == D("50.00")
    top = report.top_products
    assert [(p.product_id, p.orders, p.revenue) for p in top["direct"]] == [(shop.a.id, 1, D("20.00"))]
    assert [(p.title, p.revenue) for p in top["instagram"]] == [("Beta course", D("50.00"))]
    assert top["tiktok"] == []


def test_another_seller_never_counted(session: Session) -> None:
    shop = build_shop(session)
    theirs = channel_report(session, seller_id=shop.other.id, start=START, end=END)
    by = {c.channel: c for c in theirs.channels}
    assert (by["direct"].visits, by["direct"].orders, by["direct"].revenue) == (1000, 1, D("99.00"))
    assert by["direct"].share == D("100.00") and by["direct"].previous_revenue == D("99.00")
    assert sum(c.orders for c in theirs.channels) == 1
    assert [p.title for products in theirs.top_products.values() for p in products] == ["Not yours"]


def test_seller_without_orders(session: Session) -> None:
    shop = build_shop(session)
    report = channel_report(session, seller_id=shop.seller.id, start=date(2026, 6, 1), end=date(2026, 6, 7))
    assert not report.has_data
    assert all(c.share is None and c.growth is None for c in report.channels)


def test_channel_csv(session: Session) -> None:
    shop = build_shop(session)
    lines = channel_csv(channel_report(session, seller_id=shop.seller.id, start=START, end=END)).splitlines()
    assert lines[0].startswith("Channel,Visits,Orders,Revenue,Conversion (%)")
    assert lines[1] == "Direct,60,1,20.00,1.67,20.00,18.18,0.0,0,1,20.00"
    assert lines[8] == "Ads,0,1,20.00,,20.00,18.18,,0,0,0.00"
    assert len(lines) == 1 + len(CHANNELS)
