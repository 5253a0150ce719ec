"""How a few-shot row is fitted: the English training set plus k labelled target documents.

A row keeps the method's (zero-shot) C and class weighting unless ``evaluation.few_shot_C =
"cv"`` asks for a C chosen on the k documents themselves; ``evaluation.few_shot_weight`` /
``few_shot_share`` weight the k documents against the English ones in the English model's
training, ``evaluation.few_shot_student_weight`` against the unlabelled ones in the student's.
``few_shot_weight = 1``, ``few_shot_share = 0``, ``few_shot_student_weight = 1`` and
``few_shot_C = "zero-shot"`` fit the rows as they were before these options; the defaults
(1, 0, 3, ``cv``) were chosen on the shared sets' dev parts (bench/few_shot.py).
:func:`few_shot_order` is the one draw of the k documents, shared by the run and
bench/few_shot.py.
"""

from __future__ import annotations

import numpy as np

#: ``evaluation.few_shot_C``: ``zero-shot`` (the method's C) or ``cv`` (cross-validated on the
#: k target documents where every class has :data:`CV_MIN_PER_CLASS` of them).
FEW_SHOT_C = ("zero-shot", "cv")
CV_FOLDS = 5
#: fewer documents of a class than this (4 per fold) and the held-out scores cannot rank C:
#: the row keeps the method's C
CV_MIN_PER_CLASS = 20


def few_shot_order(seed, n) -> np.ndarray:
    """The order the target training documents join the rows in: the first k of one seeded
    permutation, so a larger k adds documents to a smaller one's (a learning curve)."""
    return np.random.default_rng(seed).permutation(n)


def target_weight(cfg, n_source, k) -> float:
    """The weight of each of ``k`` target documents against one of ``n_source`` English
    training documents: ``evaluation.few_shot_weight``, or with ``few_shot_share`` = s the
    weight at which the k documents carry s of the total (k w / (n_source + k w) = s)."""
    ev = cfg["evaluation"]
    share = ev["few_shot_share"]  # in [0, 1): checked where declared (xproj.options.RANGES)
    if not share:
        return float(ev["few_shot_weight"])
    return share / (1 - share) * n_source / k


def cv_C(t, Xk, yk, class_weight, weight):
    """C chosen by stratified cross-validation on the k target documents ``Xk, yk``: for each
    C of ``model.C``, ``CV_FOLDS`` models (English training set + the other folds, each target
    document weighing ``weight``; the translation vote, no student: it would cost a student per
    fold and C) predict the held-out fold; the pooled macro-F1 of the held-out predictions ranks
    C under ``model.selection``. Returns ``(C, {C: score})``, or ``(None, {})`` when a class has
    fewer than :data:`CV_MIN_PER_CLASS` documents (or ``model.C`` has one value)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from .train import choose_params

    yk = np.asarray(yk)
    m = t.cfg["model"]
    if len(m["C"]) < 2 or np.bincount(yk, minlength=len(t.corpus.label_names)).min() < CV_MIN_PER_CLASS:
        return None, {}
    folds = list(StratifiedKFold(CV_FOLDS, shuffle=True, random_state=t.cfg["seed"]).split(np.zeros(len(yk)), yk))
    scores = {}
    for C in m["C"]:
        predicted = np.empty_like(yk)
        for train, held in folds:
            fold = t.select_and_fit(t.target_space.space, t.source_lang, extra=[([Xk[i] for i in train], yk[train],
                                                                                 t.lang)],
                                    vote=True, student=False, params=(C, class_weight), extra_weight=weight)
            predicted[held] = fold.model.predict([Xk[i] for i in held], lang=t.lang)
        scores[C] = float(f1_score(yk, predicted, average="macro"))
    grid = [(C, class_weight) for C in m["C"]]
    best = choose_params(grid, {(C, class_weight): s for C, s in scores.items()}, m["selection"],
                         m["selection_tolerance"])
    return best[0], scores


def fit_few_shot(t, Xk, yk):
    """The model of one few-shot row of target ``t`` (an :class:`xproj.run.evaluate.Target`
    whose ``fitted`` is the method's) and what its options made of it: ``(Fitted, record)``,
    ``record`` the row's entries for metrics.json."""
    ev = t.cfg["evaluation"]
    n_source = len(t.corpus.get(t.source_lang, "train")[1])
    weight = target_weight(t.cfg, n_source, len(yk))
    C, class_weight = (t.fitted.C, t.fitted.class_weight) if t.fitted else (None, None)
    record = {"target_weight": weight, "student_gold_weight": float(ev["few_shot_student_weight"]),
              "C_choice": "zero-shot"}
    if ev["few_shot_C"] == "cv" and t.fitted is not None:
        chosen, scores = cv_C(t, Xk, yk, class_weight, weight)
        if chosen is None:
            record["C_choice"] = ("zero-shot (one C in model.C)" if len(t.cfg["model"]["C"]) < 2 else
                                  f"zero-shot (fewer than {CV_MIN_PER_CLASS} documents of a class for cv)")
        else:
            C, record["C_choice"] = chosen, f"cv ({CV_FOLDS}-fold on the target documents)"
            record["cv_macro_f1"] = {f"C={c:g}": s for c, s in scores.items()}
    few = t.select_and_fit(t.target_space.space, t.source_lang, extra=[(Xk, yk, t.lang)], vote=True,
                           params=(C, class_weight) if t.fitted else None, extra_weight=weight,
                           gold_weight=ev["few_shot_student_weight"])
    return few, record
