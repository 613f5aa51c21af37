"""escalade: a simulator of crisis escalation between states, their proxies and their partners.

>>> import escalade
>>> scenario = escalade.load_scenario("april-2024")
>>> ensemble = escalade.simulate(scenario, runs=1000, seed=1)
>>> ensemble.to_pandas().max_rung.value_counts()   # doctest: +SKIP
>>> escalade.salvo(scenario, "IRN", "ISR", {"shahed_136": 170}, runs=1000)  # doctest: +SKIP
"""

from escalade.api import Ensemble, load_scenario, replay, simulate
from escalade.salvos import salvo
from escalade.version import __version__

__all__ = ["Ensemble", "__version__", "load_scenario", "replay", "salvo", "simulate"]
