"""Tit-for-tat, hawk, dove and red-line against scripted opponents: exact moves, fixed seed."""

from __future__ import annotations

from tests.policies.versus import blue_moves, duel


def test_tit_for_tat_answers_each_blow_in_kind() -> None:
    sc = duel("tit_for_tat", [(0, "symbolic_strike"), (5, "covert_sabotage")])
    # Each answer is decided on the day of the blow and lands the next day.
    assert blue_moves(sc) == [(1, "strike", "symbolic_strike"), (6, "strike", "covert_sabotage")]


def test_tit_for_tat_lets_a_mere_threat_pass() -> None:
    # A threat (rung 1) leaves a grievance below the calm threshold: nothing to answer.
    assert blue_moves(duel("tit_for_tat", [(0, "threaten")])) == []


def test_hawk_answers_one_rung_higher() -> None:
    sc = duel("hawk", [(0, "targeted_killing_abroad")])
    assert blue_moves(sc) == [(1, "strike", "symbolic_strike")]


def test_dove_declares_the_round_concluded() -> None:
    sc = duel("dove", [(0, "symbolic_strike"), (6, "large_salvo")])
    assert blue_moves(sc) == [
        (0, "declaration", "declare_concluded"),
        (6, "declaration", "declare_concluded"),
    ]


def test_red_line_holder_answers_at_its_commitment_then_threatens() -> None:
    red_line = [
        {"holder": "BLUE", "if": {"actor": "RED", "rung_at_least": 7}, "commits_to_rung": 8}
    ]
    sc = duel("red_line", [(0, "symbolic_strike"), (5, "covert_sabotage")], red_lines=red_line)
    # Crossed on day 0: a large salvo lands on day 1; the later sabotage crosses no line.
    assert blue_moves(sc) == [(1, "strike", "large_salvo"), (5, "statement", "threaten")]


def test_red_line_holder_below_its_line_only_threatens() -> None:
    red_line = [
        {"holder": "BLUE", "if": {"actor": "RED", "rung_at_least": 8}, "commits_to_rung": 8}
    ]
    sc = duel("red_line", [(0, "symbolic_strike")], red_lines=red_line)
    moves = blue_moves(sc)
    # A threat discharges one rung of grievance a day, until the grievance is calm.
    assert moves == [(day, "statement", "threaten") for day in range(len(moves))]
    assert 3 <= len(moves) < 10


def test_an_answer_that_discharges_the_grievance_is_declared_concluded() -> None:
    sc = duel("tit_for_tat", [(0, "symbolic_strike")])
    sc.model.declare_end_probability = 1.0
    assert blue_moves(sc) == [
        (1, "strike", "symbolic_strike"),
        (1, "declaration", "declare_concluded"),
    ]


def test_a_red_line_declared_later_is_not_crossed_by_an_earlier_blow() -> None:
    red_line = [
        {
            "holder": "BLUE",
            "if": {"actor": "RED", "rung_at_least": 7},
            "commits_to_rung": 8,
            "from_day": 3,
        }
    ]
    sc = duel("red_line", [(0, "symbolic_strike")], red_lines=red_line)
    assert {kind for _, kind, _ in blue_moves(sc)} == {"statement"}  # threats, no salvo
