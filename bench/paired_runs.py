"""Two run folders of one preset, compared on every target set's *test* part with paired
bootstrap intervals: each target's saved model (``model-<target>.joblib``) scores the test
part, and the change (second - first) gets a 95% interval from the same resamples of the same
documents. For figures taken **after** a choice made on dev parts (it reads test parts).

Run::

    python bench/paired_runs.py runs-before/opener-en-multi runs-after/opener-en-multi
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from xproj.config import load_config  # noqa: E402
from xproj.persistence import load_model  # noqa: E402
from xproj.report import file_stem  # noqa: E402
from xproj.run import build_corpus, tokenize  # noqa: E402
from features_by_set import cell, paired_delta_ci, scores  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("first", help="run folder (the reference)")
    ap.add_argument("second", help="run folder of the same preset")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    first, second = Path(args.first), Path(args.second)
    # Each run's model reads the test text tokenised as its own run did (e.g. negation marks):
    # the documents and labels are the same, their tokens may not be.
    cfgs = [load_config(str(run / "config.toml"), ["evaluation.few_shot=[]"]) for run in (first, second)]
    corpus = tokenize(build_corpus(cfgs[0]), cfgs[0])
    corpora = [corpus, corpus if cfgs[1]["preprocess"] == cfgs[0]["preprocess"]
               else tokenize(build_corpus(cfgs[1]), cfgs[1])]
    names, k = corpus.label_names, len(corpus.label_names)
    # the sets both runs scored (a run may cover a subset: --set data.target_langs=[...])
    in_second = json.loads((second / "metrics.json").read_text())["results"]
    targets = [t for t in json.loads((first / "metrics.json").read_text())["results"] if t in in_second]
    print(f"test parts, {first} -> {second} (macro-F1 [95% CI]; change [paired 95% CI]; class recalls)\n")
    print("| target set | n | first | second | change | recalls first | recalls second |\n|---|---:|---|---|---|---|---|")
    for key in targets:
        lang = corpus.lang_of(key)
        res, ys = [], []
        for run, run_corpus in zip((first, second), corpora):
            X, y = run_corpus.for_target(key).get(lang, "test")
            model = load_model(run / f"model-{file_stem(key)}.joblib")["model"]
            res.append(scores(y, model.predict(X, lang=lang).astype(np.int64), names, args.seed))
            ys.append(y)
        assert np.array_equal(ys[0], ys[1]), "the two runs' test parts differ"
        a, b = res
        lo, hi = paired_delta_ci(a, b, k, args.seed)
        recalls = [" / ".join(f"{r:.3f}" for r in s["recalls"]) for s in res]
        print(f"| {key} | {len(ys[0])} | {cell(a)} | {cell(b)} | {b['f1'] - a['f1']:+.3f} [{lo:+.3f}, {hi:+.3f}] | "
              f"{recalls[0]} | {recalls[1]} |")


if __name__ == "__main__":
    main()
