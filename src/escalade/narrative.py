"""A run's event log told as a dated narrative ("Day 12: IRN launches ...")."""

from __future__ import annotations

import pyarrow as pa

from escalade.scenario.schema import Scenario


def _who(scenario: Scenario, actor_id: str) -> str:
    actor = scenario.actors.get(actor_id)
    return actor.name if actor is not None and actor.name else actor_id


def belief_clause(ev: dict[str, object], scenario: Scenario) -> str:
    """M14: what the event's target now believes of the actor's resolve (the event log's
    ``belief``: the target's probability that the actor is resolute, after the event), as a
    clause; empty for events that carry no belief."""
    belief = ev.get("belief")
    if belief is None or float(belief) < 0 or not ev["target"]:  # type: ignore[arg-type]
        return ""
    target, who = _who(scenario, str(ev["target"])), _who(scenario, str(ev["actor"]))
    return f" {target} now puts {float(belief):.0%} on {who} being resolute."  # type: ignore[arg-type]


def sentence(ev: dict[str, object], scenario: Scenario) -> str:
    """One event as a sentence, with what its target now believes of the actor (M14)."""
    return event_sentence(ev, scenario) + belief_clause(ev, scenario)


def event_sentence(ev: dict[str, object], scenario: Scenario) -> str:
    """What happened, as a sentence."""
    kind = ev["kind"]
    who = _who(scenario, str(ev["actor"]))
    target = _who(scenario, str(ev["target"])) if ev["target"] else ""
    action = str(ev["action"]).replace("_", " ")
    rung = ev["rung"]
    via = f" through {_who(scenario, str(ev['channel']))}" if ev["channel"] else " publicly"
    if kind == "trigger":
        dead = f"; {ev['deaths']} killed ({ev['senior_killed']} senior)" if ev["deaths"] else ""
        return (
            f"{who}: {action} against {target} (rung {rung}){dead} — the trigger; its deaths, "
            "damage and rung are not counted in the run's outcomes."
        )
    if kind in ("strike", "harassment"):
        own = " on its own initiative" if kind == "harassment" else ""
        size = f" with {ev['size']} munitions" if ev["size"] else ""
        warn = f" after {ev['warning_days']} days' notice" if ev["warning_days"] else " unannounced"
        text = f"{who}{own}: {action}{size} against {target} (rung {rung}){warn}"
        if ev["size"]:
            size, shot, leaked = (int(ev[k]) for k in ("size", "intercepted", "leaked"))  # type: ignore[call-overload]
            failed = size - shot - leaked
            text += f"; {failed} failed, {shot} intercepted, {leaked} got through"
        return text + f"; {ev['deaths']} killed, damage {float(ev['damage']):.1f}."  # type: ignore[arg-type]
    if kind == "warning":
        return (
            f"{who} signals{via} a coming {action} against {target} in {ev['warning_days']} days."
        )
    if kind == "statement":
        return f"{who}: {action} against {target} (rung {rung})."
    if kind == "declaration":
        return f"{who} declares{via} that the matter can be deemed concluded."
    if kind == "acceptance":
        return f"{who} accepts {target}'s declaration that the round is over."
    if kind == "ceasefire":
        return f"A cease-fire is brokered by {who}."
    if kind == "mediation":
        return f"{who} brokers an end to the round."
    if kind == "red_line_crossed":
        words = _line_words(scenario, ev)
        return (
            f"{target} crosses {who}'s red line{words}: {who} is committed to answering at "
            f"rung {rung} or higher."
        )
    if kind == "red_line_honoured":
        return f"{who}'s answer honours its red line against {target}; the line is discharged."
    if kind == "war":
        return (
            f"The crisis has become a sustained war: {who}'s blow against {target} reached "
            f"rung {rung}."
        )
    if kind == "end":
        reasons = {
            1: "The crisis goes quiet.",
            2: "The cease-fire holds.",
        }
        return reasons.get(int(rung), "The crisis ends.")  # type: ignore[call-overload]
    return f"{who}: {kind} {action}."


def _line_words(scenario: Scenario, ev: dict[str, object]) -> str:
    """M8: the words of the red line a ``red_line_*`` event names (its holder, crosser and
    committed rung), quoted; empty when the scenario gives none."""
    for line in scenario.red_lines:
        if (line.holder, line.trigger.actor, line.commits_to_rung) == (
            ev["actor"],
            ev["target"],
            ev["rung"],
        ):
            return f' ("{line.text}")' if line.text else ""
    return ""


def unhonoured_lines(events: pa.Table, scenario: Scenario) -> str:
    """M8: the red lines crossed in the run and never honoured, as a sentence (empty if none):
    their holders backed down, at the audience cost of each line."""
    open_lines: dict[tuple[object, object, object], int] = {}
    for ev in events.to_pylist():
        key = (ev["actor"], ev["target"], ev["rung"])
        if ev["kind"] == "red_line_crossed":
            open_lines[key] = open_lines.get(key, 0) + 1
        elif ev["kind"] == "red_line_honoured":
            open_lines[key] = open_lines.get(key, 0) - 1
    left = [
        f"{_who(scenario, str(h))}'s against {_who(scenario, str(c))} (rung {r})"
        for (h, c, r), n in open_lines.items()
        if n > 0
    ]
    if not left:
        return ""
    return f" Red lines crossed and not honoured: {'; '.join(left)}."


def narrative(events: pa.Table, scenario: Scenario) -> list[str]:
    """The run's events as dated lines, in order."""
    return [
        f"Day {ev['day']} ({ev['date']}): {sentence(ev, scenario)}" for ev in events.to_pylist()
    ]


def trigger_deaths(events: pa.Table) -> int:
    """Deaths of the trigger's events (which the outcome columns do not include)."""
    return sum(int(ev["deaths"] or 0) for ev in events.to_pylist() if ev["kind"] == "trigger")


def closing(outcome: dict[str, object], events: pa.Table, scenario: Scenario) -> str:
    """The run's outcome in one line, saying that it counts what followed the trigger (the
    outcome columns exclude the trigger's deaths, damage and rung; see escalade.outcomes),
    and the red lines left crossed and not honoured (M8)."""
    own = trigger_deaths(events)
    return (
        f"After the trigger: highest rung {outcome['max_rung']}, ended {outcome['ended']} "
        f"(day {outcome['end_day']}), {outcome['deaths']} killed"
        + (f" (the trigger's own {own} not included)." if own else ".")
        + unhonoured_lines(events, scenario)
    )
