"""M4 Mediated signals: a message takes its channel's delay and arrives with its fidelity;
without a channel it is public; the fastest of several channels between a pair counts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.channels import (
    DEFAULT_CHANNEL,
    arrival_day,
    channel_delivery,
    chosen,
    mediator,
)
from escalade.scenario.load import ScenarioError
from tests.engine.mechanisms.tiny import batch, binomial_tolerance

WITH_MEDIATOR: dict[str, Any] = {
    "RED": {"role": "state"},
    "BLUE": {"role": "state"},
    "MED": {"role": "mediator"},
}


def deliver(channels: list[dict[str, Any]], runs: int = 3, **model: Any) -> tuple[Any, Any]:
    b = batch(runs=runs, actors=WITH_MEDIATOR, channels=channels, model=model)
    return channel_delivery(
        b.params, b.streams, 0, b.runs, b.ix("RED"), np.full(runs, b.ix("BLUE")), "test"
    )


def test_a_sure_channel_delivers_every_message_after_its_delay() -> None:
    arrives, delay = deliver(
        [{"between": ["RED", "BLUE"], "via": "MED", "delay_days": 2, "fidelity": 1.0}]
    )
    assert arrives.tolist() == [True, True, True]
    assert delay.tolist() == [2, 2, 2]


def test_a_channel_of_fidelity_zero_loses_every_message() -> None:
    arrives, _ = deliver([{"between": ["BLUE", "RED"], "delay_days": 1, "fidelity": 0.0}])
    assert not arrives.any()  # a channel carries messages both ways: RED -> BLUE too


@pytest.mark.parametrize("public, expected", [(1.0, True), (0.0, False)])
def test_without_a_channel_a_message_is_public_and_immediate(public: float, expected: bool) -> None:
    arrives, delay = deliver([], public_delivery=public)
    assert arrives.tolist() == [expected] * 3
    assert delay.tolist() == [0, 0, 0]


def test_messages_arrive_with_the_channels_fidelity() -> None:
    n = 4000
    arrives, _ = deliver([{"between": ["RED", "BLUE"], "fidelity": 0.8}], runs=n)
    # 3 s.e. of a share of 4000 runs: 3 x sqrt(0.8 x 0.2 / 4000) = 0.019.
    assert abs(arrives.mean() - 0.8) < binomial_tolerance(0.8, n)


@pytest.mark.parametrize(
    "min_lag, expected",
    [
        (1, [6, 6, 8]),  # day 5 + max(delay, 1): delays 0, 1, 3 land on days 6, 6, 8
        (2, [7, 7, 8]),  # day 5 + max(delay, 2): delays 0, 1, 3 land on days 7, 7, 8
    ],
)
def test_a_message_lands_no_sooner_than_the_minimum_message_lag(
    min_lag: int, expected: list[int]
) -> None:
    b = batch(runs=3, model={"min_message_lag_days": min_lag})
    assert arrival_day(b.params, 5, np.array([0, 1, 3])).tolist() == expected


def test_no_message_lands_the_day_it_is_sent() -> None:
    with pytest.raises(ScenarioError, match="min_message_lag_days"):
        batch(runs=1, model={"min_message_lag_days": 0})


def test_where_several_channels_join_a_pair_the_fastest_counts() -> None:
    slow = {"between": ["RED", "BLUE"], "via": "MED", "delay_days": 3, "fidelity": 0.9}
    fast = {"between": ["BLUE", "RED"], "delay_days": 1, "fidelity": 0.5}
    for order in ([slow, fast], [fast, slow]):
        b = batch(runs=2, actors=WITH_MEDIATOR, channels=order)
        ch, red, blue = b.params.channels, b.ix("RED"), b.ix("BLUE")
        # Either way round, the direct one-day channel carries RED <-> BLUE, with its fidelity.
        assert ch.delay[red, blue] == ch.delay[blue, red] == 1
        assert ch.via[red, blue] == ch.via[blue, red] == -1
        assert ch.fidelity[:, red, blue] == pytest.approx([0.5, 0.5])
        assert ch.fidelity[:, blue, red] == pytest.approx([0.5, 0.5])
        # No channel joins RED and the mediator itself.
        assert ch.delay[red, b.ix("MED")] == -1


def test_of_two_equally_fast_channels_the_first_listed_counts() -> None:
    first = {"between": ["RED", "BLUE"], "via": "MED", "delay_days": 2, "fidelity": 0.9}
    second = {"between": ["RED", "BLUE"], "delay_days": 2, "fidelity": 0.4}
    b = batch(runs=1, actors=WITH_MEDIATOR, channels=[first, second])
    ch, red, blue = b.params.channels, b.ix("RED"), b.ix("BLUE")
    assert ch.via[red, blue] == b.ix("MED")
    assert ch.fidelity[0, red, blue] == pytest.approx(0.9)


# --- a channel chosen by a player: Choice.channel -----------------------------------------
SLOW = {"between": ["RED", "BLUE"], "via": "MED", "delay_days": 3, "fidelity": 1.0}
FAST = {"between": ["BLUE", "RED"], "delay_days": 1, "fidelity": 0.0}


def test_a_chosen_channel_carries_the_message_with_its_own_delay_and_fidelity() -> None:
    b = batch(runs=2, actors=WITH_MEDIATOR, channels=[FAST, SLOW])
    red, blue = b.ix("RED"), np.full(2, b.ix("BLUE"))
    by_default = channel_delivery(b.params, b.streams, 0, b.runs, red, blue, "t")
    assert by_default[0].tolist() == [False, False] and by_default[1].tolist() == [1, 1]
    # Run 0 chooses the slow, sure channel (index 1); run 1 keeps the default (-1).
    arrives, delay = channel_delivery(
        b.params, b.streams, 0, b.runs, red, blue, "t", np.array([1, DEFAULT_CHANNEL])
    )
    assert arrives.tolist() == [True, False] and delay.tolist() == [3, 1]
    assert mediator(b.params, red, blue, np.array([1, DEFAULT_CHANNEL])).tolist() == [
        b.ix("MED"),
        -1,
    ]
    assert mediator(b.params, red, blue).tolist() == [-1, -1]  # the fastest, direct


def test_a_chosen_channel_counts_only_for_the_pair_it_joins() -> None:
    other = {"between": ["BLUE", "MED"], "delay_days": 0, "fidelity": 1.0}
    b = batch(runs=3, actors=WITH_MEDIATOR, channels=[FAST, other])
    red, blue = b.ix("RED"), np.full(3, b.ix("BLUE"))
    # Channel 1 joins BLUE and MED, not RED; 7 is no channel at all: both fall back on FAST.
    own, _ = chosen(b.params, np.array([1, 7, 0]), red, blue)
    assert own.tolist() == [False, False, True]
    assert chosen(b.params, np.array([1, 7, 0]), b.ix("MED"))[0].tolist() == [True, False, False]
    arrives, delay = channel_delivery(
        b.params, b.streams, 0, b.runs, red, blue, "t", np.array([1, 7, 0])
    )
    assert arrives.tolist() == [False] * 3 and delay.tolist() == [1] * 3
