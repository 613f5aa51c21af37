"""The worked example of docs/ingest.md runs as written."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalade.cli import app

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "ingest.md"


def example_commands() -> list[list[str]]:
    text = PAGE.read_text(encoding="utf-8")
    block = text.split("<!-- ingest-example:start -->", 1)[1].split("<!-- ingest-example:end -->")[
        0
    ]
    return [
        shlex.split(line[2:])[1:] for line in block.splitlines() if line.startswith("$ escalade")
    ]


def test_the_example_has_the_advertised_steps() -> None:
    commands = [c[0] for c in example_commands()]
    assert commands == ["ingest", "ingest", "ingest", "ingest", "run"]


def test_the_worked_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    outputs = []
    for args in example_commands():
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
    assert "IRN large_salvo (rung 8) -> ISR" in outputs[0]
    assert '"kind": "large_salvo"' in outputs[1]
    assert "+ large_salvo IRN -> ISR (2024-04-13) [initial_events, new]" in outputs[2]
    assert (tmp_path / "overlay.yaml").exists()
    # what the page shows of the first command's output is what it prints
    shown = PAGE.read_text(encoding="utf-8")
    for line in outputs[0].splitlines() + outputs[2].splitlines():
        if line.startswith("  ") and not line.startswith("      "):
            assert line in shown, line
