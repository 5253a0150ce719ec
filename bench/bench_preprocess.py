"""Benchmark xproj.lang preprocessing throughput (sentences per second).

For en, es and zh, on N real-length sentences (OpeNER lines for en/es and ChnSentiCorp
reviews split into sentences for zh, repeated to N; generated sentences when
../shared/data is absent), measures:

* tokenisation only (default options) and with lemmas (zh has no lemmas: same as tokenise),
* 1 process and 2 joblib workers,

and compares with a peer measured in the same process on the same input: the raw tokenizer
(``spacy.blank(lang).tokenizer.pipe`` + token texts, or ``jieba.lcut``) and ``str.split``.
Each figure is the best of ``--repeat`` runs with a fresh preprocessor (its token cache
empty), after a warm-up that loads spaCy/jieba/lemma tables and starts the workers.

Usage::

    python bench/bench_preprocess.py [--n 50000] [--repeat 2] [--langs en es zh]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xproj.lang import get_preprocessor  # noqa: E402


def data_dir() -> Path:
    env = os.environ.get("XPROJ_SHARED")
    root = Path(env) if env else ROOT.parent / "shared"
    return root / "data" if (root / "data").is_dir() else root


def real_sentences(lang: str) -> list[str]:
    data = data_dir()
    if lang in ("en", "es", "ca", "eu"):
        folder = data / "opener" / lang
        return [line for f in sorted(folder.glob("*/*.txt"))
                for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    if lang == "zh":
        path = data / "chnsenticorp" / "ChnSentiCorp_htl_all.csv"
        if not path.is_file():
            return []
        with path.open(encoding="utf-8", newline="") as f:
            reviews = [row[1] for row in csv.reader(f)]
        # Reviews are paragraphs; split into sentences so that "sentence" means the same
        # order of length as an OpeNER line.
        parts = (s.strip() for r in reviews for s in re.split(r"(?<=[。！？!?；;])|\n", r))
        return [s for s in parts if len(s) >= 4]
    raise ValueError(lang)


def generated_sentences(lang: str, n: int) -> list[str]:
    rng = random.Random(0)
    if lang == "zh":
        words = "酒店 房间 很 干净 服务 不错 早餐 太 差 没有 热水 位置 方便 价格 便宜 我们 住 了".split()
        return ["".join(rng.choices(words, k=rng.randint(6, 14))) + "。" for _ in range(n)]
    words = {"en": "the room was very clean and staff not friendly breakfast good hotel".split(),
             "es": "la habitación era muy limpia y el personal no amable desayuno hotel".split()}[lang]
    return [" ".join(rng.choices(words, k=rng.randint(8, 25))) + " ." for _ in range(n)]


def sentences(lang: str, n: int) -> tuple[list[str], str]:
    real = real_sentences(lang)
    if real:
        return (real * (n // len(real) + 1))[:n], f"real ({len(real)} distinct)"
    return generated_sentences(lang, n), "generated"


def best_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def peers(lang: str, texts: list[str], repeat: int) -> dict[str, float]:
    out = {"str.split": len(texts) / best_time(lambda: [t.split() for t in texts], repeat)}
    if lang == "zh":
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        lcut = jieba.lcut
        out["jieba.lcut"] = len(texts) / best_time(lambda: [lcut(t) for t in texts], repeat)
    else:
        import spacy

        tok = spacy.blank(lang).tokenizer
        out["spacy tokenizer.pipe"] = len(texts) / best_time(
            lambda: [[w.text for w in d] for d in tok.pipe(texts, batch_size=1000)], repeat)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--langs", nargs="+", default=["en", "es", "zh"])
    args = ap.parse_args(argv)

    rows = []
    for lang in args.langs:
        texts, source = sentences(lang, args.n)
        mean_chars = sum(map(len, texts)) / len(texts)
        print(f"[{lang}] {len(texts):,} sentences, {source}, mean {mean_chars:.0f} chars",
              flush=True)
        peer = peers(lang, texts, args.repeat)
        ref_name = "jieba.lcut" if lang == "zh" else "spacy tokenizer.pipe"
        for mode, opts in (("tokenise", {}), ("lemmas", {"lemmatize": True})):
            for n_jobs in (1, 2):
                get_preprocessor(lang, **opts).pipe(texts[:3000], n_jobs=n_jobs)  # warm-up

                def run():
                    get_preprocessor(lang, **opts).pipe(texts, n_jobs=n_jobs)

                rate = len(texts) / best_time(run, args.repeat)
                rows.append((lang, mode, n_jobs, rate, rate / peer[ref_name],
                             rate / peer["str.split"]))
                print(f"  {mode:8s} n_jobs={n_jobs}: {rate:,.0f} sent/s", flush=True)
        for name, rate in peer.items():
            rows.append((lang, f"peer: {name}", 1, rate, None, None))

    print()
    print(f"{'lang':4s}  {'mode':26s} {'jobs':>4s} {'sent/s':>10s} {'vs tokenizer':>12s} "
          f"{'vs split':>8s}")
    for lang, mode, jobs, rate, r_tok, r_split in rows:
        r1 = f"{r_tok:.2f}x" if r_tok is not None else ""
        r2 = f"{r_split:.3f}x" if r_split is not None else ""
        print(f"{lang:4s}  {mode:26s} {jobs:4d} {rate:10,.0f} {r1:>12s} {r2:>8s}")
    print("\n'vs tokenizer': xproj rate / raw tokenizer rate (spaCy for en/es, jieba for zh);"
          " zh 'lemmas' = tokenise (no inflection).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
