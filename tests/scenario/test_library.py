"""The built-in scenarios: valid, complete, and every number carries a source."""

from __future__ import annotations

import re

import pytest

from escalade.scenario.load import builtin_names, builtin_path, load_scenario
from escalade.scenario.schema import Role

NUMBER = re.compile(r"(?<![\w.-])-?\d[\d_]*(\.\d+)?(e[+-]?\d+)?(?![\w-])")
REQUIRED = {
    "IRN": Role.STATE,
    "ISR": Role.STATE,
    "USA": Role.STATE,
    "HEZ": Role.PROXY,
    "IRQ_MILITIA": Role.PROXY,
    "HOU": Role.PROXY,
    "OMN": Role.MEDIATOR,
    "QAT": Role.MEDIATOR,
    "JOR": Role.DEFENCE_PARTNER,
    "GBR": Role.DEFENCE_PARTNER,
    "FRA": Role.DEFENCE_PARTNER,
    "RUS": Role.GREAT_POWER,
}


def test_the_three_reference_scenarios_are_built_in() -> None:
    assert {"april-2024", "august-2024", "january-2020"} <= set(builtin_names())


@pytest.mark.parametrize("name", ["april-2024", "august-2024", "january-2020"])
def test_a_builtin_has_the_reference_actors_in_their_roles(name: str) -> None:
    sc = load_scenario(name)
    assert {a: sc.actors[a].role for a in REQUIRED} == REQUIRED
    assert any(ch.via in ("OMN", "QAT") for ch in sc.channels)


@pytest.mark.parametrize("name", ["april-2024", "august-2024", "january-2020"])
def test_every_number_in_a_builtin_cites_a_listed_source(name: str) -> None:
    sc = load_scenario(name)
    known = {s.id for s in sc.sources}
    unsourced, unknown = [], []
    in_block = None
    for n, line in enumerate(builtin_path(name).read_text().splitlines(), 1):
        code, _, comment = line.partition("#")
        key = code.strip().split(":")[0]
        if not code.startswith(" ") and key:
            in_block = key
        if in_block in ("sources", "name", "title", "description", "start", "horizon_days"):
            continue
        if in_block == "levers":
            continue  # what-ifs against the record, not estimates of it

        if code.strip().startswith(("text:", "name:", "- name:", "- day:", "day:")) or '"' in code:
            continue  # prose, and the trigger's day 0, which defines the scenario's clock
        cited = re.findall(r"src: ?([\w-]+)", comment) + re.findall(r"source: ?([\w-]+)", code)
        unknown += [f"{n}: {c}" for c in cited if c not in known and c != "estimate"]
        if NUMBER.search(code) and not cited and not re.search(r"src:|source", comment):
            unsourced.append(f"{n}: {line.strip()}")
    assert unknown == [], "cited ids missing from sources:"
    assert unsourced == [], "numbers without a # src: comment"
