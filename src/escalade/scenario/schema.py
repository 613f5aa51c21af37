"""The scenario format: pydantic models for a crisis system (see ``docs/scenario-format.md``).

Units are given in each field's description. Every number that shapes behaviour has a
documented default here, so a scenario only states what it knows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from escalade.ladder import DEFAULT_ACTIONS, DEFAULT_LADDER, ActionSpec, Rung
from escalade.scenario.distributions import (
    NonNegative,
    Param,
    Pert,
    Positive,
    Probability,
    mean_of,
)
from escalade.scenario.ids import DERIVED, DERIVED_FORM, ID_PATTERN, duplicate_ids, item_ids

DECISION_TEMPO = (0.032, 0.126, 1.0)
"""M1: the default ``model.decision_rate`` as PERT [min, mode, max], from the first answers of
the reference episodes (before 2021; data/episodes): max 1, a same-day answer (E10, E19, E20,
E21); min 1/31, the slowest answer of the record then (Iran's rockets of 10 May 2018, 31 days
after the T-4 strike; E20's sources defensepost_may10, latestly_may10); the mode sets the mean
to the pooled rate of those answers, 11 answers in 32 waiting days: 11/43 = 0.256."""

Count = Annotated[int, Field(ge=0, le=10_000_000)]
RungLevel = Annotated[int, Field(ge=0, le=99)]
"""A rung of the scenario's ladder (checked against the ladder's length when set)."""
ActorId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]{0,31}$")]

_DURATION_UNITS = {"min": 1.0 / 60.0, "m": 1.0 / 60.0, "h": 1.0, "d": 24.0}
MAX_DURATION_HOURS = 24.0 * 3650
"""Longest duration accepted (ten years), in hours."""


def parse_duration_hours(value: object) -> float:
    """A duration in hours from a number (hours) or a text ``"3h"``, ``"2d"``, ``"90min"``,
    ``"1.5 h"`` (M3 lead times, M6 readiness and timing). Raises ``ValueError`` with the
    accepted forms on anything else, on a negative value, or beyond ten years."""
    if isinstance(value, bool):
        raise ValueError(f"a duration must be hours or a text like '3h' or '2d', got {value!r}")
    if isinstance(value, int | float):
        hours = float(value)
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(min|m|h|d)?\s*", value.lower())
        if m is None:
            raise ValueError(
                f"a duration must be a number of hours or a text like '3h', '2d' or '90min', "
                f"got '{value}'"
            )
        hours = float(m.group(1)) * _DURATION_UNITS[m.group(2) or "h"]
    else:
        raise ValueError(f"a duration must be hours or a text like '3h' or '2d', got {value!r}")
    if not 0.0 <= hours <= MAX_DURATION_HOURS or hours != hours:
        raise ValueError(f"a duration must be between 0 and 10 years, got {value!r}")
    return hours


Hours = Annotated[float, BeforeValidator(parse_duration_hours)]
"""A duration in hours: a number (hours) or a text with a unit, ``"3h"``, ``"2d"``, ``"90min"``."""


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # finite numbers only


class Role(StrEnum):
    STATE = "state"
    PROXY = "proxy"
    DEFENCE_PARTNER = "defence_partner"
    MEDIATOR = "mediator"
    GREAT_POWER = "great_power"


class Source(Model):
    """Where a number comes from."""

    id: str = Field(description="Short key used in comments and `source:` fields")
    citation: str = Field(description="Publisher, title and date")
    url: str | None = Field(default=None, description="Address of the document")
    confidence: Literal["high", "medium", "low"] = Field(
        default="medium", description="How far the number can be trusted"
    )
    date: dt.date | None = Field(
        default=None,
        description="Publication date of the document (YYYY-MM-DD); calibration numbers come "
        "only from sources dated on or before 2024-08-31 (docs/validation.md)",
    )


class Leader(Model):
    """The decision maker (M9)."""

    risk_tolerance: Probability = Field(
        default=0.4, description="Willingness to accept escalation risk, 0 (none) to 1 (reckless)"
    )
    war_aversion: Probability = Field(
        default=0.7, description="Weight on avoiding a wider war, 0 to 1"
    )


class Faction(Model):
    """A domestic faction that pulls the leader's risk tolerance toward its own (M9)."""

    weight: Probability = Field(description="Influence on the leader, 0 to 1 (weights sum <= 1)")
    risk_tolerance: Probability = Field(description="The faction's own risk tolerance, 0 to 1")
    hardline: bool = Field(
        default=False, description="Hard-liners gain influence when their state is struck"
    )


class PolicySpec(Model):
    """Which policy decides for the actor, with its parameters (see `docs/model/policies.md`)."""

    name: str = Field(default="calibrated_retaliation", description="A registered policy name")
    rationality: NonNegative = Field(
        default=3.0,
        description="Logit precision of the quantal response, 1/utility unit (0 = random)",
    )
    forewarning_lead_days: Annotated[int, Field(ge=1, le=60)] = Field(
        default=3, description="Days of notice the actor gives when it telegraphs a strike (M3)"
    )
    may_telegraph: bool = Field(
        default=True, description="Whether telegraphing a strike is among the actor's options (M3)"
    )
    max_rung: RungLevel = Field(default=12, description="Highest rung this actor will consider")


class Stakes(Model):
    """What a wider war endangers (M10)."""

    oil_exports_bpd: NonNegative = Field(
        default=0.0, description="Oil exports at risk, barrels per day"
    )
    value_at_risk: NonNegative = Field(
        default=1.0, description="Other stakes, in units of the model's war-cost scale"
    )


class Layer(Model):
    """One air-defence layer over a defended area (M6)."""

    name: str = Field(description="Layer name, e.g. arrow_3")
    owner: ActorId = Field(description="Actor that operates the layer")
    engages: list[str] = Field(description="Munition ids this layer engages")
    kill_probability: Probability = Field(description="Probability one shot kills its threat")
    shots_per_threat: Annotated[int, Field(ge=1, le=4)] = Field(
        default=2, description="Interceptors fired per engaged threat"
    )
    doctrine: Literal["shoot-shoot", "shoot-look-shoot"] = Field(
        default="shoot-shoot",
        description="Fire all shots at once, or look after each shot and fire again on a miss",
    )
    capacity_per_wave: Count = Field(
        description="Threats the layer can engage in one engagement window (the whole salvo "
        "when the defence sets no `window_hours`)"
    )
    stock: Count = Field(description="Interceptors available at the start")
    unit_cost_usd: NonNegative = Field(description="Cost of one interceptor, US dollars")
    unwarned_readiness: Probability = Field(
        default=0.5,
        description="Share of capacity in place with no warning (0 h of lead time) (M3)",
    )
    full_readiness_hours: Hours = Field(
        default=24.0,
        description="Hours of warning after which the layer is fully in place: readiness "
        "rises linearly from `unwarned_readiness` at 0 h to 1 at this lead time (alert, "
        "manning and dispersal of fire units; for a partner, assets moved on station) (M3)",
    )
    resupply_per_day: NonNegative = Field(
        default=0.0,
        description="Interceptors added to the stock per day (deliveries, reloads), never "
        "above the starting stock (M6 campaigns)",
    )
    reserve: Probability = Field(
        default=0.0,
        description="The defender's ration policy: share of the starting stock held back; "
        "the layer fires only the interceptors above it (M6 campaigns)",
    )
    source: str | None = Field(default=None, description="Source id for the numbers")


class Defence(Model):
    """The layered defence over an actor's territory and forces (M6)."""

    layers: list[Layer] = Field(
        default_factory=list, description="Layers, outer first (engaged in this order)"
    )
    window_hours: Hours | None = Field(
        default=None,
        description="Engagement window: threats arriving within the same window of this many "
        "hours share each layer's `capacity_per_wave` (saturation by simultaneity); the "
        "capacity is renewed in the next window. None: the whole salvo is one window (M6)",
    )


class Actor(Model):
    """One actor of the crisis system."""

    role: Role = Field(description="state, proxy, defence_partner, mediator or great_power")
    name: str = Field(default="", description="Display name")
    patron: ActorId | None = Field(default=None, description="For a proxy: its patron")
    acts_through: ActorId | None = Field(
        default=None,
        description="For a patron: the proxy that carries out its via-proxy actions (M5; "
        "default: its proxy listed first)",
    )
    reputation: Probability | None = Field(
        default=None,
        description="M14: the prior others hold that this actor is resolute (null: "
        "model.resolve_prior)",
    )
    control: Probability = Field(
        default=0.5, description="For a proxy: the patron's degree of control, 0 to 1 (M5)"
    )
    harassment_rate: NonNegative = Field(
        default=0.0,
        description="For a proxy: daily chance of acting on its own against its patron's "
        "adversaries, before control (M5)",
    )
    leader: Leader = Field(default_factory=Leader, description="The decision maker (M9)")
    factions: dict[str, Faction] = Field(
        default_factory=dict, description="Domestic factions by name (M9)"
    )
    resolve: Probability = Field(
        default=0.6, description="Weight on restoring credibility after a strike (M1), 0 to 1"
    )
    arsenal: dict[str, Count] = Field(
        default_factory=dict, description="Munitions held, by munition id (count)"
    )
    packages: dict[str, dict[str, Count]] = Field(
        default_factory=dict,
        description="Strike packages by action name: munition id -> count fired (M2)",
    )
    defence: Defence = Field(default_factory=Defence, description="Air defence over the actor (M6)")
    stakes: Stakes = Field(default_factory=Stakes, description="What a war endangers (M10)")
    policy: PolicySpec = Field(
        default_factory=PolicySpec, description="How the actor decides (docs/model/policies.md)"
    )
    strikes_hit_soil: bool = Field(
        default=True,
        description="Strikes on this actor hit its own soil (M1); False for an actor present "
        "only through forces abroad, e.g. US bases in Iraq",
    )
    options: list[str] | None = Field(
        default=None,
        description="Catalog actions this actor can take (default: every action up to max_rung)",
    )
    source: str | None = Field(default=None, description="Source id for the numbers")


class Munition(Model):
    """A munition type (M6)."""

    kind: Literal["drone", "cruise", "srbm", "mrbm", "rocket", "aircraft", "other"] = Field(
        description="Class of munition"
    )
    flight_time_hours: NonNegative = Field(description="Time from launch to target, hours")
    failure_rate: Probability = Field(description="Share failing at launch or in flight")
    unit_cost_usd: NonNegative = Field(description="Cost of one round, US dollars")
    warhead: Literal["light", "medium", "heavy"] = Field(
        default="medium", description="Warhead class"
    )
    arrival_spread_hours: Hours = Field(
        default=0.0,
        description="The threats of this type in one salvo arrive spread evenly over this "
        "many hours after the first (launches spread over time) (M6)",
    )
    accuracy: Probability = Field(
        default=1.0,
        description="Share of leakers that hit the aim point (the target class); the others "
        "fall in open ground (M6)",
    )
    debris_share: Probability = Field(
        default=0.0,
        description="Share of intercepted threats whose debris falls in the defended area "
        "(counted as debris impacts, reported separately) (M6)",
    )
    source: str | None = Field(default=None, description="Source id for the numbers")


class TargetClass(Model):
    """Effects of one leaker on a class of target (M6)."""

    damage_per_hit: NonNegative = Field(
        default=1.0, description="Mean damage per leaking munition, damage units"
    )
    casualties_per_hit: NonNegative = Field(
        default=0.1, description="Mean deaths per leaking munition (Poisson)"
    )
    shelter_hours: Hours = Field(
        default=1.0,
        description="Hours of warning needed to shelter people and disperse assets fully; "
        "the sheltered share rises linearly from 0 at 0 h (M3)",
    )
    sheltered_casualty_factor: Probability = Field(
        default=1.0,
        description="Deaths per hit when fully sheltered, as a share of `casualties_per_hit` "
        "(1: shelters make no difference) (M3)",
    )
    dispersed_damage_factor: Probability = Field(
        default=1.0,
        description="Damage per hit when assets are fully dispersed, as a share of "
        "`damage_per_hit` (1: no difference) (M3)",
    )
    source: str | None = Field(default=None, description="Source id for the numbers")


class Relation(Model):
    """Alliance, patronage or hostility between two actors."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = Field(
        default=None,
        description="Name for --set/--drop and levers, unique in the list (default: "
        + DERIVED_FORM["relations"]
        + ")",
    )
    kind: Literal["alliance", "patronage", "hostility"] = Field(description="Kind of relation")
    between: tuple[ActorId, ActorId] = Field(
        description="The two actors (alliance: [ally, protégé])"
    )
    defend: Probability = Field(
        default=0.0, description="Alliance: chance the ally joins the protégé's defence"
    )
    join_offensive: Probability = Field(
        default=0.0,
        description="Alliance: share of a strike on the protégé the ally takes as its own",
    )
    intensity: Probability = Field(default=0.5, description="Hostility: baseline enmity, 0 to 1")


class Channel(Model):
    """A message channel between two actors, possibly through a mediator (M4)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = Field(
        default=None,
        description="Name for --set/--drop and levers, unique in the list (default: "
        + DERIVED_FORM["channels"]
        + ")",
    )
    between: tuple[ActorId, ActorId] = Field(description="The two actors it links")
    via: ActorId | None = Field(default=None, description="Mediator carrying the messages")
    delay_days: Annotated[int, Field(ge=0, le=60)] = Field(default=1, description="Days in transit")
    fidelity: Probability = Field(default=0.8, description="Chance a message arrives intact")


class RedLineTrigger(Model):
    actor: ActorId = Field(description="Whose action crosses the line")
    rung_at_least: RungLevel = Field(description="Lowest crossing rung")


class RedLine(Model):
    """A declared threshold with its commitment (M8)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = Field(
        default=None,
        description="Name for --set/--drop and levers, unique in the list (default: "
        + DERIVED_FORM["red_lines"]
        + ")",
    )
    holder: ActorId = Field(description="Actor that declared the red line")
    trigger: RedLineTrigger = Field(alias="if", description="What crosses the line")
    commits_to_rung: RungLevel = Field(description="Rung the holder has committed to answer with")
    audience_cost: NonNegative = Field(
        default=1.0, description="Credibility lost by answering below the commitment, utility"
    )
    from_day: Annotated[int, Field(ge=0, le=3650)] = Field(
        default=0, description="Day the red line is declared (blows before it cross nothing)"
    )
    text: str = Field(default="", description="The words, for narratives and reports")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Statement(Model):
    """A restraint or backing statement by one actor about another (M7)."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = Field(
        default=None,
        description="Name for --set/--drop and levers, unique in the list (default: "
        + DERIVED_FORM["statements"]
        + ")",
    )
    by: ActorId = Field(description="Actor making the statement")
    kind: Literal["restraint", "backing"] = Field(
        description="restraint: will not join an offensive; backing: will defend"
    )
    toward: ActorId = Field(description="The actor whose calculus the statement changes")
    strength: Probability = Field(default=1.0, description="How binding the statement is, 0 to 1")
    from_day: Annotated[int, Field(ge=0, le=3650)] = Field(
        default=0, description="Day the statement is made (in force from then on)"
    )
    text: str = Field(default="", description="The words, for narratives and reports")


class Inducement(Model):
    """Something on offer for restraint (M10): forfeited by striking above `above_rung`."""

    id: Annotated[str, Field(pattern=ID_PATTERN)] | None = Field(
        default=None,
        description="Name for --set/--drop and levers, unique in the list (default: "
        + DERIVED_FORM["inducements"]
        + ")",
    )
    to: ActorId = Field(description="Actor offered the inducement")
    kind: str = Field(description="e.g. gaza_ceasefire, nuclear_talks")
    value: NonNegative = Field(
        description="Value to the receiver as a share of what a regional war would cost it "
        "(M10: 1 = worth as much as the war it risks; 0.1 = a tenth of it)"
    )
    above_rung: RungLevel = Field(
        default=6, description="Striking above this rung forfeits the inducement"
    )
    from_day: Annotated[int, Field(ge=0, le=3650)] = Field(
        default=0, description="Day the inducement is offered (at stake from then on)"
    )
    hold_days: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        default=None,
        description="Conditional offer: delivered (and no longer at stake) if the receiver holds "
        "off striking above the rung for this many days; null: at stake to the horizon",
    )


class Casualties(Model):
    senior: Count = Field(default=0, description="Senior figures killed")
    other: Count = Field(default=0, description="Others killed")


class InitialEvent(Model):
    """An event that starts the crisis (the trigger)."""

    day: Annotated[int, Field(ge=0, le=3650)] = Field(default=0, description="Day it happens")
    actor: ActorId = Field(description="Who acts")
    action: str = Field(description="Action name from the catalog")
    target: ActorId = Field(description="Who is struck")
    soil_equivalent: bool = Field(
        default=False, description="Struck what the target counts as its own soil (M1)"
    )
    casualties: Casualties = Field(default_factory=Casualties, description="Deaths caused")
    damage: NonNegative = Field(default=0.0, description="Damage units")
    intercepted: Probability = Field(
        default=0.0, description="Share of the blow stopped by the target's defences (M6)"
    )
    acknowledged: bool | None = Field(
        default=None,
        description="Whether the striker owned the blow (M11; null: the action's `overt`); an "
        "unacknowledged blow by a state can be played down by its victim",
    )
    blamed_on_patron: Probability | None = Field(
        default=None,
        description="M11: for a proxy's deniable blow, the chance its victim blames the "
        "proxy's patron (null: model.attribution_to_patron); set it when the record says whom "
        "the victim and its partners blamed at the time (E11: the US blamed Iran on the day)",
    )
    text: str = Field(default="", description="The words, for narratives and reports")


class ModelParameters(Model):
    """Behaviour-shaping constants of the mechanisms, with their defaults (see docs/model/)."""

    grievance_decay: Probability = Field(
        default=0.02, description="M1: share of an unanswered grievance that fades each day"
    )
    soil_weight: NonNegative = Field(
        default=2.5, description="M1: multiplier on grievance for strikes on own soil"
    )
    senior_weight: NonNegative = Field(
        default=1.5, description="M1: grievance (rungs) per senior figure killed"
    )
    deniable_weight: Probability = Field(
        default=0.5, description="M1/M11: share of a blow's weight felt when it is unacknowledged"
    )
    rung_weight: NonNegative = Field(
        default=0.5, description="M1: grievance (rungs) per perceived rung of a blow"
    )
    intercepted_weight: Probability = Field(
        default=0.5,
        description="M1/M3/M6: share of a salvo's rung felt when all of it is intercepted",
    )
    decision_rate: Probability = Field(
        default_factory=lambda: Pert(pert=DECISION_TEMPO),
        description="M1: daily chance a leader with a grievance convenes to decide; by default "
        "uncertain, drawn per run (docs/model/M1-retaliation-obligation.md, 'Decision tempo')",
    )
    casualty_weight: NonNegative = Field(
        default=0.15, description="M1: grievance (rungs) per log(1 + deaths / casualty_unit)"
    )
    casualty_unit: Positive = Field(
        default=1.0,
        description="M1: deaths at which the casualty term reaches log 2 (its scale)",
    )
    damage_weight: NonNegative = Field(
        default=0.25, description="M1: grievance (rungs) per log(1 + damage / damage_unit)"
    )
    damage_unit: Positive = Field(
        default=1.0,
        description="M1: damage units at which the damage term reaches log 2 (its scale)",
    )
    discharge: NonNegative = Field(
        default=1.0, description="M1: grievance discharged per rung of an answer short of settling"
    )
    settle_ratio: NonNegative = Field(
        default=1.0,
        description="M1: an attack at least this share of the felt rung of the blow received "
        "settles the account (the grievance against that striker is closed)",
    )
    answered_weight: Probability = Field(
        default=0.25,
        description="M1: share of an answer's weight felt by the side that struck first when the "
        "answer is at most answered_margin rungs above its own blow (it was expected)",
    )
    answered_margin: NonNegative = Field(
        default=1.0,
        description="M1: rungs above the first striker's own blow within which an answer still "
        "counts as the expected, proportionate one",
    )
    obligation_pressure: NonNegative = Field(
        default=0.35, description="M1: credibility cost of leaving a grievance unanswered, per rung"
    )
    signal_value: NonNegative = Field(
        default=0.7, description="M2: credibility restored per rung answered, up to the grievance"
    )
    overshoot_cost: NonNegative = Field(
        default=0.3, description="M2: cost per rung answered above the grievance"
    )
    war_cost: NonNegative = Field(
        default=40.0, description="M2/M10: cost of a regional war in utility units, before stakes"
    )
    escalation_convexity: NonNegative = Field(
        default=8.0, description="M2: how sharply counter-escalation risk rises with the rung"
    )
    unacknowledged_signal_discount: Probability = Field(
        default=0.4,
        description="M2/M11: share of an answer's credibility lost when a state does not own it",
    )
    unacknowledged_risk_discount: Probability = Field(
        default=0.5,
        description="M2/M11: share of counter-escalation risk avoided by not owning a blow (its "
        "victim can play it down)",
    )
    min_answer_lag_days: Annotated[int, Field(ge=1, le=60)] = Field(
        default=1, description="M3: an answer decided today lands no sooner than this many days on"
    )
    public_delivery: Probability = Field(
        default=1.0,
        description="M4: chance a message between actors without a channel reaches its recipient "
        "(it is public and arrives at once)",
    )
    min_message_lag_days: Annotated[int, Field(ge=1, le=60)] = Field(
        default=1, description="M4: a message sent today lands no sooner than this many days on"
    )
    harassment_action: str | None = Field(
        default="proxy_attack",
        description="M5: the catalog action a proxy uses for its own attacks (null, or absent "
        "from the catalog: proxies do not attack on their own)",
    )
    proxy_deniability: Probability = Field(
        default=0.6, description="M5: share of counter-escalation risk avoided acting via a proxy"
    )
    attribution_to_patron: Probability = Field(
        default=0.25, description="M5/M11: chance a proxy's strike is blamed on its patron"
    )
    patron_restraint: Probability = Field(
        default=0.8, description="M5: how far control suppresses a proxy's own attacks"
    )
    restraint_weight: NonNegative = Field(
        default=1.0, description="M7: added cost multiplier on offensive rungs under restraint"
    )
    restraint_from_rung: RungLevel = Field(
        default=8, description="M7: lowest rung a restraint statement weighs on"
    )
    backing_weight: Probability = Field(
        default=0.3, description="M7: share of escalation cost removed by a backer's promise"
    )
    defender_share: Probability = Field(
        default=0.5,
        description="M7: share of a blow on its protégé an ally pledged to defend it holds on the "
        "protégé's account, per unit of pledge (beyond what it would join)",
    )
    on_behalf_max_rung: RungLevel = Field(
        default=2,
        description="M7: highest rung an ally answers with on a protégé's account alone "
        "(pressure, not force)",
    )
    hardliner_drift: Probability = Field(
        default=0.1, description="M9: gain in hard-liner influence per strike suffered"
    )
    hardliner_relaxation: Probability = Field(
        default=0.02,
        description="M9: share of hard-liners' gained influence lost each day without new blows",
    )
    hardliner_from_rung: RungLevel = Field(
        default=6, description="M9: lowest rung of a blow that strengthens hard-liners"
    )
    initial_interception_belief: Probability = Field(
        default=0.5, description="M14: share of a salvo an attacker expects the defences to stop"
    )
    oil_stakes_weight: NonNegative = Field(
        default=0.3, description="M10: war-cost multiplier per million barrels a day at risk"
    )
    perception_noise: NonNegative = Field(
        default=0.15, description="M11: s.d. of the misread size of a blow, share of its rung"
    )
    declare_end_probability: Probability = Field(
        default=0.6, description="M13: chance an actor declares its round concluded after answering"
    )
    accept_end_below: NonNegative = Field(
        default=3.0, description="M13: grievance (rungs) under which a declared end is accepted"
    )
    mediation_rate: Probability = Field(
        default=0.05,
        description="M13: daily chance a mediator brokers an end to a calm round (the crisis "
        "goes quiet)",
    )
    declaration_action: str | None = Field(
        default="declare_concluded",
        description="M13: the catalog action that declares a round concluded (null, or absent "
        "from the catalog: none)",
    )
    ceasefire_mediator: ActorId | None = Field(
        default=None,
        description="M13: the actor who brokers cease-fires (default: the first mediator listed)",
    )
    target_tie_break: Literal["first_listed", "random"] = Field(
        default="first_listed",
        description="M1: whom an actor answers when it holds equal largest grievances against "
        "several: the one listed first, or one drawn at random",
    )
    quiet_below: NonNegative = Field(
        default=1.0, description="M13: grievance (rungs) under which an actor counts as calm"
    )
    crisis_parties: list[ActorId] | None = Field(
        default=None,
        description="M13: the actors between whom the crisis is, whose grievances and scheduled "
        "answers keep it going (null: the states; a proxy listed here is a party in its own "
        "right, e.g. the Houthis in a US-Houthi crisis; the others' fronts may simmer after the "
        "crisis ends)",
    )
    quiet_days: Annotated[int, Field(ge=1, le=365)] = Field(
        default=14, description="M13: calm days after which the crisis is over"
    )
    resolve_prior: Probability = Field(
        default=0.5,
        description="M14: prior that an adversary is resolute (answers blows, escalates if "
        "pressed) rather than yielding, unless the adversary sets `reputation`",
    )
    belief_signal: NonNegative = Field(
        default=3.0,
        description="M14: log likelihood ratio, resolute vs yielding, per ladder-length of felt "
        "rung above belief_pivot_rung (costly signals)",
    )
    belief_pivot_rung: NonNegative = Field(
        default=5.0,
        description="M14: felt rung of a blow that is as likely from either type (bigger blows "
        "point to resolve, smaller ones to restraint)",
    )
    belief_talk: NonNegative = Field(
        default=0.05,
        description="M14: log likelihood ratio per rung of talk (cheap talk moves beliefs "
        "little); a declared end counts -belief_talk",
    )
    yielding_risk: Probability = Field(
        default=0.4,
        description="M14: counter-escalation risk expected from a yielding adversary, as a share "
        "of a resolute one's",
    )
    learning_rate: Probability = Field(
        default=0.5, description="M14: weight of the last salvo on beliefs about defences"
    )
    direct_exchange_rung: RungLevel = Field(
        default=7, description="M12: rung of a direct exchange between states"
    )
    strategic_rung: RungLevel = Field(
        default=10, description="M12: rung of strikes on strategic assets"
    )
    war_rung: RungLevel = Field(default=11, description="M12: rung of sustained war")
    war_weariness: NonNegative = Field(
        default=0.05,
        description="M12: growth of the cost of war per day at war (stocks, casualties, stakes at "
        "risk): war costs x (1 + war_weariness x days at war)",
    )
    war_mediation_rate: Probability = Field(
        default=0.02,
        description="M13: daily chance a mediator brokers a cease-fire in a war, times (1 + "
        "war_weariness x days at war)",
    )
    combat_rung: RungLevel = Field(
        default=7,
        description="M12: lowest overt strike rung counted as the watched actor entering combat",
    )
    combat_watch: ActorId | None = Field(
        default="USA", description="M12: actor whose entry into combat is an outcome"
    )


LeverName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class Lever(Model):
    """A named intervention: what it means in words and the changes it makes to the scenario.

    ``escalade levers SCENARIO`` lists them; ``run``, ``compare`` and ``sweep`` apply one with
    ``--lever NAME`` (``--lever NAME=VALUE`` puts VALUE at the path named by ``value``)."""

    description: str = Field(description="The intervention in words, for tables and reports")
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="Fields it sets: dotted path (items by id) -> value, like --set",
    )
    add: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict, description="Items it appends: list path -> items, like --add"
    )
    drop: list[str] = Field(
        default_factory=list, description="Items it removes: paths by id, like --drop"
    )
    value: str | None = Field(
        default=None,
        description="Path that --lever NAME=VALUE sets (default: the first path of changes)",
    )

    def overrides(self, value: Any = None) -> dict[str, Any]:
        """The lever as overrides (see :func:`escalade.scenario.load.apply_overrides`)."""
        out: dict[str, Any] = {f"-{path}": True for path in self.drop}
        out.update({f"+{path}": list(items) for path, items in self.add.items()})
        out.update(self.changes)
        if value is not None:
            target = self.value or next(iter(self.changes), None)
            if target is None:
                raise ValueError("this lever sets no path, so it takes no value")
            out[target] = value
        return out


@dataclass(frozen=True)
class Origin:
    """The file a scenario was read from, the positions of the fields checked after loading
    (``path -> (line, column)``) and the overrides applied to it."""

    name: str
    positions: dict[str, tuple[int, int]]
    overrides: dict[str, Any]


class Scenario(Model):
    """A crisis system: actors, relations, channels, commitments and a trigger."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-_]*$")] = Field(
        description="Short name (lower case, digits, '-')"
    )
    title: str = Field(default="", description="Display title")
    description: str = Field(default="", description="What the scenario represents")
    start: dt.date = Field(description="Calendar date of day 0")
    horizon_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        default=60, description="Days simulated"
    )
    sources: list[Source] = Field(default_factory=list, description="Sources of the numbers")
    ladder: list[Rung] = Field(
        default_factory=lambda: list(DEFAULT_LADDER), description="The escalation ladder (M12)"
    )
    actions: list[ActionSpec] = Field(
        default_factory=lambda: list(DEFAULT_ACTIONS), description="The action catalog (M2)"
    )
    munitions: dict[str, Munition] = Field(default_factory=dict, description="Munition types by id")
    target_classes: dict[str, TargetClass] = Field(
        default_factory=dict, description="Effects of leakers by target class (M6)"
    )
    actors: dict[ActorId, Actor] = Field(description="Actors by id (letters, digits, _ or -)")
    relations: list[Relation] = Field(
        default_factory=list, description="Alliances, patronage, hostility"
    )
    channels: list[Channel] = Field(default_factory=list, description="Message channels (M4)")
    red_lines: list[RedLine] = Field(default_factory=list, description="Declared red lines (M8)")
    statements: list[Statement] = Field(
        default_factory=list, description="Restraint and backing statements (M7)"
    )
    inducements: list[Inducement] = Field(
        default_factory=list, description="Inducements on offer for restraint (M10)"
    )
    initial_events: list[InitialEvent] = Field(
        default_factory=list, description="The events that start the crisis (the trigger)"
    )
    model: ModelParameters = Field(
        default_factory=ModelParameters, description="Mechanism parameters (see docs/model/)"
    )
    levers: dict[LeverName, Lever] = Field(
        default_factory=dict,
        description="Named interventions (escalade levers SCENARIO; run --lever NAME)",
    )
    _origin: Origin | None = PrivateAttr(default=None)
    """Where the scenario was read from, to locate problems found after loading."""

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        """Every actor, munition and action named anywhere must exist."""
        problems: list[str] = []
        actors = set(self.actors)
        actions = {a.name for a in self.actions}

        def need(kind: str, value: str | None, known: set[str], where: str) -> None:
            if value is not None and value not in known:
                hint = difflib.get_close_matches(value, sorted(known), n=1)
                tip = f"; did you mean '{hint[0]}'?" if hint else f"; known: {sorted(known)}"
                problems.append(f"{where}: unknown {kind} '{value}'{tip}")

        munitions = set(self.munitions)
        # Policy names are checked when the scenario is compiled (escalade.simulation): the
        # registry lives outside the scenario package.
        for aid, actor in self.actors.items():
            need("actor id", actor.patron, actors, f"actors.{aid}.patron")
            need("actor id", actor.acts_through, actors, f"actors.{aid}.acts_through")
            proxy = self.actors.get(actor.acts_through or "")
            if proxy is not None and proxy.patron != aid:
                problems.append(
                    f"actors.{aid}.acts_through: '{actor.acts_through}' is not a proxy of "
                    f"{aid} (its patron must be {aid})"
                )
            weights = sum(mean_of(f.weight) for f in actor.factions.values())
            if weights > 1.0 + 1e-9:
                problems.append(
                    f"actors.{aid}.factions: faction weights add up to {weights:.3g} on "
                    "average; they must not exceed 1 (the leader keeps the rest)"
                )
            if actor.role == Role.PROXY and actor.patron is None:
                problems.append(f"actors.{aid}.patron: a proxy needs a patron")
            for m in actor.arsenal:
                need("munition", m, munitions, f"actors.{aid}.arsenal")
            for action in actor.options or []:
                need("action", action, actions, f"actors.{aid}.options")
            for action, package in actor.packages.items():
                need("action", action, actions, f"actors.{aid}.packages")
                for m in package:
                    need("munition", m, munitions, f"actors.{aid}.packages.{action}")
            for i, layer in enumerate(actor.defence.layers):
                need("actor id", layer.owner, actors, f"actors.{aid}.defence.layers.{i}.owner")
                for m in layer.engages:
                    need("munition", m, munitions, f"actors.{aid}.defence.layers.{i}.engages")
        for i, rel in enumerate(self.relations):
            for j, a in enumerate(rel.between):
                need("actor id", a, actors, f"relations.{i}.between.{j}")
        for i, ch in enumerate(self.channels):
            for j, a in enumerate(ch.between):
                need("actor id", a, actors, f"channels.{i}.between.{j}")
            need("actor id", ch.via, actors, f"channels.{i}.via")
        for i, rl in enumerate(self.red_lines):
            need("actor id", rl.holder, actors, f"red_lines.{i}.holder")
            need("actor id", rl.trigger.actor, actors, f"red_lines.{i}.if.actor")
        for i, st in enumerate(self.statements):
            need("actor id", st.by, actors, f"statements.{i}.by")
            need("actor id", st.toward, actors, f"statements.{i}.toward")
        for i, ind in enumerate(self.inducements):
            need("actor id", ind.to, actors, f"inducements.{i}.to")
        for i, ev in enumerate(self.initial_events):
            need("actor id", ev.actor, actors, f"initial_events.{i}.actor")
            need("actor id", ev.target, actors, f"initial_events.{i}.target")
            need("action", ev.action, actions, f"initial_events.{i}.action")
            if ev.day >= self.horizon_days:
                problems.append(
                    f"initial_events.{i}.day: day {ev.day} is past the horizon "
                    f"({self.horizon_days} days)"
                )
        if self.model.combat_watch is not None and self.model.combat_watch not in actors:
            self.model.combat_watch = None
        need("actor id", self.model.ceasefire_mediator, actors, "model.ceasefire_mediator")
        for i, party in enumerate(self.model.crisis_parties or []):
            need("actor id", party, actors, f"model.crisis_parties.{i}")
        for name in ("harassment_action", "declaration_action"):
            if name in self.model.model_fields_set:  # the defaults may be absent from a catalog
                need("action", getattr(self.model, name), actions, f"model.{name}")
        levels = [r.level for r in self.ladder]
        if levels != list(range(len(levels))):
            problems.append("ladder: rung levels must be 0, 1, 2, ... in order")
        for i, act in enumerate(self.actions):
            if act.rung >= len(self.ladder):
                problems.append(
                    f"actions.{i}.rung: rung {act.rung} is not on the ladder (0..{len(levels) - 1})"
                )
        top = len(self.ladder) - 1
        for where, rung in self._rungs_set():
            if rung > top:
                problems.append(f"{where}: rung {rung} is not on the ladder (0..{top})")
        names = [a.name for a in self.actions]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            problems.append(f"actions: duplicate action names {sorted(dupes)}")
        problems += self._name_items()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _name_items(self) -> list[str]:
        """Give every statement, inducement, channel, red line and relation its id (its own or
        one derived from it); the ``path: message`` of each id written twice in one list."""
        problems: list[str] = []
        for list_name in DERIVED:
            items = getattr(self, list_name)
            raw = [it.model_dump(by_alias=True) for it in items]
            problems += duplicate_ids(list_name, raw)
            for item, name in zip(items, item_ids(list_name, raw), strict=True):
                item.id = name
        return problems

    def _rungs_set(self) -> list[tuple[str, int]]:
        """Rungs written in the scenario (not left at their defaults), with their paths."""
        out = [
            (f"model.{name}", getattr(self.model, name))
            for name in self.model.model_fields_set
            if name.endswith("_rung")
        ]
        out += [
            (f"actors.{aid}.policy.max_rung", a.policy.max_rung)
            for aid, a in self.actors.items()
            if "max_rung" in a.policy.model_fields_set
        ]
        for i, rl in enumerate(self.red_lines):
            out += [
                (f"red_lines.{i}.if.rung_at_least", rl.trigger.rung_at_least),
                (f"red_lines.{i}.commits_to_rung", rl.commits_to_rung),
            ]
        out += [
            (f"inducements.{i}.above_rung", ind.above_rung)
            for i, ind in enumerate(self.inducements)
        ]
        return out


def actor_ids(scenario: Scenario) -> list[str]:
    return list(scenario.actors)


__all__ = [
    "Actor",
    "Channel",
    "Param",
    "Relation",
    "Role",
    "Scenario",
]
