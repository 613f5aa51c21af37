"""Hindcast: score the model's forecasts against the historical record (``data/episodes/``).

An *episode* is a historical trigger (written as a scenario with the trigger among its
``initial_events``) and the answer it drew, coded as the responder's rung and lag. For each
episode we simulate a seeded ensemble, read the responder's *first answer* in every run, and
score the predicted distribution against what happened.

The scoring rule, in full (``docs/validation.md`` explains the choices):

* **Trigger.** The last of the scenario's initial events aimed at the responder (the last
  initial event if none is); the lag is counted from its day.
* **First answer.** The responder's first ``strike`` or ``statement`` event at rung >= 2
  (pressure, covert action or force), carried out by the responder itself, aimed at the
  trigger's side (the trigger's actor and, for a proxy, its patron), on or after the trigger's
  day and within the horizon. Its rung is the highest rung the responder used against that side
  on that day. Talk (rung 1), declared ends (rung 0) and nothing at all are one outcome:
  "no answer", coded in the rung bucket 0–1 with the lag bucket "none", as the episodes code it
  (E5: rung 1, lag null). A proxy's own harassment is not its patron's answer, nor its own
  decided answer (it is background activity).
* **Buckets.** Rungs: 0–1 (none or talk), 2–3, 4–5, 6, 7, 8, 9+. Lags (days): 0–3, 4–7, 8–14,
  15–30, 31+, none.
* **Smoothing.** Every forecast is smoothed additively before it is scored:
  ``p_k = (n_k + a) / (n + a K)`` with ``a = 0.5`` (Jeffreys), so that a bucket no run reached
  gets a small probability instead of a log score of minus infinity.
* **Scores.** Log score ``ln p(observed bucket)`` (higher is better, 0 is perfect) and the
  multi-category Brier score ``sum_k (p_k - o_k)^2`` (lower is better, 0 to 2).
* **Baselines** (rung buckets): uniform; leave-one-out climatology (the observed buckets of the
  other episodes, smoothed the same way); "answer in kind" (every run in the bucket of the
  trigger's own rung, smoothed as an ensemble of the same size). For lags: uniform and
  leave-one-out climatology.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from escalade.analysis.paths import PathForecast, path_quantities, sides_of
from escalade.api import simulate
from escalade.executor import Executor
from escalade.scenario.load import (
    Problem,
    ScenarioError,
    apply_overrides,
    locate,
    located_problems,
    read_yaml,
    resolve_source,
    validate,
)
from escalade.scenario.schema import Role, Scenario, Source

# --------------------------------------------------------------------------- buckets


@dataclass(frozen=True)
class Bucket:
    """An interval of rungs or days, both ends included (``high`` None: open above)."""

    label: str
    low: int
    high: int | None
    meaning: str = ""

    def contains(self, value: int) -> bool:
        return value >= self.low and (self.high is None or value <= self.high)


RUNG_BUCKETS: tuple[Bucket, ...] = (
    Bucket("0–1", 0, 1, "no answer, or talk only"),
    Bucket("2–3", 2, 3, "pressure or covert action"),
    Bucket("4–5", 4, 5, "proxy harassment or strikes on proxy assets"),
    Bucket("6", 6, 6, "targeted killing abroad"),
    Bucket("7", 7, 7, "limited, symbolic direct strike"),
    Bucket("8", 8, 8, "large direct salvo"),
    Bucket("9+", 9, None, "air campaign and above"),
)
"""Rung buckets scored. Rungs 6, 7 and 8 are kept apart because the record turns on them."""

LAG_BUCKETS: tuple[Bucket, ...] = (
    Bucket("0–3", 0, 3),
    Bucket("4–7", 4, 7),
    Bucket("8–14", 8, 14),
    Bucket("15–30", 15, 30),
    Bucket("31+", 31, None),
)
NO_LAG = "none"
"""Label of the last lag bucket: no answer within the horizon."""
LAG_LABELS: tuple[str, ...] = (*(b.label for b in LAG_BUCKETS), NO_LAG)
RUNG_LABELS: tuple[str, ...] = tuple(b.label for b in RUNG_BUCKETS)

MIN_ANSWER_RUNG = 2
"""Lowest rung that counts as an answer; below it (talk, declared ends) is "no answer"."""
SMOOTHING = 0.5
"""Additive (Jeffreys) smoothing of every forecast before scoring."""
RELIABILITY_EDGES: tuple[float, ...] = (0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 1.0)
"""Bins of predicted probability in the reliability table."""
DEFAULT_RUNS = 2000
"""Runs per episode in ``escalade hindcast``."""
ANSWER_KINDS = ("strike", "statement")
BASELINES = ("uniform", "climatology", "in_kind")
FORECASTERS = {
    "model": "model",
    "uniform": "uniform",
    "climatology": "climatology (LOO)",
    "in_kind": "answer in kind",
}
"""The model and the baselines, with the names tables and the verdict give them."""
EPISODES_ENV = "ESCALADE_EPISODES"


def rung_bucket(rung: int) -> int:
    """Index of the rung bucket of ``rung`` (a rung below 0 counts as no answer)."""
    return int(rung_buckets(np.array([rung]))[0])


def rung_buckets(rungs: NDArray[np.int64]) -> NDArray[np.int64]:
    lows = np.array([b.low for b in RUNG_BUCKETS])
    return np.maximum(np.searchsorted(lows, np.asarray(rungs), side="right") - 1, 0).astype(
        np.int64
    )


def lag_bucket(lag: int | None) -> int:
    """Index of the lag bucket of ``lag`` days (None or negative: no answer, the last bucket)."""
    return int(lag_buckets(np.array([-1 if lag is None else lag]))[0])


def lag_buckets(lags: NDArray[np.int64]) -> NDArray[np.int64]:
    lags = np.asarray(lags)
    lows = np.array([b.low for b in LAG_BUCKETS])
    idx = np.searchsorted(lows, lags, side="right") - 1
    return np.where(lags < 0, len(LAG_BUCKETS), idx).astype(np.int64)


# --------------------------------------------------------------------------- scores


def smoothed(counts: ArrayLike, alpha: float = SMOOTHING) -> NDArray[np.float64]:
    """Additively smoothed frequencies: ``(n_k + alpha) / (n + alpha K)``."""
    c = np.asarray(counts, dtype=np.float64)
    total = c.sum() + alpha * len(c)
    if total <= 0:
        return np.full(len(c), 1.0 / len(c))
    return (c + alpha) / total


def log_score(probs: ArrayLike, observed: int) -> float:
    """Natural log of the probability given to the observed bucket (0 is perfect)."""
    p = float(np.asarray(probs, dtype=np.float64)[observed])
    return math.log(p) if p > 0 else -math.inf


def brier_score(probs: ArrayLike, observed: int) -> float:
    """Multi-category Brier score ``sum_k (p_k - o_k)^2``: 0 (perfect) to 2."""
    p = np.asarray(probs, dtype=np.float64)
    o = np.zeros(len(p))
    o[observed] = 1.0
    return float(((p - o) ** 2).sum())


def uniform_forecast(k: int) -> NDArray[np.float64]:
    return np.full(k, 1.0 / k)


def climatology_loo(
    observed: Sequence[int], k: int, alpha: float = SMOOTHING
) -> list[NDArray[np.float64]]:
    """For each episode, the smoothed distribution of the observed buckets of the others."""
    counts = np.bincount(np.asarray(observed, dtype=np.int64), minlength=k).astype(np.float64)
    out = []
    for b in observed:
        others = counts.copy()
        others[b] -= 1
        out.append(smoothed(others, alpha))
    return out


def in_kind_forecast(
    bucket: int, k: int, runs: int, alpha: float = SMOOTHING
) -> NDArray[np.float64]:
    """All mass on ``bucket``, smoothed as an ensemble of ``runs`` runs that all landed there."""
    counts = np.zeros(k)
    counts[bucket] = runs
    return smoothed(counts, alpha)


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    n: int
    mean_predicted: float
    observed_frequency: float
    hits: int

    @property
    def label(self) -> str:
        return f"{self.low:.2f}–{self.high:.2f}"


def reliability(
    forecasts: Sequence[NDArray[np.float64]],
    observed: Sequence[int],
    edges: Sequence[float] = RELIABILITY_EDGES,
) -> list[ReliabilityBin]:
    """Predicted probability (every episode x bucket) against how often the bucket happened."""
    probs = np.concatenate([np.asarray(f, dtype=np.float64) for f in forecasts])
    hits = np.concatenate(
        [np.arange(len(f)) == o for f, o in zip(forecasts, observed, strict=True)]
    )
    e = np.asarray(edges, dtype=np.float64)
    which = np.clip(np.searchsorted(e, probs, side="right") - 1, 0, len(e) - 2)
    out = []
    for i in range(len(e) - 1):
        sel = which == i
        n = int(sel.sum())
        out.append(
            ReliabilityBin(
                low=float(e[i]),
                high=float(e[i + 1]),
                n=n,
                mean_predicted=float(probs[sel].mean()) if n else math.nan,
                observed_frequency=float(hits[sel].mean()) if n else math.nan,
                hits=int(hits[sel].sum()),
            )
        )
    return out


# --------------------------------------------------------------------------- episodes

EpisodeId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,39}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Observed(_Model):
    """What happened: the responder's first answer, coded on the ladder."""

    responder: str = Field(description="The actor whose answer is scored (a scenario actor id)")
    rung: Annotated[int, Field(ge=0, le=13)] = Field(
        description="Rung of the first answer; 0–1 = no answer beyond talk within the horizon"
    )
    lag_days: Annotated[int, Field(ge=0, le=3650)] | None = Field(
        description="Days from the trigger to the first answer; null = none within the horizon"
    )
    scale: str = Field(default="", description="The answer's size, in words")
    forewarning: bool | None = Field(default=None, description="Was the answer telegraphed?")
    further_round: bool | None = Field(
        default=None, description="Did the answer draw a further round?"
    )
    confidence: Literal["high", "medium", "low"] = Field(
        default="medium", description="Confidence in the coding"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Observed:
        if self.rung < MIN_ANSWER_RUNG and self.lag_days is not None:
            raise ValueError(
                f"lag_days: rung {self.rung} counts as no answer (talk at most), so lag_days "
                "must be null; code the first answer at rung >= 2 and its lag instead"
            )
        if self.rung >= MIN_ANSWER_RUNG and self.lag_days is None:
            raise ValueError(
                f"lag_days: an answer at rung {self.rung} needs its lag in days; "
                "for no answer within the horizon, code rung 1 (talk) or 0"
            )
        return self


class PathRecord(_Model):
    """What happened over the whole path, beyond the first answer (issue 9; the data only).

    Counted over the episode scenario's days 0 to ``horizon_days`` (its initial events, the
    trigger among them, included), between the two principals: the direct blows at rung >= 7,
    the highest rung either side (or its proxies) reached, and how the crisis stood at the
    horizon. The coding rules are in ``data/episodes/README.md``."""

    principals: list[str] = Field(
        description="The two principal states (scenario actor ids) whose exchange is coded"
    )
    horizon_days: Annotated[int, Field(ge=1, le=3650)] = Field(
        default=60, description="Days from the trigger over which the path is coded"
    )
    direct_blows: Annotated[int, Field(ge=0, le=10_000)] = Field(
        description="Direct blows between the principals at rung >= 7 within the horizon"
    )
    highest_rung: Annotated[int, Field(ge=0, le=13)] = Field(
        description="Highest rung either principal reached within the horizon"
    )
    at_horizon: Literal["quiet", "ceasefire", "ongoing", "war"] = Field(
        description="How the crisis stood at the horizon"
    )
    confidence: Literal["high", "medium", "low"] = Field(
        default="medium", description="Confidence in the coding"
    )
    sources: list[str] = Field(
        default_factory=list, description="Ids of the episode's sources the coding rests on"
    )
    notes: str = ""

    @model_validator(mode="after")
    def _two_principals(self) -> PathRecord:
        if len(self.principals) != 2 or self.principals[0] == self.principals[1]:
            raise ValueError(
                f"principals: expected two distinct actor ids, got {self.principals!r}"
            )
        return self


class Episode(_Model):
    """A historical episode: a trigger, the scenario that sets it up, and the observed answer."""

    id: EpisodeId = Field(description="Short id, e.g. E7")
    title: str = Field(description="One line")
    date: dt.date = Field(description="Date of the observed answer (or of the episode)")
    scenario: str = Field(
        description="A built-in scenario name, or a scenario file relative to the episode file"
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="Dotted scenario path -> value, applied to the scenario"
    )
    trigger: str = Field(description="The trigger, in words (it is in the scenario's events)")
    observed: Observed
    path: PathRecord | None = Field(
        default=None, description="The record at path level (blows, highest rung, end state)"
    )
    sources: list[Source] = Field(default_factory=list)
    notes: str = ""

    @model_validator(mode="after")
    def _path_sources(self) -> Episode:
        if self.path is None:
            return self
        known = {s.id for s in self.sources}
        bad = [
            f"path.sources.{i}: unknown source id '{sid}' (not in this episode's sources)"
            for i, sid in enumerate(self.path.sources)
            if sid not in known
        ]
        if bad:
            raise ValueError("\n".join(bad))
        return self


@dataclass(frozen=True)
class EpisodeFile:
    """An episode with the file it came from (and the raw YAML, for locating problems)."""

    episode: Episode
    path: Path
    raw: Any = field(repr=False, compare=False, default=None)

    @property
    def id(self) -> str:
        return self.episode.id


def default_episodes_dir() -> Path:
    """``$ESCALADE_EPISODES``, else the repository's ``data/episodes``, else ``./data/episodes``."""
    env = os.environ.get(EPISODES_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "data" / "episodes"
        if candidate.is_dir():
            return candidate
    return Path("data") / "episodes"


def _natural(key: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key)]


def load_episode(path: str | Path) -> EpisodeFile:
    """Read and validate one episode file; problems are located (file:line:column)."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError([Problem(str(path), 1, 1, "", "episode file not found")])
    raw = read_yaml(path)
    try:
        episode = Episode.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(located_problems(exc, raw, str(path), root=Episode)) from None
    return EpisodeFile(episode, path, raw)


def is_scenario(raw: Any) -> bool:
    """A scenario file beside the episodes (it has ``actors`` and no ``observed``)."""
    return isinstance(raw, dict) and "actors" in raw and "observed" not in raw


def load_episodes(directory: str | Path | None = None) -> list[EpisodeFile]:
    """Every episode (``*.yaml``, ``*.yml``) in a folder, in natural order of their ids.

    Scenario files may sit beside the episodes that use them: a file with ``actors`` and no
    ``observed`` is a scenario and is skipped.
    """
    folder = Path(directory) if directory is not None else default_episodes_dir()
    if not folder.is_dir():
        raise ScenarioError(
            [
                Problem(
                    str(folder),
                    1,
                    1,
                    "",
                    "episodes folder not found",
                    f"give one with --episodes DIR or ${EPISODES_ENV}",
                )
            ]
        )
    files = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
    problems: list[Problem] = []
    out: list[EpisodeFile] = []
    for f in files:
        try:
            raw = read_yaml(f)
            if is_scenario(raw):
                continue
            out.append(load_episode(f))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    if not out:
        raise ScenarioError([Problem(str(folder), 1, 1, "", "no episode files (*.yaml) here")])
    _check_unique(out)
    return sorted(out, key=lambda e: _natural(e.id))


def select_episodes(
    specs: Sequence[str] | None, directory: str | Path | None = None
) -> list[EpisodeFile]:
    """Episodes named by id (looked up in the folder) or given as file paths; all if none."""
    if not specs:
        return load_episodes(directory)
    by_id: dict[str, EpisodeFile] | None = None
    out: list[EpisodeFile] = []
    problems: list[Problem] = []
    for spec in specs:
        path = Path(spec)
        if path.suffix in {".yaml", ".yml"} or path.exists():
            try:
                out.append(load_episode(path))
            except ScenarioError as exc:
                problems.extend(exc.problems)
            continue
        if by_id is None:
            by_id = {e.id: e for e in load_episodes(directory)}
        if spec in by_id:
            out.append(by_id[spec])
        else:
            close = difflib.get_close_matches(spec, list(by_id), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(by_id)}"
            problems.append(
                Problem(spec, 1, 1, "", "neither an episode file nor a known episode id", hint)
            )
    if problems:
        raise ScenarioError(problems)
    _check_unique(out)
    return out


def _check_unique(episodes: Sequence[EpisodeFile]) -> None:
    seen: dict[str, Path] = {}
    problems = []
    for e in episodes:
        if e.id in seen:
            problems.append(
                locate(
                    e.raw,
                    ("id",),
                    str(e.path),
                    f"duplicate episode id '{e.id}' (also in {seen[e.id]})",
                )
            )
        seen[e.id] = e.path
    if problems:
        raise ScenarioError(problems)


# --------------------------------------------------------------------------- scenario


def _plain(value: Any) -> Any:
    """Round-trip YAML containers as plain dicts and lists (picklable, safe to mutate)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def scenario_source(ep: EpisodeFile) -> Path:
    """The episode's scenario file: a path relative to the episode file, or a built-in name."""
    spec = ep.episode.scenario
    is_path = spec.endswith((".yaml", ".yml")) or "/" in spec or "\\" in spec
    try:
        if is_path:
            path = Path(spec)
            if not path.is_absolute():
                path = ep.path.parent / path
            return resolve_source(path)
        return resolve_source(spec)
    except ScenarioError as exc:
        raise ScenarioError(
            [
                locate(
                    ep.raw,
                    ("scenario",),
                    str(ep.path),
                    f"scenario '{spec}': {p.message}",
                    p.hint,
                )
                for p in exc.problems
            ]
        ) from None


def episode_scenario(ep: EpisodeFile, extra: dict[str, Any] | None = None) -> Scenario:
    """The episode's scenario: ``extra`` overrides (an overlay, calibrated values) first, then
    the episode's own overrides on top. Problems in the scenario file keep their location; a
    problem caused by an override points at the override."""
    source = scenario_source(ep)
    data = read_yaml(source)
    own = _plain(ep.episode.overrides)
    extra = dict(extra or {})
    merged = {**extra, **own}
    try:
        apply_overrides(data, merged, str(source))
        return with_principals_as_parties(validate(data, str(source)), ep)
    except ScenarioError as exc:
        raise ScenarioError([_relocate(p, ep, own, extra) for p in exc.problems]) from None


def with_principals_as_parties(sc: Scenario, ep: EpisodeFile) -> Scenario:
    """The crisis the record codes is between the path's principals (M13 ``crisis_parties``):
    when a principal is not a state (E17's Houthis, E19's Hezbollah) and the scenario does not
    name its parties, the principals join the states as parties, so that their fire and the
    answers to it keep the crisis going as they keep the record's ``ongoing``."""
    path = ep.episode.path
    if path is None or sc.model.crisis_parties is not None:
        return sc
    states = [a for a, actor in sc.actors.items() if actor.role == Role.STATE]
    extra = [a for a in path.principals if a in sc.actors and a not in states]
    if not extra:
        return sc
    model = sc.model.model_copy(update={"crisis_parties": states + extra})
    return sc.model_copy(update={"model": model})


def _relocate(p: Problem, ep: EpisodeFile, own: dict[str, Any], extra: dict[str, Any]) -> Problem:
    """A problem under an overridden path, moved to the override that set it."""
    path = p.path
    for key in own:
        if path == key or path.startswith(key + "."):
            rest = [int(s) if s.isdigit() else s for s in path[len(key) :].split(".") if s]
            where = locate(ep.raw, ("overrides", key, *rest), str(ep.path), p.message, p.hint)
            return Problem(
                where.file, where.line, where.column, f"overrides.{path}", p.message, p.hint
            )
        if key.startswith(path + ".") and path:
            where = locate(ep.raw, ("overrides", key), str(ep.path), p.message, p.hint)
            return Problem(
                where.file, where.line, where.column, f"overrides.{key}", p.message, p.hint
            )
    for key in extra:
        if path == key or path.startswith(key + ".") or key.startswith(path + "."):
            return Problem("<overrides>", 1, 1, key, f"(in episode {ep.id}) {p.message}", p.hint)
    return p


@dataclass(frozen=True)
class Trigger:
    """The initial event whose answer is scored."""

    actor: str
    action: str
    target: str
    rung: int
    day: int
    side: tuple[str, ...]
    """Targets an answer counts against: the trigger's actor and, for a proxy, its patron."""


def find_trigger(scenario: Scenario, responder: str) -> Trigger:
    """The last initial event aimed at ``responder`` (the last initial event if none is)."""
    events = list(scenario.initial_events)
    if not events:
        raise ValueError(
            f"scenario '{scenario.name}' has no initial_events: an episode needs its trigger "
            "as an initial event"
        )
    pool = [e for e in events if e.target == responder] or events
    last_day = max(e.day for e in pool)
    ev = [e for e in pool if e.day == last_day][-1]
    rung = next(a.rung for a in scenario.actions if a.name == ev.action)
    side = [ev.actor]
    patron = scenario.actors[ev.actor].patron
    if scenario.actors[ev.actor].role == Role.PROXY and patron is not None:
        side.append(patron)
    return Trigger(ev.actor, ev.action, ev.target, int(rung), int(ev.day), tuple(side))


@dataclass(frozen=True)
class Case:
    """An episode ready to simulate: its scenario, responder and trigger."""

    ep: EpisodeFile
    scenario: Scenario
    trigger: Trigger

    @property
    def id(self) -> str:
        return self.ep.id

    @property
    def responder(self) -> str:
        return self.ep.episode.observed.responder


def prepare(ep: EpisodeFile, extra: dict[str, Any] | None = None) -> Case:
    """Build the episode's scenario and find its trigger; every problem located."""
    sc = episode_scenario(ep, extra)
    obs = ep.episode.observed
    name = str(ep.path)
    if obs.responder not in sc.actors:
        close = difflib.get_close_matches(obs.responder, list(sc.actors), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"actors: {', '.join(sc.actors)}"
        raise ScenarioError(
            [
                locate(
                    ep.raw,
                    ("observed", "responder"),
                    name,
                    f"'{obs.responder}' is not an actor of scenario '{sc.name}'",
                    hint,
                )
            ]
        )
    if obs.rung >= len(sc.ladder):
        raise ScenarioError(
            [locate(ep.raw, ("observed", "rung"), name, f"rung {obs.rung} is not on the ladder")]
        )
    try:
        trigger = find_trigger(sc, obs.responder)
    except ValueError as exc:
        raise ScenarioError([locate(ep.raw, ("scenario",), name, str(exc))]) from None
    return Case(ep, sc, trigger)


def prepare_all(episodes: Sequence[EpisodeFile], extra: dict[str, Any] | None = None) -> list[Case]:
    """Every episode prepared; the problems of all of them raised together."""
    cases, problems = [], []
    for ep in episodes:
        try:
            cases.append(prepare(ep, extra))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return cases


# --------------------------------------------------------------------------- forecasts


def first_answers(
    events: pa.Table,
    run_ids: NDArray[np.int64],
    responder: str,
    side: Sequence[str],
    trigger_day: int,
    min_rung: int = MIN_ANSWER_RUNG,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per run (in the order of ``run_ids``): the rung of the responder's first answer and its
    lag in days after the trigger; rung 0 and lag -1 where there is none (see module doc)."""
    mask = pc.and_(
        pc.and_(
            pc.equal(events["actor"], responder),
            pc.is_in(events["kind"], value_set=pa.array(list(ANSWER_KINDS))),
        ),
        pc.and_(
            pc.is_in(events["target"], value_set=pa.array(list(side), pa.string())),
            pc.and_(
                pc.greater_equal(events["rung"], min_rung),
                pc.greater_equal(events["day"], trigger_day),
            ),
        ),
    )
    sel = events.filter(mask)
    runs = len(run_ids)
    rung = np.zeros(runs, dtype=np.int64)
    lag = np.full(runs, -1, dtype=np.int64)
    if sel.num_rows == 0:
        return rung, lag
    order = np.argsort(run_ids)
    pos = order[np.searchsorted(run_ids, np.asarray(sel["run"]), sorter=order)]
    day = np.asarray(sel["day"], dtype=np.int64)
    r = np.asarray(sel["rung"], dtype=np.int64)
    never = np.iinfo(np.int64).max
    first = np.full(runs, never, dtype=np.int64)
    np.minimum.at(first, pos, day)
    on_first = day == first[pos]
    np.maximum.at(rung, pos[on_first], r[on_first])
    has = first != never
    lag[has] = first[has] - trigger_day
    return rung, lag


@dataclass(frozen=True)
class Forecast:
    """The ensemble's first answers of one episode, as counts."""

    runs: int
    rung: NDArray[np.int64]  # (K,) counts per rung bucket
    lag: NDArray[np.int64]  # (L,) counts per lag bucket
    joint: NDArray[np.int64]  # (K, L)
    by_rung: dict[int, int]  # first-answer rung -> runs (0: no answer)
    median_lag: float  # over runs that answered; nan if none did
    path: PathForecast | None = None  # the path quantities (episodes with a ``path:`` block)

    @classmethod
    def from_answers(cls, rung: NDArray[np.int64], lag: NDArray[np.int64]) -> Forecast:
        kb, lb = rung_buckets(rung), lag_buckets(lag)
        k, lk = len(RUNG_BUCKETS), len(LAG_LABELS)
        joint = np.zeros((k, lk), dtype=np.int64)
        np.add.at(joint, (kb, lb), 1)
        values, counts = np.unique(rung, return_counts=True)
        answered = lag[lag >= 0]
        return cls(
            runs=len(rung),
            rung=joint.sum(axis=1),
            lag=joint.sum(axis=0),
            joint=joint,
            by_rung={int(v): int(c) for v, c in zip(values, counts, strict=True)},
            median_lag=float(np.median(answered)) if len(answered) else math.nan,
        )


def forecast(case: Case, runs: int, seed: int) -> Forecast:
    """Simulate ``runs`` runs of the episode under ``seed`` and count the first answers."""
    ens = simulate(case.scenario, runs=runs, seed=seed, events=True)
    assert ens.events is not None
    run_ids = np.asarray(ens.outcomes["run"], dtype=np.int64)
    rung, lag = first_answers(
        ens.events, run_ids, case.responder, case.trigger.side, case.trigger.day
    )
    found = Forecast.from_answers(rung, lag)
    record = case.ep.episode.path
    if record is None:
        return found
    q = path_quantities(
        ens.events,
        ens.outcomes,
        record.principals,
        record.horizon_days,
        sides_of(case.scenario, record.principals),
    )
    return dataclasses.replace(found, path=PathForecast.from_quantities(q))


def _forecast_item(runs: int, seed: int, case: Case) -> Forecast:
    return forecast(case, runs, seed)


def forecasts(
    cases: Sequence[Case],
    runs: int,
    seed: int,
    executor: Executor | None = None,
    on_done: Callable[[str], None] | None = None,
) -> dict[str, Forecast]:
    """One forecast per case (keyed by episode id, in the order of ``cases``), each episode's
    ensemble an item of ``executor`` (default: this process).

    Results do not depend on the executor (each run's random numbers are keyed by seed and
    run id). Keep one executor open across many calls (a calibration) to start workers once.
    """
    ex = executor if executor is not None else Executor(workers=1)
    # longest first: a long horizon costs most
    ordered = sorted(cases, key=lambda c: -c.scenario.horizon_days)
    results: dict[str, Forecast] = {}
    for case, result in ex.map(partial(_forecast_item, runs, seed), ordered, len(ordered)):
        results[case.id] = result
        if on_done is not None:
            on_done(case.id)
    return {c.id: results[c.id] for c in cases}


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Scores:
    """One forecaster's scores on one episode (lag scores None where it makes no lag forecast)."""

    p_rung: float
    log_rung: float
    brier_rung: float
    p_lag: float | None = None
    log_lag: float | None = None
    brier_lag: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {
            "p_rung": self.p_rung,
            "log_rung": self.log_rung,
            "brier_rung": self.brier_rung,
            "p_lag": self.p_lag,
            "log_lag": self.log_lag,
            "brier_lag": self.brier_lag,
        }


def _scores(
    p_rung: NDArray[np.float64], k: int, p_lag: NDArray[np.float64] | None, lk: int
) -> Scores:
    return Scores(
        p_rung=float(p_rung[k]),
        log_rung=log_score(p_rung, k),
        brier_rung=brier_score(p_rung, k),
        p_lag=None if p_lag is None else float(p_lag[lk]),
        log_lag=None if p_lag is None else log_score(p_lag, lk),
        brier_lag=None if p_lag is None else brier_score(p_lag, lk),
    )


@dataclass(frozen=True)
class EpisodeResult:
    id: str
    title: str
    responder: str
    trigger: Trigger
    observed_rung: int
    observed_lag: int | None
    rung_bucket: int
    lag_bucket: int
    confidence: str
    forecast: Forecast
    p_rung: NDArray[np.float64]  # smoothed model forecast over rung buckets
    p_lag: NDArray[np.float64]
    p_joint: float
    log_joint: float
    scores: dict[str, Scores]  # "model" and each baseline


@dataclass(frozen=True)
class HindcastResult:
    runs: int
    seed: int
    alpha: float
    overrides: dict[str, Any]
    episodes: list[EpisodeResult]
    reliability: list[ReliabilityBin]
    cases: list[Case] = field(default_factory=list, repr=False, compare=False)
    forecasts: dict[str, Forecast] = field(default_factory=dict, repr=False, compare=False)

    def mean(self, who: str, metric: str) -> float | None:
        values = [getattr(e.scores[who], metric) for e in self.episodes]
        if any(v is None for v in values) or not values:
            return None
        return float(np.mean(values))

    def summary(self) -> dict[str, dict[str, float | None]]:
        metrics = ("log_rung", "brier_rung", "log_lag", "brier_lag")
        return {who: {m: self.mean(who, m) for m in metrics} for who in ("model", *BASELINES)}

    def beats(self) -> dict[str, bool]:
        """Whether the model's mean log score (rung buckets) beats each baseline's."""
        model = self.mean("model", "log_rung")
        assert model is not None
        return {b: model > (self.mean(b, "log_rung") or -math.inf) for b in BASELINES}

    def wins(self) -> dict[str, int]:
        """Episodes on which the model's log score (rung) beats each baseline's."""
        return {
            b: sum(e.scores["model"].log_rung > e.scores[b].log_rung for e in self.episodes)
            for b in BASELINES
        }

    def verdict(self) -> str:
        """One sentence: does the model beat every baseline on mean log score (rung)?"""
        model = self.mean("model", "log_rung")
        beats = self.beats()
        wins, n = self.wins(), len(self.episodes)
        parts = [
            f"{FORECASTERS[b]} {self.mean(b, 'log_rung'):.2f} (better on {wins[b]} of {n})"
            for b in BASELINES
        ]
        if all(beats.values()):
            return (
                f"The model beats every baseline on mean log score (rung): {model:.2f} vs "
                + ", ".join(parts)
                + "."
            )
        lost = [b for b, ok in beats.items() if not ok]
        return (
            f"The model does NOT beat every baseline on mean log score (rung): {model:.2f} vs "
            + ", ".join(parts)
            + f" (not beaten: {', '.join(FORECASTERS[b] for b in lost)})."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": {
                "runs": self.runs,
                "seed": self.seed,
                "smoothing": self.alpha,
                "overrides": self.overrides,
                "rung_buckets": list(RUNG_LABELS),
                "lag_buckets": list(LAG_LABELS),
                "answer_rule": (
                    "the responder's first strike or statement at rung >= "
                    f"{MIN_ANSWER_RUNG} against the trigger's actor or its patron, on or after "
                    "the trigger's day; none = rung bucket 0–1 and lag 'none'"
                ),
            },
            "episodes": [_episode_dict(e) for e in self.episodes],
            "summary": self.summary(),
            "beats_baselines": self.beats(),
            "episodes_won": self.wins(),
            "reliability": [
                {
                    "bin": b.label,
                    "low": b.low,
                    "high": b.high,
                    "n": b.n,
                    "hits": b.hits,
                    "mean_predicted": _num(b.mean_predicted),
                    "observed_frequency": _num(b.observed_frequency),
                }
                for b in self.reliability
            ],
        }


def _num(x: float) -> float | None:
    return None if x != x else x


def _episode_dict(e: EpisodeResult) -> dict[str, Any]:
    return {
        "id": e.id,
        "title": e.title,
        "responder": e.responder,
        "confidence": e.confidence,
        "trigger": {
            "actor": e.trigger.actor,
            "action": e.trigger.action,
            "target": e.trigger.target,
            "rung": e.trigger.rung,
            "day": e.trigger.day,
            "side": list(e.trigger.side),
        },
        "observed": {
            "rung": e.observed_rung,
            "lag_days": e.observed_lag,
            "rung_bucket": RUNG_LABELS[e.rung_bucket],
            "lag_bucket": LAG_LABELS[e.lag_bucket],
        },
        "predicted": {
            "runs": e.forecast.runs,
            "rung": dict(zip(RUNG_LABELS, map(float, e.p_rung), strict=True)),
            "lag": dict(zip(LAG_LABELS, map(float, e.p_lag), strict=True)),
            "rung_counts": dict(zip(RUNG_LABELS, map(int, e.forecast.rung), strict=True)),
            "lag_counts": dict(zip(LAG_LABELS, map(int, e.forecast.lag), strict=True)),
            "first_answer_rung_counts": {str(k): v for k, v in sorted(e.forecast.by_rung.items())},
            "median_lag_days": _num(e.forecast.median_lag),
        },
        "p_observed": {
            "rung": e.p_rung[e.rung_bucket],
            "lag": e.p_lag[e.lag_bucket],
            "joint": e.p_joint,
        },
        "log_score": {
            "rung": e.scores["model"].log_rung,
            "lag": e.scores["model"].log_lag,
            "joint": e.log_joint,
        },
        "brier": {"rung": e.scores["model"].brier_rung, "lag": e.scores["model"].brier_lag},
        "baselines": {b: e.scores[b].as_dict() for b in BASELINES},
    }


def score(
    cases: Sequence[Case],
    forecasts: dict[str, Forecast],
    runs: int,
    seed: int,
    alpha: float = SMOOTHING,
    overrides: dict[str, Any] | None = None,
    reference: Sequence[EpisodeFile] | None = None,
) -> HindcastResult:
    """Score each episode's forecast, and the baselines, against what happened.

    The climatology baseline is leave-one-out over ``cases`` unless ``reference`` (episodes
    that are not scored) is given: then it is the reference episodes' observed buckets."""
    k, lk = len(RUNG_BUCKETS), len(LAG_LABELS)
    rung_obs = [rung_bucket(c.ep.episode.observed.rung) for c in cases]
    lag_obs = [lag_bucket(c.ep.episode.observed.lag_days) for c in cases]
    if reference is None:
        clim_rung = climatology_loo(rung_obs, k, alpha)
        clim_lag = climatology_loo(lag_obs, lk, alpha)
    else:
        check_disjoint(cases, reference)
        ref_rung = [rung_bucket(e.episode.observed.rung) for e in reference]
        ref_lag = [lag_bucket(e.episode.observed.lag_days) for e in reference]
        clim_rung = [smoothed(np.bincount(ref_rung, minlength=k), alpha)] * len(cases)
        clim_lag = [smoothed(np.bincount(ref_lag, minlength=lk), alpha)] * len(cases)
    results = []
    model_rung = []
    for i, c in enumerate(cases):
        f = forecasts[c.id]
        p_rung = smoothed(f.rung, alpha)
        p_lag = smoothed(f.lag, alpha)
        p_joint = smoothed(f.joint.ravel(), alpha).reshape(f.joint.shape)
        kb, lb = rung_obs[i], lag_obs[i]
        model_rung.append(p_rung)
        obs = c.ep.episode.observed
        results.append(
            EpisodeResult(
                id=c.id,
                title=c.ep.episode.title,
                responder=c.responder,
                trigger=c.trigger,
                observed_rung=obs.rung,
                observed_lag=obs.lag_days,
                rung_bucket=kb,
                lag_bucket=lb,
                confidence=obs.confidence,
                forecast=f,
                p_rung=p_rung,
                p_lag=p_lag,
                p_joint=float(p_joint[kb, lb]),
                log_joint=log_score(p_joint.ravel(), kb * lk + lb),
                scores={
                    "model": _scores(p_rung, kb, p_lag, lb),
                    "uniform": _scores(uniform_forecast(k), kb, uniform_forecast(lk), lb),
                    "climatology": _scores(clim_rung[i], kb, clim_lag[i], lb),
                    "in_kind": _scores(
                        in_kind_forecast(rung_bucket(c.trigger.rung), k, f.runs, alpha),
                        kb,
                        None,
                        lb,
                    ),
                },
            )
        )
    return HindcastResult(
        runs=runs,
        seed=seed,
        alpha=alpha,
        overrides=dict(overrides or {}),
        episodes=results,
        reliability=reliability(model_rung, rung_obs),
    )


def check_disjoint(cases: Sequence[Case], reference: Sequence[EpisodeFile]) -> None:
    """A reference set must not contain a scored episode (located error otherwise)."""
    if not reference:
        raise ScenarioError(
            [Problem("--reference", 1, 1, "", "the reference set is empty", "name episodes")]
        )
    scored = {c.id for c in cases}
    both = [e for e in reference if e.id in scored]
    if both:
        raise ScenarioError(
            [
                locate(
                    e.raw,
                    ("id",),
                    str(e.path),
                    f"episode '{e.id}' is both scored and in the reference set",
                    "a reference set must exclude the scored episodes",
                )
                for e in both
            ]
        )


def run_hindcast(
    episodes: Sequence[EpisodeFile],
    runs: int = DEFAULT_RUNS,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    workers: int | None = 1,
    alpha: float = SMOOTHING,
    on_done: Callable[[str], None] | None = None,
    scheduler: str | None = None,
    reference: Sequence[EpisodeFile] | None = None,
) -> HindcastResult:
    """Simulate every episode (``runs`` runs, ``seed``) and score the model and the baselines.

    The episodes run on ``workers`` local processes (None: the CPUs available) or the Dask
    cluster at ``scheduler`` (:class:`escalade.executor.Executor`); the scores do not depend
    on where.

    ``overrides`` (dotted path -> value, e.g. a calibrated overlay) apply to every episode's
    scenario before the episode's own overrides.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    if not episodes:
        raise ValueError("no episodes to score")
    cases = prepare_all(episodes, overrides)
    if reference is not None:
        check_disjoint(cases, reference)
    with Executor(workers, scheduler) as ex:
        found = forecasts(cases, runs, seed, ex, on_done)
    result = score(cases, found, runs, seed, alpha, overrides, reference)
    return dataclasses.replace(result, cases=cases, forecasts=found)


__all__ = [
    "FORECASTERS",
    "LAG_BUCKETS",
    "LAG_LABELS",
    "RUNG_BUCKETS",
    "RUNG_LABELS",
    "SMOOTHING",
    "Case",
    "Episode",
    "EpisodeFile",
    "Forecast",
    "HindcastResult",
    "Observed",
    "Trigger",
    "brier_score",
    "climatology_loo",
    "default_episodes_dir",
    "episode_scenario",
    "find_trigger",
    "first_answers",
    "forecast",
    "forecasts",
    "in_kind_forecast",
    "lag_bucket",
    "load_episode",
    "load_episodes",
    "log_score",
    "prepare",
    "prepare_all",
    "reliability",
    "run_hindcast",
    "rung_bucket",
    "score",
    "select_episodes",
    "smoothed",
    "uniform_forecast",
]
