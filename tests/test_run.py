"""The run's stages one at a time, with plain arguments, and where target statistics come from."""

import json

import numpy as np
import pytest

from xproj.config import load_config
from xproj.run import (adaptation_documents, align_targets, build_corpus, evaluate_target, load_run_vectors,
                       run_experiment, tokenize)

SMALL = ["synthetic.n_words=1500", "synthetic.dim=30", "synthetic.n_train_docs=600", "synthetic.n_test_docs=300",
         "evaluation.bootstrap=50", "model.C=[1.0]", "model.class_weight=['balanced']"]


@pytest.fixture(scope="module")
def staged():
    cfg = load_config("synthetic", SMALL)
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, echo=lambda *a: None)
    spaces = align_targets(cfg, vectors, corpus.world, echo=lambda *a: None)
    return cfg, corpus, vectors, spaces


def test_stages_pass_values(staged):
    cfg, corpus, vectors, spaces = staged
    assert corpus.tokenized and isinstance(corpus.get("es", "test")[0][0], list)
    assert corpus.counts()["es/test"] == {"negative": int((corpus.get("es", "test")[1] == 0).sum()),
                                          "positive": int((corpus.get("es", "test")[1] == 1).sum())}
    assert spaces["es"].bli["csls"]["p@1"] > 0.9 and spaces["es"].mapping is not None
    result = evaluate_target(cfg, corpus, vectors, spaces["es"], "es")
    assert result.rows["xproj (aligned)"]["accuracy"] > 0.85
    assert result.adaptation == "es: own statistics from 600 training documents, labels dropped"
    np.testing.assert_array_equal(result.predicted, result.fitted.model.predict(corpus.get("es", "test")[0], lang="es"))


@pytest.mark.parametrize("mode, expected, transductive", [
    ("auto", "training documents, labels dropped", False),
    ("test", "test texts, labels unused (transductive)", True),
    ("none", None, False),
])
def test_adaptation_sources(staged, mode, expected, transductive):
    cfg, corpus, _, _ = staged
    cfg = {**cfg, "features": {**cfg["features"], "adapt": mode}}
    a = adaptation_documents(cfg, corpus, "es")
    if expected is None:
        assert a is None
    else:
        assert a.origin == expected and a.transductive is transductive and len(a.documents) >= 300


def test_target_with_only_a_test_file_is_adapted_transductively_and_reported(tmp_path, staged):
    cfg, corpus, vectors, spaces = staged
    from dataclasses import replace

    only_test = replace(corpus, splits={k: v for k, v in corpus.splits.items() if k[0] == "en" or k[1] == "test"})
    r = evaluate_target(cfg, only_test, vectors, spaces["es"], "es")
    assert "transductive" in r.adaptation and r.rows["xproj (aligned)"]["transductive"] is True


def test_no_adaptation_says_so_in_the_report(tmp_path):
    cfg = load_config("synthetic", SMALL + ["features.adapt=none", "output.plots=false"])
    metrics = run_experiment(cfg, out_dir=tmp_path / "run", echo=lambda *a: None)
    assert metrics["adaptation"]["es"] == "es: no statistics of its own; uses those of en (600 documents)"
    report = (tmp_path / "run" / "report.md").read_text()
    assert "no statistics of its own; uses those of en" in report
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["adaptation"] == metrics["adaptation"]
