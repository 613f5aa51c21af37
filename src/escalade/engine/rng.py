"""Counter-based random streams.

Every random number in escalade is a pure function of ``(seed, run_id, day, stream, index)``:
a SplitMix64-style hash of the key, turned into a float in [0, 1). Nothing is carried from
one draw to the next, so run 4711 of a million-run ensemble draws the same numbers when it is
replayed alone, inside any chunk, on any worker, in any order; and two scenarios compared
with the same seed share their random numbers (common random numbers). See
``docs/decisions/0002-counter-based-rng.md``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy import special

from escalade.engine.draws import SCALAR_SIZE, binomial_from_uniform, poisson_from_uniform

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53
PARAMETER_DAY = -1
"""The ``day`` under which per-run parameter draws are keyed (before day 0)."""


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64 finaliser: a bijective avalanche over uint64 (wrap-around arithmetic)."""
    x = x + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _MIX1
    x = (x ^ (x >> np.uint64(27))) * _MIX2
    return x ^ (x >> np.uint64(31))


def stream_id(name: str) -> int:
    """A stable 32-bit number for a stream name (the same on every machine and version)."""
    return zlib.crc32(name.encode("utf-8"))


_MASK = 0xFFFFFFFFFFFFFFFF


def _mix_int(x: int) -> int:
    """:func:`_mix` for one Python integer (the same function, without array overhead)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _unit(bits: NDArray[np.uint64]) -> NDArray[np.float64]:
    """Uniforms in [0, 1) from mixed 64-bit keys: their top 53 bits."""
    return (bits >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def _unit_int(x: int) -> float:
    """:func:`_unit` of ``_mix(x)`` for one Python integer."""
    return (_mix_int(x) >> 11) * _TO_UNIT


@dataclass(frozen=True)
class Streams:
    """Random numbers for a batch of runs, keyed by ``(seed, run_id, day, stream, index)``."""

    seed: int
    run_ids: NDArray[np.int64]
    _run_keys: NDArray[np.uint64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seed_key = np.uint64(_mix_int(self.seed & _MASK))
        keys = _mix(np.asarray(self.run_ids).astype(np.uint64) ^ seed_key)
        object.__setattr__(self, "_run_keys", keys)

    @property
    def runs(self) -> int:
        return int(self.run_ids.shape[0])

    def subset(self, rows: NDArray[np.int64]) -> Streams:
        """The same streams for some rows of this batch (draws keyed by their run ids).

        ``rows`` are sorted and distinct (as from ``np.flatnonzero``): all of them is this batch.
        """
        if len(rows) == self.runs:
            return self
        return Streams(self.seed, self.run_ids[rows])

    @staticmethod
    def _when(day: int, stream: str) -> int:
        return _mix_int((stream_id(stream) << 32) ^ ((day + 2) & 0xFFFFFFFF))

    def _keys(self, day: int, stream: str) -> NDArray[np.uint64]:
        return _mix(self._run_keys ^ np.uint64(self._when(day, stream)))

    def uniforms(self, day: int, streams: list[str]) -> NDArray[np.float64]:
        """(runs, len(streams)): column j equals ``uniform(day, streams[j])``, in one pass."""
        whens = np.array([self._when(day, s) for s in streams], dtype=np.uint64)
        bits = _mix(self._run_keys[:, None] ^ whens[None, :])
        return _unit(bits)

    def uniform(self, day: int, stream: str, n: int | None = None) -> NDArray[np.float64]:
        """Uniforms in [0, 1): shape ``(runs,)`` or ``(runs, n)``."""
        if n is None and self.runs == 1:  # a replayed run: the same hash in Python integers
            return np.array([_unit_int(int(self._run_keys[0]) ^ self._when(day, stream))])
        keys = self._keys(day, stream)
        if n is None:
            bits = keys
        else:
            bits = _mix(keys[:, None] ^ (np.arange(1, n + 1, dtype=np.uint64) * _GOLDEN))
        return _unit(bits)

    def normal(self, day: int, stream: str, n: int | None = None) -> NDArray[np.float64]:
        """Standard normals by the inverse CDF of :meth:`uniform` (one uniform per draw)."""
        u = self.uniform(day, stream, n)
        return np.asarray(special.ndtri(np.clip(u, 1e-16, 1.0 - 1e-16)), dtype=np.float64)

    def binomial(
        self, day: int, stream: str, n: NDArray[np.int64], p: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """Binomial draws by inversion (one uniform per draw); ``n``, ``p`` per run.

        ``n`` and ``p`` broadcast against ``(runs,)`` or ``(runs, k)``; extra columns get their
        own uniforms.
        """
        n_arr, p_arr = np.broadcast_arrays(np.asarray(n), np.asarray(p, dtype=np.float64))
        cols = None if n_arr.ndim <= 1 else int(np.prod(n_arr.shape[1:]))
        u = self.uniform(day, stream, cols).reshape(n_arr.shape)
        return binomial_from_uniform(u, n_arr, p_arr)

    def binomials(
        self, day: int, streams: list[str], n: NDArray[np.int64], p: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """(len(streams), runs): row j equals ``binomial(day, streams[j], n[j], p[j])``, drawn
        in one pass (``n`` (k, runs); ``p`` broadcasts against it). Only the draws with
        ``n > 0`` are made (the others are 0): a uniform depends on its run and stream alone."""
        n_arr = np.asarray(n)
        p_arr = np.asarray(p, dtype=np.float64)
        if p_arr.shape != n_arr.shape:
            p_arr = np.broadcast_to(p_arr, n_arr.shape)
        out = np.zeros(n_arr.shape, dtype=np.int64)
        rows, cols = np.nonzero(n_arr > 0)
        if not rows.size:
            return out
        whens = [self._when(day, s) for s in streams]
        if rows.size <= SCALAR_SIZE:  # a few draws: the same hash in Python integers
            keys = self._run_keys[cols].tolist()
            u = np.array(
                [_unit_int(key ^ whens[r]) for key, r in zip(keys, rows.tolist(), strict=True)]
            )
        else:
            bits = _mix(self._run_keys[cols] ^ np.array(whens, dtype=np.uint64)[rows])
            u = _unit(bits)
        out[rows, cols] = binomial_from_uniform(u, n_arr[rows, cols], p_arr[rows, cols])
        return out

    def poisson(self, day: int, stream: str, lam: NDArray[np.float64]) -> NDArray[np.int64]:
        """Poisson draws by inversion (one uniform per draw); ``lam`` per run."""
        lam_arr = np.asarray(lam, dtype=np.float64)
        cols = None if lam_arr.ndim <= 1 else int(np.prod(lam_arr.shape[1:]))
        u = self.uniform(day, stream, cols).reshape(lam_arr.shape)
        return poisson_from_uniform(u, lam_arr)
