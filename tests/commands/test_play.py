"""``escalade play``: a person decides for one actor; everyone else follows the model."""

from __future__ import annotations

from typer.testing import CliRunner

from escalade.commands.play import register
from tests.commands.conftest import group_app

EVERY_DAY = ["--set", "model.decision_rate=1"]


def play(*args: str, answers: str) -> object:
    return CliRunner().invoke(group_app(register), ["play", *args], input=answers)


def test_a_player_who_always_waits_never_strikes() -> None:
    result = play("april-2024", "--as", "IRN", "--days", "6", *EVERY_DAY, answers="0\n" * 10)
    assert result.exit_code == 0, result.output
    assert "You play Islamic Republic of Iran" in result.output
    assert "model would" in result.output
    story = result.output.split("What happened")[1]
    assert "Islamic Republic of Iran: " not in story.replace(
        "targeted killing abroad against Islamic Republic of Iran", ""
    )


def test_the_players_choice_is_carried_out() -> None:
    # Option 2 is always "threaten" (after wait and declare concluded).
    result = play("april-2024", "--as", "IRN", "--days", "3", *EVERY_DAY, answers="2\n" * 5)
    assert result.exit_code == 0, result.output
    story = result.output.split("What happened")[1]
    assert "Islamic Republic of Iran: threaten against Israel (rung 1)" in story.replace("\n", " ")


def test_playing_an_unknown_actor_is_a_clear_error() -> None:
    result = play("april-2024", "--as", "IRNN", answers="")
    assert result.exit_code == 2
    assert "did you mean 'IRN'?" in result.output


def test_a_mediator_cannot_be_played() -> None:
    result = play("april-2024", "--as", "OMN", answers="")
    assert result.exit_code == 2 and "does not decide" in result.output


def test_a_bad_answer_is_asked_again_and_help_shows_the_ladder() -> None:
    result = play(
        "april-2024", "--as", "IRN", "--days", "3", *EVERY_DAY, answers="x\n99\n?\n0\n" * 5
    )
    assert result.exit_code == 0, result.output
    assert "'x' is not a choice" in result.output and "'99' is not a choice" in result.output
    assert "rung 0:" in result.output and "The model would most likely choose" in result.output
    assert "What happened" in result.output


def test_q_hands_over_to_the_model_and_the_story_runs_to_its_end() -> None:
    result = play("april-2024", "--as", "IRN", "--days", "10", *EVERY_DAY, answers="q\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Your choice") == 1  # asked once, then the model plays
    assert "The model plays your actor" in result.output
    assert "After the trigger:" in result.output.split("What happened")[1]


def test_end_of_input_hands_over_instead_of_failing() -> None:
    result = play("april-2024", "--as", "IRN", "--days", "5", *EVERY_DAY, answers="")
    assert result.exit_code == 0, result.output
    assert "What happened" in result.output
