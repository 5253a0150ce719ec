"""``xproj align`` and ``xproj bli`` end to end on tiny .vec files of a synthetic world, the
self-learning recipes in the registry, and every bad input's one line and exit code."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from xproj.align import RECIPES, VectorMapping, fit_mapping
from xproj.cli import main
from xproj.datasets.synthetic import make_bilingual_world
from xproj.dictionaries import write_dictionary
from xproj.errors import ConfigError
from xproj.vectors import read_vec, write_vec

from conftest import shared_file


@pytest.fixture(scope="module")
def world():
    # noise 1.0: P@1 well below 1, so that equal figures mean the same evaluation
    return make_bilingual_world(n_words=1500, dim=24, noise=1.0, seed=0)


@pytest.fixture(scope="module")
def files(world, tmp_path_factory):
    d = tmp_path_factory.mktemp("align-cli")
    write_vec(world.src, d / "src.vec", precision=6)
    write_vec(world.tgt, d / "tgt.vec", precision=6)
    write_dictionary(world.train_pairs, d / "train.txt")
    write_dictionary(world.test_pairs, d / "test.txt")
    return d


@pytest.fixture(scope="module")
def aligned(files):
    """``xproj align --recipe supervised --write-vectors``: its folder and printed output."""
    out = files / "out"
    code, printed = _run_captured(["align", str(files / "src.vec"), str(files / "tgt.vec"),
                                   "--dictionary", str(files / "train.txt"), "--recipe", "supervised",
                                   "--test-dictionary", str(files / "test.txt"), "--out", str(out),
                                   "--write-vectors", "--precision", "6"])
    assert code == 0
    return out, printed


def _run_captured(argv):
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(argv)
    return code, buf.getvalue()


def _csls_p1(printed: str) -> float:
    return float(re.search(r"^csls\s+([0-9.]+)", printed, re.M).group(1))


def test_align_writes_a_mapping_that_loads(aligned, world):
    out, printed = aligned
    for name in ("mapping.npy", "mapping.json", "mapping.tgt.npy", "bli.json",
                 "src.mapped.vec", "tgt.mapped.vec"):
        assert (out / name).exists(), name
    mapping = VectorMapping.load(out / "mapping")
    assert mapping.metadata["recipe"] == "supervised" and mapping.two_sided
    assert mapping.W_.shape == (world.src.dim, world.src.dim)
    assert "covered" in printed and 0.3 < _csls_p1(printed) < 1.0
    assert json.loads((out / "bli.json").read_text())["csls"]["p@1"] == pytest.approx(_csls_p1(printed), abs=5e-5)



def test_bli_json_counts_the_seed_queries_left_out_even_when_none_are(aligned):
    """As a run's metrics.json does: a script reads the key without a default (it was written
    only when some query was left out)."""
    out, printed = aligned
    assert json.loads((out / "bli.json").read_text())["seed_queries_left_out"] == 0
    assert "left out" not in printed

def test_bli_through_the_saved_mapping_gives_the_printed_p1(aligned, files):
    out, printed = aligned
    code, again = _run_captured(["bli", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary",
                                 str(files / "test.txt"), "--retrieval", "csls", "--mapping", str(out)])
    assert code == 0 and _csls_p1(again) == _csls_p1(printed)
    # the mapped files are aligned spaces: bli reads them as they are, to the written precision
    code, direct = _run_captured(["bli", str(out / "src.mapped.vec"), str(out / "tgt.mapped.vec"),
                                  "--dictionary", str(files / "test.txt"), "--k", "1,5"])
    assert code == 0 and abs(_csls_p1(direct) - _csls_p1(printed)) <= 0.01
    assert "P@5" in direct and "P@10" not in direct


def test_bli_through_a_mapping_learnt_on_other_vectors_warns(aligned, files, tmp_path, capsys):
    # an en-zh mapping applied to en-ja vectors gave P@1 0.000 without a word
    out, _ = aligned
    other = tmp_path / "other.vec"
    other.write_bytes((files / "tgt.vec").read_bytes())
    assert main(["bli", str(files / "src.vec"), str(other), "--dictionary", str(files / "test.txt"),
                 "--mapping", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0] == (f"warning: --mapping {out} was learnt on {files / 'tgt.vec'}, not on TGT "
                                        f"{other}: its scores on other vectors mean little")
    copy = tmp_path / "tgt.vec"  # the same file elsewhere (same name): no warning
    copy.write_bytes((files / "tgt.vec").read_bytes())
    assert main(["bli", str(files / "src.vec"), str(copy), "--dictionary", str(files / "test.txt"),
                 "--mapping", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_written_vectors_are_the_mapped_matrices(aligned, files):
    out, _ = aligned
    mapping = VectorMapping.load(out / "mapping")
    for name, given, side in (("src.mapped.vec", "src.vec", "source"), ("tgt.mapped.vec", "tgt.vec", "target")):
        back = read_vec(out / name)
        expected = mapping.transform(read_vec(files / given), side)
        assert back.words == expected.words
        np.testing.assert_allclose(back.vectors, expected.vectors, atol=0.51e-6)


@pytest.fixture(scope="module")
def easy_world():
    """A world that self-learning solves in a second (little noise, few words)."""
    return make_bilingual_world(n_words=800, dim=16, noise=0.05, seed=1)


@pytest.fixture(scope="module")
def easy_files(easy_world, tmp_path_factory):
    w = easy_world
    d = tmp_path_factory.mktemp("align-cli-easy")
    write_vec(w.src, d / "src.vec")
    write_vec(w.tgt, d / "tgt.vec")
    write_dictionary(w.train_pairs[:25], d / "seed.txt")  # a weak seed
    write_dictionary(w.test_pairs, d / "test.txt")
    return d


@pytest.mark.parametrize("recipe,dictionary", [("self-learning", "seed.txt"), ("unsupervised", "none")])
def test_self_learning_recipes_within_the_budget(easy_files, tmp_path, recipe, dictionary):
    d = easy_files
    code, printed = _run_captured(["align", str(d / "src.vec"), str(d / "tgt.vec"), "--dictionary",
                                   str(d / dictionary) if dictionary != "none" else "none",
                                   "--recipe", recipe, "--seed", "1", "--max-minutes", "0.01",
                                   "--test-dictionary", str(d / "test.txt"), "--out", str(tmp_path / "out")])
    assert code == 0
    mapping = VectorMapping.load(tmp_path / "out" / "mapping")
    assert mapping.metadata["recipe"] == recipe and mapping.metadata["params"]["seed"] == 1
    assert mapping.metadata["stopped_by"] == "max_minutes" and mapping.metadata["seconds"] < 5
    assert _csls_p1(printed) > 0.9


def test_final_step_flag_reaches_the_self_learning_recipe(easy_files, tmp_path):
    d = easy_files
    code, printed = _run_captured(["align", str(d / "src.vec"), str(d / "tgt.vec"), "--dictionary",
                                   str(d / "seed.txt"), "--recipe", "self-learning", "--final-step", "multi-step",
                                   "--seed", "1", "--max-minutes", "0.01", "--test-dictionary", str(d / "test.txt"),
                                   "--out", str(tmp_path / "out")])
    assert code == 0
    mapping = VectorMapping.load(tmp_path / "out" / "mapping")
    assert mapping.metadata["params"]["final_step"] == "multi-step" and mapping.two_sided
    assert _csls_p1(printed) > 0.9


def test_registry_runs_the_self_learning_recipes(easy_world):
    world = easy_world
    assert {"self-learning", "unsupervised"} <= set(RECIPES)
    m = fit_mapping(world.src, world.tgt, world.train_pairs[:50], recipe="self-learning",
                    max_iterations=3, keep_seed=True, refine_vocab=10000,  # a run config's keywords
                    random_seed=3)
    assert m.metadata["recipe"] == "self-learning" and m.metadata["params"]["seed"] == 3
    m = fit_mapping(world.src, world.tgt, None, recipe="unsupervised", max_iterations=3)
    assert m.metadata["recipe"] == "unsupervised" and "dictionary_not_used" not in m.metadata
    with pytest.raises(ConfigError, match="refine"):
        fit_mapping(world.src, world.tgt, "identical", recipe="self-learning", refine=2)
    with pytest.raises(ConfigError, match="seed dictionary"):
        fit_mapping(world.src, world.tgt, None, recipe="self-learning")


def test_recipe_flags_languages_and_auto_refinement_are_recorded(files, tmp_path):
    out = tmp_path / "rcsls"
    code, _ = _run_captured(["align", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary",
                             str(files / "train.txt"), "--recipe", "rcsls", "--rcsls-iterations", "2",
                             "--rcsls-lr", "5", "--rcsls-projection", "spectral", "--src-lang", "en",
                             "--tgt-lang", "es", "--out", str(out)])
    assert code == 0
    saved = json.loads((out / "mapping.json").read_text())
    assert (saved["src_lang"], saved["tgt_lang"]) == ("en", "es")
    assert saved["metadata"]["recipe_params"] == {"knn": 10, "n_iter": 2, "lr": 5.0, "negatives": 200000,
                                                  "projection": "spectral"}
    out = tmp_path / "auto"
    code, _ = _run_captured(["align", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary",
                             str(files / "train.txt"), "--recipe", "supervised", "--refine", "auto",
                             "--no-whiten", "--src-reweight", "0.5", "--dim-reduction", "20", "--out", str(out)])
    assert code == 0
    meta = VectorMapping.load(out / "mapping").metadata
    assert meta["refine_auto"]["chosen"] == meta["refine_rounds"]
    params = meta["recipe_params"]
    assert (params["whiten"], params["src_reweight"], params["trg_reweight"], params["dim_reduction"]) == \
        (False, 0.5, 0.25, 20)


def test_config_accepts_the_new_recipes():
    from xproj.config import load_config

    assert load_config("synthetic", ["alignment.recipe=unsupervised"])["alignment"]["recipe"] == "unsupervised"


# -- bad input: one line on stderr, the documented exit code ------------------------------------

@pytest.fixture(scope="module")
def bad_files(files, world):
    d = files / "bad"
    d.mkdir()
    write_vec(world.tgt.with_vectors(np.asarray(world.tgt.vectors)[:, :16]), d / "tgt16.vec")
    write_vec(world.src.with_vectors(np.asarray(world.src.vectors)[:, :16]), d / "src16.vec")
    (d / "empty.vec").write_text("")
    write_dictionary([("nope", "nada"), ("zilch", "nichts")], d / "uncovered.txt")
    write_dictionary([(t, s) for s, t in world.train_pairs], d / "reversed.txt")
    (d / "broken").mkdir()
    (d / "broken" / "mapping.npy").write_bytes(b"not a numpy file")
    (d / "broken" / "mapping.json").write_text("{}")
    (d / "badjson").mkdir()
    np.save(d / "badjson" / "mapping.npy", np.eye(24, dtype=np.float32))
    (d / "badjson" / "mapping.json").write_text("{not json")
    return d


BAD = {
    # name: (command after SRC TGT, exit code, part of the message); {f} files, {b} bad files
    "dimension mismatch": (["align", "{f}/src.vec", "{b}/tgt16.vec", "--dictionary", "{f}/train.txt"],
                           1, "dimension"),
    "mapping of another dimension": (["bli", "{b}/src16.vec", "{b}/tgt16.vec", "--dictionary", "{f}/test.txt",
                                      "--mapping", "{f}/out"], 1, "dimension"),
    "no pair covered": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{b}/uncovered.txt"],
                        1, "none of its 2 pairs"),
    "test pairs not covered": (["bli", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{b}/uncovered.txt"],
                               1, "none of its 2 pairs"),
    "reversed dictionary": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{b}/reversed.txt"],
                            2, "looks reversed"),
    "reversed test dictionary": (["bli", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{b}/reversed.txt"],
                                 2, "looks reversed"),
    "empty vector file": (["bli", "{b}/empty.vec", "{f}/tgt.vec", "--dictionary", "{f}/test.txt"],
                          1, "empty file"),
    "missing vector file": (["align", "{f}/src.vec", "{f}/nowhere.vec", "--dictionary", "identical"],
                            1, "nowhere.vec"),
    "missing dictionary": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{f}/nowhere.txt"],
                           1, "nowhere.txt"),
    "malformed mapping": (["bli", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{f}/test.txt",
                           "--mapping", "{b}/broken"], 1, "not a mapping saved by xproj align"),
    "mapping json": (["bli", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{f}/test.txt",
                      "--mapping", "{b}/badjson"], 1, "not valid JSON"),
    "missing mapping": (["bli", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{f}/test.txt",
                         "--mapping", "{b}/nomapping"], 1, "no such file"),
    "negative refine": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical", "--refine", "-1"],
                        2, "--refine: must be >= 0"),
    "zero budget": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical", "--recipe",
                     "self-learning", "--max-minutes", "0"], 2, "--max-minutes: must be > 0"),
    "budget of a closed-form recipe": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                        "--max-minutes", "1"], 2, "has no time budget"),
    "refine with self-learning": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                   "--recipe", "self-learning", "--refine", "2"], 2, "iterates by itself"),
    "no dictionary, supervised recipe": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "none",
                                          "--recipe", "supervised"], 2, "needs a dictionary"),
    "unsupervised with a dictionary": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                        "--recipe", "unsupervised"], 2, "uses no dictionary"),
    "bad k": (["bli", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "{f}/test.txt", "--k", "0,5"], 2, "--k"),
    "refine neither rounds nor auto": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                        "--refine", "many"], 2, "--refine many: expected a whole number"),
    "refine auto with self-learning": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                        "--recipe", "self-learning", "--refine", "auto"], 2, "iterates by itself"),
    "rcsls learning rate": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                             "--recipe", "rcsls", "--rcsls-lr", "0"], 2, "--rcsls-lr 0.0: out of range"),
    "rcsls neighbourhood": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                             "--recipe", "rcsls", "--rcsls-knn", "0"], 2, "--rcsls-knn 0: out of range"),
    "rcsls iterations": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                          "--recipe", "rcsls", "--rcsls-iterations", "-2"], 2, "--rcsls-iterations -2"),
    "rcsls negatives": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                         "--recipe", "rcsls", "--rcsls-negatives", "0"], 2, "--rcsls-negatives 0"),
    "rcsls projection": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                          "--recipe", "rcsls", "--rcsls-projection", "diagonal"], 2, "not one of none"),
    "rcsls flag, other recipe": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                  "--rcsls-lr", "3"], 2, "only the rcsls recipe uses it"),
    "whitening flag, other recipe": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                      "--recipe", "rcsls", "--no-whiten"], 2, "only the supervised recipe"),
    "re-weighting exponent": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                               "--recipe", "supervised", "--trg-reweight", "-0.5"], 2, "--trg-reweight -0.5"),
    "dimensionality reduction": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                  "--recipe", "supervised", "--dim-reduction", "-1"], 2, "--dim-reduction -1"),
    "more dimensions than the vectors": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical",
                                          "--recipe", "supervised", "--dim-reduction", "25"], 2,
                                         "have only 24 dimensions"),
    "language code": (["align", "{f}/src.vec", "{f}/tgt.vec", "--dictionary", "identical", "--src-lang",
                       "English!"], 2, "--src-lang 'English!'"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_one_line_and_exit_code(name, files, bad_files, aligned, tmp_path, capsys):
    argv, code, message = BAD[name]
    argv = [a.format(f=files, b=bad_files) for a in argv]
    if argv[0] == "align":
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert not (tmp_path / "out" / "mapping.npy").exists()


# -- real vectors ----------------------------------------------------------------------------

@pytest.mark.data
@pytest.mark.slow  # ~20 s: align then bli on 20k-word real spaces (-m slow runs it)
def test_align_and_bli_on_the_shared_en_es_vectors(tmp_path):
    en = shared_file("vectors", "en.100d.top50k.vec.xz")
    es = shared_file("vectors", "es.100d.top50k.vec.xz")
    train = shared_file("data", "muse", "en-es.0-5000.txt")
    test = shared_file("data", "muse", "en-es.5000-6500.derived.txt")
    common = ["--limit", "20000", "--lowercase"]
    code, printed = _run_captured(["align", str(en), str(es), "--dictionary", str(train), "--recipe",
                                   "supervised", "--test-dictionary", str(test), "--out", str(tmp_path), *common])
    assert code == 0 and 0.15 < _csls_p1(printed) < 0.5
    code, again = _run_captured(["bli", str(en), str(es), "--dictionary", str(test), "--mapping",
                                 str(tmp_path), *common])
    assert code == 0 and _csls_p1(again) == _csls_p1(printed)


def test_out_that_is_a_file_is_a_usage_error_before_any_work(tmp_path):
    from xproj.cli import main

    out = tmp_path / "taken"
    out.write_text("x")
    assert main(["align", str(tmp_path / "missing-src.vec"), str(tmp_path / "missing-tgt.vec"),
                 "--dictionary", "identical", "--out", str(out)]) == 2


def _align_into(files, out, *extra):
    return _run_captured(["align", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary",
                          str(files / "train.txt"), "--out", str(out), *extra])[0]


def test_a_rerun_leaves_only_its_own_outputs(files, tmp_path):
    out = tmp_path / "again"
    out.mkdir()
    (out / "notes.txt").write_text("mine")  # not an align output: never touched
    assert _align_into(files, out, "--recipe", "supervised", "--test-dictionary", str(files / "test.txt"),
                       "--write-vectors") == 0
    assert {p.name for p in out.iterdir()} == {"notes.txt", "mapping.npy", "mapping.json", "mapping.tgt.npy",
                                               "mapping.instance.npz", "bli.json", "src.mapped.vec",
                                               "tgt.mapped.vec"}
    assert _align_into(files, out, "--recipe", "procrustes") == 0  # linear, one-sided, no BLI, no vectors
    assert {p.name for p in out.iterdir()} == {"notes.txt", "mapping.npy", "mapping.json"}
    assert json.loads((out / "mapping.json").read_text())["metadata"]["recipe"] == "procrustes"
    assert (out / "notes.txt").read_text() == "mine"


def test_an_interrupt_during_the_commit_never_leaves_a_mix(files, tmp_path, monkeypatch):
    import os
    import signal

    import xproj.align_outputs

    out = tmp_path / "interrupted"
    assert _align_into(files, out, "--recipe", "supervised", "--test-dictionary", str(files / "test.txt")) == 0
    real_replace = os.replace

    def ctrl_c_after_the_first_rename(src, dst):
        real_replace(src, dst)
        moved_in = Path(dst).parent == out and Path(src).parent != out  # from the stage: the commit
        if moved_in and not getattr(ctrl_c_after_the_first_rename, "sent", False):
            ctrl_c_after_the_first_rename.sent = True
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(xproj.align_outputs.os, "replace", ctrl_c_after_the_first_rename)
    assert _align_into(files, out, "--recipe", "procrustes") == 130  # the interrupt still stops the command
    # held until the commit was whole: this run's outputs, none of the first run's
    assert {p.name for p in out.iterdir()} == {"mapping.npy", "mapping.json"}
    assert json.loads((out / "mapping.json").read_text())["metadata"]["recipe"] == "procrustes"
    W = VectorMapping.load(out / "mapping").W_
    assert W.shape[0] == W.shape[1] and np.allclose(W @ W.T, np.eye(len(W)), atol=1e-5)  # Procrustes: orthogonal


def test_an_earlier_runs_output_given_as_input_is_refused_not_removed(files, tmp_path, capsys):
    out = tmp_path / "reuse"
    assert _align_into(files, out, "--write-vectors") == 0
    src = out / "src.mapped.vec"
    before = src.read_bytes()
    code = main(["align", str(src), str(files / "tgt.vec"), "--dictionary", str(files / "train.txt"),
                 "--out", str(out)])  # without --write-vectors this run would remove it
    assert code == 2 and src.read_bytes() == before
    err = capsys.readouterr().err.strip()
    assert err == (f"xproj align: configuration error: --out {out}: would remove src.mapped.vec, an earlier "
                   f"align's output, which is SRC {src}; choose another folder")


def test_stage_folders_of_killed_aligns_are_removed(files, tmp_path):
    import os
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    out = tmp_path / "killed"
    dead_stage = out / f".align.{int(dead.stdout)}.x1y2z3w4.partial"  # what kill -9 leaves
    live_stage = out / f".align.{os.getpid()}.other123.partial"  # an align of a process still running
    for stage in (dead_stage, live_stage):
        stage.mkdir(parents=True)
        (stage / "src.mapped.vec").write_text("1 1\na 1\n")
    assert _align_into(files, out) == 0
    assert not dead_stage.exists() and live_stage.exists()


def _full_width(word: str) -> str:
    """The word in full-width forms (NFKC brings it back), as some dictionaries spell Latin words."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)


def test_dictionary_words_missing_from_the_vectors_are_looked_up_in_one_script(files, aligned, tmp_path, capsys):
    from xproj.dictionaries import read_dictionary, write_dictionary

    out, _ = aligned
    test = read_dictionary(files / "test.txt")
    respelt = tmp_path / "full-width.txt"  # every other target word full-width: missing from the vectors
    write_dictionary([(s, _full_width(t) if i % 2 else t) for i, (s, t) in enumerate(test)], respelt)
    argv = ["bli", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary", str(respelt), "--mapping", str(out)]
    code, as_given = _run_captured(argv)
    assert code == 0 and "note:" not in capsys.readouterr().err
    code, in_one_script = _run_captured([*argv, "--tgt-lang", "es"])
    err = capsys.readouterr().err
    assert code == 0 and "note:" in err and "target words (NFKC)" in err, err
    code, original = _run_captured([*argv[:4], str(files / "test.txt"), *argv[5:]])
    assert code == 0
    covered = re.compile(r"covered (\d+)")
    assert int(covered.search(as_given).group(1)) < int(covered.search(in_one_script).group(1))
    assert covered.search(in_one_script).group(1) == covered.search(original).group(1)
    assert _csls_p1(in_one_script) == _csls_p1(original)


def test_a_word_the_vectors_have_is_never_respelt(capsys):
    import numpy as np

    from xproj.bli_cmd import spelt_as_in_vectors
    from xproj.vectors import WordVectors

    wide = _full_width("casa")
    tgt = WordVectors([wide, "casa", "perro"], np.eye(3, dtype=np.float32))
    src = WordVectors(["house", "dog"], np.eye(2, 3, dtype=np.float32))
    pairs = [("house", wide), ("dog", _full_width("perro"))]
    assert spelt_as_in_vectors(pairs, src, tgt, (None, "es"), "--dictionary d") == [("house", wide), ("dog", "perro")]
    assert spelt_as_in_vectors(pairs, src, tgt, (None, None), "--dictionary d") == pairs
    assert "1 target word (NFKC)" in capsys.readouterr().err


def test_test_queries_that_are_seed_words_are_left_out_of_bli(world, files, aligned, tmp_path):
    """A seed that shares test words (a lexicon added to a training split) would score the fit:
    those queries are left out, counted, and the figure is the one of the unseen queries."""
    leaked = world.test_pairs[:40]
    seed = tmp_path / "train+leak.txt"
    write_dictionary(list(world.train_pairs) + leaked, seed)
    n_leaked = len({s for s, _ in leaked})
    out = tmp_path / "out"
    code, printed = _run_captured(["align", str(files / "src.vec"), str(files / "tgt.vec"),
                                   "--dictionary", str(seed), "--recipe", "procrustes",
                                   "--test-dictionary", str(files / "test.txt"), "--out", str(out)])
    assert code == 0
    assert f"{n_leaked} test queries left out" in printed
    bli = json.loads((out / "bli.json").read_text())
    assert bli["seed_queries_left_out"] == n_leaked
    assert bli["queries"] == len({s for s, _ in world.test_pairs}) - n_leaked


def test_a_test_dictionary_inside_the_seed_is_a_usage_error(files, tmp_path, capsys):
    code = main(["align", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary", str(files / "test.txt"),
                 "--test-dictionary", str(files / "test.txt"), "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "every query is a source word of --dictionary" in err[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command, empty", [
    ("align", "SRC"), ("align", "--dictionary"), ("align", "--test-dictionary"),
    ("bli", "TGT"), ("bli", "--dictionary"), ("bli", "--mapping"),
])
def test_an_empty_argument_is_a_usage_error_before_any_file_is_read(files, aligned, tmp_path, capsys, command, empty):
    """Exit 2, as an empty path in a run config (before stop 22: exit 1, after the other checks)."""
    values = {"SRC": str(files / "src.vec"), "TGT": str(files / "tgt.vec"),
              "--dictionary": str(files / ("train.txt" if command == "align" else "test.txt")),
              "--test-dictionary": str(files / "test.txt"), "--mapping": str(aligned[0])}
    values[empty] = " "
    argv = [command, values["SRC"], values["TGT"], "--dictionary", values["--dictionary"]]
    if command == "align":
        argv += ["--test-dictionary", values["--test-dictionary"], "--out", str(tmp_path / "out")]
    else:
        argv += ["--mapping", values["--mapping"]]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{empty} is empty" in err[0], err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("out", ["", " "])
def test_an_empty_out_is_a_usage_error_not_the_current_folder(files, tmp_path, monkeypatch, capsys, out):
    """``--out ''`` was the current folder: the mapping written there, and an earlier align's
    outputs there (bli.json, *.mapped.vec) removed; ``--out ' '`` a folder named ' '."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bli.json").write_text("{}")  # someone else's file an align re-run would remove
    code = main(["align", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary", str(files / "train.txt"),
                 "--recipe", "procrustes", "--out", out])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--out is empty" in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bli.json"]


def test_a_seed_holding_every_covered_test_query_is_a_usage_error(world, files, tmp_path, capsys):
    """The test queries left once seed words are out may all lack vectors: BLI over 0 covered
    queries printed P@1 0.0000 as if measured (the test dictionary had passed its coverage check)."""
    leaked = list(world.test_pairs[:20])
    seed, test = tmp_path / "seed.txt", tmp_path / "test.txt"
    write_dictionary(list(world.train_pairs) + leaked, seed)
    write_dictionary(leaked + [(f"zzq{i}", f"yyq{i}") for i in range(5)], test)
    out = tmp_path / "out"
    code = main(["align", str(files / "src.vec"), str(files / "tgt.vec"), "--dictionary", str(seed),
                 "--recipe", "procrustes", "--test-dictionary", str(test), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--test-dictionary {test}: every query with vectors is a source word" in err[0], err
    assert not out.exists()
