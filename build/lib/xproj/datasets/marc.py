"""The Multilingual Amazon Reviews Corpus (Keung et al. 2020): JSON lines or CSV, user-supplied.

Examples
--------
>>> d = load_marc("marc", "de", "test", task="5class")   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ResourceNotFoundError
from ..tables import infer_format
from .base import Dataset
from .common import BINARY_LABELS, Problems, canonical_task, decode, finish, read_bytes, records, root_path

__all__ = ["MARC_5CLASS_LABELS", "MARC_TASKS", "load_marc"]

MARC_TASKS = ("binary", "5class")
MARC_5CLASS_LABELS = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]



def _marc_file(root: Path, lang: str, split: str) -> Path:
    if root.is_file():
        return root
    stem = f"dataset_{lang}_{split}"
    tried = []
    for d in (root / split, root, root / "json" / split, root / "csv" / split):
        for ext in (".json", ".jsonl", ".csv", ".json.gz", ".jsonl.gz", ".csv.gz"):
            p = d / (stem + ext)
            tried.append(p)
            if p.is_file():
                return p
    from ..resources import MARC_LAYOUT

    raise ResourceNotFoundError(
        f"{tried[0]}: no such file (MARC {lang}/{split}; also looked for {tried[1].name}, "
        f"{tried[2].name} and in {root}).\n{MARC_LAYOUT.replace('<data_dir>/datasets/marc', str(root))}"
    )


def load_marc(path_or_root, lang: str, split: str = "train", *, task: str = "binary",
              include_title: bool = False, title_sep: str = "\n", format=None, offline: bool = False,
              errors: str = "raise") -> Dataset:
    """Multilingual Amazon Reviews Corpus (Keung et al. 2020).

    Parameters
    ----------
    path_or_root : str or Path
        One file, or the corpus folder laid out as :data:`xproj.resources.MARC_LAYOUT`
        (``{train,dev,test}/dataset_{lang}_{split}.json``; ``dataset_{lang}_{split}.json`` directly
        under the folder, ``.jsonl``/``.csv`` and ``.gz`` variants are found too), or ``"marc"``
        (the cache folder or ``$XPROJ_MARC``).
    lang : str
        ``de en es fr ja zh``. Rows whose ``language`` field names another language are left
        out (counted in ``meta["other_language"]``), so one file of all languages works too.
    split : str
        ``"train"``, ``"dev"`` or ``"test"`` (only used to find the file in a folder).
    task : str
        ``"binary"``: 1-2 stars -> 0 ``negative``, 4-5 -> 1 ``positive``, 3 dropped (counted in
        ``meta["neutral_dropped"]``). ``"5class"``: ``stars - 1``.
    include_title : bool
        Prepend ``review_title`` to ``review_body``, joined by ``title_sep``.
    format : str, optional
        ``"jsonl"``/``"json"`` or ``"csv"``; inferred from the file name by default. JSON lines
        (or one JSON array); CSV with a header row naming the same columns.
    errors : str
        ``"raise"`` or ``"skip"`` (malformed rows: invalid JSON, missing ``stars``/``review_body``,
        stars not 1-5).
    """
    task = canonical_task(task, MARC_TASKS, corpus="MARC")
    five = task == "5class"
    names = MARC_5CLASS_LABELS if five else BINARY_LABELS
    root = root_path(path_or_root, offline)
    if not root.exists():
        raise ResourceNotFoundError(f"{root}: no such file or directory (MARC)")
    path = _marc_file(root, lang, split)
    fmt = infer_format(path, format)
    problems = Problems(path, errors)
    text, enc = decode(path, read_bytes(path), ("utf-8",))
    delimiter = "\t" if fmt == "tsv" else ","
    texts, labels, neutral, other, empty = [], [], 0, 0, 0
    for line, rec in records(path, text, fmt, delimiter, True, problems):
        if not isinstance(rec, dict):
            problems("expected a JSON object with the MARC fields", line)
            continue
        rl = rec.get("language")
        if rl and lang and str(rl).lower() != lang.lower():
            other += 1
            continue
        if "stars" not in rec or "review_body" not in rec:
            problems("missing field " + ("'stars'" if "stars" not in rec else "'review_body'"), line)
            continue
        try:
            stars = int(float(rec["stars"]))
            if not 1 <= stars <= 5 or float(rec["stars"]) != stars:
                raise ValueError
        except (TypeError, ValueError):
            problems(f"stars must be an integer 1-5, got {rec['stars']!r}", line)
            continue
        body = str(rec.get("review_body") or "").strip()
        if include_title:
            title = str(rec.get("review_title") or "").strip()
            body = f"{title}{title_sep}{body}" if title and body else (title or body)
        if not body:
            empty += 1
            continue
        if five:
            label = stars - 1
        elif stars == 3:
            neutral += 1
            continue
        else:
            label = 1 if stars > 3 else 0
        texts.append(body)
        labels.append(label)
    meta = problems.into({
        "source": str(path), "format": fmt, "encoding": enc, "task": task,
        "neutral_dropped": neutral, "other_language": other, "empty_dropped": empty,
    })
    return finish(texts, labels, lang, split, names, "marc", meta, path)


