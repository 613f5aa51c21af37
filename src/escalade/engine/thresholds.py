"""M12 The escalation ladder and its thresholds.

The rungs that mark a direct exchange between states (``direct_exchange_rung``), strikes on
strategic assets (``strategic_rung``), sustained war (``war_rung``) and the watched actor's
entry into combat (``combat_watch`` striking overtly at ``combat_rung`` or above). A blow at or
above the war rung opens a sustained war: a state with a duration, whose costs grow by
``war_weariness`` a day (stocks, casualties, stakes at risk) until a mediated cease-fire ends it
(M13). See docs/model/M12-ladder-and-thresholds.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from escalade.engine.compiled import Cast, F, I, model_draw
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
    war_weariness: F  # (R,)

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
            war_weariness=model_draw(scenario, streams, "war_weariness"),
        )


def war_begins(
    state: State, params: Params, day: int, log: EventLog, runs: I, rung: I, striker: int, target: I
) -> None:
    """M12: a blow at or above ``war_rung`` opens a sustained war (the run goes on, at war);
    a ``war`` event marks the day it opened, with the striker and its target."""
    opens = (rung >= params.thresholds.war_rung) & ~state.at_war[runs]
    if opens.any():
        log.add(day, runs[opens], "war", striker, target=target[opens], rung=rung[opens])
        state.at_war[runs[opens]] = True


def war_goes_on(state: State) -> None:
    """M12: one more day at war where a war is on (its costs grow with it)."""
    state.war_days += state.at_war & ~state.ended
