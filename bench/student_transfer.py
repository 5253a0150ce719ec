"""Cross-lingual distillation into a target-native student (``model.student``, xproj.student)
against today's method, on every shared target set's *dev* part (never a test part).

For each target set the English model (the teacher) is built as a run builds the method's row
(:func:`dev_variants.method_model`: the language's options, model selection on the English dev
split, the translation vote, saved mappings plus the preset's anchoring), adapted on the set's
unlabelled training part. Each student configuration is then fitted on that same training
part (labels dropped) from the teacher's probabilities, with the library's own
``CrossLingualClassifier.fit_student``, and scored on the dev part at several weights (the
student's weight only mixes probabilities: one fit serves every weight, except with
``rounds`` > 1, where the weight also relabels the pool and each weight is fitted apart).

Printed: macro-F1 [95% bootstrap CI] per set, class recalls, the change against today's
method (no student) with a paired bootstrap 95% interval (same documents, same resamples),
a summary over sets (mean, sets improved, sets worse by > 0.01, lowest class recall), and
each variant against word-by-word translation scored by the same English model (the run's
baseline row) on the same dev parts. ``--reference`` names the variant the others are compared
with (e.g. ``"soft, w=0.75"``, the presets' student); ``--match teacher,em`` adds each variant
with its decision threshold matched on the pool (its predicted positive share = the teacher's
mean probability / its EM prior; binary sets) and ``--logit-mix`` each variant with teacher and
student mixed in log-odds: diagnostics, not library options.

Run::

    python bench/student_transfer.py --mappings runs/opener-en-multi
    python bench/student_transfer.py --mappings runs/opener-en-multi --sets opener:es,allocine-tv:fr \\
        --student 'soft C=1=labels=soft;C=1.0' --weights 0.5,1
"""

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from xproj.config import for_language, load_config  # noqa: E402
from xproj.run import build_corpus, load_run_vectors, tokenize  # noqa: E402
from xproj.run.train import adaptation_documents  # noqa: E402
from xproj.translation_vote import first_translations, translate  # noqa: E402
from dev_variants import dev_sets, method_model, run_spaces  # noqa: E402  (the run's spaces from its saved mappings)
from features_by_set import cell, paired_delta_ci, print_rows, print_summary, scores  # noqa: E402

TODAY = "today (no student)"
#: name -> fit_student keywords (weights are crossed with each)
STUDENTS = {
    "hard 100% C=1": dict(labels="hard", share=1.0, C=1.0),
    "hard 100% C=1 unbalanced": dict(labels="hard", share=1.0, C=1.0, balance=False),
    "soft C=1 unbalanced": dict(labels="soft", C=1.0, balance=False),
    "hard 50% C=1 unbalanced": dict(labels="hard", share=0.5, C=1.0, balance=False),
}


def parse_student(text):
    """``NAME=key=value;key=value`` -> (name, keywords)."""
    name, _, rest = text.partition("=")
    kw = {}
    for item in filter(None, (p.strip() for p in rest.split(";"))):
        k, _, v = item.partition("=")
        k, v = k.strip(), v.strip()
        if k == "C" and "-" in v:  # C=0.3-1-3: chosen on the pool by held-out loss
            kw[k] = tuple(float(x) for x in v.split("-"))
            continue
        if k.endswith("_ngrams"):  # word_ngrams=1-3
            kw[k] = tuple(int(x) for x in v.split("-"))
            continue
        kw[k] = v if k in ("labels", "view", "prior") else int(v) if k == "rounds" else v == "true" if k == "balance" else float(v)
    return name.strip(), kw


def matched_threshold(P_pool, share):
    """The threshold on the positive column that labels ``share`` of the pool positive (binary):
    the decision whose class shares on the unlabelled pool equal an estimate of the target's
    (as the transductive SVM's balance constraint, Joachims 1999)."""
    return float(np.quantile(P_pool[:, 1], 1.0 - share))


def match_rows(out, label, model, pool, Xd, yd, lang, names, seed, teacher_pool, matches):
    """Add ``label, matched to X`` rows: the decision thresholded so that the pool's predicted
    positive share is the teacher's mean probability (``teacher``) or its EM prior (``em``)."""
    if len(names) != 2 or not matches:
        return
    from xproj.shift import estimate_priors_em

    P_pool, P_dev = model.predict_proba(pool, lang=lang), model.predict_proba(Xd, lang=lang)
    targets = {"teacher": teacher_pool[:, 1].mean(),
               "em": estimate_priors_em(teacher_pool, model.source_priors_)[0][1]}
    for m in matches:
        t = matched_threshold(P_pool, targets[m])
        out[f"{label}, matched to {m}"] = scores(yd, (P_dev[:, 1] > t).astype(np.int64), names, seed)


def measure_set(cfg, spaces, corpus, t, students, weights, seed, echo, matches=(), logit_mix=False) -> dict:
    """``{variant name: scores}`` of one target set's dev part (plus ``"word-by-word"``)."""
    lcfg = for_language(cfg, t.lang)
    view = corpus.for_target(t.id)
    names = corpus.label_names
    model = method_model(cfg, spaces[t.lang], corpus, t.id, t.lang)
    Xd, yd = view.get(t.lang, "dev")
    out = {TODAY: scores(yd, model.predict(Xd, lang=t.lang).astype(np.int64), names, seed)}
    pairs = spaces[t.lang].dictionary
    if isinstance(pairs, list):
        wbw = translate(Xd, first_translations(pairs))
        out["word-by-word"] = scores(yd, model.predict(wbw, lang=model.fitted_lang_).astype(np.int64), names, seed)
    pool = adaptation_documents(lcfg, view, t.lang)
    assert pool is not None and not pool.transductive, "the student learns from the training part only"
    teacher_pool = model.predict_proba(pool.documents, lang=t.lang)
    teacher_dev = model.predict_proba(Xd, lang=t.lang)
    if matches:
        echo(f"  {t.id}: teacher's mean probabilities on the pool {teacher_pool.mean(axis=0).round(3).tolist()}, "
             f"argmax shares {np.bincount(teacher_pool.argmax(1), minlength=len(names)) / len(teacher_pool)}, "
             f"dev part's true {np.bincount(yd, minlength=len(names)) / len(yd)}")
    match_rows(out, TODAY, model, pool.documents, Xd, yd, t.lang, names, seed, teacher_pool, matches)
    for name, kw in students.items():
        fits = weights if kw.get("rounds", 1) > 1 else weights[:1]  # one fit serves every weight
        for w in weights:
            if w in fits:
                start = time.perf_counter()
                model.fit_student(pool.documents, t.lang, weight=w, seed=seed, origin=pool.origin, **kw)
                echo(f"  {t.id}: {name} w={w:g} fitted on {len(pool.documents):,} documents "
                     f"in {time.perf_counter() - start:.1f} s")
                found = model.student(t.lang)
                fitted = model.students_[t.lang].model
                if getattr(fitted, "cv_losses_", None) is not None:
                    echo(f"  {t.id}: C {fitted.C_:g} chosen on the pool (held-out losses "
                         f"{', '.join(f'{c:g}: {x:.4f}' for c, x in zip(fitted.C, fitted.cv_losses_))})")
                if found["prior"] is not None:  # the EM estimate beside the dev part's true balance
                    true = np.bincount(yd, minlength=len(names)) / len(yd)
                    echo(f"  {t.id}: EM prior {'/'.join(f'{p:.3f}' for p in found['prior'])}, dev part's "
                         f"{'/'.join(f'{p:.3f}' for p in true)} ({', '.join(names)})")
            model.students_[t.lang] = replace(model.students_[t.lang], weight=w)
            out[f"{name}, w={w:g}"] = scores(yd, model.predict(Xd, lang=t.lang).astype(np.int64), names, seed)
            match_rows(out, f"{name}, w={w:g}", model, pool.documents, Xd, yd, t.lang, names, seed, teacher_pool,
                       matches)
            if logit_mix:  # the same two models mixed in log-odds (a product of experts), not probabilities
                S = model.student_proba(model.students_[t.lang], model.pipeline_[0].transform(Xd, lang=t.lang), t.lang)
                logits = (1 - w) * np.log(np.clip(teacher_dev, 1e-12, None)) + w * np.log(np.clip(S, 1e-12, None))
                out[f"{name}, w={w:g}, log-odds mix"] = scores(yd, logits.argmax(axis=1).astype(np.int64), names, seed)
    model.fit_student([], t.lang, kind="none")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-multi")
    ap.add_argument("--mappings", required=True, help="a run folder of the preset: its saved mappings")
    ap.add_argument("--sets", default="", help="comma-separated set ids (default: every set with a dev part)")
    ap.add_argument("--student", action="append", default=[],
                    help="NAME=key=value;... fit_student keywords (labels, share, C, rounds, balance, view, prior, word_ngrams=1-2, char_ngrams=1-4); "
                         f"default: {', '.join(STUDENTS)}".replace("%", "%%"))  # argparse formats help with %
    ap.add_argument("--weights", default="0.25,0.5,0.75,1", help="student weights, comma-separated")
    ap.add_argument("--reference", default=TODAY,
                    help=f"the variant the others are compared with (default: {TODAY!r}; e.g. the preset's student)")
    ap.add_argument("--match", default="", help="comma-separated: also each variant with its decision threshold "
                    "matched on the pool to the teacher's mean probability (teacher) and/or its EM prior (em)")
    ap.add_argument("--logit-mix", action="store_true",
                    help="also each variant with teacher and student mixed in log-odds instead of probabilities")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    echo = lambda *a, **k: print(*a, file=sys.stderr, flush=True, **k)  # noqa: E731
    cfg = load_config(args.preset, args.overrides + ["evaluation.few_shot=[]", "model.student=none"])
    students = dict(parse_student(s) for s in args.student) or STUDENTS
    weights = [float(w) for w in args.weights.split(",")]
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, None, echo)
    spaces = run_spaces(cfg, vectors, args.mappings, echo)
    sets = dev_sets(cfg, corpus, args.sets)
    by_set = {}
    for t in sets:
        echo(f"{t.id} ({t.lang})")
        by_set[t.id] = measure_set(cfg, spaces, corpus, t, students, weights, args.seed, echo,
                                    [m for m in args.match.split(",") if m], args.logit_mix)
    results = {}  # variant -> {("set", id): scores}, as features_by_set prints them
    for set_id, res in by_set.items():
        for variant, s in res.items():
            if variant != "word-by-word":
                results.setdefault(variant, {})[("set", set_id)] = s
    keys = [("set", t.id) for t in sets]
    names = corpus.label_names
    print(f"{args.preset}: dev parts only (test never read); students fitted on each set's training part, "
          f"labels dropped; reference: {args.reference}; overrides {args.overrides or 'none'}")
    print_summary(results, keys, args.reference)
    print_rows("set", results, names, keys, args.reference)
    print("\nAgainst word-by-word translation scored by the same English model (dev parts):\n\n"
          "| set | variant | variant macro-F1 | word-by-word | variant - word-by-word [paired 95% CI] |\n"
          "|---|---|---|---|---|")
    for t in sets:
        w = by_set[t.id].get("word-by-word")
        if w is None:
            continue
        for variant, s in by_set[t.id].items():
            if variant == "word-by-word":
                continue
            lo, hi = paired_delta_ci(w, s, len(names), 0)
            print(f"| {t.id} | {variant} | {cell(s)} | {cell(w)} | {s['f1'] - w['f1']:+.3f} [{lo:+.3f}, {hi:+.3f}] |")


if __name__ == "__main__":
    main()
