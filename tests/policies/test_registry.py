"""Policies are found by name: the built-ins, and any a user installs through the
``escalade.policies`` entry-point group."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from escalade.policies import base
from escalade.policies.base import make_policy, policy_names
from escalade.simulation import run_batch
from tests.policies.versus import duel

PLUGIN = '''
import numpy as np
from escalade.policies.base import Choice, Policy


class AlwaysThreaten(Policy):
    """Answer everything with a threat."""

    name = "always_threaten"
    classifier = {"stochastic": False}

    def choose(self, situation):
        return Choice.unwarned(situation.action("threaten"))
'''


@pytest.fixture
def installed_plugin(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real installed distribution (dist-info with entry_points.txt) on sys.path."""
    (tmp_path / "myplug.py").write_text(PLUGIN)
    info = tmp_path / "myplug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: myplug\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[escalade.policies]\nalways_threaten = myplug:AlwaysThreaten\n"
    )
    sys.path.insert(0, str(tmp_path))
    base._load_entry_points.cache_clear()
    yield
    sys.path.remove(str(tmp_path))
    sys.modules.pop("myplug", None)
    base._REGISTRY.pop("always_threaten", None)
    base._load_entry_points.cache_clear()


def test_the_built_in_policies_are_registered() -> None:
    assert {"calibrated_retaliation", "tit_for_tat", "hawk", "dove", "red_line"} <= set(
        policy_names()
    )


def test_an_unknown_policy_names_the_registered_ones() -> None:
    with pytest.raises(KeyError, match="registered: calibrated_retaliation"):
        make_policy("kamikaze")


def test_a_policy_installed_by_entry_point_is_found_and_used(installed_plugin: None) -> None:
    assert "always_threaten" in policy_names()
    sc = duel("always_threaten", [(0, "symbolic_strike")])
    events = run_batch(sc, 1, np.array([0]), keep_events=True).events
    assert events is not None
    blue = [e["action"] for e in events.to_pylist() if e["actor"] == "BLUE"]
    assert blue and set(blue) == {"threaten"}
