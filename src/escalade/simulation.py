"""Simulate a scenario: resolve its policies, compile it, and run the engine.

This is where the engine meets the policy registry: the engine (``escalade.engine``) knows only
the :class:`~escalade.engine.decision.Policy` protocol and is handed the policies here, so it
never imports :mod:`escalade.policies`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from escalade.engine.compiled import I
from escalade.engine.decision import Policy
from escalade.engine.params import compile_params
from escalade.engine.rng import Streams
from escalade.engine.simulate import Batch, simulate
from escalade.engine.state import EventLog, State
from escalade.engine.world import World
from escalade.policies import make_policy, policy_names
from escalade.scenario.load import ScenarioError, scenario_problem
from escalade.scenario.load import load_scenario as load
from escalade.scenario.schema import Role, Scenario


def check_policies(scenario: Scenario) -> None:
    """Every deciding actor's ``policy.name`` is registered (or ``none``); otherwise a located
    :class:`ScenarioError` with a suggestion, one problem per unknown name."""
    known = {*policy_names(), "none"}
    problems = []
    for aid, actor in scenario.actors.items():
        name = actor.policy.name
        if name in known:
            continue
        hint = difflib.get_close_matches(name, sorted(known), n=1)
        tip = f"; did you mean '{hint[0]}'?" if hint else f"; known: {sorted(known)}"
        path = ("actors", aid, "policy", "name")
        problems.append(scenario_problem(scenario, path, f"unknown policy '{name}'{tip}"))
    if problems:
        raise ScenarioError(problems)


def load_scenario(spec: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """A scenario ready to simulate: read and validated (file or built-in name, with
    ``path=value`` overrides) and its policy names checked against the registry."""
    scenario = load(spec, overrides)
    check_policies(scenario)
    return scenario


def resolve_policies(
    scenario: Scenario, chosen: Mapping[str, Policy] | None = None
) -> dict[str, Policy]:
    """A policy for every deciding actor: ``chosen`` (by actor id) first — e.g. a person
    playing one side (:class:`escalade.policies.human.Human`) — else its registered one."""
    check_policies(scenario)
    chosen = dict(chosen or {})
    return {
        aid: chosen.get(aid) or make_policy(actor.policy.name)
        for aid, actor in scenario.actors.items()
        if actor.role in (Role.STATE, Role.PROXY) and actor.policy.name != "none"
    }


def build_world(
    scenario: Scenario, streams: Streams, policies: Mapping[str, Policy] | None = None
) -> World:
    """Everything fixed during a batch, with ``policies`` (by actor id) replacing the
    scenario's registered ones where given."""
    params = compile_params(scenario, streams)
    resolved = resolve_policies(scenario, policies)
    return World(
        params=params,
        streams=streams,
        policies={int(i): resolved[params.actors[i]] for i in params.deciders},
    )


def run_batch(
    scenario: Scenario,
    seed: int,
    run_ids: I,
    days: int | None = None,
    keep_events: bool = False,
    observe: Callable[[int, State], None] | None = None,
    policies: Mapping[str, Policy] | None = None,
    log: EventLog | None = None,
) -> Batch:
    """Simulate the runs ``run_ids`` of ``scenario`` under ``seed`` for ``days`` days (default:
    the scenario's horizon).

    The result for a run depends only on ``(scenario, seed, run_id)``: not on which other
    runs share the batch, nor on their order. ``observe(day, state)`` is called after each
    day (for tests and inspection; it must not change the state). ``policies`` as in
    :func:`build_world`; ``log`` as in :func:`~escalade.engine.simulate.simulate`.
    """
    run_ids = np.asarray(run_ids, dtype=np.int64)
    world = build_world(scenario, Streams(seed, run_ids), policies)
    horizon = scenario.horizon_days if days is None else days
    return simulate(world, run_ids, horizon, keep_events, observe, log)


__all__ = [
    "Batch",
    "build_world",
    "check_policies",
    "load_scenario",
    "resolve_policies",
    "run_batch",
]
