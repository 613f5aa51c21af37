"""What stays fixed during a batch: compiled parameters, random streams and the policies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from escalade.engine.decision import Policy
from escalade.engine.params import Params
from escalade.engine.rng import Streams


@dataclass(frozen=True)
class World:
    """Parameters, random streams, and one policy per deciding actor (by actor index)."""

    params: Params
    streams: Streams
    policies: Mapping[int, Policy]
