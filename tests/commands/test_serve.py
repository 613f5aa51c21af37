"""``escalade serve``: refusing to listen beyond this machine without a token."""

from __future__ import annotations

from typer.testing import CliRunner

from escalade.commands.serve import register
from tests.commands.conftest import group_app


def test_a_public_address_without_a_token_is_refused_before_anything_starts() -> None:
    result = CliRunner().invoke(group_app(register), ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--host 0.0.0.0 listens beyond this machine: give --token T" in result.output
