"""The scenario format is documented field by field, and the docs page is kept in sync."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from escalade.cli import app
from escalade.scenario.reference import SECTIONS, render_markdown

DOCS = Path(__file__).parents[2] / "docs" / "scenario-format.md"


def test_docs_page_is_the_generated_reference() -> None:
    # Regenerate with: escalade schema --markdown > docs/scenario-format.md
    assert DOCS.read_text(encoding="utf-8") == render_markdown()


def test_every_field_has_a_description() -> None:
    missing = [
        f"{model.__name__}.{name}"
        for model in SECTIONS
        for name, field in model.model_fields.items()
        if not field.description
    ]
    assert missing == []


def test_schema_command_prints_the_json_schema() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Scenario"
    assert "actors" in schema["properties"]
    assert "pert" in json.dumps(schema)
