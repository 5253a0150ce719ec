"""Benchmark BLI retrieval (CSLS and NN P@1) over a large target space: xproj vs plain numpy.

World: ``make_bilingual_world(n_words=200000, dim=300, noise=..., seed=0, n_train=5000,
n_test=1500)`` (1,500 test queries, MUSE-like split), mapped with supervised Procrustes
(``fit_mapping`` on the train pairs). Both sides then see the same unit-normalised spaces:
every one of the ~200,000 mapped source words is a CSLS "source" and every target word is
a candidate.

Measured, in the same process and on the same arrays:

* ``xproj`` -- ``xproj.evaluation.bli_scores(mapped, tgt, test, methods=("csls",), ks=(1,))``
  (and the same with ``("nn",)``).
* ``numpy reference`` -- CSLS written the straightforward MUSE way: ``r_src`` for the
  queries and ``r_tgt`` for *all* targets against *all* mapped sources, batch by batch with
  ``np.partition``; ``scores = 2*sim - r_src - r_tgt``; ``argmax``. NN: ``argmax(Q @ T.T)``.

The reference's ``r_tgt`` pass is ``n_targets x n_sources`` (4e10 similarities at 200k): about
6 minutes on 2 cores. By default (``--reference extrapolate``) it is timed on an evenly
spread ``--ref-fraction`` of the target batches and extrapolated (every batch costs the same),
and the exact P@1 agreement is checked on a smaller world (``--check-words``) with the full
reference, both in the same run. ``--reference full`` runs the whole reference at full size.

* ``--baseline DIR`` -- the CSLS retrieval of another checkout (``DIR/xproj``, e.g.
  ``git archive <commit> xproj | tar -x -C DIR``) against this one's, alternately on the same
  arrays (``retrieve(Q, T, topn, method="csls", sources=S)``, what ``bli_scores`` spends its
  time in; ``--topn``, default 1: 10 is what ``xproj bli`` asks for, P@10), best of
  ``--repeat``: a before/after ratio from one run on a shared machine; every query's ranked
  indices must agree and their CSLS scores within ``SCORE_TOLERANCE`` (1e-5), bit for bit
  said apart (:func:`compare_answers`).

Usage::

    python bench/bench_csls.py                     # 200k words, extrapolated reference + 30k check
    python bench/bench_csls.py --reference full    # exact reference at 200k (~6 min more)
    python bench/bench_csls.py --quick             # 50k words, full reference
    python bench/bench_csls.py --baseline /tmp/base --repeat 3   # and before/after
    python bench/bench_csls.py --baseline /tmp/base --topn 10    # before/after, top 10
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from xproj.align import fit_mapping  # noqa: E402
from xproj.datasets.synthetic import make_bilingual_world  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402
from xproj.retrieval import retrieve  # noqa: E402


# -- plain numpy reference -----------------------------------------------------------------

def _unit(M):
    M = np.array(M, dtype=np.float32, copy=True)
    n = np.linalg.norm(M, axis=1, keepdims=True)
    n[n == 0] = 1
    return M / n


MIN_SEED_WORDS = 500  # the smallest seed dictionary a world is built with


def _queries(mapped, tgt, pairs):
    """Covered queries (source word with a vector and >= 1 gold target with a vector)."""
    gold = {}
    for s, t in pairs:
        gold.setdefault(s, []).append(t)
    rows, golds = [], []
    for s, ts in gold.items():
        g = {tgt.index[t] for t in ts if t in tgt.index}
        if s in mapped.index and g:
            rows.append(mapped.index[s])
            golds.append(g)
    return np.array(rows, dtype=np.int64), golds, len(gold)


def _topk_mean_rows(A, B, k, batch, rows=None):
    """mean of the k largest of A[i] @ B.T for each i (in ``rows`` only, if given)."""
    out = np.full(A.shape[0], np.nan, dtype=np.float32)
    starts = range(0, A.shape[0], batch) if rows is None else rows
    for s in starts:
        e = min(s + batch, A.shape[0])
        sims = A[s:e] @ B.T
        out[s:e] = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:].mean(axis=1)
    return out


def reference(mapped, tgt, pairs, *, k=10, batch=1024, fraction=1.0):
    """MUSE-style BLI P@1 (NN and CSLS). With fraction < 1, r_tgt is computed for that share
    of the target batches only and its time extrapolated (P@1 CSLS is then None)."""
    times = {}
    t0 = time.perf_counter()
    S = _unit(mapped.vectors)
    T = _unit(tgt.vectors)
    q_rows, golds, n_all = _queries(mapped, tgt, pairs)
    Q = S[q_rows]
    times["prepare"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    nn = np.concatenate([np.argmax(Q[i:i + batch] @ T.T, axis=1) for i in range(0, len(Q), batch)])
    times["nn"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    r_src = _topk_mean_rows(Q, T, k, batch)
    times["r_src"] = time.perf_counter() - t0

    all_starts = list(range(0, T.shape[0], batch))
    t0 = time.perf_counter()
    if fraction >= 1:
        r_tgt = _topk_mean_rows(T, S, k, batch)
        times["r_tgt"] = time.perf_counter() - t0
        extrapolated = False
    else:
        n_do = max(1, int(round(fraction * len(all_starts))))
        pick = [all_starts[i] for i in np.linspace(0, len(all_starts) - 1, n_do).round().astype(int)]
        r_tgt = _topk_mean_rows(T, S, k, batch, rows=sorted(set(pick)))
        times["r_tgt"] = (time.perf_counter() - t0) * len(all_starts) / len(set(pick))
        extrapolated = True

    t0 = time.perf_counter()
    csls = None
    if not extrapolated:
        csls = np.empty(len(Q), dtype=np.int64)
        for i in range(0, len(Q), batch):
            sc = 2 * (Q[i:i + batch] @ T.T) - r_src[i:i + batch, None] - r_tgt[None, :]
            csls[i:i + batch] = np.argmax(sc, axis=1)
    else:  # same work on the same shapes, r_tgt partly unknown: time it, no result
        for i in range(0, len(Q), batch):
            sc = 2 * (Q[i:i + batch] @ T.T) - r_src[i:i + batch, None] - np.nan_to_num(r_tgt)[None, :]
            np.argmax(sc, axis=1)
    times["csls_scores"] = time.perf_counter() - t0

    p_nn = sum(int(j) in g for j, g in zip(nn, golds)) / len(golds)
    p_csls = None if csls is None else sum(int(j) in g for j, g in zip(csls, golds)) / len(golds)
    # xproj's retrieved words on the same arrays (not timed): must be the reference's
    same_words = {}
    for method, ref_idx in (("nn", nn), ("csls", csls)):
        if ref_idx is not None:
            idx, _ = retrieve(Q, T, 1, method=method, sources=S)
            same_words[method] = bool((idx[:, 0] == ref_idx).all())
    return {"p@1_nn": p_nn, "p@1_csls": p_csls, "covered": len(golds), "queries": n_all,
            "same_words": same_words,
            "time_nn": times["prepare"] + times["nn"],
            "time_csls": times["prepare"] + times["r_src"] + times["r_tgt"] + times["csls_scores"],
            "time_r_tgt": times["r_tgt"], "extrapolated": extrapolated}


# -- same-run baseline ----------------------------------------------------------------------

def load_baseline(path):
    """``xproj.retrieval`` of the checkout at ``path``, imported as package ``xproj_baseline``
    so that both versions run in this process."""
    import importlib
    import importlib.util

    pkg = Path(path) / "xproj"
    spec = importlib.util.spec_from_file_location("xproj_baseline", pkg / "__init__.py",
                                                  submodule_search_locations=[str(pkg)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["xproj_baseline"] = module
    spec.loader.exec_module(module)
    return importlib.import_module("xproj_baseline.retrieval")


#: largest CSLS score difference still "the same answer": about 170 float32 steps at 1.
#: A score is ``2 cos - r_src - r_tgt``, float32 dot products of 300-d unit vectors; a version
#: that blocks the products differently (another matrix shape, another BLAS kernel) rounds
#: each of them differently, by about sqrt(d) u ~ 1e-6 typically and d u ~ 1.8e-5 at worst
#: (u = 6e-8). Measured: 17a3edc against stop 20's code, top-10 at 50k, one query of 1,500 off
#: by 2.98e-08, the rest bit-identical. A real error (another neighbour in r, another k)
#: moves a score by a gap between two similarities / k: orders of magnitude more.
SCORE_TOLERANCE = 1e-5


def compare_answers(before, after) -> dict:
    """How two ``retrieve`` answers ``(indices, scores)`` of the same queries agree:
    ``indices`` (every query's ranked targets the same), ``bits`` (the float32 scores the same
    to the bit), ``scores`` (within :data:`SCORE_TOLERANCE`), ``queries`` (how many queries
    differ in indices or score bits) and ``max_score_diff``. The same answer: the same
    indices and scores within the tolerance; bit for bit is said apart."""
    (i0, s0), (i1, s1) = before, after
    if i0.shape != i1.shape or s0.shape != s1.shape:
        return {"indices": False, "bits": False, "scores": False, "queries": len(i1),
                "max_score_diff": float("inf")}
    if s0.dtype == s1.dtype:  # the bytes of each query's scores
        bits_differ = (s0.view(np.uint8).reshape(len(s0), -1) != s1.view(np.uint8).reshape(len(s1), -1)).any(axis=1)
    else:
        bits_differ = np.ones(len(s0), dtype=bool)
    indices_differ = (i0 != i1).reshape(len(i0), -1).any(axis=1)
    diff = np.abs(s0.astype(np.float64) - s1.astype(np.float64))
    max_diff = float(np.max(np.where(np.isnan(diff), np.inf, diff), initial=0.0))  # nan on one side only: off
    max_diff = 0.0 if not bits_differ.any() else max_diff  # the same bits (nan included): no difference
    return {"indices": not indices_differ.any(), "bits": not bits_differ.any(),
            "scores": max_diff <= SCORE_TOLERANCE, "queries": int((indices_differ | bits_differ).sum()),
            "max_score_diff": max_diff}


def describe_comparison(same: dict) -> str:
    """One phrase for :func:`compare_answers`' result."""
    n = same["queries"]
    detail = f"{n} quer{'y differs' if n == 1 else 'ies differ'}, max |score diff| {same['max_score_diff']:.3g}"
    if same["indices"] and same["bits"]:
        return "same answers: yes (indices, and scores to the float32 bit)"
    if same["indices"] and same["scores"]:
        return f"same answers: yes (indices; scores within {SCORE_TOLERANCE:g}, not to the bit: {detail})"
    return (f"same answers: NO (indices {'same' if same['indices'] else 'differ'}, scores "
            f"{'within' if same['scores'] else 'beyond'} {SCORE_TOLERANCE:g}; {detail})")


def compare_baseline(baseline, mapped, tgt, pairs, repeat, topn=1):
    """Best-of-``repeat`` wall time (and its CPU time and load) of the baseline's CSLS
    top-``topn`` retrieval and of this checkout's, alternately, on the same unit arrays, and
    how their answers agree (:func:`compare_answers`)."""
    from xproj import retrieval

    S = _unit(mapped.vectors)
    T = _unit(tgt.vectors)
    Q = S[_queries(mapped, tgt, pairs)[0]]
    best, answers = {}, {}
    for _ in range(repeat):
        for name, module in (("baseline", baseline), ("current", retrieval)):
            load = os.getloadavg()[0]
            t, c = time.perf_counter(), time.process_time()
            answers[name] = module.retrieve(Q, T, topn, method="csls", sources=S)
            dt, dc = time.perf_counter() - t, time.process_time() - c
            if name not in best or dt < best[name][0]:
                best[name] = (dt, dc, load)
    return best, compare_answers(answers["baseline"], answers["current"])


# -- one run ---------------------------------------------------------------------------------

def run(n_words, dim, noise, n_queries, ref_fraction, repeat, baseline=None, topn=1):
    t0 = time.perf_counter()
    # the seed dictionary: the 5,000 most frequent words (the most frequent half of a smaller
    # world), the test queries the next ones
    world = make_bilingual_world(n_words=n_words, dim=dim, noise=noise, seed=0,
                                 n_train=min(5000, n_words // 2), n_test=n_queries)
    t_world = time.perf_counter() - t0
    mapping = fit_mapping(world.src, world.tgt, world.train_pairs)
    mapped = mapping.transform(world.src)
    tgt = mapping.transform(world.tgt, side="target")
    test = world.test_pairs
    if not test:
        raise SystemExit(f"bench_csls.py: --n-words {n_words} leaves no test queries after the seed dictionary's "
                         f"{len(dict.fromkeys(s for s, _ in world.train_pairs))} words; give more words or fewer --queries")
    print(f"\nworld {len(world.src):,} src x {len(world.tgt):,} tgt words, dim {dim}, noise {noise}: "
          f"generated in {t_world:.1f} s; {len(dict.fromkeys(s for s, _ in test))} test queries", flush=True)

    xp = {}
    for method in ("nn", "csls"):
        best = cpu = None
        for _ in range(repeat):
            load = os.getloadavg()[0]
            t, c = time.perf_counter(), time.process_time()
            res = bli_scores(mapped, tgt, test, methods=(method,), ks=(1,))
            dt, dc = time.perf_counter() - t, time.process_time() - c
            best, cpu = (dt, dc) if best is None or dt < best else (best, cpu)
        xp[method] = (best, res[method]["p@1"], res["covered"], cpu, load)
        print(f"  xproj bli_scores {method}: {best:.2f} s (CPU {cpu:.2f} s, load {load:.1f}), "
              f"P@1 {res[method]['p@1']:.4f}", flush=True)
    base = None
    if baseline is not None:
        times, same = compare_baseline(baseline, mapped, tgt, test, repeat, topn)
        (tb, cb, lb), (tc, cc, lc) = times["baseline"], times["current"]
        base = {"times": times, "same": same}
        print(f"  CSLS top-{topn} retrieval, same arrays: baseline {tb:.2f} s (CPU {cb:.2f} s, load {lb:.1f}), "
              f"current {tc:.2f} s (CPU {cc:.2f} s, load {lc:.1f}): {tb / tc:.2f}x wall, "
              f"{cb / cc:.2f}x CPU; {describe_comparison(same)}", flush=True)
    ref = reference(mapped, tgt, test, fraction=ref_fraction)
    print(f"  numpy reference: NN {ref['time_nn']:.2f} s, CSLS {ref['time_csls']:.2f} s"
          f"{' (r_tgt extrapolated from a ' + format(ref_fraction, '.0%') + ' sample)' if ref['extrapolated'] else ''}",
          flush=True)
    return {"n_src": len(world.src), "n_tgt": len(world.tgt), "xproj": xp, "ref": ref, "baseline": base}


def table(results):
    print()
    print("| src x tgt words | method | xproj bli_scores (s) | xproj CPU (s) | load | numpy reference (s) | "
          "speed-up | P@1 xproj | P@1 reference | same P@1 | same words |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in results:
        for m in ("nn", "csls"):
            tx, px, _, cx, load = r["xproj"][m]
            tr = r["ref"][f"time_{m}"]
            pr = r["ref"][f"p@1_{m}"]
            ext = m == "csls" and r["ref"]["extrapolated"]
            same = "n/a (extrapolated)" if pr is None else ("yes" if abs(pr - px) < 1e-12 else "NO")
            words = r["ref"]["same_words"].get(m)
            words = "n/a" if words is None else ("yes" if words else "NO")
            print(f"| {r['n_src']:,} x {r['n_tgt']:,} | {m} | {tx:.2f} | {cx:.2f} | {load:.1f} | "
                  f"{tr:.1f}{'*' if ext else ''} | {tr / tx:.1f}x | {px:.4f} | "
                  f"{'-' if pr is None else format(pr, '.4f')} | {same} | {words} |")
    if any(r["ref"]["extrapolated"] for r in results):
        print("\n* extrapolated: r_tgt (targets x all sources, the dominant cost) timed on a sample of "
              "its batches; run with --reference full for the exact figure.")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-words", type=int, default=200_000)
    ap.add_argument("--dim", type=int, default=300)
    ap.add_argument("--noise", type=float, default=3.0,
                    help="per-dimension noise of the target words (1 = as large as the signal)")
    ap.add_argument("--queries", type=int, default=1500)
    ap.add_argument("--reference", choices=("extrapolate", "full"), default="extrapolate")
    ap.add_argument("--ref-fraction", type=float, default=0.1,
                    help="share of r_tgt batches timed with --reference extrapolate")
    ap.add_argument("--check-words", type=int, default=30_000,
                    help="world size of the exact P@1 check with --reference extrapolate (0: none)")
    ap.add_argument("--repeat", type=int, default=1, help="xproj timings: best of N")
    ap.add_argument("--topn", type=int, default=1,
                    help="places retrieved in the --baseline comparison (default 1)")
    ap.add_argument("--quick", action="store_true", help="50k words, full reference")
    ap.add_argument("--baseline", metavar="DIR",
                    help="a checkout (DIR/xproj) whose CSLS retrieval is timed against this one's")
    args = ap.parse_args(argv)
    baseline = None
    if args.baseline:
        if not (Path(args.baseline) / "xproj" / "retrieval.py").is_file():
            ap.error(f"--baseline {args.baseline}: no xproj/retrieval.py there")
        baseline = load_baseline(args.baseline)
    if args.topn < 1:
        ap.error(f"--topn {args.topn}: must be at least 1")
    if args.quick:
        args.n_words, args.reference = 50_000, "full"
    if args.n_words < 2 * MIN_SEED_WORDS:
        ap.error(f"--n-words {args.n_words}: must be at least {2 * MIN_SEED_WORDS} (half of a small world, "
                 f"at least {MIN_SEED_WORDS} words, is the mapping's seed dictionary)")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    results = []
    frac = 1.0 if args.reference == "full" else args.ref_fraction
    results.append(run(args.n_words, args.dim, args.noise, args.queries, frac, args.repeat, baseline, args.topn))
    if frac < 1 and args.check_words:
        results.append(run(args.check_words, args.dim, args.noise, args.queries, 1.0, args.repeat, baseline, args.topn))
    table(results)
    main_run = results[0]
    t, cpu, load = (main_run["xproj"]["csls"][i] for i in (0, 3, 4))
    exact = all(r["ref"]["same_words"].get("csls", True) and
                (r["ref"]["p@1_csls"] is None or abs(r["ref"]["p@1_csls"] - r["xproj"]["csls"][1]) < 1e-12)
                for r in results)
    print(f"\ntarget (issue 11): CSLS at {main_run['n_src']:,} x {main_run['n_tgt']:,} <= 5 s, exact: "
          f"{'MET' if t <= 5 and exact else 'MISSED'} ({t:.2f} s, CPU {cpu:.2f} s, load {load:.1f}; "
          f"same words and P@1 as the reference where checked: {'yes' if exact else 'NO'})")


if __name__ == "__main__":
    main()
