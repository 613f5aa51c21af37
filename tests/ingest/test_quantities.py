"""Means and quantities: counts, units and qualifiers; casualties."""

from __future__ import annotations

import pytest

from escalade.ingest.quantities import find_casualties, find_quantities


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Iran launched more than 300 drones and missiles at Israel.", [(300, "projectile")]),
        ("Two rockets struck the base.", [(2, "rocket")]),
        (
            "It fired 170 drones, 30 cruise missiles and 120 ballistic missiles.",
            [(170, "drone"), (30, "cruise_missile"), (120, "ballistic_missile")],
        ),
        (
            "The US struck more than 85 targets with 125 precision munitions.",
            [(85, "target"), (125, "munition")],
        ),
        ("About 100 Israeli fighter jets took part.", [(100, "aircraft")]),
        ("The Houthis fired two anti-ship cruise missiles.", [(2, "cruise_missile")]),
        ("A U.S. drone strike killed him.", []),
        ("In 2020 drones were rare.", []),
    ],
)
def test_counts_and_units(sentence: str, expected: list[tuple[int, str]]) -> None:
    assert [q.key() for q in find_quantities(sentence)] == expected


def test_qualifier_is_kept() -> None:
    (q,) = find_quantities("Iran fired more than a dozen ballistic missiles.")
    assert (q.count, q.unit, q.qualifier) == (12, "ballistic_missile", "more than")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The drone killed three U.S. soldiers and wounded more than 40.",
            {"killed": 3, "injured": 40},
        ),
        ("Four U.S. service members and one contractor were injured.", {"injured": 5}),
        ("Houthi officials said six people were killed.", {"killed": 6}),
        ("No one was hurt.", {"injured": 0}),
        ("Nobody was reported hurt in the raid.", {}),
    ],
)
def test_casualties(sentence: str, expected: dict[str, int]) -> None:
    assert find_casualties(sentence) == expected
