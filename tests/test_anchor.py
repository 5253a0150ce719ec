"""Dictionary anchoring (xproj.anchor): exact blends, the option's range, a run with it."""

import json

import numpy as np
import pytest

from xproj.anchor import anchor_to_dictionary
from xproj.cli import main
from xproj.config import load_config
from xproj.features import AlignedSpace
from xproj.vectors import WordVectors


def unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


@pytest.fixture
def space():
    en = WordVectors(["good", "fine", "bad"], [unit([1, 0, 0]), unit([0, 1, 0]), unit([0, 0, 1])], lang="en")
    es = WordVectors(["bueno", "malo", "casa"], [unit([0, 0, 1]), unit([1, 1, 0]), unit([1, 1, 1])], lang="es")
    return AlignedSpace({"en": en, "es": es})


PAIRS = [("good", "bueno"), ("fine", "bueno"), ("bad", "malo"), ("missing", "casa"), ("bad", "nada")]


def test_target_words_move_to_the_blend_of_their_translations_mean(space):
    out, record = anchor_to_dictionary(space, PAIRS, "en", "es", 0.5)
    mean = (unit([1, 0, 0]) + unit([0, 1, 0])) / 2  # bueno: good and fine
    np.testing.assert_allclose(out["es"]["bueno"], unit(0.5 * unit([0, 0, 1]) + 0.5 * mean), atol=1e-6)
    np.testing.assert_allclose(out["es"]["malo"], unit(0.5 * unit([1, 1, 0]) + 0.5 * unit([0, 0, 1])), atol=1e-6)
    np.testing.assert_allclose(out["es"]["casa"], unit([1, 1, 1]), atol=1e-7)  # translation not in the space
    assert out["es"].vectors.dtype == np.float32
    assert out["en"] is space["en"] and space["es"]["bueno"].tolist() == pytest.approx(unit([0, 0, 1]).tolist())
    assert (record.pairs_used, record.words_moved, record.vocabulary, record.moved_lang) == (3, 2, 3, "es")


def test_strength_one_places_words_on_their_translations_and_zero_changes_nothing(space):
    out, _ = anchor_to_dictionary(space, PAIRS, "en", "es", 1.0)
    np.testing.assert_allclose(out["es"]["bueno"], unit([1, 1, 0]), atol=1e-6)
    np.testing.assert_allclose(out["es"]["malo"], unit([0, 0, 1]), atol=1e-6)
    same, record = anchor_to_dictionary(space, PAIRS, "en", "es", 0.0)
    assert same is space and record.words_moved == 0


def test_source_words_can_move_toward_the_target(space):
    out, record = anchor_to_dictionary(space, PAIRS, "en", "es", 1.0, move="source")
    np.testing.assert_allclose(out["en"]["good"], unit([0, 0, 1]), atol=1e-6)
    np.testing.assert_allclose(out["en"]["bad"], unit([1, 1, 0]), atol=1e-6)
    assert out["es"] is space["es"] and (record.moved_lang, record.words_moved) == ("en", 3)
    with pytest.raises(ValueError, match="strength"):
        anchor_to_dictionary(space, PAIRS, "en", "es", 1.5)


@pytest.mark.parametrize("value", ["-0.1", "1.5", "nan"])
def test_option_out_of_range_is_a_configuration_error(value, capsys):
    assert main(["run", "synthetic", "--set", f"alignment.dictionary_anchor={value}"]) == 2
    assert "alignment.dictionary_anchor" in capsys.readouterr().err
    assert load_config("synthetic", ["alignment.dictionary_anchor=1"])["alignment"]["dictionary_anchor"] == 1.0


def test_run_with_the_option_records_what_moved(tmp_path):
    fast = ["synthetic.n_words=300", "synthetic.dim=10", "synthetic.n_train_docs=100", "synthetic.n_test_docs=40",
            "evaluation.bootstrap=0", "model.C=[1.0]", "model.class_weight=['none']", "output.save_model=false",
            "output.plots=false", "evaluation.baselines=[]", "alignment.dictionary_anchor=0.75"]
    args = ["run", "synthetic", "--out", str(tmp_path / "run"), "--quiet"]
    assert main(args + [a for kv in fast for a in ("--set", kv)]) == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    record = metrics["dictionary_anchor"]["es"]
    assert record["strength"] == 0.75 and 0 < record["words_moved"] <= record["vocabulary"]
    assert "words moved" in (tmp_path / "run" / "report.md").read_text()
    assert metrics["results"]["es"]["xproj (aligned)"]["macro_f1"] > 0.5


def test_moved_words_keep_their_length_in_a_space_that_is_not_unit_length(space):
    # e.g. after a two-sided (supervised) mapping rows are not unit length: lengths weigh words
    # in mean pooling, so anchoring must not change them
    scaled = AlignedSpace({"en": space["en"], "es": space["es"].with_vectors(np.asarray(space["es"].vectors) * 0.5)})
    out, _ = anchor_to_dictionary(scaled, PAIRS, "en", "es", 0.5)
    np.testing.assert_allclose(np.linalg.norm(out["es"].vectors, axis=1), 0.5, atol=1e-6)
    mean = (unit([1, 0, 0]) + unit([0, 1, 0])) / 2
    np.testing.assert_allclose(out["es"]["bueno"], 0.5 * unit(0.5 * 0.5 * unit([0, 0, 1]) + 0.5 * mean), atol=1e-6)
