"""M1 Retaliation obligation: a blow leaves its victim a grievance against the striker.

The grievance (in rungs) grows with the blow's perceived rung, weighs more on the victim's own
soil, grows with senior figures killed, deaths and damage; it fades with time and is
discharged by an answer. A leader with a grievance convenes on a day with probability
``decision_rate``. See docs/model/M1-retaliation-obligation.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import B, Cast, F, I, model_draw
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State


@dataclass(frozen=True)
class RetaliationParams:
    """M1 parameters, each (R,) unless noted."""

    resolve: F  # (R, A) weight on credibility
    rung_weight: F
    soil_weight: F
    senior_weight: F
    casualty_weight: F
    casualty_unit: F
    damage_weight: F
    damage_unit: F
    intercepted_weight: F
    deniable_weight: F
    discharge: F
    settle_ratio: F
    answered_weight: F
    answered_margin: F
    grievance_decay: F
    obligation_pressure: F
    decision_rate: F

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> RetaliationParams:
        def m(name: str) -> F:
            return model_draw(scenario, streams, name)

        return cls(
            resolve=cast.per_actor(scenario, streams, "resolve"),
            rung_weight=m("rung_weight"),
            soil_weight=m("soil_weight"),
            senior_weight=m("senior_weight"),
            casualty_weight=m("casualty_weight"),
            casualty_unit=m("casualty_unit"),
            damage_weight=m("damage_weight"),
            damage_unit=m("damage_unit"),
            intercepted_weight=m("intercepted_weight"),
            deniable_weight=m("deniable_weight"),
            discharge=m("discharge"),
            settle_ratio=m("settle_ratio"),
            answered_weight=m("answered_weight"),
            answered_margin=m("answered_margin"),
            grievance_decay=m("grievance_decay"),
            obligation_pressure=m("obligation_pressure"),
            decision_rate=m("decision_rate"),
        )


@dataclass
class Grievances:
    """M1 state: who holds what against whom.

    The grievances are kept pair-major, ``by_pair`` (A, A, R): each (victim, culprit) pair's
    runs are contiguous, and ``held`` (A, A) marks the pairs that have held a grievance in some
    run. Every grievance is made by :meth:`add`; anything else only lowers one (an answer, an
    accepted end, a proxy held back), so a pair never held is zero in every run and the daily
    fading and the ending test touch only the held pairs (a few of the A x A).
    """

    by_pair: F  # (A, A, R) victim x culprit x run, in rungs
    on_behalf: F  # (A, A, R) the part of each grievance held on a partner's account (M7)
    held: B  # (A, A) pairs that have held a grievance in some run
    held_on_behalf: B  # (A, A) pairs that have held some of it on a partner's account
    received_rung: I  # (R, A, A) rung of the last blow the victim took from the culprit
    felt: F  # (R, A, A) felt rung of that blow (misread, intercepted, played down)

    @classmethod
    def initial(cls, runs: int, actors: int) -> Grievances:
        return cls(
            by_pair=np.zeros((actors, actors, runs)),
            on_behalf=np.zeros((actors, actors, runs)),
            held_on_behalf=np.zeros((actors, actors), dtype=np.bool_),
            held=np.zeros((actors, actors), dtype=np.bool_),
            received_rung=np.zeros((runs, actors, actors), dtype=np.int64),
            felt=np.zeros((runs, actors, actors)),
        )

    @property
    def grievance(self) -> F:
        """(R, A, A) victim x culprit, in rungs: a view of ``by_pair`` (reads, and writes that
        lower a grievance; raise one with :meth:`add`)."""
        return self.by_pair.transpose(2, 0, 1)

    def add(
        self,
        runs: I,
        victim: I | int,
        culprit: I | int,
        amount: F | float,
        on_behalf: bool = False,
    ) -> None:
        """``amount`` more grievance of ``victim`` against ``culprit`` in ``runs``; with
        ``on_behalf``, held on a partner's account (M7: answered only with pressure)."""
        self.grievance[runs, victim, culprit] += amount
        if on_behalf:
            self.on_behalf.transpose(2, 0, 1)[runs, victim, culprit] += amount
            self.held_on_behalf[victim, culprit] = True
        self.held[victim, culprit] = True

    def own(self, runs: I, victim: int, culprit: I, g: F) -> F:
        """(n,) the part of the grievance ``g`` of ``victim`` against each run's ``culprit``
        held on its own account: ``g - min(on_behalf, g)``. Answers lower a grievance without
        touching ``on_behalf``, so what they leave is the partner's account first."""
        return g - np.minimum(self.on_behalf[victim, culprit, runs], g)

    def held_pairs(self, among: I | None = None) -> list[tuple[int, int]]:
        """The (victim, culprit) pairs held so far, optionally only those between ``among``."""
        held = self.held
        if among is not None:
            inside = np.zeros(len(held), dtype=np.bool_)
            inside[among] = True
            held = held & inside[:, None] & inside[None, :]
        return [(int(v), int(c)) for v, c in zip(*np.nonzero(held), strict=True)]


def blow_grievance(
    params: Params, runs: I, perceived_rung: F, soil: B | bool, deaths: I, senior: I, damage: F
) -> F:
    """M1 Retaliation obligation: the grievance (in rungs) a blow leaves its victim.

    ``rung_weight x perceived rung x (soil_weight on own soil) + senior_weight x senior killed
    + casualty_weight x log(1 + deaths / casualty_unit) + damage_weight x log(1 + damage /
    damage_unit)``.
    """
    m = params.retaliation
    soil_mult = np.where(soil, m.soil_weight[runs], 1.0)
    return (
        m.rung_weight[runs] * perceived_rung * soil_mult
        + m.senior_weight[runs] * senior
        + m.casualty_weight[runs] * np.log1p(deaths / m.casualty_unit[runs])
        + m.damage_weight[runs] * np.log1p(damage / m.damage_unit[runs])
    )


def felt_share(params: Params, runs: I, landed: F) -> F:
    """M1 with M3/M6: an intercepted salvo weighs less than one that lands.

    A salvo stopped entirely by the defences is felt at ``intercepted_weight`` of its rung;
    the share that gets through is felt in full.
    """
    floor = params.retaliation.intercepted_weight[runs]
    return floor + (1.0 - floor) * np.clip(landed, 0.0, 1.0)


def played_down_share(params: Params, runs: I, played_down: B) -> F:
    """M1/M11: the share of an unacknowledged state's blow its victim feels (``deniable_weight``);
    1 for any other blow (a proxy's attack is felt in full, whoever gets the blame)."""
    return np.where(played_down, params.retaliation.deniable_weight[runs], 1.0)


def discharge_obligation(
    state: State, params: Params, runs: I, actor: I | int, target: I, rung: I, attack: bool
) -> None:
    """M1: an answer settles or discharges the answerer's account with its target.

    An attack at least ``settle_ratio`` x the felt rung of the last blow received from the
    target settles the account: the grievance is closed. Anything smaller (and any talk)
    discharges ``discharge x rung`` of it.
    """
    gr = state.grievances
    g = gr.grievance[runs, actor, target]
    left = np.maximum(g - params.retaliation.discharge[runs] * rung, 0.0)
    if attack:
        settled = rung >= params.retaliation.settle_ratio[runs] * gr.felt[runs, actor, target]
        left = np.where(settled, 0.0, left)
    gr.grievance[runs, actor, target] = left


def answered_share(state: State, params: Params, runs: I, victim: I, culprit: I, rung: I) -> F:
    """M1: the share of an answer's weight felt by the side that struck first: an answer at
    most ``answered_margin`` rungs above the victim's own last blow on the answerer was expected
    ("respond to maintain credibility without inviting a more severe response") and weighs
    ``answered_weight``; a bigger one is felt in full."""
    m = params.retaliation
    own_blow = state.grievances.received_rung[runs, culprit, victim]
    expected = (own_blow > 0) & (rung <= own_blow + m.answered_margin[runs])
    return np.where(expected, m.answered_weight[runs], 1.0)


def decay_grievance(state: State, params: Params) -> None:
    """M1: an unanswered obligation fades by ``grievance_decay`` a day."""
    gr, factor = state.grievances, 1.0 - params.retaliation.grievance_decay
    for victim, culprit in gr.held_pairs():
        gr.by_pair[victim, culprit] *= factor
        if gr.held_on_behalf[victim, culprit]:
            gr.on_behalf[victim, culprit] *= factor


def convenes(params: Params, streams: Streams, day: int) -> B:
    """M1: (R, deciders) whether each deciding actor convenes today (``decision_rate``)."""
    names = [f"convene:{params.cast.actors[a]}" for a in params.deciders]
    return streams.uniforms(day, names) < params.retaliation.decision_rate[:, None]
