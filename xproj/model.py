"""The cross-lingual classifier: fit on source-language documents, predict on any language of
an aligned space; persistence with joblib together with the mapping and the config.

Examples
--------
>>> from xproj.datasets.synthetic import make_bilingual_world, make_documents
>>> from xproj.align import fit_mapping
>>> from xproj.features import AlignedSpace
>>> world = make_bilingual_world(n_words=1500, dim=20, noise=0.1, seed=0)
>>> m = fit_mapping(world.tgt, world.src, [(t, s) for s, t in world.train_pairs])
>>> space = AlignedSpace.from_mappings("src", world.src, {"tgt": (world.tgt, m)})
>>> X, y = make_documents(world, 400, side="src", seed=1)
>>> clf = CrossLingualClassifier(space, source_lang="src").fit(X, y)
>>> Xt, yt = make_documents(world, 200, side="tgt", seed=2)
>>> clf.score(Xt, yt, lang="tgt") > 0.8
True
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from . import __version__
from .errors import InputFormatError, ResourceNotFoundError
from .features import DocumentEmbedder, PrincipalComponentRemover, _as_space

CENTERING = ("none", "source", "language")
SCALING = ("none", "source", "language")


def make_estimator(name="logreg", *, C=1.0, class_weight="balanced", seed=0):
    """A scikit-learn classifier by name: ``"logreg"`` (default) or ``"linear_svm"``."""
    if name == "logreg":
        return LogisticRegression(C=C, class_weight=class_weight, max_iter=2000, random_state=seed)
    if name == "linear_svm":
        return LinearSVC(C=C, class_weight=class_weight, random_state=seed)
    raise ValueError(f"unknown estimator {name!r}; choose 'logreg' or 'linear_svm'")


class CrossLingualClassifier(ClassifierMixin, BaseEstimator):
    """Sentiment (or any) classifier over aligned document vectors.

    Parameters
    ----------
    space : AlignedSpace
        Every language's vectors in one space.
    source_lang : str
        Language of the training documents.
    pooling : {"mean", "tfidf", "sif"}
        See :class:`~xproj.features.DocumentEmbedder`.
    center : {"language", "source", "none"}
        ``"language"`` removes each language's own mean document vector (the source mean
        from the training documents; a target language's from unlabelled documents given to
        :meth:`adapt`, or else from the documents being predicted, when there are at least
        ``min_center_docs`` of them). ``"source"`` removes the source mean everywhere.
    remove_pc : int
        Common principal components to remove (1 with ``pooling="sif"`` is SIF).
    scale : {"source", "language", "none"} or bool
        Standardise features: by the source documents' standard deviations (``"source"`` or
        True), by each language's own (``"language"``: long or out-of-domain target documents
        have a smaller spread than the training sentences, which otherwise pushes every
        prediction to one class), or not at all.
    estimator : scikit-learn classifier, optional
        Default: logistic regression with balanced class weights.
    preprocess : dict or None
        Options for :func:`xproj.lang.get_preprocessor` used when documents are strings;
        documents given as token lists are used as they are.
    min_center_docs : int

    Attributes
    ----------
    classes_ : ndarray
    embedder_ : DocumentEmbedder
    lang_stats_ : dict lang -> {"mean", "std", "n"}
        Per-language statistics of document vectors (source, few-shot and adapted languages).
    estimator_ : fitted estimator
    """

    def __init__(self, space=None, *, source_lang="en", pooling="mean", center="language",
                 remove_pc=0, scale="language", estimator=None, preprocess=None, min_center_docs=20):
        self.space = space
        self.source_lang = source_lang
        self.pooling = pooling
        self.center = center
        self.remove_pc = remove_pc
        self.scale = scale
        self.estimator = estimator
        self.preprocess = preprocess
        self.min_center_docs = min_center_docs

    # -- helpers ----------------------------------------------------------------------------
    def _tokens(self, X, lang):
        if len(X) and isinstance(X[0], str):
            from .lang import get_preprocessor

            cache = self.__dict__.setdefault("_preprocessors", {})
            if lang not in cache:
                cache[lang] = get_preprocessor(lang, **(self.preprocess or {}))
            return cache[lang].pipe(list(X))
        return X

    def _embed(self, X, lang):
        return self.embedder_.transform_lang(self._tokens(X, lang), lang)

    def _scale_mode(self):
        mode = {True: "source", False: "none"}.get(self.scale, self.scale)
        if mode not in SCALING:
            raise ValueError(f"scale must be one of {SCALING} (or True/False), got {self.scale!r}")
        return mode

    def _stats(self, E):
        """Mean and (after centering and PC removal) standard deviation of one language's
        document vectors."""
        mean = E.mean(axis=0)
        Z = E - mean
        if self.remove_pc and hasattr(self, "pc_"):
            Z = self.pc_.transform(Z)
        std = Z.std(axis=0)
        std[std == 0] = 1
        return {"mean": mean, "std": std, "n": len(E)}

    def _lang_stats(self, E, lang):
        st = self.lang_stats_.get(lang)
        if st is None:
            if len(E) >= self.min_center_docs:
                st = self._stats(E)  # transductive: the unlabelled documents at hand
            else:
                st = self.lang_stats_[self.fitted_lang_]
        return st

    def _post(self, E, lang):
        src = self.lang_stats_[self.fitted_lang_]
        need_own = self.center == "language" or self._scale_mode() == "language"
        own = self._lang_stats(E, lang) if need_own else src
        if self.center != "none":
            E = E - (own if self.center == "language" else src)["mean"]
        if self.remove_pc:
            E = self.pc_.transform(E)
        mode = self._scale_mode()
        if mode != "none":
            E = E / (own if mode == "language" else src)["std"]
        return E

    # -- scikit-learn API ----------------------------------------------------------------
    def fit(self, X, y, *, lang=None, extra=None):
        """Fit on documents of ``lang`` (default ``source_lang``).

        ``extra``: optional list of ``(X_k, y_k, lang_k)`` labelled documents of other
        languages added to the training set (few-shot mode); each language is centred with
        its own statistics when ``center="language"``.
        """
        if self.center not in CENTERING:
            raise ValueError(f"center must be one of {CENTERING}, got {self.center!r}")
        self._scale_mode()
        lang = lang or self.source_lang
        space = _as_space(self.space)
        y = np.asarray(y)
        if len(X) != len(y):
            raise ValueError(f"{len(X)} documents but {len(y)} labels")
        if len(np.unique(y)) < 2:
            raise ValueError("training labels have a single class; need at least two")
        tokens = self._tokens(X, lang)
        self.embedder_ = DocumentEmbedder(space, lang=lang, pooling=self.pooling).fit(tokens)
        self.fitted_lang_ = lang
        E = self.embedder_.transform_lang(tokens, lang)
        if self.remove_pc:
            self.pc_ = PrincipalComponentRemover(self.remove_pc).fit(
                E - E.mean(axis=0) if self.center != "none" else E)
        self.lang_stats_ = {lang: self._stats(E)}
        blocks, labels = [(E, lang)], [y]
        for Xk, yk, lk in extra or []:
            Ek = self._embed(Xk, lk)
            blocks.append((Ek, lk))
            labels.append(np.asarray(yk))
        Z = np.vstack([self._post(Eb, lb) for Eb, lb in blocks])
        yy = np.concatenate(labels)
        est = self.estimator if self.estimator is not None else make_estimator()
        self.estimator_ = clone(est).fit(Z, yy)
        self.classes_ = self.estimator_.classes_
        return self

    def adapt(self, X_unlabelled, lang):
        """Learn a target language's mean from unlabelled documents (for ``center="language"``)."""
        check_is_fitted(self, "estimator_")
        self.lang_stats_[lang] = self._stats(self._embed(X_unlabelled, lang))
        return self

    def transform(self, X, lang=None):
        """The features the estimator sees (embedded, centred, scaled)."""
        check_is_fitted(self, "estimator_")
        lang = lang or self.source_lang
        return self._post(self._embed(X, lang), lang)

    def predict(self, X, lang=None):
        return self.estimator_.predict(self.transform(X, lang))

    def predict_proba(self, X, lang=None):
        check_is_fitted(self, "estimator_")
        if not hasattr(self.estimator_, "predict_proba"):
            raise AttributeError(f"{type(self.estimator_).__name__} has no predict_proba; use decision_function")
        return self.estimator_.predict_proba(self.transform(X, lang))

    def decision_function(self, X, lang=None):
        return self.estimator_.decision_function(self.transform(X, lang))

    def score(self, X, y, sample_weight=None, lang=None):
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X, lang), sample_weight=sample_weight)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_preprocessors", None)
        return state


# -- persistence ---------------------------------------------------------------------------

def save_model(model, path, *, mapping=None, config=None, label_names=None):
    """Save a fitted model with joblib (atomic), with its mapping and config beside it.

    Writes ``path`` (joblib), and ``path`` + ``.json`` (config, label names, versions). The
    aligned space (every language's mapped vectors) is stored inside the model file, so a
    saved model predicts without the original vector files.
    """
    import joblib

    from ._io import atomic_write

    path = Path(path)
    with atomic_write(path, "wb") as f:
        joblib.dump({"model": model, "mapping": mapping, "label_names": label_names,
                     "config": config}, f, compress=3)
    meta = {"format": "xproj-model/1", "label_names": label_names, "config": config,
            "versions": package_versions()}
    with atomic_write(path.with_name(path.name + ".json"), "w") as f:
        json.dump(meta, f, indent=2, default=str)
    return path


def load_model(path):
    """Load what :func:`save_model` wrote: a dict with ``model``, ``mapping``, ``label_names``,
    ``config``."""
    import joblib

    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such model file")
    try:
        bundle = joblib.load(path)
    except Exception as exc:  # joblib raises many kinds on a damaged file
        raise InputFormatError(path, f"not an xproj model file ({type(exc).__name__}: {exc})") from None
    if not isinstance(bundle, dict) or "model" not in bundle:
        raise InputFormatError(path, "not an xproj model file (no 'model' entry)")
    return bundle


def package_versions() -> dict:
    """Versions of Python and the packages a run depends on (recorded beside outputs)."""
    from importlib import metadata

    out = {"python": platform.python_version(), "xproj": __version__}
    for name in ("numpy", "scipy", "scikit-learn", "spacy", "jieba", "fasttext-numpy2-wheel", "joblib"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
