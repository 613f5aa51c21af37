"""Golden outputs: what the model computes today, to be kept bit-identical by restructuring.

``python -m tests.golden.goldens`` (from the repository root) writes them; ``test_golden.py``
recomputes each and compares byte for byte. Regenerate them only in a change that means to
change the model's numbers, and say so in its commit message.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from escalade.cli import app
from escalade.scenario.load import load_scenario
from escalade.simulation import run_batch
from tests.policies.versus import duel

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
RUNS = 2000
SEED = 1
REPLAYED = (0, 7, 42, 611, 1999)


def scenarios() -> dict[str, Callable[[], object]]:
    """The five scenarios whose outputs are pinned: three built-ins and two test scenarios."""
    return {
        "april-2024": lambda: load_scenario("april-2024"),
        "august-2024": lambda: load_scenario("august-2024"),
        "january-2020": lambda: load_scenario("january-2020"),
        "duel": lambda: load_scenario(FIXTURES / "duel.yaml"),
        "versus": lambda: duel(
            "calibrated_retaliation",
            [(0, "symbolic_strike"), (3, "large_salvo"), (9, "targeted_killing_abroad")],
        ),
    }


def _bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def outcome_bytes(name: str) -> bytes:
    sc = scenarios()[name]()
    return _bytes(run_batch(sc, SEED, np.arange(RUNS, dtype=np.int64)).outcomes)  # type: ignore[arg-type]


def event_bytes(name: str) -> bytes:
    sc = scenarios()[name]()
    tables = [
        run_batch(sc, SEED, np.array([r]), keep_events=True).events  # type: ignore[arg-type]
        for r in REPLAYED
    ]
    return _bytes(pa.concat_tables([t for t in tables if t is not None]))


CLI_CASES: dict[str, list[str]] = {
    "salvo-april-warned.json": [
        "salvo",
        "april-2024",
        "--from",
        "IRN",
        "--at",
        "ISR",
        "--fire",
        "shahed_136=170",
        "--fire",
        "emad=60",
        "--warning-days",
        "2",
        "--runs",
        "2000",
        "--seed",
        "5",
        "--json",
    ],
    "salvo-january-unwarned.json": [
        "salvo",
        "january-2020",
        "--from",
        "IRN",
        "--at",
        "USA",
        "--fire",
        "fateh_110=8",
        "--fire",
        "qiam_1=8",
        "--runs",
        "2000",
        "--seed",
        "9",
        "--json",
    ],
    "hindcast.json": [
        "hindcast",
        *[f"E{i}" for i in range(1, 10)],
        "--runs",
        "100",
        "--seed",
        "3",
        "--workers",
        "1",
        "--json",
    ],
}


def cli_bytes(name: str) -> bytes:
    result = CliRunner().invoke(app, CLI_CASES[name])
    assert result.exit_code == 0, result.output
    return json.dumps(json.loads(result.stdout), indent=1, sort_keys=True).encode()


def all_goldens() -> dict[str, Callable[[], bytes]]:
    out: dict[str, Callable[[], bytes]] = {}
    for name in scenarios():
        out[f"{name}.outcomes.parquet"] = lambda n=name: outcome_bytes(n)  # type: ignore[misc]
        out[f"{name}.events.parquet"] = lambda n=name: event_bytes(n)  # type: ignore[misc]
    for name in CLI_CASES:
        out[name] = lambda n=name: cli_bytes(n)  # type: ignore[misc]
    return out


if __name__ == "__main__":
    for file, make in all_goldens().items():
        (HERE / file).write_bytes(make())
        print("wrote", file)
