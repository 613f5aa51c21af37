"""Into the model: events placed in a scenario's format; what it cannot hold is listed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from escalade.ingest.events import Event
from escalade.ingest.overlay import build_overlay, diff_lines, overlay_yaml
from escalade.scenario.load import load_scenario, read_overlay


def ev(actor: str | None, target: str | None, kind: str, date: str | None, **kw: object) -> Event:
    e = Event(actor=actor, target=target, kind=kind, date=date, **kw)  # type: ignore[arg-type]
    e.evidence = e.evidence or f"{actor} {kind} {target}."
    e.article = "a.txt"
    return e


@pytest.fixture(scope="module")
def april():  # type: ignore[no-untyped-def]
    return load_scenario("april-2024")


def test_each_kind_goes_to_its_list(april) -> None:  # type: ignore[no-untyped-def]
    events = [
        ev("IRN", "ISR", "large_salvo", "2024-04-13", casualties={"killed": 2}),
        ev("FRA", "ISR", "restraint", "2024-04-16"),
        ev("USA", "IRN", "red_line", "2024-04-14"),
        ev("USA", "IRN", "inducement", None, evidence="The US offered to reopen nuclear talks."),
        ev("IRN", "ISR", "message", None, channel="QAT"),
    ]
    ov = build_overlay(events, april, "april-2024")
    sections = {p.event.kind: (p.section, p.status) for p in ov.placed}
    assert sections == {
        "large_salvo": ("initial_events", "new"),
        "restraint": ("statements", "new"),
        "red_line": ("red_lines", "new"),
        "inducement": ("inducements", "new"),
        "message": ("channels", "new"),
    }
    new_event = ov.data["initial_events"][-1]
    assert new_event["day"] == (dt.date(2024, 4, 13) - april.start).days == 11
    assert new_event["casualties"] == {"other": 2}
    assert new_event["text"] == "IRN large_salvo ISR."
    assert ov.data["inducements"][-1]["kind"] == "nuclear_talks"
    assert ov.data["channels"][-1] == {"between": ["IRN", "ISR"], "via": "QAT"}
    # the scenario's own items are kept in front of the new ones
    assert len(ov.data["initial_events"]) == len(april.initial_events) + 1
    ids = [s["id"] for s in ov.data["sources"]]
    assert ids[-5:] == [f"ingest-{i}" for i in range(1, 6)]
    assert '"IRN large_salvo ISR."' in ov.data["sources"][-5]["citation"]
    # and the result is a valid scenario
    sc = load_scenario("april-2024", ov.data)
    assert len(sc.statements) == len(april.statements) + 1


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (ev("EGY", "ISR", "demand", None), "actor(s) EGY not in scenario"),
        (ev("USA", "IRN", "arms_supply", None), "no place for an arms supply"),
        (ev(None, "ISR", "large_salvo", "2024-04-13"), "the actor is unknown"),
        (ev("ISR", "IRN", "symbolic_strike", "2024-03-01"), "before the scenario starts"),
        (ev("ISR", "IRN", "symbolic_strike", "2024-09-30"), "past the scenario's horizon"),
        (ev("ISR", "IRN", "symbolic_strike", None), "an initial event needs a day"),
        (ev("USA", None, "restraint", None), "needs the actor it is addressed to"),
    ],
)
def test_what_cannot_be_held_is_listed(april, event: Event, reason: str) -> None:  # type: ignore[no-untyped-def]
    ov = build_overlay([event], april, "april-2024")
    (placed,) = ov.placed
    assert placed.status == "not_held" and reason in placed.reason
    assert ov.data == {}
    text = overlay_yaml(ov)
    assert "Not written (listed, not lost)" in text and reason in text
    assert diff_lines(ov)[0].startswith("! ")


def test_what_is_already_there_is_not_repeated(april) -> None:  # type: ignore[no-untyped-def]
    ov = build_overlay([ev("USA", "ISR", "restraint", None)], april, "april-2024")
    assert ov.placed[0].status == "already" and ov.data == {}
    assert diff_lines(ov)[0].startswith("= ")


def test_a_group_stands_in_for_its_part(april) -> None:  # type: ignore[no-untyped-def]
    from escalade.ingest.actors import load_dictionary

    kh = ev("KH", "USA", "proxy_attack", "2024-04-20")
    ov = build_overlay([kh], april, "april-2024", load_dictionary())
    assert ov.placed[0].status == "new"
    assert ov.data["initial_events"][-1]["actor"] == "IRQ_MILITIA"
    assert build_overlay([kh], april, "april-2024").placed[0].status == "not_held"


def test_written_overlay_is_read_by_run(april, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ov = build_overlay([ev("IRN", "ISR", "large_salvo", "2024-04-13")], april, "april-2024")
    path = tmp_path / "overlay.yaml"
    path.write_text(overlay_yaml(ov))
    overrides = read_overlay(path)  # what `escalade run --overlay` does
    sc = load_scenario("april-2024", overrides)
    assert sc.initial_events[-1].action == "large_salvo" and sc.initial_events[-1].day == 11
    assert sc.sources[-1].id == "ingest-1"
