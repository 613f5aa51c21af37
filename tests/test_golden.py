"""The restructured engine computes exactly what the engine computed before (issue 8).

Each golden file in ``tests/golden/`` was written by ``python -m tests.golden.goldens`` before
the restructuring: outcome tables of 2,000 runs (seed 1) of three built-ins and two test
scenarios, the event logs of five replayed runs of each, two ``salvo --json`` and one
``hindcast --json``. Tables must be equal value for value (floats bit for bit), JSON text for
text. Remove or regenerate these only in a change that deliberately changes the model, and say
so in its commit message.
"""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from tests.golden.goldens import HERE, all_goldens


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(all_goldens()))
def test_output_is_bit_identical_to_the_golden_file(name: str) -> None:
    fresh = all_goldens()[name]()
    golden = (HERE / name).read_bytes()
    if name.endswith(".parquet"):
        got, want = pq.read_table(io.BytesIO(fresh)), pq.read_table(io.BytesIO(golden))
        assert got.schema == want.schema
        for column in want.column_names:
            assert got.column(column).equals(want.column(column)), column
    else:
        assert fresh.decode() == golden.decode()
