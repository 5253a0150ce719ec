"""The static word vectors of an installed spaCy pipeline, as :class:`~xproj.vectors.WordVectors`."""

from __future__ import annotations

import numpy as np

from ..errors import InputFormatError, ResourceNotFoundError
from .keyed import WordVectors


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
