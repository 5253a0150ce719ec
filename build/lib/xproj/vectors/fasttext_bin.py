"""fastText ``.bin`` models: their vocabulary's vectors, and vectors for unseen words from subwords."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputFormatError, ResourceNotFoundError
from .keyed import WordVectors
from .rows import wanted_words


def read_fasttext_bin(path, *, limit=None, vocabulary=None, lowercase=False, lang=None) -> WordVectors:
    """Load a fastText ``.bin`` model: its vocabulary's vectors, plus subword vectors for
    unseen words (``wv["unseenword"]`` works, as ``get_word_vector`` does).

    The vectors are exactly what the same model writes to its ``.vec``
    (``model.get_word_vector``: the average of the word's and its character n-grams' rows).
    ``limit``, ``vocabulary`` and ``lowercase`` are as in :func:`~xproj.vectors.read_vec`.
    """
    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such file")
    model = _load_fasttext_model(path)
    words = model.get_words()
    if limit is not None:
        words = words[:limit]
    keep = wanted_words(vocabulary, lowercase)
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
    return WordVectors(out_words, M, lang=lang, source=str(path), oov=FastTextOOV(path, model))


class FastTextOOV:
    """Builds vectors for unseen words from a fastText model's subwords; reloads lazily
    (so a WordVectors from the cache pays for the model only when an unseen word appears).

    Parameters
    ----------
    path : str or Path
        The ``.bin`` model.
    model : fasttext model, optional
        Already loaded.
    """

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
        model = fasttext.load_model(str(path))
    except ValueError as exc:
        raise InputFormatError(path, f"not a fastText .bin model ({exc})") from None
    expected, size = _expected_size(model), Path(path).stat().st_size
    if expected is not None and size < expected:
        # fastText reads a truncated file without a word: the missing rows come back as zeros
        raise InputFormatError(path, f"truncated fastText .bin: {size:,} bytes, its header and vocabulary "
                                     f"need {expected:,}; copy or download it again")
    return model


def _expected_size(model) -> int | None:
    """Bytes of an unsupervised, non-quantised ``.bin`` as fastText writes it: magic and
    version, the arguments, the dictionary, the input (words + buckets) and output (words)
    matrices; None for other models (not checked)."""
    args = model.f.getArgs()
    if model.f.isQuant() or str(args.model).rsplit(".", 1)[-1] not in ("skipgram", "cbow"):
        return None
    try:
        words = model.get_words()
    except UnicodeDecodeError:
        return None
    header = 4 + 4 + 12 * 4 + 8                                   # magic, version; 12 int args, 1 double
    dictionary = 3 * 4 + 2 * 8 + sum(len(w.encode("utf-8")) + 1 + 8 + 1 for w in words)
    matrices = (1 + 16 + 4 * (len(words) + args.bucket) * args.dim) + (1 + 16 + 4 * len(words) * args.dim)
    return header + dictionary + matrices
