"""M3 Forewarning: a telegraphed strike gives days of notice, lands after them, and its notice
reaches the target (or a partner pledged to defend it) through a channel or publicly."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.forewarning import expected_felt, landing_day, lead_time, warning_received
from tests.engine.mechanisms.tiny import batch, binomial_tolerance

THREE: dict[str, Any] = {
    "RED": {"role": "state", "policy": {"forewarning_lead_days": 5}},
    "BLUE": {"role": "state"},
    "GOLD": {"role": "state"},
}


def test_a_telegraphed_strike_gives_the_actors_lead_days_of_notice() -> None:
    b = batch(runs=2, actors=THREE)
    lead = lead_time(b.params, b.ix("RED"), np.array([True, False]))
    assert lead.tolist() == [5, 0]  # RED's forewarning_lead_days; none when not telegraphed


@pytest.mark.parametrize(
    "min_lag, expected",
    [
        (1, [11, 13]),  # day 10 + max(0, 1) = 11; day 10 + max(3, 1) = 13
        (4, [14, 14]),  # day 10 + max(0, 4) = 14; day 10 + max(3, 4) = 14
    ],
)
def test_an_answer_lands_after_its_notice_and_no_sooner_than_the_minimum_lag(
    min_lag: int, expected: list[int]
) -> None:
    b = batch(runs=2, model={"min_answer_lag_days": min_lag})
    assert landing_day(b.params, 10, np.array([0, 3])).tolist() == expected


def received(
    channels: list[dict[str, Any]],
    lead: list[int],
    relations: list[dict[str, Any]] | None = None,
    **model: Any,
) -> list[bool]:
    b = batch(
        runs=len(lead), actors=THREE, channels=channels, relations=relations or [], model=model
    )
    out = warning_received(
        b.params,
        b.streams,
        0,
        b.runs,
        b.ix("RED"),
        np.full(len(lead), b.ix("BLUE")),
        np.array(lead),
    )
    return out.tolist()


def test_a_notice_is_received_in_time_when_the_channel_is_faster_than_the_lead() -> None:
    channel = [{"between": ["RED", "BLUE"], "delay_days": 2, "fidelity": 1.0}]
    # A sure channel taking 2 days: in time for a 2- or 3-day lead, too late for a 1-day one.
    assert received(channel, [3, 2, 1]) == [True, True, False]


def test_a_channel_that_never_delivers_warns_nobody() -> None:
    channel = [{"between": ["RED", "BLUE"], "delay_days": 0, "fidelity": 0.0}]
    assert received(channel, [5, 5]) == [False, False]


@pytest.mark.parametrize("public, expected", [(1.0, True), (0.0, False)])
def test_without_a_channel_the_notice_is_public(public: float, expected: bool) -> None:
    # No channel: the notice arrives at once (delay 0) with probability public_delivery.
    assert received([], [1, 1], public_delivery=public) == [expected, expected]


def test_a_partner_pledged_to_defend_the_target_passes_the_warning_on() -> None:
    channels = [
        {"between": ["RED", "BLUE"], "delay_days": 1, "fidelity": 0.0},  # BLUE never hears
        {"between": ["RED", "GOLD"], "delay_days": 1, "fidelity": 1.0},  # GOLD always does
    ]
    pledge = [{"kind": "alliance", "between": ["GOLD", "BLUE"], "defend": 0.9}]
    no_pledge = [{"kind": "alliance", "between": ["GOLD", "BLUE"], "join_offensive": 0.5}]
    assert received(channels, [2, 2], relations=pledge) == [True, True]
    # An ally that has not pledged to defend (defend 0) is not told.
    assert received(channels, [2, 2], relations=no_pledge) == [False, False]


def test_a_partner_without_its_own_channel_to_the_sender_is_not_told() -> None:
    # BLUE's channel fails; GOLD, pledged to defend BLUE, has no channel with RED: the public
    # notice reaches only a target without a channel, never a partner.
    channels = [{"between": ["RED", "BLUE"], "delay_days": 1, "fidelity": 0.0}]
    pledge = [{"kind": "alliance", "between": ["GOLD", "BLUE"], "defend": 0.9}]
    assert received(channels, [2, 2], relations=pledge, public_delivery=1.0) == [False, False]


def test_a_target_with_a_channel_does_not_also_hear_publicly() -> None:
    channel = [{"between": ["RED", "BLUE"], "delay_days": 1, "fidelity": 0.0}]
    assert received(channel, [2, 2], public_delivery=1.0) == [False, False]


def test_a_notice_arrives_with_the_channels_fidelity() -> None:
    n = 4000
    channel = [{"between": ["RED", "BLUE"], "delay_days": 1, "fidelity": 0.7}]
    share = float(np.mean(received(channel, [3] * n)))
    # 3 s.e. of a share of 4000 runs: 3 x sqrt(0.7 x 0.3 / 4000) = 0.022.
    assert abs(share - 0.7) < binomial_tolerance(0.7, n)


def test_a_notice_is_a_message_and_lands_no_sooner_than_the_minimum_message_lag() -> None:
    # A public notice sent with 3 days' lead, when no message lands sooner than 5 days on:
    # it lands on day 5, after the strike (day 3): the defence is not warned in time.
    assert received([], [3], public_delivery=1.0, min_message_lag_days=5) == [False]


def test_a_warned_defence_takes_what_the_attacker_has_learnt_an_unwarned_one_less() -> None:
    b = batch(runs=1, model={"intercepted_weight": 0.4})
    red, blue = b.ix("RED"), b.ix("BLUE")
    fw = b.params.forewarning
    # BLUE's defence: layers over it, half of them in place without warning.
    fw.defended[blue] = True
    fw.unwarned_share[:, blue] = 0.5
    b.state.belief_interception[0, red] = 0.8
    target = np.array([blue])
    warned = expected_felt(b.state, b.params, b.runs, red, target, warned=True)[0]
    unwarned = expected_felt(b.state, b.params, b.runs, red, target, warned=False)[0]
    cat = b.params.catalog
    meets = cat.strike & cat.soil
    # Warned: 0.4 + 0.6 x (1 - 0.8) = 0.52; unwarned: 0.4 + 0.6 x (1 - 0.5 x 0.8) = 0.76.
    assert warned[meets] == pytest.approx([0.52] * int(meets.sum()))
    assert unwarned[meets] == pytest.approx([0.76] * int(meets.sum()))
    # Answers that meet no defence (a killing abroad, sabotage, a threat) are felt in full.
    assert warned[~meets] == pytest.approx([1.0] * int((~meets).sum()))
    assert meets[cat.find("symbolic_strike")]
    assert not meets[cat.find("targeted_killing_abroad")]


def test_a_target_without_defences_feels_every_strike_in_full() -> None:
    b = batch(runs=1)
    red, blue = b.ix("RED"), b.ix("BLUE")
    assert not b.params.forewarning.defended[blue]  # the tiny scenario has no layers
    b.state.belief_interception[0, red] = 0.9
    felt = expected_felt(b.state, b.params, b.runs, red, np.array([blue]), warned=True)
    assert felt == pytest.approx(np.ones_like(felt))


def test_a_notice_sent_through_a_chosen_channel_takes_its_delay() -> None:
    """RED warns BLUE, which it joins by a fast channel that loses every message and a slow
    sure one: by default (the fastest) nobody is warned; through the slow one (chosen) the
    notice is in time for a lead of 3 days, not of 2."""
    fast = {"between": ["RED", "BLUE"], "delay_days": 0, "fidelity": 0.0}
    slow = {"between": ["RED", "BLUE"], "delay_days": 3, "fidelity": 1.0}
    b = batch(runs=3, actors=THREE, channels=[fast, slow])
    target = np.full(3, b.ix("BLUE"))
    lead = np.array([3, 2, 3])
    args = (b.params, b.streams, 0, b.runs, b.ix("RED"), target, lead)
    assert warning_received(*args).tolist() == [False] * 3
    assert warning_received(*args, np.array([1, 1, -1])).tolist() == [True, False, False]
