"""The per-user cache of slow tables (escalade.cache): same bits as computing them, and never
in the way (a damaged file is recomputed, a cache that cannot be written is skipped)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import special

from escalade.cache import CACHE_ENV, cache_dir, cached_array
from escalade.scenario import distributions


def _table(a: float, b: float) -> np.ndarray:
    distributions._beta_table.cache_clear()
    return distributions._beta_table(a, b)[1]


def test_a_cached_beta_table_is_the_computed_one_bit_for_bit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = _table(2.2, 3.9)  # computed and written
    assert len(list(tmp_path.glob("beta-*.npy"))) == 1
    again = _table(2.2, 3.9)  # read back
    t = np.linspace(0.0, 1.0, distributions._GRID)
    exact = special.betaincinv(2.2, 3.9, 0.5 - 0.5 * np.cos(np.pi * t))
    assert np.array_equal(first, exact) and np.array_equal(again, exact)


def test_a_damaged_file_is_recomputed_and_an_unwritable_cache_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    (tmp_path / "x.npy").write_bytes(b"not an array")
    assert np.array_equal(cached_array("x", (3,), lambda: np.arange(3.0)), np.arange(3.0))
    np.save(tmp_path / "y.npy", np.zeros(5))  # the wrong shape: not trusted
    assert np.array_equal(cached_array("y", (3,), lambda: np.ones(3)), np.ones(3))
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    assert np.array_equal(cached_array("z", (2,), lambda: np.ones(2)), np.ones(2))


def test_the_cache_can_be_turned_off_and_defaults_to_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    assert cache_dir() is None
    assert np.array_equal(cached_array("w", (1,), lambda: np.ones(1)), np.ones(1))
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "escalade"
