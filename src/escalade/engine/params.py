"""Compile a scenario into typed parameter blocks of per-run arrays (drawn from counter streams).

``compile_params(scenario, streams)`` turns the pydantic :class:`Scenario` into a
:class:`Params`: the cast of actors, the action catalog, the trigger, and one frozen block per
mechanism (M1–M14), each compiled by its own module. The engine only ever reads
:class:`Params`; it never sees YAML or pydantic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from escalade.engine.backing import BackingParams
from escalade.engine.calibration import CalibrationParams
from escalade.engine.catalog import Catalog
from escalade.engine.channels import ChannelParams
from escalade.engine.compiled import (
    ROLES,
    B,
    Cast,
    F,
    I,
    draw_param,
    indices,
    model_draw,
    stacked,
)
from escalade.engine.ending import EndingParams, crisis_parties
from escalade.engine.engagement import EngagementParams
from escalade.engine.factions import FactionParams
from escalade.engine.forewarning import ForewarningParams
from escalade.engine.learning import LearningParams
from escalade.engine.perception import PerceptionParams
from escalade.engine.proxies import ProxyParams
from escalade.engine.red_lines import RedLineParams
from escalade.engine.retaliation import RetaliationParams
from escalade.engine.rng import Streams
from escalade.engine.stakes import StakesParams
from escalade.engine.thresholds import ThresholdParams
from escalade.scenario.schema import Role, Scenario


@dataclass(frozen=True)
class Triggers:
    """The scenario's initial events, one entry each, in the order listed."""

    day: I
    actor: I
    target: I
    action: I
    deaths: I  # senior and other
    senior: I
    soil: B  # on the target's soil, or what it declares equal to it
    deniable: B  # not owned by the striker (M11)
    answers: B  # answers an earlier initial event of its target on its actor (M1, E16)
    damage: F  # (R, n)
    intercepted: F  # (R, n) share stopped by the target's defences
    blame: F  # (R, n) chance a proxy's deniable blow is blamed on its patron (M11)

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast, cat: Catalog) -> Triggers:
        evs = scenario.initial_events
        action = indices([cat.find(ev.action) for ev in evs])
        target = indices([cast.index(ev.target) for ev in evs])
        actor = indices([cast.index(ev.actor) for ev in evs])
        day = indices([ev.day for ev in evs])
        return cls(
            day=day,
            actor=actor,
            target=target,
            action=action,
            deaths=indices([ev.casualties.senior + ev.casualties.other for ev in evs]),
            senior=indices([ev.casualties.senior for ev in evs]),
            soil=np.array(
                [
                    ev.soil_equivalent or bool(cat.soil[k] & cast.home_soil[t])
                    for ev, k, t in zip(evs, action, target, strict=True)
                ],
                dtype=np.bool_,
            ),
            deniable=np.array(
                [
                    not (cat.overt[k] if ev.acknowledged is None else ev.acknowledged)
                    for ev, k in zip(evs, action, strict=True)
                ],
                dtype=np.bool_,
            ),
            answers=np.array(
                [
                    any(
                        (day[j], j) < (day[i], i)
                        and actor[j] == target[i]
                        and target[j] == actor[i]
                        for j in range(len(evs))
                    )
                    for i in range(len(evs))
                ],
                dtype=np.bool_,
            ),
            damage=stacked(
                [
                    draw_param(streams, ev.damage, f"initial_events.{i}.damage")
                    for i, ev in enumerate(evs)
                ],
                streams.runs,
            ),
            intercepted=stacked(
                [
                    draw_param(streams, ev.intercepted, f"initial_events.{i}.intercepted")
                    for i, ev in enumerate(evs)
                ],
                streams.runs,
            ),
            blame=stacked(
                [
                    model_draw(scenario, streams, "attribution_to_patron")
                    if ev.blamed_on_patron is None
                    else draw_param(
                        streams, ev.blamed_on_patron, f"initial_events.{i}.blamed_on_patron"
                    )
                    for i, ev in enumerate(evs)
                ],
                streams.runs,
            ),
        )


def compile_options(scenario: Scenario, cast: Cast, cat: Catalog) -> B:
    """(A, K) the actions each actor will consider: up to its ``max_rung``, within its
    ``options`` if it lists them, and via a proxy only for a patron or a proxy."""
    out = np.zeros((cast.n, cat.size), dtype=np.bool_)
    for i, actor in enumerate(scenario.actors.values()):
        allowed = cat.rung <= actor.policy.max_rung
        if actor.options is not None:
            allowed &= np.isin(np.array(cat.names), actor.options)
        if cast.patron[i] < 0 and i not in cast.patron:
            allowed &= ~cat.via_proxy  # no proxies to act through (a proxy acts itself)
        out[i] = allowed
    return out


@dataclass(frozen=True)
class Params:
    """Everything the engine reads, as arrays; ``R`` runs, ``A`` actors, ``K`` actions."""

    cast: Cast
    catalog: Catalog
    triggers: Triggers
    start: dt.date
    ladder_top: int
    deciders: I  # actors who choose actions (states and proxies with a policy)
    parties: I  # the crisis parties (M13 ``crisis_parties``, default the states): what ends
    can_deny: B  # (A,) states may carry out a deniable strike without owning it (M11)
    policy_names: tuple[str, ...]
    rationality: F  # (R, A) logit precision of each actor's policy
    options: B  # (A, K) actions each actor will consider
    change_days: frozenset[int]  # days on which statements or inducements come into force
    target_tie_break_random: bool  # ties of largest grievance: drawn at random, else first listed
    retaliation: RetaliationParams  # M1
    calibration: CalibrationParams  # M2
    forewarning: ForewarningParams  # M3
    channels: ChannelParams  # M4
    proxies: ProxyParams  # M5
    engagement: EngagementParams  # M6
    backing: BackingParams  # M7
    red_lines: RedLineParams  # M8
    factions: FactionParams  # M9
    stakes: StakesParams  # M10
    perception: PerceptionParams  # M11
    thresholds: ThresholdParams  # M12
    ending: EndingParams  # M13
    learning: LearningParams  # M14

    @property
    def actors(self) -> tuple[str, ...]:
        return self.cast.actors

    @property
    def n_actors(self) -> int:
        return self.cast.n

    def index(self, actor: str) -> int:
        return self.cast.index(actor)


def compile_params(scenario: Scenario, streams: Streams) -> Params:
    """Draw every uncertain parameter once per run and lay the scenario out as arrays."""
    cast = Cast.compile(scenario)
    cat = Catalog.compile(scenario)
    backing = BackingParams.compile(scenario, streams, cast)
    engagement = EngagementParams.compile(scenario, streams, cast.actors)
    stakes = StakesParams.compile(scenario, streams, cast)
    deciders = indices(
        [
            i
            for i, a in enumerate(scenario.actors.values())
            if a.role in (Role.STATE, Role.PROXY) and a.policy.name != "none"
        ]
    )
    return Params(
        cast=cast,
        catalog=cat,
        triggers=Triggers.compile(scenario, streams, cast, cat),
        start=scenario.start,
        ladder_top=len(scenario.ladder) - 1,
        deciders=deciders,
        parties=crisis_parties(scenario, cast),
        can_deny=np.array([a.role == Role.STATE for a in scenario.actors.values()]),
        policy_names=tuple(a.policy.name for a in scenario.actors.values()),
        rationality=cast.per_actor(scenario, streams, "policy.rationality"),
        options=compile_options(scenario, cast, cat),
        change_days=frozenset(
            {
                0,
                *backing.statements.from_day.tolist(),
                *stakes.inducements.from_day.tolist(),
                *stakes.inducements.until_day.tolist(),
            }
        ),
        target_tie_break_random=scenario.model.target_tie_break == "random",
        retaliation=RetaliationParams.compile(scenario, streams, cast),
        calibration=CalibrationParams.compile(scenario, streams, cast),
        forewarning=ForewarningParams.compile(scenario, streams, cast, engagement),
        channels=ChannelParams.compile(scenario, streams, cast),
        proxies=ProxyParams.compile(scenario, streams, cast),
        engagement=engagement,
        backing=backing,
        red_lines=RedLineParams.compile(scenario, streams, cast),
        factions=FactionParams.compile(scenario, streams, cast),
        stakes=stakes,
        perception=PerceptionParams.compile(scenario, streams, cast),
        thresholds=ThresholdParams.compile(scenario, streams, cast),
        ending=EndingParams.compile(scenario, streams, cast),
        learning=LearningParams.compile(scenario, streams, cast),
    )


__all__ = ["ROLES", "Params", "Triggers", "compile_params", "draw_param"]
