"""``xproj label-queue``: the rows of an unlabelled pool people should label next.

The pool is scored with a saved model; rows already queued (in any earlier round) or
labelled are left out; a query strategy (:mod:`xproj.loop.strategies`) picks ``n`` of the
rest; the queue is written as a CSV (``id, text, prediction, confidence, label, strategy,
round``, ``label`` empty for people to fill) and the round is recorded in the project's
manifest (:mod:`xproj.loop.project`). Both writes are atomic, the queue file first, with
Ctrl-C and ``kill`` held until both are written; only ``kill -9`` or a crash in between can
leave a queue file the manifest does not know: the next call queues those rows again
instead of losing them, and a retrain refuses labels of that file ("never queued").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .._io import held_interrupts
from ..errors import ConfigError, InputFormatError, XprojError
from ..scoring import (
    Scorer,
    check_distinct,
    check_input,
    check_lang_code,
    check_output,
    check_text_column,
    text_of,
)
from ..tables import Table, infer_format
from ..writers import open_output, output_format
from .project import Project
from .strategies import STRATEGIES, select

#: The queue file's columns (``label`` is left empty for people to fill).
QUEUE_COLUMNS = [("id", "str"), ("text", "str"), ("prediction", "str"), ("confidence", "float"),
                 ("label", "str"), ("strategy", "str"), ("round", "int")]


@dataclass
class Pool:
    """The readable rows of an input not yet queued, and what was left out."""

    ids: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    unreadable: list = field(default_factory=list)   # (line, problem)
    already: int = 0                                  # queued or labelled before


def read_pool(path, id_column: str, text_column: str, skip: set) -> Pool:
    """The rows of ``path`` with an id and a non-empty text, ids in ``skip`` left out.

    Raises
    ------
    InputFormatError
        An id that appears twice in the pool (it could not be told apart in the labels).
    """
    table = Table(check_input(path), format_option="--format")
    check_text_column(table, text_column)
    check_text_column(table, id_column, "--id-column")
    pool, seen = Pool(), {}
    for rec in table:
        text, problem = (None, rec.error) if rec.error else text_of(rec.fields, text_column)
        rid, id_problem = (None, problem) if problem else id_of(rec.fields, id_column)
        if problem or id_problem or not rid.strip() or not text.strip():
            why = problem or id_problem or ("empty id" if not rid.strip() else "empty text")
            pool.unreadable.append((rec.line, why))
            continue
        rid = rid.strip()
        if rid in seen:
            raise InputFormatError(path, f"id {rid!r} appears twice (first on line {seen[rid]}); "
                                         "ids must tell rows apart", line=rec.line)
        seen[rid] = rec.line
        if rid in skip:
            pool.already += 1
            continue
        pool.ids.append(rid)
        pool.texts.append(text)
    if not pool.ids and not pool.already:  # an empty queue and a round would hide a bad input
        first = (f": all {len(pool.unreadable)} rows are unreadable (line {pool.unreadable[0][0]}: "
                 f"{pool.unreadable[0][1]})" if pool.unreadable else ": it has no data rows")
        raise InputFormatError(path, f"no row to queue{first}")
    return pool


def id_of(fields, id_column):
    """``(id, None)`` or ``(None, problem)``: a row's id, a whole number taken as its digits
    (JSON lines often have ``"id": 17``; the queue CSV writes it as ``17``)."""
    value = fields.get(id_column) if isinstance(fields, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), None
    return text_of(fields, id_column)


def document_vectors(model, tokens, lang) -> np.ndarray:
    """Documents embedded and standardised with the model's statistics (the pipeline up to
    its ``standardize`` step): what ``diverse`` clusters."""
    import sklearn

    names = [name for name, _ in model.pipeline_.steps]
    with sklearn.config_context(enable_metadata_routing=True):
        return model.pipeline_[: names.index("standardize") + 1].transform(tokens, lang=lang)


def score_pool(scorer, texts, *, with_vectors=False):
    """``(ok, proba, vectors)``: the positions of the texts that can be scored (a word with a
    vector), their class probabilities, and their document vectors when asked."""
    lang = scorer.lang
    tokens = scorer.tokens(texts)
    ok = np.flatnonzero(scorer.model.coverage(tokens, lang)["known"] > 0) if tokens else np.empty(0, int)
    scored = [tokens[i] for i in ok]
    if not scored:
        return ok, np.empty((0, len(scorer.label_names))), None
    vectors = document_vectors(scorer.model, scored, lang) if with_vectors else None
    return ok, scorer.model.predict_proba(scored, lang=lang), vectors


@dataclass
class QueueResult:
    round: int
    queued: int
    pool: int            # candidates that could be scored
    already: int
    unreadable: list
    unscorable: int
    output: str


def _says_text_format(path) -> bool:
    """Whether the name says CSV, TSV or JSON lines (a ``.txt`` or bare name is written as CSV,
    but retrain, which has no format option, could not tell what it reads)."""
    try:
        infer_format(path)
    except ConfigError:
        return False
    return True


def label_queue(model_path, input_path, output_path, *, lang, n=50, strategy="margin", project=None,
                seed=0, id_column="id", text_column="text") -> QueueResult:
    """Write the next ``n`` rows to label into ``output_path`` and record the round.

    ``project`` defaults to ``loop/`` beside the output.
    """
    if strategy not in STRATEGIES:
        raise ConfigError(f"--strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
    if n < 1:
        raise ConfigError(f"--n must be at least 1, got {n}")
    check_lang_code(lang)
    check_distinct(output_path, input_path, "--out", "--input")
    check_distinct(output_path, model_path, "--out", "--model")
    check_output(output_path, "--out")
    if output_format(output_path)[0] == "parquet" or not _says_text_format(output_path):
        # (a compressed Parquet name: ConfigError in output_format)
        raise ConfigError(f"--out {output_path}: a queue is filled in and read back by xproj retrain, which reads "
                          "CSV, TSV or JSON lines; name it .csv, .tsv or .jsonl")
    proj = Project(project if project is not None else Path(output_path).parent / "loop")
    proj.check_lang(lang)
    proj.check_recorded(model_path)
    # the input (its columns, ids) before the model: a bad file or column stops before any work
    pool = read_pool(input_path, id_column, text_column, proj.queued_ids() | set(proj.labels))
    scorer = Scorer.open(model_path, lang)
    if not scorer.has_proba:
        raise XprojError(f"{model_path}: the model gives no class probabilities (an uncalibrated SVM); "
                         "query strategies need them: use a logistic-regression or calibrated model")
    ok, proba, vectors = score_pool(scorer, pool.texts, with_vectors=strategy == "diverse")
    picked = select(proba, n, strategy, vectors=vectors, seed=seed) if len(ok) else []
    rnd_no = len(proj.rounds) + 1
    rows = [[pool.ids[ok[j]], pool.texts[ok[j]], scorer.label_names[int(proba[j].argmax())],
             float(proba[j].max()), None, strategy, rnd_no] for j in picked]
    model_entry = proj.model_entry(model_path)  # hashes the model: before the queue is written
    with held_interrupts():  # n rows and a small manifest: Ctrl-C waits until both are written
        with open_output(output_path, QUEUE_COLUMNS) as out:
            out.write(rows)
        if rows:
            proj.data["lang"] = scorer.lang  # the model's code: "es" for --lang es-MX, as retrain needs
            proj.add_round(model=model_entry, input_path=input_path, queue=output_path,
                           strategy=strategy, seed=seed, rows=[{"id": r[0], "text": r[1]} for r in rows],
                           id_column=id_column, text_column=text_column)
            proj.save()
    return QueueResult(rnd_no, len(rows), len(ok), pool.already, pool.unreadable,
                       len(pool.texts) - len(ok), str(output_path))
