"""M11 Misperception: a signal is not always read as intended.

The victim reads a blow's size with noise (``perception_noise``, a share of its rung), and a
deniable blow carried out by a proxy is blamed on its patron with probability
``attribution_to_patron`` (M5). See docs/model/M11-misperception.md.
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


@dataclass(frozen=True)
class PerceptionParams:
    """M11 parameters, each (R,)."""

    noise: F
    attribution_to_patron: F

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> PerceptionParams:
        return cls(
            noise=model_draw(scenario, streams, "perception_noise"),
            attribution_to_patron=model_draw(scenario, streams, "attribution_to_patron"),
        )


def misperceived_rung(
    params: Params, streams: Streams, day: int, runs: I, rung: I | int, tag: str
) -> F:
    """M11 Misperception: the victim reads a blow's size with noise (limited, or a war opening?):
    ``max(rung x (1 + perception_noise x N(0, 1)), 0)``."""
    noise = params.perception.noise[runs] * streams.subset(runs).normal(day, f"perceive:{tag}")
    return np.maximum(np.asarray(rung, dtype=np.float64) * (1.0 + noise), 0.0)


def attributed_culprit(
    params: Params,
    streams: Streams,
    day: int,
    runs: I,
    striker: I | int,
    deniable: B | bool,
    tag: str,
    blame: F,
) -> I:
    """M11/M5 Attribution: a deniable blow by a proxy is blamed on its patron, or on the proxy.

    An overt blow is always blamed on the striker; a deniable one carried out by a proxy is
    blamed on the patron with probability ``blame`` (per run: ``attribution_to_patron``, or
    an initial event's own ``blamed_on_patron``).
    """
    striker_arr = np.broadcast_to(np.asarray(striker, dtype=np.int64), runs.shape)
    patron = params.cast.patron[striker_arr]
    u = streams.subset(runs).uniform(day, f"attribute:{tag}")
    to_patron = (patron >= 0) & np.asarray(deniable) & (u < blame)
    return np.where(to_patron, patron, striker_arr)
