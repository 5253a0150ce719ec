"""``xproj predict --scheduler``: one task per file on a local Dask cluster (2 worker
processes on 127.0.0.1, started here), the same scores as one process, resumable from the
manifest, temporaries of killed writers never counted as done."""

import gzip
import json
import os

import pytest

from xproj.cli import main

distributed = pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from test_predict import WORLD, docs, model  # noqa: E402,F401  (the same small synthetic model)
from xproj.datasets.synthetic import make_bilingual_world  # noqa: E402
from xproj.distributed import MANIFEST, score_files  # noqa: E402

SCORES = ("label", "probability", "p_negative", "p_positive")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """4 files in 4 formats, 240 rows, one unreadable CSV row and one bad JSON line."""
    world = make_bilingual_world(src_lang="en", tgt_lang="es", **WORLD)
    rows = docs(world, 240, "r", seed=3)
    d = tmp_path_factory.mktemp("inputs")
    with open(d / "a.csv", "w", encoding="utf-8", newline="") as f:
        f.write("id,text\n" + "".join(f"{i},{t}\n" for i, t in rows[:60]) + "broken,row,extra\n")
    with open(d / "b.jsonl", "w", encoding="utf-8") as f:
        f.write("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows[60:120]) + "{not json\n")
    with gzip.open(d / "c.tsv.gz", "wt", encoding="utf-8") as f:
        f.write("id\ttext\n" + "".join(f"{i}\t{t}\n" for i, t in rows[120:180]))
    part = rows[180:]
    pq.write_table(pa.table({"id": [i for i, _ in part], "text": [t for _, t in part]}), d / "d.parquet")
    with open(d / "d_as.csv", "w", encoding="utf-8", newline="") as f:  # the Parquet rows, for one process
        f.write("id,text\n" + "".join(f"{i},{t}\n" for i, t in part))
    return d


def run(model, src, out, scheduler, *extra):
    return main(["predict", "--model", str(model), "--lang", "es", "--input", str(src), "--output-dir", str(out),
                 "--scheduler", scheduler, "--quiet", *extra])


def single(model, path, out):
    assert main(["predict", "--model", str(model), "--lang", "es", "--input", str(path), "--output", str(out),
                 "--quiet"]) == 0
    return pq.read_table(out)


def test_cluster_scores_equal_one_process_rows_out_equal_rows_in(model, cluster, inputs, tmp_path):
    out = tmp_path / "scored"
    assert run(model, f"{inputs}/[abcd].*", out, cluster.scheduler_address) == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.scored.parquet", "b.scored.parquet",
                                                     "c.scored.parquet", "d.scored.parquet"]
    for name, source in (("a", "a.csv"), ("b", "b.jsonl"), ("c", "c.tsv.gz"), ("d", "d_as.csv")):
        mine = pq.read_table(out / f"{name}.scored.parquet")
        one = single(model, inputs / source, tmp_path / f"{name}.parquet")
        assert mine.num_rows == one.num_rows
        for col in ("row", "id", *SCORES, "coverage", "error"):
            assert mine.column(col).to_pylist() == one.column(col).to_pylist(), (name, col)
    a = pq.read_table(out / "a.scored.parquet").to_pylist()
    assert len(a) == 61 and a[-1]["label"] is None and "3 columns" in a[-1]["error"]
    b = pq.read_table(out / "b.scored.parquet").to_pylist()
    assert len(b) == 61 and b[-1]["label"] is None and b[-1]["error"]
    entries = json.loads((out / MANIFEST).read_text())["inputs"]
    assert sorted(e["rows_in"] for e in entries.values()) == [60, 60, 61, 61]
    # the model was loaded once per worker process, whatever the number of tasks
    loads = cluster_client_run(cluster, lambda: len(__import__("xproj.distributed").distributed._SCORERS))
    assert set(loads.values()) <= {0, 1} and sum(loads.values()) >= 1


def cluster_client_run(cluster, fn):
    with distributed.Client(cluster) as client:
        return client.run(fn)


def test_rerun_skips_done_files_redoes_missing_and_ignores_temporaries(model, cluster, inputs, tmp_path):
    out = tmp_path / "scored"
    first = score_files(model, inputs / "[abc].*", out, scheduler=cluster.scheduler_address, lang="es")
    assert (first["files"], first["scored"], first["skipped"], first["rows"]) == (3, 3, 0, 182)
    again = score_files(model, inputs / "[abc].*", out, scheduler=cluster.scheduler_address, lang="es")
    assert (again["scored"], again["skipped"], again["rows"]) == (0, 3, 0)
    kept = (out / "a.scored.parquet").stat().st_mtime_ns
    (out / "b.scored.parquet").unlink()
    # a dead writer's temporary of c's output, and a complete-looking file the manifest does not know
    (out / f".c.scored.parquet.{2**22 + 17}.abcdefgh.tmp").write_bytes(b"PAR1 partial")
    third = score_files(model, inputs / "[abc].*", out, scheduler=cluster.scheduler_address, lang="es")
    assert (third["scored"], third["skipped"], third["rows"]) == (1, 2, 61)
    assert (out / "a.scored.parquet").stat().st_mtime_ns == kept
    assert pq.read_table(out / "b.scored.parquet").num_rows == 61
    # a truncated output (size differs from the manifest) is redone
    data = (out / "c.scored.parquet").read_bytes()
    (out / "c.scored.parquet").write_bytes(data[: len(data) // 2])
    fourth = score_files(model, inputs / "[abc].*", out, scheduler=None, lang="es")
    assert (fourth["scored"], fourth["skipped"]) == (1, 2)
    assert pq.read_table(out / "c.scored.parquet").num_rows == 60


def test_in_process_csv_output_and_changed_input_redone(model, inputs, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_bytes((inputs / "a.csv").read_bytes())
    (src / "notes.txt").write_text("not an input")
    out = tmp_path / "scored"
    s = score_files(model, src, out, scheduler=None, lang="es", output_format="csv")
    assert (s["files"], s["rows"], s["not_scored"]) == (1, 61, 1)
    assert (out / "a.scored.csv").read_text().splitlines()[0].startswith("row,id,text,label,probability")
    with open(src / "a.csv", "a", encoding="utf-8") as f:
        f.write("999,otro texto\n")
    assert score_files(model, src, out, scheduler=None, lang="es", output_format="csv")["rows"] == 62


@pytest.mark.parametrize("args, code, message", [
    (["--input", "{missing}/*.csv"], 1, "no input file"),
    (["--scheduler", "yarn://x"], 2, "--scheduler yarn://x: expected one of local, local:N, tcp://HOST:PORT"),
    (["--scheduler", "local:0"], 2, "--scheduler local:0"),
    (["--output", "x.csv"], 2, "--output: not available"),
])
def test_bad_inputs_one_line(model, inputs, tmp_path, capsys, args, code, message):
    argv = {"--model": str(model), "--lang": "es", "--input": f"{inputs}/a.csv", "--output-dir": str(tmp_path / "o"),
            "--scheduler": "local:1"}
    extra = []
    for k, v in zip(args[::2], args[1::2]):
        if k in argv:
            argv[k] = v.format(missing=tmp_path / "nothing")
        else:
            extra += [k, v]
    flat = [x for kv in argv.items() for x in kv] + extra + ["--quiet"]
    assert main(["predict", *flat]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_model_problems_said_once_before_any_work_on_the_cluster(model, cluster, inputs, tmp_path, capsys):
    """A --lang the model lacks (exit 2) or a model the workers cannot load (exit 1): found by one
    task before the inputs are read, said in one line (it used to be one failure per file, each
    logged by its worker with a traceback); no output folder."""
    damaged = tmp_path / "model-es.joblib"
    damaged.write_bytes(model.read_bytes()[:1000])
    for model_path, lang, code, message in (
            (model, "de", 2, "xproj predict: configuration error: --lang de: the model has no vectors for 'de'; "
                             "it knows en, es"),
            (damaged, "es", 1, f"xproj predict: error: {damaged}: not an xproj model file (")):
        out = tmp_path / f"scored-{lang}"
        assert main(["predict", "--model", str(model_path), "--lang", lang, "--input", f"{inputs}/[abcd].*",
                     "--output-dir", str(out), "--scheduler", cluster.scheduler_address, "--quiet"]) == code
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(message), err
        assert not out.exists()


@pytest.mark.slow
def test_scheduler_that_does_not_answer_writes_nothing(model, inputs, tmp_path, capsys):
    """Dask gives up after its 10 s connect timeout: exit 2, one line, no output folder."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "scored"
    assert run(model, f"{inputs}/a.csv", out, f"tcp://127.0.0.1:{port}") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"xproj predict: configuration error: --scheduler tcp://127.0.0.1:{port}: "
                                               "cannot reach the scheduler"), err
    assert not out.exists()


@pytest.mark.slow
def test_killed_worker_loses_and_duplicates_nothing(model, inputs, tmp_path):
    """SIGKILL one worker process mid-job: its tasks are redone elsewhere, every output is
    complete, and the run after it has nothing left to do."""
    import signal
    import threading
    import time

    src = tmp_path / "many"
    src.mkdir()
    lines = (inputs / "a.csv").read_text(encoding="utf-8").splitlines()[1:61]
    for k in range(8):
        (src / f"part{k}.csv").write_text("id,text\n" + "\n".join(lines * 10) + "\n", encoding="utf-8")
    out = tmp_path / "scored"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c, distributed.Client(c) as client:
        pids = list(client.run(os.getpid).values())

        def kill_one():
            deadline = time.time() + 60
            while time.time() < deadline and not any(out.glob(".*.tmp")):
                time.sleep(0.01)
            os.kill(pids[0], signal.SIGKILL)

        killer = threading.Thread(target=kill_one)
        killer.start()
        s = score_files(model, src, out, scheduler=c.scheduler_address, lang="es", chunk_size=20)
        killer.join()
        assert (s["scored"], s["failed"], s["rows"]) == (8, [], 8 * 600)
        for k in range(8):
            assert pq.read_table(out / f"part{k}.scored.parquet").column("row").to_pylist() == list(range(1, 601))
        again = score_files(model, src, out, scheduler=c.scheduler_address, lang="es")
        assert (again["scored"], again["skipped"]) == (0, 8)


def test_a_bad_file_fails_alone_and_is_retried_next_run(model, cluster, inputs, tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_bytes((inputs / "a.csv").read_bytes())
    (src / "wrong.jsonl").write_bytes((inputs / "a.csv").read_bytes())  # CSV under a JSON-lines name
    out = tmp_path / "scored"
    assert run(model, src, out, cluster.scheduler_address) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{src / 'wrong.jsonl'}: ") and "cannot be read as jsonl" in err[0]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.scored.parquet"]
    (src / "wrong.jsonl").unlink()
    assert score_files(model, src, out, scheduler=None, lang="es")["skipped"] == 1
