"""Stage 5 of a run: which documents a target language is adapted on, and model selection.

Hyper-parameters (C, class weighting) are chosen on the training language's own dev split
only: zero-shot honesty, the target's labels are never looked at. Few-shot rows keep the
zero-shot model's (``params``) or cross-validate C on their target documents, see
:mod:`xproj.run.few_shot`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigError, XprojError
from .corpus import preprocess_options

#: ``features.adapt``: where a target language's statistics come from.
#: ``auto``: ``data.unlabelled`` if given, else the target's training split with its labels
#: dropped, else its test texts (transductive, reported as such).
ADAPTATION_SOURCES = ("auto", "unlabelled", "train", "test", "none")


@dataclass(frozen=True)
class Adaptation:
    """Unlabelled documents of one target language and what they are."""

    lang: str
    documents: list
    origin: str          # e.g. "unlabelled es training documents"
    transductive: bool   # True when they are the test texts themselves


def adaptation_documents(cfg, corpus, tgt) -> Adaptation | None:
    """The documents ``tgt``'s statistics are learnt from under ``features.adapt``."""
    mode = cfg["features"]["adapt"]
    if mode == "none":
        return None
    candidates = {
        "unlabelled": lambda: corpus.unlabelled.get(tgt),
        "train": lambda: (corpus.get(tgt, "train") or (None,))[0],
        "test": lambda: (corpus.get(tgt, "test") or (None,))[0],
    }
    origins = {"unlabelled": "unlabelled documents (data.unlabelled)",
               "train": "training documents, labels dropped",
               "test": "test texts, labels unused (transductive)"}
    for source in (["unlabelled", "train", "test"] if mode == "auto" else [mode]):
        docs = candidates[source]()
        if docs is not None and len(docs) >= 2:
            return Adaptation(tgt, list(docs), origins[source], source == "test")
    if mode != "auto":
        raise ConfigError(f"features.adapt = {mode!r} but {tgt!r} has no such documents")
    return None


#: ``model.selection``: how C and class weighting are chosen from the training language's dev
#: scores. ``regularised``: among the grid points within ``model.selection_tolerance`` of the
#: best dev macro-F1, the balanced one with the smallest C (else the smallest C). The source
#: dev split barely tells near-ties apart, and they transfer very differently: on the shared
#: target sets' dev parts (bench/selection_rule.py, never a test part) this rule at 0.02 gave
#: a mean macro-F1 of 0.678 against 0.641 for ``best`` (the best dev score, ties: grid order).
SELECTION_RULES = ("regularised", "best")

#: ``model.fit_data``: which labelled documents of the training language choose C and class
#: weighting and fit the final model. ``train``: chosen on the dev split, fitted on the training
#: split; ``train+dev``: chosen on the dev split, then refitted on both; ``cv``: chosen by
#: stratified :data:`CV_FOLDS`-fold cross-validation over both (the folds' mean macro-F1, folds
#: drawn with the run's seed), then fitted on both. The test split is never used.
FIT_DATA = ("train", "train+dev", "cv")
CV_FOLDS = 5


def fit_documents(cfg, corpus, lang):
    """``(X, y)``: the labelled documents of ``lang`` its final model is fitted on under
    ``model.fit_data`` (the training split, or the training and dev splits; a config saved
    before the option fitted on the training split)."""
    import numpy as np

    X, y = corpus.get(lang, "train")
    dev = corpus.get(lang, "dev")
    if cfg["model"].get("fit_data", "train") != "train" and dev is not None:
        return list(X) + list(dev[0]), np.concatenate([np.asarray(y), np.asarray(dev[1])])
    return X, y


def choose_params(grid, scores, rule="regularised", tolerance=0.02):
    """The (C, class_weight) grid point a selection rule picks from dev macro-F1 ``scores``."""
    best = max(grid, key=lambda p: (round(scores[p], 6), -grid.index(p)))
    if rule == "best":
        return best
    near = [p for p in grid if scores[p] >= scores[best] - tolerance]
    return min(near, key=lambda p: (p[1] != "balanced", p[0], grid.index(p)))


@dataclass(frozen=True)
class Fitted:
    """A fitted classifier and how its hyper-parameters were chosen."""

    model: object
    C: float
    class_weight: str
    dev_scores: dict = field(default_factory=dict)  # "C=...,class_weight=..." -> dev (or CV) macro-F1
    how: str = ""  # how they were chosen and what the model was fitted on, for the report

    @property
    def dev_macro_f1(self):
        return self.dev_scores.get(f"C={self.C},class_weight={self.class_weight}")


def make_classifier(cfg, space, lang, C, class_weight):
    """A :class:`~xproj.model.CrossLingualClassifier` as configured."""
    from ..features import _as_space
    from ..model import CrossLingualClassifier, make_estimator

    f, m = cfg["features"], cfg["model"]
    estimator = make_estimator(m["estimator"], C=C, seed=cfg["seed"],
                               class_weight=None if class_weight == "none" else "balanced")
    # the source's vectors stand in for unknown words when a language of this space asks for it
    src = cfg["data"]["source_lang"]
    fallback = src if set(_as_space(space).languages) & set(f["source_fallback"]) - {src} else None
    return CrossLingualClassifier(space, source_lang=lang, pooling=f["pooling"], center=f["center"],
                                  remove_pc=f["remove_pc"], scale=f["scale"], preprocess=preprocess_options(cfg),
                                  estimator=estimator, translation_weight=m["translation_weight"],
                                  fallback_lang=fallback, negation=f["negation"],
                                  power_means=tuple(f["power_means"]))


def _check_two_classes(y, label_names, lang):
    """A training set with one class cannot give a classifier: say so, naming the language."""
    import numpy as np

    present = [label_names[i] for i in np.unique(y)]
    if len(present) < 2:
        what = f"one class ({present[0]})" if present else "no documents"
        raise XprojError(f"the {lang} training set has {what}: a classifier needs at least two classes; "
                         "check the training data, data.task and data.label_column")


def translation_origin(target_space) -> str:
    """What a target's vote pairs came from, for reports."""
    lexicon = getattr(target_space, "lexicon_pairs", None)
    return "seed dictionary and polarity lexicon" if lexicon else "seed dictionary"


def translation_pairs(cfg, target_space) -> list | None:
    """The pairs a target's translation vote uses (``model.translation_weight`` > 0): the seed
    pairs (real pairs, not ``"identical"`` / ``"numerals"``), then the polarity lexicon's
    (``alignment.polarity_lexicon``; a seed translation of a word comes first and wins), else None."""
    pairs = target_space.dictionary
    if not cfg["model"]["translation_weight"] or pairs is None or isinstance(pairs, str):
        return None
    return list(pairs) + list(getattr(target_space, "lexicon_pairs", None) or [])


def select_and_fit(cfg, space, corpus, lang, *, extra=None, adaptation=None, translations=None,
                   translation_origin="seed dictionary", student=False, params=None, extra_weight=1.0,
                   gold_weight=1.0, progress=None) -> Fitted:
    """Choose C and class weighting on ``lang``'s dev split (macro-F1), refit on train.

    ``adaptation``: unlabelled target documents whose statistics the model keeps;
    ``extra``: labelled documents of other languages added to training (few-shot);
    ``translations``: ``{target lang: (source word, target word) pairs}`` attached to the
    fitted model for the translation vote (after calibration, before the target prior, which
    is estimated on the mixed probabilities). The vote does not change ``lang``'s dev
    predictions, so model selection is the same with or without it.
    ``student``: fit the adaptation language's student (``model.student``, after the vote,
    before the prior) on the adaptation documents, which must not be the test texts; labelled
    documents of ``extra`` in the adaptation language join it with their gold labels.
    ``params``: a fixed ``(C, class_weight)`` instead of model selection (few-shot rows keep
    the zero-shot model's: ``lang``'s dev split says nothing about what the target labels add).
    ``extra_weight``: the weight of each document of ``extra`` against one of ``lang``'s
    training documents; ``gold_weight``: of each of ``extra``'s documents in the student's
    training against one unlabelled document (1, 1: as many documents, each counted once).
    """
    from sklearn.metrics import f1_score

    import numpy as np

    from ..model import Unlabelled

    Xtr, ytr = corpus.get(lang, "train")
    _check_two_classes(ytr, corpus.label_names, lang)
    dev = corpus.get(lang, "dev")
    m = cfg["model"]
    grid = [(C, w) for w in m["class_weight"] for C in m["C"]]
    unlabelled = ({adaptation.lang: Unlabelled(adaptation.documents, adaptation.origin)}
                  if adaptation and adaptation.lang != lang else None)

    def fit(C, w, X, y, adapt=True):
        weights = None  # None (not ones): the estimator is fit exactly as before these weights existed
        if extra and extra_weight != 1:
            weights = np.concatenate([np.ones(len(y))] + [np.full(len(yk), float(extra_weight)) for _, yk, _ in extra])
        return make_classifier(cfg, space, lang, C, w).fit(X, y, extra=extra, sample_weight=weights,
                                                           unlabelled=unlabelled if adapt else None)

    X_fit, y_fit = fit_documents(cfg, corpus, lang)
    # The target's statistics cannot change predictions on ``lang``'s dev split unless
    # labelled target documents join training (few-shot): adapt the grid's models only then.
    adapt_grid = bool(extra)
    scores = {}
    fitted_on = "its training and dev splits" if len(y_fit) > len(ytr) else "its training split"
    if params is not None:
        best = tuple(params)
        how = f"given, fitted on {fitted_on}"
    elif m["fit_data"] == "cv" and len(grid) > 1 and (folds := cv_folds(y_fit, cfg["seed"])):
        over = "training and dev splits" if len(y_fit) > len(ytr) else "training split"
        how = f"chosen by {len(folds)}-fold cross-validation over the source {over}, fitted on {fitted_on}"
        for C, w in (progress(grid, desc=f"model selection ({lang}, cross-validation)", leave=False)
                     if progress else grid):
            scores[(C, w)] = float(np.mean([
                f1_score(y_fit[test], fit(C, w, [X_fit[i] for i in train], y_fit[train], adapt_grid)
                         .predict([X_fit[i] for i in test], lang=lang), average="macro")
                for train, test in folds]))
        best = choose_params(grid, scores, m["selection"], m["selection_tolerance"])
    elif dev is not None and len(grid) > 1:
        how = f"chosen on the source dev split, fitted on {fitted_on}"
        for C, w in (progress(grid, desc=f"model selection ({lang} dev)", leave=False) if progress else grid):
            scores[(C, w)] = f1_score(dev[1], fit(C, w, Xtr, ytr, adapt_grid).predict(dev[0], lang=lang),
                                      average="macro")
        best = choose_params(grid, scores, m["selection"], m["selection_tolerance"])
    else:
        best = grid[0]
        why = "a grid of one point" if len(grid) == 1 else "no dev split and no cross-validation folds"
        how = f"the first grid point ({why}), fitted on {fitted_on}"
    model = fit(*best, X_fit, y_fit)
    if cfg["model"]["calibration"] != "none" and dev is not None:
        model.calibrate(*dev, lang=lang, method=cfg["model"]["calibration"])
    for other, pairs in (translations or {}).items():
        if other != lang:
            model.add_translations(other, pairs, origin=translation_origin)
    if student and m["student"] != "none" and adaptation and adaptation.lang != lang:
        fit_student(cfg, model, adaptation, labelled_weight=gold_weight,
                    labelled=[(Xk, yk) for Xk, yk, lk in extra or [] if lk == adaptation.lang])
    if adaptation and adaptation.lang != lang and cfg["features"]["priors"] != "none":
        model.adapt_priors(adaptation.documents, adaptation.lang, method=cfg["features"]["priors"], dev=dev)
    return Fitted(model, best[0], best[1], {f"C={c},class_weight={w}": s for (c, w), s in scores.items()}, how)


def cv_folds(y, seed) -> list:
    """Stratified :data:`CV_FOLDS`-fold ``(train, test)`` index pairs of labels ``y`` (fewer folds
    when the smallest class has fewer documents; [] when it has one)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    n_splits = min(CV_FOLDS, int(np.unique(np.asarray(y), return_counts=True)[1].min()))
    if n_splits < 2:
        return []
    return list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def fit_student(cfg, model, adaptation, labelled=(), labelled_weight=1.0):
    """``model.student``: the target-native student of ``adaptation.lang`` (xproj.student),
    learnt from the model's probabilities of the adaptation documents; ``labelled``: ``(X, y)``
    labelled documents of that language (few-shot), learnt with their gold labels (each
    weighing ``labelled_weight`` pool documents) and taken out of the unlabelled pool (the
    adaptation documents may hold them, labels dropped)."""
    import numpy as np

    m = cfg["model"]
    if adaptation.transductive:
        raise ConfigError(f"model.student = {m['student']!r} learns from unlabelled {adaptation.lang} documents, "
                          "but the only ones are the test texts: give data.unlabelled or a training split "
                          "(features.adapt = unlabelled | train)")
    gold = None
    if labelled:
        gold = ([d for X, _ in labelled for d in X], np.concatenate([np.asarray(y) for _, y in labelled]))
    pool = _without(adaptation.documents, gold[0]) if gold else adaptation.documents
    try:
        model.fit_student(pool, adaptation.lang, labelled=gold, kind=m["student"], weight=m["student_weight"],
                          C=m["student_C"], labels=m["student_labels"], share=m["student_share"],
                          balance=m["student_balance"],
                          rounds=m["student_rounds"], seed=cfg["seed"], origin=adaptation.origin,
                          labelled_weight=labelled_weight)
    except ValueError as exc:  # e.g. the English model gives one class to every document
        raise XprojError(f"model.student: {adaptation.lang}: {exc}") from None


def _without(documents, drop) -> list:
    """``documents`` less one occurrence of each of ``drop`` (texts or token lists)."""
    from collections import Counter

    key = lambda d: d if isinstance(d, str) else tuple(d)  # noqa: E731
    left = Counter(key(d) for d in drop)
    kept = []
    for d in documents:
        if left[key(d)] > 0:
            left[key(d)] -= 1
        else:
            kept.append(d)
    return kept
