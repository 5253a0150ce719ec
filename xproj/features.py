"""Document features: scikit-learn transformers from tokens to one vector per document.

:class:`AlignedSpace` holds every language's vectors in one shared space (already mapped and
normalised). :class:`DocumentEmbedder` turns token lists of one language into document
vectors by a weighted mean of word vectors:

- ``"mean"``: plain average;
- ``"tfidf"``: each distinct word weighted by ``tf * idf``; IDF is learnt from the documents
  given to ``fit`` for the fitted language, and from the documents themselves for any other
  language (transductive: unlabelled target text only);
- ``"sif"``: smooth inverse frequency, ``a / (a + p(w))`` (Arora et al., 2017), with ``p(w)``
  estimated from the word's frequency rank in its vector file (published vector files are
  sorted by frequency; a Zipf law turns rank into probability), so that any language gets
  weights without a corpus; combine with :class:`PrincipalComponentRemover`.

Out-of-vocabulary policy: a token is looked up as is, then lower-cased, lemmatised and
accent-stripped (:class:`xproj.lang.VocabularyLookup`); tokens still not found are ignored.
A token marked as negated (``NEG_good``) has its word's vector; ``negation`` says whether it
counts as the word, enters with its sign flipped or joins a second block (:data:`NEGATIONS`).
A document with no known token gets the zero vector (it cannot be scored: its label would be
the classifier's label of the zero vector, the same for all such documents);
:meth:`DocumentEmbedder.coverage` counts known and unknown tokens of given documents, in all
or per document.

:class:`Tokenizer` turns raw texts into token lists with the language's preprocessor (token
lists pass through), so a classifier's pipeline starts from text. Both transformers take the
documents' language as ``lang`` (one code, or one per document), routed to them by
scikit-learn's metadata routing inside :class:`xproj.model.CrossLingualClassifier`. A
document's features depend on the document and the fitted state only: nothing is learnt at
``transform`` time (the per-language statistics live in :mod:`xproj.standardize`).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._pooling import (LOOKUP_NEGATION_PREFIX, MarkedRows, docs_to_rows, negated_tokens, segment_extremes,
                       smooth_idf, subset_segments, times_vectors, token_counts)
from .space import AlignedSpace, _as_space  # noqa: F401  (AlignedSpace's old home; pickles name it)
from .standardize import PrincipalComponentRemover  # noqa: F401  (its old home)

POOLINGS = ("mean", "tfidf", "sif")
#: ``features.negation``: what a negation-marked token (``NEG_good``, ``preprocess.negation``)
#: does to the pooled vector. ``ignore``: it counts as its word; ``flip``: its vector enters with
#: the opposite sign (polarity shifting: its contribution to a linear score is reversed);
#: ``block``: the marked tokens are pooled into a second block beside the unmarked ones (twice
#: the dimension; both divided by the same total weight, so the blocks' sum is ``ignore``'s
#: vector and their difference ``flip``'s: the classifier learns a weight for each).
NEGATIONS = ("ignore", "flip", "block")
#: ``features.power_means``: the statistics over a document's word vectors that are concatenated
#: into its feature vector (Rücklé et al. 2018, "Concatenated Power Mean Word Embeddings"; the
#: power means p = 1, +inf, -inf). ``mean``: the pooling's weighted mean; ``max`` / ``min``: the
#: per-dimension maximum / minimum over the document's tokens (unweighted; a flipped token enters
#: with its sign reversed; with ``negation="block"`` each block has its own). With more than one
#: (and ``unit_length``, the default), each part is scaled to unit length and the whole divided by
#: sqrt(number of parts); with ``unit_length=False`` the parts are concatenated as they are.
POWER_MEANS = ("mean", "max", "min")


def check_power_means(power_means) -> tuple:
    """``power_means`` as a tuple, or ValueError: a non-empty list (or tuple) of distinct names
    of :data:`POWER_MEANS`, in the order of the columns (a set has no fixed order)."""
    if not isinstance(power_means, (list, tuple)):
        raise ValueError(f"power_means must be a list of names among {POWER_MEANS}, got {power_means!r}")
    names = tuple(power_means)
    bad = [p for p in names if p not in POWER_MEANS]
    if bad or not names or len(set(names)) < len(names):
        what = (f"{bad[0]!r} is not one of {POWER_MEANS}" if bad else "it is empty: give at least one"
                if not names else "a name is repeated: give each statistic once")
        raise ValueError(f"power_means = {list(names)!r}: {what}")
    return names


def _check_docs(X):
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError("X must be a list of documents, each a list of tokens")
    for i, doc in enumerate(X):
        if isinstance(doc, str) or not hasattr(doc, "__iter__"):
            raise TypeError(f"X[{i}] must be a list of tokens (got {type(doc).__name__}); "
                            "tokenise texts with xproj.lang.get_preprocessor(lang).pipe(texts)")
    return X


def _by_language(lang, n_docs, default):
    """``[(code, row indices or None for all rows)]`` for one code or one code per document."""
    if lang is None or isinstance(lang, str):
        return [(lang or default, None)]
    codes = np.asarray(lang, dtype=object).astype(str)
    if len(codes) != n_docs:
        raise ValueError(f"lang has {len(codes)} codes for {n_docs} documents")
    return [(code, np.flatnonzero(codes == code)) for code in np.unique(codes)]


def _document_tags(tags, requires_fit):
    """scikit-learn tags of a step whose input is documents, not a numeric matrix."""
    tags.input_tags.two_d_array = False
    tags.input_tags.string = True
    tags.requires_fit = requires_fit
    return tags


def preprocessor_for(lang, preprocess=None):
    """:func:`xproj.lang.get_preprocessor` of ``lang`` with a model's (or run's) options:
    ``negation=True`` marks scopes only in a language with a negator list
    (:data:`xproj.lang.negation.NEGATORS`); one without (Japanese) is tokenised without marks."""
    from .lang import base_code, get_preprocessor
    from .lang.negation import negators_for

    options = dict(preprocess or {})
    if options.get("negation") and not negators_for(base_code(lang)):
        options["negation"] = False
    return get_preprocessor(lang, **options)


class Tokenizer(TransformerMixin, BaseEstimator):
    """Raw texts -> token lists with :func:`xproj.lang.get_preprocessor` (``lang`` routed
    per call); documents that are already token lists pass through unchanged.

    Parameters
    ----------
    preprocess : dict or None
        Options for :func:`xproj.lang.get_preprocessor` (lemmatize, negation, ...).
        ``negation=True`` marks negation scopes in the languages that have a negator list
        (:data:`xproj.lang.negation.NEGATORS`); a language without one (Japanese: its negation
        follows the verb) is tokenised without marks, so that one option serves every
        language of a run.

    Examples
    --------
    >>> Tokenizer().transform(["Un hotel muy bueno."], lang="es")
    [['un', 'hotel', 'muy', 'bueno']]
    """

    __metadata_request__transform = {"lang": True}

    def __init__(self, preprocess=None):
        self.preprocess = preprocess

    def fit(self, X, y=None):
        return self

    def fit_transform(self, X, y=None, lang="en"):
        return self.transform(X, lang=lang)

    def preprocessor(self, lang):
        """The (cached) preprocessor of ``lang``."""
        cache = self.__dict__.setdefault("_preprocessors", {})
        if lang not in cache:
            cache[lang] = preprocessor_for(lang, self.preprocess)
        return cache[lang]

    def transform(self, X, lang="en"):
        if not len(X) or not isinstance(X[0], str):
            return X
        out = [None] * len(X)
        for code, rows in _by_language(lang, len(X), "en"):
            rows = range(len(X)) if rows is None else rows
            for i, tokens in zip(rows, self.preprocessor(code).pipe([X[i] for i in rows])):
                out[i] = tokens
        return out

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_preprocessors", None)  # rebuilt on first use; spaCy objects are large
        return state

    def __sklearn_tags__(self):
        return _document_tags(super().__sklearn_tags__(), requires_fit=False)


class DocumentEmbedder(TransformerMixin, BaseEstimator):
    """Token lists -> document vectors in the shared space.

    Parameters
    ----------
    space : AlignedSpace, WordVectors or dict
        The aligned vectors.
    lang : str
        Language of the documents given to ``fit`` (its IDF is learnt there with
        ``pooling="tfidf"``), and the default language of ``transform``.
    pooling : {"mean", "tfidf", "sif"}
    sif_a : float
        SIF smoothing constant ``a``.
    unit_length : bool
        Scale each document vector to unit length (after pooling).
    fallback_lang : str or None
        A language of the space (the source) whose vector stands for a token of another
        language that has none of its own (:meth:`AlignedSpace.lookup`); None: no fallback.
    negation : {"ignore", "flip", "block"}
        What a token marked as negated (``negation_prefix``) does, see :data:`NEGATIONS`;
        documents without marks (``preprocess.negation`` off, or a language without negators)
        are embedded as with ``"ignore"`` (``"block"``: a zero second block).
    negation_prefix : str
        The mark (the preprocessor's ``negation_prefix``).
    power_means : sequence of {"mean", "max", "min"}
        Statistics of the word vectors concatenated into the document vector, see
        :data:`POWER_MEANS`; ``("mean",)``: the weighted mean alone.
    normalize : bool, deprecated
        The old name of ``unit_length``; removed in the next release.

    Attributes
    ----------
    space_ : AlignedSpace
    idf_ : dict lang -> ndarray
        IDF over vocabulary rows, per language (``"tfidf"`` only): the fit language's from the
        training documents, others' from :meth:`fit_lang`. A language without one is weighted
        by term frequency only (no statistic is ever taken from the documents being embedded).

    Examples
    --------
    >>> import numpy as np
    >>> from xproj.vectors import WordVectors
    >>> wv = WordVectors(["good", "bad"], np.array([[1., 0.], [0., 1.]]), lang="en")
    >>> DocumentEmbedder(wv, lang="en").fit_transform([["good", "good", "bad"]]).round(3)
    array([[0.894, 0.447]], dtype=float32)
    >>> emb = DocumentEmbedder(wv, lang="en", power_means=("mean", "max", "min"))
    >>> emb.fit_transform([["good", "good", "bad"]]).round(3)  # mean, max, min; each unit length
    array([[0.516, 0.258, 0.408, 0.408, 0.   , 0.   ]], dtype=float32)
    """

    __metadata_request__transform = {"lang": True}

    def __init__(self, space=None, *, lang="en", pooling="mean", sif_a=1e-3, unit_length=True,
                 fallback_lang=None, negation="ignore", negation_prefix="NEG_", power_means=("mean",),
                 normalize="deprecated"):
        self.space = space
        self.lang = lang
        self.pooling = pooling
        self.sif_a = sif_a
        self.unit_length = unit_length
        self.fallback_lang = fallback_lang
        self.negation = negation
        self.negation_prefix = negation_prefix
        self.power_means = power_means
        self.normalize = normalize

    def __setstate__(self, state):
        # embedders saved before fallback_lang / negation / power_means existed had none of them
        super().__setstate__({"fallback_lang": None, "negation": "ignore", "negation_prefix": "NEG_",
                              "power_means": ("mean",), **state})

    def _lookup(self, lang):
        rows = self.space_.lookup(lang, self.fallback_lang)
        prefix = self.negation_prefix  # (set for models saved before it existed: __setstate__)
        if prefix and prefix != LOOKUP_NEGATION_PREFIX:  # the space's lookups strip only their own mark
            return MarkedRows(rows, prefix)
        return rows

    def fit(self, X, y=None):
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {self.pooling!r}")
        if self.negation not in NEGATIONS:
            raise ValueError(f"negation must be one of {NEGATIONS}, got {self.negation!r}")
        if self.negation != "ignore" and not self.negation_prefix:
            raise ValueError(f"negation={self.negation!r} needs a negation_prefix (the mark of negated tokens)")
        check_power_means(self.power_means)
        if self.normalize != "deprecated":
            import warnings

            warnings.warn("DocumentEmbedder(normalize=...) is deprecated; use unit_length=...",
                          DeprecationWarning, stacklevel=2)
        space = _as_space(self.space)
        X = _check_docs(X)
        self.space_ = space
        self.idf_ = {}
        self.n_features_out_ = space.dim * (2 if self.negation == "block" else 1) * len(self.power_means)
        self.fitted_lang_ = self.lang
        return self.fit_lang(X, self.lang)

    def fit_lang(self, X, lang):
        """Learn what pooling needs of another language (its IDF, for ``"tfidf"``) from
        unlabelled documents of it."""
        check_is_fitted(self, "space_")
        if self.pooling == "tfidf":
            indptr, indices, _, _ = docs_to_rows(_check_docs(X), self._lookup(lang))
            n_rows = sum(map(len, self.space_.row_blocks(lang, self.fallback_lang)))
            self.idf_[lang] = smooth_idf(indptr, indices, n_rows)
        return self

    def transform(self, X, lang=None):
        """Embed documents; ``lang`` is one code or one code per document (default: the fit
        language)."""
        check_is_fitted(self, "space_")
        X = _check_docs(X)
        groups = _by_language(lang, len(X), self.lang)
        if len(groups) == 1:
            return self._embed(X, groups[0][0])
        out = np.empty((len(X), self.n_features_out_), dtype=np.float32)
        for code, rows in groups:
            out[rows] = self._embed([X[i] for i in rows], code)
        return out

    def fit_transform(self, X, y=None, lang=None):
        return self.fit(X, y).transform(X, lang=lang)

    def transform_lang(self, X, lang):
        """Embed documents of ``lang`` (same as ``transform(X, lang=lang)``)."""
        return self.transform(X, lang=lang)

    def coverage(self, X, lang=None, *, per_document: bool = False) -> dict:
        """Token counts of documents: ``tokens``, ``oov_tokens``, ``oov_rate`` and
        ``empty_docs`` (documents with no word that has a vector).

        With ``per_document=True``, arrays with one value per document instead:
        ``tokens``, ``known`` (tokens with a vector) and ``coverage`` (``known / tokens``,
        0 for a document without tokens); ``lang`` may then be one code per document. A
        document with ``known == 0`` is embedded as the zero vector: it cannot be scored.
        """
        check_is_fitted(self, "space_")
        X = _check_docs(X)
        if per_document:
            return self._coverage_per_document(X, lang)
        indptr, _, n_tok, n_oov = docs_to_rows(X, self._lookup(lang or self.lang))
        return {"tokens": n_tok, "oov_tokens": n_oov, "oov_rate": n_oov / n_tok if n_tok else 0.0,
                "empty_docs": int(np.sum(np.diff(indptr) == 0))}

    def _coverage_per_document(self, X, lang):
        tokens = np.fromiter(map(len, X), dtype=np.int64, count=len(X))
        known = np.zeros(len(X), dtype=np.int64)
        for code, rows in _by_language(lang, len(X), self.lang):
            docs = X if rows is None else [X[i] for i in rows]
            known[slice(None) if rows is None else rows] = np.diff(docs_to_rows(docs, self._lookup(code))[0])
        coverage = np.divide(known, tokens, out=np.zeros(len(X)), where=tokens > 0)
        return {"tokens": tokens, "known": known, "coverage": coverage}

    def _embed(self, X, lang):
        space = self.space_
        blocks = space.row_blocks(lang, self.fallback_lang)
        cache = self._lookup(lang)
        indptr, indices, _, _ = docs_to_rows(X, cache)
        marked = negated_tokens(X, cache, self.negation_prefix) if self.negation != "ignore" else None
        statistics = check_power_means(self.power_means)
        extremes = self._extremes([s for s in statistics if s != "mean"], indptr, indices, marked, blocks)
        parts = [self._mean(indptr, indices, marked, blocks, lang) if s == "mean" else extremes[s]
                 for s in statistics]
        unit_length = self.unit_length if self.normalize == "deprecated" else self.normalize
        if unit_length:
            for part in parts:
                n = np.linalg.norm(part, axis=1, keepdims=True)
                n[n == 0] = 1
                part /= n
                if len(parts) > 1:  # each part weighs the same; the whole keeps unit length
                    part /= np.float32(np.sqrt(len(parts)))
        return parts[0] if len(parts) == 1 else np.hstack(parts)

    def _mean(self, indptr, indices, marked, blocks, lang):
        """The pooling's weighted mean (``negation``: flipped signs or two blocks)."""
        dim = self.space_.dim
        shape = (len(indptr) - 1, sum(map(len, blocks)))
        counts = self._weighted(token_counts(np.ones(len(indices), dtype=np.float32), indices, indptr, shape), lang)
        weight = np.asarray(counts.sum(axis=1)).ravel()  # the pooling's denominator, marks or not
        weight[weight == 0] = 1
        if self.negation == "ignore":
            out = times_vectors(counts, blocks, dim)
        elif self.negation == "flip":  # -1 for a marked token: its contribution reversed
            signs = np.where(marked, -1.0, 1.0).astype(np.float32)
            out = times_vectors(self._weighted(token_counts(signs, indices, indptr, shape), lang), blocks, dim)
        else:  # block: [unmarked tokens' sum, marked tokens' sum], one denominator
            halves = [self._weighted(token_counts((marked == m).astype(np.float32), indices, indptr, shape), lang)
                      for m in (False, True)]
            out = np.hstack([times_vectors(h, blocks, dim) for h in halves])
        out /= weight[:, None]
        return out

    def _extremes(self, statistics, indptr, indices, marked, blocks) -> dict:
        """``{"max" | "min": per-dimension extreme over the tokens' (signed) vectors}``, unweighted,
        for ``statistics`` (the tokens' vectors gathered once for all of them)."""
        if not statistics:
            return {}
        dim = self.space_.dim
        if self.negation == "flip":
            signs = np.where(marked, -1.0, 1.0).astype(np.float32)
            return segment_extremes(indices, indptr, blocks, dim, statistics, signs=signs)
        if self.negation == "block":  # the unmarked tokens' extremes, then the marked ones'
            halves = [segment_extremes(indices[marked == m], subset_segments(indptr, marked == m), blocks, dim,
                                       statistics) for m in (False, True)]
            return {s: np.hstack([h[s] for h in halves]) for s in statistics}
        return segment_extremes(indices, indptr, blocks, dim, statistics)

    def _weighted(self, C, lang):
        """Token counts ``C`` (documents x rows) times the pooling's per-word weights."""
        if self.pooling == "tfidf" and lang in self.idf_:
            return C.multiply(self.idf_[lang][None, :]).tocsr()
        if self.pooling == "sif":
            p = self.space_.sif_probability(lang, self.fallback_lang)
            return C.multiply((self.sif_a / (self.sif_a + p))[None, :]).tocsr()
        return C

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "space_")
        dim = self.space_.dim
        block = [f"dim{i}" for i in range(dim)]
        if self.negation == "block":  # the marked tokens' block
            block += [f"negated_dim{i}" for i in range(dim)]
        names = []
        for statistic in check_power_means(self.power_means):
            names += block if statistic == "mean" else [f"{statistic}_{name}" for name in block]
        return np.array(names, dtype=object)

    def __sklearn_tags__(self):
        return _document_tags(super().__sklearn_tags__(), requires_fit=True)
