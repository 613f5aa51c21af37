"""M13 Declared ends: rounds close by declarations accepted, mediated cease-fires, or quiet.

After answering, an actor whose grievance is calm may declare its round concluded
(``declare_end_probability``); the declaration travels by channel (M4) and is accepted if the
receiver's grievance against the declarer is below ``accept_end_below``. Once every grievance is
low enough, a mediator brokers an end to the round at ``mediation_rate`` a day (the crisis goes
quiet); in a war (M12) it brokers a cease-fire; a crisis calm for ``quiet_days`` is over.
See docs/model/M13-declared-ends.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.catalog import Catalog
from escalade.engine.channels import arrival_day, channel_delivery
from escalade.engine.compiled import B, Cast, F, I, indices, model_draw
from escalade.engine.learning import talk_evidence, update_resolve_belief
from escalade.engine.rng import Streams
from escalade.scenario.schema import Role, Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import EventLog, State


class EndReason(IntEnum):
    """How a run stands at its end; the code is what an ``end`` event carries in its rung."""

    ONGOING = 0
    QUIET = 1
    CEASEFIRE = 2
    WAR = 3


END_REASONS = tuple(r.name.lower() for r in EndReason)
"""Names of the end reasons, indexed by code."""
NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class EndingParams:
    """M13 parameters."""

    declare_end_probability: F  # (R,)
    accept_end_below: F  # (R,)
    mediation_rate: F  # (R,)
    war_mediation_rate: F  # (R,)
    quiet_below: F  # (R,)
    quiet_days: int
    declaration_action: int  # catalog index of the declared end, -1 none
    mediator: int  # actor who brokers cease-fires, -1 none

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> EndingParams:
        mp = scenario.model
        mediators = [i for i, a in enumerate(scenario.actors.values()) if a.role == Role.MEDIATOR]
        if mp.ceasefire_mediator is not None:
            mediator = cast.index(mp.ceasefire_mediator)
        else:
            mediator = mediators[0] if mediators else -1
        return cls(
            declare_end_probability=model_draw(scenario, streams, "declare_end_probability"),
            accept_end_below=model_draw(scenario, streams, "accept_end_below"),
            mediation_rate=model_draw(scenario, streams, "mediation_rate"),
            war_mediation_rate=model_draw(scenario, streams, "war_mediation_rate"),
            quiet_below=model_draw(scenario, streams, "quiet_below"),
            quiet_days=mp.quiet_days,
            declaration_action=Catalog.compile(scenario).find(mp.declaration_action),
            mediator=mediator,
        )


@dataclass
class Declarations:
    """M13 state: declared ends on their way, and calm days so far."""

    day: I  # (R, A, A) day a's "concluded" reaches b, -1 none
    next_day: I  # (R,) earliest pending arrival of a declaration, -1 none
    calm_days: I  # (R,)

    @classmethod
    def initial(cls, runs: int, actors: int) -> Declarations:
        return cls(
            day=np.full((runs, actors, actors), -1, dtype=np.int64),
            next_day=np.full(runs, -1, dtype=np.int64),
            calm_days=np.zeros(runs, dtype=np.int64),
        )


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
        params, streams, day, runs, actor, target, f"declare:{params.cast.actors[actor]}"
    )
    via = params.channels.via[actor, target]
    k = params.ending.declaration_action
    log.add(day, runs, "declaration", actor, action=k, rung=0, target=target, channel=via)
    r = runs[arrives]
    due = arrival_day(params, day, delay[arrives])
    d = state.declarations
    d.day[r, actor, target[arrives]] = due
    nxt = d.next_day[r]
    d.next_day[r] = np.where((nxt < 0) | (due < nxt), due, nxt)


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
    e = params.ending
    calm = state.grievances.grievance[runs, actor, target] < e.quiet_below[runs]
    u = streams.subset(runs).uniform(day, f"declare?:{params.cast.actors[actor]}")
    say = calm & (u < e.declare_end_probability[runs])
    if say.any():
        declare_end(state, params, streams, day, log, runs[say], actor, target[say])


def deliver_declarations(state: State, params: Params, day: int, log: EventLog) -> None:
    """M13: a declared end that arrives is accepted if the receiver's grievance against the
    declarer is below ``accept_end_below``; acceptance leaves it calm toward the declarer."""
    d = state.declarations
    due = np.flatnonzero(d.next_day == day)
    if len(due) == 0:
        return
    sub, sender, receiver = np.nonzero(d.day[due] == day)
    runs = due[sub]
    d.day[runs, sender, receiver] = -1
    later = d.day[due].reshape(len(due), -1)
    later = np.where(later > day, later, NEVER).min(axis=1)
    d.next_day[due] = np.where(later == NEVER, -1, later)
    g = state.grievances.grievance[runs, receiver, sender]
    accept = (g < params.ending.accept_end_below[runs]) & ~state.ended[runs]
    update_resolve_belief(
        state, params, runs, receiver, sender, talk_evidence(params, runs, np.zeros(len(runs)))
    )
    r, s, v = runs[accept], sender[accept], receiver[accept]
    state.grievances.grievance[r, v, s] = 0.0
    for actor in np.unique(v):
        sel = v == actor
        log.add(day, r[sel], "acceptance", int(actor), target=s[sel])


def crisis_parties(scenario: Scenario, cast: Cast) -> I:
    """M13: the actors between whom the crisis is: ``model.crisis_parties``, by default the
    states (a crisis between states can end while proxy fronts simmer; a proxy named a party,
    the Houthis facing the US in E17, keeps it going with its fire and the answers to it)."""
    named = scenario.model.crisis_parties
    if named is not None:
        return indices(sorted(cast.index(a) for a in named))
    return indices([i for i, a in enumerate(scenario.actors.values()) if a.role == Role.STATE])


def worst_grievance(state: State, params: Params) -> F:
    """(R,) the largest grievance one crisis party holds against another (M1), for the ending
    tests (:func:`crisis_parties`)."""
    gr, worst = state.grievances, np.zeros(len(state.ended))
    for victim, culprit in gr.held_pairs(among=params.parties):  # others are 0 in every run
        np.maximum(worst, gr.by_pair[victim, culprit], out=worst)
    return worst


def parties_idle(state: State, params: Params) -> B:
    """(R,) no crisis party has an answer scheduled against another (answers to others, a
    state's to a proxy that is not a party, do not keep the crisis going)."""
    parties = params.parties
    if len(parties) == 0:
        return np.ones(len(state.ended), dtype=np.bool_)
    o = state.orders
    is_party = np.zeros(params.cast.n + 1, dtype=np.bool_)  # the last: no target (-1)
    is_party[parties] = True
    at_party = is_party[o.target[:, parties]]
    pending = np.any((o.day[:, parties] >= 0) & at_party, axis=1)
    return np.asarray(~pending, dtype=np.bool_)


def mediated_ceasefire(
    state: State, params: Params, streams: Streams, day: int, log: EventLog, worst: F
) -> None:
    """M13: the scenario's mediator (``ceasefire_mediator``, by default the first mediator
    listed) brokers an end. In a war (M12), whatever the grievances, a cease-fire, with daily
    probability ``war_mediation_rate x (1 + war_weariness x days at war)``: the crisis ends
    ``ceasefire``. In peacetime, once the states' grievances are low enough to accept an end
    and none has an answer scheduled against another, with daily probability
    ``mediation_rate``, an end to the round: there is no fighting to cease, so the crisis
    ends ``quiet`` (the record's rule: a round closed with or without a declared end is quiet,
    a cease-fire is one that ended fighting). Without a mediator there is none."""
    e = params.ending
    if e.mediator < 0:
        return
    u = streams.uniform(day, "mediation")
    weary = 1.0 + params.thresholds.war_weariness * state.war_days
    open_ = ~state.ended & state.struck
    war = open_ & state.at_war & (u < e.war_mediation_rate * weary)
    calm = (worst < e.accept_end_below) & (u < e.mediation_rate) & parties_idle(state, params)
    peace = open_ & ~state.at_war & calm
    for kind, reason, ok in (
        ("ceasefire", EndReason.CEASEFIRE, war),
        ("mediation", EndReason.QUIET, peace),
    ):
        runs = np.flatnonzero(ok)
        if len(runs):
            log.add(day, runs, kind, e.mediator)
            end_runs(state, runs, day, reason, log)


def quiet_end(state: State, params: Params, day: int, log: EventLog, worst: F) -> None:
    """M13: a crisis with every grievance calm and nothing scheduled for ``quiet_days`` is over."""
    e = params.ending
    calm = state.struck & (worst < e.quiet_below) & parties_idle(state, params) & ~state.at_war
    d = state.declarations
    d.calm_days = np.where(calm, d.calm_days + 1, 0)
    runs = np.flatnonzero(~state.ended & (d.calm_days >= e.quiet_days))
    if len(runs):
        end_runs(state, runs, day, EndReason.QUIET, log)


def at_the_horizon(state: State) -> None:
    """M12/M13: a run still at war when the horizon comes is counted as a war."""
    war = ~state.ended & state.at_war
    state.end_reason[war] = int(EndReason.WAR)


def end_runs(state: State, runs: I, day: int, reason: EndReason, log: EventLog) -> None:
    """End ``runs`` on ``day`` for ``reason`` (an ``end`` event carries the reason's code)."""
    state.ended[runs] = True
    state.end_reason[runs] = int(reason)
    state.end_day[runs] = day
    log.add(day, runs, "end", -1, action=-1, rung=int(reason))


__all__ = ["END_REASONS", "EndReason", "EndingParams"]
