"""How blows and messages are perceived: channels (M4), misperception (M11), learning (M14)."""

from __future__ import annotations

import numpy as np

from escalade.engine.params import Params
from escalade.engine.rng import Streams
from escalade.engine.state import B, F, I, State


def channel_delivery(
    params: Params, streams: Streams, day: int, runs: I, sender: I | int, receiver: I, tag: str
) -> tuple[B, I]:
    """M4 Mediated signals: does a message from ``sender`` reach ``receiver``, and after how long?

    With a channel between them the message takes the channel's delay and arrives with its
    fidelity (some recipients never learn of it); with none it is public: it arrives at once.
    Returns ``(arrives, delay_days)`` per run.
    """
    delay = params.channel_delay[sender, receiver]
    fidelity = params.channel_fidelity[runs, sender, receiver]
    u = streams.subset(runs).uniform(day, f"channel:{tag}")
    arrives = np.where(delay < 0, True, u < fidelity)
    return arrives, np.maximum(delay, 0)


def warning_received(
    params: Params, streams: Streams, day: int, runs: I, sender: int, target: I, lead: I
) -> B:
    """M3/M4 Forewarning: is a telegraphed strike's notice received in time?

    The notice goes to the target and to every partner pledged to defend it (an alliance with
    ``defend`` > 0): through their channel with the sender (its delay and fidelity), or
    publicly, at once, where there is none. The defence is warned if any of them gets it no
    later than ``lead`` days before the strike lands.
    """
    received = np.zeros(len(runs), dtype=np.bool_)
    for x in range(params.n_actors):
        told = (target == x) | (params.defend[runs, x, target] > 0)
        if x == sender or not told.any():
            continue
        rows = np.flatnonzero(told)
        arrives, delay = channel_delivery(
            params,
            streams,
            day,
            runs[rows],
            sender,
            np.full(len(rows), x),
            f"warn:{params.actors[sender]}>{params.actors[x]}",
        )
        received[rows] |= arrives & (delay <= lead[rows])
    return received


def misperceived_rung(
    params: Params, streams: Streams, day: int, runs: I, rung: I | int, tag: str
) -> F:
    """M11 Misperception: the victim reads a blow's size with noise (limited, or a war opening?)."""
    noise = params.m["perception_noise"][runs] * streams.subset(runs).normal(day, f"perceive:{tag}")
    return np.maximum(np.asarray(rung, dtype=np.float64) * (1.0 + noise), 0.0)


def attributed_culprit(
    params: Params,
    streams: Streams,
    day: int,
    runs: I,
    striker: I | int,
    deniable: B | bool,
    tag: str,
) -> I:
    """M11/M5 Attribution: a deniable blow by a proxy is blamed on its patron, or on the proxy.

    An overt blow is always blamed on the striker; a deniable one carried out by a proxy is
    blamed on the patron with probability ``attribution_to_patron``.
    """
    striker_arr = np.broadcast_to(np.asarray(striker, dtype=np.int64), runs.shape)
    patron = params.patron[striker_arr]
    u = streams.subset(runs).uniform(day, f"attribute:{tag}")
    to_patron = (patron >= 0) & np.asarray(deniable) & (u < params.m["attribution_to_patron"][runs])
    return np.where(to_patron, patron, striker_arr)


def learn_from_salvo(
    state: State, params: Params, runs: I, attacker: int, interception_rate: F
) -> None:
    """M14 Learning: an attacker updates what it believes the defences stop after each salvo."""
    rate = params.m["learning_rate"][runs]
    old = state.belief_interception[runs, attacker]
    state.belief_interception[runs, attacker] = (1.0 - rate) * old + rate * interception_rate
