"""Offline language identifiers on the shared texts: accuracy per language and documents/s.

Texts: the labelled sets of ``<shared>/data`` (OpeNER en/es/ca/eu sentences, ChnSentiCorp and
online_shopping zh, SB10k de tweets, Allociné and TripAdvisor fr, chABSA ja) and the raw
samples of ``<shared>/corpora`` (en, es, fr, de, ja, zh), at most ``--per-source`` texts a
source (a seeded random sample), plus a *short* copy of every corpus line (its first 4 words,
or first 8 characters for ja/zh) to stress one-line inputs. The true language is the source's.

Identifiers, all offline with the model inside the wheel, each restricted to the languages
xproj supports where the library allows it (``xproj.lang.supported_languages()``):

- ``py3langid`` 0.4 (naive Bayes over byte n-grams, 97 languages; ``set_languages``), and
  ``py3langid-all`` unrestricted (what ``xproj predict --lang auto`` uses: a text in a language
  no model knows must be named as such, not forced into the nearest supported one);
- ``lingua`` (``lingua-language-detector`` 2.x, n-gram models in Rust; built ``from_languages``,
  high-accuracy mode, and low-accuracy mode);
- ``gcld3`` (``cld3-py``, Google's CLD3 network, 107 languages; cannot be restricted: an answer
  outside xproj's languages counts as wrong).

``xproj-auto`` is :func:`xproj.lang.detect.detect_language` as ``xproj predict --lang auto``
calls it: py3langid unrestricted, no answer below probability 0.3 or for fewer than 2 letters.
An answer of None (the identifier abstains) counts as wrong; ``answered`` is the share of texts
given a language and ``accuracy when answered`` the accuracy over those. Printed: accuracy per language
and per length bucket, overall accuracy with a 95% interval (texts resampled, seeded
bootstrap), documents/s (one process, single texts, after a warm-up, wall time).

Usage::

    python bench/language_id.py [--per-source 300] [--only py3langid,lingua]
"""

from __future__ import annotations

import argparse
import csv
import lzma
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xproj.lang import supported_languages  # noqa: E402
from xproj.paths import shared_dir  # noqa: E402

LANGS = supported_languages()
OPENER = ("strneg.txt", "neg.txt", "pos.txt", "strpos.txt")
#: (name, language, reader) for the labelled sets; readers return every text of the set.
LABELLED_CSV = [("chnsenticorp", "zh", "chnsenticorp/ChnSentiCorp_htl_all.csv", False),
                ("online_shopping", "zh", "online_shopping_10_cats/zh.csv", True),
                ("sb10k", "de", "sb10k/de.csv", True), ("allocine", "fr", "allocine_tv/fr.csv", True),
                ("tripadvisor", "fr", "tripadvisor_restaurants/fr.csv", True), ("chabsa", "ja", "chabsa/ja.csv", True)]
CORPORA = ("en", "es", "fr", "de", "ja", "zh")


def _csv_texts(path: Path, header: bool) -> list:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [r[1] for r in rows[1 if header else 0:] if len(r) > 1 and r[1].strip()]


def _short(text: str, lang: str) -> str:
    return text.strip()[:8] if lang in ("ja", "zh") else " ".join(text.split()[:4])


def load_sources(shared: Path, per_source: int, seed: int = 0) -> list:
    """``[(source, lang, texts)]``: at most ``per_source`` texts a source, seeded sample."""
    rng = random.Random(seed)
    pick = lambda xs: rng.sample(xs, min(per_source, len(xs)))  # noqa: E731
    out = []
    for lang in ("en", "es", "ca", "eu"):
        folder = shared / "data" / "opener" / lang / "train"
        lines = [ln.strip() for name in OPENER for ln in (folder / name).read_text(encoding="utf-8").splitlines()]
        out.append((f"opener-{lang}", lang, pick([ln for ln in lines if ln])))
    for name, lang, rel, header in LABELLED_CSV:
        out.append((name, lang, pick(_csv_texts(shared / "data" / rel, header))))
    for lang in CORPORA:
        with lzma.open(shared / "corpora" / f"{lang}.sample.txt.xz", "rt", encoding="utf-8") as f:
            lines = pick([ln.strip() for ln in f if len(ln.split()) >= 4 or (lang in ("ja", "zh") and len(ln) > 12)])
        out.append((f"corpus-{lang}", lang, lines))
        out.append((f"corpus-{lang}-short", lang, [_short(t, lang) for t in lines]))
    return out


def make_py3langid(langs):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(langs)
    return lambda text: ident.classify(text)[0]


def make_lingua(langs, low_accuracy=False):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in langs]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    det = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

    def detect(text):
        found = det.detect_language_of(text)
        return None if found is None else found.iso_code_639_1.name.lower()
    return detect


def make_gcld3(langs):
    import gcld3

    det = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
    return lambda text: det.FindLanguage(text=text).language.split("-")[0]


def make_xproj(langs):
    from xproj.lang.detect import detect_language

    return lambda text: detect_language([text])[0]


IDENTIFIERS = {"xproj-auto": make_xproj, "py3langid": make_py3langid,
               "py3langid-all": lambda langs: make_py3langid(None), "lingua": make_lingua,
               "lingua-low": lambda langs: make_lingua(langs, low_accuracy=True), "gcld3": make_gcld3}


def bucket(text: str) -> str:
    n = len(text)
    return "<=20 chars" if n <= 20 else "21-100" if n <= 100 else ">100"


def measure(detect, sources) -> dict:
    texts = [(lang, t) for _, lang, ts in sources for t in ts]
    detect(texts[0][1])  # warm-up (lazy model loads)
    t0 = time.perf_counter()
    answers = [detect(t) for _, t in texts]
    seconds = time.perf_counter() - t0
    right = np.array([a == lang for (lang, _), a in zip(texts, answers)])
    answered = np.array([a is not None for a in answers])
    by = lambda key: {k: float(right[[key(i) == k for i in range(len(texts))]].mean())  # noqa: E731
                      for k in dict.fromkeys(key(i) for i in range(len(texts)))}
    rng = np.random.default_rng(0)
    boots = [right[rng.integers(0, len(right), len(right))].mean() for _ in range(1000)]
    return {"acc": float(right.mean()), "ci": tuple(np.percentile(boots, [2.5, 97.5])),
            "lang": by(lambda i: texts[i][0]), "len": by(lambda i: bucket(texts[i][1])),
            "docs_s": len(texts) / seconds, "n": len(texts),
            "answered": float(answered.mean()), "acc_answered": float(right[answered].mean())}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-source", type=int, default=300)
    ap.add_argument("--only", default=",".join(IDENTIFIERS))
    args = ap.parse_args(argv)
    shared = shared_dir()
    sources = load_sources(shared, args.per_source)
    langs = sorted({lang for _, lang, _ in sources})
    print(f"{sum(len(t) for *_, t in sources)} texts, {len(sources)} sources, languages {', '.join(langs)}; "
          f"identifiers restricted to {', '.join(LANGS)}\n")
    results = {}
    for name in args.only.split(","):
        try:
            results[name] = measure(IDENTIFIERS[name](LANGS), sources)
        except ImportError as exc:
            print(f"{name}: not installed ({exc})")
    buckets = ["<=20 chars", "21-100", ">100"]
    print("| identifier | accuracy [95% CI] | " + " | ".join(langs) + " | " + " | ".join(buckets)
          + " | answered | accuracy when answered | docs/s |")
    print("|---" * (5 + len(langs) + len(buckets)) + "|")
    for name, r in results.items():
        cells = [f"{r['lang'][lang]:.3f}" for lang in langs] + [f"{r['len'].get(b, float('nan')):.3f}" for b in buckets]
        print(f"| {name} | {r['acc']:.3f} [{r['ci'][0]:.3f}, {r['ci'][1]:.3f}] | " + " | ".join(cells)
              + f" | {r['answered']:.3f} | {r['acc_answered']:.3f} | {r['docs_s']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
