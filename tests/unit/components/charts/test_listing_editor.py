"""The Listing editor's chart (components/charts/listing_editor.py): before/after points per dimension."""

from __future__ import annotations

from components.charts.listing_editor import CHANGE_COLORS, score_change_chart
from tests.unit.components.charts.vega import layers, marks, rows, spec

DIMENSIONS = [
    ("Title quality", 12.0, 15.0, 15.0),
    ("Description completeness", 25.0, 25.0, 25.0),
    ("Pricing competitiveness", 15.0, 7.5, 15.0),
]


def test_each_dimension_has_its_track_bar_tick_and_label() -> None:
    top = spec(score_change_chart(DIMENSIONS))
    assert marks(top) == ["bar", "bar", "tick", "text"]
    track, after, before, label = layers(top)
    drawn = rows(after, top)
    assert [(r["dimension"], r["before"], r["after"], r["max"]) for r in drawn] == DIMENSIONS
    assert [r["change"] for r in drawn] == ["up", "same", "down"]
    assert [r["text"] for r in drawn] == ["15 / 15 (+3)", "25 / 25", "7.5 / 15 (−7.5)"]
    assert track["encoding"]["x"]["field"] == "max"
    assert after["encoding"]["x"]["field"] == "after"
    assert before["encoding"]["x"]["field"] == "before"
    assert label["encoding"]["text"]["field"] == "text"
    # Dimensions keep the page's order, and the colour says which way each moved.
    assert after["encoding"]["y"]["sort"] == [d[0] for d in DIMENSIONS]
    assert after["encoding"]["color"]["scale"] == {
        "domain": ["up", "down", "same"],
        "range": [CHANGE_COLORS["up"], CHANGE_COLORS["down"], CHANGE_COLORS["same"]],
    }
    # Room for the labels right of the widest maximum (25 × 1.8).
    assert after["encoding"]["x"]["scale"]["domain"] == [0, 45.0]


def test_an_empty_chart_still_builds() -> None:
    top = spec(score_change_chart([]))
    assert rows(layers(top)[0], top) == []
