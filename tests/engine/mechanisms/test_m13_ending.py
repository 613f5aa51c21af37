"""M13 Declared ends: a declaration travels by channel and is accepted by a calm receiver; a
mediator brokers a cease-fire once every grievance is low; a crisis calm for long enough is
over."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.ending import (
    EndReason,
    at_the_horizon,
    crisis_parties,
    declare_end,
    deliver_declarations,
    end_runs,
    maybe_declare_end,
    mediated_ceasefire,
    parties_idle,
    quiet_end,
    worst_grievance,
)
from tests.engine.mechanisms.tiny import Batch, batch, binomial_tolerance, events

ACTORS: dict[str, Any] = {
    "RED": {"role": "state"},
    "BLUE": {"role": "state"},
    "OMN": {"role": "mediator"},
    "QAT": {"role": "mediator"},
}
VIA_OMAN = [{"between": ["RED", "BLUE"], "via": "OMN", "delay_days": 2, "fidelity": 1.0}]


def declaring(runs: int = 3, **sections: Any) -> Batch:
    return batch(runs=runs, actors=ACTORS, **sections)


def test_a_declared_end_reaches_the_target_after_the_channels_delay() -> None:
    b = declaring(channels=VIA_OMAN)
    red, blue = b.ix("RED"), b.ix("BLUE")
    declare_end(b.state, b.params, b.streams, 3, b.log, b.runs, red, np.full(3, blue))
    d = b.state.declarations
    # Sent on day 3 through Oman, two days in transit: due on day 5.
    assert d.day[:, red, blue].tolist() == [5, 5, 5]
    assert d.next_day.tolist() == [5, 5, 5]
    ev = events(b.log, "declaration")
    assert ev["actor"].tolist() == [red] * 3
    assert ev["channel"].tolist() == [b.ix("OMN")] * 3
    assert ev["action"].tolist() == [b.params.catalog.find("declare_concluded")] * 3


def test_a_lost_declaration_is_logged_but_never_arrives() -> None:
    lossy = [{**VIA_OMAN[0], "fidelity": 0.0}]
    b = declaring(channels=lossy)
    red, blue = b.ix("RED"), b.ix("BLUE")
    declare_end(b.state, b.params, b.streams, 3, b.log, b.runs, red, np.full(3, blue))
    assert (b.state.declarations.day == -1).all()
    assert b.state.declarations.next_day.tolist() == [-1, -1, -1]
    assert len(events(b.log, "declaration")["run"]) == 3


def test_the_earliest_pending_declaration_is_the_next_one_due() -> None:
    b = declaring(channels=VIA_OMAN)
    red, blue = b.ix("RED"), b.ix("BLUE")
    declare_end(b.state, b.params, b.streams, 3, b.log, b.runs, red, np.full(3, blue))  # due 5
    # BLUE's public declaration (no channel from BLUE to QAT) lands a day later: day 2.
    declare_end(b.state, b.params, b.streams, 1, b.log, b.runs, blue, np.full(3, b.ix("QAT")))
    assert b.state.declarations.next_day.tolist() == [2, 2, 2]


@pytest.mark.parametrize(
    "probability, grievance, declared",
    [
        (1.0, 0.5, True),  # calm (0.5 < quiet_below 1): declares with certainty
        (1.0, 1.5, False),  # still aggrieved: does not declare
        (0.0, 0.5, False),  # declare_end_probability 0: never declares
    ],
)
def test_after_answering_a_calm_actor_may_declare_the_round_concluded(
    probability: float, grievance: float, declared: bool
) -> None:
    model = {"declare_end_probability": probability, "quiet_below": 1.0}
    b = declaring(channels=VIA_OMAN, model=model)
    red, blue = b.ix("RED"), b.ix("BLUE")
    b.state.grievances.grievance[:, red, blue] = grievance
    maybe_declare_end(b.state, b.params, b.streams, 0, b.log, b.runs, red, np.full(3, blue))
    assert len(events(b.log, "declaration")["run"]) == (3 if declared else 0)
    assert (b.state.declarations.day[:, red, blue] == 2).all() == declared


def test_an_arriving_declaration_is_accepted_by_a_receiver_calm_enough() -> None:
    b = declaring(runs=3, channels=VIA_OMAN, model={"accept_end_below": 3.0})
    red, blue = b.ix("RED"), b.ix("BLUE")
    declare_end(b.state, b.params, b.streams, 3, b.log, b.runs, red, np.full(3, blue))
    g = b.state.grievances.grievance
    g[:, blue, red] = [2.0, 4.0, 2.0]
    b.state.ended[2] = True  # run 2 is already over
    deliver_declarations(b.state, b.params, 4, b.log)  # not due yet
    assert b.state.declarations.next_day.tolist() == [5, 5, 5]
    deliver_declarations(b.state, b.params, 5, b.log)
    # Run 0: 2 < 3, accepted: BLUE is calm toward RED. Run 1: 4 >= 3, refused, unchanged.
    assert g[:, blue, red] == pytest.approx([0.0, 4.0, 2.0])
    acc = events(b.log, "acceptance")
    assert acc["run"].tolist() == [0]
    assert acc["actor"].tolist() == [blue]
    assert acc["target"].tolist() == [red]
    # Delivered either way: nothing is pending any more.
    assert (b.state.declarations.day == -1).all()
    assert b.state.declarations.next_day.tolist() == [-1, -1, -1]


def test_a_later_declaration_stays_pending_after_an_earlier_one_is_delivered() -> None:
    b = declaring(runs=1, channels=VIA_OMAN)
    red, blue = b.ix("RED"), b.ix("BLUE")
    declare_end(b.state, b.params, b.streams, 0, b.log, b.runs, red, np.array([blue]))  # due 2
    declare_end(b.state, b.params, b.streams, 4, b.log, b.runs, blue, np.array([red]))  # due 6
    deliver_declarations(b.state, b.params, 2, b.log)
    assert b.state.declarations.next_day.tolist() == [6]
    assert b.state.declarations.day[0, blue, red] == 6


def test_the_worst_grievance_is_the_largest_one_state_holds_against_another() -> None:
    actors = {
        **ACTORS,
        "GRN": {"role": "state", "policy": {"name": "none"}},
        "PRX": {"role": "proxy", "patron": "RED"},
    }
    b = batch(runs=3, actors=actors)
    g = b.state.grievances
    g.add(np.array([0]), b.ix("RED"), b.ix("BLUE"), 2.0)
    g.add(np.array([0]), b.ix("BLUE"), b.ix("RED"), 3.5)
    g.add(np.array([1]), b.ix("GRN"), b.ix("RED"), 9.0)  # a state, even one deciding nothing
    g.add(np.array([2]), b.ix("OMN"), b.ix("RED"), 9.0)  # a mediator's grievance does not count
    g.add(np.array([2]), b.ix("BLUE"), b.ix("PRX"), 9.0)  # nor one against a proxy: it may simmer
    g.add(np.array([2]), b.ix("PRX"), b.ix("BLUE"), 9.0)  # nor a proxy's own
    assert worst_grievance(b.state, b.params).tolist() == [3.5, 9.0, 0.0]


def test_without_a_state_nobody_is_aggrieved() -> None:
    b = batch(runs=2, actors={"OMN": {"role": "mediator"}, "QAT": {"role": "mediator"}})
    assert worst_grievance(b.state, b.params).tolist() == [0.0, 0.0]


def test_states_are_idle_when_no_state_has_an_answer_scheduled() -> None:
    actors = {**ACTORS, "PRX": {"role": "proxy", "patron": "RED"}}
    b = batch(runs=3, actors=actors)
    b.state.orders.day[1, b.ix("BLUE")] = 8  # a state's strike is on its way
    b.state.orders.day[2, b.ix("PRX")] = 8  # a proxy's does not keep the states busy
    assert parties_idle(b.state, b.params).tolist() == [True, False, True]


def test_the_crisis_parties_are_the_states_unless_the_scenario_names_them() -> None:
    actors = {**ACTORS, "PRX": {"role": "proxy", "patron": "RED"}}
    b = batch(runs=1, actors=actors)
    assert crisis_parties(b.scenario, b.params.cast).tolist() == [b.ix("RED"), b.ix("BLUE")]
    named = batch(runs=1, actors=actors, model={"crisis_parties": ["PRX", "BLUE"]})
    ids = [named.ix("BLUE"), named.ix("PRX")]
    assert crisis_parties(named.scenario, named.params.cast).tolist() == sorted(ids)


def test_a_proxy_named_a_crisis_party_keeps_the_crisis_going() -> None:
    # E17: the crisis is between the US (BLUE) and the Houthis (PRX), not between states.
    actors = {**ACTORS, "PRX": {"role": "proxy", "patron": "RED"}}
    b = batch(runs=3, actors=actors, model={"crisis_parties": ["BLUE", "PRX"]})
    b.state.orders.day[1, b.ix("BLUE")] = 8
    b.state.orders.target[1, b.ix("BLUE")] = b.ix("PRX")  # the US answer to the Houthis
    b.state.orders.day[2, b.ix("RED")] = 8  # RED is not a party: its answer does not count
    assert parties_idle(b.state, b.params).tolist() == [True, False, True]
    b.state.grievances.add(np.array([0]), b.ix("BLUE"), b.ix("PRX"), 6.0)
    b.state.grievances.add(np.array([2]), b.ix("BLUE"), b.ix("RED"), 9.0)  # not between parties
    assert worst_grievance(b.state, b.params).tolist() == [6.0, 0.0, 0.0]


def test_at_the_horizon_a_run_still_at_war_counts_as_a_war() -> None:
    b = batch(runs=3)
    b.state.at_war[:] = [True, False, True]
    end_runs(b.state, np.array([2]), 5, EndReason.CEASEFIRE, b.log)  # run 2's war ended
    at_the_horizon(b.state)
    assert b.state.end_reason.tolist() == [int(EndReason.WAR), 0, int(EndReason.CEASEFIRE)]


def test_a_war_is_ended_by_mediation_at_a_rate_growing_with_its_days() -> None:
    n = 4000
    model = {"war_mediation_rate": 0.02, "war_weariness": 0.05, "mediation_rate": 0.0}
    b = declaring(runs=n, model=model)
    b.state.struck[:] = True
    b.state.at_war[:] = True
    b.state.war_days[: n // 2] = 0
    b.state.war_days[n // 2 :] = 20
    worst = np.full(n, 50.0)  # at war a cease-fire comes whatever the grievances
    mediated_ceasefire(b.state, b.params, b.streams, 6, b.log, worst)
    # Day 0 of a war: 0.02; after 20 days 0.02 x (1 + 0.05 x 20) = 0.04. Each on 2000 runs,
    # within 3 s.e. (0.0094 and 0.013).
    first, later = b.state.ended[: n // 2].mean(), b.state.ended[n // 2 :].mean()
    assert abs(first - 0.02) < binomial_tolerance(0.02, n // 2)
    assert abs(later - 0.04) < binomial_tolerance(0.04, n // 2)
    assert (b.state.end_reason[b.state.ended] == EndReason.CEASEFIRE).all()


def ceasefire(**model: Any) -> tuple[Batch, np.ndarray]:
    b = declaring(runs=4, model={"mediation_rate": 1.0, "accept_end_below": 3.0, **model})
    b.state.struck[:] = [True, True, False, True]  # run 2: nothing has happened to end
    b.state.orders.day[3, b.ix("RED")] = 8  # run 3: a strike on BLUE is still on its way
    b.state.orders.target[3, b.ix("RED")] = b.ix("BLUE")
    worst = np.array([2.0, 3.0, 0.0, 0.0])  # run 1: not calm enough to accept an end
    return b, worst


def test_in_peacetime_a_mediator_closes_a_calm_round_and_the_crisis_goes_quiet() -> None:
    b, worst = ceasefire()
    mediated_ceasefire(b.state, b.params, b.streams, 6, b.log, worst)
    assert b.state.ended.tolist() == [True, False, False, False]
    # No fighting to cease: the record calls a round closed this way quiet.
    assert b.state.end_reason[0] == EndReason.QUIET
    # The first mediator listed (OMN) brokers it by default.
    assert events(b.log, "mediation")["actor"].tolist() == [b.ix("OMN")]
    assert len(events(b.log, "ceasefire")["run"]) == 0


def test_the_scenario_can_name_the_ceasefire_mediator() -> None:
    b, worst = ceasefire(ceasefire_mediator="QAT")
    mediated_ceasefire(b.state, b.params, b.streams, 6, b.log, worst)
    assert events(b.log, "mediation")["actor"].tolist() == [b.ix("QAT")]


def test_a_states_answer_to_a_proxy_does_not_keep_the_round_between_states_open() -> None:
    actors = {**ACTORS, "PRX": {"role": "proxy", "patron": "RED"}}
    b = batch(runs=2, actors=actors, model={"mediation_rate": 1.0, "accept_end_below": 3.0})
    b.state.struck[:] = True
    b.state.orders.day[:, b.ix("BLUE")] = 8
    b.state.orders.target[:, b.ix("BLUE")] = [b.ix("PRX"), b.ix("RED")]
    mediated_ceasefire(b.state, b.params, b.streams, 6, b.log, np.zeros(2))
    # Run 0: BLUE's strike on the proxy is pending; run 1: its strike on RED is.
    assert b.state.ended.tolist() == [True, False]


def test_without_a_mediator_there_is_no_ceasefire() -> None:
    b = batch(runs=3, model={"mediation_rate": 1.0})
    b.state.struck[:] = True
    mediated_ceasefire(b.state, b.params, b.streams, 6, b.log, np.zeros(3))
    assert not b.state.ended.any()


def test_a_mediator_succeeds_at_the_mediation_rate() -> None:
    n = 4000
    b = declaring(runs=n, model={"mediation_rate": 0.05})
    b.state.struck[:] = True
    mediated_ceasefire(b.state, b.params, b.streams, 6, b.log, np.zeros(n))
    # 3 s.e. of a share of 4000 runs: 3 x sqrt(0.05 x 0.95 / 4000) = 0.010.
    assert abs(b.state.ended.mean() - 0.05) < binomial_tolerance(0.05, n)


def test_a_crisis_calm_for_quiet_days_is_over() -> None:
    b = declaring(runs=2, model={"quiet_days": 3, "quiet_below": 1.0})
    b.state.struck[:] = True
    calm, restless = np.array([0.5, 0.5]), np.array([0.5, 2.0])
    quiet_end(b.state, b.params, 10, b.log, calm)
    quiet_end(b.state, b.params, 11, b.log, restless)  # run 1 stirs: its count starts again
    assert b.state.declarations.calm_days.tolist() == [2, 0]
    quiet_end(b.state, b.params, 12, b.log, calm)
    # Run 0: three calm days (10, 11, 12): over, quietly, on day 12. Run 1: one calm day.
    assert b.state.ended.tolist() == [True, False]
    assert b.state.end_reason[0] == EndReason.QUIET
    assert b.state.end_day[0] == 12
    assert b.state.declarations.calm_days.tolist() == [3, 1]


def test_a_crisis_that_has_not_started_or_has_a_strike_pending_is_not_calm() -> None:
    b = declaring(runs=2, model={"quiet_days": 1})
    b.state.struck[:] = [False, True]
    b.state.orders.day[1, b.ix("BLUE")] = 4
    quiet_end(b.state, b.params, 3, b.log, np.zeros(2))
    assert not b.state.ended.any()
    assert b.state.declarations.calm_days.tolist() == [0, 0]


def test_end_runs_records_the_reason_the_day_and_an_end_event() -> None:
    b = batch(runs=3)
    end_runs(b.state, np.array([0, 2]), 7, EndReason.CEASEFIRE, b.log)
    assert b.state.ended.tolist() == [True, False, True]
    assert b.state.end_reason.tolist() == [2, 0, 2]
    assert b.state.end_day.tolist() == [7, -1, 7]
    end = events(b.log, "end")
    assert end["run"].tolist() == [0, 2]
    assert end["day"].tolist() == [7, 7]
    assert end["rung"].tolist() == [int(EndReason.CEASEFIRE)] * 2
