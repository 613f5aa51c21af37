import numpy as np
from escalade.simulation import load_scenario, run_batch
for sets in [None, {"actors.IRN.policy.may_telegraph": False}]:
    sc = load_scenario("april-2024", sets); ev = run_batch(sc, 1, np.arange(1000), keep_events=True).events.to_pandas()
    st = ev[(ev.kind=="strike")&(ev.actor=="IRN")&(ev.target=="ISR")]
    f = st.groupby("run").first()
    print(f.action.value_counts().to_dict(), "warned share", (f.warning_days>0).mean(), "day median", f.day.median(), "leak|salvo", (f.leaked/f["size"].clip(lower=1))[f["size"]>0].groupby(f.warning_days>0).mean().to_dict())
