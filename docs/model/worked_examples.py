"""Worked examples of the model pages (docs/model/M*.md), computed with the engine's own functions
on the hand-made scenario of tests/engine/mechanisms/tiny.py.

Run from the repository root:  PYTHONPATH=src:. python docs/model/worked_examples.py
"""
import numpy as np
from escalade.engine.blows import Blow, suffer
from escalade.engine.world import World
from escalade.engine.retaliation import blow_grievance, felt_share, discharge_obligation, answered_share
from escalade.engine.calibration import signal, overshoot, counter_escalation_risk
from escalade.engine.forewarning import expected_felt, warning_received
from escalade.engine.learning import learn_from_salvo, blow_evidence, talk_evidence, update_resolve_belief, expected_risk_share
from escalade.engine.backing import statements_in_force, ally_effect, restraint_cost, offensive_commitment, alliance_obligation, signalling_share
from escalade.engine.red_lines import cross_red_lines, honour_red_lines, red_line_commitment
from escalade.engine.stakes import inducements_in_force, forfeit_inducements, war_cost_scale, forfeit
from escalade.engine.thresholds import war_begins, war_goes_on
from escalade.engine.ending import mediated_ceasefire, worst_grievance
from escalade.engine.calculus import answer_utility
from tests.engine.mechanisms.tiny import batch
np.set_printoptions(precision=4, suppress=True)
NO_NOISE = {"perception_noise": 0.0}

def blow(b, striker, target, action, landed=1.0, deniable=False, answer=False, deaths=0, senior=0, damage=0.0, soil=True):
    k = b.params.catalog.find(action)
    n = len(b.runs)
    bl = Blow(runs=b.runs, striker=np.full(n, b.ix(striker)), answerer=np.full(n, b.ix(striker)),
              target=np.full(n, b.ix(target)), action=np.full(n, k), rung=np.full(n, b.params.catalog.rung[k]),
              deaths=np.full(n, deaths), senior=np.full(n, senior), damage=np.full(n, damage),
              soil=np.full(n, soil), landed=np.full(n, landed), deniable=np.full(n, deniable), answer=answer)
    return suffer(b.state, World(b.params, b.streams, {}), 0, bl, "ex")

def G(b, v, c): return float(b.state.grievances.grievance[0, b.ix(v), b.ix(c)])

print("== M1 (a) rung-7 symbolic strike on home soil, answered by a rung-7 strike")
b = batch(runs=1, model=NO_NOISE)
blow(b, "RED", "BLUE", "symbolic_strike")
print("BLUE grievance vs RED", G(b,"BLUE","RED"), "felt", b.state.grievances.felt[0,1,0])
discharge_obligation(b.state, b.params, b.runs, b.ix("BLUE"), np.array([b.ix("RED")]), np.array([7]), attack=True)
print("after BLUE's rung-7 answer:", G(b,"BLUE","RED"))
b2 = batch(runs=1, model=NO_NOISE)
blow(b2, "RED", "BLUE", "symbolic_strike")
discharge_obligation(b2.state, b2.params, b2.runs, b2.ix("BLUE"), np.array([b2.ix("RED")]), np.array([3]), attack=True)
print("   vs a rung-3 answer (short of settling):", G(b2,"BLUE","RED"))

print("== M1 (b) april-2024 chain: IRN,ISR")
A = {"IRN": {"role": "state"}, "ISR": {"role": "state"}}
b = batch(runs=1, actors=A, model=NO_NOISE)
trig_g = float(blow_grievance(b.params, b.runs, np.array([6.0]), True, np.array([7]), np.array([2]), np.array([0.0]))[0])
print("trigger (rung 6, soil-equivalent, 2 senior + 5 others killed) grievance:", round(trig_g, 4))
b.state.grievances.grievance[0, 0, 1] = trig_g
b.state.grievances.felt[0, 0, 1] = 6.0
b.state.grievances.received_rung[0, 0, 1] = 6
discharge_obligation(b.state, b.params, b.runs, 0, np.array([1]), np.array([8]), attack=True)
print("IRN grievance after its rung-8 salvo:", G(b,"IRN","ISR"))
bel = blow(b, "IRN", "ISR", "large_salvo", landed=0.04, answer=True)
print("felt_share(0.04)=", felt_share(b.params, b.runs, np.array([0.04]))[0], "ISR felt", b.state.grievances.felt[0,1,0], "ISR grievance", round(G(b,"ISR","IRN"),4), "ISR belief IRN resolute", bel)
discharge_obligation(b.state, b.params, b.runs, 1, np.array([0]), np.array([7]), attack=True)
print("ISR grievance after its rung-7 answer:", G(b,"ISR","IRN"))
print("answered_share for ISR's rung 7:", answered_share(b.state, b.params, b.runs, np.array([0]), np.array([1]), np.array([7]))[0],
      " rung 9:", answered_share(b.state, b.params, b.runs, np.array([0]), np.array([1]), np.array([9]))[0],
      " rung 10:", answered_share(b.state, b.params, b.runs, np.array([0]), np.array([1]), np.array([10]))[0])
bel2 = blow(b, "ISR", "IRN", "symbolic_strike", answer=True)
print("IRN grievance from ISR's owned rung-7 answer:", round(G(b,"IRN","ISR"),4), "IRN belief ISR resolute", bel2)
b3 = batch(runs=1, actors=A, model=NO_NOISE)
b3.state.grievances.received_rung[0, 1, 0] = 8
bel3 = blow(b3, "ISR", "IRN", "symbolic_strike", answer=True, deniable=True)
print("  ... the same answer unacknowledged:", round(G(b3,"IRN","ISR"),4), "belief", bel3)

print("== M2 signal/overshoot/risk for grievance 5.2, rungs 5..10")
b = batch(runs=1)
g = np.array([5.2])
print("signal", signal(b.params, b.runs, g)[0, 5:11]); print("overshoot", overshoot(b.params, b.runs, g)[0, 5:11])
print("risk", counter_escalation_risk(b.params, b.runs)[0, 5:11])

print("== M3 expected felt share, BLUE defended (one layer, unwarned_readiness 0.5)")
DEF = {"RED": {"role": "state"}, "BLUE": {"role": "state", "defence": {"layers": [
    {"name": "l", "owner": "BLUE", "engages": ["ballistic"], "kill_probability": 0.9, "capacity_per_wave": 100, "stock": 100, "unit_cost_usd": 1.0, "unwarned_readiness": 0.5}]}}}
MUN = {"ballistic": {"kind": "mrbm", "flight_time_hours": 0.2, "failure_rate": 0.0, "unit_cost_usd": 1.0}}
b = batch(runs=1, actors=DEF, munitions=MUN)
t = np.array([b.ix("BLUE")])
for label in ("prior 0.5", "after a 96% salvo"):
    w = expected_felt(b.state, b.params, b.runs, b.ix("RED"), t, warned=True)[0, 8]
    u = expected_felt(b.state, b.params, b.runs, b.ix("RED"), t, warned=False)[0, 8]
    print(label, "belief", b.state.belief_interception[0, 0], "unwarned_share", b.params.forewarning.unwarned_share[0, 1], "telegraphed felt", w, "untelegraphed felt", u)
    learn_from_salvo(b.state, b.params, b.runs, b.ix("RED"), np.array([0.96]))
THREE = {"RED": {"role": "state"}, "BLUE": {"role": "state"}, "GOLD": {"role": "state"}}
rel = [{"kind": "alliance", "between": ["GOLD", "BLUE"], "defend": 1.0}]
for chans in ([], [{"between": ["RED", "GOLD"], "delay_days": 1, "fidelity": 1.0}], [{"between": ["RED", "GOLD"], "delay_days": 1, "fidelity": 0.0}]):
    try:
        bb = batch(runs=2000, actors=THREE, relations=rel, channels=chans, model={"public_delivery": 0.0})
        rec = warning_received(bb.params, bb.streams, 0, bb.runs, bb.ix("RED"), np.full(2000, bb.ix("BLUE")), np.full(2000, 3))
        print("channels", chans, "warned share", rec.mean())
    except Exception as e:
        print("ERR", chans, e)

print("== M7 statements compose")
S = {"ISR": {"role": "state"}, "USA": {"role": "state"}, "RUS": {"role": "great_power"}, "IRN": {"role": "state"}}
sts = [{"by": "USA", "toward": "IRN", "kind": "restraint", "strength": 0.5},
       {"by": "RUS", "toward": "IRN", "kind": "restraint", "strength": 0.3}]
try:
    b = batch(runs=1, actors=S, statements=sts)
    statements_in_force(b.state, b.params, 0)
    print("restraint on IRN", b.state.backing.restraint[0, b.ix("IRN")], "ally_effect rung 7,8,9", ally_effect(b.state, b.params, b.runs, b.ix("IRN"))[0, 7:10])
    b = batch(runs=1, actors=S, statements=sts[:1])
    statements_in_force(b.state, b.params, 0)
    print("USA alone: ally_effect rung 8", ally_effect(b.state, b.params, b.runs, b.ix("IRN"))[0, 8])
except Exception as e:
    print("ERR", e)
for join, st in ((0.5, []), (0.8, []), (0.05, [{"by": "USA", "toward": "ISR", "kind": "restraint", "strength": 0.85}]),
                 (0.8, [{"by": "USA", "toward": "ISR", "kind": "restraint", "strength": 0.85}]),
                 (0.5, [{"by": "USA", "toward": "ISR", "kind": "backing", "strength": 0.4}])):
    try:
        b = batch(runs=1, actors=S, relations=[{"kind": "alliance", "between": ["USA", "ISR"], "defend": 0.95, "join_offensive": join}], statements=st)
        statements_in_force(b.state, b.params, 0)
        isr = b.ix("ISR")
        print("join", join, st and (st[0]["kind"], st[0]["strength"]), "leverage", b.state.backing.leverage[0, isr],
              "pressure", b.state.backing.restraint[0, isr], "commitment", offensive_commitment(b.params, b.runs, isr)[0],
              "ally_effect ISR rung 7,8,9", ally_effect(b.state, b.params, b.runs, isr)[0, 7:10],
              "restraint_cost rung 7,8,9", restraint_cost(b.state, b.params, b.runs, isr)[0, 7:10],
              "signalling_share rung 7,8,9", signalling_share(b.params, b.runs, isr)[0, 7:10],
              "overshoot at g 5.2, rung 7,8,9", (signalling_share(b.params, b.runs, isr) * overshoot(b.params, b.runs, np.array([5.2])))[0, 7:10])
        alliance_obligation(b.state, b.params, b.runs, np.array([isr]), np.array([b.ix("IRN")]), np.array([5.2]))
        gr = b.state.grievances
        g = gr.grievance[:1, b.ix("USA"), b.ix("IRN")]
        print("   USA grievance vs IRN from a 5.2 blow on ISR:", g[0], "of which its own:",
              gr.own(b.runs, b.ix("USA"), np.array([b.ix("IRN")]), g)[0])
    except Exception as e:
        print("ERR", e)

print("== M8 red line honoured once")
rl = [{"holder": "ISR", "if": {"actor": "IRN", "rung_at_least": 7}, "commits_to_rung": 7, "audience_cost": 2.0}]
try:
    b = batch(runs=1, actors=A, red_lines=rl)
    I_, R_ = np.array([b.ix("IRN")]), np.array([b.ix("ISR")])
    cross_red_lines(b.state, b.params, 0, b.runs, I_, R_, np.array([8]))
    print("after rung-8 blow: crossed", b.state.red_crossed[0], "commitment", red_line_commitment(b.state, b.params, b.runs, b.ix("ISR"), I_))
    honour_red_lines(b.state, b.params, b.runs, b.ix("ISR"), I_, np.array([7]))
    print("after ISR's rung-7 answer: crossed", b.state.red_crossed[0], "honoured", b.state.red_honoured[0])
    cross_red_lines(b.state, b.params, 0, b.runs, I_, R_, np.array([8]))
    print("after a second rung-8 blow: crossed", b.state.red_crossed[0], "commitment", red_line_commitment(b.state, b.params, b.runs, b.ix("ISR"), I_))
except Exception as e:
    print("ERR", e)

print("== M10 / M12 war cost, inducements")
IA = {"IRN": {"role": "state", "stakes": {"oil_exports_bpd": 1.5e6}}, "ISR": {"role": "state"}}
ind = [{"to": "IRN", "kind": "gaza_ceasefire", "value": 0.1, "above_rung": 6, "from_day": 0, "hold_days": 20}]
try:
    b = batch(runs=1, actors=IA, inducements=ind)
    ir = b.ix("IRN")
    print("stakes IRN", b.params.stakes.stakes[0, ir], "war_cost_scale IRN", war_cost_scale(b.state, b.params, b.runs, ir)[0])
    for d in (0, 19, 20):
        inducements_in_force(b.state, b.params, d)
        sc = war_cost_scale(b.state, b.params, b.runs, ir)
        print("day", d, "active", b.state.on_offer.active[0], "forfeit rungs 6,7,8", forfeit(b.state, b.params, b.runs, ir, sc)[0, 6:9])
    inducements_in_force(b.state, b.params, 5)
    forfeit_inducements(b.state, b.params, b.runs, ir, np.array([7]))
    inducements_in_force(b.state, b.params, 6)
    print("after a rung-7 strike on day 5: active", b.state.on_offer.active[0], "lost", b.state.on_offer.lost[0])
    war_begins(b.state, b.params, b.runs, np.array([11]))
    for _ in range(10): war_goes_on(b.state)
    print("at war", b.state.at_war[0], "days", b.state.war_days[0], "war_cost_scale IRN", war_cost_scale(b.state, b.params, b.runs, ir)[0])
except Exception as e:
    import traceback; traceback.print_exc()

print("== M13 cease-fire in a war (10000 runs, 20 days at war)")
M = {"IRN": {"role": "state"}, "ISR": {"role": "state"}, "QAT": {"role": "mediator"}}
try:
    b = batch(runs=10000, actors=M)
    b.state.at_war[:] = True; b.state.war_days[:] = 20; b.state.struck[:] = True
    b.state.grievances.grievance[:, 0, 1] = 9.0
    mediated_ceasefire(b.state, b.params, b.streams, 30, b.log, worst_grievance(b.state, b.params))
    print("share ended by cease-fire", b.state.ended.mean(), "formula", 0.02 * (1 + 0.05 * 20))
    b = batch(runs=10000, actors=M)
    b.state.struck[:] = True; b.state.grievances.grievance[:, 0, 1] = 9.0
    mediated_ceasefire(b.state, b.params, b.streams, 30, b.log, worst_grievance(b.state, b.params))
    print("peacetime, grievance 9 >= accept_end_below:", b.state.ended.mean())
    b.state.grievances.grievance[:, 0, 1] = 2.0
    mediated_ceasefire(b.state, b.params, b.streams, 30, b.log, worst_grievance(b.state, b.params))
    print("peacetime, grievance 2:", b.state.ended.mean())
except Exception as e:
    import traceback; traceback.print_exc()

print("== M14 beliefs")
b = batch(runs=1, model=NO_NOISE)
print("untelegraphed rung-8 salvo that lands:", blow(b, "RED", "BLUE", "large_salvo", landed=1.0), "evidence", blow_evidence(b.params, b.runs, np.array([8.0]))[0])
b = batch(runs=1, model=NO_NOISE)
print("96%-intercepted rung-8 salvo:", blow(b, "RED", "BLUE", "large_salvo", landed=0.04), "evidence", blow_evidence(b.params, b.runs, np.array([4.16]))[0])
b = batch(runs=1, model=NO_NOISE)
print("rung-10 strike that lands:", blow(b, "RED", "BLUE", "strategic_strikes"))
b = batch(runs=1)
for r in (1, 2, 0):
    print("talk rung", r, "evidence", talk_evidence(b.params, b.runs, np.array([r]))[0], "posterior from 0.5",
          update_resolve_belief(b.state, b.params, b.runs, np.array([1]), np.array([0]), talk_evidence(b.params, b.runs, np.array([r])))[0])
    b.state.resolve_belief[:] = 0.5
for bb_ in (0.5, 0.666, 0.2):
    b.state.resolve_belief[0, 0, 1] = bb_
    print("belief", bb_, "expected_risk_share", expected_risk_share(b.state, b.params, b.runs, 0, np.array([1]))[0])

print("== M2 calculus: answer_utility RED vs defended BLUE, grievance 5.2, rungs 5..10 (owned, telegraphed, unacknowledged)")
b = batch(runs=1, actors=DEF, munitions=MUN)
ap = answer_utility(b.state, b.params, b.runs, b.ix("RED"), np.array([b.ix("BLUE")]), np.array([5.2]))
print("wait", ap.wait[0])
for k in range(5, 11):
    print(k, b.params.catalog.names[k], ap.act[0, k])
