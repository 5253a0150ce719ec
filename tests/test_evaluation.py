import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_score, recall_score

from xproj.evaluation import bli_scores, classification_scores
from xproj.vectors import WordVectors


def test_classification_scores_match_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 400)
    p = np.where(rng.random(400) < 0.6, y, rng.integers(0, 4, 400))
    r = classification_scores(y, p, ["a", "b", "c", "d"], n_boot=300, seed=1)
    assert np.isclose(r["macro_f1"], f1_score(y, p, average="macro"))
    assert np.isclose(r["accuracy"], accuracy_score(y, p))
    assert r["confusion"] == confusion_matrix(y, p).tolist()
    assert np.isclose(r["per_class"]["b"]["precision"], precision_score(y, p, average=None)[1])
    assert np.isclose(r["per_class"]["c"]["recall"], recall_score(y, p, average=None)[2])
    lo, hi = r["macro_f1_ci"]
    assert lo < r["macro_f1"] < hi and hi - lo < 0.15
    assert classification_scores(y, p, ["a", "b", "c", "d"], n_boot=300, seed=1) == r  # seeded


def test_bli_any_gold_translation_and_coverage():
    src = WordVectors(["a", "b", "c"], np.eye(3))
    tgt = WordVectors(["x", "y", "z"], np.eye(3))
    pairs = [("a", "q"), ("a", "x"), ("b", "x"), ("c", "z"), ("d", "y")]
    res = bli_scores(src, tgt, pairs, ks=(1, 2))
    assert res["queries"] == 4 and res["covered"] == 3
    assert res["nn"]["p@1"] == 2 / 3 and res["nn"]["p@1_all"] == 2 / 4
