"""Import contracts (issue 8): data moves one way, and each layer knows only what it must.

Every ``import`` in ``src/escalade`` (module level or inside a function) is read with ``ast``;
a contract fails if any module of a package reaches a forbidden one, directly or through other
escalade modules.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def graph() -> dict[str, set[str]]:
    """escalade module -> the escalade modules it imports."""
    out: dict[str, set[str]] = {}
    for path in (SRC / "escalade").rglob("*.py"):
        name = _module(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                    base = f"{base}.{node.module}" if node.module else base
                deps.add(base)
                deps |= {f"{base}.{a.name}" for a in node.names}
        out[name] = {d for d in deps if d.split(".")[0] == "escalade"}
    return {name: {d for d in deps if d in out} for name, deps in out.items()}


def reachable(start: str) -> dict[str, str]:
    """Every escalade module ``start`` imports, directly or not, with one module importing it."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        here = todo.pop()
        for dep in graph()[here]:
            if dep not in seen and dep != start:
                seen[dep] = here
                todo.append(dep)
    return seen


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


CONTRACTS = [
    ("escalade.engine", "escalade.policies"),
    ("escalade.engine", "escalade.simulation"),
    ("escalade.engine", "escalade.store"),
    ("escalade.engine", "escalade.cli"),
    ("escalade.scenario", "escalade.engine"),
    ("escalade.scenario", "escalade.policies"),
    ("escalade.store", "escalade.engine"),
]


@pytest.mark.parametrize(("package", "forbidden"), CONTRACTS)
def test_a_layer_never_reaches_what_it_must_not_know(package: str, forbidden: str) -> None:
    offenders = []
    for module in sorted(graph()):
        if not _inside(module, package):
            continue
        for dep, via in reachable(module).items():
            if _inside(dep, forbidden):
                offenders.append(f"{module} reaches {dep} (imported by {via})")
                break
    assert not offenders, "\n".join(offenders)


def test_the_graph_sees_real_imports() -> None:
    # The contracts would pass vacuously if the reader missed imports.
    assert "escalade.engine.decision" in graph()["escalade.policies.base"]
    assert "escalade.policies" in reachable("escalade.simulation")
