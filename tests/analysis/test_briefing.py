"""The headline sentence and the drivers table (issue 13, item 2).

Checks structure and the agreement of the sentence with the summary it is made from, not
today's probabilities (the model's numbers change with the decision core)."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from escalade.analysis.briefing import HEADLINE_COLUMNS, definitions, drivers, headline, percent
from escalade.analysis.stats import summary
from escalade.api import load_scenario, simulate
from escalade.cli import app
from escalade.outcomes import BY_NAME

runner = CliRunner()


def test_the_headline_quotes_the_summary_it_is_made_from() -> None:
    sc = load_scenario("august-2024")
    result = summary(simulate(sc, runs=200, seed=4).outcomes)
    text = headline(result, sc.name, sc.horizon_days)
    assert text.startswith("Within 60 days of the trigger (august-2024, 200 runs)")
    rows = {r["label"]: r for r in result["thresholds"]}
    for col in HEADLINE_COLUMNS:
        row = rows[BY_NAME[col].label]
        assert BY_NAME[col].label in text
        quoted = f"{percent(row['p'])} (95% interval {percent(row['low'])}–{percent(row['high'])})"
        assert f"{BY_NAME[col].label} in {quoted}" in text.replace(" of runs (", " (")


def test_a_share_is_never_rounded_to_none_or_all_unless_it_is() -> None:
    """A headline that says 100% for 99.5% of runs, or an interval '0%-0.0%', misleads."""
    assert percent(0.0) == "0%" and percent(1.0) == "100%"
    assert percent(0.00015) == "0.015%"  # the upper bound of 0 in 20,000 runs
    assert percent(0.004) == "0.4%"
    assert percent(0.31) == "31%"
    assert percent(0.995) == "99.5%"  # was "100%"
    assert percent(0.9999) == "99.99%"


def test_definitions_come_from_the_outcome_registry() -> None:
    lines = definitions()
    assert [line.split(": ")[0] for line in lines] == [BY_NAME[c].label for c in HEADLINE_COLUMNS]
    assert all("trigger" in line for line in lines)


def test_drivers_are_paired_and_zero_for_a_lever_that_changes_nothing() -> None:
    """A lever setting a value to what it already is changes no run: difference 0 exactly."""
    sc = load_scenario("august-2024")
    noop = sc.model_copy(deep=True)
    noop.levers = {
        k: v.model_copy(update={"changes": {"horizon_days": 60}})
        for k, v in list(sc.levers.items())[:1]
    }
    found = drivers(noop, 100, 2, None, lambda ov: load_scenario("august-2024", ov))
    assert len(found) == 1
    for d in found[0].effects.values():
        assert d.diff == 0.0 and d.low <= 0.0 <= d.high and d.runs == 100


def test_run_prints_a_headline_and_with_drivers_a_table(tmp_path) -> None:
    store = str(tmp_path / "store")
    args = ["run", "august-2024", "-n", "60", "-w", "1", "--store", store]
    plain = runner.invoke(app, args)
    assert plain.exit_code == 0, plain.stderr
    assert re.search(r"Within 60 days of the trigger \(august-2024, 60 runs\)", plain.stdout)
    assert "What moves it" not in plain.stdout
    out = runner.invoke(app, [*args, "--drivers", "--drivers-runs", "30", "--json"])
    assert out.exit_code == 0, out.stderr
    drv = json.loads(out.stdout)["summary"]["drivers"]
    assert {d["lever"] for d in drv} == set(load_scenario("august-2024").levers)
    for d in drv:
        for effect in d["effects"].values():
            assert effect["runs"] == 30 and effect["low"] <= effect["diff"] <= effect["high"]
    # The drivers are stored with the experiment and open its report (after the summary).
    exp_id = json.loads(out.stdout)["experiment"]
    page = tmp_path / "report.html"
    rep = runner.invoke(app, ["report", exp_id, "--store", store, "--out", str(page)])
    assert rep.exit_code == 0, rep.stderr
    text = page.read_text(encoding="utf-8")
    assert text.index('<section id="what-moves-it">') > text.index('<section id="summary">')
    for d in drv:
        war = d["effects"]["first_war_day"]
        assert f"<td>{d['lever']}</td>" in text
        assert f"{100 * war['diff']:+.1f} pp ({100 * war['low']:+.1f} to" in text
