"""The escalation ladder (M12) and the catalog of concrete actions that map onto it (M2).

Rungs are ordinal. Each action names its rung, the class of target it hits, whether it is
overt or goes through a proxy, and the effects it has when it is not a salvo of munitions
(a salvo's effects come from the engagement model, M6). Scenarios may replace both.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

TargetRole = Literal["state", "proxy", "defence_partner", "mediator", "great_power"]


class Rung(BaseModel):
    """One rung of the escalation ladder."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    level: Annotated[int, Field(ge=0, le=99)] = Field(description="Position, from 0 upward")
    name: str = Field(description="What the rung stands for")
    example: str = Field(default="", description="A historical example")


class ActionSpec(BaseModel):
    """A concrete action and its place on the ladder (M2, M12)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="Action id (lower case, digits, _)"
    )
    rung: Annotated[int, Field(ge=0, le=99)] = Field(description="Rung on the ladder (M12)")
    kind: Literal["deescalate", "statement", "pressure", "covert", "proxy", "strike"] = Field(
        description="Family of the action"
    )
    target_class: str | None = Field(
        default=None, description="Class of target hit (air_base, city, energy, ...)"
    )
    against: list[TargetRole] = Field(
        default_factory=lambda: list[TargetRole](["state"]),
        description="Roles of actor this action can target",
    )
    overt: bool = Field(default=True, description="Acknowledged (True) or deniable (False)")
    via_proxy: bool = Field(default=False, description="Carried out by the actor's proxies (M5)")
    damage: float = Field(
        default=0.0, ge=0, le=1e12, description="Mean damage units without a package"
    )
    casualties: float = Field(
        default=0.0, ge=0, le=1e12, description="Mean deaths without a package"
    )
    senior_killed: float = Field(
        default=0.0, ge=0, le=1e12, description="Mean senior figures killed"
    )
    soil: bool = Field(default=False, description="Hits the target's own territory (M1)")
    forewarnable: bool = Field(
        default=True, description="A strike that can be telegraphed in advance (M3)"
    )
    deniable: bool = Field(
        default=False,
        description="An overt strike a state may also carry out without owning it (M11: its "
        "victim can then play it down, as Iran did after Isfahan)",
    )
    description: str = Field(default="", description="What the action is")


_L = [
    ("de-escalate: cease-fire, concession, talks", "24 Jun 2025 cease-fire via Qatar"),
    ("statement, threat, declared red line", '"Israel must face consequences"'),
    ("diplomatic or economic pressure", "new sanctions, expulsions"),
    ("covert or deniable action, cyber", "sabotage inside Iran"),
    ("proxy harassment of the adversary's forces", "militia rockets and drones on US bases"),
    ("limited overt strike on proxy assets", "US strikes on depots in Syria, 2023; 85 targets"),
    ("targeted killing of senior figures abroad", "Damascus consulate, 1 Apr 2024"),
    ("limited, symbolic direct strike on territory", "Isfahan radar, 19 Apr 2024"),
    ("large direct salvo on military targets", "13 Apr 2024; 1 Oct 2024"),
    ("air campaign on military and industrial targets", "26 Oct 2024"),
    ("strikes on strategic assets: nuclear, energy, leadership", "13 Jun 2025; 22 Jun 2025"),
    ("sustained war including population centres", "June 2025, twelve days"),
    ("regional war with great-power combat", "—"),
    ("nuclear use", "—"),
]
DEFAULT_LADDER: tuple[Rung, ...] = tuple(
    Rung(level=i, name=n, example=e) for i, (n, e) in enumerate(_L)
)

DEFAULT_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        name="declare_concluded",
        rung=0,
        kind="deescalate",
        description="Declare the round concluded (M13)",
    ),
    ActionSpec(name="threaten", rung=1, kind="statement", description="Public threat"),
    ActionSpec(
        name="sanctions", rung=2, kind="pressure", damage=0.5, description="Sanctions, expulsions"
    ),
    ActionSpec(
        name="covert_sabotage",
        rung=3,
        kind="covert",
        target_class="military",
        overt=False,
        damage=2.0,
        soil=True,
        description="Sabotage or cyber attack",
    ),
    ActionSpec(
        name="proxy_attack",
        rung=4,
        kind="proxy",
        target_class="air_base",
        overt=False,
        via_proxy=True,
        against=["state", "defence_partner"],
        damage=1.0,
        casualties=0.3,
        description="Proxy rockets and drones at the adversary's forces",
    ),
    ActionSpec(
        name="strike_proxy_assets",
        rung=5,
        kind="strike",
        target_class="proxy_assets",
        against=["proxy"],
        damage=4.0,
        casualties=10.0,
        description="Limited overt strike on a proxy's depots and commanders",
    ),
    ActionSpec(
        name="targeted_killing_abroad",
        rung=6,
        kind="strike",
        deniable=True,
        target_class="leadership",
        damage=1.0,
        casualties=4.0,
        senior_killed=1.5,
        forewarnable=False,
        description="Killing of senior figures outside the target's territory",
    ),
    ActionSpec(
        name="symbolic_strike",
        rung=7,
        kind="strike",
        deniable=True,
        target_class="military",
        soil=True,
        damage=1.0,
        casualties=0.0,
        description="Limited, symbolic strike on the target's territory",
    ),
    ActionSpec(
        name="large_salvo",
        rung=8,
        kind="strike",
        target_class="air_base",
        soil=True,
        damage=10.0,
        casualties=5.0,
        description="Large salvo on military targets",
    ),
    ActionSpec(
        name="air_campaign",
        rung=9,
        kind="strike",
        target_class="military",
        soil=True,
        damage=40.0,
        casualties=30.0,
        description="Air campaign on military industry",
    ),
    ActionSpec(
        name="strategic_strikes",
        rung=10,
        kind="strike",
        target_class="nuclear",
        soil=True,
        damage=100.0,
        casualties=100.0,
        senior_killed=3.0,
        forewarnable=False,
        description="Strikes on nuclear sites, energy or leadership",
    ),
    ActionSpec(
        name="sustained_war",
        rung=11,
        kind="strike",
        target_class="city",
        soil=True,
        damage=300.0,
        casualties=600.0,
        forewarnable=False,
        description="Sustained war on population centres",
    ),
    ActionSpec(
        name="regional_war",
        rung=12,
        kind="strike",
        target_class="city",
        soil=True,
        damage=1000.0,
        casualties=3000.0,
        forewarnable=False,
        description="Regional war drawing great powers",
    ),
)
