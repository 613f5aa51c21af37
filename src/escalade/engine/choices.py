"""Choices: an actor that convenes appraises its answers, its policy chooses, and the choice is
carried out — talk at once, strikes scheduled (telegraphed or not, M3, M4)."""

from __future__ import annotations

from typing import Any

import numpy as np

from escalade.engine import ending
from escalade.engine.calculus import answer_utility
from escalade.engine.compiled import I
from escalade.engine.decision import NO_ACTION, TELEGRAPHED, UNACKNOWLEDGED, Situation
from escalade.engine.forewarning import landing_day, lead_time, warning_received
from escalade.engine.learning import talk_evidence, update_resolve_belief
from escalade.engine.proxies import patron_veto
from escalade.engine.retaliation import discharge_obligation
from escalade.engine.state import EventLog, State
from escalade.engine.world import World


def grudge_target(state: State, world: World, day: int, actor: int, runs: I) -> I:
    """Whom the actor holds its largest grievance against, per run (never itself). Ties go to
    the actor listed first (``model.target_tie_break: first_listed``) or to one drawn at random
    among the tied (``random``)."""
    against = state.grievances.grievance[runs, actor, :].copy()
    against[:, actor] = -1.0  # no grudge against oneself
    if world.params.target_tie_break_random:
        best = against.max(axis=1, keepdims=True)
        tied = against == best
        u = world.streams.subset(runs).uniform(day, f"tie:{world.params.actors[actor]}")
        nth = np.floor(u * tied.sum(axis=1)).astype(np.int64)
        return np.argmax(np.cumsum(tied, axis=1) > nth[:, None], axis=1)
    return np.argmax(against, axis=1)


def decide(state: State, world: World, day: int, log: EventLog, actor: int, candidates: I) -> None:
    """The actor's policy chooses in the ``candidates`` runs, where it convenes today with
    nothing scheduled (M1: each day with probability ``decision_rate``), against whom it holds a
    grievance above ``quiet_below``."""
    p = world.params
    target_all = grudge_target(state, world, day, actor, candidates)
    g_all = state.grievances.grievance[candidates, actor, target_all]
    keep = g_all > p.ending.quiet_below[candidates]
    runs = candidates[keep]
    if len(runs) == 0:
        return
    target = target_all[keep]
    g = g_all[keep]
    appraisal = answer_utility(state, p, runs, actor, target, g)
    situation = Situation(
        day=day,
        actor=actor,
        runs=runs,
        target=target,
        grievance=g,
        received_rung=state.grievances.received_rung[runs, actor, target],
        appraisal=appraisal,
        params=p,
        streams=world.streams,
    )
    choice = world.policies[actor].choose(situation)
    # A policy (perhaps a plug-in) may only pick what is open to it.
    picked = np.clip(choice.action, 0, None)
    rows = np.arange(len(runs))
    allowed = (choice.action >= 0) & appraisal.available[rows, picked]
    action = np.where(allowed, choice.action, NO_ACTION)
    warned = allowed & choice.warned & np.isfinite(appraisal.act[rows, picked, TELEGRAPHED])
    denied = allowed & choice.denied & np.isfinite(appraisal.act[rows, picked, UNACKNOWLEDGED])
    action = patron_veto(state, p, world.streams, day, runs, actor, target, action)
    act(state, world, day, log, actor, runs, target, action, warned, denied)


def act(
    state: State,
    world: World,
    day: int,
    log: EventLog,
    actor: int,
    runs: I,
    target: I,
    action: I,
    warned: Any,
    denied: Any,
) -> None:
    """Carry out a choice: de-escalate (declare the round concluded, M13), talk at once
    (discharging by its rung, M1; its target reads it as cheap talk, M14), or schedule a strike,
    telegraphed or not (M3, M4), owned or not (M11)."""
    p = world.params
    cat = p.catalog
    chosen = action != NO_ACTION
    runs, target, action = runs[chosen], target[chosen], action[chosen]
    warned, denied = warned[chosen], denied[chosen]
    drop = cat.deescalate[action]
    if drop.any():
        r, t = runs[drop], target[drop]
        state.grievances.grievance[r, actor, t] = 0.0
        ending.declare_end(state, p, world.streams, day, log, r, actor, t)
    talk = cat.talk[action]
    if talk.any():
        r, t, k = runs[talk], target[talk], action[talk]
        belief = update_resolve_belief(
            state, p, r, t, np.full(len(r), actor), talk_evidence(p, r, cat.rung[k])
        )
        log.add(day, r, "statement", actor, action=k, rung=cat.rung[k], target=t, belief=belief)
        discharge_obligation(state, p, r, actor, t, cat.rung[k], attack=False)
    strike = ~drop & ~talk
    if not strike.any():
        return
    r, t, k, w = runs[strike], target[strike], action[strike], warned[strike]
    unack = denied[strike]
    lead = lead_time(p, actor, w)
    in_time = w & warning_received(p, world.streams, day, r, actor, t, lead)
    via = p.channels.via[actor, t]
    if w.any():
        log.add(
            day,
            r[w],
            "warning",
            actor,
            action=k[w],
            rung=cat.rung[k[w]],
            target=t[w],
            warning=lead[w],
            channel=via[w],
        )
    orders = state.orders
    orders.day[r, actor] = landing_day(p, day, lead)
    orders.action[r, actor] = k
    orders.target[r, actor] = t
    orders.lead[r, actor] = lead
    orders.warned[r, actor] = in_time
    orders.unacknowledged[r, actor] = unack
