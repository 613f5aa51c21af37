"""Event patterns, read like the coding rules they are: one sentence in, the events out."""

from __future__ import annotations

import pytest

from escalade.ingest.events import Event


def triples(events: list[Event]) -> list[tuple[str | None, str | None, str]]:
    return [(e.actor, e.target, e.kind) for e in events]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # blows, placed on the ladder by who struck whom and how
        ("Iran launched more than 300 drones and missiles at Israel late on Saturday.",
         [("IRN", "ISR", "large_salvo")]),
        ("Israel carried out a limited strike on Iran early on Friday.",
         [("ISR", "IRN", "symbolic_strike")]),
        ("Hamas political leader Ismail Haniyeh was killed in an Israeli strike in Tehran.",
         [("ISR", "HAM", "targeted_killing_abroad")]),
        ("The United States on Friday struck more than 85 targets in Iraq and Syria linked to "
         "Iran's Quds Force and the militias it backs.", [("USA", "IRN", "strike_proxy_assets")]),
        ("Hezbollah fired more than 200 rockets at northern Israel on Sunday.",
         [("HEZ", "ISR", "proxy_attack")]),
        ("Israeli jets struck the Natanz enrichment facility and oil refineries in Iran.",
         [("ISR", "IRN", "strategic_strikes")]),
        ("Jordan shot down Iranian drones over its territory.", [("JOR", "IRN", "intercept")]),
        # statements and messages
        ("Supreme Leader Ali Khamenei said Israel must be punished.",
         [("IRN", "ISR", "threaten")]),
        ("President Joe Biden told Netanyahu that the United States would not take part in any "
         "offensive against Iran.", [("USA", "ISR", "restraint")]),
        ("Russia urged Iran to show restraint.", [("RUS", "IRN", "restraint")]),
        ("Biden reaffirmed the ironclad commitment of the United States to Israel's security.",
         [("USA", "ISR", "backing")]),
        ("Iran passed a message to Washington through Oman.", [("IRN", "USA", "message")]),
        ("Iraqi Prime Minister Adel Abdul-Mahdi said he had received a verbal message from Tehran.",
         [("IRN", "IRQ", "message")]),
        ("Israel Katz said that if Iran attacks from its territory, Israel will respond in Iran.",
         [("ISR", "IRN", "red_line")]),
        ("The Treasury imposed new sanctions on Iran's drone makers.",
         [("USA", "IRN", "sanctions")]),
        ("The Pentagon ordered a carrier strike group to the region to defend Israel.",
         [("USA", "ISR", "defensive_deployment")]),
        ("Egypt demanded that Israel stop the offensive.", [("EGY", "ISR", "demand")]),
        # roles by position: the accused is the striker, not the accuser
        ("Iran accused Israel of sabotaging the Fordow enrichment plant on Sunday.",
         [("ISR", "IRN", "covert_sabotage")]),
        # a leader of the dictionary killed is a targeted killing, whatever his title
        ("An American drone killed Qassem Soleimani near Baghdad airport.",
         [("USA", "IRN", "targeted_killing_abroad")]),
        # "said X would ..." makes X the subject of the clause, not the speaker
        ('Netanyahu said Hezbollah "will pay a heavy price".', [("ISR", "HEZ", "threaten")]),
        # urging to stop is restraint, even with a verb of ending in it
        ("Oman urged Iran to stand down.", [("OMN", "IRN", "restraint")]),
        ("The European Union called on Azerbaijan to halt its offensive.",
         [("EU", "AZE", "restraint")]),
        # a threat with a condition is a red line, whatever the verb of saying
        ("Pakistan warned that if India struck again, it would answer in kind.",
         [("PAK", "IND", "red_line")]),
        # reported speech: "will" becomes "would"
        ("Israel's defence minister said Iran would pay a heavy price.",
         [("ISR", "IRN", "threaten")]),
        # an aside between commas is not the subject
        ("The Islamic Resistance in Iraq, a coalition that includes Kataib Hezbollah, fired two "
         "drones at U.S. forces.", [("IRQ_MILITIA", "USA", "proxy_attack")]),
    ],
)  # fmt: skip
def test_sentence_to_events(read, sentence: str, expected: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    assert triples(read(sentence)) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Iran vowed to strike Israel if it retaliated.",  # a threat to strike is not a strike
        "Iran condemned the strikes as a violation of Yemen's sovereignty.",  # named, not told
        "Israel did not claim responsibility for the killing.",
        "Analysts expect a wider war in the coming months.",
    ],
)
def test_no_blow_is_read_where_none_is_reported(read, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert all(e.rung is None or e.rung < 3 for e in read(sentence)), triples(read(sentence))


def test_a_threat_to_strike_is_a_red_line_not_a_strike(read) -> None:  # type: ignore[no-untyped-def]
    assert triples(read("Iran vowed to strike Israel if it retaliated.")) == [
        ("IRN", "ISR", "red_line")
    ]


def test_fields_of_a_blow(read) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Iran launched 170 drones, 30 cruise missiles and 120 ballistic missiles at Israel late "
        "on Saturday, the Israeli military said."
    )
    (ev,) = read(text, date="2024-04-14")
    assert ev.date == "2024-04-13" and ev.date_text.lower() == "late on saturday"
    assert [(q["count"], q["unit"]) for q in ev.quantities] == [
        (170, "drone"),
        (30, "cruise_missile"),
        (120, "ballistic_missile"),
    ]
    assert ev.rung == 8 and ev.ladder
    assert ev.speaker == "Israeli military" and ev.speaker_actor == "ISR"
    assert ev.evidence == text and (ev.start, ev.end) == (0, len(text))


def test_casualties_and_place(read) -> None:  # type: ignore[no-untyped-def]
    (ev,) = read(
        "A drone launched by Iran-backed militias hit Tower 22 in Jordan on Sunday, killing "
        "three U.S. soldiers and wounding more than 40."
    )
    assert (ev.actor, ev.target, ev.kind) == ("IRQ_MILITIA", "USA", "proxy_attack")
    assert ev.casualties == {"killed": 3, "injured": 40}
    assert ev.place == "Tower 22" and ev.date == "2024-04-14"


def test_coordinated_subjects_name_the_first(read) -> None:  # type: ignore[no-untyped-def]
    ev = read("The United States and Britain imposed new sanctions on Iran on Thursday.")
    assert triples(ev) == [("USA", "IRN", "sanctions")]


def test_two_statements_in_one_sentence(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "Iran's mission to the United Nations said the matter can be deemed concluded, but "
        "warned that Israel would face a severe response if it retaliated."
    )
    assert [e.kind for e in events] == ["declare_concluded", "red_line"]
    assert events[1].target == "ISR"


def test_the_same_event_told_twice_is_one_event(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "Israel struck an air-defence radar near Isfahan on Friday.\n\n"
        "Israel struck the S-300 radar with three missiles, officials said."
    )
    assert len(events) == 1
    assert events[0].mentions == 2 and len(events[0].also_at) == 1
    assert events[0].quantities[0]["count"] == 3


def test_headline_is_not_an_event(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "Israel strikes Iran\n\nIsrael carried out a limited strike on Iran early on Friday."
    )
    assert len(events) == 1 and events[0].evidence.startswith("Israel carried out")


def test_evidence_offsets_point_into_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from escalade.ingest.pipeline import ingest_paths

    text = (
        "Home | World | News\nSubscribe to our newsletter\n\nRockets at dawn\n"
        "Published: 6 August 2024\n\n"
        "Two rockets struck Ain al-Asad air base on Monday, injuring U.S. troops.\n"
        "Kataib Hezbollah fired drones at U.S. forces in Syria on Tuesday, officials said.\n"
    )
    f = tmp_path / "a.txt"
    f.write_text(text)
    report = ingest_paths([f])
    assert report.events
    for ev in report.events:
        assert text[ev.start : ev.end].strip() == ev.evidence.strip()


# ---- what the rest of the article tells ---------------------------------------------------------
def test_the_group_and_he_refer_back(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "The Houthis claimed an attack on a tanker on Monday.\n\n"
        "A spokesman said the group had fired two missiles at Israel.\n\n"
        "Benjamin Netanyahu spoke on Tuesday. He said Israel would respond."
    )
    assert ("HOU", "ISR", "proxy_attack") in triples(events)
    assert ("ISR", "HOU", "threaten") in triples(events)


def test_a_passive_victim_is_not_the_striker(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "Two U.S. soldiers were killed in a drone attack on a base in Syria.\n\n"
        "Kataib Hezbollah claimed the attack."
    )
    assert triples(events) == [("KH", "USA", "proxy_attack")]


def test_the_article_fills_a_missing_target(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "Israeli jets struck Hezbollah positions in southern Lebanon on Monday.\n\n"
        "Israeli aircraft also pounded the southern suburbs of Beirut.\n\n"
        "Hezbollah vowed to respond."
    )
    assert triples(events) == [
        ("ISR", "HEZ", "strike_proxy_assets"),  # Beirut is Lebanon's, the blow Hezbollah's
        ("HEZ", "ISR", "threaten"),  # the opponent of the article
    ]


def test_a_death_toll_told_apart_joins_its_blow(read) -> None:  # type: ignore[no-untyped-def]
    (ev,) = read(
        "Israel struck military sites in Iran on Saturday.\n\n"
        "Four Iranian soldiers were killed, the army said."
    )
    assert (ev.actor, ev.target, ev.kind) == ("ISR", "IRN", "symbolic_strike")
    assert ev.casualties == {"killed": 4} and ev.mentions == 2


def test_support_and_proposals(read) -> None:  # type: ignore[no-untyped-def]
    assert triples(read("Turkey said it supported Azerbaijan's right to defend itself.")) == [
        ("TUR", "AZE", "backing")
    ]
    assert triples(read("Qatar proposed a cease-fire to Israel and Hamas.")) == [
        ("QAT", "ISR", "inducement")
    ]


# ---- rules added from the third round of development articles ---------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a threat with its condition is a red line, whatever the threat's wording
        ("Egypt warned Ethiopia that it would face consequences if it filled the dam.",
         [("EGY", None, "red_line")]),
        ("Kyiv said it would give a fitting reply if Moscow attacked.",
         [("UKR", "RUS", "red_line")]),
        ("Tehran said it would answer firmly any attack on its ships.",
         [("IRN", None, "red_line")]),
        # self-restraint, readiness, "would act": kinds of statement in other words
        ("Qatar said it was not seeking a confrontation with anyone.",
         [("QAT", None, "restraint")]),
        ("Pakistan said its forces were ready to respond to India.",
         [("PAK", "IND", "threaten")]),
        ("France said it stood with Jordan.", [("FRA", "JOR", "backing")]),
        ("Saudi Arabia said it would cut diplomatic ties with Iran.",
         [("SAU", "IRN", "sanctions")]),
        # a call on every side names no target
        ("Germany urged both sides to step back.", [("DEU", None, "restraint")]),
        # "defend itself" is no backing
        ("Turkey said it would defend its borders.", []),
        # sixth round: threats in idioms of retribution
        ("Pakistan's army chief said Pakistan would settle the score with India.",
         [("PAK", "IND", "threaten")]),
        ("Russia said it would teach Ukraine a lesson it would not forget.",
         [("RUS", "UKR", "threaten")]),
        ("Hezbollah promised Israel a reckoning.", [("HEZ", "ISR", "threaten")]),
        ('"Nowhere is out of reach," an Israeli minister said of the Houthis.',
         [("ISR", "HOU", "threaten")]),
        ("Tehran said Washington would bear responsibility for the consequences.",
         [("IRN", "USA", "threaten")]),
        # a conditional without "if" is a red line
        ("Azerbaijan said it would crush anyone who attacked its positions.",
         [("AZE", None, "red_line")]),
        ("North Korea said whoever dared to violate its waters would be destroyed.",
         [("PRK", None, "red_line")]),
        ("Russia warned that any NATO jet flying near its borders would be shot down.",
         [("RUS", None, "red_line")]),
        ("Beijing warned Taipei that further provocations would lead to war.",
         [("CHN", "TWN", "red_line")]),
        # "X said Y would ...": X threatens Y
        ("A senior Hamas official said Israel would soon realise its grave mistake.",
         [("HAM", "ISR", "threaten")]),
        # other cue families
        ("Washington backed its ally and said it would help Seoul strengthen its defences.",
         [("USA", "KOR", "backing")]),
        ("Britain said it remained committed to Jordan's security.",
         [("GBR", "JOR", "backing")]),
        ("Saudi Arabia said it remained committed to the truce with the Houthis.",
         [("SAU", "HOU", "restraint")]),
        ("Iran said it was entitled and obliged to defend itself against Israel.",
         [("IRN", "ISR", "threaten")]),
        ("Seoul said it would take corresponding measures against Pyongyang.",
         [("KOR", "PRK", "threaten")]),
        ("Pakistan gave Indian diplomats 48 hours to leave.", [("PAK", "IND", "demand")]),
        ("Israel mobilised 300,000 reservists against Hamas.", [("ISR", "HAM", "threaten")]),
        ("Biden declared Operation Rough Rider a success against the Houthis.",
         [("USA", "HOU", "declare_concluded")]),
        ("Austin spoke by phone with his Israeli counterpart.", [("USA", "ISR", "message")]),
        # a threat against whoever might act is conditional
        ("Iran said it would sink any warship that threatened its tankers.",
         [("IRN", None, "red_line")]),
        # an act in a condition is none
        ("Iran said it would release the tanker if Britain lifted its blockade of Syria.", []),
        # eighth round: threats against a hypothetical act, and conditions without "if"
        ("Russia warned that supplying tanks to Kyiv would be met with a harsh reaction.",
         [("RUS", "UKR", "red_line")]),
        ("India said its army would foil any attempt to change the border.",
         [("IND", None, "red_line")]),
        ("North Korea said it would fire at any leaflet balloons launched by the South.",
         [("PRK", None, "red_line")]),
        ("Seoul said any nuclear attack by the North would end its regime.",
         [("KOR", None, "red_line")]),
        ("Moscow said that if attempts to carry out terrorist attacks on its territory "
         "continue, its responses will be tough.", [("RUS", None, "red_line")]),
        ("Iran told the United States that it would not be spared if the war in Gaza went on.",
         [("IRN", "USA", "red_line")]),
        ("Israel said in an all-out war Hezbollah would be wiped out.",
         [("ISR", "HEZ", "red_line")]),
        ("Pyongyang said American spy planes that entered its waters would be shot down.",
         [("PRK", "USA", "red_line")]),
        # threats worded unlike a warning
        ("China said it would step up patrols near Taiwan.", [("CHN", "TWN", "threaten")]),
        ("Beijing said it would firmly safeguard its sovereignty against India.",
         [("CHN", "IND", "threaten")]),
        ("Iran said Israel would receive a response at the right time.",
         [("IRN", "ISR", "threaten")]),
        ("Taiwan said it would defend its democracy against China.",
         [("TWN", "CHN", "threaten")]),
        # urging to keep the peace is restraint, not a demand
        ("China urged India to strictly control its troops on the border.",
         [("CHN", "IND", "restraint")]),
        ("Washington urged Ankara to keep its channels with Israel open.",
         [("USA", "TUR", "restraint")]),
        ("The UN called on Beijing to share the burden of maintaining peace.",
         [("UN", "CHN", "restraint")]),
        # arms supplies, conditions, inducements and sanctions in other words
        ("Britain said it would give Ukraine 150 million pounds for drones.",
         [("GBR", "UKR", "arms_supply")]),
        ("Moscow delivered electronic warfare equipment to Iran.",
         [("RUS", "IRN", "arms_supply")]),
        ("Germany said the Patriot systems promised to Ukraine would arrive soon.",
         [("DEU", "UKR", "arms_supply")]),
        ("Russia said it would rejoin the deal as soon as its demands on exports were met.",
         [("RUS", None, "condition")]),
        ("Washington told Israel it would share intelligence.", [("USA", "ISR", "inducement")]),
        ("Pakistan said it would free the Indian pilot as a gesture of peace.",
         [("PAK", None, "inducement")]),
        ("Washington held back a shipment of bombs bound for Israel.",
         [("USA", "ISR", "sanctions")]),
        ("Russia let the grain deal lapse on Monday, Ukraine said.",
         [("RUS", "UKR", "sanctions")]),
        ("Seoul suspended the military agreement with Pyongyang.",
         [("KOR", "PRK", "sanctions")]),
        ("North Korea cut every hotline with South Korea.", [("PRK", "KOR", "sanctions")]),
        # backing, demands, messages, deployments and restraint in other words
        ("Washington said it backed Seoul's measures fully.", [("USA", "KOR", "backing")]),
        ("The Pentagon said it supported Iraqi sovereignty.", [("USA", "IRQ", "backing")]),
        ("Washington said Turkey remained a valued NATO ally.", [("USA", "TUR", "backing")]),
        ("Washington said the visit showed its commitment to defend South Korea.",
         [("USA", "KOR", "backing")]),
        ("China, a close partner of Pakistan, offered to mediate.",
         [("CHN", None, "inducement")]),
        ("India said Pakistan must pull its forces back.", [("IND", "PAK", "demand")]),
        ("Washington told Baghdad of the strike shortly before it began.",
         [("USA", "IRQ", "message")]),
        ("The Pentagon used the deconfliction line to warn Moscow.",
         [("USA", "RUS", "message")]),
        ("Washington told Beijing through every channel it has that its policy had not changed.",
         [("USA", "CHN", "message")]),
        ("Taipei sent four coast guard vessels to the area.",
         [("TWN", None, "defensive_deployment")]),
        ("Washington said it did not want to see the conflict spread.",
         [("USA", None, "restraint")]),
        ("Washington encouraged both sides to use existing channels.",
         [("USA", None, "restraint")]),
        # shows of force and threats told as acts
        ("On Sunday the Chinese coast guard sailed into restricted waters around Taiwan's "
         "islands.", [("CHN", "TWN", "threaten")]),
        ("Iranian boats swarmed two American warships in the Gulf.",
         [("IRN", "USA", "threaten")]),
        ("China surrounded Taiwan with warships and aircraft on Thursday.",
         [("CHN", "TWN", "threaten")]),
        ("Hezbollah said its fighters would remain on the trigger against Israel.",
         [("HEZ", "ISR", "threaten")]),
        ("Israel's military said it had approved plans for an offensive against Hezbollah.",
         [("ISR", "HEZ", "threaten")]),
        ("Israel said it would resume the war against Hamas after the pause.",
         [("ISR", "HAM", "threaten")]),
        ("Iran said it would no longer observe any limits on its enrichment, defying the "
         "United States.", [("IRN", "USA", "threaten")]),
        ("Israel said it was prepared to significantly expand the operation against Hamas.",
         [("ISR", "HAM", "threaten")]),
        ("The Houthis advised foreign companies to leave the Emirates.",
         [("HOU", "ARE", "threaten")]),
        ("Kataib Hezbollah told Iraqi troops to stay a kilometre away from American bases.",
         [("KH", "IRQ", "threaten")]),
    ],
)  # fmt: skip
def test_statement_wordings(read, sentence: str, expected: list[tuple[str, str, str]]) -> None:  # type: ignore[no-untyped-def]
    assert triples(read(sentence)) == expected


def test_two_blows_in_one_sentence(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "Hezbollah fired rockets at an Israeli post on Monday, and Israel hit back with "
        "air strikes on Hezbollah positions."
    )
    assert triples(events) == [
        ("HEZ", "ISR", "proxy_attack"),
        ("ISR", "HEZ", "strike_proxy_assets"),
    ]


def test_a_blow_told_after_a_statement_in_a_clause_of_its_own(read) -> None:  # type: ignore[no-untyped-def]
    told = read("Washington vowed to respond to the drone attack by Iran-backed militias that "
                "killed two American soldiers.")  # fmt: skip
    assert ("IRQ_MILITIA", "USA", "proxy_attack") in triples(told)
    threat = read("Iran warned that Israel would strike again if it was provoked.")
    assert all(e.rung is None or e.rung < 3 for e in threat)


def test_a_blow_where_it_fell_waits_for_its_claim(read) -> None:  # type: ignore[no-untyped-def]
    claimed = read(
        "Rockets struck a hotel in Erbil on Monday.\n\n"
        "The Iraqi government accused Turkey of the attack."
    )
    assert ("TUR", "IRQ", "symbolic_strike") in triples(claimed)
    assert read("Rockets struck a hotel in Erbil on Monday.") == []  # no striker, no claim


def test_a_wire_dateline_names_no_actor(read) -> None:  # type: ignore[no-untyped-def]
    events = read("BAGHDAD, Iraq, May 2, 2024 (Wire) — Hezbollah fired two rockets at Israel.")
    assert triples(events) == [("HEZ", "ISR", "proxy_attack")]


def test_its_forces_and_denials(read) -> None:  # type: ignore[no-untyped-def]
    events = read("Azerbaijan blamed Armenia.\n\nIts forces shelled Azerbaijan's towns in October.")
    assert ("ARM", "AZE", "symbolic_strike") in triples(events)
    assert read("Iran said it was not involved in the Hamas attack on Israel.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a hyphenated patron is a modifier, not the target
        (
            "U.S. jets bombed five facilities of the Iran-backed Kataib Hezbollah militia in Iraq.",
            ("USA", "KH", "strike_proxy_assets"),
        ),
        # "fired by X" names the launcher, not the sentence's speaker
        (
            "A rocket struck a football pitch in Majdal Shams, killing twelve children.\n\n"
            "Israel said it was a Falaq-1 fired by Hezbollah.",
            ("HEZ", "ISR", "proxy_attack"),
        ),
        # "blaming X" names the striker of a blow told without one
        (
            "Rockets hit the base on Friday, wounding four U.S. soldiers, the Pentagon said, "
            "blaming Kataib Hezbollah.",
            ("KH", "USA", "proxy_attack"),
        ),
        # an interception's launcher named after the trigger
        ("U.S. ships shot down 18 drones fired by the Houthis.", ("USA", "HOU", "intercept")),
        # an aircraft downed, the interceptor unnamed: its owner's opponent
        (
            "Pakistani jets struck near Indian military installations.\n\n"
            "An Indian MiG-21 was shot down over Kashmir.",
            ("PAK", "IND", "intercept"),
        ),
        # the mediator of a cease-fire is its actor
        (
            "The Karabakh authorities agreed to a Russian-mediated ceasefire.",
            ("RUS", None, "ceasefire"),
        ),
        # a passive "had been informed" names the recipient
        (
            "Araghchi said Washington had been informed through the Swiss embassy.",
            ("IRN", "USA", "message"),
        ),
        # missiles fired into the sea: a show of force
        (
            "North Korea fired 200 artillery rounds into the sea near South Korea's islands.",
            ("PRK", "KOR", "threaten"),
        ),
        # "consequences for X" names the threatened
        (
            "Sullivan said the United States would work with Israel to make sure there were severe "
            "consequences for Iran.",
            ("USA", "IRN", "threaten"),
        ),
        # "him" is the last person named, not the sentence's opener
        (
            "Antony Blinken phoned Ilham Aliyev and urged him to cease hostilities.",
            ("USA", "AZE", "restraint"),
        ),
        # a call on all parties is addressed to no one, whoever hears it
        (
            "Wang Yi told the UN General Assembly that all parties should exercise restraint.",
            ("CHN", None, "restraint"),
        ),
        # a blow told without its striker takes the actor a later sentence blames
        (
            "On 11 April an explosion knocked out the power supply at Natanz.\n\n"
            "Iranian officials called it nuclear terrorism and blamed Israel.",
            ("ISR", "IRN", "covert_sabotage"),
        ),
        # the first of two coordinated speakers speaks
        (
            "Britain and France said they would offer to pay for more inspectors.",
            ("GBR", None, "inducement"),
        ),
        # "resumed its bombardment" tells a new round, not an earlier one
        (
            "Hamas fired rockets at Israel.\n\nIsrael resumed its bombardment of Gaza on Friday.",
            ("ISR", "HAM", "strike_proxy_assets"),
        ),
        # "flew from Texas to strike": sent to strike, a blow
        (
            "U.S. B-1 bombers flew from Texas to strike 85 targets used by Kataib Hezbollah.",
            ("USA", "KH", "strike_proxy_assets"),
        ),
        # "gave Seoul an ultimatum ... or face": Seoul is the object, and "or face" a condition
        (
            "Kim Jong Un gave Seoul a 48-hour ultimatum to switch off the loudspeakers or face "
            "military action.",
            ("PRK", "KOR", "red_line"),
        ),
        # "any X that harass ...": a red line
        (
            "Trump said he had told the U.S. Navy to destroy any Iranian gunboats that harass "
            "American ships.",
            ("USA", "IRN", "red_line"),
        ),
        (
            "India had taken up the matter with Beijing through diplomatic channels.",
            ("IND", "CHN", "message"),
        ),
        (
            "Austin said the United States did not seek to escalate the conflict.",
            ("USA", None, "restraint"),
        ),
        # air defences that destroyed missiles intercepted them
        (
            "Russia fired 122 missiles at Ukraine.\n\nUkraine's air defences destroyed 87 of the "
            "missiles.",
            ("UKR", "RUS", "intercept"),
        ),
        (
            "The Revolutionary Guards said Israel would soon be made to pay.",
            ("IRN", "ISR", "threaten"),
        ),
        ("Turkey suspended all exports to Israel on Thursday.", ("TUR", "ISR", "sanctions")),
        # missiles sent to another state are a supply, air defence systems a deployment
        (
            "Britain said it would send about 200 air defence missiles to Ukraine.",
            ("GBR", "UKR", "arms_supply"),
        ),
        # a threat until the other side stops is a condition; until it is destroyed, a threat
        (
            "Netanyahu vowed that the war against Hamas would continue until Hamas was destroyed.",
            ("ISR", "HAM", "threaten"),
        ),
    ],
)
def test_roles_from_the_words_around(read, text: str, expected: tuple) -> None:  # type: ignore[no-untyped-def]
    assert expected in triples(read(text))


def test_negations_and_missions_are_no_events(read) -> None:  # type: ignore[no-untyped-def]
    pause = read("Pence said the United States would not impose further sanctions on Turkey.")
    assert "sanctions" not in [e.kind for e in pause]
    mission = read("The European Union launched Operation Aspides, a defensive mission to "
                   "protect merchant vessels, with frigates from France and Germany.")  # fmt: skip
    assert [e.kind for e in mission] == ["defensive_deployment"]


def test_two_officials_threats_are_two_events(read) -> None:  # type: ignore[no-untyped-def]
    events = read(
        "An Israeli strike killed seven Iranian officers in Damascus.\n\n"
        "Khamenei said Israel would be punished. Raisi said the crime would not go unanswered."
    )
    assert triples(events).count(("IRN", "ISR", "threaten")) == 2


# ---- rules added in the sixth round (their wordings are in test_statement_wordings) ------
def test_each_statement_has_its_own_speaker(read) -> None:  # type: ignore[no-untyped-def]
    (first, second) = read(
        "Khamenei said Israel would be punished, and President Masoud Pezeshkian said the crime "
        "would not go unanswered."
    )
    assert (first.speaker, second.speaker) == ("Khamenei", "Masoud Pezeshkian")


def test_the_north_and_the_south(read) -> None:  # type: ignore[no-untyped-def]
    events = read("North Korea warned South Korea on Monday.\n\nThe North fired artillery shells "
                  "at the South's border islands. The South China Sea stayed calm.")  # fmt: skip
    assert ("PRK", "KOR", "symbolic_strike") in triples(events)


def test_a_blow_that_another_answers(read) -> None:  # type: ignore[no-untyped-def]
    told = read("American jets struck Kataib Hezbollah in western Iraq on Sunday in response to "
                "a rocket attack that killed an American contractor on Friday.")  # fmt: skip
    assert triples(told) == [("USA", "KH", "strike_proxy_assets"), ("KH", "USA", "proxy_attack")]
    assert told[1].date == "2024-04-12"  # its own "on Friday", not the Sunday of the first


def test_replies_told_with_their_munitions_and_launches_that_are_no_blows(read) -> None:  # type: ignore[no-untyped-def]
    assert triples(read("Israel shelled Gaza, and Hamas answered with 200 rockets.")) == [
        ("ISR", "HAM", "strike_proxy_assets"),
        ("HAM", "ISR", "proxy_attack"),
    ]
    assert read("Iran said it answered with words rather than missiles.") == []
    assert read("Iran launched a military satellite on Tuesday.") == []
    told = read("The Houthis said that they had launched missiles at Israel.")
    assert triples(told) == [("HOU", "ISR", "proxy_attack")]


def test_an_envoy_speaks_for_the_state_that_sent_him(read) -> None:  # type: ignore[no-untyped-def]
    said = read("Iran's envoy to the United Nations said Tehran reserved its right to respond.")
    assert [e.actor for e in said] == ["IRN"]


def test_a_merchant_ship_is_no_opponent(read) -> None:  # type: ignore[no-untyped-def]
    events = read("The United States struck Houthi radar sites in Yemen.\n\n"
                  "A Houthi missile struck the Liberian-flagged bulk carrier Tutor.")  # fmt: skip
    assert ("HOU", None, "proxy_attack") in triples(events)


# ---- rules added in the eighth round (their wordings are in test_statement_wordings) ------
def test_a_boarding_is_sabotage_and_a_show_of_force_is_a_threat(read) -> None:  # type: ignore[no-untyped-def]
    boarded = read("British commandos boarded an Iranian tanker off Gibraltar on Thursday.")
    assert triples(boarded) == [("GBR", "IRN", "covert_sabotage")]
    shots = read("Seoul's army fired warning shots at North Korean soldiers.")
    assert triples(shots) == [("KOR", "PRK", "threaten")]
    drones = read("Five North Korean drones crossed into South Korean airspace on Monday.")
    assert triples(drones) == [("PRK", "KOR", "threaten")]


def test_a_theater_command_speaks_for_china(read) -> None:  # type: ignore[no-untyped-def]
    told = read("The Western Theater Command said it would firmly safeguard the border against "
                "India.")  # fmt: skip
    assert triples(told) == [("CHN", "IND", "threaten")]
