"""Compile a scenario into per-run parameter arrays (drawn once per run from counter streams).

``compile_params(scenario, streams)`` turns the pydantic :class:`Scenario` into a
:class:`Params` of numpy arrays with a leading run axis wherever a value may be uncertain.
The engine only ever reads :class:`Params`; it never sees YAML or pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from escalade.engine.rng import PARAMETER_DAY, Streams
from escalade.scenario.distributions import Distribution, Param, draw, mean_of
from escalade.scenario.schema import Role, Scenario

F = NDArray[np.float64]
I = NDArray[np.int64]
B = NDArray[np.bool_]

ROLES: tuple[Role, ...] = tuple(Role)
KINDS = ("deescalate", "statement", "pressure", "covert", "proxy", "strike")


def draw_param(streams: Streams, value: Param, path: str) -> F:
    """One value per run for the parameter at ``path`` (a fixed number is repeated).

    The draw depends only on ``(seed, run_id, path)``: the same run gets the same value in
    any chunk, and two scenarios that share a parameter path share its draws.
    """
    return draw(value, streams.uniform(PARAMETER_DAY, f"param:{path}"))


@dataclass(frozen=True)
class RedLines:
    """Declared thresholds (M8), one entry per red line."""

    holder: I
    crosser: I
    rung_at_least: I
    commits_to_rung: I
    audience_cost: F  # (R, n)
    from_day: I  # day each line is declared


@dataclass(frozen=True)
class Statements:
    """Restraint and backing statements (M7), each in force from its day."""

    by: I
    toward: I
    restraint: B  # True: restraint; False: backing
    strength: F  # (R, n)
    from_day: I


@dataclass(frozen=True)
class Inducements:
    """Inducements on offer (M10), each at stake from its day."""

    to: I
    value: F  # (R, n)
    above_rung: I
    from_day: I


@dataclass(frozen=True)
class Params:
    """Everything the engine reads, as arrays; ``R`` runs, ``A`` actors, ``K`` actions."""

    scenario: Scenario
    actors: tuple[str, ...]
    role: I  # (A,) index into ROLES
    home_soil: B  # (A,) strikes on the actor hit its own soil (M1)
    patron: I  # (A,) -1 if none
    deciders: I  # actors who choose actions (states and proxies)
    control: F  # (R, A)
    harassment_rate: F  # (R, A)
    harass_target: I  # (A,) whom a proxy harasses on its own, -1 none
    resolve: F  # (R, A)
    leader_risk: F  # (R, A)
    war_aversion: F  # (R, A)
    hard_weight: F  # (R, A) total weight of hard-line factions
    hard_risk: F  # (R, A) their weighted risk tolerance
    soft_weight: F  # (R, A)
    soft_risk: F  # (R, A)
    rationality: F  # (R, A)
    lead_days: I  # (A,)
    max_rung: I  # (A,)
    policy_names: tuple[str, ...]
    stakes: F  # (R, A) war-cost multiplier from stakes (M10)
    defend: F  # (R, A, A) [ally, protégé]
    join_offensive: F  # (R, A, A) [ally, protégé], before any restraint statement
    allies: I  # actors that take a share of blows on a protégé (M7)
    channel_delay: I  # (A, A) shortest delay, -1 no channel
    channel_fidelity: F  # (R, A, A)
    channel_via: I  # (A, A) mediator index, -1 direct or none
    statements: Statements
    inducements: Inducements
    change_days: frozenset[int]  # days on which statements or inducements come into force
    red_lines: RedLines
    action_names: tuple[str, ...]
    action_rung: I  # (K,)
    action_kind: I  # (K,) index into KINDS
    action_against: B  # (K, len(ROLES))
    action_overt: B
    action_via_proxy: B
    action_soil: B
    action_forewarnable: B
    action_damage: F
    action_casualties: F
    action_senior: F
    action_target_class: I  # (K,) index into target classes, -1 none
    packages: I  # (A, K, M) munitions fired by each actor for each action
    target_damage: F  # (R, C)
    target_casualties: F  # (R, C)
    ladder_top: int
    m: dict[str, F] = field(default_factory=dict)  # model parameters, each (R,)
    m_int: dict[str, int] = field(default_factory=dict)  # integer model parameters

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    def index(self, actor: str) -> int:
        return self.actors.index(actor)


def compile_params(scenario: Scenario, streams: Streams) -> Params:
    """Draw every uncertain parameter once per run and lay the scenario out as arrays."""
    ids = tuple(scenario.actors)
    a_of = {a: i for i, a in enumerate(ids)}
    n_a = len(ids)
    runs = streams.runs
    munitions = tuple(scenario.munitions)
    classes = tuple(scenario.target_classes)

    def per_actor(getter: str) -> F:
        out = np.zeros((runs, n_a))
        for i, (aid, actor) in enumerate(scenario.actors.items()):
            value: Any = actor
            for part in getter.split("."):
                value = getattr(value, part)
            out[:, i] = draw_param(streams, value, f"actors.{aid}.{getter}")
        return out

    def per_class(name: str) -> F:
        """(R, C): a target-class parameter drawn per run for each class."""
        columns = [
            draw_param(streams, getattr(c, name), f"target_classes.{n}.{name}")
            for n, c in scenario.target_classes.items()
        ]
        return np.stack(columns, axis=1) if columns else np.zeros((runs, 0))

    hard_w = np.zeros((runs, n_a))
    hard_r = np.zeros((runs, n_a))
    soft_w = np.zeros((runs, n_a))
    soft_r = np.zeros((runs, n_a))
    for i, (aid, actor) in enumerate(scenario.actors.items()):
        for fname, fac in actor.factions.items():
            w = draw_param(streams, fac.weight, f"actors.{aid}.factions.{fname}.weight")
            r = draw_param(streams, fac.risk_tolerance, f"actors.{aid}.factions.{fname}.risk")
            if fac.hardline:
                hard_r[:, i] += w * r
                hard_w[:, i] += w
            else:
                soft_r[:, i] += w * r
                soft_w[:, i] += w
    total = hard_w + soft_w
    scale = np.where(total > 1.0, 1.0 / np.maximum(total, 1e-12), 1.0)
    hard_w, soft_w = hard_w * scale, soft_w * scale
    hard_r = np.divide(hard_r, hard_w / scale, out=np.zeros_like(hard_r), where=hard_w > 0)
    soft_r = np.divide(soft_r, soft_w / scale, out=np.zeros_like(soft_r), where=soft_w > 0)

    mp = scenario.model
    m = {
        name: draw_param(streams, value, f"model.{name}")
        for name, value in mp
        if isinstance(value, float | Distribution)
    }
    m_int = {name: value for name, value in mp if isinstance(value, int)}

    oil = per_actor("stakes.oil_exports_bpd")
    stakes = per_actor("stakes.value_at_risk") + m["oil_stakes_weight"][:, None] * oil / 1e6

    defend = np.zeros((runs, n_a, n_a))
    join = np.zeros((runs, n_a, n_a))
    for k, rel in enumerate(scenario.relations):
        if rel.kind == "alliance":
            a, b = a_of[rel.between[0]], a_of[rel.between[1]]
            defend[:, a, b] = draw_param(streams, rel.defend, f"relations.{k}.defend")
            join[:, a, b] = draw_param(streams, rel.join_offensive, f"relations.{k}.join_offensive")

    sts = scenario.statements
    statements = Statements(
        by=np.array([a_of[st.by] for st in sts], dtype=np.int64),
        toward=np.array([a_of[st.toward] for st in sts], dtype=np.int64),
        restraint=np.array([st.kind == "restraint" for st in sts], dtype=np.bool_),
        strength=np.stack(
            [
                draw_param(streams, st.strength, f"statements.{k}.strength")
                for k, st in enumerate(sts)
            ],
            axis=1,
        )
        if sts
        else np.zeros((runs, 0)),
        from_day=np.array([st.from_day for st in sts], dtype=np.int64),
    )
    ins = scenario.inducements
    inducements = Inducements(
        to=np.array([a_of[ind.to] for ind in ins], dtype=np.int64),
        value=np.stack(
            [draw_param(streams, ind.value, f"inducements.{k}.value") for k, ind in enumerate(ins)],
            axis=1,
        )
        if ins
        else np.zeros((runs, 0)),
        above_rung=np.array([ind.above_rung for ind in ins], dtype=np.int64),
        from_day=np.array([ind.from_day for ind in ins], dtype=np.int64),
    )

    delay = np.full((n_a, n_a), -1, dtype=np.int64)
    via = np.full((n_a, n_a), -1, dtype=np.int64)
    fidelity = np.zeros((runs, n_a, n_a))
    for k, ch in enumerate(scenario.channels):
        a, b = a_of[ch.between[0]], a_of[ch.between[1]]
        if delay[a, b] == -1 or ch.delay_days < delay[a, b]:
            f = draw_param(streams, ch.fidelity, f"channels.{k}.fidelity")
            for x, y in ((a, b), (b, a)):
                delay[x, y] = ch.delay_days
                via[x, y] = -1 if ch.via is None else a_of[ch.via]
                fidelity[:, x, y] = f

    rl = scenario.red_lines
    red = RedLines(
        holder=np.array([a_of[r.holder] for r in rl], dtype=np.int64),
        crosser=np.array([a_of[r.trigger.actor] for r in rl], dtype=np.int64),
        rung_at_least=np.array([r.trigger.rung_at_least for r in rl], dtype=np.int64),
        commits_to_rung=np.array([r.commits_to_rung for r in rl], dtype=np.int64),
        from_day=np.array([r.from_day for r in rl], dtype=np.int64),
        audience_cost=np.stack(
            [
                draw_param(streams, r.audience_cost, f"red_lines.{k}.audience_cost")
                for k, r in enumerate(rl)
            ],
            axis=1,
        )
        if rl
        else np.zeros((runs, 0)),
    )

    acts = scenario.actions
    packages = np.zeros((n_a, len(acts), len(munitions)), dtype=np.int64)
    act_of = {a.name: k for k, a in enumerate(acts)}
    for i, actor in enumerate(scenario.actors.values()):
        for action, package in actor.packages.items():
            for mname, count in package.items():
                packages[i, act_of[action], munitions.index(mname)] = count

    hostility = np.zeros((n_a, n_a))
    for rel in scenario.relations:
        if rel.kind == "hostility":
            a, b = a_of[rel.between[0]], a_of[rel.between[1]]
            hostility[a, b] = hostility[b, a] = max(hostility[a, b], mean_of(rel.intensity))
    role = np.array([ROLES.index(a.role) for a in scenario.actors.values()], dtype=np.int64)
    patron = np.array(
        [a_of[a.patron] if a.patron else -1 for a in scenario.actors.values()], dtype=np.int64
    )
    harass_target = np.full(n_a, -1, dtype=np.int64)
    for i in range(n_a):
        if patron[i] >= 0:
            own = hostility[i].copy()
            own[[i, patron[i]]] = 0.0
            enemies = own if own.max() > 0 else hostility[patron[i]].copy()
            enemies[[i, patron[i]]] = 0.0
            if enemies.max() > 0:
                harass_target[i] = int(np.argmax(enemies))

    deciders = np.array(
        [
            i
            for i, a in enumerate(scenario.actors.values())
            if a.role in (Role.STATE, Role.PROXY) and a.policy.name != "none"
        ],
        dtype=np.int64,
    )
    return Params(
        scenario=scenario,
        actors=ids,
        role=role,
        home_soil=np.array([a.strikes_hit_soil for a in scenario.actors.values()]),
        patron=patron,
        deciders=deciders,
        control=per_actor("control"),
        harassment_rate=per_actor("harassment_rate"),
        harass_target=harass_target,
        resolve=per_actor("resolve"),
        leader_risk=per_actor("leader.risk_tolerance"),
        war_aversion=per_actor("leader.war_aversion"),
        hard_weight=hard_w,
        hard_risk=hard_r,
        soft_weight=soft_w,
        soft_risk=soft_r,
        rationality=per_actor("policy.rationality"),
        lead_days=np.array([a.policy.forewarning_lead_days for a in scenario.actors.values()]),
        max_rung=np.array([a.policy.max_rung for a in scenario.actors.values()]),
        policy_names=tuple(a.policy.name for a in scenario.actors.values()),
        stakes=stakes,
        defend=defend,
        join_offensive=join,
        allies=np.flatnonzero(join.max(axis=(0, 2)) > 0) if runs else np.zeros(0, np.int64),
        channel_delay=delay,
        channel_fidelity=fidelity,
        channel_via=via,
        statements=statements,
        inducements=inducements,
        change_days=frozenset({0, *statements.from_day.tolist(), *inducements.from_day.tolist()}),
        red_lines=red,
        action_names=tuple(a.name for a in acts),
        action_rung=np.array([a.rung for a in acts], dtype=np.int64),
        action_kind=np.array([KINDS.index(a.kind) for a in acts], dtype=np.int64),
        action_against=np.array(
            [[r.value in a.against for r in ROLES] for a in acts], dtype=np.bool_
        ),
        action_overt=np.array([a.overt for a in acts]),
        action_via_proxy=np.array([a.via_proxy for a in acts]),
        action_soil=np.array([a.soil for a in acts]),
        action_forewarnable=np.array([a.forewarnable for a in acts]),
        action_damage=np.array([a.damage for a in acts], dtype=np.float64),
        action_casualties=np.array([a.casualties for a in acts], dtype=np.float64),
        action_senior=np.array([a.senior_killed for a in acts], dtype=np.float64),
        action_target_class=np.array(
            [classes.index(a.target_class) if a.target_class in classes else -1 for a in acts],
            dtype=np.int64,
        ),
        packages=packages,
        target_damage=per_class("damage_per_hit"),
        target_casualties=per_class("casualties_per_hit"),
        ladder_top=len(scenario.ladder) - 1,
        m=m,
        m_int=m_int,
    )
