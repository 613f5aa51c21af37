"""Result columns read as NumPy arrays without pandas (escalade.analysis.columns)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from escalade.analysis.columns import values

COLUMNS = {
    "ints": pa.array(np.arange(-5, 12, dtype=np.int64)),
    "small ints": pa.array(np.arange(17, dtype=np.int16)),
    "floats": pa.array(np.linspace(-1.0, 3.0, 17)),
    "float32": pa.array(np.linspace(0.0, 1.0, 17, dtype=np.float32)),
    "booleans": pa.array(np.arange(17) % 3 == 0),
    "strings": pa.array(["quiet", "war", "ongoing", "ceasefire"] * 4 + ["quiet"]),
    "with nulls": pa.array([1, None, 3] * 5 + [None, 2]),
}


@pytest.mark.parametrize("name", sorted(COLUMNS))
@pytest.mark.parametrize("shape", ["whole", "chunked", "sliced", "empty"])
def test_a_column_gives_what_numpy_asarray_gives(name: str, shape: str) -> None:
    arr = COLUMNS[name]
    column: pa.Array | pa.ChunkedArray
    if shape == "chunked":
        column = pa.chunked_array([arr[:5], arr[5:6], arr[6:]])
    elif shape == "sliced":  # an offset into the buffers (bits, for booleans)
        column = arr[3:14]
    elif shape == "empty":
        column = pa.chunked_array([], type=arr.type)
    else:
        column = arr
    expected = np.asarray(column.to_numpy(zero_copy_only=False))
    got = values(column)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)  # NaN (a null in floats) equals NaN


def test_summarising_a_stored_ensemble_does_not_import_pandas(tmp_path: Path) -> None:
    # pyarrow converts through its pandas bridge (importing pandas, about 0.3 s) for to_numpy
    # and for any Python scalar; the summary every `escalade run` prints needs neither.
    from escalade.api import simulate
    from escalade.scenario.load import load_scenario

    outcomes = simulate(load_scenario("april-2024"), runs=50, seed=3).outcomes
    pq.write_table(outcomes, tmp_path / "outcomes.parquet")
    code = (
        "import sys, pyarrow.parquet as pq\n"
        "from escalade.analysis.stats import summary\n"
        f"table = pq.ParquetFile({str(tmp_path / 'outcomes.parquet')!r}).read()\n"
        "result = summary(table)\n"
        "assert result['runs'] == 50, result['runs']\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
