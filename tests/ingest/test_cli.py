"""`escalade ingest` as a user meets it: outputs, overlays, and bad input without a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalade.cli import app

runner = CliRunner()
ARTICLE = (
    "Published: 14 April 2024\n\n"
    "Iran launched more than 300 drones and missiles at Israel late on Saturday, "
    "the Israeli military said.\n"
    "Russia urged Israel to show restraint.\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    (d / "a.txt").write_text(ARTICLE)
    return d


def test_text_output(folder: Path) -> None:
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert "IRN large_salvo (rung 8) -> ISR" in result.output
    assert "2024-04-13" in result.output and "RUS restraint -> ISR" in result.output


def test_json_output(folder: Path) -> None:
    result = runner.invoke(app, ["ingest", str(folder / "a.txt"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (art,) = data["articles"]
    assert art["date"] == "2024-04-14"
    first = art["events"][0]
    assert (first["actor"], first["target"], first["kind"], first["rung"]) == (
        "IRN",
        "ISR",
        "large_salvo",
        8,
    )
    assert ARTICLE[first["start"] : first["end"]].startswith("Iran launched")
    assert first["quantities"][0]["count"] == 300


def test_yaml_output_and_date_option(folder: Path) -> None:
    result = runner.invoke(app, ["ingest", str(folder), "--yaml", "--date", "2024-04-20"])
    assert result.exit_code == 0, result.output
    assert "date: '2024-04-20'" in result.stdout and "kind: large_salvo" in result.stdout
    assert "date: '2024-04-20'" in result.stdout  # the article's date, from --date


def test_overlay_and_run(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "overlay.yaml"
    result = runner.invoke(app, ["ingest", str(folder), "--into", "april-2024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "overlay written to" in result.output and out.exists()
    assert "ingest-1" in out.read_text()
    diff = runner.invoke(app, ["ingest", str(folder), "--into", "april-2024", "--diff"])
    assert "+ large_salvo IRN -> ISR (2024-04-13) [initial_events, new]" in diff.output
    run = runner.invoke(
        app, ["run", "april-2024", "--overlay", str(out), "--runs", "40", "--workers", "1"]
    )
    assert run.exit_code == 0, run.output


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", [], "the file is empty"),
        (b"\x00\x01\x02binary\x00" * 50, [], "a binary file"),
        (ARTICLE.encode() * 50, ["--max-bytes", "1000"], "larger than the limit of 1,000 bytes"),
        (
            "Le gouvernement iranien a lancé des drones contre Israël samedi soir, selon "
            "l'armée, et la Jordanie en a abattu plusieurs au-dessus de son territoire.".encode(),
            [],
            "detected language: fr",
        ),
    ],
)
def test_bad_input_is_a_message(
    tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    result = runner.invoke(app, ["ingest", str(f), *args])
    assert result.exit_code != 0
    assert message in result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit
    )


def test_a_bad_file_among_good_ones(folder: Path) -> None:
    (folder / "b.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 1
    assert "the file is empty" in result.output and "IRN large_salvo" in result.output


def test_an_article_without_events_says_so(tmp_path: Path) -> None:
    f = tmp_path / "quiet.txt"
    f.write_text(
        "Markets were calm on Monday and the weather in the capital was mild, "
        "according to the morning report, which had little else to say about the week."
    )
    result = runner.invoke(app, ["ingest", str(f)])
    assert result.exit_code == 0
    assert "0 event(s)" in result.output and "no events found in this article" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere/"], "no such file or folder"),
        (["--date", "14/04/2024"], "--date expects YYYY-MM-DD"),
        (["--out", "x.yaml"], "--out and --diff need --into SCENARIO"),
        (["--json", "--yaml"], "give --json or --yaml, not both"),
        (["--into", "no-such-scenario"], "neither a scenario file nor a built-in scenario"),
    ],
)
def test_usage_errors(folder: Path, args: list[str], message: str) -> None:
    target = [] if args and args[0] == "nowhere/" else [str(folder)]
    result = runner.invoke(app, ["ingest", *target, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_empty_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == 2 and "no article files in this folder" in result.output
