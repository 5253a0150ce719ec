"""Benchmark parsing a ``.vec`` text file: xproj's paths vs pandas' and pyarrow's C parsers.

The file is bench_load.py's seeded random ``.vec`` (``count dim`` header, 4 decimals, kept in
``bench/.cache/``). Each measurement runs in a fresh child process, which reports the wall
time of the call and its peak memory (``VmHWM`` after the call minus ``VmRSS`` before it)
against the size of the float32 matrix. The loaders run round-robin, ``--repeat`` times, so
that every loader sees the same load of a shared machine; the best and median times and each
one's ratio to pandas in the same run are reported.

Loaders:

* ``xproj``          -- ``read_vec(path)``: the compiled parser per block when numba is
  installed (xproj/vectors/text_numba.py; its machine code, saved by an earlier process, is
  loaded with llvmlite inside the call, as a user's first read pays; llvmlite itself is imported
  before it), else polars' CSV reader per block when
  polars is installed (xproj/vectors/text_polars.py), else ``np.loadtxt`` per block
* ``xproj-polars``   -- the same call with the compiled parser refused: polars per block
* ``xproj-loadtxt``  -- the same call with both fast paths refused: ``np.loadtxt`` per block
  (what a run without the ``fastread`` extra costs)
* ``xproj-careful``  -- the same call with every fast path refused, so every block goes
  through the line-by-line reader (what a file with tabs or double spaces costs)
* ``pandas``         -- ``pd.read_csv(path, sep=" ", quoting=QUOTE_NONE, header=None,
  skiprows=1)`` (float64 columns, the C parser), as in the issue
* ``pyarrow``        -- ``pyarrow.csv.read_csv`` with delimiter " ", quoting off, float32
  value columns
* ``polars``         -- ``polars.read_csv`` of the whole file, separator " ", no quoting,
  float64 value columns (xproj's path minus its checks and the float32 matrix)

Libraries are imported before the measured call (polars' import takes ~38 MiB and ~0.3 s,
pandas' ~98 MiB). The peak still counts the pages of library code the call runs for the
first time (file-backed, shared, ~28 MiB for polars' reader): the table shows them, and the
peak without them.
* ``polars-scan``    -- (only with ``--loaders``) ``pl.scan_csv(...).collect_batches()`` of
  the whole file, batches cast to float32 and copied into one float32 matrix, nulls
  checked: the least a whole-file polars fast path in read_vec would cost (tried, not kept);
  ``polars-scan-1m`` / ``-4m``: the same with ``POLARS_CSV_CHUNK_SIZE`` set to 1 / 4 MiB;
  ``polars-scan-1m-p1``: 1 MiB and ``POLARS_CSV_CHUNK_PREFETCH_LIMIT=1``
* ``xproj-before``   -- with ``--before DIR``: ``read_vec`` of another checkout (e.g.
  ``git archive HEAD~1 xproj | tar -x -C DIR``), for before/after figures in one run

Usage::

    python bench/bench_read_vec.py            # 200,000 x 300, 3 rounds
    python bench/bench_read_vec.py --quick    # 50,000 x 300, 3 rounds
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import _status_kb, test_file  # noqa: E402

LOADERS = ("xproj", "xproj-polars", "xproj-loadtxt", "xproj-careful", "pandas", "pyarrow", "polars")
# Not run by default: what a whole-file polars fast path would cost (bench/README.md).
EXTRA_LOADERS = ("polars-scan", "polars-scan-1m", "polars-scan-4m", "polars-scan-1m-p1")


def _load(kind, path, dim):
    """Run one loader; returns the float32-equivalent matrix shape."""
    if kind.startswith("xproj"):
        from xproj.vectors import text

        if kind in ("xproj-polars", "xproj-loadtxt", "xproj-careful"):
            text._parse_block_numba = lambda *args: None
        if kind in ("xproj-loadtxt", "xproj-careful"):
            text._parse_block_polars = lambda block, n_lines, dim: None
        if kind == "xproj-careful":
            text._parse_block = lambda rests, dim: None
        return text.read_vec(path).vectors.shape
    if kind == "pandas":
        import csv

        import pandas as pd

        df = pd.read_csv(path, sep=" ", quoting=csv.QUOTE_NONE, header=None, skiprows=1,
                         keep_default_na=False, na_filter=False)
        return df.shape[0], df.shape[1] - 1
    if kind.startswith("polars-scan"):
        if kind != "polars-scan":  # polars reads the file in chunks of this many bytes
            os.environ["POLARS_CSV_CHUNK_SIZE"] = str(int(kind[len("polars-scan-")]) << 20)
        if kind.endswith("-p1"):  # and reads at most this many chunks ahead
            os.environ["POLARS_CSV_CHUNK_PREFETCH_LIMIT"] = "1"
        return _polars_scan(path, dim)
    if kind == "polars":
        import polars as pl

        schema = {"word": pl.String, **{f"v{i}": pl.Float64 for i in range(dim)}}
        df = pl.read_csv(path, has_header=False, skip_rows=1, separator=" ", quote_char=None,
                         schema=schema)
        return df.height, df.width - 1
    import pyarrow as pa
    import pyarrow.csv as pc

    names = ["word"] + [f"v{i}" for i in range(dim)]
    table = pc.read_csv(
        path,
        read_options=pc.ReadOptions(skip_rows=1, column_names=names),
        parse_options=pc.ParseOptions(delimiter=" ", quote_char=False),
        convert_options=pc.ConvertOptions(column_types={n: pa.float32() for n in names[1:]}))
    return table.num_rows, table.num_columns - 1


def _polars_scan(path, dim, chunk_size=5000):
    """The whole file through ``pl.scan_csv(...).collect_batches()`` into one float32 matrix.

    The least a whole-file polars fast path in read_vec would do: each batch's nulls checked,
    its values cast to float32 in polars (float64 parsed, then rounded, as read_vec rounds),
    its words kept and its rows copied into the matrix; no fallback, no other check.
    """
    import numpy as np
    import polars as pl

    with open(path, "rb") as f:
        n = int(f.readline().split()[0])
    schema = {"word": pl.String, **{f"v{i}": pl.Float64 for i in range(dim)}}
    frame = pl.scan_csv(path, has_header=False, skip_rows=1, separator=" ", quote_char=None,
                        schema=schema).with_columns(pl.exclude("word").cast(pl.Float32))
    matrix, words, start = np.empty((n, dim), dtype=np.float32), [], 0
    for batch in frame.collect_batches(chunk_size=chunk_size):
        if any(batch.null_count().row(0)):
            raise ValueError("a null field")
        words.extend(batch.get_column("word").to_list())
        matrix[start:start + batch.height] = batch[:, 1:].to_numpy()
        start += batch.height
    return start, dim


def child(kind, path, dim, before=None):
    if before:
        sys.path.insert(0, before)
    if kind.startswith("xproj"):
        import xproj.vectors.text  # noqa: F401  (imports outside the timed call)
        if kind == "xproj-before":  # an older checkout: its libraries imported as this bench did then
            from xproj.vectors.text_numba import kernel
            from xproj.vectors.text_polars import polars

            polars()
            if kernel() is not None:  # stop 23: numba imported; its cache loaded by the first parse
                import scipy.linalg  # noqa: F401  (numba's first call imports it)
        else:
            from xproj.vectors.text_polars import polars

            polars()  # imported here, as pandas is for its loader (None when not installed)
            try:  # the library the saved kernel is loaded with; the loading itself is timed
                import llvmlite.binding  # noqa: F401
            except ImportError:
                pass
    elif kind.startswith("polars"):
        import polars  # noqa: F401
    elif kind == "pandas":
        import pandas  # noqa: F401
    else:
        import pyarrow.csv  # noqa: F401
    base, base_file = _status_kb("VmRSS"), _status_kb("RssFile")
    t, c = time.perf_counter(), time.process_time()
    shape = _load(kind, path, dim)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    peak, code = _status_kb("VmHWM"), _status_kb("RssFile") - base_file
    print("RESULT " + json.dumps({"time": dt, "cpu": dc, "peak_mb": (peak - base) / 1024,
                                  "code_mb": code / 1024, "shape": list(shape)}))


def run_child(kind, path, dim, before=None):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--path", str(path),
           "--dim", str(dim)]
    if kind == "xproj-before":
        cmd += ["--before", before]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return None  # e.g. pyarrow not installed
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-words", type=int, default=200_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3, help="rounds over all loaders")
    ap.add_argument("--quick", action="store_true", help="50,000 x 300")
    ap.add_argument("--loaders", nargs="+", default=list(LOADERS), choices=LOADERS + EXTRA_LOADERS + ("xproj-before",))
    ap.add_argument("--before", help="a directory holding another checkout's xproj package")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child, args.path, args.dim, args.before)
    if args.before and "xproj-before" not in args.loaders:
        args.loaders.insert(0, "xproj-before")
    n = 50_000 if args.quick else args.n_words
    path = test_file(n, args.dim)
    matrix_mb = n * args.dim * 4 / 2**20
    runs = {kind: [] for kind in args.loaders}
    load0 = os.getloadavg()[0]
    for r in range(args.repeat):
        for kind in args.loaders:
            res = run_child(kind, path, args.dim, args.before)
            if res is not None:
                runs[kind].append(res)
                print(f"round {r + 1} {kind}: {res['time']:.3f} s", flush=True)
    load1 = os.getloadavg()[0]
    ref = min(x["time"] for x in runs["pandas"]) if runs.get("pandas") else None
    ref_cpu = min(x["cpu"] for x in runs["pandas"]) if runs.get("pandas") else None
    print(f"\n{n:,} x {args.dim}, {args.repeat} rounds; matrix {matrix_mb:.0f} MiB (float32); "
          f"load average (1 min) {load0:.1f} before, {load1:.1f} after\n")
    print("| loader | best (s) | median (s) | best / pandas best | CPU best (s) | CPU / pandas CPU | "
          "peak extra RSS (MiB) | peak / matrix | of which library code (MiB) | peak without it / matrix |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind, res in runs.items():
        if not res:
            print(f"| {kind} | not installed | | | | | | | | |")
            continue
        times = [x["time"] for x in res]
        peak = max(x["peak_mb"] for x in res)
        code = max(x["code_mb"] for x in res)
        cpu = min(x["cpu"] for x in res)
        ratio = f"{min(times) / ref:.2f}" if ref else "-"
        cpu_ratio = f"{cpu / ref_cpu:.2f}" if ref_cpu else "-"
        print(f"| {kind} | {min(times):.3f} | {statistics.median(times):.3f} | {ratio} | {cpu:.3f} | "
              f"{cpu_ratio} | {peak:.0f} | {peak / matrix_mb:.2f} | {code:.0f} | "
              f"{(peak - code) / matrix_mb:.2f} |")
    if ref and runs.get("xproj"):
        best = min(x["time"] for x in runs["xproj"])
        peak = max(x["peak_mb"] for x in runs["xproj"]) / matrix_mb
        # Each round's ratio: both loaders ran back to back, under about the same load.
        rounds = sorted(a["time"] / b["time"] for a, b in zip(runs["xproj"], runs["pandas"]))
        print(f"\nxproj / pandas per round: median {statistics.median(rounds):.2f}, range "
              f"{rounds[0]:.2f}-{rounds[-1]:.2f} ({', '.join(f'{r:.2f}' for r in rounds)})")
        print(f"\ntarget (issue 11): xproj read_vec at least as fast as pandas' C parser: "
              f"{'MET' if best <= ref else 'MISSED'} ({best / ref:.2f}x its time); peak <= 1.5x the "
              f"matrix: {'MET' if peak <= 1.5 else 'MISSED'} ({peak:.2f}x)")


if __name__ == "__main__":
    main()
