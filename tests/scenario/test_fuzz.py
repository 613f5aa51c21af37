"""Fuzzing the loader: mutated built-in scenarios either load or raise the loader's own located
:class:`ScenarioError`, never anything else. Bounded by example counts, not by the clock."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.scenario.load import (
    ScenarioError,
    builtin_names,
    builtin_path,
    load_scenario,
    parse_yaml,
    validate,
)

NAMES = builtin_names()
NASTY_VALUES = [
    ".nan",
    ".inf",
    "-.inf",
    "1e308",
    "-1",
    "0",
    "99999999999999999999999",
    "null",
    "[]",
    "{}",
    "''",
    "'x'",
    "true",
    "{pert: [0.55, 0.4, 0.3]}",
    "{pert: [1, .nan, 2]}",
    "{beta: [0, 1]}",
    "{uniform: [1]}",
    "{nope: 1}",
    "2024-13-45",
    "*undefined",
    "&a [*a]",
    "!!python/object:os.system ls",
    '"\\x07"',
]
NASTY_CHARS = ["\x00", "\x07", "\x1b", "\ufeff", "\t", ":", "-", "[", "{", "'", '"', "&", "*", "\n"]


@functools.cache
def _text(name: str) -> str:
    return builtin_path(name).read_text(encoding="utf-8")


@functools.cache
def _tree(name: str) -> Any:
    return parse_yaml(_text(name), name)


def _assert_located(error: ScenarioError, name: str) -> None:
    assert error.problems, "a ScenarioError carries at least one problem"
    for problem in error.problems:
        assert problem.file and problem.message
        assert problem.line >= 0 and problem.column >= 0
        assert "Traceback" not in str(problem)


@st.composite
def text_mutations(draw: Any) -> tuple[str, str]:
    """A built-in's text with a few lines deleted, doubled, swapped, cut or spliced."""
    name = draw(st.sampled_from(NAMES))
    lines = _text(name).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "double", "swap", "value", "char", "cut"]))
        if op == "delete":
            del lines[i]
        elif op == "double":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(NASTY_VALUES))}\n"
        elif op == "char":
            at = draw(st.integers(0, max(0, len(lines[i]) - 1)))
            lines[i] = lines[i][:at] + draw(st.sampled_from(NASTY_CHARS)) + lines[i][at:]
        else:
            lines = lines[: i + 1]
        if not lines:
            lines = ["\n"]
    return name, "".join(lines)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # one file, rewritten for each example
    ],
)
@given(case=text_mutations())
def test_a_mutated_file_loads_or_gives_located_errors(tmp_path: Path, case: Any) -> None:
    name, text = case
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_scenario(path)
    except ScenarioError as exc:
        _assert_located(exc, str(path))
        assert all(p.file == str(path) for p in exc.problems)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
    st.dictionaries(
        st.sampled_from(["pert", "beta", "uniform", "role", "x"]),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
        max_size=2,
    ),
)


def _holds(node: Any, step: Any) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)


@functools.cache
def _tree_paths(name: str) -> list[tuple[Any, ...]]:
    return _paths(_tree(name))[1:]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    name=st.sampled_from(NAMES),
    picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=3),
    values=st.lists(VALUES, min_size=3, max_size=3),
)
def test_a_mutated_tree_validates_or_gives_located_errors(
    name: str, picks: list[int], values: list[Any]
) -> None:
    data = _tree(name)  # mutated in place and restored: copying a YAML tree is slow
    paths = _tree_paths(name)
    undo: list[tuple[Any, Any, Any]] = []
    try:
        for pick, value in zip(picks, values, strict=False):
            node = data
            *parents, last = paths[pick % len(paths)]
            for step in parents:
                node = node[step] if _holds(node, step) else None
            if _holds(node, last):
                undo.append((node, last, node[last]))
                node[last] = value
        try:
            validate(data, name)
        except ScenarioError as exc:
            _assert_located(exc, name)
    finally:
        for node, key, old in reversed(undo):
            node[key] = old


@pytest.mark.parametrize("name", NAMES)
def test_the_built_ins_themselves_load(name: str) -> None:
    assert load_scenario(name).name == name
