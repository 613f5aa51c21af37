"""Uncertain parameters: a number, or a distribution drawn once per run.

Any numeric parameter of a scenario may be written as a plain number or as one of
``{pert: [min, mode, max]}``, ``{beta: [a, b]}``, ``{uniform: [lo, hi]}``. The draw for run K
depends only on ``(seed, K, parameter path)``, so uncertainty about the parameters flows into
the ensemble without breaking reproducibility.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

import numpy as np
import scipy
from numpy.typing import NDArray
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from scipy import special

from escalade.cache import cached_array

_GRID = 16385
"""Points of the tabulated inverse CDF of a beta distribution (error below 1e-4 of the range)."""


@lru_cache(maxsize=256)
def _beta_table(a: float, b: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The beta inverse CDF on a grid denser near 0 and 1, for fast interpolation (its values
    kept in the per-user cache, :mod:`escalade.cache`: 37 ms each to compute)."""
    t = np.linspace(0.0, 1.0, _GRID)
    u = 0.5 - 0.5 * np.cos(np.pi * t)  # Chebyshev-like spacing: fine at the tails
    name = f"beta-{a.hex()}-{b.hex()}-{_GRID}-scipy-{scipy.__version__}"
    return u, cached_array(name, u.shape, lambda: special.betaincinv(a, b, u))


def beta_quantile(a: float, b: float, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """Beta(a, b) quantiles of ``u`` by interpolating a cached table (monotone, one per u)."""
    grid, values = _beta_table(float(a), float(b))
    return np.interp(u, grid, values)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Pert(_Strict):
    """PERT (scaled beta) distribution given by minimum, most likely value and maximum."""

    pert: tuple[float, float, float] = Field(description="[min, mode, max]")

    @model_validator(mode="after")
    def _ordered(self) -> Pert:
        lo, mode, hi = self.pert
        got = f"got [min, mode, max] = {list(self.pert)}"
        if lo > hi:
            raise ValueError(f"pert min {lo} is greater than max {hi}; {got}")
        if lo == hi:
            raise ValueError(f"pert min and max are both {lo} (a fixed value is a plain number)")
        if not lo <= mode <= hi:
            raise ValueError(f"pert mode {mode} is outside [min, max] = [{lo}, {hi}]; {got}")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        return self.pert[0], self.pert[2]

    def quantile(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        lo, mode, hi = self.pert
        a = 1.0 + 4.0 * (mode - lo) / (hi - lo)
        b = 1.0 + 4.0 * (hi - mode) / (hi - lo)
        return lo + (hi - lo) * beta_quantile(a, b, u)

    @property
    def mean(self) -> float:
        lo, mode, hi = self.pert
        return (lo + 4.0 * mode + hi) / 6.0


class Beta(_Strict):
    """Beta distribution on [0, 1] with shape parameters a and b."""

    beta: tuple[float, float] = Field(description="[a, b], both > 0")

    @model_validator(mode="after")
    def _positive(self) -> Beta:
        if min(self.beta) <= 0:
            raise ValueError(f"beta shape parameters must be > 0, got {list(self.beta)}")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        return 0.0, 1.0

    def quantile(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        return beta_quantile(self.beta[0], self.beta[1], u)

    @property
    def mean(self) -> float:
        return self.beta[0] / (self.beta[0] + self.beta[1])


class Uniform(_Strict):
    """Uniform distribution on [lo, hi]."""

    uniform: tuple[float, float] = Field(description="[lo, hi], lo < hi")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.uniform[0] < self.uniform[1]:
            raise ValueError(f"uniform lo {self.uniform[0]} must be below hi {self.uniform[1]}")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        return self.uniform

    def quantile(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        lo, hi = self.uniform
        return lo + (hi - lo) * u

    @property
    def mean(self) -> float:
        return (self.uniform[0] + self.uniform[1]) / 2.0


Distribution = Pert | Beta | Uniform
Param = float | Pert | Beta | Uniform


MAX_AMOUNT = 1e12
"""Largest value of any non-negative quantity (costs, damage, weights, ...): ample for real
crises, and small enough that sums and products over a run's salvos stay finite."""


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) >= 1e6 else str(x)


def _within(lo: float, hi: float) -> Any:
    def check(value: Param) -> Param:
        a, b = (value, value) if isinstance(value, float | int) else value.bounds
        if a < lo or b > hi:
            shown = (
                _num(value)
                if isinstance(value, float | int)
                else f"a distribution over [{_num(a)}, {_num(b)}]"
            )
            raise ValueError(f"must lie in [{_num(lo)}, {_num(hi)}], got {shown}")
        return value

    return AfterValidator(check)


Probability = Annotated[Param, _within(0.0, 1.0)]
"""A probability or share in [0, 1], fixed or uncertain."""
NonNegative = Annotated[Param, _within(0.0, MAX_AMOUNT)]
"""A non-negative quantity up to :data:`MAX_AMOUNT`, fixed or uncertain."""
Positive = Annotated[Param, _within(1e-9, MAX_AMOUNT)]
"""A strictly positive quantity (a scale) up to :data:`MAX_AMOUNT`, fixed or uncertain."""


def mean_of(value: Param) -> float:
    """The expected value of a parameter (the number itself when it is fixed)."""
    return float(value) if isinstance(value, float | int) else value.mean


def draw(value: Param, u: NDArray[np.float64]) -> NDArray[np.float64]:
    """One value per run from uniforms ``u`` (a fixed number is repeated)."""
    if isinstance(value, float | int):
        return np.full(u.shape, float(value))
    return value.quantile(u)
