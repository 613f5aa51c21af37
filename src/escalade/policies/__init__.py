"""How actors decide: one small class per policy (see docs/model/policies.md)."""

from escalade.policies import retaliation, simple
from escalade.policies.base import Choice, Policy, Situation, make_policy, policy_names, register

__all__ = [
    "Choice",
    "Policy",
    "Situation",
    "make_policy",
    "policy_names",
    "register",
    "retaliation",
    "simple",
]
