"""Orthography-aware refinement (xproj.align.orthography) and its option."""

import random

import numpy as np
import pytest

from xproj.align import VectorMapping, fit_mapping, induce_dictionary
from xproj.align.orthography import edit_similarity, induce_with_orthography, levenshtein
from xproj.cli import main
from xproj.config import load_config, recipe_params
from xproj.datasets.synthetic import make_bilingual_world
from xproj.dictionaries import write_dictionary
from xproj.errors import ConfigError
from xproj.vectors import WordVectors, write_vec


def _reference_levenshtein(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[:], i
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
    return row[-1]


def test_levenshtein_matches_the_textbook_programme():
    rng = random.Random(0)
    letters = "abcñé日本"
    a = [''.join(rng.choice(letters) for _ in range(rng.randint(0, 11))) for _ in range(3000)]
    b = [''.join(rng.choice(letters) for _ in range(rng.randint(0, 11))) for _ in range(3000)]
    a += ["", "kitten", "flaw"]
    b += ["", "sitting", "lawn"]
    got = levenshtein(a, b)
    assert got.tolist() == [_reference_levenshtein(x, y) for x, y in zip(a, b)]
    assert got[-2:].tolist() == [3, 2]
    with pytest.raises(ValueError, match="levenshtein"):
        levenshtein(["a"], [])


def test_edit_similarity_ignores_accents_and_is_normalised():
    sim = edit_similarity(["nación", "hotel", "", "perro", "ab"], ["nation", "Hotel".lower(), "", "dog", "abcd"])
    np.testing.assert_allclose(sim, [1 - 1 / 6, 1.0, 1.0, 0.0, 0.5], atol=1e-6)
    assert sim.dtype == np.float32


@pytest.fixture(scope="module")
def cognate_world():
    """A noisy world whose target words are spelt like their source translation (a cognate)
    for every other translation pair; the rest keep their unrelated spelling."""
    w = make_bilingual_world(n_words=1500, dim=20, noise=1.0, synonym_rate=0, seed=11)
    gold = dict(w.gold_pairs)
    renamed = {t: s + "o" for i, (s, t) in enumerate(gold.items()) if i % 2 == 0}
    taken = set(w.tgt.words) | set(renamed.values())
    assert len(taken) == len(set(w.tgt.words)) + len(renamed)  # the new spellings are new words
    tgt = WordVectors([renamed.get(t, t) for t in w.tgt.words], np.asarray(w.tgt.vectors), lang="tgt")
    gold = {s: renamed.get(t, t) for s, t in gold.items()}
    return w.src, tgt, gold, w.W_true


def _unit(M):
    return M / np.linalg.norm(M, axis=1, keepdims=True)


def _correct(src, tgt, gold, rows):
    return sum(gold.get(src.words[i]) == tgt.words[j] for i, j in zip(*rows))


def test_orthography_weight_zero_is_plain_csls_induction(cognate_world):
    src, tgt, _, _ = cognate_world
    X, Z = (np.asarray(v.vectors)[:600] for v in (src, tgt))
    for mode in ("mutual", "forward", "union"):
        plain = induce_dictionary(X, Z, mode=mode)
        zero = induce_with_orthography(X, Z, src.words[:600], tgt.words[:600], weight=0, mode=mode)
        assert all(np.array_equal(a, b) for a, b in zip(plain, zero))
    with pytest.raises(ValueError, match="induction"):
        induce_with_orthography(X, Z, src.words[:600], tgt.words[:600], weight=0.3, mode="both")


def test_orthography_induces_more_correct_pairs_among_cognates(cognate_world):
    src, tgt, gold, W_true = cognate_world
    X, Z = _unit(np.asarray(src.vectors)[:800] @ W_true), _unit(np.asarray(tgt.vectors)[:800])
    plain = induce_dictionary(X, Z)
    spelt = induce_with_orthography(X, Z, src.words[:800], tgt.words[:800], weight=0.4)
    assert _correct(src, tgt, gold, spelt) > _correct(src, tgt, gold, plain) + 50  # 474 against 385
    # spelling only decides among a word's cosine shortlist: the words that are not cognates
    # (odd gold pairs) are induced as correctly as before, within a few pairs
    odd = {s for i, s in enumerate(gold) if i % 2}
    kept = [(i, j) for i, j in zip(*plain) if src.words[i] in odd]
    kept_spelt = [(i, j) for i, j in zip(*spelt) if src.words[i] in odd]
    assert abs(_correct(src, tgt, gold, tuple(zip(*kept_spelt))) - _correct(src, tgt, gold, tuple(zip(*kept)))) < 15


def test_fit_mapping_orthography_option_is_recorded_and_checked(cognate_world):
    src, tgt, gold, _ = cognate_world
    seed = list(gold.items())[:150]  # a small seed: refinement has much to add
    test = list(gold.items())[600:900]
    kw = {"recipe": "supervised", "refine": 1, "refine_vocab": 1000, "eval_pairs": test}
    plain = fit_mapping(src, tgt, seed, orthography=0, **kw)
    spelt = fit_mapping(src, tgt, seed, **kw)  # the supervised recipe's default weight, 0.4
    assert plain.metadata["orthography"] == 0 and spelt.metadata["orthography"] == 0.4
    assert fit_mapping(src, tgt, seed, refine=0).metadata["orthography"] == 0  # procrustes: off
    # the reported P@1 is pure CSLS of the mapping; only the induced dictionary differs
    assert spelt.metadata["history"][0] == plain.metadata["history"][0]
    assert spelt.metadata["history"][1]["p@1_csls"] > plain.metadata["history"][1]["p@1_csls"] + 0.02
    for bad in (-0.1, 2.5, "0.3", True):
        with pytest.raises(ValueError, match="orthography"):
            fit_mapping(src, tgt, seed, orthography=bad, **kw)


def test_orthography_is_a_supervised_run_option_and_an_align_flag(tmp_path, capsys):
    a = load_config("synthetic", ["alignment.recipe=supervised", "alignment.orthography=0.2"])["alignment"]
    assert recipe_params(a)["orthography"] == 0.2
    with pytest.raises(ConfigError, match="alignment.orthography"):
        load_config("synthetic", ["alignment.recipe=supervised", "alignment.orthography=3"])
    with pytest.raises(ConfigError, match="only the supervised recipe uses it"):
        load_config("synthetic", ["alignment.orthography=0.2"])  # procrustes: not its option
    # the run's procrustes recipe (the sentiment presets) is left as it was: no orthography
    assert "orthography" not in recipe_params(load_config("synthetic")["alignment"])

    w = make_bilingual_world(n_words=600, dim=16, noise=0.3, seed=12)
    write_vec(w.src, tmp_path / "src.vec")
    write_vec(w.tgt, tmp_path / "tgt.vec")
    write_dictionary(w.train_pairs, tmp_path / "train.txt")
    args = ["align", str(tmp_path / "src.vec"), str(tmp_path / "tgt.vec"), "--dictionary", str(tmp_path / "train.txt")]
    assert main([*args, "--recipe", "supervised", "--orthography", "0.1", "--out", str(tmp_path / "m")]) == 0
    assert VectorMapping.load(tmp_path / "m" / "mapping").metadata["orthography"] == 0.1
    assert main([*args, "--recipe", "procrustes", "--orthography", "0.1", "--out", str(tmp_path / "p")]) != 0
    assert main([*args, "--recipe", "supervised", "--orthography", "-1", "--out", str(tmp_path / "q")]) != 0
