"""Word vectors: one in-memory type, readers, a memory-mapped cache, and normalisation.

:class:`WordVectors` follows gensim's KeyedVectors: a list of words, a ``word -> row`` dict
and a float32 matrix. Readers cover fastText/word2vec text files (``.vec``, plain, ``.gz``,
``.xz``), fastText ``.bin`` models (vectors for unseen words from subwords) and the vectors of
an installed spaCy pipeline. The first load of a file writes a cache (``.npy`` + vocabulary)
keyed by the source file and the load options; later loads memory-map it.

========================  ==================================================================
module                    job
========================  ==================================================================
:mod:`.keyed`             :class:`WordVectors` and its ``.npy`` + vocabulary files
:mod:`.text`              ``.vec`` text files: :func:`read_vec`, :func:`write_vec`
:mod:`.rows`              what a reader keeps: vocabulary filter, lowercasing, first wins
:mod:`.fasttext_bin`      fastText ``.bin`` models: :func:`read_fasttext_bin`
:mod:`.spacy_vectors`     a spaCy pipeline's vectors: :func:`from_spacy`
:mod:`.cache`             :func:`load_vectors` through the memory-mapped cache
:mod:`.cache_entry`       a cache entry's files, checksums and checks (``xproj cache``)
:mod:`.normalize`         :func:`unit_length`, :func:`center`, :func:`normalize`
========================  ==================================================================

Examples
--------
>>> import numpy as np
>>> wv = WordVectors(["a", "b"], np.eye(2, dtype=np.float32))
>>> wv["b"]
array([0., 1.], dtype=float32)
>>> normalize(wv, "unit,center,unit").vectors.shape
(2, 2)
"""

from .cache import CACHE_FORMAT, cache_key, load_vectors
from .fasttext_bin import FastTextOOV, read_fasttext_bin
from .keyed import WordVectors
from .normalize import NORMALIZERS, center, normalize, unit_length
from .spacy_vectors import from_spacy
from .text import ON_BAD_LINE, read_vec, write_vec

# Models saved by xproj 0.1 pickled the subword builder under this name.
_FastTextOOV = FastTextOOV

__all__ = [
    "WordVectors",
    "read_vec",
    "write_vec",
    "read_fasttext_bin",
    "from_spacy",
    "load_vectors",
    "cache_key",
    "CACHE_FORMAT",
    "unit_length",
    "center",
    "normalize",
    "NORMALIZERS",
    "ON_BAD_LINE",
]
