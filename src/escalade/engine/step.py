"""One day of a batch of runs: resolve -> perceive -> decide -> act.

``step`` is the only place the mechanisms are put together; each mechanism is a named
function in its own module (grievance, perception, calculus, proxies, ending, engagement).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from escalade.engine import ending
from escalade.engine.calculus import answer_utility
from escalade.engine.engagement import (
    DefenceTable,
    MunitionTable,
    layers_joined,
    resolve_salvo,
)
from escalade.engine.grievance import (
    alliance_obligation,
    blow_grievance,
    cross_red_lines,
    decay_grievance,
    discharge_obligation,
    felt_share,
    hardliner_drift,
    hardliner_relaxation,
    honour_red_lines,
)
from escalade.engine.params import KINDS, Params, draw_param
from escalade.engine.perception import (
    attributed_culprit,
    learn_from_salvo,
    misperceived_rung,
    warning_received,
)
from escalade.engine.proxies import executor, patron_veto, proxy_initiative
from escalade.engine.rng import Streams
from escalade.engine.state import EventLog, F, I, State
from escalade.engine.statements import statements_in_force
from escalade.policies.base import NO_ACTION, Policy, Situation
from escalade.scenario.schema import TargetClass

_DEESCALATE = KINDS.index("deescalate")
_TALK = {KINDS.index("statement"), KINDS.index("pressure")}


@dataclass(frozen=True)
class World:
    """What stays fixed during a batch: parameters, tables, policies and random streams."""

    params: Params
    streams: Streams
    munitions: MunitionTable
    defences: list[DefenceTable]  # one per actor (possibly without layers)
    policies: dict[int, Policy]


@dataclass(frozen=True)
class Blow:
    """A strike that has landed, per run of a sub-batch."""

    runs: I
    striker: I  # who carried it out
    answerer: I  # who decided it (the patron when it went through a proxy)
    target: I
    action: I
    rung: I
    deaths: I
    senior: I
    damage: F
    soil: Any  # bool array
    landed: F  # share of the blow that got through the defences (1 when not a salvo)


def step(state: State, world: World, day: int, log: EventLog) -> None:
    """Advance every run that has not ended by one day."""
    if day in world.params.change_days:
        statements_in_force(state, world.params, day)
    land_triggers(state, world, day, log)
    land_due_strikes(state, world, day, log)
    proxies, initiative = proxy_initiative(state, world.params, world.streams, day)
    for j in np.flatnonzero(initiative.any(axis=0)):
        proxy_strikes(state, world, day, log, int(proxies[j]), np.flatnonzero(initiative[:, j]))
    ending.deliver_declarations(state, world.params, day, log)
    decay_grievance(state, world.params)
    hardliner_relaxation(state, world.params)
    p = world.params
    draws = world.streams.uniforms(day, [f"convene:{p.actors[a]}" for a in p.deciders])
    convene = (
        (draws < p.m["decision_rate"][:, None])
        & ~state.ended[:, None]
        & (state.pend_day[:, p.deciders] < 0)
    )
    for j in np.flatnonzero(convene.any(axis=0)):
        decide(state, world, day, log, int(p.deciders[j]), np.flatnonzero(convene[:, j]))
    worst = ending.worst_grievance(state, world.params)
    ending.mediated_ceasefire(state, world.params, world.streams, day, log, worst)
    ending.quiet_end(state, world.params, day, log, worst)


def land_triggers(state: State, world: World, day: int, log: EventLog) -> None:
    """The scenario's initial events (the trigger) land on their day in every run."""
    p = world.params
    runs = np.flatnonzero(~state.ended)
    n = len(runs)
    for i, ev in enumerate(p.scenario.initial_events):
        if ev.day != day:
            continue
        k = p.action_names.index(ev.action)
        a, t = p.index(ev.actor), p.index(ev.target)
        damage = draw_param(world.streams, ev.damage, f"initial_events.{i}.damage")[runs]
        log.add(
            day,
            runs,
            "trigger",
            a,
            action=k,
            rung=int(p.action_rung[k]),
            target=t,
            deaths=ev.casualties.senior + ev.casualties.other,
            senior=ev.casualties.senior,
            damage=damage,
        )
        blow = Blow(
            runs=runs,
            striker=np.full(n, a),
            answerer=np.full(n, a),
            target=np.full(n, t),
            action=np.full(n, k),
            rung=np.full(n, p.action_rung[k]),
            deaths=np.full(n, ev.casualties.senior + ev.casualties.other),
            senior=np.full(n, ev.casualties.senior),
            damage=damage,
            soil=np.full(n, ev.soil_equivalent or bool(p.action_soil[k] & p.home_soil[t])),
            landed=1.0
            - draw_param(world.streams, ev.intercepted, f"initial_events.{i}.intercepted")[runs],
        )
        suffer(state, world, day, blow, f"trigger:{ev.actor}:{ev.action}")


def land_due_strikes(state: State, world: World, day: int, log: EventLog) -> None:
    """Scheduled answers whose day has come are carried out (salvos meet the defences, M6)."""
    due = (state.pend_day == day) & ~state.ended[:, None]
    for actor in np.flatnonzero(due.any(axis=0)):
        runs = np.flatnonzero(due[:, actor])
        state.pend_day[runs, actor] = -1
        for k in np.unique(state.pend_action[runs, actor]):
            sub = runs[state.pend_action[runs, actor] == k]
            carry_out(state, world, day, log, int(actor), int(k), sub, own_initiative=False)


def proxy_strikes(state: State, world: World, day: int, log: EventLog, proxy: int, runs: I) -> None:
    """M5: a proxy's own attacks on its chosen enemy, in ``runs``."""
    p = world.params
    k = p.action_names.index("proxy_attack") if "proxy_attack" in p.action_names else -1
    if k < 0:
        return
    state.pend_target[runs, proxy] = p.harass_target[proxy]
    state.pend_lead[runs, proxy] = 0
    state.pend_warned[runs, proxy] = False
    carry_out(state, world, day, log, proxy, k, runs, own_initiative=True)


def carry_out(
    state: State,
    world: World,
    day: int,
    log: EventLog,
    actor: int,
    k: int,
    runs: I,
    own_initiative: bool,
) -> None:
    """Execute action ``k`` of ``actor`` in ``runs``: a salvo against the target's defences
    (M6) when the striker has a package for it, fixed effects otherwise."""
    p = world.params
    striker = int(executor(p, np.array([actor]), bool(p.action_via_proxy[k]))[0])
    package = p.packages[striker, k]
    if package.sum() > 0:
        # A salvo needs munitions: with none left, the strike does not happen.
        runs = runs[(state.stocks[runs, striker] * (package > 0)).sum(axis=1) > 0]
        if len(runs) == 0:
            return
    target = state.pend_target[runs, actor]
    lead = state.pend_lead[runs, actor]
    warned = state.pend_warned[runs, actor]
    n = len(runs)
    deaths = np.zeros(n, dtype=np.int64)
    senior = np.zeros(n, dtype=np.int64)
    damage = np.zeros(n)
    size = np.zeros(n, dtype=np.int64)
    intercepted = np.zeros(n, dtype=np.int64)
    leaked = np.zeros(n, dtype=np.int64)
    attack_cost = np.zeros(n)
    defence_cost = np.zeros(n)
    used = np.zeros(n)
    landed = np.ones(n)
    tag = f"{p.actors[actor]}:{p.action_names[k]}"
    if package.sum() > 0:
        launched = np.minimum(package[None, :], state.stocks[runs, striker])
        state.stocks[runs, striker] -= launched
        size = launched.sum(axis=1)
        for t in np.unique(target):
            at = target == t
            sub = runs[at]
            res = salvo(state, world, day, sub, int(t), launched[at], warned[at], k, tag)
            deaths[at] = res.deaths
            damage[at] = res.damage
            leaked[at] = res.leaked.sum(axis=1)
            intercepted[at] = res.intercepted.sum(axis=(1, 2))
            attack_cost[at] = res.attack_cost
            defence_cost[at] = res.defence_cost
            used[at] = res.interceptors_used.sum(axis=1)
            rate = res.interception_rate
            flew = np.isfinite(rate)
            landed[at] = np.where(flew, 1.0 - np.nan_to_num(rate), 0.0)
            learn_from_salvo(state, p, sub[flew], actor, rate[flew])
    else:
        sub_streams = world.streams.subset(runs)
        deaths = sub_streams.poisson(day, f"deaths:{tag}", np.full(n, p.action_casualties[k]))
        senior = sub_streams.poisson(day, f"senior:{tag}", np.full(n, p.action_senior[k]))
        deaths = deaths + senior  # senior figures killed are among the dead
        damage = np.full(n, p.action_damage[k])
    kind = "harassment" if own_initiative else "strike"
    log.add(
        day,
        runs,
        kind,
        striker,
        action=k,
        rung=int(p.action_rung[k]),
        target=target,
        size=size,
        warning=lead,
        intercepted=intercepted,
        leaked=leaked,
        damage=damage,
        deaths=deaths,
        senior=senior,
        attack_cost=attack_cost,
        defence_cost=defence_cost,
        interceptors=used,
    )
    blow = Blow(
        runs=runs,
        striker=np.full(n, striker),
        answerer=np.full(n, actor),
        target=target,
        action=np.full(n, k),
        rung=np.full(n, p.action_rung[k]),
        deaths=deaths,
        senior=senior,
        damage=damage,
        soil=p.action_soil[k] & p.home_soil[target],
        landed=landed,
    )
    if not own_initiative:
        discharge_obligation(state, p, runs, actor, target, blow.rung)
        honour_red_lines(state, p, runs, actor, target, blow.rung)
    suffer(state, world, day, blow, tag)
    if not own_initiative:
        ending.maybe_declare_end(state, p, world.streams, day, log, runs, actor, target)
    ending.war_end(state, p, day, runs, blow.rung, log)


def salvo(
    state: State,
    world: World,
    day: int,
    runs: I,
    target: int,
    launched: I,
    warned: Any,
    k: int,
    tag: str,
) -> Any:
    """M6 with M3: the target's layers (partners joining if warned) meet the salvo."""
    p = world.params
    defence = _subset(world.defences[target], runs)
    munitions = _subset(world.munitions, runs)
    sub_streams = world.streams.subset(runs)
    joined = layers_joined(p.scenario, defence, sub_streams, day, warned)
    tc = p.action_target_class[k]
    fallback = TargetClass()  # the documented defaults, for actions without a target class
    dmg = p.target_damage[runs, tc] if tc >= 0 else np.full(len(runs), fallback.damage_per_hit)
    cas = (
        p.target_casualties[runs, tc]
        if tc >= 0
        else np.full(len(runs), fallback.casualties_per_hit)
    )
    res = resolve_salvo(
        sub_streams,
        day,
        tag,
        launched,
        munitions,
        defence,
        joined,
        warned,
        state.interceptors[target][runs],
        dmg,
        cas,
    )
    state.interceptors[target][runs] -= res.interceptors_used
    return res


PER_RUN_FIELDS = ("failure_rate", "kill_probability", "unwarned_readiness", "defend")
"""The fields of the munition and defence tables that hold one row per run."""


def _subset(table: Any, runs: I) -> Any:
    """The rows ``runs`` (sorted, distinct) of every per-run array of a frozen table."""
    changes = {f.name: getattr(table, f.name) for f in fields(table) if f.name in PER_RUN_FIELDS}
    if all(len(rows) == len(runs) for rows in changes.values()):
        return table  # every row, in order
    changes = {name: rows[runs] for name, rows in changes.items()}
    return replace(table, **changes)


def suffer(state: State, world: World, day: int, blow: Blow, tag: str) -> None:
    """The victim perceives a blow and takes its grievance (M1, M5, M7, M8, M9, M11)."""
    p = world.params
    runs = blow.runs
    deniable = ~p.action_overt[blow.action]
    culprit = attributed_culprit(p, world.streams, day, runs, blow.striker, deniable, tag)
    seen = misperceived_rung(p, world.streams, day, runs, blow.rung, tag) * felt_share(
        p, runs, blow.landed
    )
    g = blow_grievance(p, runs, seen, blow.soil, blow.deaths, blow.senior, blow.damage)
    # An unacknowledged blow by a state can be played down (Isfahan, E8); a proxy's attack is
    # felt in full by its victim, whoever gets the blame.
    played_down = deniable & (p.patron[blow.striker] < 0)
    g = g * np.where(played_down, p.m["deniable_weight"][runs], 1.0)
    state.grievance[runs, blow.target, culprit] += g
    state.received_rung[runs, blow.target, culprit] = blow.rung
    state.struck[runs] = True
    alliance_obligation(state, p, runs, blow.target, culprit, g)
    cross_red_lines(state, p, day, runs, culprit, blow.target, blow.rung)
    hardliner_drift(state, p, runs, blow.target, blow.rung)


def decide(state: State, world: World, day: int, log: EventLog, actor: int, candidates: I) -> None:
    """The actor's policy chooses in the ``candidates`` runs, where it convenes today with
    nothing scheduled (M1: each day with probability ``decision_rate``)."""
    p = world.params
    against = state.grievance[candidates, actor, :].copy()
    against[:, actor] = -1.0  # no grudge against oneself
    target_all = np.argmax(against, axis=1)
    g_all = state.grievance[candidates, actor, target_all]
    keep = g_all > p.m["quiet_below"][candidates]
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
        received_rung=state.received_rung[runs, actor, target],
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
    warned = allowed & choice.warned & np.isfinite(appraisal.act[rows, picked, 1])
    action = patron_veto(state, p, world.streams, day, runs, actor, target, action)
    act(state, world, day, log, actor, runs, target, action, warned)


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
) -> None:
    """Carry out a choice: talk at once; schedule answers, telegraphed or not (M3, M4)."""
    p = world.params
    chosen = action != NO_ACTION
    runs, target, action, warned = runs[chosen], target[chosen], action[chosen], warned[chosen]
    kind = p.action_kind[action]
    drop = kind == _DEESCALATE
    if drop.any():
        r, t = runs[drop], target[drop]
        state.grievance[r, actor, t] = 0.0
        ending.declare_end(state, p, world.streams, day, log, r, actor, t)
    talk = np.isin(kind, list(_TALK))
    if talk.any():
        r, t, k = runs[talk], target[talk], action[talk]
        log.add(day, r, "statement", actor, action=k, rung=p.action_rung[k], target=t)
        discharge_obligation(state, p, r, actor, t, p.action_rung[k])
    strike = ~drop & ~talk
    if not strike.any():
        return
    r, t, k, w = runs[strike], target[strike], action[strike], warned[strike]
    lead = np.where(w, p.lead_days[actor], 0)
    in_time = w & warning_received(p, world.streams, day, r, actor, t, lead)
    via = p.channel_via[actor, t]
    if w.any():
        log.add(
            day,
            r[w],
            "warning",
            actor,
            action=k[w],
            rung=p.action_rung[k[w]],
            target=t[w],
            warning=lead[w],
            channel=via[w],
        )
    state.pend_day[r, actor] = day + np.maximum(lead, 1)
    state.pend_action[r, actor] = k
    state.pend_target[r, actor] = t
    state.pend_lead[r, actor] = lead
    state.pend_warned[r, actor] = in_time
