"""The default: bounded-rational calibrated retaliation, chosen by a logit quantal response."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from escalade.engine.compiled import F
from escalade.engine.decision import Choice, Situation, option_choice
from escalade.policies.base import Policy, register


@register
class CalibratedRetaliation(Policy):
    """Answer to restore credibility, sized against the expected cost of counter-escalation.

    Each option (not answering today, or any available action, unwarned or telegraphed) is
    scored by :func:`escalade.engine.calculus.answer_utility`; the choice is drawn with
    probability proportional to ``exp(rationality x utility)`` (a logit quantal response).
    """

    name = "calibrated_retaliation"
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": True,
        "uses_channels": True,
        "uses_forewarning": True,
        "memory": "grievance",
    }

    @staticmethod
    def weights(situation: Situation) -> F:
        """(n, 1 + 2K) unnormalised choice weights ``exp(rationality x (u - max u))`` of the
        options of :meth:`~escalade.engine.decision.Appraisal.utilities` (0 where closed)."""
        utilities = situation.appraisal.utilities()
        open_ = np.isfinite(utilities)
        scaled = situation.rationality[:, None] * np.where(open_, utilities, 0.0)
        scaled -= np.where(open_, scaled, -np.inf).max(axis=1, keepdims=True)
        return np.where(open_, np.exp(scaled), 0.0)

    @classmethod
    def probabilities(cls, situation: Situation) -> F:
        """(n, 1 + 2K) the probability of each option (waiting first): the advice shown to a
        person playing this actor (``escalade play``)."""
        w = cls.weights(situation)
        return w / w.sum(axis=1, keepdims=True)

    def choose(self, situation: Situation) -> Choice:
        cdf = np.cumsum(self.weights(situation), axis=1)
        u = situation.uniform("logit") * cdf[:, -1]
        pick = np.minimum((cdf < u[:, None]).sum(axis=1), cdf.shape[1] - 1)
        return option_choice(pick)
