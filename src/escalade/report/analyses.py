"""The HTML pages of the analyses stored as experiments: a compare, a discovery, a break-even
search, and the "what moves it" section of a run measured with ``--drivers``.

Each page opens with its answer in one sentence, defines every outcome it shows (from the
outcome registry, :func:`escalade.report.page.glossary`) and ends with the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from escalade.analysis.briefing import HEADLINE_COLUMNS
from escalade.analysis.discover import DISCOVER_COLUMNS
from escalade.outcomes import BY_NAME, THRESHOLDS
from escalade.report.page import (
    Section,
    esc,
    figure,
    fmt_interval,
    fmt_num,
    fmt_p,
    glossary,
    manifest_section,
    page,
    table,
)

COMPARED = tuple(c for c in THRESHOLDS.values() if c != "first_combat_day")
"""The thresholds a compare's glossary defines (combat by the watched actor is named with
its actor in the table, and defined with the others below)."""


def _pp(d: dict[str, Any]) -> str:
    return f"{100 * d['diff']:+.1f} pp ({100 * d['low']:+.1f} to {100 * d['high']:+.1f})"


def drivers_section(drivers: list[dict[str, Any]], runs: int | None) -> Section:
    """What moves it: each declared lever's paired effect on P(sustained war) and P(direct
    exchange), in percentage points with Newcombe's paired 95% interval."""
    cols = HEADLINE_COLUMNS[::-1]  # war first: the rows are sorted by it
    rows = [[d["lever"], d["description"], *(_pp(d["effects"][c]) for c in cols)] for d in drivers]
    body = (
        "<p>Each lever the scenario declares, applied alone on top of the experiment's "
        "scenario and overrides, simulated with the same seed and run ids as without it "
        f"({runs or '?'} paired runs an arm): the change it makes, with the lever − "
        "without, in percentage points with a paired 95% interval (Newcombe). Largest effect "
        "on sustained war first.</p>"
        + table(
            ["lever", "what it means", *(f"{BY_NAME[c].short}, 95%" for c in cols)],
            rows,
            numeric=[False, False, True, True],
        )
        + glossary(cols)
    )
    return ("What moves it", body)


def _difference_rows(differences: list[dict[str, Any]]) -> list[list[object]]:
    out: list[list[object]] = []
    for d in differences:
        if d["kind"] == "proportion":
            a, b, diff = (f"{d[k]:.3f}" for k in ("a", "b", "diff"))
            interval = fmt_interval(d["low"], d["high"])
        else:
            a, b = fmt_num(d["a"], 2), fmt_num(d["b"], 2)
            diff = fmt_num(d["diff"], 2)
            interval = f"{fmt_num(d['low'], 2)} – {fmt_num(d['high'], 2)}"
        gain = "—" if d["high"] == d["low"] else f"{d['gain']:.1f}"
        out.append([d["label"], a, b, ("+" if d["diff"] > 0 else "") + diff, interval, gain])
    return out


def build_compare_page(manifest: dict[str, Any], arms: dict[str, dict[str, Any]]) -> str:
    """A compare's page: the answer, the paired differences, each arm's headline."""
    results = manifest["results"]
    a, b = results["a"], results["b"]
    arm_rows = [
        [name, esc(arm["description"]), esc(arm["id"]), esc(arms.get(name, {}).get("headline", ""))]
        for name, arm in (("A", a), ("B", b))
    ]
    body = (
        f'<p class="headline"><b>{esc(results["sentence"])}</b></p>'
        + table(
            ["outcome", "A", "B", "B − A", "95% interval", "× narrower"],
            _difference_rows(results["differences"]),
            numeric=[False, True, True, True, True, True],
        )
        + '<p class="note">Both arms ran with the same seed and run ids (common random '
        "numbers): run K drew the same random numbers in both, so each difference is paired "
        "(Newcombe's paired interval for probabilities, a t interval on the per-run "
        "differences for means). × narrower: how much narrower the paired interval is than "
        "with independent seeds.</p>"
        + glossary([*COMPARED, "first_combat_day", "max_rung", "deaths", "defence_cost_usd"])
    )
    arms_body = (
        table(["arm", "scenario and changes", "experiment", "its headline"], arm_rows,
              raw=[False, True, True, True])
        + "<p>Each arm is a run of its own in the store: <code>escalade report ID</code> "
        "writes its full report (ladder, pathways, narratives).</p>"
    )  # fmt: skip
    sections: list[Section] = [
        ("Answer", body),
        ("Arms", arms_body),
        ("Manifest", manifest_section(manifest)),
    ]
    title = f"Compare: {manifest['scenario_name']}"
    subtitle = (
        f"experiment {esc(manifest['id'])} · {results['runs']:,} paired runs an arm · "
        f"seed {esc(results['seed'])}"
    )
    return page(title, subtitle, sections, results)


def _table_or(
    headers: list[str], rows: Sequence[Sequence[object]], numeric: list[bool], empty: str
) -> str:
    """The table of ``rows``, or the sentence ``empty`` when there are none."""
    return table(headers, rows, numeric=numeric) if rows else f"<p>{esc(empty)}</p>"


def build_discover_page(manifest: dict[str, Any], points: list[dict[str, Any]]) -> str:
    """A discovery's page: the box in words, its coverage and density, the points."""
    r = manifest["results"]
    column = DISCOVER_COLUMNS[r["outcome"]]
    bounds = [
        [b["label"], f"{b['low']:.3g}", f"{b['high']:.3g}",
         f"{b['range_low']:g} to {b['range_high']:g}"]
        for b in r["bounds"]
    ]  # fmt: skip
    stats = table(
        ["measure", "value", "what it says"],
        [
            ["coverage", fmt_p(r["coverage"]), "share of all the likely points inside the box"],
            ["density", fmt_p(r["density"]), "share of the points inside the box that are likely"],
            ["mass", fmt_p(r["mass"]), "share of all points inside the box"],
            ["base rate", fmt_p(r["base_rate"]), "share of all points that are likely"],
        ],
        numeric=[False, True, False],
    )
    leaves = r.get("leaves") or []  # a discovery stored before CART has none
    leaf_rows = [
        [", ".join(f"{b['label']} {b['low']:.3g} to {b['high']:.3g}" for b in leaf["bounds"])
         or "everywhere", fmt_p(leaf["density"]), fmt_p(leaf["coverage"]), fmt_p(leaf["mass"])]
        for leaf in leaves
    ]  # fmt: skip
    cart = (
        f"<h3>CART's likely leaves</h3><p>A classification tree (CART, scikit-learn) of at "
        f"most {r.get('tree_depth', '?')} levels, each leaf holding at least "
        f"{r.get('min_leaf', '?')} points, fitted on the same points: the leaves where most "
        "points are likely, densest first, with the same measures as the box.</p>"
        + _table_or(
            ["where", "density", "coverage", "mass"],
            leaf_rows,
            [False, True, True, True],
            "No leaf where most points are likely.",
        )
        if "leaves" in r
        else ""
    )
    names = [p for p in (points[0] if points else {}) if p not in ("point", "y")]
    point_rows = [[p["point"], *(f"{p[n]:.4g}" for n in names), fmt_p(p["y"])] for p in points]
    body = (
        f'<p class="headline"><b>{esc(r["sentence"])}</b></p>'
        f"<p>A point is <i>likely</i> when its P({esc(r['outcome'])}) exceeds "
        f"{r['level']:.3g}. PRIM (Friedman &amp; Fisher 1999, the <code>prim</code> package) "
        "peels the box of parameter space where such points concentrate.</p>"
        + stats
        + "<h3>The box's bounds</h3>"
        + _table_or(
            ["parameter", "from", "to", "swept range"],
            bounds,
            [False, True, True, False],
            "No box: no region concentrates the likely points.",
        )
        + cart
        + glossary([column])
    )
    chart = ""
    if len(names) >= 2:
        fig = go.Figure(
            go.Scatter(
                x=[p[names[0]] for p in points],
                y=[p[names[1]] for p in points],
                mode="markers",
                marker={"color": [p["y"] for p in points], "colorscale": "Reds",
                        "showscale": True, "colorbar": {"title": f"P({r['outcome']})"}},
            )
        )  # fmt: skip
        fig.update_layout(xaxis_title=names[0], yaxis_title=names[1])
        chart = figure(fig, "chart-discover")
    sections: list[Section] = [
        ("Answer", body),
        (
            "Points",
            chart
            + "<details><summary>Every point and its probability</summary>"
            + table(
                ["point", *names, f"P({r['outcome']})"],
                point_rows,
                numeric=[True] * (len(names) + 2),
            )
            + "</details>",
        ),
        ("Manifest", manifest_section(manifest)),
    ]
    subtitle = (
        f"experiment {esc(manifest['id'])} · {r['points']} points × {r['runs_per_point']} "
        f"runs · seed {esc(r['seed'])}"
    )
    return page(f"Discovery: {manifest['scenario_name']}", subtitle, sections, r)


def build_threshold_page(manifest: dict[str, Any]) -> str:
    """A break-even search's page: the value with its interval, and every value tried."""
    r = manifest["results"]
    steps = sorted(r["steps"], key=lambda s: s["value"])
    rows = [
        [f"{s['value']:.4g}", fmt_p(s["p"]), fmt_interval(s["low"], s["high"]),
         "meets" if s["met"] else "misses"]
        for s in steps
    ]  # fmt: skip
    fig = go.Figure(
        go.Scatter(
            x=[s["value"] for s in steps],
            y=[s["p"] for s in steps],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [s["high"] - s["p"] for s in steps],
                "arrayminus": [s["p"] - s["low"] for s in steps],
            },
            mode="markers+lines",
        )
    )
    level = float(r["target"].split()[-1])
    fig.add_hline(y=level, line_dash="dot", annotation_text=r["target"])
    fig.update_layout(xaxis_title=r["label"], yaxis_title="probability (95% interval)")
    body = (
        f'<p class="headline"><b>{esc(r["verdict"])}</b></p>'
        f"<p>{esc(r['label'])} was bisected with {r['runs']:,} runs at each value, the same "
        "seed and run ids at every value (common random numbers), assuming the probability "
        "moves one way over the range. Each probability carries a 95% Wilson interval: a "
        "break-even whose neighbours' intervals overlap the target is uncertain by about "
        "the distance between them.</p>"
        + figure(fig, "chart-threshold")
        + table(["value", "P", "95% interval", "target"], rows,
                numeric=[True, True, True, False])
        + glossary([r["column"]] if r.get("column") in BY_NAME else [])
    )  # fmt: skip
    sections: list[Section] = [("Answer", body), ("Manifest", manifest_section(manifest))]
    subtitle = f"experiment {esc(manifest['id'])} · target {esc(r['target'])}"
    return page(f"Break-even: {manifest['scenario_name']}", subtitle, sections, r)


__all__ = [
    "build_compare_page",
    "build_discover_page",
    "build_threshold_page",
    "drivers_section",
]
