"""The run's stages one at a time, with plain arguments, and where target statistics come from."""

import json

import numpy as np
import pytest

from xproj.config import load_config
from xproj.run import (
    adaptation_documents,
    align_targets,
    build_corpus,
    evaluate_target,
    load_run_vectors,
    run_experiment,
    tokenize,
)

SMALL = ["synthetic.n_words=1500", "synthetic.dim=30", "synthetic.n_train_docs=600", "synthetic.n_test_docs=300",
         "evaluation.bootstrap=50", "model.C=[1.0]", "model.class_weight=['balanced']"]


def stage(overrides):
    """A synthetic run's stages up to the aligned spaces: ``(cfg, corpus, vectors, spaces)``."""
    cfg = load_config("synthetic", overrides)
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, echo=lambda *a: None)
    spaces = align_targets(cfg, vectors, corpus.world, echo=lambda *a: None)
    return cfg, corpus, vectors, spaces


@pytest.fixture(scope="module")
def staged():
    return stage(SMALL)


def test_stages_pass_values(staged):
    cfg, corpus, vectors, spaces = staged
    assert corpus.tokenized and isinstance(corpus.get("es", "test")[0][0], list)
    assert corpus.counts()["es/test"] == {"negative": int((corpus.get("es", "test")[1] == 0).sum()),
                                          "positive": int((corpus.get("es", "test")[1] == 1).sum())}
    assert spaces["es"].bli["csls"]["p@1"] > 0.9 and spaces["es"].mapping is not None
    result = evaluate_target(cfg, corpus, vectors, spaces["es"], "es")
    assert result.rows["xproj (aligned)"]["accuracy"] > 0.85
    assert result.adaptation == ("es: own statistics from 600 training documents, labels dropped; "
                                 "translation vote 0.5 (743 words of the seed dictionary)")
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
    cfg = load_config("synthetic", SMALL + ["features.adapt=none", "output.plots=false", "model.translation_weight=0"])
    metrics = run_experiment(cfg, out_dir=tmp_path / "run", echo=lambda *a: None)
    assert metrics["adaptation"]["es"] == "es: no statistics of its own; uses those of en (600 documents)"
    report = (tmp_path / "run" / "report.md").read_text()
    assert "no statistics of its own; uses those of en" in report
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["adaptation"] == metrics["adaptation"]


# -- run folders: one complete run each, swapped into place --------------------------------

def QUIET(*a, **k):
    pass


# run-folder mechanics, not accuracy: the smallest world the config allows
FAST = ["synthetic.n_words=300", "synthetic.dim=10", "synthetic.n_train_docs=100", "synthetic.n_test_docs=40",
        "evaluation.bootstrap=0", "model.C=[1.0]", "model.class_weight=['none']", "evaluation.baselines=[]",
        "output.save_model=false", "output.plots=false"]


def _partials(parent):
    return [p.name for p in parent.iterdir() if p.name.endswith((".partial", ".old"))]


def test_two_runs_into_one_folder_leave_one_consistent_run(tmp_path):
    out = tmp_path / "same"
    first = run_experiment(load_config("synthetic", FAST + ["name='first'", "output.plots=true"]), out_dir=out,
                           echo=QUIET)
    assert (out / "confusion-es.png").exists()
    assert first["empty_docs"] == {"es": 0} and first["warnings"] == []
    assert "Test documents with no known word: 0 of 40" in (out / "report.md").read_text()
    run_experiment(load_config("synthetic", FAST + ["name='second'", "output.plots=false", "seed=1"]),
                   out_dir=out, echo=QUIET)
    assert not list(out.glob("*.png"))  # nothing of the first run beside the second's files
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["name"] == "second" and 'name = "second"' in (out / "config.toml").read_text()
    assert (out / "report.md").read_text().startswith("# second")
    assert _partials(tmp_path) == []


def test_a_run_that_fails_midway_leaves_the_previous_run_intact(tmp_path, monkeypatch):
    import xproj.report

    out = tmp_path / "demo"
    run_experiment(load_config("synthetic", FAST), out_dir=out, echo=QUIET)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def crash(*a, **k):
        raise RuntimeError("killed while writing the report")

    monkeypatch.setattr(xproj.report, "write_report", crash)
    with pytest.raises(RuntimeError):
        run_experiment(load_config("synthetic", FAST + ["seed=2"]), out_dir=out, echo=QUIET)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _partials(tmp_path) == []


def test_stale_partial_folders_of_dead_runs_are_removed(tmp_path):
    """What a kill -9 leaves (a hidden .partial folder) is removed by the next run into the place."""
    import os
    import subprocess
    import sys

    from xproj.run.folder import staged_run_dir

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    stale = tmp_path / f".demo.{int(dead.stdout)}.x1y2.partial"
    live = tmp_path / f".demo.{os.getpid()}.other.partial"  # a run of this process, still going
    for p in (stale, live):
        p.mkdir()
        (p / "metrics.json").write_text("{}")
    with staged_run_dir(tmp_path / "demo") as tmp:
        (tmp / "metrics.json").write_text("{}")
    assert sorted(_partials(tmp_path)) == [live.name] and (tmp_path / "demo" / "metrics.json").exists()


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("x"), "is a file"),
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")), "not a run folder"),
])
def test_output_places_that_are_not_run_folders_are_refused_before_any_work(tmp_path, monkeypatch, make, message):
    import xproj.run
    from xproj.errors import ConfigError

    target = tmp_path / "place"
    make(target)
    monkeypatch.setattr(xproj.run, "build_corpus", lambda cfg: pytest.fail("work started"))
    with pytest.raises(ConfigError, match=message):
        run_experiment(load_config("synthetic", FAST), out_dir=target, echo=QUIET)
    with pytest.raises(ConfigError, match="output.dir"):
        run_experiment(load_config("synthetic", FAST + [f"output.dir='{target}'"]) if target.is_file()
                       else load_config("synthetic", FAST + [f"output.dir='{target / 'notes.txt'}'"]), echo=QUIET)
    assert target.exists() and (target.is_file() or (target / "notes.txt").read_text() == "mine")


# -- degenerate inputs: errors or warnings, never a silent figure ----------------------------

def test_one_class_test_set_warns(staged, tmp_path, monkeypatch, capsys):
    from dataclasses import replace

    import xproj.run

    cfg, corpus, vectors, spaces = staged
    X, y = corpus.get("es", "test")
    keep = np.flatnonzero(y == 1)
    one_class = replace(corpus, splits={**corpus.splits, ("es", "test"): ([X[i] for i in keep], y[keep])})
    r = evaluate_target(cfg, one_class, vectors, spaces["es"], "es")
    assert r.warnings == ["the es test set has one class (positive): macro-F1 is not meaningful"]

    real = xproj.run.build_corpus

    def only_positive(cfg):
        c = real(cfg)
        X, y = c.get("es", "test")
        return replace(c, splits={**c.splits, ("es", "test"): ([X[i] for i in np.flatnonzero(y == 1)], y[y == 1])})

    monkeypatch.setattr(xproj.run, "build_corpus", only_positive)
    metrics = run_experiment(load_config("synthetic", FAST), out_dir=tmp_path / "r", echo=QUIET)
    assert metrics["warnings"] == r.warnings
    assert json.loads((tmp_path / "r" / "metrics.json").read_text())["warnings"] == r.warnings
    report = (tmp_path / "r" / "report.md").read_text()
    assert "## Warnings" in report and r.warnings[0] in report
    assert r.warnings[0] in capsys.readouterr().err


def test_empty_test_documents_are_counted(staged):
    from dataclasses import replace

    cfg, corpus, vectors, spaces = staged
    X, y = corpus.get("es", "test")
    X = [[] if i < 3 else (["zzzunknown"] if i < 5 else doc) for i, doc in enumerate(X)]
    patched = replace(corpus, splits={**corpus.splits, ("es", "test"): (X, y)})
    r = evaluate_target(cfg, patched, vectors, spaces["es"], "es")
    assert r.rows["xproj (aligned)"]["empty_docs"] == 5


def _dictionary_cfg(tmp_path, staged, pairs):
    from xproj.dictionaries import write_dictionary

    cfg = staged[0]
    write_dictionary(pairs, tmp_path / "seed.txt")
    return {**cfg, "alignment": {**cfg["alignment"], "dictionary": {"es": str(tmp_path / "seed.txt")}}}


def test_seed_dictionary_with_too_few_pairs_is_an_error(tmp_path, staged):
    from xproj.errors import ConfigError
    from xproj.run.spaces import align_target

    _, corpus, vectors, _ = staged
    cfg = _dictionary_cfg(tmp_path, staged, corpus.world.train_pairs[:3])
    with pytest.raises(ConfigError, match=r"alignment.dictionary.es: .*3 pairs .* at least 10"):
        align_target(cfg, vectors, "es", echo=QUIET)


def test_small_seed_dictionary_warns(tmp_path, staged):
    from xproj.run.spaces import align_target

    _, corpus, vectors, _ = staged
    cfg = _dictionary_cfg(tmp_path, staged, corpus.world.train_pairs[:40])
    ts = align_target(cfg, vectors, "es", echo=QUIET)
    assert len(ts.warnings) == 1 and "40 pairs" in ts.warnings[0] and "alignment.dictionary.es" in ts.warnings[0]
    cfg = _dictionary_cfg(tmp_path, staged, corpus.world.train_pairs)
    assert align_target(cfg, vectors, "es", echo=QUIET).warnings == []


def test_reversed_seed_dictionary_is_an_error(tmp_path, staged):
    from xproj.errors import ConfigError
    from xproj.run.spaces import align_target

    _, corpus, vectors, _ = staged
    cfg = _dictionary_cfg(tmp_path, staged, [(t, s) for s, t in corpus.world.train_pairs])
    with pytest.raises(ConfigError, match=r"alignment.dictionary.es: .*reversed.*es-en.*en-es"):
        align_target(cfg, vectors, "es", echo=QUIET)


def test_one_class_training_set_is_a_clear_error(staged):
    from dataclasses import replace

    from xproj.errors import XprojError
    from xproj.run import select_and_fit

    cfg, corpus, _, spaces = staged
    X = corpus.get("en", "train")[0]
    one = replace(corpus, splits={**corpus.splits, ("en", "train"): (X[:5], np.ones(5, dtype=int))})
    with pytest.raises(XprojError, match="the en training set has one class"):
        select_and_fit(cfg, spaces["es"].space, one, "en")


def test_vectors_on_bad_line_reaches_the_reader(tmp_path):
    """The option the reader's error message names really skips malformed lines in a run."""
    from xproj.errors import InputFormatError
    from xproj.run import load_run_vectors

    vec = tmp_path / "en.vec"
    vec.write_text("3 2\ngood 1 0\nbad 0 1 7\nfine 1 1\n", encoding="utf-8")
    es = tmp_path / "es.vec"
    es.write_text("2 2\nbueno 1 0\nmalo 0 1\n", encoding="utf-8")
    paths = [f"vectors.paths.en={vec}", f"vectors.paths.es={es}"]
    cfg = load_config("synthetic", SMALL + paths + ["data.dataset=table", "alignment.method=none"])
    with pytest.raises(InputFormatError, match='vectors.on_bad_line = "skip"'):
        load_run_vectors(cfg, echo=lambda *a: None)
    cfg = load_config("synthetic", SMALL + paths + ["data.dataset=table", "alignment.method=none", "vectors.on_bad_line=skip"])
    assert load_run_vectors(cfg, echo=lambda *a: None)["en"].words == ["good", "fine"]


# -- several target sets, two of one language, one failing ---------------------------------

@pytest.fixture
def two_french_sets(tmp_path, monkeypatch):
    """A synthetic en/fr world written as files: an English table labelled 0/1, the two shared
    French sets' files in a stand-in shared folder, vectors and dictionaries."""
    import csv

    from xproj.datasets.synthetic import make_bilingual_world, make_documents
    from xproj.dictionaries import write_dictionary
    from xproj.vectors import write_vec

    world = make_bilingual_world(n_words=800, dim=20, noise=0.3, src_lang="en", tgt_lang="fr", seed=3)
    write_vec(world.src, tmp_path / "en.vec")
    write_vec(world.tgt, tmp_path / "fr.vec")
    write_dictionary(world.train_pairs, tmp_path / "en-fr.txt")
    shared = tmp_path / "shared"
    files = {"en": tmp_path / "en.csv", "allocine": shared / "data" / "allocine_tv" / "fr.csv",
             "tripadvisor": shared / "data" / "tripadvisor_restaurants" / "fr.csv",
             "sb10k": shared / "data" / "sb10k" / "de.csv"}
    for i, (what, path) in enumerate(files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        docs, y = make_documents(world, 400 if what == "en" else 150, side="src" if what == "en" else "tgt",
                                 positive_rate=0.5 + 0.1 * i, seed=10 + i)
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([["label", "text"]] + [[int(lab), " ".join(d)] for d, lab in zip(docs, y)])
    monkeypatch.setenv("XPROJ_SHARED", str(shared))
    return [f"data.root={tmp_path}/{{lang}}.csv", "data.dataset=table", "data.target_langs=['fr', 'de']",
            "data.label_map.0=negative", "data.label_map.1=positive", 'data.targets=["allocine-tv:fr", "tripadvisor-restaurants:fr", "sb10k:de"]',
            f"vectors.paths.en={tmp_path}/en.vec", f"vectors.paths.fr={tmp_path}/fr.vec",
            f"vectors.paths.de={tmp_path}/missing-de.vec", f"alignment.dictionary.fr={tmp_path}/en-fr.txt",
            "alignment.dictionary.de=identical", "evaluation.bootstrap=50", "model.C=[1.0]",
            "model.class_weight=['balanced']", "output.save_model=false", "output.plots=false",
            "evaluation.baselines=['majority', 'unaligned', 'word-by-word', 'in-language']"]


def test_one_model_over_target_sets_with_a_failing_language(tmp_path, two_french_sets, capsys):
    from xproj.report import format_results

    lines = []
    (tmp_path / "shared" / "data" / "sb10k" / "de.csv").unlink()  # an unreadable set (the vectors: below)
    cfg = load_config("synthetic", two_french_sets)
    metrics = run_experiment(cfg, out_dir=tmp_path / "run", echo=lines.append)
    ids = ["fr/allocine-tv", "fr/tripadvisor-restaurants"]
    assert list(metrics["results"]) == ids and list(metrics["targets"]) == ids + ["de"]
    assert metrics["targets"]["de"] == {"lang": "de", "dataset": "sb10k"}
    # the set that cannot be read fails its row only, named on it
    assert list(metrics["failures"]) == ["de"] and "sb10k" in metrics["failures"]["de"]
    # French vectors read and aligned once for both French sets; lexicon induction per language
    assert sum("words x" in line and line.strip().startswith("fr:") for line in lines) == 1
    assert list(metrics["bli"]) == [] and metrics["label_names"] == ["negative", "positive"]
    # one-file targets split 70/10/20 for the in-language row; every row scores the same 30 documents
    assert sum(metrics["data"]["fr/allocine-tv/test"].values()) == 30
    for tid in ids:
        rows = metrics["results"][tid]
        assert {r["n"] for r in rows.values() if "n" in r} >= {30}
        assert rows["in-language upper bound"]["n"] == rows["xproj (aligned)"]["n"] == 30
        assert rows["xproj (aligned)"]["macro_f1"] > rows["majority class"]["macro_f1"]
        assert not rows["xproj (aligned)"]["transductive"]  # adapted on the set's own training part
    report = (tmp_path / "run" / "report.md").read_text()
    assert "### Every target set (macro-F1 [95% CI])" in report and "| de | sb10k |  | failed: " in report
    assert "### en -> fr/tripadvisor-restaurants" in report
    printed = format_results(metrics)
    assert "de" in printed.splitlines()[-1] and "failed:" in printed.splitlines()[-1]
    assert "fr/allocine-tv" in printed


def test_a_run_with_a_failed_set_writes_the_others_and_exits_1(tmp_path, two_french_sets, capsys):
    """A batch script sees the failure in the exit code; the other sets' results are written."""
    from xproj.cli import main

    (tmp_path / "shared" / "data" / "sb10k" / "de.csv").unlink()
    args = [a for item in two_french_sets for a in ("--set", item)]
    assert main(["run", "synthetic", "--out", str(tmp_path / "run"), "--quiet", *args]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("xproj run:")]
    assert len(err) == 1 and "1 of 3 target sets failed (de;" in err[0], err
    assert "| de | sb10k |  | failed: " in (tmp_path / "run" / "report.md").read_text()
    assert set(json.loads((tmp_path / "run" / "metrics.json").read_text())["results"]) == {
        "fr/allocine-tv", "fr/tripadvisor-restaurants"}


def test_every_target_set_failing_raises_the_first_error(tmp_path, two_french_sets):
    """A missing vector file fails its language's sets; with no set left, the run raises."""
    from xproj.errors import ConfigError, ResourceNotFoundError

    cfg = load_config("synthetic", two_french_sets + ['data.targets=["sb10k:de"]', 'data.target_langs=["de"]'])
    with pytest.raises(ResourceNotFoundError, match="missing-de.vec"):
        run_experiment(cfg, out_dir=tmp_path / "run", echo=QUIET)
    # classes that do not match the source's, with no map: the error names the options
    cfg = load_config("synthetic", [o for o in two_french_sets if "label_map" not in o]
                      + ['data.targets=["allocine-tv:fr"]', 'data.target_langs=["fr"]'])
    with pytest.raises(ConfigError, match=r"classes \['negative', 'positive'\] but the source data has \['0', '1'\]"
                                          r": rename them with data.target_label_map"):
        run_experiment(cfg, out_dir=tmp_path / "run2", echo=QUIET)
    assert not (tmp_path / "run").exists()


def test_prior_adjustment_and_calibration_are_opt_in_and_reported(tmp_path):
    cfg = load_config("synthetic", SMALL + ["features.priors=em", "model.calibration=sigmoid",
                                            "output.plots=false", "evaluation.baselines=['majority']"])
    metrics = run_experiment(cfg, out_dir=tmp_path / "run", echo=lambda *a: None)
    assert "class prior" in metrics["adaptation"]["es"] and "(em on 600" in metrics["adaptation"]["es"]
    assert metrics["results"]["es"]["xproj (aligned)"]["accuracy"] > 0.8
    from xproj.errors import ConfigError

    with pytest.raises(ConfigError, match="features.priors = 'em' needs probabilities"):
        load_config("synthetic", ["features.priors=em", "model.estimator=linear_svm"])


def test_few_shot_rows_form_a_learning_curve(staged):
    from xproj.report import summary_columns
    from xproj.run.evaluate import few_shot_title

    cfg, corpus, vectors, spaces = staged
    cfg = {**cfg, "evaluation": {**cfg["evaluation"], "few_shot": [50, 10]}}
    r = evaluate_target(cfg, corpus, vectors, spaces["es"], "es")
    assert [r.rows[few_shot_title(k)]["k"] for k in (10, 50)] == [10, 50]
    # each row says what it was fitted with: the method's C and class weighting
    assert {(r.rows[few_shot_title(k)]["C"], r.rows[few_shot_title(k)]["class_weight"])
            for k in (10, 50)} == {(r.fitted.C, r.fitted.class_weight)}
    metrics = {"results": {"es": r.rows}}
    assert summary_columns(metrics)[-2:] == [few_shot_title(10), few_shot_title(50)]
    assert load_config("synthetic", ["evaluation.few_shot=[10, 50, 200]"])["evaluation"]["few_shot"] == [10, 50, 200]


def test_selection_rules():
    from xproj.run.train import choose_params

    grid = [(0.01, "none"), (0.1, "none"), (10.0, "none"), (0.01, "balanced"), (0.1, "balanced")]
    scores = dict(zip(grid, [0.70, 0.79, 0.786, 0.775, 0.78]))
    assert choose_params(grid, scores, "best", 0.0) == (0.1, "none")
    assert choose_params(grid, scores, "regularised", 0.005) == (0.1, "none")
    assert choose_params(grid, scores, "regularised", 0.01) == (0.1, "balanced")
    assert choose_params(grid, scores, "regularised", 0.02) == (0.01, "balanced")
    assert choose_params(grid[:3], dict(zip(grid[:3], [0.70, 0.79, 0.786])), "regularised", 0.02) == (0.1, "none")
    assert load_config("synthetic")["model"]["selection"] == "regularised"


def test_per_language_scale_reaches_the_target_model_and_its_saved_copy(tmp_path, staged):
    from xproj.model import load_model

    _, corpus, vectors, spaces = staged
    own = load_config("synthetic", SMALL + ["features.scale=none", "features.scale_by_lang.es=language"])
    plain = load_config("synthetic", SMALL + ["features.scale=language"])
    r_own = evaluate_target(own, corpus, vectors, spaces["es"], "es")
    r_plain = evaluate_target(plain, corpus, vectors, spaces["es"], "es")
    np.testing.assert_array_equal(r_own.predicted, r_plain.predicted)
    assert r_own.rows["xproj (aligned)"]["scale"] == "language"
    assert r_own.fitted.model.standardizer_.scale == "language"
    other = load_config("synthetic", SMALL + ["features.scale=none", "features.scale_by_lang.fr=language"])
    assert evaluate_target(other, corpus, vectors, spaces["es"], "es").fitted.model.standardizer_.scale == "none"
    run_experiment(own | {"output": {**own["output"], "plots": False}}, out_dir=tmp_path / "run", echo=lambda *a: None)
    saved = load_model(tmp_path / "run" / "model-es.joblib")["model"]
    assert saved.standardizer_.scale == "language"
    assert "features.scale = 'language'" in (tmp_path / "run" / "report.md").read_text(encoding="utf-8")


def test_source_fallback_only_for_the_languages_it_names(staged):
    from xproj.run.train import make_classifier

    _, _, _, spaces = staged
    space = spaces["es"].space
    for langs, expected in (('["es"]', "en"), ('["de"]', None), ("[]", None)):
        cfg = load_config("synthetic", SMALL + [f"features.source_fallback={langs}"])
        assert make_classifier(cfg, space, "en", 1.0, "none").fallback_lang == expected
        assert make_classifier(cfg, space, "es", 1.0, "none").fallback_lang == expected  # in-language too


def test_few_shot_rows_keep_the_method_params_and_teach_the_student_gold_labels(staged, monkeypatch):
    """The English dev split says nothing about what target labels add: few-shot rows keep the
    zero-shot model's C and class weighting, and the student learns the k documents' gold
    labels, the rest of the pool the teacher's (bench/few_shot.py)."""
    import xproj.run.evaluate as evaluate
    import xproj.run.train as train

    cfg, corpus, vectors, spaces = staged
    cfg = {**cfg, "evaluation": {**cfg["evaluation"], "few_shot": [20]},
           "model": {**cfg["model"], "C": [0.01, 1.0], "class_weight": ["none", "balanced"], "student": "tfidf"}}
    calls, pools = [], []
    real_select, real_fit_student = evaluate.select_and_fit, train.fit_student

    def spy_select(*args, **kw):
        fitted = real_select(*args, **kw)
        calls.append((kw.get("extra"), kw.get("params"), (fitted.C, fitted.class_weight)))
        return fitted

    def spy_student(cfg, model, adaptation, labelled=(), **kw):
        pools.append((len(adaptation.documents), labelled))
        return real_fit_student(cfg, model, adaptation, labelled, **kw)

    monkeypatch.setattr(evaluate, "select_and_fit", spy_select)
    monkeypatch.setattr(train, "fit_student", spy_student)
    evaluate_target(cfg, corpus, vectors, spaces["es"], "es")
    method = calls[0][2]  # the method's row is fitted first, without target labels
    (extra, params, few), = [c for c in calls if c[0] is not None]
    assert len(extra[0][0]) == 20 and params == method == few
    # the few-shot student: its labelled documents are the row's 20, with their gold labels
    (_, labelled) = pools[-1]
    assert len(labelled) == 1 and labelled[0][0] == extra[0][0]
    np.testing.assert_array_equal(labelled[0][1], extra[0][1])


def test_documents_leave_the_pool_once_each():
    from xproj.run.train import _without

    docs = [["a"], ["b"], ["a"], ["c"]]
    assert _without(docs, [["a"], ["c"]]) == [["b"], ["a"]]
    assert _without(["x", "y"], []) == ["x", "y"]


def test_few_shot_sizes_beyond_the_training_split_are_left_out_with_a_warning(staged):
    # opener-en-multi with data.max_docs=100: k=200 took all 100 documents under a "+200" title
    # and left the student an empty pool: the whole es set failed with scikit-learn's "Found
    # array with 0 sample(s)"
    from xproj.run.evaluate import few_shot_title

    cfg, corpus, vectors, spaces = staged
    n = len(corpus.get("es", "train")[0])
    cfg = {**cfg, "evaluation": {**cfg["evaluation"], "few_shot": [10, n, n + 50]},
           "model": {**cfg["model"], "student": "tfidf"}}
    r = evaluate_target(cfg, corpus, vectors, spaces["es"], "es")
    assert r.rows[few_shot_title(10)]["k"] == 10
    assert few_shot_title(n) not in r.rows and few_shot_title(n + 50) not in r.rows
    assert r.warnings == [f"evaluation.few_shot k={k}: the es training split has {n} documents, a few-shot row "
                          "needs more than k (the rest are the student's unlabelled pool); row left out"
                          for k in (n, n + 50)]
