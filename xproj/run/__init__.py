"""A cross-lingual sentiment run: config -> stages -> outputs in ``runs/<name>/``.

Data flows one way, each stage a function returning a small value::

    build_corpus(cfg)                       -> Corpus (raw texts)          corpus.py
    tokenize(corpus, cfg)                   -> Corpus (tokens)             corpus.py
    load_run_vectors(cfg, world)            -> {lang: WordVectors}         spaces.py
    align_targets(cfg, vectors, world)      -> {tgt: TargetSpace}          spaces.py
    evaluate_target(cfg, corpus, vectors, space, tgt) -> TargetResult      evaluate.py
        adaptation_documents, select_and_fit                               train.py
        BASELINES (registry of named baselines)                            baselines.py
    write_outputs(out, cfg, corpus, spaces, results, timings) -> metrics   outputs.py
        written into a temporary folder swapped into place when complete   folder.py

Before any work, the output place and the named resources are checked (a configuration
error, exit 2, names the option). Degenerate inputs that still give a figure (a small seed
dictionary, a test set with one class) give warnings: printed on stderr as they arise, and
kept in ``metrics.json`` (``warnings``) and ``report.md`` (a Warnings section).

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
from .corpus import Corpus, build_corpus, tokenize
from .evaluate import TargetResult, evaluate_target
from .folder import check_run_place
from .outputs import run_warnings, write_outputs
from .spaces import TargetSpace, align_targets, check_named_resources, load_run_vectors
from .train import ADAPTATION_SOURCES, Fitted, adaptation_documents, select_and_fit

__all__ = ["ADAPTATION_SOURCES", "BASELINES", "Corpus", "Fitted", "TargetResult", "TargetSpace",
           "adaptation_documents", "align_targets", "build_corpus", "evaluate_target", "load_run_vectors",
           "run_dir", "run_experiment", "select_and_fit", "tokenize", "write_outputs"]


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
    take a run folder or a language has no vector file or seed dictionary named.
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
    with stage("load data"):
        corpus = build_corpus(cfg)
        for (lang, split), (texts, _) in sorted(corpus.splits.items()):
            echo(f"  {lang}/{split}: {len(texts)} documents")
    with stage("preprocess"):
        corpus = tokenize(corpus, cfg, progress)
    with stage("load vectors"):
        vectors = load_run_vectors(cfg, corpus.world, echo)
    with stage("align"):
        spaces = align_targets(cfg, vectors, corpus.world, echo)
        for message in run_warnings(spaces, {}):
            warn(message)
    with stage("train and evaluate"):
        results = {tgt: evaluate_target(cfg, corpus, vectors, spaces[tgt], tgt, progress) for tgt in spaces}
        for tgt, r in results.items():
            echo(f"  adaptation {r.adaptation}")
        for message in run_warnings({}, results):
            warn(message)
    with stage("report"):
        metrics = write_outputs(out, cfg, corpus, spaces, results, timings, option=option)
    return metrics
