"""``xproj predict`` and ``xproj adapt`` on a small saved synthetic model: a row's label and
probability depend on the row and the model only, never on its neighbours, the order, the
chunk size or the number of workers; adaptation is explicit."""

import csv
import json
import os
import random

import pytest

from xproj.cli import main
from xproj.datasets.synthetic import make_bilingual_world, make_documents

WORLD = dict(n_words=1500, dim=20, noise=0.6, seed=0)
SMALL = ["--set", f"synthetic.n_words={WORLD['n_words']}", "--set", f"synthetic.dim={WORLD['dim']}",
         "--set", "synthetic.n_train_docs=400", "--set", "synthetic.n_test_docs=200", "--set", "evaluation.bootstrap=0",
         "--set", "model.C=[1.0]", "--set", 'model.class_weight=["none"]', "--set", "output.plots=false",
         "--set", 'evaluation.baselines=["majority"]']
SCORES = ("label", "probability", "p_negative", "p_positive")


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "small"
    assert main(["run", "synthetic", "--out", str(out), "--quiet", *SMALL]) == 0
    return out / "model-es.joblib"


@pytest.fixture(scope="module")
def world():
    return make_bilingual_world(src_lang="en", tgt_lang="es", **WORLD)


def docs(world, n, prefix, seed, **kw):
    texts, _ = make_documents(world, n, side="tgt", seed=seed, **kw)
    return [(f"{prefix}{i}", " ".join(t)) for i, t in enumerate(texts)]


def write_csv(path, rows, header=("id", "text")):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def predict(model, inp, out, *extra):
    assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es", "--output", str(out),
                 "--quiet", *extra]) == 0
    with open(out, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def by_id(rows):
    return {r["id"]: tuple(r[c] for c in SCORES) for r in rows}


def assert_same_scores(a, b):
    """Label and every probability identical, to the last written digit (written with repr:
    to the last bit)."""
    assert a.keys() == b.keys()
    assert a == b


def test_scores_do_not_depend_on_neighbours_order_chunks_or_jobs(model, world, tmp_path):
    mine, others = docs(world, 200, "a", seed=1), docs(world, 600, "b", seed=2, positive_rate=0.95)
    alone = predict(model, write_csv(tmp_path / "alone.csv", mine), tmp_path / "o1.csv", "--chunk-size", "5000")
    mixed = mine + others
    random.Random(0).shuffle(mixed)
    inside = predict(model, write_csv(tmp_path / "mixed.csv", mixed), tmp_path / "o2.csv",
                     "--chunk-size", "7", "--n-jobs", "2")
    reversed_ = predict(model, write_csv(tmp_path / "rev.csv", mine[::-1]), tmp_path / "o3.csv", "--chunk-size", "7")
    a, b, c = by_id(alone), by_id(inside), by_id(reversed_)
    assert len(a) == 200
    assert_same_scores(a, {k: b[k] for k in a})
    assert_same_scores(a, c)
    assert {v[0] for v in a.values()} == {"negative", "positive"}
    assert [r["row"] for r in inside] == [str(i) for i in range(1, 801)]


def test_a_region_or_script_suffix_scores_as_its_language(model, world, tmp_path, capsys):
    """--lang es-MX / es_ES score as es (zh-TW as zh: the zh tokeniser brings Traditional text to
    Simplified); an unknown base language stays an option error."""
    inp = write_csv(tmp_path / "in.csv", docs(world, 30, "a", seed=3))
    plain = by_id(predict(model, inp, tmp_path / "es.csv"))
    for code in ("es-MX", "es_ES"):
        assert_same_scores(plain, by_id(predict(model, inp, tmp_path / f"{code}.csv", "--lang", code)))
    assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "de-AT",
                 "--output", str(tmp_path / "de.csv"), "--quiet"]) == 2
    assert "the model has no vectors for 'de-AT'" in capsys.readouterr().err


def test_adapt_on_uses_the_whole_file_whatever_the_chunks(model, world, tmp_path, capsys):
    # a shifted target: short, mostly positive documents
    shifted = write_csv(tmp_path / "shifted.csv", docs(world, 300, "s", seed=3, positive_rate=0.95, length=(3, 6)))
    plain = by_id(predict(model, shifted, tmp_path / "plain.csv"))
    before = capsys.readouterr().out.split("statistics: ")[1]
    big = by_id(predict(model, shifted, tmp_path / "a1.csv", "--adapt-on", str(shifted)))
    line = capsys.readouterr().out
    after = line.split("statistics: ")[1]
    assert line.count("\n") == 1 and "300" in after and after != before
    small = by_id(predict(model, shifted, tmp_path / "a2.csv", "--adapt-on", str(shifted), "--chunk-size", "7"))
    assert_same_scores(big, small)
    assert sum(big[k][1] != plain[k][1] for k in plain) > 250


def test_adapt_then_predict_equals_predict_adapt_on(model, world, tmp_path, capsys):
    unlabelled = write_csv(tmp_path / "u.csv", docs(world, 250, "u", seed=4, length=(3, 6)))
    target = write_csv(tmp_path / "t.csv", docs(world, 100, "t", seed=5))
    adapted = tmp_path / "adapted.joblib"
    assert main(["adapt", "--model", str(model), "--lang", "es", "--input", str(unlabelled),
                 "--out", str(adapted), "--chunk-size", "13"]) == 0
    assert "250 documents" in capsys.readouterr().out
    once = by_id(predict(adapted, target, tmp_path / "p1.csv"))
    twice = by_id(predict(model, target, tmp_path / "p2.csv", "--adapt-on", str(unlabelled)))
    assert once == twice
    assert json.loads((tmp_path / "adapted.joblib.json").read_text())["label_names"] == ["negative", "positive"]


def test_empty_texts_are_left_out_of_the_adaptation(model, world, tmp_path, capsys):
    # the README: rows "without a text are left out of the statistics"; empty and blank texts
    # entered them as zero vectors (6 documents for 3 texts, and other statistics)
    texts = docs(world, 60, "u", seed=4, length=(3, 6))
    with_empty = texts[:20] + [("e1", ""), ("e2", "   ")] + texts[20:] + [("e3", "")]
    target = write_csv(tmp_path / "t.csv", docs(world, 50, "t", seed=5))
    scores = []
    for name, rows in (("plain", texts), ("empty", with_empty)):
        unlabelled = write_csv(tmp_path / f"{name}.csv", rows)
        assert main(["adapt", "--model", str(model), "--lang", "es", "--input", str(unlabelled),
                     "--out", str(tmp_path / f"{name}.joblib")]) == 0
        out, err = capsys.readouterr()
        assert out.startswith("60 documents"), out
        scores.append(by_id(predict(tmp_path / f"{name}.joblib", target, tmp_path / f"p-{name}.csv")))
        capsys.readouterr()
    assert "3 rows left out of the adaptation" in err and "first: row 21, empty text" in err, err
    assert scores[0] == scores[1]


@pytest.mark.parametrize("args, message, code", [
    (["--out", "{model}"], "--out .* is the --model file", 2),           # option errors: exit 2
    (["--lang", "de"], "no vectors for 'de'; it knows en, es", 2),  # (a code no preprocessor knows: test_bad_input)
    (["--chunk-size", "0"], "--chunk-size must be at least 1", 2),
    (["--out", "{tmp}"], "--out .*: is a directory", 2),
    (["--text-column", "review"], "--text-column 'review': .* has no such column", 2),
    (["--input", "{tmp}/missing.csv"], "--input .*missing.csv: no such file", 1),  # data: exit 1
])
def test_adapt_refuses_bad_options(model, tmp_path, capsys, args, message, code):
    write_csv(tmp_path / "u.csv", [("1", "x y")])
    opts = {"--model": str(model), "--lang": "es", "--input": str(tmp_path / "u.csv"), "--out": str(tmp_path / "m.joblib")}
    for k, v in zip(args[::2], args[1::2]):
        opts[k] = v.format(model=model, tmp=tmp_path)
    assert main(["adapt", *sum(opts.items(), ())]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and __import__("re").search(message, err), err
    assert not (tmp_path / "m.joblib").exists()


def test_output_equal_to_input_is_refused(model, tmp_path, capsys):
    inp = write_csv(tmp_path / "in.csv", [("1", "x y")])
    before = inp.read_bytes()
    assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es",
                 "--output", str(tmp_path / "." / "in.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is the --input file" in err
    assert inp.read_bytes() == before


def test_keep_columns_and_clashing_names(model, world, tmp_path):
    rows = [(k, t, "gold", "2024") for k, t in docs(world, 5, "k", seed=6)]
    inp = write_csv(tmp_path / "in.csv", rows, header=("id", "text", "label", "date"))
    out = predict(model, inp, tmp_path / "all.csv")
    assert list(out[0]) == ["row", "id", "text", "input_label", "date", *SCORES, "coverage", "error"]
    assert out[0]["input_label"] == "gold" and out[0]["label"] in ("negative", "positive")
    out = predict(model, inp, tmp_path / "some.csv", "--keep-columns", "id,date")
    assert list(out[0]) == ["row", "id", "date", *SCORES, "coverage", "error"]
    assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es",
                 "--output", str(tmp_path / "x.csv"), "--keep-columns", "id,nope"]) == 2
    jl = tmp_path / "in.jsonl"
    jl.write_text('{"id": 1, "text": "razi mazo", "meta": {"a": 1}}\n{"text": "razi", "row": 7}\n{oops\n',
                  encoding="utf-8")
    out = predict(model, jl, tmp_path / "jl.csv")
    assert list(out[0]) == ["id", "text", "meta", "row", *SCORES, "coverage", "error"]  # the input's 'row' is kept
    assert out[0]["meta"] == '{"a": 1}' and out[1]["row"] == "7" and out[2]["error"].startswith("invalid JSON")
    # a field none of the records has: one line, as a CSV column would be (it was an empty column)
    assert main(["predict", "--model", str(model), "--input", str(jl), "--lang", "es",
                 "--output", str(tmp_path / "x.csv"), "--keep-columns", "id,nope"]) == 2
    assert not (tmp_path / "x.csv").exists()
    assert list(predict(model, jl, tmp_path / "jl-row.csv", "--keep-columns", "row")[0])[:2] == ["row", "label"]
    # JSON lines out: the input's fields as the input has them (a number was written as the text "1",
    # an object as a string of JSON), as the README says ("numbers as numbers")
    assert main(["predict", "--model", str(model), "--input", str(jl), "--lang", "es",
                 "--output", str(tmp_path / "jl.jsonl"), "--quiet"]) == 0
    back = [json.loads(line) for line in (tmp_path / "jl.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["meta"], r["row"]) for r in back] == [(1, {"a": 1}, None), (None, None, 7), (None, None, None)]


def test_output_column_names_are_never_given_twice(model, world, tmp_path):
    # an input 'label' renamed input_label beside the input's own input_label, or a column kept
    # twice: two columns of one name, of which JSON lines kept the last only (silently)
    rows = [(k, t, "gold", "note") for k, t in docs(world, 3, "n", seed=6)]
    inp = write_csv(tmp_path / "in.csv", rows, header=("id", "text", "label", "input_label"))
    out = predict(model, inp, tmp_path / "o.csv")
    assert list(out[0]) == ["row", "id", "text", "input_input_label", "input_label", *SCORES, "coverage", "error"]
    assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es", "--quiet",
                 "--output", str(tmp_path / "o.jsonl"), "--keep-columns", "id,label,input_label,id"]) == 0
    back = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["input_input_label"], r["input_label"]) for r in back] == [(k, "gold", "note") for k, *_ in rows]
    assert list(back[0])[:4] == ["row", "id", "input_input_label", "input_label"]


def test_parquet_output(model, world, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    inp = write_csv(tmp_path / "in.csv", docs(world, 40, "q", seed=7) + [("bad", "x", "extra")])
    as_csv = by_id(predict(model, inp, tmp_path / "o.csv", "--chunk-size", "7"))
    assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es",
                 "--output", str(tmp_path / "o.parquet"), "--chunk-size", "7", "--quiet"]) == 0
    f = pq.ParquetFile(tmp_path / "o.parquet")
    assert f.metadata.num_row_groups == 6 and f.metadata.num_rows == 41
    table = f.read().to_pylist()
    assert table[-1]["error"] == "3 columns, expected 2 (id, text)" and table[-1]["label"] is None
    for r in table[:-1]:
        assert (r["label"], repr(r["probability"])) == as_csv[r["id"]][:2]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", ["o.jsonl", "o.ndjson", "o.tsv", "o.csv.gz", "o.jsonl.xz", "o.tsv.bz2"])
def test_output_is_written_in_the_format_its_name_says(model, world, tmp_path, name):
    # a .jsonl / .tsv / .gz output used to be plain CSV under that name
    from xproj.tables import Table

    inp = write_csv(tmp_path / "in.csv", docs(world, 12, "f", seed=8) + [("empty", "")])
    as_csv = predict(model, inp, tmp_path / "o.csv", "--chunk-size", "5")
    assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es",
                 "--output", str(tmp_path / name), "--chunk-size", "5", "--quiet"]) == 0
    back = list(Table(tmp_path / name))  # the reader guesses the format (and compression) from the name
    assert Table(tmp_path / name).fmt == ("jsonl" if "json" in name else "tsv" if "tsv" in name else "csv")
    assert len(back) == len(as_csv) == 13
    rows = [r.fields for r in back]
    if "json" in name:  # typed values: numbers, and null for what the CSV leaves empty
        assert rows[-1]["label"] is None and rows[-1]["error"] == "empty text"
        assert [repr(r["probability"]) for r in rows[:-1]] == [c["probability"] for c in as_csv[:-1]]
        assert [r["id"] for r in rows] == [c["id"] for c in as_csv]
    else:
        assert rows == [dict(c) for c in as_csv]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("name", ["o.csv.gz", "o.jsonl.xz", "o.tsv.bz2"])
def test_a_compressed_output_is_the_same_bytes_whatever_the_time_or_chunks(model, world, tmp_path, monkeypatch,
                                                                            name):
    # gzip wrote the time of writing into its header: the same scores, another file each second
    import gzip

    inp = write_csv(tmp_path / "in.csv", docs(world, 12, "g", seed=9))
    outputs = []
    for clock, chunk in ((1e9, "5"), (2e9, "500")):
        monkeypatch.setattr(gzip.time, "time", lambda clock=clock: clock)
        (tmp_path / str(chunk)).mkdir()
        assert main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es", "--output",
                     str(tmp_path / chunk / name), "--chunk-size", chunk, "--quiet"]) == 0
        outputs.append((tmp_path / chunk / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_a_lzma_name_is_lzma_data(tmp_path):
    # .lzma was written in the .xz format: unlzma and lzma -d said "File format not recognized"
    import lzma

    from xproj.tables import Table
    from xproj.writers import open_output

    with open_output(tmp_path / "o.csv.lzma", [("row", "int"), ("text", "str")]) as out:
        out.write([[1, "caf\u00e9"]])
    assert lzma.decompress((tmp_path / "o.csv.lzma").read_bytes(), format=lzma.FORMAT_ALONE) == b"row,text\n1,caf\xc3\xa9\n"
    assert [r.fields for r in Table(tmp_path / "o.csv.lzma")] == [{"row": "1", "text": "caf\u00e9"}]


@pytest.mark.parametrize("name", ["o.csv.gz", "o.jsonl.xz"])
def test_a_failed_compressed_write_leaves_nothing(tmp_path, capfd, name):
    from xproj.writers import open_output

    with pytest.raises(RuntimeError), open_output(tmp_path / name, [("row", "int")]) as out:
        out.write([[1], [2]])
        raise RuntimeError("cut off")
    assert not list(tmp_path.iterdir())
    assert "Exception ignored" not in capfd.readouterr().err


def test_a_compressed_parquet_name_is_refused_before_any_work(model, tmp_path, capsys):
    inp = write_csv(tmp_path / "in.csv", [("a", "razi")])
    code = main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es",
                 "--output", str(tmp_path / "o.parquet.gz")])
    err = capsys.readouterr().err
    assert code == 2 and "o.parquet.gz" in err and "Parquet is compressed inside" in err
    assert not list(tmp_path.glob("o.*"))


# -- bad input: one line, the documented exit code, nothing lost ------------------------------

def run(capsys, model, inp, out, *extra):
    """``(exit code, stdout, stderr)`` of one ``xproj predict``."""
    code = main(["predict", "--model", str(model), "--input", str(inp), "--lang", "es", "--output", str(out),
                 "--quiet", *extra])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name, sep", [("q.csv", ","), ("q.tsv", "\t")])
def test_a_stray_quote_costs_one_row(model, world, tmp_path, capsys, name, sep):
    texts = [t for _, t in docs(world, 100, "z", seed=8)]
    lines = [f"id{sep}text"] + [f'{i}{sep}{chr(34) if i == 11 else ""}{t}' for i, t in enumerate(texts, 1)]
    inp = tmp_path / name
    inp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, model, inp, tmp_path / "o.csv")
    rows = read_rows(tmp_path / "o.csv")
    assert code == 0 and len(rows) == 100 and out.startswith("100 rows in (101 lines read), 100 rows out")
    assert [r["row"] for r in rows if r["error"]] == ["11"] and "quote" in rows[10]["error"]
    assert rows[11]["id"] == "12" and rows[11]["label"] in ("negative", "positive")
    assert "1 row not scored" in err and "11 (unclosed quote" in err


def test_rows_over_several_lines_are_reported(model, tmp_path, capsys):
    inp = tmp_path / "m.csv"
    inp.write_text('id,text\n1,"razi\nmazo"\n2,razi\n', encoding="utf-8")
    code, out, err = run(capsys, model, inp, tmp_path / "o.csv")
    assert code == 0 and out.startswith("2 rows in (4 lines read)")
    assert "1 row over several lines (quoted line breaks): row 1 (lines 2-3)" in err


def test_output_equal_to_input_through_a_link_or_a_relative_path(model, tmp_path, capsys, monkeypatch):
    inp = write_csv(tmp_path / "in.csv", [("1", "x y")])
    before = inp.read_bytes()
    (tmp_path / "link.csv").symlink_to(inp)
    monkeypatch.chdir(tmp_path)
    for out, extra in [(tmp_path / "link.csv", []), ("in.csv", []), ("../" + tmp_path.name + "/in.csv", []),
                       (tmp_path / "a.csv", ["--adapt-on", "a.csv"])]:
        write_csv(tmp_path / "a.csv", [("1", "x y")])
        code, _, err = run(capsys, model, "in.csv", out, *extra)
        assert code == 2 and err.count("\n") == 1 and "is the --" in err, (out, err)
    assert inp.read_bytes() == before and (tmp_path / "link.csv").is_symlink()


def test_texts_without_a_known_word_are_not_scored(model, world, tmp_path, capsys):
    good = docs(world, 3, "g", seed=9)
    inp = write_csv(tmp_path / "e.csv", good + [("empty", ""), ("blank", "  \t "), ("oov", "qqqx zzzy wwwv")])
    code, _, err = run(capsys, model, inp, tmp_path / "o.csv")
    rows = {r["id"]: r for r in read_rows(tmp_path / "o.csv")}
    assert code == 0 and "3 rows not scored" in err
    for k in ("empty", "blank", "oov"):
        assert rows[k]["label"] == rows[k]["probability"] == rows[k]["p_positive"] == ""
    assert rows["empty"]["error"] == rows["blank"]["error"] == "empty text"
    assert rows["oov"]["error"] == "no word with a vector (0 of 3 tokens known)"
    assert rows["oov"]["coverage"] == "0.0"
    assert all(r["label"] and 0 < float(r["coverage"]) <= 1 and not r["error"] for k, r in rows.items() if k[0] == "g")
    # the same rule in the API
    from xproj.model import load_model

    clf = load_model(model)["model"]
    texts = [t for _, t in good] + ["", "  ", "qqqx zzzy wwwv"]
    assert clf.scorable(texts, "es").tolist() == [True] * 3 + [False] * 3
    cov = clf.coverage(texts, "es")
    assert cov["known"][3:].tolist() == [0, 0, 0] and cov["tokens"][3:].tolist() == [0, 0, 3]
    assert len(clf.predict(texts, "es")) == 6  # predict stays row for row


def test_parquet_output_has_coverage(model, world, tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    inp = write_csv(tmp_path / "e.csv", docs(world, 1, "a", seed=10) + [("b", "qqqx")])
    assert run(capsys, model, inp, tmp_path / "o.parquet")[0] == 0
    rows = pq.read_table(tmp_path / "o.parquet").to_pylist()
    assert rows[0]["coverage"] > 0 and rows[1]["coverage"] == 0.0 and rows[1]["label"] is None


def assert_one_line(code, err, expected_code, *words):
    assert code == expected_code, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for w in words:
        assert w in err, (w, err)


@pytest.mark.parametrize("content", [b"id,text\n1,razi\n", None])
def test_damaged_compressed_input_is_one_line(model, tmp_path, capsys, content):
    import gzip

    inp = tmp_path / "in.csv.gz"
    rows = "".join(f"{i},razi mazo {i * 7919}\n" for i in range(3000)).encode()
    inp.write_bytes(content or gzip.compress(b"id,text\n" + rows)[:2000])  # not gzip / truncated
    code, _, err = run(capsys, model, inp, tmp_path / "o.csv")
    assert_one_line(code, err, 1, str(inp), "not a valid gzip file" if content else "truncated gzip file")
    assert not any(p.name.startswith(("o.csv", ".o.csv")) for p in tmp_path.iterdir())


def test_unreadable_input_is_one_line(model, tmp_path, capsys, monkeypatch):
    from test_io import unreadable

    inp = unreadable(write_csv(tmp_path / "in.csv", [("1", "razi")]), monkeypatch)
    code, _, err = run(capsys, model, inp, tmp_path / "o.csv")
    assert_one_line(code, err, 1, f"{inp}: cannot read it: permission denied")


@pytest.mark.parametrize("where, problem", [("dir", "is a directory"), ("in_file", "is a file, not a folder"),
                                            ("read_only", "permission denied")])
def test_unwritable_output_is_refused_before_any_work(tmp_path, capsys, where, problem):
    inp = write_csv(tmp_path / "in.csv", [("1", "razi")])
    not_a_model = tmp_path / "m.joblib"  # loading it would fail: the output is checked first
    not_a_model.write_text("not a model")
    out = {"dir": tmp_path, "in_file": inp / "o.csv", "read_only": tmp_path / "ro" / "o.csv"}[where]
    if where == "read_only":
        out.parent.mkdir()
        out.parent.chmod(0o555)
        if os.access(out.parent, os.W_OK):
            pytest.skip("running as root: a read-only folder is writable")
    code, _, err = run(capsys, not_a_model, inp, out)
    assert_one_line(code, err, 2, "--output", problem)


def test_text_column_index_out_of_range(model, tmp_path, capsys):
    inp = write_csv(tmp_path / "in.csv", [("1", "razi")])
    code, _, err = run(capsys, model, inp, tmp_path / "o.csv", "--text-column", "5")
    assert_one_line(code, err, 2, "--text-column 5", "2 columns")
    assert not (tmp_path / "o.csv").exists()
    assert run(capsys, model, inp, tmp_path / "o.csv", "--text-column", "1")[0] == 0


def test_a_file_that_is_not_an_xproj_model(tmp_path, capsys):
    import joblib

    inp = write_csv(tmp_path / "in.csv", [("1", "razi")])
    (tmp_path / "text.joblib").write_text("id,text\n1,a\n")
    joblib.dump([1, 2, 3], tmp_path / "list.joblib")
    for name in ("text.joblib", "list.joblib"):
        code, _, err = run(capsys, tmp_path / name, inp, tmp_path / "o.csv")
        assert_one_line(code, err, 1, name, "not an xproj model file")


def test_a_file_in_the_wrong_format_stops_with_one_line(model, tmp_path, capsys):
    inp = write_csv(tmp_path / "in.csv", [(str(i), f"razi {i}") for i in range(1000)])
    code, _, err = run(capsys, model, inp, tmp_path / "o.csv", "--format", "jsonl")
    assert_one_line(code, err, 1, str(inp), "as jsonl", "--format csv")
    jl = tmp_path / "in.jsonl"
    jl.write_text('{"text": "razi"}\n' * 5, encoding="utf-8")
    code, _, err = run(capsys, model, jl, tmp_path / "o.csv", "--format", "csv")
    assert_one_line(code, err, 2, "--format jsonl")
    assert not (tmp_path / "o.csv").exists()
