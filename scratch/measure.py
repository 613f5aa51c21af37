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

def first_answer(ev, who, at, runs):
    st = ev[(ev.kind=="strike")&(ev.actor==who)&(ev.target==at)]
    f = st.groupby("run").rung.first().reindex(range(runs), fill_value=-1)
    return f

def leak_share(ev, who, at, runs):
    st = ev[(ev.kind=="strike")&(ev.actor==who)&(ev.target==at)&(ev["size"]>0)]
    g = st.groupby("run").first()
    return (g.leaked / g["size"]).mean(), len(g)

def aug(runs=2000, sets=None):
    sc = load_scenario("august-2024", sets); bt = run_batch(sc, 1, np.arange(runs), keep_events=True)
    ev = bt.events.to_pandas(); out = bt.outcomes.to_pandas()
    st = ev[(ev.kind=="strike")&(ev.actor=="IRN")&(ev.target=="ISR")&(ev.rung>=7)&(ev.day<30)]
    print(f"august: P(no IRN direct on ISR in 30d)={1-st.run.nunique()/runs:.3f} P(IRN rung>=8)={np.mean(first_answer(ev,'IRN','ISR',runs)>=8):.3f} ended={out.ended.value_counts(normalize=True).round(3).to_dict()} P(war)={out.first_war_day.notna().mean():.3f}")

def jan(runs=2000, sets=None):
    sc = load_scenario("january-2020", sets); bt = run_batch(sc, 1, np.arange(runs), keep_events=True)
    ev = bt.events.to_pandas(); out = bt.outcomes.to_pandas()
    irn = ev[(ev.kind=="strike")&(ev.actor=="IRN")&(ev.target=="USA")&(ev.rung>=7)].groupby("run").day.min()
    us = ev[(ev.kind=="strike")&(ev.actor=="USA")&(ev.target=="IRN")&(ev.rung>=5)]
    ok = 0
    for r, d in irn.items():
        u = us[(us.run==r)&(us.day>=d)&(us.day<=d+30)]
        ok += len(u)==0
    print(f"january: Iran salvo in {len(irn)/runs:.3f} of runs; P(no US answer in 30d | salvo)={ok/max(len(irn),1):.3f} ended={out.ended.value_counts(normalize=True).round(3).to_dict()}")

def levers(runs=2000):
    def isr_first(sets=None):
        sc = load_scenario("april-2024", sets); bt = run_batch(sc, 1, np.arange(runs), keep_events=True)
        ev = bt.events.to_pandas(); out = bt.outcomes.to_pandas()
        f = first_answer(ev, "ISR", "IRN", runs)
        return np.mean(f>=8), np.mean(out.max_rung>=9), np.mean(out.max_rung>=10), leak_share(ev, "IRN", "ISR", runs), out.first_war_day.notna().mean()
    base = isr_first()
    print("base: ISR first>=8 %.3f  P(r>=9) %.3f P(r>=10) %.3f leak %s P(war) %.3f" % (base[0], base[1], base[2], base[3], base[4]))
    for name, sets in [("no US restraint", {"statements.0.strength": 0.0}),
                       ("no telegraph IRN", {"actors.IRN.policy.may_telegraph": False}),
                       ("fidelity 0", {f"channels.{i}.fidelity": 0.0 for i in range(9)}),
                       ("join 0.8", {"relations.0.join_offensive": 0.8}),
                       ("hardliners 0.7", {"actors.IRN.factions.irgc_hardliners.weight": 0.7})]:
        r = isr_first(sets)
        print("%s: ISR first>=8 %.3f  P(r>=9) %.3f P(r>=10) %.3f leak %s P(war) %.3f" % (name, r[0], r[1], r[2], r[3], r[4]))

if __name__ == "__main__":
    import sys
    for f in sys.argv[1:]: globals()[f]() if f != 'measure' else measure('april-2024')
