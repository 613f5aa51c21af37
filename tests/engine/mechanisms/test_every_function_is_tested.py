"""A guard: every public function of a mechanism module (and of the calculus, choices and
blows that put them together) is called by name in one of the tests of this folder, so that a
new mechanism function cannot arrive without its unit test. M6 (engagement.py) has its own
tests in tests/engine/test_engagement.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import escalade.engine as engine

ENGINE = Path(engine.__file__).parent
HERE = Path(__file__).parent
MODULES = (
    "retaliation",  # M1
    "calibration",  # M2
    "forewarning",  # M3
    "channels",  # M4
    "proxies",  # M5
    "backing",  # M7
    "red_lines",  # M8
    "factions",  # M9
    "stakes",  # M10
    "perception",  # M11
    "thresholds",  # M12
    "ending",  # M13
    "learning",  # M14
    "calculus",
    "choices",
    "blows",
)


def public_functions(module: str) -> list[str]:
    tree = ast.parse((ENGINE / f"{module}.py").read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def test_every_mechanism_module_has_functions_to_test() -> None:
    assert all(public_functions(m) for m in MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_every_function_of_the_module_is_called_in_a_test(module: str) -> None:
    tests = "\n".join(
        p.read_text(encoding="utf-8")
        for p in HERE.glob("test_*.py")
        if p.name != Path(__file__).name
    )
    untested = [f for f in public_functions(module) if not re.search(rf"\b{f}\(", tests)]
    assert untested == [], f"engine/{module}.py: no test calls {untested}"
