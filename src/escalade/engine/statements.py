"""What allies and great powers have said, and what is on offer, as of a day (M7, M10)."""

from __future__ import annotations

import numpy as np

from escalade.engine.params import Params
from escalade.engine.state import State


def statements_in_force(state: State, params: Params, day: int) -> None:
    """M7 Restraint and backing, M10 inducements: set what is in force from ``day`` on.

    Restraint toward an actor and backing of it are the strongest such statements made so far
    (``from_day <= day``); a restraining ally ("will not join an offensive") takes a blow on its
    client as its own only by ``join_offensive x (1 - strength)``. Inducements made so far add
    up, forfeited by striking above the lowest of their rungs.
    """
    st = params.statements
    state.restraint[:] = 0.0
    state.backing[:] = 0.0
    state.join_offensive[:] = params.join_offensive
    for k in np.flatnonzero(st.from_day <= day):
        t, strength = st.toward[k], st.strength[:, k]
        if st.restraint[k]:
            state.restraint[:, t] = np.maximum(state.restraint[:, t], strength)
            state.join_offensive[:, st.by[k], t] *= 1.0 - strength
        else:
            state.backing[:, t] = np.maximum(state.backing[:, t], strength)
    ind = params.inducements
    state.inducement[:] = 0.0
    state.inducement_rung[:] = np.iinfo(np.int64).max
    for k in np.flatnonzero(ind.from_day <= day):
        t = ind.to[k]
        state.inducement[:, t] += ind.value[:, k]
        state.inducement_rung[t] = min(state.inducement_rung[t], ind.above_rung[k])
