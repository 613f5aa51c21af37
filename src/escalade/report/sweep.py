"""The HTML page of a sensitivity sweep: tornado chart, indices, design points."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from escalade.analysis.sensitivity import OUTCOMES, RANKED_BY, Design, Sweep, tornado
from escalade.report.charts import indices_chart, tornado_chart
from escalade.report.page import Section, esc, figure, glossary, manifest_section, page, table

OUTCOME_COLUMNS = ("first_war_day", "first_direct_day", "max_rung", "deaths")
"""The registry's columns behind the sweep's outcomes (defined on its page)."""

INDEX_COLUMNS: dict[Design, list[tuple[str, str | None]]] = {
    Design.SOBOL: [("S1", "S1_conf"), ("ST", "ST_conf")],
    Design.MORRIS: [("mu_star", "mu_star_conf"), ("sigma", None), ("mu", None)],
    Design.LHS: [("S1", "S1_conf")],
    Design.GRID: [("S1", None)],
}
"""Index columns shown per design: (estimate, its confidence half-width or None)."""

ANALYSIS = {
    Design.SOBOL: "Sobol indices (SALib, Saltelli estimator): S1 is the share of the outcome's "
    "variance due to the parameter alone, ST including its interactions; ± is the 95% "
    "bootstrap half-width. With few base samples the estimates are rough (they may fall "
    "outside [0, 1]); double --samples to tighten them.",
    Design.MORRIS: "Morris elementary effects (SALib): μ* is the mean absolute change of the "
    "outcome when the parameter moves one step over its range (a ranking of influence), σ "
    "their spread (non-linearity or interactions); ± is the 95% bootstrap half-width of μ*.",
    Design.LHS: "RBD-FAST first-order indices on a Latin hypercube (SALib): S1 is the share of "
    "the outcome's variance due to the parameter alone; ± is the 95% bootstrap half-width.",
    Design.GRID: "Main effects on a full grid: S1 = Var(E[outcome | parameter]) / Var(outcome), "
    "exact for the grid (no sampling interval).",
}


def fmt_index(value: float | str, conf: float | str | None) -> str:
    v = float(value)
    if conf is None:
        return f"{v:.3f}"
    c = float(conf)
    return f"{v:.3f} ± {c:.3f}" if c == c else f"{v:.3f}"


def index_rows(sweep: Sweep, key: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the index table of one outcome (with the tornado's swing)."""
    cols = INDEX_COLUMNS[sweep.design]
    by_param = {str(r["param"]): r for r in sweep.indices[key]}
    headers = [
        "parameter",
        *(c for c, _ in cols),
        "at low → scenario → at high" if sweep.centre else "low → high (mean outcome)",
    ]
    rows = []
    for s in tornado(sweep)[key]:  # the tornado's order: by the index
        r = by_param[s.param]
        middle = f" → {s.baseline:.3f}" if sweep.centre else ""
        rows.append(
            [
                sweep.label(s.param),
                *(fmt_index(r[c], r[conf] if conf else None) for c, conf in cols),
                f"{s.low_mean:.3f}{middle} → {s.high_mean:.3f}",
            ]
        )
    return headers, rows


def build_sweep_page(
    sweep: Sweep, manifest: dict[str, Any] | None = None, sentence: str = ""
) -> str:
    params = table(
        ["parameter", "low", "high", "kind"],
        [
            [sweep.label(p.path), p.low, p.high, "integer" if p.integer else "real"]
            for p in sweep.params
        ],
        numeric=[False, True, True, False],
    )
    design = (
        f"<p>{sweep.points:,} design points ({esc(sweep.design)} design, samples "
        f"{sweep.samples}), {sweep.runs_per_point:,} runs at each with seed {sweep.seed} "
        "(the same run ids at every point: common random numbers), "
        f"{sweep.points * sweep.runs_per_point:,} runs in all.</p>" + params
    )
    tables = "".join(
        f"<h3>{esc(label)}</h3>" + table(*index_rows(sweep, key), numeric=None)
        for key, label in OUTCOMES.items()
    )
    point_rows = [
        [i, *(p.value(v) for p, v in zip(sweep.params, row, strict=True)),
         *(f"{sweep.y[k][i]:.3f}" for k in OUTCOMES)]
        for i, row in enumerate(sweep.x)
    ]  # fmt: skip
    points = (
        "<details><summary>Every design point and its outcomes</summary>"
        + table(
            ["point", *(sweep.label(p.path) for p in sweep.params), *OUTCOMES],
            point_rows,
            numeric=[True] * (1 + len(sweep.params) + len(OUTCOMES)),
        )
        + "</details>"
    )
    if sweep.centre is not None:
        how = (
            "Each bar spans the outcome with that parameter alone at its low bound (blue end) "
            "and at its high bound (red end), every other parameter at the scenario's own "
            "value, simulated with the same seed and run ids; the vertical line is the "
            "scenario's own outcome. Bars in the order of the index shown beside them "
            f"({esc(RANKED_BY[sweep.design])}), largest on top."
        )
    else:
        how = (
            "Each bar spans the mean outcome over the design points where the parameter lies "
            "in the bottom quarter of its range (blue end) and the top quarter (red end); the "
            "vertical line is the mean over all points."
        )
    answer = f'<p class="headline"><b>{esc(sentence)}</b></p>' if sentence else ""
    sections: list[Section] = [
        ("Design", answer + design + glossary(OUTCOME_COLUMNS)),
        (
            "Tornado",
            f'<p class="note">{how}</p>'
            + figure(tornado_chart(sweep), "chart-tornado", height=760, top=100),
        ),
        (
            "Sensitivity indices",
            f'<p class="note">{esc(ANALYSIS[sweep.design])}</p>'
            + figure(indices_chart(sweep), "chart-indices", height=760, top=100)
            + tables,
        ),
        ("Points", points),
    ]
    if manifest is not None:
        sections.append(("Manifest", manifest_section(manifest)))
    title = f"Sensitivity of {sweep.scenario}"
    subtitle = (
        f"{esc(sweep.design)} design · {len(sweep.params)} parameters · "
        f"{sweep.points:,} points × {sweep.runs_per_point:,} runs · seed {sweep.seed}"
    )
    return page(title, subtitle, sections, sweep.as_dict())


def write_sweep_html(
    sweep: Sweep, path: str | Path, manifest: dict[str, Any] | None = None
) -> Path:
    """Write the sweep's page (tornado chart and indices; self-contained, no network)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    sentence = str(((manifest or {}).get("results") or {}).get("sentence") or "")
    out.write_text(build_sweep_page(sweep, manifest, sentence), encoding="utf-8")
    return out
