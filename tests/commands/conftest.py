"""Shared helpers for command tests: each command module registers itself on a fresh app."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import typer


def group_app(register: Callable[[typer.Typer], None]) -> typer.Typer:
    """A Typer group with the command(s) of one module, as the real CLI wires them."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so the command keeps its name
        pass

    register(app)
    return app


class Stopper:
    """Stands in for a function: calls it, and raises KeyboardInterrupt (as Ctrl-C would)
    instead once it has been called ``after`` times (never, if None); counts the calls."""

    def __init__(self, fn: Callable[..., Any], after: int | None = None) -> None:
        self.fn, self.after, self.calls = fn, after, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.after is not None and self.calls >= self.after:
            raise KeyboardInterrupt
        self.calls += 1
        return self.fn(*args, **kwargs)


def interrupted_then_resumed(
    monkeypatch: pytest.MonkeyPatch,
    where: Any,
    name: str,
    invoke: Callable[..., Any],
    args: list[str],
    resume_args: tuple[str, ...] = ("--workers", "1"),
) -> tuple[dict[str, Any], dict[str, Any], str, int]:
    """Run a resumable analysis (``invoke(*args, "--json")``) through, then again stopped by
    Ctrl-C after its first point (``where.name`` computes a point), then ``--resume`` it.
    Returns the uninterrupted JSON, the resumed JSON, the interrupted run's output and how
    many points the resumed run computed (``resume_args``: the options given to it, which
    must not change the results, e.g. one worker so the stand-in stays in this process)."""
    whole = invoke(*args, "--json")
    assert whole.exit_code == 0, whole.output
    real = getattr(where, name)
    monkeypatch.setattr(where, name, Stopper(real, after=1))
    stopped = invoke(*args, "--json")
    assert stopped.exit_code == 130, stopped.output
    exp_id = stopped.output.split("experiment ")[1].split()[0]
    counter = Stopper(real)
    monkeypatch.setattr(where, name, counter)
    resumed = invoke("--resume", exp_id, *resume_args, "--json")
    assert resumed.exit_code == 0, resumed.output
    again = json.loads(resumed.stdout)
    assert again["experiment"] == exp_id
    return json.loads(whole.stdout), again, stopped.output, counter.calls
