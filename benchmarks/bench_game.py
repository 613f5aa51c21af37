"""A game's latency (issue 13, item 6): how long a person waits after each decision.

Not a test: it prints figures for docs/performance.md. Run with
`.venv/bin/python benchmarks/bench_game.py [--decisions 30]`.

A game re-simulates its run from day 0 with the decisions so far at every step
(:mod:`escalade.game`), so the wait grows with the day of the decision. This plays
`april-2024` as IRN, asked every day (`model.decision_rate=1`), always threatening (so the
crisis lasts), and times each `choose` (the re-simulation up to the next turn, with the turn's
briefing, knowledge and options), then a save and a load-and-pending (a resume).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from escalade.game import Game

THREATEN = 2
"""Option 2 of april-2024 for IRN: threaten (after wait and declare concluded)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=30)
    args = parser.parse_args()
    game = Game.new("april-2024", ["IRN"], seed=1, sets=["model.decision_rate=1"])
    game.pending()  # warm up imports and the first compile
    waits = []
    while (turn := game.pending()) is not None and len(waits) < args.decisions:
        start = time.perf_counter()
        game.choose(turn.actor, min(THREATEN, len(turn.options) - 1))
        waits.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "game.json"
        start = time.perf_counter()
        game.save(path)
        saved = time.perf_counter() - start
        start = time.perf_counter()
        Game.load(path).pending()
        resumed = time.perf_counter() - start
    ms = [w * 1000 for w in waits]
    print(f"python {platform.python_version()}, {platform.machine()}")
    print(
        f"{len(ms)} decisions: wait after a decision median {statistics.median(ms):.1f} ms, "
        f"max {max(ms):.1f} ms (last decision on day {game.decisions[-1].day}); "
        f"save {saved * 1000:.1f} ms; load + pending (resume) {resumed * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
