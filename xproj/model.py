"""The cross-lingual classifier: fit on source-language documents, predict on any language of
an aligned space; persistence with joblib together with the mapping and the config."""

from __future__ import annotations

from dataclasses import dataclass

from numbers import Integral, Real

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._weights import positive_weights
from .estimators import (CALIBRATIONS, ESTIMATORS, RowwiseLinearSVC, RowwiseLogisticRegression,  # noqa: F401
                         make_estimator, rowwise)
from .features import NEGATIONS, POOLINGS, DocumentEmbedder, Tokenizer, _as_space, check_power_means
from .persistence import load_model, package_versions, save_model  # noqa: F401  (their old home)
from .shift import PriorShift, adjust_posteriors, effective_priors
from .standardize import CENTERING, SCALING, LanguageStandardizer, PrincipalComponentRemover
from .student import StudentVote
from .translation_vote import TranslationVote, mix, translate


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


class CrossLingualClassifier(StudentVote, TranslationVote, PriorShift, ClassifierMixin, BaseEstimator):
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

    The translation vote (``translation_weight`` w > 0, a language given word-by-word
    translations by :meth:`add_translations`): the language's probabilities are ``(1 - w) *
    p(document) + w * p(its translation, scored as the training language)``, each side from the
    (calibrated) estimator, then re-weighted to the language's prior (:meth:`adapt_priors`).

    The target-native student (:meth:`fit_student`, :mod:`xproj.student`): a language's
    probabilities (after the vote, before its prior) are ``(1 - w_s) * those + w_s * p(student)``,
    the student a linear model on TF-IDF n-grams of the language's text, learnt once from this
    model's probabilities of unlabelled documents of it and saved with the model.

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
    translation_weight : float in [0, 1]
        Weight ``w`` of the word-by-word translation's vote for a language with translations
        (:meth:`add_translations`): its probabilities are ``(1 - w) * p(document as the
        language) + w * p(its translation as the training language)``. 0: off.
    fallback_lang : str or None
        A language of ``space`` (normally ``source_lang``) whose vector stands for a token of
        another language that has none of its own (English words in German tweets); see
        :class:`~xproj.features.DocumentEmbedder`. None: off.
    negation : {"ignore", "flip", "block"}
        What a token marked as negated (``preprocess={"negation": True}``: ``NEG_good``) does
        to the aligned document vector, see :data:`~xproj.features.NEGATIONS`; the mark is
        ``preprocess["negation_prefix"]`` (default ``"NEG_"``).
    power_means : sequence of {"mean", "max", "min"}
        Statistics of the word vectors concatenated into the aligned document vector, see
        :data:`~xproj.features.POWER_MEANS`; ``("mean",)``: the weighted mean alone.

    Attributes
    ----------
    pipeline_ : Pipeline
        The fitted steps (print it to see them).
    classes_ : ndarray
    fitted_lang_ : str
    translations_ : dict
        ``{lang: Translations}`` attached by :meth:`add_translations` (saved with the model).

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
        "translation_weight": [Interval(Real, 0, 1, closed="both")],
        "fallback_lang": [str, None],
        "negation": [StrOptions(set(NEGATIONS))],
        "power_means": [list, tuple],  # names checked by check_power_means in fit
    }

    def __init__(self, space=None, *, source_lang="en", pooling="mean", center="language",
                 scale="language", remove_pc=0, estimator=None, preprocess=None, translation_weight=0.0,
                 fallback_lang=None, negation="ignore", power_means=("mean",)):
        self.space = space
        self.source_lang = source_lang
        self.pooling = pooling
        self.center = center
        self.scale = scale
        self.remove_pc = remove_pc
        self.estimator = estimator
        self.preprocess = preprocess
        self.translation_weight = translation_weight
        self.fallback_lang = fallback_lang
        self.negation = negation
        self.power_means = power_means

    def __setstate__(self, state):
        # models saved before fallback_lang / negation / power_means existed had none of them
        super().__setstate__({"fallback_lang": None, "negation": "ignore", "power_means": ("mean",), **state})

    def _make_pipeline(self, lang):
        estimator = self.estimator if self.estimator is not None else make_estimator()
        return Pipeline([
            ("tokenize", Tokenizer(self.preprocess)),
            ("embed", DocumentEmbedder(_as_space(self.space), lang=lang, pooling=self.pooling,
                                       fallback_lang=self.fallback_lang, negation=self.negation,
                                       negation_prefix=self._negation_prefix(),
                                       power_means=tuple(self.power_means))),
            ("standardize", LanguageStandardizer(center=self.center, scale=self.scale, source_lang=lang)),
            ("remove_pc", PrincipalComponentRemover(self.remove_pc) if self.remove_pc else "passthrough"),
            ("classify", rowwise(estimator)),
        ])

    def _negation_prefix(self) -> str:
        """The mark of negated tokens: the preprocessor's (``preprocess["negation_prefix"]``)."""
        return (self.preprocess or {}).get("negation_prefix", "NEG_")

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
    def fit(self, X, y, *, lang=None, extra=None, unlabelled=None, sample_weight=None):
        """Fit on labelled documents ``X`` of ``lang`` (default ``source_lang``).

        1. the tokenizer, embedder, the source statistics and the component remover are fit
           on ``X``;
        2. each language of ``unlabelled`` (``{lang: documents or Unlabelled}``) gets its own
           statistics (:meth:`adapt`);
        3. ``extra``: optional ``(X_k, y_k, lang_k)`` labelled documents of other languages
           joining the training set (few-shot mode); a language of ``extra`` absent from
           ``unlabelled`` gets its statistics from those labelled documents;
        4. the estimator is fit on every labelled document, standardised with its language's
           statistics; ``sample_weight``: one weight per document, ``X``'s then each of
           ``extra``'s in order (e.g. target documents weighted up against source ones).
        """
        self._validate_params()
        check_power_means(self.power_means)
        lang = lang or self.source_lang
        y = np.asarray(y)
        if len(X) != len(y):
            raise ValueError(f"{len(X)} documents but {len(y)} labels")
        if len(np.unique(y)) < 2:
            raise ValueError("training labels have a single class; need at least two")
        if sample_weight is not None:  # before any work
            sample_weight = positive_weights(sample_weight, len(y) + sum(len(yk) for _, yk, _ in extra or []),
                                             "sample_weight", "X, then extra")
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
        self.pipeline_[-1].fit(Z, y_all, **({} if sample_weight is None else {"sample_weight": sample_weight}))
        self.classes_ = self.estimator_.classes_
        # the balance the probabilities refer to (uniform with balanced class weights)
        self.source_priors_ = effective_priors(y_all, self.classes_, getattr(self.estimator_, "class_weight", None),
                                               sample_weight)
        self.calibrator_ = None
        self.target_priors_ = {}
        self.translations_ = {}
        self.students_ = {}
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

    def adaptation(self, lang, *, student=True) -> str:
        """One line: which statistics documents of ``lang`` are standardised with;
        ``student=False``: without ``lang``'s student."""
        check_is_fitted(self, "pipeline_")
        prior, vote = self._target_priors().get(lang), self._translations().get(lang)
        parts = [self.standardizer_.describe(lang)] + ([vote.describe(self.translation_weight)] if vote else [])
        found = self._students().get(lang) if student else None
        parts += [found.describe()] if found else []
        return "; ".join(parts + ([prior.describe(self.classes_)] if prior else []))

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

    @property
    def has_proba(self) -> bool:
        """Whether the model gives probabilities: a probabilistic estimator, or any estimator
        with ``model.calibration`` (a calibrated SVM)."""
        return getattr(self, "calibrator_", None) is not None or hasattr(self.estimator_, "predict_proba")

    def _adjusted(self, lang) -> bool:
        """Whether ``lang``'s probabilities are calibrated, prior-adjusted or mixed with the
        translation's (predict is then their argmax)."""
        return (getattr(self, "calibrator_", None) is not None or lang in self._target_priors()
                or (self._vote(lang) is not None and self.has_proba) or self._student(lang) is not None)

    def predict(self, X, lang=None):
        check_is_fitted(self, "pipeline_")
        lang = lang or self.fitted_lang_
        if self._adjusted(lang):
            return self.classes_[self.predict_proba(X, lang).argmax(axis=1)]
        if self._vote(lang) is not None:  # mixed scores of an estimator without probabilities
            scores = self.decision_function(X, lang)
            return self.classes_[(scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)]
        return _routed("predict")(self.pipeline_, X, lang=lang)

    def _voted(self, method, X, lang):
        """``method`` (``"proba"`` or ``"decision"``) on ``X`` of ``lang``, tokenised once,
        mixed with the same on its translation when ``lang``'s translations vote."""
        tokens = self.pipeline_[0].transform(X, lang=lang)
        own = self._on_tokens(method, tokens, lang)
        vote = self._vote(lang)
        if vote is None:
            return own
        translated = self._on_tokens(method, translate(tokens, vote.table, self._negation_prefix()),
                                     self.fitted_lang_)
        return mix(own, translated, self.translation_weight)

    def aligned_features(self, tokens, lang) -> np.ndarray:
        """The document features the estimator reads (aligned, pooled, standardised) of
        tokenised documents of ``lang``; each row from its document only."""
        return _routed("transform")(self.pipeline_[1:-1], tokens, lang=lang)

    def _on_tokens(self, method, tokens, lang):
        calibrator = getattr(self, "calibrator_", None)
        if method == "proba" and calibrator is not None:
            return calibrator.predict_proba(_routed("transform")(self.pipeline_[1:-1], tokens, lang=lang))
        name = "predict_proba" if method == "proba" else "decision_function"
        return _routed(name)(self.pipeline_[1:], tokens, lang=lang)

    def predict_proba(self, X, lang=None):
        """Class probabilities, calibrated (:meth:`calibrate`), mixed with the word-by-word
        translation's (:meth:`add_translations`), then with the student's (:meth:`fit_student`),
        and re-weighted to ``lang``'s estimated class prior (:meth:`adapt_priors`) when the model
        has them."""
        check_is_fitted(self, "pipeline_")
        lang = lang or self.fitted_lang_
        if not self.has_proba:
            raise AttributeError(f"{type(self.estimator_).__name__} has no predict_proba; "
                                 "use decision_function or calibrate the model")
        tokens = self.pipeline_[0].transform(X, lang=lang)
        P = self._voted("proba", tokens, lang)
        student = self._student(lang)
        if student is not None:  # the target-native student's vote (xproj.student)
            P = mix(P, self.student_proba(student, tokens, lang), student.weight)
        prior = self._target_priors().get(lang)
        return P if prior is None else adjust_posteriors(P, self.source_priors_, prior.priors)

    def decision_function(self, X, lang=None):
        """The estimator's scores. For a language whose translations vote: the log-odds of
        :meth:`predict_proba` (log-probabilities with more than two classes) when the model has
        probabilities, else the mix of the two sides' scores; their sign (argmax) is
        :meth:`predict`."""
        check_is_fitted(self, "pipeline_")
        lang = lang or self.fitted_lang_
        if self._vote(lang) is None or not self.has_proba:
            return self._voted("decision", X, lang)
        logP = np.log(np.clip(self.predict_proba(X, lang), np.finfo(float).tiny, None))
        return logP[:, 1] - logP[:, 0] if logP.shape[1] == 2 else logP

    def score(self, X, y, sample_weight=None, lang=None):
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X, lang), sample_weight=sample_weight)
