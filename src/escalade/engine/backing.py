"""M7 Restraint and backing by allies and great powers.

Statements (``statements:``) come into force on their day: a restraint statement toward an
actor makes its high rungs dearer (``restraint_weight``, from ``restraint_from_rung``); backing
makes escalation cheaper (``backing_weight``). An ally takes a share (``join_offensive``) of a
blow on its protégé as its own, lowered by its own restraint statement ("will not join an
offensive"). See docs/model/M7-restraint-and-backing.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import B, Cast, F, I, draw_param, indices, model_draw, stacked
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

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
    allies: I  # actors that take a share of blows on a protégé
    restraint_weight: F  # (R,)
    restraint_from_rung: int
    backing_weight: F  # (R,)

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
            allies=np.flatnonzero(join.max(axis=(0, 2)) > 0) if runs else np.zeros(0, np.int64),
            restraint_weight=model_draw(scenario, streams, "restraint_weight"),
            restraint_from_rung=scenario.model.restraint_from_rung,
            backing_weight=model_draw(scenario, streams, "backing_weight"),
        )


@dataclass
class Backing:
    """M7 state: what has been urged on or promised to each actor so far."""

    restraint: F  # (R, A) restraint urged on each actor
    backing: F  # (R, A) backing promised to each actor
    join_offensive: F  # (R, A, A) share of a blow on a protégé an ally takes as its own

    @classmethod
    def initial(cls, params: BackingParams, runs: int, actors: int) -> Backing:
        return cls(
            restraint=np.zeros((runs, actors)),
            backing=np.zeros((runs, actors)),
            join_offensive=params.join_offensive.copy(),
        )


def statements_in_force(state: State, params: Params, day: int) -> None:
    """M7 Restraint and backing: set what is in force from ``day`` on.

    Statements made so far (``from_day <= day``) compose by a documented rule: restraint urged
    on an actor is the *sum* of the strengths of the restraint statements toward it (each
    pressure acts on its own: Russia's call adds to the US's, never drowned by the stronger
    one); backing promised composes as ``1 - prod(1 - strength)`` (it removes a share of the
    cost, so it saturates at 1); a restraining ally ("will not join an offensive") takes a blow
    on its client as its own only by ``join_offensive x (1 - strength)``.
    """
    st = params.backing.statements
    b = state.backing
    b.restraint[:] = 0.0
    b.backing[:] = 0.0
    b.join_offensive[:] = params.backing.join_offensive
    for k in np.flatnonzero(st.from_day <= day):
        t, strength = st.toward[k], st.strength[:, k]
        if st.restraint[k]:
            b.restraint[:, t] = b.restraint[:, t] + strength
            b.join_offensive[:, st.by[k], t] *= 1.0 - strength
        else:
            b.backing[:, t] = 1.0 - (1.0 - b.backing[:, t]) * (1.0 - strength)


def alliance_obligation(state: State, params: Params, runs: I, victim: I, culprit: I, g: F) -> None:
    """M7: an ally takes a share (``join_offensive``) of a blow on its protégé as its own.

    A restraint statement by the ally toward its protégé ("will not join an offensive")
    lowers that share from the day it is made (:func:`statements_in_force`).
    """
    for ally in params.backing.allies:
        share = state.backing.join_offensive[runs, ally, victim]
        hit = (share > 0) & (culprit != ally)
        if hit.any():
            r, c = runs[hit], culprit[hit]
            state.grievances.grievance[r, ally, c] += share[hit] * g[hit]


def backing_in_force(state: State, runs: I, actor: int) -> F:
    """M7: (n,) the backing an actor can count on: promises made to it and its allies'
    commitment to join an offensive, composed as ``1 - (1 - backing) x prod(1 - join)``."""
    join = state.backing.join_offensive[runs, :, actor]  # (n, allies)
    return 1.0 - (1.0 - state.backing.backing[runs, actor]) * np.prod(1.0 - join, axis=1)


def ally_effect(state: State, params: Params, runs: I, actor: int) -> F:
    """M7: (n, K) multiplier on the cost of each answer: restraint urged on the actor makes
    rungs from ``restraint_from_rung`` up dearer (``1 + restraint_weight x restraint``); backing
    in force (:func:`backing_in_force`) makes every rung cheaper (``1 - backing_weight x
    backing``): a patron's commitment emboldens its client."""
    m = params.backing
    high = params.catalog.rung[None, :] >= m.restraint_from_rung
    urged = state.backing.restraint[runs, actor][:, None]
    restraint = 1.0 + m.restraint_weight[runs][:, None] * urged
    backing = 1.0 - m.backing_weight[runs] * backing_in_force(state, runs, actor)
    return np.where(high, restraint, 1.0) * backing[:, None]
