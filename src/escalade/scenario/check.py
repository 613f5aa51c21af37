"""Every problem of a scenario file in one pass (``escalade validate``).

Loading a scenario stops at the first *kind* of problem: a schema error hides the unknown
references, which hide the unknown policies and the levers that fail. :func:`all_problems`
goes on: after each pass it sets aside what was wrong (an optional field goes back to its
default; an item missing a required field, or of the wrong shape, leaves its list or mapping)
and validates again, until the rest of the file validates; then it checks the policy names,
applies each lever, and checks that every ``source:`` names a declared source. Problems are
located in the file as written (list items set aside do not shift the indices reported), and
a problem that only follows from something set aside (a reference to an actor whose entry
was invalid) is not reported twice. Only a YAML syntax error stops it: nothing past it can be
read.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from escalade.scenario.load import (
    Problem,
    ScenarioError,
    annotation_at,
    locate,
    read_yaml,
    resolve_source,
    validate,
)
from escalade.scenario.schema import Scenario

Steps = tuple[Any, ...]


def all_problems(spec: str | Path) -> tuple[Scenario | None, list[Problem]]:
    """The scenario (None if it does not validate) and every problem found in its file,
    sorted by line and column. A YAML syntax error or an unreadable file is a
    :class:`ScenarioError` (nothing else can be checked)."""
    from escalade.scenario.levers import lever_problems
    from escalade.simulation import check_policies

    path = resolve_source(spec)
    name = str(path)
    data = read_yaml(path)
    work = copy.deepcopy(data)
    renumbered: dict[int, list[int]] = {}  # id(list) -> original index of each item left
    dropped: set[str] = set()
    found: dict[str, Problem] = {}

    def note(problems: list[Problem]) -> None:
        for p in problems:
            steps = _steps(p.path)
            original = _original(work, steps, renumbered)
            at = locate(data, original, name, p.message, p.hint) if p.path else p
            q = Problem(name, at.line, at.column, ".".join(map(str, original)), p.message, p.hint)
            if not any(f"'{d}'" in p.message and "unknown" in p.message for d in dropped):
                found.setdefault(str(q), q)

    scenario: Scenario | None = None
    while True:  # each pass sets one node aside, so this ends
        try:
            scenario = validate(work, name)
            break
        except ScenarioError as exc:
            note(exc.problems)
            # One thing set aside a pass: removing a list item shifts the paths after it.
            if not any(_set_aside(work, _steps(p.path), renumbered, dropped) for p in exc.problems):
                break
    if scenario is not None:
        try:
            check_policies(scenario)
        except ScenarioError as exc:
            note(exc.problems)
        note(lever_problems(path, scenario, work))
    reported = {p.path for p in found.values()}
    note([p for p in source_problems(data, name) if p.path not in reported])
    problems = sorted(found.values(), key=lambda p: (p.line, p.column, p.path))
    return (scenario if not problems else None), problems


def source_problems(data: Any, name: str) -> list[Problem]:
    """Every ``source:`` that names no declared source, and every source id declared twice."""
    sources = data.get("sources") if isinstance(data, dict) else None
    ids = [s.get("id") for s in sources or [] if isinstance(s, dict)]
    out = [
        locate(data, ("sources", i, "id"), name, f"source id '{sid}' is declared twice")
        for i, sid in enumerate(ids)
        if sid is not None and sid in ids[:i]
    ]
    known = sorted({str(s) for s in ids if s is not None})
    for steps, value in _sources_cited(data, ()):
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "declare it under sources:"
            out.append(locate(data, steps, name, f"unknown source id '{value}'", hint))
    return out


def _sources_cited(node: Any, at: Steps) -> list[tuple[Steps, str]]:
    """``(path, id)`` of every ``source: id`` in the document."""
    out: list[tuple[Steps, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, str) and at[:1] != ("sources",):
                out.append(((*at, key), value))
            else:
                out += _sources_cited(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _sources_cited(value, (*at, i))
    return out


def _steps(path: str) -> Steps:
    return tuple(int(s) if s.isdigit() else s for s in path.split(".")) if path else ()


def _original(work: Any, steps: Steps, renumbered: dict[int, list[int]]) -> Steps:
    """``steps`` in ``work`` (where items were set aside) as the path in the file."""
    out: list[Any] = []
    node = work
    for i, step in enumerate(steps):
        if isinstance(node, list) and isinstance(step, int):
            index = renumbered.get(id(node))
            out.append(index[step] if index is not None and step < len(index) else step)
            node = node[step] if 0 <= step < len(node) else None
        else:
            out.append(step)
            node = node.get(step) if isinstance(node, dict) else None
        if node is None:
            return (*out, *steps[i + 1 :])
    return tuple(out)


def _set_aside(
    work: Any, steps: Steps, renumbered: dict[int, list[int]], dropped: set[str]
) -> bool:
    """Remove what is wrong at ``steps`` so the rest can be checked: the field itself if the
    schema has a default for it (or does not know it), else the nearest enclosing list item
    or mapping entry. False if nothing could be removed (e.g. a required top-level field)."""
    exists = _exists(work, steps)
    start = len(steps) if exists else len(steps) - 1
    for k in range(start, 0, -1):
        parent_at, key = steps[: k - 1], steps[k - 1]
        parent = _node(work, parent_at)
        if parent is None or not _exists(work, steps[:k]):
            continue
        model = annotation_at(parent_at)
        if isinstance(parent, dict) and isinstance(model, type) and issubclass(model, BaseModel):
            field = _field(model, str(key))
            if field is not None and field.is_required():
                continue  # a required field: set the item holding it aside instead
            del parent[key]
            return True
        item = parent[key]
        label = item.get("name") or item.get("id") if isinstance(item, dict) else None
        dropped.update(str(x) for x in (key if isinstance(parent, dict) else None, label) if x)
        if isinstance(parent, list):
            index = renumbered.setdefault(id(parent), list(range(len(parent))))
            del index[key]
        del parent[key]
        return True
    return False


def _field(model: type[BaseModel], key: str) -> Any:
    fields = model.model_fields
    return fields.get(key) or next((f for f in fields.values() if f.alias == key), None)


def _node(data: Any, steps: Steps) -> Any:
    node = data
    for step in steps:
        if not _has(node, step):
            return None
        node = node[step]
    return node


def _has(node: Any, step: Any) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)


def _exists(data: Any, steps: Steps) -> bool:
    return not steps or _has(_node(data, steps[:-1]), steps[-1])


__all__ = ["all_problems", "source_problems"]
