"""The command line end to end on a small synthetic world, in a temporary directory."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xproj.cli import main

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "synthetic.n_words=2000", "--set", "synthetic.dim=30", "--set", "synthetic.n_train_docs=800",
         "--set", "synthetic.n_test_docs=400", "--set", "evaluation.bootstrap=200", "--set", "model.C=[0.1, 1.0]"]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "demo"
    assert main(["run", "synthetic", "--out", str(out), "--quiet", *SMALL]) == 0
    return out


def test_run_writes_outputs(demo_run):
    for name in ["metrics.json", "report.md", "config.toml", "versions.json", "confusion-es.png", "pca-es.png",
                 "model-es.joblib", "mapping-en-es.npy", "mapping-en-es.json"]:
        assert (demo_run / name).exists(), name
    metrics = json.loads((demo_run / "metrics.json").read_text())
    rows = metrics["results"]["es"]
    assert rows["xproj (aligned)"]["accuracy"] >= 0.85
    assert rows["xproj (aligned)"]["macro_f1"] > rows["unaligned vectors"]["macro_f1"] + 0.15
    assert rows["majority class"]["macro_f1"] < 0.5
    lo, hi = rows["xproj (aligned)"]["macro_f1_ci"]
    assert lo <= rows["xproj (aligned)"]["macro_f1"] <= hi
    assert metrics["bli"]["es"]["csls"]["p@1"] > 0.9
    report = (demo_run / "report.md").read_text()
    assert "synthetic demo" in report and "| xproj (aligned) |" in report
    assert (demo_run / "versions.json").read_text().count("numpy")


def test_rerun_from_resolved_config_is_identical(demo_run, tmp_path):
    out = tmp_path / "again"
    assert main(["run", str(demo_run / "config.toml"), "--out", str(out), "--quiet"]) == 0
    a = json.loads((demo_run / "metrics.json").read_text())["results"]
    b = json.loads((out / "metrics.json").read_text())["results"]
    assert a == b


def test_predict_keeps_every_row(demo_run, tmp_path):
    import csv

    from xproj.model import load_model

    src = tmp_path / "in.csv"
    # words the model has vectors for (a text without any would not be scored)
    words = " ".join(load_model(demo_run / "model-es.joblib")["model"].embedder_.space_["es"].words[100:105])
    lines = ["id,text"] + [f'{i},"{words}"' for i in range(30)] + ["99,broken,row", '100,"ok ' + words + '"']
    src.write_bytes(("\n".join(lines) + "\n").encode() + b'101,"\xff bad bytes"\n')
    out = tmp_path / "out.csv"
    assert main(["predict", "--model", str(demo_run / "model-es.joblib"), "--input", str(src),
                 "--lang", "es", "--output", str(out), "--chunk-size", "7"]) == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 33 and [r["row"] for r in rows] == [str(i) for i in range(1, 34)]
    bad = {r["row"]: r["error"] for r in rows if r["error"]}
    assert bad == {"31": "3 columns, expected 2 (id, text)", "33": "not valid UTF-8"}
    assert all(r["label"] in ("negative", "positive") for r in rows if not r["error"])
    jl = tmp_path / "in.jsonl"
    jl.write_text(f'{{"text": "{words}"}}\n{{oops\n{{"body": "x"}}\n', encoding="utf-8")
    assert main(["predict", "--model", str(demo_run / "model-es.joblib"), "--input", str(jl),
                 "--lang", "es", "--output", str(tmp_path / "o2.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "o2.csv").open()))
    assert [bool(r["error"]) for r in rows] == [False, True, True]


def test_exit_codes(tmp_path, capsys):
    assert main(["run", "synthetic", "--set", "features.poling=sif"]) == 2
    assert "configuration error" in capsys.readouterr().err
    assert main(["predict", "--model", str(tmp_path / "none.joblib"), "--input", str(tmp_path / "x.csv"),
                 "--lang", "es"]) == 1
    assert main([]) == 2


def test_run_pipeline_script_help():
    out = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "--help"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0
    assert "features.pooling" in out.stdout and "Presets:" in out.stdout


def test_real_preset_reports_missing_vectors(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XPROJ_SHARED", str(tmp_path / "no-shared"))
    monkeypatch.setenv("XPROJ_OFFLINE", "1")
    code = main(["run", "opener-en-es", "--out", str(tmp_path / "o")])
    assert code == 1
    err = capsys.readouterr().err
    assert "no-shared" in err


def test_run_on_files_table_dataset(tmp_path):
    """The real-data path without shared data: vector files, a dictionary file, CSV tables
    (one file per language: the source one is split into train/dev/test, the target one is
    all test), all named in a TOML config."""
    import csv

    from xproj.datasets.synthetic import make_bilingual_world, make_documents
    from xproj.dictionaries import write_dictionary
    from xproj.vectors import write_vec

    world = make_bilingual_world(n_words=1500, dim=20, noise=0.3, seed=3)
    write_vec(world.src, tmp_path / "en.vec.gz")
    write_vec(world.tgt, tmp_path / "es.vec")
    write_dictionary(world.train_pairs, tmp_path / "en-es.train.txt", sep="\t")
    write_dictionary(world.test_pairs, tmp_path / "en-es.test.txt")
    for lang, side, n in (("en", "src", 800), ("es", "tgt", 300)):
        docs, y = make_documents(world, n, side=side, seed=len(lang) + n)
        with open(tmp_path / f"reviews_{lang}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["review", "stars"])
            w.writerows([" ".join(d), ["neg", "pos"][int(label)]] for d, label in zip(docs, y))
    cfg = tmp_path / "run.toml"
    cfg.write_text(f'''
name = "files"
[data]
dataset = "table"
root = "{tmp_path}/reviews_{{lang}}.csv"
text_column = "review"
label_column = "stars"
target_langs = ["es"]
[vectors.paths]
en = "{tmp_path}/en.vec.gz"
es = "{tmp_path}/es.vec"
[alignment.dictionary]
es = "{tmp_path}/en-es.train.txt"
[alignment.test_dictionary]
es = "{tmp_path}/en-es.test.txt"
[evaluation]
bootstrap = 100
baselines = ["majority", "unaligned", "word-by-word"]
[output]
plots = false
''', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out), "--quiet"]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["label_names"] == ["neg", "pos"]
    assert m["data"]["es/test"]["neg"] + m["data"]["es/test"]["pos"] == 300
    assert set(m["data"]) == {"en/train", "en/dev", "en/test", "es/test"}
    rows = m["results"]["es"]
    assert rows["xproj (aligned)"]["accuracy"] > 0.8
    assert rows["xproj (aligned)"]["accuracy"] > rows["unaligned vectors"]["accuracy"] + 0.1
    assert m["bli"]["es"]["csls"]["p@1"] > 0.9
    # a missing vector file is one clear error naming it
    bad = cfg.read_text().replace(f"{tmp_path}/es.vec", f"{tmp_path}/missing.vec")
    cfg.write_text(bad, encoding="utf-8")
    assert main(["run", str(cfg), "--out", str(tmp_path / "o2"), "--quiet"]) == 1


@pytest.mark.data
@pytest.mark.slow  # about 90 s: vectors parsed from .xz, refinement, every baseline
def test_opener_preset_end_to_end(tmp_path):
    from conftest import shared_file

    shared_file("vectors", "es.100d.top50k.vec.xz")
    shared_file("data", "opener", "es", "test", "pos.txt")
    assert main(["run", "opener-en-es", "--out", str(tmp_path / "o"), "--quiet",
                 "--set", "evaluation.bootstrap=100", "--set", "output.plots=false"]) == 0
    m = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert m["data"]["en/train"] == {"negative": 330, "positive": 880}
    assert m["data"]["es/test"] == {"negative": 52, "positive": 244}
    rows = m["results"]["es"]
    # figures when written: 0.779 xproj, 0.517 unaligned, 0.452 majority (macro-F1)
    assert rows["xproj (aligned)"]["macro_f1"] > 0.72
    assert rows["xproj (aligned)"]["macro_f1"] > rows["unaligned vectors"]["macro_f1"] + 0.15


def test_run_configuration_errors_exit_2_before_any_work(tmp_path, capsys):
    """Bad values, bad names and a missing vector file for a target are configuration errors
    (exit 2, one line naming the option), found before any data is read."""
    cfg = tmp_path / "real.toml"
    cfg.write_text(f'[data]\ndataset = "table"\nroot = "{tmp_path}/nowhere_{{lang}}.csv"\n'
                   f'[vectors.paths]\nen = "{tmp_path}/en.vec"\n[alignment.dictionary]\nes = "identical"\n',
                   encoding="utf-8")
    cases = [
        ([str(cfg)], "vectors.paths has no file for 'es'"),
        (["synthetic", "--set", 'name="../../x"'], "name = '../../x': must be a plain folder name"),
        (["synthetic", "--seed", "-1"], "seed = -1 is out of range"),
        (["synthetic", "--set", "model.C=[nan]"], "model.C = nan is out of range"),
        ([str(tmp_path)], "is a folder, expected a .toml config file"),
        (["synthetic", "--set", f"output.dir='{cfg}'"], "is a file, expected a folder"),
    ]
    for argv, message in cases:
        assert main(["run", *argv, "--quiet"]) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path.parent / "x").exists()
