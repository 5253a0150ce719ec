"""Benchmark reading a fastText text ``.vec`` file: xproj vs gensim, time and peak memory.

A 200,000 x 300 ``.vec`` (``count dim`` header, 4 decimals, like the published aligned
fastText files) is generated once from seeded random data and kept in ``bench/.cache/``
(gitignored). Each measurement runs in its own child process (a fresh interpreter), which
reports:

* wall time of the load call, and
* peak memory: ``VmHWM`` (the process's max RSS) after the load minus ``VmRSS`` just
  before it (i.e. after the imports), compared with the size of the float32 matrix.

Loaders:

* ``xproj``  -- ``xproj.vectors.read_vec(path, limit=N)`` (no cache)
* ``gensim`` -- ``KeyedVectors.load_word2vec_format(path, limit=N)`` (the peer)
* ``cache-write`` -- ``load_vectors(path, limit=N, cache_dir=<empty temp dir>)``: parse +
  write the ``.npy`` cache
* ``cache-read``  -- the same call again: memory-maps the cache

for ``limit`` = 200,000 (the whole file) and 50,000. The parent also checks that xproj and
gensim return the same words in the same order and vectors within 1e-6.

Usage::

    python bench/bench_load.py              # 200,000 x 300, limits 200000 and 50000
    python bench/bench_load.py --quick      # 50,000 x 300, limits 50000 and 12500
    python bench/bench_load.py --n-words 100000 --dim 300 --limits 100000 --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path(__file__).resolve().parent / ".cache"


# -- the test file ---------------------------------------------------------------------------

def _make_words(rng, n):
    """n unique word-like strings (2-12 letters, a few accented), deterministic."""
    letters = list("abcdefghijklmnopqrstuvwxyz" * 3 + "éñüàç")
    lengths = rng.integers(2, 13, size=n * 2)
    chars = rng.integers(0, len(letters), size=int(lengths.sum()))
    out, seen, pos = [], set(), 0
    for ln in lengths:
        w = "".join(letters[c] for c in chars[pos:pos + ln])
        pos += ln
        if w not in seen:
            seen.add(w)
            out.append(w)
            if len(out) == n:
                return out
    i = 0
    while len(out) < n:  # not reached for realistic n; keeps the function total
        w = f"w{i}"
        i += 1
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def generate_vec(path: Path, n: int, dim: int, seed: int = 0) -> Path:
    """Write an ``n x dim`` .vec with 4-decimal values (|v| < 1), fast (numpy byte formatting).

    Each value is formatted as ``[-]0.dddd`` by filling a (rows, dim, 8) byte array and dropping
    the unused sign slots; equivalent to ``"%.4f"`` for values in (-1, 1).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    words = _make_words(rng, n)
    tmp = path.with_name(path.name + ".tmp")
    block = 8192
    with open(tmp, "wb") as f:
        f.write(f"{n} {dim}\n".encode())
        for start in range(0, n, block):
            b = min(block, n - start)
            X = rng.normal(0.0, 0.12, size=(b, dim))
            ints = np.minimum(np.rint(np.abs(X) * 10000).astype(np.int64), 9999)
            neg = (X < 0) & (ints > 0)
            buf = np.empty((b, dim, 8), dtype=np.uint8)
            buf[..., 0] = np.where(neg, ord("-"), 0)  # 0 = no sign, removed below
            buf[..., 1] = ord("0")
            buf[..., 2] = ord(".")
            buf[..., 3] = ints // 1000 + 48
            buf[..., 4] = ints // 100 % 10 + 48
            buf[..., 5] = ints // 10 % 10 + 48
            buf[..., 6] = ints % 10 + 48
            buf[..., 7] = ord(" ")
            buf[:, -1, 7] = ord("\n")
            flat = buf.reshape(b, -1)
            keep = flat != 0
            data = flat[keep].tobytes()
            ends = np.cumsum(keep.sum(axis=1))
            starts = np.concatenate([[0], ends[:-1]])
            f.write(b"".join(words[start + i].encode("utf-8") + b" " + data[s:e]
                             for i, (s, e) in enumerate(zip(starts.tolist(), ends.tolist()))))
    os.replace(tmp, path)
    return path


def test_file(n: int, dim: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"random.{n}x{dim}.vec"
    if not path.exists():
        t = time.perf_counter()
        print(f"generating {path} ...", flush=True)
        generate_vec(path, n, dim)
        print(f"  done in {time.perf_counter() - t:.1f} s ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
    return path


# -- child: one measurement ------------------------------------------------------------------

def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def child(args):
    import numpy as np

    if args.child == "gensim":
        from gensim.models import KeyedVectors
    else:
        from xproj.vectors import load_vectors, read_vec
    base = _status_kb("VmRSS")
    t = time.perf_counter()
    if args.child == "xproj":
        wv = read_vec(args.path, limit=args.limit)
        words, M = wv.words, wv.vectors
    elif args.child == "gensim":
        kv = KeyedVectors.load_word2vec_format(args.path, limit=args.limit)
        words, M = kv.index_to_key, kv.vectors
    else:  # cache-write / cache-read: same call, the cache dir decides
        wv = load_vectors(args.path, limit=args.limit, cache_dir=args.cache_dir)
        words, M = wv.words, wv.vectors
    dt = time.perf_counter() - t
    peak = _status_kb("VmHWM")
    res = {"time": dt, "peak_mb": (peak - base) / 1024, "n": len(words), "dim": int(M.shape[1]),
           "dtype": str(M.dtype), "memmap": isinstance(M, np.memmap)}
    if args.dump:
        np.save(args.dump + ".npy", np.asarray(M))
        with open(args.dump + ".words", "w", encoding="utf-8") as f:
            f.write("\n".join(words))
    print("RESULT " + json.dumps(res))


def run_child(kind, path, limit, *, cache_dir=None, dump=None):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--path", str(path),
           "--limit", str(limit)]
    if cache_dir:
        cmd += ["--cache-dir", str(cache_dir)]
    if dump:
        cmd += ["--dump", str(dump)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"child {kind} failed:\n{out.stderr[-3000:]}")
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def compare_dumps(a, b):
    import numpy as np

    wa = Path(a + ".words").read_text(encoding="utf-8").split("\n")
    wb = Path(b + ".words").read_text(encoding="utf-8").split("\n")
    Ma, Mb = np.load(a + ".npy"), np.load(b + ".npy")
    same_words = wa == wb
    diff = float(np.max(np.abs(Ma.astype(np.float64) - Mb))) if Ma.shape == Mb.shape else float("inf")
    return same_words, diff, Ma.shape, Mb.shape


# -- parent ----------------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-words", type=int, default=200_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--limits", type=int, nargs="+", default=None,
                    help="limit values to measure (default: n-words and n-words/4)")
    ap.add_argument("--repeat", type=int, default=1, help="children per loader; the best time is kept")
    ap.add_argument("--quick", action="store_true", help="50,000 x 300")
    ap.add_argument("--no-check", action="store_true", help="skip the xproj == gensim check")
    # child mode
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--cache-dir", help=argparse.SUPPRESS)
    ap.add_argument("--dump", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)
    if args.quick:
        args.n_words = 50_000
    limits = args.limits or [args.n_words, args.n_words // 4]
    path = test_file(args.n_words, args.dim)
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.0f} MB; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs; each figure from a fresh child process, best of {args.repeat}")

    rows = []
    checks = []
    tmp = Path(tempfile.mkdtemp(prefix="xproj-bench-load-", dir=CACHE))
    try:
        for limit in limits:
            mat_mb = limit * args.dim * 4 / 2**20
            best = {}
            for rep in range(args.repeat):
                for kind in ("xproj", "gensim"):
                    dump = str(tmp / f"{kind}.{limit}") if (rep == 0 and not args.no_check) else None
                    r = run_child(kind, path, limit, dump=dump)
                    if kind not in best or r["time"] < best[kind]["time"]:
                        best[kind] = {**r, "peak_mb": min(r["peak_mb"], best.get(kind, r)["peak_mb"])}
                cdir = tmp / f"cache.{limit}.{rep}"
                cdir.mkdir()
                for kind in ("cache-write", "cache-read"):
                    r = run_child(kind, path, limit, cache_dir=cdir)
                    if kind not in best or r["time"] < best[kind]["time"]:
                        best[kind] = r
                shutil.rmtree(cdir)
            if not args.no_check:
                same, diff, sa, sb = compare_dumps(str(tmp / f"xproj.{limit}"), str(tmp / f"gensim.{limit}"))
                checks.append((limit, same, diff, sa, sb))
                for kind in ("xproj", "gensim"):
                    for suf in (".npy", ".words"):
                        (tmp / f"{kind}.{limit}{suf}").unlink(missing_ok=True)
            g = best["gensim"]["time"]
            for kind in ("xproj", "gensim", "cache-write", "cache-read"):
                r = best[kind]
                rows.append((limit, kind, r["time"], g / r["time"], r["peak_mb"], r["peak_mb"] / mat_mb,
                             mat_mb, r["memmap"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print("| limit | loader | time (s) | speed-up vs gensim | peak extra RSS (MiB) | peak / float32 matrix | matrix (MiB) | memmap |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for limit, kind, t, sp, pk, ratio, mat, mm in rows:
        print(f"| {limit:,} | {kind} | {t:.3f} | {sp:.2f}x | {pk:.0f} | {ratio:.2f} | {mat:.0f} | {mm} |")
    print()
    by = {(r[0], r[1]): r for r in rows}
    for limit in limits:
        x, gs, cr = by[(limit, "xproj")], by[(limit, "gensim")], by[(limit, "cache-read")]
        print(f"limit {limit:,}: read_vec is {x[3]:.2f}x gensim's speed (target >= 2x); "
              f"peak {x[5]:.2f}x the matrix (target <= 1.5x; gensim {gs[5]:.2f}x); "
              f"cached reload {cr[2] * 1000:.0f} ms (target < 100 ms), {gs[2] / cr[2]:.0f}x faster than gensim")
    for limit, same, diff, sa, sb in checks:
        print(f"check limit {limit:,}: same words and order: {same}; shapes {sa} / {sb}; "
              f"max |xproj - gensim| = {diff:.2e} ({'OK' if same and diff < 1e-6 else 'MISMATCH'})")


if __name__ == "__main__":
    main()
