"""The state of a batch of runs (struct of arrays, leading run axis) and its event log."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from escalade.engine.params import Params

F = NDArray[np.float64]
I = NDArray[np.int64]
B = NDArray[np.bool_]

EVENT_KINDS = (
    "trigger",
    "strike",
    "harassment",
    "statement",
    "warning",
    "declaration",
    "acceptance",
    "ceasefire",
    "end",
)
END_REASONS = ("ongoing", "quiet", "ceasefire", "war")


@dataclass
class State:
    """Everything that changes during a run, one row per run."""

    grievance: F  # (R, A, A) victim x culprit, in rungs (M1)
    received_rung: I  # (R, A, A) rung of the last blow the victim took from the culprit
    hard_weight: F  # (R, A) hard-liner influence (M9), drifts upward under attack
    red_crossed: B  # (R, n_red_lines) (M8)
    pend_day: I  # (R, A) day a scheduled action lands, -1 none
    pend_action: I  # (R, A)
    pend_target: I  # (R, A)
    pend_lead: I  # (R, A) days of forewarning given, 0 none (M3)
    pend_warned: B  # (R, A) the target got the warning in time (M3, M4)
    stocks: I  # (R, A, M) munitions left
    interceptors: list[I]  # per defended actor, (R, L_a) interceptors left (M6)
    belief_interception: F  # (R, A) what each attacker believes defences stop (M14)
    declaration_day: I  # (R, A, A) day a's "concluded" reaches b, -1 none (M13)
    next_declaration: I  # (R,) earliest pending arrival of a declaration, -1 none
    struck: B  # (R,) some blow has landed (a cease-fire needs something to end)
    restraint: F  # (R, A) restraint urged on each actor so far (M7)
    backing: F  # (R, A) backing promised to each actor so far (M7)
    join_offensive: F  # (R, A, A) share of a blow on a protégé an ally takes as its own (M7)
    inducement: F  # (R, A) value at stake for each actor (M10)
    inducement_rung: I  # (A,) striking above this rung forfeits it (M10)
    calm_days: I  # (R,)
    ended: B  # (R,)
    end_reason: I  # (R,) index into END_REASONS
    end_day: I  # (R,)

    @classmethod
    def initial(cls, params: Params, interceptors: list[I]) -> State:
        runs = params.control.shape[0]
        n_a = params.n_actors
        arsenal = np.zeros((runs, n_a, params.packages.shape[2]), dtype=np.int64)
        munitions = list(params.scenario.munitions)
        for i, actor in enumerate(params.scenario.actors.values()):
            for name, count in actor.arsenal.items():
                arsenal[:, i, munitions.index(name)] = count
        return cls(
            grievance=np.zeros((runs, n_a, n_a)),
            received_rung=np.zeros((runs, n_a, n_a), dtype=np.int64),
            hard_weight=params.hard_weight.copy(),
            red_crossed=np.zeros((runs, len(params.red_lines.holder)), dtype=np.bool_),
            pend_day=np.full((runs, n_a), -1, dtype=np.int64),
            pend_action=np.zeros((runs, n_a), dtype=np.int64),
            pend_target=np.zeros((runs, n_a), dtype=np.int64),
            pend_lead=np.zeros((runs, n_a), dtype=np.int64),
            pend_warned=np.zeros((runs, n_a), dtype=np.bool_),
            stocks=arsenal,
            interceptors=interceptors,
            belief_interception=np.repeat(
                params.m["initial_interception_belief"][:, None], n_a, axis=1
            ),
            declaration_day=np.full((runs, n_a, n_a), -1, dtype=np.int64),
            next_declaration=np.full(runs, -1, dtype=np.int64),
            struck=np.zeros(runs, dtype=np.bool_),
            restraint=np.zeros((runs, n_a)),
            backing=np.zeros((runs, n_a)),
            join_offensive=params.join_offensive.copy(),
            inducement=np.zeros((runs, n_a)),
            inducement_rung=np.full(n_a, np.iinfo(np.int64).max, dtype=np.int64),
            calm_days=np.zeros(runs, dtype=np.int64),
            ended=np.zeros(runs, dtype=np.bool_),
            end_reason=np.zeros(runs, dtype=np.int64),
            end_day=np.full(runs, -1, dtype=np.int64),
        )


_INT_FIELDS = (
    "run",
    "day",
    "kind",
    "actor",
    "action",
    "rung",
    "target",
    "size",
    "warning",
    "channel",
    "intercepted",
    "leaked",
    "deaths",
    "senior",
)
_FLOAT_FIELDS = ("damage", "attack_cost", "defence_cost", "interceptors")


def _column(value: int | float | NDArray[np.generic], n: int, dtype: type) -> NDArray[np.generic]:
    """``n`` copies of a scalar, or a copy of an array of length ``n``, as ``dtype``."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return np.array(value, dtype=dtype)
    return np.full(n, value, dtype=dtype)


@dataclass
class EventLog:
    """Columnar event records; every consequential thing that happens is one row."""

    columns: dict[str, list[NDArray[np.generic]]] = field(
        default_factory=lambda: {k: [] for k in _INT_FIELDS + _FLOAT_FIELDS}
    )

    def add(
        self, day: int, runs: I, kind: str, actor: int | I, **values: int | float | F | I
    ) -> None:
        """Append one event per run in ``runs`` (scalars broadcast)."""
        n = len(runs)
        if n == 0:
            return
        values = {"actor": actor, **values}
        self.columns["run"].append(np.asarray(runs, dtype=np.int64))
        self.columns["day"].append(np.full(n, day, dtype=np.int64))
        self.columns["kind"].append(np.full(n, EVENT_KINDS.index(kind), dtype=np.int64))
        for name in _INT_FIELDS[3:]:
            v = values.get(name, -1 if name in ("action", "target", "channel") else 0)
            self.columns[name].append(_column(v, n, np.int64))
        for name in _FLOAT_FIELDS:
            self.columns[name].append(_column(values.get(name, 0.0), n, np.float64))

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        """The log as arrays, in the order the events happened (time order within a run)."""
        return {
            k: (
                np.concatenate(v)
                if v
                else np.zeros(0, dtype=np.int64 if k in _INT_FIELDS else np.float64)
            )
            for k, v in self.columns.items()
        }


def events_table(events: dict[str, NDArray[np.generic]], params: Params, run_ids: I) -> pa.Table:
    """Events with names instead of indices: one row an event, by run, then in time order."""
    order = np.argsort(events["run"], kind="stable")
    events = {k: v[order] for k, v in events.items()}
    actors = np.array(list(params.actors) + [""], dtype=object)
    actions = np.array(list(params.action_names) + [""], dtype=object)
    kinds = np.array(EVENT_KINDS, dtype=object)
    start = np.datetime64(params.scenario.start, "D")
    return pa.table(
        {
            "run": pa.array(run_ids[events["run"]]),
            "day": pa.array(events["day"]),
            "date": pa.array(start + events["day"].astype("timedelta64[D]")),
            "kind": pa.array(kinds[events["kind"]]),
            "actor": pa.array(actors[events["actor"]]),
            "action": pa.array(actions[events["action"]]),
            "rung": pa.array(events["rung"]),
            "target": pa.array(actors[events["target"]]),
            "size": pa.array(events["size"]),
            "warning_days": pa.array(events["warning"]),
            "channel": pa.array(actors[events["channel"]]),
            "intercepted": pa.array(events["intercepted"]),
            "leaked": pa.array(events["leaked"]),
            "damage": pa.array(events["damage"]),
            "deaths": pa.array(events["deaths"]),
            "senior_killed": pa.array(events["senior"]),
            "attack_cost_usd": pa.array(events["attack_cost"]),
            "defence_cost_usd": pa.array(events["defence_cost"]),
            "interceptors": pa.array(events["interceptors"]),
        }
    )
