"""Self-learning from a weak seed and alignment with no dictionary, on the shared en-es vectors.

Vectors ``<shared>/vectors/{en,es}.100d.top50k.vec.xz`` (``--limit`` keeps the most frequent
words; ``--pair es-en`` the other direction), test dictionary MUSE
``{pair}.5000-6500.derived.txt``; CSLS and NN P@1 over covered queries. Rows: supervised Procrustes on the MUSE train split (the reference), then
:func:`xproj.self_learning.self_learning` from identical strings, from numerals and from 25
train pairs (the first 25 source words' first translations), and
:func:`xproj.self_learning.unsupervised` (no dictionary). ``--synthetic N`` adds the same on
a synthetic world of N words (the rotation is known: ``|W - W_true|`` is printed). The train
split is the dev dictionary: ``--dev`` logs its P@1 every ``--eval-every`` iterations
(defaults were chosen on it, never on the test split); ``--figure PNG`` plots those curves.

Before the unsupervised row, the no-dictionary start is diagnosed on the dev dictionary: how
many pairs of the initial dictionary are right, where a dev word's translation ranks among
the 4,000 similarity signatures, and how alike the two spaces are where they should be
(Pearson correlation of the intra-lingual cosines of dev translation pairs: 1 for an exact
rotation). Load average and CPU seconds are printed: the machine is shared.

Usage::

    python bench/self_learning.py [--pair en-es|es-en] [--cutoff 20000] [--interval 50]
                                  [--max-minutes 10] [--methods identical numerals pairs25 none]
                                  [--limit N] [--synthetic 20000] [--no-real] [--dev]
                                  [--eval-every 5] [--final-step procrustes|multi-step]
                                  [--figure bench/figures/self_learning.png] [--drift N]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xproj.align import fit_mapping  # noqa: E402
from xproj.dictionaries import read_dictionary  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402
from xproj.paths import shared_dir  # noqa: E402
from xproj.self_learning import FINAL_STEPS, self_learning  # noqa: E402
from xproj.unsupervised_init import initial_dictionary, similarity_signatures  # noqa: E402
from xproj.vectors import load_vectors, normalize  # noqa: E402

SEEDS = {"identical": "identical", "numerals": "numerals", "none": None}


def first_pairs(pairs, n):
    """The first translation of each of the first ``n`` source words."""
    out = {}
    for s, t in pairs:
        if len(out) == n:
            break
        out.setdefault(s, t)
    return list(out.items())


def wilson(p, n, z=1.96):
    """95% Wilson interval of a proportion ``p`` over ``n`` queries."""
    if n == 0:
        return 0.0, 0.0
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


#: retrievals of the BLI rows (``--nn-only``: exact CSLS over 200k words is slow)
EVAL_METHODS = ("nn", "csls")


def bli_row(name, seed, m, src, tgt, test, times):
    r = bli_scores(m.transform(src), m.transform(tgt, side="target"), test, ks=(1,),
                   methods=EVAL_METHODS)
    r.setdefault("csls", {"p@1": float("nan")})
    lo, hi = wilson(r["csls"]["p@1"], r["covered"])
    meta = m.metadata
    iters = f"{meta['iterations']} ({meta['stopped_by']})" if "iterations" in meta else "-"
    return (f"| {name} | {seed} | {meta.get('seed_pairs_used', meta.get('seed_pairs_covered'))} | "
            f"{r['nn']['p@1']:.4f} | {r['csls']['p@1']:.4f} [{lo:.3f}, {hi:.3f}] | "
            f"{r['covered']}/{r['queries']} | "
            f"{iters} | {times[0]:.0f} s | {times[1]:.0f} s |")


def elapsed(start):
    """(wall seconds, CPU seconds of this process) since ``start`` = (wall, cpu)."""
    return time.perf_counter() - start[0], time.process_time() - start[1]


def now():
    return time.perf_counter(), time.process_time()


def gold_rows(pairs, src, tgt):
    """``{source row: set of target rows}`` of the pairs both spaces cover."""
    gold = {}
    for s, t in pairs:
        if s in src.index and t in tgt.index:
            gold.setdefault(src.index[s], set()).add(tgt.index[t])
    return gold


def diagnose_start(src, tgt, dev, n=4000):
    """Why a no-dictionary start works or not, measured on the dev dictionary ``dev``."""
    X = np.asarray(normalize(src).vectors)
    Z = np.asarray(normalize(tgt).vectors)
    n = min(n, len(X), len(Z))
    gold = gold_rows(dev, src, tgt)
    s_rows, t_rows = initial_dictionary(X, Z, n)
    judged = [(i, j) for i, j in zip(s_rows, t_rows) if i in gold]
    right = sum(j in gold[i] for i, j in judged)
    pairs = [(i, min(js)) for i, js in gold.items() if i < n and min(js) < n]
    a, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    upper = np.triu_indices(len(a), 1)
    pearson = np.corrcoef((X[a] @ X[a].T)[upper], (Z[b] @ Z[b].T)[upper])[0, 1]
    sim = similarity_signatures(X, n) @ similarity_signatures(Z, n).T
    ranks = np.array([(sim[i] > sim[i, j]).sum() for i, j in pairs])
    print(f"no-dictionary start, {n} words a side, judged on the dev dictionary (train split): "
          f"{right} right of {len(judged)} judged initial pairs ({len(s_rows)} in all); "
          f"{len(pairs)} dev pairs among the {n} words: their signature rank median "
          f"{np.median(ranks):.0f} (chance {n / 2:.0f}), top-1 {np.mean(ranks == 0):.3f}, "
          f"top-10 {np.mean(ranks < 10):.3f}; Pearson of their intra-lingual cosines "
          f"{pearson:.3f}", flush=True)


def drift(src, tgt, train, args, curves, label):
    """Self-learning from a supervised start: is its fixed point where the translations are?

    Seed: the train pairs of every other train source word; dev: the pairs of the others.
    No dropout (the start is good); dev P@1 and the objective after each of ``--drift``
    iterations.
    """
    words = list(dict.fromkeys(s for s, _ in train))
    seed_words = set(words[::2])
    seed = [p for p in train if p[0] in seed_words]
    dev = [p for p in train if p[0] not in seed_words]
    m = self_learning(src, tgt, seed, vocabulary_cutoff=args.cutoff, stochastic_initial=1.0,
                      stochastic_interval=args.drift, max_iterations=args.drift,
                      max_minutes=args.max_minutes, eval_pairs=dev, eval_every=1)
    hist = [h for h in m.metadata["history"] if "objective" in h]
    points = [(h["iteration"], round(h["p@1_csls"], 4)) for h in hist]
    print(f"drift from a supervised start ({len(seed)} seed pairs, {len(dev)} dev pairs, "
          f"cutoff {args.cutoff}): dev P@1 CSLS by iteration {points}; objective "
          f"{[round(h['objective'], 4) for h in hist]}", flush=True)
    curves[f"{label}from a supervised start (dev: the other half)"] = points


def run(src, tgt, train, test, args, extra=lambda m: "", curves=None, label=""):
    print("| method | seed | seed pairs used | P@1 NN | P@1 CSLS [95% CI] | covered | iterations | wall | CPU |")
    print("|---|---|---|---|---|---|---|---|---|")
    t = now()
    m = fit_mapping(src, tgt, train)
    print(bli_row("Procrustes (reference)", "train split", m, src, tgt, test, elapsed(t))
          + extra(m), flush=True)
    params = dict(vocabulary_cutoff=args.cutoff, stochastic_interval=args.interval,
                  max_minutes=args.max_minutes, eval_pairs=train if args.dev else None,
                  eval_every=args.eval_every, final_step=args.final_step)
    for method in args.methods:
        seed = first_pairs(train, 25) if method == "pairs25" else SEEDS[method]
        if seed is not None:
            t = now()
            m = fit_mapping(src, tgt, seed)
            print(bli_row("Procrustes on the seed alone", method, m, src, tgt, test, elapsed(t))
                  + extra(m), flush=True)
        if seed is None:
            diagnose_start(src, tgt, train)
        t = now()
        m = self_learning(src, tgt, seed, **params)
        name = "unsupervised" if seed is None else "self-learning"
        print(bli_row(name, method, m, src, tgt, test, elapsed(t)) + extra(m), flush=True)
        hist = m.metadata["history"]
        print("  mutual best matches by iteration:",
              [(h["iteration"], round(h["mutual"], 3)) for h in hist
               if h.get("mutual") is not None and (h["iteration"] - 1) % args.eval_every == 0])
        if args.dev:
            dev = [(h["iteration"], round(h["p@1_csls"], 3)) for h in hist if "p@1_csls" in h]
            print("  dev (train split) P@1 CSLS by iteration:", dev)
            if curves is not None:
                curves[f"{label}{name} ({method})"] = dev


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pair", default="en-es", choices=["en-es", "es-en"])
    ap.add_argument("--cutoff", type=int, default=20000)
    ap.add_argument("--interval", type=int, default=50)
    ap.add_argument("--max-minutes", type=float, default=10)
    ap.add_argument("--methods", nargs="*", default=["identical", "numerals", "pairs25", "none"],
                    choices=["identical", "numerals", "pairs25", "none"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--synthetic", type=int, help="also on a synthetic world of N words")
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--dev", action="store_true", help="log dev (train split) P@1 per iteration")
    ap.add_argument("--eval-every", type=int, default=5)
    ap.add_argument("--final-step", default="procrustes", choices=FINAL_STEPS)
    ap.add_argument("--nn-only", action="store_true",
                    help="BLI rows by NN only (exact CSLS at 200k words is slow)")
    ap.add_argument("--drift", type=int, metavar="N",
                    help="also N iterations of self-learning from a supervised start (dev curve)")
    ap.add_argument("--figure", type=Path, help="plot the dev curves (with --dev) into this PNG")
    args = ap.parse_args(argv)
    global EVAL_METHODS
    EVAL_METHODS = ("nn",) if args.nn_only else ("nn", "csls")
    logging.basicConfig(level=logging.WARNING)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores; "
          f"final step {args.final_step}", flush=True)
    curves = {}
    if args.synthetic:
        from xproj.datasets.synthetic import make_bilingual_world

        w = make_bilingual_world(n_words=args.synthetic, dim=16, noise=0.05, seed=0)
        print(f"\nSynthetic world: {args.synthetic} words, dim 16, noise 0.05, seed 0\n")
        run(w.src, w.tgt, w.train_pairs, w.test_pairs, args, curves=curves,
            label=f"synthetic {args.synthetic}: ",
            extra=lambda m: f" max abs(W - W_true) {np.abs(m.W_ - w.W_true).max():.3f}")
    if not args.no_real:
        sh = shared_dir()
        s_lang, t_lang = args.pair.split("-")
        src = load_vectors(sh / f"vectors/{s_lang}.100d.top50k.vec.xz", limit=args.limit)
        tgt = load_vectors(sh / f"vectors/{t_lang}.100d.top50k.vec.xz", limit=args.limit)
        train = read_dictionary(sh / f"data/muse/{args.pair}.0-5000.txt")
        test = read_dictionary(sh / f"data/muse/{args.pair}.5000-6500.derived.txt")
        print(f"\n{s_lang} -> {t_lang}, {len(src)} x {len(tgt)} words, cutoff {args.cutoff}, interval "
              f"{args.interval}, budget {args.max_minutes} min\n")
        if args.drift:
            drift(src, tgt, train, args, curves, f"{args.pair}: ")
        run(src, tgt, train, test, args, curves=curves, label=f"{args.pair}: ")
    if args.figure and curves:
        plot(curves, args.figure)


def plot(curves, path):
    """Dev P@1 against iteration, one line per run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, points in curves.items():
        if points:
            ax.plot(*zip(*points), marker=".", label=name)
    ax.set_xlabel("iteration")
    ax.set_ylabel("dev P@1 (CSLS, train split)")
    ax.set_ylim(0, None)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
