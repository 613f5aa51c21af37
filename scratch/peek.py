import sys, numpy as np
from escalade.simulation import load_scenario, run_batch
sc = load_scenario(sys.argv[1]); runs=1000
ev = run_batch(sc, 1, np.arange(runs), keep_events=True).events.to_pandas()
d = ev[ev.kind.isin(["strike","statement","declaration","warning"])]
print(d.groupby(["actor","kind","action","target"]).size().sort_values(ascending=False).head(25))
