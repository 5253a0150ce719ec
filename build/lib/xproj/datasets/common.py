"""What every dataset loader shares: label names, task names, decoding, malformed-row
handling, and the one way of reading table rows (:mod:`xproj.tables`).

Examples
--------
>>> canonical_task("4-class"), canonical_task("binary")
('4class', 'binary')
"""

from __future__ import annotations

import io

import numpy as np

from ..errors import ConfigError, InputFormatError
from ..tables import iter_records
from .base import Dataset

BINARY_LABELS = ["negative", "positive"]

#: Task names, one spelling each; the loaders say which they support.
TASKS = ("binary", "4class", "5class")
#: Other spellings accepted for them (the only place they are listed).
TASK_ALIASES = {"2class": "binary", "2-class": "binary", "4-class": "4class", "5-class": "5class"}

_MAX_PROBLEMS = 20


def canonical_task(task, supported=TASKS, *, corpus: str = "") -> str:
    """``task`` in its one spelling (``"4-class"`` -> ``"4class"``), checked against ``supported``.

    Raises
    ------
    ConfigError
        An unknown task or one the corpus does not have; the message lists those it has.
    """
    t = str(task).strip().lower().replace("_", "-")
    t = TASK_ALIASES.get(t, t)
    if t not in supported:
        who = f"{corpus} task" if corpus else "task"
        raise ConfigError(f"{who} must be {' or '.join(repr(s) for s in supported)}, got {task!r}")
    return t


def check_errors(errors: str) -> str:
    if errors not in ("raise", "skip"):
        raise ConfigError(f"errors must be 'raise' or 'skip', got {errors!r}")
    return errors


class Problems:
    """Collects malformed rows: raise at once, or count them (``errors="skip"``)."""

    def __init__(self, path, errors: str):
        self.path = path
        self.errors = check_errors(errors)
        self.skipped = 0
        self.messages: list = []

    def __call__(self, problem: str, line: int | None = None):
        if self.errors == "raise":
            raise InputFormatError(self.path, problem + " (fix or remove the row; the library's loaders leave such rows "
                                                 "out with errors='skip')", line)
        self.skipped += 1
        if len(self.messages) < _MAX_PROBLEMS:
            self.messages.append(f"line {line}: {problem}" if line is not None else problem)

    def into(self, meta: dict) -> dict:
        meta["skipped"] = self.skipped
        if self.messages:
            meta["problems"] = list(self.messages)
        return meta


def root_path(value, offline: bool):
    """A loader's ``root``: an existing path, or a resource spec (``opener:es``) fetched to the
    cache; anything else is returned as a Path for the loader to explain what it expected."""
    from ..locate import is_spec, locate

    if isinstance(value, str) and is_spec(value):
        return locate(value, "root", offline=offline)
    from pathlib import Path

    return Path(value).expanduser()


def read_bytes(path) -> bytes:
    from .._io import open_binary

    with open_binary(path) as f:  # ResourceNotFoundError when missing
        return f.read()


def decode(path, data: bytes, encodings) -> tuple:
    """Decode with the first encoding that works; on failure name the line of the bad bytes.

    Returns ``(text, encoding)``. A UTF-8 byte-order mark is dropped.
    """
    if isinstance(encodings, str):
        encodings = (encodings,)
    first_error = None
    for enc in encodings:
        try:
            if enc.lower().replace("_", "-") in ("utf-8", "utf8"):
                return data.decode("utf-8-sig"), "utf-8"
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            first_error = first_error or (enc, exc)
        except LookupError:
            raise ConfigError(f"unknown text encoding {enc!r}") from None
    enc, exc = first_error
    line = data.count(b"\n", 0, exc.start) + 1
    col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    tried = " or ".join(encodings)
    raise InputFormatError(
        path,
        f"byte(s) {data[exc.start:exc.end]!r} at column {col} are not valid {tried}; "
        "re-save the file as UTF-8 (the library's loaders take encoding=...)",
        line,
    )


def records(path, text: str, fmt: str, delimiter, has_header: bool, problems: Problems):
    """Yield ``(line, fields)`` of the readable rows of decoded ``text``; the others go to ``problems``."""
    for rec in iter_records(io.StringIO(text, newline=""), fmt, delimiter=delimiter, header=has_header, path=path):
        if rec.error is not None:
            problems(rec.error, rec.line)
            continue
        yield rec.line, rec.fields


def finish(texts, labels, lang, split, label_names, name, meta, path) -> Dataset:
    if not texts:
        raise InputFormatError(path, f"no examples found for {name} (lang={lang!r}, split={split!r})")
    return Dataset(list(texts), np.asarray(labels, dtype=np.int64), lang, split, list(label_names), name, meta)
