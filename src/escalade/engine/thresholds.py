"""M12 The escalation ladder and its thresholds.

The rungs that mark a direct exchange between states (``direct_exchange_rung``), strikes on
strategic assets (``strategic_rung``), sustained war (``war_rung``) and the watched actor's
entry into combat (``combat_watch`` striking overtly at ``combat_rung`` or above). A blow at or
above the war rung opens a sustained war and ends the run. See
docs/model/M12-ladder-and-thresholds.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from escalade.engine.compiled import Cast, I
from escalade.engine.ending import EndReason, end_runs
from escalade.engine.rng import Streams
from escalade.scenario.schema import Scenario

if TYPE_CHECKING:
    from escalade.engine.params import Params
    from escalade.engine.state import EventLog, State


@dataclass(frozen=True)
class ThresholdParams:
    """M12 parameters: rungs of the thresholds and the watched actor (-1 none)."""

    direct_exchange_rung: int
    strategic_rung: int
    war_rung: int
    combat_rung: int
    combat_watch: int

    @classmethod
    def compile(cls, scenario: Scenario, streams: Streams, cast: Cast) -> ThresholdParams:
        mp = scenario.model
        watch = mp.combat_watch
        return cls(
            direct_exchange_rung=mp.direct_exchange_rung,
            strategic_rung=mp.strategic_rung,
            war_rung=mp.war_rung,
            combat_rung=mp.combat_rung,
            combat_watch=cast.index(watch) if watch in cast.actors else -1,
        )


def war_end(state: State, params: Params, day: int, runs: I, rung: I, log: EventLog) -> None:
    """M12: a blow at or above ``war_rung`` opens a sustained war; the run ends there."""
    war = runs[rung >= params.thresholds.war_rung]
    war = war[~state.ended[war]]
    if len(war):
        end_runs(state, war, day, EndReason.WAR, log)
