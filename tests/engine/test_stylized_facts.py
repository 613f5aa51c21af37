"""The stylized facts of DOMAIN.md (SF2, SF3, SF5) and the levers that move outcomes.

Every test runs seeded ensembles. Tolerances come from the sample size: one-sided claims use
the 95% Wilson interval of the estimated probability; lever effects are paired (the same seed
and run ids in both arms, i.e. common random numbers) and must exceed three standard errors
of the mean per-run difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import escalade
from escalade.analysis.stats import wilson
from escalade.scenario.load import load_scenario

pytestmark = pytest.mark.slow

E7 = [
    {
        "day": 0,
        "actor": "IRN",
        "action": "large_salvo",
        "target": "ISR",
        "damage": 4.5,
        "intercepted": 0.99,
        "text": "E7: ~99% intercepted, ~9 hits on air bases, no deaths",
    }
]


def events(name: str, runs: int, seed: int, **overrides: Any) -> pd.DataFrame:
    ens = escalade.simulate(load_scenario(name, overrides), runs=runs, seed=seed, events=True)
    assert ens.events is not None
    return ens.events.to_pandas()


def first_answers(ev: pd.DataFrame, actor: str, target: str) -> pd.DataFrame:
    """Each run's first decided move by ``actor`` against ``target`` (runs without one drop)."""
    moves = ev[(ev.actor == actor) & (ev.target == target) & ev.kind.isin(["strike", "statement"])]
    return moves.groupby("run").first()


def paired_gain(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean of b - a over paired runs and its standard error."""
    d = b.astype(float) - a.astype(float)
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d)))


def test_sf2_after_an_intercepted_salvo_the_answer_is_limited() -> None:
    runs = 2000
    answers = first_answers(events("april-2024", runs, 1, initial_events=E7), "ISR", "IRN")
    limited = int((answers.rung <= 7).sum())
    low, _ = wilson(limited, len(answers))
    assert len(answers) > 0.9 * runs
    assert low > 0.5, f"P(rung <= 7) = {limited / len(answers):.3f}"


def test_sf2_us_restraint_lowers_the_rung_of_israels_answer() -> None:
    runs = 3000
    rungs = {}
    for label, strength in (("restrained", 1.0), ("free", 0.0)):
        ev = events("april-2024", runs, 2, initial_events=E7, **{"statements.0.strength": strength})
        first = first_answers(ev, "ISR", "IRN").rung
        rungs[label] = first.reindex(range(runs), fill_value=0).to_numpy()
    gain, se = paired_gain(rungs["restrained"], rungs["free"])
    assert gain > 3 * se, f"mean rung {gain:+.3f} (s.e. {se:.3f}) without the US statement"


def test_sf3_a_killing_on_soil_draws_a_direct_answer_within_weeks_with_varied_lag() -> None:
    runs = 2000
    answers = first_answers(events("april-2024", runs, 3), "IRN", "ISR")
    direct = answers[(answers.rung >= 7) & (answers.day <= 28)]
    low, _ = wilson(len(direct), runs)
    assert low > 0.5
    q10, q90 = np.quantile(direct.day, [0.1, 0.9])
    assert q90 - q10 >= 7, "lags should range from days to weeks"


@pytest.mark.parametrize("name", ["april-2024", "august-2024", "january-2020"])
def test_sf5_most_crises_end_without_war_within_60_days(name: str) -> None:
    runs = 1500
    out = escalade.simulate(name, runs=runs, seed=4, days=60).to_pandas()
    war = int(out.first_war_day.notna().sum())
    _, high = wilson(war, runs)
    assert high < 0.5, f"P(war) = {war / runs:.3f}"


def test_sf5_hardliner_influence_raises_the_chance_of_war() -> None:
    # At the default war cost a sustained war in august-2024 is too rare to measure a shift in
    # (measured: 2 wars in 12,000 runs with hard-liners weak, 4 with them ascendant, seed 6),
    # while hard-liners do move Iran up the ladder (P(rung >= 8) 6% -> 29%). Where a war is
    # plausible, a war cost of a quarter of the default (10: a chosen stress, not a
    # calibrated value), their weight raises P(war) itself: measured 2.1% -> 3.9% (+6.6 paired
    # s.e. over 3,000 runs); the test asks for 3 s.e. of the paired difference.
    runs = 3000
    war = {}
    for label, hard, soft in (("low", 0.1, 0.6), ("high", 0.7, 0.1)):
        sets = {
            "actors.IRN.factions.irgc_hardliners.weight": hard,
            "actors.IRN.factions.pragmatists.weight": soft,
            "model.war_cost": 10.0,
        }
        out = escalade.simulate(load_scenario("august-2024", sets), runs=runs, seed=6).to_pandas()
        war[label] = out.first_war_day.notna().to_numpy()
    gain, se = paired_gain(war["low"], war["high"])
    assert gain > 3 * se, f"P(war) {gain:+.4f} (s.e. {se:.4f}) with hard-liners ascendant"


def test_forewarning_lowers_the_damage_of_a_salvo() -> None:
    # Iran can only fire its large salvo. Telegraphing no longer has discounts of its own: it
    # makes the salvo felt less (a warned defence is fully ready, M3/M6), which a nearly
    # rational leader prefers when the war it risks costs more than the credibility it buys
    # (war_cost 400). One arm may telegraph and (nearly) always does; the other may not.
    runs = 600
    leaked = {}
    for label, may in (("warned", True), ("unwarned", False)):
        ev = events(
            "april-2024",
            runs,
            6,
            **{
                "actors.IRN.options": ["large_salvo"],
                "actors.IRN.policy.rationality": 20.0,
                "actors.IRN.policy.may_telegraph": may,
                "model.war_cost": 400.0,
            },
        )
        salvos = ev[(ev.actor == "IRN") & (ev.kind == "strike")].groupby("run").first()
        telegraphed = (salvos.warning_days > 0).mean()
        assert telegraphed > 0.8 if label == "warned" else telegraphed == 0.0
        leaked[label] = (salvos.leaked / salvos["size"]).reindex(range(runs))
    both = leaked["warned"].notna() & leaked["unwarned"].notna()
    gain, se = paired_gain(leaked["warned"][both].to_numpy(), leaked["unwarned"][both].to_numpy())
    assert gain > 3 * se, f"leaked share {gain:+.3f} (s.e. {se:.3f}) without warning"


def test_a_patron_urging_restraint_holds_its_proxy_back() -> None:
    # E5-like: after US strikes on the militias, Iran's restraint statement toward them lowers
    # the share of runs in which they strike back (paired runs, 3 s.e.).
    runs = 1500
    struck = {}
    for label, strength in (("urged", 1.0), ("free", 0.0)):
        sets = {
            "initial_events": [
                {
                    "day": 0,
                    "actor": "USA",
                    "action": "strike_proxy_assets",
                    "target": "IRQ_MILITIA",
                    "casualties": {"other": 25},
                }
            ],
            "statements": [
                {"by": "IRN", "kind": "restraint", "toward": "IRQ_MILITIA", "strength": strength}
            ],
        }
        ev = events("april-2024", runs, 8, **sets)
        attacks = first_answers(ev, "IRQ_MILITIA", "USA")
        attacks = attacks[attacks.kind == "strike"]
        struck[label] = np.isin(np.arange(runs), attacks.index)
    gain, se = paired_gain(struck["urged"], struck["free"])
    assert gain > 3 * se, f"P(militia strikes back) {gain:+.3f} (s.e. {se:.3f}) without restraint"
