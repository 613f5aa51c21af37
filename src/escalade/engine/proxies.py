"""Proxies and non-state allies (M5)."""

from __future__ import annotations

import numpy as np

from escalade.engine.params import KINDS, Params
from escalade.engine.rng import Streams
from escalade.engine.state import B, I, State
from escalade.policies.base import NO_ACTION

_ATTACK = KINDS.index("covert")


def proxy_initiative(state: State, params: Params, streams: Streams, day: int) -> tuple[I, B]:
    """M5 Proxies: which proxies strike on their own today, despite their patrons.

    A proxy's daily rate is ``harassment_rate``, suppressed by its patron's control
    (``patron_restraint`` x ``control``); a proxy with a target and nothing scheduled acts.
    Returns the proxies that have a target and an (R, proxies) mask of the runs where each acts.
    """
    proxies = np.flatnonzero(params.harass_target >= 0)
    rate = params.harassment_rate[:, proxies] * (
        1.0 - params.m["patron_restraint"][:, None] * params.control[:, proxies]
    )
    u = streams.uniforms(day, [f"harass:{params.actors[x]}" for x in proxies])
    acts = (u < rate) & ~state.ended[:, None] & (state.pend_day[:, proxies] < 0)
    return proxies, acts


def executor(params: Params, actor: I, via_proxy: bool) -> I:
    """M5: who carries out an action: the actor itself, or its first proxy when via a proxy."""
    if not via_proxy:
        return actor
    first_proxy = np.full(params.n_actors, -1, dtype=np.int64)
    for p in range(params.n_actors - 1, -1, -1):
        if params.patron[p] >= 0:
            first_proxy[params.patron[p]] = p
    return np.where(first_proxy[actor] >= 0, first_proxy[actor], actor)


def patron_veto(
    state: State,
    params: Params,
    streams: Streams,
    day: int,
    runs: I,
    actor: int,
    target: I,
    action: I,
) -> I:
    """M5: a patron holds back its proxy's chosen attack with probability
    ``patron_restraint`` x max(``control``, restraint urged on the proxy) — Kataib Hezbollah
    suspending its attacks at Iran's urging (30 Jan 2024). A held-back proxy drops the matter:
    its grievance against that target is set aside. Talk and de-escalation always pass.
    """
    if params.patron[actor] < 0:
        return action
    attack = (action >= 0) & (params.action_kind[np.maximum(action, 0)] >= _ATTACK)
    grip = np.maximum(params.control[runs, actor], state.restraint[runs, actor])
    u = streams.subset(runs).uniform(day, f"veto:{params.actors[actor]}")
    held = attack & (u < params.m["patron_restraint"][runs] * grip)
    state.grievance[runs[held], actor, target[held]] = 0.0
    return np.where(held, NO_ACTION, action)
