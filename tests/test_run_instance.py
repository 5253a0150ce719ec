"""InstaMap in a run (``alignment.instance_k``, ``_temperature``, ``_iterations``): the options'
checks, and a non-linear mapping through every path that maps the source language's vectors
(training features, BLI, anchoring, the saved mapping and model, ``xproj predict``)."""

import copy
import csv
import json

import numpy as np
import pytest

from xproj.align.instance import INSTANCE_PARAMS, INSTANCE_RANGES, add_instance_correction
from xproj.align.mapping import VectorMapping
from xproj.cli import main
from xproj.config import OPTIONS, RANGES, instance_params, load_config
from xproj.errors import ConfigError
from xproj.model import load_model
from xproj.run import align_targets, build_corpus, evaluate_target, load_run_vectors, run_experiment, tokenize

SMALL = ["synthetic.n_words=1500", "synthetic.dim=30", "synthetic.n_train_docs=600", "synthetic.n_test_docs=300",
         "evaluation.bootstrap=0", "model.C=[1.0]", "model.class_weight=['balanced']", "output.plots=false",
         "evaluation.baselines=['majority']"]
INSTA = ["alignment.instance_k=10", "alignment.instance_temperature=0.05", "alignment.instance_iterations=2"]


def quiet(*a, **k):
    pass


@pytest.mark.parametrize("item, option", [
    ("alignment.instance_k=-1", "alignment.instance_k"),
    ("alignment.instance_k=1.5", "alignment.instance_k"),
    ("alignment.instance_k=true", "alignment.instance_k"),
    ("alignment.instance_temperature=-0.1", "alignment.instance_temperature"),
    ("alignment.instance_temperature=nan", "alignment.instance_temperature"),
    ("alignment.instance_iterations=0", "alignment.instance_iterations"),
    ("alignment.instance_iterations=11", "alignment.instance_iterations"),
    # without instance_k they would be silently ignored
    ("alignment.instance_temperature=0.2", "alignment.instance_temperature"),
    ("alignment.instance_iterations=3", "alignment.instance_iterations"),
])
def test_bad_values_exit_2_naming_the_option_before_any_work(item, option, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "synthetic", "--set", item, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and option in err, err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_temperature_float32_turns_into_0_is_refused_before_any_work(tmp_path, capsys):
    out = tmp_path / "run"  # in the range, but 1e-40 / similarity overflows float32: the library's limit
    assert main(["run", "synthetic", "--set", "alignment.instance_k=3", "--set",
                 "alignment.instance_temperature=1e-40", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "alignment.instance_temperature" in err and "1e-30" in err, err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_instance_k_needs_a_learnt_mapping(capsys):
    assert main(["run", "synthetic", "--set", "alignment.instance_k=5", "--set", "alignment.method=none"]) == 2
    err = capsys.readouterr().err
    assert "alignment.instance_k = 5" in err and 'alignment.method = "none"' in err


def test_ranges_are_declared_once_and_the_default_is_off():
    for name in INSTANCE_PARAMS:
        assert INSTANCE_RANGES[name] is RANGES[f"alignment.{name}"]
    assert OPTIONS["alignment.instance_k"][0] == 0
    cfg = load_config("synthetic")
    assert instance_params(cfg["alignment"])["instance_k"] == 0
    for preset in ("opener-en-multi", "opener-en-es", "opener-en-zh"):
        assert load_config(preset)["alignment"]["instance_k"] == 0
    with pytest.raises(ConfigError, match="alignment.instance_k"):
        load_config("synthetic", ["alignment.instance_k=-3"])


@pytest.fixture(scope="module")
def staged():
    """One corpus; the run's spaces linear and with InstaMap (k = 10)."""
    linear = load_config("synthetic", SMALL)
    insta = load_config("synthetic", SMALL + INSTA)
    corpus = tokenize(build_corpus(linear), linear)
    vectors = load_run_vectors(linear, corpus.world, echo=quiet)
    spaces = {name: align_targets(cfg, vectors, corpus.world, echo=quiet)["es"]
              for name, cfg in (("linear", linear), ("insta", insta))}
    return linear, insta, corpus, vectors, spaces


def test_the_run_maps_the_source_through_the_correction(staged):
    linear, insta, corpus, vectors, spaces = staged
    lin, ins = spaces["linear"], spaces["insta"]
    assert lin.mapping.linear and not ins.mapping.linear
    assert ins.mapping.metadata["instance"]["instance_k"] == 10
    # the English words of the space (what training features read) went through the correction;
    # the anchoring moved target seed words only, and the target side is the linear run's
    src_vectors = ins.mapping.transform(vectors["en"]).vectors
    assert not np.allclose(src_vectors, lin.mapping.transform(vectors["en"]).vectors, atol=1e-3)
    assert ins.anchor["moved_lang"] == lin.anchor["moved_lang"] == "es"
    np.testing.assert_array_equal(ins.space["en"].vectors, src_vectors)
    seed_targets = {t for _, t in corpus.world.train_pairs}
    free = [i for i, w in enumerate(vectors["es"].words) if w not in seed_targets]
    assert len(free) > 100
    np.testing.assert_array_equal(ins.space["es"].vectors[free], lin.space["es"].vectors[free])
    # the same correction as the bench's route: a linear run's mapping plus add_instance_correction
    bench = add_instance_correction(copy.deepcopy(lin.mapping), vectors["en"], vectors["es"], lin.dictionary,
                                    **instance_params(insta["alignment"]))
    np.testing.assert_allclose(bench.transform(vectors["en"]).vectors, src_vectors, atol=1e-5)
    # BLI reads the corrected space; on this near-isometric world both are high
    assert ins.bli["csls"]["p@1"] > 0.8 and lin.bli["csls"]["p@1"] > 0.8


def test_a_model_on_the_corrected_space_saves_and_loads_with_it(staged, tmp_path):
    _, insta, corpus, vectors, spaces = staged
    result = evaluate_target(insta, corpus, vectors, spaces["insta"], "es")
    assert result.rows["xproj (aligned)"]["accuracy"] > 0.8
    out = tmp_path / "run"
    run_experiment(insta, out_dir=out, echo=quiet)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["instance"]["es"]["instance_k"] == 10
    assert "moved by InstaMap" in (out / "report.md").read_text(encoding="utf-8")
    meta = json.loads((out / "mapping-en-es.json").read_text())
    assert meta["instance"]["file"] == "mapping-en-es.instance.npz" and (out / "mapping-en-es.instance.npz").exists()
    saved = VectorMapping.load(out / "mapping-en-es")
    np.testing.assert_array_equal(saved.transform(vectors["en"]).vectors,
                                  spaces["insta"].mapping.transform(vectors["en"]).vectors)
    bundle = load_model(out / "model-es.joblib")
    assert not bundle["mapping"].linear
    docs = corpus.get("es", "test")[0]
    np.testing.assert_array_equal(bundle["model"].predict(docs, lang="es"), result.predicted)
    np.testing.assert_array_equal(bundle["model"].space["en"].vectors, spaces["insta"].space["en"].vectors)
    # xproj predict with the saved model: the same labels as the run's model
    inp, pred = tmp_path / "in.csv", tmp_path / "out.csv"
    with open(inp, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "text")] + [(str(i), " ".join(d)) for i, d in enumerate(docs[:60])])
    assert main(["predict", "--model", str(out / "model-es.joblib"), "--input", str(inp), "--lang", "es",
                 "--output", str(pred), "--quiet"]) == 0
    with open(pred, newline="", encoding="utf-8") as f:
        labels = [r["label"] for r in csv.DictReader(f)]
    names = corpus.label_names
    assert labels == [names[int(p)] for p in result.predicted[:60]]
    # a later run into the same folder replaces it (the correction's file is a run file), and a
    # linear one leaves no correction behind
    run_experiment(load_config("synthetic", SMALL + ["output.save_model=true"]), out_dir=out, echo=quiet)
    assert not (out / "mapping-en-es.instance.npz").exists() and VectorMapping.load(out / "mapping-en-es").linear
    assert json.loads((out / "metrics.json").read_text())["instance"] == {}
    assert "moved by InstaMap" not in (out / "report.md").read_text(encoding="utf-8")
