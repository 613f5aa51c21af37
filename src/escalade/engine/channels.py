"""M4 Mediated signals: messages travel through channels with delay and imperfect fidelity.

A channel ``between: [a, b]`` (optionally ``via`` a mediator) carries messages both ways after
``delay_days`` and arrives with probability ``fidelity``; where several channels join a pair
the fastest counts. Without a channel a message is public: it arrives at once with
probability ``public_delivery``. No message lands sooner than ``min_message_lag_days`` after
it is sent. See docs/model/M4-mediated-signals.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import B, Cast, F, I, draw_param, model_draw
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params


@dataclass(frozen=True)
class ChannelParams:
    """M4 parameters."""

    delay: I  # (A, A) shortest delay in days, -1 no channel
    fidelity: F  # (R, A, A)
    via: I  # (A, A) mediator index, -1 direct or none
    public_delivery: F  # (R,) chance a message without a channel reaches its recipient
    min_message_lag_days: int

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> ChannelParams:
        n_a = cast.n
        delay = np.full((n_a, n_a), -1, dtype=np.int64)
        via = np.full((n_a, n_a), -1, dtype=np.int64)
        fidelity = np.zeros((streams.runs, n_a, n_a))
        for k, ch in enumerate(scenario.channels):
            a, b = cast.index(ch.between[0]), cast.index(ch.between[1])
            if delay[a, b] == -1 or ch.delay_days < delay[a, b]:
                f = draw_param(streams, ch.fidelity, f"channels.{k}.fidelity")
                for x, y in ((a, b), (b, a)):
                    delay[x, y] = ch.delay_days
                    via[x, y] = -1 if ch.via is None else cast.index(ch.via)
                    fidelity[:, x, y] = f
        return cls(
            delay=delay,
            fidelity=fidelity,
            via=via,
            public_delivery=model_draw(scenario, streams, "public_delivery"),
            min_message_lag_days=scenario.model.min_message_lag_days,
        )


def channel_delivery(
    params: Params, streams: Streams, day: int, runs: I, sender: I | int, receiver: I, tag: str
) -> tuple[B, I]:
    """M4 Mediated signals: does a message from ``sender`` reach ``receiver``, and after how long?

    With a channel between them the message takes the channel's delay and arrives with its
    fidelity (some recipients never learn of it); with none it is public: it arrives at once
    with probability ``public_delivery``. Returns ``(arrives, delay_days)`` per run.
    """
    ch = params.channels
    delay = ch.delay[sender, receiver]
    fidelity = ch.fidelity[runs, sender, receiver]
    u = streams.subset(runs).uniform(day, f"channel:{tag}")
    arrives = np.where(delay < 0, u < ch.public_delivery[runs], u < fidelity)
    return arrives, np.maximum(delay, 0)


def arrival_day(params: Params, day: int, delay: I) -> I:
    """M4: the day a message sent on ``day`` lands: at least ``min_message_lag_days`` later."""
    return day + np.maximum(delay, params.channels.min_message_lag_days)
