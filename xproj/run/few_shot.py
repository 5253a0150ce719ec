"""How a few-shot row is fitted: the English training set plus k labelled target documents.

A row keeps the method's (zero-shot) C and class weighting unless ``evaluation.few_shot_C =
"cv"`` or ``"cv-1se"`` asks for a C chosen on the k documents themselves;
``evaluation.few_shot_guard = "cv"`` (or ``"cv-1se"``) keeps the row only if the k documents,
cross-validated, do not rate it below the zero-shot model (else the row is the zero-shot model;
off by default: on the dev parts no guard or 1-SE variant beat the defaults, bench/README.md,
few_shot.py, third pass);
``evaluation.few_shot_weight`` /
``few_shot_share`` weight the k documents against the English ones in the English model's
training, ``evaluation.few_shot_student_weight`` against the unlabelled ones in the student's.
``few_shot_weight = 1``, ``few_shot_share = 0``, ``few_shot_student_weight = 1`` and
``few_shot_C = "zero-shot"``, ``few_shot_guard = "none"`` fit the rows as they were before these
options; the defaults were chosen on the shared sets' dev parts (bench/few_shot.py).
:func:`few_shot_order` of :func:`few_shot_seed` is each draw of the k documents
(``evaluation.few_shot_draws``; one by default), shared by the run and bench/few_shot.py.
"""

from __future__ import annotations

import numpy as np

#: ``evaluation.few_shot_C``: ``zero-shot`` (the method's C), ``cv`` (cross-validated on the
#: k target documents where every class has :data:`CV_MIN_PER_CLASS` of them) or ``cv-1se``
#: (the same folds; the cv-best C only if it beats the method's by more than one standard error).
FEW_SHOT_C = ("zero-shot", "cv", "cv-1se")
#: ``evaluation.few_shot_guard``: ``none`` (the few-shot fit is the row), ``cv`` (the row is the
#: few-shot fit only if its cross-validated macro-F1 on the k documents is not below the
#: zero-shot model's macro-F1 on them, else the zero-shot model) or ``cv-1se`` (the zero-shot
#: model only if it beats the few-shot fit on the folds by more than one standard error of the
#: fold differences).
FEW_SHOT_GUARDS = ("none", "cv", "cv-1se")
CV_FOLDS = 5
#: fewer documents of a class than this (4 per fold) and the held-out scores cannot rank C:
#: the row keeps the method's C
CV_MIN_PER_CLASS = 20
#: the guard keeps the few-shot fit when its estimate >= the zero-shot estimate - this margin;
#: fixed at 0 before any figure was measured (bench/README.md, few_shot.py, third pass)
GUARD_MARGIN = 0.0


def few_shot_order(seed, n) -> np.ndarray:
    """The order the target training documents join the rows in: the first k of one seeded
    permutation, so a larger k adds documents to a smaller one's (a learning curve)."""
    return np.random.default_rng(seed).permutation(n)


def few_shot_seed(seed, draw: int):
    """The seed of draw ``draw`` (0, 1, ...) of ``evaluation.few_shot_draws``: draw 0 is the run's
    seed itself, so one draw is the single draw of before; the others are independent streams."""
    return seed if draw == 0 else [seed, draw]


def target_weight(cfg, n_source, k) -> float:
    """The weight of each of ``k`` target documents against one of ``n_source`` English
    training documents: ``evaluation.few_shot_weight``, or with ``few_shot_share`` = s the
    weight at which the k documents carry s of the total (k w / (n_source + k w) = s)."""
    ev = cfg["evaluation"]
    share = ev["few_shot_share"]  # in [0, 1): checked where declared (xproj.options.RANGES)
    if not share:
        return float(ev["few_shot_weight"])
    return share / (1 - share) * n_source / k


def stratified_folds(yk, seed) -> list:
    """The :data:`CV_FOLDS` seeded stratified folds of the k documents (the same for every C and
    for the guard); fewer when no class has that many documents, none (``[]``) when no class
    has two. A class with fewer documents than folds is spread over the folds it can fill;
    scikit-learn's warning about it says nothing the caller does not know."""
    import warnings

    from sklearn.model_selection import StratifiedKFold

    n_folds = min(CV_FOLDS, int(np.bincount(yk).max()))
    if n_folds < 2:
        return []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        return list(StratifiedKFold(n_folds, shuffle=True, random_state=seed).split(np.zeros(len(yk)), yk))


def macro_f1(y, predicted, n_classes) -> float:
    """Macro-F1 over every class of the task (a class absent from ``y`` scores 0 for any model,
    so it shifts two models' figures alike)."""
    from sklearn.metrics import f1_score

    return float(f1_score(y, predicted, labels=list(range(n_classes)), average="macro", zero_division=0))


def cv_C(t, Xk, yk, class_weight, weight, rule="cv"):
    """C chosen by stratified cross-validation on the k target documents ``Xk, yk``: for each
    C of ``model.C``, ``CV_FOLDS`` models (English training set + the other folds, each target
    document weighing ``weight``; the translation vote, no student: it would cost a student per
    fold and C) predict the held-out fold.

    ``rule = "cv"``: the pooled macro-F1 of the held-out predictions ranks C under
    ``model.selection``. ``rule = "cv-1se"``: the one-standard-error rule against the method's
    C (``t.fitted.C``, always in ``model.C``): the C of the best mean fold macro-F1 replaces it
    only if that mean exceeds the method's C's by more than the standard error of its fold
    scores (std / sqrt(folds)); 50-200 documents rank C noisily, and a C they pick by less than
    their own noise is a guess (bench/README.md, few_shot.py, third pass).

    Returns ``(C, {C: score}, stderr)``: pooled macro-F1 for ``cv``, mean fold macro-F1 and the
    best C's standard error for ``cv-1se`` (``None`` for ``cv``); ``(None, {}, None)`` when a
    class has fewer than :data:`CV_MIN_PER_CLASS` documents (or ``model.C`` has one value)."""
    from .train import choose_params

    yk = np.asarray(yk)
    m = t.cfg["model"]
    n_classes = len(t.corpus.label_names)
    if len(m["C"]) < 2 or np.bincount(yk, minlength=n_classes).min() < CV_MIN_PER_CLASS:
        return None, {}, None
    folds = stratified_folds(yk, t.cfg["seed"])  # CV_FOLDS of them: every class has >= CV_MIN_PER_CLASS
    # the 1-SE rule compares against the method's C: it must be scored even if not in model.C
    grid_C = list(m["C"]) + ([t.fitted.C] if rule == "cv-1se" and t.fitted.C not in m["C"] else [])
    pooled, by_fold = {}, {}
    for C in grid_C:
        predicted = np.empty_like(yk)
        for train, held in folds:
            fold = t.select_and_fit(t.target_space.space, t.source_lang, extra=[([Xk[i] for i in train], yk[train],
                                                                                 t.lang)],
                                    vote=True, student=False, params=(C, class_weight), extra_weight=weight)
            predicted[held] = fold.model.predict([Xk[i] for i in held], lang=t.lang)
        pooled[C] = macro_f1(yk, predicted, n_classes)
        by_fold[C] = np.array([macro_f1(yk[held], predicted[held], n_classes) for _, held in folds])
    if rule == "cv-1se":
        mean = {C: float(s.mean()) for C, s in by_fold.items()}
        best = max(grid_C, key=lambda C: (round(mean[C], 6), -grid_C.index(C)))
        stderr = float(by_fold[best].std(ddof=1) / np.sqrt(len(folds)))
        return (best if mean[best] - mean[t.fitted.C] > stderr else t.fitted.C), mean, stderr
    grid = [(C, class_weight) for C in m["C"]]
    best = choose_params(grid, {(C, class_weight): s for C, s in pooled.items()}, m["selection"],
                         m["selection_tolerance"])
    return best[0], pooled, None


def guard_estimates(t, Xk, yk, folds, params, weight, gold_weight) -> tuple:
    """The guard's two honest estimates of a row's macro-F1 on the target, from the k documents
    alone: the zero-shot model's on all k (it never saw their labels), and the few-shot fit's
    cross-validated one (the full fit, student included, on the English set + the other
    :data:`CV_FOLDS` - 1 folds, scoring the held-out fold; pooled). The held-out documents
    stay in the student's unlabelled pool, as the k documents do in the zero-shot model's.
    ``folds``: :func:`stratified_folds` of ``yk`` (not empty). The few-shot estimate trains on
    4/5 of the k documents, so it leans low: the guard errs towards the zero-shot model.
    When C was itself chosen on the k documents the estimate leans the other way (the fold
    models use that C); nested cross-validation would cost :data:`CV_FOLDS` x ``model.C`` more
    fits. Returns the ``(zero-shot, few-shot)`` pooled macro-F1 and the two arrays of each
    fold's macro-F1 ``(zero-shot, few-shot)``."""
    yk = np.asarray(yk)
    n_classes = len(t.corpus.label_names)
    zero_predicted = t.fitted.model.predict(Xk, lang=t.lang)
    predicted = np.empty_like(yk)
    for train, held in folds:
        fold = t.select_and_fit(t.target_space.space, t.source_lang, extra=[([Xk[i] for i in train], yk[train], t.lang)],
                                vote=True, params=params, extra_weight=weight, gold_weight=gold_weight)
        predicted[held] = fold.model.predict([Xk[i] for i in held], lang=t.lang)
    by_fold = tuple(np.array([macro_f1(yk[held], p[held], n_classes) for _, held in folds])
                    for p in (zero_predicted, predicted))
    return macro_f1(yk, zero_predicted, n_classes), macro_f1(yk, predicted, n_classes), by_fold


def fit_few_shot(t, Xk, yk):
    """The model of one few-shot row of target ``t`` (an :class:`xproj.run.evaluate.Target`
    whose ``fitted`` is the method's) and what its options made of it: ``(Fitted, record)``,
    ``record`` the row's entries for metrics.json (``C_choice``; with the guard on, ``guard``,
    what it decided, and ``guard_macro_f1``, its two estimates). A guarded row that falls back
    is the zero-shot model itself (the method's ``Fitted``)."""
    from .train import fit_documents

    ev = t.cfg["evaluation"]
    n_source = len(fit_documents(t.cfg, t.corpus, t.source_lang)[1])
    weight = target_weight(t.cfg, n_source, len(yk))
    gold_weight = ev["few_shot_student_weight"]
    C, class_weight = (t.fitted.C, t.fitted.class_weight) if t.fitted else (None, None)
    record = {"target_weight": weight, "student_gold_weight": float(gold_weight), "C_choice": "zero-shot"}
    if ev["few_shot_C"] != "zero-shot" and t.fitted is not None:
        chosen, scores, stderr = cv_C(t, Xk, yk, class_weight, weight, rule=ev["few_shot_C"])
        if chosen is None:
            record["C_choice"] = ("zero-shot (one C in model.C)" if len(t.cfg["model"]["C"]) < 2 else
                                  f"zero-shot (fewer than {CV_MIN_PER_CLASS} documents of a class for cv)")
        else:
            how = (f"{CV_FOLDS}-fold on the target documents" if ev["few_shot_C"] == "cv" else
                   f"{CV_FOLDS}-fold, one-standard-error rule against C={t.fitted.C:g}")
            C, record["C_choice"] = chosen, f"{ev['few_shot_C']} ({how})"
            record["cv_macro_f1"] = {f"C={c:g}": s for c, s in scores.items()}
            if stderr is not None:
                record["cv_stderr"] = stderr
    params = (C, class_weight) if t.fitted else None
    if ev["few_shot_guard"] != "none" and t.fitted is not None:
        folds = stratified_folds(np.asarray(yk), t.cfg["seed"])
        if not folds:
            record["guard"] = "few-shot (no class has 2 of the target documents: nothing to cross-validate)"
        else:
            zero, few, (zero_folds, few_folds) = guard_estimates(t, Xk, yk, folds, params, weight,
                                                                 gold_weight)
            margin = GUARD_MARGIN
            if ev["few_shot_guard"] == "cv-1se":  # fold means; the burden of proof on the zero-shot model
                zero, few = float(zero_folds.mean()), float(few_folds.mean())
                margin = float((zero_folds - few_folds).std(ddof=1) / np.sqrt(len(folds)))
                record["guard_stderr"] = margin
            record["guard_macro_f1"] = {"zero-shot": zero, "few-shot (cv)": few}
            one_se = ev["few_shot_guard"] == "cv-1se"
            by = f" by more than one standard error ({margin:.3f})" if one_se else ""
            if few < zero - margin:
                record["guard"] = (f"zero-shot (few-shot cv macro-F1 {few:.3f} below the zero-shot model's "
                                   f"{zero:.3f}{by} on the {len(yk)} documents)")
                return t.fitted, record
            record["guard"] = (f"few-shot (cv macro-F1 {few:.3f}, zero-shot {zero:.3f} on the {len(yk)} documents"
                               + (f"; standard error {margin:.3f}" if one_se else "") + ")")
    few = t.select_and_fit(t.target_space.space, t.source_lang, extra=[(Xk, yk, t.lang)], vote=True,
                           params=params, extra_weight=weight, gold_weight=gold_weight)
    return few, record
