"""``xproj retrain`` of a model with a target-native student (``model.student``): the student
is refit after the classifier, taught by it, on the texts of the project's inputs with the
people's labels as gold labels, deterministically; a missing or changed input stops it first."""

import json

import numpy as np
import pytest
from test_loop_queue import read_csv, snapshot
from test_predict import (  # noqa: F401  (fixture model: a small saved synthetic en->es model, no student)
    SMALL,
    WORLD,
    model,
    write_csv,
)

from xproj.cli import main
from xproj.datasets.synthetic import make_bilingual_world, make_documents
from xproj.persistence import load_model
from xproj.student import StudentVote

NAMES = ["negative", "positive"]


@pytest.fixture(scope="module")
def student_model(tmp_path_factory):
    """A small saved synthetic en->es run model whose es student (weight 0.75) dominates."""
    out = tmp_path_factory.mktemp("run") / "student"
    assert main(["run", "synthetic", "--out", str(out), "--quiet", *SMALL,
                 "--set", "model.student=tfidf", "--set", "features.adapt=train"]) == 0
    path = out / "model-es.joblib"
    assert load_model(path)["model"].student("es")["weight"] == 0.75
    return path


@pytest.fixture(scope="module")
def texts():
    world = make_bilingual_world(src_lang="en", tgt_lang="es", **WORLD)
    return [" ".join(t) for t in make_documents(world, 120, side="tgt", seed=7)[0]]


def flipped_round(tmp, model_path, texts, *columns):
    """Queue 30 rows of a pool (columns ``rid``/``body``), label each the other way than the
    parent predicts it: ``(labels file, {text: label index})``."""
    pool = write_csv(tmp / "pool.csv", [(f"r{i}", t) for i, t in enumerate(texts)], header=("rid", "body"))
    assert main(["label-queue", "--model", str(model_path), "--input", str(pool), "--lang", "es", "--n", "30",
                 "--out", str(tmp / "queue.csv"), "--id-column", "rid", "--text-column", "body"]) == 0
    rows = read_csv(tmp / "queue.csv")
    for r in rows:
        r["label"] = NAMES[1 - NAMES.index(r["prediction"])]
    write_csv(tmp / "filled.csv", [list(r.values()) for r in rows], header=list(rows[0]))
    return tmp / "filled.csv", {r["text"]: NAMES.index(r["label"]) for r in rows}


def retrain(model_path, labels, out):
    return main(["retrain", "--model", str(model_path), "--labels", str(labels), "--out", str(out)])


def test_the_student_is_refit_on_the_inputs_with_the_labels_and_follows_them(tmp_path, student_model, texts,
                                                                             monkeypatch, capsys):
    labels, gold = flipped_round(tmp_path, student_model, texts)
    parent = load_model(student_model)["model"]
    calls, real = [], StudentVote.fit_student

    def spy(self, X_unlabelled, lang, **kw):
        calls.append((list(X_unlabelled), kw["labelled"], self.estimator_.coef_.copy(), kw))
        return real(self, X_unlabelled, lang, **kw)

    monkeypatch.setattr(StudentVote, "fit_student", spy)
    capsys.readouterr()
    assert retrain(student_model, labels, tmp_path / "v1.joblib") == 0
    said = capsys.readouterr().out
    assert ("kept: student tfidf 0.75 and its options (soft labels, C=1, text), refit on 90 unlabelled documents "
            "of the project's inputs and the 30 labelled ones") in said
    assert "400 training documents, labels dropped)" not in said  # the old student is not said to be kept
    (pool, labelled, coef, kw), = calls
    # the pool: the input's texts less the labelled ones, which are learnt with their gold labels
    assert len(pool) == 90 and set(pool) == set(texts) - set(gold)
    assert sorted(zip(labelled[0], labelled[1].tolist())) == sorted(gold.items())
    # the teacher is the refitted classifier; the options are the saved student's and the run's seed
    assert not np.array_equal(coef, parent.estimator_.coef_)
    assert (kw["weight"], kw["labels"], kw["C"], kw["seed"]) == (0.75, "soft", 1.0, 0)
    new = load_model(tmp_path / "v1.joblib")["model"]
    assert new.student("es")["pool"] == 120 and new.student("es")["origin"] == "documents of the loop's inputs"
    # the labels contradict the parent everywhere; the new model follows most of them
    L, y = list(gold), np.array(list(gold.values()))
    assert np.mean(parent.predict(L, lang="es") == y) == 0
    assert np.mean(new.predict(L, lang="es") == y) >= 0.8
    rnd = json.loads((tmp_path / "loop" / "manifest.json").read_text())["rounds"][0]["input"]
    assert (rnd["id_column"], rnd["text_column"]) == ("rid", "body")


def test_the_same_labels_and_seed_give_identical_probabilities(tmp_path, student_model, texts):
    labels, _ = flipped_round(tmp_path, student_model, texts)
    assert retrain(student_model, labels, tmp_path / "v1.joblib") == 0
    assert retrain(student_model, labels, tmp_path / "v2.joblib") == 0
    a, b = (load_model(tmp_path / f"v{i}.joblib")["model"].predict_proba(texts, lang="es") for i in (1, 2))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("problem", ["gone", "changed"])
def test_a_missing_or_changed_input_stops_it_with_one_line_and_nothing_written(problem, tmp_path, student_model,
                                                                               texts, capsys):
    labels, _ = flipped_round(tmp_path, student_model, texts)
    pool = tmp_path / "pool.csv"
    if problem == "gone":
        pool.unlink()
    else:
        pool.write_text(pool.read_text(encoding="utf-8") + "r999,otro texto\n", encoding="utf-8")
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert retrain(student_model, labels, tmp_path / "v1.joblib") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pool.csv" in err[0] and "round 1" in err[0], err
    assert ("is gone" if problem == "gone" else "sha256 differs") in err[0]
    assert snapshot(tmp_path) == before and not (tmp_path / "v1.joblib").exists()


def test_an_input_grown_between_rounds_is_read_as_the_last_round_saw_it(tmp_path, student_model, texts, capsys):
    labels, _ = flipped_round(tmp_path, student_model, texts)
    with open(tmp_path / "pool.csv", "a", encoding="utf-8") as f:  # new reviews arrived; queue again
        f.writelines(f"n{i},{t}\n" for i, t in enumerate(texts[:20]))
    assert main(["label-queue", "--model", str(student_model), "--input", str(tmp_path / "pool.csv"), "--lang", "es",
                 "--n", "5", "--out", str(tmp_path / "queue2.csv"), "--id-column", "rid", "--text-column", "body"]) == 0
    capsys.readouterr()
    assert retrain(student_model, labels, tmp_path / "v1.joblib") == 0
    assert "refit on 110 unlabelled documents of the project's inputs and the 30 labelled ones" in capsys.readouterr().out


def test_without_a_student_the_inputs_are_not_needed(tmp_path, model, texts, capsys):
    labels, _ = flipped_round(tmp_path, model, texts)
    (tmp_path / "pool.csv").unlink()  # the queued rows in the manifest are all a retrain reads
    capsys.readouterr()
    assert retrain(model, labels, tmp_path / "v1.joblib") == 0
    said = capsys.readouterr().out
    assert "trained on 30 labelled target documents" in said and "kept: student" not in said
    assert load_model(tmp_path / "v1.joblib")["model"].student("es") is None


def test_a_pool_queued_by_a_relative_path_is_found_from_another_folder(tmp_path, student_model, texts,
                                                                      monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    pool = write_csv(work / "pool.csv", [(f"r{i}", t) for i, t in enumerate(texts)], header=("rid", "body"))
    assert main(["label-queue", "--model", str(student_model), "--input", pool.name, "--lang", "es", "--n", "30",
                 "--out", str(work / "queue.csv"), "--id-column", "rid", "--text-column", "body"]) == 0
    rows = read_csv(work / "queue.csv")
    for r in rows:
        r["label"] = r["prediction"]
    write_csv(work / "filled.csv", [list(r.values()) for r in rows], header=list(rows[0]))
    monkeypatch.chdir(tmp_path)  # retrain run from elsewhere: the manifest's input path still leads to the pool
    assert retrain(student_model, work / "filled.csv", tmp_path / "v1.joblib") == 0
    assert load_model(tmp_path / "v1.joblib")["model"].student("es")["pool"] == 120
