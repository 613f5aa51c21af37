"""Blows that land: the trigger, scheduled answers and proxies' own attacks, each carried out
(a salvo meets the defences, M6) and suffered by its victim (M1, M5, M7, M8, M9, M11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from escalade.engine import ending, thresholds
from escalade.engine.backing import alliance_obligation
from escalade.engine.compiled import F, I
from escalade.engine.engagement import strike_defences
from escalade.engine.factions import hardliner_drift
from escalade.engine.learning import blow_evidence, learn_from_salvo, update_resolve_belief
from escalade.engine.perception import attributed_culprit, misperceived_rung
from escalade.engine.proxies import executor
from escalade.engine.red_lines import (
    cross_red_lines,
    honour_red_lines,
    log_red_lines,
    red_line_marks,
)
from escalade.engine.retaliation import (
    answered_share,
    blow_grievance,
    discharge_obligation,
    felt_share,
    played_down_share,
)
from escalade.engine.stakes import forfeit_inducements
from escalade.engine.state import EventLog, State
from escalade.engine.world import World

if TYPE_CHECKING:
    from escalade.engine.params import Params


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
    deniable: Any  # bool array: not owned by the striker (M11)
    answer: bool  # may answer an earlier blow: a decision, or a trigger answering a trigger
    blame: F  # chance a proxy's deniable blow is blamed on its patron (M11)


def land_triggers(state: State, world: World, day: int, log: EventLog) -> None:
    """The scenario's initial events (the trigger) land on their day in every run."""
    p = world.params
    tr = p.triggers
    runs = np.flatnonzero(~state.ended)
    n = len(runs)
    for i in np.flatnonzero(tr.day == day):
        k, a, t = int(tr.action[i]), int(tr.actor[i]), int(tr.target[i])
        damage = tr.damage[runs, i]
        blow = Blow(
            runs=runs,
            striker=np.full(n, a),
            answerer=np.full(n, a),
            target=np.full(n, t),
            action=np.full(n, k),
            rung=np.full(n, p.catalog.rung[k]),
            deaths=np.full(n, tr.deaths[i]),
            senior=np.full(n, tr.senior[i]),
            damage=damage,
            soil=np.full(n, tr.soil[i]),
            landed=1.0 - tr.intercepted[runs, i],
            deniable=np.full(n, tr.deniable[i]),
            answer=bool(tr.answers[i]),  # it answers an earlier initial event (E16)
            blame=tr.blame[runs, i],
        )
        marks = red_line_marks(state, runs)
        if blow.answer:
            answer_lands(state, p, runs, a, blow.target, blow.rung)
        belief = suffer(state, world, day, blow, f"trigger:{p.actors[a]}:{p.catalog.names[k]}")
        log.add(
            day,
            runs,
            "trigger",
            a,
            action=k,
            rung=int(p.catalog.rung[k]),
            target=t,
            deaths=int(tr.deaths[i]),
            senior=int(tr.senior[i]),
            damage=damage,
            belief=belief,
            owned=int(not tr.deniable[i]),
        )
        log_red_lines(state, p, log, day, runs, marks)


def answer_lands(state: State, params: Params, runs: I, actor: int, target: I, rung: I) -> None:
    """An answer that lands, decided or scripted among the initial events (E16: Pakistan's
    strikes two days after Iran's), settles or discharges the answerer's account (M1), honours
    its red line (M8) and forfeits the inducements it was offered to hold off (M10)."""
    discharge_obligation(state, params, runs, actor, target, rung, attack=True)
    honour_red_lines(state, params, runs, actor, target, rung)
    forfeit_inducements(state, params, runs, actor, rung)


def land_due_strikes(state: State, world: World, day: int, log: EventLog) -> None:
    """Scheduled answers whose day has come are carried out (salvos meet the defences, M6)."""
    orders = state.orders
    due = (orders.day == day) & ~state.ended[:, None]
    for actor in np.flatnonzero(due.any(axis=0)):
        runs = np.flatnonzero(due[:, actor])
        orders.day[runs, actor] = -1
        for k in np.unique(orders.action[runs, actor]):
            sub = runs[orders.action[runs, actor] == k]
            carry_out(state, world, day, log, int(actor), int(k), sub, own_initiative=False)


def proxy_strikes(state: State, world: World, day: int, log: EventLog, proxy: int, runs: I) -> None:
    """M5: a proxy's own attacks on its chosen enemy, in ``runs`` (the catalog's
    ``harassment_action``; none if the catalog has no such action)."""
    p = world.params
    k = p.proxies.harassment_action
    if k < 0:
        return
    state.orders.target[runs, proxy] = p.proxies.harass_target[proxy]
    state.orders.lead[runs, proxy] = 0
    state.orders.warned[runs, proxy] = False
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
    cat, eng = p.catalog, p.engagement
    stocks = state.arsenals.stocks
    striker = int(executor(p, np.array([actor]), bool(cat.via_proxy[k]))[0])
    package = eng.packages[striker, k]
    if package.sum() > 0:
        # A salvo needs munitions: with none left, the strike does not happen.
        runs = runs[(stocks[runs, striker] * (package > 0)).sum(axis=1) > 0]
        if len(runs) == 0:
            return
    target = state.orders.target[runs, actor]
    lead = state.orders.lead[runs, actor]
    warned = state.orders.warned[runs, actor]
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
    tag = f"{p.actors[actor]}:{cat.names[k]}"
    if package.sum() > 0:
        launched = np.minimum(package[None, :], stocks[runs, striker])
        stocks[runs, striker] -= launched
        size = launched.sum(axis=1)
        for t in np.unique(target):
            at = target == t
            sub = runs[at]
            res = strike_defences(
                eng,
                state.arsenals,
                world.streams,
                day,
                sub,
                int(t),
                launched[at],
                np.where(warned[at], 24.0 * lead[at], 0.0),  # M3: lead in hours
                int(cat.target_class[k]),
                tag,
            )
            deaths[at] = res.deaths
            damage[at] = res.damage
            leaked[at] = res.leaked.sum(axis=1)
            intercepted[at] = res.killed
            attack_cost[at] = res.attack_cost
            defence_cost[at] = res.defence_cost
            used[at] = res.interceptors_used.sum(axis=1)
            rate = res.interception_rate
            flew = np.isfinite(rate)
            landed[at] = np.where(flew, 1.0 - np.nan_to_num(rate), 0.0)
            learn_from_salvo(state, p, sub[flew], actor, rate[flew])
    else:
        sub_streams = world.streams.subset(runs)
        deaths = sub_streams.poisson(day, f"deaths:{tag}", np.full(n, cat.casualties[k]))
        senior = sub_streams.poisson(day, f"senior:{tag}", np.full(n, cat.senior[k]))
        deaths = deaths + senior  # senior figures killed are among the dead
        damage = np.full(n, cat.damage[k])
    unacknowledged = ~cat.overt[k] | state.orders.unacknowledged[runs, actor]
    blow = Blow(
        runs=runs,
        striker=np.full(n, striker),
        answerer=np.full(n, actor),
        target=target,
        action=np.full(n, k),
        rung=np.full(n, cat.rung[k]),
        deaths=deaths,
        senior=senior,
        damage=damage,
        soil=cat.soil[k] & p.cast.home_soil[target],
        landed=landed,
        deniable=unacknowledged,
        answer=not own_initiative,
        blame=p.perception.attribution_to_patron[runs],
    )
    marks = red_line_marks(state, runs)
    if not own_initiative:
        answer_lands(state, p, runs, actor, target, blow.rung)
    belief = suffer(state, world, day, blow, tag)
    kind = "harassment" if own_initiative else "strike"
    log.add(
        day,
        runs,
        kind,
        striker,
        action=k,
        rung=int(cat.rung[k]),
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
        belief=belief,
        owned=(~unacknowledged).astype(np.int64),
    )
    log_red_lines(state, p, log, day, runs, marks)
    if not own_initiative:
        ending.maybe_declare_end(state, p, world.streams, day, log, runs, actor, target)
    thresholds.war_begins(state, p, day, log, runs, blow.rung, striker, target)


def suffer(state: State, world: World, day: int, blow: Blow, tag: str) -> F:
    """The victim perceives a blow and takes its grievance (M1, M5, M7, M8, M9, M11), and
    learns from it about the culprit's resolve (M14). Returns the victim's new belief that the
    culprit is resolute."""
    p = world.params
    runs = blow.runs
    deniable = blow.deniable
    culprit = attributed_culprit(
        p, world.streams, day, runs, blow.striker, deniable, tag, blow.blame
    )
    seen = misperceived_rung(p, world.streams, day, runs, blow.rung, tag) * felt_share(
        p, runs, blow.landed
    )
    # An unacknowledged blow by a state can be played down (Isfahan, E8); a proxy's attack is
    # felt in full by its victim, whoever gets the blame.
    share = played_down_share(p, runs, deniable & (p.cast.patron[blow.striker] < 0))
    felt = seen * share
    g = blow_grievance(p, runs, seen, blow.soil, blow.deaths, blow.senior, blow.damage) * share
    if blow.answer:
        g = g * answered_share(state, p, runs, blow.target, culprit, blow.rung)
    state.grievances.add(runs, blow.target, culprit, g)
    state.grievances.received_rung[runs, blow.target, culprit] = blow.rung
    state.grievances.felt[runs, blow.target, culprit] = felt
    state.struck[runs] = True
    belief = update_resolve_belief(
        state, p, runs, blow.target, culprit, blow_evidence(p, runs, felt)
    )
    alliance_obligation(state, p, runs, blow.target, culprit, g)
    cross_red_lines(state, p, day, runs, culprit, blow.target, blow.rung)
    hardliner_drift(state, p, runs, blow.target, blow.rung)
    return belief
