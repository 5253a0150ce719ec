"""The few-shot rows (English training set + k labelled target training documents, as
``xproj.run.evaluate.few_shot_rows`` draws them) under variants of how they are fitted, on
every shared target set's *dev* part (never a test part).

Variants, each with the translation vote and the student as a run's few-shot rows:

- ``selected, teacher labels``: the rows before bench/few_shot.py: C and class weighting
  chosen again on the English dev split with the k documents in training; the student learns
  the whole training part (the k documents too) from the teacher's probabilities;
- ``selected, gold labels``: the same model, the student learning the k documents' gold labels;
- ``zero-shot params, teacher labels``: C and class weighting of the zero-shot method (k = 0);
- ``zero-shot params, gold labels``: both (today's rows).

Printed: per set and k, the selected C/class weighting, the k documents' positive share,
then macro-F1 [95% bootstrap CI], class recalls and the change against the first variant
with a paired bootstrap 95% interval (same documents, same resamples), and a summary over
sets per k. The mappings come from a run folder of the preset (``--mappings``), as
bench/student_transfer.py.

Run::

    python bench/few_shot.py --mappings runs/opener-en-multi
    python bench/few_shot.py --mappings runs/opener-en-multi --sets fr/tripadvisor-restaurants --ks 200
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from xproj.config import for_language, load_config  # noqa: E402
from xproj.run import build_corpus, load_run_vectors, tokenize  # noqa: E402
from xproj.run.train import adaptation_documents, fit_student, select_and_fit, translation_pairs  # noqa: E402
from dev_variants import dev_sets, run_spaces  # noqa: E402
from features_by_set import print_rows, print_summary, scores  # noqa: E402

BEFORE = "selected, teacher labels"
VARIANTS = (BEFORE, "selected, gold labels", "zero-shot params, teacher labels", "zero-shot params, gold labels")


def measure_set(cfg, space, view, lang, ks, seed, echo) -> dict:
    """``{(variant, k): scores}`` of one target set's dev part (k = 0: the zero-shot method)."""
    names = view.label_names
    Xt, yt = view.get(lang, "train")
    Xd, yd = view.get(lang, "dev")
    adaptation = adaptation_documents(cfg, view, lang)
    pairs = translation_pairs(cfg, space)
    src = cfg["data"]["source_lang"]
    common = dict(adaptation=adaptation, translations={lang: pairs} if pairs else None)
    student = cfg["model"]["student"] != "none"

    def score(model):
        return scores(yd, model.predict(Xd, lang=lang).astype(np.int64), names, seed)

    zero = select_and_fit(cfg, space.space, view, src, student=student, **common)
    out = {(v, 0): score(zero.model) for v in VARIANTS}
    order = np.random.default_rng(cfg["seed"]).permutation(len(Xt))  # as few_shot_rows draws them
    for k in ks:
        idx = order[:k]
        extra = [([Xt[i] for i in idx], yt[idx], lang)]
        labelled = [(extra[0][0], extra[0][1])]
        selected = select_and_fit(cfg, space.space, view, src, extra=extra, **common)
        same = (selected.C, selected.class_weight) == (zero.C, zero.class_weight)
        fixed = selected if same else select_and_fit(cfg, space.space, view, src, extra=extra,
                                                      params=(zero.C, zero.class_weight), **common)
        echo(f"  k={k}: positive share {yt[idx].mean():.3f}; selected C={selected.C:g} {selected.class_weight}, "
             f"zero-shot C={zero.C:g} {zero.class_weight}")
        for fitted, tag in ((selected, "selected"), (fixed, "zero-shot params")):
            for gold, label in (((), "teacher labels"), (labelled, "gold labels")):
                if student:
                    fit_student(cfg, fitted.model, adaptation, labelled=gold)
                out[(f"{tag}, {label}", k)] = score(fitted.model)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-multi")
    ap.add_argument("--mappings", required=True, help="a run folder of the preset: its saved mappings")
    ap.add_argument("--sets", default="", help="comma-separated set ids (default: every set with a dev part)")
    ap.add_argument("--ks", default="10,50,200", help="comma-separated numbers of labelled target documents")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    echo = lambda *a, **k: print(*a, file=sys.stderr, flush=True, **k)  # noqa: E731
    cfg = load_config(args.preset, args.overrides + ["evaluation.few_shot=[]"])
    ks = [int(k) for k in args.ks.split(",")]
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, None, echo)
    spaces = run_spaces(cfg, vectors, args.mappings, echo)
    sets = dev_sets(cfg, corpus, args.sets)
    results = {}  # "variant, +k" -> {("set", id): scores}, as features_by_set prints them
    for t in sets:
        echo(f"{t.id} ({t.lang})")
        by = measure_set(for_language(cfg, t.lang), spaces[t.lang], corpus.for_target(t.id), t.lang, ks,
                         args.seed, echo)
        for (variant, k), s in by.items():
            results.setdefault(k, {}).setdefault(variant, {})[("set", t.id)] = s
    keys = [("set", t.id) for t in sets]
    print(f"{args.preset}: dev parts only (test never read); few-shot documents drawn as a run's rows; "
          f"reference: {BEFORE}; overrides {args.overrides or 'none'}")
    for k in [0] + ks:
        print(f"\n## k = {k}" + (" (zero-shot method, every variant the same)" if k == 0 else ""))
        if k:
            print_summary(results[k], keys, BEFORE)
        print_rows("set", results[k], corpus.label_names, keys, BEFORE)


if __name__ == "__main__":
    main()
