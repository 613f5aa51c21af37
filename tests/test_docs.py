"""Docs that cannot go stale (issue 13, item 5, first part): every ``$ escalade ...`` command
quoted in README.md and docs/ names a real command with options and arguments it accepts, and
every ``python`` block compiles.

Each command is parsed by the real command line (click's parser, the options' types and
ranges), without running it: a renamed or removed option, a mistyped value or a command that
no longer exists fails here. Running each command and comparing its quoted output is not done
yet (see the report of issue 13).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer
from typer._click import exceptions as click_errors  # typer ships its own click

from escalade.cli import app

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def commands(page: Path) -> list[tuple[int, str, str]]:
    """``(line, command, quoted output)`` of each ``$ escalade ...`` line (with ``\\``
    continuations); the output is what the page shows after it, up to the next command or
    the end of the block."""
    out: list[tuple[int, str, str]] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("$ escalade"):
            start, text = i + 1, line[2:]
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text[:-1] + " " + lines[i].strip()
            shown = []
            while i + 1 < len(lines) and not lines[i + 1].startswith(("$ ", "```")):
                i += 1
                shown.append(lines[i])
            out.append((start, text, "\n".join(shown)))
        i += 1
    return out


CASES = [
    pytest.param(cmd, shown, id=f"{page.relative_to(ROOT)}:{line}")
    for page in PAGES
    for line, cmd, shown in commands(page)
]


def parse(command: str) -> None:
    """Parse ``command`` with the real CLI down to its leaf command (nothing runs)."""
    args = shlex.split(command, comments=True)[1:]
    group = typer.main.get_command(app)
    ctx = group.make_context("escalade", list(args), resilient_parsing=False)
    cmd = group
    rest = list(args)
    while hasattr(cmd, "resolve_command"):  # a group: go down to its subcommand
        rest = [*ctx._protected_args, *ctx.args]
        if not rest:
            return
        name, sub, rest = cmd.resolve_command(ctx, rest)
        assert sub is not None, f"no command {name!r}"
        ctx = sub.make_context(str(name), list(rest), parent=ctx, resilient_parsing=False)
        cmd = sub


def test_the_docs_quote_commands() -> None:
    assert len(CASES) > 40


@pytest.mark.parametrize(("command", "shown"), CASES)
def test_a_quoted_command_parses(command: str, shown: str) -> None:
    """A command parses, or the page shows the error it gives (an example of a mistake)."""
    try:
        parse(command)
    except click_errors.UsageError as exc:
        message = exc.format_message()
        if "Error" not in shown:
            pytest.fail(f"{command}\n  {message}")
        first = re.sub(r"\s+", " ", message)[:40]
        assert first in re.sub(r"[\s│]+", " ", shown), (command, message)


PY = re.compile(r"```python\n(.*?)```", re.S)


@pytest.mark.parametrize(
    "page", [p for p in PAGES if PY.search(p.read_text(encoding="utf-8"))], ids=str
)
def test_python_blocks_compile(page: Path) -> None:
    for n, block in enumerate(PY.findall(page.read_text(encoding="utf-8"))):
        compile(block, f"{page.name} block {n}", "exec")
