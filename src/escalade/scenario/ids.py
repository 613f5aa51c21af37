"""Names of list items: statements, inducements, channels, red lines and relations carry ids.

An item's ``id`` is optional in a scenario; left out, it is derived from the item
(``{by}_{kind}_{toward}`` for a statement, e.g. ``usa_restraint_isr``). Ids are unique per
list: two items written with the same id are an error; two items whose *derived* ids coincide
get ``_2``, ``_3``, ... in the order they are listed. The same functions work on the raw YAML
(for ``--set statements.usa_restraint_isr.strength=0``) and on the validated models, so a path
by id always means the item the scenario shows under that id.

Ids only name items: parameter draws stay keyed by the item's index
(``statements.0.strength``), so naming an item never changes a result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$"
"""What an id may look like: a letter, then letters, digits, ``_`` or ``-``."""


def _low(value: Any) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", str(value).lower()).strip("_") or "x"


def _pair(item: Mapping[str, Any]) -> list[str]:
    between = item.get("between") or []
    return [_low(a) for a in between] if isinstance(between, Sequence) else [_low(between)]


def _statement(item: Mapping[str, Any]) -> str:
    return "_".join(_low(item.get(k, "")) for k in ("by", "kind", "toward"))


def _inducement(item: Mapping[str, Any]) -> str:
    return f"{_low(item.get('to', ''))}_{_low(item.get('kind', ''))}"


def _channel(item: Mapping[str, Any]) -> str:
    via = item.get("via")
    return "_".join(_pair(item)) + (f"_via_{_low(via)}" if via else "")


def _red_line(item: Mapping[str, Any]) -> str:
    trigger = item.get("if", item.get("trigger")) or {}
    actor = trigger.get("actor", "") if isinstance(trigger, Mapping) else ""
    return f"{_low(item.get('holder', ''))}_if_{_low(actor)}"


def _relation(item: Mapping[str, Any]) -> str:
    return "_".join([_low(item.get("kind", "")), *_pair(item)])


DERIVED: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "statements": _statement,
    "inducements": _inducement,
    "channels": _channel,
    "red_lines": _red_line,
    "relations": _relation,
}
"""The lists whose items carry ids, and how an id is derived from an item without one."""

DERIVED_FORM = {
    "statements": "{by}_{kind}_{toward}, e.g. usa_restraint_isr",
    "inducements": "{to}_{kind}, e.g. irn_gaza_ceasefire",
    "channels": "{a}_{b} or {a}_{b}_via_{via}, e.g. irn_usa_via_omn",
    "red_lines": "{holder}_if_{actor}, e.g. isr_if_irn",
    "relations": "{kind}_{a}_{b}, e.g. alliance_usa_isr",
}


def item_ids(list_name: str, items: Sequence[Any]) -> list[str]:
    """The id of each item of ``list_name``: its own, or one derived from it (made unique)."""
    derive = DERIVED[list_name]
    own = [_own_id(it) for it in items]
    taken = {i for i in own if i is not None}
    out: list[str] = []
    used: set[str] = set()
    for item, mine in zip(items, own, strict=True):
        if mine is not None:
            out.append(mine)
            used.add(mine)
            continue
        base = derive(item) if isinstance(item, Mapping) else "item"
        name, n = base, 1
        while name in taken or name in used:
            n += 1
            name = f"{base}_{n}"
        out.append(name)
        used.add(name)
    return out


def _own_id(item: Any) -> str | None:
    if isinstance(item, Mapping):
        value = item.get("id")
        return None if value is None else str(value)
    return None


def duplicate_ids(list_name: str, items: Sequence[Any]) -> list[str]:
    """``path: message`` lines for ids written twice in one list."""
    derive = DERIVED[list_name]
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if _own_id(item) is None and isinstance(item, Mapping):
            seen.setdefault(derive(item), i)
    out = []
    for i, item in enumerate(items):
        mine = _own_id(item)
        if mine is None:
            continue
        if mine in seen and seen[mine] != i:
            out.append(
                f"{list_name}.{i}.id: duplicate id '{mine}' (also {list_name}.{seen[mine]}); "
                f"ids must be unique among the {list_name.replace('_', ' ')}"
            )
        else:
            seen[mine] = i
    return out


def find_index(list_name: str | None, items: Sequence[Any], key: str) -> int | None:
    """The index of the item named ``key`` in a list: by index (``0``), by id (own or
    derived, for the lists in :data:`DERIVED`) or by ``name`` (e.g. an air-defence layer)."""
    if key.isdigit():
        return int(key) if int(key) < len(items) else None
    if list_name in DERIVED:
        ids = item_ids(list_name, items)
        if key in ids:
            return ids.index(key)
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and (item.get("name") == key or item.get("id") == key):
            return i
    return None


def names_in(list_name: str | None, items: Sequence[Any]) -> list[str]:
    """The names an item of the list can be addressed by (for "did you mean")."""
    if list_name in DERIVED:
        return item_ids(list_name, items)
    return [str(it["name"]) for it in items if isinstance(it, Mapping) and "name" in it]
