"""InstaMap (xproj.align.instance): the batched neighbour average against a direct computation,
determinism, the sequential fit, a world no linear map can align, save/load, and bad options."""

import json

import numpy as np
import pytest
from scipy.stats import ortho_group

from xproj.align import VectorMapping, align_to_pivot, fit_mapping
from xproj.align.instance import (INSTANCE_PARAMS, RECIPE_INSTANCE_DEFAULTS, check_instance_params, displace,
                                  fit_instance_correction)
from xproj.cli import main
from xproj.dictionaries import write_dictionary
from xproj.errors import ConfigError, InputFormatError, ResourceNotFoundError
from xproj.evaluation import bli_scores
from xproj.vectors import WordVectors, write_vec


@pytest.fixture(scope="module")
def two_rotations():
    """Clustered source words; each target word is its source word rotated by one of two
    rotations, depending on the sign of the first coordinate: no single linear map aligns them,
    a local correction can."""
    rng = np.random.default_rng(0)
    d, n = 16, 2000
    centres = rng.standard_normal((100, d))
    X = centres[rng.integers(0, 100, n)] + 0.3 * rng.standard_normal((n, d))
    r1, r2 = ortho_group.rvs(d, random_state=1), ortho_group.rvs(d, random_state=2)
    Y = np.where(X[:, :1] > 0, X @ r1, X @ r2) + 0.05 * rng.standard_normal((n, d))
    src = WordVectors([f"s{i}" for i in range(n)], X.astype(np.float32))
    tgt = WordVectors([f"t{i}" for i in range(n)], Y.astype(np.float32))
    pairs = [(f"s{i}", f"t{i}") for i in rng.permutation(n)]
    return src, tgt, pairs[:1500], pairs[1500:]


def _p1(mapping, src, tgt, pairs):
    return bli_scores(mapping.transform(src), mapping.transform(tgt, side="target"), pairs,
                      methods=("csls",), ks=(1,))["csls"]["p@1"]


def _direct(X, anchors, disp, k, temperature):
    """One row at a time, sorting every similarity: what :func:`displace` must compute."""
    out = []
    for x in X:
        sims = anchors @ (x / np.linalg.norm(x))
        top = np.argsort(-sims, kind="stable")[:k]
        w = np.exp((sims[top] - sims[top].max()) / temperature) if temperature else np.clip(sims[top], 0, None)
        w = w / w.sum()
        out.append(x + w @ disp[top])
    return np.array(out)


@pytest.mark.parametrize("temperature", [0.0, 0.1])
def test_displace_is_the_weighted_mean_of_the_k_nearest_displacements(temperature):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 8)).astype(np.float32)
    anchors = rng.standard_normal((40, 8)).astype(np.float32)
    anchors /= np.linalg.norm(anchors, axis=1, keepdims=True)
    disp = rng.standard_normal((40, 8)).astype(np.float32)
    got = displace(X, anchors, disp, 5, temperature)
    np.testing.assert_allclose(got, _direct(X, anchors, disp, 5, temperature), atol=1e-5)
    np.testing.assert_array_equal(displace(X, anchors, disp, 5, temperature), got)  # same call, same bits
    # k above the number of anchors: all of them
    np.testing.assert_allclose(displace(X, anchors, disp, 99, temperature), _direct(X, anchors, disp, 40, temperature),
                               atol=1e-5)


@pytest.mark.parametrize("temperature", [0.0, 0.05])
def test_a_row_moves_alike_bit_for_bit_whatever_rows_are_moved_with_it(temperature):
    # more rows than one block (BATCH), mapped at once, one at a time, in chunks of other sizes,
    # in another order: the same bits (a single row was another BLAS shape and moved differently,
    # so a word mapped alone differed from the same word mapped with the vocabulary)
    from xproj.align.instance import BATCH

    rng = np.random.default_rng(3)
    X = rng.standard_normal((BATCH + 300, 24)).astype(np.float32)
    anchors = rng.standard_normal((60, 24)).astype(np.float32)
    anchors /= np.linalg.norm(anchors, axis=1, keepdims=True)
    disp = rng.standard_normal((60, 24)).astype(np.float32)
    whole = displace(X, anchors, disp, 7, temperature)
    picked = np.arange(0, len(X), 37)
    alone = np.vstack([displace(X[i:i + 1], anchors, disp, 7, temperature) for i in picked])
    np.testing.assert_array_equal(alone, whole[picked])
    for size in (7, 100, BATCH - 1, BATCH + 1):
        chunks = [displace(X[i:i + size], anchors, disp, 7, temperature) for i in range(0, len(X), size)]
        np.testing.assert_array_equal(np.vstack(chunks), whole)
    order = rng.permutation(len(X))
    np.testing.assert_array_equal(displace(X[order], anchors, disp, 7, temperature), whole[order])


def test_a_saved_correction_maps_a_word_alone_as_with_its_vocabulary(two_rotations):
    src, tgt, train, _ = two_rotations
    m = fit_mapping(src, tgt, train, recipe="procrustes", instance_k=5, instance_iterations=2)
    prepared = np.asarray(m.prepare(src).vectors)
    whole = m.transform_matrix(prepared)
    for i in (0, 777, len(prepared) - 1):
        np.testing.assert_array_equal(m.transform_matrix(prepared[i:i + 1]), whole[i:i + 1])


def test_a_longer_fit_starts_with_the_shorter_one():
    rng = np.random.default_rng(2)
    P, G = rng.standard_normal((300, 6)), rng.standard_normal((300, 6))
    two, three = (fit_instance_correction(P, G, k=5, iterations=t) for t in (2, 3))
    assert three.steps[0].rotation is None and three.steps[1].rotation.shape == (6, 6)
    for a, b in zip(two.steps, three.steps):
        np.testing.assert_array_equal(a.anchors, b.anchors)
        np.testing.assert_array_equal(a.displacements, b.displacements)


def test_instamap_aligns_what_no_linear_map_can(two_rotations):
    src, tgt, train, test = two_rotations
    linear = fit_mapping(src, tgt, train, recipe="procrustes")
    corrected = fit_mapping(src, tgt, train, recipe="procrustes", instance_k=5)
    assert linear.linear and not corrected.linear
    assert _p1(linear, src, tgt, test) < 0.4 < 0.6 < _p1(corrected, src, tgt, test)
    assert corrected.metadata["instance"]["instance_k"] == 5
    assert corrected.metadata["instance"]["dictionary_sources"] == 1500
    # the linear part is the recipe's own, untouched
    np.testing.assert_array_equal(corrected.W_, linear.W_)
    # two-sided recipes too: the correction follows the supervised map
    sup = fit_mapping(src, tgt, train, recipe="supervised", refine=0, instance_k=5, instance_iterations=2)
    assert sup.two_sided and _p1(sup, src, tgt, test) > 0.6
    # deterministic
    again = fit_mapping(src, tgt, train, recipe="supervised", refine=0, instance_k=5, instance_iterations=2)
    np.testing.assert_array_equal(sup.transform(src).vectors, again.transform(src).vectors)


def test_saved_and_loaded_it_maps_new_vectors_alike(two_rotations, tmp_path):
    src, tgt, train, _ = two_rotations
    m = fit_mapping(src, tgt, train, recipe="supervised", refine=0, instance_k=7, instance_temperature=0.2,
                    instance_iterations=2)
    base = m.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m.json").read_text())
    assert meta["format"] == "xproj-mapping/3" and meta["instance"]["file"] == "m.instance.npz"
    back = VectorMapping.load(tmp_path / "m.instance.npz")  # any of its files names the mapping
    assert back.instance_.params == m.instance_.params
    new_words = src.with_vectors(np.asarray(src.vectors) * 1.5 + 0.1)  # vectors never seen by the fit
    np.testing.assert_array_equal(back.transform(new_words).vectors, m.transform(new_words).vectors)
    with pytest.raises(ValueError, match="no inverse"):
        m.inverse()
    (tmp_path / "m.instance.npz").unlink()
    with pytest.raises(ResourceNotFoundError, match="InstaMap"):
        VectorMapping.load(base)


def _edit_json(base, change):
    path = base.with_name(base.name + ".json")
    meta = json.loads(path.read_text())
    change(meta)
    path.write_text(json.dumps(meta))


def _with_nan(path):  # a readable archive whose second step's displacements are nan (was: nan vectors)
    with np.load(path) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["displacements_1"][0, 0] = np.nan
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def _truncate(path):
    path.write_bytes(path.read_bytes()[:100])


@pytest.mark.parametrize("damage, error, message", [
    # a damaged or foreign .instance.npz: one error naming it (was a BadZipFile / EOFError traceback)
    (lambda b: _truncate(b.with_name("m.instance.npz")), InputFormatError, r"m\.instance\.npz: not an InstaMap"),
    (lambda b: b.with_name("m.instance.npz").write_bytes(b""), InputFormatError, r"m\.instance\.npz: not an"),
    (lambda b: b.with_name("m.instance.npz").write_text("hello"), InputFormatError, r"m\.instance\.npz: not an"),
    # a record that does not say what the file holds: never read as less (was silently linear or
    # one iteration short), never a traceback (was a kth out of bounds ValueError for k < 0)
    (lambda b: _edit_json(b, lambda m: m.pop("instance")), InputFormatError, "xproj-mapping/3 without"),
    (lambda b: _edit_json(b, lambda m: m["instance"].update(instance_iterations=0)), InputFormatError,
     "instance_iterations"),
    (lambda b: _edit_json(b, lambda m: m["instance"].update(instance_iterations=1)), InputFormatError,
     "holds anchors_1"),
    (lambda b: _edit_json(b, lambda m: m["instance"].update(instance_k=-3)), InputFormatError, "instance_k"),
    (lambda b: _edit_json(b, lambda m: m["instance"].update(instance_k=0)), InputFormatError, "instance_k is 0"),
    (lambda b: _edit_json(b, lambda m: m["instance"].update(instance_temperature=float("nan"))), InputFormatError,
     "instance_temperature"),
    (lambda b: _edit_json(b, lambda m: m.update(instance="yes")), InputFormatError, "InstaMap record is not"),
    (lambda b: _edit_json(b, lambda m: m["instance"].update(file="../m.instance.npz")), InputFormatError,
     "beside the mapping"),
    (lambda b: _edit_json(b, lambda m: m.update(format="xproj-mapping/9")), InputFormatError, "newer xproj"),
    (lambda b: _edit_json(b, lambda m: m.update(format="xproj-mapping/2")), InputFormatError,
     "xproj-mapping/2 with an InstaMap"),
    (lambda b: b.with_name("m.npy").write_bytes(b""), InputFormatError, r"m\.npy: not a mapping saved"),
    (lambda b: _with_nan(b.with_name("m.instance.npz")), InputFormatError, "iteration 2: holds nan"),
])
def test_a_damaged_corrected_mapping_is_one_error_naming_the_file(two_rotations, tmp_path, damage, error, message):
    src, tgt, train, _ = two_rotations
    base = fit_mapping(src, tgt, train, recipe="procrustes", instance_k=5, instance_iterations=2).save(tmp_path / "m")
    VectorMapping.load(base)  # whole: it loads
    damage(base)
    with pytest.raises(error, match=message):
        VectorMapping.load(base)


def test_a_damaged_mapping_is_one_line_exit_1_from_bli(two_rotations, tmp_path, capsys):
    src, tgt, train, test = two_rotations
    write_vec(src, tmp_path / "src.vec", precision=6)
    write_vec(tgt, tmp_path / "tgt.vec", precision=6)
    write_dictionary(test, tmp_path / "test.txt")
    fit_mapping(src, tgt, train, recipe="procrustes", instance_k=5).save(tmp_path / "mapping")
    _truncate(tmp_path / "mapping.instance.npz")
    assert main(["bli", str(tmp_path / "src.vec"), str(tmp_path / "tgt.vec"), "--dictionary",
                 str(tmp_path / "test.txt"), "--mapping", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "mapping.instance.npz" in err and "Traceback" not in err, err


@pytest.mark.parametrize("params, message", [
    ({"instance_k": -1}, "instance_k"),
    ({"instance_k": True}, "instance_k"),
    ({"instance_k": 2.5}, "instance_k"),
    ({"instance_temperature": float("nan")}, "instance_temperature"),
    ({"instance_temperature": -0.1}, "instance_temperature"),
    ({"instance_temperature": 1e-46}, "instance_temperature: must be 0 .* or at least 1e-30"),  # was nan vectors
    ({"instance_temperature": 1e-40}, "instance_temperature: must be 0"),  # was an overflow warning
    ({"instance_iterations": 0}, "instance_iterations"),
    ({"instance_steps": 3}, "instance_steps"),
])
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ConfigError, match=message):
        check_instance_params(**params)


def test_the_smallest_temperature_gives_finite_vectors():
    from xproj.align.instance import MIN_TEMPERATURE

    rng = np.random.default_rng(4)
    X = rng.standard_normal((30, 6)).astype(np.float32)
    anchors = rng.standard_normal((20, 6)).astype(np.float32)
    anchors /= np.linalg.norm(anchors, axis=1, keepdims=True)
    disp = rng.standard_normal((20, 6)).astype(np.float32)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # no overflow, no 0 / 0
        moved = displace(X, anchors, disp, 5, check_instance_params(instance_temperature=MIN_TEMPERATURE)
                         ["instance_temperature"])
    np.testing.assert_allclose(moved, X + disp[np.argmax(X @ anchors.T, axis=1)], atol=1e-6)  # the nearest alone


def test_defaults_per_recipe_and_a_dictionary_needed(two_rotations):
    src, tgt, train, _ = two_rotations
    assert check_instance_params() == INSTANCE_PARAMS and INSTANCE_PARAMS["instance_k"] == 0
    assert check_instance_params("supervised") == RECIPE_INSTANCE_DEFAULTS["supervised"]
    assert check_instance_params("supervised", instance_k=0)["instance_k"] == 0
    # supervised's default is corrected; procrustes and an explicit 0 are not; the pivot stays linear
    default = fit_mapping(src, tgt, train, recipe="supervised", refine=0)
    assert not default.linear and default.instance_.params == RECIPE_INSTANCE_DEFAULTS["supervised"]
    off = fit_mapping(src, tgt, train, recipe="supervised", refine=0, instance_k=0)
    assert off.linear and "instance" not in off.metadata
    np.testing.assert_array_equal(off.W_, default.W_)
    assert fit_mapping(src, tgt, train).linear
    pivot = align_to_pivot({"x": (src, train)}, tgt, recipe="supervised", refine=0)
    assert pivot["x"].linear
    with pytest.raises(ConfigError, match="dictionary"):
        fit_mapping(src, tgt, None, recipe="unsupervised", instance_k=5)


def test_align_and_bli_commands(two_rotations, tmp_path, capsys):
    src, tgt, train, test = two_rotations
    write_vec(src, tmp_path / "src.vec", precision=6)
    write_vec(tgt, tmp_path / "tgt.vec", precision=6)
    write_dictionary(train, tmp_path / "train.txt")
    write_dictionary(test, tmp_path / "test.txt")
    common = [str(tmp_path / "src.vec"), str(tmp_path / "tgt.vec")]
    assert main(["align", *common, "--dictionary", str(tmp_path / "train.txt"), "--recipe", "procrustes",
                 "--instance-k", "5", "--out", str(tmp_path / "out"), "--write-vectors"]) == 0
    assert (tmp_path / "out" / "mapping.instance.npz").exists()
    capsys.readouterr()
    assert main(["bli", *common, "--dictionary", str(tmp_path / "test.txt"), "--mapping",
                 str(tmp_path / "out")]) == 0
    through_mapping = capsys.readouterr().out
    assert main(["bli", str(tmp_path / "out" / "src.mapped.vec"), str(tmp_path / "out" / "tgt.mapped.vec"),
                 "--dictionary", str(tmp_path / "test.txt")]) == 0
    written = capsys.readouterr().out
    p1 = [float(line.split()[1]) for text in (through_mapping, written) for line in text.splitlines()
          if line.startswith("csls")]
    assert p1[0] > 0.6 and p1[0] == pytest.approx(p1[1], abs=0.01)
    for flags, message in ((["--instance-temperature", "-1", "--instance-k", "3"], "--instance-temperature:"),
                           (["--instance-iterations", "2"], "only used with --instance-k"),
                           (["--instance-iterations", "2", "--recipe", "supervised", "--instance-k", "0"],
                            "only used with --instance-k"),
                           (["--instance-k", "-2"], "--instance-k:")):
        assert main(["align", *common, "--dictionary", str(tmp_path / "train.txt"), *flags,
                     "--out", str(tmp_path / "bad")]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and message in err, err
        assert not (tmp_path / "bad" / "mapping.npy").exists()


@pytest.mark.data
@pytest.mark.slow  # ~20 s: two 50k-word spaces aligned and searched (-m slow runs it)
def test_on_the_shared_en_es_vectors_held_out_train_words_gain():
    from xproj.dictionaries import read_dictionary, split_by_source
    from xproj.vectors import load_vectors

    from conftest import shared_file

    en = load_vectors(shared_file("vectors", "en.100d.top50k.vec.xz"), lowercase=True, cache=False)
    es = load_vectors(shared_file("vectors", "es.100d.top50k.vec.xz"), lowercase=True, cache=False)
    fit_part, held_out = split_by_source(read_dictionary(shared_file("data", "muse", "en-es.0-5000.txt")), 4000, 1000)
    linear = fit_mapping(en, es, fit_part, recipe="supervised", instance_k=0)
    default = fit_mapping(en, es, fit_part, recipe="supervised")
    # bench/README.md (50k words): 0.2441 -> 0.3016 on these held-out words
    assert _p1(default, en, es, held_out) > _p1(linear, en, es, held_out) + 0.03
