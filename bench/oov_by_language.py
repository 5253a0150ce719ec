"""Out-of-vocabulary rate of each shared target set against its language's shared vectors.

For every labelled set of ``<shared>/data`` (OpeNER es, ChnSentiCorp and online_shopping zh,
SB10k de, Allociné and TripAdvisor fr, chABSA ja) and the vectors
``<shared>/vectors/{lang}.100d.top50k.vec.xz`` (50,000 words, lowercased, through the vector
cache in ``bench/.cache/vectors``), documents are tokenised with xproj's preprocessor of the
language (the run's default options) and looked up the way the model does
(:class:`xproj.lang.VocabularyLookup` with the language's lemma table, as
``AlignedSpace.lookup``). Printed per set: documents scanned, tokens, token and type OOV rates,
the OOV rate over word tokens (no punctuation, emoticons or placeholders, which the vectors
cannot hold), a 95% interval for the token rate (documents resampled, seeded bootstrap), the share of documents with no known word, and the most frequent OOV words.

At most ``--max-docs`` documents a set are scanned (a seeded random sample, default 2,000).
``--json FILE`` also writes the figures, e.g. to compare two versions of the preprocessors.

Usage::

    python bench/oov_by_language.py [--max-docs 2000] [--top 8] [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_bli_real import CACHE, shared_dir  # noqa: E402

from xproj.space import _lemma_lang  # noqa: E402  (the model's lemma-step choice)
from xproj.lang import VocabularyLookup, get_preprocessor  # noqa: E402
from xproj.vectors import load_vectors  # noqa: E402

#: (set name, language, file under <shared>/data, whether the CSV has a header row)
SETS = (
    ("opener", "es", "opener/es", None),
    ("chnsenticorp", "zh", "chnsenticorp/ChnSentiCorp_htl_all.csv", False),
    ("online_shopping_10_cats", "zh", "online_shopping_10_cats/zh.csv", True),
    ("sb10k", "de", "sb10k/de.csv", True),
    ("allocine_tv", "fr", "allocine_tv/fr.csv", True),
    ("tripadvisor_restaurants", "fr", "tripadvisor_restaurants/fr.csv", True),
    ("chabsa", "ja", "chabsa/ja.csv", True),
)
VECTOR_LIMIT = 50_000


def read_texts(path: Path, header) -> list[str]:
    """Texts of a ``label,text`` CSV, or every line of an OpeNER language folder."""
    if path.is_dir():  # OpeNER: one sentence a line, one file a class, per split
        return [line.strip() for f in sorted(path.glob("*/*.txt"))
                for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return [row[1] for row in rows[1 if header else 0:] if len(row) >= 2]


def sample(texts: list[str], max_docs: int, seed: int = 0) -> list[str]:
    """At most `max_docs` texts, a seeded random sample in file order."""
    if len(texts) <= max_docs:
        return texts
    keep = sorted(random.Random(seed).sample(range(len(texts)), max_docs))
    return [texts[i] for i in keep]


#: A token the vectors could hold: word characters with inner apostrophes or hyphens (how the
#: shared vectors were tokenised), or an elided article or pronoun ("l'", "l’": found by its lemma).
WORD = re.compile(r"\w+(?:['’-]\w+)*['’]?")


def is_word(token: str) -> bool:
    """Whether `token` is a word the vectors could hold (no emoticon, symbol or placeholder)."""
    return WORD.fullmatch(token) is not None


def bootstrap_ci(docs, lookup, reps: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% interval of the token OOV rate, resampling documents (seeded bootstrap)."""
    oov = np.array([sum(lookup.find(t) < 0 for t in doc) for doc in docs], dtype=float)
    size = np.array([len(doc) for doc in docs], dtype=float)
    picks = np.random.default_rng(seed).integers(0, len(docs), size=(reps, len(docs)))
    rates = oov[picks].sum(axis=1) / np.maximum(size[picks].sum(axis=1), 1)
    return float(np.quantile(rates, 0.025)), float(np.quantile(rates, 0.975))


def measure(docs: list[list[str]], lookup: VocabularyLookup, top: int) -> dict:
    """OOV figures of tokenised documents (``VocabularyLookup.oov_report`` plus empty docs and
    the OOV rate over word tokens: the vectors hold no punctuation, emoticons or placeholders)."""
    report = lookup.oov_report(docs, top=top)
    words = lookup.oov_report([[t for t in doc if is_word(t)] for doc in docs], top=top)
    report["word_token_oov_rate"] = words["token_oov_rate"]
    report["top_oov_words"] = words["top_oov"]
    no_known = sum(1 for doc in docs if not any(lookup.find(t) >= 0 for t in doc))
    report["token_oov_ci"] = bootstrap_ci(docs, lookup)
    report["docs"] = len(docs)
    report["docs_no_known_word"] = no_known / len(docs) if docs else 0.0
    return report


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-docs", type=int, default=2000)
    ap.add_argument("--top", type=int, default=8, help="most frequent OOV tokens listed per set")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)

    shared = shared_dir()
    vectors, lookups, results = {}, {}, {}
    for name, lang, rel, header in SETS:
        path = shared / "data" / rel
        vec_path = shared / "vectors" / f"{lang}.100d.top50k.vec.xz"
        if not path.exists() or not vec_path.exists():
            print(f"{name}: {path} or {vec_path} not found; skipped")
            continue
        if lang not in vectors:
            vectors[lang] = load_vectors(vec_path, limit=VECTOR_LIMIT, lowercase=True,
                                         cache_dir=CACHE, lang=lang)
            lookups[lang] = VocabularyLookup(vectors[lang], _lemma_lang(lang), compound_lang=lang)
        t0 = time.perf_counter()
        texts = sample(read_texts(path, header), args.max_docs)
        docs = get_preprocessor(lang).pipe(texts)
        results[name] = {"lang": lang, **measure(docs, lookups[lang], args.top)}
        r = results[name]
        print(f"{name} ({lang}): {r['docs']} docs, {r['n_tokens']:,} tokens, token OOV "
              f"{r['token_oov_rate']:.1%}, {time.perf_counter() - t0:.1f} s", flush=True)

    print()
    print("| set | lang | docs | tokens | token OOV [95% CI] | word-token OOV | type OOV | docs with no known word "
          "| top OOV word tokens |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        top = ", ".join(f"{t} ({n})" for t, n in r["top_oov_words"])
        print(f"| {name} | {r['lang']} | {r['docs']:,} | {r['n_tokens']:,} | {r['token_oov_rate']:.1%} "
              f"[{r['token_oov_ci'][0]:.1%}, {r['token_oov_ci'][1]:.1%}] | "
              f"{r['word_token_oov_rate']:.1%} | {r['type_oov_rate']:.1%} | {r['docs_no_known_word']:.1%} | {top} |")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
