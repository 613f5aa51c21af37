"""The play room's API (``/api/games``): games of :mod:`escalade.game` saved in the store.

A game is a JSON file under the store's ``web/games/`` folder (the file ``escalade play
--save`` writes, which ``escalade replay`` reads), saved after every decision, so it can be
resumed from any page. Each person plays an actor: the turn, with what that actor knows, is
shown only to a page that says it plays that actor (``?actor=ID``); the others see whose
turn it is. Two pages deciding at once are taken in turn (one lock per game).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from escalade.budget import MAX_RUNS, MAX_RUNS_IN_MEMORY, MAX_SEED
from escalade.game import Game, GameError
from escalade.report.hindcast import finite
from escalade.store import Store
from escalade.web.jobs import web_dir
from escalade.web.routes import MAX_DAYS, ScenarioIn, StoreDep, prepared
from escalade.web.views import NotFound

GAME_ID = re.compile(r"^g-[0-9a-f]{10}$")
DEFAULT_COMPARE_RUNS = 500
"""Runs of the model's ensemble a finished game is compared with, by default."""
MAX_COMPARE_RUNS = 5000
"""Most runs a comparison may ask for (it runs while the page waits)."""
GameId = Annotated[str, PathParam(min_length=1, max_length=40)]
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


class GameIn(ScenarioIn):
    players: list[Annotated[str, Field(max_length=40)]] = Field(min_length=1, max_length=10)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    run: int = Field(default=0, ge=0, lt=MAX_RUNS)
    days: int | None = Field(default=None, ge=1, le=MAX_DAYS)


class ChoiceIn(BaseModel):
    actor: str = Field(min_length=1, max_length=40)
    option: int = Field(ge=0, le=1000)
    channel: str | None = Field(
        default=None,
        max_length=64,
        description="For a telegraphed option with routes: the id of the channel its notice "
        "goes through (null: the fastest of each pair, the model's default)",
    )


class ActorIn(BaseModel):
    actor: str = Field(min_length=1, max_length=40)


def games_dir(st: Store) -> Path:
    return web_dir(st) / "games"


def game_path(st: Store, game_id: str) -> Path:
    """The file of game ``game_id`` (404 for an id that is not one, or not saved)."""
    path = games_dir(st) / f"{game_id}.json"
    if not GAME_ID.match(game_id) or not path.exists():
        raise NotFound(f"no game '{game_id}' in the store (GET /api/games lists them)")
    return path


def game_view(game_id: str, game: Game, actor: str | None) -> dict[str, Any]:
    """The game as a player's page sees it: the turn (with the actor's fogged view) only when
    it is ``actor``'s, the story so far, the outcome once finished."""
    turn = game.pending()
    out: dict[str, Any] = {
        "id": game_id,
        "scenario": game.scenario.name,
        "title": game.scenario.title,
        "players": game.players,
        "handed_over": game.handed_over,
        "seed": game.seed,
        "run": game.run,
        "decisions": len(game.decisions),
        "finished": turn is None,
        "waiting_for": None if turn is None else {"actor": turn.actor, "day": turn.day},
        "turn": turn.to_dict() if turn is not None and turn.actor == actor else None,
        "story": game.story(),
        "outcome": game.outcome() if turn is None else None,
    }
    return finite(out)


def _load(st: Store, game_id: str) -> Game:
    path = game_path(st, game_id)
    return Game.load(path)


def games_router() -> APIRouter:
    router = APIRouter(prefix="/api/games")

    @router.post("", status_code=201, summary="Start a game: people play the actors named")
    def new_game(body: GameIn, st: StoreDep) -> dict[str, Any]:
        source, _ = prepared(st, ScenarioIn(scenario=body.scenario, text=body.text, name=body.name))
        game = Game.new(
            source,
            body.players,
            seed=body.seed,
            run=body.run,
            days=body.days,
            sets=[f"{k}={json.dumps(v)}" for k, v in body.sets.items()],
            levers=body.levers,
        )
        game_id = f"g-{secrets.token_hex(5)}"
        games_dir(st).mkdir(parents=True, exist_ok=True)
        game.save(games_dir(st) / f"{game_id}.json")
        return game_view(game_id, game, body.players[0])

    @router.get("", summary="The saved games, newest first")
    def list_games(st: StoreDep) -> list[dict[str, Any]]:
        folder = games_dir(st)
        paths = sorted(folder.glob("g-*.json"), key=lambda p: -p.stat().st_mtime)
        out: list[dict[str, Any]] = []
        for path in paths:
            try:
                game = Game.load(path)
            except GameError:  # written by another version: listed as such
                out.append({"id": path.stem, "error": "cannot be read by this version"})
                continue
            out.append(
                {
                    "id": path.stem,
                    "scenario": game.scenario.name,
                    "players": game.players,
                    "decisions": len(game.decisions),
                }
            )
        return out

    @router.get("/{game_id}", summary="A game as the page of the player ?actor=ID sees it")
    def get_game(
        game_id: GameId,
        st: StoreDep,
        actor: Annotated[str | None, Query(max_length=40)] = None,
    ) -> dict[str, Any]:
        return game_view(game_id, _load(st, game_id), actor)

    @router.post("/{game_id}/choose", summary="Take one of the options of the actor's turn")
    def choose(game_id: GameId, body: ChoiceIn, st: StoreDep) -> dict[str, Any]:
        with _locks[game_id]:
            path = game_path(st, game_id)
            game = Game.load(path)
            game.choose(body.actor, body.option, body.channel)
            game.save(path)
        return game_view(game_id, game, body.actor)

    @router.post("/{game_id}/hand-over", summary="Let the model play an actor from now on")
    def hand_over(game_id: GameId, body: ActorIn, st: StoreDep) -> dict[str, Any]:
        with _locks[game_id]:
            path = game_path(st, game_id)
            game = Game.load(path)
            game.hand_over(body.actor)
            game.save(path)
        return game_view(game_id, game, body.actor)

    @router.get(
        "/{game_id}/compare",
        summary="How a finished game compares with the model's ensemble of the same scenario",
    )
    def compare(
        game_id: GameId,
        st: StoreDep,
        runs: Annotated[int, Query(ge=1, le=min(MAX_COMPARE_RUNS, MAX_RUNS_IN_MEMORY))] = (
            DEFAULT_COMPARE_RUNS
        ),
    ) -> dict[str, Any]:
        return finite(_load(st, game_id).compare(runs))

    @router.get(
        "/{game_id}/file",
        summary="The game file (escalade replay reads it; escalade play --resume goes on)",
        response_class=FileResponse,
    )
    def export(game_id: GameId, st: StoreDep) -> FileResponse:
        path = game_path(st, game_id)
        return FileResponse(path, media_type="application/json", filename=f"{game_id}.json")

    return router


__all__ = ["game_path", "game_view", "games_router"]
