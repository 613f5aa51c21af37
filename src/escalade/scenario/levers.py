"""A scenario's levers (named interventions, ``levers:``): checking that each applies.

A lever is written as overrides (``changes``, ``add``, ``drop``; see
:class:`escalade.scenario.schema.Lever`). Whether its paths exist and its values are valid is
known only once it is applied, so :func:`lever_problems` applies each one to the scenario and
reports what goes wrong at the lever's line in the file.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from escalade.scenario.load import (
    Problem,
    ScenarioError,
    apply_overrides,
    load_scenario,
    locate,
    read_yaml,
    resolve_source,
    validate,
)
from escalade.scenario.schema import Scenario


def lever_problems(
    spec: str | Path, scenario: Scenario | None = None, data: Any = None
) -> list[Problem]:
    """Every problem of applying each lever of the scenario at ``spec``, located at the
    lever in the file (``levers.NAME``). ``data``: the file's YAML as read (or as repaired
    by :func:`escalade.scenario.check.all_problems`) instead of the file itself."""
    path = resolve_source(spec)
    sc = scenario if scenario is not None else load_scenario(path)
    text = read_yaml(path) if data is None else data
    out: list[Problem] = []
    for name, lever in sc.levers.items():
        at = locate(text, ("levers", name), str(path), "")
        try:
            validate(apply_overrides(copy.deepcopy(text), lever.overrides(), str(path)), str(path))
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
