"""M14 Learning: each exchange teaches both sides about the other's defences and resolve.

*Defences.* Every attacker starts believing the defences stop ``initial_interception_belief`` of
a salvo and moves its belief toward each salvo's interception rate by ``learning_rate``; the
calculus expects a strike on territory to be felt by that much less (M3, M6).

*Resolve.* Each actor holds, for every other, the probability that it is *resolute* (answers
blows, escalates if pressed) rather than *yielding*: two types, a prior from the scenario
(``reputation``, else ``model.resolve_prior``), updated by Bayes' rule. A blow felt at rung
``f`` multiplies the odds by ``exp(belief_signal x (f - belief_pivot_rung) / top rung)``: a big
blow that lands is a costly signal of resolve, an intercepted or played-down one points the other
way; talk multiplies them by ``exp(belief_talk x rung)`` and a declared end by
``exp(-belief_talk)`` (cheap talk moves beliefs little). The calculus expects a resolute
adversary's full counter-escalation risk and ``yielding_risk`` of it from a yielding one. See
docs/model/M14-learning.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import Cast, F, I, draw_param, model_draw
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import State


@dataclass(frozen=True)
class LearningParams:
    """M14 parameters, each (R,)."""

    initial_belief: F
    rate: F
    prior: F  # (R, A) prior that each actor is resolute, as others see it
    signal: F  # (R,) belief_signal
    pivot: F  # (R,) belief_pivot_rung
    talk: F  # (R,) belief_talk
    yielding_risk: F  # (R,)

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> LearningParams:
        return cls(
            initial_belief=model_draw(scenario, streams, "initial_interception_belief"),
            rate=model_draw(scenario, streams, "learning_rate"),
            prior=_priors(scenario, streams, cast),
            signal=model_draw(scenario, streams, "belief_signal"),
            pivot=model_draw(scenario, streams, "belief_pivot_rung"),
            talk=model_draw(scenario, streams, "belief_talk"),
            yielding_risk=model_draw(scenario, streams, "yielding_risk"),
        )


def _priors(scenario: Scenario, streams: Streams, cast: Cast) -> F:
    default = model_draw(scenario, streams, "resolve_prior")
    out = np.repeat(default[:, None], cast.n, axis=1)
    for i, (aid, actor) in enumerate(scenario.actors.items()):
        if actor.reputation is not None:
            out[:, i] = draw_param(streams, actor.reputation, f"actors.{aid}.reputation")
    return out


def initial_beliefs(params: LearningParams, actors: int) -> F:
    """M14 state: (R, A) what each attacker believes the defences stop, at the start."""
    return np.repeat(params.initial_belief[:, None], actors, axis=1)


def learn_from_salvo(
    state: State, params: Params, runs: I, attacker: int, interception_rate: F
) -> None:
    """M14 Learning: an attacker updates what it believes the defences stop after each salvo:
    ``belief <- (1 - learning_rate) x belief + learning_rate x interception rate``."""
    rate = params.learning.rate[runs]
    old = state.belief_interception[runs, attacker]
    state.belief_interception[runs, attacker] = (1.0 - rate) * old + rate * interception_rate


def initial_resolve_beliefs(params: LearningParams, actors: int) -> F:
    """M14 state: (R, A, A) what each actor believes of each other's resolve, at the start."""
    return np.repeat(params.prior[:, None, :], actors, axis=1).copy()


def update_resolve_belief(
    state: State, params: Params, runs: I, observer: I, observed: I, log_ratio: F
) -> F:
    """M14: Bayes' rule on the odds that ``observed`` is resolute, as ``observer`` sees it,
    given evidence with log likelihood ratio ``log_ratio`` (resolute vs yielding). Returns the
    posterior."""
    b = np.clip(state.resolve_belief[runs, observer, observed], 1e-9, 1 - 1e-9)
    odds = b / (1.0 - b) * np.exp(log_ratio)
    post = odds / (1.0 + odds)
    state.resolve_belief[runs, observer, observed] = post
    return post


def blow_evidence(params: Params, runs: I, felt: F) -> F:
    """M14: log likelihood ratio of a blow felt at rung ``felt``: costly signals above the pivot
    point to resolve, smaller ones (intercepted, played down, symbolic) to restraint."""
    m = params.learning
    return m.signal[runs] * (felt - m.pivot[runs]) / max(params.ladder_top, 1)


def talk_evidence(params: Params, runs: I, rung: I | F) -> F:
    """M14: log likelihood ratio of talk at ``rung`` (a declared end, rung 0, counts -1 rung)."""
    r = np.asarray(rung, dtype=np.float64)
    return params.learning.talk[runs] * np.where(r > 0, r, -1.0)


def expected_risk_share(state: State, params: Params, runs: I, actor: int, target: I) -> F:
    """M14: (n,) the counter-escalation risk the actor expects from its target given its belief:
    ``b + (1 - b) x yielding_risk`` of a resolute adversary's."""
    b = state.resolve_belief[runs, actor, target]
    return b + (1.0 - b) * params.learning.yielding_risk[runs]
