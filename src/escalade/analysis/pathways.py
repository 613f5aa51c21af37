"""The commonest escalation pathways of an ensemble, with Wilson intervals on their shares.

A run's ``pathway`` (an outcome column) lists its first actions as ``ACTOR:rung > ACTOR:rung``
(at most :data:`escalade.engine.simulate.PATHWAY_STEPS` of them). Grouping runs by that
string, or by a coarser view of it, gives the commonest sequences of moves:

- ``steps``: keep only the first ``steps`` moves (compare openings);
- ``min_rung``: drop moves below a rung (e.g. 5 keeps overt strikes and hides the steady
  proxy harassment at rung 4 that otherwise splits every pathway into variants);
- ``merge_repeats``: merge consecutive identical moves (``HEZ:4 > HEZ:4`` becomes ``HEZ:4``).

Each pathway's share is a binomial proportion over all runs of the ensemble; its interval is
Wilson's (see :func:`escalade.analysis.stats.wilson`). The shares of the pathways shown do not
sum to one when the table is cut at ``top``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyarrow as pa

from escalade.analysis.stats import CONFIDENCE, wilson
from escalade.scenario.schema import Scenario

NO_ACTION = "(no action)"
"""Label of runs in which nobody acted (after the view's filters)."""
SEP = " > "


@dataclass(frozen=True)
class Move:
    """One step of a pathway: who acted and on which rung."""

    actor: str
    rung: int

    def __str__(self) -> str:
        return f"{self.actor}:{self.rung}"


def parse_pathway(text: str) -> list[Move]:
    """``"IRN:8 > ISR:7"`` as a list of moves (empty for the empty string)."""
    moves = []
    for part in filter(None, (p.strip() for p in text.split(">"))):
        actor, sep, rung = part.rpartition(":")
        if not sep or not actor or not rung.lstrip("-").isdigit():
            raise ValueError(f"not a pathway step: '{part}' (expected ACTOR:rung)")
        moves.append(Move(actor, int(rung)))
    return moves


def view(
    text: str, steps: int | None = None, min_rung: int = 0, merge_repeats: bool = False
) -> str:
    """A pathway string seen coarsely: moves at or above ``min_rung``, repeats merged, cut."""
    moves = [m for m in parse_pathway(text) if m.rung >= min_rung]
    if merge_repeats:
        moves = [m for i, m in enumerate(moves) if i == 0 or m != moves[i - 1]]
    if steps is not None:
        moves = moves[:steps]
    return SEP.join(map(str, moves)) if moves else NO_ACTION


@dataclass(frozen=True)
class PathwayShare:
    """A pathway, how many runs followed it, and its share with a Wilson interval."""

    pathway: str
    count: int
    runs: int
    low: float
    high: float

    @property
    def share(self) -> float:
        return self.count / self.runs if self.runs else float("nan")

    @property
    def moves(self) -> list[Move]:
        return [] if self.pathway == NO_ACTION else parse_pathway(self.pathway)

    def as_dict(self) -> dict[str, object]:
        return {
            "pathway": self.pathway,
            "count": self.count,
            "runs": self.runs,
            "p": self.share,
            "low": self.low,
            "high": self.high,
        }


def common_pathways(
    outcomes: pa.Table,
    top: int = 10,
    steps: int | None = None,
    min_rung: int = 0,
    merge_repeats: bool = False,
    confidence: float = CONFIDENCE,
) -> list[PathwayShare]:
    """The ``top`` commonest pathways (most frequent first; ties in alphabetical order)."""
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    texts = outcomes["pathway"].to_pylist()
    counts = Counter(view(t or "", steps, min_rung, merge_repeats) for t in texts)
    n = len(texts)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [PathwayShare(p, k, n, *wilson(k, n, confidence)) for p, k in ranked]


def describe(pathway: str, scenario: Scenario) -> str:
    """A pathway in words: ``Iran: large direct salvo on military targets (8), then ...``."""
    if pathway == NO_ACTION or not pathway:
        return "nobody acts"
    names = {r.level: r.name for r in scenario.ladder}
    parts = []
    for m in parse_pathway(pathway):
        actor = scenario.actors.get(m.actor)
        who = actor.name if actor is not None and actor.name else m.actor
        parts.append(f"{who}: {names.get(m.rung, f'rung {m.rung}')} ({m.rung})")
    return ", then ".join(parts)
