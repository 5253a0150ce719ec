"""``xproj retrain``: a new model version from the labels people filled into queue files.

1. every label file is read and checked as a whole (:func:`read_labels`): unknown label
   names, ids labelled twice with different labels, ids the project never queued, unreadable
   rows or files; any problem stops the retrain with one line per problem and nothing
   applied. Rows left unlabelled are skipped and counted.
2. the source training documents are rebuilt from the run config saved in the model file
   (:func:`xproj.run.build_corpus` and :func:`xproj.run.tokenize`);
3. the new model is a copy of the parent whose classifier (same estimator, same C and class
   weighting) is refit on the source documents plus every labelled target document of the
   project (few-shot). The parent's feature steps are kept as they are: its tokeniser, its
   embedder (every language's IDF), its per-language statistics (the target's adaptation) and
   its component remover; the space and the mapping in the model file are kept too. A
   calibrated parent is re-calibrated the same way on the source dev split; a target class
   prior (``features.priors``) is dropped, since it was estimated from the parent's
   probabilities on documents the model file does not hold (re-run ``xproj adapt`` to renew it).
   A target-native student of the project's language (:mod:`xproj.student`) is refit after
   the classifier, with its own saved options and the run's seed, as the run fits it: the
   refitted model is the teacher of the unlabelled pool (the texts of the rounds' input files,
   which must be there unchanged: checked by sha256 before any work), and every labelled
   document leaves the pool to be learnt with its gold label (:func:`refit_student`).
4. the new model is written atomically, its ``.json`` holding the lineage (project included),
   then the manifest records the version. A failure before that leaves the parent and the
   manifest as they were; an interruption between the two leaves a model that names this
   project but is not recorded, refused when used until the retrain is run again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigError, InputFormatError, ResourceNotFoundError, XprojError
from ..evaluation import one_class_warning
from ..scoring import check_distinct, check_output
from ..tables import Table
from .project import Project, file_sha256, now
from .queue import id_of


class LabelProblems(XprojError):
    """Label files with problems: one line per problem (file, line, what is wrong)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(f"labels not applied ({len(self.problems)} problem{'s' * (len(self.problems) != 1)}; "
                         "nothing was changed):\n  " + "\n  ".join(self.problems))


@dataclass
class Labels:
    """Accepted labels: ``{id: label name}``, where each came from, and rows left empty."""

    by_id: dict = field(default_factory=dict)
    where: dict = field(default_factory=dict)      # id -> "file, line N"
    files: list = field(default_factory=list)      # [{"path", "sha256", "ids"}]
    empty: int = 0


def read_labels(paths, label_names, queued: dict) -> Labels:
    """Read and check every label file; raise :class:`LabelProblems` listing every problem."""
    labels, problems = Labels(), []
    for path in paths:
        ids = _read_label_file(Path(path), label_names, queued, labels, problems)
        if ids is not None:
            labels.files.append({"path": str(path), "sha256": file_sha256(path), "ids": ids})
    if problems:
        raise LabelProblems(problems)
    if not labels.by_id:
        raise XprojError(f"{', '.join(map(str, paths))}: no row has a label ({labels.empty} left empty); "
                         f"fill the 'label' column with one of {', '.join(label_names)}")
    return labels


def _read_label_file(path, label_names, queued, labels, problems):
    """Add one file's labels to ``labels``, its problems to ``problems``; the file's ids, or
    None when it cannot be read at all."""
    if not path.is_file():
        problems.append(f"{path}: no such file")
        return None
    try:
        table = Table(path)
        columns = table.columns() or []
        missing = [c for c in ("id", "label") if c not in columns]
        if missing:
            problems.append(f"{path}: no {' or '.join(map(repr, missing))} column (its header: {', '.join(columns)})")
            return None
        ids = []
        for rec in table:
            where = f"{path}, line {rec.line}"
            problem = rec.error or _label_problem(rec.fields, label_names, queued)
            if problem:
                problems.append(f"{where}: {problem}")
                continue
            rid, label = _label_id(rec.fields), (rec.fields.get("label") or "").strip()
            if not label:
                labels.empty += 1
                continue
            if labels.by_id.get(rid, label) != label:
                problems.append(f"{where}: id {rid!r} labelled {label!r} here but {labels.by_id[rid]!r} "
                                f"at {labels.where[rid]}; keep one")
                continue
            labels.by_id.setdefault(rid, label)
            labels.where.setdefault(rid, where)
            ids.append(rid)
        return ids
    except (InputFormatError, ConfigError, UnicodeError) as exc:  # the file as a whole is not a table
        problems.append(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
        return None


def _label_id(fields) -> str | None:
    """A label row's id as queued (:func:`xproj.loop.queue.id_of`: a JSON whole number as its
    digits), stripped; None when there is none."""
    rid, _ = id_of(fields, "id")
    return (rid.strip() or None) if rid is not None else None


def _label_problem(fields, label_names, queued) -> str | None:
    if not isinstance(fields, dict):
        return "not a row with named columns"
    rid, label = _label_id(fields), fields.get("label")
    if rid is None:
        value = fields.get("id")
        return "empty id" if value is None or isinstance(value, str) else \
            f"id {value!r} is neither text nor a whole number"
    if rid not in queued:
        return f"id {rid!r} was never queued in this project (run label-queue, or check --project)"
    if label is not None and not isinstance(label, str):
        return f"label {label!r} is not text"
    if label and label.strip() and label.strip() not in label_names:
        return f"unknown label {label.strip()!r} (the model's labels: {', '.join(label_names)})"
    return None


# -- training ---------------------------------------------------------------------------------

def source_training_data(cfg, label_names):
    """The source's tokenised training documents and labels, rebuilt from a run config (the
    training and dev splits together when ``model.fit_data`` fitted the model on both), and
    its dev split."""
    from ..run import build_corpus, tokenize
    from ..run.train import fit_documents

    corpus = tokenize(build_corpus(cfg), cfg)
    src = cfg["data"]["source_lang"]
    if list(corpus.label_names) != list(label_names):
        raise XprojError(f"the rebuilt {src} training data has labels {corpus.label_names}, the model "
                         f"{label_names}: the data has changed since the model was trained")
    return src, fit_documents(cfg, corpus, src), corpus.get(src, "dev")


def refit_classifier(model, source, target, src, lang):
    """Refit ``model``'s classifier, in place, on ``source`` (tokens, labels) of ``src`` and
    ``target`` (texts, labels) of ``lang``; every feature step stays as it is (no copy: the
    aligned space inside can take gigabytes)."""
    from sklearn.base import clone

    from ..shift import effective_priors

    n_source = model.standardizer_.n_docs_.get(src)
    if n_source is not None and n_source != len(source[0]):
        raise XprojError(f"the {src} training data rebuilt from the model's run config has {len(source[0])} "
                         f"documents, the model was trained on {n_source}: the data has changed since")
    Xt = model.pipeline_[0].transform(list(target[0]), lang=lang)
    Z = np.vstack([model.transform(source[0], src), model.transform(Xt, lang)])
    y = np.concatenate([np.asarray(source[1]), np.asarray(target[1])])
    estimator = clone(model.estimator_).fit(Z, y)
    model.pipeline_.steps[-1] = ("classify", estimator)
    model.classes_ = estimator.classes_
    model.source_priors_ = effective_priors(y, model.classes_, getattr(estimator, "class_weight", None))
    model.calibrator_ = None
    model.target_priors_ = {}
    return model


def student_pool(proj, labelled_ids) -> list:
    """The student's unlabelled pool: the texts of the project's rounds' input files (each
    file once, in round order; each id once), the ids in ``labelled_ids`` left out.

    Every file is checked (there, and the bytes the last round that read it hashed: a file
    grown between rounds is read as the last round saw it) before one is read.

    Raises
    ------
    ResourceNotFoundError, InputFormatError
        A file that is gone or has changed since its last round, named (exit 1).
    """
    from .queue import read_pool

    inputs = {}
    for rnd in proj.rounds:  # a later round's record of a file replaces an earlier one's
        path = Path(rnd["input"]["path"])
        key = path.resolve()
        inputs.pop(key, None)  # re-inserted: the file keeps its last round's place
        inputs[key] = (path, rnd)
    for path, rnd in inputs.values():
        if not path.is_file():
            raise ResourceNotFoundError(f"{path}: the input of round {rnd['round']} is gone; the model's student "
                                        "relearns from the texts of every round's input: put it back")
        if file_sha256(path) != rnd["input"]["sha256"]:
            raise InputFormatError(path, f"changed since round {rnd['round']} queued from it (sha256 differs); the "
                                         "model's student relearns from the texts of every round's input: restore it")
    skip, texts = set(labelled_ids), []
    for path, rnd in inputs.values():
        columns = rnd["input"]
        rows = read_pool(path, columns.get("id_column", "id"), columns.get("text_column", "text"), skip)
        skip.update(rows.ids)
        texts += rows.texts
    return texts


def refit_student(model, lang, pool, labelled, *, seed, rounds=1):
    """Refit ``model``'s student of ``lang`` in place with its own saved options (kind,
    weight, labels, share, balance, C or C grid, view, prior, n-grams), ``rounds`` and
    ``seed``: the teacher is ``model`` as it now is; ``pool``: unlabelled texts of ``lang``;
    ``labelled``: ``(texts, label indices)`` learnt with their gold labels."""
    old = model._students()[lang]
    m = old.model
    try:
        model.fit_student(pool, lang, labelled=labelled, kind=old.kind, weight=old.weight, C=m.C, labels=m.labels,
                          share=m.share, balance=m.balance, rounds=rounds, seed=seed, view=m.view,
                          prior="teacher" if old.prior is None else "em", word_ngrams=m.word_ngrams,
                          char_ngrams=m.char_ngrams, origin="documents of the loop's inputs")
    except ValueError as exc:  # e.g. the refitted model gives one class to every pool document
        raise XprojError(f"the student of {lang}: {exc}") from None
    return model


def what_is_kept(model, lang, calibration, student=None) -> list:
    """What a retrained version keeps of ``model`` (and what not), in words; ``student``:
    ``(pool documents, labelled documents)`` the student of ``lang`` is refit on."""
    est = model.estimator_
    found = model._students().get(lang)
    stats = model.adaptation(lang, student=student is None)  # a refit student is said below
    kept = [f"feature steps and every language's statistics ({stats})",
            (f"estimator {type(est).__name__} (C={getattr(est, 'C', None)}, "
             f"class_weight={getattr(est, 'class_weight', None)})"),
            "aligned space and mapping"]
    vote = model.translation_vote(lang) if hasattr(model, "translation_vote") else None
    if vote:
        kept.append(f"translation vote {vote['weight']} ({vote['words']:,} words of the {vote['origin']})")
    if getattr(model, "calibrator_", None) is not None:
        kept.append(f"calibration ({calibration}, refit on the source dev split)")
    if found is not None and student is not None:
        s = found.summary()
        kept.append(f"student {s['kind']} {s['weight']:g} and its options ({s['labels']} labels, C={s['C']:g}, "
                    f"{s['view']}), refit on {student[0]:,} unlabelled documents of the project's inputs and "
                    f"the {student[1]:,} labelled ones, the refitted classifier as teacher")
    if getattr(model, "target_priors_", None):
        kept.append(f"not kept: target class prior of {', '.join(model.target_priors_)} (estimated from the "
                    "old probabilities on documents the model file does not hold)")
    return kept


@dataclass
class RetrainResult:
    output: str
    version: int
    n_labels: int        # labelled target documents trained on (all rounds)
    new: int             # labels of ids no earlier retrain of the project accepted
    changed: int         # earlier labels these files changed
    empty: int
    kept: list           # what of the parent is kept, in words
    dev: dict | None = None   # {"before": scores, "after": scores}
    again: int = 0       # earlier labels these files give again, unchanged
    warnings: list = field(default_factory=list)   # e.g. a dev set with one class


def retrain(model_path, label_paths, output_path, *, project=None, dev=None, n_boot=1000, seed=0) -> RetrainResult:
    """Retrain ``model_path`` with the labels of ``label_paths``; write ``output_path``."""
    from ..persistence import load_model, save_model

    if not Path(model_path).is_file():
        raise ResourceNotFoundError(f"--model {model_path}: no such file")
    missing = [p for p in label_paths if not Path(p).is_file()]
    if missing:  # before the project beside it is looked for: that one would be missing too
        raise ResourceNotFoundError(f"--labels {missing[0]}: no such file")
    check_distinct(output_path, model_path, "--out", "--model")
    for option, path in [*(("--labels", p) for p in label_paths), *([("--dev", dev)] if dev is not None else [])]:
        check_distinct(output_path, path, "--out", option)
    check_output(output_path, "--out")
    proj = Project(project if project is not None else Path(label_paths[0]).parent / "loop")
    _check_new_version(proj, output_path)
    proj.check_recorded(model_path)
    if not proj.rounds:
        raise ConfigError(f"--project {proj.folder}: no queue was handed out there (run xproj label-queue first, "
                          "or give the project folder with --project)")
    bundle = load_model(model_path)
    label_names = bundle.get("label_names") or [str(c) for c in bundle["model"].classes_]
    lang = proj.data["lang"]
    queued = proj.queued_rows()
    labels = read_labels(label_paths, label_names, queued)
    dev_set = read_dev(dev, label_names) if dev is not None else None
    # as a run warns of a one-class test set: macro-F1 before/after would not mean much
    warnings = list(filter(None, [dev_set and one_class_warning(dev_set[1], label_names, f"--dev {dev}")]))
    merged = {**proj.labels, **labels.by_id}
    changed = sum(1 for i, lab in labels.by_id.items() if i in proj.labels and proj.labels[i] != lab)
    again = sum(1 for i, lab in labels.by_id.items() if proj.labels.get(i) == lab)  # a round's file given again
    cfg = bundle["config"]
    model = bundle["model"]
    # the student's pool before any work: a missing or changed input stops here
    pool = student_pool(proj, merged) if model.student(lang) is not None else None
    src, source, source_dev = source_training_data(cfg, label_names)
    ids = sorted(merged)
    target = ([queued[i][1] for i in ids], np.array([label_names.index(merged[i]) for i in ids]))
    before = _dev_scores(model, dev_set, lang, label_names, n_boot, seed) if dev_set is not None else None
    kept = what_is_kept(model, lang, cfg["model"]["calibration"], None if pool is None else (len(pool), len(ids)))
    calibrated = getattr(model, "calibrator_", None) is not None
    refit_classifier(model, source, target, src, lang)
    if calibrated and source_dev is not None:
        model.calibrate(*source_dev, lang=src, method=cfg["model"]["calibration"])
    if pool is not None:  # after calibration, as a run fits it
        refit_student(model, lang, pool, target, seed=cfg["seed"], rounds=cfg["model"].get("student_rounds", 1))
    scores = None if before is None else {
        "before": before, "after": _dev_scores(model, dev_set, lang, label_names, n_boot, seed)}
    parent_entry = proj.model_entry(model_path)
    rounds = sorted({queued[i][0] for i in labels.by_id})
    lineage = {"parent": parent_entry["sha256"], "parent_path": str(model_path), "rounds": rounds,
               "label_files": labels.files, "n_labels": len(merged), "lang": lang, "created": now(),
               "project": str(proj.folder.resolve())}
    # the model (its lineage in the same .json) first, then the manifest: an interruption in
    # between leaves a model the manifest does not list, which names this project and is
    # refused until this retrain is run again (Project.check_recorded)
    save_model(model, output_path, mapping=bundle.get("mapping"), config=cfg, label_names=label_names,
               lineage=lineage)
    entry = proj.add_version(output_path, lineage, merged)
    return RetrainResult(str(output_path), entry["version"], len(merged), len(labels.by_id) - changed - again,
                         changed, labels.empty, kept, scores, again, warnings)


def _check_new_version(proj, output_path):
    """Refuse to overwrite a version the manifest records (its hash would no longer hold)."""
    for entry in proj.data["models"]:
        if Path(entry["path"]).resolve() == Path(output_path).resolve():
            raise ConfigError(f"--out {output_path}: model version {entry['version']} of {proj.folder}; "
                              "choose a new name")


def read_dev(path, label_names):
    """A labelled dev file (``text`` and ``label`` columns): ``(texts, label indices)``; a
    row that cannot be read or has an unknown label is a problem (all listed at once)."""
    path = Path(path)
    if not path.is_file():
        raise ResourceNotFoundError(f"--dev {path}: no such file")
    table = Table(path)
    columns = table.columns()
    missing = [c for c in ("text", "label") if columns is not None and c not in columns]
    if missing:  # one line for the file, not one per row
        have = f"its columns: {', '.join(columns)}" if columns else "it has no rows"
        raise XprojError(f"--dev {path}: no {' or '.join(map(repr, missing))} column ({have})")
    texts, y, problems = [], [], []
    for rec in table:
        fields = rec.fields if isinstance(rec.fields, dict) else {}
        text, label = fields.get("text"), fields.get("label")
        label = label.strip() if isinstance(label, str) else label  # JSON lines: "label": 1 is not a name
        problem = rec.error or (None if isinstance(text, str) and text.strip() else "no text") or (
            None if label in label_names else f"unknown or empty label {label!r} ({', '.join(label_names)})")
        if problem:
            problems.append(f"{path}, line {rec.line}: {problem}")
            continue
        texts.append(text)
        y.append(label_names.index(label))
    if problems:
        raise LabelProblems(problems)
    if not texts:
        raise XprojError(f"--dev {path}: no labelled rows")
    return texts, np.array(y)


def _dev_scores(model, dev, lang, label_names, n_boot, seed) -> dict:
    from ..evaluation import classification_scores

    return classification_scores(dev[1], model.predict(dev[0], lang=lang), label_names, n_boot=n_boot, seed=seed)
