"""The contract every policy keeps, in the spirit of the Axelrod library's ``TestPlayer``: run
over every registered policy (built-ins, entry-point plug-ins, and the test plug-in of
:mod:`tests.policies.test_registry`).

A policy has a ``name`` equal to its registry key and a ``classifier`` saying at least whether
it is stochastic; it satisfies the engine's :class:`~escalade.engine.decision.Policy`
protocol; for a seed it always makes the same choices; and it only makes legal ones — one per
run, each waiting or an available action, telegraphed only where telegraphing is open. The
situations are real: the built-in ``april-2024`` after its trigger (the Damascus strike) has
landed, and the same crisis ten days on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from escalade.engine.blows import land_triggers
from escalade.engine.calculus import answer_utility
from escalade.engine.choices import grudge_target
from escalade.engine.decision import NO_ACTION, Choice, Policy, Situation
from escalade.engine.rng import Streams
from escalade.engine.state import EventLog, State
from escalade.engine.step import step
from escalade.policies.base import make_policy, policy_names
from escalade.scenario.load import builtin_names
from escalade.simulation import build_world, load_scenario
from tests.policies.test_registry import installed_plugin  # noqa: F401  (a fixture)

SCENARIO = "april-2024"
RUNS = 64
SEED = 11
PLUGIN = "always_threaten"
"""The entry-point plug-in installed by ``tests.policies.test_registry.installed_plugin``."""
NAMES = sorted({*policy_names(), PLUGIN})
"""Every policy registered when the tests are collected, and the test plug-in."""


@cache
def situations(seed: int = SEED, build: int = 0) -> tuple[Situation, ...]:
    """Situations of the built-in scenario, built from scratch for ``seed``: each deciding
    actor holding a grievance (above ``quiet_below``) in some run, right after the trigger
    lands and again ten days on. ``build`` tells two independent builds apart (cached)."""
    if SCENARIO not in builtin_names():
        pytest.fail(f"built-in scenario '{SCENARIO}' is missing from the scenario library")
    sc = load_scenario(SCENARIO)
    world = build_world(sc, Streams(seed, np.arange(RUNS, dtype=np.int64)))
    p = world.params
    trigger_day = int(p.triggers.day.min())
    after_trigger = State.initial(p, RUNS)
    land_triggers(after_trigger, world, trigger_day, EventLog())
    later = State.initial(p, RUNS)
    log = EventLog()
    for day in range(10):
        step(later, world, day, log)
    out = []
    for day, state in ((trigger_day, after_trigger), (10, later)):
        for actor in p.deciders.tolist():
            runs = np.flatnonzero(~state.ended)
            target = grudge_target(state, world, day, actor, runs)
            g = state.grievances.grievance[runs, actor, target]
            keep = g > p.ending.quiet_below[runs]
            if not keep.any():
                continue
            runs, target, g = runs[keep], target[keep], g[keep]
            out.append(
                Situation(
                    day=day,
                    actor=actor,
                    runs=runs,
                    target=target,
                    grievance=g,
                    received_rung=state.grievances.received_rung[runs, actor, target],
                    appraisal=answer_utility(state, p, runs, actor, target, g),
                    params=p,
                    streams=world.streams,
                )
            )
    return tuple(out)


@pytest.fixture(params=NAMES)
def name(request: pytest.FixtureRequest) -> str:
    """A registered policy's name (with the test plug-in installed when it is that one)."""
    if request.param == PLUGIN:
        request.getfixturevalue("installed_plugin")
    return str(request.param)


def test_the_situations_are_real_decisions() -> None:
    found = situations()
    p = found[0].params
    # The victim of the trigger (Iran) decides right after it, and someone still does later.
    assert found[0].actor == p.index("IRN") and found[0].day == 0
    assert any(s.day == 10 for s in found)
    # Some answers are open and some closed, and telegraphing is open for some strikes only.
    for s in found:
        assert s.appraisal.available.any() and not s.appraisal.available.all()
        assert np.isfinite(s.appraisal.act[:, :, 1]).any()


def test_the_contract_covers_every_registered_policy(installed_plugin: None) -> None:  # noqa: F811
    assert set(policy_names()) <= set(NAMES)
    assert PLUGIN in policy_names()


def test_a_policy_is_named_by_its_registry_key_and_classified(name: str) -> None:
    policy = make_policy(name)
    assert isinstance(policy.name, str) and policy.name
    assert policy.name == name
    assert isinstance(policy.classifier, dict)
    assert isinstance(policy.classifier.get("stochastic"), bool)


def test_a_policy_satisfies_the_engines_protocol(name: str) -> None:
    policy = make_policy(name)
    assert isinstance(policy, Policy)
    assert callable(policy.choose)


def choices(name: str, found: Sequence[Situation]) -> list[Choice]:
    return [make_policy(name).choose(s) for s in found]


def same(a: Choice, b: Choice) -> bool:
    return np.array_equal(a.action, b.action) and np.array_equal(a.warned, b.warned)


def test_a_policy_chooses_the_same_for_the_same_situation(name: str) -> None:
    found = situations()
    first, again = choices(name, found), choices(name, found)
    assert all(same(a, b) for a, b in zip(first, again, strict=True))


def test_a_policy_chooses_the_same_for_a_seed_rebuilt_from_scratch(name: str) -> None:
    rebuilt = situations(SEED, build=1)  # compiled and simulated again, from the seed alone
    first, again = choices(name, situations()), choices(name, rebuilt)
    assert all(same(a, b) for a, b in zip(first, again, strict=True))


def test_the_classifier_tells_whether_the_policy_draws_on_its_streams(name: str) -> None:
    # The same situations with the random streams of another seed: a deterministic policy
    # chooses exactly as before; a stochastic one changes some choice among these runs.
    found = situations()
    other = [replace(s, streams=Streams(SEED + 1, s.streams.run_ids)) for s in found]
    unchanged = all(
        same(a, b) for a, b in zip(choices(name, found), choices(name, other), strict=True)
    )
    assert unchanged != make_policy(name).classifier["stochastic"]


def faults(s: Situation, choice: Choice) -> list[str]:
    """What is illegal about ``choice`` in ``s`` (nothing: an empty list)."""
    action, warned = np.asarray(choice.action), np.asarray(choice.warned)
    if action.shape != (s.n,) or warned.shape != (s.n,):
        return [f"{action.shape} actions and {warned.shape} warnings for {s.n} runs"]
    out = []
    if not np.issubdtype(action.dtype, np.integer) or warned.dtype != np.bool_:
        out.append(f"actions of dtype {action.dtype}, warnings of dtype {warned.dtype}")
    acting = action != NO_ACTION
    if ((action < 0) & acting).any() or (action >= s.params.catalog.size).any():
        out.append("an action index outside the catalog")
        return out
    rows = np.flatnonzero(acting)
    if not s.appraisal.available[rows, action[rows]].all():
        out.append("a closed action")
    if warned[~acting].any():
        out.append("a telegraphed wait")
    tele = np.flatnonzero(warned & acting)
    if not np.isfinite(s.appraisal.act[tele, action[tele], 1]).all():
        out.append("a telegraphed answer that cannot be telegraphed")
    return out


def test_a_policy_makes_one_legal_choice_per_run(name: str) -> None:
    for s in situations():
        assert faults(s, make_policy(name).choose(s)) == [], (s.day, s.params.actors[s.actor])


def test_the_legality_check_catches_illegal_choices() -> None:
    s = situations()[0]
    closed = int(np.flatnonzero(~s.appraisal.available[0])[0])
    no_telegraph = s.params.catalog.find("threaten")  # talk: never telegraphed
    n = s.n
    cases = {
        "a closed action": Choice.unwarned(np.full(n, closed)),
        "a telegraphed wait": Choice(np.full(n, NO_ACTION), np.ones(n, bool)),
        "a telegraphed answer that cannot be telegraphed": Choice(
            np.full(n, no_telegraph), np.ones(n, bool)
        ),
        "an action index outside the catalog": Choice.unwarned(np.full(n, 99)),
    }
    for fault, choice in cases.items():
        assert faults(s, choice) == [fault]
    assert faults(s, Choice.unwarned(np.full(n - 1, NO_ACTION)))  # one run short
