"""Plotly figures of an ensemble and of a sweep (interactive; drawn offline)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
from plotly import graph_objects as go
from plotly.subplots import make_subplots

from escalade.analysis.sensitivity import OUTCOMES, Design, Sweep, tornado
from escalade.analysis.stats import Survival, rung_distribution
from escalade.scenario.schema import Scenario

PALETTE = ["#2f5d8a", "#c0392b", "#d68910", "#1e8449", "#7d3c98", "#566573"]


def _zone(level: int, scenario: Scenario) -> tuple[str, str]:
    m = scenario.model
    if level >= m.war_rung:
        return "war", "#922b21"
    if level >= m.strategic_rung:
        return "strategic strikes", "#ca6f1e"
    if level >= m.direct_exchange_rung:
        return "direct exchange", "#d4ac0d"
    return "below direct exchange", "#2f5d8a"


def ladder_chart(outcomes: pa.Table, scenario: Scenario) -> go.Figure:
    """Share of runs by highest rung reached, with Wilson error bars, coloured by threshold."""
    top = max(r.level for r in scenario.ladder) if scenario.ladder else 13
    props = rung_distribution(outcomes, top)
    names = {r.level: r.name for r in scenario.ladder}
    fig = go.Figure()
    seen: set[str] = set()
    for k, p in enumerate(props):
        zone, colour = _zone(k, scenario)
        fig.add_trace(
            go.Bar(
                x=[k],
                y=[p.estimate],
                name=zone,
                legendgroup=zone,
                showlegend=zone not in seen,
                marker_color=colour,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [p.high - p.estimate],
                    "arrayminus": [p.estimate - p.low],
                    "thickness": 1.2,
                    "width": 3,
                    "color": "#444",
                },
                customdata=[[names.get(k, ""), p.successes, p.low, p.high]],
                hovertemplate=(
                    "rung %{x}: %{customdata[0]}<br>%{y:.3f} of runs (%{customdata[1]})"
                    "<br>95%: %{customdata[2]:.3f} – %{customdata[3]:.3f}<extra></extra>"
                ),
            )
        )
        seen.add(zone)
    fig.update_layout(
        title="Highest rung reached (share of runs, 95% Wilson intervals)",
        xaxis={"title": "rung", "dtick": 1, "range": [-0.6, top + 0.6]},
        yaxis={"title": "share of runs", "rangemode": "tozero"},
        bargap=0.15,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def survival_chart(curves: list[Survival]) -> go.Figure:
    """Share of runs that have not crossed each threshold by each day, with Wilson bands."""
    fig = go.Figure()
    for i, c in enumerate(curves):
        colour = PALETTE[i % len(PALETTE)]
        days = c.days.tolist()
        fig.add_trace(
            go.Scatter(
                x=days + days[::-1],
                y=c.high.tolist() + c.low[::-1].tolist(),
                fill="toself",
                fillcolor=_rgba(colour, 0.15),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=c.label,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=days,
                y=c.surviving.tolist(),
                mode="lines",
                name=c.label,
                legendgroup=c.label,
                line={"color": colour, "width": 2},
                hovertemplate=f"{c.label}<br>day %{{x}}: %{{y:.3f}} not crossed<extra></extra>",
            )
        )
    fig.update_layout(
        title="Thresholds not yet crossed, by day (95% pointwise Wilson bands)",
        xaxis={"title": "day"},
        yaxis={"title": "share of runs not crossed", "range": [-0.02, 1.02]},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _outcome_grid(keys: list[str]) -> go.Figure:
    """Two columns of panels, one per outcome."""
    return make_subplots(
        rows=math.ceil(len(keys) / 2),
        cols=2,
        subplot_titles=[OUTCOMES[k] for k in keys],
        horizontal_spacing=0.28,
        vertical_spacing=0.18,
    )


def tornado_chart(sweep: Sweep) -> go.Figure:
    """Per outcome, the outcome with each parameter alone at its low and high bound, centred
    on the scenario's own value (bars in the order of the sensitivity index, largest on top)."""
    swings = tornado(sweep)
    keys = list(OUTCOMES)
    fig = _outcome_grid(keys)
    for n, key in enumerate(keys):
        row, col = n // 2 + 1, n % 2 + 1
        bars = swings[key][::-1]  # plotly draws the first category at the bottom
        names = [sweep.label(s.param) for s in bars]
        base = bars[0].baseline if bars else 0.0
        for label, attr, colour in (
            ("parameter low", "low_mean", "#2f5d8a"),
            ("parameter high", "high_mean", "#c0392b"),
        ):
            vals = [getattr(s, attr) for s in bars]
            fig.add_trace(
                go.Bar(
                    y=names,
                    x=[v - base for v in vals],
                    base=base,
                    orientation="h",
                    name=label,
                    legendgroup=label,
                    showlegend=n == 0,
                    marker_color=colour,
                    customdata=vals,
                    hovertemplate="%{y}<br>" + label + ": %{customdata:.3f}<extra></extra>",
                ),
                row=row,
                col=col,
            )
        fig.add_vline(x=base, line_width=1, line_color="#444", row=row, col=col)
    fig.update_layout(
        title=(
            "Tornado: the outcome with each parameter alone at its low (blue) and high (red) "
            "bound, centred on the scenario's own value; bars in the order of the index"
        ),
        barmode="overlay",
        legend={"orientation": "h", "y": -0.12},
    )
    return fig


def indices_chart(sweep: Sweep) -> go.Figure:
    """Sensitivity indices with their confidence half-widths, one panel per outcome."""
    keys = list(OUTCOMES)
    fig = _outcome_grid(keys)
    by_design: dict[Design, list[tuple[str, str | None, str]]] = {
        Design.SOBOL: [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total ST")],
        Design.MORRIS: [("mu_star", "mu_star_conf", "μ*"), ("sigma", None, "σ")],
        Design.LHS: [("S1", "S1_conf", "first order S1 (RBD-FAST)")],
        Design.GRID: [("S1", None, "main effect S1")],
    }
    series = by_design[sweep.design]
    order = tornado(sweep)
    for n, key in enumerate(keys):
        by_param = {str(r["param"]): r for r in sweep.indices.get(key, [])}
        # The tornado's order (by the index, largest on top; plotly draws bottom-up).
        rows = [by_param[s.param] for s in order[key][::-1] if s.param in by_param]
        names = [sweep.label(str(r["param"])) for r in rows]
        for j, (field, conf, label) in enumerate(series):
            vals = [float(r[field]) for r in rows]
            err = [float(r[conf]) for r in rows] if conf else None
            fig.add_trace(
                go.Bar(
                    y=names,
                    x=vals,
                    orientation="h",
                    name=label,
                    legendgroup=label,
                    showlegend=n == 0,
                    marker_color=PALETTE[j],
                    error_x=(
                        {"type": "data", "array": [e if np.isfinite(e) else 0 for e in err]}
                        if err
                        else None
                    ),
                ),
                row=n // 2 + 1,
                col=n % 2 + 1,
            )
    fig.update_layout(
        title="Sensitivity indices (bars: estimate; whiskers: 95% bootstrap half-width)",
        barmode="group",
        legend={"orientation": "h", "y": -0.12},
    )
    return fig
