import pathlib
p=pathlib.Path("src/escalade/scenario/schema.py"); s=p.read_text()
def rep(a,b,count=1):
    global s
    assert a in s, a[:80]
    s=s.replace(a,b,count)
rep('''    value: NonNegative = Field(description="Value to the receiver, utility")''','''    value: NonNegative = Field(
        description="Value to the receiver as a share of what a regional war would cost it "
        "(M10: 1 = worth as much as the war it risks; 0.1 = a tenth of it)"
    )''')
rep('''        default=0, description="Day the inducement is offered (at stake from then on)"
    )
''','''        default=0, description="Day the inducement is offered (at stake from then on)"
    )
    hold_days: Annotated[int, Field(ge=1, le=3650)] | None = Field(
        default=None,
        description="Conditional offer: delivered (and no longer at stake) if the receiver holds "
        "off striking above the rung for this many days; null: at stake to the horizon",
    )
''')
rep('''    control: Probability = Field(
        default=0.5, description="For a proxy: the patron's degree of control, 0 to 1 (M5)"''','''    reputation: Probability | None = Field(
        default=None,
        description="M14: the prior others hold that this actor is resolute (null: "
        "model.resolve_prior)",
    )
    control: Probability = Field(
        default=0.5, description="For a proxy: the patron's degree of control, 0 to 1 (M5)"''')
rep('''    intercepted: Probability = Field(
        default=0.0, description="Share of the blow stopped by the target's defences (M6)"
    )
    text: str = Field(default="", description="The words, for narratives and reports")


class ModelParameters(Model):''','''    intercepted: Probability = Field(
        default=0.0, description="Share of the blow stopped by the target's defences (M6)"
    )
    acknowledged: bool | None = Field(
        default=None,
        description="Whether the striker owned the blow (M11; null: the action's `overt`); an "
        "unacknowledged blow by a state can be played down by its victim",
    )
    text: str = Field(default="", description="The words, for narratives and reports")


class ModelParameters(Model):''')
a=s.index("    forewarning_signal_discount: Probability = Field(")
b=s.index("    min_answer_lag_days:")
s=s[:a]+'''    unacknowledged_signal_discount: Probability = Field(
        default=0.4,
        description="M2/M11: share of an answer's credibility lost when a state does not own it",
    )
    unacknowledged_risk_discount: Probability = Field(
        default=0.5,
        description="M2/M11: share of counter-escalation risk avoided by not owning a blow (its "
        "victim can play it down)",
    )
'''+s[b:]
rep('''    discharge: NonNegative = Field(
        default=1.0, description="M1: grievance discharged per rung of the answer"
    )''','''    discharge: NonNegative = Field(
        default=1.0, description="M1: grievance discharged per rung of an answer short of settling"
    )
    settle_ratio: NonNegative = Field(
        default=1.0,
        description="M1: an attack at least this share of the felt rung of the blow received "
        "settles the account (the grievance against that striker is closed)",
    )
    answered_weight: Probability = Field(
        default=0.25,
        description="M1: share of an answer's weight felt by the side that struck first when the "
        "answer is no bigger than its own blow (a proportionate answer was expected)",
    )''')
rep('''    interception_signal_loss: Probability = Field(
        default=0.3, description="M14: share of a salvo's signal value lost if all is intercepted"
    )''','''    resolve_prior: Probability = Field(
        default=0.5,
        description="M14: prior that an adversary is resolute (answers blows, escalates if "
        "pressed) rather than yielding, unless the adversary sets `reputation`",
    )
    belief_signal: NonNegative = Field(
        default=3.0,
        description="M14: log likelihood ratio, resolute vs yielding, per ladder-length of felt "
        "rung above belief_pivot_rung (costly signals)",
    )
    belief_pivot_rung: NonNegative = Field(
        default=5.0,
        description="M14: felt rung of a blow that is as likely from either type (bigger blows "
        "point to resolve, smaller ones to restraint)",
    )
    belief_talk: NonNegative = Field(
        default=0.05,
        description="M14: log likelihood ratio per rung of talk (cheap talk moves beliefs "
        "little); a declared end counts -belief_talk",
    )
    yielding_risk: Probability = Field(
        default=0.4,
        description="M14: counter-escalation risk expected from a yielding adversary, as a share "
        "of a resolute one's",
    )''')
rep('''    war_rung: RungLevel = Field(default=11, description="M12: rung of sustained war")''','''    war_rung: RungLevel = Field(default=11, description="M12: rung of sustained war")
    war_weariness: NonNegative = Field(
        default=0.05,
        description="M12: growth of the cost of war per day at war (stocks, casualties, stakes at "
        "risk): war costs x (1 + war_weariness x days at war)",
    )
    war_mediation_rate: Probability = Field(
        default=0.02,
        description="M13: daily chance a mediator brokers a cease-fire in a war, times (1 + "
        "war_weariness x days at war)",
    )''')
p.write_text(s)
