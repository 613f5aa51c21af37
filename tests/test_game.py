"""A game (escalade.game): people decide for some actors of a replayed run, the model for the
rest; a game is re-simulated from its decisions, so saving, loading and resuming it tells the
same story as playing it straight through."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from escalade.game import Game, GameError, Turn, briefing, is_game_file
from escalade.narrative import closing, narrative
from escalade.simulation import run_batch

EVERY_DAY = ["model.decision_rate=1"]
"""The played actor convenes every day it holds a grievance (more decisions to test)."""


def new(players: list[str] | None = None, days: int = 12, **kw: object) -> Game:
    return Game.new(
        "april-2024",
        players or ["IRN"],
        seed=1,
        days=days,
        sets=EVERY_DAY,
        **kw,  # type: ignore[arg-type]
    )


def strategy(turn: Turn) -> int:
    """A fixed way to play: the third option (threaten, after wait and declare concluded),
    telegraphed-free and small, so the crisis lasts and asks often."""
    return min(2, len(turn.options) - 1)


def play_through(game: Game, save_to: Path | None = None) -> Game:
    while (turn := game.pending()) is not None:
        game.choose(turn.actor, strategy(turn))
        if save_to is not None:  # save, then go on from the file alone
            game.save(save_to)
            game = Game.load(save_to)
    return game


def test_a_game_runs_to_its_end_and_tells_its_story() -> None:
    game = play_through(new())
    assert game.finished and game.pending() is None
    story = game.story()
    assert story[0].startswith("Day 0 (2024-04-02): Israel: targeted killing abroad")
    assert story[-1].startswith("After the trigger: highest rung")
    assert "Islamic Republic of Iran: threaten against Israel (rung 1)." in " ".join(story)
    assert game.outcome()["first_actor"] == "IRN"


def test_saving_and_resuming_after_every_decision_tells_the_same_story(tmp_path: Path) -> None:
    straight = play_through(new())
    resumed = play_through(new(), save_to=tmp_path / "game.json")
    assert len(resumed.decisions) == len(straight.decisions) > 3
    assert resumed.story() == straight.story()
    assert resumed.outcome() == straight.outcome()


def test_to_dict_and_from_dict_round_trip_through_json() -> None:
    game = new()
    game.choose("IRN", 2)
    again = Game.from_dict(json.loads(json.dumps(game.to_dict())))
    assert again.to_dict() == game.to_dict()
    assert again.pending() == game.pending()


def test_the_first_turn_shows_the_trigger_what_the_actor_knows_and_its_options() -> None:
    turn = new().pending()
    assert turn is not None and turn.actor == "IRN" and turn.day == 0
    assert str(turn.date) == "2024-04-02"
    assert "targeted killing abroad against Islamic Republic of Iran" in turn.briefing[0]
    assert "7 of yours killed" in turn.briefing[-1]
    k = turn.knows
    assert k["target"] == "ISR" and k["received_rung"] == 6 and k["grievance"] > 0
    assert set(k["resolve_beliefs"]) >= {"ISR", "USA"}  # beliefs, not the true resolve
    assert k["arsenal"]["emad"] > 0 and k["defences"][0]["interceptors"] > 0
    # The consulate strike (rung 6) crossed Iran's line "attacking our consulate is attacking
    # our soil" (Israel at rung >= 6 commits Iran to rung 7, audience cost 1.5, M8).
    assert k["red_lines_crossed"] == {"ISR": "answer at rung 7 or more, or pay 1.50"}
    first = turn.options[0]
    assert (first.label, first.rung, first.target) == ("wait", None, None)
    assert sum(o.advice for o in turn.options) == pytest.approx(1.0)
    salvo = next(o for o in turn.options if o.action == "large_salvo" and o.how == "")
    assert salvo.size is not None and "emad" in salvo.size and salvo.target == "ISR"
    warned = next(o for o in turn.options if o.how == "telegraphed")
    assert warned.channel == "TUR"  # Iran's channel to Israel in april-2024 runs via Turkey
    assert json.loads(json.dumps(turn.to_dict()))["date"] == "2024-04-02"


def test_the_briefing_tells_what_happened_since_the_last_decision() -> None:
    game = new()
    game.choose("IRN", 2)  # threaten on day 0
    turn = game.pending()
    assert turn is not None and turn.day > 0
    assert not any("targeted killing abroad" in line for line in turn.briefing)
    assert any("threaten against Israel" in line for line in turn.briefing)


def test_others_messages_through_a_channel_stay_private_and_public_ones_are_told() -> None:
    game = new(days=3)
    events = game._state().events  # the trigger, as a row to copy
    row = events.to_pylist()[0]
    message = {**row, "kind": "warning", "action": "symbolic_strike", "warning_days": 2}
    rows = [
        {**message, "actor": "USA", "target": "ISR"},  # a direct USA-ISR channel: private
        {**message, "actor": "ISR", "target": "HEZ"},  # no ISR-HEZ channel: public
        {**message, "actor": "ISR", "target": "IRN", "channel": "TUR"},  # to IRN itself
    ]
    table = events.from_pylist(rows, schema=events.schema)
    told = " ".join(briefing(table, game.scenario, "IRN", 2))
    assert "United States signals" not in told
    assert "Israel signals publicly a coming symbolic strike against Hezbollah" in told
    assert "Israel signals through Turkey" in told
    assert (
        "nothing has happened so far"
        in briefing(table.slice(0, 0), game.scenario, "IRN", 0, True)[0]
    )


def test_a_player_may_choose_another_open_target() -> None:
    # Seed 1: on day 1 Israel holds grievances against Iran (its largest) and Hezbollah.
    game = new(["ISR", "IRN"], days=4)
    game.choose("IRN", game.pending().advised().index)  # type: ignore[union-attr]
    turn = game.pending()
    assert turn is not None and turn.actor == "ISR" and turn.knows["target"] == "IRN"
    hez = next(o for o in turn.options if o.target == "HEZ" and o.action == "strike_proxy_assets")
    assert hez.advice == 0.0  # the model only considers its largest grievance
    game.choose("ISR", hez.index)
    story = " ".join(game.story())
    assert "Israel: strike proxy assets with 30 munitions against Hezbollah" in story


def test_two_players_take_their_turns_in_the_order_the_crisis_asks() -> None:
    game = new(["IRN", "ISR"], days=8)
    actors = []
    while (turn := game.pending()) is not None:
        actors.append(turn.actor)
        game.choose(turn.actor, 0)
    assert set(actors) == {"IRN", "ISR"}
    assert {d.actor for d in game.decisions} == {"IRN", "ISR"}


def test_handing_over_at_once_gives_the_models_own_run() -> None:
    game = new()
    game.hand_over("IRN")
    assert game.finished
    batch = run_batch(game.scenario, 1, np.array([0]), 12, keep_events=True)
    assert batch.events is not None
    out = batch.outcomes.to_pylist()[0]
    told = narrative(batch.events, game.scenario)
    assert game.story() == [*told, closing(out, batch.events, game.scenario)]


def test_after_a_hand_over_the_model_plays_on_and_earlier_choices_stand() -> None:
    game = new()
    game.choose("IRN", 2)
    game.hand_over("IRN")
    assert game.finished
    story = game.story()  # the trigger, the red line it crosses, then the player's choice
    assert "Israel crosses Islamic Republic of Iran's red line" in story[1]
    assert story[2].startswith(
        "Day 0 (2024-04-02): Islamic Republic of Iran: threaten against Israel (rung 1)."
    )


def test_one_player_handed_over_leaves_the_other_to_play() -> None:
    game = new(["IRN", "ISR"], days=8)
    game.hand_over("IRN")
    turns = []
    while (turn := game.pending()) is not None:
        turns.append(turn.actor)
        game.choose(turn.actor, 0)
    assert turns and set(turns) == {"ISR"}


def test_misuse_is_a_clear_error() -> None:
    game = new()
    with pytest.raises(GameError, match="option 99 is not open to IRN on day 0: choose 0 to"):
        game.choose("IRN", 99)
    with pytest.raises(GameError, match=r"unknown actor 'IRNN'.*did you mean 'IRN'"):
        game.choose("IRNN", 0)
    with pytest.raises(GameError, match="ISR is not played by a person in this game"):
        game.choose("ISR", 0)
    with pytest.raises(GameError, match="the game is not finished"):
        game.outcome()
    game.hand_over("IRN")
    with pytest.raises(GameError, match="the game is finished"):
        game.choose("IRN", 0)


def test_a_player_must_decide() -> None:
    with pytest.raises(GameError, match="OMN is a mediator; it does not decide"):
        new(["OMN"])
    with pytest.raises(GameError, match="did you mean 'IRN'"):
        new(["IRNN"])
    with pytest.raises(GameError, match="at least one player"):
        Game.new("april-2024", [])


def test_a_game_of_a_scenario_file_carries_its_text(tmp_path: Path) -> None:
    from escalade.scenario.load import scenario_text

    source = tmp_path / "mine.yaml"
    source.write_text(scenario_text("april-2024"), encoding="utf-8")
    game = Game.new(source, ["IRN"], days=5, sets=EVERY_DAY)
    game.choose("IRN", 0)
    game.save(tmp_path / "g.json")
    source.unlink()  # resumable elsewhere: the file is no longer needed
    again = Game.load(tmp_path / "g.json")
    assert again.story() == game.story()
    assert again.source["text"].startswith(scenario_text("april-2024")[:40])


# Only the slower Qatar channel to the US delivers (the others lose every message), in time
# for Iran's 3 days of notice (it takes 2).
ONLY_QATAR = [
    *EVERY_DAY,
    "channels.oman_channel.fidelity=0",
    "channels.irn_usa_via_che.fidelity=0",
    "channels.irn_usa_via_qat.fidelity=1",
    "channels.irn_isr_via_tur.fidelity=0",
    "channels.irn_isr_via_omn.fidelity=0",
]


def telegraphed_salvo(channel: str | None, tmp_path: Path | None = None) -> Game:
    """Seed 1, day 0: Iran telegraphs its large salvo against Israel, its notice sent through
    ``channel`` (None: the fastest of each pair), then the model plays on."""
    game = Game.new("april-2024", ["IRN"], seed=1, days=5, sets=ONLY_QATAR)
    turn = game.pending()
    assert turn is not None
    salvo = next(o for o in turn.options if o.action == "large_salvo" and o.how == "telegraphed")
    game.choose("IRN", salvo.index, channel)
    if tmp_path is not None:  # through a saved file
        game.save(tmp_path / "g.json")
        game = Game.load(tmp_path / "g.json")
    game.hand_over("IRN")
    return game


def test_a_telegraphed_options_routes_are_the_channels_that_can_carry_its_notice() -> None:
    turn = Game.new("april-2024", ["IRN"], seed=1, days=5, sets=ONLY_QATAR).pending()
    assert turn is not None
    salvo = next(o for o in turn.options if o.action == "large_salvo" and o.how == "telegraphed")
    # Against Israel: Iran's two channels to it, and its three to the US, pledged to defend it.
    assert [(r.id, r.to, r.via) for r in salvo.routes] == [
        ("oman_channel", "USA", "OMN"),
        ("irn_usa_via_che", "USA", "CHE"),
        ("irn_usa_via_qat", "USA", "QAT"),
        ("irn_isr_via_tur", "ISR", "TUR"),
        ("irn_isr_via_omn", "ISR", "OMN"),
    ]
    qatar = salvo.routes[2]
    assert (qatar.delay_days, qatar.fidelity) == (2, 1.0)
    assert qatar.words() == "irn_usa_via_qat: to USA via QAT, 2 days, arrives 100%"
    owned = next(o for o in turn.options if o.action == "large_salvo" and o.how == "")
    assert owned.routes == ()  # an unannounced strike sends no notice


def test_a_chosen_channel_carries_the_notice_and_warns_the_defence(tmp_path: Path) -> None:
    """By default the notice goes by the fastest channels, which lose it: Israel's defence is
    not warned. Through Qatar it reaches the US in time: a warned defence intercepts more."""
    default = " ".join(telegraphed_salvo(None).story())
    qatar = " ".join(telegraphed_salvo("irn_usa_via_qat", tmp_path).story())

    def intercepted(story: str) -> int:
        salvo = story.split("large salvo with 320 munitions against Israel")[1]
        return int(salvo.split(" intercepted")[0].rsplit(" ", 1)[1])

    assert "signals through Qatar" in qatar and "signals through Qatar" not in default
    assert intercepted(qatar) > intercepted(default)
    saved_game = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert saved_game["decisions"][0]["channel"] == "irn_usa_via_qat"


def test_a_channel_that_cannot_carry_the_notice_is_refused() -> None:
    game = Game.new("april-2024", ["IRN"], seed=1, days=5, sets=ONLY_QATAR)
    turn = game.pending()
    assert turn is not None
    salvo = next(o for o in turn.options if o.action == "large_salvo" and o.how == "telegraphed")
    with pytest.raises(GameError, match="choose one of oman_channel, irn_usa_via_che"):
        game.choose("IRN", salvo.index, "irn_hez")
    with pytest.raises(GameError, match="it has no channel to choose"):
        game.choose("IRN", 0, "oman_channel")


def saved(tmp_path: Path, change: object) -> Path:
    game = new()
    game.choose("IRN", 2)
    data = game.to_dict()
    change(data)  # type: ignore[operator]
    path = tmp_path / "g.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_damaged_file_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text('{"format": "escalade-game",\n "seed": }', encoding="utf-8")
    with pytest.raises(GameError, match=r"g\.json:2:10: not a saved game"):
        Game.load(path)
    with pytest.raises(GameError, match="no such game file"):
        Game.load(tmp_path / "none.json")
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(GameError, match="not a saved escalade game"):
        Game.load(path)


def test_a_file_from_another_version_says_which(tmp_path: Path) -> None:
    path = saved(tmp_path, lambda d: d.update(escalade="0.0.1"))
    with pytest.raises(GameError, match=r"field 'escalade': saved by escalade 0\.0\.1, this is"):
        Game.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("seed"), "field 'seed' is missing"),
        (lambda d: d.update(seed="one"), "field 'seed': expected an integer, got 'one'"),
        (lambda d: d["decisions"][0].update(how="loudly"), r"decisions\.0: field 'how'"),
        (lambda d: d["decisions"][0].update(action="nuke"), r"decisions\.0: field 'action'"),
        (lambda d: d["decisions"][0].update(day=40), r"decisions\.0: IRN on day 40 was never"),
        (lambda d: d.update(handed_over=["ISR"]), r"handed_over\.0: 'ISR' is not one of"),
        (lambda d: d.update(scenario={"builtin": "april"}), "no built-in scenario 'april'"),
        (lambda d: d["decisions"][0].update(channel="telex"), r"decisions\.0: field 'channel'"),
        (lambda d: d["decisions"][0].update(channel=3), r"field 'channel': expected a channel"),
    ],
)
def test_a_bad_field_is_named(tmp_path: Path, change: object, message: str) -> None:
    with pytest.raises(GameError, match=message):
        Game.load(saved(tmp_path, change)).pending()


def test_a_game_file_is_told_apart_from_a_scenario(tmp_path: Path) -> None:
    game_file = tmp_path / "game.save"
    new().save(game_file)
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\n", encoding="utf-8")
    assert is_game_file(game_file) and is_game_file(tmp_path / "any.json")
    assert not is_game_file(scenario) and not is_game_file(Path("april-2024"))


def test_compare_sets_the_game_in_the_models_ensemble() -> None:
    game = new(days=12)
    game.hand_over("IRN")
    c = game.compare(runs=40)
    # Handed over at once, the game is the model's own run 0 ...
    assert c["model_run"] == game.outcome()
    # ... which is in the ensemble, so at least one run (itself) is as bad or worse.
    assert c["as_bad_or_worse"]["successes"] >= 1 and c["as_bad_or_worse"]["runs"] == 40
    labels = [t["label"] for t in c["thresholds"]]
    assert "sustained war" in labels
    for t in c["thresholds"]:
        assert 0.0 <= t["ensemble"]["low"] <= t["ensemble"]["p"] <= t["ensemble"]["high"] <= 1.0
