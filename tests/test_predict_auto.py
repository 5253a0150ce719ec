"""``xproj predict --lang auto``: each row's language detected on its own, the row scored by
its language's model (a model with several languages, or a folder of models), rows without
an identified language or without a model reported on the row, order and count kept.

The models are tiny and made here: a few real English, Spanish and French words whose
vectors carry the sentiment on one axis (aligned by construction), so that the real detector
can be used on real sentences; routing itself is also tested with a stand-in detector."""

import csv
import sys

import numpy as np
import pytest
from test_predict import write_csv

from xproj.cli import main
from xproj.features import AlignedSpace
from xproj.lang import detect as detect_module
from xproj.lang.detect import Detection
from xproj.model import CrossLingualClassifier, save_model
from xproj.vectors import WordVectors

#: (English, Spanish, French, polarity): polarity +1/-1 on axis 0, 0 for neutral words.
WORDS = [("good", "bueno", "bon", 1), ("great", "genial", "super", 1), ("clean", "limpio", "propre", 1),
         ("friendly", "amable", "aimable", 1), ("bad", "malo", "mauvais", -1), ("dirty", "sucio", "sale", -1),
         ("awful", "horrible", "affreux", -1), ("rude", "grosero", "impoli", -1), ("room", "habitacion", "chambre", 0),
         ("hotel", "hotel", "hotel", 0), ("staff", "personal", "personnel", 0), ("the", "el", "le", 0),
         ("was", "era", "etait", 0), ("very", "muy", "tres", 0), ("and", "y", "et", 0)]
EN = ["the room was clean and the staff very friendly", "great hotel , very good room", "the hotel was good",
      "the room was dirty and the staff rude", "awful hotel , very bad room", "the staff was bad"] * 5
EN_Y = [1, 1, 1, 0, 0, 0] * 5


def _space(langs):
    rng = np.random.default_rng(0)
    base = rng.normal(scale=0.3, size=(len(WORDS), 8))
    base[:, 0] = [3.0 * w[3] for w in WORDS]
    column = {"en": 0, "es": 1, "fr": 2}
    return AlignedSpace({lang: WordVectors([w[column[lang]] for w in WORDS], base.copy()) for lang in langs})


def _model(path, target):
    """A model trained on :data:`EN`, knowing English and ``target``."""
    from xproj.lang import get_preprocessor

    model = CrossLingualClassifier(_space(["en", target]), source_lang="en")
    model.fit([t.split() for t in EN], np.array(EN_Y))
    column = {"es": 1, "fr": 2}[target]
    pre = get_preprocessor(target)
    model.adapt([pre(" ".join(w[column] for w in WORDS[i:i + 4])) for i in range(12)] * 3, target)
    save_model(model, path, label_names=["negative", "positive"])
    return path


@pytest.fixture(scope="module", autouse=True)
def _no_lemma_tables():
    # Loading spaCy's lemma tables for en/es/fr takes seconds; lemmas are not what is tested.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("xproj.space._lemma_lang", lambda lang: None)
        yield


@pytest.fixture(scope="module")
def models(tmp_path_factory, _no_lemma_tables):
    folder = tmp_path_factory.mktemp("models")
    _model(folder / "model-es.joblib", "es")
    _model(folder / "model-fr.joblib", "fr")
    return folder


ROWS = [("1", "The room was clean and the staff very friendly."),
        ("2", "La habitacion era muy limpia y el personal muy amable."),
        ("3", "👍👍"),
        ("4", "Das Zimmer war schmutzig und das Personal unfreundlich."),
        ("5", "El hotel era horrible, la habitacion sucia y el personal grosero."),
        ("6", "La chambre était sale et le personnel très impoli."),
        ("7", "")]


def predict(model, inp, out, lang="auto", *extra):
    code = main(["predict", "--model", str(model), "--input", str(inp), "--lang", lang, "--output", str(out),
                 "--quiet", *extra])
    assert code == 0
    with open(out, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_mixed_file_is_routed_row_by_row_with_the_real_detector(models, tmp_path, capsys):
    pytest.importorskip("py3langid")
    rows = predict(models / "model-es.joblib", write_csv(tmp_path / "in.csv", ROWS), tmp_path / "out.csv")
    assert [r["id"] for r in rows] == [i for i, _ in ROWS] and [r["row"] for r in rows] == list("1234567")
    assert [r["lang"] for r in rows] == ["en", "es", "", "de", "es", "fr", ""]
    assert [r["label"] for r in rows] == ["positive", "positive", "", "", "negative", "", ""]
    assert "no letters" in rows[2]["error"] and rows[6]["error"] == "empty text"
    for i in (3, 5):  # de and fr: this model has no vectors for them, so no label
        assert "no model for language" in rows[i]["error"] and "models for en, es" in rows[i]["error"]
    assert "languages: not identified 2, es 2, de 1, en 1, fr 1" in capsys.readouterr().out


def test_a_folder_gives_each_language_its_own_model(models, tmp_path):
    pytest.importorskip("py3langid")
    rows = predict(models, write_csv(tmp_path / "in.csv", ROWS), tmp_path / "out.csv")
    assert [r["label"] for r in rows] == ["positive", "positive", "", "", "negative", "negative", ""]
    assert "no model for language 'de' (models for en, es, fr)" == rows[3]["error"]


def test_auto_with_candidates_chooses_among_them_only(models, tmp_path):
    pytest.importorskip("py3langid")
    rows = predict(models, write_csv(tmp_path / "in.csv", ROWS[:2]), tmp_path / "out.csv", "auto:en,es")
    assert [r["lang"] for r in rows] == ["en", "es"]
    # a region or script suffix names its language, as --lang es-MX does (it was "does not know es-mx")
    regional = predict(models, write_csv(tmp_path / "in.csv", ROWS[:2]), tmp_path / "r.csv", "auto:en-GB,es_MX")
    assert regional == rows


def fake_detect(texts, candidates=None, **kw):
    """Stand-in detector: the language is the text's first word (``en: ...``)."""
    return [Detection(t.split(":")[0], 1.0, None) if ":" in t else Detection(None, None, "undecided")
            for t in texts]


@pytest.fixture
def stand_in_detector(monkeypatch):
    monkeypatch.setattr(detect_module, "detect", fake_detect)


def test_rows_keep_order_count_and_scores_whatever_their_neighbours(models, tmp_path, stand_in_detector):
    rows = [(str(i), f"{lang}: {text}") for i, (lang, text) in enumerate(
        [("en", "the hotel was good"), ("es", "el hotel era malo"), ("fr", "le hotel etait bon"),
         ("de", "das Hotel"), ("xx", "?"), ("es", "muy bueno"), ("en", "awful room")] * 6)]
    rows.append(("99", "no language here"))
    mixed = predict(models, write_csv(tmp_path / "in.csv", rows), tmp_path / "o1.csv", "auto", "--chunk-size", "4")
    assert [r["id"] for r in mixed] == [i for i, _ in rows]
    assert [r["lang"] for r in mixed] == [t.split(":")[0] if ":" in t else "" for _, t in rows]
    for r in mixed[:8]:  # one row of each kind, scored alone
        alone = predict(models, write_csv(tmp_path / "one.csv", [(r["id"], r["text"])]), tmp_path / "o2.csv")[0]
        assert {k: alone[k] for k in ("lang", "label", "probability", "error")} == \
               {k: r[k] for k in ("lang", "label", "probability", "error")}
    assert {r["label"] for r in mixed if r["lang"] in ("en", "es", "fr")} == {"positive", "negative"}
    assert all(r["label"] == "" and "no model for language" in r["error"] for r in mixed if r["lang"] in ("de", "xx"))
    assert mixed[-1]["error"] == "undecided"


def assert_one_line(capsys, code, expected, *words):
    err = capsys.readouterr().err.strip()
    assert code == expected and len(err.splitlines()) == 1, err
    assert all(w in err for w in words), err


def test_missing_extra_is_one_line_and_exit_1(models, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "py3langid", None)
    monkeypatch.setitem(sys.modules, "py3langid.langid", None)
    detect_module._identifier.cache_clear()
    out = tmp_path / "out.csv"
    try:
        code = main(["predict", "--model", str(models), "--input", str(write_csv(tmp_path / "in.csv", ROWS)),
                     "--lang", "auto", "--output", str(out), "--quiet"])
    finally:
        detect_module._identifier.cache_clear()
    assert_one_line(capsys, code, 1, "pip install 'xproj[langid]'")
    assert not out.exists()


@pytest.mark.parametrize("extra, words", [
    (["--lang", "auto:en,xx"], ["does not know xx"]),
    (["--lang", "auto:"], ["auto:"]),
    (["--lang", "auto", "--adapt-on", "IN"], ["--adapt-on", "not available with --lang auto"]),
    (["--lang", "es", "--model-is-folder"], ["a folder of models needs --lang auto"]),
])
def test_bad_auto_options_are_one_line_and_exit_2(models, tmp_path, capsys, extra, words):
    pytest.importorskip("py3langid")
    inp = write_csv(tmp_path / "in.csv", ROWS)
    model = models if "--model-is-folder" in extra else models / "model-es.joblib"
    extra = [str(inp) if a == "IN" else a for a in extra if a != "--model-is-folder"]
    code = main(["predict", "--model", str(model), "--input", str(inp), "--output", str(tmp_path / "o.csv"),
                 "--quiet", *extra])
    assert_one_line(capsys, code, 2, *words)


def test_two_models_for_one_language_in_a_folder_are_refused(models, tmp_path, capsys):
    pytest.importorskip("py3langid")
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ("a.joblib", "b.joblib"):
        (folder / name).write_bytes((models / "model-es.joblib").read_bytes())
    code = main(["predict", "--model", str(folder), "--input", str(write_csv(tmp_path / "in.csv", ROWS)),
                 "--lang", "auto", "--output", str(tmp_path / "o.csv"), "--quiet"])
    assert_one_line(capsys, code, 2, "a.joblib and b.joblib", "'es'")
