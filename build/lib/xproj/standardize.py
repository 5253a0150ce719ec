"""Numeric transformers on document vectors: per-language standardisation (the explicit,
saved adaptation step) and common-component removal.

Why per-language statistics: document vectors of two languages, even in one aligned space,
do not share a mean or a spread (a target language's vectors, or long reviews, sit off the
source's centre and spread less), which pushes every target prediction towards one class.
:class:`LanguageStandardizer` removes each language's own mean and divides by its own
standard deviation. The statistics of a language are learnt once, from documents designated
for it, and then kept: a document's features depend on the document and the fitted
statistics only, never on the documents it is scored with.

- ``fit(E)``: the source language's statistics, from the training documents;
- ``fit_lang(E, lang)``: a target language's statistics, from unlabelled documents of it
  (the *adaptation* step; repeatable, saved with the model);
- ``transform(E, lang=...)``: ``lang`` is one code or one code per row; a language without
  statistics of its own uses the source's (:meth:`LanguageStandardizer.describe` says so).

Both transformers pass scikit-learn's estimator checks (``lang`` left out, every row is the
source language).

Examples
--------
>>> import numpy as np
>>> E_en = np.array([[1., 0.], [3., 2.]])
>>> E_es = np.array([[10., 0.], [10., 4.]])
>>> st = LanguageStandardizer().fit(E_en, lang="en").fit_lang(E_es, "es")
>>> st.transform(E_es, lang="es")
array([[ 0., -1.],
       [ 0.,  1.]])
>>> st.describe("fr")
'fr: no statistics of its own; uses those of en (2 documents)'
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

#: Where a language's mean comes from: its own documents, the source's, or no centering.
CENTERING = ("language", "source", "none")
#: Where a language's standard deviations come from (``True`` = ``"source"``, ``False`` = ``"none"``).
SCALING = ("language", "source", "none")

_FLOATS = [np.float64, np.float32]


class LanguageStandardizer(TransformerMixin, BaseEstimator):
    """Centre and scale document vectors with per-language statistics.

    Parameters
    ----------
    center : {"language", "source", "none"}
        ``"language"`` removes each language's own mean (the source's for a language without
        statistics), ``"source"`` the source mean everywhere, ``"none"`` nothing.
    scale : {"language", "source", "none"} or bool
        Divide by each language's own standard deviations (computed after centering), by
        the source's, or not at all. ``True`` means ``"source"``, ``False`` ``"none"``.
    source_lang : str, default="source"
        The language of the documents given to :meth:`fit` when ``lang`` is not passed.

    Attributes
    ----------
    source_lang_ : str
        Language of the documents :meth:`fit` saw.
    means_ : dict of str -> ndarray of shape (n_features,)
    scales_ : dict of str -> ndarray of shape (n_features,)
        Standard deviations (1 where a feature is constant), per language.
    n_docs_ : dict of str -> int
        How many documents each language's statistics were computed from.
    origins_ : dict of str -> str
        What those documents were (e.g. ``"unlabelled documents"``), for reports.
    n_features_in_ : int
    """

    __metadata_request__fit = {"lang": True}
    __metadata_request__transform = {"lang": True}

    _parameter_constraints = {
        "center": [StrOptions(set(CENTERING))],
        "scale": [StrOptions(set(SCALING)), "boolean"],
        "source_lang": [str],
    }

    def __init__(self, *, center="language", scale="language", source_lang="source"):
        self.center = center
        self.scale = scale
        self.source_lang = source_lang

    @property
    def _scale_mode(self):
        return {True: "source", False: "none"}.get(self.scale, self.scale)

    def _statistics(self, X):
        mean = X.mean(axis=0)
        std = (X - mean).std(axis=0) if self._scale_mode != "none" else np.ones(X.shape[1])
        std[std == 0] = 1
        return mean, std

    def _store(self, X, lang, origin):
        self.means_[lang], self.scales_[lang] = self._statistics(X)
        self.n_docs_[lang] = len(X)
        self.origins_[lang] = origin

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, lang=None, origin="training documents"):
        """Learn the source language's statistics from ``X`` (documents of ``lang``)."""
        X = validate_data(self, X, dtype=_FLOATS)
        if lang is not None and not isinstance(lang, str):
            raise TypeError("fit takes the documents of one language (lang: a code); "
                            "add other languages with fit_lang")
        self.source_lang_ = lang or self.source_lang
        self.means_, self.scales_, self.n_docs_, self.origins_ = {}, {}, {}, {}
        self._store(X, self.source_lang_, origin)
        return self

    def fit_lang(self, X, lang, origin="unlabelled documents"):
        """Learn (or replace) the statistics of another language from its documents ``X``.

        ``origin`` says what the documents were; :meth:`describe` reports it.
        """
        check_is_fitted(self, "means_")
        X = validate_data(self, X, reset=False, dtype=_FLOATS)
        if lang == self.source_lang_:
            raise ValueError(f"{lang!r} is the source language: its statistics come from fit")
        if len(X) < 2:
            raise ValueError(f"statistics of {lang!r} need at least 2 documents, got {len(X)}")
        self._store(X, lang, origin)
        return self

    def fit_transform(self, X, y=None, lang=None, origin="training documents"):
        return self.fit(X, y, lang=lang, origin=origin).transform(X, lang=lang)

    def statistics(self, lang):
        """``(mean, scale)`` used for ``lang`` under this transformer's settings."""
        check_is_fitted(self, "means_")
        src = self.source_lang_
        own = lang if lang in self.means_ else src
        mean = {"language": self.means_[own], "source": self.means_[src]}.get(self.center)
        scale = {"language": self.scales_[own], "source": self.scales_[src]}.get(self._scale_mode)
        return mean, scale

    def transform(self, X, lang=None):
        """Standardise rows; ``lang`` is one code or a sequence of one code per row (default:
        the source language)."""
        check_is_fitted(self, "means_")
        X = validate_data(self, X, reset=False, dtype=_FLOATS, copy=True)
        if lang is None or isinstance(lang, str):
            groups = [(lang or self.source_lang_, slice(None))]
        else:
            codes = np.asarray(lang, dtype=object).astype(str)
            if len(codes) != len(X):
                raise ValueError(f"lang has {len(codes)} codes for {len(X)} rows")
            groups = [(code, codes == code) for code in np.unique(codes)]
        for code, rows in groups:
            mean, scale = self.statistics(code)
            if mean is not None:
                X[rows] -= mean.astype(X.dtype)
            if scale is not None:
                X[rows] /= scale.astype(X.dtype)
        return X

    def describe(self, lang) -> str:
        """One line: which statistics ``lang`` is standardised with."""
        check_is_fitted(self, "means_")
        src = self.source_lang_
        if self.center != "language" and self._scale_mode != "language":
            return (f"{lang}: the source ({src}) statistics for every language "
                    f"(center={self.center}, scale={self._scale_mode})")
        if lang in self.means_:
            return f"{lang}: own statistics from {self.n_docs_[lang]:,} {self.origins_[lang]}"
        return f"{lang}: no statistics of its own; uses those of {src} ({self.n_docs_[src]:,} documents)"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = True
        return tags


class PrincipalComponentRemover(TransformerMixin, BaseEstimator):
    """Remove the projection on the first ``n_components`` principal directions (SIF's
    common-component removal, Arora et al. 2017), learnt in ``fit`` from the data as given.

    Parameters
    ----------
    n_components : int

    Examples
    --------
    >>> X = np.array([[3., 0.], [-3., 0.1], [3., -0.1]])
    >>> bool(abs(PrincipalComponentRemover(1).fit(X).transform(X)[:, 0]).max() < 0.01)
    True
    """

    _parameter_constraints = {"n_components": [Interval(Integral, 0, None, closed="left")]}

    def __init__(self, n_components=1):
        self.n_components = n_components

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=_FLOATS)
        k = min(self.n_components, min(X.shape))
        if k == 0:
            self.components_ = np.zeros((0, X.shape[1]))
            return self
        _, _, Vt = np.linalg.svd(np.asarray(X, dtype=np.float64), full_matrices=False)
        self.components_ = Vt[:k]
        return self

    def transform(self, X):
        check_is_fitted(self, "components_")
        X = validate_data(self, X, reset=False, dtype=_FLOATS)
        U = self.components_.astype(X.dtype)
        # one small product per row: the result of a row does not depend on the other rows
        # (see xproj.model._RowwiseDecision)
        P = np.matmul(X[:, None, :], U.T)
        return X - np.matmul(P, U)[:, 0, :]
