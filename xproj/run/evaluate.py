"""Stage 6 of a run: for one target language, the method and every baseline, side by side.

:class:`Target` bundles what a row needs (the test split, the target's space, the main
model, a scorer); :func:`evaluate_target` fits the main model, then fills the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from ..config import for_language
from ..errors import ResourceNotFoundError
from ..evaluation import one_class_warning
from .baselines import BASELINES
from .few_shot import few_shot_order, few_shot_seed, fit_few_shot
from .train import (
    Adaptation,
    Fitted,
    adaptation_documents,
    select_and_fit,
    translation_origin,
    translation_pairs,
)

METHOD = "xproj (aligned)"


@dataclass(frozen=True)
class Target:
    """One target language of a run, as baselines see it."""

    cfg: dict
    lang: str
    corpus: object        # tokenised Corpus
    vectors: dict
    target_space: object  # TargetSpace
    adaptation: Adaptation | None
    fitted: Fitted | None = None

    @property
    def source_lang(self):
        return self.cfg["data"]["source_lang"]

    @property
    def X_test(self):
        return self.corpus.get(self.lang, "test")[0]

    @property
    def y_test(self):
        return self.corpus.get(self.lang, "test")[1]

    def score(self, predicted, y=None):
        from ..evaluation import classification_scores

        ev = self.cfg["evaluation"]
        return classification_scores(self.y_test if y is None else y, predicted, self.corpus.label_names,
                                     n_boot=ev["bootstrap"], seed=self.cfg["seed"])

    def score_mean(self, predictions):
        """:meth:`score` of several predictions of the test documents, averaged
        (:func:`xproj.evaluation.mean_classification_scores`)."""
        from ..evaluation import mean_classification_scores

        ev = self.cfg["evaluation"]
        return mean_classification_scores(self.y_test, predictions, self.corpus.label_names,
                                          n_boot=ev["bootstrap"], seed=self.cfg["seed"])

    def select_and_fit(self, space, lang, *, extra=None, progress=None, vote=False, params=None, student=None,
                       extra_weight=1.0, gold_weight=1.0):
        """Model selection on ``lang``'s dev split, adapted to this target like the method;
        ``vote``: with the target's translation vote (``model.translation_weight``) and its
        student (``model.student``; ``student=False``: the vote alone), as the method and its
        few-shot rows (baselines go without: they measure one thing each). ``extra_weight``,
        ``gold_weight``: as :func:`xproj.run.train.select_and_fit`."""
        pairs = translation_pairs(self.cfg, self.target_space) if vote else None
        return select_and_fit(self.cfg, space, self.corpus, lang, extra=extra, adaptation=self.adaptation,
                              translations={self.lang: pairs} if pairs else None,
                              translation_origin=translation_origin(self.target_space),
                              student=vote if student is None else student, params=params,
                              extra_weight=extra_weight, gold_weight=gold_weight, progress=progress)


def few_shot_title(k) -> str:
    return f"few-shot (+{k} target labels)"


def few_shot_rows(t: Target, ks) -> dict:
    """One row per k: the English training set plus k labelled target training documents.
    The k documents are the first k of one seeded permutation, so a larger k adds documents
    to a smaller one's (the rows form a learning curve).

    Each row keeps the method's class weighting and, unless ``evaluation.few_shot_C`` (``cv``,
    ``cv-1se``) finds enough target documents to cross-validate it on, its C (``t.fitted``): selecting them again on
    the English dev split with the target documents in training measures nothing about the
    target, and on tripadvisor-restaurants' dev part it swapped balanced C=1 for unweighted
    C=10 at k=200, whose positive lean the student amplified (bench/few_shot.py). The student
    learns the k documents with their gold labels, the rest of the pool with the teacher's.
    The ``evaluation.few_shot_*`` options weight the k documents, choose C and, with
    ``evaluation.few_shot_guard``, whether the row is the few-shot fit or the zero-shot model
    (:func:`xproj.run.few_shot.fit_few_shot`); the row records what they did (``C_choice``,
    ``guard``).

    With ``evaluation.few_shot_draws`` = d > 1, each row is fitted on d seeded draws of the k
    documents (each draw its own nested learning curve; the first is the single draw's) and
    scored as their mean (:meth:`Target.score_mean`); ``draws`` lists each draw's C, class
    weighting and record, ``macro_f1_each`` its macro-F1."""
    train = t.corpus.get(t.lang, "train")
    if not ks or train is None:
        return {}
    Xt, yt = train
    orders = [few_shot_order(few_shot_seed(t.cfg["seed"], d), len(Xt)) for d in range(t.cfg["evaluation"]["few_shot_draws"])]
    rows = {}
    for k in usable_few_shot_ks(ks, len(Xt)):
        fits = [fit_few_shot(t, [Xt[i] for i in order[:k]], yt[order[:k]]) for order in orders]
        predictions = [few.model.predict(t.X_test, lang=t.lang) for few, _ in fits]
        if len(fits) == 1:
            few, record = fits[0]
            rows[few_shot_title(k)] = t.score(predictions[0]) | {
                "k": k, "C": few.C, "class_weight": few.class_weight} | record
        else:
            rows[few_shot_title(k)] = t.score_mean(predictions) | {"k": k, "draws": [
                {"C": few.C, "class_weight": few.class_weight} | record for few, record in fits]}
    return rows


def usable_few_shot_ks(ks, n_train) -> list:
    """The ``evaluation.few_shot`` sizes a row can be fitted for, sorted: below the number of
    target training documents (a larger k would take them all under a title saying more, and
    leave the student no unlabelled document to learn from)."""
    return sorted(k for k in ks if k < n_train)


def few_shot_warnings(t, ks) -> list:
    """One warning per ``evaluation.few_shot`` size left out by :func:`usable_few_shot_ks`."""
    train = t.corpus.get(t.lang, "train")
    if not ks or train is None:
        return []
    n = len(train[0])
    return [f"evaluation.few_shot k={k}: the {t.lang} training split has {n} documents, a few-shot row needs "
            f"more than k (the rest are the student's unlabelled pool); row left out"
            for k in sorted(ks) if k not in usable_few_shot_ks(ks, n)]


@dataclass(frozen=True)
class TargetResult:
    """Rows of one target (``{row title: scores}``), the main model and its predictions."""

    rows: dict
    fitted: Fitted
    y_test: np.ndarray
    predicted: np.ndarray
    adaptation: str
    warnings: list = field(default_factory=list)  # degenerate inputs, printed and reported
    diagnostics: dict = field(default_factory=dict)  # priors and calibration (xproj.report_calibration)


def evaluate_target(cfg, corpus, vectors, target_space, tgt, progress=None) -> TargetResult:
    if corpus.get(tgt, "test") is None:
        raise ResourceNotFoundError(f"no test split for target language {tgt!r}")
    cfg = for_language(cfg, tgt)  # every row of this target (method, baselines, few-shot) uses its settings
    t = Target(cfg, tgt, corpus, vectors, target_space, adaptation_documents(cfg, corpus, tgt))
    fitted = t.select_and_fit(target_space.space, t.source_lang, progress=progress, vote=True)
    t = replace(t, fitted=fitted)
    model = fitted.model
    predicted = model.predict(t.X_test, lang=tgt)
    adaptation = model.adaptation(tgt)
    coverage = model.embedder_.coverage(t.X_test, tgt)
    rows = {METHOD: t.score(predicted) | {
        "C": fitted.C, "class_weight": fitted.class_weight, "dev_macro_f1": fitted.dev_macro_f1,
        "scale": cfg["features"]["scale"], "fit_data": cfg["model"]["fit_data"],
        "chosen": fitted.how,
        "oov_rate": coverage["oov_rate"], "empty_docs": coverage["empty_docs"], "adaptation": adaptation,
        "transductive": bool(t.adaptation and t.adaptation.transductive),
        "translation_vote": model.translation_vote(tgt), "student": model.student(tgt)}}
    src_test = corpus.get(t.source_lang, "test")
    if src_test is not None:
        rows[f"source test (in-language, {t.source_lang})"] = t.score(
            model.predict(src_test[0], lang=t.source_lang), y=src_test[1])
    for name in cfg["evaluation"]["baselines"]:
        title, baseline = BASELINES[name]
        row = baseline(t)
        if row is not None:
            rows[title] = row
    rows.update(few_shot_rows(t, cfg["evaluation"]["few_shot"]))
    warning = one_class_warning(t.y_test, corpus.label_names, f"the {tgt} test set")
    warnings = few_shot_warnings(t, cfg["evaluation"]["few_shot"]) + ([warning] if warning else [])
    return TargetResult(rows, fitted, t.y_test, predicted, adaptation, warnings, diagnostics(t, predicted))


def diagnostics(t: Target, predicted) -> dict:
    """The target's true, estimated and predicted class priors and its reliability (ECE),
    whatever ``features.priors`` and ``model.calibration`` say, for the report."""
    from ..report_calibration import target_diagnostics

    unlabelled = (t.adaptation.documents, t.adaptation.origin) if t.adaptation else None
    # no BBSE row when the model was fitted on the dev split (model.fit_data): its confusion there is not held out
    source_dev = t.corpus.get(t.source_lang, "dev") if t.cfg["model"]["fit_data"] == "train" else None
    return target_diagnostics(t.fitted.model, t.lang, t.X_test, t.y_test, predicted, len(t.corpus.label_names),
                              unlabelled=unlabelled, source_dev=source_dev)
