"""M5 Proxies: a patron can answer through proxies for deniability; proxies also act alone.

A proxy harasses its own enemies (or its patron's) at ``harassment_rate`` a day, suppressed by
its patron's grip (``patron_restraint x control``); a patron holds back its proxy's chosen
attacks the same way; an action ``via_proxy`` is carried out by the patron's executing proxy.
See docs/model/M5-proxies.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.catalog import Catalog
from escalade.engine.compiled import B, Cast, F, I, model_draw
from escalade.engine.decision import NO_ACTION
from escalade.engine.rng import Streams
from escalade.scenario.distributions import mean_of
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State


@dataclass(frozen=True)
class ProxyParams:
    """M5 parameters."""

    control: F  # (R, A) the patron's grip on each proxy
    harassment_rate: F  # (R, A) daily chance a proxy attacks on its own
    harass_target: I  # (A,) whom a proxy harasses on its own, -1 none
    executor: I  # (A,) the proxy that carries out a patron's via-proxy actions, -1 none
    patron_restraint: F  # (R,)
    deniability: F  # (R,) share of counter-escalation risk avoided by acting via a proxy
    harassment_action: int  # catalog index of a proxy's own attack, -1 none

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> ProxyParams:
        return cls(
            control=cast.per_actor(scenario, streams, "control"),
            harassment_rate=cast.per_actor(scenario, streams, "harassment_rate"),
            harass_target=harass_targets(scenario, cast),
            executor=executors(scenario, cast),
            patron_restraint=model_draw(scenario, streams, "patron_restraint"),
            deniability=model_draw(scenario, streams, "proxy_deniability"),
            harassment_action=Catalog.compile(scenario).find(scenario.model.harassment_action),
        )


def harass_targets(scenario: Scenario, cast: Cast) -> I:
    """M5: whom each proxy harasses on its own: its own strongest enemy (``hostility``
    relations, by mean intensity), else its patron's; ties to the actor listed first."""
    n_a = cast.n
    hostility = np.zeros((n_a, n_a))
    for rel in scenario.relations:
        if rel.kind == "hostility":
            a, b = cast.index(rel.between[0]), cast.index(rel.between[1])
            hostility[a, b] = hostility[b, a] = max(hostility[a, b], mean_of(rel.intensity))
    target = np.full(n_a, -1, dtype=np.int64)
    for i in range(n_a):
        patron = cast.patron[i]
        if patron >= 0:
            own = hostility[i].copy()
            own[[i, patron]] = 0.0
            enemies = own if own.max() > 0 else hostility[patron].copy()
            enemies[[i, patron]] = 0.0
            if enemies.max() > 0:
                target[i] = int(np.argmax(enemies))
    return target


def executors(scenario: Scenario, cast: Cast) -> I:
    """M5: the proxy that carries out each patron's via-proxy actions: the one named by the
    patron's ``acts_through``, else its proxy listed first; -1 for an actor with no proxy."""
    out = np.full(cast.n, -1, dtype=np.int64)
    for p in range(cast.n - 1, -1, -1):
        if cast.patron[p] >= 0:
            out[cast.patron[p]] = p
    for i, actor in enumerate(scenario.actors.values()):
        if actor.acts_through is not None:
            out[i] = cast.index(actor.acts_through)
    return out


def proxy_initiative(state: State, params: Params, streams: Streams, day: int) -> tuple[I, B]:
    """M5 Proxies: which proxies strike on their own today, despite their patrons.

    A proxy's daily rate is ``harassment_rate``, suppressed by its patron's control
    (``patron_restraint`` x ``control``); a proxy with a target and nothing scheduled acts.
    Returns the proxies that have a target and an (R, proxies) mask of the runs where each acts.
    """
    px = params.proxies
    proxies = np.flatnonzero(px.harass_target >= 0)
    rate = px.harassment_rate[:, proxies] * (
        1.0 - px.patron_restraint[:, None] * px.control[:, proxies]
    )
    u = streams.uniforms(day, [f"harass:{params.cast.actors[x]}" for x in proxies])
    acts = (u < rate) & ~state.ended[:, None] & (state.orders.day[:, proxies] < 0)
    return proxies, acts


def executor(params: Params, actor: I, via_proxy: bool) -> I:
    """M5: who carries out an action: the actor itself, or its executing proxy when via a proxy
    (the actor itself when it has none)."""
    if not via_proxy:
        return actor
    ex = params.proxies.executor
    return np.where(ex[actor] >= 0, ex[actor], actor)


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
    if params.cast.patron[actor] < 0:
        return action
    attack = (action >= 0) & params.catalog.attack[np.maximum(action, 0)]
    grip = np.maximum(params.proxies.control[runs, actor], state.backing.restraint[runs, actor])
    u = streams.subset(runs).uniform(day, f"veto:{params.cast.actors[actor]}")
    held = attack & (u < params.proxies.patron_restraint[runs] * grip)
    state.grievances.grievance[runs[held], actor, target[held]] = 0.0
    return np.where(held, NO_ACTION, action)
