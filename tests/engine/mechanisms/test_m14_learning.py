"""M14 Learning: an attacker moves its belief about what the defences stop toward each salvo's
interception rate, and a strike on territory is worth less the more it expects to be stopped."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.engine.learning import initial_beliefs, learn_from_salvo, learnt_discount
from tests.engine.mechanisms.tiny import batch


def test_every_attacker_starts_from_the_initial_belief() -> None:
    b = batch(runs=2, model={"initial_interception_belief": {"uniform": [0.2, 0.8]}})
    drawn = b.params.learning.initial_belief  # one draw per run, shared by every actor
    assert drawn[0] != drawn[1]
    assert initial_beliefs(b.params.learning, 3) == pytest.approx(np.repeat(drawn[:, None], 3, 1))
    assert b.state.belief_interception == pytest.approx(np.repeat(drawn[:, None], 2, 1))


def test_an_attacker_moves_its_belief_toward_each_salvos_interception_rate() -> None:
    b = batch(runs=2, model={"initial_interception_belief": 0.5, "learning_rate": 0.5})
    red, blue = b.ix("RED"), b.ix("BLUE")
    learn_from_salvo(b.state, b.params, np.array([0]), red, np.array([0.9]))
    # (1 - 0.5) x 0.5 + 0.5 x 0.9 = 0.7; run 1 fired nothing, BLUE learnt nothing.
    assert b.state.belief_interception[:, red] == pytest.approx([0.7, 0.5])
    learn_from_salvo(b.state, b.params, np.array([0]), red, np.array([0.9]))
    # 0.5 x 0.7 + 0.5 x 0.9 = 0.8.
    assert b.state.belief_interception[0, red] == pytest.approx(0.8)
    assert b.state.belief_interception[:, blue] == pytest.approx([0.5, 0.5])


def test_with_learning_rate_zero_nothing_is_learnt() -> None:
    b = batch(runs=1, model={"initial_interception_belief": 0.5, "learning_rate": 0.0})
    learn_from_salvo(b.state, b.params, b.runs, b.ix("RED"), np.array([1.0]))
    assert b.state.belief_interception[0, b.ix("RED")] == pytest.approx(0.5)


def test_strikes_on_territory_lose_signal_loss_x_belief_of_their_value() -> None:
    b = batch(runs=1, model={"interception_signal_loss": 0.3})
    red = b.ix("RED")
    b.state.belief_interception[0, red] = 0.8
    keep = learnt_discount(b.state, b.params, b.runs, red)[0]
    cat = b.params.catalog
    on_territory = cat.strike & cat.soil
    # 1 - 0.3 x 0.8 = 0.76 for a strike on soil (symbolic strike, large salvo, ...);
    # a killing abroad, sabotage or a threat keeps its full value.
    assert keep[on_territory] == pytest.approx([0.76] * int(on_territory.sum()))
    assert keep[~on_territory] == pytest.approx([1.0] * int((~on_territory).sum()))
    assert on_territory[cat.find("symbolic_strike")]
    assert not on_territory[cat.find("targeted_killing_abroad")]
    assert not on_territory[cat.find("covert_sabotage")]  # covert: not a strike
