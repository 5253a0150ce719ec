import numpy as np

from xproj.datasets.synthetic import make_bilingual_world, make_documents


def test_seeded_and_shaped():
    a = make_bilingual_world(n_words=1000, dim=20, seed=7)
    b = make_bilingual_world(n_words=1000, dim=20, seed=7)
    c = make_bilingual_world(n_words=1000, dim=20, seed=8)
    assert a.src.words == b.src.words and np.array_equal(a.tgt.vectors, b.tgt.vectors)
    assert a.src.words != c.src.words
    assert a.src.vectors.dtype == np.float32 and a.src.vectors.shape == (1000, 20)
    np.testing.assert_allclose(a.W_true @ a.W_true.T, np.eye(20), atol=1e-5)


def test_overlap_synonyms_hubs_numerals():
    w = make_bilingual_world(n_words=2000, dim=20, overlap=0.8, synonym_rate=0.2, n_hubs=7, seed=1)
    srcs = {s for s, _ in w.gold_pairs}
    assert 0.75 < len(srcs) / len(w.src) < 0.85
    per_src = {}
    for s, t in w.gold_pairs:
        per_src.setdefault(s, []).append(t)
    assert max(len(v) for v in per_src.values()) == 2
    assert len(w.hubs) == 7 and all(h in w.tgt for h in w.hubs)
    assert ("10", "10") in w.gold_pairs
    assert not set(s for s, _ in w.train_pairs) & set(s for s, _ in w.test_pairs)


def test_sentiment_direction_separates_polar_words():
    w = make_bilingual_world(n_words=2000, dim=30, seed=2)
    proj = w.src.vectors @ w.sentiment_direction
    pol = np.array([w.polarity_src[x] for x in w.src.words])
    assert proj[pol > 0].mean() > 1 and proj[pol < 0].mean() < -1
    docs, y = make_documents(w, 200, side="tgt", seed=0)
    assert len(docs) == 200 and set(y) == {0, 1}
    assert all(t in w.tgt for d in docs for t in d)
