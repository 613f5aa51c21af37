"""The Python entry points for notebooks: load a scenario, simulate an ensemble, replay a run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from escalade import budget
from escalade.executor import available_cpus
from escalade.scenario.schema import Scenario
from escalade.simulation import load_scenario as _load
from escalade.simulation import run_batch

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CHUNK = budget.DEFAULT_CHUNK
"""Most runs simulated together in one batch (memory grows with it; results do not change)."""


@dataclass(frozen=True)
class Ensemble:
    """Outcomes of an ensemble (an Arrow table, one row a run) and, on request, event logs."""

    scenario: Scenario
    seed: int
    outcomes: pa.Table
    events: pa.Table | None = None

    @property
    def runs(self) -> int:
        return self.outcomes.num_rows

    def to_pandas(self) -> pd.DataFrame:
        """Outcomes as a pandas DataFrame."""
        return self.outcomes.to_pandas()

    def events_of(self, run: int) -> pa.Table:
        """The event log of one run (requires ``events=True``)."""
        if self.events is None:
            raise ValueError("simulate(..., events=True) keeps the event logs")
        import pyarrow.compute as pc

        return self.events.filter(pc.equal(self.events["run"], run))


def load_scenario(spec: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """A scenario from a YAML file or a built-in name (``escalade scenarios list``), checked
    through and through (every problem located: file, line, column)."""
    return _load(spec, overrides)


def simulate(
    scenario: Scenario | str | Path,
    runs: int = 1000,
    seed: int = 0,
    days: int | None = None,
    events: bool = False,
    first_run: int = 0,
    chunk_size: int | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> Ensemble:
    """Simulate runs ``first_run .. first_run + runs - 1`` of a scenario under ``seed``.

    Results do not depend on ``chunk_size``: run K is the same alone or in any batch. By
    default a batch holds as many runs as fit the default memory budget shared by one process
    per CPU (at most :data:`DEFAULT_CHUNK`; :func:`escalade.budget.chunk_size_for`).
    ``on_chunk(n)`` is called after each chunk with the number of runs it held.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    sc = scenario if isinstance(scenario, Scenario) else _load(scenario)
    if chunk_size is None:
        chunk_size = budget.chunk_size_for(
            sc, budget.default_memory(), available_cpus(), days or sc.horizon_days
        )
    outs, evs = [], []
    for start in range(first_run, first_run + runs, chunk_size):
        ids = np.arange(start, min(start + chunk_size, first_run + runs), dtype=np.int64)
        batch = run_batch(sc, seed, ids, days, keep_events=events)
        outs.append(batch.outcomes)
        if batch.events is not None:
            evs.append(batch.events)
        if on_chunk is not None:
            on_chunk(len(ids))
    return Ensemble(sc, seed, pa.concat_tables(outs), pa.concat_tables(evs) if evs else None)


def replay(
    scenario: Scenario | str | Path, seed: int, run: int, days: int | None = None
) -> Ensemble:
    """Run ``run`` of an ensemble alone, with its event log: the same as inside the ensemble."""
    return simulate(scenario, runs=1, seed=seed, days=days, events=True, first_run=run)
