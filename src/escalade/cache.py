"""A per-user cache of arrays that are slow to compute and never change for a given version of
their inputs (the tabulated inverse CDFs of :mod:`escalade.scenario.distributions`).

Every process that compiles a scenario needs its distributions' tables: 31 beta tables cost
`april-2024` about 1.1 s of CPU in each worker of an ensemble. The cache keeps them as ``.npy``
files in ``$ESCALADE_CACHE`` (default ``$XDG_CACHE_HOME/escalade``, else ``~/.cache/escalade``;
``ESCALADE_CACHE=`` with an empty value turns it off). A file is named by everything its values
depend on, read back bit for bit, written atomically, and ignored (recomputed) when it cannot
be read or does not have the expected shape; a cache that cannot be written is skipped silently.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

CACHE_ENV = "ESCALADE_CACHE"


def cache_dir() -> Path | None:
    """Where cached arrays live, or None when the cache is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "escalade"


def cached_array(
    name: str, shape: tuple[int, ...], compute: Callable[[], NDArray[np.float64]]
) -> NDArray[np.float64]:
    """The float64 array of ``shape`` stored as ``name`` (a file name that says everything the
    values depend on), or ``compute()`` stored there for next time."""
    where = cache_dir()
    path = where / f"{name}.npy" if where is not None else None
    if path is not None:
        try:
            got = np.load(path, allow_pickle=False)
            if got.shape == shape and got.dtype == np.float64:
                return np.asarray(got)
        except (OSError, ValueError, EOFError):
            pass
    values = np.asarray(compute(), dtype=np.float64)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                np.save(out, values, allow_pickle=False)
            os.replace(tmp, path)
        except OSError:
            pass
    return values


__all__ = ["CACHE_ENV", "cache_dir", "cached_array"]
