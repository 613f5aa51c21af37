"""How much work escalade takes on at once: the largest ensemble and seed, and the memory
budget that sets how many runs a chunk holds (decision 0006).

A chunk of runs is simulated as one batch, and a batch's arrays grow with the number of runs
in it, with the square of the number of actors and with the days simulated. The chunk size
never changes results (decision 0002), so it is chosen to fit memory: the largest chunk, at
most :data:`DEFAULT_CHUNK` runs, of which one per worker fits the budget.

>>> from escalade.budget import parse_memory, size_text
>>> size_text(parse_memory("4GB"))
'4.0 GB'
"""

from __future__ import annotations

import math
import os
import re

from escalade.scenario.schema import Scenario

DEFAULT_CHUNK = 50_000
"""Most runs per chunk (one Parquet file, one task); fewer when a chunk would not fit the
memory budget, or when fewer would leave a worker idle (:func:`chunk_size_for`). Numerical,
not behavioural: results do not depend on it. Large, because a simulated day costs a fixed
part (a few thousand numpy calls) besides the work per run: `april-2024` runs at about
93,000 run-days/s per core in chunks of 10,000 and 172,000 in chunks of 50,000
(docs/performance.md), and a chunk of 50,000 takes about 1.8 GB."""
MAX_RUNS = 1_000_000_000_000
"""Largest ensemble (10^12 runs): far beyond what a machine computes (at 300,000 run-days/s,
10^12 runs of 60 days take six years), well inside the 64-bit run ids and chunk indices."""
MAX_SEED = 2**63 - 1
"""Largest seed: the catalog keeps seeds as signed 64-bit integers."""
MEMORY_FRACTION = 0.5
"""Default memory budget of an ensemble: this share of the machine's physical memory."""
MEMORY_SAFETY = 1.5
"""Margin on the estimated memory per run (allocator slack, temporaries not modelled)."""
BYTES_PER_ACTOR_PAIR = 48
"""Memory per run per (actor, actor) pair: about six float64 (R, A, A) arrays (grievance,
declarations, alliances, channels); measured, see docs/performance.md."""
BYTES_PER_ACTOR_DAY = 28
"""Memory per run per actor and simulated day (per-day decisions and the events behind the
outcome columns); measured."""
BYTES_PER_RUN_FIXED = 4096

MAX_RUNS_IN_MEMORY = 1_000_000
"""Largest number of runs a command keeps in memory at once (``compare`` per arm, ``salvo``,
``hindcast`` and ``calibrate`` per episode, ``sweep`` per point); ``run`` streams to the store
and goes to :data:`MAX_RUNS`."""


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$", re.IGNORECASE)


def parse_memory(text: str) -> int:
    """``"4GB"``, ``"512MB"``, ``"1.5G"``, ``"2GiB"`` or a number of bytes -> bytes."""
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"--memory expects a size such as 4GB or 512MB, got '{text}'")
    unit = m.group(2).lower()
    base = 1024 if m.group(3) else 1000
    value = float(m.group(1)) * (base ** ("kmgt".index(unit) + 1) if unit else 1)
    if not math.isfinite(value) or value < 1:
        raise ValueError(f"--memory must be at least 1 byte, got '{text}'")
    return int(value)


def machine_memory() -> int:
    """Physical memory of this machine in bytes (8 GB if it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 8 * 10**9


def default_memory() -> int:
    """The default memory budget: :data:`MEMORY_FRACTION` of the machine."""
    return int(MEMORY_FRACTION * machine_memory())


def bytes_per_run(scenario: Scenario, days: int | None = None) -> int:
    """Estimated peak memory of one run in a batch (grows with actors squared and with days)."""
    a = len(scenario.actors)
    d = scenario.horizon_days if days is None else days
    raw = BYTES_PER_ACTOR_PAIR * a * a + BYTES_PER_ACTOR_DAY * a * d + BYTES_PER_RUN_FIXED
    return math.ceil(MEMORY_SAFETY * raw)


def size_text(n: float) -> str:
    """Bytes in words: 950 kB, 2.3 MB, 12.0 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,.0f} bytes"


def chunk_size_for(
    scenario: Scenario,
    memory: int,
    workers: int = 1,
    days: int | None = None,
    runs: int | None = None,
    slots: int | None = None,
) -> int:
    """The largest chunk (at most :data:`DEFAULT_CHUNK` runs) of which ``workers`` fit in
    ``memory`` bytes at once, and, given the ensemble's ``runs``, no larger than the share of
    each of the ``slots`` that compute chunks at once (default ``workers``; a Dask cluster's
    worker threads), so that every one gets a chunk; a budget too small for one run per
    worker is refused."""
    per_run = bytes_per_run(scenario, days)
    fits = memory // (max(1, workers) * per_run)
    if fits < 1:
        need = per_run * max(1, workers)
        raise ValueError(
            f"--memory {size_text(memory)} is too small: one run of '{scenario.name}' "
            f"({len(scenario.actors)} actors) needs about {size_text(per_run)} per worker, "
            f"{size_text(need)} for {max(1, workers)} workers"
        )
    spread = max(1, workers if slots is None else slots)
    share = DEFAULT_CHUNK if runs is None else max(1, -(-runs // spread))
    return int(min(DEFAULT_CHUNK, fits, share))


__all__ = [
    "DEFAULT_CHUNK",
    "MAX_RUNS",
    "MAX_RUNS_IN_MEMORY",
    "MAX_SEED",
    "bytes_per_run",
    "chunk_size_for",
    "default_memory",
    "machine_memory",
    "parse_memory",
    "size_text",
]
