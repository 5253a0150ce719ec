"""German compounds: does the compound step of the vocabulary lookup help transfer? Measured
on SB10k's *dev* part (never its test part).

The English model of ``opener-en-multi`` (chosen on the English dev split, as a run does) is
adapted to SB10k's unlabelled training part and scores its dev part, with an unknown German
compound standing for

- ``off``: nothing (no splitting: the word is dropped, as before);
- ``head``: its head's vector (what :class:`xproj.lang.VocabularyLookup` does);
- ``parts``: every part's vector (the token replaced by its parts before featurisation, so
  the mean pools them).

Run (a few minutes on 2 cores, most of it alignment)::

    python bench/german_compounds.py [--set data.max_docs=...]
"""

import argparse
import copy
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xproj.lang.lookup as lookup_module  # noqa: E402
from xproj.config import load_config  # noqa: E402
from xproj.evaluation import classification_scores  # noqa: E402
from xproj.lang import VocabularyLookup  # noqa: E402
from xproj.lang.compounds import split_compound  # noqa: E402
from xproj.run import adaptation_documents, align_targets, build_corpus, load_run_vectors, select_and_fit, tokenize  # noqa: E402

TARGET = "sb10k:de"


def into_parts(docs, vectors):
    """Each unknown compound replaced by its known parts."""
    plain = VocabularyLookup(vectors, "de", split_compounds=False)
    known = plain.__contains__

    def parts(t):
        return (split_compound(t, known, "de") or [t]) if t not in plain else [t]

    return [[p for t in doc for p in parts(t)] for doc in docs]


def paired_difference(y, a, b, n_boot=1000, seed=0):
    """Macro-F1 of predictions ``b`` minus ``a`` on the same documents, with a 95% interval
    (documents resampled together, seeded)."""
    from sklearn.metrics import f1_score

    y, a, b = map(np.asarray, (y, a, b))
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        diffs.append(f1_score(y[i], b[i], average="macro") - f1_score(y[i], a[i], average="macro"))
    point = f1_score(y, b, average="macro") - f1_score(y, a, average="macro")
    return point, np.percentile(diffs, 2.5), np.percentile(diffs, 97.5)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    args = ap.parse_args()
    cfg = load_config("opener-en-multi", [f"data.targets=[\"{TARGET}\"]", "evaluation.few_shot=[]"] + args.overrides)
    quiet = lambda *a, **k: None  # noqa: E731
    corpus = tokenize(build_corpus(cfg), cfg).for_target(TARGET)
    vectors = load_run_vectors(cfg, corpus.world, quiet)
    space = align_targets(cfg, vectors, corpus.world, quiet)["de"].space
    fitted = select_and_fit(cfg, space, corpus, cfg["data"]["source_lang"])
    train = adaptation_documents(cfg, corpus, "de").documents
    Xd, yd = corpus.get("de", "dev")
    compounds = dict(lookup_module.COMPOUND_LANGUAGES)
    print(f"{TARGET} dev part: {len(Xd)} documents; English model C={fitted.C}, {fitted.class_weight}\n")
    print("| compound stands for | token OOV (dev) | macro-F1 [95% CI] | minus off [95% CI] | accuracy "
          "| recall per class |\n|---|---:|---|---|---:|---|")
    predictions = {}
    for variant in ("off", "head", "parts"):
        lookup_module.COMPOUND_LANGUAGES = {} if variant == "off" else compounds
        space._lookups.clear()  # rebuilt with the switch above
        docs, dev = (train, Xd) if variant != "parts" else (into_parts(train, space["de"]), into_parts(Xd, space["de"]))
        model = copy.deepcopy(fitted.model).adapt(docs, "de")
        predicted = predictions[variant] = model.predict(dev, lang="de")
        s = classification_scores(yd, predicted, corpus.label_names, n_boot=1000, seed=0)
        d = paired_difference(yd, predictions["off"], predicted)
        oov = model.embedder_.coverage(dev, "de")["oov_rate"]
        recalls = ", ".join(f"{n} {c['recall']:.2f}" for n, c in s["per_class"].items())
        print(f"| {variant} | {oov:.1%} | {s['macro_f1']:.3f} [{s['macro_f1_ci'][0]:.3f}, {s['macro_f1_ci'][1]:.3f}] "
              f"| {d[0]:+.3f} [{d[1]:+.3f}, {d[2]:+.3f}] | {s['accuracy']:.3f} | {recalls} |", flush=True)
    lookup_module.COMPOUND_LANGUAGES = compounds


if __name__ == "__main__":
    main()
