"""Reading an Altair chart's Vega-Lite spec in tests: its layers and the rows each layer draws."""

from __future__ import annotations

from typing import Any

import altair as alt


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    return chart.to_dict()


def layers(top: dict[str, Any]) -> list[dict[str, Any]]:
    """The layers of a layered spec (a single chart is its own one layer)."""
    return list(top.get("layer", [top]))


def rows(layer: dict[str, Any], top: dict[str, Any]) -> list[dict[str, Any]]:
    """The data rows a layer draws: its own inline values, or the top level's (Altair hoists shared data)."""
    data = layer.get("data") or top.get("data") or {}
    if "values" in data:
        return list(data["values"])
    return list(top.get("datasets", {}).get(data.get("name"), []))


def marks(top: dict[str, Any]) -> list[str]:
    return [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in layers(top)]


def tooltip_titles(layer: dict[str, Any]) -> list[str]:
    return [t.get("title") for t in layer["encoding"].get("tooltip", [])]
