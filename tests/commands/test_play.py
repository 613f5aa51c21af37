"""``escalade play``: people decide for one or two actors, day by day, everyone else follows
the model; a game is saved after every decision, resumed, and told again by ``replay``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from escalade.cli import app
from escalade.game import Game

EVERY_DAY = ["--set", "model.decision_rate=1"]
QUICK = ["--compare", "0"]  # no ensemble after the game (tested once below)


def play(*args: str, answers: str) -> Result:
    return CliRunner().invoke(app, ["play", *args], input=answers)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # a stopped game is saved in the working directory
    return tmp_path


def test_a_player_who_always_waits_never_strikes() -> None:
    args = ("april-2024", "--as", "IRN", "--days", "6", *EVERY_DAY, *QUICK)
    result = play(*args, answers="0\n" * 10)
    assert result.exit_code == 0, result.output
    assert "You play Islamic Republic of Iran" in result.output
    assert "model" in result.output and "Strike packages" in result.output
    story = result.output.split("What happened")[1]
    assert "Islamic Republic of Iran: " not in story.replace(
        "targeted killing abroad against Islamic Republic of Iran", ""
    )


def test_each_decision_shows_the_briefing_the_arsenal_and_the_defences() -> None:
    args = ("april-2024", "--as", "IRN", "--days", "3", *EVERY_DAY, *QUICK)
    result = play(*args, answers="2\n" * 5)
    assert result.exit_code == 0, result.output
    first, second = result.output.split("IRN decides")[1:3]
    assert "targeted killing abroad" in first and "7 of yours killed" in first
    assert "shahed_136" in first and "long_range_sam" in first  # arsenal and a defence layer
    # The consulate strike crossed Iran's red line (M8): the player is told what it owes.
    assert "Your red line against ISR stands crossed: answer at rung 7 or more, or pay 1.50" in (
        " ".join(first.split())
    )
    assert "threaten against Israel" in second  # the briefing tells the last choice's result
    story = result.output.split("What happened")[1]
    assert "Islamic Republic of Iran: threaten against Israel (rung 1)" in story.replace("\n", " ")


def test_playing_an_unknown_actor_is_a_clear_error() -> None:
    result = play("april-2024", "--as", "IRNN", answers="")
    assert result.exit_code == 2
    assert "did you mean 'IRN'?" in result.output


def test_a_mediator_cannot_be_played() -> None:
    result = play("april-2024", "--as", "OMN", answers="")
    assert result.exit_code == 2 and "does not decide" in result.output


def test_play_needs_a_scenario_and_a_side() -> None:
    assert "--as ACTOR is required" in play("april-2024", answers="").output
    assert "or --resume FILE" in play(answers="").output


def test_a_bad_answer_is_asked_again_and_help_shows_the_ladder_and_advice() -> None:
    args = ("april-2024", "--as", "IRN", "--days", "3", *EVERY_DAY, *QUICK)
    result = play(*args, answers="x\n99\n?\n0\n" * 5)
    assert result.exit_code == 0, result.output
    assert "'x' is not a choice" in result.output and "'99' is not a choice" in result.output
    assert "rung 0:" in result.output and "The model would most likely choose" in result.output
    assert "What happened" in result.output


def test_q_hands_over_to_the_model_and_the_story_runs_to_its_end() -> None:
    args = ("april-2024", "--as", "IRN", "--days", "10", *EVERY_DAY, *QUICK)
    result = play(*args, answers="q\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("IRN's choice") == 1  # asked once, then the model plays
    assert "The model plays IRN from here on" in result.output
    assert "After the trigger:" in result.output.split("What happened")[1]


def test_the_end_of_input_keeps_the_story_so_far_and_saves(in_tmp: Path) -> None:
    args = ("april-2024", "--as", "IRN", "--days", "10", *EVERY_DAY, "--seed", "1")
    result = play(*args, answers="2\n")
    assert result.exit_code == 0, result.output
    story = result.output.split("What happened")[1]
    assert "threaten against Israel" in story and "The game is not finished" in story
    saved = in_tmp / "game-april-2024-IRN-seed1-run0.json"
    assert saved.exists() and "--resume game-april-2024-IRN-seed1-run0.json" in " ".join(
        result.output.split()
    )
    assert [d.action for d in Game.load(saved).decisions] == ["threaten"]


def test_save_resume_and_replay_tell_the_same_game(in_tmp: Path) -> None:
    args = ("april-2024", "--as", "IRN", "--days", "8", *EVERY_DAY, "--seed", "1")
    first = play(*args, "--save", "g.json", answers="2\n2\n")  # two decisions, then EOF
    assert first.exit_code == 0, first.output
    assert len(Game.load(in_tmp / "g.json").decisions) == 2
    rest = play("--resume", "g.json", *QUICK, answers="2\n" * 20)
    assert rest.exit_code == 0, rest.output
    assert "Resuming g.json: 2 decisions made" in rest.output
    game = Game.load(in_tmp / "g.json")
    assert game.finished
    told = CliRunner().invoke(app, ["replay", "g.json"])
    assert told.exit_code == 0, told.output
    assert "IRN played by people" in told.output
    assert game.story()[-1] in " ".join(told.output.split())


def test_resume_refuses_options_the_game_already_carries(in_tmp: Path) -> None:
    Game.new("april-2024", ["IRN"]).save(in_tmp / "g.json")
    result = play("--resume", "g.json", "--seed", "3", answers="")
    assert result.exit_code == 2 and "--seed cannot be given with a saved game" in result.output


def test_a_damaged_game_file_is_a_located_error(in_tmp: Path) -> None:
    (in_tmp / "g.json").write_text('{"format": "escalade-game",\n oops}', encoding="utf-8")
    for result in (
        play("--resume", "g.json", answers=""),
        CliRunner().invoke(app, ["replay", "g.json"]),
    ):
        assert result.exit_code == 2
        assert "g.json:2:2: not a saved game" in result.output
        assert "Traceback" not in result.output


def test_a_save_file_that_cannot_be_written_fails_before_the_first_decision() -> None:
    result = play("april-2024", "--as", "IRN", "--save", "no/such/dir/g.json", answers="")
    assert result.exit_code == 2
    assert "no/such/dir/g.json: cannot save the game (No such file or directory)" in result.output
    assert "IRN decides" not in result.output


def test_replay_of_a_game_refuses_run_options(in_tmp: Path) -> None:
    Game.new("april-2024", ["IRN"]).save(in_tmp / "g.json")
    result = CliRunner().invoke(app, ["replay", "g.json", "--run", "3"])
    assert result.exit_code == 2 and "is a saved game: --run cannot be given" in result.output


def test_two_players_take_turns_at_one_keyboard() -> None:
    args = ("april-2024", "--as", "IRN,ISR", "--days", "6", *EVERY_DAY, *QUICK)
    result = play(*args, answers="0\n" * 30)
    assert result.exit_code == 0, result.output
    assert "IRN's choice" in result.output and "ISR's choice" in result.output


def test_a_finished_game_is_set_against_the_models_ensemble() -> None:
    args = ("april-2024", "--as", "IRN", "--days", "6", "--compare", "30")
    result = play(*args, answers="q\n")
    assert result.exit_code == 0, result.output
    assert "Of the model's 30 runs of this scenario and seed" in result.output
    assert "The model alone in the same run 0" in result.output


def test_a_public_warning_reads_publicly() -> None:
    # Seed 1, day 1: Israel may strike Hezbollah's assets, telegraphed without a channel.
    args = ("april-2024", "--as", "IRN,ISR", "--days", "2", "--seed", "1", *EVERY_DAY, *QUICK)
    result = play(*args, answers="6\n0\n")
    assert result.exit_code == 0, result.output
    assert "telegraphed publicly" in result.output and "telegraphed via TUR" in result.output


def test_a_telegraphed_choice_may_name_the_channel_of_its_notice(in_tmp: Path) -> None:
    """Seed 1, day 0: choice 10 (large salvo, telegraphed) lists five channels; 10:9 is asked
    again, 10:3 sends the notice through the third (to the US via Qatar), and it is saved."""
    args = ("april-2024", "--as", "IRN", "--days", "3", *EVERY_DAY, *QUICK, "--save", "g.json")
    result = play(*args, answers="10:9\n10:3\nq\n")
    assert result.exit_code == 0, result.output
    assert "3. irn_usa_via_qat: to USA via QAT, 2 days" in result.output
    assert "'10:9': choice 10 has channels 1 to 5" in result.output
    game = Game.load(in_tmp / "g.json")
    assert "Islamic Republic of Iran signals through Qatar a coming large salvo" in " ".join(
        game.story()
    )
    assert (game.decisions[0].action, game.decisions[0].channel) == (
        "large_salvo",
        "irn_usa_via_qat",
    )
