import sys, numpy as np, pyarrow.compute as pc
from escalade.simulation import load_scenario, run_batch
def measure(name, runs=2000, seed=1, sets=None, a="IRN", b="ISR"):
    sc = load_scenario(name, sets)
    bt = run_batch(sc, seed, np.arange(runs), keep_events=True)
    ev = bt.events.to_pandas(); out = bt.outcomes.to_pandas()
    st = ev[ev.kind.isin(["strike"])]
    d = st[((st.actor==a)&(st.target==b))|((st.actor==b)&(st.target==a))]
    d = d[d.rung>=7]
    nblows = d.groupby("run").size().reindex(range(runs), fill_value=0)
    deaths_ss = st[st.actor.isin(["IRN","ISR","USA"]) & st.target.isin(["IRN","ISR","USA"])].groupby("run").deaths.sum().reindex(range(runs), fill_value=0)
    # recorded path
    rec = 0
    for r, g in d.groupby("run"):
        g = g.sort_values("day")
        if len(g)==2 and g.iloc[0].actor==a and g.iloc[0].rung>=8 and g.iloc[0].day<=20 and g.iloc[1].actor==b and g.iloc[1].rung<=7:
            rec += 1
    ended = out.ended.value_counts(normalize=True).to_dict()
    print(f"{name}: P(<=2 direct)={np.mean(nblows<=2):.3f} mean={nblows.mean():.2f} P(quiet|cf)={ended.get('quiet',0)+ended.get('ceasefire',0):.3f} ended={ {k: round(v,3) for k,v in ended.items()} } P(rec)={rec/runs:.3f} median ss deaths={np.median(deaths_ss):.0f} P(war)={out.first_war_day.notna().mean():.3f} P(r>=8 first ISR)={np.mean((out.first_actor=='ISR')&(out.first_rung>=8)):.3f}")
    return bt
if __name__ == "__main__":
    measure("april-2024")
