"""Reading scenarios: YAML with located errors (file:line:column, field path, hint).

A user's mistake never shows as a traceback: every problem found becomes one
:class:`Problem`, and all of them are raised together as a :class:`ScenarioError`.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from escalade.scenario.schema import Origin, Scenario
from escalade.scenario.yaml_nodes import compose

MAX_FILE_BYTES = 2_000_000
"""Largest scenario file accepted (bytes); real scenarios are a few kilobytes."""
MAX_NODES = 200_000
"""Largest number of YAML nodes after expanding aliases (guards against alias bombs)."""
MAX_OVERLAY_BYTES = 1_000_000
"""Largest overlay file accepted (bytes)."""

_PARAM_HINT = (
    "expected a number or a distribution: {pert: [min, mode, max]}, {beta: [a, b]} "
    "or {uniform: [lo, hi]}"
)

_FILE_HINT = "give the path of a .yaml file, or a built-in name: escalade scenarios list"

_DISTRIBUTIONS = {"pert": "Pert", "beta": "Beta", "uniform": "Uniform"}
"""Key of each distribution form and the name of its model class."""
_DISTRIBUTIONS_FORM = {
    "pert": "[min, mode, max]",
    "beta": "[a, b] with a, b > 0",
    "uniform": "[lo, hi] with lo < hi",
}


@dataclass(frozen=True)
class Problem:
    """One located problem in a scenario file."""

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}:{field} {self.message}{hint}"


class ScenarioError(Exception):
    """A scenario could not be read; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def builtin_names() -> list[str]:
    """Names of the scenarios shipped with escalade."""
    lib = resources.files("escalade.scenario") / "library"
    return sorted(p.name.removesuffix(".yaml") for p in lib.iterdir() if p.name.endswith(".yaml"))


def builtin_path(name: str) -> Path:
    return Path(str(resources.files("escalade.scenario") / "library" / f"{name}.yaml"))


def resolve_source(spec: str | Path) -> Path:
    """A file path, or the path of the built-in scenario of that name."""
    path = Path(spec)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        if not path.exists():
            raise ScenarioError([Problem(str(path), 1, 1, "", "file not found")])
        if path.is_dir():
            raise ScenarioError(
                [Problem(str(path), 0, 0, "", "is a directory, not a scenario file", _FILE_HINT)]
            )
        if not path.is_file():
            raise ScenarioError(
                [Problem(str(path), 0, 0, "", "is not a regular file (a device or a pipe?)")]
            )
        return path
    if str(spec) in builtin_names():
        return builtin_path(str(spec))
    close = difflib.get_close_matches(str(spec), builtin_names(), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"built-ins: {', '.join(builtin_names())}"
    raise ScenarioError(
        [Problem(str(spec), 1, 1, "", "neither a scenario file nor a built-in scenario", hint)]
    )


def load_scenario(spec: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read and validate a scenario (file or built-in name), applying ``path=value`` overrides."""
    path = resolve_source(spec)
    data = read_yaml(path)
    if not overrides:
        return validate(data, str(path))
    touched = resolve_overrides(data, overrides, str(path))
    try:
        scenario = validate(data, str(path))
    except ScenarioError as exc:
        raise ScenarioError(
            [_blame_override(p, overrides, touched) for p in exc.problems]
        ) from None
    if scenario._origin is not None:
        scenario._origin = replace(scenario._origin, overrides=dict(overrides))
    return scenario


def _blame_override(
    problem: Problem, overrides: dict[str, Any], touched: dict[str, list[str]] | None = None
) -> Problem:
    """A problem in a value set by an override is reported against the override, not the file
    (``touched``: the index paths each override changed, from :func:`resolve_overrides`)."""
    for key in reversed(list(overrides)):  # a later override of a path wins
        paths = (touched or {}).get(key, [key])
        if any(problem.path == p or problem.path.startswith(p + ".") for p in paths):
            flag = {"+": "--add ", "-": "--drop "}.get(key[:1], "")
            return Problem(
                f"override {flag}{key.lstrip('+-')}={overrides[key]!r}",
                0,
                0,
                problem.path,
                problem.message,
                problem.hint,
            )
    return problem


def load_scenario_text(
    text: str, name: str = "<string>", overrides: dict[str, Any] | None = None
) -> Scenario:
    """Validate a scenario given as YAML text (e.g. the copy kept in an experiment's manifest)."""
    data = parse_yaml(text, name)
    if overrides:
        data = apply_overrides(data, overrides, name)
    return validate(data, name)


def scenario_text(spec: str | Path) -> str:
    return resolve_source(spec).read_text(encoding="utf-8")


def read_yaml(path: Path) -> Any:
    """Parse a YAML file safely, with limits on size and alias expansion."""
    name = str(path)
    try:
        size = path.stat().st_size
        raw = path.read_bytes() if size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        hint = _FILE_HINT if isinstance(exc, IsADirectoryError) else ""
        raise ScenarioError([Problem(name, 0, 0, "", f"cannot read it: {why}", hint)]) from None
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                    "split it or remove generated content",
                )
            ]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # latin-1 maps bytes to characters one to one
        _refuse(
            name,
            _line_column(raw.decode("latin-1"), exc.start),
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8",
        )
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str = "<string>") -> Any:
    """The YAML ``text`` as ruamel.yaml's round-trip data (mappings and lists that know the
    line and column of every key and item), read by libyaml when it can
    (:mod:`~escalade.scenario.yaml_nodes`), else by ruamel.yaml's own parser."""
    try:
        data = _parse_fast(text, name)
    except ScenarioError:
        raise
    except Exception:  # anything unusual: ruamel.yaml reads it, and words any error itself
        data = _parse_ruamel(text, name)
    return _checked_document(data, name)


def _parse_fast(text: str, name: str) -> Any:
    yaml = YAML(typ="rt", pure=True)
    node = compose(text, name, yaml.resolver)
    return None if node is None else _construct(yaml, node, name)


def _construct(yaml: YAML, node: Node, name: str) -> Any:
    """The data of ``node``; a scalar that cannot be built (a date such as 2024-13-01) is
    reported at its own line and column (ruamel.yaml's error for it carries no position)."""
    try:
        return yaml.constructor.construct_document(node)
    except ValueError as exc:
        bad = _unbuildable_scalar(YAML(typ="rt", pure=True), node)
        if bad is None:
            raise
        mark, date = bad.start_mark, str(bad.tag).endswith(":timestamp")
        raise ScenarioError(
            [
                Problem(
                    name,
                    mark.line + 1,
                    mark.column + 1,
                    "",
                    f"YAML error: {bad.value!r} cannot be read: {exc}",
                    ("write a real date as YYYY-MM-DD, or " if date else "")
                    + "quote the value to keep it as text",
                )
            ]
        ) from None


def _unbuildable_scalar(yaml: YAML, node: Node) -> ScalarNode | None:
    """The first scalar under ``node`` whose value ruamel.yaml's constructor refuses."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ScalarNode):
            try:
                yaml.constructor.construct_object(item, deep=True)
            except ValueError:
                return item
        elif isinstance(item, MappingNode):
            stack.extend(v for pair in reversed(item.value) for v in reversed(pair))
        elif isinstance(item, SequenceNode):
            stack.extend(reversed(item.value))
    return None


def _parse_ruamel(text: str, name: str) -> Any:
    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
        return None if node is None else _construct(yaml, node, name)
    except ScenarioError:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ScenarioError(
            [Problem(name, line, col, "", f"YAML syntax error: {exc.problem or exc.context}")]
        ) from None
    except ReaderError as exc:  # a control character: located by its offset in the text
        _refuse(
            name,
            _line_column(text, exc.position),
            f"character U+{exc.character:04X} is not allowed in YAML",
            "remove it, or write it as an escape such as \\x07 inside double quotes",
        )
    except Exception as exc:  # ruamel raises a few unmarked errors (bad tags, duplicates)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError([Problem(name, 1, 1, "", f"YAML error: {first}")]) from None


def _checked_document(data: Any, name: str) -> Any:
    """``data`` if it is a scenario's mapping of a sane size (aliases expanded)."""
    nodes = _expanded_size(data, {})
    if nodes > MAX_NODES:
        raise ScenarioError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    f"the document expands to {nodes:,} nodes through aliases; "
                    f"the limit is {MAX_NODES:,}",
                    "remove the recursive anchors (&) and aliases (*)",
                )
            ]
        )
    if not isinstance(data, dict):
        raise ScenarioError([Problem(name, 1, 1, "", "a scenario must be a YAML mapping")])
    return data


class Overlay(dict[str, Any]):
    """An overlay file's ``dotted.path: value`` overrides (a plain mapping), which knows where
    in the file each path was written, so that a problem with a value points there."""

    def __init__(self, file: str, values: dict[str, Any], at: dict[str, tuple[int, int]]):
        super().__init__(values)
        self.file = file
        self.at = at

    def blame(self, problems: list[Problem], shadowed: Iterable[str] = ()) -> list[Problem]:
        """Each problem caused by a path this overlay sets (and ``shadowed`` does not, e.g.
        a later ``--set``) moved to that path's line and column in the overlay file."""
        hidden = set(shadowed)
        out = []
        for p in problems:
            key = next(
                (
                    k
                    for k in self
                    if k not in hidden
                    and p.path
                    and (p.path == k or p.path.startswith(k + ".") or k.startswith(p.path + "."))
                ),
                None,
            )
            if key is None:
                out.append(p)
                continue
            line, col = self.at.get(key, (1, 1))
            out.append(Problem(self.file, line, col, p.path, p.message, p.hint))
        return out


def read_overlay(path: str | Path) -> Overlay:
    """An overlay file (``escalade run|hindcast --overlay``): a YAML mapping of dotted scenario
    paths to values. Every problem, in the file or later with one of its values
    (:meth:`Overlay.blame`), is located at file:line:column."""
    from ruamel.yaml.error import YAMLError

    path = Path(path)
    name = str(path)

    def problem(message: str, line: int = 1, col: int = 1, hint: str = "") -> ScenarioError:
        return ScenarioError([Problem(name, line, col, "", f"--overlay: {message}", hint)])

    try:
        if path.is_dir():
            raise problem("cannot read it: it is a directory", hint="give a YAML file")
        if path.stat().st_size > MAX_OVERLAY_BYTES:
            raise problem(f"larger than {MAX_OVERLAY_BYTES:,} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise problem(f"cannot read it: {why}") from None
    try:
        yaml = YAML(typ="rt", pure=True)
        node = yaml.compose(text)
        rt = None if node is None else _construct(yaml, node, name)
        data = YAML(typ="safe", pure=True).load(text)
    except ScenarioError as exc:  # a value that cannot be built, located at it
        [p] = exc.problems
        raise problem(p.message.removeprefix("YAML error: "), p.line, p.column, p.hint) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        why = getattr(exc, "problem", None) or exc
        raise problem(f"not valid YAML: {why}", line, col) from None
    if data is None:
        return Overlay(name, {}, {})
    hint = "e.g. 'actors.IRN.resolve: 0.5'"
    if not isinstance(data, dict):
        raise problem("expected a mapping of dotted paths to values", hint=hint)
    at: dict[str, tuple[int, int]] = {}
    for key in data:
        line, col = 1, 1
        if isinstance(rt, CommentedMap) and key in rt:
            with contextlib.suppress(KeyError, IndexError, TypeError):
                pos = rt.lc.value(key)
                line, col = pos[0] + 1, pos[1] + 1
        if not isinstance(key, str) or not key:
            raise problem(
                f"the key {key!r} is not a dotted path; expected a mapping of dotted paths to "
                "values",
                line,
                col,
                hint,
            )
        at[key] = (line, col)
    return Overlay(name, dict(data), at)


def _refuse(name: str, at: tuple[int, int], message: str, hint: str = "") -> NoReturn:
    raise ScenarioError([Problem(name, at[0], at[1], "", message, hint)]) from None


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of character ``position`` of ``text``."""
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _expanded_size(node: Any, memo: dict[int, int]) -> int:
    """Nodes in the tree once every alias is expanded (computed on the shared DAG)."""
    if not isinstance(node, dict | list):
        return 1
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = MAX_NODES + 1  # a cycle counts as too large
    children = node.values() if isinstance(node, dict) else node
    total = 1 + sum(_expanded_size(c, memo) for c in children)
    memo[key] = min(total, 10 * MAX_NODES)
    return memo[key]


def apply_overrides(data: Any, overrides: dict[str, Any], name: str) -> Any:
    """Apply overrides to the raw data, in order; see :func:`resolve_overrides`."""
    resolve_overrides(data, overrides, name)
    return data


def resolve_overrides(data: Any, overrides: dict[str, Any], name: str) -> dict[str, list[str]]:
    """Apply overrides to the raw data, in order, and return the index path(s) each one
    touched (for blaming a problem on the override that caused it).

    A key ``a.b.c`` sets a value (``--set``); ``+a.b`` appends an item, or a list of items,
    to the list at ``a.b`` (``--add``); ``-a.b.c`` removes the list item ``a.b.c``
    (``--drop``). List items are addressed by index (``statements.0``), by id
    (``statements.usa_restraint_isr``: the item's own id or the one derived from it, see
    :mod:`escalade.scenario.ids`) or by name (``actors.ISR.defence.layers.arrow_3``).
    Missing mapping levels are created (``model.war_cost=30`` works on a scenario without a
    ``model:`` block); the result is validated like any scenario, so a wrong field name is
    reported as an unknown key with a suggestion.
    """
    touched: dict[str, list[str]] = {}
    for key, value in overrides.items():
        op, dotted = (key[0], key[1:]) if key[:1] in "+-" else ("=", key)
        parts = dotted.split(".")
        if not dotted or not all(parts):
            raise ScenarioError([_override_problem(key, "", f"'{dotted}' is not a dotted path")])
        _known_entry(data, parts, dotted, name)
        _seed_default_list(data, parts[0])
        if op == "+":
            node, steps = _walk(data, parts, key, create=True)
            last = parts[-1]
            if not isinstance(node, dict):
                raise ScenarioError([_override_problem(key, dotted, f"cannot add under '{last}'")])
            target = node.setdefault(last, [])
            if not isinstance(target, list):
                raise ScenarioError(
                    [
                        _override_problem(
                            key,
                            dotted,
                            f"'{dotted}' is not a list",
                            "--add adds items to a list, e.g. --add statements='{by: USA, ...}'",
                        )
                    ]
                )
            items = value if isinstance(value, list) else [value]
            start = len(target)
            target.extend(items)
            base = ".".join([*steps, last])
            touched[key] = [f"{base}.{i}" for i in range(start, len(target))]
            continue
        node, steps = _walk(data, parts, key, create=op == "=")
        last = parts[-1]
        if isinstance(node, list):
            idx = _index(node, parts, len(parts) - 1, key)
            if op == "-":
                del node[idx]
            else:
                node[idx] = value
            touched[key] = [".".join([*steps, str(idx)])]
        elif isinstance(node, dict) and op == "=":
            node[last] = value
            touched[key] = [".".join([*steps, last])]
        elif isinstance(node, dict) and last in node:
            raise ScenarioError(
                [
                    _override_problem(
                        key,
                        dotted,
                        f"'{dotted}' is not a list item",
                        "--drop removes an item of a list, e.g. --drop statements.usa_backing_isr",
                    )
                ]
            )
        else:
            raise ScenarioError(
                [_override_problem(key, dotted, f"override path not found at '{last}'")]
            )
    return touched


def _seed_default_list(data: Any, field: str) -> None:
    """Write out the schema's default list for a top-level field the scenario omits (the
    ladder, the action catalog), so that an override edits or extends the default
    (``actions.large_salvo.damage=20``, ``--add actions=...``) instead of replacing it."""
    info = Scenario.model_fields.get(field)
    if not isinstance(data, dict) or field in data or info is None:
        return
    default = info.get_default(call_default_factory=True)
    if isinstance(default, list) and default and isinstance(default[0], BaseModel):
        data[field] = [item.model_dump(mode="json") for item in default]


def _override_problem(key: str, path: str, message: str, hint: str = "") -> Problem:
    flag = {"+": "--add ", "-": "--drop "}.get(key[:1], "--set ")
    return Problem(f"override {flag}{key.lstrip('+-')}", 0, 0, "", message, hint)


def _walk(data: Any, parts: list[str], key: str, create: bool) -> tuple[Any, list[str]]:
    """The node holding ``parts[-1]`` and the index path to it (ids turned into indices)."""
    node = data
    steps: list[str] = []
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, dict):
            if part not in node and not create:
                raise ScenarioError(
                    [
                        _override_problem(
                            key, ".".join(parts), f"override path not found at '{part}'"
                        )
                    ]
                )
            node = node.setdefault(part, {})
            steps.append(part)
        elif isinstance(node, list):
            idx = _index(node, parts, i, key)
            node = node[idx]
            steps.append(str(idx))
        else:
            raise ScenarioError(
                [_override_problem(key, ".".join(parts), f"override path not found at '{part}'")]
            )
    return node, steps


def _index(items: list[Any], parts: list[str], i: int, key: str) -> int:
    """Index of the item ``parts[i]`` names in ``items`` (by index, id or name)."""
    from escalade.scenario.ids import find_index, names_in

    list_name = parts[i - 1] if i == 1 else None
    part = parts[i]
    idx = find_index(list_name, items, part)
    if idx is not None:
        return idx
    where = ".".join(parts[:i])
    names = names_in(list_name, items)
    close = difflib.get_close_matches(part, names, n=1)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif names:
        hint = f"known: {', '.join(names)}"
    else:
        hint = f"give an index, 0 to {len(items) - 1}" if items else "the list is empty"
    raise ScenarioError(
        [_override_problem(key, ".".join(parts), f"no item '{part}' in {where}", hint)]
    )


CHECKED_AFTER_LOADING = (("actors", "*", "policy", "name"),)
"""Fields checked when a scenario is compiled (policy names live in a registry outside the
scenario package): their positions are kept so those problems are located too."""


_REGISTRIES = {"actors": "actor", "munitions": "munition"}
"""Top-level mappings an override may change but not add to (an entry needs many fields)."""


def _known_entry(data: Any, parts: list[str], dotted: str, name: str) -> None:
    """``actors.XXX.resolve=0.5`` names an actor the scenario lacks: say so, with a guess."""
    if len(parts) < 3 or parts[0] not in _REGISTRIES or not isinstance(data, dict):
        return
    entries = data.get(parts[0])
    if not isinstance(entries, dict) or parts[1] in entries:
        return
    known = sorted(map(str, entries))
    close = difflib.get_close_matches(parts[1], known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(known) or 'none'}"
    raise ScenarioError(
        [
            Problem(
                f"override {dotted}",
                0,
                0,
                ".".join(parts[:2]),
                f"unknown {_REGISTRIES[parts[0]]} '{parts[1]}' in {name}",
                hint,
            )
        ]
    )


def validate(data: Any, name: str = "<string>") -> Scenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(located_problems(exc, data, name)) from None
    positions = {}
    for pattern in CHECKED_AFTER_LOADING:
        for aid in scenario.actors:
            loc = tuple(aid if part == "*" else part for part in pattern)
            found = locate(data, loc, name, "")
            positions[".".join(loc)] = (found.line, found.column)
    scenario._origin = Origin(name, positions, {})
    return scenario


def scenario_problem(
    scenario: Scenario, loc: tuple[str, ...], message: str, hint: str = ""
) -> Problem:
    """A problem found in a loaded scenario (e.g. when it is compiled), located in the file it
    was read from (or against the override that set the value)."""
    path = ".".join(loc)
    origin = scenario._origin
    if origin is None:
        return Problem(f"scenario '{scenario.name}'", 0, 0, path, message, hint)
    line, column = origin.positions.get(path, (0, 0))
    return _blame_override(
        Problem(origin.name, line, column, path, message, hint), origin.overrides
    )


def located_problems(
    exc: ValidationError, data: Any, name: str, root: type[BaseModel] = Scenario
) -> list[Problem]:
    """One located :class:`Problem` per pydantic error of validating ``data`` as ``root``.

    ``data`` is the round-trip YAML (it knows lines and columns). Unknown keys get a "did you
    mean"; a validator message ``field: text`` is located at that field.
    """
    seen: set[str] = set()
    out: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if not loc and err["type"] == "value_error":
            for line in str(err["ctx"].get("error", err["msg"])).splitlines():
                dotted, _, message = line.partition(": ")
                steps = tuple(int(s) if s.isdigit() else s for s in dotted.split("."))
                problem = locate(data, steps, name, message)
                if str(problem) not in seen:
                    seen.add(str(problem))
                    out.append(problem)
            continue
        found = _existing_prefix(data, loc)
        if len(found) < len(loc) and _is_param_union(found, root):
            key = ".".join(map(str, found))
            if key not in seen:  # one problem per parameter, not one per union member
                seen.add(key)
                message, hint = _param_problem(_get(data, found), exc.errors(), found)
                out.append(locate(data, found, name, message, hint))
            continue
        partial = len(found) < len(loc) and err["type"] != "missing"
        message = err["msg"].removeprefix("Value error, ")
        hint = ""
        if err["type"] == "finite_number":
            message = f"must be a finite number, got {_shown(err['input'])}"
        sub, colon, rest = message.partition(": ")
        if err["type"] == "value_error" and colon and sub.isidentifier():
            loc = found = (*loc, sub)
            message = rest
        if err["type"] == "extra_forbidden":
            message = f"unknown key '{loc[-1]}'"
            known = _fields_at(loc[:-1], root)
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(known)}"
        elif err["type"] == "missing":
            message = f"required field '{loc[-1]}' is missing"
            found = _existing_prefix(data, loc[:-1])
        elif partial:
            message = _PARAM_HINT if _is_param_union(loc[: len(found)], root) else message
            message = f"{message}, got {_shown(_get(data, found))}"
        key = ".".join(map(str, found if partial else loc))
        if key in seen:
            continue
        seen.add(key)
        problem = locate(data, found, name, message, hint)
        out.append(
            Problem(
                problem.file,
                problem.line,
                problem.column,
                ".".join(map(str, loc if not partial else found)),
                message,
                hint,
            )
        )
    return out


def _param_problem(value: Any, errors: list[Any], at: tuple[Any, ...]) -> tuple[str, str]:
    """The message for a bad uncertain parameter (a number or a distribution) at ``at``:
    what is wrong with the form the user chose, not with every form it could have had."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {_shown(value)}", ""
    if isinstance(value, dict) and len(value) == 1:
        kind = next(iter(value))
        if kind in _DISTRIBUTIONS:
            cls = _DISTRIBUTIONS[kind]
            mine = [
                e
                for e in errors
                if tuple(e["loc"][: len(at)]) == at
                and len(e["loc"]) > len(at)
                and str(e["loc"][len(at)]).endswith(f", {cls}]")
            ]
            for e in mine:
                if e["type"] == "value_error":
                    return e["msg"].removeprefix("Value error, "), ""
            if any(e["type"] == "finite_number" for e in mine):
                return f"{kind} needs finite numbers, got {_shown(value[kind])}", ""
            return f"{kind} expects {_DISTRIBUTIONS_FORM[kind]}, got {_shown(value[kind])}", ""
        close = difflib.get_close_matches(str(kind), list(_DISTRIBUTIONS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else ""
        return f"unknown distribution '{kind}'; {_PARAM_HINT}", hint
    return f"{_PARAM_HINT}, got {_shown(value)}", ""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _get(data: Any, loc: tuple[Any, ...]) -> Any:
    for step in loc:
        data = data[step]
    return data


def _existing_prefix(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    node = data
    for i, step in enumerate(loc):
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            node = node[step]
        else:
            return loc[:i]
    return loc


def locate(data: Any, loc: tuple[Any, ...], name: str, message: str, hint: str = "") -> Problem:
    """File position of the deepest node on ``loc`` that exists."""
    line, col = 1, 1
    node = data
    for step in loc:
        if isinstance(node, CommentedMap | CommentedSeq) and _has(node, step):
            try:
                at = node.lc.key(step) if isinstance(node, CommentedMap) else node.lc.item(step)
                line, col = at[0] + 1, at[1] + 1
            except (KeyError, IndexError, TypeError):
                pass  # a value set by an override has no position: keep its parent's
            node = node[step]
        else:
            break
    return Problem(name, line, col, ".".join(map(str, loc)), message, hint)


def _has(node: Any, step: Any) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(step, int) and 0 <= step < len(node)


def annotation_at(loc: tuple[Any, ...], root: type[BaseModel] = Scenario) -> Any:
    """The annotation that validates the value at ``loc`` (a path of keys and indices),
    walking from ``root``; ``None`` where the path leads nowhere."""
    ann: Any = root
    for step in loc:
        ann = _unwrap(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            fields = ann.model_fields
            by_alias = {f.alias: f for f in fields.values() if f.alias}
            field = fields.get(str(step)) or by_alias.get(str(step))
            if field is None:
                return None
            ann = field.annotation
        elif typing.get_origin(ann) in (dict, list, tuple):
            args = typing.get_args(ann)
            ann = args[-1] if args else None
        else:
            return None
    return _unwrap(ann)


def _unwrap(ann: Any) -> Any:
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return ann


def _fields_at(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    model = annotation_at(loc, root)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(f.alias or n for n, f in model.model_fields.items())
    return []


def _is_param_union(loc: tuple[Any, ...], root: type[BaseModel]) -> bool:
    ann = annotation_at(loc, root)
    return typing.get_origin(ann) in (typing.Union, types.UnionType) and float in typing.get_args(
        ann
    )
