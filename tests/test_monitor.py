"""``xproj monitor`` and :mod:`xproj.loop.drift`: the statistics against hand-computed cases,
then the command on a small saved synthetic model: a no-shift batch exits 0, a batch skewed
to one class or in the other language exits 3 naming what moved; group quality; bad input
exits 1 (data) or 2 (options) with one line."""

import csv
import json
import math

import numpy as np
import pytest

from xproj.align import fit_mapping
from xproj.cli import main
from xproj.datasets.synthetic import make_bilingual_world, make_documents
from xproj.errors import ConfigError
from xproj.features import AlignedSpace
from xproj.loop import drift
from xproj.model import CrossLingualClassifier, save_model

WORLD = {"n_words": 1500, "dim": 20, "noise": 0.6, "seed": 0}
FAST = ["--permutations", "100", "--bootstrap", "200"]


# -- statistics ---------------------------------------------------------------------------------

def test_psi_matches_the_hand_computed_value_and_reading():
    ref = [0.55] * 50 + [0.95] * 50  # bins of [0.5, 1] by 0.1: half in the first, half in the last
    new = [0.55] * 90 + [0.95] * 10
    expected = (0.9 - 0.5) * math.log(0.9 / 0.5) + (0.1 - 0.5) * math.log(0.1 / 0.5)
    assert drift.psi(ref, new, bins=5, value_range=(0.5, 1.0)) == pytest.approx(expected)
    assert drift.psi(ref, ref, bins=5, value_range=(0.5, 1.0)) == 0.0
    # an empty bin counts as the floor, not as log(0); the top edge is in the last bin
    assert np.isfinite(drift.psi([1.0] * 10, [0.5] * 10, bins=5, value_range=(0.5, 1.0)))
    assert [drift.psi_reading(v) for v in (0.05, 0.1, 0.3)] == ["stable", "moderate shift", "large shift"]


def test_mmd_unbiased_estimate_by_hand_and_permutation_p_values():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    res = drift.mmd_test(X, Y, permutations=10, seed=0)
    Z = np.vstack([X, Y])
    K = np.exp(-((Z[:, None] - Z[None]) ** 2).sum(-1) / (2 * res.bandwidth ** 2))
    by_hand = ((K[:4, :4].sum() - 4) / 12 + (K[4:, 4:].sum() - 5) / 20 - 2 * K[:4, 4:].mean())
    assert res.mmd2 == pytest.approx(by_hand)
    same = drift.mmd_test(rng.normal(size=(200, 10)), rng.normal(size=(200, 10)), permutations=100, seed=1)
    moved = drift.mmd_test(rng.normal(size=(200, 10)), rng.normal(size=(200, 10)) + 0.5, permutations=100, seed=1)
    assert same.p_value > 0.05 and moved.p_value == pytest.approx(1 / 101)
    capped = drift.mmd_test(rng.normal(size=(300, 2)), rng.normal(size=(50, 2)), permutations=5, max_rows=40)
    assert (capped.n_reference, capped.n_batch) == (40, 40)
    assert drift.mmd_test(X, Y, permutations=10, seed=0) == res  # seeded


def test_class_shares_mean_shift_and_new_words():
    res = drift.class_share_test([0, 1] * 50, [0] * 80 + [1] * 20, 2)
    assert res["batch"] == [0.8, 0.2] and res["max_diff"] == pytest.approx(0.3) and res["p_value"] < 1e-4
    assert drift.class_share_test([0] * 10, [0] * 5, 3)["p_value"] == 1.0  # one class predicted at all
    R = np.array([[0.0, 0.0], [2.0, 2.0]])  # sd 1 in both dimensions, mean 1
    assert drift.mean_shift(R, R + [1.0, 3.0]) == pytest.approx(math.sqrt((1 + 9) / 2))
    ref = [["a", "b", "c"]] * 30
    new = [["a", "b", "zz"]] * 30 + [["rare"]]
    words = drift.new_frequent_words(ref, new)
    assert [w["token"] for w in words] == ["zz"] and words[0]["reference_count"] == 0


def test_group_quality_per_group_with_intervals_and_gap():
    y = np.array([0, 1] * 50)
    pred = y.copy()
    pred[50:70] = 1 - pred[50:70]  # group b: 20 of 50 wrong
    P = np.eye(2)[pred] * 0.8 + 0.1
    groups = np.array(["a"] * 50 + ["b"] * 50)
    res = drift.group_quality(y, pred, P, groups, 2, n_boot=200, seed=0)
    a, b = res["groups"]["a"], res["groups"]["b"]
    assert a["macro_f1"] == 1.0 and a["ece"] == pytest.approx(0.1)
    assert b["macro_f1"] < 0.7 and b["macro_f1_ci"][0] <= b["macro_f1"] <= b["macro_f1_ci"][1]
    assert res["gap"]["between"] == ["b", "a"] and res["gap"]["macro_f1"] == pytest.approx(1 - b["macro_f1"])
    assert res["gap"]["macro_f1_ci"][0] > 0.1
    # a tiny group is listed but not compared: its perfect score would be "the best group"
    tiny = drift.group_quality(np.r_[y, [0, 1, 0]], np.r_[pred, [0, 1, 0]], np.r_[P, np.eye(2)[[0, 1, 0]]],
                               np.r_[groups, ["c"] * 3], 2, n_boot=50, seed=0)
    assert tiny["groups"]["c"]["macro_f1"] == 1.0 and not tiny["groups"]["c"]["in_gap"]
    assert tiny["gap"]["between"] == ["b", "a"]
    assert drift.group_quality(y[:30], pred[:30], P[:30], ["a"] * 15 + ["b"] * 15, 2, n_boot=10)["gap"] is None


def test_thresholds_are_validated():
    assert drift.parse_thresholds("psi=0.3, alpha=0.05")["psi"] == 0.3
    for bad in ("psi=-1", "alpha=2", "nope=1", "psi", "psi=x"):
        with pytest.raises(ConfigError):
            drift.parse_thresholds(bad)


# -- the command ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A saved synthetic model, a reference, and batches: same distribution, skewed to one
    class, the other language; all seeded."""
    root = tmp_path_factory.mktemp("monitor")
    world = make_bilingual_world(src_lang="en", tgt_lang="es", **WORLD)
    mapping = fit_mapping(world.tgt, world.src, [(t, s) for s, t in world.train_pairs])
    space = AlignedSpace.from_mappings("en", world.src, {"es": (world.tgt, mapping)})
    X, y = make_documents(world, 400, side="src", seed=0)
    model = CrossLingualClassifier(space, source_lang="en").fit(X, y)
    model.adapt(make_documents(world, 300, side="tgt", seed=5)[0], "es")
    save_model(model, root / "model-es.joblib", label_names=["negative", "positive"])

    def write(name, side, seed, **kw):
        texts, y = make_documents(world, 200, side=side, seed=seed, **kw)
        with open(root / name, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "label", "country"])
            w.writerows([" ".join(t), ["negative", "positive"][c], "AR" if i % 2 else "MX"]
                        for i, (t, c) in enumerate(zip(texts, y)))
        return root / name

    return {"root": root, "model": root / "model-es.joblib", "ref": write("ref.csv", "tgt", 1),
            "same": write("same.csv", "tgt", 2), "skew": write("skew.csv", "tgt", 3, positive_rate=0.97),
            "other_lang": write("en.csv", "src", 4)}


def monitor(files, batch, *extra):
    return main(["monitor", "--model", str(files["model"]), "--reference", str(files["ref"]), "--batch", str(batch),
                 "--lang", "es", *FAST, *extra])


def test_no_shift_exits_0_and_writes_the_report(files, capsys):
    out = files["root"] / "report-same"
    assert monitor(files, files["same"], "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert "verdict: no drift (exit 0)" in printed and len(printed.splitlines()) <= 12
    assert sorted(p.name for p in out.iterdir()) == ["class-shares.png", "confidence.png", "report.md", "summary.json"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["drift"] == [] and summary["checks"]["confidence"]["reading"] == "stable"
    assert "# Drift watch" in (out / "report.md").read_text()
    assert monitor(files, files["same"], "--out", str(out)) == 0  # its own folder is replaced


def test_skewed_batch_exits_3_naming_class_shares(files, capsys):
    assert monitor(files, files["skew"]) == 3
    printed = capsys.readouterr().out
    assert "verdict: drift in class_shares" in printed
    assert "class shares" in next(line for line in printed.splitlines() if "[DRIFT]" in line)


def test_other_language_exits_3_with_oov(files, capsys):
    out = files["root"] / "report-en"
    assert monitor(files, files["other_lang"], "--out", str(out)) == 3
    summary = json.loads((out / "summary.json").read_text())
    # few English texts have a word with a Spanish vector: the OOV rate says it; the few
    # scored ones are too few for the confidence and vector tests to be sure
    assert "oov" in summary["drift"]
    assert summary["checks"]["oov"]["batch"] > 0.9 and summary["new_words"]
    capsys.readouterr()


def test_group_quality_table(files, capsys):
    out = files["root"] / "report-groups"
    assert monitor(files, files["same"], "--labels-column", "label", "--group-column", "country",
                   "--out", str(out)) == 0
    quality = json.loads((out / "summary.json").read_text())["group_quality"]
    assert set(quality["groups"]) == {"AR", "MX"} and quality["rows_with_label"] == 200
    for g in quality["groups"].values():
        assert g["n"] == 100 and g["macro_f1_ci"][0] <= g["macro_f1"] <= g["macro_f1_ci"][1] and g["ece"] is not None
    assert "largest gap" in capsys.readouterr().out
    assert "## Quality per group" in (out / "report.md").read_text()


def _one_line_error(capsys):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize("case, code, words", [
    (lambda f: ["--batch", str(f["root"] / "missing.csv")], 1, "no such file"),
    (lambda f: ["--text-column", "review"], 2, "no such column"),  # option errors: 2, as in predict
    (lambda f: ["--lang", "de"], 2, "no vectors for 'de'"),
    (lambda f: ["--batch", str(f["empty"])], 1, "need at least 2"),
    (lambda f: ["--labels-column", "label", "--group-column", "nope"], 2, "--group-column"),
    (lambda f: ["--thresholds", "psi=-1"], 2, "psi"),
    (lambda f: ["--permutations", "0"], 2, "--permutations"),
    (lambda f: ["--permutations", "50"], 2, "smallest p-value"),  # could never reject at alpha 0.01
    (lambda f: ["--group-column", "country"], 2, "needs --labels-column"),
])
def test_bad_input_exits_with_one_line(files, capsys, case, code, words):
    empty = files["root"] / "empty.csv"
    empty.write_text("text\n\n", encoding="utf-8")
    args = case({**files, "empty": empty})
    batch = args[args.index("--batch") + 1] if "--batch" in args else str(files["same"])
    rest = [a for i, a in enumerate(args) if a != "--batch" and (i == 0 or args[i - 1] != "--batch")]
    code_got = main(["monitor", "--model", str(files["model"]), "--reference", str(files["ref"]),
                     "--batch", batch, "--lang", "es", *FAST, *rest])
    assert code_got == code
    assert words in _one_line_error(capsys)


def test_out_never_replaces_a_folder_of_other_files(files, capsys):
    foreign = files["root"] / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep")
    assert monitor(files, files["same"], "--out", str(foreign)) == 2
    assert "not a run folder" in _one_line_error(capsys) and (foreign / "notes.txt").exists()
