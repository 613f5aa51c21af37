"""Discrete draws by inversion: exact where the variance is small, close to exact above it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from escalade.engine import draws


@pytest.mark.parametrize(
    ("n", "p"), [(1, 0.5), (5, 0.7), (30, 0.3), (60, 0.9), (100, 0.5), (170, 0.1), (1000, 0.02)]
)
def test_binomial_is_the_exact_inverse_cdf_at_small_variance(n: int, p: float) -> None:
    u = np.random.default_rng(1).random(20_000)
    assert n * p * (1 - p) <= draws.EXACT_VARIANCE_MAX
    got = draws.binomial_from_uniform(u, np.full(u.size, n), np.full(u.size, p))
    np.testing.assert_array_equal(got, stats.binom.ppf(u, n, p).astype(np.int64))


@pytest.mark.parametrize(("n", "p"), [(120, 0.5), (400, 0.07), (100_000, 0.3)])
def test_binomial_normal_branch_is_close_to_exact(n: int, p: float) -> None:
    u = np.random.default_rng(2).random(50_000)
    got = draws.binomial_from_uniform(u, np.full(u.size, n), np.full(u.size, p))
    exact = stats.binom.ppf(u, n, p)
    diff = np.abs(got - exact)
    # Cornish-Fisher with continuity correction: off by at most one, and rarely (< 1%)
    assert diff.max() <= 1
    assert np.mean(diff > 0) < 0.01


def test_binomial_edges_and_per_element_parameters() -> None:
    u = np.array([0.0, 0.3, 1 - 2**-53, 0.5, 0.5, 0.5])
    n = np.array([10, 0, 10, 10, 10, 7])
    p = np.array([0.3, 0.5, 0.3, 0.0, 1.0, 0.5])
    got = draws.binomial_from_uniform(u, n, p)
    assert got.tolist() == [0, 0, 10, 0, 10, 3]
    rng = np.random.default_rng(3)
    u2, n2, p2 = rng.random(30_000), rng.integers(0, 400, 30_000), rng.random(30_000)
    got2 = draws.binomial_from_uniform(u2, n2, p2)
    assert np.all((got2 >= 0) & (got2 <= n2))
    assert np.abs(got2 - stats.binom.ppf(u2, n2, p2)).max() <= 1


@pytest.mark.parametrize("lam", [0.01, 0.5, 3.0, 20.0, 30.0, 500.0])
def test_poisson_matches_exact_inverse_cdf(lam: float) -> None:
    u = np.random.default_rng(4).random(20_000)
    got = draws.poisson_from_uniform(u, np.full(u.size, lam))
    diff = np.abs(got - stats.poisson.ppf(u, lam))
    if lam <= draws.EXACT_VARIANCE_MAX:
        assert diff.max() == 0
    else:
        assert diff.max() <= 1 and np.mean(diff > 0) < 0.01


def test_small_batches_draw_the_same_bits_as_large_ones() -> None:
    # Up to SCALAR_SIZE exact-regime draws are summed in Python floats: each must equal the same
    # element drawn inside a large batch (the array path), for binomial and Poisson alike.
    rng = np.random.default_rng(5)
    size = 4000
    n = rng.integers(0, 300, size=size)
    p = rng.random(size) * rng.choice([1.0, 0.1, 0.01], size=size)
    lam = rng.random(size) * rng.choice([30.0, 3.0], size=size)
    u = rng.random(size)
    big_b = draws.binomial_from_uniform(u, n, p)
    big_p = draws.poisson_from_uniform(u, lam)
    for i in range(0, size, draws.SCALAR_SIZE):
        w = slice(i, i + draws.SCALAR_SIZE)
        np.testing.assert_array_equal(draws.binomial_from_uniform(u[w], n[w], p[w]), big_b[w])
        np.testing.assert_array_equal(draws.poisson_from_uniform(u[w], lam[w]), big_p[w])
    for i in range(0, 400):
        one = slice(i, i + 1)
        assert draws.binomial_from_uniform(u[one], n[one], p[one])[0] == big_b[i]


@pytest.mark.parametrize("binomial", [True, False])
def test_table_pass_equals_the_block_by_block_sum(binomial: bool) -> None:
    # Small exact-regime batches are summed in one pass over a table of pmf terms; it must give
    # every draw's bits of the block-by-block reference, including uniforms within 1e-16 of 1
    # and draws that outrun a short table (finished block by block).
    rng = np.random.default_rng(7)
    size = 300
    u = rng.random(size)
    u[::17] = 1.0 - 2.0**-53
    u[5::19] = 1.0 - 1e-11
    u[3::23] = 0.0
    if binomial:
        n = rng.integers(1, 200, size).astype(np.float64)
        p = rng.random(size) * 0.5 * rng.choice([1.0, 0.1, 0.01], size) + 1e-4
        exact = n * p * (1 - p) <= draws.EXACT_VARIANCE_MAX
        n, p, u = n[exact], p[exact], u[exact]
        args = (u, np.exp(n * np.log1p(-p)), n, p / (1 - p), n, np.floor((n + 1) * p))
    else:
        lam = rng.random(size) * rng.choice([25.0, 3.0, 0.05], size) + 1e-3
        args = (u, np.exp(-lam), np.zeros(size), lam, np.full(size, np.inf), np.floor(lam))
    reference = draws._sum_inverse_blocks(*args, binomial=binomial)
    for steps in (8, 40, 120):
        got = draws._sum_inverse_table(*args, binomial=binomial, steps=steps)
        np.testing.assert_array_equal(got, reference)
