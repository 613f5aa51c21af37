"""Choices: an actor that convenes appraises its answers, its policy chooses, and the choice is
carried out — talk at once, strikes scheduled (telegraphed or not, M3, M4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from escalade.engine import ending
from escalade.engine.calculus import answer_utility
from escalade.engine.channels import DEFAULT_CHANNEL, mediator
from escalade.engine.compiled import B, I
from escalade.engine.decision import (
    GRUDGE_TARGET,
    NO_ACTION,
    TELEGRAPHED,
    UNACKNOWLEDGED,
    Appraisal,
    Situation,
)
from escalade.engine.forewarning import landing_day, lead_time, warning_received
from escalade.engine.learning import talk_evidence, update_resolve_belief
from escalade.engine.proxies import patron_veto
from escalade.engine.retaliation import discharge_obligation
from escalade.engine.state import EventLog, State
from escalade.engine.world import World

if TYPE_CHECKING:
    from escalade.engine.params import Params


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


def open_targets(state: State, p: Params, runs: I, actor: int) -> B:
    """(n, A) whom the actor may answer in each run: every other actor it holds a grievance
    above ``quiet_below`` against (the largest of them is the situation's target)."""
    against = state.grievances.grievance[runs, actor, :] > p.ending.quiet_below[runs, None]
    against[:, actor] = False
    return against


def appraisal_against(situation: Situation, target: I) -> Appraisal:
    """The situation's appraisal had the actor answered ``target`` (one actor index per run)
    instead of its largest grievance (M2-M14 as in :func:`answer_utility`); needs the
    situation's state."""
    state = situation.state
    if state is None:
        raise ValueError("this situation carries no state to appraise another target")
    runs, actor = situation.runs, situation.actor
    g = state.grievances.grievance[runs, actor, target]
    return answer_utility(state, situation.params, runs, actor, target, g)


def retarget(situation: Situation, world: World, chosen: I) -> tuple[I, Appraisal, B]:
    """A choice that names a target (:attr:`Choice.target`): per run the target acted against,
    the appraisal against it and whether that target is open (a choice against a closed one is
    refused, as a closed action is)."""
    state = situation.state
    assert state is not None  # decide() always gives one
    target = np.where(chosen == GRUDGE_TARGET, situation.target, chosen)
    moved = target != situation.target
    if not moved.any():
        return situation.target, situation.appraisal, np.ones(situation.n, dtype=np.bool_)
    rows = np.arange(situation.n)
    valid = (target >= 0) & (target < world.params.n_actors)
    target = np.where(valid, target, situation.target)
    is_open = (
        valid & open_targets(state, world.params, situation.runs, situation.actor)[rows, target]
    )
    other = appraisal_against(situation, target)
    keep = ~moved[:, None]
    own = situation.appraisal
    appraisal = Appraisal(
        act=np.where(keep[:, :, None], own.act, other.act),
        wait=own.wait,
        available=np.where(keep, own.available, other.available),
        commitment=np.where(moved, other.commitment, own.commitment),
    )
    return target, appraisal, is_open


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
        state=state,
    )
    choice = world.policies[actor].choose(situation)
    # A policy (perhaps a plug-in) may only pick what is open to it.
    on_target = np.ones(len(runs), dtype=np.bool_)
    if choice.target is not None:
        target, appraisal, on_target = retarget(situation, world, choice.target)
    picked = np.clip(choice.action, 0, None)
    rows = np.arange(len(runs))
    allowed = (choice.action >= 0) & on_target & appraisal.available[rows, picked]
    action = np.where(allowed, choice.action, NO_ACTION)
    warned = allowed & choice.warned & np.isfinite(appraisal.act[rows, picked, TELEGRAPHED])
    denied = allowed & choice.denied & np.isfinite(appraisal.act[rows, picked, UNACKNOWLEDGED])
    action = patron_veto(state, p, world.streams, day, runs, actor, target, action)
    channel = None if choice.channel is None else np.where(warned, choice.channel, DEFAULT_CHANNEL)
    act(state, world, day, log, actor, runs, target, action, warned, denied, channel)


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
    channel: I | None = None,
) -> None:
    """Carry out a choice: de-escalate (declare the round concluded, M13), talk at once
    (discharging by its rung, M1; its target reads it as cheap talk, M14), or schedule a strike,
    telegraphed or not (M3, M4; its notice through the ``channel`` chosen, if any), owned or
    not (M11)."""
    p = world.params
    cat = p.catalog
    chosen = action != NO_ACTION
    runs, target, action = runs[chosen], target[chosen], action[chosen]
    warned, denied = warned[chosen], denied[chosen]
    channel = None if channel is None else channel[chosen]
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
    c = None if channel is None else channel[strike]
    in_time = w & warning_received(p, world.streams, day, r, actor, t, lead, c)
    via = mediator(p, actor, t, c)
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
