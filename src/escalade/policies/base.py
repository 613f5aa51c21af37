"""The registry of policies (built-in and entry points) and a base class for writing one.

A policy is one small class, in the manner of the Axelrod library's strategies: a ``name``,
a ``classifier`` describing it, and ``choose``, which maps an actor's
:class:`~escalade.engine.decision.Situation` in a batch of runs to one
:class:`~escalade.engine.decision.Choice` per run. The interface itself lives with the engine
(:mod:`escalade.engine.decision`); this package holds the policies and their registry.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any, ClassVar

from escalade.engine.decision import NO_ACTION, Choice, Situation


class Policy:
    """Base class: subclasses set ``name`` and ``classifier`` and implement :meth:`choose`
    (the :class:`escalade.engine.decision.Policy` protocol)."""

    name: ClassVar[str] = ""
    classifier: ClassVar[dict[str, Any]] = {}

    def choose(self, situation: Situation) -> Choice:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


_REGISTRY: dict[str, type[Policy]] = {}


def register(cls: type[Policy]) -> type[Policy]:
    """Class decorator adding a policy to the registry under its ``name``."""
    _REGISTRY[cls.name] = cls
    return cls


def policy_names() -> list[str]:
    _load_entry_points()
    return sorted(_REGISTRY)


def make_policy(name: str) -> Policy:
    """An instance of the policy registered as ``name`` (built-in or from an entry point)."""
    _load_entry_points()
    if name not in _REGISTRY:
        raise KeyError(f"unknown policy '{name}'; registered: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]()


@cache
def _load_entry_points() -> None:
    """Policies from other packages: ``[project.entry-points."escalade.policies"]`` (once)."""
    for ep in entry_points(group="escalade.policies"):
        if ep.name not in _REGISTRY:
            cls = ep.load()
            _REGISTRY[ep.name] = cls


__all__ = ["NO_ACTION", "Choice", "Policy", "Situation", "make_policy", "policy_names", "register"]
