"""Docs that cannot go stale (issue 13, item 5): every ``escalade`` command and every Python
snippet in README.md, docs/*.md and docs/model/*.md runs here, and what the page quotes as
its output is what it prints.

The convention (docs/contributing.md repeats it for writers)
------------------------------------------------------------

* A command is a line ``$ escalade ...`` in a fenced block (``console``, ``bash``, ``text`` or
  a bare fence; ``\\``
  continues it, ``# ...`` after it is a comment). The lines after it, up to the next ``$ ``
  line or the end of the block, are its **quoted output**. Shell commands other than
  ``escalade`` (``make``, ``pip``) are not run.
* A ``python`` block is executed; a bare fenced block right after it is its quoted output
  (what it prints).
* Every command of a page runs in one fresh directory of its own (so an experiment run in one
  block is in the store of the next; ``docs/``, ``data/`` and ``tests/`` of the repository
  are linked into it, so paths such as ``docs/examples/...`` work), in page order,
  in-process, with a terminal of :data:`COLUMNS` columns. It must succeed, unless its quoted
  output starts with ``error:``, ``Error:`` or ``Usage:`` (an example of a mistake), in which
  case it must fail.
* The quoted output is compared with what the command prints (stdout, then stderr) after
  normalising what changes from run to run (:func:`normalise`): experiment ids, the run's
  directory (printed as ``~/work``), durations and clock times, and runs of spaces or of
  table rules (so a wider column does not count). An experiment id quoted in an output and
  used in a later command (whole, or its date and time as a prefix) is replaced there by the
  id the test's own run produced.
* A comment on the line before the block's fence changes that:

  ``<!-- docs-test: abridged -->``
      The output is abridged: ``...`` lines stand for lines left out, and numbers may
      differ (every number is compared as ``#``); the lines shown must appear in this order.
  ``<!-- docs-test: abridged runs=200 -->``
      The same, run with ``--runs``/``-n`` set to 200 (and ``runs=`` in Python to 200): for
      pages that quote a large ensemble. Only with ``abridged`` (the numbers would differ),
      or on a block that quotes no output (``<!-- docs-test: runs=200 -->``).
  ``<!-- docs-test: abridged input=10,q -->``
      What the reader types, line by line (commas between lines), for an interactive command
      such as ``escalade play``; without it the input is empty (the game stops at once).
  ``<!-- docs-test: output file=calm.yaml -->``
      Before a ``yaml`` (or any) block: its text is written to that file in the page's
      directory, for the commands after it to read.
  ``<!-- docs-test: commands -->``
      The commands are run (each must succeed) but their output is not quoted on purpose
      (an interactive game resumed, a long story): ``--update`` leaves them as they are.
  ``<!-- docs-test: skip covered-by=tests/test_store.py::test_name -->``
      Not run here (it needs a damaged store, a Ctrl-C, another user's permissions, ...):
      the test named must exist, and covers it.

* Numbers quoted in prose are written as ``<!-- n:KEY -->VALUE<!-- /n -->``;
  ``python scripts/docs_numbers.py`` computes them and writes docs/numbers.json and every
  span; a test checks the spans match the file and the file matches the computation.
* ``python -m tests.test_docs --update PAGE...`` rewrites the quoted outputs of the blocks
  compared whole, from a fresh run (review the diff before committing it).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from escalade.cli import app

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
         *sorted((ROOT / "docs" / "model").glob("*.md"))]  # fmt: skip
COLUMNS = 100
"""The terminal width the quoted outputs are written at."""
COMMAND_FENCES = ("console", "bash", "text", "")
"""Fences whose ``$ escalade`` lines are run (every fence a reader would take for a terminal)."""
REPO_LINKS = ("docs", "data", "tests")
"""Folders of the repository linked into each page's directory (``docs/examples/...``)."""
PENDING = {}
"""Pages others are editing while the convention arrives: their blocks run like any page's,
but a failure is reported as an expected failure (with the problems) instead of failing the
suite. Remove a page once its writer has run it (``python -m tests.test_docs PAGE``)."""

_FENCE = re.compile(r"^```(\w*)\s*$")
_MARK = re.compile(r"^<!--\s*docs-test:\s*(\w[\w-]*)\s*(.*?)\s*-->\s*$")
ID = re.compile(r"\b\d{8}-\d{6}-[a-z0-9-]+-[0-9a-f]{4}\b")
_DURATION = re.compile(r"\b\d+ (?:h \d+ min|min \d+ s|s)\b|\(\d+ s\.\)")
_CLOCK = re.compile(r"\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?:\+00:00)?\b")
_RULES = re.compile(r"([─━═┄-])\1+")
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


@dataclass
class Block:
    page: Path
    line: int
    """Line of the opening fence (1-based)."""
    lang: str
    body: list[str]
    mode: str = "output"
    options: dict[str, str] = field(default_factory=dict)
    output: Block | None = None
    """A python block's quoted output (the bare block after it)."""

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass
class Command:
    text: str
    line: int
    shown: list[str]
    first: int
    """Index in the block's body of the first quoted output line."""


def read_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a page, with their marker and a python block's output block."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start, lang = i, m.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        block = Block(page, start + 1, lang, lines[start + 1 : j])
        mark = _MARK.match(lines[start - 1]) if start else None
        if mark:
            block.mode = mark.group(1)
            block.options = dict(o.split("=", 1) for o in mark.group(2).split() if "=" in o)
        previous = out[-1] if out else None
        after_python = previous is not None and previous.lang == "python"
        if lang == "" and after_python and previous.line + len(previous.body) + 1 == start:
            previous.output = block  # the output of the python block right before it
            i = j + 1
            continue
        out.append(block)
        i = j + 1
    return out


def commands(block: Block) -> list[Command]:
    """The ``$ escalade`` commands of a block and the output quoted after each."""
    out: list[Command] = []
    body = block.body
    k = 0
    while k < len(body):
        text = body[k].strip()
        if not text.startswith("$ escalade"):
            k += 1
            continue
        line = block.line + 1 + k
        text = text[2:]
        while text.endswith("\\") and k + 1 < len(body):
            k += 1
            text = text[:-1].rstrip() + " " + body[k].strip()
        first = k + 1
        while k + 1 < len(body) and not body[k + 1].startswith("$ "):
            k += 1
        out.append(Command(text, line, body[first : k + 1], first))
        k += 1
    return out


def normalise(text: str, workdir: str = "", numbers: bool = False) -> list[str]:
    """The lines of an output with what changes between runs made equal (ids, the working
    directory, durations, clock times, runs of spaces and of table rules; with ``numbers``
    every number), blank lines dropped."""
    if workdir:
        text = text.replace(workdir, "~/work")
    text = ID.sub("<id>", text)
    text = _DURATION.sub("<time>", text)
    text = _CLOCK.sub("<clock>", text)
    out = []
    for line in text.splitlines():
        line = _RULES.sub(r"\1", " ".join(line.split()))
        if numbers:
            line = _NUMBER.sub("#", line)
        if line:
            out.append(line)
    return out


def _with_runs(command: str, runs: str | None) -> str:
    if runs is None:
        return command
    return re.sub(r"(\s(?:-n|--runs))(\s+|=)\d[\d_]*", rf"\g<1>\g<2>{runs}", command)


@dataclass
class Session:
    """The commands of one page, run in one directory; quoted ids mapped to the real ones."""

    workdir: Path
    ids: dict[str, str] = field(default_factory=dict)

    def run(self, command: str, stdin: str | None = None) -> tuple[int, str]:
        for quoted, real in sorted(self.ids.items(), key=lambda kv: -len(kv[0])):
            command = command.replace(quoted, real)
        for quoted, real in self.ids.items():  # a prefix: its date and time (15 characters)
            command = command.replace(quoted[:15], real[:15])
        args = shlex.split(command, comments=True)[1:]
        with _cwd(self.workdir):
            res = CliRunner().invoke(app, args, input=stdin, env={"COLUMNS": str(COLUMNS)})
        text = res.stdout + (res.stderr.strip("\n") + "\n" if res.stderr.strip() else "")
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            text += f"(raised {type(res.exception).__name__}: {res.exception})\n"
        return res.exit_code, text

    def learn(self, quoted: list[str], printed: str) -> None:
        """Map the ids the page quotes to those this run printed, in order of appearance."""
        for q, r in zip(ID.findall("\n".join(quoted)), ID.findall(printed), strict=False):
            self.ids.setdefault(q, r)


def _typed(options: dict[str, str]) -> str | None:
    """What the reader types into the block's commands (``input=10,q``: "10", Enter, "q",
    Enter); None when nothing is typed (the input is empty)."""
    typed = options.get("input")
    return None if typed is None else "".join(f"{line}\n" for line in typed.split(","))


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _expects_failure(shown: list[str]) -> bool:
    first = next((s.strip() for s in shown if s.strip()), "")
    return first.startswith(("error:", "Error:", "Usage:"))


def check_output(block: Block, shown: list[str], printed: str, workdir: str) -> str:
    """'' if the quoted output matches the printed one (by the block's mode), else a diff."""
    abridged = block.mode == "abridged"
    want = normalise("\n".join(shown), workdir, numbers=abridged)
    got = normalise(printed, workdir, numbers=abridged)
    if not abridged:
        if want == got:
            return ""
        return "quoted:\n  " + "\n  ".join(want) + "\nprinted:\n  " + "\n  ".join(got)
    at = 0
    for line in want:
        if line in ("...", "…"):
            continue
        try:
            at = got.index(line, at) + 1
        except ValueError:
            return f"quoted line not printed (in this order): {line!r}\nprinted:\n  " + (
                "\n  ".join(got)
            )
    return ""


def run_python(block: Block, workdir: Path) -> str:
    code = "\n".join(block.body)
    runs = block.options.get("runs")
    if runs is not None:
        code = re.sub(r"\bruns=\d[\d_]*", f"runs={runs}", code)
    out = io.StringIO()
    with _cwd(workdir), contextlib.redirect_stdout(out):
        exec(compile(code, block.where, "exec"), {"__name__": "__docs__"})
    return out.getvalue()


def _covered(target: str) -> str:
    """'' if ``tests/...py::name`` names a test function that exists, else why not."""
    path, _, name = target.partition("::")
    file = ROOT / path
    if not file.is_file() or not name:
        return f"covered-by={target}: no such test file"
    if not re.search(rf"^\s*(async )?def {re.escape(name)}\(", file.read_text(), re.M):
        return f"covered-by={target}: no test {name} in {path}"
    return ""


def check_page(page: Path, workdir: Path, update: bool = False) -> list[str]:
    """Run every block of ``page``; the problems found (with the page's line)."""
    problems: list[str] = []
    for name in REPO_LINKS:  # paths relative to the repository work from the page's directory
        (workdir / name).symlink_to(ROOT / name)
    session = Session(workdir)
    rewrites: list[tuple[int, int, str]] = []  # (first line index, lines, new text)
    for block in read_blocks(page):
        if block.mode not in ("output", "abridged", "commands", "skip"):
            problems.append(f"{block.where}: unknown docs-test mode '{block.mode}'")
            continue
        cmds = commands(block) if block.lang in COMMAND_FENCES else []
        quotes = any(s.strip() for c in cmds for s in c.shown) or block.output is not None
        if block.mode == "commands" and quotes:
            problems.append(f"{block.where}: 'commands' is for a block that quotes no output")
            continue
        if "runs" in block.options and block.mode != "abridged" and quotes:
            problems.append(f"{block.where}: runs= needs 'abridged' (the numbers change)")
            continue
        if block.mode == "skip":
            why = _covered(block.options.get("covered-by", ""))
            if why:
                problems.append(f"{block.where}: skip needs covered-by=TEST ({why})")
            continue
        if "file" in block.options:  # a file the page's commands read (e.g. an overlay)
            (workdir / block.options["file"]).write_text("\n".join(block.body) + "\n")
            continue
        if block.lang == "python":
            try:
                printed = run_python(block, workdir)
            except Exception as exc:  # the snippet is broken: say where
                problems.append(f"{block.where}: the python block raised {exc!r}")
                continue
            if block.output is not None:
                diff = check_output(block, block.output.body, printed, str(workdir))
                if diff and update and block.mode == "output":
                    rewrites.append((block.output.line, len(block.output.body), printed))
                elif diff:
                    problems.append(f"{block.output.where}: {diff}")
            continue
        for cmd in cmds:
            code, printed = session.run(
                _with_runs(cmd.text, block.options.get("runs")), _typed(block.options)
            )
            session.learn(cmd.shown, printed)
            where = f"{page.relative_to(ROOT)}:{cmd.line}: {cmd.text}"
            if (code != 0) != _expects_failure(cmd.shown):
                problems.append(f"{where}\n  exit code {code}\n  printed: {printed.strip()}")
                continue
            fill = update and block.mode == "output" and "runs" not in block.options
            if not any(s.strip() for s in cmd.shown) and not fill:
                continue  # a command shown without its output
            diff = check_output(block, cmd.shown, printed, str(workdir))
            if diff and update and block.mode == "output":
                new = printed.replace(str(workdir), "~/work")
                rewrites.append((block.line + cmd.first, len(cmd.shown), new))
            elif diff:
                problems.append(f"{where}\n{diff}")
    if rewrites:
        _rewrite(page, rewrites)
    return problems


def _rewrite(page: Path, rewrites: list[tuple[int, int, str]]) -> None:
    lines = page.read_text(encoding="utf-8").splitlines()
    for start, length, printed in sorted(rewrites, key=lambda r: -r[0]):
        lines[start : start + length] = [x.rstrip() for x in printed.rstrip("\n").splitlines()]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_command_and_snippet_of_the_page_runs_as_quoted(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ESCALADE_STORE", raising=False)
    problems = check_page(page, tmp_path)
    if problems and _page_id(page) in PENDING:
        pytest.xfail(f"{PENDING[_page_id(page)]}:\n" + "\n\n".join(problems))
    assert not problems, "\n\n".join(problems)


def test_the_docs_run_commands_and_snippets() -> None:
    """The collector finds what the pages quote (a parser that finds nothing passes all)."""
    blocks = [b for p in PAGES for b in read_blocks(p)]
    assert sum(len(commands(b)) for b in blocks) > 40
    assert sum(b.lang == "python" for b in blocks) >= 5


def test_normalising_makes_only_the_volatile_parts_equal() -> None:
    a = "experiment 20261201-101010-april-2024-3f2a in ~/work took 12 s  ━━━━\n"
    b = "experiment 20261129-180642-april-2024-420b in /tmp/x took 1 min 02 s ━━\n"
    assert normalise(a) == normalise(b, "/tmp/x")
    assert normalise("P = 0.031") != normalise("P = 0.032")
    assert normalise("P = 0.031", numbers=True) == normalise("P = 0.032", numbers=True)


def test_an_abridged_output_needs_its_lines_in_order() -> None:
    block = Block(ROOT / "README.md", 1, "console", [], mode="abridged")
    printed = "a 1\nb 2\nc 3\n"
    assert check_output(block, ["a 5", "...", "c 9"], printed, "") == ""
    assert check_output(block, ["c 9", "a 5"], printed, "") != ""


def test_update_fills_an_output_but_not_a_commands_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(globals(), "ROOT", tmp_path)  # a page of its own, outside the repository
    page = tmp_path / "page.md"
    blocks = "```text\n$ escalade --version\n```\n"
    page.write_text(f"{blocks}\n<!-- docs-test: commands -->\n{blocks}", "utf-8")
    for work in ("work", "again"):
        (tmp_path / work).mkdir()
    assert check_page(page, tmp_path / "work", update=True) == []
    first, second = page.read_text("utf-8").split("<!--")
    assert len(first.strip().splitlines()) == 4  # the fence, the command, its output, the fence
    assert second.splitlines()[1:] == blocks.splitlines()  # left as it was written
    quoted = "<!-- docs-test: commands -->\n```text\n$ escalade --version\nescalade 0\n```\n"
    page.write_text(quoted, "utf-8")
    [problem] = check_page(page, tmp_path / "again", update=False)
    assert "'commands' is for a block that quotes no output" in problem


def test_a_skipped_block_must_name_a_test_that_exists() -> None:
    assert _covered("tests/test_docs.py::test_a_skipped_block_must_name_a_test_that_exists") == ""
    assert "no test" in _covered("tests/test_docs.py::test_nothing")


def _numbers_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "docs_numbers", ROOT / "scripts" / "docs_numbers.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_numbers_in_the_prose_are_the_generated_ones() -> None:
    script = _numbers_script()
    stored = json.loads(script.NUMBERS.read_text(encoding="utf-8"))
    assert script.stale_spans(stored) == []
    assert sum(len(script.SPAN.findall(p.read_text(encoding="utf-8"))) for p in PAGES) >= 3


@pytest.mark.slow
def test_the_generated_numbers_are_what_the_model_gives_today() -> None:
    script = _numbers_script()
    stored = json.loads(script.NUMBERS.read_text(encoding="utf-8"))
    assert script.compute() == stored, "run: python scripts/docs_numbers.py"


if __name__ == "__main__":  # python -m tests.test_docs --update docs/analysis.md ...
    import tempfile

    update = "--update" in sys.argv
    for name in [a for a in sys.argv[1:] if not a.startswith("--")]:
        with tempfile.TemporaryDirectory() as tmp:
            found = check_page(ROOT / name, Path(tmp), update=update)
        print(f"{name}: {len(found)} problem(s)")
        for problem in found:
            print(problem, "\n")


SHELL_FENCES = ("bash", "sh", "shell")
"""Fences of shell examples (a ``console`` fence quotes outputs after ``$ `` commands): their
``escalade ...`` lines, written without ``$ ``, are not run."""
_INDENTED = re.compile(r"^ {4}(escalade .*)$")


def shell_examples(page: Path) -> list[tuple[int, list[str]]]:
    """The ``escalade`` commands a page shows without running them: lines of a shell fence
    written without ``$ `` and indented code lines (``    escalade ...``), each as its line
    and its words (``\\`` continuations joined, ``# ...`` comments dropped, one entry for each
    side of ``&&``)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    fence: dict[int, str] = {}  # index of every line of a fenced block -> the fence's language
    for block in read_blocks(page):
        for b in (block, block.output):
            if b is not None:
                fence.update(dict.fromkeys(range(b.line - 1, b.line + len(b.body) + 1), b.lang))
    shown: list[tuple[int, str]] = []
    k = 0
    while k < len(lines):
        text, line, lang = lines[k], k + 1, fence.get(k)
        if (lang in SHELL_FENCES and text.lstrip().startswith("escalade ")) or (
            lang is None and _INDENTED.match(text)
        ):
            text = text.strip()
            while text.endswith("\\") and k + 1 < len(lines):
                k += 1
                text = text[:-1].rstrip() + " " + lines[k].strip()
            shown.append((line, text))
        k += 1
    return [
        (line, words)
        for line, text in shown
        for part in text.split("&&")
        if (words := shlex.split(part, comments=True))[:1] == ["escalade"]
    ]


def test_every_shell_example_names_commands_options_and_fields_that_exist() -> None:
    # Examples written for a reader to type are not run (they would take minutes); each must at
    # least parse (its command and options exist: `--help` after them exits 0) and its --set
    # paths must apply to the built-in scenario it names.
    from escalade.cli_common import parse_sets
    from escalade.scenario.load import builtin_names
    from escalade.simulation import load_scenario

    runner = CliRunner()
    problems, seen = [], 0
    for page in PAGES:
        for line, words in shell_examples(page):
            seen += 1
            where = f"{page.relative_to(ROOT)}:{line}: {shlex.join(words)}"
            result = runner.invoke(app, [*words[1:], "--help"])
            if result.exit_code != 0:
                problems.append(f"{where}: {result.output.strip().splitlines()[-2:]}")
                continue
            sets = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--set"]
            name = next((w for w in words[2:3] if w in builtin_names()), None)
            if sets and name:
                try:
                    load_scenario(name, parse_sets(sets))
                except Exception as e:  # a located error names the path that does not apply
                    problems.append(f"{where}: {e}")
    assert seen >= 50  # the pages show this many; fewer means the reader above lost some
    assert problems == []


def test_a_shell_example_with_a_wrong_option_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```bash\nescalade run april-2024 --runz 10   # a typo\n```\n\n"
        "    escalade compare april-2024 \\\n"
        "        --set model.war_cost=30 && escalade levers x\n",
        "utf-8",
    )
    assert shell_examples(page) == [
        (2, ["escalade", "run", "april-2024", "--runz", "10"]),
        (5, ["escalade", "compare", "april-2024", "--set", "model.war_cost=30"]),
        (5, ["escalade", "levers", "x"]),
    ]
    assert CliRunner().invoke(app, ["run", "april-2024", "--runz", "10", "--help"]).exit_code == 2
