"""The overlay writer: extracted events into a scenario overlay, and the diff against it.

An overlay (``escalade run SCENARIO --overlay FILE``) maps dotted scenario paths to values. A
list in an overlay replaces the scenario's list, so the writer emits each list it touches
whole: the scenario's items, then the new ones. Each new item has a ``sources`` entry
(``ingest-N``) quoting its evidence sentence with the article and character offsets, and,
where the format has a ``text`` field, the evidence sentence itself. Events the format cannot
hold (a demand, an arms supply, an actor the scenario lacks, a blow before day 0, ...) are
listed with the reason, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from escalade.ingest.events import Event
from escalade.scenario.schema import Scenario

DEFAULT_INDUCEMENT_VALUE = 0.3
"""Placeholder value of an inducement read from text (utility); the user should set it."""


@dataclass
class Placed:
    """One event and where it went: a list of the scenario format, or nowhere, and why."""

    event: Event
    section: str | None  # initial_events, statements, red_lines, inducements, channels
    item: dict[str, Any] | None = None
    source_id: str | None = None
    status: str = "new"  # new, already, not_held
    reason: str = ""

    def line(self) -> str:
        ev = self.event
        who = f"{ev.actor or '?'} -> {ev.target or '?'}"
        date = ev.date or "undated"
        where = f"{self.section}" if self.section else "not held"
        extra = f": {self.reason}" if self.reason else ""
        return f"{ev.kind} {who} ({date}) [{where}, {self.status}]{extra}"


@dataclass
class Overlay:
    scenario: str
    data: dict[str, Any] = field(default_factory=dict)
    placed: list[Placed] = field(default_factory=list)

    @property
    def not_held(self) -> list[Placed]:
        return [p for p in self.placed if p.status == "not_held"]


def _day(date: str | None, start: dt.date) -> tuple[int | None, str]:
    """Scenario day of a resolved date string (day, ISO week or month precision)."""
    if not date:
        return None, "no date"
    note = ""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            d = dt.date.fromisoformat(date)
        elif re.fullmatch(r"\d{4}-W\d{2}", date):
            d = dt.date.fromisocalendar(int(date[:4]), int(date[6:]), 1)
            note = "dated to the week only (its Monday used)"
        elif re.fullmatch(r"\d{4}-\d{2}", date):
            d = dt.date(int(date[:4]), int(date[5:]), 1)
            note = "dated to the month only (its first day used)"
        else:
            return None, "dated to the year only"
    except ValueError:
        return None, f"date {date} cannot be read"
    return (d - start).days, note


def _inducement_kind(evidence: str) -> str:
    t = evidence.lower()
    if "cease" in t or "truce" in t:
        return "gaza_ceasefire" if "gaza" in t else "ceasefire"
    if "talks" in t or "nuclear" in t:
        return "nuclear_talks"
    if "sanction" in t:
        return "sanctions_relief"
    return "offer"


def build_overlay(
    events: list[Event], scenario: Scenario, spec: str, dictionary: Any | None = None
) -> Overlay:
    """Place each event in the scenario's format; list what cannot be held.

    An actor the scenario lacks is replaced by the one the dictionary says it is part of
    (Kataib Hezbollah -> IRQ_MILITIA), when the scenario has that one."""
    actors = set(scenario.actors)
    if dictionary is not None:
        events = [_stand_in(ev, dictionary, actors) for ev in events]
    actions = {a.name: a for a in scenario.actions}
    start = scenario.start
    out = Overlay(scenario=spec)
    lists: dict[str, list[dict[str, Any]]] = {
        name: [
            item.model_dump(by_alias=True, mode="json", exclude_defaults=True)
            for item in getattr(scenario, name)
        ]
        for name in ("initial_events", "statements", "red_lines", "inducements", "channels")
    }
    original = {k: len(v) for k, v in lists.items()}
    sources = [s.model_dump(mode="json", exclude_defaults=True) for s in scenario.sources]
    n = 0
    for ev in sorted(events, key=lambda e: (e.date or "9999", e.article, e.start)):
        placed = _place(ev, scenario, actors, actions, start, lists)
        out.placed.append(placed)
        if placed.status != "new" or placed.item is None or placed.section is None:
            continue
        n += 1
        sid = f"ingest-{n}"
        placed.source_id = sid
        citation = f'{ev.article} (chars {ev.start}-{ev.end}): "{_one_line(ev.evidence)}"'
        sources.append({"id": sid, "citation": citation, "confidence": "low"})
        lists[placed.section].append(placed.item)
    for name, items in lists.items():
        if len(items) != original[name]:
            out.data[name] = items
    if len(sources) != len(scenario.sources):
        out.data["sources"] = sources
    return out


def _stand_in(ev: Event, dictionary: Any, actors: set[str]) -> Event:
    import copy

    out = ev
    for attr in ("actor", "target"):
        aid = getattr(ev, attr)
        entry = dictionary.actors.get(aid or "")
        if aid and aid not in actors and entry is not None and entry.part_of in actors:
            out = copy.copy(out) if out is ev else out
            setattr(out, attr, entry.part_of)
    return out


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _place(
    ev: Event,
    scenario: Scenario,
    actors: set[str],
    actions: dict[str, Any],
    start: dt.date,
    lists: dict[str, list[dict[str, Any]]],
) -> Placed:
    def no(reason: str, section: str | None = None) -> Placed:
        return Placed(ev, section, status="not_held", reason=reason)

    missing = [a for a in (ev.actor, ev.target) if a and a not in actors]
    if ev.actor is None:
        return no("the actor is unknown")
    if missing:
        return no(f"actor(s) {', '.join(missing)} not in scenario '{scenario.name}'")
    day, note = _day(ev.date, start)
    text = _one_line(ev.evidence)
    kind = ev.kind
    if kind in actions:
        if ev.target is None:
            return no("a blow or an action needs a target", "initial_events")
        if day is None:
            return no(f"{note}: an initial event needs a day", "initial_events")
        if day < 0:
            return no(f"{ev.date} is before the scenario starts ({start})", "initial_events")
        if day >= scenario.horizon_days:
            return no(f"{ev.date} is past the scenario's horizon", "initial_events")
        item: dict[str, Any] = {"day": day, "actor": ev.actor, "action": kind, "target": ev.target}
        killed = ev.casualties.get("killed")
        if killed:
            item["casualties"] = {"other": min(int(killed), 10_000_000)}
        item["text"] = text
        return _new_or_already(ev, "initial_events", item, lists, note)
    from_day = max(day or 0, 0)
    if day is not None and day >= scenario.horizon_days:
        return no(f"{ev.date} is past the scenario's horizon")
    if kind in ("restraint", "backing"):
        if ev.target is None:
            return no("a statement needs the actor it is addressed to", "statements")
        item = {"by": ev.actor, "kind": kind, "toward": ev.target, "from_day": from_day}
        item["text"] = text
        return _new_or_already(ev, "statements", item, lists, note)
    if kind == "red_line":
        if ev.target is None:
            return no("a red line needs the actor whose action crosses it", "red_lines")
        rung = scenario.model.direct_exchange_rung
        item = {
            "holder": ev.actor,
            "if": {"actor": ev.target, "rung_at_least": rung},
            "commits_to_rung": rung,
            "from_day": from_day,
            "text": text,
        }
        return _new_or_already(
            ev,
            "red_lines",
            item,
            lists,
            _join(note, f"rungs coded as the direct exchange ({rung})"),
        )
    if kind == "inducement":
        to = ev.target or ev.actor
        item = {
            "to": to,
            "kind": _inducement_kind(ev.evidence),
            "value": DEFAULT_INDUCEMENT_VALUE,
            "from_day": from_day,
        }
        return _new_or_already(
            ev, "inducements", item, lists, _join(note, "value is a placeholder: set it")
        )
    if kind == "message":
        if ev.target is None:
            return no("a message needs its recipient", "channels")
        if ev.channel and ev.channel not in actors:
            return no(f"channel {ev.channel} not in scenario '{scenario.name}'", "channels")
        item = {"between": [ev.actor, ev.target]}
        if ev.channel:
            item["via"] = ev.channel
        return _new_or_already(ev, "channels", item, lists, note)
    what = kind.replace("_", " ")
    article = "an" if what[0] in "aeiou" else "a"
    return no(f"the scenario format has no place for {article} {what}")


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _same(section: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = {
        "initial_events": ("actor", "action", "target", "day"),
        "statements": ("by", "kind", "toward"),
        "red_lines": ("holder",),
        "inducements": ("to", "kind"),
    }
    if section == "channels":
        return set(a.get("between", [])) == set(b.get("between", [])) and a.get("via") == b.get(
            "via"
        )
    if section == "red_lines":
        return a.get("holder") == b.get("holder") and a.get("if", {}).get("actor") == b.get(
            "if", {}
        ).get("actor")
    return all(a.get(k) == b.get(k) for k in keys[section])


def _new_or_already(
    ev: Event,
    section: str,
    item: dict[str, Any],
    lists: dict[str, list[dict[str, Any]]],
    note: str,
) -> Placed:
    if any(_same(section, item, old) for old in lists[section]):
        return Placed(ev, section, item, status="already", reason=_join(note, "already there"))
    return Placed(ev, section, item, status="new", reason=note)


def overlay_yaml(overlay: Overlay) -> str:
    """The overlay as YAML, with a header naming what it is and listing what it left out."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buf = io.StringIO()
    if overlay.data:
        yaml.dump(overlay.data, buf)
    head = [
        f"# Overlay for scenario '{overlay.scenario}' written by `escalade ingest`.",
        f"# Use: escalade run {overlay.scenario} --overlay THIS_FILE",
        "# Each list below is the scenario's list followed by the items read from articles;",
        "# each new item's evidence sentence is quoted in its sources entry (ingest-N).",
    ]
    new = [p for p in overlay.placed if p.status == "new"]
    for p in new:
        head.append(f"#   {p.source_id}: {p.line()}")
    left = [p for p in overlay.placed if p.status != "new"]
    if left:
        head.append("# Not written (listed, not lost):")
        head += [f"#   {p.line()}" for p in left]
    body = buf.getvalue() if overlay.data else "{}\n"
    return "\n".join(head) + "\n" + body


def diff_lines(overlay: Overlay) -> list[str]:
    """What the articles change against the scenario: + new, = already there, ! not held."""
    mark = {"new": "+", "already": "=", "not_held": "!"}
    return [f"{mark[p.status]} {p.line()}" for p in overlay.placed]
