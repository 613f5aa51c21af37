"""Self-contained HTML pages: plotly's JavaScript inlined once, no fonts or files fetched.

Everything user-supplied (scenario titles, actor names, manifest values) passes through
:func:`esc` before it reaches the page.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go

Section = tuple[str, str]
"""A report section: (title, HTML body). The title is escaped; the body is trusted HTML."""

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --rule: #d9e2ec; --band: #f5f7fa; --accent: #2f5d8a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 8px; padding-bottom: 8px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 36px 0 8px; padding-bottom: 4px;
     border-bottom: 1px solid var(--rule); color: var(--accent); }
h3 { font-size: 1rem; margin: 18px 0 6px; }
p.meta, p.note, .muted { color: var(--muted); font-size: 0.9rem; }
nav { font-size: 0.9rem; margin: 8px 0 0; }
nav a { margin-right: 14px; color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 0.9rem; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { text-align: left; background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fbfcfd; }
.chart { border: 1px solid var(--rule); border-radius: 4px; margin: 8px 0 16px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
ul.narrative { list-style: none; padding: 6px 10px; margin: 4px 0 12px; font-size: 0.88rem;
                max-height: 480px; overflow-y: auto; border: 1px solid var(--rule); }
ul.narrative li { margin: 2px 0; padding-left: 1.5em; text-indent: -1.5em; }
ul.narrative li.major { font-weight: 600; }
ul.narrative li.minor { color: var(--muted); }
span.step { white-space: nowrap; }
dl.key { font-size: 0.85rem; color: var(--muted); margin: 4px 0 12px; }
dl.key dt { display: inline; font-weight: 600; }
dl.key dd { display: inline; margin: 0 12px 0 4px; }
pre { background: var(--band); padding: 10px; overflow-x: auto; font-size: 0.8rem;
      border: 1px solid var(--rule); }
details summary { cursor: pointer; color: var(--accent); }
.warn { color: #9b2c2c; }
"""


def esc(value: object) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(value), quote=True)


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js, to inline once per page (about 4.8 MB; the page then needs no network)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def figure(fig: go.Figure, div_id: str, height: int = 420, top: int = 50) -> str:
    """A plotly figure as a ``<div>`` plus the script that draws it (plotly.js not included).

    ``top``: the top margin in pixels (more when subplot titles sit under the main title).
    """
    fig.update_layout(
        height=height, template="plotly_white", margin={"l": 60, "r": 20, "t": top, "b": 50}
    )
    body = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        default_height=f"{height}px",
        config={"displaylogo": False, "responsive": True},
    )
    return f'<div class="chart">{body}</div>'


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    numeric: Sequence[bool] | None = None,
    raw: Sequence[bool] | None = None,
) -> str:
    """An HTML table; cells are escaped unless their column is marked ``raw``."""
    num = list(numeric or [False] * len(headers))
    trusted = list(raw or [False] * len(headers))
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if n else f"<th>{esc(h)}</th>"
        for h, n in zip(headers, num, strict=True)
    )
    body = []
    for row in rows:
        cells = []
        for value, n, r in zip(row, num, trusted, strict=True):
            text = str(value) if r else esc(value)
            cells.append(f'<td class="num">{text}</td>' if n else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def anchor(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")


def page(title: str, subtitle: str, sections: Sequence[Section], data: Any = None) -> str:
    """A complete HTML document with a table of contents, plotly.js inlined in the head.

    ``data`` (JSON-serialisable) is embedded as ``<script type="application/json"
    id="report-data">`` so the numbers behind the page can be read back by tools.
    """
    nav = " ".join(f'<a href="#{anchor(t)}">{esc(t)}</a>' for t, _ in sections)
    body = "\n".join(
        f'<section id="{anchor(t)}"><h2>{esc(t)}</h2>\n{content}\n</section>'
        for t, content in sections
    )
    payload = ""
    if data is not None:
        text = json.dumps(data, default=str, allow_nan=True).replace("</", "<\\/")
        payload = f'<script type="application/json" id="report-data">{text}</script>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style>"
        f'<script type="text/javascript">{plotly_js()}</script></head>\n'
        f'<body><main><header><h1>{esc(title)}</h1><p class="meta">{subtitle}</p>'
        f"<nav>{nav}</nav></header>\n{body}\n{payload}</main></body></html>\n"
    )


def manifest_section(manifest: dict[str, Any]) -> str:
    """The experiment's manifest as a table, and the scenario YAML it ran (folded)."""
    rows = [
        [k, json.dumps(v, default=str) if isinstance(v, dict | list) else v]
        for k, v in manifest.items()
        if k not in ("scenario_yaml", "results")
    ]
    yaml = manifest.get("scenario_yaml")
    text = (
        f"<details><summary>Scenario YAML as run ({len(yaml):,} characters)</summary>"
        f"<pre>{esc(yaml)}</pre></details>"
        if yaml
        else ""
    )
    return table(["key", "value"], rows) + text


def glossary(columns: Iterable[str], title: str = "What the outcomes mean") -> str:
    """The definitions of these outcome columns, from the registry (:mod:`escalade.outcomes`),
    and what they leave out: the trigger's own deaths, damage and rung."""
    from escalade.outcomes import BY_NAME

    words = "".join(
        f"<dt>{esc(BY_NAME[c].label or c)}</dt><dd>{esc(BY_NAME[c].definition)}</dd>"
        for c in columns
    )
    return (
        f"<details open><summary>{esc(title)}</summary><dl>{words}</dl>"
        "<p>Every outcome counts what happened after the trigger: the trigger's own deaths, "
        "damage and rung are not included.</p></details>"
    )


def fmt_p(p: float) -> str:
    return "—" if p != p else f"{p:.3f}"


def fmt_interval(low: float, high: float, digits: int = 3) -> str:
    if low != low or high != high:
        return "—"
    return f"{low:.{digits}f} – {high:.{digits}f}"


def fmt_num(x: float, digits: int = 0) -> str:
    """A number with thousands separators; large money in millions/billions."""
    if x != x:
        return "—"
    ax = abs(x)
    if ax >= 1e9:
        return f"{x / 1e9:,.2f} bn"
    if ax >= 1e6:
        return f"{x / 1e6:,.1f} m"
    return f"{x:,.{digits}f}"
