"""Benchmark: the top 50,000 words of a .vec by HTTP range requests vs the whole file.

Generates a 200,000-word x 300-d ``.vec`` (4-decimal values, seeded), serves it from a local
HTTP server on 127.0.0.1 (Range supported, like the fastText CDN), points ``XPROJ_MIRROR`` at
it and times :func:`xproj.download.fetch` for ``aligned:es@50000`` against a whole-file
download of ``aligned:es``; also the fallback for a server that ignores Range.

    python bench/bench_download.py [--words 200000] [--dim 300] [--top 50000]

Loopback has no real bandwidth limit, so the time ratio understates what the byte ratio
gives over a real network link.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xproj import download  # noqa: E402

PATH = "/fasttext/vectors-aligned/wiki.es.align.vec"


def write_vec(path: Path, n: int, dim: int, seed: int = 0, block: int = 5000) -> int:
    """Write a ``.vec`` with ``n`` words and 4-decimal values, fast (vectorised formatting)."""
    rng = np.random.default_rng(seed)
    digits = np.frombuffer(b"0123456789", dtype=np.uint8)
    with open(path, "wb") as f:
        f.write(f"{n} {dim}\n".encode())
        for start in range(0, n, block):
            rows = min(block, n - start)
            q = np.clip(np.rint(rng.normal(scale=0.25, size=(rows, dim)) * 10000), -9999, 9999).astype(np.int32)
            a = np.abs(q)
            # each value as "-0.dddd " (8 bytes); the "-" is dropped for non-negative values
            chars = np.empty((rows, dim, 8), dtype=np.uint8)
            chars[..., 0] = ord("-")
            chars[..., 1] = ord("0")
            chars[..., 2] = ord(".")
            for k, div in enumerate((1000, 100, 10, 1)):
                chars[..., 3 + k] = digits[(a // div) % 10]
            chars[..., 7] = ord(" ")
            chars[..., -1, 7] = ord("\n")  # last value of a row ends the line
            keep = np.ones_like(chars, dtype=bool)
            keep[..., 0] = q < 0
            lengths = keep.reshape(rows, -1).sum(axis=1)
            flat = chars[keep].tobytes()
            offsets = np.concatenate([[0], np.cumsum(lengths)])
            f.write(b"".join(
                f"w{start + i} ".encode() + flat[offsets[i]:offsets[i + 1]] for i in range(rows)
            ))
    return path.stat().st_size


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def do_GET(self):
        srv = self.server
        size = srv.file.stat().st_size
        if self.path != PATH:
            self.send_error(404)
            return
        first, last, status = 0, size - 1, 200
        m = re.match(r"bytes=(\d+)-(\d*)$", self.headers.get("Range") or "")
        if m and srv.honour_range:
            first = int(m.group(1))
            last = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
            status = 206
        self.send_response(status)
        self.send_header("Content-Length", str(last - first + 1))
        if status == 206:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.end_headers()
        with open(srv.file, "rb") as f:
            f.seek(first)
            left = last - first + 1
            try:
                while left > 0:
                    chunk = f.read(min(1 << 20, left))
                    self.wfile.write(chunk)
                    srv.sent += len(chunk)
                    left -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass


def timed(label, fn, srv):
    srv.sent = 0
    t = time.perf_counter()
    path, stats = fn()
    dt = time.perf_counter() - t
    return {"label": label, "seconds": dt, "sent": srv.sent, "received": stats.bytes,
            "requests": stats.requests, "path": path}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--top", type=int, default=50_000)
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="xproj-bench-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        size = write_vec(tmp / "wiki.es.align.vec", args.words, args.dim)
        print(f"generated {args.words} x {args.dim} .vec: {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")

        srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        srv.daemon_threads = True
        srv.file, srv.sent, srv.honour_range = tmp / "wiki.es.align.vec", 0, True
        threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
        os.environ["XPROJ_MIRROR"] = f"http://127.0.0.1:{srv.server_address[1]}"
        os.environ.pop("XPROJ_OFFLINE", None)

        results = []
        os.environ["XPROJ_DATA"] = str(tmp / "a")
        results.append(timed(f"top {args.top}, Range", lambda: download.fetch(
            f"aligned:es@{args.top}", progress=False, return_stats=True), srv))
        srv.honour_range = False
        os.environ["XPROJ_DATA"] = str(tmp / "b")
        results.append(timed(f"top {args.top}, no Range", lambda: download.fetch(
            f"aligned:es@{args.top}", progress=False, return_stats=True), srv))
        srv.honour_range = True
        os.environ["XPROJ_DATA"] = str(tmp / "c")
        results.append(timed("whole file", lambda: download.fetch("aligned:es", progress=False,
                                                                    return_stats=True), srv))
        srv.shutdown()

        whole = results[-1]
        top_bytes = results[0]["path"].stat().st_size
        print(f"top-{args.top} file written: {top_bytes / 1e6:.1f} MB "
              f"({top_bytes / size:.1%} of the full file)\n")
        print(f"{'method':<24}{'requests':>9}{'MB received':>13}{'MB sent':>10}{'seconds':>9}"
              f"{'bytes vs whole':>16}{'time vs whole':>15}")
        for r in results:
            print(f"{r['label']:<24}{r['requests']:>9}{r['received'] / 1e6:>13.1f}{r['sent'] / 1e6:>10.1f}"
                  f"{r['seconds']:>9.2f}{r['received'] / whole['received']:>16.3f}"
                  f"{r['seconds'] / whole['seconds']:>15.3f}")
        overshoot = results[0]["received"] / top_bytes - 1
        print(f"\nrange download overshoot beyond the bytes needed: {overshoot:+.1%}")


if __name__ == "__main__":
    main()
