"""Simple reference policies: tit-for-tat, hawk, dove and red-line."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from escalade.engine.decision import NO_ACTION, Choice, Situation
from escalade.policies.base import Policy, register


@register
class TitForTat(Policy):
    """Answer every blow in kind: the highest available answer not above the rung received."""

    name = "tit_for_tat"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory": "last blow"}

    def choose(self, situation: Situation) -> Choice:
        return Choice.unwarned(situation.answer_at_most(situation.received_rung))


@register
class Hawk(Policy):
    """Escalate: answer one rung above the blow received."""

    name = "hawk"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory": "last blow"}

    def choose(self, situation: Situation) -> Choice:
        return Choice.unwarned(situation.answer_at_most(situation.received_rung + 1))


@register
class Dove(Policy):
    """Never strike back: declare the round concluded instead (M13)."""

    name = "dove"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory": None}

    def choose(self, situation: Situation) -> Choice:
        return Choice.unwarned(situation.declared_end())


@register
class RedLine(Policy):
    """Answer only a crossed red line, exactly at the committed rung (M8); otherwise threaten."""

    name = "red_line"
    classifier: ClassVar[dict[str, Any]] = {"stochastic": False, "memory": "red lines"}

    def choose(self, situation: Situation) -> Choice:
        commitment = situation.appraisal.commitment
        answer = situation.answer_at_most(np.maximum(commitment, 0))
        threat = situation.action("threaten")
        return Choice.unwarned(np.where(commitment >= 0, answer, threat).astype(np.int64))


__all__ = ["NO_ACTION", "Dove", "Hawk", "RedLine", "TitForTat"]
