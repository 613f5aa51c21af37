"""A scenario's levers (named interventions, ``levers:``): checking that each applies.

A lever is written as overrides (``changes``, ``add``, ``drop``; see
:class:`escalade.scenario.schema.Lever`). Whether its paths exist and its values are valid is
known only once it is applied, so :func:`lever_problems` applies each one to the scenario and
reports what goes wrong at the lever's line in the file.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

from escalade.scenario.load import (
    Problem,
    ScenarioError,
    apply_overrides,
    load_scenario,
    locate,
    parse_yaml,
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


def lever_overrides(scenario: Scenario, levers: list[str] | None) -> dict[str, Any]:
    """The overrides of ``--lever NAME[=VALUE]`` options, from the levers ``scenario``
    declares (an unknown name is an error with a suggestion)."""
    out: dict[str, Any] = {}
    for spec in levers or []:
        name, sep, raw = spec.partition("=")
        lever = scenario.levers.get(name)
        if lever is None:
            known = sorted(scenario.levers)
            close = difflib.get_close_matches(name, known, n=1)
            tip = (
                f"did you mean '{close[0]}'?"
                if close
                else (f"known: {', '.join(known)}" if known else "it declares no levers")
            )
            raise ValueError(
                f"--lever {name}: scenario '{scenario.name}' has no such lever ({tip})"
            )
        value = parse_yaml(f"v: {raw}", "--lever")["v"] if sep else None
        try:
            out.update(lever.overrides(value))
        except ValueError as exc:
            raise ValueError(f"--lever {spec}: {exc}") from None
    return out
