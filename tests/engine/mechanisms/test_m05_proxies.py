"""M5 Proxies: whom a proxy harasses on its own, which proxy carries out a patron's via-proxy
actions, how often proxies act despite their patrons, and when a patron holds one back."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from escalade.engine.compiled import Cast
from escalade.engine.decision import NO_ACTION
from escalade.engine.proxies import (
    executor,
    executors,
    harass_targets,
    patron_veto,
    proxy_initiative,
)
from escalade.ladder import DEFAULT_ACTIONS
from tests.engine.mechanisms.tiny import batch, binomial_tolerance, tiny

IRN_HEZ: dict[str, Any] = {
    "IRN": {"role": "state"},
    "HEZ": {"role": "proxy", "patron": "IRN"},
    "ISR": {"role": "state"},
    "USA": {"role": "state"},
}


def hostility(a: str, b: str, intensity: float) -> dict[str, Any]:
    return {"kind": "hostility", "between": [a, b], "intensity": intensity}


def targets(relations: list[dict[str, Any]], actors: dict[str, Any] = IRN_HEZ) -> dict[str, str]:
    sc = tiny(actors, relations=relations)
    cast = Cast.compile(sc)
    return {
        a: (cast.actors[t] if t >= 0 else "-")
        for a, t in zip(cast.actors, harass_targets(sc, cast).tolist(), strict=True)
    }


def test_a_proxy_harasses_its_own_strongest_enemy() -> None:
    rel = [hostility("HEZ", "USA", 0.4), hostility("HEZ", "ISR", 0.7), hostility("IRN", "USA", 0.9)]
    # HEZ's own enmities (ISR 0.7 > USA 0.4) come before its patron's (USA 0.9).
    assert targets(rel) == {"IRN": "-", "HEZ": "ISR", "ISR": "-", "USA": "-"}


def test_a_proxy_without_enemies_of_its_own_harasses_its_patrons_strongest() -> None:
    rel = [hostility("IRN", "ISR", 0.5), hostility("IRN", "USA", 0.9)]
    assert targets(rel)["HEZ"] == "USA"


def test_equal_enmities_go_to_the_actor_listed_first() -> None:
    rel = [hostility("HEZ", "USA", 0.6), hostility("HEZ", "ISR", 0.6)]
    assert targets(rel)["HEZ"] == "ISR"  # ISR is listed before USA among the actors


def test_a_proxy_without_any_enemy_harasses_nobody() -> None:
    assert targets([])["HEZ"] == "-"


TWO_PROXIES: dict[str, Any] = {
    "IRN": {"role": "state"},
    "HEZ": {"role": "proxy", "patron": "IRN"},
    "KH": {"role": "proxy", "patron": "IRN"},
    "ISR": {"role": "state"},
}


def executors_of(actors: dict[str, Any]) -> dict[str, str]:
    sc = tiny(actors)
    cast = Cast.compile(sc)
    ex = executors(sc, cast).tolist()
    return {a: (cast.actors[e] if e >= 0 else "-") for a, e in zip(cast.actors, ex, strict=True)}


def test_a_patrons_via_proxy_actions_go_to_its_proxy_listed_first() -> None:
    assert executors_of(TWO_PROXIES) == {"IRN": "HEZ", "HEZ": "-", "KH": "-", "ISR": "-"}


def test_acts_through_names_the_proxy_that_executes() -> None:
    actors = {**TWO_PROXIES, "IRN": {"role": "state", "acts_through": "KH"}}
    assert executors_of(actors)["IRN"] == "KH"


def test_executor_is_the_actor_itself_unless_the_action_goes_through_a_proxy() -> None:
    b = batch(runs=1, actors=TWO_PROXIES)
    irn, hez, isr = b.ix("IRN"), b.ix("HEZ"), b.ix("ISR")
    actors = np.array([irn, isr])
    assert executor(b.params, actors, via_proxy=False).tolist() == [irn, isr]
    # Via a proxy IRN's action goes to HEZ; ISR, with no proxy, carries it out itself.
    assert executor(b.params, actors, via_proxy=True).tolist() == [hez, isr]


def initiative(runs: int, rate: float, control: float, restraint: float) -> Any:
    actors = {
        **IRN_HEZ,
        "HEZ": {"role": "proxy", "patron": "IRN", "harassment_rate": rate, "control": control},
    }
    return batch(
        runs=runs,
        actors=actors,
        relations=[hostility("HEZ", "ISR", 0.8)],
        model={"patron_restraint": restraint},
    )


def test_an_unrestrained_proxy_at_rate_one_acts_unless_ended_or_busy() -> None:
    b = initiative(runs=4, rate=1.0, control=0.0, restraint=0.8)
    hez = b.ix("HEZ")
    b.state.ended[1] = True  # the run is over
    b.state.orders.day[2, hez] = 7  # HEZ already has something scheduled
    proxies, acts = proxy_initiative(b.state, b.params, b.streams, day=3)
    assert proxies.tolist() == [hez]  # only proxies with a target
    assert acts[:, 0].tolist() == [True, False, False, True]


def test_a_patron_in_full_control_suppresses_its_proxy_entirely() -> None:
    # rate x (1 - patron_restraint x control) = 1 x (1 - 1 x 1) = 0.
    b = initiative(runs=200, rate=1.0, control=1.0, restraint=1.0)
    _, acts = proxy_initiative(b.state, b.params, b.streams, day=3)
    assert not acts.any()


def test_a_proxy_acts_at_its_rate_suppressed_by_its_patrons_grip() -> None:
    n = 4000
    b = initiative(runs=n, rate=0.5, control=0.5, restraint=0.8)
    _, acts = proxy_initiative(b.state, b.params, b.streams, day=3)
    # 0.5 x (1 - 0.8 x 0.5) = 0.3 a day; 3 s.e. of a share of 4000: 0.022.
    assert abs(acts[:, 0].mean() - 0.3) < binomial_tolerance(0.3, n)


ACTION = {a.name: k for k, a in enumerate(DEFAULT_ACTIONS)}


def veto(control: float, restraint: float, urged: float, action: str) -> tuple[Any, Any]:
    actors = {**IRN_HEZ, "HEZ": {"role": "proxy", "patron": "IRN", "control": control}}
    b = batch(runs=3, actors=actors, model={"patron_restraint": restraint})
    hez, isr = b.ix("HEZ"), b.ix("ISR")
    b.state.grievances.grievance[:, hez, isr] = 5.0
    b.state.backing.restraint[:, hez] = urged
    k = b.params.catalog.find(action)
    chosen = patron_veto(
        b.state, b.params, b.streams, 2, b.runs, hez, np.full(3, isr), np.full(3, k)
    )
    return chosen, b.state.grievances.grievance[:, hez, isr]


def test_a_patron_in_full_control_holds_back_its_proxys_attack_and_the_matter_drops() -> None:
    # patron_restraint x max(control, urged) = 1 x 1: certain.
    chosen, grievance = veto(control=1.0, restraint=1.0, urged=0.0, action="proxy_attack")
    assert chosen.tolist() == [NO_ACTION] * 3
    assert grievance == pytest.approx([0.0] * 3)


def test_restraint_urged_on_a_proxy_grips_like_control() -> None:
    chosen, _ = veto(control=0.0, restraint=1.0, urged=1.0, action="strike_proxy_assets")
    assert chosen.tolist() == [NO_ACTION] * 3


def test_a_patron_without_grip_lets_the_attack_pass() -> None:
    chosen, grievance = veto(control=0.0, restraint=1.0, urged=0.0, action="proxy_attack")
    assert chosen.tolist() == [ACTION["proxy_attack"]] * 3
    assert grievance == pytest.approx([5.0] * 3)


def test_talk_always_passes_the_patron() -> None:
    chosen, grievance = veto(control=1.0, restraint=1.0, urged=1.0, action="threaten")
    assert chosen.tolist() == [ACTION["threaten"]] * 3
    assert grievance == pytest.approx([5.0] * 3)


def test_a_state_is_nobodys_proxy_and_is_never_held_back() -> None:
    b = batch(runs=2, actors=IRN_HEZ, model={"patron_restraint": 1.0})
    irn, isr = b.ix("IRN"), b.ix("ISR")
    k = b.params.catalog.find("large_salvo")
    chosen = patron_veto(
        b.state, b.params, b.streams, 0, b.runs, irn, np.full(2, isr), np.full(2, k)
    )
    assert chosen.tolist() == [k, k]
