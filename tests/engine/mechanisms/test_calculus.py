"""The calculus of an answer (engine/calculus.py): answer_utility adds up the terms of M2, M3,
M5, M7, M8, M9, M10 and M14. One hand-made situation, every term switched on, each utility
worked out by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.backing import statements_in_force
from escalade.engine.calculus import answer_utility, available_actions
from escalade.engine.decision import Appraisal
from escalade.engine.stakes import inducements_in_force
from tests.engine.mechanisms.tiny import Batch, batch

ACTORS: dict[str, Any] = {
    "RED": {"role": "state"},
    "BLUE": {
        "role": "state",
        "resolve": 0.6,
        "leader": {"risk_tolerance": 0.5, "war_aversion": 0.5},
    },
    "HEZ": {"role": "proxy", "patron": "BLUE"},
    "USA": {"role": "state"},
}
MODEL: dict[str, Any] = {
    "signal_value": 0.7,
    "overshoot_cost": 0.3,
    "war_cost": 40.0,
    "escalation_convexity": 1.0,
    "initial_interception_belief": 0.5,
    "interception_signal_loss": 0.3,
    "forewarning_signal_discount": 0.1,
    "forewarning_risk_discount": 0.6,
    "obligation_pressure": 0.35,
    "proxy_deniability": 0.6,
    "restraint_weight": 1.0,
    "restraint_from_rung": 8,
}
GRIEVANCE = 5.0


def appraise() -> tuple[Batch, Appraisal]:
    """BLUE, with a grievance of 5 rungs against RED, which has crossed BLUE's red line
    (committing it to rung 8 at an audience cost of 2); the US urges restraint (strength 0.5);
    an inducement worth 1.5 is forfeited above rung 7."""
    b = batch(
        runs=2,
        actors=ACTORS,
        model=MODEL,
        red_lines=[
            {
                "holder": "BLUE",
                "if": {"actor": "RED", "rung_at_least": 6},
                "commits_to_rung": 8,
                "audience_cost": 2.0,
            },
        ],
        statements=[{"by": "USA", "kind": "restraint", "toward": "BLUE", "strength": 0.5}],
        inducements=[{"to": "BLUE", "kind": "talks", "value": 1.5, "above_rung": 7}],
    )
    statements_in_force(b.state, b.params, 0)
    inducements_in_force(b.state, b.params, 0)
    b.state.red_crossed[:, 0] = True
    blue, red = b.ix("BLUE"), b.ix("RED")
    a = answer_utility(b.state, b.params, b.runs, blue, np.full(2, red), np.full(2, GRIEVANCE))
    return b, a


# Shared by every answer: the war would cost BLUE 40 x stakes 1 x aversion 0.5 x (1 - risk
# tolerance 0.5) = 10; the counter-escalation risk of rung r is (r / 13) ^ 1 (top rung 13);
# an answer below rung 8 owes the audience cost 2; a strike on territory keeps
# 1 - 0.3 x 0.5 = 0.85 of its signal value (M14).
EXPECTED: dict[str, tuple[float, float]] = {
    # threaten (rung 1, talk): 0.6 x 0.7 x 1 - 10 x 1/13 - 2 = 0.42 - 0.7692 - 2; no telegraph.
    "threaten": (0.42 - 10 / 13 - 2.0, -np.inf),
    # proxy_attack (rung 4, via HEZ): 0.6 x 0.7 x 4 - 10 x 4/13 x (1 - 0.6 deniability) - 2
    # = 1.68 - 1.2308 - 2 = -1.5508 (M5); not a strike: no telegraph.
    "proxy_attack": (1.68 - 10 * 4 / 13 * 0.4 - 2.0, -np.inf),
    # targeted_killing_abroad (rung 6, abroad): 0.6 x 0.7 x 5 - 0.3 x (6 - 5) = 1.8 of value,
    # less 10 x 6/13 = 4.6154 and 2; it cannot be telegraphed (forewarnable: false).
    "targeted_killing_abroad": (2.1 - 0.3 - 60 / 13 - 2.0, -np.inf),
    # symbolic_strike (rung 7, on soil): value 0.6 x 0.7 x 5 x 0.85 - 0.3 x 2 = 1.785 - 0.6 =
    # 1.185; cost 10 x 7/13 = 5.3846; below the commitment: 2. Unwarned 1.185 - 5.3846 - 2;
    # telegraphed 1.185 x (1 - 0.1) - 5.3846 x (1 - 0.6) - 2 = 1.0665 - 2.1538 - 2 (M3).
    "symbolic_strike": (1.185 - 70 / 13 - 2.0, 1.185 * 0.9 - 70 / 13 * 0.4 - 2.0),
    # large_salvo (rung 8, on soil): value 1.785 - 0.3 x 3 = 0.885; cost 10 x 8/13 x (1 + 1 x
    # 0.5 restraint) = 9.2308 (M7); meets the commitment (no audience cost) but forfeits the
    # inducement 1.5 (M10). Unwarned 0.885 - 9.2308 - 1.5; telegraphed 0.7965 - 3.6923 - 1.5.
    "large_salvo": (0.885 - 120 / 13 - 1.5, 0.885 * 0.9 - 120 / 13 * 0.4 - 1.5),
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_answer_adds_up_its_terms(action: str) -> None:
    b, a = appraise()
    k = b.params.catalog.find(action)
    unwarned, warned = EXPECTED[action]
    assert a.act[:, k, 0] == pytest.approx([unwarned] * 2)
    assert a.act[:, k, 1] == pytest.approx([warned] * 2)


def test_waiting_costs_the_obligation_and_the_red_line() -> None:
    _, a = appraise()
    # -obligation_pressure x resolve x grievance - audience cost = -0.35 x 0.6 x 5 - 2 = -3.05.
    assert a.wait == pytest.approx([-3.05, -3.05])
    assert a.commitment.tolist() == [8, 8]


def test_declaring_the_matter_concluded_forgoes_the_credibility_at_stake() -> None:
    b, a = appraise()
    k = b.params.catalog.find("declare_concluded")
    # wait - resolve x signal_value x grievance = -3.05 - 0.6 x 0.7 x 5 = -5.15.
    assert a.act[:, k, 0] == pytest.approx([-5.15, -5.15])
    assert a.act[:, k, 1].tolist() == [-np.inf, -np.inf]


def test_closed_answers_are_minus_infinity_and_not_available() -> None:
    b, a = appraise()
    k = b.params.catalog.find("strike_proxy_assets")  # only against a proxy; RED is a state
    assert not a.available[:, k].any()
    assert (a.act[:, k] == -np.inf).all()
    assert a.available[:, b.params.catalog.find("symbolic_strike")].all()
    # Every open action is finite unwarned; the utilities put waiting first.
    assert np.isfinite(a.act[:, :, 0][a.available]).all()
    assert a.utilities().shape == (2, 1 + 2 * b.params.catalog.size)
    assert a.utilities()[:, 0] == pytest.approx(a.wait)


def test_without_a_proxy_an_actor_cannot_act_through_one() -> None:
    b, _ = appraise()
    red = b.ix("RED")
    a = answer_utility(
        b.state, b.params, b.runs, red, np.full(2, b.ix("BLUE")), np.full(2, GRIEVANCE)
    )
    assert not a.available[:, b.params.catalog.find("proxy_attack")].any()


def test_the_actions_available_are_the_actors_options_against_the_targets_role() -> None:
    b = batch(runs=2, actors={**ACTORS, "BLUE": {**ACTORS["BLUE"], "policy": {"max_rung": 7}}})
    blue, red, hez = b.ix("BLUE"), b.ix("RED"), b.ix("HEZ")
    cat = b.params.catalog
    ok = available_actions(b.params, blue, np.array([red, hez]))
    names = np.array(cat.names)
    # Against the state RED: everything up to BLUE's max_rung 7 that can target a state.
    assert names[ok[0]].tolist() == [
        "declare_concluded",
        "threaten",
        "sanctions",
        "covert_sabotage",
        "proxy_attack",
        "targeted_killing_abroad",
        "symbolic_strike",
    ]
    # Against the proxy HEZ: the actions that can target a proxy (strikes on its assets).
    assert names[ok[1]].tolist() == ["strike_proxy_assets"]
    assert not ok[:, cat.find("large_salvo")].any()  # above max_rung
