"""ChnSentiCorp Chinese hotel reviews (``ChnSentiCorp_htl_all.csv``).

Examples
--------
>>> d = load_chnsenticorp("../shared/data/chnsenticorp/ChnSentiCorp_htl_all.csv")   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from .base import Dataset
from .common import BINARY_LABELS, Problems, decode, finish, read_bytes, records

__all__ = ["CHNSENTICORP_FILE", "load_chnsenticorp"]

#: The file's name in the corpus folder.
CHNSENTICORP_FILE = "ChnSentiCorp_htl_all.csv"

def load_chnsenticorp(path, *, split: str = "all", errors: str = "raise") -> Dataset:
    """ChnSentiCorp hotel reviews (``ChnSentiCorp_htl_all.csv``): ``label,review`` rows.

    ``1`` = positive, ``0`` = negative; ``lang`` is ``"zh"``. A header row (``label,review``,
    as in the SophonPlus release) is recognised and skipped; the shared copy has none.
    Rows whose review is empty are dropped and counted in ``meta["empty_dropped"]`` (the
    shared copy has exactly one, labelled 0, so it yields 7,765 reviews: 5,322 positive,
    2,443 negative). Reviews may contain commas and quotes (standard CSV quoting) and are
    stripped of surrounding whitespace. Decoded as UTF-8, falling back to GB18030 (older
    copies of the corpus); the encoding used is in ``meta["encoding"]``.
    """
    path = Path(path)
    problems = Problems(path, errors)
    text, enc = decode(path, read_bytes(path), ("utf-8", "gb18030"))
    texts, labels, empty, header = [], [], 0, False
    for line, row in records(path, text, "csv", ",", False, problems):
        if line == 1 and row and row[0].strip().lower() in ("label", "labels", "sentiment", "polarity"):
            header = True
            continue
        if len(row) != 2:
            problems(f"{len(row)} columns, expected 2 (label,review)", line)
            continue
        lab = row[0].strip()
        if lab not in ("0", "1"):
            problems(f"label must be 0 or 1, got {lab!r}", line)
            continue
        review = row[1].strip()
        if not review:
            empty += 1
            continue
        texts.append(review)
        labels.append(int(lab))
    meta = problems.into({"source": str(path), "encoding": enc, "header": header, "empty_dropped": empty})
    return finish(texts, labels, "zh", split, BINARY_LABELS, "chnsenticorp", meta, path)


