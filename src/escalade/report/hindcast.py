"""The standalone HTML page of a hindcast (``escalade hindcast --html``): the verdict, the
scores of the model and the baselines, the predicted buckets against what happened, and the
reliability of the forecasts. Plotly is inlined; the page needs no network."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from escalade.analysis import hindcast as hc
from escalade.analysis import yardstick as ys
from escalade.report.page import esc, figure, page, table


def finite(value: Any) -> Any:
    """JSON-safe: NaN and infinities (a log score of -inf without smoothing) become null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def fmt_p(x: float | None) -> str:
    """A probability with three decimals; a dash for none."""
    return "—" if x is None or x != x else f"{x:.3f}"


def fmt_s(x: float | None) -> str:
    """A score with two decimals; a dash for none."""
    return "—" if x is None or x != x else f"{x:.2f}"


WIDE = '<div class="wide" style="overflow-x: auto; max-width: 100%;">{}</div>'
"""A table wider than the page scrolls inside its box instead of overflowing the page."""


def write_hindcast_html(
    path: Path, result: hc.HindcastResult, paths: ys.Yardstick | None = None
) -> None:
    """A standalone page (plotly inlined, no network) with the tables and two charts; with
    ``paths``, the whole-path scores of the model and every baseline as well."""
    import plotly.graph_objects as go

    summary = result.summary()
    labels = hc.FORECASTERS
    sections: list[tuple[str, str]] = []
    sum_rows = [
        [
            labels[w],
            fmt_s(s["log_rung"]),
            fmt_s(s["brier_rung"]),
            fmt_s(s["log_lag"]),
            fmt_s(s["brier_lag"]),
        ]
        for w, s in summary.items()
    ]
    sections.append(
        (
            "Summary",
            f"<p>{esc(result.verdict())}</p>"
            + table(
                [
                    "forecaster",
                    "mean log (rung) ↑",
                    "mean Brier (rung) ↓",
                    "mean log (lag) ↑",
                    "mean Brier (lag) ↓",
                ],
                sum_rows,
                numeric=[False, True, True, True, True],
            ),
        )
    )
    ep_rows = []
    for e in result.episodes:
        m = e.scores["model"]
        ep_rows.append(
            [
                e.id,
                e.title,
                f"{e.responder} ← {e.trigger.actor} {e.trigger.action} (rung {e.trigger.rung})",
                f"rung {e.observed_rung} ({hc.RUNG_LABELS[e.rung_bucket]}), lag "
                f"{'none' if e.observed_lag is None else e.observed_lag} "
                f"({hc.LAG_LABELS[e.lag_bucket]})",
                e.confidence,
                fmt_p(m.p_rung),
                fmt_p(m.p_lag),
                fmt_s(m.log_rung),
                fmt_s(m.brier_rung),
                fmt_s(m.log_lag),
                fmt_p(e.scores["climatology"].p_rung),
                fmt_p(e.scores["in_kind"].p_rung),
            ]
        )
    sections.append(
        (
            "Episodes",
            WIDE.format(
                table(
                    [
                        "id",
                        "title",
                        "responder ← trigger",
                        "observed",
                        "confidence",
                        "P(rung)",
                        "P(lag)",
                        "log (rung)",
                        "Brier (rung)",
                        "log (lag)",
                        "climatology P",
                        "in-kind P",
                    ],
                    ep_rows,
                    numeric=[False] * 5 + [True] * 7,
                )
            ),
        )
    )
    if paths is not None:
        sections.append(("Path scores", path_section(paths)))
    ids = [e.id for e in result.episodes]
    for title, lab, probs, obs in (
        (
            "Predicted rung buckets",
            hc.RUNG_LABELS,
            [e.p_rung for e in result.episodes],
            [e.rung_bucket for e in result.episodes],
        ),
        (
            "Predicted lag buckets",
            hc.LAG_LABELS,
            [e.p_lag for e in result.episodes],
            [e.lag_bucket for e in result.episodes],
        ),
    ):
        z = [list(map(float, p)) for p in probs]
        fig = go.Figure(
            go.Heatmap(
                z=z,
                x=list(lab),
                y=ids,
                colorscale="Blues",
                zmin=0,
                zmax=1,
                text=[[f"{v:.2f}" for v in row] for row in z],
                texttemplate="%{text}",
                hovertemplate="%{y} %{x}: %{z:.3f}<extra></extra>",
                colorbar={"title": "P"},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[lab[o] for o in obs],
                y=ids,
                mode="markers",
                marker={
                    "symbol": "square-open",
                    "size": 34,
                    "color": "#c0392b",
                    "line": {"width": 3},
                },
                name="observed",
                hoverinfo="skip",
            )
        )
        fig.update_layout(
            title=f"{title} (red box: what happened)", yaxis={"autorange": "reversed"}
        )
        div = anchor_id(title)
        sections.append((title, figure(fig, div, height=120 + 40 * len(ids))))
    rel = result.reliability
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="perfect", line={"dash": "dot", "color": "#888"}
        )
    )
    pts = [b for b in rel if b.n]
    fig.add_trace(
        go.Scatter(
            x=[b.mean_predicted for b in pts],
            y=[b.observed_frequency for b in pts],
            mode="markers+text",
            text=[f"n={b.n}" for b in pts],
            textposition="top center",
            marker={"size": [8 + 2 * math.sqrt(b.n) for b in pts]},
            name="bins",
        )
    )
    fig.update_layout(
        title="Reliability",
        xaxis_title="mean predicted probability",
        yaxis_title="observed frequency",
        xaxis={"range": [0, 1]},
        yaxis={"range": [0, 1.05]},
    )
    sections.append(
        (
            "Reliability",
            figure(fig, "reliability-chart", height=420)
            + table(
                ["predicted", "n", "mean predicted", "observed frequency", "hits"],
                [
                    [b.label, b.n, fmt_p(b.mean_predicted), fmt_p(b.observed_frequency), b.hits]
                    for b in rel
                ],
                numeric=[False, True, True, True, True],
            ),
        )
    )
    method = result.to_dict()["settings"]
    sections.append(
        (
            "Method",
            "<ul>"
            f"<li>First answer: {esc(method['answer_rule'])}.</li>"
            f"<li>Rung buckets: {esc(', '.join(hc.RUNG_LABELS))}; lag buckets (days): "
            f"{esc(', '.join(hc.LAG_LABELS))}.</li>"
            f"<li>Every forecast is smoothed additively, p = (n + {result.alpha}) / "
            f"(N + {result.alpha} K), so a bucket no run reached does not score minus "
            "infinity; the answer-in-kind baseline is smoothed as an ensemble of the same "
            "size.</li>"
            "<li>Log score: ln p(observed bucket), higher is better; Brier: sum over buckets "
            "of (p − o)², lower is better.</li>"
            "<li>Baselines: uniform over the buckets; leave-one-out climatology (the other "
            "episodes' observed buckets, smoothed); answer in kind (the bucket of the trigger's "
            "own rung).</li>"
            '</ul><p class="note">See docs/validation.md.</p>',
        )
    )
    subtitle = esc(
        f"{len(result.episodes)} episodes, {result.runs:,} runs each, seed {result.seed}"
        + (f", overrides {result.overrides}" if result.overrides else "")
    )
    text = page("escalade hindcast", subtitle, sections, data=finite(result.to_dict()))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"--html {path}: cannot write it: {exc.strerror or exc}") from None


def path_section(yard: ys.Yardstick) -> str:
    """Mean scores per quantity of the model and the baselines, the model against the strongest
    of them, and per episode the model's probability of what happened (the whole path, issue 9)."""
    summary = yard.summary()
    qs = yard.quantities()
    parts = [f"<p>{esc(yard.rule_text())}.</p>"]
    for metric, arrow in (("log", "↑"), ("rps", "↓"), ("brier", "↓")):
        rows = [
            [label, *(fmt_s(summary[who][q][metric]) for q in qs)]
            for who, label in ys.FORECASTERS.items()
        ]
        parts.append(f"<h3>Mean {esc(metric)} score {arrow}</h3>")
        parts.append(
            WIDE.format(
                table(
                    ["forecaster", *(ys.QUANTITY_NAMES[q] for q in qs)],
                    rows,
                    numeric=[False] + [True] * len(qs),
                )
            )
        )
    rows = []
    for e in yard.episodes:
        m = e.scores["model"]
        pit = "—" if e.pit is None else f"{e.pit[0]:.2f}–{e.pit[1]:.2f}"
        rows.append([e.id, *(fmt_p(m[q].p) if q in m else "—" for q in qs), pit])
    parts.append("<h3>Model: probability of what happened</h3>")
    parts.append(
        WIDE.format(
            table(
                ["episode", *(ys.QUANTITY_NAMES[q] for q in qs), "PIT (direct blows)"],
                rows,
                numeric=[False] + [True] * (len(qs) + 1),
            )
        )
    )
    parts.append(
        f"<h3>The model against the strongest baseline</h3><p>{esc(ys.COMPARISON_NOTE)}.</p>"
    )
    parts.append(
        WIDE.format(
            table(
                list(ys.COMPARISON_COLUMNS),
                [ys.comparison_cells(vars(c)) for c in yard.comparisons()],
                numeric=[False, False] + [True] * (len(ys.COMPARISON_COLUMNS) - 2),
            )
        )
    )
    large = ys.in_the_large_doc(yard)
    if large:
        parts.append(f"<h3>Calibration in the large</h3><p>{esc(ys.in_the_large_note(large))}.</p>")
        parts.append(
            WIDE.format(
                table(
                    list(ys.IN_THE_LARGE_COLUMNS),
                    ys.in_the_large_cells(large),
                    numeric=[False, False, True, True, True],
                )
            )
        )
    hist = ", ".join(fmt_s(h) for h in yard.pit_histogram())
    parts.append(
        f'<p class="note">PIT of the direct blows, 5 bins (0.20 each if calibrated): '
        f"{esc(hist)}.</p>"
    )
    return "".join(parts)


def anchor_id(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-") + "-chart"


__all__ = ["anchor_id", "finite", "fmt_p", "fmt_s", "write_hindcast_html"]
