"""A game: people decide for one or more actors of a replayed run, the model plays the rest.

A game is deterministic from its scenario (a built-in's name, or a file's full text), its
overrides, seed, run, players, the decisions made so far and the actors handed to the model:
:meth:`Game.pending` re-simulates the run from day 0 with the recorded decisions (one run takes
milliseconds) and stops at the first decision not yet made, so no engine state is ever kept or
pickled. A saved game is a JSON file (:meth:`Game.save`) that ``escalade play --resume`` and
``escalade replay`` read.

::

    game = Game.new("april-2024", players=["IRN"], seed=1)
    while (turn := game.pending()) is not None:
        game.choose(turn.actor, 0)  # index into turn.options (0 waits)
    print("\\n".join(game.story()))
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from escalade.analysis.stats import proportion
from escalade.budget import MAX_RUNS, MAX_SEED
from escalade.engine.channels import DEFAULT_CHANNEL
from escalade.engine.choices import appraisal_against, open_targets
from escalade.engine.compiled import ROLES
from escalade.engine.decision import (
    GRUDGE_TARGET,
    NO_ACTION,
    TELEGRAPHED,
    UNACKNOWLEDGED,
    VARIANTS,
    Situation,
)
from escalade.engine.params import Params
from escalade.engine.proxies import executor
from escalade.engine.red_lines import red_line_commitment
from escalade.engine.simulate import Batch
from escalade.engine.state import EventLog, events_table
from escalade.narrative import closing, narrative
from escalade.outcomes import THRESHOLDS
from escalade.policies import make_policy
from escalade.policies.human import Human, Pick
from escalade.policies.retaliation import CalibratedRetaliation
from escalade.scenario.load import builtin_names, load_scenario_text, resolve_source
from escalade.scenario.schema import Role, Scenario
from escalade.simulation import load_scenario, run_batch
from escalade.version import __version__

FORMAT = "escalade-game"
"""The ``format`` field of a saved game."""
FORMAT_VERSION = 1
"""The layout of a saved game (raised when its fields change)."""
HOWS = ("", "telegraphed", "unacknowledged")
"""How an action is carried out: owned and unannounced, telegraphed (M3), unacknowledged (M11)."""
_VARIANT_HOW = {0: "", TELEGRAPHED: "telegraphed", UNACKNOWLEDGED: "unacknowledged"}


class GameError(ValueError):
    """A game used wrongly (unknown actor, closed option, not this actor's turn) or a saved
    game that cannot be read; the message says where and what was expected."""


@dataclass(frozen=True)
class Route:
    """A channel a telegraphed strike's notice can be sent through (M3, M4): its ``id``, the
    actor at its other end (``to``: the target, or a partner pledged to defend it), its
    mediator (None: direct), its delay in days and its fidelity in this run."""

    id: str
    to: str
    via: str | None
    delay_days: int
    fidelity: float

    def words(self) -> str:
        via = f" via {self.via}" if self.via else " directly"
        days = f"{self.delay_days} day" + ("" if self.delay_days == 1 else "s")
        return f"{self.id}: to {self.to}{via}, {days}, arrives {self.fidelity:.0%}"


@dataclass(frozen=True)
class Option:
    """One choice open today.

    ``rung`` and ``target`` are None for waiting; ``how`` is one of :data:`HOWS`; ``channel``
    is how a telegraphed warning or a declaration travels to the target (a mediator's id,
    ``direct`` or ``public``); ``size`` the strike package fired (munition counts), None
    without one; ``utility`` the option's score under the default calculus and ``advice`` the
    probability that the model (the default policy) would take it — 0 against any target but
    the one it holds its largest grievance against, which is the only one it considers.
    ``routes``: for a telegraphed option whose notice more than one channel can carry, those
    channels; the player may send it through one of them (:meth:`Game.choose`), else it goes
    by the model's default (the fastest channel of each pair).
    """

    index: int
    label: str
    rung: int | None
    target: str | None
    how: str
    channel: str | None
    size: str | None
    utility: float
    advice: float
    action: str | None = None  # the catalog action's name (None: wait)
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class Turn:
    """A decision waiting for a person: what the actor knows (with the model's fog), what
    happened since its last decision (dated lines), and its options."""

    actor: str
    day: int
    date: dt.date
    knows: dict[str, Any]
    briefing: list[str]
    options: list[Option]

    def to_dict(self) -> dict[str, Any]:
        """The turn as JSON-ready data (dates as ISO text)."""
        out = asdict(self)
        out["date"] = self.date.isoformat()
        return out

    def advised(self) -> Option:
        """The option the model would most likely take."""
        return max(self.options, key=lambda o: o.advice)


@dataclass(frozen=True)
class Decision:
    """A decision made by a person: on ``day``, ``actor`` took ``action`` (None: waited)
    ``how`` against ``target`` (None: its largest grievance), its notice sent through
    ``channel`` (a channel's id; None: the fastest of each pair)."""

    actor: str
    day: int
    action: str | None
    how: str = ""
    target: str | None = None
    channel: str | None = None

    def pick(self, params: Params) -> Pick:
        action = NO_ACTION if self.action is None else params.catalog.find(self.action)
        target = GRUDGE_TARGET if self.target is None else params.actors.index(self.target)
        names = params.channels.names
        channel = DEFAULT_CHANNEL if self.channel is None else names.index(self.channel)
        return Pick(
            action, self.how == "telegraphed", self.how == "unacknowledged", target, channel
        )


class _Paused(Exception):
    """Raised inside the engine when a decision is not yet made: it carries the turn and the
    events so far."""

    def __init__(self, turn: Turn, events: pa.Table) -> None:
        self.turn = turn
        self.events = events


@dataclass
class _Replay:
    """The outcome of re-simulating the game: paused at a turn, or finished (the batch)."""

    turn: Turn | None
    events: pa.Table
    batch: Batch | None = None


@dataclass
class Game:
    """A crisis played by people for ``players`` (actor ids), the model for everyone else."""

    source: dict[str, str]  # {"builtin": name} or {"file": name, "text": YAML}
    players: list[str]
    seed: int = 0
    run: int = 0
    days: int | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    levers: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    handed_over: list[str] = field(default_factory=list)
    scenario: Scenario = field(init=False, repr=False, compare=False)
    _replay: _Replay | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if "builtin" in self.source:
            self.scenario = load_scenario(self.source["builtin"], self.overrides or None)
        else:
            self.scenario = load_scenario_text(
                self.source["text"], self.source["file"], self.overrides or None
            )
        self._check()

    # -- making a game -------------------------------------------------------------------

    @classmethod
    def new(
        cls,
        scenario: str | Path,
        players: list[str],
        seed: int = 0,
        run: int = 0,
        days: int | None = None,
        sets: list[str] | None = None,
        adds: list[str] | None = None,
        drops: list[str] | None = None,
        levers: list[str] | None = None,
    ) -> Game:
        """A new game of run ``run`` of ``scenario`` (a file or a built-in name) under ``seed``,
        with ``players`` played by people (``--set``, ``--add``, ``--drop`` and ``--lever``
        changes as on the command line)."""
        from escalade.cli_common import all_overrides

        overrides = all_overrides(str(scenario), sets, adds, drops, levers)
        spec = str(scenario)
        path = resolve_source(spec)
        if spec in builtin_names() and not Path(spec).exists():
            source = {"builtin": spec}
        else:
            source = {"file": str(path), "text": path.read_text(encoding="utf-8")}
        return cls(
            source=source,
            players=list(dict.fromkeys(players)),
            seed=seed,
            run=run,
            days=days,
            overrides=overrides,
            levers=list(levers or []),
        )

    def _check(self) -> None:
        sc = self.scenario
        if not self.players:
            raise GameError("a game needs at least one player (--as ACTOR)")
        if not 0 <= self.seed <= MAX_SEED:
            raise GameError(f"seed: expected 0 to 2^63 - 1, got {self.seed}")
        if not 0 <= self.run < MAX_RUNS:
            raise GameError(f"run: expected 0 to 10^12 - 1, got {self.run}")
        if self.days is not None and self.days < 1:
            raise GameError(f"days: expected at least 1, got {self.days}")
        for actor in self.players:
            self._known(actor, "--as")
            a = sc.actors[actor]
            if a.role not in (Role.STATE, Role.PROXY) or a.policy.name == "none":
                raise GameError(
                    f"--as: {actor} is a {a.role.value}"
                    + (" with policy 'none'" if a.policy.name == "none" else "")
                    + "; it does not decide (play a state or a proxy)"
                )

    def _check_decisions(self, where: str) -> None:
        """Every recorded decision names a player, a catalog action and a known target."""
        actions = {a.name for a in self.scenario.actions}
        for i, d in enumerate(self.decisions):
            at = f"{where}: decisions.{i}"
            if d.actor not in self.players:
                raise GameError(f"{at}: field 'actor': {d.actor!r} is not one of the players")
            if d.action is not None and d.action not in actions:
                raise GameError(f"{at}: field 'action': no action {d.action!r} in the catalog")
            if d.target is not None and d.target not in self.scenario.actors:
                raise GameError(f"{at}: field 'target': no actor {d.target!r} in the scenario")
            channels = [str(c.id) for c in self.scenario.channels]
            if d.channel is not None and d.channel not in channels:
                raise GameError(
                    f"{at}: field 'channel': no channel {d.channel!r} in the scenario "
                    f"(channels: {', '.join(channels) or 'none'})"
                )
        for i, actor in enumerate(self.handed_over):
            if actor not in self.players:
                raise GameError(f"{where}: handed_over.{i}: {actor!r} is not one of the players")

    def _known(self, actor: str, what: str) -> None:
        if actor in self.scenario.actors:
            return
        close = difflib.get_close_matches(actor, list(self.scenario.actors), n=1)
        tip = (
            f"; did you mean '{close[0]}'?"
            if close
            else f"; actors: {', '.join(self.scenario.actors)}"
        )
        raise GameError(f"{what}: unknown actor '{actor}' in scenario '{self.scenario.name}'{tip}")

    # -- playing -------------------------------------------------------------------------

    def pending(self) -> Turn | None:
        """The next decision waiting for one of the players; None when the game is finished."""
        return self._state().turn

    @property
    def finished(self) -> bool:
        return self.pending() is None

    def choose(self, actor: str, option: int, channel: str | None = None) -> Turn | None:
        """Record ``actor``'s choice of ``option`` (an index into the pending turn's options),
        its notice sent through ``channel`` (the id of one of the option's routes; None: the
        model's default), advance, and return the next pending turn (None when the game is
        finished)."""
        turn = self._turn_of(actor)
        if not 0 <= option < len(turn.options):
            raise GameError(
                f"option {option} is not open to {actor} on day {turn.day}: choose 0 to "
                f"{len(turn.options) - 1}"
            )
        o = turn.options[option]
        if channel is not None and channel not in (ids := [r.id for r in o.routes]):
            raise GameError(
                f"option {option} cannot send its notice through channel {channel!r}: "
                + (
                    f"choose one of {', '.join(ids)}, or none for the fastest"
                    if ids
                    else "it has no channel to choose (only a telegraphed option whose notice "
                    "two or more channels can carry has)"
                )
            )
        self.decisions.append(Decision(actor, turn.day, o.action, o.how, o.target, channel))
        self._replay = None
        return self.pending()

    def hand_over(self, actor: str) -> None:
        """The model plays ``actor`` from now on (its decisions so far stand)."""
        self._player(actor)
        if actor not in self.handed_over:
            self.handed_over.append(actor)
            self._replay = None

    def _player(self, actor: str) -> None:
        self._known(actor, "actor")
        if actor not in self.players:
            raise GameError(
                f"{actor} is not played by a person in this game (players: "
                f"{', '.join(self.players)})"
            )

    def _turn_of(self, actor: str) -> Turn:
        self._player(actor)
        turn = self.pending()
        if turn is None:
            raise GameError("the game is finished: nothing is waiting for a decision")
        if turn.actor != actor:
            raise GameError(f"it is {turn.actor}'s turn (day {turn.day}), not {actor}'s")
        return turn

    # -- the story -----------------------------------------------------------------------

    def story(self) -> list[str]:
        """The dated narrative so far, with the closing sentence once the game is finished
        (or a line saying whose decision it waits for)."""
        state = self._state()
        lines = narrative(state.events, self.scenario)
        if state.batch is not None:
            outcome = state.batch.outcomes.to_pylist()[0]
            return [*lines, closing(outcome, state.events, self.scenario)]
        assert state.turn is not None
        return [
            *lines,
            f"The game is not finished: on day {state.turn.day} ({state.turn.date}) it waits "
            f"for {state.turn.actor}'s decision.",
        ]

    def outcome(self) -> dict[str, Any]:
        """The finished game's outcome row (the columns of :mod:`escalade.outcomes`)."""
        batch = self._state().batch
        if batch is None:
            raise GameError("the game is not finished: it has no outcome yet")
        row: dict[str, Any] = batch.outcomes.to_pylist()[0]
        return row

    def compare(self, runs: int = 1000) -> dict[str, Any]:
        """How this game's outcome sits in the model's ensemble of the same scenario and seed
        (runs 0 .. runs-1, every actor played by the model): the share of runs as bad or worse
        (a highest rung at least as high and at least as many deaths), each threshold's rate
        with its 95% interval against whether and when this game crossed it, and what the
        model made of the same run without the players."""
        from escalade.api import simulate

        if runs < 1:
            raise GameError(f"compare: runs must be at least 1, got {runs}")
        mine = self.outcome()
        ens = simulate(self.scenario, runs=runs, seed=self.seed, days=self.days).outcomes
        rung = np.asarray(ens["max_rung"])
        deaths = np.asarray(ens["deaths"])
        worse = (rung >= mine["max_rung"]) & (deaths >= mine["deaths"])
        thresholds = []
        for label, col in THRESHOLDS.items():
            crossed = np.asarray(pc.fill_null(pc.is_valid(ens[col]), False))
            thresholds.append(
                {
                    "label": label,
                    "column": col,
                    "ensemble": proportion(label, crossed).as_dict(),
                    "game_day": mine[col],
                }
            )
        model_run = run_batch(self.scenario, self.seed, np.array([self.run]), self.days)
        return {
            "runs": runs,
            "as_bad_or_worse": proportion("as bad or worse", worse).as_dict(),
            "max_rung": {"game": mine["max_rung"], "ensemble_median": float(np.median(rung))},
            "deaths": {"game": mine["deaths"], "ensemble_median": float(np.median(deaths))},
            "thresholds": thresholds,
            "model_run": model_run.outcomes.to_pylist()[0],
        }

    # -- files ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "escalade": __version__,
            "scenario": dict(self.source),
            "overrides": self.overrides,
            "levers": self.levers,
            "seed": self.seed,
            "run": self.run,
            "days": self.days,
            "players": self.players,
            "decisions": [asdict(d) for d in self.decisions],
            "handed_over": self.handed_over,
        }

    @classmethod
    def from_dict(cls, d: Any, where: str = "game") -> Game:
        """A game from :meth:`to_dict`'s data; anything missing, mistyped, made by another
        version or not matching its scenario is a :class:`GameError` naming the field."""
        return _read_game(d, where)

    def save(self, path: Path) -> None:
        """Write the game as JSON (atomically: a crash leaves the previous save whole)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            raise GameError(f"{path}: cannot save the game ({exc.strerror or exc})") from None

    @classmethod
    def load(cls, path: Path) -> Game:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise GameError(f"{path}: no such game file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise GameError(f"{path}: cannot read the game file ({exc})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GameError(
                f"{path}:{exc.lineno}:{exc.colno}: not a saved game ({exc.msg}); a game file "
                "is the JSON written by 'escalade play --save'"
            ) from None
        return cls.from_dict(data, str(path))

    # -- the engine ----------------------------------------------------------------------

    def _state(self) -> _Replay:
        if self._replay is None:
            self._replay = self._simulate()
        return self._replay

    def _simulate(self) -> _Replay:
        log = EventLog()
        marks: dict[str, int] = {}
        used: set[int] = set()
        policies = {a: Human(self._asker(a, log, marks, used)) for a in self.players}
        try:
            batch = run_batch(
                self.scenario,
                self.seed,
                np.array([self.run]),
                self.days,
                keep_events=True,
                policies=policies,
                log=log,
            )
        except _Paused as paused:
            self._all_used(used)  # every decision recorded was made before this one
            return _Replay(turn=paused.turn, events=paused.events)
        self._all_used(used)
        assert batch.events is not None
        return _Replay(turn=None, events=batch.events, batch=batch)

    def _all_used(self, used: set[int]) -> None:
        unused = [i for i in range(len(self.decisions)) if i not in used]
        if unused:
            d = self.decisions[unused[0]]
            raise GameError(
                f"decisions.{unused[0]}: {d.actor} on day {d.day} was never asked to decide "
                "in this run (the game does not match its scenario, seed or run)"
            )

    def _asker(self, actor: str, log: EventLog, marks: dict[str, int], used: set[int]) -> Any:
        recorded = {(d.actor, d.day): i for i, d in enumerate(self.decisions)}

        def ask(situation: Situation, row: int) -> Pick:
            p = situation.params
            i = recorded.get((actor, situation.day))
            if i is not None:
                used.add(i)
                marks[actor] = _logged(log)
                return self.decisions[i].pick(p)
            if actor in self.handed_over:
                c = make_policy(self.scenario.actors[actor].policy.name).choose(situation)
                return Pick(int(c.action[row]), bool(c.warned[row]), bool(c.denied[row]))
            events = events_table(log.arrays(), p, np.array([self.run]))
            since = events.slice(marks.get(actor, 0))
            turn = self._turn(situation, row, actor, since, actor not in marks)
            raise _Paused(turn, events)

        return ask

    def _turn(
        self, situation: Situation, row: int, actor: str, since: pa.Table, first: bool
    ) -> Turn:
        day = situation.day
        return Turn(
            actor=actor,
            day=day,
            date=self.scenario.start + dt.timedelta(days=day),
            knows=knowledge(situation, row),
            briefing=briefing(since, self.scenario, actor, day, first),
            options=options(situation, row),
        )


def _logged(log: EventLog) -> int:
    return sum(len(a) for a in log.columns["run"])


# -- what a turn shows ---------------------------------------------------------------------


def channel_of(params: Params, actor: int, target: int) -> str:
    """How a message from ``actor`` reaches ``target`` (M4): the mediator's id, ``direct``
    (a channel without a mediator) or ``public`` (no channel)."""
    ch = params.channels
    if ch.delay[actor, target] < 0:
        return "public"
    via = int(ch.via[actor, target])
    return "direct" if via < 0 else params.actors[via]


def routes(params: Params, run: int, actor: int, target: int) -> tuple[Route, ...]:
    """The channels that can carry the notice of a strike telegraphed by ``actor`` against
    ``target`` in batch row ``run`` (M3): each joining the actor with the target or with a
    partner pledged to defend it (an alliance with ``defend`` > 0); none when fewer than two
    (there is nothing to choose)."""
    ch = params.channels
    out = []
    for k, (a, b) in enumerate(ch.ends.tolist()):
        if actor not in (a, b):
            continue
        other = b if a == actor else a
        if other != target and not params.backing.defend[run, other, target] > 0:
            continue
        via = int(ch.each_via[k])
        out.append(
            Route(
                ch.names[k],
                params.actors[other],
                None if via < 0 else params.actors[via],
                int(ch.each_delay[k]),
                float(ch.each_fidelity[run, k]),
            )
        )
    return tuple(out) if len(out) > 1 else ()


def package_of(params: Params, actor: int, k: int) -> str | None:
    """The munitions fired when ``actor`` carries out action ``k`` (by itself or, for a
    via-proxy action, its executing proxy), as text; None without a package."""
    striker = int(executor(params, np.array([actor]), bool(params.catalog.via_proxy[k]))[0])
    package = params.engagement.packages[striker, k]
    names = params.engagement.munitions.names
    parts = [f"{int(n)} {names[m]}" for m, n in enumerate(package) if n > 0]
    if not parts:
        return None
    by = "" if striker == actor else f" (fired by {params.actors[striker]})"
    return ", ".join(parts) + by


def options(situation: Situation, row: int) -> list[Option]:
    """The choices open to the actor in run ``row`` of ``situation``: waiting first, then each
    open action against its largest grievance (owned, telegraphed, unacknowledged), then
    against each other actor it holds a grievance against (when the situation has a state)."""
    p = situation.params
    utilities = situation.appraisal.utilities()[row]
    advice = CalibratedRetaliation.probabilities(situation)[row]
    out = [Option(0, "wait", None, None, "", None, None, float(utilities[0]), float(advice[0]))]
    grudge = int(situation.target[row])
    targets = [(grudge, utilities, advice)]
    if situation.state is not None:
        open_ = open_targets(situation.state, p, situation.runs[[row]], situation.actor)[0]
        for other_target in (int(t) for t in np.flatnonzero(open_) if t != grudge):
            against = np.full(situation.n, other_target)
            other = appraisal_against(situation, against).utilities()[row]
            targets.append((other_target, other, np.zeros_like(other)))
    for t, utils, probs in targets:
        for i in np.flatnonzero(np.isfinite(utils[1:])) + 1:
            k, variant = divmod(int(i) - 1, VARIANTS)
            how = _VARIANT_HOW[variant]
            talks = how == "telegraphed" or bool(p.catalog.deescalate[k])
            out.append(
                Option(
                    index=len(out),
                    label=p.catalog.names[k].replace("_", " "),
                    rung=int(p.catalog.rung[k]),
                    target=p.actors[t],
                    how=how,
                    channel=channel_of(p, situation.actor, t) if talks else None,
                    size=package_of(p, situation.actor, k),
                    utility=float(utils[i]),
                    advice=float(probs[i]),
                    action=p.catalog.names[k],
                    routes=routes(p, int(situation.runs[row]), situation.actor, t)
                    if how == "telegraphed"
                    else (),
                )
            )
    return out


def knowledge(situation: Situation, row: int) -> dict[str, Any]:
    """What the actor knows in run ``row`` (the model's fog: its own accounts, arsenal and
    defences, its red lines that stand crossed (M8), and only its beliefs about others — their
    resolve as P(resolute), M14)."""
    p, a = situation.params, situation.actor
    out: dict[str, Any] = {
        "target": p.actors[int(situation.target[row])],
        "grievance": float(situation.grievance[row]),
        "received_rung": int(situation.received_rung[row]),
    }
    state = situation.state
    if state is None:
        return out
    r = int(situation.runs[row])
    others = [i for i in range(p.n_actors) if i != a]
    deciding = {ROLES.index(Role.STATE), ROLES.index(Role.PROXY)}
    defence = p.engagement.defences[a]
    stock = state.arsenals.interceptors[a][r]
    out.update(
        grievances={
            p.actors[i]: float(state.grievances.grievance[r, a, i])
            for i in others
            if state.grievances.grievance[r, a, i] > 0
        },
        blows_received={
            p.actors[i]: int(state.grievances.received_rung[r, a, i])
            for i in others
            if state.grievances.received_rung[r, a, i] > 0
        },
        resolve_beliefs={
            p.actors[i]: float(state.resolve_belief[r, a, i])
            for i in others
            if int(p.cast.role[i]) in deciding
        },
        red_lines_crossed=crossed_lines(situation, row),
        expected_interception=float(state.belief_interception[r, a]),
        arsenal={
            name: int(state.arsenals.stocks[r, a, m])
            for m, name in enumerate(p.engagement.munitions.names)
            if p.engagement.arsenal[a, m] > 0 or state.arsenals.stocks[r, a, m] > 0
        },
        defences=[
            {
                "layer": defence.names[layer],
                "owner": defence.owners[layer],
                "interceptors": int(stock[layer]),
                "of": int(defence.initial_stock[layer]),
            }
            for layer in range(defence.layers)
        ],
    )
    return out


def crossed_lines(situation: Situation, row: int) -> dict[str, str]:
    """M8: the actor's red lines that stand crossed in run ``row``, by crosser: the rung it is
    committed to and the audience cost of any answer below it (waiting included)."""
    p, state = situation.params, situation.state
    assert state is not None
    runs = situation.runs[[row]]
    out: dict[str, str] = {}
    for other in range(p.n_actors):
        cost, commit = red_line_commitment(state, p, runs, situation.actor, np.array([other]))
        if commit[0] >= 0:
            out[p.actors[other]] = (
                f"answer at rung {int(commit[0])} or more, or pay {float(cost[0]):.2f}"
            )
    return out


_MESSAGES = ("warning", "declaration")
"""Messages: one sent through a channel is known only to its sender, its recipient and the
mediator carrying it; one without a channel is public (M4)."""


def briefing(
    events: pa.Table, scenario: Scenario, actor: str, day: int, first: bool = False
) -> list[str]:
    """What ``actor`` learns of ``events`` (everything since its last decision, or since the
    start on its ``first``): the dated story, others' messages through channels left out, and
    a line of the casualties."""
    joined = {frozenset(ch.between) for ch in scenario.channels}

    def known(ev: dict[str, Any]) -> bool:
        if ev["kind"] not in _MESSAGES or actor in (ev["actor"], ev["target"], ev["channel"]):
            return True
        return frozenset((ev["actor"], ev["target"])) not in joined  # public

    rows = [ev for ev in events.to_pylist() if known(ev)]
    lines = narrative(pa.Table.from_pylist(rows, schema=events.schema), scenario)
    blows = [ev for ev in rows if ev["kind"] in ("trigger", "strike", "harassment")]
    suffered = sum(int(ev["deaths"]) for ev in blows if ev["target"] == actor)
    inflicted = sum(int(ev["deaths"]) for ev in blows if ev["actor"] == actor)
    date = scenario.start + dt.timedelta(days=day)
    since = "so far" if first else "since your last decision"
    if blows:
        lines.append(
            f"Day {day} ({date}): {since}, {suffered} of yours killed, {inflicted} killed by "
            "your strikes."
        )
    return lines or [f"Day {day} ({date}): nothing has happened {since}."]


# -- reading a saved game ------------------------------------------------------------------


def _field(d: Any, key: str, kind: type | tuple[type, ...], where: str, expected: str) -> Any:
    if not isinstance(d, dict) or key not in d:
        raise GameError(f"{where}: field '{key}' is missing (expected {expected})")
    value = d[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _types(kind)):
        raise GameError(f"{where}: field '{key}': expected {expected}, got {value!r}")
    return value


def _types(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _read_game(d: Any, where: str) -> Game:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise GameError(
            f"{where}: not a saved escalade game (its 'format' is not '{FORMAT}'); a game file "
            "is the JSON written by 'escalade play --save'"
        )
    version = _field(d, "format_version", int, where, "an integer")
    if version != FORMAT_VERSION:
        raise GameError(
            f"{where}: field 'format_version': this escalade reads games of format "
            f"{FORMAT_VERSION}, the file is format {version}"
        )
    made_by = _field(d, "escalade", str, where, "the escalade version that saved it")
    if made_by != __version__:
        raise GameError(
            f"{where}: field 'escalade': saved by escalade {made_by}, this is {__version__}; a "
            f"game replays only under the version that made it (the model may differ): "
            f"install escalade=={made_by} to resume it"
        )
    source = _field(d, "scenario", dict, where, "{'builtin': NAME} or {'file': ..., 'text': ...}")
    if not (
        (set(source) == {"builtin"} and isinstance(source["builtin"], str))
        or (set(source) == {"file", "text"} and all(isinstance(v, str) for v in source.values()))
    ):
        raise GameError(
            f"{where}: field 'scenario': expected {{'builtin': NAME}} or {{'file': PATH, "
            f"'text': YAML}}, got keys {sorted(source)}"
        )
    if "builtin" in source and source["builtin"] not in builtin_names():
        raise GameError(
            f"{where}: field 'scenario.builtin': no built-in scenario '{source['builtin']}' "
            f"(built-ins: {', '.join(builtin_names())})"
        )
    decisions = []
    for i, item in enumerate(_field(d, "decisions", list, where, "a list")):
        at = f"{where}: decisions.{i}"
        action = _field(item, "action", (str, type(None)), at, "an action name or null")
        how = _field(item, "how", str, at, f"one of {HOWS}")
        if how not in HOWS:
            raise GameError(f"{at}: field 'how': expected one of {HOWS}, got {how!r}")
        decisions.append(
            Decision(
                actor=_field(item, "actor", str, at, "an actor id"),
                day=_field(item, "day", int, at, "a day number"),
                action=action,
                how=how,
                target=_field(item, "target", (str, type(None)), at, "an actor id or null"),
                channel=_field(item, "channel", (str, type(None)), at, "a channel id or null")
                if "channel" in item
                else None,  # saved before channels could be chosen
            )
        )
    days = _field(d, "days", (int, type(None)), where, "a number of days or null")
    game = Game(
        source=source,
        players=_strings(
            _field(d, "players", list, where, "a list of actor ids"), where, "players"
        ),
        seed=_field(d, "seed", int, where, "an integer"),
        run=_field(d, "run", int, where, "an integer"),
        days=days,
        overrides=_field(d, "overrides", dict, where, "a mapping of overrides"),
        levers=_strings(_field(d, "levers", list, where, "a list of lever names"), where, "levers"),
        decisions=decisions,
        handed_over=_strings(
            _field(d, "handed_over", list, where, "a list of actor ids"), where, "handed_over"
        ),
    )
    game._check_decisions(where)
    return game


def _strings(items: list[Any], where: str, name: str) -> list[str]:
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise GameError(f"{where}: {name}.{i}: expected text, got {item!r}")
    return items


def decisions(n: int) -> str:
    """``1 decision``, ``2 decisions``."""
    return f"{n} decision" + ("" if n == 1 else "s")


def is_game_file(path: Path) -> bool:
    """Whether ``path`` is meant as a saved game: a ``.json`` file, or a file whose content
    declares the game format (a scenario is YAML)."""
    if path.suffix.lower() == ".json":
        return True
    if not path.is_file():
        return False
    with path.open("rb") as f:
        head = f.read(200)
    return head.lstrip().startswith(b"{") and FORMAT.encode() in head
