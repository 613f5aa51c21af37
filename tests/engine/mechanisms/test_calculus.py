"""The calculus of an answer (engine/calculus.py): answer_utility adds up the terms of M2, M3,
M5, M7, M8, M9, M10, M11 and M14:

    U = felt x (resolve x signal - overshoot)
        - felt x war cost x risk x (1 - proxy deniability) x allies x belief share
        - audience cost owed - inducements forfeited

for each action owned (unwarned), telegraphed, or carried out unacknowledged. One hand-made
situation, every term switched on, each utility worked out by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.backing import statements_in_force
from escalade.engine.calculus import answer_utility, available_actions
from escalade.engine.decision import OWNED, TELEGRAPHED, UNACKNOWLEDGED, Appraisal
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
    "intercepted_weight": 0.4,
    "resolve_prior": 0.5,
    "yielding_risk": 0.4,
    "unacknowledged_signal_discount": 0.4,
    "unacknowledged_risk_discount": 0.5,
    "obligation_pressure": 0.35,
    "proxy_deniability": 0.6,
    "restraint_weight": 1.0,
    "restraint_from_rung": 8,
}
GRIEVANCE = 5.0


def appraise() -> tuple[Batch, Appraisal]:
    """BLUE, with a grievance of 5 rungs against RED, which has crossed BLUE's red line
    (committing it to rung 8 at an audience cost of 2); the US urges restraint (strength 0.5);
    an inducement worth 0.15 of BLUE's war cost is forfeited above rung 7; RED has air
    defences over it, half of them in place without warning."""
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
        inducements=[{"to": "BLUE", "kind": "talks", "value": 0.15, "above_rung": 7}],
    )
    statements_in_force(b.state, b.params, 0)
    inducements_in_force(b.state, b.params, 0)
    b.state.red_crossed[:, 0] = True
    blue, red = b.ix("BLUE"), b.ix("RED")
    b.params.forewarning.defended[red] = True
    b.params.forewarning.unwarned_share[:, red] = 0.5
    a = answer_utility(b.state, b.params, b.runs, blue, np.full(2, red), np.full(2, GRIEVANCE))
    return b, a


# Shared by every answer: the war would cost BLUE 40 x stakes 1 x aversion 0.5 x (1 - risk
# tolerance 0.5) = 10; the counter-escalation risk of rung r is (r / 13) ^ 1 (top rung 13);
# BLUE believes RED resolute with the prior 0.5 and expects 0.5 + 0.5 x yielding_risk 0.4 =
# 0.7 of a resolute adversary's risk (M14); an answer below rung 8 owes the audience cost 2.
# Felt (M3/M6/M14): a strike on RED's soil meets its defences, which BLUE expects to stop 0.5:
# unwarned (half ready) 0.4 + 0.6 x (1 - 0.5 x 0.5) = 0.85, telegraphed (all ready)
# 0.4 + 0.6 x (1 - 0.5) = 0.7; every other answer is felt in full.
# Unacknowledged (M11): 1 - 0.4 of the value, 1 - 0.5 of the risk, felt as if unwarned.
NA = -np.inf
EXPECTED: dict[str, tuple[float, float, float]] = {
    # threaten (rung 1, talk): 0.6 x 0.7 x 1 - 10 x 1/13 x 0.7 - 2 = 0.42 - 0.5385 - 2;
    # not a strike: no telegraph; not deniable.
    "threaten": (0.42 - 7 / 13 - 2.0, NA, NA),
    # proxy_attack (rung 4, via HEZ): 0.6 x 0.7 x 4 - 10 x 4/13 x (1 - 0.6 deniability) x 0.7
    # - 2 = 1.68 - 0.8615 - 2 (M5).
    "proxy_attack": (1.68 - 11.2 / 13 - 2.0, NA, NA),
    # targeted_killing_abroad (rung 6, abroad, felt in full): 0.6 x 0.7 x 5 - 0.3 x (6 - 5) =
    # 1.8 of value, less 10 x 6/13 x 0.7 = 3.2308 and 2; not forewarnable; deniable:
    # 1.8 x 0.6 - 3.2308 x 0.5 - 2 = 1.08 - 1.6154 - 2.
    "targeted_killing_abroad": (1.8 - 42 / 13 - 2.0, NA, 1.08 - 21 / 13 - 2.0),
    # symbolic_strike (rung 7, on soil): value 2.1 - 0.3 x 2 = 1.5; risk 10 x 7/13 x 0.7 =
    # 3.7692; below the commitment: 2. Owned 0.85 x (1.5 - 3.7692) - 2 = -3.9288; telegraphed
    # 0.7 x (1.5 - 3.7692) - 2 = -3.5885; unacknowledged 0.85 x (0.9 - 1.8846) - 2 = -2.8369.
    "symbolic_strike": (
        0.85 * (1.5 - 49 / 13) - 2.0,
        0.7 * (1.5 - 49 / 13) - 2.0,
        0.85 * (0.9 - 24.5 / 13) - 2.0,
    ),
    # large_salvo (rung 8, on soil): value 2.1 - 0.3 x 3 = 1.2; risk 10 x 8/13 x (1 + 1 x 0.5
    # restraint) x 0.7 = 6.4615 (M7); meets the commitment (no audience cost) but forfeits the
    # inducement, 0.15 x war cost 10 = 1.5 (M10). Owned 0.85 x (1.2 - 6.4615) - 1.5;
    # telegraphed 0.7 x (1.2 - 6.4615) - 1.5; not deniable.
    "large_salvo": (0.85 * (1.2 - 84 / 13) - 1.5, 0.7 * (1.2 - 84 / 13) - 1.5, NA),
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_answer_adds_up_its_terms(action: str) -> None:
    b, a = appraise()
    k = b.params.catalog.find(action)
    owned, telegraphed, unacknowledged = EXPECTED[action]
    assert a.act[:, k, OWNED] == pytest.approx([owned] * 2)
    assert a.act[:, k, TELEGRAPHED] == pytest.approx([telegraphed] * 2)
    assert a.act[:, k, UNACKNOWLEDGED] == pytest.approx([unacknowledged] * 2)


def test_the_worked_numbers_of_the_symbolic_strike() -> None:
    b, a = appraise()
    k = b.params.catalog.find("symbolic_strike")
    assert a.act[0, k] == pytest.approx([-3.9288, -3.5885, -2.8369], abs=1e-4)


def test_a_target_believed_yielding_is_expected_to_counter_escalate_less() -> None:
    b, _ = appraise()
    blue, red = b.ix("BLUE"), b.ix("RED")
    b.state.resolve_belief[:, blue, red] = [1.0, 0.0]
    again = answer_utility(b.state, b.params, b.runs, blue, np.full(2, red), np.full(2, GRIEVANCE))
    k = b.params.catalog.find("targeted_killing_abroad")
    # Risk 10 x 6/13 x belief share: x 1 if resolute, x 0.4 if yielding: 1.8 - 4.6154 - 2 and
    # 1.8 - 1.8462 - 2.
    assert again.act[:, k, OWNED] == pytest.approx([1.8 - 60 / 13 - 2.0, 1.8 - 24 / 13 - 2.0])


def test_an_actor_that_may_not_telegraph_has_no_telegraphed_option() -> None:
    actors = {**ACTORS, "BLUE": {**ACTORS["BLUE"], "policy": {"may_telegraph": False}}}
    b = batch(runs=1, actors=actors, model=MODEL)
    a = answer_utility(
        b.state, b.params, b.runs, b.ix("BLUE"), np.array([b.ix("RED")]), np.array([GRIEVANCE])
    )
    assert (a.act[:, :, TELEGRAPHED] == -np.inf).all()
    assert np.isfinite(a.act[:, b.params.catalog.find("symbolic_strike"), OWNED]).all()


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
    assert a.utilities().shape == (2, 1 + 3 * b.params.catalog.size)
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


def test_a_partners_account_is_answered_with_pressure_not_force() -> None:
    # BLUE holds 5 rungs against RED, all on a partner's account (M7): pressure (rungs up to
    # on_behalf_max_rung, 2) restores credibility as for its own account; force restores none
    # of it and only costs its overshoot, and waiting costs nothing (its own account is empty).
    b, own = appraise()
    blue, red = b.ix("BLUE"), b.ix("RED")
    b.state.grievances.add(b.runs, blue, red, GRIEVANCE, on_behalf=True)
    behalf = answer_utility(b.state, b.params, b.runs, blue, np.full(2, red), np.full(2, GRIEVANCE))
    empty = answer_utility(b.state, b.params, b.runs, blue, np.full(2, red), np.zeros(2))
    rung = b.params.catalog.rung
    pressure = b.params.catalog.deescalate | (rung <= 2)
    ok = np.isfinite(own.act[0, :, OWNED])
    assert behalf.act[0, ok & pressure & ~b.params.catalog.deescalate, OWNED] == pytest.approx(
        own.act[0, ok & pressure & ~b.params.catalog.deescalate, OWNED]
    )
    force = ok & ~pressure
    assert behalf.act[0, force, OWNED] == pytest.approx(empty.act[0, force, OWNED])
    assert behalf.wait[0] == pytest.approx(empty.wait[0])
    assert own.wait[0] < behalf.wait[0]
