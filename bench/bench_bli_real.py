"""BLI on the real vectors of ../shared: supervised Procrustes vs + refinement, NN vs CSLS.

Vectors: ``<shared>/vectors/{lang}.*.vec.xz`` (``<shared>`` is ``../shared`` next to the repo
root, or ``$XPROJ_SHARED``); English plus every other language found. Dictionaries: MUSE files
in ``<shared>/data/muse``: for each direction ``en-xx`` and ``xx-en``, train on
``{s}-{t}.0-5000.txt`` and test on ``{s}-{t}.5000-6500.txt`` (or ``.5000-6500.derived.txt``);
when only the full ``{s}-{t}.txt`` exists it is split MUSE-style (first 5,000 source words /
next 1,500). Vectors load through ``load_vectors`` with a cache in ``bench/.cache/vectors``.

For each direction: ``fit_mapping`` on the train dictionary (supervised Procrustes), then the
same with ``refine=5`` rounds (refine vocabulary ``--refine-vocab``); BLI P@1 and P@5 with NN
and CSLS retrieval over all target words, both over the covered queries (MUSE's figure) and
over all queries of the test dictionary (missing words counted wrong). Printed as markdown.

Usage::

    python bench/bench_bli_real.py [--rounds 5] [--refine-vocab 15000] [--limit N]
                                   [--langs zh ja] [--one-script]

``--langs`` keeps only those languages (with the pivot); ``--one-script`` brings both sides of
every dictionary to its language's script first (``normalize_pairs``: the MUSE en-zh/zh-en
files are Traditional, the zh vectors Simplified).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xproj.align import fit_mapping  # noqa: E402
from xproj.dictionaries import normalize_pairs, read_dictionary, split_by_source  # noqa: E402
from xproj.evaluation import bli_scores  # noqa: E402
from xproj.vectors import load_vectors  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache" / "vectors"


def shared_dir() -> Path:
    env = os.environ.get("XPROJ_SHARED")
    return Path(env).expanduser() if env else ROOT.parent / "shared"


def find_vectors(vdir: Path) -> dict[str, Path]:
    """lang -> vector file (``{lang}.*.vec.xz``; the first in name order if several)."""
    out = {}
    for p in sorted(vdir.glob("*.vec.xz")):
        lang = p.name.split(".", 1)[0]
        out.setdefault(lang, p)
    return out


def find_dictionaries(muse: Path, s: str, t: str):
    """(train pairs, test pairs, description) for the direction s -> t, or None."""
    train = muse / f"{s}-{t}.0-5000.txt"
    tests = [muse / f"{s}-{t}.5000-6500.txt", muse / f"{s}-{t}.5000-6500.derived.txt"]
    test = next((p for p in tests if p.exists()), None)
    if train.exists() and test is not None:
        return read_dictionary(train), read_dictionary(test), f"{train.name} / {test.name}"
    full = muse / f"{s}-{t}.txt"
    if full.exists():
        tr, te = split_by_source(read_dictionary(full), 5000, 1500)
        return tr, te, f"{full.name} split 5000/1500"
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--refine-vocab", type=int, default=15_000)
    ap.add_argument("--limit", type=int, default=None, help="read only the first N words of each file")
    ap.add_argument("--pivot", default="en")
    ap.add_argument("--langs", nargs="+", default=None, help="only these languages (besides the pivot)")
    ap.add_argument("--one-script", action="store_true", help="normalise dictionaries to one script per language")
    args = ap.parse_args(argv)

    shared = shared_dir()
    vdir, muse = shared / "vectors", shared / "data" / "muse"
    if not vdir.is_dir() or not muse.is_dir():
        print(f"{vdir} or {muse} not found (set XPROJ_SHARED); nothing to do.")
        return 0
    files = find_vectors(vdir)
    if args.pivot not in files:
        print(f"no {args.pivot}.*.vec.xz in {vdir}; nothing to do.")
        return 0
    directions = []
    for lang in sorted(files):
        if lang == args.pivot or (args.langs and lang not in args.langs):
            continue
        for s, t in ((args.pivot, lang), (lang, args.pivot)):
            d = find_dictionaries(muse, s, t)
            if d is None:
                print(f"{s}-{t}: no MUSE dictionary in {muse}; skipped")
            else:
                if args.one_script:
                    (train, rec), (test, _) = normalize_pairs(d[0], s, t), normalize_pairs(d[1], s, t)
                    d = (train, test, f"{d[2]}, {rec.tgt_normalizer if t != args.pivot else rec.src_normalizer}")
                directions.append((s, t, d))
    if not directions:
        print("no language pair with both vectors and a dictionary; nothing to do.")
        return 0

    vectors, load_times = {}, {}
    for lang in sorted({x for s, t, _ in directions for x in (s, t)}):
        t0 = time.perf_counter()
        vectors[lang] = load_vectors(files[lang], limit=args.limit, cache_dir=CACHE, lang=lang)
        load_times[lang] = time.perf_counter() - t0
        wv = vectors[lang]
        print(f"{lang}: {files[lang].name}, {len(wv):,} x {wv.dim} ({load_times[lang]:.2f} s, "
              f"{'memory-mapped cache' if hasattr(wv.vectors, 'filename') else 'parsed'})", flush=True)

    rows = []
    for s, t, (train, test, desc) in directions:
        src, tgt = vectors[s], vectors[t]
        for label, rounds in (("Procrustes", 0), (f"+ refine x{args.rounds}", args.rounds)):
            t0 = time.perf_counter()
            mapping = fit_mapping(src, tgt, train, refine=rounds, refine_vocab=args.refine_vocab)
            t_fit = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = bli_scores(mapping.transform(src), mapping.transform(tgt, side="target"), test,
                             methods=("nn", "csls"), ks=(1, 5))
            t_eval = time.perf_counter() - t0
            hist = mapping.metadata["history"]
            pairs = mapping.metadata["seed_pairs_covered"] if rounds == 0 else hist[-1]["pairs"]
            rows.append((f"{s}-{t}", label, pairs, res, t_fit, t_eval, desc))
            print(f"  {s}-{t} {label}: fit {t_fit:.1f} s, eval {t_eval:.1f} s, "
                  f"P@1 NN {res['nn']['p@1']:.4f} CSLS {res['csls']['p@1']:.4f}", flush=True)

    print()
    print("| pair | mapping | train pairs | test queries (covered) | retrieval | P@1 | P@1 all | P@5 | P@5 all | fit (s) | eval (s) |")
    print("|---|---|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for pair, label, pairs, res, t_fit, t_eval, _ in rows:
        for m in ("nn", "csls"):
            r = res[m]
            print(f"| {pair} | {label} | {pairs:,} | {res['queries']:,} ({res['covered']:,}, {res['coverage']:.1%}) | "
                  f"{m.upper()} | {r['p@1']:.4f} | {r['p@1_all']:.4f} | {r['p@5']:.4f} | {r['p@5_all']:.4f} | "
                  f"{t_fit:.1f} | {t_eval:.1f} |")
    print()
    print("P@k: over the covered test queries (source word and a gold translation have vectors; MUSE's "
          "figure). P@k all: over all test source words. Train pairs: covered seed pairs for Procrustes, "
          "the last induced dictionary for refinement.")
    for pair, *_, desc in rows[::2]:
        print(f"{pair}: {desc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
