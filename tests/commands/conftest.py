"""Shared helpers for command tests: each command module registers itself on a fresh app."""

from __future__ import annotations

from collections.abc import Callable

import typer


def group_app(register: Callable[[typer.Typer], None]) -> typer.Typer:
    """A Typer group with the command(s) of one module, as the real CLI wires them."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so the command keeps its name
        pass

    register(app)
    return app
