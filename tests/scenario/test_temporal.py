"""Temporal discipline (issue 9, item 5): every source is dated, none after 31 August 2024.

Calibration numbers in the built-in scenarios, the episodes and the episodes' own scenario files
come only from documents published on or before ``CUTOFF``; later events may be named as labels
(the record an episode is scored against), never used as numbers (DOMAIN.md, "Temporal
discipline"; data/episodes/README.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from escalade.analysis.hindcast import default_episodes_dir, load_episodes, scenario_source
from escalade.scenario.load import builtin_names, builtin_path, load_scenario
from escalade.scenario.schema import Source

CUTOFF = dt.date(2024, 8, 31)

LATE_BUILTINS: dict[str, str] = {}
"""Built-ins known to break the rule: their test is an expected failure (strict: it must fail)."""


def late_sources(sources: Iterable[Source], cutoff: dt.date = CUTOFF) -> list[str]:
    """Ids of the sources without a date or dated after ``cutoff``."""
    return [s.id for s in sources if s.date is None or s.date > cutoff]


def undated(sources: Iterable[Source]) -> list[str]:
    return [s.id for s in sources if s.date is None]


def cited_ids(text: str) -> set[str]:
    """Source ids cited by ``# src: a, b (...)`` comments and ``source:`` fields of a file."""
    ids: set[str] = set()
    text = "\n".join(line for line in text.splitlines() if "`# src:" not in line)
    for m in re.finditer(r"src:\s*([^()\n]*)", text):
        ids.update(t for t in re.split(r"[\s,/]+", m.group(1)) if re.fullmatch(r"[a-z0-9_]+", t))
    ids.update(re.findall(r"\bsource:\s*([a-z0-9_]+)", text))
    return ids


EPISODES = load_episodes(default_episodes_dir())
EPISODE_SCENARIOS = sorted(
    {scenario_source(e) for e in EPISODES} - {builtin_path(n) for n in builtin_names()}
)


def _builtin_params() -> list[object]:
    out = []
    for name in builtin_names():
        marks = []
        if name in LATE_BUILTINS:
            marks.append(pytest.mark.xfail(reason=LATE_BUILTINS[name], strict=True))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def test_the_check_finds_a_late_or_undated_source() -> None:
    sources = [
        Source(id="early", citation="x", date=dt.date(2024, 8, 31)),
        Source(id="late", citation="x", date=dt.date(2024, 9, 1)),
        Source(id="none", citation="x"),
    ]
    assert late_sources(sources) == ["late", "none"]
    assert undated(sources) == ["none"]


def test_the_citation_parser_reads_src_comments_and_source_fields() -> None:
    text = (
        "# Every number carries its source: `# src: <id>` beside it\n"
        "a: 1   # src: kpler_2024, csis_cost (low)\nb: {x: 1}  # src: a_b / c\nsource: d_e\n"
        "# out no killing abroad (src: episode_record)\n"
    )
    assert cited_ids(text) == {"kpler_2024", "csis_cost", "a_b", "c", "d_e", "episode_record"}


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_source_has_a_date(name: str) -> None:
    assert undated(load_scenario(name).sources) == []


@pytest.mark.parametrize("name", _builtin_params())
def test_no_builtin_source_is_dated_after_the_cutoff(name: str) -> None:
    assert late_sources(load_scenario(name).sources) == []


def outside_defence(text: str) -> str:
    """The text of a scenario file without its ``munitions:`` block and ``defence:`` sections."""
    kept: list[str] = []
    skip_deeper_than: int | None = None
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if not line.strip() or line.lstrip().startswith("#") or indent > skip_deeper_than:
                continue
            skip_deeper_than = None
        if re.match(r"\s*(munitions|defence):\s*(#.*)?$", line):
            skip_deeper_than = indent
            continue
        kept.append(line)
    return "\n".join(kept)


def test_outside_defence_drops_the_munitions_block_and_defence_sections() -> None:
    text = (
        "munitions:\n  a: 1  # src: m1\n\n# note\ntarget_classes:\n  x: 1  # src: t1\n"
        "actors:\n  A:\n    defence:\n      layers:\n        - k: 1  # src: d1\n"
        "    stakes:\n      s: 1  # src: s1\n"
    )
    assert cited_ids(outside_defence(text)) == {"t1", "s1"}


@pytest.mark.parametrize("name", builtin_names())
def test_late_sources_are_cited_only_in_the_defence_layers_and_munitions(name: str) -> None:
    """Packages, target classes, arsenals, stakes, leaders and the rest are re-sourced; the
    defence and munitions sections of LATE_BUILTINS still wait for the air-defence rebuild."""
    late = set(late_sources(load_scenario(name).sources))
    text = builtin_path(name).read_text(encoding="utf-8")
    assert sorted(cited_ids(outside_defence(text)) & late) == []


@pytest.mark.parametrize(
    "path", [builtin_path(n) for n in builtin_names()] + EPISODE_SCENARIOS, ids=lambda p: p.name
)
def test_every_cited_source_is_declared_so_its_date_is_checked(path: Path) -> None:
    declared = {s.id for s in load_scenario(path).sources}
    assert sorted(cited_ids(path.read_text(encoding="utf-8")) - declared) == []


@pytest.mark.parametrize("path", EPISODE_SCENARIOS, ids=lambda p: p.name)
def test_episode_scenario_files_have_only_dated_sources_before_the_cutoff(path: Path) -> None:
    assert late_sources(load_scenario(path).sources) == []


@pytest.mark.parametrize("ep", EPISODES, ids=lambda e: e.id)
def test_episode_sources_are_dated_and_none_after_the_cutoff(ep: object) -> None:
    from escalade.analysis.hindcast import EpisodeFile

    assert isinstance(ep, EpisodeFile)
    sources = ep.episode.sources
    assert undated(sources) == []
    assert late_sources(sources) == []
