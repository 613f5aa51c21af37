"""The state of a batch of runs (struct of arrays, leading run axis) and its event log.

Each mechanism owns the part of the state it changes (:class:`Grievances` for M1,
:class:`Arsenals` for M6, ...); :class:`State` puts them together with the orders scheduled
(what each actor will do and when) and each run's status.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from escalade.engine.backing import Backing
from escalade.engine.compiled import B, F, I
from escalade.engine.ending import Declarations
from escalade.engine.engagement import Arsenals
from escalade.engine.learning import initial_beliefs, initial_resolve_beliefs
from escalade.engine.params import Params
from escalade.engine.red_lines import initial_crossed
from escalade.engine.retaliation import Grievances
from escalade.engine.stakes import OnOffer

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
    "mediation",
    "war",
    "red_line_crossed",
    "red_line_honoured",
)


@dataclass
class Orders:
    """Answers decided and not yet carried out: one slot per actor (M1, M3)."""

    day: I  # (R, A) day a scheduled action lands, -1 none
    action: I  # (R, A)
    target: I  # (R, A)
    lead: I  # (R, A) days of forewarning given, 0 none (M3)
    warned: B  # (R, A) the target got the warning in time (M3, M4)
    unacknowledged: B  # (R, A) the strike will not be owned (M11)

    @classmethod
    def initial(cls, runs: int, actors: int) -> Orders:
        return cls(
            day=np.full((runs, actors), -1, dtype=np.int64),
            action=np.zeros((runs, actors), dtype=np.int64),
            target=np.zeros((runs, actors), dtype=np.int64),
            lead=np.zeros((runs, actors), dtype=np.int64),
            warned=np.zeros((runs, actors), dtype=np.bool_),
            unacknowledged=np.zeros((runs, actors), dtype=np.bool_),
        )


@dataclass
class State:
    """Everything that changes during a run, one row per run."""

    grievances: Grievances  # M1
    orders: Orders  # M1, M3
    arsenals: Arsenals  # M6
    backing: Backing  # M7
    red_crossed: B  # (R, red lines) M8
    red_honoured: B  # (R, red lines) M8: a line honoured once is discharged for good
    hard_weight: F  # (R, A) hard-liner influence, drifts upward under attack (M9)
    on_offer: OnOffer  # M10
    declarations: Declarations  # M13
    belief_interception: F  # (R, A) what each attacker believes defences stop (M14)
    resolve_belief: F  # (R, A, A) P(column actor is resolute) as the row actor sees it (M14)
    at_war: B  # (R,) a sustained war is on (M12)
    war_days: I  # (R,) days spent at war so far (M12)
    struck: B  # (R,) some blow has landed (a cease-fire needs something to end)
    ended: B  # (R,)
    end_reason: I  # (R,) an EndReason code
    end_day: I  # (R,)

    @classmethod
    def initial(cls, params: Params, runs: int) -> State:
        n_a = params.n_actors
        return cls(
            grievances=Grievances.initial(runs, n_a),
            orders=Orders.initial(runs, n_a),
            arsenals=Arsenals.initial(params.engagement, runs),
            backing=Backing.initial(params.backing, runs, n_a),
            red_crossed=initial_crossed(params.red_lines, runs),
            red_honoured=initial_crossed(params.red_lines, runs),
            hard_weight=params.factions.hard_weight.copy(),
            on_offer=OnOffer.initial(runs, len(params.stakes.inducements.to)),
            declarations=Declarations.initial(runs, n_a),
            belief_interception=initial_beliefs(params.learning, n_a),
            resolve_belief=initial_resolve_beliefs(params.learning, n_a),
            at_war=np.zeros(runs, dtype=np.bool_),
            war_days=np.zeros(runs, dtype=np.int64),
            struck=np.zeros(runs, dtype=np.bool_),
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
    "owned",
)
_FLOAT_FIELDS = ("damage", "attack_cost", "defence_cost", "interceptors", "belief")
_DEFAULTS = {"action": -1, "target": -1, "channel": -1, "belief": -1.0, "owned": 1}
"""Values of fields an event does not set (others are 0)."""


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
            self.columns[name].append(
                _column(values.get(name, _DEFAULTS.get(name, 0)), n, np.int64)
            )
        for name in _FLOAT_FIELDS:
            v = values.get(name, _DEFAULTS.get(name, 0.0))
            self.columns[name].append(_column(v, n, np.float64))

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
    actions = np.array(list(params.catalog.names) + [""], dtype=object)
    kinds = np.array(EVENT_KINDS, dtype=object)
    start = np.datetime64(params.start, "D")
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
            "acknowledged": pa.array(events["owned"].astype(bool)),
            "belief": pa.array(events["belief"]),
        }
    )
