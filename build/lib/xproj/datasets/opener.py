"""OpeNER (en, es) / MultiBooked (ca, eu) hotel-review sentences, and their machine
translations into English (Barnes et al. 2018, the BLSE repository's layout).

Examples
--------
>>> d = load_opener("../shared/data/opener", "es", "test", task="4class")   # doctest: +SKIP
>>> d.label_names                                                            # doctest: +SKIP
['strong negative', 'negative', 'positive', 'strong positive']
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, ResourceNotFoundError
from .base import Dataset
from .common import BINARY_LABELS, canonical_task, check_errors, decode, finish, read_bytes, root_path

__all__ = ["OPENER_4CLASS_LABELS", "OPENER_LAYOUT", "OPENER_TASKS", "load_opener", "load_opener_translated"]

#: The tasks of OpeNER, in the order of the label columns of :data:`_OPENER_CLASSES`.
OPENER_TASKS = ("binary", "4class")
OPENER_4CLASS_LABELS = ["strong negative", "negative", "positive", "strong positive"]

#: class file -> (binary label, 4-class label)
_OPENER_CLASSES = {"strneg": (0, 0), "neg": (0, 1), "pos": (1, 2), "strpos": (1, 3)}
_OPENER_SPLITS = ("train", "dev", "test")

OPENER_LAYOUT = """\
Expected one of these layouts (one tokenised sentence a line, one file a class; mixed.txt unused):
    <root>/{lang}/{train,dev,test}/{strneg,neg,pos,strpos}.txt                (shared / xproj cache)
    <root>/{lang}/opener_sents/{train,dev,test}/{strneg,neg,pos,strpos}.txt   (BLSE 'datasets' folder)
    <root>/datasets/{lang}/opener_sents/{train,dev,test}/...                  (BLSE repository root)
    <root>/{train,dev,test}/...                                               (one language's folder)
Translated-to-English copies:
    <root>/translated-to-en/{lang}/{train,dev,test}/...                       (shared)
    <root>/trans/{lang}/opener_sents/{train,dev,test}/...                     (BLSE 'datasets' folder)
    <root>/datasets/trans/{lang}/opener_sents/{train,dev,test}/...            (BLSE repository root)
Get the originals with 'xproj download dataset opener <lang>'."""


def _opener_task(task: str) -> tuple:
    """(column of :data:`_OPENER_CLASSES`, label names) of a task."""
    if canonical_task(task, OPENER_TASKS, corpus="OpeNER") == "binary":
        return 0, BINARY_LABELS
    return 1, OPENER_4CLASS_LABELS


def _opener_splits(split: str) -> tuple:
    if split == "all":
        return _OPENER_SPLITS
    if split not in _OPENER_SPLITS:
        raise ConfigError(f"OpeNER split must be one of train, dev, test, all; got {split!r}")
    return (split,)


def _has_split(d: Path, split: str) -> bool:
    sd = d / split
    return sd.is_dir() and any((sd / f"{c}.txt").exists() or (sd / f"{c}.txt~").exists() for c in _OPENER_CLASSES)


def _find_opener_dir(root: Path, lang: str, splits, translated: bool) -> Path:
    if translated:
        cands = [
            root / "translated-to-en" / lang,
            root / "trans" / lang / "opener_sents",
            root / "datasets" / "trans" / lang / "opener_sents",
            root / "opener" / "translated-to-en" / lang,
        ]
        if root.name in ("translated-to-en", "trans"):
            cands += [root / lang, root / lang / "opener_sents"]
    else:
        cands = [
            root / lang,
            root / lang / "opener_sents",
            root / lang / "multibooked",
            root / "datasets" / lang / "opener_sents",
            root / "datasets" / lang / "multibooked",
            root / "opener" / lang,
            root / "datasets" / "opener" / lang,  # an xproj data directory
            root,
        ]
    for d in cands:
        if all(_has_split(d, s) for s in splits):
            return d
    if not root.exists():
        raise ResourceNotFoundError(f"{root}: no such directory (OpeNER root).\n{OPENER_LAYOUT}")
    found = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    what = "translated-to-English OpeNER" if translated else "OpeNER"
    raise ResourceNotFoundError(
        f"{root}: no {what} data for language {lang!r}, split(s) {', '.join(splits)} "
        f"(looked in {', '.join(str(c) for c in cands[:3])}, ...; folders present: {found or 'none'}).\n"
        f"{OPENER_LAYOUT}"
    )


def _read_opener(root, lang, split, task, translated, offline, errors):
    col, names = _opener_task(task)
    splits = _opener_splits(split)
    check_errors(errors)
    root = root_path(root, offline)
    base = _find_opener_dir(root, lang, splits, translated)
    texts, labels, encodings, notes = [], [], {}, []
    split_of, counts_per_file, blank = [], {}, 0
    for s in splits:
        for cls, lab in _OPENER_CLASSES.items():
            f = base / s / f"{cls}.txt"
            if not f.exists() and (base / s / f"{cls}.txt~").exists():
                # the BLSE repository ships trans/ca/opener_sents/dev/strpos.txt as 'strpos.txt~'
                f = base / s / f"{cls}.txt~"
                notes.append(f"read {f} (no {cls}.txt)")
            if not f.exists():
                raise ResourceNotFoundError(f"{f}: missing OpeNER class file.\n{OPENER_LAYOUT}")
            text, enc = decode(f, read_bytes(f), ("utf-8", "latin-1"))
            encodings[f"{s}/{f.name}"] = enc
            n = 0
            for line in text.splitlines():
                line = line.strip()
                if not line:
                    blank += 1
                    continue
                texts.append(line)
                labels.append(lab[col])
                split_of.append(s)
                n += 1
            counts_per_file[f"{s}/{cls}"] = n
    used = set(encodings.values())
    meta = {
        "source": str(base),
        "task": OPENER_TASKS[col],
        "encoding": used.pop() if len(used) == 1 else "mixed",
        "encodings": encodings,
        "files": counts_per_file,
        "blank_lines": blank,
        "skipped": 0,
    }
    if split == "all":
        meta["splits"] = split_of
    if notes:
        meta["notes"] = notes
    return texts, labels, names, meta, base


def load_opener(root, lang: str, split: str = "train", *, task: str = "binary", offline: bool = False,
                errors: str = "raise") -> Dataset:
    """OpeNER (en, es) / MultiBooked (ca, eu) hotel-review sentences.

    Parameters
    ----------
    root : str or Path
        A folder in one of the layouts of :data:`OPENER_LAYOUT` (the shared ``opener`` folder,
        the BLSE repository or its ``datasets`` folder, one language's folder, an xproj data
        directory), or the spec ``"opener:<lang>"`` (downloaded into the cache if needed).
    lang : str
        ``"en"``, ``"es"``, ``"ca"``, ``"eu"`` (any folder name of the same layout works).
    split : str
        ``"train"``, ``"dev"``, ``"test"`` or ``"all"`` (the three concatenated;
        ``meta["splits"]`` then gives each sentence's split).
    task : str
        ``"binary"``: pos+strpos -> 1 ``positive``, neg+strneg -> 0 ``negative``.
        ``"4class"``: strneg=0, neg=1, pos=2, strpos=3. ``mixed.txt`` is never read.
    offline : bool
        Only for a spec ``root``: do not download.
    errors : str
        Accepted for symmetry with the other loaders; OpeNER files have no malformed rows
        (blank lines are ignored and counted in ``meta["blank_lines"]``).

    Files are decoded as UTF-8, falling back to latin-1 per file (the BLSE code reads them as
    latin-1); ``meta["encoding"]`` is ``"utf-8"``, ``"latin-1"`` or ``"mixed"`` and
    ``meta["encodings"]`` gives it per file. Sentences are stripped of surrounding whitespace
    and ordered split by split, class file by class file (strneg, neg, pos, strpos).
    """
    texts, labels, names, meta, base = _read_opener(root, lang, split, task, False, offline, errors)
    return finish(texts, labels, lang, split, names, "opener", meta, base)


def load_opener_translated(root, lang: str, split: str = "test", *, task: str = "binary",
                           offline: bool = False, errors: str = "raise") -> Dataset:
    """The target-language OpeNER/MultiBooked sentences machine-translated into English.

    For a translate-test baseline: the texts are English (``Dataset.lang == "en"``), the
    language of the original sentences is ``meta["original_lang"]``. The files mirror the
    original layout (``translated-to-en/{es,ca,eu}/{train,dev,test}/{strneg,neg,pos,strpos}.txt``,
    or the BLSE repository's ``datasets/trans/{lang}/opener_sents/...``) and are line-aligned
    with the originals: line *i* of a translated file is the translation of line *i* of the
    original file, so both loaders return the sentences in the same order. Translations are
    detokenised MT output, unlike the tokenised originals. Other parameters as in
    :func:`load_opener`.
    """
    texts, labels, names, meta, base = _read_opener(root, lang, split, task, True, offline, errors)
    meta["original_lang"] = lang
    meta["translated"] = True
    return finish(texts, labels, "en", split, names, "opener-translated", meta, base)


