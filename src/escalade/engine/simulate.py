"""Run a batch: loop over days, and derive one outcome row per run from its events.

:func:`simulate` takes a :class:`~escalade.engine.world.World` whose policies are already
resolved; :func:`escalade.simulation.run_batch` builds one from a scenario (resolving policy
names in the registry) and is what the rest of escalade calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from escalade.engine.compiled import ROLES, I
from escalade.engine.ending import END_REASONS, at_the_horizon
from escalade.engine.params import Params
from escalade.engine.state import EVENT_KINDS, EventLog, State, events_table
from escalade.engine.step import step
from escalade.engine.world import World
from escalade.outcomes import SCHEMA
from escalade.scenario.schema import Role

_ACTS = [EVENT_KINDS.index(k) for k in ("strike", "statement")]
"""Decided moves: they make the pathway and the first answer (a proxy's own harassment does not)."""
_BLOWS = [EVENT_KINDS.index(k) for k in ("strike", "harassment")]
PATHWAY_STEPS = 6
"""Actions kept in an outcome's ``pathway`` string."""


@dataclass(frozen=True)
class Batch:
    """The result of a batch: outcome rows (one per run) and, on request, the event log."""

    outcomes: pa.Table
    events: pa.Table | None


def simulate(
    world: World,
    run_ids: I,
    horizon: int,
    keep_events: bool = False,
    observe: Callable[[int, State], None] | None = None,
    log: EventLog | None = None,
) -> Batch:
    """Simulate the runs ``run_ids`` of ``world`` for ``horizon`` days.

    The result for a run depends only on ``(scenario, seed, run_id)``: not on which other
    runs share the batch, nor on their order. ``observe(day, state)`` is called after each
    day (for tests and inspection; it must not change the state). Events are recorded in
    ``log`` when given (a game reads the events so far when a person's decision pauses it).
    """
    state = State.initial(world.params, len(run_ids))
    log = EventLog() if log is None else log
    for day in range(horizon):
        if state.ended.all():
            break
        step(state, world, day, log)
        if observe is not None:
            observe(day, state)
    at_the_horizon(state)
    events = log.arrays()
    outcomes = outcome_table(events, state, world.params, run_ids, horizon)
    return Batch(outcomes, events_table(events, world.params, run_ids) if keep_events else None)


def _first_day(events: dict[str, np.ndarray], mask: np.ndarray, runs: int) -> np.ndarray:
    out = np.full(runs, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(out, events["run"][mask], events["day"][mask])
    return out


def outcome_table(
    events: dict[str, np.ndarray], state: State, params: Params, run_ids: I, horizon: int
) -> pa.Table:
    """One row per run, every column derived from the run's events (M12 thresholds)."""
    runs = len(run_ids)
    th = params.thresholds
    kind, rung, actor, target = events["kind"], events["rung"], events["actor"], events["target"]
    acts = np.isin(kind, _ACTS)
    blows = np.isin(kind, _BLOWS)
    state_role = ROLES.index(Role.STATE)
    is_state = lambda a: (a >= 0) & (params.cast.role[np.maximum(a, 0)] == state_role)  # noqa: E731
    interstate = blows & is_state(actor) & is_state(target)

    max_rung = np.zeros(runs, dtype=np.int64)
    moves = acts | blows
    np.maximum.at(max_rung, events["run"][moves], rung[moves])

    def total(col: str, mask: np.ndarray, dtype: type = np.float64) -> np.ndarray:
        out: np.ndarray = np.zeros(runs, dtype=dtype)
        np.add.at(out, events["run"][mask], events[col][mask].astype(dtype))
        return out

    combat = np.zeros(len(kind), dtype=np.bool_)
    if th.combat_watch >= 0:
        combat = (
            blows
            & (actor == th.combat_watch)
            & (rung >= th.combat_rung)
            & params.catalog.overt[np.maximum(events["action"], 0)]
        )
    never = np.iinfo(np.int64).max
    first = {
        "first_answer_day": _first_day(events, acts, runs),
        "first_direct_day": _first_day(
            events, interstate & (rung >= th.direct_exchange_rung), runs
        ),
        "first_strategic_day": _first_day(events, blows & (rung >= th.strategic_rung), runs),
        "first_war_day": _first_day(events, blows & (rung >= th.war_rung), runs),
        "first_combat_day": _first_day(events, combat, runs),
    }
    act_rows = np.flatnonzero(acts)
    act_rows = act_rows[np.argsort(events["run"][act_rows], kind="stable")]
    first_idx = np.full(runs, -1, dtype=np.int64)
    if len(act_rows):
        r = events["run"][act_rows]
        starts = np.r_[True, r[1:] != r[:-1]]
        first_idx[r[starts]] = act_rows[starts]
    names = np.array(list(params.actors) + [""], dtype=object)
    has = first_idx >= 0
    first_actor = np.full(runs, None, dtype=object)
    first_rung = np.full(runs, -1, dtype=np.int64)
    first_actor[has] = names[actor[first_idx[has]]]
    first_rung[has] = rung[first_idx[has]]
    columns: dict[str, pa.Array] = {
        "run": pa.array(run_ids),
        "max_rung": pa.array(max_rung),
        "first_actor": pa.array(first_actor, type=pa.string()),
        "first_rung": pa.array(first_rung),
    }
    for name, day in first.items():
        columns[name] = pa.array(day, mask=day == never)
    columns.update(
        {
            "deaths": pa.array(total("deaths", blows, np.int64)),
            "senior_killed": pa.array(total("senior", blows, np.int64)),
            "damage": pa.array(total("damage", blows)),
            "strikes": pa.array(np.bincount(events["run"][blows], minlength=runs)),
            "munitions_spent": pa.array(total("size", blows, np.int64)),
            "interceptors_spent": pa.array(total("interceptors", blows)),
            "attack_cost_usd": pa.array(total("attack_cost", blows)),
            "defence_cost_usd": pa.array(total("defence_cost", blows)),
            "ended": pa.array(np.array(END_REASONS, dtype=object)[state.end_reason]),
            "war_days": pa.array(state.war_days),
            "end_day": pa.array(np.where(state.ended, state.end_day, horizon)),
            "pathway": pa.array(pathways(events, act_rows, params, runs)),
        }
    )
    return pa.table(columns).cast(SCHEMA)  # the registry's order and types


def pathways(
    events: dict[str, np.ndarray], rows: np.ndarray, params: Params, runs: int
) -> list[str]:
    """The first decided moves of each run as ``ACTOR:rung > ACTOR:rung > ...``.

    ``rows`` are the moves' event rows, grouped by run and in time order within a run.
    """
    r = events["run"][rows]
    out: list[str] = [""] * runs
    if len(rows) == 0:
        return out
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    labels = np.array(
        [f"{a}:{k}" for a in params.actors for k in range(params.ladder_top + 1)], dtype=object
    )
    codes = events["actor"][rows] * (params.ladder_top + 1) + events["rung"][rows]
    text = labels[codes]
    for s, e in zip(starts, ends, strict=True):
        out[r[s]] = " > ".join(text[s : min(e, s + PATHWAY_STEPS)])
    return out


__all__ = ["Batch", "outcome_table", "simulate"]
