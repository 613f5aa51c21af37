"""M14 Learning: each exchange teaches the attacker what the defences stop.

Every attacker starts believing the defences stop ``initial_interception_belief`` of a salvo and
moves its belief toward each salvo's interception rate by ``learning_rate``; in the calculus a
strike on territory loses ``interception_signal_loss x belief`` of its signal value. See
docs/model/M14-learning.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import Cast, F, I, model_draw
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
    signal_loss: F

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> LearningParams:
        return cls(
            initial_belief=model_draw(scenario, streams, "initial_interception_belief"),
            rate=model_draw(scenario, streams, "learning_rate"),
            signal_loss=model_draw(scenario, streams, "interception_signal_loss"),
        )


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


def learnt_discount(state: State, params: Params, runs: I, actor: int) -> F:
    """M14: (n, K) the share of signal value each answer keeps given what the actor has learnt:
    strikes on territory lose ``interception_signal_loss x belief``; other answers keep all."""
    meets_defences = params.catalog.strike & params.catalog.soil
    return (
        1.0
        - (params.learning.signal_loss[runs] * state.belief_interception[runs, actor])[:, None]
        * meets_defences[None, :]
    )
