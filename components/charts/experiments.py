"""The Experiments page's charts (pure Altair over plain rows): each experiment's two conversion rates side by side,
one variant's cumulative conversion rate per day, and the posterior densities of both rates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt

from core.analytics.experiment_counts import ExperimentSummary
from core.analytics.experiment_stats import CumulativeRate, posterior_density

VARIANT_COLORS = alt.Scale(domain=["A (control)", "B (treatment)"], range=["#9AA0A6", "#1F4FD8"])


def variant_label(variant: str) -> str:
    return "A (control)" if variant == "A" else "B (treatment)"


def _rate_rows(summaries: Sequence[ExperimentSummary]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for s in summaries:
        for variant, counts in (("A", s.counts.a), ("B", s.counts.b)):
            if not counts.exposures:
                continue
            rows.append(
                {
                    "experiment": s.experiment.name,
                    "variant": variant_label(variant),
                    "rate": counts.conversions / counts.exposures,
                    "exposures": counts.exposures,
                    "conversions": counts.conversions,
                }
            )
    return rows


def rates_chart(summaries: Sequence[ExperimentSummary]) -> alt.LayerChart | None:
    """Per experiment, A's and B's conversion rates as two dots joined by a line: the gap is the lift (None: nobody
    exposed anywhere yet)."""
    rows = _rate_rows(summaries)
    if not rows:
        return None
    order = list(dict.fromkeys(str(r["experiment"]) for r in rows))
    # labelOverlap off: Vega would otherwise drop every other name when the chart is short.
    y = alt.Y("experiment:N", title=None, sort=order, axis=alt.Axis(labelLimit=280, labelOverlap=False))
    # A step, not a height: Streamlit 1.67 drew a numeric height as ~7 px per row here (checked in Chromium).
    base = alt.Chart(alt.Data(values=rows)).properties(height=alt.Step(36))
    gap = base.mark_line(color="#C4C7CC", strokeWidth=3).encode(
        x=alt.X("rate:Q", title="Conversion rate", axis=alt.Axis(format="%"), scale=alt.Scale(zero=True)),
        y=y,
        detail="experiment:N",
    )
    dots = base.mark_circle(size=140, opacity=1).encode(
        x="rate:Q",
        y=y,
        color=alt.Color("variant:N", scale=VARIANT_COLORS, title="Variant", legend=alt.Legend(orient="top")),
        tooltip=[
            alt.Tooltip("experiment:N", title="Experiment"),
            alt.Tooltip("variant:N", title="Variant"),
            alt.Tooltip("rate:Q", title="Conversion rate", format=".2%"),
            alt.Tooltip("exposures:Q", title="Exposures", format=","),
            alt.Tooltip("conversions:Q", title="Conversions", format=","),
        ],
    )
    return alt.layer(gap, dots)


def cumulative_chart(cumulative: Mapping[str, Sequence[CumulativeRate]]) -> alt.Chart | None:
    """Each variant's running conversion rate by day of first exposure (None before any exposure)."""
    rows = [
        {
            "day": point.day.isoformat(),
            "variant": variant_label(variant),
            "rate": point.rate,
            "exposures": point.exposures,
            "conversions": point.conversions,
        }
        for variant, points in cumulative.items()
        for point in points
        if point.rate is not None
    ]
    if not rows:
        return None
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            # Days are calendar dates: UTC everywhere, or a browser west of UTC draws them a day early.
            x=alt.X("day:T", timeUnit="utcyearmonthdate", title=None, axis=alt.Axis(format="%b %d", labelAngle=0)),
            y=alt.Y("rate:Q", title="Cumulative conversion rate", axis=alt.Axis(format="%")),
            color=alt.Color("variant:N", scale=VARIANT_COLORS, title="Variant", legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("day:T", timeUnit="utcyearmonthdate", title="Through", format="%a %b %d, %Y"),
                alt.Tooltip("variant:N", title="Variant"),
                alt.Tooltip("rate:Q", title="Conversion rate so far", format=".2%"),
                alt.Tooltip("exposures:Q", title="Exposed so far", format=","),
                alt.Tooltip("conversions:Q", title="Converted so far", format=","),
            ],
        )
        .properties(height=280)
    )


def posterior_rows(summary: ExperimentSummary, points: int = 200) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for variant, counts in (("A", summary.counts.a), ("B", summary.counts.b)):
        xs, density = posterior_density(counts.exposures, counts.conversions, points)
        rows.extend(
            {"rate": x, "density": d, "variant": variant_label(variant)} for x, d in zip(xs, density, strict=True)
        )
    return rows


def posterior_chart(summary: ExperimentSummary) -> alt.Chart:
    """The posterior density of each variant's conversion rate (Beta, uniform prior): where the true rate likely is."""
    return (
        alt.Chart(alt.Data(values=posterior_rows(summary)))
        .mark_area(opacity=0.45, interpolate="monotone", line=True)
        .encode(
            x=alt.X("rate:Q", title="Conversion rate", axis=alt.Axis(format="%")),
            y=alt.Y("density:Q", title="Density", stack=None),
            color=alt.Color("variant:N", scale=VARIANT_COLORS, title="Variant", legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("variant:N", title="Variant"),
                alt.Tooltip("rate:Q", title="Rate", format=".2%"),
                alt.Tooltip("density:Q", title="Density", format=",.1f"),
            ],
        )
        .properties(height=280)
    )
