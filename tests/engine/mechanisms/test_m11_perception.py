"""M11 Misperception: a blow's size is read with noise, and a deniable blow by a proxy may be
blamed on its patron."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.perception import attributed_culprit, misperceived_rung
from tests.engine.mechanisms.tiny import batch, binomial_tolerance

ACTORS: dict[str, Any] = {
    "IRN": {"role": "state"},
    "HEZ": {"role": "proxy", "patron": "IRN"},
    "ISR": {"role": "state"},
}


def test_without_noise_a_blow_is_read_at_its_rung() -> None:
    b = batch(runs=3, model={"perception_noise": 0.0})
    seen = misperceived_rung(b.params, b.streams, 0, b.runs, np.array([7, 0, 12]), "t")
    assert seen.tolist() == [7.0, 0.0, 12.0]


def test_a_blow_is_read_as_rung_x_one_plus_noise_x_a_standard_normal() -> None:
    b = batch(runs=5, model={"perception_noise": 0.15})
    seen = misperceived_rung(b.params, b.streams, 4, b.runs, 8, "strike")
    z = b.streams.normal(4, "perceive:strike")  # the stream the docstring's N(0, 1) comes from
    # max(8 x (1 + 0.15 z), 0)
    assert seen == pytest.approx(np.maximum(8.0 * (1.0 + 0.15 * z), 0.0))


def test_misread_sizes_are_unbiased_with_the_stated_spread() -> None:
    n = 4000
    b = batch(runs=n, model={"perception_noise": 0.15})
    seen = misperceived_rung(b.params, b.streams, 4, b.runs, 8, "strike")
    # Mean 8, s.d. 0.15 x 8 = 1.2 (the floor at 0 is 6.7 s.d. away): the s.e. of the mean is
    # 1.2 / sqrt(4000) = 0.019; 3 s.e. = 0.057. The s.d. of a sample s.d. is about
    # 1.2 / sqrt(2 x 4000) = 0.013; 3 of those = 0.04.
    assert abs(seen.mean() - 8.0) < 3 * 1.2 / np.sqrt(n)
    assert abs(seen.std() - 1.2) < 3 * 1.2 / np.sqrt(2 * n)


def test_a_misread_is_never_below_zero() -> None:
    b = batch(runs=500, model={"perception_noise": 3.0})
    seen = misperceived_rung(b.params, b.streams, 0, b.runs, 5, "t")
    # With noise 3, 1 + 3z < 0 when z < -1/3: about 37% of runs are read as 0, none below.
    assert (seen >= 0).all()
    assert (seen == 0).mean() > 0.25


def culprits(attribution: float, deniable: bool, striker: str, runs: int = 5) -> Any:
    b = batch(runs=runs, actors=ACTORS, model={"attribution_to_patron": attribution})
    blame = b.params.perception.attribution_to_patron
    got = attributed_culprit(b.params, b.streams, 0, b.runs, b.ix(striker), deniable, "t", blame)
    return [b.params.actors[c] for c in got]


def test_a_deniable_proxy_blow_is_blamed_on_the_patron_at_probability_one() -> None:
    assert culprits(1.0, deniable=True, striker="HEZ") == ["IRN"] * 5


def test_an_overt_proxy_blow_is_always_blamed_on_the_proxy() -> None:
    assert culprits(1.0, deniable=False, striker="HEZ") == ["HEZ"] * 5


def test_a_state_without_a_patron_is_blamed_for_its_own_deniable_blows() -> None:
    assert culprits(1.0, deniable=True, striker="ISR") == ["ISR"] * 5


def test_a_deniable_proxy_blow_is_blamed_on_the_patron_at_attribution_to_patron() -> None:
    n = 4000
    share = np.mean(np.array(culprits(0.25, deniable=True, striker="HEZ", runs=n)) == "IRN")
    # 3 s.e. of a share of 4000 runs: 3 x sqrt(0.25 x 0.75 / 4000) = 0.021.
    assert abs(share - 0.25) < binomial_tolerance(0.25, n)


def test_an_initial_event_can_carry_whom_its_victim_blamed_at_the_time() -> None:
    # E11: the Houthis claimed the Abqaiq attack, but the US blamed Iran on the day. The event's
    # blamed_on_patron (1.0) overrides the model's attribution_to_patron (0.25) for it alone; an
    # event without one keeps the model's.
    attack = {"day": 0, "actor": "HEZ", "target": "ISR", "action": "proxy_attack"}
    b = batch(
        runs=4,
        actors=ACTORS,
        model={"attribution_to_patron": 0.25},
        initial_events=[{**attack, "blamed_on_patron": 1.0}, attack],
    )
    assert b.params.triggers.blame[:, 0] == pytest.approx([1.0] * 4)
    assert b.params.triggers.blame[:, 1] == pytest.approx([0.25] * 4)
    got = attributed_culprit(
        b.params, b.streams, 0, b.runs, b.ix("HEZ"), True, "t", b.params.triggers.blame[:, 0]
    )
    assert [b.params.actors[c] for c in got] == ["IRN"] * 4
