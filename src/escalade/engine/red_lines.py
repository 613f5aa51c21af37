"""M8 Red lines and commitments: declared thresholds that raise the cost of not acting.

A red line ``holder`` / ``if: {actor, rung_at_least}`` / ``commits_to_rung`` is crossed by a
blow at or above its rung from its actor (once declared, ``from_day``); while crossed, the
holder owes ``audience_cost`` for any answer below the committed rung; an answer at or above
it discharges the line. See docs/model/M8-red-lines.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from escalade.engine.compiled import B, Cast, F, I, draw_param, indices, stacked
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import EventLog, State


@dataclass(frozen=True)
class RedLineParams:
    """M8 parameters, one entry per red line."""

    holder: I
    crosser: I
    rung_at_least: I
    commits_to_rung: I
    audience_cost: F  # (R, n)
    from_day: I  # day each line is declared

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> RedLineParams:
        rl = scenario.red_lines
        return cls(
            holder=indices([cast.index(r.holder) for r in rl]),
            crosser=indices([cast.index(r.trigger.actor) for r in rl]),
            rung_at_least=indices([r.trigger.rung_at_least for r in rl]),
            commits_to_rung=indices([r.commits_to_rung for r in rl]),
            from_day=indices([r.from_day for r in rl]),
            audience_cost=stacked(
                [
                    draw_param(streams, r.audience_cost, f"red_lines.{k}.audience_cost")
                    for k, r in enumerate(rl)
                ],
                streams.runs,
            ),
        )

    @property
    def n(self) -> int:
        return len(self.holder)


def initial_crossed(params: RedLineParams, runs: int) -> B:
    """M8 state: (R, red lines) whether each line stands crossed (none at the start)."""
    return np.zeros((runs, params.n), dtype=np.bool_)


def cross_red_lines(
    state: State, params: Params, day: int, runs: I, culprit: I, victim: I, rung: I
) -> None:
    """M8 Red lines: a blow at or above a declared threshold crosses the holder's line (once the
    line has been declared, and unless it has already been honoured: a line honoured once is
    discharged for good, not re-armed by each blow)."""
    red = params.red_lines
    for k in np.flatnonzero(red.from_day <= day):
        crossed = (
            (culprit == red.crosser[k])
            & (victim == red.holder[k])
            & (rung >= red.rung_at_least[k])
            & ~state.red_honoured[runs, k]
        )
        state.red_crossed[runs[crossed], k] = True


def honour_red_lines(state: State, params: Params, runs: I, actor: int, target: I, rung: I) -> None:
    """M8: a commitment met (an answer at or above the committed rung to a crossed line) is
    discharged for good."""
    red = params.red_lines
    for k in np.flatnonzero(red.holder == actor):
        met = (target == red.crosser[k]) & (rung >= red.commits_to_rung[k])
        met &= state.red_crossed[runs, k]
        state.red_crossed[runs[met], k] = False
        state.red_honoured[runs[met], k] = True


def red_line_marks(state: State, runs: I) -> tuple[B, B]:
    """M8: which lines stand crossed and which are honoured in ``runs``, before a blow lands
    (for :func:`log_red_lines` to tell what the blow changed)."""
    return state.red_crossed[runs], state.red_honoured[runs]  # copies (fancy indexing)


def log_red_lines(
    state: State, params: Params, log: EventLog, day: int, runs: I, before: tuple[B, B]
) -> None:
    """M8: log each line an answer has just honoured (``red_line_honoured``) and each a blow
    has just crossed (``red_line_crossed``); the event's actor is the holder, its target the
    crosser and its rung the committed one."""
    red = params.red_lines
    crossed, honoured = before
    for kind, now, was in (  # the answer honours its own line before its blow crosses one
        ("red_line_honoured", state.red_honoured[runs], honoured),
        ("red_line_crossed", state.red_crossed[runs], crossed),
    ):
        new = now & ~was
        if not new.any():
            continue
        for k in np.flatnonzero(new.any(axis=0)):
            log.add(
                day,
                runs[new[:, k]],
                kind,
                int(red.holder[k]),
                target=int(red.crosser[k]),
                rung=int(red.commits_to_rung[k]),
            )


def red_line_commitment(
    state: State, params: Params, runs: I, actor: int, target: I
) -> tuple[F, I]:
    """M8: audience cost owed and rung committed to, for red lines ``target`` has crossed
    (the largest of each over the lines crossed; -1: no commitment)."""
    red = params.red_lines
    cost = np.zeros(len(runs))
    commit = np.full(len(runs), -1, dtype=np.int64)
    for k in np.flatnonzero(red.holder == actor):
        crossed = state.red_crossed[runs, k] & (target == red.crosser[k])
        cost = np.where(crossed, np.maximum(cost, red.audience_cost[runs, k]), cost)
        commit = np.where(crossed, np.maximum(commit, red.commits_to_rung[k]), commit)
    return cost, commit
