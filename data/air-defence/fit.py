"""Fit the calibration scenarios' free parameters to the 2023 figures (M6), by grid search.

    .venv/bin/python data/air-defence/fit.py

Method (documented in docs/model/M6-engagement.md, "Calibration"): for each calibration
scenario, every combination of the grid below is tried; for each, the figures marked
``fit: true`` in figures.yaml (those of 2023) are resolved for 1,000 seeded runs and scored by
(1) the number covered by the model's 80% interval (more is better), then (2) the sum of
|median - value| / max(value, 1) (less is better). The best combination is printed; it was
copied by hand into the scenario files (comments ``# src: fitted``). The held-out figures
(2024 and the E2/E7 episodes) are never used here. The PERT of a fitted kill probability is
``[mode - spread, mode, mode + spread]`` clipped to [0.01, 0.99].
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


def pert(mode: float, spread: float) -> dict[str, list[float]]:
    return {"pert": [round(max(0.01, mode - spread), 3), mode, round(min(0.99, mode + spread), 3)]}


GRIDS: dict[str, dict[str, list[Any]]] = {
    UKR: {
        "actors.UKR.defence.layers.0.kill_probability": [
            pert(m, s) for m in (0.35, 0.45, 0.55, 0.65) for s in (0.2, 0.3)
        ],
        "actors.UKR.defence.layers.1.capacity_per_wave": [10, 16, 22],
    },
    RED: {
        "actors.USA.defence.layers.2.kill_probability": [
            pert(m, s) for m in (0.65, 0.75, 0.85) for s in (0.1, 0.2)
        ],
    },
}


def score(spec: str, values: dict[str, Any]) -> tuple[int, float]:
    out = coverage(FIGURES, runs=1000, seed=7, overrides={spec: values}, only_fit=True)
    rows = [r for r in out["rows"] if r["id"].startswith("UKR" if spec == UKR else "RED")]
    err = sum(abs(r["median"] - r["value"]) / max(r["value"], 1) for r in rows)
    return sum(r["covered"] for r in rows), err


def main() -> None:
    for spec, grid in GRIDS.items():
        keys = list(grid)
        best: tuple[int, float] | None = None
        chosen: dict[str, Any] = {}
        for combo in itertools.product(*(grid[k] for k in keys)):
            values = dict(zip(keys, combo, strict=True))
            s = score(spec, values)
            if best is None or (s[0], -s[1]) > (best[0], -best[1]):
                best, chosen = s, values
        print(f"{spec}: covered {best[0] if best else 0}, error {best[1] if best else 0:.3f}")
        for k, v in chosen.items():
            print(f"  {k} = {v}")


if __name__ == "__main__":
    main()
