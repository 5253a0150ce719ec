"""The fastest path of :func:`xproj.vectors.read_vec`: a block of raw ``.vec`` lines parsed by
pyarrow's multithreaded CSV reader (the optional ``fast`` extra).

Only plain blocks are taken: ``word v1 ... vdim`` separated by single spaces, optionally one
space before the newline (fastText), LF or CRLF. Anything else (a malformed line, tabs, double
spaces, an empty line, a value Python's ``float`` reads but Arrow does not, bad UTF-8, a
non-finite value) makes :meth:`ArrowBlocks.parse` return None and the block goes to the
reader's other paths, which give the same values or name the bad line. Values are parsed to
float64 (correctly rounded, as ``float()``), then rounded to float32: the same bits as the
careful reader (tests/test_read_vec_paths.py).
"""

from __future__ import annotations

import numpy as np

try:  # optional: without pyarrow, read_vec uses numpy's parser
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
except ImportError:  # pragma: no cover - depends on the environment
    pa = None

_MIN_CHUNK = 256 * 1024  # bytes per Arrow parse chunk: each thread gets a few of a block


def available() -> bool:
    return pa is not None


class ArrowBlocks:
    """Parses blocks of ``dim``-dimensional vector lines; options built once per layout."""

    def __init__(self, dim: int):
        self.dim = dim
        self._convert = {trailing: self._convert_options(trailing) for trailing in (False, True)}
        self._parse = pcsv.ParseOptions(delimiter=" ", quote_char=False, escape_char=False,
                                        newlines_in_values=False, ignore_empty_lines=False)

    def _names(self, trailing):
        return [str(i) for i in range(self.dim + 1 + trailing)]

    def _convert_options(self, trailing):
        names = self._names(trailing)
        types = {name: pa.float64() for name in names}
        types[names[0]] = pa.binary()  # decoded in Python: the same UTF-8 check as the careful reader
        if trailing:
            types[names[-1]] = pa.binary()  # must be empty
        return pcsv.ConvertOptions(column_types=types, null_values=[], true_values=[], false_values=[],
                                   strings_can_be_null=False, quoted_strings_can_be_null=False,
                                   check_utf8=False)

    def parse(self, lines: list[bytes]):
        """``(words, float32 values)`` of a block of raw lines, or None (see the module doc)."""
        if not lines:
            return None
        first = lines[0].rstrip(b"\r\n")
        trailing = first.endswith(b" ")
        data = b"".join(lines)
        read = pcsv.ReadOptions(column_names=self._names(trailing), use_threads=True,
                                block_size=max(_MIN_CHUNK, len(data) // 8))
        try:
            table = pcsv.read_csv(pa.py_buffer(data), read_options=read, parse_options=self._parse,
                                  convert_options=self._convert[trailing])
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
            return None
        if table.num_rows != len(lines):
            return None
        if trailing and pc.max(pc.binary_length(table.column(self.dim + 1))).as_py() != 0:
            return None
        try:
            words = [w.decode("utf-8") for w in table.column(0).to_pylist()]
        except UnicodeDecodeError:
            return None
        if not all(words):
            return None
        values = np.empty((len(lines), self.dim), dtype=np.float32)
        for j in range(self.dim):
            values[:, j] = table.column(j + 1).to_numpy()
        if not np.isfinite(values).all():
            return None
        return words, values
