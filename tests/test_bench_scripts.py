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
