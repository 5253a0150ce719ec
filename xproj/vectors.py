"""Word vectors: one in-memory type, readers, a memory-mapped cache, and normalisation.

:class:`WordVectors` follows gensim's KeyedVectors: a list of words, a ``word -> row`` dict
and a float32 matrix. Readers cover fastText/word2vec text files (``.vec``, plain, ``.gz``,
``.xz``), fastText ``.bin`` models (vectors for unseen words from subwords) and the vectors of
an installed spaCy pipeline. The first load of a file writes a cache (``.npy`` + vocabulary)
keyed by the source file and the load options; later loads memory-map it.

Examples
--------
>>> import numpy as np
>>> wv = WordVectors(["a", "b"], np.eye(2, dtype=np.float32))
>>> wv["b"]
array([0., 1.], dtype=float32)
>>> normalize(wv, "unit,center,unit").vectors.shape
(2, 2)
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from ._io import atomic_save_npy, atomic_write, open_binary
from .errors import InputFormatError, ResourceNotFoundError, ShapeError, XprojError

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
_BLOCK_LINES = 2048  # text held per block stays small next to the matrix (bench/bench_load.py)


class WordVectors:
    """Words and their vectors: ``words`` (list), ``index`` (dict word -> row), ``vectors``.

    Parameters
    ----------
    words : sequence of str
        Vocabulary in row order (most frequent first for published files). Must be unique.
    vectors : array-like of shape (n_words, dim)
        The matrix; stored as float32 (a memory map is kept as is, not copied).
    lang : str, optional
        Language code, informational.
    source : str, optional
        Where the vectors came from (path and options), recorded in mapping metadata.
    oov : callable, optional
        ``oov(word) -> ndarray`` for words not in the vocabulary (fastText subwords).
    """

    def __init__(self, words: Sequence[str], vectors, *, lang=None, source=None, oov=None):
        words = list(words)
        if not isinstance(vectors, np.memmap):
            vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ShapeError(
                f"{len(words)} words but a vectors array of shape {vectors.shape}; "
                "expected (n_words, dim)"
            )
        if vectors.dtype != np.float32:
            vectors = vectors.astype(np.float32)
        index = {w: i for i, w in enumerate(words)}
        if len(index) != len(words):
            raise ValueError("duplicate words in the vocabulary")
        self.words = words
        self.index = index
        self.vectors = vectors
        self.lang = lang
        self.source = source
        self._oov = oov

    # -- mapping protocol -------------------------------------------------------------------
    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.index

    def __getitem__(self, word):
        row = self.index.get(word)
        if row is None:
            if self._oov is not None:
                return self._oov(word)
            raise KeyError(f"{word!r} is not in the vocabulary ({len(self)} words)")
        return self.vectors[row]

    def __deepcopy__(self, memo):
        # Read-only by convention and possibly gigabytes: copies share (sklearn.clone too).
        return self

    def __getstate__(self):
        state = dict(self.__dict__)
        state["vectors"] = np.asarray(self.vectors)  # a memmap pickles as a plain array
        return state

    def __repr__(self):
        return f"WordVectors(n_words={len(self)}, dim={self.dim}, lang={self.lang!r})"

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def has_subwords(self) -> bool:
        """True when vectors for unseen words can be built (fastText ``.bin``)."""
        return self._oov is not None

    def get_index(self, word, default=-1) -> int:
        return self.index.get(word, default)

    def rows(self, words: Iterable[str]) -> np.ndarray:
        """Row numbers of ``words`` (-1 for unknown words)."""
        get = self.index.get
        return np.fromiter((get(w, -1) for w in words), dtype=np.int64)

    def get_vector(self, word) -> np.ndarray:
        """The vector of ``word``, built from subwords when it is unseen and the model allows."""
        return self[word]

    def head(self, n: int) -> "WordVectors":
        """The first ``n`` words (the most frequent in published files)."""
        return self.with_vectors(self.vectors[:n], words=self.words[:n])

    def subset(self, words: Iterable[str]) -> "WordVectors":
        """Only ``words`` that are in the vocabulary, in vocabulary order."""
        keep = sorted({self.index[w] for w in words if w in self.index})
        return self.with_vectors(self.vectors[keep], words=[self.words[i] for i in keep])

    def with_vectors(self, vectors, *, words=None) -> "WordVectors":
        """A copy with another matrix (same words unless given), keeping language and source."""
        return WordVectors(
            self.words if words is None else words,
            vectors,
            lang=self.lang,
            source=self.source,
            oov=self._oov if words is None else None,
        )

    def save(self, prefix) -> Path:
        """Save as ``<prefix>.npy`` + ``<prefix>.vocab.txt`` (atomic); load with :meth:`load`."""
        prefix = Path(prefix)
        _write_vocab(_sibling(prefix, ".vocab.txt"), self.words)
        atomic_save_npy(_sibling(prefix, ".npy"), np.ascontiguousarray(self.vectors))
        return prefix

    @classmethod
    def load(cls, prefix, *, mmap=True, lang=None) -> "WordVectors":
        """Load what :meth:`save` wrote, memory-mapping the matrix by default."""
        prefix = Path(prefix)
        npy, vocab = _sibling(prefix, ".npy"), _sibling(prefix, ".vocab.txt")
        for p in (npy, vocab):
            if not p.exists():
                raise ResourceNotFoundError(f"{p}: no such file")
        vectors = np.load(npy, mmap_mode="r" if mmap else None, allow_pickle=False)
        words = _read_vocab(vocab)
        return cls(words, vectors, lang=lang, source=str(prefix))


def _sibling(prefix: Path, suffix: str) -> Path:
    # Not Path.with_suffix: cache keys contain dots ("wiki.es.vec.<hash>").
    return prefix.parent / (prefix.name + suffix)


# -- normalisation --------------------------------------------------------------------------

def _matrix(x):
    return x.vectors if isinstance(x, WordVectors) else np.asarray(x, dtype=np.float32)


def _rewrap(x, M):
    return x.with_vectors(M) if isinstance(x, WordVectors) else M


def unit_length(x):
    """Scale every row to unit Euclidean norm (zero rows stay zero). Returns a new object."""
    M = np.array(_matrix(x), dtype=np.float32, copy=True)
    norms = np.linalg.norm(M, axis=1, keepdims=True)
    norms[norms == 0] = 1
    M /= norms
    return _rewrap(x, M)


def center(x):
    """Subtract the mean vector (mean centering). Returns a new object."""
    M = np.array(_matrix(x), dtype=np.float32, copy=True)
    M -= M.mean(axis=0, dtype=np.float64).astype(np.float32)
    return _rewrap(x, M)


NORMALIZERS: dict[str, Callable] = {"unit": unit_length, "center": center}


def normalize(x, steps="unit,center,unit"):
    """Apply normalisation steps in order (VecMap's default is ``unit,center,unit``).

    Parameters
    ----------
    x : WordVectors or array
    steps : str or sequence of str
        Comma-separated names from ``unit``, ``center``; ``""`` or ``"none"`` does nothing.
    """
    if isinstance(steps, str):
        steps = [s.strip() for s in steps.split(",") if s.strip() and s.strip() != "none"]
    for step in steps:
        try:
            x = NORMALIZERS[step](x)
        except KeyError:
            raise ValueError(
                f"unknown normalisation step {step!r}; choose from {sorted(NORMALIZERS)}"
            ) from None
    return x


# -- text .vec reader -----------------------------------------------------------------------

def _parse_header(line: bytes):
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


def read_vec(
    path,
    *,
    limit: int | None = None,
    vocabulary: Iterable[str] | None = None,
    lowercase: bool = False,
    errors: str = "raise",
    lang: str | None = None,
) -> WordVectors:
    """Read a fastText/word2vec text file (``.vec``; plain, ``.gz``, ``.xz`` or ``.bz2``).

    Parameters
    ----------
    path : str or Path
    limit : int, optional
        Read only the first ``limit`` words of the file (the most frequent ones in published
        files), before any vocabulary filter.
    vocabulary : iterable of str, optional
        Keep only these words (compared after lowercasing when ``lowercase``).
    lowercase : bool
        Lowercase words; when two words collide the first occurrence wins, as in MUSE.
    errors : {"raise", "skip"}
        What to do with a malformed line (wrong number of values, non-numbers, bad UTF-8):
        raise :class:`~xproj.errors.InputFormatError` naming the file and line, or skip it
        and log the count. Duplicate words always keep the first occurrence (counted).
    lang : str, optional

    Returns
    -------
    WordVectors
        With ``stats`` attribute: lines read, skipped lines, duplicates, header.
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    if limit is not None and limit <= 0:
        raise ValueError(f"limit must be positive, got {limit}")
    path = Path(path)
    keep = None
    if vocabulary is not None:
        keep = {w.lower() for w in vocabulary} if lowercase else set(vocabulary)

    with open_binary(path) as f:
        first = f.readline()
        if not first:
            raise InputFormatError(path, "empty file: expected a 'count dim' header or vectors")
        header = _parse_header(first)
        lineno = 1
        pending: list[tuple[int, bytes]] = []
        if header is None:
            pending = [(1, first)]
            dim = len(first.rstrip().split(b" ")) - 1
            if dim <= 0:
                raise InputFormatError(path, "no vector values after the word", line=1)
            n_expected = None
        else:
            n_expected, dim = header
            if dim <= 0:
                raise InputFormatError(path, f"header gives dimension {dim}", line=1)
        capacity = n_expected if n_expected is not None else 65536
        if limit is not None:
            capacity = min(capacity, limit)
        capacity = max(capacity, 1)
        M = np.empty((capacity, dim), dtype=np.float32)
        words: list[str] = []
        seen: dict[str, int] = {}
        stats = {"lines": 0, "skipped": 0, "duplicates": 0, "filtered": 0, "header": header}
        n_lines = 0  # data lines consumed (for limit and the header check)

        def blocks():
            nonlocal lineno
            if pending:
                yield pending
            while True:
                want = _BLOCK_LINES
                if limit is not None:
                    want = min(want, limit - n_lines)
                    if want <= 0:
                        return
                raw = list(islice(f, want))
                if not raw:
                    return
                yield [(lineno + 1 + i, line) for i, line in enumerate(raw)]
                lineno += len(raw)

        for block in blocks():
            if limit is not None and n_lines + len(block) > limit:
                block = block[: limit - n_lines]
            n_lines += len(block)
            bwords, bvals = [], []
            for num, raw in block:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    _bad(path, num, f"not valid UTF-8 ({exc.reason} at byte {exc.start})", errors, stats)
                    continue
                text = text.rstrip("\r\n")
                word, sep, rest = text.partition(" ")
                if not sep or not word:
                    if not text.strip():
                        _bad(path, num, "empty line", errors, stats)
                    else:
                        _bad(path, num, "no vector values after the word", errors, stats)
                    continue
                bwords.append((num, word))
                bvals.append(rest)
            if not bwords:
                continue
            values = _parse_block(bvals, dim)
            if values is None:  # some line is malformed: find which, line by line
                good_words, good_rows = [], []
                for (num, word), rest in zip(bwords, bvals):
                    row, problem = _parse_line(rest, dim)
                    if problem:
                        if header is not None and problem.startswith("has ") and num == 2:
                            problem += f" but the header says {dim}"
                        _bad(path, num, problem, errors, stats)
                        continue
                    good_words.append((num, word))
                    good_rows.append(row)
                bwords = good_words
                values = np.array(good_rows, dtype=np.float32).reshape(-1, dim)
            for (num, word), row in zip(bwords, values):
                if lowercase:
                    word = word.lower()
                if keep is not None and word not in keep:
                    stats["filtered"] += 1
                    continue
                if word in seen:
                    stats["duplicates"] += 1
                    continue
                i = len(words)
                if i >= M.shape[0]:
                    M = _grow(M)
                seen[word] = i
                words.append(word)
                M[i] = row
        stats["lines"] = n_lines

    if n_expected is not None and limit is None and n_lines != n_expected:
        raise InputFormatError(
            path, f"the header says {n_expected} words but the file has {n_lines} vector lines"
        )
    if n_expected is not None and limit is not None and n_lines < min(limit, n_expected):
        raise InputFormatError(
            path,
            f"the header says {n_expected} words but the file ends after {n_lines} vector lines",
        )
    if not words:
        raise InputFormatError(path, "no word vectors could be read" + (
            " (none of the requested vocabulary is in the file)" if keep is not None else ""))
    if stats["skipped"]:
        log.warning("%s: skipped %d malformed lines", path, stats["skipped"])
    if stats["duplicates"]:
        log.info("%s: %d duplicate words, kept the first occurrence", path, stats["duplicates"])
    if M.shape[0] != len(words):
        M = M[: len(words)].copy()
    wv = WordVectors(words, M, lang=lang, source=str(path))
    wv.stats = stats
    return wv


def _grow(M):
    bigger = np.empty((M.shape[0] * 2, M.shape[1]), dtype=np.float32)
    bigger[: M.shape[0]] = M
    return bigger


def _parse_block(rests: list[str], dim: int):
    """Parse many lines' values at once; None if any line is malformed."""
    joined = " ".join(rests)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # np.fromstring warns (and stops) on a non-number
        try:
            flat = np.fromstring(joined, dtype=np.float32, sep=" ")
        except (ValueError, DeprecationWarning):
            return None
    if flat.size != len(rests) * dim or not np.isfinite(flat).all():
        return None
    values = flat.reshape(len(rests), dim)
    # A line with one value too few next to one with one too many would keep the total
    # right: check each line's count cheaply by counting separators.
    for rest in rests:
        if len(rest.split()) != dim:
            return None
    return values


def _parse_line(rest: str, dim: int):
    parts = rest.split()
    if len(parts) != dim:
        return None, f"has {len(parts)} values, expected {dim}"
    try:
        row = np.array([float(p) for p in parts], dtype=np.float32)
    except ValueError:
        bad = next(p for p in parts if not _is_float(p))
        return None, f"value {bad!r} is not a number"
    if not np.all(np.isfinite(row)):
        return None, "has a non-finite value (nan or inf)"
    return row, None


def _is_float(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def _bad(path, line, problem, errors, stats):
    if errors == "raise":
        raise InputFormatError(path, problem + " (pass errors='skip' to skip such lines)", line=line)
    stats["skipped"] += 1


def write_vec(wv: WordVectors, path, *, precision: int = 4) -> Path:
    """Write ``wv`` as a fastText text file with a ``count dim`` header, atomically.

    ``.gz``/``.xz`` suffixes are compressed. Values are written with ``precision`` decimals
    (4, like the published aligned files).
    """
    import gzip
    import lzma

    path = Path(path)
    fmt = f"%.{precision}f"
    with atomic_write(path, "wb") as raw:
        if path.suffix == ".gz":
            f = gzip.GzipFile(fileobj=raw, mode="wb")
        elif path.suffix == ".xz":
            f = lzma.LZMAFile(raw, mode="wb")
        else:
            f = raw
        f.write(f"{len(wv)} {wv.dim}\n".encode())
        for start in range(0, len(wv), _BLOCK_LINES):
            stop = min(start + _BLOCK_LINES, len(wv))
            block = np.asarray(wv.vectors[start:stop])
            lines = []
            for word, row in zip(wv.words[start:stop], block):
                lines.append(word + " " + " ".join(fmt % v for v in row))
            f.write(("\n".join(lines) + "\n").encode("utf-8"))
        if f is not raw:
            f.close()
    return path


# -- fastText .bin ---------------------------------------------------------------------------

def read_fasttext_bin(path, *, limit=None, vocabulary=None, lowercase=False, lang=None) -> WordVectors:
    """Load a fastText ``.bin`` model: its vocabulary's vectors, plus subword vectors for
    unseen words (``wv["unseenword"]`` works, as ``get_word_vector`` does).

    The vectors are exactly what the same model writes to its ``.vec``
    (``model.get_word_vector``: the average of the word's and its character n-grams' rows).
    """
    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such file")
    model = _load_fasttext_model(path)
    words = model.get_words()
    if limit is not None:
        words = words[:limit]
    keep = None if vocabulary is None else ({w.lower() for w in vocabulary} if lowercase else set(vocabulary))
    out_words, rows, seen = [], [], set()
    for w in words:
        key = w.lower() if lowercase else w
        if key in seen or (keep is not None and key not in keep):
            continue
        seen.add(key)
        out_words.append(key)
        rows.append(model.get_word_vector(w))
    if not out_words:
        raise InputFormatError(path, "the model has no words (or none of the requested vocabulary)")
    M = np.vstack(rows).astype(np.float32)
    return WordVectors(out_words, M, lang=lang, source=str(path), oov=_FastTextOOV(path, model))


class _FastTextOOV:
    """Builds vectors for unseen words from a fastText model's subwords; reloads lazily
    (so a WordVectors from the cache pays for the model only when an unseen word appears)."""

    def __init__(self, path, model=None):
        self.path = Path(path)
        self._model = model

    def __call__(self, word):
        if self._model is None:
            self._model = _load_fasttext_model(self.path)
        return np.asarray(self._model.get_word_vector(word), dtype=np.float32)

    def __getstate__(self):  # models are not picklable: reload after unpickling
        return {"path": self.path, "_model": None}


def _load_fasttext_model(path):
    try:
        import fasttext
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise ImportError("reading .bin needs the fastText binding: pip install fasttext-numpy2-wheel") from exc
    try:
        # fastText prints a warning about load_model on stderr; nothing to do about it.
        return fasttext.load_model(str(path))
    except ValueError as exc:
        raise InputFormatError(path, f"not a fastText .bin model ({exc})") from None


# -- spaCy -----------------------------------------------------------------------------------

def from_spacy(nlp_or_name, *, limit=None, lang=None) -> WordVectors:
    """The static vectors of a spaCy pipeline (an ``nlp`` object or an installed package name).

    Words come in spaCy's vector-table order; several keys may share a row.
    """
    if isinstance(nlp_or_name, str):
        import spacy

        try:
            nlp = spacy.load(nlp_or_name, exclude=["parser", "ner", "tagger", "lemmatizer"])
        except OSError as exc:
            raise ResourceNotFoundError(
                f"spaCy pipeline {nlp_or_name!r} is not installed "
                f"(python -m spacy download {nlp_or_name}): {exc}"
            ) from None
    else:
        nlp = nlp_or_name
    vocab_vectors = nlp.vocab.vectors
    if vocab_vectors.shape[0] == 0 or vocab_vectors.shape[1] == 0:
        raise InputFormatError(getattr(nlp, "path", None) or "<spaCy pipeline>", "the pipeline has no word vectors")
    strings = nlp.vocab.strings
    table = np.asarray(vocab_vectors.data)
    words, rows, seen = [], [], set()
    for key, row in sorted(vocab_vectors.key2row.items(), key=lambda kv: kv[1]):  # table order
        w = strings[key]
        if w in seen:
            continue
        seen.add(w)
        words.append(w)
        rows.append(row)
        if limit is not None and len(words) >= limit:
            break
    M = np.asarray(table[np.array(rows)], dtype=np.float32)
    return WordVectors(words, M, lang=lang or nlp.lang, source=f"spacy:{nlp.meta.get('name', '')}")


# -- cache -----------------------------------------------------------------------------------

def _write_vocab(path, words):
    with atomic_write(path, "wb") as f:
        f.write(("\n".join(words) + "\n").encode("utf-8", "surrogatepass"))


def _read_vocab(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "surrogatepass")
    words = data.split("\n")
    if words and words[-1] == "":
        words.pop()
    return words


def cache_key(path, options: Mapping) -> str:
    """Key of a cached load: the source file's identity (path, size, mtime) and the options."""
    path = Path(path).resolve()
    st = path.stat()
    ident = {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
             "options": dict(options), "format": CACHE_FORMAT}
    digest = hashlib.sha256(json.dumps(ident, sort_keys=True, default=list).encode()).hexdigest()[:20]
    return f"{path.name}.{digest}"


def load_vectors(
    path,
    *,
    limit: int | None = None,
    vocabulary: Iterable[str] | None = None,
    lowercase: bool = False,
    cache: bool = True,
    cache_dir=None,
    errors: str = "raise",
    lang: str | None = None,
) -> WordVectors:
    """Load word vectors from a ``.vec`` text file (plain/``.gz``/``.xz``) or a fastText ``.bin``,
    through a memory-mapped cache.

    The first load writes ``<key>.npy``, ``<key>.vocab.txt`` and ``<key>.json`` into
    ``cache_dir`` (default :func:`xproj.paths.cache_dir`); the key covers the file's path,
    size and modification time and the load options, so a changed file or other options
    make a new entry. Later loads memory-map the matrix (read-only). All writes are atomic:
    the ``.json`` marker is written last, so a half-written entry is never used.

    Parameters are those of :func:`read_vec`; ``cache=False`` reads the file every time.

    Examples
    --------
    >>> wv = load_vectors("wiki.es.align.vec", limit=50000)   # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such vector file")
    is_bin = path.suffix == ".bin"
    vocab_list = None if vocabulary is None else sorted(set(vocabulary))
    options = {"limit": limit, "lowercase": lowercase, "errors": errors,
               "vocabulary": hashlib.sha256("\n".join(vocab_list).encode("utf-8", "surrogatepass")).hexdigest()
               if vocab_list is not None else None}

    def read():
        if is_bin:
            return read_fasttext_bin(path, limit=limit, vocabulary=vocab_list, lowercase=lowercase, lang=lang)
        return read_vec(path, limit=limit, vocabulary=vocab_list, lowercase=lowercase, errors=errors, lang=lang)

    if not cache:
        return read()
    from .paths import cache_dir as default_cache_dir

    cdir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key(path, options)
    prefix = cdir / key
    marker = _sibling(prefix, ".json")
    oov = _FastTextOOV(path) if is_bin else None
    if marker.exists():
        try:
            return _open_cached(prefix, path, lang, oov)
        except (XprojError, ValueError, OSError) as exc:  # a damaged entry: rebuild it
            log.warning("cache entry %s unusable (%s); rebuilding", prefix, exc)
    wv = read()
    try:
        wv.save(prefix)
        with atomic_write(marker, "w") as f:
            json.dump({"source": str(path.resolve()), "options": options, "n_words": len(wv),
                       "dim": wv.dim, "stats": getattr(wv, "stats", {})}, f, default=str)
        _remove_stale(cdir, path.name, keep=key)
    except OSError as exc:  # a read-only cache directory must not break loading
        log.warning("could not write the vector cache in %s: %s", cdir, exc)
        return wv
    return _open_cached(prefix, path, lang, oov)


def _open_cached(prefix: Path, path: Path, lang, oov) -> WordVectors:
    """A cache entry, memory-mapped, labelled with its source file and read statistics."""
    wv = WordVectors.load(prefix, lang=lang)
    wv.source, wv._oov = str(path), oov
    wv.stats = json.loads(_sibling(prefix, ".json").read_text()).get("stats", {})
    return wv


def _remove_stale(cdir: Path, name: str, keep: str):
    """Drop cache entries of an older version of the same file (same name, other key, and
    whose recorded source path no longer matches size/mtime). Only entries for this file name."""
    for marker in cdir.glob(f"{name}.*.json"):
        key = marker.name[: -len(".json")]
        if key == keep:
            continue
        try:
            meta = json.loads(marker.read_text())
            src = Path(meta["source"])
            if src.exists():
                # Another entry of the same file with different options is still valid.
                if cache_key(src, meta["options"]) == key:
                    continue
            for suffix in (".json", ".npy", ".vocab.txt"):
                (cdir / (key + suffix)).unlink(missing_ok=True)
        except (OSError, ValueError, KeyError):
            continue
