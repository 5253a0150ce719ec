"""``xproj predict --scheduler`` with ``--rows-per-task`` (one file cut into several tasks),
``--output-file`` (one combined file) and ``--lang auto``: on a local 2-worker cluster started
here, the parts of a file, in order, are row for row what one process writes for the whole
file (quoted line breaks, unreadable rows, a byte-order mark, CRLF, blank lines, Parquet row
groups); each part is resumed on its own."""

import codecs
import csv
import gzip
import json
import os

import pytest

from xproj.cli import main

distributed = pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from test_distributed import cluster  # noqa: E402,F401  (a 2-worker LocalCluster on 127.0.0.1)
from test_predict import WORLD, docs, model  # noqa: E402,F401  (the same small synthetic model)
from xproj.datasets.synthetic import make_bilingual_world  # noqa: E402
from xproj.distributed import MANIFEST, score_files  # noqa: E402


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """a.csv (BOM, CRLF, quoted line breaks, a row with too many columns, an unclosed quote,
    blank lines), b.jsonl (bad and blank lines), c.parquet (row groups of 20), d.tsv.gz."""
    world = make_bilingual_world(src_lang="en", tgt_lang="es", **WORLD)
    rows = docs(world, 400, "r", seed=5)
    d = tmp_path_factory.mktemp("inputs")
    lines = []
    for k, (i, t) in enumerate(rows[:150]):
        if k % 17 == 5:
            lines.append(f'{i},"{t}\r\n{t}"\r\n')
        elif k == 40:
            lines.append(f"{i},{t},extra\r\n")
        elif k == 77:
            lines.append(f'{i},"{t}\r\n')  # a quote never closed: this row only is lost
        elif k % 31 == 3:
            lines.append("\r\n")
        else:
            lines.append(f"{i},{t}\r\n")
    (d / "a.csv").write_bytes(codecs.BOM_UTF8 + ("id,text\r\n" + "".join(lines)).encode())
    jl = [json.dumps({"id": i, "text": t}) + "\n" for i, t in rows[150:270]]
    jl[10], jl[11], jl[60] = "{not json\n", "\n", json.dumps({"id": "x", "text": ""}) + "\n"
    (d / "b.jsonl").write_text("".join(jl), encoding="utf-8")
    part = rows[270:370]
    pq.write_table(pa.table({"id": [i for i, _ in part], "text": [t for _, t in part]}), d / "c.parquet",
                   row_group_size=20)
    with open(d / "c_as.csv", "w", newline="", encoding="utf-8") as f:  # the Parquet rows, for one process
        csv.writer(f).writerows([("id", "text"), *part])
    with gzip.open(d / "d.tsv.gz", "wt", encoding="utf-8") as f:
        f.write("id\ttext\n" + "".join(f"{i}\t{t}\n" for i, t in rows[370:]))
    return d


def single(model, path, out):
    assert main(["predict", "--model", str(model), "--lang", "es", "--input", str(path), "--output", str(out),
                 "--quiet"]) == 0
    return pq.read_table(out).to_pylist()


@pytest.fixture(scope="module")
def expected(model, inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    return {name: single(model, inputs / src, out / f"{name}.parquet")
            for name, src in (("a", "a.csv"), ("b", "b.jsonl"), ("c", "c_as.csv"), ("d", "d.tsv.gz"))}


def parts_of(out, name):
    files = sorted(out.glob(f"{name}.*scored.parquet"))
    return files, [r for f in files for r in pq.read_table(f).to_pylist()]


def test_files_cut_in_parts_give_the_rows_of_one_process(model, cluster, inputs, expected, tmp_path):
    out, combined = tmp_path / "scored", tmp_path / "all.parquet"
    assert main(["predict", "--model", str(model), "--lang", "es", "--input", f"{inputs}/[abcd].[cjpt]*",
                 "--scheduler", cluster.scheduler_address, "--output-dir", str(out), "--rows-per-task", "25",
                 "--output-file", str(combined), "--quiet"]) == 0
    n_parts = {}
    for name in "abcd":
        files, rows = parts_of(out, name)
        n_parts[name] = len(files)
        assert rows == expected[name], name  # every column, every row, in order
    # a: 148 rows in 6 parts; b: 119 in 5; c: 100 in row groups of 20 -> 3 parts of 40, 40, 20; d (gzip): not cut
    assert n_parts == {"a": 6, "b": 5, "c": 3, "d": 1}
    assert pq.read_table(combined).to_pylist() == [r for name in "abcd" for r in expected[name]]
    entries = json.loads((out / MANIFEST).read_text())["inputs"]
    per_input = {}
    for e in entries.values():
        per_input[e["input"].rsplit("/", 1)[-1]] = per_input.get(e["input"].rsplit("/", 1)[-1], 0) + e["rows_out"]
    assert per_input == {"a.csv": len(expected["a"]), "b.jsonl": len(expected["b"]), "c.parquet": 100,
                         "d.tsv.gz": len(expected["d"])}
    a = expected["a"]
    assert sum(1 for r in a if r["error"] and "unclosed quote" in r["error"]) == 1
    assert any(r["error"] and "3 columns" in r["error"] for r in a)


def test_parts_resume_alone_and_a_new_cut_replaces_the_old_parts(model, cluster, inputs, expected, tmp_path):
    out, combined = tmp_path / "scored", tmp_path / "all.csv"
    kw = {"scheduler": cluster.scheduler_address, "lang": "es", "rows_per_task": 30, "output_file": combined}
    first = score_files(model, inputs / "a.csv", out, **kw)
    assert (first["tasks"], first["scored"], first["rows"]) == (5, 5, len(expected["a"]))
    text = combined.read_text(encoding="utf-8")
    victim, first_part = out / "a.part-00003-of-00005.scored.csv", out / "a.part-00001-of-00005.scored.csv"
    kept = first_part.stat().st_mtime_ns
    victim.unlink()
    again = score_files(model, inputs / "a.csv", out, **kw)
    assert (again["scored"], again["skipped"], again["rows"]) == (1, 4, 30)
    assert first_part.stat().st_mtime_ns == kept
    assert combined.read_text(encoding="utf-8") == text
    with open(combined, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["row"] for r in rows] == [str(r["row"]) for r in expected["a"]]
    assert [r["label"] for r in rows] == [r["label"] or "" for r in expected["a"]]
    # cut otherwise: the old parts go, the new ones are scored
    third = score_files(model, inputs / "a.csv", out, **{**kw, "rows_per_task": 100})
    assert (third["tasks"], third["scored"]) == (2, 2)
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == [
        "a.part-00001-of-00002.scored.csv", "a.part-00002-of-00002.scored.csv"]
    assert combined.read_text(encoding="utf-8") == text


def test_combined_output_needs_the_same_columns(model, inputs, tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text("id,text\n1,hola\n", encoding="utf-8")
    (src / "b.csv").write_text("text,id,date\nhola,2,3\n", encoding="utf-8")
    code = main(["predict", "--model", str(model), "--lang", "es", "--input", str(src), "--output-file",
                 str(tmp_path / "all.parquet"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--output-file" in err[0] and "b.scored.parquet" in err[0]
    assert not (tmp_path / "all.parquet").exists()
    assert sorted(p.name for p in (tmp_path / "all.parquet.parts").iterdir()) == [
        MANIFEST, "a.scored.parquet", "b.scored.parquet"]


def test_same_size_and_time_but_other_content_is_redone(model, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("id,text\n1,hola\n2,adios\n", encoding="utf-8")
    st = a.stat()
    out = tmp_path / "scored"
    assert score_files(model, a, out, scheduler=None, lang="es")["scored"] == 1
    a.write_text("id,text\n1,adios\n2,hola\n", encoding="utf-8")  # another file, same size
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))  # and its time kept (cp -p, rsync -t)
    assert (a.stat().st_size, a.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert score_files(model, a, out, scheduler=None, lang="es")["scored"] == 1
    assert score_files(model, a, out, scheduler=None, lang="es")["skipped"] == 1


@pytest.mark.parametrize("args, message", [
    (["--rows-per-task", "0"], "--rows-per-task must be at least 1"),
    (["--output-file", "x.parquet", "--output-format", "csv"], "--output-format csv: --output-file x.parquet"),
    (["--rows-per-task", "5"], "give --output-dir"),
    # a name that says another format: the parts are combined into Parquet or plain CSV only
    (["--output-file", "x.jsonl"], "--output-file x.jsonl: the scored parts are combined into Parquet"),
    (["--output-file", "x.csv.gz"], "not csv .gz"),
])
def test_bad_options_one_line(model, inputs, tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["predict", "--model", str(model), "--lang", "es", "--input", str(inputs / "a.csv"), *args,
                 "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


@pytest.mark.slow
def test_lang_auto_on_the_cluster(tmp_path):
    """``--lang auto`` on 2 worker processes: the detected language and the scores of every
    row are those of one process. Slow: its own cluster, whose workers each import the
    language identifier and three languages' tokenisers (~20 s on the shared machine)."""
    pytest.importorskip("py3langid")
    import test_predict_auto as auto

    models = tmp_path / "models"
    models.mkdir()
    with pytest.MonkeyPatch.context() as mp:  # as test_predict_auto: no lemma tables (seconds each)
        mp.setattr("xproj.space._lemma_lang", lambda lang: None)
        auto._model(models / "model-es.joblib", "es")
        auto._model(models / "model-fr.joblib", "fr")
        src = tmp_path / "in"
        src.mkdir()
        auto.write_csv(src / "a.csv", auto.ROWS * 3)
        assert main(["predict", "--model", str(models), "--lang", "auto", "--input", str(src / "a.csv"),
                     "--output", str(tmp_path / "a.parquet"), "--quiet"]) == 0
        one = {"a": pq.read_table(tmp_path / "a.parquet").to_pylist()}
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c, distributed.Client(c) as client:
        client.run(lambda: setattr(__import__("xproj.space").space, "_lemma_lang", lambda lang: None))
        s = score_files(models, src, tmp_path / "scored", scheduler=c.scheduler_address, lang="auto",
                        rows_per_task=5)
    assert (s["failed"], s["tasks"]) == ([], 5)
    _, rows = parts_of(tmp_path / "scored", "a")
    assert rows == one["a"]
    langs = [r["lang"] for r in one["a"]]
    assert langs[1] == "es" and langs[5] == "fr" and one["a"][1]["label"] is not None
