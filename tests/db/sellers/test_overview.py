"""The seller overview's CSV export (every row of a filter, in the page order; masked e-mails; formula-safe text)
and the admin category choices, on SQLite and PostgreSQL. NOW = 2026-11-21 15:00 UTC."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from core.models import SellerStatus
from core.sellers.overview import (
    SellerFilters,
    all_seller_overview_rows,
    category_choices,
    seller_overview,
)
from core.sellers.overview_rows import CSV_COLUMNS, seller_overview_csv
from tests.conftest import NOW
from tests.factories import add_revenue, make_category, make_product, make_seller


def _world(session: Session) -> dict[str, str]:
    names = ["Cleo", "=cmd|' /C calc'!A0", "Bruno", "Ada", "Dora"]
    ids = {}
    for i, name in enumerate(names):
        s = make_seller(session, name=name, username=f"ov{i}", approved_at=datetime(2026, 1, 1, tzinfo=UTC))
        ids[name] = s.id
        product = make_product(session, seller=s)
        # Revenue yesterday: Cleo 10, formula 20, Bruno 30, Ada 40, Dora 50.
        add_revenue(session, product=product, day=date(2026, 11, 20), revenue=str(10 * (i + 1)), units=1)
    make_seller(session, name="Penny", username="ovpending", status=SellerStatus.PENDING)
    return ids


def test_all_rows_are_the_pages_joined(session: Session) -> None:
    _world(session)
    for sort, descending in (("name", False), ("revenue_30d", True), ("listing_health", False)):
        every = all_seller_overview_rows(session, now=NOW, sort=sort, descending=descending)
        paged = []
        for page in (1, 2, 3):
            paged += seller_overview(session, now=NOW, sort=sort, descending=descending, page=page, page_size=2).rows
        assert [r.seller_id for r in every] == [r.seller_id for r in paged]
        assert len(every) == 6
    by_revenue = all_seller_overview_rows(session, now=NOW, sort="revenue_30d", descending=True)
    assert [r.display_name for r in by_revenue][:3] == ["Dora", "Ada", "Bruno"]  # 50, 40, 30


def test_all_rows_respect_the_filters(session: Session) -> None:
    _world(session)
    rows = all_seller_overview_rows(session, now=NOW, filters=SellerFilters(stage="pending"))
    assert [r.display_name for r in rows] == ["Penny"]
    rows = all_seller_overview_rows(session, now=NOW, filters=SellerFilters(search="DOR"))
    assert [r.display_name for r in rows] == ["Dora"]


def test_csv_has_masked_emails_and_formula_safe_text(session: Session) -> None:
    ids = _world(session)
    rows = all_seller_overview_rows(session, now=NOW, sort="name")
    text = seller_overview_csv(rows)
    table = list(csv.reader(io.StringIO(text)))
    assert tuple(table[0]) == CSV_COLUMNS
    assert len(table) == 1 + 6
    by_name = {r[0]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in table[1:]}
    # A name starting with "=" would run as a formula in a spreadsheet: it is prefixed with an apostrophe.
    assert "'=cmd|' /C calc'!A0" in by_name
    ada = by_name["Ada"]
    assert ada["E-mail (masked)"] == "o****@example.com"  # ov3@example.com
    assert ada["Revenue last 30 days"] == "40.00"
    assert ada["First sale"] == "2026-11-20"
    assert ada["Approved"] == "2026-01-01"
    assert "@example.com" in text and "ov3@example.com" not in text
    assert not any(seller_id in text for seller_id in ids.values())


def test_category_choices_are_the_active_ones_by_name(session: Session) -> None:
    b = make_category(session, name="Books")
    a = make_category(session, name="Art")
    make_category(session, name="Hidden", is_active=False)
    choices = category_choices(session)
    assert [(cid, name) for cid, name in choices if cid in (a.id, b.id)] == [(a.id, "Art"), (b.id, "Books")]
    assert "Hidden" not in [name for _, name in choices]


def _change_world(session: Session) -> None:
    """Four sellers (NOW = 2026-11-21): the last 90 complete days are Aug 23 – Nov 20, 2026, the 90 before May 25 –
    Aug 22; the 12 complete months Nov 2025 – Oct 2026, the 12 before Nov 2024 – Oct 2025.

    Ann: 90 d 100 vs 200 → −50 %; 12 m 200 (Jul 1) vs 100 (Nov 1, 2024) → +100 %.
    Ben: 90 d 300 vs 100 → +200 %; first sale Jun 2025, after the earlier year began → no 12-month change.
    Cy: 90 d 100 vs nothing → no 90-day change; 12 m 100 vs 400 (first sale Oct 2024) → −75 %.
    Di: 90 d 100 vs 100 → 0 %; 12 m 100 (Aug 1) vs 100 (Nov 1, 2024, the earlier year's first day) → 0 %."""
    sales = {
        "Ann": [("2026-11-10", "100"), ("2026-07-01", "200"), ("2024-11-01", "100")],
        "Ben": [("2026-10-01", "300"), ("2026-06-01", "100"), ("2025-06-01", "50")],
        "Cy": [("2026-09-01", "100"), ("2025-01-10", "400"), ("2024-10-15", "10")],
        "Di": [("2026-11-01", "100"), ("2026-08-01", "100"), ("2024-11-01", "100")],
    }
    for i, (name, days) in enumerate(sales.items()):
        s = make_seller(session, name=name, username=f"ch{i}", approved_at=datetime(2024, 1, 1, tzinfo=UTC))
        product = make_product(session, seller=s)
        for day, revenue in days:
            add_revenue(session, product=product, day=date.fromisoformat(day), revenue=revenue, units=1)


def _names(session: Session, sort: str, descending: bool, **kw: int) -> list[str]:
    page = seller_overview(session, now=NOW, sort=sort, descending=descending, **kw)
    return [r.display_name for r in page.rows]


def test_sort_by_90_day_change_in_the_database(session: Session) -> None:
    _change_world(session)
    # Sellers without a base (Cy: nothing in the 90 days before) sort last either way.
    assert _names(session, "change_90d", True) == ["Ben", "Di", "Ann", "Cy"]
    assert _names(session, "change_90d", False) == ["Ann", "Di", "Ben", "Cy"]
    assert _names(session, "change_90d", True, page=2, page_size=2) == ["Ann", "Cy"]
    rows = {r.display_name: r for r in seller_overview(session, now=NOW).rows}
    assert {n: r.change_90d for n, r in rows.items()} == {
        "Ann": Decimal("-50.0"),
        "Ben": Decimal("200.0"),
        "Cy": None,
        "Di": Decimal("0.0"),
    }
    assert (rows["Ann"].revenue_90d, rows["Ann"].revenue_prev_90d) == (Decimal("100.00"), Decimal("200.00"))


def test_sort_by_12_month_change_in_the_database(session: Session) -> None:
    _change_world(session)
    assert _names(session, "change_12m", True) == ["Ann", "Di", "Cy", "Ben"]
    assert _names(session, "change_12m", False) == ["Cy", "Di", "Ann", "Ben"]
    rows = {r.display_name: r for r in seller_overview(session, now=NOW).rows}
    assert {n: r.change_12m for n, r in rows.items()} == {
        "Ann": Decimal("100.0"),
        "Ben": None,  # first sale after the earlier year began: a growth it never had
        "Cy": Decimal("-75.0"),
        "Di": Decimal("0.0"),
    }
