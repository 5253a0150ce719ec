"""argparse's own errors (unknown option, missing argument, invalid choice, a value of the wrong
type) are one line naming the option and the problem, exit 2, for every command; --help still
prints the full help."""

import subprocess
import sys
from pathlib import Path

import pytest

from xproj.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("argv, expected", [
    (["frobnicate"], "xproj: error: argument COMMAND: invalid choice: 'frobnicate'"),
    (["predict"], "xproj predict: error: the following arguments are required: --model, --input, --lang"),
    (["run", "--seed", "x"], "xproj run: error: argument --seed: invalid int value: 'x'"),
    (["run", "--seed"], "xproj run: error: argument --seed: expected one argument"),
    (["run", "--bogus"], "xproj: error: unrecognized arguments: --bogus"),
    (["cache"], "xproj cache: error: the following arguments are required: ACTION"),
    (["cache", "frob"], "xproj cache: error: argument ACTION: invalid choice: 'frob'"),
    (["download", "vectors"], "xproj download vectors: error: the following arguments are required: lang"),
    (["label-queue", "--model", "m", "--input", "i", "--lang", "es", "--out", "q", "--strategy", "most-fun"],
     "xproj label-queue: error: argument --strategy: invalid choice: 'most-fun'"),
])
def test_argparse_errors_are_one_line_exit_2(argv, expected, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(expected), lines[0]
    assert "usage:" not in captured.err


def test_run_pipeline_script_usage_error_is_one_line():
    out = subprocess.run([sys.executable, str(ROOT / "run_pipeline.py"), "--seed"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "xproj run: error: argument --seed: expected one argument (see xproj run --help)"]


@pytest.mark.parametrize("argv", [["--help"], ["cache", "--help"], ["download", "vectors", "--help"]])
def test_help_still_prints_usage_and_exits_0(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("usage: xproj")


@pytest.mark.parametrize("command", [
    ["monitor", "--model", "m.joblib", "--lang", "es", "--reference", "r.csv", "--batch", "b.csv"],
    ["label-queue", "--model", "m.joblib", "--lang", "es", "--input", "i.csv", "--out", "q.csv"],
    ["align", "a.vec", "b.vec", "--dictionary", "d.txt", "--out", "out"],
    ["retrain", "--model", "m.joblib", "--labels", "q.csv", "--out", "m1.joblib"],
])
@pytest.mark.parametrize("seed, problem", [
    ("-1", "-1 is out of range: allowed 0 .. 4294967295"),
    ("4294967296", "4294967296 is out of range"),
    ("x", "'x' is not an integer"),
])
def test_seed_out_of_numpy_range_is_a_usage_error_before_any_work(command, seed, problem, tmp_path, capsys,
                                                                  monkeypatch):
    # before: numpy's "expected non-negative integer" traceback, after the inputs were read
    monkeypatch.chdir(tmp_path)  # none of the files exists: the flag is refused first
    with pytest.raises(SystemExit) as exc:
        main([*command, "--seed", seed])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"argument --seed: {problem}" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed, problem", [("-1", "must be at least 0, got -1"),
                                           ("99999999999", "must be at most 2147483647, got 99999999999")])
def test_train_vectors_seed_beyond_fasttext_int_is_exit_2(seed, problem, tmp_path, capsys):
    # before: 99999999999 was fastText's binding's TypeError traceback
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("hola mundo\n" * 20, encoding="utf-8")
    assert main(["train-vectors", "--lang", "es", "--corpus", str(corpus), "--out", str(tmp_path / "v"),
                 "--seed", seed]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"xproj train-vectors: configuration error: seed (--seed): {problem}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.txt"]


@pytest.mark.parametrize("out", ["", "  "])
def test_run_with_an_empty_out_is_a_usage_error_before_any_work(out, capsys, tmp_path, monkeypatch):
    # "" used to fall back to runs/<name>/ silently (Path("") would be the current folder)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "synthetic", "--out", out, "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().splitlines() == [
        "xproj run: configuration error: --out is empty: give a folder, or leave --out out for "
        "<output.dir>/<name>"]
    assert captured.out == "" and not any(tmp_path.iterdir())
