"""Counter-based random streams: a draw depends only on (seed, run id, day, stream)."""

from __future__ import annotations

import numpy as np

from escalade.engine.rng import Streams


def test_a_run_draws_the_same_numbers_alone_or_in_any_batch() -> None:
    big = Streams(11, np.arange(100_000)).uniform(5, "logit")
    for k in (0, 4711, 99_999):
        alone = Streams(11, np.array([k])).uniform(5, "logit")
        assert alone[0] == big[k]


def test_streams_days_and_seeds_differ() -> None:
    s = Streams(1, np.arange(1000))
    assert not np.array_equal(s.uniform(0, "a"), s.uniform(0, "b"))
    assert not np.array_equal(s.uniform(0, "a"), s.uniform(1, "a"))
    assert not np.array_equal(s.uniform(0, "a"), Streams(2, np.arange(1000)).uniform(0, "a"))


def test_uniforms_are_uniform() -> None:
    # 10^6 draws: the mean's standard error is sqrt(1/12/1e6) ~ 2.9e-4; 5 s.e. tolerance.
    u = Streams(3, np.arange(1_000_000)).uniform(0, "x")
    assert abs(u.mean() - 0.5) < 5 * 2.9e-4
    assert abs(u.var() - 1 / 12) < 1e-3
    assert u.min() >= 0.0 and u.max() < 1.0
    # lag-1 correlation of independent draws has s.e. 1/sqrt(n) = 1e-3
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 5e-3


def test_binomial_matches_its_mean() -> None:
    # n=170, p=0.3 over 10^5 runs: mean 51, s.e. of the mean sqrt(35.7/1e5) ~ 0.019.
    k = Streams(4, np.arange(100_000)).binomial(
        0, "b", np.full(100_000, 170), np.full(100_000, 0.3)
    )
    assert abs(k.mean() - 51.0) < 5 * 0.019
    assert k.min() >= 0 and k.max() <= 170


def test_several_streams_at_once_equal_each_stream_alone() -> None:
    s = Streams(3, np.arange(1000))
    many = s.uniforms(4, ["convene:IRN", "convene:ISR", "harass:HEZ"])
    for j, name in enumerate(["convene:IRN", "convene:ISR", "harass:HEZ"]):
        np.testing.assert_array_equal(many[:, j], s.uniform(4, name))


def test_a_single_run_draws_the_same_bits_by_its_integer_path() -> None:
    big = Streams(8, np.arange(50)).uniform(9, "kill:arrow_3")
    for k in (0, 7, 49):
        assert Streams(8, np.array([k])).uniform(9, "kill:arrow_3")[0] == big[k]


def test_several_binomial_streams_at_once_equal_each_stream_alone() -> None:
    s = Streams(5, np.arange(300))
    rng = np.random.default_rng(1)
    n = rng.integers(0, 60, size=(3, 300)) * (rng.random((3, 300)) < 0.5)
    p = rng.random(300)
    names = ["kill:a:1", "kill:b:1", "kill:c:1"]
    many = s.binomials(2, names, n, p)
    for j, name in enumerate(names):
        np.testing.assert_array_equal(many[j], s.binomial(2, name, n[j], p))
    assert (many[n == 0] == 0).all()
    few = np.zeros_like(n)
    few[:, [4, 150, 299]] = n[:, [4, 150, 299]] + 1  # few draws: the integer path
    many = s.binomials(2, names, few, p)
    for j, name in enumerate(names):
        np.testing.assert_array_equal(many[j], s.binomial(2, name, few[j], p))
