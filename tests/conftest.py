"""Shared fixtures: small scenarios written for tests (values are illustrative)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from escalade.scenario.load import load_scenario
from escalade.scenario.schema import Scenario

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def duel() -> Scenario:
    return load_scenario(FIXTURES / "duel.yaml")


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write text (or bytes) to a scenario file and return its path."""

    def _write(content: str | bytes, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test``; its workers collect), tests marked ``slow`` run first
    (a stable sort: otherwise in collection order), so that the longest ones start early
    instead of forming the tail of the run while the other worker waits. A serial run keeps the
    collection order."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)
