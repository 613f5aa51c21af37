"""The answer an analyst can put in a briefing: one headline sentence and what moves it.

:func:`headline` turns an ensemble's threshold probabilities into one sentence ("a direct
exchange between states follows in 31% of runs (95% interval 29–33%) ..."), and
:func:`definitions` gives the words of each outcome it names (from the outcome registry,
:mod:`escalade.outcomes`). :func:`drivers` measures each lever a scenario declares: the
scenario with and without the lever, run with the same seed and run ids (common random
numbers, :mod:`escalade.analysis.compare`), and the paired difference in P(sustained war) and
P(direct exchange) with Newcombe's paired 95% interval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from escalade.analysis.compare import Difference, paired_proportion
from escalade.analysis.stats import crossed
from escalade.api import simulate
from escalade.outcomes import BY_NAME, THRESHOLDS
from escalade.scenario.load import load_scenario_text
from escalade.scenario.schema import Scenario

DRIVERS_RUNS = 2000
"""Runs per arm of an experiment's drivers by default (at most the experiment's own runs)."""
HEADLINE_COLUMNS = ("first_direct_day", "first_war_day")
"""The thresholds the headline and the drivers table report: a direct exchange between states
and sustained war (M12)."""


def percent(p: float) -> str:
    """A share as a sentence quotes it: whole percents, but never rounded to 0% or 100% unless
    it is exactly that (0.0002 is "0.02%", 0.995 is "99.5%", 0.9999 is "99.99%")."""
    value = 100.0 * p
    if value <= 0 or value >= 100:
        return f"{value:.0f}%"
    if value < 1:
        return f"{value:.2g}%"
    digits = 1 if value > 99 else 0
    while digits < 4 and round(value, digits) >= 100:
        digits += 1
    return f"{value:.{digits}f}%"


def headline(result: Mapping[str, Any], scenario: str, days: int) -> str:
    """One sentence: the chance of a direct exchange and of sustained war within ``days``
    days, with their 95% intervals (``result`` is :func:`escalade.analysis.stats.summary`)."""
    by_label = {row["label"]: row for row in result["thresholds"]}
    parts = []
    for i, col in enumerate(HEADLINE_COLUMNS):
        row = by_label[BY_NAME[col].label]
        runs = " of runs" if i == 0 else ""
        parts.append(
            f"{BY_NAME[col].label} in {percent(row['p'])}{runs} "
            f"(95% interval {percent(row['low'])}–{percent(row['high'])})"
        )
    return (
        f"Within {days} days of the trigger ({scenario}, {result['runs']:,} runs): "
        + "; ".join(parts)
        + "."
    )


def definitions(columns: tuple[str, ...] = HEADLINE_COLUMNS) -> list[str]:
    """``label: definition`` lines for the outcomes named (from the outcome registry)."""
    return [f"{BY_NAME[c].label}: {BY_NAME[c].definition}" for c in columns]


@dataclass(frozen=True)
class Driver:
    """One lever's paired effect on the headline thresholds."""

    lever: str
    description: str
    effects: dict[str, Difference]
    """Outcome column -> B − A (B: with the lever)."""

    def as_dict(self) -> dict[str, object]:
        return {
            "lever": self.lever,
            "description": self.description,
            "effects": {col: d.as_dict() for col, d in self.effects.items()},
        }


def drivers(
    scenario: Scenario,
    runs: int,
    seed: int,
    days: int | None,
    with_lever: Callable[[dict[str, Any]], Scenario],
    on_chunk: Callable[[int], None] | None = None,
) -> list[Driver]:
    """Each lever ``scenario`` declares, measured by its paired effect (same seed and run ids
    in both arms) on P(direct exchange) and P(sustained war); largest effect on war first.

    ``with_lever(overrides)`` gives the scenario with a lever's overrides applied on top of
    whatever made ``scenario`` (e.g. the experiment's own overrides)."""
    a = simulate(scenario, runs=runs, seed=seed, days=days, on_chunk=on_chunk).outcomes
    out = []
    for name, lever in scenario.levers.items():
        arm = with_lever(lever.overrides())
        b = simulate(arm, runs=runs, seed=seed, days=days, on_chunk=on_chunk).outcomes
        effects = {
            col: paired_proportion(BY_NAME[col].short, crossed(a, col), crossed(b, col))
            for col in HEADLINE_COLUMNS
        }
        out.append(Driver(name, lever.description, effects))
    return sorted(out, key=lambda d: -abs(d.effects["first_war_day"].diff))


def experiment_drivers(
    manifest: Mapping[str, Any],
    scenario: Scenario,
    runs: int | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> list[Driver]:
    """:func:`drivers` of a stored experiment: each lever its scenario declares, applied on
    top of the experiment's own overrides, with its seed and days; ``runs`` per arm (default
    the experiment's runs, at most :data:`DRIVERS_RUNS`)."""
    n = runs or min(int(manifest["runs"]), DRIVERS_RUNS)
    base = dict(manifest.get("overrides") or {})

    def with_lever(extra: dict[str, Any]) -> Scenario:
        return load_scenario_text(
            manifest["scenario_yaml"], manifest["scenario_source"], {**base, **extra}
        )

    return drivers(scenario, n, int(manifest["seed"]), manifest.get("days"), with_lever, on_chunk)


def drivers_total(manifest: Mapping[str, Any], scenario: Scenario, runs: int | None) -> int:
    """How many runs :func:`experiment_drivers` simulates (for a progress bar)."""
    n = runs or min(int(manifest["runs"]), DRIVERS_RUNS)
    return n * (len(scenario.levers) + 1)


def points(d: Difference) -> str:
    """A paired difference in percentage points with its interval, e.g. ``-3.1 pp (-4.0 to
    -2.2)``."""
    return f"{100 * d.diff:+.1f} pp ({100 * d.low:+.1f} to {100 * d.high:+.1f})"


__all__ = [
    "DRIVERS_RUNS",
    "THRESHOLDS",
    "Driver",
    "definitions",
    "drivers",
    "drivers_total",
    "experiment_drivers",
    "headline",
    "points",
]
