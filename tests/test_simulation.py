"""Policy names are checked when a scenario is compiled (escalade.simulation), outside the
scenario package, with the same located error a schema problem gets."""

from __future__ import annotations

import numpy as np
import pytest

from escalade.scenario.load import ScenarioError
from escalade.scenario.load import load_scenario as read_only
from escalade.simulation import load_scenario, run_batch
from tests.scenario.test_load import BASE

TYPO = BASE.replace("    resolve: 0.7", "    resolve: 0.7\n    policy: {name: tit_for_tatt}")


def test_an_unknown_policy_is_located_with_a_suggestion(write) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(TYPO))
    [msg] = [str(p) for p in info.value.problems]
    assert ":8:" in msg and "actors.IRN.policy.name: unknown policy 'tit_for_tatt'" in msg
    assert "did you mean 'tit_for_tat'?" in msg


def test_the_scenario_package_alone_does_not_know_the_registry(write) -> None:
    # Reading and validating the file succeeds; compiling it for a run does not.
    scenario = read_only(write(TYPO))
    with pytest.raises(ScenarioError, match="unknown policy 'tit_for_tatt'"):
        run_batch(scenario, 1, np.arange(3))


def test_a_policy_set_by_an_override_is_blamed_on_the_override(write) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(BASE), {"actors.IRN.policy.name": "hawkk"})
    [msg] = [str(p) for p in info.value.problems]
    assert msg.startswith("override actors.IRN.policy.name='hawkk': actors.IRN.policy.name:")
    assert "did you mean 'hawk'?" in msg
