"""The low-resource loop on real target sets: zero-shot, + pseudo-labels, and active-learning
curves to 500 labels for every query strategy, against random sampling and the in-language
model. Every curve is scored on the target set's **dev** part; test figures are reported for
the end points only (nothing is chosen on them).

The claim tested: uncertainty sampling reaches the in-language model's dev macro-F1 minus
0.02 with fewer labels than random sampling.

How (per target set):

1. the English model is chosen and fit as a run does (``select_and_fit``: C and class weight
   on the English dev split), adapted to the target's training texts (labels dropped);
2. every document is embedded once with it (standardised features: the target statistics
   come from the whole pool, so revealing labels does not change them); each round refits
   only the classifier head (same C, same class weight) on English + revealed target rows.
   The script checks on one point (50 random target labels) that this gives the same dev
   figure as a full ``CrossLingualClassifier.fit(..., extra=..., unlabelled=...)``;
3. the pool is the target's training part (``--pool-size`` documents drawn per seed, so the
   seeds differ for the deterministic strategies too); the dev part scores every round;
4. in-language: the pipeline trained and selected on the target's own train/dev parts (its C
   is chosen on the dev part it is scored on: an upper bound, slightly optimistic).

Run (2 shared cores; about 5 minutes per target, most of it alignment)::

    python bench/low_resource_loop.py --preset opener-en-es
    python bench/low_resource_loop.py --preset opener-en-multi --set data.targets='["chnsenticorp:zh"]'

Writes ``bench/figures/low_resource_loop_<set>.png`` and prints markdown tables.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.semi_supervised import SelfTrainingClassifier  # noqa: E402

from xproj.config import load_config  # noqa: E402
from xproj.evaluation import classification_scores  # noqa: E402
from xproj.loop import STRATEGIES, self_train, simulate_active_learning  # noqa: E402
from xproj.loop._learner import fit_few_shot, macro_f1  # noqa: E402
from xproj.model import Unlabelled  # noqa: E402
from xproj.run import align_targets, build_corpus, load_run_vectors, target_sets, tokenize  # noqa: E402
from xproj.run.train import Adaptation, make_classifier, select_and_fit  # noqa: E402

FIGURES = Path(__file__).resolve().parent / "figures"
CACHE = Path(__file__).resolve().parent / ".cache"  # the curves as JSON (gitignored)
GAP = 0.02
quiet = lambda *a, **k: None  # noqa: E731


def load_target(preset, overrides):
    """The run's corpus view, space and language for the preset's first target set."""
    cfg = load_config(preset, overrides + ["evaluation.few_shot=[]"])
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, quiet)
    spaces = align_targets(cfg, vectors, corpus.world, quiet)
    t = target_sets(cfg)[0]
    return cfg, corpus.for_target(t.id), spaces[t.lang].space, t


def ci(y, predicted, cfg, label_names):
    s = classification_scores(y, predicted, label_names, n_boot=1000, seed=cfg["seed"])
    return f"{s['macro_f1']:.3f} [{s['macro_f1_ci'][0]:.3f}, {s['macro_f1_ci'][1]:.3f}]"


def shortcut_check(cfg, space, view, src, lang, fitted, Z, y, factory):
    """Dev macro-F1 with 50 random target labels: full refit vs the cached head."""
    (Xs, ys), (Xp, yp) = view.get(src, "train"), view.get(lang, "train")
    idx = np.random.default_rng(cfg["seed"]).permutation(len(Xp))[:50]
    full = make_classifier(cfg, space, src, fitted.C, fitted.class_weight).fit(
        Xs, ys, extra=[([Xp[i] for i in idx], yp[idx], lang)], unlabelled={lang: Unlabelled(Xp)})
    head = fit_few_shot(factory, Z["src"], ys, Z["pool"][idx], yp[idx])
    return macro_f1(full, view.get(lang, "dev")[0], y["dev"], lang), macro_f1(head, Z["dev"], y["dev"])


def self_training_rows(factory, Z, y):
    """Our self-training (threshold, class-balanced top-k) and scikit-learn's, on the same features."""
    rows = {}
    for name, opts in {"threshold 0.9": {"threshold": 0.9}, "top-100 per class": {"top_k_per_class": 100}}.items():
        st = self_train(factory, Z["src"], y["src"], Z["pool"], rounds=5, y_unlab=y["pool"],
                        dev=(Z["dev"], y["dev"]), **opts)
        rows[f"self_train, {name}"] = (st.records, st.model)
    sk = SelfTrainingClassifier(estimator=factory(), threshold=0.9, max_iter=5)
    sk.fit(np.vstack([Z["src"], Z["pool"]]), np.concatenate([y["src"], np.full(len(y["pool"]), -1)]))
    n_src = len(y["src"])
    got = sk.labeled_iter_[n_src:] > 0
    acc = float(np.mean(sk.transduction_[n_src:][got] == y["pool"][got])) if got.any() else None
    rows["sklearn SelfTrainingClassifier, threshold 0.9"] = (
        [{"round": int(sk.n_iter_), "n_pseudo": int(got.sum()), "accuracy": acc,
          "dev_macro_f1": macro_f1(sk, Z["dev"], y["dev"])}], sk)
    return rows


def curves(records):
    """strategy -> (n_labels, mean, min, max) over seeds."""
    out = {}
    for s in dict.fromkeys(r["strategy"] for r in records):
        ns = sorted({r["n_labels"] for r in records if r["strategy"] == s})
        by_n = [[r["macro_f1"] for r in records if r["strategy"] == s and r["n_labels"] == n] for n in ns]
        out[s] = (np.array(ns), np.array([np.mean(v) for v in by_n]), np.array([np.min(v) for v in by_n]),
                  np.array([np.max(v) for v in by_n]))
    return out


def labels_to_reach(records, strategy, goal):
    """Labels the mean curve needs to reach ``goal`` (None: never), and each seed's."""
    ns, mean, _, _ = curves(records)[strategy]
    first = lambda n, f: next((int(a) for a, b in zip(n, f) if b >= goal), None)  # noqa: E731
    seeds = sorted({r["seed"] for r in records if r["strategy"] == strategy})
    per_seed = [first(*zip(*[(r["n_labels"], r["macro_f1"]) for r in records
                            if r["strategy"] == strategy and r["seed"] == s])) for s in seeds]
    return first(ns, mean), per_seed


def plot(path, title, records, zero, in_lang):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for s, (ns, mean, lo, hi) in curves(records).items():
        line, = ax.plot(ns, mean, label=s, lw=2 if s == "random" else 1.3, ls="--" if s == "random" else "-")
        ax.fill_between(ns, lo, hi, color=line.get_color(), alpha=0.15)
    ax.axhline(zero, color="grey", ls=":", label=f"zero-shot {zero:.3f}")
    ax.axhline(in_lang, color="black", label=f"in-language {in_lang:.3f}")
    ax.axhline(in_lang - GAP, color="black", ls=":", lw=0.8, label=f"in-language - {GAP}")
    ax.set(xlabel="target labels (human)", ylabel="dev macro-F1", title=title)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-es")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--budget", type=int, default=500)
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--pool-size", type=int, default=0,
                    help="pool documents drawn per seed (default: 80%% of the training part, at most 2000)")
    args = ap.parse_args()
    t0 = time.time()
    cfg, view, space, tset = load_target(args.preset, args.overrides)
    src, lang, names = cfg["data"]["source_lang"], tset.lang, view.label_names
    name = tset.id.replace("/", "-") + ("" if tset.id == tset.dataset else f"-{tset.dataset}")
    Xp = view.get(lang, "train")[0]
    fitted = select_and_fit(cfg, space, view, src, adaptation=Adaptation(lang, list(Xp), "train texts", False))
    model = fitted.model
    data = {"src": (view.get(src, "train"), src), "pool": (view.get(lang, "train"), lang),
            "dev": (view.get(lang, "dev"), lang), "test": (view.get(lang, "test"), lang)}
    Z = {k: model.transform(d[0], lg) for k, (d, lg) in data.items()}
    y = {k: np.asarray(d[1]) for k, (d, _) in data.items()}
    factory = lambda: clone(model.estimator_)  # noqa: E731  (same C, class weight, seed)
    print(f"## {tset.dataset}:{lang} ({args.preset}; C={fitted.C}, {fitted.class_weight}; "
          f"en train {len(y['src'])}, pool {len(y['pool'])}, dev {len(y['dev'])}, test {len(y['test'])}; "
          f"built in {time.time() - t0:.0f}s)\n")
    full, head = shortcut_check(cfg, space, view, src, lang, fitted, Z, y, factory)
    print(f"shortcut check (50 random target labels, dev macro-F1): full refit {full:.4f}, cached head {head:.4f}\n")
    zero_dev = macro_f1(model, view.get(lang, "dev")[0], y["dev"], lang)
    in_model = select_and_fit(cfg, space, view, lang).model
    in_dev = macro_f1(in_model, view.get(lang, "dev")[0], y["dev"], lang)
    goal = in_dev - GAP

    def test_of(m, X, lg=None):
        return ci(y["test"], m.predict(X) if lg is None else m.predict(X, lang=lg), cfg, names)

    print("| model | dev macro-F1 | test macro-F1 [95% CI] |\n|---|---|---|")
    print(f"| zero-shot | {zero_dev:.3f} | {test_of(model, view.get(lang, 'test')[0], lang)} |")
    print(f"| in-language (target train, C on target dev) | {in_dev:.3f} | "
          f"{test_of(in_model, view.get(lang, 'test')[0], lang)} |")
    for title, (records, m) in self_training_rows(factory, Z, y).items():
        last = records[-1]
        acc = "-" if last["accuracy"] is None else f"{last['accuracy']:.3f}"
        print(f"| + pseudo-labels: {title} (round {last['round']}, {last['n_pseudo']} pseudo-labels, "
              f"accuracy {acc}) | {last['dev_macro_f1']:.3f} | {test_of(m, Z['test'])} |")
        if len(records) > 1:
            print("|  per round: " + "; ".join(f"r{r['round']}: +{r['new']} ({r['accuracy'] or 0:.2f}) "
                                               f"{r['dev_macro_f1']:.3f}" for r in records) + " | | |")
    seeds = list(range(args.seeds))
    pool_size = args.pool_size or min(2000, int(0.8 * len(y["pool"])))
    opts = dict(seeds=seeds, budget=args.budget, batch=args.batch, pool_size=pool_size)
    t1 = time.time()
    sim = simulate_active_learning(factory, Z["src"], y["src"], Z["pool"], y["pool"], Z["dev"], y["dev"], **opts)
    plus = simulate_active_learning(factory, Z["src"], y["src"], Z["pool"], y["pool"], Z["dev"], y["dev"],
                                    strategies=("margin",), pseudo={"threshold": 0.9}, **opts)
    for r in plus.records:
        r["strategy"] = "margin + pseudo 0.9"
    records = sim.records + plus.records
    finals = sim.final_models | {("margin + pseudo 0.9", s): m for (_, s), m in plus.final_models.items()}
    print(f"\nactive learning: {len(seeds)} seeds x {len(STRATEGIES) + 1} curves, batch {args.batch}, "
          f"budget {args.budget}, pool {pool_size} drawn per seed: {time.time() - t1:.0f}s\n")
    print(f"goal: in-language dev macro-F1 - {GAP} = {goal:.3f} (zero-shot dev {zero_dev:.3f})\n")
    c = curves(records)
    random_end = c["random"][1][-1]
    print(f"| strategy | labels to reach {goal:.3f} (mean curve) | per seed | labels to reach {in_dev:.3f} "
          f"(in-language) | labels to reach {random_end:.3f} (random's end) | dev macro-F1 at 100 / 200 / end "
          "(mean [min, max]) | test macro-F1 at end (mean over seeds [min, max]) |\n|---|---|---|---|---|---|---|")
    for s, (ns, mean, lo, hi) in c.items():
        n_goal, per_seed = labels_to_reach(records, s, goal)
        n_full = labels_to_reach(records, s, in_dev)[0]
        at = lambda n, ns=ns, mean=mean: next((f"{m:.3f}" for a, m in zip(ns, mean) if a == n), "-")  # noqa: E731
        tests = [macro_f1(finals[(s, seed)], Z["test"], y["test"]) for seed in seeds]
        never = lambda n: "not reached" if n is None else n  # noqa: E731
        n_random = labels_to_reach(records, s, random_end)[0]
        print(f"| {s} | {never(n_goal)} | {per_seed} | {never(n_full)} | {never(n_random)} | {at(100)} / {at(200)} / "
              f"{mean[-1]:.3f} [{lo[-1]:.3f}, {hi[-1]:.3f}] (n={ns[-1]}) | "
              f"{np.mean(tests):.3f} [{min(tests):.3f}, {max(tests):.3f}] |")
    FIGURES.mkdir(exist_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / f"low_resource_loop_{name}-{args.budget}.json").write_text(json.dumps(
        {"zero_shot_dev": zero_dev, "in_language_dev": in_dev, "records": records}))
    path = FIGURES / f"low_resource_loop_{name}{'' if args.budget == 500 else f'-{args.budget}'}.png"
    plot(path, f"{tset.dataset}:{lang}: active learning from zero-shot ({len(seeds)} seeds, min-max band)",
         records, zero_dev, in_dev)
    print(f"\nplot: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}; "
          f"total {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
