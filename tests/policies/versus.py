"""Versus-style harness: a policy under test (BLUE) against a scripted opponent (RED).

RED's moves are the scenario's initial events; BLUE decides every day it holds a grievance
(``decision_rate: 1``), reads blows without noise and declares no ends unless a test
asks, so a deterministic policy's answers can be stated exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from escalade.scenario.load import validate
from escalade.simulation import run_batch


def duel(policy: str, red_moves: list[tuple[int, str]], **extra: Any) -> Any:
    data: dict[str, Any] = {
        "name": "versus",
        "start": "2024-01-01",
        "horizon_days": 20,
        "actors": {
            "RED": {"role": "state", "policy": {"name": "none"}},
            "BLUE": {"role": "state", "policy": {"name": policy, "rationality": 100.0}},
        },
        "initial_events": [
            {"day": d, "actor": "RED", "action": a, "target": "BLUE"} for d, a in red_moves
        ],
        # A rung-7 strike on BLUE's soil leaves 0.5 x 7 x 2 = 7 rungs of grievance (M1):
        # a rung-7 answer discharges it.
        "model": {
            "decision_rate": 1.0,
            "perception_noise": 0.0,
            "quiet_days": 30,
            "declare_end_probability": 0.0,
            "rung_weight": 0.5,
            "soil_weight": 2.0,
        },
    }
    for key, value in extra.items():
        data[key] = value
    return validate(data)


def blue_moves(scenario: Any, seed: int = 1) -> list[tuple[int, str, str]]:
    """(day, kind, action) of BLUE's moves in run 0."""
    events = run_batch(scenario, seed, np.array([0]), keep_events=True).events
    assert events is not None
    return [
        (e["day"], e["kind"], e["action"])
        for e in events.to_pylist()
        if e["actor"] == "BLUE" and e["kind"] in ("strike", "statement", "declaration")
    ]
