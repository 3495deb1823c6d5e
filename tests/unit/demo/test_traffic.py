"""`core.demo.traffic.split_visits`: a seller-day's visits over the channels, checked against sums by hand."""

from __future__ import annotations

import math
import random

from core.demo.traffic import CHANNEL_CODE, ChannelMix, split_visits
from core.sales.channels import CHANNELS

SEARCH = CHANNEL_CODE["search"]
DIRECT = CHANNEL_CODE["direct"]


def _mix(absent: frozenset[int]) -> ChannelMix:
    # Visits only from direct (cumulative 1.0 from the first organic channel on): every other channel has no share.
    return ChannelMix("social", (1.0,) * 8, (1.0,) * 10, absent)


def _orders(**by_channel: int) -> list[int]:
    orders = [0] * len(CHANNELS)
    for name, count in by_channel.items():
        orders[CHANNEL_CODE[name]] = count
    return orders


def test_a_channel_outside_the_mix_gets_the_visits_its_orders_need() -> None:
    # 10 orders from 200 visits: the day converts at 5 %; search converts at 1.1 x 5 % = 5.5 %, so its 2 orders
    # need ceil(2 / 0.055) = 37 visits (not 2, which read as 100 % conversion); the other 163 go to direct.
    orders = _orders(direct=8, search=2)
    visits = split_visits(random.Random(1), 200, orders, 0, _mix(frozenset({SEARCH})))
    assert visits[SEARCH] == math.ceil(2 / (10 / 200 * 1.1)) == 37
    assert visits[DIRECT] == 200 - 37
    assert sum(visits) == 200


def test_the_top_up_never_takes_more_visits_than_there_are() -> None:
    # 8 orders from 10 visits (80 %): TikTok converts at 0.45 x 80 % = 36 %, so its 5 orders want ceil(5 / 0.36)
    # = 14 visits; only the 2 visits beyond the orders are there to give: TikTok 7, direct keeps its 3.
    tiktok = CHANNEL_CODE["tiktok"]
    visits = split_visits(random.Random(1), 10, _orders(direct=3, tiktok=5), 0, _mix(frozenset({tiktok})))
    assert (visits[tiktok], visits[DIRECT], sum(visits)) == (7, 3, 10)
    # 3 orders from 40 visits, 1 from search: it wants ceil(1 / (3/40 x 1.1)) = 13, then direct gets the other 27.
    visits = split_visits(random.Random(1), 40, _orders(direct=2, search=1), 0, _mix(frozenset({SEARCH})))
    assert (visits[SEARCH], visits[DIRECT]) == (13, 27)


def test_a_channel_inside_the_mix_is_not_topped_up() -> None:
    # Without search among the absent channels it keeps its orders' visits and the spread gives it none (share 0).
    visits = split_visits(random.Random(1), 200, _orders(direct=8, search=2), 0, _mix(frozenset()))
    assert (visits[SEARCH], visits[DIRECT]) == (2, 198)
