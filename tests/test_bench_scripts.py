"""Every benchmark script still starts: ``python bench/X.py --help`` exits 0.

The benches import the library's internals (private helpers included) and each other, and
they are not run by the default suite, so a refactor that moves a name would break them
unnoticed. One subprocess runs every script's ``--help`` in turn (imports are paid once).
"""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"

DRIVER = r"""
import runpy, sys, traceback
failed = []
for path in sys.argv[1:]:
    sys.argv = [path, "--help"]
    try:
        runpy.run_path(path, run_name="__main__")
        failed.append(f"{path}: --help did not exit")
    except SystemExit as exc:
        if exc.code not in (0, None):
            failed.append(f"{path}: exit {exc.code}")
    except BaseException:
        failed.append(f"{path}: " + traceback.format_exc(limit=-1).strip().splitlines()[-1])
print("\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_bench_script_starts():
    scripts = sorted(str(p) for p in BENCH.glob("*.py") if not p.name.startswith("_"))
    assert len(scripts) > 20
    done = subprocess.run([sys.executable, "-c", DRIVER, *scripts], capture_output=True, text=True,
                          cwd=BENCH, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]


def test_csls_baseline_comparison_checks_the_scores(tmp_path):
    """``bench_csls.py --baseline`` compares the CSLS scores too (it used to compare indices
    only): a baseline one float32 step off, same indices, is the same answer but not to the bit;
    one 1e-3 off is not the same answer."""
    import shutil

    root = BENCH.parent
    nudges = {"same": "", "one-step": "np.nextafter(scores, np.float32(np.inf))",
              "off": "scores + np.float32(1e-3)"}
    printed = {}
    for name, nudge in nudges.items():
        shutil.copytree(root / "xproj", tmp_path / name / "xproj", ignore=shutil.ignore_patterns("__pycache__"))
        if nudge:
            with open(tmp_path / name / "xproj" / "retrieval.py", "a", encoding="utf-8") as f:
                f.write(f"\n_exact = retrieve\n\n\ndef retrieve(*args, **kwargs):\n"
                        f"    indices, scores = _exact(*args, **kwargs)\n    return indices, {nudge}\n")
        done = subprocess.run([sys.executable, str(BENCH / "bench_csls.py"), "--n-words", "3000", "--dim", "16",
                               "--queries", "200", "--reference", "full", "--topn", "3",
                               "--baseline", str(tmp_path / name)], capture_output=True, text=True, cwd=tmp_path,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        (printed[name],) = [line for line in done.stdout.splitlines() if "CSLS top-3 retrieval" in line]
    assert printed["same"].endswith("same answers: yes (indices, and scores to the float32 bit)")
    assert "same answers: yes (indices; scores within 1e-05, not to the bit: 200 queries differ" in printed["one-step"]
    assert "same answers: NO (indices same, scores beyond 1e-05; 200 queries differ, max |score diff| 0.001)" \
        in printed["off"]
