"""The Listing health gauge (components/charts/listings.py): a ring filled to the score in its band's colour."""

from __future__ import annotations

import pytest

from components.charts.listings import BAND_COLORS, NEUTRAL_COLOR, TRACK_COLOR, score_gauge
from tests.unit.components.charts.vega import layers, marks, rows, spec


def test_the_ring_is_filled_to_the_score_and_shows_it() -> None:
    top = spec(score_gauge(72.5, "yellow"))
    assert marks(top) == ["arc", "text"]
    arcs, label = layers(top)
    assert rows(arcs, top) == [
        {"part": "score", "value": 72.5, "order": 0},
        {"part": "rest", "value": 27.5, "order": 1},
    ]
    assert arcs["encoding"]["theta"]["scale"] == {"domain": [0, 100]}
    assert arcs["encoding"]["color"]["scale"] == {
        "domain": ["score", "rest"],
        "range": [BAND_COLORS["yellow"], TRACK_COLOR],
    }
    assert rows(label, top) == [{"text": "72.5"}]
    # "pad" autosizing: Streamlit's default ("fit") cuts off the ring's top.
    assert top["autosize"] == {"type": "pad"}
    assert (top["width"], top["height"]) == (84, 84)


@pytest.mark.parametrize(("score", "shown", "filled"), [(-5, "0", 0.0), (100, "100", 100.0), (130, "100", 100.0)])
def test_scores_are_kept_between_0_and_100(score: float, shown: str, filled: float) -> None:
    top = spec(score_gauge(score, "green", size=110))
    arcs, label = layers(top)
    assert rows(arcs, top)[0]["value"] == filled
    assert rows(label, top) == [{"text": shown}]
    assert top["width"] == 110


def test_an_unknown_band_is_drawn_neutral() -> None:
    arcs, _ = layers(spec(score_gauge(50, "purple")))
    assert arcs["encoding"]["color"]["scale"]["range"][0] == NEUTRAL_COLOR
