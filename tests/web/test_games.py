"""The play room's API: games of escalade.game saved in the store, one page per player.

Games here play april-2024 over its first days with the actor asked every day
(``model.decision_rate=1``); a player who waits (option 0) is asked again the next day, so
three decisions come quickly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from escalade.game import Game

# under xdist, in one worker: the app and its two worker processes start once (`client`)
pytestmark = pytest.mark.xdist_group("web-games")

NEW = {
    "scenario": "april-2024",
    "seed": 1,
    "days": 20,
    "sets": {"model.decision_rate": 1},
}


def new_game(client: TestClient, players: list[str]) -> dict:
    r = client.post("/api/games", json={**NEW, "players": players})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_decision_shows_what_the_actor_knows_and_its_options(client: TestClient) -> None:
    game = new_game(client, ["IRN"])
    turn = game["turn"]
    assert turn["actor"] == "IRN"
    assert turn["knows"] and isinstance(turn["briefing"], list)
    for option in turn["options"]:
        assert {"label", "rung", "target", "how", "channel", "size", "advice"} <= option.keys()
    assert sum(o["advice"] for o in turn["options"]) == pytest.approx(1.0)  # a distribution


def test_three_decisions_are_saved_and_the_game_resumes(
    client: TestClient, store_dir: Path
) -> None:
    game = new_game(client, ["IRN"])
    for made in range(1, 4):
        turn = game["turn"]
        assert turn is not None, "the game ended before three decisions"
        r = client.post(f"/api/games/{game['id']}/choose", json={"actor": "IRN", "option": 0})
        assert r.status_code == 200, r.text
        game = r.json()
        assert game["decisions"] == made
    saved = Game.load(store_dir / "web" / "games" / f"{game['id']}.json")
    assert len(saved.decisions) == 3
    resumed = client.get(f"/api/games/{game['id']}?actor=IRN").json()
    assert resumed["turn"] == game["turn"] and resumed["story"] == game["story"]
    listed = {g["id"]: g for g in client.get("/api/games").json()}
    assert listed[game["id"]]["decisions"] == 3


def test_each_player_sees_only_their_own_turn(client: TestClient) -> None:
    game = new_game(client, ["IRN", "ISR"])
    waiting = game["waiting_for"]["actor"]
    other = "ISR" if waiting == "IRN" else "IRN"
    mine = client.get(f"/api/games/{game['id']}?actor={waiting}").json()
    theirs = client.get(f"/api/games/{game['id']}?actor={other}").json()
    assert mine["turn"]["actor"] == waiting
    assert theirs["turn"] is None and theirs["waiting_for"]["actor"] == waiting
    r = client.post(f"/api/games/{game['id']}/choose", json={"actor": other, "option": 0})
    assert r.status_code == 400
    assert f"it is {waiting}'s turn" in r.json()["detail"]


def test_a_finished_game_compares_with_the_ensemble_and_exports(client: TestClient) -> None:
    r = client.post("/api/games", json={**NEW, "days": 3, "players": ["IRN"], "sets": {}})
    game = r.json()
    while game["turn"] is not None:
        game = client.post(
            f"/api/games/{game['id']}/choose", json={"actor": "IRN", "option": 0}
        ).json()
    assert game["finished"] and game["outcome"] is not None
    assert game["story"][-1].startswith("After the trigger")
    c = client.get(f"/api/games/{game['id']}/compare?runs=40").json()
    assert c["runs"] == 40 and 0 <= c["as_bad_or_worse"]["p"] <= 1
    exported = client.get(f"/api/games/{game['id']}/file")
    assert Game.from_dict(json.loads(exported.content)).story() == game["story"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/games/g-0000000000", None, 404),
        ("get", "/api/games/..%2F..%2Fcatalog", None, 404),
        ("post", "/api/games/g-0000000000/choose", {"actor": "IRN", "option": 0}, 404),
        ("post", "/api/games", {**NEW, "players": ["XYZ"]}, 400),
        ("post", "/api/games", {**NEW, "players": []}, 422),
    ],
)
def test_a_bad_game_request_is_a_4xx(
    client: TestClient, method: str, path: str, body: dict | None, status: int
) -> None:
    r = client.request(method, path, json=body)
    assert r.status_code == status, r.text


def test_handing_over_lets_the_model_finish_the_game(client: TestClient) -> None:
    game = new_game(client, ["IRN"])
    r = client.post(f"/api/games/{game['id']}/hand-over", json={"actor": "IRN"})
    assert r.status_code == 200, r.text
    assert r.json()["finished"] and r.json()["handed_over"] == ["IRN"]


def test_a_telegraphed_option_offers_its_routes_and_the_choice_names_one(
    client: TestClient, store_dir: Path
) -> None:
    """Seed 1, day 0: Iran's telegraphed large salvo lists the channels its notice can take;
    the choice names one (saved with the game), and a channel it cannot take is a 400."""
    game = new_game(client, ["IRN"])
    salvo = next(
        o for o in game["turn"]["options"]
        if o["action"] == "large_salvo" and o["how"] == "telegraphed"
    )  # fmt: skip
    assert [r["id"] for r in salvo["routes"]][:3] == [
        "oman_channel",
        "irn_usa_via_che",
        "irn_usa_via_qat",
    ]
    assert {"id", "to", "via", "delay_days", "fidelity"} == set(salvo["routes"][0])
    url = f"/api/games/{game['id']}/choose"
    bad = client.post(url, json={"actor": "IRN", "option": salvo["index"], "channel": "telex"})
    assert bad.status_code == 400 and "cannot send its notice through channel" in bad.text
    r = client.post(
        url, json={"actor": "IRN", "option": salvo["index"], "channel": "irn_usa_via_qat"}
    )
    assert r.status_code == 200, r.text
    saved = Game.load(store_dir / "web" / "games" / f"{game['id']}.json")
    assert saved.decisions[0].channel == "irn_usa_via_qat"
    assert any("signals through Qatar" in line for line in r.json()["story"])
