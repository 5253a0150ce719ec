"""The in-memory word-vector type, :class:`WordVectors`, and its ``.npy`` + vocabulary files.

It follows gensim's KeyedVectors: a list of words, a ``word -> row`` dict and a float32
matrix. Readers (:mod:`.text`, :mod:`.fasttext_bin`, :mod:`.spacy_vectors`) build one; the
cache (:mod:`.cache`) stores it with :meth:`WordVectors.save` and memory-maps it back.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from .._io import atomic_save_npy, atomic_write
from ..errors import ResourceNotFoundError, ShapeError


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
    load_stats : dict, optional
        What the reader met in the file (see :attr:`load_stats`).

    Attributes
    ----------
    words : list of str
    index : dict of str to int
        Row of each word.
    vectors : ndarray or memmap of shape (n_words, dim), float32
    lang, source : str or None
    oov : callable or None
        Builds vectors for unseen words; ``None`` when the model has no subwords.
    load_stats : dict or None
        Set by the text reader (and kept through the cache): ``lines`` read, ``skipped``
        malformed lines, ``duplicates``, words ``filtered`` out by the vocabulary, the
        ``header`` (``(count, dim)``, a list once through the cache's JSON, or ``None``), the
        ``zero_vectors`` kept, and the ``warnings`` logged (again on every cached load).
        ``None`` for vectors not read from a text file, and for copies (:meth:`with_vectors`).
    """

    def __init__(self, words: Sequence[str], vectors, *, lang=None, source=None, oov=None,
                 load_stats: dict | None = None):
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
        self.oov: Callable[[str], np.ndarray] | None = oov
        self.load_stats = load_stats

    # -- mapping protocol -------------------------------------------------------------------
    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.index

    def __getitem__(self, word):
        row = self.index.get(word)
        if row is None:
            if self.oov is not None:
                return self.oov(word)
            raise KeyError(f"{word!r} is not in the vocabulary ({len(self)} words)")
        return self.vectors[row]

    def __deepcopy__(self, memo):
        # Read-only by convention and possibly gigabytes: copies share (sklearn.clone too).
        return self

    def __getstate__(self):
        state = dict(self.__dict__)
        state["vectors"] = np.asarray(self.vectors)  # a memmap pickles as a plain array
        return state

    def __setstate__(self, state):
        # Objects pickled by xproj 0.1 (inside saved models) name these ``_oov`` and ``stats``.
        if "_oov" in state:
            state["oov"] = state.pop("_oov")
        if "stats" in state:
            state["load_stats"] = state.pop("stats")
        state.setdefault("load_stats", None)
        self.__dict__.update(state)

    def __repr__(self):
        return f"WordVectors(n_words={len(self)}, dim={self.dim}, lang={self.lang!r})"

    def describe(self) -> str:
        """How messages name these vectors: ``"es vectors (wiki.es.vec)"``."""
        what = f"{self.lang} vectors" if self.lang else "vectors"
        return f"{what} ({self.source})" if self.source else what

    @property
    def stats(self) -> dict | None:
        """Deprecated alias of :attr:`load_stats`."""
        warnings.warn("WordVectors.stats is deprecated; use WordVectors.load_stats",
                      DeprecationWarning, stacklevel=2)
        return self.load_stats

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def has_subwords(self) -> bool:
        """True when vectors for unseen words can be built (fastText ``.bin``)."""
        return self.oov is not None

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
            oov=self.oov if words is None else None,
        )

    def save(self, prefix) -> Path:
        """Save as ``<prefix>.npy`` + ``<prefix>.vocab.txt`` (atomic); load with :meth:`load`."""
        prefix = Path(prefix)
        _write_vocab(sibling(prefix, ".vocab.txt"), self.words)
        atomic_save_npy(sibling(prefix, ".npy"), np.ascontiguousarray(self.vectors))
        return prefix

    @classmethod
    def load(cls, prefix, *, mmap=True, lang=None, source=None, oov=None,
             load_stats=None) -> "WordVectors":
        """Load what :meth:`save` wrote, memory-mapping the matrix by default.

        ``source`` defaults to ``prefix``; ``oov`` and ``load_stats`` are as in the constructor.
        """
        prefix = Path(prefix)
        npy, vocab = sibling(prefix, ".npy"), sibling(prefix, ".vocab.txt")
        for p in (npy, vocab):
            if not p.exists():
                raise ResourceNotFoundError(f"{p}: no such file")
        vectors = np.load(npy, mmap_mode="r" if mmap else None, allow_pickle=False)
        words = _read_vocab(vocab)
        return cls(words, vectors, lang=lang, source=str(prefix) if source is None else source,
                   oov=oov, load_stats=load_stats)


def sibling(prefix: Path, suffix: str) -> Path:
    """``prefix`` with ``suffix`` appended to its name."""
    # Not Path.with_suffix: cache keys contain dots ("wiki.es.vec.<hash>").
    return prefix.parent / (prefix.name + suffix)


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
