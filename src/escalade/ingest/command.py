"""``escalade ingest``: read news articles into events, and optionally into a scenario overlay.

Examples::

    escalade ingest articles/ --date 2024-04-14
    escalade ingest article.html --json
    escalade ingest articles/ --into april-2024 --out overlay.yaml
    escalade ingest articles/ --into april-2024 --diff
    escalade run april-2024 --overlay overlay.yaml
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from escalade.cli_common import console, err, fail, user_errors
from escalade.ingest.text import MAX_ARTICLE_BYTES, IngestError


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise IngestError(f"--date expects YYYY-MM-DD, got '{value}'") from None


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Article files (.txt, .html, .md) or folders of them")
    ],
    date: Annotated[
        str | None,
        typer.Option("--date", help="The articles' date YYYY-MM-DD (resolves 'on Tuesday')"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the events as JSON")] = False,
    as_yaml: Annotated[bool, typer.Option("--yaml", help="Print the events as YAML")] = False,
    actors: Annotated[
        Path | None,
        typer.Option("--actors", help="YAML file extending the actor dictionary", dir_okay=False),
    ] = None,
    into: Annotated[
        str | None,
        typer.Option("--into", help="Scenario (file or built-in name) to place the events in"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="With --into: write the scenario overlay here", dir_okay=False),
    ] = None,
    diff: Annotated[
        bool, typer.Option("--diff", help="With --into: show what the articles change")
    ] = False,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Largest article accepted, bytes", min=1)
    ] = MAX_ARTICLE_BYTES,
) -> None:
    """Read news articles into events: actor, target, kind (ladder rung), date, place, means,
    quantities, casualties, who said it, and the evidence sentence with its offsets."""
    from escalade.ingest.actors import load_dictionary
    from escalade.ingest.pipeline import ingest_paths

    with user_errors():
        try:
            if as_json and as_yaml:
                raise IngestError("give --json or --yaml, not both")
            if (out or diff) and into is None:
                raise IngestError("--out and --diff need --into SCENARIO")
            scenario = None
            if into is not None:
                from escalade.scenario.load import load_scenario

                scenario = load_scenario(into)
            report = ingest_paths(
                paths,
                date=_parse_date(date),
                dictionary=load_dictionary(actors),
                scenario=scenario,
                max_bytes=max_bytes,
            )
        except IngestError as exc:
            fail([str(exc)])
            return
    for problem in report.errors:
        err.print(f"[red]error:[/red] {problem}", highlight=False, soft_wrap=True)
    if not report.results:
        raise typer.Exit(2)
    overlay = None
    if scenario is not None and into is not None:
        overlay = _overlay(report, scenario, into, out, actors)
    data = report.as_dict()
    if overlay is not None:
        data["overlay"] = {
            "file": str(out) if out else None,
            "placed": [
                {
                    "kind": p.event.kind,
                    "actor": p.event.actor,
                    "target": p.event.target,
                    "section": p.section,
                    "status": p.status,
                    "reason": p.reason,
                    "source": p.source_id,
                    "evidence": p.event.evidence,
                }
                for p in overlay.placed
            ],
        }
    if as_json:
        sys.stdout.write(json.dumps(data, indent=1, default=str) + "\n")
    elif as_yaml:
        from ruamel.yaml import YAML

        y = YAML(typ="safe", pure=True)
        y.default_flow_style = False
        y.dump(data, sys.stdout)
    else:
        _print_events(report)
        if overlay is not None and (diff or out is None):
            from escalade.ingest.overlay import diff_lines

            console.print(f"[bold]Against scenario {into}:[/bold]")
            for line in diff_lines(overlay):
                console.print("  " + line, highlight=False, markup=False, soft_wrap=True)
        if overlay is not None and out is not None:
            console.print(
                f"overlay written to {out}: {sum(p.status == 'new' for p in overlay.placed)} new "
                f"item(s), {len(overlay.not_held)} listed as not held\n"
                f"  escalade run {into} --overlay {out}",
                highlight=False,
                soft_wrap=True,
            )
    if report.errors:
        raise typer.Exit(1)


def _overlay(
    report: Any, scenario: Any, into: str, out: Path | None, actors: Path | None = None
) -> Any:
    from escalade.ingest.actors import load_dictionary
    from escalade.ingest.overlay import build_overlay, overlay_yaml
    from escalade.scenario.load import ScenarioError, load_scenario

    overlay = build_overlay(report.events, scenario, into, load_dictionary(actors))
    try:
        load_scenario(into, overlay.data)  # the overlay must give a valid scenario
    except ScenarioError as exc:  # pragma: no cover - a bug in the writer, reported plainly
        fail([f"the overlay would not validate: {p}" for p in exc.problems], code=1)
    if out is not None:
        try:
            out.write_text(overlay_yaml(overlay), encoding="utf-8")
        except OSError as exc:
            fail([f"--out {out}: cannot write it: {exc.strerror or exc}"])
    return overlay


def event_line(ev: Any) -> str:
    """One event in one line: date, actor, kind (rung), target, place, counts, who said it."""
    rung = f" (rung {ev.rung})" if ev.rung is not None else ""
    parts = [f"{ev.date or 'undated':<10}  {ev.actor or '?'} {ev.kind}{rung} -> {ev.target or '?'}"]
    if ev.place:
        parts.append(f"at {ev.place}")
    counts = [f"{q['count']} {q['unit']}" for q in ev.quantities]
    counts += [f"{v} {k}" for k, v in ev.casualties.items()]
    if counts:
        parts.append(", ".join(counts))
    if ev.speaker:
        parts.append(f"said by {ev.speaker}")
    return "; ".join(parts)


def _print_events(report: Any) -> None:
    for res in report.results:
        title = f"{res.article} ({res.date or 'no date'}): {len(res.events)} event(s)"
        console.print(f"[bold]{title}[/bold]", highlight=False, soft_wrap=True)
        for ev in res.events:
            console.print("  " + event_line(ev), highlight=False, markup=False, soft_wrap=True)
            quote = " ".join(ev.evidence.split())
            quote = quote if len(quote) <= 160 else quote[:157] + "..."
            console.print(
                f'      "{quote}" [{ev.start}:{ev.end}]',
                highlight=False,
                markup=False,
                soft_wrap=True,
                style="dim",
            )
        for note in res.notes:
            console.print(f"  [yellow]note:[/yellow] {note}", highlight=False)
        if res.unknown_actors:
            names = sorted({u["text"] for u in res.unknown_actors})
            console.print(
                f"  [yellow]unknown actors:[/yellow] {', '.join(names)} "
                "(add them with --actors FILE)",
                highlight=False,
            )


def register(app: typer.Typer) -> None:
    """Add ``ingest`` to the app."""
    app.command("ingest")(ingest)


__all__ = ["ingest", "register"]
