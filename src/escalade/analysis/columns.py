"""Result columns as NumPy arrays, without pandas.

pyarrow's own conversion (``to_numpy``, ``numpy.asarray``) passes through its pandas bridge,
which imports pandas the first time (about 0.3 s): a cost every ``escalade run`` paid only to
summarise its outcomes. The outcome columns are plain integers, floats, booleans and strings;
:func:`values` reads those from their Arrow buffers (the same numbers, zero-copy where Arrow
allows) and leaves anything else to pyarrow.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

_NUMPY: dict[pa.DataType, type[np.generic]] = {
    pa.int8(): np.int8,
    pa.int16(): np.int16,
    pa.int32(): np.int32,
    pa.int64(): np.int64,
    pa.uint8(): np.uint8,
    pa.uint16(): np.uint16,
    pa.uint32(): np.uint32,
    pa.uint64(): np.uint64,
    pa.float32(): np.float32,
    pa.float64(): np.float64,
}
"""Arrow's fixed-width number types and their NumPy dtypes."""


def values(column: pa.ChunkedArray | pa.Array) -> NDArray[Any]:
    """The column's values as :func:`numpy.asarray` would give them: numbers without nulls
    read-only from their buffer, booleans unpacked from their bits, strings as an object
    array; any other type (or a column with nulls) through pyarrow's own conversion."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    dtype = _NUMPY.get(arr.type)
    if arr.null_count == 0 and (dtype is not None or arr.type == pa.bool_()):
        if len(arr) == 0:
            return np.zeros(0, dtype=dtype or np.bool_)
        data = arr.buffers()[1]
        if dtype is None:  # booleans: one bit each, least significant first
            bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
            return bits[arr.offset : arr.offset + len(arr)].view(np.bool_)
        size = np.dtype(dtype).itemsize
        return np.frombuffer(data, dtype=dtype, count=len(arr), offset=arr.offset * size)
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return np.array(arr.to_pylist(), dtype=object)
    return np.asarray(arr.to_numpy(zero_copy_only=False))


__all__ = ["values"]
