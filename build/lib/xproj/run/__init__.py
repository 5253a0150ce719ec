"""A cross-lingual sentiment run: config -> stages -> outputs in ``runs/<name>/``.

Data flows one way, each stage a function returning a small value::

    target_sets(cfg)                        -> [TargetSet] (id, lang, dataset)  corpus.py
    build_corpus(cfg)                       -> Corpus (raw texts)          corpus.py
    tokenize(corpus, cfg)                   -> Corpus (tokens)             corpus.py
    load_run_vectors(cfg, world)            -> {lang: WordVectors}         spaces.py
    align_targets(cfg, vectors, world)      -> {lang: TargetSpace}         spaces.py
    evaluate_target(cfg, corpus.for_target(id), vectors, space, lang) -> TargetResult  evaluate.py
        adaptation_documents, select_and_fit                               train.py
        BASELINES (registry of named baselines)                            baselines.py
    write_outputs(out, cfg, corpus, spaces, results, timings) -> metrics   outputs.py
        written into a temporary folder swapped into place when complete   folder.py

Before any work, the output place and the named resources are checked (a configuration
error, exit 2, names the option). Degenerate inputs that still give a figure (a small seed
dictionary, a test set with one class) give warnings: printed on stderr as they arise, and
kept in ``metrics.json`` (``warnings``) and ``report.md`` (a Warnings section).

A run applies one source model to several target sets (``data.targets``), each language's
vectors loaded and aligned once; results are keyed by the set's id (the language when it is
the only set of that language). A set that fails is reported on its row, the others go on.

Each stage can be run alone from a notebook with plain arguments. Only this package and
:mod:`xproj.cli` know about runs, paths and printing.

Examples
--------
>>> from xproj.config import load_config
>>> cfg = load_config("synthetic", ["synthetic.n_words=1000", "synthetic.n_train_docs=300"])
>>> corpus = tokenize(build_corpus(cfg), cfg)
>>> sorted(corpus.splits)[:2]
[('en', 'dev'), ('en', 'test')]
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .baselines import BASELINES
from .corpus import TARGET_ERRORS, Corpus, TargetSet, build_corpus, target_sets, tokenize
from .evaluate import TargetResult, evaluate_target
from .folder import check_run_place
from .outputs import add_warnings, run_warnings, write_outputs
from .spaces import TargetSpace, align_target, align_targets, check_named_resources, load_run_vectors
from ..tracking import default_store, make_tracker, resolve_uri, track_run
from .train import ADAPTATION_SOURCES, Fitted, adaptation_documents, select_and_fit

__all__ = ["ADAPTATION_SOURCES", "BASELINES", "Corpus", "Fitted", "TargetResult", "TargetSet", "TargetSpace",
           "adaptation_documents", "align_targets", "build_corpus", "evaluate_target", "load_run_vectors",
           "run_dir", "run_experiment", "select_and_fit", "target_sets", "tokenize", "write_outputs"]


def progress(iterable=None, **kw):
    """A tqdm bar on a terminal; nothing in CI or when stderr is not a terminal."""
    from tqdm import tqdm  # the plain bar: no ipywidgets needed in notebooks

    quiet = bool(os.environ.get("CI")) or not sys.stderr.isatty()
    return tqdm(iterable, disable=quiet, **kw)


def run_dir(cfg, out_dir=None) -> Path:
    """Where a run writes: ``out_dir``, or ``<output.dir>/<name>``."""
    return Path(out_dir) if out_dir else Path(cfg["output"]["dir"]) / cfg["name"]


def place_option(cfg, out_dir=None) -> str:
    """How the output place is named in errors: the option it comes from."""
    return "--out (out_dir)" if out_dir else f"output.dir = {cfg['output']['dir']!r}"


def warn(message):
    print(f"warning: {message}", file=sys.stderr)


def run_experiment(cfg, *, out_dir=None, echo=print) -> dict:
    """Run one resolved config (:func:`xproj.config.load_config`); returns the metrics dict.

    Raises :class:`~xproj.errors.ConfigError` before any work when the output place cannot
    take a run folder or a language has no vector file or seed dictionary named. A target
    set that fails later (unreadable set, missing vector or dictionary file, a mapping that
    cannot be learnt) is reported on its row and the others go on; when every target set
    fails, the first one's error is raised.
    """
    timings = {}

    @contextmanager
    def stage(name):
        echo(f"[{name}]")
        t0 = time.perf_counter()
        yield
        timings[name] = round(time.perf_counter() - t0, 3)

    out, option = run_dir(cfg, out_dir), place_option(cfg, out_dir)
    check_run_place(out, option)
    check_named_resources(cfg)
    tracker = _tracker(cfg)  # before any work: a missing extra stops here
    targets = target_sets(cfg)
    with stage("load data"):
        corpus = build_corpus(cfg)
        for (lang, split), (texts, _) in sorted(corpus.splits.items()):
            echo(f"  {lang}/{split}: {len(texts)} documents")
        failed = {}
        for tid, exc in corpus.failed.items():
            _fail(failed, [tid], exc, echo)
        _need_one(targets, failed)
        for message in corpus.warnings:
            warn(message)
    with stage("preprocess"):
        corpus = tokenize(corpus, cfg, progress)
    with stage("load vectors"):
        vectors = _per_language(targets, failed, echo, _source_vectors(cfg, corpus.world, echo),
                                lambda lang: _language_vectors(cfg, corpus.world, lang, echo))
    with stage("align"):
        spaces = _per_language(targets, failed, echo, {},
                               lambda lang: align_target(cfg, vectors, lang, corpus.world, echo))
        for message in run_warnings(spaces, {}):
            warn(message)
    with stage("train and evaluate"):
        results = {}
        for t in _alive(targets, failed):
            try:
                results[t.id] = evaluate_target(cfg, corpus.for_target(t.id), vectors, spaces[t.lang], t.lang,
                                                progress)
                echo(f"  {t.id}: adaptation {results[t.id].adaptation}")
            except TARGET_ERRORS as exc:
                _fail(failed, [t.id], exc, echo)
        _need_one(targets, failed)
        for message in run_warnings({}, results):
            warn(message)
    with stage("report"):
        metrics = write_outputs(out, cfg, corpus, spaces, results, timings, option=option,
                                failures={t.id: str(failed[t.id]) for t in targets if t.id in failed})
    if cfg["output"]["tracking"] != "none":  # not a timed stage: metrics.json is already written
        echo(f"[track] {tracker.uri}")
        for message in add_warnings(out, metrics, track_run(tracker, cfg, out, metrics)):
            warn(message)
    return metrics


def _tracker(cfg):
    """``output.tracking``'s tracker (:mod:`xproj.tracking`); by default ``mlruns/`` beside
    ``output.dir`` (also when ``--out`` places this run elsewhere: one store for every run)."""
    o = cfg["output"]
    return make_tracker(o["tracking"], resolve_uri(o["tracking_uri"], default_store(o["dir"])))


def _alive(targets, failed) -> list:
    return [t for t in targets if t.id not in failed]


def _fail(failed, ids, exc, echo):
    for i in ids:
        failed[i] = exc
        echo(f"  {i}: failed: {exc}")


def _need_one(targets, failed):
    """The first set's error when no target set is left (a run with no figure fails)."""
    if not _alive(targets, failed):
        raise failed[targets[0].id]


def _per_language(targets, failed, echo, done, make) -> dict:
    """``{lang: make(lang)}`` once per language of the sets still alive (``done`` first); a
    language whose ``make`` fails fails every set of that language."""
    out = dict(done)
    for lang in dict.fromkeys(t.lang for t in _alive(targets, failed)):
        if lang in out:
            continue
        try:
            out[lang] = make(lang)
        except TARGET_ERRORS as exc:
            _fail(failed, [t.id for t in targets if t.lang == lang], exc, echo)
    _need_one(targets, failed)
    return out


def _source_vectors(cfg, world, echo) -> dict:
    """The source's vectors (both languages' for the synthetic world, which has its own)."""
    if world is not None:
        return load_run_vectors(cfg, world, echo)
    return load_run_vectors(_one_language(cfg, cfg["data"]["source_lang"]), None, echo)


def _language_vectors(cfg, world, lang, echo):
    if world is not None:
        return load_run_vectors(cfg, world, echo)[lang]
    return load_run_vectors(_one_language(cfg, lang), None, echo)[lang]


def _one_language(cfg, lang) -> dict:
    """``cfg`` as :func:`load_run_vectors` needs it to read ``lang``'s vectors alone (one
    language at a time: a missing file fails only that language's sets)."""
    return {**cfg, "data": {**cfg["data"], "source_lang": lang, "target_langs": []}}
