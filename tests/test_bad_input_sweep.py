"""Bad input a careful new user meets (a config saved with a byte-order mark, ``--set`` with
spaces or a broken list, a duplicated language, ...): one line naming the file or option and the
problem, the documented exit code, checked before any work, nothing half-written."""

import pytest

from xproj.cli import main
from xproj.config import load_config
from xproj.errors import ConfigError

TINY = ["--set", "synthetic.n_words=300", "--set", "synthetic.dim=10", "--set", "synthetic.n_train_docs=200",
        "--set", "synthetic.n_test_docs=100", "--set", "evaluation.bootstrap=0", "--set", "output.plots=false",
        "--set", "model.C=[1.0]", "--set", 'evaluation.baselines=["majority"]', "--set", "output.save_model=false"]


def one_line(capsys) -> str:
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


# -- run configs ---------------------------------------------------------------------------

def test_config_saved_with_a_byte_order_mark_is_read(tmp_path):
    # before: "not valid TOML (Invalid statement (at line 1, column 1))" for a file Notepad saved
    cfg = tmp_path / "my.toml"
    cfg.write_bytes(b"\xef\xbb\xbf" + '[features]\npooling = "sif"\n'.encode())
    assert load_config(str(cfg))["features"]["pooling"] == "sif"


@pytest.mark.parametrize("item, key, value", [
    ("features.pooling = sif", "pooling", "sif"),        # before: ' sif' is not one of 'mean', ...
    ("features.pooling=sif ", "pooling", "sif"),
    ("features.remove_pc = 1", "remove_pc", 1),
])
def test_set_with_spaces_around_the_value(item, key, value):
    assert load_config("synthetic", [item])["features"][key] == value


@pytest.mark.parametrize("item, problem", [
    ("model.C=[0.1,", "--set model.C=[0.1,: not a valid TOML value"),    # before: must be a list, got str
    ('name="demo', '--set name="demo: not a valid TOML value'),           # before: ran as a run named "demo
    ("vectors.paths.es=[a.vec", "--set vectors.paths.es=[a.vec: not a valid TOML value"),
])
def test_set_value_that_is_broken_toml_names_it(item, problem, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a run that went ahead would write runs/ here
    with pytest.raises(ConfigError, match="^" + problem.replace("[", r"\[").replace(".", r"\.")):
        load_config("synthetic", [item])
    assert main(["run", "synthetic", "--set", item, "--quiet"]) == 2
    assert one_line(capsys).startswith(f"xproj run: configuration error: {problem}")
    assert list(tmp_path.iterdir()) == []


def test_a_bare_string_still_needs_no_quotes():
    assert load_config("synthetic", ["description=my run, 2nd try"])["description"] == "my run, 2nd try"


def test_target_language_named_twice(tmp_path, capsys):
    # before: a synthetic run printed its banner, then failed; a real run would score the language twice
    out = tmp_path / "r"
    assert main(["run", "synthetic", "--set", 'data.target_langs=["es", "es"]', "--out", str(out), *TINY]) == 2
    assert capsys.readouterr().out == ""
    with pytest.raises(ConfigError, match=r"data.target_langs = \['zh', 'zh'\] names 'zh' twice"):
        load_config("opener-en-multi", ['data.target_langs=["zh", "zh"]'])
    assert not out.exists()


def test_synthetic_run_with_two_targets_stops_before_the_banner(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "synthetic", "--set", 'data.target_langs=["es", "de"]', "--out", str(out), *TINY]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "the synthetic world has one target language" in captured.err
    assert not out.exists()


# -- monitor ----------------------------------------------------------------------------------

def test_monitor_threshold_given_twice_is_refused():
    from xproj.loop import drift

    # before: psi=0.1,psi=0.3 ran with 0.3, the first silently dropped
    with pytest.raises(ConfigError, match="^--thresholds: psi is given twice"):
        drift.parse_thresholds("psi=0.1, alpha=0.05, psi=0.3")


# -- align / bli ------------------------------------------------------------------------------

def _vec(path, rows, dim=4, header=True):
    lines = [f"{len(rows)} {dim}"] if header else []
    lines += [f"{w} " + " ".join(v) for w, v in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def spaces(tmp_path):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4))
    en = _vec(tmp_path / "en.vec", [(f"e{i}", [f"{x:.4f}" for x in v]) for i, v in enumerate(X)])
    rows = [(f"s{i}", [f"{x:.4f}" for x in v]) for i, v in enumerate(X)]
    rows.insert(5, ("broken", ["0.1", "0.2"]))  # a ragged row
    es = _vec(tmp_path / "es.vec", rows)
    (tmp_path / "dict.txt").write_text("".join(f"e{i} s{i}\n" for i in range(30)), encoding="utf-8")
    (tmp_path / "test.txt").write_text("".join(f"e{i} s{i}\n" for i in range(30, 40)), encoding="utf-8")
    return tmp_path, en, es


def test_align_and_bli_can_skip_malformed_vector_lines(spaces, capsys, caplog):
    # before: the error advised vectors.on_bad_line, a run option that align and bli do not have
    tmp, en, es = spaces
    out = tmp / "al"
    assert main(["align", str(en), str(es), "--dictionary", str(tmp / "dict.txt"), "--out", str(out)]) == 1
    err = one_line(capsys)
    assert err.startswith(f"xproj align: error: {es}, line 7: has 2 values, expected 4") and "--on-bad-line skip" in err
    assert not out.exists()
    assert main(["align", str(en), str(es), "--dictionary", str(tmp / "dict.txt"), "--out", str(out),
                 "--on-bad-line", "skip"]) == 0
    assert "skipped 1 malformed lines" in caplog.text  # a logged warning: stderr outside pytest
    assert main(["bli", str(en), str(es), "--dictionary", str(tmp / "test.txt"), "--mapping", str(out),
                 "--on-bad-line", "skip"]) == 0
    assert "queries 10, covered 10" in capsys.readouterr().out


# -- JSON lines: lines that are not objects, numeric ids; rows adapt leaves out ---------------

@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    from test_predict import SMALL

    out = tmp_path_factory.mktemp("run") / "small"
    assert main(["run", "synthetic", "--out", str(out), "--quiet", *SMALL]) == 0
    return out / "model-es.joblib"


@pytest.fixture(scope="module")
def texts():
    from test_predict import WORLD

    from xproj.datasets.synthetic import make_bilingual_world, make_documents

    world = make_bilingual_world(src_lang="en", tgt_lang="es", **WORLD)
    docs, _ = make_documents(world, 6, side="tgt", seed=3)
    return [" ".join(d) for d in docs]


def _jsonl(path, texts):
    import json

    lines = [json.dumps({"id": 1, "text": texts[0]}), "[1, 2]", '"just a string"', "42", "null",
             json.dumps({"id": 2, "text": texts[1]})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_predict_names_a_json_line_that_is_not_an_object(small_model, texts, tmp_path, capsys):
    import csv

    inp, out = _jsonl(tmp_path / "in.jsonl", texts), tmp_path / "out.csv"
    assert main(["predict", "--model", str(small_model), "--lang", "es", "--input", str(inp),
                 "--output", str(out), "--quiet"]) == 0
    rows = list(csv.DictReader(out.open(newline="", encoding="utf-8")))
    # before: "no field 'text'" for all four, as if the object lacked the field
    assert [r["error"] for r in rows] == [
        "", "no field 'text' (the row is a list of values, not an object with named fields)",
        "no field 'text' (the line is a JSON string, not an object)",
        "no field 'text' (the line is a JSON number, not an object)",
        "no field 'text' (the line is a JSON null, not an object)", ""]


@pytest.mark.parametrize("command", ["adapt", "predict"])
def test_rows_left_out_of_an_adaptation_are_said(command, small_model, texts, tmp_path, capsys):
    # before: "2 documents -> ..." and nothing about the 4 rows that could not be read
    inp = _jsonl(tmp_path / "in.jsonl", texts)
    argv = (["adapt", "--out", str(tmp_path / "m.joblib")] if command == "adapt" else
            ["predict", "--output", str(tmp_path / "o.csv"), "--adapt-on", str(inp), "--quiet"])
    assert main([*argv, "--model", str(small_model), "--lang", "es", "--input", str(inp)]) == 0
    err = capsys.readouterr().err
    assert (f"{inp}: 4 rows left out of the adaptation (unreadable or without a text; first: row 2, no field "
            "'text' (the row is a list of values, not an object with named fields))") in err.splitlines()


def test_label_queue_takes_whole_number_json_ids(small_model, texts, tmp_path, capsys):
    import csv

    inp, out = _jsonl(tmp_path / "in.jsonl", texts), tmp_path / "q.csv"
    # before: "field 'id' is not a string" for every row, and "0 rows to label"
    assert main(["label-queue", "--model", str(small_model), "--lang", "es", "--input", str(inp),
                 "--out", str(out), "--n", "5"]) == 0
    assert sorted(r["id"] for r in csv.DictReader(out.open(newline="", encoding="utf-8"))) == ["1", "2"]


@pytest.mark.parametrize("content, problem", [
    ("id,text\n", "no row to queue: it has no data rows"),
    ('{"id": true, "text": "a"}\n{"text": "b"}\n',
     "no row to queue: all 2 rows are unreadable (line 1: field 'id' is not a string)"),
])
def test_label_queue_with_no_usable_row_is_a_data_error(content, problem, small_model, tmp_path, capsys):
    # before: exit 0, an empty queue written, and "every readable row was queued or labelled before"
    inp = tmp_path / ("in.csv" if content.startswith("id,") else "in.jsonl")
    inp.write_text(content, encoding="utf-8")
    out = tmp_path / "q" / "q.csv"
    assert main(["label-queue", "--model", str(small_model), "--lang", "es", "--input", str(inp),
                 "--out", str(out)]) == 1
    assert one_line(capsys) == f"xproj label-queue: error: {inp}: {problem}"
    assert not (tmp_path / "q").exists()


def test_align_interrupted_while_writing_leaves_the_folder_as_it_was(spaces, monkeypatch):
    import xproj.vectors

    tmp, en, _ = spaces
    es = _vec(tmp / "es_ok.vec", [(f"s{i}", line.split()[1:]) for i, line in
                                  enumerate(en.read_text(encoding="utf-8").splitlines()[1:])])
    out = tmp / "al"
    argv = ["align", str(en), str(es), "--dictionary", str(tmp / "dict.txt"), "--out", str(out),
            "--test-dictionary", str(tmp / "test.txt"), "--write-vectors"]
    assert main(argv) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["bli.json", "mapping.json", "mapping.npy", "src.mapped.vec", "tgt.mapped.vec"]
    real = xproj.vectors.write_vec

    def ctrl_c_on_the_target_side(space, path, **kw):
        if path.name == "tgt.mapped.vec":
            raise KeyboardInterrupt
        return real(space, path, **kw)

    monkeypatch.setattr(xproj.vectors, "write_vec", ctrl_c_on_the_target_side)
    # before: a new mapping.npy/.json and src.mapped.vec beside the old tgt.mapped.vec and bli.json
    assert main([*argv[:-1], "--write-vectors", "--recipe", "supervised"]) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no hidden staging folder either
    fresh = tmp / "fresh"
    assert main([*argv[:6], str(fresh), "--write-vectors"]) == 130
    assert not fresh.exists()


@pytest.mark.parametrize("k", [20, 21, 299, 300, 301, 1000])
def test_csls_neighbourhood_larger_than_a_space_is_the_whole_space(k):
    import numpy as np

    from xproj.retrieval import retrieve

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 10)).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    Q = X[:20]  # the hubness of targets is taken over the 20 queries
    C = Q @ X.T
    r_t = np.sort(X @ Q.T, axis=1)[:, ::-1][:, :k].mean(axis=1)
    r_q = np.sort(C, axis=1)[:, ::-1][:, :k].mean(axis=1)
    scores = 2 * C - r_t[None, :] - r_q[:, None]
    idx, val = retrieve(Q, X, topn=1, method="csls", k=k)
    # before: k above 20 (the queries) gave every score inf and every answer target 0
    assert np.isfinite(val).all()
    assert (idx[:, 0] == scores.argmax(axis=1)).all()
    np.testing.assert_allclose(val[:, 0], scores.max(axis=1), atol=1e-5)


def test_bli_csls_k_above_the_vocabulary(spaces, capsys):
    tmp, en, _ = spaces
    es = _vec(tmp / "es_ok.vec", [(f"s{i}", line.split()[1:]) for i, line in
                                  enumerate(en.read_text(encoding="utf-8").splitlines()[1:])])
    # before: P@1 0.0000 (every CSLS score inf) once --csls-k exceeded the 40 words
    assert main(["bli", str(en), str(es), "--dictionary", str(tmp / "test.txt"), "--csls-k", "41"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split()[:2] == ["csls", "1.0000"]


# -- cache --------------------------------------------------------------------------------------

def test_cache_clear_of_a_file_without_entries_says_so(tmp_path, capsys):
    cdir = tmp_path / "cache"
    cdir.mkdir()
    missing = tmp_path / "never-loaded.vec"
    assert main(["cache", "clear", str(missing), "--cache-dir", str(cdir)]) == 1
    # before: "xproj cache: error: <cache>: cannot remove it: <file>: no cache entries ..."
    assert one_line(capsys) == f"xproj cache: error: {missing}: no cache entries in {cdir} for this file"


# -- tables: a header naming a column twice --------------------------------------------------

@pytest.mark.parametrize("command", ["predict", "adapt", "label-queue"])
def test_header_naming_a_column_twice_is_a_data_error(command, fake_model_file, tmp_path, capsys):
    inp = tmp_path / "in.csv"
    inp.write_text("id,text,text\n1,hola,adios\n", encoding="utf-8")
    out = tmp_path / "out" / "o.csv"
    # before: each row kept only the last 'text' (the first column's values silently gone) and was scored on it
    assert main([command, "--model", str(fake_model_file), "--lang", "es", "--input", str(inp),
                 "--output" if command == "predict" else "--out", str(out)]) == 1
    assert one_line(capsys) == (f"xproj {command}: error: {inp}, line 1: the header names the column 'text' "
                                "twice (columns 2 and 3); rename one")
    assert not out.parent.exists()


def test_an_unnamed_index_column_is_still_read():
    import io

    from xproj.tables import iter_records

    recs = list(iter_records(io.StringIO(",id,text\n0,1,hola\n", newline=""), "csv"))
    assert recs[0].fields == {"": "0", "id": "1", "text": "hola"}


@pytest.fixture
def fake_model_file(tmp_path):
    path = tmp_path / "model-es.joblib"
    path.write_bytes(b"not loaded: the input is checked first")
    return path


# -- a run's table datasets: the advice fits a run, where the library's keywords do not exist --------

@pytest.mark.parametrize("content, problem", [
    (b"text,label\nhola,positive\nadios,negative,extra\n",
     "line 3: 3 columns, expected 2 (text, label) (fix or remove the row; the library's loaders leave such "
     "rows out with errors='skip')"),
    (b"text,label\ncaf\xe9,positive\n",
     "line 2: byte(s) b'\\xe9' at column 4 are not valid utf-8; re-save the file as UTF-8 (the library's "
     "loaders take encoding=...)"),
])
def test_table_dataset_errors_advise_what_a_run_can_do(content, problem, tmp_path):
    from xproj.datasets.table import load_table
    from xproj.errors import InputFormatError

    path = tmp_path / "es.csv"
    path.write_bytes(content)
    # before: "(pass errors='skip' ...)" / "or pass the right encoding", options a run does not have
    with pytest.raises(InputFormatError) as exc:
        load_table(path, text_column="text", label_column="label", lang="es")
    assert str(exc.value) == f"{path}, {problem}"


@pytest.mark.parametrize("errors", ["raise", "skip"])
def test_table_dataset_column_missing_from_the_header_is_an_option_error(errors, tmp_path):
    from xproj.datasets.table import load_table

    path = tmp_path / "en.csv"
    path.write_bytes(b"review,label\nhola,positive\n")
    # before: "line 2: no text column 'text' (have: review, label)", a bad row (exit 1), or with
    # errors='skip' every row skipped
    with pytest.raises(ConfigError, match=r"en\.csv: no text column 'text'; its header: review, label "
                                          r"\(a run's data\.text_column\)$"):
        load_table(path, text_column="text", label_column="label", lang="en", errors=errors)


def test_json_lines_table_dataset_row_without_the_field_is_still_a_row_problem(tmp_path):
    from xproj.datasets.table import load_table

    path = tmp_path / "en.jsonl"
    path.write_text('{"text": "hola", "label": "positive"}\n{"label": "negative"}\n', encoding="utf-8")
    ds = load_table(path, text_column="text", label_column="label", lang="en", errors="skip")
    assert ds.texts == ["hola"] and ds.meta["skipped"] == 1


# -- retrain ----------------------------------------------------------------------------------

@pytest.fixture
def filled_queue(small_model, texts, tmp_path):
    import csv

    pool = tmp_path / "pool.csv"
    with pool.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("id", "text"), *((f"r{i}", t) for i, t in enumerate(texts))])
    queue = tmp_path / "q.csv"
    assert main(["label-queue", "--model", str(small_model), "--lang", "es", "--input", str(pool),
                 "--out", str(queue), "--n", "4"]) == 0
    rows = list(csv.DictReader(queue.open(newline="", encoding="utf-8")))
    for i, r in enumerate(rows):
        r["label"] = ("negative", "positive")[i % 2]
    with queue.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return queue


@pytest.mark.parametrize("dev, problem", [
    ('{"text": "hola", "label": 1}\n', "labels not applied (1 problem; nothing was changed):"),  # before: a traceback
    ("id,text\n1,hola\n", "--dev {dev}: no 'label' column (its columns: id, text)"),  # before: one line per row
])
def test_retrain_dev_file_problems_are_named(dev, problem, small_model, filled_queue, tmp_path, capsys):
    path = tmp_path / ("dev.jsonl" if dev.startswith("{") else "dev.csv")
    path.write_text(dev, encoding="utf-8")
    out = tmp_path / "m1.joblib"
    assert main(["retrain", "--model", str(small_model), "--labels", str(filled_queue), "--out", str(out),
                 "--dev", str(path), "--bootstrap", "0"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.splitlines()[0] == f"xproj retrain: error: {problem.format(dev=path)}"
    if dev.startswith("{"):
        assert err.splitlines()[1] == f"  {path}, line 1: unknown or empty label 1 (negative, positive)"
    assert not out.exists()


def test_retrain_names_a_missing_labels_file_before_the_project(small_model, tmp_path, capsys):
    missing = tmp_path / "nowhere" / "q.csv"
    assert main(["retrain", "--model", str(small_model), "--labels", str(missing), "--out",
                 str(tmp_path / "m1.joblib")]) == 1
    # before: "--project .../loop: no queue was handed out there" (exit 2)
    assert one_line(capsys) == f"xproj retrain: error: --labels {missing}: no such file"


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_align_max_minutes_not_finite_is_a_usage_error(value, spaces, capsys):
    tmp, en, _ = spaces
    out = tmp / "al"
    # before: "cannot convert float NaN/infinity to integer" traceback after the vectors were read
    assert main(["align", str(en), str(en), "--dictionary", "identical", "--recipe", "self-learning",
                 "--max-minutes", value, "--out", str(out)]) == 2
    assert one_line(capsys) == f"xproj align: configuration error: --max-minutes: must be a finite number (got {value})"
    assert not out.exists()


def test_a_field_beyond_the_csv_limit_is_named_as_such():
    import csv
    import io

    from xproj.tables import iter_records

    text = "id,text\n1," + "palabra " * (csv.field_size_limit() // 8 + 1) + "\n2,hola\n"
    recs = list(iter_records(io.StringIO(text, newline=""), "csv"))
    # before: "malformed quoting (field larger than field limit (131072))", for a row without a quote
    assert recs[0].error == (f"a field longer than {csv.field_size_limit():,} characters, the CSV reader's "
                             "limit; row left out")
    assert recs[1].fields == {"id": "2", "text": "hola"}


# -- vector files: a word listed twice ----------------------------------------------------------

def test_a_word_listed_twice_in_a_vector_file_is_a_warning(tmp_path, caplog):
    from xproj.vectors import read_vec

    path = tmp_path / "v.vec"
    path.write_text("3 2\nhola 1 0\nadios 0 1\nhola 0.5 0.5\n", encoding="utf-8")
    wv = read_vec(path)
    # before: logged at INFO only: align/bli said "2 words" of a 3-line file and nothing else
    assert wv.words == ["hola", "adios"] and wv["hola"].tolist() == [1, 0]
    assert wv.load_stats["warnings"] == ["1 word appears more than once; kept the first vector of each"]
    assert f"{path}: 1 word appears more than once" in caplog.text
    lowered = tmp_path / "w.vec"
    lowered.write_text("2 2\nHola 1 0\nhola 0 1\n", encoding="utf-8")
    assert read_vec(lowered, lowercase=True).load_stats["warnings"] == []  # collisions of lowercasing: expected


@pytest.mark.parametrize("item", ['vectors.paths.es=["a.vec", "b.vec"]', 'data.unlabelled.es=["u.csv"]',
                                  'alignment.test_dictionary.es=["t.txt"]'])
def test_a_list_where_a_table_takes_one_path(item):
    # before: TypeError "expected str, bytes or os.PathLike object, not list" once the run started
    key = item.split("=")[0]
    with pytest.raises(ConfigError, match=rf"^--set: {key.replace('.', '[.]')} = \[.*\]: give one string "
                                          r"\(only alignment.dictionary takes a list\)$"):
        load_config("synthetic", [item])
    assert load_config("opener-en-es")["alignment"]["dictionary"]["es"][0].endswith("en-es.0-5000.txt")


# -- download: a malformed spec is a usage error; a language without a file stays a resource error --

@pytest.mark.parametrize("args, code, message", [
    (["get", "nope"], 2, "configuration error: 'nope' is not a resource spec"),
    (["get", "aligned:es@x"], 2, "configuration error: 'aligned:es@x': expected '@N' with N a number of words"),
    (["dictionary", "enes"], 2, "configuration error: dict:enes: expected a language pair such as 'en-es'"),
    (["vectors", "xx"], 1, "error: aligned: no resource for language 'xx'"),
])
def test_download_spec_errors(args, code, message, tmp_path, capsys):
    # before: every one of them exit 1, a malformed spec as a resource error
    assert main(["download", *args, "--offline", "--data-dir", str(tmp_path)]) == code
    assert one_line(capsys).startswith(f"xproj download: {message}")
    assert list(tmp_path.iterdir()) == []
