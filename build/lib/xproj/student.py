"""Cross-lingual distillation into a target-native student (Xu & Wan 2017, co-training flavour).

The English model (the *teacher*: aligned features, plus the translation vote) labels a target
language's unlabelled documents; a *student* that sees only target-language features the
teacher cannot see - TF-IDF word and character n-grams of the target text - learns from those
pseudo-labels with a linear model. The classifier's probabilities of that language are then
``(1 - w) * teacher + w * student`` (``w``: the student's weight; 1 = the student alone).

The student is fitted once, on the unlabelled pool, with a seed; it is kept (and saved) with
the model, so a document's probabilities depend on the document and the model only: TF-IDF
rows are computed one document at a time from the saved vocabulary and IDF, and the linear
scores of a sparse row are a per-row sum.

:class:`TfidfStudent` is the estimator; :class:`StudentVote` is the classifier's part that
fits a language's student (:meth:`StudentVote.fit_student`) and says whether it votes.

Examples
--------
>>> docs = [["muy", "bueno"], ["malo"], ["bueno", "hotel"], ["hotel", "malo", "sucio"]] * 5
>>> proba = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.9, 0.1]] * 5)
>>> s = TfidfStudent(min_df=1).fit(docs, proba, classes=np.array([0, 1]))
>>> s.predict_proba([["bueno"], ["malo"]]).argmax(axis=1).tolist()
[1, 0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._weights import positive_weights
from .translation_vote import mix

#: ``model.student``: ``none`` (off) or ``tfidf`` (word 1-2-grams and character 1-4-grams).
STUDENTS = ("none", "tfidf")
#: ``model.student_labels``: ``soft`` (every pool document, once per class, weighted by the
#: teacher's probability of that class) or ``hard`` (the teacher's most confident labels).
STUDENT_LABELS = ("soft", "hard")
#: ``fit_student(view=...)``, a library keyword (measured on dev, lost; not a run option):
#: ``text`` (TF-IDF n-grams only) or ``text+aligned`` (plus the aligned document vector the
#: English model reads, each row scaled to unit length: a second view of the same document).
STUDENT_VIEWS = ("text", "text+aligned")
#: ``fit_student(prior=...)``, a library keyword (measured on dev, lost; not a run option): the
#: class balance of the student's pseudo-labels: ``teacher`` (the English model's own) or ``em``
#: (re-weighted to the target prior estimated from the pool by EM, Saerens et al. 2002,
#: :func:`xproj.shift.estimate_priors_em`).
STUDENT_PRIORS = ("teacher", "em")


def _joined(tokens) -> list:
    """Token lists as space-joined strings (the vectorisers split on spaces again)."""
    return [" ".join(doc) for doc in tokens]


def balanced_weights(labels, weights, n_classes) -> np.ndarray:
    """``weights`` rescaled so that every class carries the same total weight (``n / K`` each,
    as scikit-learn's ``class_weight="balanced"`` does with counts)."""
    labels, weights = np.asarray(labels), np.asarray(weights, dtype=np.float64)
    totals = np.bincount(labels, weights=weights, minlength=n_classes)
    present = np.count_nonzero(totals)
    scale = np.divide(weights.sum() / present, totals, out=np.zeros_like(totals), where=totals > 0)
    return weights * scale[labels]


def teacher_targets(proba, labels="soft", share=0.5, balance=True):
    """What the student learns from the teacher's probabilities ``proba`` of the pool.

    Returns ``(rows, classes, weights)``: pool row, class index (a column of ``proba``) and
    sample weight of each training example, class-balanced (:func:`balanced_weights`) with
    ``balance``, else in the teacher's proportions.
    ``soft``: every row once per class, weighted by the teacher's probability of it.
    ``hard``: the teacher's label of the most confident rows, ``share`` of the pool split
    equally between the classes (:func:`xproj.loop.pseudo.pseudo_label`, top-k per predicted
    class; a class the teacher predicts less often gives all its rows).
    """
    from .loop.pseudo import pseudo_label

    P = np.asarray(proba, dtype=np.float64)
    n, K = P.shape
    if labels == "soft":
        rows, cls = np.repeat(np.arange(n), K), np.tile(np.arange(K), n)
        w = P.ravel()
        keep = w > 1e-6  # examples of (almost) no weight only slow the solver
        rows, cls, w = rows[keep], cls[keep], w[keep]
    elif labels == "hard":
        if not 0 < share <= 1:
            raise ValueError(f"share: must be in (0, 1], got {share!r}")
        rows, cls = pseudo_label(P, top_k_per_class=max(1, math.ceil(share * n / K)))
        w = np.ones(len(rows))
    else:
        raise ValueError(f"unknown student labels {labels!r}; choose one of {', '.join(STUDENT_LABELS)}")
    if len(np.unique(cls)) < 2:
        raise ValueError("the teacher gives one class to every unlabelled document: a student needs two")
    return rows, cls, balanced_weights(cls, w, K) if balance else w


def _held_out_loss(X, rows, cls, w, C, seed, folds=3) -> float:
    """Cross-entropy of a student with inverse regularisation ``C`` against the teacher's
    targets of pool documents it did not see (``folds``-fold over documents, seeded)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    n_docs = X.shape[0]
    total = weight = 0.0
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(np.arange(n_docs)):
        fit = np.isin(rows, train)
        est = LogisticRegression(C=C, max_iter=2000, random_state=seed).fit(X[rows[fit]], cls[fit],
                                                                          sample_weight=w[fit])
        held = ~fit
        logp = est.predict_log_proba(X[rows[held]])
        col = np.searchsorted(est.classes_, cls[held])
        known = np.isin(cls[held], est.classes_)
        total -= float(np.sum(w[held][known] * logp[np.flatnonzero(known), col[known]]))
        weight += float(w[held].sum())
    return total / weight


class TfidfStudent:
    """Logistic regression on TF-IDF word (1-2) and character (1-4, within words) n-grams of
    tokenised target documents, learnt from a teacher's probabilities.

    Parameters
    ----------
    C : float or tuple of float
        Inverse regularisation of the logistic regression; a tuple: the one whose student
        best predicts the teacher's targets of held-out pool documents (3-fold cross-entropy,
        seeded), kept as ``C_`` with the losses in ``cv_losses_``.
    labels : {"soft", "hard"}, share : float in (0, 1], balance : bool
        How the teacher's probabilities become training examples (:func:`teacher_targets`).
    min_df : int
        An n-gram must occur in this many pool documents to be a feature.
    max_features : int
        At most this many word and as many character n-grams (the most frequent).
    seed : int
        Seed of the solver.
    view : {"text", "text+aligned"}
        ``text+aligned``: each row also carries a dense view of its document (``dense`` of
        :meth:`fit` and :meth:`predict_proba`, e.g. its aligned document vector), scaled to unit
        length so that it weighs as much as each TF-IDF block.
    """

    def __init__(self, C=1.0, *, labels="soft", share=0.5, balance=True, min_df=2, max_features=100_000, seed=0,
                 view="text", word_ngrams=(1, 2), char_ngrams=(1, 4)):
        self.C, self.labels, self.share, self.balance = C, labels, share, balance
        self.min_df, self.max_features, self.seed, self.view = min_df, max_features, seed, view
        self.word_ngrams, self.char_ngrams = tuple(word_ngrams), tuple(char_ngrams)

    def _vectorisers(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        common = dict(lowercase=False, sublinear_tf=True, min_df=self.min_df, max_features=self.max_features,
                      dtype=np.float64)
        words = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=self.word_ngrams, **common)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, **common)
        return words, chars

    def _with_view(self, blocks, dense, n):
        """``blocks`` plus the dense view (rows scaled to unit length) when ``view`` asks for it."""
        import scipy.sparse as sp

        if getattr(self, "view", "text") == "text+aligned":
            if dense is None or len(dense) != n:
                raise ValueError(f"view {self.view!r}: need the dense view of each of the {n} documents")
            D = np.asarray(dense, dtype=np.float64)
            norms = np.linalg.norm(D, axis=1, keepdims=True)
            blocks = blocks + [sp.csr_matrix(np.divide(D, norms, out=np.zeros_like(D), where=norms > 0))]
        return sp.hstack(blocks, format="csr")

    def features(self, tokens, dense=None):
        """The sparse feature rows of token lists (each row from its document only)."""
        text = _joined(tokens)
        return self._with_view([v.transform(text) for v in self.vectorisers_], dense, len(tokens))

    def fit(self, tokens, proba, classes, dense=None, doc_weight=None):
        """Fit on the pool's token lists and the teacher's probabilities ``proba`` (columns:
        ``classes``); ``dense``: the second view's rows (``view="text+aligned"``);
        ``doc_weight``: one weight per document multiplying its examples' (before any class
        balancing; None: each document counts once)."""
        from sklearn.linear_model import LogisticRegression

        if self.view not in STUDENT_VIEWS:
            raise ValueError(f"unknown student view {self.view!r}; choose one of {', '.join(STUDENT_VIEWS)}")

        P = np.asarray(proba, dtype=np.float64)
        if P.ndim != 2 or P.shape[0] != len(tokens) or P.shape[1] < 2:
            raise ValueError(f"{len(tokens)} documents but teacher probabilities of shape {P.shape}")
        text = _joined(tokens)
        self.vectorisers_ = self._vectorisers()
        X = self._with_view([v.fit_transform(text) for v in self.vectorisers_], dense, len(tokens))
        if doc_weight is None:
            rows, cls, w = teacher_targets(P, self.labels, self.share, self.balance)
        else:
            doc_weight = positive_weights(doc_weight, len(tokens), "doc_weight")
            rows, cls, w = teacher_targets(P, self.labels, self.share, balance=False)
            w = w * doc_weight[rows]
            w = balanced_weights(cls, w, P.shape[1]) if self.balance else w
        self.classes_ = np.asarray(classes)
        grid = tuple(self.C) if isinstance(self.C, (tuple, list)) else (self.C,)
        self.cv_losses_ = None if len(grid) == 1 else [_held_out_loss(X, rows, cls, w, c, self.seed) for c in grid]
        self.C_ = grid[0] if self.cv_losses_ is None else grid[int(np.argmin(self.cv_losses_))]
        self.estimator_ = LogisticRegression(C=self.C_, max_iter=2000, random_state=self.seed)
        self.estimator_.fit(X[rows], cls, sample_weight=w)
        self.n_examples_, self.n_pool_ = len(rows), len(tokens)
        return self

    def predict_proba(self, tokens, dense=None) -> np.ndarray:
        """Class probabilities (columns: ``classes_``; a class the teacher never gave: 0)."""
        est = self.estimator_
        scores = self.features(tokens, dense) @ est.coef_.T + est.intercept_  # sparse rows: a per-row sum
        if scores.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            seen = np.column_stack([1.0 - p, p])
        else:
            e = np.exp(scores - scores.max(axis=1, keepdims=True))
            seen = e / e.sum(axis=1, keepdims=True)
        out = np.zeros((len(tokens), len(self.classes_)))
        out[:, est.classes_] = seen
        return out


@dataclass(frozen=True)
class Student:
    """A language's fitted student, its weight in the mix and what it learnt from."""

    model: TfidfStudent
    weight: float
    kind: str = "tfidf"
    origin: str = "unlabelled documents"
    #: the class prior its pseudo-labels were re-weighted to (``prior="em"``), else None
    prior: tuple | None = None

    @property
    def needs_dense(self) -> bool:
        """Whether it reads the aligned document vectors as well as the text."""
        return getattr(self.model, "view", "text") == "text+aligned"

    def describe(self) -> str:
        m = self.model
        labels = "soft labels" if m.labels == "soft" else f"hard labels of {m.n_examples_:,} documents"
        extra = "".join([", text + aligned vectors" if self.needs_dense else "",
                         f", prior {'/'.join(f'{p:.2f}' for p in self.prior)} (EM)" if self.prior else ""])
        return f"student {self.kind} {self.weight:g} ({labels}{extra}, {m.n_pool_:,} {self.origin})"

    def summary(self) -> dict:
        m = self.model
        return {"kind": self.kind, "weight": float(self.weight), "labels": m.labels, "share": float(m.share),
                "balance": bool(m.balance), "C": float(getattr(m, "C_", m.C)), "pool": int(m.n_pool_), "examples": int(m.n_examples_), "origin": self.origin,
                "view": getattr(m, "view", "text"),
                "prior": None if self.prior is None else [float(p) for p in self.prior]}


class StudentVote:
    """The student's part of :class:`~xproj.model.CrossLingualClassifier`: fitting a language's
    student on the teacher's probabilities and saying whether it votes. The mixing itself is in
    the classifier's ``predict_proba``."""

    def fit_student(self, X_unlabelled, lang, *, kind="tfidf", weight=0.5, C=1.0, labels="soft", share=0.5,
                    balance=True, rounds=1, seed=0, origin="unlabelled documents", view="text", prior="teacher",
                    word_ngrams=(1, 2), char_ngrams=(1, 4), labelled=None, labelled_weight=1.0):
        """Fit ``lang``'s student on unlabelled documents of it (all at once) and keep it (saved
        with the model) until replaced; ``kind="none"`` removes it.

        ``labelled``: optional ``(X, y)`` labelled documents of ``lang`` (few-shot) joining the
        pool with their gold labels (one-hot targets, in every round) instead of the teacher's
        guess; the caller leaves them out of ``X_unlabelled``. ``labelled_weight``: the weight of
        each of them against one unlabelled document (1: the same).

        The teacher is the model without a student for ``lang`` (aligned reading, translation
        vote, calibration; not ``lang``'s prior, which this drops: call :meth:`adapt_priors`
        afterwards). Each further round (``rounds`` > 1) relabels the pool with the mix of the
        teacher and the last student and fits a new student from it. ``view="text+aligned"``:
        the student also reads the aligned document vectors. ``prior="em"``: the pseudo-labels
        are the teacher's probabilities re-weighted to ``lang``'s class prior estimated from the
        pool by EM (Saerens et al. 2002); the mix at prediction keeps the teacher's own.
        """
        from .shift import adjust_posteriors, estimate_priors_em

        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "pipeline_")
        if kind not in STUDENTS:
            raise ValueError(f"unknown student {kind!r}; choose one of {', '.join(STUDENTS)}")
        if not 0 <= weight <= 1:
            raise ValueError(f"weight: must be in [0, 1], got {weight!r}")
        if view not in STUDENT_VIEWS:
            raise ValueError(f"unknown student view {view!r}; choose one of {', '.join(STUDENT_VIEWS)}")
        if prior not in STUDENT_PRIORS:
            raise ValueError(f"unknown student prior {prior!r}; choose one of {', '.join(STUDENT_PRIORS)}")
        if not (isinstance(labelled_weight, (int, float)) and math.isfinite(labelled_weight) and labelled_weight > 0):
            raise ValueError(f"labelled_weight: must be a positive number, got {labelled_weight!r}")
        if not isinstance(rounds, int) or rounds < 1:
            raise ValueError(f"rounds: must be an integer >= 1, got {rounds!r}")
        if lang == self.fitted_lang_:
            raise ValueError(f"{lang!r} is the training language: a student learns another language")
        students = self._students()
        students.pop(lang, None)
        self._target_priors().pop(lang, None)  # estimated on the probabilities without the student
        if kind == "none":
            return self
        if not self.has_proba:
            raise ValueError("a student learns from the teacher's probabilities: use a probabilistic "
                             "estimator or calibrate the model")
        tokens = self.pipeline_[0].transform(X_unlabelled, lang=lang)
        teacher = self.predict_proba(tokens, lang)
        gold = np.zeros((0, len(self.classes_)))
        if labelled is not None and len(labelled[0]):
            X_gold, y_gold = labelled
            tokens = list(tokens) + list(self.pipeline_[0].transform(X_gold, lang=lang))
            gold = (np.asarray(y_gold)[:, None] == self.classes_[None, :]).astype(np.float64)
        dense = self.aligned_features(tokens, lang) if view == "text+aligned" else None
        doc_weight = None  # each document once, as before the gold documents could weigh more
        if len(gold) and labelled_weight != 1:
            doc_weight = np.concatenate([np.ones(len(teacher)), np.full(len(gold), float(labelled_weight))])
        estimate = None
        if prior == "em":  # the prior of the unlabelled documents, as the teacher sees them
            estimate, _ = estimate_priors_em(teacher, self.source_priors_)
        target = teacher
        for _ in range(rounds):
            if estimate is not None:
                target = adjust_posteriors(target, self.source_priors_, estimate)
            student = TfidfStudent(C, labels=labels, share=share, balance=balance, seed=seed, view=view,
                                   word_ngrams=word_ngrams, char_ngrams=char_ngrams).fit(
                tokens, np.vstack([target, gold]), self.classes_, dense, doc_weight)
            target = mix(teacher, student.predict_proba(tokens[:len(teacher)],
                                                        None if dense is None else dense[:len(teacher)]), weight)
        students[lang] = Student(student, float(weight), kind, origin,
                                 None if estimate is None else tuple(float(p) for p in estimate))
        return self

    def student_proba(self, student, tokens, lang) -> np.ndarray:
        """``student``'s probabilities of tokenised documents of ``lang`` (with the aligned
        vectors when it reads them)."""
        dense = self.aligned_features(tokens, lang) if student.needs_dense else None
        return student.model.predict_proba(tokens, dense)

    def _students(self) -> dict:
        # models saved before the student have none
        if getattr(self, "students_", None) is None:
            self.students_ = {}
        return self.students_

    def _student(self, lang) -> Student | None:
        """``lang``'s student when it votes (weight > 0), else None."""
        found = self._students().get(lang) if isinstance(lang, str) else None
        return found if found is not None and found.weight > 0 else None

    def student(self, lang) -> dict | None:
        """What a run records of ``lang``'s student (None without one)."""
        found = self._students().get(lang)
        return None if found is None else found.summary()
