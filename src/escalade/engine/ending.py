"""How rounds and crises end: M12 thresholds (war) and M13 declared ends and cease-fires."""

from __future__ import annotations

import numpy as np

from escalade.engine.params import ROLES, Params
from escalade.engine.perception import channel_delivery
from escalade.engine.rng import Streams
from escalade.engine.state import END_REASONS, EventLog, F, I, State
from escalade.scenario.schema import Role

_MEDIATOR = ROLES.index(Role.MEDIATOR)


def declare_end(
    state: State,
    params: Params,
    streams: Streams,
    day: int,
    log: EventLog,
    runs: I,
    actor: int,
    target: I,
) -> None:
    """M13 Declared ends: the actor declares its round concluded; the message travels by the
    channel to the target (M4) and may be lost."""
    arrives, delay = channel_delivery(
        params, streams, day, runs, actor, target, f"declare:{params.actors[actor]}"
    )
    via = params.channel_via[actor, target]
    k = (
        params.action_names.index("declare_concluded")
        if ("declare_concluded" in params.action_names)
        else -1
    )
    log.add(day, runs, "declaration", actor, action=k, rung=0, target=target, channel=via)
    r = runs[arrives]
    due = day + np.maximum(delay[arrives], 1)
    state.declaration_day[r, actor, target[arrives]] = due
    nxt = state.next_declaration[r]
    state.next_declaration[r] = np.where((nxt < 0) | (due < nxt), due, nxt)


def maybe_declare_end(
    state: State,
    params: Params,
    streams: Streams,
    day: int,
    log: EventLog,
    runs: I,
    actor: int,
    target: I,
) -> None:
    """M13: after answering, an actor whose grievance is discharged may declare the matter
    concluded (``declare_end_probability``)."""
    calm = state.grievance[runs, actor, target] < params.m["quiet_below"][runs]
    u = streams.subset(runs).uniform(day, f"declare?:{params.actors[actor]}")
    say = calm & (u < params.m["declare_end_probability"][runs])
    if say.any():
        declare_end(state, params, streams, day, log, runs[say], actor, target[say])


def deliver_declarations(state: State, params: Params, day: int, log: EventLog) -> None:
    """M13: a declared end that arrives is accepted if the receiver's grievance against the
    declarer is below ``accept_end_below``; acceptance leaves it calm toward the declarer."""
    due = np.flatnonzero(state.next_declaration == day)
    if len(due) == 0:
        return
    sub, sender, receiver = np.nonzero(state.declaration_day[due] == day)
    runs = due[sub]
    state.declaration_day[runs, sender, receiver] = -1
    later = state.declaration_day[due].reshape(len(due), -1)
    later = np.where(later > day, later, np.iinfo(np.int64).max).min(axis=1)
    state.next_declaration[due] = np.where(later == np.iinfo(np.int64).max, -1, later)
    g = state.grievance[runs, receiver, sender]
    accept = (g < params.m["accept_end_below"][runs]) & ~state.ended[runs]
    r, s, v = runs[accept], sender[accept], receiver[accept]
    state.grievance[r, v, s] = 0.0
    for actor in np.unique(v):
        sel = v == actor
        log.add(day, r[sel], "acceptance", int(actor), target=s[sel])


def worst_grievance(state: State, params: Params) -> F:
    """(R,) the largest grievance any deciding actor holds (M1), for the ending tests."""
    if len(params.deciders) == 0:
        return np.zeros(len(state.ended))
    return state.grievance.max(axis=2)[:, params.deciders].max(axis=1)


def mediated_ceasefire(
    state: State, params: Params, streams: Streams, day: int, log: EventLog, worst: F
) -> None:
    """M13: once grievances are low enough to accept an end, a mediator brokers a cease-fire
    with daily probability ``mediation_rate`` (only if the scenario has a mediator)."""
    if not (params.role == _MEDIATOR).any():
        return
    u = streams.uniform(day, "mediation")
    ok = (
        ~state.ended
        & state.struck
        & (worst < params.m["accept_end_below"])
        & (u < params.m["mediation_rate"])
        & (state.pend_day.max(axis=1) < 0)
    )
    runs = np.flatnonzero(ok)
    if len(runs):
        mediator = int(np.flatnonzero(params.role == _MEDIATOR)[0])
        log.add(day, runs, "ceasefire", mediator)
        _end(state, runs, day, "ceasefire", log)


def quiet_end(state: State, params: Params, day: int, log: EventLog, worst: F) -> None:
    """M13: a crisis with every grievance calm and nothing scheduled for ``quiet_days`` is over."""
    calm = state.struck & (worst < params.m["quiet_below"]) & (state.pend_day.max(axis=1) < 0)
    state.calm_days = np.where(calm, state.calm_days + 1, 0)
    runs = np.flatnonzero(~state.ended & (state.calm_days >= params.m_int["quiet_days"]))
    if len(runs):
        _end(state, runs, day, "quiet", log)


def war_end(state: State, params: Params, day: int, runs: I, rung: I, log: EventLog) -> None:
    """M12: a blow at or above ``war_rung`` opens a sustained war; the run ends there."""
    war = runs[rung >= params.m_int["war_rung"]]
    war = war[~state.ended[war]]
    if len(war):
        _end(state, war, day, "war", log)


def _end(state: State, runs: I, day: int, reason: str, log: EventLog) -> None:
    state.ended[runs] = True
    state.end_reason[runs] = END_REASONS.index(reason)
    state.end_day[runs] = day
    log.add(day, runs, "end", -1, action=-1, rung=END_REASONS.index(reason))
