"""The action catalog as arrays (M2 calibration, M12 the ladder): one entry per action k.

Families are read from each action's ``kind`` by name (never by position in a list): the
engine asks "is it talk?", "is it an attack?", not "is its kind index at least 3?".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from escalade.engine.compiled import ROLES, B, F, I, indices
from escalade.scenario.schema import Scenario

TALK_KINDS = frozenset({"statement", "pressure"})
"""Families carried out at once by saying or imposing something (no strike is scheduled)."""
ATTACK_KINDS = frozenset({"covert", "proxy", "strike"})
"""Families a patron may hold its proxy back from (M5)."""


@dataclass(frozen=True)
class Catalog:
    """Every catalog action, by index ``k``."""

    names: tuple[str, ...]
    rung: I  # (K,)
    deescalate: B  # (K,) kind "deescalate": declares the round concluded (M13)
    talk: B  # (K,) kind "statement" or "pressure"
    attack: B  # (K,) kind "covert", "proxy" or "strike"
    strike: B  # (K,) kind "strike"
    against: B  # (K, len(ROLES)) roles of actor the action can target
    overt: B  # (K,)
    via_proxy: B  # (K,)
    soil: B  # (K,)
    forewarnable: B  # (K,)
    deniable: B  # (K,) an overt strike a state may carry out without owning it (M11)
    damage: F  # (K,) mean damage units without a package
    casualties: F  # (K,) mean deaths without a package
    senior: F  # (K,) mean senior figures killed
    target_class: I  # (K,) index into the scenario's target classes, -1 none

    @classmethod
    def compile(cls, scenario: Scenario) -> Catalog:
        acts = scenario.actions
        kinds = [a.kind for a in acts]
        classes = tuple(scenario.target_classes)
        return cls(
            names=tuple(a.name for a in acts),
            rung=indices([a.rung for a in acts]),
            deescalate=np.array([k == "deescalate" for k in kinds], dtype=np.bool_),
            talk=np.array([k in TALK_KINDS for k in kinds], dtype=np.bool_),
            attack=np.array([k in ATTACK_KINDS for k in kinds], dtype=np.bool_),
            strike=np.array([k == "strike" for k in kinds], dtype=np.bool_),
            against=np.array([[r.value in a.against for r in ROLES] for a in acts], dtype=np.bool_),
            overt=np.array([a.overt for a in acts]),
            via_proxy=np.array([a.via_proxy for a in acts]),
            soil=np.array([a.soil for a in acts]),
            forewarnable=np.array([a.forewarnable for a in acts]),
            deniable=np.array([a.deniable for a in acts], dtype=np.bool_),
            damage=np.array([a.damage for a in acts], dtype=np.float64),
            casualties=np.array([a.casualties for a in acts], dtype=np.float64),
            senior=np.array([a.senior_killed for a in acts], dtype=np.float64),
            target_class=indices(
                [classes.index(a.target_class) if a.target_class in classes else -1 for a in acts]
            ),
        )

    @property
    def size(self) -> int:
        return len(self.names)

    def find(self, name: str | None) -> int:
        """Index of the action called ``name``; -1 when the catalog has none (or no name)."""
        return self.names.index(name) if name in self.names else -1
