"""Property tests over generated valid scenarios: whatever the crisis, the bookkeeping holds.

Stocks never go negative, casualties are non-negative integers, rungs stay on the ladder,
events come in day order within a run, and no number is NaN. Absurd but valid inputs give a
clear error or a well-defined result.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalade.engine.state import State
from escalade.ladder import DEFAULT_ACTIONS
from escalade.scenario.load import ScenarioError, validate
from escalade.simulation import run_batch

MUNITIONS = {
    "drone": {"kind": "drone", "flight_time_hours": 8, "failure_rate": 0.1, "unit_cost_usd": 3e4},
    "missile": {
        "kind": "mrbm",
        "flight_time_hours": 0.2,
        "failure_rate": 0.3,
        "unit_cost_usd": 1e6,
    },
}
ACTION_NAMES = [a.name for a in DEFAULT_ACTIONS]
unit = st.floats(0.0, 1.0)


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    n_states = draw(st.integers(1, 4))
    ids = [f"S{i}" for i in range(n_states)]
    actors: dict[str, Any] = {}
    for aid in ids:
        actors[aid] = {
            "role": "state",
            "resolve": draw(unit),
            "leader": {"risk_tolerance": draw(unit), "war_aversion": draw(unit)},
            "arsenal": {"drone": draw(st.integers(0, 400)), "missile": draw(st.integers(0, 200))},
            "packages": {
                "large_salvo": {
                    "drone": draw(st.integers(0, 200)),
                    "missile": draw(st.integers(0, 100)),
                }
            },
            "defence": {
                "layers": [
                    {
                        "name": "wall",
                        "owner": aid,
                        "engages": ["drone", "missile"],
                        "kill_probability": draw(unit),
                        "shots_per_threat": draw(st.integers(1, 3)),
                        "doctrine": draw(st.sampled_from(["shoot-shoot", "shoot-look-shoot"])),
                        "capacity_per_wave": draw(st.integers(0, 300)),
                        "stock": draw(st.integers(0, 300)),
                        "unit_cost_usd": 1e6,
                        "unwarned_readiness": draw(unit),
                    }
                ]
            },
            "policy": {
                "name": draw(
                    st.sampled_from(
                        ["calibrated_retaliation", "tit_for_tat", "hawk", "dove", "red_line"]
                    )
                ),
                "rationality": draw(st.floats(0.0, 20.0)),
            },
        }
    if draw(st.booleans()):
        actors["PX"] = {
            "role": "proxy",
            "patron": ids[0],
            "control": draw(unit),
            "harassment_rate": draw(unit),
            "arsenal": {"drone": 50},
            "packages": {"proxy_attack": {"drone": 5}},
        }
    actors["MED"] = {"role": "mediator"}
    everyone = list(actors)
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    relations = []
    if n_states > 1:
        for a, b in draw(st.lists(pairs, max_size=3)):
            relations.append(
                {
                    "kind": draw(st.sampled_from(["alliance", "hostility"])),
                    "between": [a, b],
                    "defend": draw(unit),
                    "join_offensive": draw(unit),
                }
            )
    if "PX" in actors and n_states > 1:
        relations.append({"kind": "hostility", "between": [ids[0], ids[1]], "intensity": 0.9})
    horizon = draw(st.integers(1, 40))
    events = [
        {
            "day": draw(st.integers(0, horizon - 1)),
            "actor": draw(st.sampled_from(everyone)),
            "action": draw(st.sampled_from(ACTION_NAMES)),
            "target": draw(st.sampled_from(ids)),
            "damage": draw(st.floats(0, 100)),
            "intercepted": draw(unit),
            "casualties": {"senior": draw(st.integers(0, 3)), "other": draw(st.integers(0, 50))},
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    return {
        "name": "generated",
        "start": "2024-01-01",
        "horizon_days": horizon,
        "munitions": MUNITIONS,
        "target_classes": {"air_base": {"damage_per_hit": 1.0, "casualties_per_hit": 0.2}},
        "actors": actors,
        "relations": relations,
        "channels": [
            {
                "between": [ids[0], ids[-1]],
                "via": "MED",
                "delay_days": draw(st.integers(0, 5)),
                "fidelity": draw(unit),
            }
        ]
        if n_states > 1
        else [],
        "red_lines": [
            {
                "holder": ids[-1],
                "if": {"actor": ids[0], "rung_at_least": draw(st.integers(0, 13))},
                "commits_to_rung": draw(st.integers(0, 12)),
            }
        ],
        "statements": [
            {
                "by": ids[0],
                "kind": draw(st.sampled_from(["restraint", "backing"])),
                "toward": ids[-1],
                "strength": draw(unit),
            }
        ],
        "initial_events": events,
        "model": {
            "decision_rate": draw(st.floats(0.05, 1.0)),
            "perception_noise": draw(st.floats(0.0, 1.0)),
        },
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(), seed=st.integers(0, 2**32))
def test_bookkeeping_holds_in_any_valid_scenario(data: dict[str, Any], seed: int) -> None:
    scenario = validate(data)
    top = len(scenario.ladder) - 1

    def invariants(day: int, state: State) -> None:
        assert (state.arsenals.stocks >= 0).all()
        assert all((stock >= 0).all() for stock in state.arsenals.interceptors)
        assert (
            np.isfinite(state.grievances.grievance).all()
            and (state.grievances.grievance >= 0).all()
        )
        # only a held pair holds a grievance (what the fading and the ending test rely on)
        assert (state.grievances.by_pair[~state.grievances.held] == 0).all()
        assert ((state.hard_weight >= 0) & (state.hard_weight <= 1)).all()

    batch = run_batch(scenario, seed, np.arange(25), keep_events=True, observe=invariants)
    out, ev = batch.outcomes, batch.events
    assert ev is not None
    assert pc.all(pc.greater_equal(out["deaths"], 0)).as_py() is not False
    assert out["deaths"].type == "int64" and out["senior_killed"].type == "int64"
    rungs = np.asarray(out["max_rung"])
    assert ((rungs >= 0) & (rungs <= top)).all()
    for column in ("damage", "attack_cost_usd", "defence_cost_usd", "interceptors_spent"):
        values = np.asarray(out[column])
        assert np.isfinite(values).all() and (values >= 0).all()
    events = ev.to_pandas()
    assert events.deaths.ge(0).all() and events.leaked.ge(0).all()
    assert events.rung.between(-1, top).all()
    assert not events.isna().any().any()
    for _, days in events.groupby("run").day:
        assert days.is_monotonic_increasing
    assert set(np.asarray(out["ended"])) <= {"quiet", "ceasefire", "war", "ongoing"}


def one_actor(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "alone",
        "start": "2024-01-01",
        "actors": {"SOLO": {"role": "state"}},
    }
    data.update(extra)
    return data


def test_a_trillion_missiles_is_refused_with_a_clear_error() -> None:
    data = one_actor(munitions=MUNITIONS)
    data["actors"]["SOLO"]["arsenal"] = {"missile": 10**12}
    with pytest.raises(ScenarioError) as info:
        validate(data)
    assert "actors.SOLO.arsenal.missile" in str(info.value)
    assert "less than or equal to 10000000" in str(info.value)


def test_one_actor_and_a_one_day_horizon_is_a_quiet_well_defined_run() -> None:
    out = run_batch(validate(one_actor(horizon_days=1)), 0, np.arange(10)).outcomes
    assert out.num_rows == 10
    assert set(np.asarray(out["max_rung"])) == {0}
    assert set(out["ended"].to_pylist()) == {"ongoing"}
    assert out["first_war_day"].null_count == 10


def test_an_actor_striking_itself_is_well_defined() -> None:
    data = one_actor(initial_events=[{"actor": "SOLO", "action": "large_salvo", "target": "SOLO"}])
    out = run_batch(validate(data), 0, np.arange(10)).outcomes
    assert out.num_rows == 10 and np.isfinite(np.asarray(out["damage"])).all()
