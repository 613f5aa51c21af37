"""One day of a batch of runs: resolve -> perceive -> decide -> act.

``step`` is the ordered list of the day's mechanisms and nothing else; each is a named function
in its mechanism's module (M1–M14), and the plumbing of blows and choices lives in
:mod:`escalade.engine.blows` and :mod:`escalade.engine.choices`.
"""

from __future__ import annotations

import numpy as np

from escalade.engine import ending
from escalade.engine.backing import statements_in_force
from escalade.engine.blows import land_due_strikes, land_triggers, proxy_strikes
from escalade.engine.choices import decide
from escalade.engine.engagement import resupply_interceptors
from escalade.engine.factions import hardliner_relaxation
from escalade.engine.proxies import proxy_initiative
from escalade.engine.retaliation import convenes, decay_grievance
from escalade.engine.stakes import inducements_in_force
from escalade.engine.state import EventLog, State
from escalade.engine.thresholds import war_goes_on
from escalade.engine.world import World


def step(state: State, world: World, day: int, log: EventLog) -> None:
    """Advance every run that has not ended by one day."""
    p, streams = world.params, world.streams
    if day in p.change_days:
        statements_in_force(state, p, day)  # M7
        inducements_in_force(state, p, day)  # M10
    resupply_interceptors(p.engagement, state.arsenals, day)  # M6: deliveries of the day
    land_triggers(state, world, day, log)  # the trigger: M1, M8, M9, M11
    land_due_strikes(state, world, day, log)  # answers land: M6, M1, M13
    proxies, initiative = proxy_initiative(state, p, streams, day)  # M5
    for j in np.flatnonzero(initiative.any(axis=0)):
        proxy_strikes(state, world, day, log, int(proxies[j]), np.flatnonzero(initiative[:, j]))
    ending.deliver_declarations(state, p, day, log)  # M13, M4
    decay_grievance(state, p)  # M1
    hardliner_relaxation(state, p)  # M9
    convene = convenes(p, streams, day) & ~state.ended[:, None]  # M1
    convene &= state.orders.day[:, p.deciders] < 0
    for j in np.flatnonzero(convene.any(axis=0)):
        decide(state, world, day, log, int(p.deciders[j]), np.flatnonzero(convene[:, j]))
    worst = ending.worst_grievance(state, p)
    ending.mediated_ceasefire(state, p, streams, day, log, worst)  # M13
    ending.quiet_end(state, p, day, log, worst)  # M13
    war_goes_on(state)  # M12
