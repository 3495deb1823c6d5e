"""The seller overview's CSV export (every row of a filter, in the page order; masked e-mails; formula-safe text)
and the admin category choices, on SQLite and PostgreSQL. NOW = 2026-11-21 15:00 UTC."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from core.models import SellerStatus
from core.sellers.overview import (
    CSV_COLUMNS,
    SellerFilters,
    all_seller_overview_rows,
    category_choices,
    seller_overview,
    seller_overview_csv,
)
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
