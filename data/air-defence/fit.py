"""Fit the calibration scenarios' free parameters to the figures before 2024 (M6), by grid search.

    .venv/bin/python data/air-defence/fit.py

Method (documented in docs/model/M6-engagement.md, "Calibration"): for each calibration
scenario, every combination of the grid below is tried; for each, the figures marked
``fit: true`` in figures.yaml (those of that scenario dated before 2024) are resolved for
1,000 seeded runs (seed 7) and the combination with the smallest summed **interval score**
of the model's central 80% interval wins (Gneiting and Raftery 2007, a proper scoring rule:
``(hi - lo) + (2 / 0.2) x the distance by which the record falls outside [lo, hi]``, the
record being the figure's ``range`` when it has one, each term divided by max(value, 1)
so that large salvos do not dominate). Unlike counting the figures covered, it penalises
intervals made wide to cover everything as well as intervals that miss. The best
combination is printed; it was copied by hand into the scenario files (comments
``# src: fitted``), then coverage.py rewrites the reported coverage. The held-out figures
(2024, the Gulf 2022 figures of a scenario with nothing fitted, and the E2/E7 episodes) are
never used here. A grid key may name several paths separated by ``|``: they take the same
value (the Red Sea destroyers' SM-2 layer over US ships and over Israel's approaches). The
PERT of a fitted kill probability is ``[mode - spread, mode, mode + spread]`` clipped to
[0.01, 0.99].
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from escalade.salvos import coverage

HERE = Path(__file__).parent
FIGURES = HERE / "figures.yaml"
UKR = "data/air-defence/ukraine-2023-2024.yaml"
RED = "data/air-defence/red-sea-2023-2024.yaml"
SM2 = "actors.USA.defence.layers.2.kill_probability|actors.ISR.defence.layers.0.kill_probability"


def pert(mode: float, spread: float) -> dict[str, list[float]]:
    return {"pert": [round(max(0.01, mode - spread), 3), mode, round(min(0.99, mode + spread), 3)]}


GRIDS: dict[str, dict[str, list[Any]]] = {
    UKR: {
        "actors.UKR.defence.layers.0.kill_probability": [
            pert(m, s) for m in (0.45, 0.5, 0.55, 0.6, 0.65, 0.7) for s in (0.2, 0.3, 0.4)
        ],
        "actors.UKR.defence.layers.1.kill_probability": [
            pert(m, 0.15) for m in (0.6, 0.7, 0.8, 0.9)
        ],
        "actors.UKR.defence.layers.1.capacity_per_wave": [16, 22],
        "actors.UKR.defence.layers.2.capacity_per_wave": [8, 12, 16],
    },
    RED: {
        SM2: [pert(m, s) for m in (0.45, 0.55, 0.65, 0.75, 0.85) for s in (0.1, 0.2)],
    },
}


ALPHA = 0.2
"""One minus the interval's level: the 80% central interval."""


def interval_score(row: dict[str, Any]) -> float:
    """The interval score of one figure, relative to its size (smaller is better)."""
    rec_lo, rec_hi = (float(x) for x in row["range"])
    miss = max(0.0, row["lo"] - rec_hi) + max(0.0, rec_lo - row["hi"])
    return (row["hi"] - row["lo"] + 2.0 / ALPHA * miss) / max(float(row["value"]), 1.0)


def score(spec: str, values: dict[str, Any]) -> tuple[float, int]:
    """(summed interval score, figures covered) of one grid point on the fit figures."""
    overrides = {path: v for key, v in values.items() for path in key.split("|")}
    out = coverage(
        FIGURES,
        interval=100 * (1 - ALPHA),
        runs=1000,
        seed=7,
        overrides={spec: overrides},
        only_fit=True,
        scenario=spec,
    )
    return sum(interval_score(r) for r in out["rows"]), out["covered"]


def main() -> None:
    for spec, grid in GRIDS.items():
        keys = list(grid)
        best: tuple[float, int] | None = None
        chosen: dict[str, Any] = {}
        for combo in itertools.product(*(grid[k] for k in keys)):
            values = dict(zip(keys, combo, strict=True))
            s = score(spec, values)
            if best is None or s[0] < best[0]:
                best, chosen = s, values
        assert best is not None
        print(f"{spec}: interval score {best[0]:.3f}, covered {best[1]}")
        for k, v in chosen.items():
            print(f"  {k} = {v}")


if __name__ == "__main__":
    main()
