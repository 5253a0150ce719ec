"""Loaders of real sentiment corpora. Every loader returns one :class:`~xproj.datasets.base.Dataset`.

=====================  =====================================================================
loader                 corpus
=====================  =====================================================================
:func:`load_opener`    OpeNER (en, es) / MultiBooked (ca, eu) sentences, binary or 4-class
:func:`load_opener_translated`  the same target sentences machine-translated into English
:func:`load_webis_cls` Webis-CLS-10 Amazon reviews (en, de, fr, ja), ``.review`` files or the
                       unextracted ``cls-acl10-unprocessed.tar.gz``
:func:`load_marc`      Multilingual Amazon Reviews Corpus (JSON lines or CSV)
:func:`load_chnsenticorp`  ChnSentiCorp hotel reviews (``label,review`` CSV)
:func:`load_table`     any CSV / TSV / JSON-lines file with a text and a label column
:func:`load_dataset`   dispatch by name: ``load_dataset("opener", root=..., lang="es", ...)``
=====================  =====================================================================

Conventions shared by all loaders
---------------------------------
* Binary sentiment labels are ``0 = "negative"``, ``1 = "positive"``.
* A missing file raises :class:`~xproj.errors.ResourceNotFoundError` naming the path (and, for
  OpeNER, the expected layout).
* A malformed row (wrong number of columns, unparseable label, invalid JSON line) raises
  :class:`~xproj.errors.InputFormatError` naming the file and the 1-based line, unless
  ``errors="skip"``: the row is then left out and counted in ``meta["skipped"]`` (the first
  few problems are kept in ``meta["problems"]``).
* Bytes that are not valid in the file's encoding raise :class:`InputFormatError` naming the
  line, except where a fallback is documented (OpeNER: latin-1, as the BLSE code reads these
  files; ChnSentiCorp: GB18030). The encoding actually used is recorded in ``meta["encoding"]``.
* A dataset with no examples left raises :class:`InputFormatError`.
* ``meta["source"]`` is the file (or directory) read.
* Where a loader takes a root directory, a resource spec (``"opener:es"``, ``"webis-cls-10"``,
  ``"marc"``) is accepted too and resolved through :func:`xproj.download.resolve`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tarfile
from pathlib import Path

import numpy as np

from .._io import open_binary
from ..errors import ConfigError, InputFormatError, ResourceNotFoundError
from .base import Dataset

__all__ = [
    "BINARY_LABELS",
    "OPENER_4CLASS_LABELS",
    "OPENER_LAYOUT",
    "LOADERS",
    "load_opener",
    "load_opener_translated",
    "load_webis_cls",
    "load_marc",
    "load_chnsenticorp",
    "load_table",
    "load_dataset",
]

BINARY_LABELS = ["negative", "positive"]
OPENER_4CLASS_LABELS = ["strong negative", "negative", "positive", "strong positive"]
MARC_5CLASS_LABELS = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]

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

_MAX_PROBLEMS = 20


# --- shared helpers ---------------------------------------------------------------------------


def _check_errors(errors: str) -> str:
    if errors not in ("raise", "skip"):
        raise ConfigError(f"errors must be 'raise' or 'skip', got {errors!r}")
    return errors


class _Problems:
    """Collects malformed rows: raise at once, or count them (``errors="skip"``)."""

    def __init__(self, path, errors: str):
        self.path = path
        self.errors = _check_errors(errors)
        self.skipped = 0
        self.messages: list = []

    def __call__(self, problem: str, line: int | None = None):
        if self.errors == "raise":
            raise InputFormatError(self.path, problem + " (pass errors='skip' to leave such rows out)", line)
        self.skipped += 1
        if len(self.messages) < _MAX_PROBLEMS:
            self.messages.append(f"line {line}: {problem}" if line is not None else problem)

    def into(self, meta: dict) -> dict:
        meta["skipped"] = self.skipped
        if self.messages:
            meta["problems"] = list(self.messages)
        return meta


def _resolve_spec(value, prefixes, offline: bool):
    """``value`` as a Path; a resource spec (e.g. ``opener:es``) is fetched/resolved first."""
    text = os.fspath(value)
    p = Path(text).expanduser()
    if p.exists():
        return p
    if isinstance(value, str) and any(text.lower() == x or text.lower().startswith(x + ":") for x in prefixes):
        from ..download import resolve

        return Path(resolve(text, offline=offline))
    return p


def _read_bytes(path) -> bytes:
    with open_binary(path) as f:  # ResourceNotFoundError when missing
        return f.read()


def _decode(path, data: bytes, encodings) -> tuple:
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
        "re-save the file as UTF-8 or pass the right encoding",
        line,
    )


def _finish(texts, labels, lang, split, label_names, name, meta, path) -> Dataset:
    if not texts:
        raise InputFormatError(path, f"no examples found for {name} (lang={lang!r}, split={split!r})")
    return Dataset(list(texts), np.asarray(labels, dtype=np.int64), lang, split, list(label_names), name, meta)


def _strip_compression(name: str) -> str:
    for ext in (".gz", ".xz", ".lzma", ".bz2"):
        if name.lower().endswith(ext):
            return name[: -len(ext)]
    return name


# --- OpeNER / MultiBooked -----------------------------------------------------------------------


def _opener_task(task: str) -> tuple:
    t = str(task).lower().replace("_", "-")
    if t in ("binary", "2", "2-class"):
        return 0, BINARY_LABELS
    if t in ("4-class", "4class", "4", "fine", "four"):
        return 1, OPENER_4CLASS_LABELS
    raise ConfigError(f"OpeNER task must be 'binary' or '4-class', got {task!r}")


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
    _check_errors(errors)
    root = _resolve_spec(root, ("opener",), offline)
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
            text, enc = _decode(f, _read_bytes(f), ("utf-8", "latin-1"))
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
        "task": "binary" if col == 0 else "4-class",
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
        ``"4-class"``: strneg=0, neg=1, pos=2, strpos=3. ``mixed.txt`` is never read.
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
    return _finish(texts, labels, lang, split, names, "opener", meta, base)


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
    return _finish(texts, labels, "en", split, names, "opener-translated", meta, base)


# --- Webis-CLS-10 ----------------------------------------------------------------------------------

_WEBIS_LANGS = ("en", "de", "fr", "jp")
_WEBIS_DOMAINS = ("books", "dvd", "music")
_WEBIS_SPLITS = ("train", "test", "unlabeled")
_ITEM = re.compile(r"<item\b[^>]*>(.*?)(?:</item\s*>|(?=<item\b)|\Z)", re.S | re.I)


def _tag(block: str, tag: str):
    m = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}\s*>", block, re.S | re.I)
    if m is None:
        m = re.search(rf"<{tag}\b[^>]*/>", block, re.I)
        return "" if m else None
    value = m.group(1)
    value = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", value, flags=re.S)
    return html.unescape(value).strip()


def _webis_member(root: Path, lang: str, domain: str, split: str):
    """(description, bytes) of ``{lang}/{domain}/{split}.review`` under a folder or in the archive."""
    rel = Path(lang) / domain / f"{split}.review"
    if root.is_file() and (root.name.endswith((".tar.gz", ".tgz", ".tar")) or tarfile.is_tarfile(root)):
        suffix = f"/{lang}/{domain}/{split}.review"
        with tarfile.open(root, "r:*") as tar:
            for m in tar:
                if m.isfile() and ("/" + m.name).endswith(suffix):
                    return f"{root}!{m.name}", tar.extractfile(m).read()
        raise ResourceNotFoundError(f"{root}: archive has no member ending in {suffix.lstrip('/')}")
    if root.is_file():
        return str(root), _read_bytes(root)
    for d in (root, root / "cls-acl10-unprocessed"):
        for ext in ("", ".gz", ".xz", ".bz2"):
            p = d / (str(rel) + ext)
            if p.is_file():
                return str(p), _read_bytes(p)
    tar = root / "cls-acl10-unprocessed.tar.gz"
    if tar.is_file():
        return _webis_member(tar, lang, domain, split)
    raise ResourceNotFoundError(
        f"{root / rel}: no such file. Expected Webis-CLS-10 'unprocessed' layout "
        "<root>/{en,de,fr,jp}/{books,dvd,music}/{train,test,unlabeled}.review "
        "(or the archive cls-acl10-unprocessed.tar.gz; 'xproj download dataset webis-cls-10')"
    )


def load_webis_cls(root, lang: str, domain: str, split: str = "train", *, include_summary: bool = False,
                   offline: bool = False, errors: str = "skip") -> Dataset:
    """Webis-CLS-10 cross-lingual Amazon reviews, from the *unprocessed* release.

    Parameters
    ----------
    root : str or Path
        The extracted ``cls-acl10-unprocessed`` folder (or its parent), the archive
        ``cls-acl10-unprocessed.tar.gz`` itself (read without extracting), one ``.review``
        file, or the spec ``"webis-cls-10"``.
    lang : str
        ``"en"``, ``"de"``, ``"fr"``, ``"ja"`` (the corpus's folder is ``jp``; both are accepted).
    domain : str
        ``"books"``, ``"dvd"`` or ``"music"``.
    split : str
        ``"train"``, ``"test"`` or ``"unlabeled"``.
    include_summary : bool
        Prepend the review's ``<summary>`` (its title) to the text, separated by a newline.
    errors : str
        ``"skip"`` (default): items that cannot be read (no ``<text>``, no or unparseable
        ``<rating>``, an ``<item>`` never closed) are left out and counted in
        ``meta["unreadable"]`` (= ``meta["skipped"]``). ``"raise"``: the first one raises
        :class:`InputFormatError` with its line.

    The files are not well-formed XML (no root element, unescaped ``&``...), so items are
    found with a regular expression over ``<item>...</item>`` blocks and entities are decoded
    with :func:`html.unescape`. Ratings 1-2 -> 0 ``negative``, 4-5 -> 1 ``positive``; 3 is
    dropped and counted in ``meta["neutral_dropped"]``. Files are UTF-8 (a bad byte raises
    :class:`InputFormatError` naming the line).
    """
    problems = _Problems(root, errors)
    lang_dir = {"ja": "jp"}.get(lang, lang)
    if domain not in _WEBIS_DOMAINS:
        raise ConfigError(f"Webis-CLS-10 domain must be one of {', '.join(_WEBIS_DOMAINS)}; got {domain!r}")
    if split not in _WEBIS_SPLITS:
        raise ConfigError(f"Webis-CLS-10 split must be one of {', '.join(_WEBIS_SPLITS)}; got {split!r}")
    root = _resolve_spec(root, ("webis-cls-10",), offline)
    where, data = _webis_member(root, lang_dir, domain, split)
    problems.path = where
    text, enc = _decode(where, data, ("utf-8",))
    texts, labels, neutral = [], [], 0
    line, pos = 1, 0
    for m in _ITEM.finditer(text):
        line += text.count("\n", pos, m.start())  # incremental: files have ~10^5 items
        pos = m.start()
        block = m.group(1)
        closed = re.match(r"</item", text[m.end(1):m.end(1) + 6], re.I) is not None
        if not closed:
            problems("<item> is never closed", line)
            continue
        body = _tag(block, "text")
        rating = _tag(block, "rating")
        if body is None:
            problems("item has no <text>", line)
            continue
        try:
            stars = float(rating)
        except (TypeError, ValueError):
            problems(f"item has no readable <rating> ({rating!r})", line)
            continue
        if not 1 <= stars <= 5:
            problems(f"rating {stars} outside 1-5", line)
            continue
        if stars == 3:
            neutral += 1
            continue
        if include_summary:
            summary = _tag(block, "summary")
            if summary:
                body = f"{summary}\n{body}"
        if not body:
            problems("item has an empty <text>", line)
            continue
        texts.append(body)
        labels.append(1 if stars > 3 else 0)
    meta = problems.into({"source": where, "domain": domain, "encoding": enc, "neutral_dropped": neutral})
    meta["unreadable"] = problems.skipped
    return _finish(texts, labels, lang, split, BINARY_LABELS, "webis-cls-10", meta, where)


# --- MARC ------------------------------------------------------------------------------------------

_MARC_COLUMNS = ("review_id", "stars", "review_body", "review_title", "language", "product_category")


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


def _iter_records(path, text: str, fmt: str, delimiter, has_header: bool, problems: _Problems):
    """Yield ``(line, record)``: dicts (header / JSON objects) or lists (no header / JSON arrays)."""
    if fmt == "jsonl":
        stripped = text.lstrip()
        if stripped.startswith("["):  # one JSON array of records, or JSON lines of arrays
            try:
                arr = json.loads(text)
            except json.JSONDecodeError as exc:
                if exc.msg != "Extra data":
                    raise InputFormatError(path, f"invalid JSON: {exc.msg}", exc.lineno) from None
                arr = None
            if isinstance(arr, list) and all(isinstance(r, (dict, list)) for r in arr):
                for rec in arr:
                    yield None, rec  # records of one array have no line of their own
                return
        for i, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield i, json.loads(line)
            except json.JSONDecodeError as exc:
                problems(f"invalid JSON line ({exc.msg} at column {exc.colno})", i)
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num < start:  # the reader cannot move past this point
                raise InputFormatError(path, f"unreadable CSV: {exc}", start) from None
            problems(f"unreadable CSV row: {exc}", start)
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if has_header and header is None:
            header = [h.strip() for h in row]
            continue
        if header is not None:
            if len(row) != len(header):
                problems(f"{len(row)} columns, expected {len(header)} ({', '.join(header)})", start)
                continue
            yield start, dict(zip(header, row))
        else:
            yield start, row


def _infer_format(path: Path, fmt) -> str:
    if fmt is not None:
        f = fmt.lower().lstrip(".")
        f = {"json": "jsonl", "ndjson": "jsonl", "json-lines": "jsonl", "jsonlines": "jsonl"}.get(f, f)
        if f not in ("csv", "tsv", "jsonl"):
            raise ConfigError(f"format must be 'csv', 'tsv', 'jsonl' or 'json'; got {fmt!r}")
        return f
    suffix = Path(_strip_compression(path.name)).suffix.lower()
    f = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".json": "jsonl",
         ".ndjson": "jsonl"}.get(suffix)
    if f is None:
        raise ConfigError(
            f"{path}: cannot tell the format from {suffix or 'no'} extension; "
            "pass format='csv', 'tsv' or 'jsonl'"
        )
    return f


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
        ``meta["neutral_dropped"]``). ``"5-class"``: ``stars - 1``.
    include_title : bool
        Prepend ``review_title`` to ``review_body``, joined by ``title_sep``.
    format : str, optional
        ``"jsonl"``/``"json"`` or ``"csv"``; inferred from the file name by default. JSON lines
        (or one JSON array); CSV with a header row naming the same columns.
    errors : str
        ``"raise"`` or ``"skip"`` (malformed rows: invalid JSON, missing ``stars``/``review_body``,
        stars not 1-5).
    """
    t = str(task).lower().replace("_", "-")
    if t in ("binary", "2", "2-class"):
        names, five = BINARY_LABELS, False
    elif t in ("5-class", "5class", "5", "stars", "fine"):
        names, five = MARC_5CLASS_LABELS, True
    else:
        raise ConfigError(f"MARC task must be 'binary' or '5-class', got {task!r}")
    root = _resolve_spec(path_or_root, ("marc",), offline)
    if not root.exists():
        raise ResourceNotFoundError(f"{root}: no such file or directory (MARC)")
    path = _marc_file(root, lang, split)
    fmt = _infer_format(path, format)
    problems = _Problems(path, errors)
    text, enc = _decode(path, _read_bytes(path), ("utf-8",))
    delimiter = "\t" if fmt == "tsv" else ","
    texts, labels, neutral, other, empty = [], [], 0, 0, 0
    for line, rec in _iter_records(path, text, fmt, delimiter, True, problems):
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
        "source": str(path), "format": fmt, "encoding": enc, "task": "5-class" if five else "binary",
        "neutral_dropped": neutral, "other_language": other, "empty_dropped": empty,
    })
    return _finish(texts, labels, lang, split, names, "marc", meta, path)


# --- ChnSentiCorp ----------------------------------------------------------------------------------


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
    problems = _Problems(path, errors)
    text, enc = _decode(path, _read_bytes(path), ("utf-8", "gb18030"))
    texts, labels, empty, header = [], [], 0, False
    for line, row in _iter_records(path, text, "csv", ",", False, problems):
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
    return _finish(texts, labels, "zh", split, BINARY_LABELS, "chnsenticorp", meta, path)


# --- generic tables -------------------------------------------------------------------------------


def _column(rec, col, line, problems, what):
    """Value of column ``col`` (name or 0-based index) of one record, or raise/skip."""
    try:
        if isinstance(rec, dict):
            if isinstance(col, int):
                return list(rec.values())[col]
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
    fmt = _infer_format(path, format)
    problems = _Problems(path, errors)
    text, enc = _decode(path, _read_bytes(path), (encoding,))
    if delimiter is None:
        delimiter = "\t" if fmt == "tsv" else ","
    rows = []  # (line, text, raw label)
    empty = 0
    for line, rec in _iter_records(path, text, fmt, delimiter, has_header and fmt != "jsonl", problems):
        t = _column(rec, text_column, line, problems, "text")
        if t is _MISSING:
            continue
        lab = _column(rec, label_column, line, problems, "label")
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
    return _finish(texts, labels, lang, split, names, name, meta, path)


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


# --- dispatch -------------------------------------------------------------------------------------

LOADERS = {
    "opener": load_opener,
    "opener-translated": load_opener_translated,
    "webis-cls-10": load_webis_cls,
    "marc": load_marc,
    "chnsenticorp": load_chnsenticorp,
    "table": load_table,
    "csv": load_table,
    "tsv": load_table,
    "jsonl": load_table,
}

_ALIASES = {"webis": "webis-cls-10", "webis-cls": "webis-cls-10", "cls-10": "webis-cls-10",
            "multibooked": "opener", "opener-mt": "opener-translated"}


def load_dataset(name: str, /, *args, **kwargs) -> Dataset:
    """Load a corpus by name: ``opener``, ``opener-translated``, ``webis-cls-10``, ``marc``,
    ``chnsenticorp``, ``table`` (also ``csv``, ``tsv``, ``jsonl``: :func:`load_table` with that
    ``format`` unless one is given). Other arguments go to the loader.

    >>> load_dataset("opener", "../shared/data/opener", lang="es", split="test")  # doctest: +SKIP

    Raises
    ------
    ConfigError
        Unknown name (the message lists the known ones) or arguments the loader does not take.
    """
    key = str(name).strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    if key not in LOADERS:
        raise ConfigError(f"unknown dataset {name!r}; known datasets: {', '.join(LOADERS)}")
    if key in ("csv", "tsv", "jsonl"):
        kwargs.setdefault("format", key)
    loader = LOADERS[key]
    try:
        import inspect

        inspect.signature(loader).bind(*args, **kwargs)
    except TypeError as exc:
        raise ConfigError(f"dataset {key!r}: {exc} (see help(xproj.datasets.loaders.{loader.__name__}))") from None
    return loader(*args, **kwargs)
