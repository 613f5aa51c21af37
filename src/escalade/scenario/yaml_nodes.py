"""Scenario YAML read fast: libyaml's parser with ruamel.yaml's resolver and constructor.

ruamel.yaml's round-trip loader gives every mapping key and list item its line and column,
which located errors need, but its pure-Python scanner and parser take 0.17 s for the 660
lines of `april-2024`, in every command and in every worker. libyaml (PyYAML's C parser) reads
the same text into events in about 5 ms. :func:`compose` turns those events into ruamel.yaml
nodes — tags resolved by ruamel.yaml's own YAML 1.2 resolver, marks with libyaml's lines and
columns — and ruamel.yaml's constructor builds the data from them, so the result is the one
ruamel.yaml gives (tested on every YAML file of the project), line numbers included.

Whatever this path does not reproduce exactly falls back to ruamel.yaml's own parser (which
then also reports any error, in its words): a PyYAML built without libyaml, a YAML directive,
an explicit tag, several documents, or any text libyaml refuses.
"""

from __future__ import annotations

from typing import Any

import yaml
from ruamel.yaml.error import StreamMark
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver


class Fallback(Exception):
    """This text is left to ruamel.yaml's own parser."""


def compose(text: str, name: str, resolver: BaseResolver) -> Node | None:
    """The ruamel.yaml node tree of ``text`` (None for an empty document), or
    :class:`Fallback` when ruamel.yaml must read it itself."""
    if not yaml.__with_libyaml__:  # PyYAML built without libyaml: no faster than ruamel.yaml
        raise Fallback
    try:
        events = list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        raise Fallback from None
    return _Builder(events, name, resolver).document()


class _Builder:
    """ruamel.yaml nodes from libyaml's events (the composer's job)."""

    def __init__(self, events: list[Any], name: str, resolver: BaseResolver) -> None:
        self.events, self.at, self.name, self.resolver = events, 0, name, resolver
        self.anchors: dict[str, Node] = {}

    def _next(self) -> Any:
        event = self.events[self.at]
        self.at += 1
        return event

    def _mark(self, mark: Any) -> StreamMark:
        return StreamMark(self.name, mark.index, mark.line, mark.column)

    def document(self) -> Node | None:
        kinds = [type(e).__name__ for e in self.events]
        if kinds.count("DocumentStartEvent") > 1:
            raise Fallback  # ruamel.yaml refuses a second document in its words
        self._next()  # stream start
        start = self._next()
        if type(start).__name__ == "StreamEndEvent":
            return None
        if getattr(start, "version", None) or getattr(start, "tags", None):
            raise Fallback  # a %YAML or %TAG directive
        return self._node()

    def _node(self) -> Node:
        event = self._next()
        kind = type(event).__name__
        if kind == "AliasEvent":
            if event.anchor not in self.anchors:
                raise Fallback
            return self.anchors[event.anchor]
        if getattr(event, "tag", None) not in (None, "!"):
            raise Fallback  # an explicit tag
        start, anchor = self._mark(event.start_mark), event.anchor
        node: Node
        if kind == "ScalarEvent":
            tag = self.resolver.resolve(ScalarNode, event.value, event.implicit)
            end = self._mark(event.end_mark)
            node = ScalarNode(tag, event.value, start, end, style=event.style, anchor=anchor)
        elif kind == "SequenceStartEvent":
            tag = self.resolver.resolve(SequenceNode, None, event.implicit)
            node = SequenceNode(tag, [], start, None, flow_style=event.flow_style, anchor=anchor)
        elif kind == "MappingStartEvent":
            tag = self.resolver.resolve(MappingNode, None, event.implicit)
            node = MappingNode(tag, [], start, None, flow_style=event.flow_style, anchor=anchor)
        else:  # pragma: no cover - libyaml's grammar allows nothing else here
            raise Fallback
        if anchor is not None:
            self.anchors[anchor] = node
        if isinstance(node, SequenceNode):
            while type(self.events[self.at]).__name__ != "SequenceEndEvent":
                node.value.append(self._node())
            node.end_mark = self._mark(self._next().end_mark)
        elif isinstance(node, MappingNode):
            while type(self.events[self.at]).__name__ != "MappingEndEvent":
                key = self._node()
                node.value.append((key, self._node()))
            node.end_mark = self._mark(self._next().end_mark)
        return node


__all__ = ["Fallback", "compose"]
