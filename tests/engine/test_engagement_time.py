"""M6/M3 in hours and in time (issue 11): readiness as a function of lead time, shelters,
arrival windows (saturation by simultaneity), accuracy and debris, resupply and the ration
policy. Statistical tolerances are derived from the sample size and stated beside them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine import engagement as eng
from escalade.scenario.schema import Scenario, parse_duration_hours
from tests.engine.test_engagement import MUNITIONS, fire, layer, scenario, sigma_binomial, streams


def test_durations_accept_hours_and_units_and_refuse_the_rest() -> None:
    assert parse_duration_hours(3) == 3.0
    assert parse_duration_hours("3h") == 3.0
    assert parse_duration_hours("2d") == 48.0
    assert parse_duration_hours("90min") == 1.5
    assert parse_duration_hours(" 1.5 h") == 1.5
    for bad in ("3 weeks", "-2h", "h", True, -1):
        with pytest.raises(ValueError, match="duration"):
            parse_duration_hours(bad)


def test_readiness_rises_linearly_with_lead_time_in_hours() -> None:
    sc = scenario([layer("l", unwarned_readiness=0.2, full_readiness_hours="10h")])
    dt = eng.defence_table(sc, "BLUE", streams(3))
    r = eng.readiness(dt, np.array([0.0, 5.0, 30.0]))[:, 0]
    assert r == pytest.approx([0.2, 0.6, 1.0])
    # booleans keep their old meaning: warned = full readiness, not warned = 0 h
    assert eng.readiness(dt, eng.lead_hours_of(np.array([True, False, True]), 3))[:, 0] == (
        pytest.approx([1.0, 0.2, 1.0])
    )
    cap = eng.effective_capacity(
        eng.defence_table(
            scenario(
                [layer("l", capacity_per_wave=100, unwarned_readiness=0.2, full_readiness_hours=10)]
            ),
            "BLUE",
            streams(3),
        ),
        np.ones((3, 1), dtype=np.bool_),
        np.array([0.0, 5.0, 30.0]),
    )[:, 0]
    assert cap.tolist() == [20, 60, 100]


def test_a_partner_joins_more_often_with_more_hours_of_warning() -> None:
    runs = 20_000
    sc = scenario(
        [layer("jets", owner="GOLD", unwarned_readiness=0.0, full_readiness_hours=48)],
        defend=0.8,
    )
    s = streams(runs)
    dt = eng.defence_table(sc, "BLUE", s)
    shares = [eng.layers_joined(dt, s, 0, np.full(runs, h))[:, 0].mean() for h in (0, 12, 24, 48)]
    # expected 0.8 x min(1, h/48): 0, 0.2, 0.4, 0.8; 5 s.e. of a share over 20,000 runs <= 0.018
    for got, want in zip(shares, (0.0, 0.2, 0.4, 0.8), strict=True):
        assert got == pytest.approx(want, abs=5 * sigma_binomial(runs, 0.5))


def test_shelters_reduce_deaths_per_hit_with_warning() -> None:
    fd, fc = eng.sheltered_factors(np.array([0.0, 1.0, 2.0, 10.0]), 2.0, 0.5, 0.1)
    assert fc == pytest.approx([1.0, 0.55, 0.1, 0.1])
    assert fd == pytest.approx([1.0, 0.75, 0.5, 0.5])


def _timed(window: Any, spread: float = 0.0) -> Scenario:
    mun = {k: dict(v) for k, v in MUNITIONS.items()}
    mun["drone"]["arrival_spread_hours"] = spread
    only = layer("l", capacity_per_wave=100, engages=["drone", "missile"])
    return Scenario.model_validate(
        {
            "name": "timed",
            "start": "2024-01-01",
            "munitions": mun,
            "target_classes": {"base": {"damage_per_hit": 1.0, "casualties_per_hit": 0.0}},
            "actors": {
                "RED": {"role": "state"},
                "BLUE": {"role": "state", "defence": {"window_hours": window, "layers": [only]}},
            },
        }
    )


def test_saturation_is_a_matter_of_simultaneity() -> None:
    """150 drones (8 h) and 100 missiles (0.2 h) against a perfect layer engaging 100 a window:
    all at once, 100 are engaged; in 1-hour windows drones and missiles come apart (up to 100
    of each); with the drones spread over 4 h, every threat that flies is engaged."""
    salvo = {"drone": 150, "missile": 100}
    for window, spread in ((None, 0.0), (1.0, 0.0), (1.0, 4.0)):
        sc = _timed(window, spread)
        res = fire(sc, salvo, 50)
        flew = res.launched - res.failed
        d, m = flew[:, 0], flew[:, 2]
        got = res.engaged.sum(axis=(1, 2))
        if window is None:
            want = np.minimum(d + m, 100)
        elif spread == 0:
            want = np.minimum(d, 100) + np.minimum(m, 100)
        else:
            want = d + m
        assert got.tolist() == want.tolist(), (window, spread)


def test_split_counts_is_exact_and_windows_cover_the_spread() -> None:
    n = np.array([0, 1, 7, 100])
    w = np.array([0.25, 0.5, 0.25])
    parts = eng.split_counts(n, w)
    assert parts.sum(axis=0).tolist() == n.tolist()
    assert parts[:, 3].tolist() == [25, 50, 25]
    assert parts[:, 2].tolist() == [1, 4, 2]  # cumulative rounding: edges floor(7 x [.25, .75])
    assert np.all(np.abs(parts - n[None, :] * w[:, None]) < 1)  # each within one of n w_k
    sc = _timed(1.0, 4.0)
    mt = eng.munition_table(sc, streams(2))
    wins = eng.arrival_windows(mt, 1.0)
    drone = mt.index("drone")
    assert [w[0] for w in wins] == [0.0, 2.0, 8.0, 9.0, 10.0, 11.0]
    assert sum(float(w[1][drone]) for w in wins) == pytest.approx(1.0)


def test_accuracy_splits_leakers_between_the_aim_point_and_open_ground() -> None:
    runs = 4000
    mun = {k: dict(v) for k, v in MUNITIONS.items()}
    mun["cruise"].update(accuracy=0.3, debris_share=0.5)
    sc = scenario([layer("l", engages=["cruise"], capacity_per_wave=10)], munitions=mun)
    res = fire(sc, {"cruise": 30}, runs)  # 10 killed, 20 leak, no failures
    assert res.open_ground is not None and res.debris is not None
    assert np.all(res.hits + res.open_ground == 20)
    # hits ~ Binomial(20, 0.3): mean 6, s.e. of the mean sqrt(20 x 0.21 / 4000) = 0.032
    assert res.hits.mean() == pytest.approx(6.0, abs=5 * 0.0324)
    # debris ~ Binomial(10 intercepts, 0.5): mean 5, s.e. 0.025
    assert res.debris.mean() == pytest.approx(5.0, abs=5 * 0.025)
    assert np.all(res.damage == res.hits * 2.0)


def test_reserve_holds_back_stock_and_resupply_refills_up_to_the_start() -> None:
    sc = scenario([layer("l", engages=["cruise"], stock=100, reserve=0.3, resupply_per_day=4.5)])
    res = fire(sc, {"cruise": 200}, 5)
    assert np.all(res.interceptors_used.sum(axis=1) == 70)  # fires down to the 30 held back
    dt = eng.defence_table(sc, "BLUE", streams(5))
    stock = res.stock_after
    after = eng.resupply(dt, stock, 0.0, 2.0)  # floor(4.5 x 2) = 9 delivered
    assert np.all(after == 39)
    assert np.all(eng.resupply(dt, np.full((5, 1), 98), 0.0, 2.0) == 100)  # capped


def test_without_partners_keeps_only_the_named_owners() -> None:
    sc = scenario([layer("own"), layer("jets", owner="GOLD")], defend=1.0)
    s = streams(10)
    dt = eng.defence_table(sc, "BLUE", s)
    none = eng.layers_joined(eng.without_partners(dt, []), s, 0, np.full(10, True))
    assert none[:, 0].all() and not none[:, 1].any()
    kept = eng.layers_joined(eng.without_partners(dt, ["GOLD"]), s, 0, np.full(10, True))
    assert kept.all()
