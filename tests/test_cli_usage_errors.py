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
