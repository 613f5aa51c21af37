"""Scenario YAML read by libyaml (escalade.scenario.yaml_nodes): the data, the types and the
line and column of every key and item are those of ruamel.yaml's own parser, for every YAML
file the project ships or tests with; what it does not reproduce falls back to ruamel.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from escalade.scenario import load as loading
from escalade.scenario.load import ScenarioError, parse_yaml
from escalade.scenario.yaml_nodes import Fallback, compose

ROOT = Path(__file__).resolve().parents[2]
PROJECT_YAML = sorted(p for top in ("src", "tests", "docs") for p in (ROOT / top).rglob("*.yaml"))


def _flat(x: Any, at: dict[str, tuple[int, ...]], path: str = "") -> Any:
    """Data with every scalar's type, and every key's and item's position, for comparison."""
    if isinstance(x, CommentedMap):
        for k in x.lc.data or {}:  # its own keys (not those merged in with <<)
            at[f"{path}/{k}"] = (*x.lc.key(k), *x.lc.value(k))
        return {f"{k}:{type(k).__name__}": _flat(v, at, f"{path}/{k}") for k, v in x.items()}
    if isinstance(x, CommentedSeq):
        for i in range(len(x)):
            at[f"{path}[{i}]"] = tuple(x.lc.item(i))
        return [_flat(v, at, f"{path}[{i}]") for i, v in enumerate(x)]
    return (type(x).__name__, repr(x))


def test_every_project_yaml_file_reads_as_ruamel_reads_it() -> None:
    assert len(PROJECT_YAML) > 100
    for path in PROJECT_YAML:
        text = path.read_text(encoding="utf-8")
        at_fast: dict[str, tuple[int, ...]] = {}
        at_ruamel: dict[str, tuple[int, ...]] = {}
        fast = _flat(loading._parse_fast(text, str(path)), at_fast)
        slow = _flat(loading._parse_ruamel(text, str(path)), at_ruamel)
        assert fast == slow, path
        assert at_fast == at_ruamel, path


def test_yaml_1_2_scalars_anchors_and_merges_as_ruamel_has_them() -> None:
    text = (
        "a: yes\nb: on\nc: 0o17\nd: 017\ne: 1_000\nf: .5\ng: 2024-04-02\nh: ~\n"
        "i: 'true'\nj: |\n  two\n  lines\nbase: &b {x: 1, y: [1, 2]}\nk:\n  <<: *b\n  y: 3\n"
    )
    at_fast: dict[str, tuple[int, ...]] = {}
    at_ruamel: dict[str, tuple[int, ...]] = {}
    assert _flat(loading._parse_fast(text, "t"), at_fast) == _flat(
        loading._parse_ruamel(text, "t"), at_ruamel
    )
    assert at_fast == at_ruamel


@pytest.mark.parametrize(
    "text",
    [
        "%YAML 1.1\n---\na: yes\n",  # a directive changes the resolver
        "a: !!str 1\n",  # an explicit tag
        "a: 1\n---\nb: 2\n",  # two documents (ruamel refuses them in its words)
        "a: [1, 2\n",  # a syntax error (ruamel words it and locates it)
    ],
)
def test_what_is_not_reproduced_is_left_to_ruamel(text: str) -> None:
    from ruamel.yaml import YAML

    with pytest.raises(Fallback):
        compose(text, "t", YAML(typ="rt", pure=True).resolver)


def test_errors_are_ruamels_located_ones() -> None:
    with pytest.raises(ScenarioError, match="YAML syntax error") as bad:
        parse_yaml("actors:\n  - [1, 2\n", "s.yaml")
    assert bad.value.problems[0].line == 3
    with pytest.raises(ScenarioError, match='found duplicate key "a"') as twice:
        parse_yaml("a: 1\na: 2\n", "s.yaml")
    assert twice.value.problems[0].line == 2
