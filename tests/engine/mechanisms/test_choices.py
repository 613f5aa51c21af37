"""Choices (engine/choices.py): whom an actor answers, how its policy is asked, what the engine
refuses, and how a choice is carried out (talk at once, strikes scheduled, M1, M3, M4, M13)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

from escalade.engine.choices import (
    act,
    appraisal_against,
    decide,
    grudge_target,
    open_targets,
    retarget,
)
from escalade.engine.decision import GRUDGE_TARGET, NO_ACTION, Choice, Situation, option_choice
from escalade.engine.world import World
from tests.engine.mechanisms.tiny import Batch, batch, binomial_tolerance, events

THREE: dict[str, Any] = {
    "RED": {"role": "state"},
    "BLUE": {"role": "state", "policy": {"forewarning_lead_days": 3}},
    "GOLD": {"role": "state"},
}


class Scripted:
    """Chooses the named action (telegraphed or not) in every run, and keeps what it saw."""

    name: ClassVar[str] = "scripted"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False}

    def __init__(
        self, action: str | None, warned: bool = False, against: str | None = None
    ) -> None:
        self.action, self.warned, self.against = action, warned, against
        self.seen: list[Situation] = []

    def choose(self, situation: Situation) -> Choice:
        self.seen.append(situation)
        p = situation.params
        k = p.catalog.find(self.action) if self.action else NO_ACTION
        n = situation.n
        target = None
        if self.against is not None:  # an actor id, or "nobody" (an index out of range)
            t = p.actors.index(self.against) if self.against in p.actors else p.n_actors
            target = np.full(n, t, dtype=np.int64)
        return Choice(
            action=np.full(n, k, dtype=np.int64), warned=np.full(n, self.warned), target=target
        )


def world(b: Batch, **policies: Scripted) -> World:
    return World(b.params, b.streams, {b.ix(a): p for a, p in policies.items()})


# --- grudge_target ---------------------------------------------------------------------------


def test_the_target_is_whom_the_actor_holds_its_largest_grievance_against() -> None:
    b = batch(runs=2, actors=THREE)
    red, blue, gold = b.ix("RED"), b.ix("BLUE"), b.ix("GOLD")
    g = b.state.grievances.grievance
    g[0, blue, [red, gold]] = [2.0, 5.0]
    g[1, blue, [red, gold]] = [4.0, 1.0]
    g[:, blue, blue] = 99.0  # never a grudge against oneself
    assert grudge_target(b.state, world(b), 0, blue, b.runs).tolist() == [gold, red]


def test_equal_grievances_go_to_the_actor_listed_first_by_default() -> None:
    b = batch(runs=3, actors=THREE)
    blue = b.ix("BLUE")
    b.state.grievances.grievance[:, blue, [b.ix("RED"), b.ix("GOLD")]] = 3.0
    assert grudge_target(b.state, world(b), 0, blue, b.runs).tolist() == [b.ix("RED")] * 3


def test_with_a_random_tie_break_equal_grievances_split_evenly() -> None:
    n = 4000
    b = batch(runs=n, actors=THREE, model={"target_tie_break": "random"})
    red, blue, gold = b.ix("RED"), b.ix("BLUE"), b.ix("GOLD")
    b.state.grievances.grievance[:, blue, [red, gold]] = 3.0
    b.state.grievances.grievance[:, blue, blue] = 3.0  # tied too, but never chosen
    target = grudge_target(b.state, world(b), 5, blue, b.runs)
    assert set(target.tolist()) == {red, gold}
    # Half each: 3 s.e. of a share of 4000 runs = 3 x sqrt(0.25 / 4000) = 0.024.
    assert abs((target == red).mean() - 0.5) < binomial_tolerance(0.5, n)


def test_a_random_tie_break_leaves_an_untied_largest_grievance_alone() -> None:
    b = batch(runs=200, actors=THREE, model={"target_tie_break": "random"})
    blue = b.ix("BLUE")
    b.state.grievances.grievance[:, blue, [b.ix("RED"), b.ix("GOLD")]] = [3.0, 3.5]
    assert (grudge_target(b.state, world(b), 5, blue, b.runs) == b.ix("GOLD")).all()


# --- decide ----------------------------------------------------------------------------------


def deciding(policy: Scripted, grievance: list[float], **sections: Any) -> tuple[Batch, World]:
    model = {"quiet_below": 1.0, **sections.pop("model", {})}
    b = batch(runs=len(grievance), actors=THREE, model=model, **sections)
    b.state.grievances.grievance[:, b.ix("BLUE"), b.ix("RED")] = grievance
    b.state.grievances.received_rung[:, b.ix("BLUE"), b.ix("RED")] = 7
    w = world(b, BLUE=policy)
    decide(b.state, w, 3, b.log, b.ix("BLUE"), b.runs)
    return b, w


def test_the_policy_is_asked_only_where_the_grievance_is_above_quiet_below() -> None:
    policy = Scripted(None)
    b, _ = deciding(policy, [5.0, 0.5, 5.0])
    (s,) = policy.seen
    assert s.runs.tolist() == [0, 2]
    assert s.target.tolist() == [b.ix("RED")] * 2
    assert s.grievance == pytest.approx([5.0, 5.0])
    assert s.received_rung.tolist() == [7, 7]
    assert s.day == 3 and s.actor == b.ix("BLUE")


def test_nobody_aggrieved_means_no_policy_is_asked() -> None:
    policy = Scripted("symbolic_strike")
    deciding(policy, [0.5, 0.2])
    assert policy.seen == []


def test_a_chosen_strike_is_scheduled_to_land_after_the_minimum_lag() -> None:
    b, _ = deciding(Scripted("symbolic_strike"), [5.0, 5.0], model={"min_answer_lag_days": 2})
    o, blue = b.state.orders, b.ix("BLUE")
    # Decided on day 3, unwarned: lands on day 3 + max(0, 2) = 5.
    assert o.day[:, blue].tolist() == [5, 5]
    assert o.action[:, blue].tolist() == [b.params.catalog.find("symbolic_strike")] * 2
    assert o.target[:, blue].tolist() == [b.ix("RED")] * 2
    assert o.lead[:, blue].tolist() == [0, 0]
    assert not o.warned[:, blue].any()


def test_a_telegraphed_strike_lands_after_its_notice_and_warns_the_target() -> None:
    channel = [{"between": ["BLUE", "RED"], "delay_days": 1, "fidelity": 1.0}]
    b, _ = deciding(Scripted("large_salvo", warned=True), [5.0, 5.0], channels=channel)
    o, blue = b.state.orders, b.ix("BLUE")
    # Three days of notice (BLUE's forewarning_lead_days) through a one-day channel: in time;
    # the salvo lands on day 3 + 3 = 6.
    assert o.day[:, blue].tolist() == [6, 6]
    assert o.lead[:, blue].tolist() == [3, 3]
    assert o.warned[:, blue].all()
    assert events(b.log, "warning")["warning"].tolist() == [3, 3]


def test_a_closed_action_is_refused() -> None:
    # strike_proxy_assets can only target a proxy; RED is a state.
    b, _ = deciding(Scripted("strike_proxy_assets"), [5.0, 5.0])
    assert b.state.orders.day[:, b.ix("BLUE")].tolist() == [-1, -1]
    assert len(b.log.arrays()["run"]) == 0


def test_telegraphing_an_action_that_cannot_be_telegraphed_is_ignored() -> None:
    b, _ = deciding(Scripted("targeted_killing_abroad", warned=True), [5.0, 5.0])
    o, blue = b.state.orders, b.ix("BLUE")
    assert o.day[:, blue].tolist() == [4, 4]  # scheduled all the same, unwarned
    assert o.lead[:, blue].tolist() == [0, 0]
    assert not o.warned[:, blue].any()
    assert len(events(b.log, "warning")["run"]) == 0


def test_a_threat_is_carried_out_at_once_and_discharges_its_rung() -> None:
    b, _ = deciding(Scripted("threaten"), [5.0, 5.0], model={"discharge": 1.0})
    blue, red = b.ix("BLUE"), b.ix("RED")
    # Rung 1 x discharge 1: 5 - 1 = 4 left; nothing is scheduled.
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([4.0, 4.0])
    assert b.state.orders.day[:, blue].tolist() == [-1, -1]
    st = events(b.log, "statement")
    assert st["action"].tolist() == [b.params.catalog.find("threaten")] * 2
    assert st["rung"].tolist() == [1, 1]


def test_talk_is_cheap_and_moves_its_targets_belief_a_little() -> None:
    b, _ = deciding(Scripted("threaten"), [5.0, 5.0], model={"belief_talk": 0.05})
    blue, red = b.ix("BLUE"), b.ix("RED")
    # RED's odds that BLUE is resolute, 1 at the prior 0.5, times exp(0.05 x rung 1):
    # e^0.05 / (1 + e^0.05) = 0.5125; the statement carries it.
    expected = np.exp(0.05) / (1.0 + np.exp(0.05))
    assert expected == pytest.approx(0.5125, abs=1e-4)
    assert b.state.resolve_belief[:, red, blue] == pytest.approx([expected] * 2)
    assert events(b.log, "statement")["belief"] == pytest.approx([expected] * 2)
    assert b.state.resolve_belief[:, blue, red] == pytest.approx([0.5, 0.5])  # BLUE's unmoved


def test_declaring_the_round_concluded_drops_the_grievance_and_sends_the_declaration() -> None:
    b, _ = deciding(Scripted("declare_concluded"), [5.0, 5.0])
    blue, red = b.ix("BLUE"), b.ix("RED")
    assert b.state.grievances.grievance[:, blue, red] == pytest.approx([0.0, 0.0])
    assert events(b.log, "declaration")["target"].tolist() == [red, red]
    # Without a channel the declaration is public: it lands a day later, on day 4.
    assert b.state.declarations.day[:, blue, red].tolist() == [4, 4]


# --- choosing the target: open_targets, appraisal_against, retarget ------------------------


def two_grudges(policy: Scripted, gold: list[float]) -> Batch:
    """BLUE holds 5 rungs against RED and ``gold`` (per run) against GOLD, quiet below 1."""
    b = batch(runs=len(gold), actors=THREE, model={"quiet_below": 1.0})
    g = b.state.grievances.grievance
    g[:, b.ix("BLUE"), b.ix("RED")] = 5.0
    g[:, b.ix("BLUE"), b.ix("GOLD")] = gold
    decide(b.state, world(b, BLUE=policy), 3, b.log, b.ix("BLUE"), b.runs)
    return b


def test_open_targets_are_the_others_held_a_grievance_above_quiet_below() -> None:
    b = batch(runs=2, actors=THREE, model={"quiet_below": 1.0})
    blue, red, gold = b.ix("BLUE"), b.ix("RED"), b.ix("GOLD")
    g = b.state.grievances.grievance
    g[:, blue, red] = [5.0, 0.5]
    g[:, blue, gold] = [2.0, 3.0]
    g[:, blue, blue] = 9.0  # never oneself
    open_ = open_targets(b.state, b.params, b.runs, blue)
    assert open_[:, [red, blue, gold]].tolist() == [[True, False, True], [False, False, True]]


def test_a_choice_against_another_open_target_is_carried_out_against_it() -> None:
    b = two_grudges(Scripted("symbolic_strike", against="GOLD"), [2.0, 2.0])
    o, blue = b.state.orders, b.ix("BLUE")
    assert o.target[:, blue].tolist() == [b.ix("GOLD")] * 2
    assert o.action[:, blue].tolist() == [b.params.catalog.find("symbolic_strike")] * 2


def test_a_choice_against_a_target_that_is_not_open_is_refused() -> None:
    # Run 0: BLUE's grievance against GOLD is below quiet_below; run 1: no such actor.
    b = two_grudges(Scripted("symbolic_strike", against="GOLD"), [0.5, 2.0])
    assert b.state.orders.day[:, b.ix("BLUE")].tolist() == [-1, 4]
    b = two_grudges(Scripted("symbolic_strike", against="nobody"), [2.0, 2.0])
    assert b.state.orders.day[:, b.ix("BLUE")].tolist() == [-1, -1]


def test_the_grudge_target_sentinel_and_no_target_mean_the_situations_own() -> None:
    for policy in (Scripted("symbolic_strike"), Scripted("symbolic_strike", against="RED")):
        b = two_grudges(policy, [2.0, 2.0])
        assert b.state.orders.target[:, b.ix("BLUE")].tolist() == [b.ix("RED")] * 2
    (s,) = policy.seen
    target, appraisal, ok = retarget(s, world(b), np.full(2, GRUDGE_TARGET))
    assert target.tolist() == s.target.tolist() and ok.all() and appraisal is s.appraisal


def test_another_targets_appraisal_is_the_calculus_against_it() -> None:
    policy = Scripted(None)
    b = two_grudges(policy, [2.0, 2.0])
    (s,) = policy.seen
    gold = np.full(2, b.ix("GOLD"))
    other = appraisal_against(s, gold)
    # A smaller grievance (2 rungs, not 5) calls for less: waiting costs less against GOLD.
    assert (other.wait > s.appraisal.wait).all()
    target, merged, ok = retarget(s, world(b), gold)
    assert target.tolist() == gold.tolist() and ok.all()
    assert np.array_equal(merged.act, other.act)
    with pytest.raises(ValueError, match="no state"):
        appraisal_against(Situation(**{**s.__dict__, "state": None}), gold)


# --- act -------------------------------------------------------------------------------------


def test_act_carries_out_only_runs_that_chose_something() -> None:
    b = batch(runs=3, actors=THREE)
    blue, red = b.ix("BLUE"), b.ix("RED")
    k = b.params.catalog.find("symbolic_strike")
    action = np.array([k, NO_ACTION, k])
    no = np.zeros(3, bool)
    act(b.state, world(b), 0, b.log, blue, b.runs, np.full(3, red), action, no, no)
    assert b.state.orders.day[:, blue].tolist() == [1, -1, 1]


def test_a_strike_chosen_unacknowledged_is_scheduled_so() -> None:
    b = batch(runs=3, actors=THREE)
    blue, red = b.ix("BLUE"), b.ix("RED")
    k = b.params.catalog.find("symbolic_strike")
    denied = np.array([True, False, True])
    act(
        b.state, world(b), 0, b.log, blue, b.runs, np.full(3, red), np.full(3, k),
        np.zeros(3, bool), denied,
    )  # fmt: skip
    assert b.state.orders.unacknowledged[:, blue].tolist() == [True, False, True]
    assert b.state.orders.action[:, blue].tolist() == [k] * 3


# --- option_choice ---------------------------------------------------------------------------


def test_option_choice_reads_the_index_of_utilities_as_action_and_variant() -> None:
    # utilities() is (n, 1 + 3K): 0 waits; 1 + 3k + v is action k carried out owned (v = 0),
    # telegraphed (1) or unacknowledged (2).
    pick = np.array([0, 1, 2, 3, 1 + 3 * 7 + 2])
    c = option_choice(pick)
    assert c.action.tolist() == [NO_ACTION, 0, 0, 0, 7]
    assert c.warned.tolist() == [False, False, True, False, False]
    assert c.denied.tolist() == [False, False, False, True, True]


def test_a_choice_that_says_nothing_of_owning_is_owned() -> None:
    c = Choice.unwarned(np.array([3, NO_ACTION]))
    assert c.unacknowledged is None
    assert c.denied.tolist() == [False, False]
