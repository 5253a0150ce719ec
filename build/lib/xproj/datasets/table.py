"""Any labelled CSV, TSV or JSON-lines file (a text column and a label column).

Examples
--------
>>> d = load_table("reviews.csv", text_column="review", label_column="stars", lang="fr",
...                label_map={1: 0, 2: 0, 3: None, 4: 1, 5: 1})   # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..tables import infer_format
from .base import Dataset
from .common import Problems, decode, finish, read_bytes, records

__all__ = ["load_table"]

def _column(rec, col, line, problems, what, from_header=False):
    """Value of column ``col`` (name or 0-based index) of one record, or raise/skip.
    ``from_header``: the record's names are a CSV/TSV header, the same for every row, so a
    name missing from it is the option's mistake (:class:`ConfigError`), not a bad row."""
    try:
        if isinstance(rec, dict):
            if isinstance(col, int):
                return list(rec.values())[col]
            if from_header and col not in rec:
                raise ConfigError(f"{problems.path}: no {what} column {col!r}; its header: {', '.join(map(str, rec))} "
                                  f"(a run's data.{what}_column)")
            return rec[col]
        if isinstance(rec, (list, tuple)):
            if not isinstance(col, int):
                raise ConfigError(
                    f"{problems.path}: {what} column {col!r} is a name but the file has no header; "
                    "use a 0-based index or has_header=True"
                )
            return rec[col]
    except (KeyError, IndexError):
        have = ", ".join(map(str, rec)) if isinstance(rec, dict) else f"{len(rec)} columns"
        problems(f"no {what} column {col!r} (have: {have})", line)
        return _MISSING
    problems(f"expected a JSON object or array, got {type(rec).__name__}", line)
    return _MISSING


_MISSING = object()


def load_table(path, *, text_column, label_column, lang: str, format=None, label_map=None,
               label_names=None, delimiter=None, encoding: str = "utf-8", split: str = "all",
               has_header: bool = True, name: str = "table", errors: str = "raise") -> Dataset:
    """A labelled CSV, TSV, JSON-lines (or JSON array) file.

    Parameters
    ----------
    path : str or Path
        The file (``.gz``/``.xz``/``.bz2`` are decompressed).
    text_column, label_column : str or int
        Column names (CSV/TSV with a header, JSON objects) or 0-based indexes (any file).
    lang : str
        Language of the texts.
    format : str, optional
        ``"csv"``, ``"tsv"``, ``"jsonl"`` or ``"json"``; inferred from the extension
        (``.csv``, ``.tsv``, ``.jsonl``, ``.json``) by default. A ``.json`` file holding one
        array of records is read as well as JSON lines.
    label_map : dict, optional
        Raw label value -> class id (int), or -> ``None`` to drop such rows (counted in
        ``meta["dropped"]``), e.g. ``{"1": 0, "2": 0, "3": None, "4": 1, "5": 1}``. Keys are
        compared as strings, so ``{1: 0}`` matches ``1`` and ``"1"``. A value missing from the
        map is a malformed row.
    label_names : list of str, optional
        Names of the class ids. Defaults: with ``label_map``, the keys of each id joined by
        ``"|"``; with integer labels, ``"0"``, ``"1"``, ...; with string labels, the sorted
        unique values themselves (class id = position in that list).
    delimiter : str, optional
        CSV delimiter (default ``","``, ``"\\t"`` for TSV).
    encoding : str
        Text encoding; bytes invalid in it raise :class:`InputFormatError` naming the line.
    split, name : str
        Recorded in the Dataset.
    has_header : bool
        Whether a CSV/TSV file's first row names the columns (ignored for JSON).
    errors : str
        ``"raise"`` or ``"skip"``: malformed rows (wrong number of columns, missing column,
        unparseable label, invalid JSON line) raise :class:`InputFormatError` or are counted
        in ``meta["skipped"]``.

    Labels are integers when every value is an integer (``3``, ``"3"``, ``3.0``); negative
    ones are malformed. Otherwise they are strings, except that when most values are integers
    the others are reported as malformed rather than silently becoming extra classes. Rows
    with an empty text are dropped and counted in ``meta["empty_dropped"]``.
    """
    path = Path(path)
    fmt = infer_format(path, format)
    problems = Problems(path, errors)
    text, enc = decode(path, read_bytes(path), (encoding,))
    if delimiter is None:
        delimiter = "\t" if fmt == "tsv" else ","
    rows = []  # (line, text, raw label)
    empty = 0
    from_header = has_header and fmt != "jsonl"
    for line, rec in records(path, text, fmt, delimiter, from_header, problems):
        t = _column(rec, text_column, line, problems, "text", from_header)
        if t is _MISSING:
            continue
        lab = _column(rec, label_column, line, problems, "label", from_header)
        if lab is _MISSING:
            continue
        if isinstance(lab, (dict, list)) or lab is None or (isinstance(lab, str) and not lab.strip()):
            problems(f"unparseable label {lab!r}", line)
            continue
        t = "" if t is None else str(t).strip()
        if not t:
            empty += 1
            continue
        rows.append((line, t, lab))

    meta = {"source": str(path), "format": fmt, "encoding": enc, "empty_dropped": empty}
    texts, labels = [], []
    if label_map is not None:
        lm = {str(k).strip(): v for k, v in label_map.items()}
        ids = [v for v in lm.values() if v is not None]
        if any(not isinstance(v, (int, np.integer)) or v < 0 for v in ids):
            raise ConfigError("label_map values must be class ids (non-negative ints) or None")
        dropped = 0
        for line, t, lab in rows:
            key = _label_key(lab)
            if key not in lm:
                problems(f"label {lab!r} not in label_map ({', '.join(map(repr, lm))})", line)
                continue
            if lm[key] is None:
                dropped += 1
                continue
            texts.append(t)
            labels.append(int(lm[key]))
        meta["dropped"] = dropped
        n = max(ids) + 1 if ids else 0
        names = label_names or ["|".join(k for k, v in lm.items() if v == i) or str(i) for i in range(n)]
    else:
        ints = [_as_int(lab) for _, _, lab in rows]
        n_int = sum(v is not None for v in ints)
        if rows and n_int * 2 > len(rows):  # integer labels
            for (line, t, lab), v in zip(rows, ints):
                if v is None or v < 0:
                    problems(f"unparseable label {lab!r} (expected a non-negative integer)", line)
                    continue
                texts.append(t)
                labels.append(v)
            n = max(labels) + 1 if labels else 0
            names = label_names or [str(i) for i in range(n)]
        else:  # string labels
            uniq = sorted({_label_key(lab) for _, _, lab in rows})
            names = list(label_names) if label_names else uniq
            index = {v: i for i, v in enumerate(names)}
            for line, t, lab in rows:
                key = _label_key(lab)
                if key not in index:
                    problems(f"label {lab!r} not in label_names", line)
                    continue
                texts.append(t)
                labels.append(index[key])
    if labels and max(labels) >= len(names):
        raise ConfigError(f"{path}: label id {max(labels)} but only {len(names)} label_names given")
    meta = problems.into(meta)
    return finish(texts, labels, lang, split, names, name, meta, path)


def _label_key(lab) -> str:
    v = _as_int(lab)
    return str(v) if v is not None else str(lab).strip()


def _as_int(lab):
    if isinstance(lab, bool):
        return None
    if isinstance(lab, (int, np.integer)):
        return int(lab)
    if isinstance(lab, float):
        return int(lab) if lab.is_integer() else None
    s = str(lab).strip()
    if re.fullmatch(r"[+-]?\d+", s):
        return int(s)
    if re.fullmatch(r"[+-]?\d+\.0*", s):
        return int(float(s))
    return None


