"""M4 Mediated signals: messages travel through channels with delay and imperfect fidelity.

A channel ``between: [a, b]`` (optionally ``via`` a mediator) carries messages both ways after
``delay_days`` and arrives with probability ``fidelity``; where several channels join a pair
the fastest counts. Without a channel a message is public: it arrives at once with
probability ``public_delivery``. No message lands sooner than ``min_message_lag_days`` after
it is sent. A player may send a telegraphed strike's notice through a channel of its choice
(:attr:`escalade.engine.decision.Choice.channel`): its own delay and fidelity then count for
the pair it joins. See docs/model/M4-mediated-signals.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import B, Cast, F, I, draw_param, indices, model_draw, stacked
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params

DEFAULT_CHANNEL = -1
"""In :attr:`Choice.channel`: the model's default, the fastest channel of each pair."""


@dataclass(frozen=True)
class ChannelParams:
    """M4 parameters."""

    delay: I  # (A, A) shortest delay in days, -1 no channel
    fidelity: F  # (R, A, A)
    via: I  # (A, A) mediator index, -1 direct or none
    public_delivery: F  # (R,) chance a message without a channel reaches its recipient
    min_message_lag_days: int
    ends: I  # (C, 2) the two actors each channel of the scenario joins
    each_delay: I  # (C,) each channel's delay in days
    each_via: I  # (C,) each channel's mediator, -1 direct
    each_fidelity: F  # (R, C) each channel's fidelity
    names: tuple[str, ...]  # (C,) each channel's id

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> ChannelParams:
        n_a = cast.n
        delay = np.full((n_a, n_a), -1, dtype=np.int64)
        via = np.full((n_a, n_a), -1, dtype=np.int64)
        fidelity = np.zeros((streams.runs, n_a, n_a))
        chans = scenario.channels
        # Draws are keyed by path: drawing every channel's leaves the others' unchanged.
        each = [
            draw_param(streams, ch.fidelity, f"channels.{k}.fidelity") for k, ch in enumerate(chans)
        ]
        ends = np.array([[cast.index(a) for a in ch.between] for ch in chans], dtype=np.int64)
        for k, ch in enumerate(chans):
            a, b = ends[k]
            if delay[a, b] == -1 or ch.delay_days < delay[a, b]:
                f = each[k]
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
            ends=ends.reshape(len(chans), 2),
            each_delay=indices([ch.delay_days for ch in chans]),
            each_via=indices([-1 if ch.via is None else cast.index(ch.via) for ch in chans]),
            each_fidelity=stacked(each, streams.runs),
            names=tuple(str(ch.id) for ch in chans),
        )


def chosen(
    params: Params, channel: I, sender: I | int, receiver: I | int | None = None
) -> tuple[B, I]:
    """Per run, whether the channel chosen (an index into the scenario's channels, or
    :data:`DEFAULT_CHANNEL`) joins ``sender`` and ``receiver`` (any receiver when None), and
    that index (clipped into range, meaningful only where it joins them); the scenario has at
    least one channel."""
    ch = params.channels
    n = len(ch.names)
    c = np.clip(channel, 0, n - 1)
    a, b = ch.ends[c, 0], ch.ends[c, 1]
    if receiver is None:
        joins = (a == sender) | (b == sender)
    else:
        joins = ((a == sender) & (b == receiver)) | ((a == receiver) & (b == sender))
    return (channel >= 0) & (channel < n) & joins, c


def mediator(params: Params, sender: int, receiver: I, channel: I | None = None) -> I:
    """The mediator a message from ``sender`` to ``receiver`` is said to go through: the
    chosen channel's where the sender chose one of its channels (whoever it reaches), else
    that of the fastest channel between them (-1: direct, or no channel)."""
    via = params.channels.via[sender, receiver]
    if channel is None or not params.channels.names:
        return via
    own, c = chosen(params, channel, sender)
    return np.where(own, params.channels.each_via[c], via)


def channel_delivery(
    params: Params,
    streams: Streams,
    day: int,
    runs: I,
    sender: I | int,
    receiver: I,
    tag: str,
    channel: I | None = None,
) -> tuple[B, I]:
    """M4 Mediated signals: does a message from ``sender`` reach ``receiver``, and after how long?

    With a channel between them the message takes the channel's delay and arrives with its
    fidelity (some recipients never learn of it) — the fastest channel's, or the one chosen
    (``channel``, per run) where it joins them; with none it is public: it arrives at once
    with probability ``public_delivery``. Returns ``(arrives, delay_days)`` per run.
    """
    ch = params.channels
    delay = ch.delay[sender, receiver]
    fidelity = ch.fidelity[runs, sender, receiver]
    if channel is not None and ch.names:
        own, c = chosen(params, channel, sender, receiver)
        delay = np.where(own, ch.each_delay[c], delay)
        fidelity = np.where(own, ch.each_fidelity[runs, c], fidelity)
    u = streams.subset(runs).uniform(day, f"channel:{tag}")
    arrives = np.where(delay < 0, u < ch.public_delivery[runs], u < fidelity)
    return arrives, np.maximum(delay, 0)


def arrival_day(params: Params, day: int, delay: I) -> I:
    """M4: the day a message sent on ``day`` lands: at least ``min_message_lag_days`` later."""
    return day + np.maximum(delay, params.channels.min_message_lag_days)
