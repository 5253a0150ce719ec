"""Documents per second for featurisation + prediction (tokenisation excluded).

100,000 synthetic short documents (8-30 tokens) in the target language of a seeded synthetic
world; a CrossLingualClassifier fitted on source documents. Measures
``clf.predict_proba(tokens, lang=...)`` (lookup, pooling, centering, scaling, logistic
regression) in one process and split over 2 joblib workers, against a plain-numpy peer
written the straightforward way (one ``np.mean`` of looked-up rows per document) run in the
same process.

    python bench/bench_pipeline.py            # 100,000 documents
    python bench/bench_pipeline.py --quick    # 20,000
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402

from xproj.align import fit_mapping  # noqa: E402
from xproj.datasets.synthetic import make_bilingual_world, make_documents  # noqa: E402
from xproj.features import AlignedSpace  # noqa: E402
from xproj.model import CrossLingualClassifier  # noqa: E402


def naive_predict(clf, docs, lang):
    """The straightforward peer: per-document Python mean, then the same post-processing."""
    wv = clf.embedder_.space_[lang]
    index, V = wv.index, np.asarray(wv.vectors)
    rows = []
    for doc in docs:
        vecs = [V[index[t]] for t in doc if t in index]
        v = np.mean(vecs, axis=0) if vecs else np.zeros(V.shape[1], dtype=np.float32)
        n = np.linalg.norm(v)
        rows.append(v / n if n else v)
    E = np.array(rows, dtype=np.float32)
    return clf.estimator_.predict_proba(clf._post(E, lang))


_WORKER_MODELS = {}


def worker_predict(model_path, lang, stats, docs):
    """One chunk in a worker process; the model is loaded once per worker (as a service
    would), so only documents travel between processes."""
    if model_path not in _WORKER_MODELS:
        from xproj.model import load_model

        clf = load_model(model_path)["model"]
        clf.lang_stats_[lang] = stats
        _WORKER_MODELS[model_path] = clf
    return _WORKER_MODELS[model_path].predict_proba(docs, lang=lang)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--dim", type=int, default=300)
    args = ap.parse_args()
    n = 20_000 if args.quick else args.docs

    world = make_bilingual_world(n_words=50_000, dim=args.dim, noise=0.5, seed=0)
    m = fit_mapping(world.src, world.tgt, world.train_pairs)
    space = AlignedSpace.from_mappings("tgt", world.tgt, {"src": (world.src, m)})
    X, y = make_documents(world, 2000, side="src", seed=1)
    clf = CrossLingualClassifier(space, source_lang="src").fit(X, y)
    docs, labels = make_documents(world, n, side="tgt", seed=2)
    clf.adapt(docs[:5000], "tgt")  # fixed per-language statistics, as predict_file does
    clf.predict_proba(docs[:1000], lang="tgt")  # warm the lookup cache

    t1, P1 = timed(lambda: clf.predict_proba(docs, lang="tgt"))
    import tempfile

    from xproj.model import save_model

    model_path = str(Path(tempfile.mkdtemp()) / "model.joblib")
    save_model(clf, model_path)
    stats = clf.lang_stats_["tgt"]
    chunks = [docs[i:i + n // 8] for i in range(0, n, n // 8)]
    with Parallel(n_jobs=2) as par:
        # start both workers and load the model in each (not timed: a one-off cost)
        par(delayed(worker_predict)(model_path, "tgt", stats, c[:2000]) for c in chunks[:4])
        t2, parts = timed(lambda: par(delayed(worker_predict)(model_path, "tgt", stats, c) for c in chunks))
    P2 = np.vstack(parts)
    tn, Pn = timed(lambda: naive_predict(clf, docs, "tgt"))
    assert np.allclose(P1, P2, atol=1e-5) and np.allclose(P1, Pn, atol=1e-4)
    acc = ((P1[:, 1] > 0.5) == labels).mean()
    print(f"{n:,} documents, {np.mean([len(d) for d in docs]):.1f} tokens each, dim {args.dim}; accuracy {acc:.3f}")
    print(f"{'run':<34}{'docs/s':>12}{'vs peer':>10}")
    for name, t in [("xproj, 1 process", t1), ("xproj, 2 joblib workers", t2), ("plain numpy peer, 1 process", tn)]:
        print(f"{name:<34}{n / t:>12,.0f}{tn / t:>9.1f}x")


if __name__ == "__main__":
    main()
