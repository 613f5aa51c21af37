"""The scenario format's reference page, generated from the pydantic models.

``docs/scenario-format.md`` is this module's output (``escalade schema --markdown``); a test
keeps the two in sync, so every field is documented with its type, unit and default.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from escalade.ladder import ActionSpec, Rung
from escalade.scenario import schema
from escalade.scenario.distributions import Beta, Pert, Uniform

SECTIONS: tuple[type[BaseModel], ...] = (
    schema.Scenario,
    schema.Source,
    schema.Actor,
    schema.Leader,
    schema.Faction,
    schema.PolicySpec,
    schema.Stakes,
    schema.Defence,
    schema.Layer,
    schema.Munition,
    schema.TargetClass,
    schema.Relation,
    schema.Channel,
    schema.RedLine,
    schema.RedLineTrigger,
    schema.Statement,
    schema.Inducement,
    schema.InitialEvent,
    schema.Lever,
    schema.Casualties,
    schema.ModelParameters,
    Rung,
    ActionSpec,
)

INTRO = """\
# Scenario format

A scenario is a YAML file describing a crisis system: its actors, their relations, channels,
commitments and statements, and the events that start the crisis. `escalade validate FILE`
checks one; `escalade schema` prints the JSON Schema; `escalade scenarios show april-2024`
prints a complete, sourced example.

**Uncertain numbers.** Any field typed *number or distribution* may be written as a plain
number or as `{pert: [min, mode, max]}`, `{beta: [a, b]}` or `{uniform: [lo, hi]}`. It is drawn
once per run (keyed by seed, run number and the field's path), so parameter uncertainty flows
into the ensemble and a run replays identically. *Probability* fields must lie in [0, 1]
and other *number or distribution* fields in [0, 10^12] (for a distribution, its whole
support); every number must be finite (`.nan` and `.inf` are refused).

**Errors.** A mistake is reported with its file, line and column, the field and what was
expected, e.g. for a reversed pert:
`april.yaml:71:5: munitions.shahed_136.failure_rate: pert min 0.55 is greater than max 0.3;
got [min, mode, max] = [0.55, 0.4, 0.3]`, and exit code 2.

**Sources.** Every number should carry its source: list them under `sources:` and put
`# src: <id>` beside the number (the built-in scenarios do).

**Overrides.** `--set path=value` on the command line (and `load_scenario(spec, overrides)`)
sets any field by its dotted path, e.g. `--set model.war_cost=30` or
`--set actors.IRN.resolve=0.9`. List items are addressed by id, name or index:
`--set statements.us_no_offensive.strength=0`, `actors.ISR.defence.layers.arrow_3.stock`,
`statements.0.strength`. `--add statements='{by: USA, kind: backing, toward: ISR}'` appends
an item and `--drop statements.us_no_offensive` removes one. A scenario without `ladder:` or
`actions:` uses the defaults, and an override edits or extends them:
`--set actions.targeted_killing_abroad.senior_killed=3`,
`--add actions='{name: ..., rung: ...}'`.

**Ids.** Statements, inducements, channels, red lines and relations carry an `id`, unique in
its list. Left out, it is derived from the item (a statement's is `{by}_{kind}_{toward}`, e.g.
`usa_restraint_isr`; see each section below); two items written with the same id are an
error. Ids only name items: random draws stay keyed by position (`statements.0.strength`).

**Levers.** `levers:` names interventions: a description and the changes they make
(`changes` like `--set`, `add`, `drop`). `escalade levers SCENARIO` lists them and
`escalade run|compare|sweep|replay SCENARIO --lever NAME[=VALUE]` applies one (see
`docs/levers.md`).

This page is generated from the code (`escalade schema --markdown`); do not edit it by hand.
"""


def _type_name(ann: Any) -> str:
    origin = typing.get_origin(ann)
    if origin is typing.Annotated:
        return _type_name(typing.get_args(ann)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        names = {a.__name__ if isinstance(a, type) else str(a) for a in args}
        if {"float", "Pert", "Beta", "Uniform"} <= names:
            return "number or distribution"
        text = " or ".join(_type_name(a) for a in args)
        return text + (" (optional)" if len(args) < len(typing.get_args(ann)) else "")
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(ann))
    if origin in (list, tuple):
        args = [a for a in typing.get_args(ann) if a is not Ellipsis]
        return f"list of {_type_name(args[0])}" if args else "list"
    if origin is dict:
        key, value = typing.get_args(ann)
        return f"mapping {_type_name(key)} → {_type_name(value)}"
    if isinstance(ann, type):
        if issubclass(ann, BaseModel):
            return f"[{ann.__name__}](#{ann.__name__.lower()})"
        return {
            "str": "text",
            "int": "integer",
            "float": "number",
            "bool": "true/false",
            "date": "date (YYYY-MM-DD)",
        }.get(ann.__name__, ann.__name__)
    return str(ann)


def _probability_fields(model: type[BaseModel]) -> set[str]:
    hints = typing.get_type_hints(model, include_extras=True)
    return {name for name, hint in hints.items() if hint is schema.Probability}


def _default(field: Any) -> str:
    if field.default is not PydanticUndefined:
        value = field.default
    elif field.default_factory is not None:
        value = field.default_factory()
    else:
        return "**required**"
    if isinstance(value, Pert | Beta | Uniform):  # an uncertain default, as YAML writes it
        return f"`{json.dumps(value.model_dump())}`"
    if isinstance(value, BaseModel):
        return "(defaults below)"
    if isinstance(value, list | tuple) and len(value) > 3:
        return "(built-in)"
    return f"`{value!r}`"


def section(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
    probs = _probability_fields(model)
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        kind = (
            "probability (number or distribution)"
            if name in probs
            else _type_name(field.annotation)
        )
        desc = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{key}` | {kind} | {_default(field)} | {desc} |")
    return f"## {model.__name__}\n\n{doc}\n\n" + "\n".join(rows) + "\n"


def render_markdown() -> str:
    """The whole reference page."""
    return INTRO + "\n" + "\n".join(section(m) for m in SECTIONS)
