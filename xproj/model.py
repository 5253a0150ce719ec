"""The cross-lingual classifier: fit on source-language documents, predict on any language of
an aligned space; persistence with joblib together with the mapping and the config."""

from __future__ import annotations

from dataclasses import dataclass

from numbers import Integral

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .features import POOLINGS, DocumentEmbedder, Tokenizer, _as_space
from .persistence import load_model, package_versions, save_model  # noqa: F401  (their old home)
from .shift import (PRIOR_METHODS, TargetPrior, adjust_posteriors, effective_priors, estimate_priors_bbse,
                    estimate_priors_em)
from .standardize import CENTERING, SCALING, LanguageStandardizer, PrincipalComponentRemover

class _RowwiseDecision:
    """``decision_function`` computed one row at a time.

    A matrix product through BLAS rounds a row differently depending on how many rows are
    multiplied together (kernels and blocking change with the matrix shape: about 1e-7 in
    float32), so a review's probability would depend on the size of its batch. One small
    product per row (a stacked ``matmul``) gives every row the same arithmetic, whatever
    its neighbours, at the speed of one matrix product.
    """

    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        scores = np.matmul(X[:, None, :], self.coef_.T.astype(X.dtype))[:, 0, :] + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores


class RowwiseLogisticRegression(_RowwiseDecision, LogisticRegression):
    """:class:`~sklearn.linear_model.LogisticRegression` whose scores of a row do not depend on
    the other rows of the call, to the last bit."""


class RowwiseLinearSVC(_RowwiseDecision, LinearSVC):
    """:class:`~sklearn.svm.LinearSVC` whose scores of a row do not depend on the other rows of
    the call, to the last bit."""


#: Probability calibration on labelled dev documents (the run's ``model.calibration``):
#: ``sigmoid`` (Platt) or ``isotonic`` as in :class:`~sklearn.calibration.CalibratedClassifierCV`;
#: both map each row's scores on their own, so calibrated rows stay batch independent.
CALIBRATIONS = ("none", "sigmoid", "isotonic")


#: Estimators by name (the config's ``model.estimator``): name -> factory(C, class_weight, seed).
ESTIMATORS = {
    "logreg": lambda C, class_weight, seed: RowwiseLogisticRegression(
        C=C, class_weight=class_weight, max_iter=2000, random_state=seed),
    "linear_svm": lambda C, class_weight, seed: RowwiseLinearSVC(
        C=C, class_weight=class_weight, random_state=seed),
}
_ROWWISE = {LogisticRegression: RowwiseLogisticRegression, LinearSVC: RowwiseLinearSVC}


def rowwise(estimator):
    """The row-wise twin of a plain ``LogisticRegression`` or ``LinearSVC`` (same parameters);
    any other estimator as it is (its scores may then differ in the last bits with the batch)."""
    twin = _ROWWISE.get(type(estimator))
    return twin(**estimator.get_params()) if twin else clone(estimator)


def make_estimator(name="logreg", *, C=1.0, class_weight="balanced", seed=0):
    """A scikit-learn classifier by name, one of :data:`ESTIMATORS`."""
    if name not in ESTIMATORS:
        raise ValueError(f"unknown estimator {name!r}; choose one of {', '.join(ESTIMATORS)}")
    return ESTIMATORS[name](C, class_weight, seed)


@dataclass(frozen=True)
class Unlabelled:
    """Unlabelled documents of one language for :meth:`CrossLingualClassifier.adapt`, and what
    they are (shown in reports: e.g. ``"es test texts (transductive)"``)."""

    documents: list
    origin: str = "unlabelled documents"


def _routed(method):
    """Call a pipeline method with ``lang`` routed to the steps that take it."""
    def call(pipeline, *args, **kw):
        with sklearn.config_context(enable_metadata_routing=True):
            return getattr(pipeline, method)(*args, **kw)
    return call


class CrossLingualClassifier(ClassifierMixin, BaseEstimator):
    """Sentiment (or any) classifier over aligned document vectors.

    The fitted model is a scikit-learn :class:`~sklearn.pipeline.Pipeline` of named steps,
    ``pipeline_``: ``tokenize`` (:class:`~xproj.features.Tokenizer`) -> ``embed``
    (:class:`~xproj.features.DocumentEmbedder`) -> ``standardize``
    (:class:`~xproj.standardize.LanguageStandardizer`) -> ``remove_pc``
    (:class:`~xproj.standardize.PrincipalComponentRemover` or ``"passthrough"``) ->
    ``classify`` (the estimator). The documents' language travels with each call
    (``predict(X, lang="es")``) to the steps that need it.

    Every language's statistics are learnt from designated documents and saved: the source's
    in :meth:`fit`; a target language's from unlabelled documents of it, given to
    :meth:`adapt` or to ``fit(unlabelled=...)``. A language without statistics of its own uses
    the source's (:meth:`adaptation` says which). So a document's label and probability are
    a function of the document and the model only, never of the documents scored with it.

    A document with no word that has a vector cannot be scored: :meth:`scorable` and
    :meth:`coverage` say which (``predict`` still returns a label for it, row for row).

    Parameters
    ----------
    space : AlignedSpace
        Every language's vectors in one space.
    source_lang : str
        Language of the training documents.
    pooling : {"mean", "tfidf", "sif"}
        See :class:`~xproj.features.DocumentEmbedder`.
    center : {"language", "source", "none"}
        See :class:`~xproj.standardize.LanguageStandardizer`.
    scale : {"language", "source", "none"} or bool
        See :class:`~xproj.standardize.LanguageStandardizer` (``"language"``: long or
        out-of-domain target documents have a smaller spread than the training sentences,
        which otherwise pushes every prediction to one class).
    remove_pc : int
        Common principal components removed after standardisation (1 with ``pooling="sif"``
        is SIF).
    estimator : scikit-learn classifier, optional
        Default: logistic regression with balanced class weights. A plain
        ``LogisticRegression`` or ``LinearSVC`` is replaced by its row-wise twin
        (:func:`rowwise`), so that scores are identical to the last bit in any batch.
    preprocess : dict or None
        Options for :func:`xproj.lang.get_preprocessor` used when documents are strings;
        documents given as token lists are used as they are.

    Attributes
    ----------
    pipeline_ : Pipeline
        The fitted steps (print it to see them).
    classes_ : ndarray
    fitted_lang_ : str

    Examples
    --------
    >>> from xproj.datasets.synthetic import make_bilingual_world, make_documents
    >>> from xproj.align import fit_mapping
    >>> from xproj.features import AlignedSpace
    >>> world = make_bilingual_world(n_words=1500, dim=20, noise=0.1, seed=0)
    >>> m = fit_mapping(world.tgt, world.src, [(t, s) for s, t in world.train_pairs])
    >>> space = AlignedSpace.from_mappings("src", world.src, {"tgt": (world.tgt, m)})
    >>> X, y = make_documents(world, 400, side="src", seed=1)
    >>> U, _ = make_documents(world, 300, side="tgt", seed=3)      # unlabelled target text
    >>> clf = CrossLingualClassifier(space, source_lang="src").fit(X, y).adapt(U, "tgt")
    >>> clf.adaptation("tgt")
    'tgt: own statistics from 300 unlabelled documents'
    >>> Xt, yt = make_documents(world, 200, side="tgt", seed=2)
    >>> clf.score(Xt, yt, lang="tgt") > 0.8
    True
    """

    _parameter_constraints = {
        "space": "no_validation",
        "source_lang": [str],
        "pooling": [StrOptions(set(POOLINGS))],
        "center": [StrOptions(set(CENTERING))],
        "scale": [StrOptions(set(SCALING)), "boolean"],
        "remove_pc": [Interval(Integral, 0, None, closed="left")],
        "estimator": "no_validation",
        "preprocess": [dict, None],
    }

    def __init__(self, space=None, *, source_lang="en", pooling="mean", center="language",
                 scale="language", remove_pc=0, estimator=None, preprocess=None):
        self.space = space
        self.source_lang = source_lang
        self.pooling = pooling
        self.center = center
        self.scale = scale
        self.remove_pc = remove_pc
        self.estimator = estimator
        self.preprocess = preprocess

    def _make_pipeline(self, lang):
        estimator = self.estimator if self.estimator is not None else make_estimator()
        return Pipeline([
            ("tokenize", Tokenizer(self.preprocess)),
            ("embed", DocumentEmbedder(_as_space(self.space), lang=lang, pooling=self.pooling)),
            ("standardize", LanguageStandardizer(center=self.center, scale=self.scale, source_lang=lang)),
            ("remove_pc", PrincipalComponentRemover(self.remove_pc) if self.remove_pc else "passthrough"),
            ("classify", rowwise(estimator)),
        ])

    @property
    def embedder_(self) -> DocumentEmbedder:
        return self.pipeline_.named_steps["embed"]

    @property
    def standardizer_(self) -> LanguageStandardizer:
        return self.pipeline_.named_steps["standardize"]

    @property
    def estimator_(self):
        return self.pipeline_.named_steps["classify"]

    # -- scikit-learn API ----------------------------------------------------------------
    def fit(self, X, y, *, lang=None, extra=None, unlabelled=None):
        """Fit on labelled documents ``X`` of ``lang`` (default ``source_lang``).

        1. the tokenizer, embedder, the source statistics and the component remover are fit
           on ``X``;
        2. each language of ``unlabelled`` (``{lang: documents or Unlabelled}``) gets its own
           statistics (:meth:`adapt`);
        3. ``extra``: optional ``(X_k, y_k, lang_k)`` labelled documents of other languages
           joining the training set (few-shot mode); a language of ``extra`` absent from
           ``unlabelled`` gets its statistics from those labelled documents;
        4. the estimator is fit on every labelled document, standardised with its language's
           statistics.
        """
        self._validate_params()
        lang = lang or self.source_lang
        y = np.asarray(y)
        if len(X) != len(y):
            raise ValueError(f"{len(X)} documents but {len(y)} labels")
        if len(np.unique(y)) < 2:
            raise ValueError("training labels have a single class; need at least two")
        self.pipeline_ = self._make_pipeline(lang)
        self.fitted_lang_ = lang
        features = self.pipeline_[:-1]
        tokens = features[0].transform(X, lang=lang)
        _routed("fit")(features, tokens, lang=lang)
        for other, docs in (unlabelled or {}).items():
            docs = docs if isinstance(docs, Unlabelled) else Unlabelled(docs)
            self.adapt(docs.documents, other, origin=docs.origin)
        docs, langs, labels = list(tokens), [lang] * len(tokens), [y]
        for Xk, yk, lk in extra or []:
            tk = features[0].transform(Xk, lang=lk)
            if lk != lang and lk not in self.standardizer_.means_:
                self.adapt(tk, lk, origin="labelled training documents")
            docs += tk
            langs += [lk] * len(tk)
            labels.append(np.asarray(yk))
        Z = _routed("transform")(features, docs, lang=np.asarray(langs, dtype=object))
        y_all = np.concatenate(labels)
        self.pipeline_[-1].fit(Z, y_all)
        self.classes_ = self.estimator_.classes_
        # the balance the probabilities refer to (uniform with balanced class weights)
        self.source_priors_ = effective_priors(y_all, self.classes_, getattr(self.estimator_, "class_weight", None))
        self.calibrator_ = None
        self.target_priors_ = {}
        return self

    def adapt(self, X_unlabelled, lang, *, origin="unlabelled documents"):
        """Learn ``lang``'s statistics (and its IDF with ``pooling="tfidf"``) from all of
        ``X_unlabelled`` at once; they are kept (and saved with the model) until replaced.

        ``origin`` says what the documents were, for reports (e.g. ``"test texts
        (transductive)"``).
        """
        check_is_fitted(self, "pipeline_")
        if lang == self.fitted_lang_:
            raise ValueError(f"{lang!r} is the training language: its statistics come from fit")
        tokens = self.pipeline_[0].transform(X_unlabelled, lang=lang)
        embedder = self.embedder_.fit_lang(tokens, lang)
        self.standardizer_.fit_lang(embedder.transform(tokens, lang=lang), lang, origin=origin)
        self._target_priors().pop(lang, None)  # estimated with the old statistics
        return self

    def calibrate(self, X, y, lang=None, *, method="sigmoid"):
        """Calibrate the probabilities on labelled documents (the source dev split, not the
        training documents the scores were fit on), so that of the documents given 0.8, about
        80% are right.

        The estimator is frozen and a ``method`` calibrator (:data:`CALIBRATIONS`) maps its
        scores (:class:`~sklearn.calibration.CalibratedClassifierCV` on a
        :class:`~sklearn.frozen.FrozenEstimator`). Calibrated probabilities refer to the
        class balance of ``y``, which becomes the source prior of label-shift adjustment;
        :meth:`predict` then takes the most probable class.
        """
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.frozen import FrozenEstimator

        check_is_fitted(self, "pipeline_")
        if method not in CALIBRATIONS:
            raise ValueError(f"unknown calibration {method!r}; choose one of {', '.join(CALIBRATIONS)}")
        if method == "none":  # leaves the model as it is
            return self
        y = np.asarray(y)
        Z = self.transform(X, lang)
        self.calibrator_ = CalibratedClassifierCV(FrozenEstimator(self.estimator_), method=method).fit(Z, y)
        self.source_priors_ = effective_priors(y, self.classes_)
        self.target_priors_ = {}  # they were relative to the old probabilities
        return self

    def adapt_priors(self, X_unlabelled, lang, *, method="em", dev=None, tol=1e-6, max_iter=1000):
        """Estimate ``lang``'s class prior from unlabelled documents of it, all at once, and
        keep it (saved with the model): :meth:`predict_proba` and :meth:`predict` of ``lang``
        then re-weight each row's probabilities from the source prior to it
        (:func:`xproj.shift.adjust_posteriors`).

        Call it after :meth:`adapt` (the prior is estimated on the adapted probabilities;
        :meth:`adapt` drops it). ``method``: ``"em"`` (Saerens et al. 2002) or ``"bbse"``
        (Lipton et al. 2018; needs ``dev = (X, y)``, labelled source documents), ``"none"``
        removes the prior.
        """
        check_is_fitted(self, "pipeline_")
        if method not in PRIOR_METHODS:
            raise ValueError(f"unknown prior method {method!r}; choose one of {', '.join(PRIOR_METHODS)}")
        priors = self._target_priors()
        priors.pop(lang, None)
        if method == "none":
            return self
        if method == "em":
            estimate, n_iter = estimate_priors_em(self.predict_proba(X_unlabelled, lang), self.source_priors_,
                                                  tol=tol, max_iter=max_iter)
        else:
            if dev is None:
                raise ValueError("method='bbse' needs dev=(documents, labels) of the source language")
            n_iter, K = None, len(self.classes_)
            codes = lambda labels: np.searchsorted(self.classes_, labels)  # noqa: E731
            estimate = estimate_priors_bbse(codes(np.asarray(dev[1])), codes(self.predict(dev[0])),
                                            codes(self.predict(X_unlabelled, lang)), K)
        priors[lang] = TargetPrior(estimate, method, len(X_unlabelled), n_iter)
        return self

    def _target_priors(self) -> dict:
        # models saved before label-shift adjustment have none
        if getattr(self, "target_priors_", None) is None:
            self.target_priors_ = {}
        return self.target_priors_

    def adaptation(self, lang) -> str:
        """One line: which statistics documents of ``lang`` are standardised with."""
        check_is_fitted(self, "pipeline_")
        prior = self._target_priors().get(lang)
        described = self.standardizer_.describe(lang)
        return described if prior is None else f"{described}; {prior.describe(self.classes_)}"

    def coverage(self, X, lang=None) -> dict:
        """Per document: ``tokens``, ``known`` (tokens with a vector) and ``coverage``
        (``known / tokens``, 0 without tokens); see :meth:`DocumentEmbedder.coverage`."""
        check_is_fitted(self, "pipeline_")
        lang = self.fitted_lang_ if lang is None else lang
        tokens = self.pipeline_[0].transform(X, lang=lang)
        return self.embedder_.coverage(tokens, lang, per_document=True)

    def scorable(self, X, lang=None) -> np.ndarray:
        """Boolean mask: the documents with at least one word that has a vector.

        The empty-document rule: a document without such a word (empty, blank, or every
        token out of vocabulary) is embedded as the zero vector, so :meth:`predict` gives it
        the label of the zero vector, the same for every such document. ``predict`` stays
        row for row and still returns that label; report those documents as not scored
        instead (``xproj predict`` leaves their label empty, the reason in ``error``).
        """
        return self.coverage(X, lang)["known"] > 0

    def transform(self, X, lang=None):
        """The features the estimator sees (embedded, standardised, components removed)."""
        check_is_fitted(self, "pipeline_")
        return _routed("transform")(self.pipeline_[:-1], X, lang=lang or self.fitted_lang_)

    def _adjusted(self, lang) -> bool:
        """Whether ``lang``'s probabilities are calibrated or prior-adjusted (predict is then
        their argmax)."""
        return getattr(self, "calibrator_", None) is not None or lang in self._target_priors()

    def predict(self, X, lang=None):
        check_is_fitted(self, "pipeline_")
        lang = lang or self.fitted_lang_
        if self._adjusted(lang):
            return self.classes_[self.predict_proba(X, lang).argmax(axis=1)]
        return _routed("predict")(self.pipeline_, X, lang=lang)

    def predict_proba(self, X, lang=None):
        """Class probabilities, calibrated (:meth:`calibrate`) and re-weighted to ``lang``'s
        estimated class prior (:meth:`adapt_priors`) when the model has them."""
        check_is_fitted(self, "pipeline_")
        lang = lang or self.fitted_lang_
        calibrator = getattr(self, "calibrator_", None)
        if calibrator is None and not hasattr(self.estimator_, "predict_proba"):
            raise AttributeError(f"{type(self.estimator_).__name__} has no predict_proba; "
                                 "use decision_function or calibrate the model")
        if calibrator is None:
            P = _routed("predict_proba")(self.pipeline_, X, lang=lang)
        else:
            P = calibrator.predict_proba(self.transform(X, lang))
        prior = self._target_priors().get(lang)
        return P if prior is None else adjust_posteriors(P, self.source_priors_, prior.priors)

    def decision_function(self, X, lang=None):
        check_is_fitted(self, "pipeline_")
        return _routed("decision_function")(self.pipeline_, X, lang=lang or self.fitted_lang_)

    def score(self, X, y, sample_weight=None, lang=None):
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X, lang), sample_weight=sample_weight)
