"""The compiled kernel of :mod:`xproj.vectors.text_numba` (imported only to build it, with numba).

:func:`entry` compiles :func:`parse_rows` once as a C function of pointers and integers, whose
machine code :mod:`xproj.vectors._vec_object` saves and later processes load without numba (numba's
own ``cache=True`` would still cost each process ~0.25 s before the first call). No numba
threading layer: :mod:`xproj.vectors.text_numba` splits the lines over plain Python threads (the
kernel runs without the GIL), which are threadsafe and fork-safe where numba's default layer is
neither.
"""

import numba
import numpy as np
from numba import types

_MAX_MANTISSA = 1 << 53  # digits beyond this: not exact in a double
# A digit's value is int(buf[i]), an int64, not a uint8: under NUMBA_DISABLE_JIT=1 this code runs as
# Python on numpy scalars, where uint8 arithmetic would wrap.


@numba.njit(nogil=True)
def read_digits(buf, i, end, m):
    """The decimal digits from ``buf[i]`` on, appended to ``m``: ``(index after them, m, how many)``;
    how many is -1 once ``m`` reaches 2**53 (no longer exact in a double)."""
    n = 0
    while i < end and 48 <= buf[i] <= 57:
        m = m * 10 + (int(buf[i]) - 48)
        n += 1
        i += 1
        if m >= _MAX_MANTISSA:
            return i, m, -1
    return i, m, n


@numba.njit(nogil=True)
def parse_line(buf, start, end, dim, out, row, pow10):
    """Parse one line ``buf[start:end]`` (no newline) into ``out[row]``; the word's end, or -1."""
    i = start
    while i < end and buf[i] != 32:  # the word: up to the first space
        if buf[i] == 13:  # a carriage return inside the line
            return -1
        i += 1
    word_end = i
    if word_end == start or i == end:
        return -1
    if buf[end - 1] == 13:  # "\r\n": the careful reader strips it
        end -= 1
    if end > i + 1 and buf[end - 1] == 32:  # fastText's space after the last value
        end -= 1
    for j in range(dim):
        if i >= end or buf[i] != 32:
            return -1
        i += 1
        negative = False
        if i < end and (buf[i] == 45 or buf[i] == 43):  # - +
            negative = buf[i] == 45
            i += 1
        i, m, n_int = read_digits(buf, i, end, 0)
        if n_int < 0:
            return -1
        n_frac = 0
        if i < end and buf[i] == 46:  # .
            i, m, n_frac = read_digits(buf, i + 1, end, m)
            if n_frac < 0:
                return -1
        if n_int + n_frac == 0:
            return -1
        scale = -n_frac
        if i < end and (buf[i] == 101 or buf[i] == 69):  # e E
            i += 1
            exp_negative = False
            if i < end and (buf[i] == 45 or buf[i] == 43):
                exp_negative = buf[i] == 45
                i += 1
            exp = 0
            n_exp = 0
            while i < end and 48 <= buf[i] <= 57:
                exp = exp * 10 + (int(buf[i]) - 48)
                n_exp += 1
                i += 1
                if n_exp > 4:
                    return -1
            if n_exp == 0:
                return -1
            scale += -exp if exp_negative else exp
        if m == 0:
            value = 0.0
        elif scale > 22 or scale < -22:
            return -1
        elif scale >= 0:
            value = float(m) * pow10[scale]
        else:
            value = float(m) / pow10[-scale]
        out[row, j] = np.float32(-value if negative else value)
    if i != end:
        return -1
    return word_end


@numba.njit(nogil=True)
def parse_rows(buf, starts, ends, dim, out, word_ends, pow10, first, stop):
    """Parse lines ``first:stop`` (without the GIL, so threads share the work); False if one is
    not plain (the caller then refuses the block)."""
    plain = True
    for row in range(first, stop):
        word_end = parse_line(buf, starts[row], ends[row], dim, out, row, pow10)
        word_ends[row] = word_end
        if word_end < 0:
            plain = False
    return plain


# The entry point's C signature: (buf, len(buf), starts, ends, dim, out, n_rows, word_ends, pow10,
# first, stop) -> 1 if every line of first:stop is plain, else 0. Arrays as pointers to their first
# element, C-contiguous; out is n_rows x dim; pow10 holds 10**0 .. 10**22.
_U8, _I64, _F32, _F64 = (types.CPointer(t) for t in (types.uint8, types.int64, types.float32, types.float64))
ENTRY_SIGNATURE = types.int64(_U8, types.int64, _I64, _I64, types.int64, _F32, types.int64, _I64, _F64,
                              types.int64, types.int64)
N_POW10 = 23


def entry():
    """:func:`parse_rows` compiled as a C function of :data:`ENTRY_SIGNATURE` (a numba ``cfunc``;
    compiled on this call, ~3 s)."""

    @numba.cfunc(ENTRY_SIGNATURE, nopython=True, error_model="numpy")
    def parse_rows_c(buf_p, n_buf, starts_p, ends_p, dim, out_p, n_rows, word_ends_p, pow10_p, first, stop):
        buf = numba.carray(buf_p, (n_buf,))
        starts = numba.carray(starts_p, (n_rows,))
        ends = numba.carray(ends_p, (n_rows,))
        out = numba.carray(out_p, (n_rows, dim))
        word_ends = numba.carray(word_ends_p, (n_rows,))
        pow10 = numba.carray(pow10_p, (N_POW10,))
        return 1 if parse_rows(buf, starts, ends, dim, out, word_ends, pow10, first, stop) else 0

    return parse_rows_c
