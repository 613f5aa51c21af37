"""A scenario's levers (named interventions, ``levers:``): checking that each applies.

A lever is written as overrides (``changes``, ``add``, ``drop``; see
:class:`escalade.scenario.schema.Lever`). Whether its paths exist and its values are valid is
known only once it is applied, so :func:`lever_problems` applies each one to the scenario and
reports what goes wrong at the lever's line in the file.
"""

from __future__ import annotations

from pathlib import Path

from escalade.scenario.load import (
    Problem,
    ScenarioError,
    load_scenario,
    locate,
    read_yaml,
    resolve_source,
)
from escalade.scenario.schema import Scenario


def lever_problems(spec: str | Path, scenario: Scenario | None = None) -> list[Problem]:
    """Every problem of applying each lever of the scenario at ``spec``, located at the
    lever in the file (``levers.NAME``)."""
    path = resolve_source(spec)
    sc = scenario if scenario is not None else load_scenario(path)
    data = read_yaml(path)
    out: list[Problem] = []
    for name, lever in sc.levers.items():
        at = locate(data, ("levers", name), str(path), "")
        try:
            load_scenario(path, lever.overrides())
        except ScenarioError as exc:
            for p in exc.problems:
                where = f" {p.path}:" if p.path else ""
                out.append(
                    Problem(
                        str(path),
                        at.line,
                        at.column,
                        f"levers.{name}",
                        f"applying it fails:{where} {p.message}",
                        p.hint,
                    )
                )
        except ValueError as exc:
            out.append(Problem(str(path), at.line, at.column, f"levers.{name}", str(exc)))
    return out
