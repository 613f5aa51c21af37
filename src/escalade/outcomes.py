"""The outcome registry: every column of an outcome row, declared once.

Each :class:`Outcome` has its name, Arrow type, a definition in words (shown wherever the
outcome is, and in the glossary), and how an ensemble summarises it. The engine derives the
columns from each run's events (:func:`escalade.engine.simulate.outcome_table`) in this order;
the store, statistics, comparisons, sweeps, experiments and the report read their columns and
labels from here. Adding an outcome derived from events touches this file and the derivation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

Summary = Literal["key", "rung", "threshold", "quantity", "category", "text"]
"""How an ensemble summarises a column: ``threshold`` (the day a threshold is first crossed,
null if never: a probability and a survival curve), ``quantity`` (a distribution with
quantiles), ``rung`` (exceedance probabilities), ``category`` (shares), ``text`` (pathways),
``key`` (identifies the run)."""


@dataclass(frozen=True)
class Outcome:
    """One column of the outcome table."""

    name: str
    type: pa.DataType
    summary: Summary
    definition: str
    label: str = ""
    """How reports and analyses name it (e.g. "sustained war")."""
    short: str = ""
    """A short label for comparisons (e.g. "P(sustained war)")."""
    mean_in_comparisons: str = ""
    """If set, comparisons report the paired difference of its mean under this label."""


OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "run",
        pa.int64(),
        "key",
        "The run's index in the ensemble (its random key); it counts nothing of the trigger.",
    ),
    Outcome(
        "max_rung",
        pa.int64(),
        "rung",
        "The highest rung of any strike, statement or proxy attack after the trigger (the "
        "trigger itself is not counted); 0 if nothing followed it.",
        label="highest rung",
        mean_in_comparisons="mean max rung",
    ),
    Outcome(
        "first_actor",
        pa.string(),
        "category",
        "Who made the first decided move (strike or statement) after the trigger; null if none.",
    ),
    Outcome(
        "first_rung",
        pa.int64(),
        "rung",
        "The rung of that first decided move (the trigger is not one); -1 if none.",
    ),
    Outcome(
        "first_answer_day",
        pa.int64(),
        "quantity",
        "Day of the first decided move after the trigger (strike or statement; the trigger "
        "does not count); null if none.",
    ),
    Outcome(
        "first_direct_day",
        pa.int64(),
        "threshold",
        "Day two states first struck each other at or above the direct-exchange rung (M12, "
        "model.direct_exchange_rung, 7 by default; the trigger does not count); null if never.",
        label="direct exchange between states",
        short="P(direct exchange)",
    ),
    Outcome(
        "first_strategic_day",
        pa.int64(),
        "threshold",
        "Day of the first blow after the trigger at or above the strategic rung "
        "(model.strategic_rung, 10: nuclear, energy, leadership); null if never.",
        label="strikes on strategic assets",
        short="P(strategic strikes)",
    ),
    Outcome(
        "first_war_day",
        pa.int64(),
        "threshold",
        "Day of the first blow after the trigger at or above the war rung (model.war_rung, "
        "11: sustained war including population centres); null if never.",
        label="sustained war",
        short="P(sustained war)",
    ),
    Outcome(
        "first_combat_day",
        pa.int64(),
        "threshold",
        "Day the watched actor (model.combat_watch, the USA by default) first struck overtly at "
        "or above model.combat_rung (7) after the trigger (the trigger does not count); null "
        "if never.",
        label="combat by the watched actor",
        short="P(combat by {watch})",
    ),
    Outcome(
        "deaths",
        pa.int64(),
        "quantity",
        "Deaths from the blows after the trigger (strikes and proxy attacks); the trigger's own "
        "are not included.",
        label="deaths",
        mean_in_comparisons="mean deaths",
    ),
    Outcome(
        "senior_killed",
        pa.int64(),
        "quantity",
        "Senior figures killed after the trigger (among the deaths; the trigger's not included).",
        label="senior figures killed",
    ),
    Outcome(
        "damage",
        pa.float64(),
        "quantity",
        "Damage units from the blows after the trigger (the trigger's not included).",
        label="damage (units)",
    ),
    Outcome(
        "strikes",
        pa.int64(),
        "quantity",
        "Blows carried out after the trigger (strikes and proxy attacks; the trigger not "
        "included).",
        label="strikes",
    ),
    Outcome(
        "munitions_spent",
        pa.int64(),
        "quantity",
        "Munitions launched in salvos after the trigger (the trigger launches none).",
        label="munitions spent",
    ),
    Outcome(
        "interceptors_spent",
        pa.float64(),
        "quantity",
        "Interceptors fired by every defence layer at salvos after the trigger (those fired "
        "at the trigger's own salvo, if it is one, are not included).",
        label="interceptors spent",
    ),
    Outcome(
        "attack_cost_usd",
        pa.float64(),
        "quantity",
        "What the munitions launched after the trigger cost, US dollars (the trigger's not "
        "included).",
        label="attack cost (USD)",
    ),
    Outcome(
        "defence_cost_usd",
        pa.float64(),
        "quantity",
        "What the interceptors fired after the trigger cost, US dollars (the trigger's not "
        "included).",
        label="defence cost (USD)",
        mean_in_comparisons="mean defence cost $",
    ),
    Outcome(
        "ended",
        pa.string(),
        "category",
        "How the run stood at its end: quiet (every grievance between states calm for "
        "model.quiet_days, proxy fronts aside, or a calm round closed by a mediator), "
        "ceasefire (a war ended by a mediator's cease-fire), war (still at war at the "
        "horizon), or ongoing; the trigger's deaths and damage weigh in it only through the "
        "answers they provoke.",
    ),
    Outcome(
        "war_days",
        pa.int64(),
        "quantity",
        "Days spent at sustained war (M12: from the first blow at the war rung until a "
        "cease-fire or the horizon); 0 if none. The trigger does not count: even at the war "
        "rung it does not start the war.",
        label="days at war",
    ),
    Outcome(
        "end_day",
        pa.int64(),
        "quantity",
        "Day the run ended (the horizon when still ongoing), counted from day 0, the "
        "trigger's day.",
    ),
    Outcome(
        "pathway",
        pa.string(),
        "text",
        "The first decided moves after the trigger as ACTOR:rung > ACTOR:rung > ... (at most "
        "six; the trigger is not one).",
    ),
)

SCHEMA = pa.schema([(o.name, o.type) for o in OUTCOMES])
"""One row per run; the ``first_*_day`` columns are null when the threshold is never crossed."""
BY_NAME = {o.name: o for o in OUTCOMES}


def labelled(summary: Summary) -> dict[str, str]:
    """label -> column for the labelled outcomes summarised as ``summary``, in registry order."""
    return {o.label: o.name for o in OUTCOMES if o.summary == summary and o.label}


THRESHOLDS = labelled("threshold")
"""The M12 thresholds: label -> outcome column (the day first crossed)."""
DISTRIBUTIONS = labelled("quantity")
"""Per-run quantities whose distributions an ensemble reports: label -> outcome column."""
SHORT = {o.name: o.short for o in OUTCOMES if o.short}
"""Short labels of the thresholds in a comparison, by outcome column."""
MEANS = {o.mean_in_comparisons: o.name for o in OUTCOMES if o.mean_in_comparisons}
"""Per-run quantities whose mean difference a comparison reports: label -> column."""


def glossary_markdown() -> str:
    """The outcome glossary page (docs/outcomes.md), generated from the registry."""
    lines = [
        "# Outcomes: what each column of a run means",
        "",
        "Generated from `src/escalade/outcomes.py` (the registry every command reads); a test",
        "keeps this page equal to it. Every column counts what happened after the trigger: the",
        "trigger's own deaths, damage and rung are not included.",
        "",
        "| column | type | summarised as | definition |",
        "|---|---|---|---|",
    ]
    for o in OUTCOMES:
        shown = f"{o.summary} ({o.label})" if o.label else o.summary
        lines.append(f"| `{o.name}` | {o.type} | {shown} | {o.definition} |")
    return "\n".join(lines) + "\n"
