"""The record at path level (issue 10, item 6) and the levers (item 7), over seeded ensembles.

Each probability is estimated from ``RUNS`` runs (seed 1) and compared with the issue's bound
with a tolerance of 3 binomial standard errors at that sample size, ``3 * sqrt(p (1 - p) / n)``;
paired lever effects use common random numbers (the same seed and run ids with and without
the lever) and a tolerance of 3 standard errors of the paired difference. The measured values
at this commit are quoted in each test (the closing note of issue 10 has them too).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from escalade.simulation import load_scenario, run_batch

RUNS = 4000
LEVER_RUNS = 5000


def se(p: float, n: int) -> float:
    return float(np.sqrt(max(p * (1 - p), 1e-12) / n))


def paired_se(a: np.ndarray, b: np.ndarray) -> float:
    d = b.astype(float) - a.astype(float)
    return float(d.std(ddof=1) / np.sqrt(len(d))) if d.std() > 0 else 0.0


pytestmark = pytest.mark.xdist_group("record")  # one worker builds the cached ensembles once


@cache
def simulated(
    name: str, runs: int, sets: tuple[tuple[str, Any], ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    sc = load_scenario(name, dict(sets) or None)
    batch = run_batch(sc, 1, np.arange(runs), keep_events=True)
    assert batch.events is not None
    return batch.events.to_pandas(), batch.outcomes.to_pandas()


def ensemble(
    name: str, runs: int, sets: tuple[tuple[str, Any], ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs 0..runs-1 of the scenario (seed 1). A run does not depend on the batch it is in
    (tests/engine/test_reproducibility.py), so the first ``runs`` of the larger lever ensemble are
    the same runs, and are taken from it rather than simulated again."""
    if runs >= LEVER_RUNS:
        return simulated(name, runs, sets)
    ev, out = simulated(name, LEVER_RUNS, sets)
    return ev[ev.run < runs], out[out.run < runs].reset_index(drop=True)


def strikes(ev: pd.DataFrame, actor: str, target: str, rung: int = 0) -> pd.DataFrame:
    return ev[
        (ev.kind == "strike") & (ev.actor == actor) & (ev.target == target) & (ev.rung >= rung)
    ]


def direct_blows(ev: pd.DataFrame, a: str, b: str, runs: int) -> pd.Series:
    """Strikes at rung >= 7 between the two states, either way, per run (not the trigger)."""
    d = pd.concat([strikes(ev, a, b, 7), strikes(ev, b, a, 7)])
    return d.groupby("run").size().reindex(range(runs), fill_value=0)


def recorded_april_path(ev: pd.DataFrame, runs: int) -> np.ndarray:
    """Iran's large salvo (rung >= 8) within about two weeks (by day 20), Israel's limited
    answer (rung <= 7), then no further direct blow between them."""
    d = pd.concat([strikes(ev, "IRN", "ISR", 7), strikes(ev, "ISR", "IRN", 7)])
    d = d.sort_values(["run", "day"], kind="stable")
    out = np.zeros(runs, dtype=bool)
    for run, g in d.groupby("run"):
        if len(g) != 2:
            continue
        first, second = g.iloc[0], g.iloc[1]
        out[run] = (
            first.actor == "IRN" and first.rung >= 8 and first.day <= 20
            and second.actor == "ISR" and second.rung <= 7
        )  # fmt: skip
    return out


# --- The record at path level -------------------------------------------------------------


def test_april_2024_settles_after_two_direct_blows() -> None:
    # Measured: P(at most 2 direct blows) 0.65, P(quiet or cease-fire) 0.76, recorded path 0.15,
    # median deaths from blows between the states 1 (2,000 runs). The record: E7, E8, quiet.
    ev, out = ensemble("april-2024", RUNS)
    at_most_two = float((direct_blows(ev, "IRN", "ISR", RUNS) <= 2).mean())
    assert at_most_two >= 0.4 - 3 * se(0.4, RUNS)
    settled = float(out.ended.isin(["quiet", "ceasefire"]).mean())
    assert settled >= 0.5 - 3 * se(0.5, RUNS)
    states = {"IRN", "ISR", "USA"}
    ss = ev[(ev.kind == "strike") & ev.actor.isin(states) & ev.target.isin(states)]
    deaths = ss.groupby("run").deaths.sum().reindex(range(RUNS), fill_value=0)
    assert float(np.median(deaths)) <= 5


def test_april_2024_the_recorded_path_is_a_likely_one() -> None:
    # The band holds narrowly (measured 0.152 at 2,000 runs): say so when it moves.
    ev, _ = ensemble("april-2024", RUNS)
    p = float(recorded_april_path(ev, RUNS).mean())
    assert p >= 0.15 - 3 * se(0.15, RUNS)


def test_august_2024_iran_holds_off_its_direct_answer_for_a_month() -> None:
    # What holds Iran back: the Gaza cease-fire talks on offer (an inducement worth 5-30% of what
    # a regional war would cost Iran, forfeited by striking above rung 6), the restraint urged by
    # the US, Europe, Russia and China (they add up), and a US promise to defend Israel that makes
    # a large salvo expected to be intercepted. Without the inducement Iran strikes within a
    # month in almost every run (measured 0.7% held off), so the inducement does most of the
    # work: it is in the units of the stakes it touches, not a free number.
    ev, _ = ensemble("august-2024", RUNS)
    struck = strikes(ev, "IRN", "ISR", 7)
    held_off = 1.0 - struck[struck.day < 30].run.nunique() / RUNS
    assert held_off >= 0.4 - 3 * se(0.4, RUNS)  # measured 0.72


def test_january_2020_the_us_does_not_answer_irans_salvo() -> None:
    # An answer within a rung of one's own blow was expected (answered_margin): the US feels
    # Iran's rung-7 answer to the killing of Soleimani (rung 6) at answered_weight.
    ev, _ = ensemble("january-2020", RUNS)
    salvo = strikes(ev, "IRN", "USA", 7).groupby("run").day.min()
    us = strikes(ev, "USA", "IRN", 5)
    answered = 0
    for run, day in salvo.items():
        u = us[(us.run == run) & (us.day >= day) & (us.day <= day + 30)]
        answered += len(u) > 0
    n = len(salvo)
    assert n > RUNS / 2
    assert 1 - answered / n >= 0.6 - 3 * se(0.6, n)  # measured 0.89


# --- Levers, paired -----------------------------------------------------------------------


def first_answer(ev: pd.DataFrame, actor: str, target: str, runs: int) -> np.ndarray:
    return (
        strikes(ev, actor, target)
        .groupby("run")
        .rung.first()
        .reindex(range(runs), fill_value=-1)
        .to_numpy()
    )


def first_salvo_leak(ev: pd.DataFrame, actor: str, target: str) -> pd.Series:
    s = strikes(ev, actor, target)
    s = s[s["size"] > 0].groupby("run").first()
    return s.leaked / s["size"]


def lever(
    name: str, sets: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ev0, out0 = ensemble(name, LEVER_RUNS)
    ev1, out1 = ensemble(name, LEVER_RUNS, tuple(sorted(sets.items())))
    return ev0, out0, ev1, out1


def test_without_russias_restraint_iran_answers_bigger() -> None:
    ev0, _, ev1, _ = lever("august-2024", {"statements.5.strength": 0.0})
    a = first_answer(ev0, "IRN", "ISR", LEVER_RUNS) >= 8
    b = first_answer(ev1, "IRN", "ISR", LEVER_RUNS) >= 8
    assert b.mean() - a.mean() >= 0.01 - 3 * paired_se(a, b)  # measured +1.7 points


def test_a_failed_channel_leaves_more_of_the_salvo_to_get_through() -> None:
    _, _, ev1, _ = lever("april-2024", {f"channels.{i}.fidelity": 0.0 for i in range(9)})
    ev0, _ = ensemble("april-2024", LEVER_RUNS)
    base, failed = first_salvo_leak(ev0, "IRN", "ISR"), first_salvo_leak(ev1, "IRN", "ISR")
    both = base.index.intersection(failed.index)
    d = (failed[both] - base[both]).to_numpy()
    assert d.mean() > 3 * d.std(ddof=1) / np.sqrt(len(d))  # measured +1.2 points


def test_without_telegraphing_iran_does_not_escalate_less() -> None:
    ev0, out0, ev1, out1 = lever("april-2024", {"actors.IRN.policy.may_telegraph": False})
    a, b = (out0.max_rung >= 10).to_numpy(), (out1.max_rung >= 10).to_numpy()
    assert b.mean() - a.mean() >= -3 * paired_se(a, b)
    base, plain = first_salvo_leak(ev0, "IRN", "ISR"), first_salvo_leak(ev1, "IRN", "ISR")
    both = base.index.intersection(plain.index)
    assert (plain[both] - base[both]).mean() > 0


@pytest.mark.xfail(
    strict=True,
    reason="issue 10 item 7 not met: removing telegraphing raises the first salvo's leak share by "
    "~0.8 points, not 5 (5,000 runs): Iran telegraphs only 26% of its first salvos (credibility "
    "scales with the felt share, so a notice pays only when an answer's net value is negative), "
    "and with readiness by hours a warned salvo leaks 2.0%, an unwarned one 5.1% (drones seen "
    "coming for hours warn the defence anyway). The gap is the air defence's, not the choice's: "
    "an experiment (not shipped) in which a notice cost no credibility at all had Iran warn 52% "
    "of its first acts on Israel and gave +1.6 points (decision 0015)",
)
def test_without_telegraphing_five_more_points_of_the_salvo_get_through() -> None:
    ev0, _, ev1, _ = lever("april-2024", {"actors.IRN.policy.may_telegraph": False})
    base, plain = first_salvo_leak(ev0, "IRN", "ISR"), first_salvo_leak(ev1, "IRN", "ISR")
    both = base.index.intersection(plain.index)
    assert (plain[both] - base[both]).mean() >= 0.05


def test_without_us_restraint_israel_answers_much_bigger() -> None:
    # Measured 6.2% -> 18.7% (2,000 runs): the US statement is leverage (its pledge to defend
    # Israel is what it puts at risk), a cost of its own on every rung from 8 up.
    ev0, _, ev1, _ = lever("april-2024", {"statements.0.strength": 0.0})
    a = first_answer(ev0, "ISR", "IRN", LEVER_RUNS) >= 8
    b = first_answer(ev1, "ISR", "IRN", LEVER_RUNS) >= 8
    assert b.mean() - a.mean() >= 0.10


def test_a_us_offensive_commitment_emboldens_israel() -> None:
    # A commitment of 0.8 removes most of the US restraint's leverage, shares the war on the
    # high rungs and makes 0.8 of an offensive a joint campaign that need not be sized to the
    # grievance (backing.signalling_share, decision 0016). Measured +15.6 points (1.8% ->
    # 17.4%, 5,000 runs); before decision 0016, +3.3. No constant was set for this band: the
    # share is 1 - join itself.
    _, out0, _, out1 = lever("april-2024", {"relations.0.join_offensive": 0.8})
    a, b = (out0.max_rung >= 9).to_numpy(), (out1.max_rung >= 9).to_numpy()
    assert b.mean() - a.mean() >= 0.05 + 3 * paired_se(a, b)


def test_more_hardliner_weight_raises_the_chance_of_war() -> None:
    _, out0, _, out1 = lever("april-2024", {"actors.IRN.factions.irgc_hardliners.weight": 0.7})
    a, b = out0.first_war_day.notna().to_numpy(), out1.first_war_day.notna().to_numpy()
    hot0, hot1 = (out0.max_rung >= 9).to_numpy(), (out1.max_rung >= 9).to_numpy()
    # P(war) is small (~0.1-0.3%); the paired shift to the top rungs is what is measurable.
    assert b.mean() >= a.mean()
    assert hot1.mean() - hot0.mean() > 3 * paired_se(hot0, hot1)
