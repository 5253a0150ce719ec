"""Output tables written chunk by chunk: CSV, or Parquet when the name ends in ``.parquet``.

Both go to a temporary file renamed on completion (:func:`xproj._io.atomic_write`): a
failure leaves no half-written output. Parquet is written one row group per chunk, so
memory stays bounded by the chunk size; it needs pyarrow (``pip install 'xproj[parquet]'``).

Examples
--------
>>> cols = [("row", "int"), ("label", "str"), ("probability", "float")]
>>> with open_output("scored.parquet", cols) as out:              # doctest: +SKIP
...     out.write([[1, "positive", 0.91], [2, None, None]])
"""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

from ._io import atomic_write
from .errors import ConfigError

__all__ = ["KINDS", "open_output"]

#: Column kinds: Python values of each kind, None for a missing value.
KINDS = ("int", "float", "str")


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("writing Parquet needs pyarrow: pip install 'xproj[parquet]' (or pyarrow>=14)") from None
    return pa, pq


class _CsvOutput:
    def __init__(self, f, columns):
        self._w = csv.writer(f, lineterminator="\n")
        self._w.writerow([name for name, _ in columns])

    def write(self, rows):
        # repr of a float round-trips exactly: what is read back is what was computed
        self._w.writerows(["" if v is None else repr(v) if isinstance(v, float) else v for v in r] for r in rows)


class _ParquetOutput:
    def __init__(self, f, columns):
        pa, pq = _pyarrow()
        types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}
        self._pa = pa
        self._schema = pa.schema([(name, types[kind]) for name, kind in columns])
        self._writer = pq.ParquetWriter(f, self._schema)

    def write(self, rows):
        if rows:
            arrays = [self._pa.array(list(col), type=field.type) for col, field in zip(zip(*rows), self._schema)]
            self._writer.write_table(self._pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self):
        self._writer.close()


@contextlib.contextmanager
def open_output(path, columns):
    """A writer of rows (lists of values in ``columns`` order) into ``path``, atomically.

    Parameters
    ----------
    path : str or Path
        ``.parquet``: Parquet; anything else: CSV with a header row.
    columns : list of (name, kind)
        ``kind`` one of :data:`KINDS`.
    """
    parquet = Path(path).name.lower().endswith(".parquet")
    if parquet:
        _pyarrow()  # the install hint before any file is created
    with atomic_write(path, "wb" if parquet else "w") as f:
        if parquet:
            out = _ParquetOutput(f, columns)
            try:
                yield out
            except BaseException:
                # a ParquetWriter left open would write its footer when garbage collected, into
                # the closed temporary: "Exception ignored ..." and a traceback on stderr
                with contextlib.suppress(Exception):
                    out.close()
                raise
            out.close()
        else:
            yield _CsvOutput(f, columns)
