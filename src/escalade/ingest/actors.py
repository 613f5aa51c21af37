"""The actor dictionary: who is who in the news (states, organisations, leaders, places).

The reference system's dictionary ships as package data (``actors.yaml``); a user's YAML file
in the same format extends it (new actors, or more aliases for an existing id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from escalade.ingest.text import IngestError

MENTION_KINDS = ("names", "orgs", "people")


@dataclass
class ActorEntry:
    id: str
    name: str
    role: str = "state"
    patron: str | None = None
    part_of: str | None = None
    names: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)


@dataclass
class ActorDictionary:
    """Actors by id, and places with the actor they belong to."""

    actors: dict[str, ActorEntry] = field(default_factory=dict)
    places: dict[str, str | None] = field(default_factory=dict)

    def role(self, actor: str | None) -> str | None:
        entry = self.actors.get(actor or "")
        return entry.role if entry else None

    def patron(self, actor: str | None) -> str | None:
        entry = self.actors.get(actor or "")
        return entry.patron if entry else None

    def patrons(self) -> set[str]:
        """The actors that back a proxy of the dictionary."""
        return {e.patron for e in self.actors.values() if e.patron}

    def patterns(self) -> list[dict[str, Any]]:
        """EntityRuler phrase patterns: label ACTOR_NAMES/_ORGS/_PEOPLE or PLACE, id the actor."""
        out: list[dict[str, Any]] = []
        for entry in self.actors.values():
            for kind in MENTION_KINDS:
                for alias in getattr(entry, kind):
                    out.append({"label": f"ACTOR_{kind.upper()}", "pattern": alias, "id": entry.id})
        for place, owner in self.places.items():
            out.append({"label": "PLACE", "pattern": place, "id": owner or ""})
        return out

    def merge(self, other: ActorDictionary) -> None:
        for aid, entry in other.actors.items():
            mine = self.actors.get(aid)
            if mine is None:
                self.actors[aid] = entry
                continue
            for kind in MENTION_KINDS:
                known = getattr(mine, kind)
                known.extend(a for a in getattr(entry, kind) if a not in known)
            if entry.name:
                mine.name = entry.name
        self.places.update(other.places)


def _entries(data: Any, name: str) -> ActorDictionary:
    if not isinstance(data, dict) or not isinstance(data.get("actors", {}), dict):
        raise IngestError(
            f"{name}: an actor dictionary is a mapping with 'actors:' (id -> names, orgs, people)"
            " and optionally 'places:' (place -> actor id)"
        )
    out = ActorDictionary()
    for aid, spec in (data.get("actors") or {}).items():
        if not isinstance(spec, dict):
            raise IngestError(f"{name}: actors.{aid}: expected a mapping (name, role, names, ...)")
        unknown = set(spec) - {"name", "role", "patron", "part_of", *MENTION_KINDS}
        if unknown:
            raise IngestError(
                f"{name}: actors.{aid}: unknown key(s) {sorted(unknown)} "
                f"(allowed: name, role, patron, part_of, {', '.join(MENTION_KINDS)})"
            )
        lists: dict[str, list[str]] = {}
        for kind in MENTION_KINDS:
            values = spec.get(kind) or []
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise IngestError(f"{name}: actors.{aid}.{kind}: expected a list of strings")
            lists[kind] = list(values)
        out.actors[str(aid)] = ActorEntry(
            id=str(aid),
            name=str(spec.get("name") or aid),
            role=str(spec.get("role") or "state"),
            patron=spec.get("patron"),
            part_of=spec.get("part_of"),
            **lists,
        )
    places = data.get("places") or {}
    if not isinstance(places, dict):
        raise IngestError(f"{name}: places: expected a mapping of place -> actor id (or null)")
    out.places = {str(k): (str(v) if v else None) for k, v in places.items()}
    return out


def _read_yaml(text: str, name: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise IngestError(f"{name}{at}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def builtin_dictionary() -> ActorDictionary:
    text = (resources.files("escalade.ingest") / "actors.yaml").read_text(encoding="utf-8")
    return _entries(_read_yaml(text, "actors.yaml"), "actors.yaml")


def load_dictionary(extra: Path | None = None) -> ActorDictionary:
    """The built-in dictionary, extended by a user's YAML file if given."""
    base = builtin_dictionary()
    if extra is not None:
        try:
            text = extra.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise IngestError(f"--actors {extra}: cannot read it: {exc}") from None
        base.merge(_entries(_read_yaml(text, str(extra)), str(extra)))
    return base
