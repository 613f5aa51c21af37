"""M7 Restraint and backing by allies and great powers.

Statements (``statements:``) come into force on their day. Restraint urged by an actor's own
defenders is leverage: it costs the actor, on its own, for every rung from
``restraint_from_rung`` up; restraint urged by others is pressure on the danger of those rungs
(``restraint_weight``). Backing promised makes escalation cheaper (``backing_weight``); allies
committed to join an offensive (``join_offensive``) make the high rungs cheaper and take a
share of a blow on their protégé as their own; allies pledged to defend it (``defend``) take
``defender_share`` of the rest on its account, which they answer with pressure only (up to
``on_behalf_max_rung``). See docs/model/M7-restraint-and-backing.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import (
    ROLES,
    B,
    Cast,
    F,
    I,
    draw_param,
    indices,
    model_draw,
    stacked,
)
from escalade.engine.rng import Streams
from escalade.scenario.schema import Role, Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State


@dataclass(frozen=True)
class Statements:
    """Restraint and backing statements, each in force from its day."""

    by: I
    toward: I
    restraint: B  # True: restraint; False: backing
    strength: F  # (R, n)
    from_day: I


@dataclass(frozen=True)
class BackingParams:
    """M7 parameters."""

    statements: Statements
    defend: F  # (R, A, A) [ally, protégé] pledge to defend (M3, M6)
    join_offensive: F  # (R, A, A) [ally, protégé], before any restraint statement
    obligations: dict[tuple[int, int], tuple[F, F]]  # (ally, protégé) that joins or defends
    #   it in some run -> (R,) shares of a blow on it taken on the ally's own account and (R,)
    #   on the protégé's (:func:`alliance_obligation`)
    restraint_weight: F  # (R,)
    restraint_from_rung: int
    backing_weight: F  # (R,)
    on_behalf_max_rung: int

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> BackingParams:
        runs, n_a = streams.runs, cast.n
        defend = np.zeros((runs, n_a, n_a))
        join = np.zeros((runs, n_a, n_a))
        for k, rel in enumerate(scenario.relations):
            if rel.kind == "alliance":
                a, b = cast.index(rel.between[0]), cast.index(rel.between[1])
                defend[:, a, b] = draw_param(streams, rel.defend, f"relations.{k}.defend")
                join[:, a, b] = draw_param(
                    streams, rel.join_offensive, f"relations.{k}.join_offensive"
                )
        sts = scenario.statements
        statements = Statements(
            by=indices([cast.index(st.by) for st in sts]),
            toward=indices([cast.index(st.toward) for st in sts]),
            restraint=np.array([st.kind == "restraint" for st in sts], dtype=np.bool_),
            strength=stacked(
                [
                    draw_param(streams, st.strength, f"statements.{k}.strength")
                    for k, st in enumerate(sts)
                ],
                runs,
            ),
            from_day=indices([st.from_day for st in sts]),
        )
        return cls(
            statements=statements,
            defend=defend,
            join_offensive=join,
            obligations=_obligations(join, defend, model_draw(scenario, streams, "defender_share")),
            restraint_weight=model_draw(scenario, streams, "restraint_weight"),
            restraint_from_rung=scenario.model.restraint_from_rung,
            backing_weight=model_draw(scenario, streams, "backing_weight"),
            on_behalf_max_rung=scenario.model.on_behalf_max_rung,
        )


def _obligations(join: F, defend: F, defender_share: F) -> dict[tuple[int, int], tuple[F, F]]:
    """M7: per (ally, protégé) pair that joins or defends in some run, the shares of a blow on
    the protégé the ally takes on its own account (``join``) and on the protégé's
    (``(1 - join) x defender_share x defend``)."""
    out: dict[tuple[int, int], tuple[F, F]] = {}
    if not len(join):
        return out
    for ally, protege in np.argwhere(np.maximum(join, defend).max(axis=0) > 0):
        j = np.ascontiguousarray(join[:, ally, protege])
        out[int(ally), int(protege)] = (j, (1.0 - j) * defender_share * defend[:, ally, protege])
    return out


@dataclass
class Backing:
    """M7 state: what has been urged on or promised to each actor so far."""

    restraint: F  # (R, A) restraint urged on each actor by others than its defenders
    leverage: F  # (R, A) restraint urged on each actor by those pledged to defend it
    backing: F  # (R, A) backing promised to each actor

    @classmethod
    def initial(cls, params: BackingParams, runs: int, actors: int) -> Backing:
        return cls(
            restraint=np.zeros((runs, actors)),
            leverage=np.zeros((runs, actors)),
            backing=np.zeros((runs, actors)),
        )


def statements_in_force(state: State, params: Params, day: int) -> None:
    """M7 Restraint and backing: set what is in force from ``day`` on.

    Statements made so far (``from_day <= day``) compose by a documented rule, not by the
    maximum. A restraint statement of strength s by X toward Y splits by X's pledge to defend
    Y (``defend``): ``s x defend x (1 - join_offensive)`` is *leverage* (X puts its defence of
    Y at risk; an ally committed to join Y's offensive has little of it) and ``s x (1 -
    defend)`` is *pressure*; each sums over the statements toward Y (Russia's call adds to the
    US's, never drowned by the stronger one). Backing promised composes as ``1 - prod(1 -
    strength)`` (it removes a share of the cost, so it saturates at 1).
    """
    st = params.backing.statements
    b = state.backing
    b.restraint[:] = 0.0
    b.leverage[:] = 0.0
    b.backing[:] = 0.0
    for k in np.flatnonzero(st.from_day <= day):
        by, t, strength = st.by[k], st.toward[k], st.strength[:, k]
        if st.restraint[k]:
            pledge = params.backing.defend[:, by, t]
            joins = params.backing.join_offensive[:, by, t]
            b.restraint[:, t] += strength * (1.0 - pledge)
            b.leverage[:, t] += strength * pledge * (1.0 - joins)
        else:
            b.backing[:, t] = 1.0 - (1.0 - b.backing[:, t]) * (1.0 - strength)


def alliance_obligation(state: State, params: Params, runs: I, victim: I, culprit: I, g: F) -> None:
    """M7: an ally takes a share of a blow on its protégé as a grievance against the culprit.

    What it would join (``join_offensive``) is its own; of the rest, ``defender_share x
    defend`` is held on the protégé's account, which the ally answers with pressure only
    (:func:`escalade.engine.calculus.answer_utility`): the US sanctions on Iran after Abqaiq
    (2019) and after 13 April 2024, not strikes."""
    state_culprit = params.cast.role[culprit] == ROLES.index(Role.STATE)  # pressure's target
    on_protege: dict[int, I] = {}
    for (ally, protege), (join, behalf) in params.backing.obligations.items():
        if protege not in on_protege:
            on_protege[protege] = np.flatnonzero(victim == protege)
        rows = on_protege[protege]
        rows = rows[culprit[rows] != ally]
        if not len(rows):
            continue
        r, c, states = runs[rows], culprit[rows], state_culprit[rows]
        shares = [(join[r], False)]
        if states.any():
            shares.append((behalf[r] * states, True))
        for share, partners in shares:
            hit = share > 0
            if hit.any():
                state.grievances.add(r[hit], ally, c[hit], share[hit] * g[rows][hit], partners)


def offensive_commitment(params: Params, runs: I, actor: int) -> F:
    """M7: (n,) how far the actor's allies are committed to join its offensive, composed over
    allies as ``1 - prod(1 - join_offensive)``."""
    join = params.backing.join_offensive[runs, :, actor]  # (n, allies)
    return 1.0 - np.prod(1.0 - join, axis=1)


def ally_effect(state: State, params: Params, runs: I, actor: int) -> F:
    """M7: (n, K) multiplier on the danger of each answer (its expected counter-escalation
    cost). Pressure (restraint urged by others than the actor's defenders) makes rungs from
    ``restraint_from_rung`` up dearer, ``1 + restraint_weight x restraint``; allies committed
    to join the offensive (:func:`offensive_commitment`) share the war, so those rungs are
    cheaper by ``1 - backing_weight x join``; backing promised makes every rung cheaper,
    ``1 - backing_weight x backing``: a patron's commitment emboldens its client."""
    m = params.backing
    high = params.catalog.rung[None, :] >= m.restraint_from_rung
    pressure = 1.0 + m.restraint_weight[runs] * state.backing.restraint[runs, actor]
    shared = 1.0 - m.backing_weight[runs] * offensive_commitment(params, runs, actor)
    backing = 1.0 - m.backing_weight[runs] * state.backing.backing[runs, actor]
    return np.where(high, (pressure * shared)[:, None], 1.0) * backing[:, None]


def signalling_share(params: Params, runs: I, actor: int) -> F:
    """M7: (n, K) the share of each answer that is a signal, and so is sized to the grievance
    (M2's overshoot). On the rungs its allies would join (from ``restraint_from_rung`` up) an
    offensive is, for the share ``join`` (:func:`offensive_commitment`), a joint campaign for
    damage limitation rather than a signal (Kahn's counterforce), and overshooting the
    grievance costs only ``1 - join`` of what it costs a lone answer."""
    high = params.catalog.rung[None, :] >= params.backing.restraint_from_rung
    join = offensive_commitment(params, runs, actor)
    return np.where(high, 1.0 - join[:, None], 1.0)


def restraint_cost(state: State, params: Params, runs: I, actor: int) -> F:
    """M7: (n, K) what defying restraint urged by its own defenders costs an actor, on its
    own (not through the danger of counter-escalation): each rung from
    ``restraint_from_rung`` up costs ``restraint_weight x leverage x signal_value``
    (:func:`statements_in_force`: the defender's pledge is what it puts at risk). Leverage 1
    takes back the credibility each rung above the line would restore."""
    m = params.backing
    over = np.maximum(params.catalog.rung[None, :] - m.restraint_from_rung + 1, 0)
    urged = state.backing.leverage[runs, actor] * m.restraint_weight[runs]
    return (urged * params.calibration.signal_value[runs])[:, None] * over
