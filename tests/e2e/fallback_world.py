"""A small marketplace with the four demo logins, for browser tests when `core.demo` is not available.

The demo generator (`python -m core.demo`) is preferred; this builds just enough with the factories:
an admin, maya (a year of growing sales), noah (approved, no sale yet) and dana (declining sales).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.db import make_engine
from core.migrate import upgrade_engine
from core.models import UserRole
from tests.factories import add_revenue, make_product, make_seller, make_user, rng

DEMO_PASSWORDS = {
    "admin": "admin-demo-pass",
    "maya": "maya-demo-pass",
    "noah": "noah-demo-pass",
    "dana": "dana-demo-pass",
}


def build(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade_engine(engine)
    random = rng(42)
    today = datetime.now(UTC).date()
    with Session(engine) as session:
        make_user(session, username="admin", password=DEMO_PASSWORDS["admin"], role=UserRole.ADMIN, name="Ada Admin")
        maya = make_seller(session, username="maya", password=DEMO_PASSWORDS["maya"], name="Maya Lopez")
        noah = make_seller(session, username="noah", password=DEMO_PASSWORDS["noah"], name="Noah Kim")
        dana = make_seller(session, username="dana", password=DEMO_PASSWORDS["dana"], name="Dana Reyes")
        make_product(session, seller=noah, title="Minimal resume template")
        for seller, trend in ((maya, 1.0), (dana, -1.0)):
            products = [make_product(session, seller=seller, price=p) for p in ("12.00", "24.00", "39.00")]
            for days_ago in range(365, 0, -1):
                day = today - timedelta(days=days_ago)
                growth = 1 + trend * (365 - days_ago) / 365 * 0.8
                weekly = 1.25 if day.weekday() == 0 else (0.7 if day.weekday() >= 5 else 1.0)
                seasonal = 1 + 0.15 * math.sin(day.timetuple().tm_yday / 365 * 2 * math.pi)
                for product in products:
                    expected = 0.9 * growth * weekly * seasonal
                    units = sum(1 for _ in range(4) if random.random() < expected / 4)
                    if units:
                        revenue = Decimal(product.price) * units
                        add_revenue(session, product=product, day=day, revenue=revenue, units=units)
        session.commit()
    engine.dispose()
