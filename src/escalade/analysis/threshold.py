"""Break-even search: the value of one lever or field at which an outcome's probability
crosses a target (``escalade threshold SCENARIO --lever us_no_offensive --target
"P(war)<0.01"``).

Every value tried is simulated with the same seed and run ids (common random numbers), so the
probability moves with the value, not with the luck of the draw. The search bisects the range
for the value where the estimate crosses the target, assuming the probability is monotone in
the value over the range (it checks the ends and says so when the target is not bracketed).
The answer is a point estimate from a finite ensemble: each probability quoted carries its
95% Wilson interval.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from escalade.analysis.stats import crossed, wilson
from escalade.api import simulate
from escalade.scenario.schema import Scenario

TARGET_OUTCOMES = {
    "war": "first_war_day",
    "direct": "first_direct_day",
    "direct exchange": "first_direct_day",
    "strategic": "first_strategic_day",
    "combat": "first_combat_day",
}
"""The names a target may use, P(NAME): outcome column (a threshold of the outcome registry)."""

_TARGET = re.compile(r"^\s*P\(\s*([a-z ]+?)\s*\)\s*(<=|<|>=|>)\s*([0-9.eE+-]+%?)\s*$")


@dataclass(frozen=True)
class Target:
    """``P(outcome) < level`` (or ``<=``, ``>``, ``>=``)."""

    name: str
    column: str
    op: str
    level: float

    def met(self, p: float) -> bool:
        return {
            "<": p < self.level,
            "<=": p <= self.level,
            ">": p > self.level,
            ">=": p >= self.level,
        }[self.op]

    def __str__(self) -> str:
        return f"P({self.name}) {self.op} {self.level:g}"


def parse_target(text: str) -> Target:
    """``"P(war)<0.01"``, ``"P(direct) >= 50%"``: a located, helpful error otherwise."""
    m = _TARGET.match(text)
    names = ", ".join(sorted(TARGET_OUTCOMES))
    if m is None:
        raise ValueError(
            f"--target: expected P(outcome) < level, e.g. \"P(war)<0.01\", got '{text}' "
            f"(outcomes: {names})"
        )
    name, op, raw = m.groups()
    if name not in TARGET_OUTCOMES:
        raise ValueError(f"--target: unknown outcome '{name}' (known: {names})")
    try:
        level = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise ValueError(f"--target: '{raw}' is not a number") from None
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"--target: a probability lies in [0, 1], got {level:g}")
    return Target(name, TARGET_OUTCOMES[name], op, level)


@dataclass(frozen=True)
class Step:
    value: float
    p: float
    low: float
    high: float
    met: bool


@dataclass
class Threshold:
    """The result of a break-even search."""

    path: str
    label: str
    target: Target
    runs: int
    seed: int
    steps: list[Step] = field(default_factory=list)
    value: float | None = None
    """The value where the target is first met (None if it is not met in the range)."""
    verdict: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label,
            "target": str(self.target),
            "column": self.target.column,
            "runs": self.runs,
            "seed": self.seed,
            "value": self.value,
            "verdict": self.verdict,
            "steps": [s.__dict__ for s in self.steps],
        }


def search(
    at: Callable[[float], Scenario],
    path: str,
    low: float,
    high: float,
    target: Target,
    runs: int,
    seed: int,
    days: int | None = None,
    tolerance: float | None = None,
    label: str = "",
    integer: bool = False,
    on_step: Callable[[int], None] | None = None,
    cache: MutableMapping[int, dict[str, Any]] | None = None,
) -> Threshold:
    """Bisect [low, high] for the value where ``target`` starts to hold (``at(value)`` is the
    scenario with the field at that value), to ``tolerance`` (default 1/64 of the range).

    ``cache`` holds the steps already simulated, by their order (``value`` and ``hits``): a
    step found there for the same value is not simulated again, and each new one is put there
    (how an interrupted search resumes with the same answer)."""
    out = Threshold(path, label or path, target, runs, seed)
    tol = (high - low) / 64 if tolerance is None else tolerance
    if integer:
        tol = max(tol, 1.0)

    known = {} if cache is None else cache

    def step(v: float) -> Step:
        v = float(round(v)) if integer else v
        before = known.get(len(out.steps))
        if before is not None and before["value"] == v:
            k = int(before["hits"])
        else:
            o = simulate(at(v), runs=runs, seed=seed, days=days).outcomes
            k = int(crossed(o, target.column).sum())
            known[len(out.steps)] = {"value": v, "hits": k}
        lo, hi = wilson(k, runs)
        s = Step(v, k / runs, lo, hi, target.met(k / runs))
        out.steps.append(s)
        if on_step is not None:
            on_step(1)
        return s

    a, b = step(low), step(high)
    if a.met == b.met:
        where = "both ends" if a.met else "neither end"
        out.verdict = (
            f"{target} holds at {where} of {out.label} = {low:g}..{high:g} "
            f"(P = {a.p:.3f} and {b.p:.3f}); no break-even inside the range"
        )
        out.value = low if a.met else None
        return out
    while abs(b.value - a.value) > tol:
        mid = step((a.value + b.value) / 2)
        if mid.value in (a.value, b.value):
            break
        if mid.met == a.met:
            a = mid
        else:
            b = mid
    met = a if a.met else b
    other = b if a.met else a
    out.value = met.value
    out.verdict = (
        f"{target} once {out.label} is {'at most' if met.value < other.value else 'at least'} "
        f"about {met.value:.3g} (P = {met.p:.3f}, 95% interval {met.low:.3f}–{met.high:.3f}; "
        f"{other.p:.3f} at {other.value:.3g})"
    )
    return out
