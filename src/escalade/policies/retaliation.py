"""The default: bounded-rational calibrated retaliation, chosen by a logit quantal response."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from escalade.policies.base import NO_ACTION, Choice, Policy, Situation, register


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

    def choose(self, situation: Situation) -> Choice:
        ap = situation.appraisal
        n, k = ap.act.shape[0], ap.act.shape[1]
        utilities = np.concatenate([ap.wait[:, None], ap.act.reshape(n, 2 * k)], axis=1)
        open_ = np.isfinite(utilities)
        scaled = situation.rationality[:, None] * np.where(open_, utilities, 0.0)
        scaled -= np.where(open_, scaled, -np.inf).max(axis=1, keepdims=True)
        weights = np.where(open_, np.exp(scaled), 0.0)
        cdf = np.cumsum(weights, axis=1)
        u = situation.uniform("logit") * cdf[:, -1]
        pick = np.minimum((cdf < u[:, None]).sum(axis=1), 2 * k)
        action = np.where(pick == 0, NO_ACTION, (pick - 1) // 2)
        warned = (pick > 0) & ((pick - 1) % 2 == 1)
        return Choice(action=action.astype(np.int64), warned=warned)
