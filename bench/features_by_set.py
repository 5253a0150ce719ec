"""Which document features transfer across target sets? Measured on the target sets' *dev*
parts (never a test part), in the style of ``bench/selection_rule.py``.

For each feature variant the English model is chosen and fitted as a run does (model
selection on the English dev split, the language's own options: ``config.for_language``), once
per target language; each target set's model is
adapted on the set's unlabelled training part and scores the set's dev part. Variants:

- ``features.pooling``: mean (default) / tfidf / sif, and sif with one common component removed;
- ``features.remove_pc = 1`` with mean pooling;
- per-language standardisation or not: ``features.scale`` = source / none (centering stays
  per language; set for every language, the preset's ``features.scale_by_lang`` included),
  and the source's statistics only (``center = scale = source``);
- (es only) the sentiment lexicon in the seed dictionary: the preset pools MUSE + Hu & Liu
  (bingliu); measured without it, and with apertium or the handmade lexicon instead.
  These re-align es; every other variant reuses one alignment per language.

Dev checks (class balance, length, genre), each on *train+dev* documents of a set (labels
known, test never read), resampled to a positive share, split in two stratified halves: one
half, unlabelled, gives the target statistics, the other is scored, then they swap
(as ``bench/label_shift.py``): OpeNER es at its natural balance and 50/50, ChnSentiCorp
(68% positive) at 50/50, online_shopping (natural, about 50/50), 5-sentence es "reviews"
(concatenated sentences of one label, as ``bench/long_reviews.py``), sb10k German tweets.
Printed: macro-F1 [95% bootstrap CI], per-class recall, the minimum class recall.

Each row also gets a paired bootstrap 95% interval of its change against the default (same
documents, same resamples). Run (the five alignments are cached in ``bench/.cache``; with the
preset's 3 refinement rounds they took over 30 minutes on 2 busy cores, so the figures in
bench/README.md use Procrustes only, about 17 minutes in all)::

    python bench/features_by_set.py --set alignment.refine=0 --set data.max_docs=4000
    python bench/features_by_set.py --part features           # no es re-alignments
"""

import argparse
import copy
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from xproj.config import for_language, load_config  # noqa: E402
from xproj.evaluation import classification_scores  # noqa: E402
from xproj.run import align_targets, build_corpus, load_run_vectors, target_sets, tokenize  # noqa: E402
from xproj.run.spaces import align_target  # noqa: E402
from xproj.run.train import select_and_fit  # noqa: E402
from label_shift import resample  # noqa: E402

DEFAULT = "mean, per-language (default)"
VARIANTS = {
    DEFAULT: [],
    "tfidf": ["features.pooling=tfidf"],
    "sif": ["features.pooling=sif"],
    "sif, remove_pc=1": ["features.pooling=sif", "features.remove_pc=1"],
    "mean, remove_pc=1": ["features.remove_pc=1"],
    "scale=source": ["features.scale=source"],
    "scale=none": ["features.scale=none"],
    "center+scale=source": ["features.center=source", "features.scale=source"],
}
MUSE_ES = "{shared}/data/muse/en-es.0-5000.txt"
LEXICONS = {"bingliu": "{shared}/data/lexicons/bingliu/en-es.txt",
            "apertium": "{shared}/data/lexicons/apertium/en-es.txt",
            "handmade": "{shared}/data/lexicons/handmade/en-es-handmade-sentiment-lexicon-expanded.txt"}
#: seed dictionary for es -> lexicons pooled with the MUSE training split
ES_SEEDS = {"MUSE + bingliu (preset)": ["bingliu"], "MUSE only": [], "MUSE + apertium": ["apertium"],
            "MUSE + handmade": ["handmade"]}
#: dev checks: name -> (target set id, positive share or None = natural, sentences per document)
CHECKS = {"OpeNER es, natural": ("es", None, 1), "OpeNER es, 50/50": ("es", 0.5, 1),
          "ChnSentiCorp, 50/50": ("zh/chnsenticorp", 0.5, 1),
          "online_shopping, natural": ("zh/online-shopping", None, 1),
          "OpeNER es, 5-sentence reviews": ("es", None, 5), "sb10k tweets, natural": ("de", None, 1)}
N_BOOT = 1000


def cached_spaces(cfg, key, echo):
    """Aligned spaces of every target language (the slow part), cached on disk by config."""
    path = Path(__file__).parent / ".cache" / f"features-spaces-{hashlib.sha1(key.encode()).hexdigest()[:12]}.joblib"
    if path.exists():
        return joblib.load(path)
    vectors = load_run_vectors(cfg, None, echo)
    spaces = align_targets(cfg, vectors, None, echo)
    path.parent.mkdir(exist_ok=True)
    joblib.dump((vectors, spaces), path)
    return vectors, spaces


def scores(y, pred, names, seed):
    s = classification_scores(y, pred, names, n_boot=N_BOOT, seed=seed)
    recalls = [s["per_class"][n]["recall"] for n in names]
    return {"f1": s["macro_f1"], "ci": s["macro_f1_ci"], "recalls": recalls, "n": len(y), "y": y, "pred": pred}


def _macro_f1(y, pred, k):
    """Macro-F1 of each row of ``y``/``pred`` (resamples x documents), vectorised."""
    f1 = []
    for c in range(k):
        tp = ((y == c) & (pred == c)).sum(1)
        f1.append(np.where(tp > 0, 2 * tp / np.maximum((y == c).sum(1) + (pred == c).sum(1), 1), 0.0))
    return np.mean(f1, axis=0)


def paired_delta_ci(a, b, k, seed):
    """95% paired bootstrap interval of macro-F1(b) - macro-F1(a) on the same documents."""
    idx = np.random.default_rng(seed).integers(0, len(a["y"]), (N_BOOT, len(a["y"])))
    d = _macro_f1(b["y"][idx], b["pred"][idx], k) - _macro_f1(a["y"][idx], a["pred"][idx], k)
    return np.percentile(d, [2.5, 97.5])


def score_set(model, view, lang, names, seed):
    """The model adapted on the set's unlabelled training part, scored on its dev part."""
    adapted = copy.deepcopy(model).adapt(view.get(lang, "train")[0], lang)
    Xd, yd = view.get(lang, "dev")
    return scores(yd, adapted.predict(Xd, lang=lang).astype(np.int64), names, seed)


def check_documents(corpus, set_id, group, seed):
    """A set's train+dev documents and labels; ``group`` > 1: same-label concatenations."""
    view, lang = corpus.for_target(set_id), corpus.lang_of(set_id)
    docs = view.get(lang, "train")[0] + view.get(lang, "dev")[0]
    y = np.concatenate([view.get(lang, "train")[1], view.get(lang, "dev")[1]])
    if group == 1:
        return docs, y
    rng, long_docs, labels = np.random.default_rng(seed), [], []
    for lab in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == lab))
        for g in range(0, len(idx) - group + 1, group):
            long_docs.append([t for i in idx[g:g + group] for t in docs[i]])
            labels.append(lab)
    return long_docs, np.array(labels)


def score_check(model, docs, y, share, lang, names, seed):
    """Resample to ``share``; adapt on one stratified half (unlabelled), score the other, swap."""
    idx = resample(y, share, np.random.default_rng(seed))
    yy, pred, truth = y[idx], [], []
    for adapt_on, scored in StratifiedKFold(2, shuffle=True, random_state=seed).split(idx, yy):
        m = copy.deepcopy(model).adapt([docs[i] for i in idx[adapt_on]], lang)
        pred.append(m.predict([docs[i] for i in idx[scored]], lang=lang).astype(np.int64))
        truth.append(yy[scored])
    return scores(np.concatenate(truth), np.concatenate(pred), names, seed)


def measure(cfg, spaces, corpus, sets, langs, checks, seed):
    """``{row: scores}`` for every set's dev part and every check, one model per language."""
    src, names, out = cfg["data"]["source_lang"], corpus.label_names, {}
    for lang in langs:
        # the language's own options (features.scale_by_lang), as a run builds its model
        model = select_and_fit(for_language(cfg, lang), spaces[lang].space, corpus, src).model
        for t in (t for t in sets if t.lang == lang):
            out[("set", t.id)] = score_set(model, corpus.for_target(t.id), lang, names, seed)
        for name, (set_id, share, group) in checks.items():
            if corpus.lang_of(set_id) == lang:
                docs, y = check_documents(corpus, set_id, group, seed)
                out[("check", name)] = score_check(model, docs, y, share, lang, names, seed)
    return out


def cell(s):
    lo, hi = s["ci"]
    return f"{s['f1']:.3f} [{lo:.3f}, {hi:.3f}]"


def print_rows(kind, results, names, keys, base_name=DEFAULT):
    print(f"\n| {kind} | variant | n | macro-F1 [95% CI] | " + " | ".join(f"recall {n}" for n in names)
          + " | min recall | delta vs default [paired 95% CI] |\n|---|---|---:|---|" + "---:|" * (len(names) + 2))
    for key in keys:
        base = results[base_name].get(key)
        for variant, res in results.items():
            if key not in res:
                continue
            s = res[key]
            lo, hi = paired_delta_ci(base, s, len(names), 0)
            print(f"| {key[1]} | {variant} | {s['n']} | {cell(s)} | " + " | ".join(f"{r:.3f}" for r in s["recalls"])
                  + f" | {min(s['recalls']):.3f} | {s['f1'] - base['f1']:+.3f} [{lo:+.3f}, {hi:+.3f}] |")


def print_summary(results, keys, base_name=DEFAULT):
    """Mean over sets and number of sets improved (point estimate) against the default."""
    print("\n| variant | sets | mean macro-F1 | mean delta | sets improved | sets worse by > 0.01 "
          "| lowest class recall |\n|---|---:|---:|---:|---:|---:|---:|")
    for variant, res in results.items():
        ks = [k for k in keys if k in res]
        deltas = [res[k]["f1"] - results[base_name][k]["f1"] for k in ks]
        print(f"| {variant} | {len(ks)} | {np.mean([res[k]['f1'] for k in ks]):.3f} | {np.mean(deltas):+.3f} | "
              f"{sum(d > 0 for d in deltas)} | {sum(d < -0.01 for d in deltas)} | "
              f"{min(min(res[k]['recalls']) for k in ks):.3f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-multi")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--part", choices=("features", "lexicons", "all"), default="all",
                    help="features: the feature variants; lexicons: the es seed dictionaries (re-aligns es)")
    args = ap.parse_args()
    base_over = args.overrides + ["evaluation.few_shot=[]"]
    cfg = load_config(args.preset, base_over)
    echo = lambda *a, **k: print(*a, file=sys.stderr, **k)  # noqa: E731
    corpus = tokenize(build_corpus(cfg), cfg)
    if args.part == "lexicons":  # es only: no other language's alignment
        vectors = load_run_vectors(cfg, None, echo)
        spaces = {"es": align_target(cfg, vectors, "es", None, echo)}
    else:
        vectors, spaces = cached_spaces(cfg, repr((args.preset, sorted(cfg["alignment"].items()),
                                                   sorted(cfg["vectors"].items()))), echo)
    sets = [t for t in target_sets(cfg) if corpus.for_target(t.id).get(t.lang, "dev") is not None]
    langs = sorted({t.lang for t in sets} & set(spaces))
    print(f"{args.preset}: {len(sets)} target sets with a dev part (dev parts scored, test never read); "
          f"overrides {args.overrides or 'none'}")
    if args.part != "lexicons":
        print_features(args, base_over, spaces, corpus, sets, langs, echo)
    if args.part != "features" and "es" in langs:
        print_lexicons(cfg, vectors, spaces["es"], corpus, sets, args.seed, echo)


def uniform_scale(preset, base_over, over):
    """A variant that sets ``features.scale`` sets it for every language: the preset's own
    per-language scales (``features.scale_by_lang``, e.g. es in opener-en-multi) follow it."""
    scale = [o.split("=", 1)[1] for o in over if o.startswith("features.scale=")]
    if not scale:
        return []
    by_lang = load_config(preset, base_over)["features"]["scale_by_lang"]
    return [f"features.scale_by_lang.{lang}={scale[0]}" for lang in by_lang]


def print_features(args, base_over, spaces, corpus, sets, langs, echo):
    """Every feature variant on every set's dev part and every dev check."""
    names = corpus.label_names
    results = {}
    for variant, over in VARIANTS.items():
        echo(f"variant {variant}")
        cfg = load_config(args.preset, base_over + over + uniform_scale(args.preset, base_over, over))
        results[variant] = measure(cfg, spaces, corpus, sets, langs, CHECKS, args.seed)
    set_keys = [("set", t.id) for t in sets]
    check_keys = [("check", c) for c in CHECKS if ("check", c) in results[DEFAULT]]
    print_summary(results, set_keys)
    print_rows("target set (dev part)", results, names, set_keys)
    print("\nDev checks (train+dev documents, halves):")
    print_summary(results, check_keys)
    print_rows("check", results, names, check_keys)


def print_lexicons(cfg, vectors, preset_space, corpus, sets, seed, echo):
    """es: the lexicons pooled with the MUSE split as the seed dictionary (re-aligned each
    but the preset's own, ``preset_space``)."""
    es_checks = {c: v for c, v in CHECKS.items() if corpus.lang_of(v[0]) == "es"}
    es_sets = [t for t in sets if t.lang == "es"]
    results = {}
    for name, lexicons in ES_SEEDS.items():
        echo(f"es seed {name}")
        c = copy.deepcopy(cfg)
        c["alignment"]["dictionary"]["es"] = [MUSE_ES] + [LEXICONS[x] for x in lexicons]
        space = preset_space if lexicons == ["bingliu"] else align_target(c, vectors, "es", None, echo)
        bli = space.bli["csls"]["p@1"] if space.bli else float("nan")
        results[f"{name} (BLI CSLS P@1 {bli:.3f}, {len(space.dictionary)} seed pairs)"] = measure(
            c, {"es": space}, corpus, es_sets, ["es"], es_checks, seed)
    base_name = next(iter(results))
    keys = [("set", t.id) for t in es_sets] + [("check", c) for c in es_checks]
    print("\nes seed dictionary (default features):")
    print_summary(results, keys, base_name)
    print_rows("es set / check", results, corpus.label_names, keys, base_name)


if __name__ == "__main__":
    main()
