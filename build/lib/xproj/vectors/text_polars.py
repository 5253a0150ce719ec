"""The quickest path for a block of ``.vec`` text: polars' CSV reader (optional dependency).

:func:`parse_block` hands a block of whole lines to ``polars.read_csv`` (Rust, on all
cores) and returns its words and float32 values, or None whenever the
block is anything but plain: then :mod:`xproj.vectors.text` parses it again with its own
readers, which name a malformed line or accept an unusual but valid one (tabs, double
spaces, ``1_0``). So the fast path only ever says "these values" or "not me", never an error.

Values are parsed as float64 (correctly rounded, like Python's ``float``) and then rounded
to float32, as the careful reader does: the bits are the same (tests/test_read_vec_polars.py).
Parsing straight to float32 would round once instead of twice and could differ in the last
bit for a decimal near a float32 tie.
"""

from __future__ import annotations

import numpy as np

_polars_module = None  # the module once imported; False when it cannot be


def polars():
    """The polars module, or None when it is not installed (or fails to import)."""
    global _polars_module
    if _polars_module is None:
        try:
            import polars as pl
        except Exception:  # not installed, or a build this CPU cannot run
            pl = False
        _polars_module = pl
    return _polars_module or None


def parse_block(block: bytes, n_lines: int, dim: int):
    """``(words, float32 values)`` of a block of ``n_lines`` well-formed lines, else None.

    Parameters
    ----------
    block : bytes
        Whole lines (the last one may lack its newline), no header.
    n_lines : int
        Lines in ``block``; a block read as another number of rows is refused.
    dim : int
        Values a line must have.
    """
    pl = polars()
    if pl is None:
        return None
    # A carriage return anywhere but before a newline: polars would end a line there (or
    # ignore it inside a number); the careful reader treats it as a space.
    if b"\r" in block and block.count(b"\r") != block.count(b"\r\n"):
        return None
    trailing = _ends_with_space(block)  # fastText writes a space after the last value
    try:
        # Only arguments that polars 1.x and 2.x share; nothing below depends on whether an
        # empty string field is read as null or as "" (both are refused).
        frame = pl.read_csv(block, has_header=False, separator=" ", quote_char=None,
                            schema=_schema(pl, dim, trailing), comment_prefix=None,
                            encoding="utf8", ignore_errors=False, truncate_ragged_lines=False)
    except (Exception, pl.exceptions.PanicException):  # any complaint: the careful reader decides
        return None
    # Every line a row (an empty line is a row of nulls), every field present: a missing
    # value, an empty word (a line starting with a space) or two spaces in a row are nulls.
    if frame.height != n_lines or any(frame.null_count().row(0)[: dim + 1]):
        return None
    if trailing and frame.get_column("end").null_count() != n_lines:
        # The field after the last space: empty, or a value more than dim with no space after.
        if any(frame.get_column("end").to_list()):
            return None
    words = frame.get_column("word").to_list()
    if "" in words or None in words:
        return None
    values = frame[:, 1 : dim + 1].to_numpy()  # float64, as parsed (slicing beats drop())
    with np.errstate(over="ignore"):  # beyond float32's range: inf, refused just below
        values = values.astype(np.float32)  # rounded as the careful reader's np.array(..., float32)
    if not np.isfinite(values).all():  # nan, inf
        return None
    return words, values


_SCHEMAS: dict = {}


def _schema(pl, dim: int, trailing: bool):
    key = (dim, trailing)
    if key not in _SCHEMAS:
        schema = {"word": pl.String, **{f"v{i}": pl.Float64 for i in range(dim)}}
        if trailing:
            schema["end"] = pl.String  # the empty field after the last space
        _SCHEMAS[key] = schema
    return _SCHEMAS[key]


def _ends_with_space(block: bytes) -> bool:
    """Whether the block's first line ends with a space (before its newline)."""
    end = block.find(b"\n")
    first = block if end < 0 else block[:end]
    return first.rstrip(b"\r").endswith(b" ")
