"""Bad input found by trying every command on damaged files and wrong options: each case is one
line naming the file or option and the problem, the documented exit code (1 data, 2 option),
no traceback, and no file written over (an input, the model) or half-written."""

import gzip

import pytest
from test_predict import (  # noqa: F401  (fixture model: a small saved synthetic en->es model)
    WORLD,
    model,
    write_csv,
)

from xproj.cli import main
from xproj.errors import ConfigError, InputFormatError


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    return err


@pytest.fixture
def fake_model(tmp_path):
    """A file standing for a model: the checks below must stop before any model is loaded."""
    path = tmp_path / "model-es.joblib"
    path.write_bytes(b"not loaded: options are checked first")
    return path


# -- Parquet inputs scored in this process (--output-dir / --output-file) -----------------------

def _parquet(path, n=300):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"id": [f"r{i}" for i in range(n)], "text": [f"razi mazo {i % 7}" for i in range(n)]})
    pq.write_table(table, path, row_group_size=100)
    return path


@pytest.mark.parametrize("damage, problem", [
    (lambda b: b[: len(b) // 2], "Parquet magic bytes not found in footer"),   # a truncated copy
    (lambda b: b"", "Parquet file size is 0 bytes"),
    (lambda b: b"id,text\n1,hola\n", "Parquet magic bytes not found in footer"),  # not Parquet at all
])
def test_unreadable_parquet_is_one_line_exit_1(model, tmp_path, capsys, damage, problem):  # noqa: F811
    path = tmp_path / "in.parquet"
    path.write_bytes(damage(_parquet(path).read_bytes()))
    out = tmp_path / "scored"
    assert main(["predict", "--model", str(model), "--lang", "es", "--input", str(path),
                 "--output-dir", str(out), "--quiet"]) == 1
    assert one_line(capsys) == f"{path}: not a readable Parquet file ({problem}); is it complete, and Parquet?"
    assert sorted(p.name for p in out.iterdir()) == ["_manifest.json"]  # no output, not even a temporary


def test_parquet_damaged_inside_is_one_line_and_no_output(model, tmp_path, capsys):  # noqa: F811
    from xproj.partitions import parquet_file

    path = _parquet(tmp_path / "in.parquet")
    data = bytearray(path.read_bytes())
    page = parquet_file(path).metadata.row_group(1).column(1).data_page_offset
    data[page + 20:page + 60] = b"\xff" * 40  # the footer is whole: the second row group's page is not
    path.write_bytes(bytes(data))
    out = tmp_path / "all.parquet"
    assert main(["predict", "--model", str(model), "--lang", "es", "--input", str(path),
                 "--output-file", str(out), "--quiet"]) == 1
    assert one_line(capsys) == (f"{path}: not a readable Parquet file (Couldn't deserialize thrift: "
                                "Variable-length int over 10 bytes); is it complete, and Parquet?")
    assert not out.exists() and not list((tmp_path / "all.parquet.parts").glob("*.parquet"))


def test_failed_parquet_output_leaves_no_writer_to_the_garbage_collector(tmp_path, monkeypatch):
    """A Parquet output abandoned on error is closed then: left open, its writer wrote into the
    closed temporary when collected ('Exception ignored ...' and a traceback on stderr)."""
    import gc
    import sys

    pytest.importorskip("pyarrow")
    from xproj.writers import open_output

    def fail_while_writing():
        try:
            with open_output(tmp_path / "o.parquet", [("row", "int")]) as out:
                out.write([[1]])
                raise InputFormatError(tmp_path / "in.csv.gz", "truncated gzip file")
        except InputFormatError:
            return "raised"  # (the traceback, which holds the writer, is dropped here)

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    assert fail_while_writing() == "raised"
    gc.collect()
    assert unraisable == [] and list(tmp_path.iterdir()) == []


def test_truncated_gzip_on_the_parquet_path_is_one_line(model, tmp_path, capsys):  # noqa: F811
    inp = tmp_path / "in.csv.gz"
    data = gzip.compress(("id,text\n" + "".join(f"{i},razi mazo\n" for i in range(2000))).encode())
    inp.write_bytes(data[: len(data) // 2])
    assert main(["predict", "--model", str(model), "--lang", "es", "--input", str(inp),
                 "--output-dir", str(tmp_path / "out"), "--quiet"]) == 1
    assert one_line(capsys) == (f"{inp}: truncated gzip file: the compressed data ends early; "
                                "copy or download it again")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["_manifest.json"]


def test_parquet_given_to_a_command_that_reads_text(fake_model, tmp_path, capsys):
    path = _parquet(tmp_path / "in.parquet")
    assert main(["predict", "--model", str(fake_model), "--lang", "es", "--input", str(path),
                 "--output", str(tmp_path / "o.csv")]) == 2
    assert one_line(capsys) == (f"xproj predict: configuration error: {path}: Parquet is read only by xproj "
                                "predict with --output-dir or --output-file (one process, or --scheduler); "
                                "here give CSV, TSV or JSON lines")


# -- outputs: never over an input, never where they cannot go ---------------------------------

def _same_file_cases(tmp, model):
    inp, labels = tmp / "in.csv", tmp / "labels.csv"
    return {
        "adapt --out = --input": (["adapt", "--model", model, "--lang", "es", "--input", inp, "--out", inp],
                                  inp, f"--out {inp} is the --input file"),
        "predict --output = --model": (["predict", "--model", model, "--lang", "es", "--input", inp,
                                        "--output", model], model, f"--output {model} is the --model file"),
        "predict --output-file = --model": (["predict", "--model", model, "--lang", "es", "--input", inp,
                                             "--output-file", model], model,
                                            f"--output-file {model} is the --model file"),
        "predict --output-file = --input": (["predict", "--model", model, "--lang", "es", "--input", inp,
                                             "--output-file", inp], inp, f"--output-file {inp} is the --input file"),
        "label-queue --out = --model": (["label-queue", "--model", model, "--lang", "es", "--input", inp,
                                         "--out", model], model, f"--out {model} is the --model file"),
        "retrain --out = --labels": (["retrain", "--model", model, "--labels", labels, "--out", labels],
                                     labels, f"--out {labels} is the --labels file"),
        "retrain --out = --dev": (["retrain", "--model", model, "--labels", labels, "--dev", inp, "--out", inp],
                                  inp, f"--out {inp} is the --dev file"),
    }


@pytest.mark.parametrize("case", list(_same_file_cases(__import__("pathlib").Path("t"), "m")))
def test_output_over_an_input_is_refused_and_the_input_kept(fake_model, tmp_path, capsys, case):
    write_csv(tmp_path / "in.csv", [("1", "razi mazo")])
    write_csv(tmp_path / "labels.csv", [("1", "positive")], header=("id", "label"))
    argv, kept, message = _same_file_cases(tmp_path, fake_model)[case]
    before = kept.read_bytes()
    command = argv[0]
    assert main([str(a) for a in argv]) == 2
    assert one_line(capsys) == f"xproj {command}: configuration error: {message}; choose another name"
    assert kept.read_bytes() == before


def test_train_vectors_never_writes_over_its_corpus(tmp_path, capsys):
    corpus = tmp_path / "corpus.vec"  # a corpus whose name is the .vec the prefix would write
    corpus.write_text("hola mundo\n" * 50, encoding="utf-8")
    assert main(["train-vectors", "--lang", "es", "--corpus", str(corpus), "--out", str(tmp_path / "corpus")]) == 2
    assert one_line(capsys) == (f"xproj train-vectors: configuration error: out_prefix (--out) {tmp_path / 'corpus'}: "
                                f"would write {corpus}, a --corpus file; choose another prefix")
    assert corpus.read_text(encoding="utf-8") == "hola mundo\n" * 50


def test_model_and_lang_checked_once_before_the_files_in_this_process(model, tmp_path, capsys):  # noqa: F811
    """Without --scheduler the files share this process's scorer: a --lang the model lacks is an
    option error (exit 2) and a damaged model a data error (exit 1), said once, not per file."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.csv", "b.csv"):
        write_csv(inputs / name, [("1", "razi mazo")])
    assert main(["predict", "--model", str(model), "--lang", "de", "--input", str(inputs),
                 "--output-dir", str(tmp_path / "o1"), "--quiet"]) == 2
    assert one_line(capsys) == "xproj predict: configuration error: --lang de: the model has no vectors for 'de'; it knows en, es"
    assert not (tmp_path / "o1").exists()
    damaged = tmp_path / "model-es.joblib"
    damaged.write_bytes(model.read_bytes()[:1000])
    assert main(["predict", "--model", str(damaged), "--lang", "es", "--input", str(inputs),
                 "--output-dir", str(tmp_path / "o2"), "--quiet"]) == 1
    assert one_line(capsys).startswith(f"xproj predict: error: {damaged}: not an xproj model file (")


PREDICT_OUTPUTS = {"--output": "o.csv", "--output-dir": "o", "--output-file": "o.parquet"}


@pytest.mark.parametrize("scheduler", [[], ["--scheduler", "local:1"]])
@pytest.mark.parametrize("output", list(PREDICT_OUTPUTS))
def test_unknown_language_code_of_predict_before_any_work(fake_model, tmp_path, capsys, output, scheduler):
    """Said once whatever the number of input files, before the model, the inputs or a cluster
    (the model here is not one): it used to fail on every file, and in one process after the
    model was loaded."""
    if scheduler and output == "--output":
        pytest.skip("--scheduler writes to --output-dir or --output-file")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.csv", "b.csv"):
        write_csv(inputs / name, [("1", "razi mazo")])
    out = tmp_path / PREDICT_OUTPUTS[output]
    assert main(["predict", "--model", str(fake_model), "--lang", "xx", "--input", str(inputs / "a.csv"
                 if output == "--output" else inputs), output, str(out), *scheduler, "--quiet"]) == 2
    from xproj.lang import supported_languages

    assert one_line(capsys) == (f"xproj predict: configuration error: --lang xx: unknown language code 'xx'; "
                                f"supported: {', '.join(supported_languages())} (or auto)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "model-es.joblib"]


@pytest.mark.parametrize("value", ["yarn://x", "tcp://", "tcp://host:port", "local:0", "local:two", "localhost"])
def test_scheduler_form_checked_before_any_work(fake_model, tmp_path, capsys, value):
    """Before the inputs are listed or a folder made: a missing input here would be exit 1."""
    assert main(["predict", "--model", str(fake_model), "--lang", "es", "--input", str(tmp_path / "missing" / "*.csv"),
                 "--output-dir", str(tmp_path / "o"), "--scheduler", value, "--quiet"]) == 2
    assert one_line(capsys) == (f"xproj predict: configuration error: --scheduler {value}: expected one of "
                                "local, local:N, tcp://HOST:PORT")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model-es.joblib"]


def test_output_dir_that_is_a_file(fake_model, tmp_path, capsys):
    inp = write_csv(tmp_path / "in.csv", [("1", "razi mazo")])
    for out in (inp, inp / "sub"):
        assert main(["predict", "--model", str(fake_model), "--lang", "es", "--input", str(inp),
                     "--output-dir", str(out), "--quiet"]) == 2
        assert one_line(capsys) == f"xproj predict: configuration error: --output-dir {out}: {inp} is a file, not a folder"


def test_project_that_is_a_file_stops_before_the_model(fake_model, tmp_path, capsys):
    inp = write_csv(tmp_path / "in.csv", [("1", "razi mazo")])
    assert main(["label-queue", "--model", str(fake_model), "--lang", "es", "--input", str(inp),
                 "--out", str(tmp_path / "q.csv"), "--project", str(inp)]) == 2
    assert one_line(capsys) == f"xproj label-queue: configuration error: --project {inp}: {inp} is a file, not a folder"


@pytest.mark.parametrize("command", ["run", "monitor", "align"])
def test_folder_outputs_in_a_folder_that_cannot_be_written(tmp_path, capsys, monkeypatch, command):
    """Checked before any work (it used to end in a PermissionError traceback after it). The
    permission is simulated: tests may run as root, who may write anywhere."""
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: os.fspath(p) != str(locked) and real_access(p, mode))
    out = locked / "out"
    f = tmp_path / "x.csv"
    f.write_text("text\nhola\n", encoding="utf-8")
    argv = {"run": ["run", "synthetic", "--out", str(out)],
            "monitor": ["monitor", "--model", str(f), "--reference", str(f), "--batch", str(f), "--lang", "es",
                        "--out", str(out)],
            "align": ["align", str(f), str(f), "--dictionary", str(f), "--out", str(out)]}[command]
    assert main(argv) == 2
    err = one_line(capsys)
    expected = {"run": f"--out (out_dir): {out}: cannot write in {locked} (permission denied)",
                "monitor": f"--out: {out}: cannot write in {locked} (permission denied)",
                "align": f"--out {out}: cannot write in {locked} (permission denied)"}[command]
    assert err == f"xproj {command}: configuration error: {expected}"
    assert list(locked.iterdir()) == []


# -- tables: empty, not UTF-8, a folder ----------------------------------------------------------

@pytest.mark.parametrize("content, problem", [
    (b"", "empty file: no header row (and no rows)"),
    (b"\n\n", "empty file: no header row (and no rows)"),
    ("id,text\n1,bueno\n".encode("utf-16"), "line 1: the header row is not valid UTF-8: save the file as UTF-8 "
                                             "(a UTF-16 or Latin-1 file is not read)"),
    ("id,texte_\xe9\n1,bueno\n".encode("latin-1"), "line 1: the header row is not valid UTF-8: save the file as "
                                                   "UTF-8 (a UTF-16 or Latin-1 file is not read)"),
    ("id,text\n1,bueno\n".encode("utf-16-le"), "line 1: the header row holds NUL bytes: is the file UTF-16? "
                                               "save it as UTF-8"),
])
@pytest.mark.parametrize("command", ["predict", "adapt", "label-queue", "monitor"])
def test_empty_or_not_utf8_table_is_a_data_error(fake_model, tmp_path, capsys, content, problem, command):
    inp = tmp_path / "in.csv"
    inp.write_bytes(content)
    out = tmp_path / ("out.csv" if command == "label-queue" else "out.x")  # a queue's name says its format
    argv = {"predict": ["--input", str(inp), "--output", str(out)],
            "adapt": ["--input", str(inp), "--out", str(out)],
            "label-queue": ["--input", str(inp), "--out", str(out)],
            "monitor": ["--reference", str(inp), "--batch", str(inp)]}[command]
    assert main([command, "--model", str(fake_model), "--lang", "es", *argv]) == 1
    sep = ", " if problem.startswith("line") else ": "
    assert one_line(capsys) == f"xproj {command}: error: {inp}{sep}{problem}"
    assert not out.exists()


def test_input_that_is_a_folder(fake_model, tmp_path, capsys):
    (tmp_path / "in.csv").mkdir()
    assert main(["predict", "--model", str(fake_model), "--lang", "es", "--input", str(tmp_path / "in.csv"),
                 "--output", str(tmp_path / "o.csv")]) == 1
    assert one_line(capsys) == f"xproj predict: error: --input {tmp_path / 'in.csv'}: is a directory, expected a file"


@pytest.mark.parametrize("key", ["vectors.paths", "alignment.dictionary", "alignment.test_dictionary",
                                 "alignment.polarity_lexicon", "data.unlabelled"])
def test_file_options_a_synthetic_run_would_ignore(tmp_path, capsys, key):
    """The synthetic world has its own vectors, dictionaries and texts: a file named for it was
    silently ignored (the run reported figures that did not use it)."""
    assert main(["run", "synthetic", "--set", f"{key}.es={tmp_path / 'es.txt'}", "--out", str(tmp_path / "r")]) == 2
    assert one_line(capsys) == (f"xproj run: configuration error: {key}: not used by the synthetic world "
                                "(data.dataset = \"synthetic\"), which has its own vectors, dictionaries and "
                                "texts; remove it or set data.dataset")
    assert not (tmp_path / "r").exists()


def test_empty_unlabelled_file_of_a_run(tmp_path):
    from xproj.config import load_config
    from xproj.run.corpus import _unlabelled_texts

    empty = tmp_path / "u.csv"
    empty.write_bytes(b"")
    cfg = load_config("synthetic", [f"data.unlabelled.es={empty}"])
    with pytest.raises(InputFormatError) as info:
        _unlabelled_texts(cfg)
    assert str(info.value) == f"{empty}: empty file (data.unlabelled.es): no header row (and no rows)"


# -- options checked where declared, before any work --------------------------------------------

@pytest.mark.parametrize("command", ["predict", "adapt"])
def test_n_jobs_zero_before_the_model_is_read(fake_model, tmp_path, capsys, command):
    inp = write_csv(tmp_path / "in.csv", [("1", "razi mazo")])
    out = ["--output" if command == "predict" else "--out", str(tmp_path / "o.x")]
    assert main([command, "--model", str(fake_model), "--lang", "es", "--input", str(inp), *out,
                 "--n-jobs", "0"]) == 2
    assert one_line(capsys) == (f"xproj {command}: configuration error: --n-jobs must be a non-zero whole number "
                                "(-1 = all cores), got 0")


@pytest.mark.parametrize("command", ["adapt", "label-queue", "monitor"])
def test_unknown_language_code_before_the_input_or_the_model(fake_model, tmp_path, capsys, command):
    """The input is missing and the model is not one: the language is said first (it used to
    be found when the model was opened, after the inputs were read)."""
    from xproj.lang import supported_languages

    missing, out = tmp_path / "in.csv", tmp_path / "out.x"
    argv = {"adapt": ["--input", str(missing), "--out", str(out)],
            "label-queue": ["--input", str(missing), "--out", str(out)],
            "monitor": ["--reference", str(missing), "--batch", str(missing)]}[command]
    assert main([command, "--model", str(fake_model), "--lang", "xx", *argv]) == 2
    assert one_line(capsys) == (f"xproj {command}: configuration error: --lang xx: unknown language code 'xx'; "
                                f"supported: {', '.join(supported_languages())}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model-es.joblib"]


def test_retrain_experiment_without_track(fake_model, tmp_path, capsys):
    labels = write_csv(tmp_path / "labels.csv", [("1", "razi mazo")])
    assert main(["retrain", "--model", str(fake_model), "--labels", str(labels), "--out", str(tmp_path / "m.joblib"),
                 "--experiment", "loop"]) == 2
    assert one_line(capsys) == ("xproj retrain: configuration error: --experiment: names the MLflow experiment of "
                                "--track; add --track (or drop it)")
    assert not (tmp_path / "m.joblib").exists()


@pytest.mark.parametrize("override, key, code", [
    ('data.target_langs=["xx"]', "data.target_langs", "xx"),
    ('data.source_lang="qq"', "data.source_lang", "qq"),
])
def test_unknown_language_code_in_a_run_config(override, key, code):
    from xproj.config import load_config
    from xproj.lang import supported_languages

    with pytest.raises(ConfigError) as info:
        load_config("synthetic", [override])
    assert str(info.value) == f"{key}: unknown language code {code!r}; supported: {', '.join(supported_languages())}"


def test_unknown_language_of_a_run_is_exit_2(tmp_path, capsys):
    assert main(["run", "synthetic", "--set", 'data.target_langs=["xx"]', "--out", str(tmp_path / "r")]) == 2
    assert one_line(capsys).startswith("xproj run: configuration error: data.target_langs: unknown language code 'xx'")
    assert not (tmp_path / "r").exists()


def test_train_vectors_unknown_language_is_an_option_error(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("hola mundo\n", encoding="utf-8")
    assert main(["train-vectors", "--lang", "xx", "--corpus", str(corpus), "--out", str(tmp_path / "v")]) == 2
    assert one_line(capsys).startswith("xproj train-vectors: configuration error: lang (--lang): "
                                       "unknown language code 'xx'; supported: ")


@pytest.mark.parametrize("option", ["--src-lang", "--tgt-lang"])
def test_align_unknown_language_code_before_any_file_is_read(tmp_path, capsys, option):
    """The vector files do not exist: were they read first, this would be exit 1."""
    from xproj.lang import supported_languages

    out = tmp_path / "out"
    assert main(["align", str(tmp_path / "src.vec"), str(tmp_path / "tgt.vec"), "--dictionary", "identical",
                 option, "xx", "--out", str(out)]) == 2
    assert one_line(capsys) == (f"xproj align: configuration error: {option} 'xx': unknown language code 'xx'; "
                                f"expected one xproj tokenises ({', '.join(supported_languages())}) or one with "
                                "fastText vectors (xproj download list)")
    assert not out.exists()


@pytest.mark.parametrize("command, missing", [("align", "TGT"), ("align", "--dictionary"),
                                              ("align", "--test-dictionary"), ("bli", "TGT"), ("bli", "--dictionary"),
                                              ("bli", "--mapping")])
def test_align_and_bli_name_a_missing_file_before_reading_vectors(tmp_path, capsys, monkeypatch, command, missing):
    """A mistyped name used to be found after SRC (and TGT) were read: minutes for real vectors."""
    import xproj.vectors

    def never(*args, **kwargs):
        raise AssertionError("a vector file was read before the options were checked")

    monkeypatch.setattr(xproj.vectors, "load_vectors", never)
    src = tmp_path / "src.vec"
    src.write_text("1 2\nhola 1 0\n", encoding="utf-8")
    files = {k: str(src) for k in ("SRC", "TGT", "--dictionary", "--test-dictionary")}
    files[missing] = str(tmp_path / "nothing.txt")
    argv = [command, files["SRC"], files["TGT"], "--dictionary", files["--dictionary"]]
    argv += (["--test-dictionary", files["--test-dictionary"], "--out", str(tmp_path / "out")] if command == "align"
             else ["--mapping", files.get("--mapping", str(tmp_path))])
    assert main(argv) == 1
    err = one_line(capsys)
    if missing == "--mapping":
        assert err.startswith(f"xproj bli: error: {tmp_path / 'nothing.txt'}"), err
    else:
        assert err.startswith(f"xproj {command}: error: {missing}: {tmp_path / 'nothing.txt'}: no such file"), err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("code", ["en", "ES", "zh-Hant", "pt_BR", "ru", "sw"])
def test_align_accepts_languages_with_a_preprocessor_or_published_vectors(code):
    from xproj.align_cmd import check_lang

    check_lang("--src-lang", code)  # ru, sw: no preprocessor, but MUSE / fastText vectors


@pytest.mark.parametrize("action", [["verify"], ["clear", "--all"]])
def test_cache_dir_that_is_a_file_or_missing(tmp_path, capsys, action):
    a_file = tmp_path / "f.txt"
    a_file.write_text("x", encoding="utf-8")
    assert main(["cache", *action, "--cache-dir", str(a_file)]) == 2
    assert one_line(capsys) == f"xproj cache: configuration error: --cache-dir {a_file}: is a file, expected the cache folder"
    missing = tmp_path / "nowhere"  # a mistyped folder is not "0 entries, all good"
    assert main(["cache", *action, "--cache-dir", str(missing)]) == 2
    assert one_line(capsys) == f"xproj cache: configuration error: --cache-dir {missing}: no such folder"


# -- vectors ------------------------------------------------------------------------------------

def _write_fasttext_bin(path, words, dim=4, bucket=10):
    """A skipgram ``.bin`` written field by field as fastText 0.9 saves one (magic, version,
    arguments, dictionary, input and output matrices): no training, whose NaNs this binding
    gives at random on tiny corpora."""
    import struct

    import numpy as np

    rng = np.random.default_rng(0)
    # dim, ws, epoch, minCount, neg, wordNgrams, loss (ns), model (skipgram), bucket, minn, maxn, lrUpdateRate; t
    data = struct.pack("<ii", 793712314, 12) + struct.pack("<12i", dim, 5, 1, 1, 5, 1, 2, 2, bucket, 3, 4, 100)
    data += struct.pack("<d", 1e-4) + struct.pack("<iiiqq", len(words), len(words), 0, 100 * len(words), -1)
    data += b"".join(w.encode("utf-8") + b"\0" + struct.pack("<qb", 100, 0) for w in words)
    for rows in (len(words) + bucket, len(words)):
        data += b"\0" + struct.pack("<qq", rows, dim) + rng.standard_normal((rows, dim)).astype("<f4").tobytes()
    path.write_bytes(data)
    return path


def test_truncated_fasttext_bin_is_refused(tmp_path):
    """fastText itself loads a truncated .bin without a word, the missing rows as zeros."""
    pytest.importorskip("fasttext")
    from xproj.vectors import read_fasttext_bin

    path = _write_fasttext_bin(tmp_path / "m.bin", ["hotel", "room", "café"])
    assert read_fasttext_bin(path).words == ["hotel", "room", "café"]  # whole: read
    whole = path.read_bytes()
    for cut in (len(whole) // 2, len(whole) - 4):  # in the input matrix; the output matrix's last value
        path.write_bytes(whole[:cut])
        with pytest.raises(InputFormatError) as info:
            read_fasttext_bin(path)
        assert str(info.value) == (f"{path}: truncated fastText .bin: {cut:,} bytes, its header and vocabulary "
                                   f"need {len(whole):,}; copy or download it again")


def test_cache_clear_that_cannot_remove(tmp_path, capsys, monkeypatch):
    """A read-only cache folder is refused before anything is removed; a file that still cannot
    be removed is one line, exit 1 (both used to be PermissionError tracebacks)."""
    import os

    import numpy as np

    import xproj.cache_cmd
    from xproj.vectors import load_vectors, write_vec
    from xproj.vectors.keyed import WordVectors

    src = write_vec(WordVectors(["a", "b"], np.eye(2, dtype=np.float32)), tmp_path / "v.vec")
    cdir = tmp_path / "cache"
    load_vectors(src, cache_dir=cdir)
    real_access = os.access
    with monkeypatch.context() as m:
        m.setattr(os, "access", lambda p, mode: os.fspath(p) != str(cdir) and real_access(p, mode))
        assert main(["cache", "clear", "--all", "--cache-dir", str(cdir)]) == 2
    assert one_line(capsys) == f"xproj cache: configuration error: --cache-dir {cdir}: cannot remove files in it (permission denied)"

    def refuse(prefix):
        raise PermissionError(1, "Operation not permitted", str(prefix) + ".npy")

    monkeypatch.setattr(xproj.cache_cmd, "remove_entry", refuse)
    entries = sorted(cdir.iterdir())
    assert main(["cache", "clear", str(src), "--cache-dir", str(cdir)]) == 1
    err = one_line(capsys)
    assert err.startswith(f"xproj cache: error: {cdir}/v.vec.") and err.endswith(".npy: cannot remove it: operation not permitted")
    assert sorted(cdir.iterdir()) == entries


# -- download: options before any fetch or hashing; a write that cannot land ---------------------

@pytest.mark.parametrize("args, message", [
    (["vectors", "es", "--top", "0"], "--top must be at least 1, got 0"),  # 0 fetched the whole file
    (["dataset", "opener"], "dataset opener needs a language: en, es, ca or eu"),
    (["vectors", "es", "--data-dir", "{f}"], "--data-dir {f}: is a file, expected a folder"),
    (["lock", "--file", "{d}"], "--file {d}: is a directory; give a file name"),
])
def test_download_options(tmp_path, capsys, args, message):
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    names = {"f": tmp_path / "f.txt", "d": tmp_path}
    assert main(["download", *[a.format(**names) for a in args], *(["--offline"] if args[0] != "lock" else [])]) == 2
    assert one_line(capsys) == f"xproj download: configuration error: {message.format(**names)}"


def test_atomic_write_onto_a_folder_is_one_error_and_no_temporary(tmp_path):
    from xproj._io import atomic_write
    from xproj.errors import XprojError

    target = tmp_path / "out.json"
    with pytest.raises(XprojError) as info:
        with atomic_write(target, "w") as f:
            f.write("{}")
            target.mkdir()  # the place became a folder while the file was written
    assert str(info.value) == f"{target}: cannot write it: is a directory"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"] and target.is_dir()


def test_align_never_writes_its_mapped_vectors_over_an_input(tmp_path, capsys):
    out = tmp_path / "aligned"
    out.mkdir()
    src = out / "src.mapped.vec"  # last run's output, aligned again into the same folder
    src.write_text("2 2\na 1 0\nb 0 1\n", encoding="utf-8")
    before = src.read_bytes()
    assert main(["align", str(src), str(src), "--dictionary", str(src), "--out", str(out), "--write-vectors"]) == 2
    assert one_line(capsys) == (f"xproj align: configuration error: --out {out}: would write src.mapped.vec "
                                f"over SRC {src}; choose another folder")
    assert src.read_bytes() == before


def test_unreadable_rows_of_unlabelled_texts_are_a_warning_not_silent(tmp_path):
    from xproj.config import load_config
    from xproj.run.corpus import _unlabelled_texts

    path = tmp_path / "u.csv"
    path.write_bytes(b"id,text\n1,hola mundo\n2,caf\xe9 malo\n3,muy bien\n4,a,b\n")
    texts, warnings = _unlabelled_texts(load_config("synthetic", [f"data.unlabelled.es={path}"]))
    assert texts == {"es": ["hola mundo", "muy bien"]}
    assert warnings == [f"data.unlabelled.es: {path}: 2 unreadable rows left out (line 3: not valid UTF-8)"]
    jl = tmp_path / "u.jsonl"
    jl.write_text('{"text": "hola"}\n{"text": "adios"}\n["a", "list"]\n7\n', encoding="utf-8")
    texts, warnings = _unlabelled_texts(load_config("synthetic", [f"data.unlabelled.es={jl}"]))
    assert texts == {"es": ["hola", "adios"]}  # (a JSON array or number line was an AttributeError traceback)
    assert warnings == [f"data.unlabelled.es: {jl}: 2 unreadable rows left out (line 3: not a record with named fields)"]


def test_bli_mapping_of_another_dimension_names_the_files(tmp_path, capsys):
    import numpy as np

    from xproj.align import VectorMapping

    for name in ("src.vec", "tgt.vec"):
        (tmp_path / name).write_text("2 3\na 1 0 0\nb 0 1 0\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text("a a\nb b\n", encoding="utf-8")
    mapping = tmp_path / "m"
    VectorMapping(np.eye(4, dtype=np.float32)).save(mapping / "mapping")
    assert main(["bli", str(tmp_path / "src.vec"), str(tmp_path / "tgt.vec"), "--dictionary", str(tmp_path / "d.txt"),
                 "--mapping", str(mapping)]) == 1
    assert one_line(capsys) == (f"xproj bli: error: --mapping {mapping}: maps 4-dimensional vectors, "
                                f"but SRC {tmp_path / 'src.vec'} has dimension 3")


def test_train_vectors_corpus_not_utf8_names_the_line(tmp_path, capsys):
    """Decoded with replacement, a Latin-1 'café' trained a word 'caf' and a word '\ufffd'."""
    corpus = tmp_path / "c.txt"
    corpus.write_bytes(b"hola mundo\n" * 3 + "un caf\xe9 malo\n".encode("latin-1"))
    assert main(["train-vectors", "--lang", "es", "--corpus", str(corpus), "--out", str(tmp_path / "v"),
                 "--min-count", "1"]) == 1
    assert one_line(capsys) == (f"xproj train-vectors: error: {corpus}, line 4: not valid UTF-8 (byte b'\\xe9' at "
                                "column 7); save the corpus as UTF-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt"]


def test_input_format_error_survives_pickling():
    """Raised on a cluster worker (a damaged model), it reaches the client pickled: it used to
    fail to unpickle (its constructor takes the path and the problem, not the message)."""
    import pickle

    exc = pickle.loads(pickle.dumps(InputFormatError("m.joblib", "not an xproj model file", 3)))
    assert (type(exc), str(exc), exc.path, exc.problem, exc.line) == (
        InputFormatError, "m.joblib, line 3: not an xproj model file", "m.joblib", "not an xproj model file", 3)


@pytest.mark.parametrize("option", ["vectors.paths.es", "vectors.paths.en", "alignment.dictionary.es",
                                    "alignment.test_dictionary.es", "data.unlabelled.es"])
def test_an_empty_file_option_is_a_usage_error_before_any_work(option, tmp_path, capsys, monkeypatch):
    # before: the English vectors were loaded, then "vectors.paths.es is empty" exited 1
    monkeypatch.chdir(tmp_path)
    assert main(["run", "opener-en-es", "--set", f"{option}=", "--out", str(tmp_path / "run")]) == 2
    assert one_line(capsys) == (f"xproj run: configuration error: {option} is empty: give a path or a resource "
                                "spec ('aligned:es@200000', 'dict:en-es@train', 'opener:es'; see 'xproj download "
                                "list')")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("table", ['{ es = "" }', '{ es = "  " }', '{ es = [] }', '{ es = ["dict:en-es@train", ""] }'])
def test_an_empty_dictionary_in_a_config_file_names_the_option(table, tmp_path):
    from xproj.config import load_config

    config = tmp_path / "run.toml"
    config.write_text(f'[data]\ndataset = "opener"\ntarget_langs = ["es"]\n[alignment]\ndictionary = {table}\n')
    with pytest.raises(ConfigError, match=r"^alignment\.dictionary\.es is empty: give a path or a resource spec"):
        load_config(config)
