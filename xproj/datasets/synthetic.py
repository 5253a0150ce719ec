"""A seeded synthetic bilingual world, in the spirit of scikit-learn's ``make_classification``.

Two languages share a set of latent *concepts*. Language A ("src") names each concept with
one word; language B ("tgt") names it with one word (sometimes two synonyms) whose vector is
the concept's vector rotated by a known orthogonal matrix plus noise. Each language also has
words of its own (partial overlap), a few words placed near the centroid of the concepts
(meant as hubs; since the concepts are centred Gaussians, they end up as short random
vectors and the world's hubness is mild: CSLS gains a point or two over NN here, far less
than on real vectors), numerals spelled the same in
both, and Zipfian word frequencies in a similar but not identical order. A *sentiment
direction* makes some concepts positive and some negative, so that labelled documents can be
generated in either language (:func:`make_documents`).

Examples
--------
>>> world = make_bilingual_world(n_words=1000, dim=20, seed=0)
>>> world.src.vectors.shape
(1000, 20)
>>> len(world.gold_pairs) > 500
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import ortho_group

from ..vectors import WordVectors

_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
           "br", "tr", "pl", "st", "ch"]
_VOWELS_A = ["a", "e", "i", "o", "u", "ea", "oo"]
_VOWELS_B = ["a", "e", "i", "o", "u", "ia", "ue", "io"]


@dataclass
class BilingualWorld:
    """What :func:`make_bilingual_world` returns.

    Attributes
    ----------
    src, tgt : WordVectors
        Language A and B spaces (``lang`` "src" and "tgt" unless named).
    W_true : ndarray (dim, dim)
        The orthogonal map used to build B from A: ``tgt ~ src @ W_true``.
    gold_pairs : list of (src_word, tgt_word)
        Every translation pair, in source frequency order.
    train_pairs, test_pairs : lists of pairs
        A MUSE-style split of ``gold_pairs`` by unique source word.
    polarity_src, polarity_tgt : dict word -> {-1, 0, +1}
    sentiment_direction : ndarray (dim,)
        Unit vector in A's space along which polar words lie.
    hubs : list of str
        Target hub words.
    seed : int
    """

    src: WordVectors
    tgt: WordVectors
    W_true: np.ndarray
    gold_pairs: list
    train_pairs: list
    test_pairs: list
    polarity_src: dict
    polarity_tgt: dict
    sentiment_direction: np.ndarray
    hubs: list = field(default_factory=list)
    seed: int = 0


def _words(rng, n, vowels, prefix, taken):
    out = []
    while len(out) < n:
        syl = rng.integers(2, 4)
        w = "".join(_ONSETS[rng.integers(len(_ONSETS))] + vowels[rng.integers(len(vowels))]
                    for _ in range(syl))
        w = prefix + w
        if w not in taken:
            taken.add(w)
            out.append(w)
    return out


def _zipf_shuffle(rng, n, jitter):
    """An order close to 0..n-1: each rank moves by a log-normal factor (frequency ranks of
    translations are correlated across languages but not equal)."""
    keys = np.arange(1, n + 1) * np.exp(rng.normal(0, jitter, n))
    return np.argsort(keys, kind="stable")


def make_bilingual_world(
    n_words: int = 5000,
    dim: int = 50,
    *,
    noise: float = 0.05,
    overlap: float = 0.9,
    synonym_rate: float = 0.1,
    n_hubs: int = 10,
    n_numerals: int = 50,
    polar_fraction: float = 0.15,
    sentiment_strength: float = 1.5,
    frequency_jitter: float = 0.3,
    n_train: int | None = None,
    n_test: int | None = None,
    src_lang: str = "src",
    tgt_lang: str = "tgt",
    seed: int = 0,
) -> BilingualWorld:
    """Generate two aligned-by-construction vocabularies with a known rotation.

    Parameters
    ----------
    n_words : int
        Words in language A (B has about the same).
    dim : int
    noise : float
        Standard deviation of the per-dimension Gaussian noise added to B's vectors, relative
        to unit-variance concept vectors (0 gives an exact rotation).
    overlap : float
        Fraction of A's concepts that B also has words for.
    synonym_rate : float
        Fraction of shared concepts with a second B word (a second gold translation).
    n_hubs : int
        B words placed near the centroid (similar to everything).
    n_numerals : int
        Numerals ("0", "1", ...) present with the same spelling in both languages.
    polar_fraction : float
        Fraction of concepts that carry sentiment (half positive, half negative).
    sentiment_strength : float
        Offset of polar concepts along the sentiment direction.
    frequency_jitter : float
        How much B's frequency order departs from A's.
    n_train, n_test : int, optional
        Unique source words in the train and test dictionaries (default: 50% and 15% of the
        shared concepts, the rest unused).
    seed : int
    """
    if not 0 < overlap <= 1:
        raise ValueError("overlap must be in (0, 1]")
    if n_words < 10 or dim < 2:
        raise ValueError("n_words must be >= 10 and dim >= 2")
    rng = np.random.default_rng(seed)
    n_num = min(n_numerals, n_words // 10)
    n_concepts = n_words - n_num

    # Concept vectors with a sentiment direction.
    C = rng.standard_normal((n_concepts, dim)).astype(np.float64)
    s_dir = rng.standard_normal(dim)
    s_dir /= np.linalg.norm(s_dir)
    C -= np.outer(C @ s_dir, s_dir) * 0.5  # neutral words sit closer to the sentiment-neutral plane
    polarity = np.zeros(n_concepts, dtype=int)
    n_polar = int(polar_fraction * n_concepts)
    polar_ids = rng.choice(np.arange(20, n_concepts), size=min(n_polar, n_concepts - 20), replace=False)
    polarity[polar_ids[: len(polar_ids) // 2]] = 1
    polarity[polar_ids[len(polar_ids) // 2:]] = -1
    C += np.outer(polarity * sentiment_strength, s_dir)

    numerals = [str(i) for i in range(n_num)]
    num_vecs = rng.standard_normal((n_num, dim))

    taken: set[str] = set(numerals)
    a_words = _words(rng, n_concepts, _VOWELS_A, "", taken)
    # Language A: concepts in frequency order with numerals spread through the ranks.
    A_words = a_words + numerals
    A_vecs = np.vstack([C, num_vecs])
    a_order = _zipf_shuffle(rng, len(A_words), frequency_jitter * 0.3)
    A_words = [A_words[i] for i in a_order]
    A_vecs = A_vecs[a_order]
    a_pol = dict(zip(a_words, polarity.tolist()))
    a_pol.update({w: 0 for w in numerals})

    # Language B: shared concepts (+ synonyms), its own words, hubs, numerals.
    W_true = ortho_group.rvs(dim, random_state=rng.integers(2**31)) if dim > 1 else np.eye(1)
    shared = np.sort(rng.choice(n_concepts, size=int(round(overlap * n_concepts)), replace=False))
    b_words = _words(rng, len(shared), _VOWELS_B, "", taken)
    b_vecs = C[shared] @ W_true + noise * rng.standard_normal((len(shared), dim))
    b_concept = list(shared)
    b_pol = {w: int(polarity[c]) for w, c in zip(b_words, shared)}
    gold = {}
    for w, c in zip(b_words, shared):
        gold.setdefault(int(c), []).append(w)
    n_syn = int(synonym_rate * len(shared))
    syn_of = rng.choice(shared, size=n_syn, replace=False)
    syn_words = _words(rng, n_syn, _VOWELS_B, "", taken)
    syn_vecs = C[syn_of] @ W_true + 2 * noise * rng.standard_normal((n_syn, dim)) + 0.1 * rng.standard_normal((n_syn, dim))
    for w, c in zip(syn_words, syn_of):
        gold[int(c)].append(w)
        b_pol[w] = int(polarity[c])
    n_own = n_concepts - len(shared)
    own_words = _words(rng, n_own, _VOWELS_B, "", taken)
    own_vecs = rng.standard_normal((n_own, dim))
    for w in own_words:
        b_pol[w] = 0
    hub_words = _words(rng, n_hubs, _VOWELS_B, "", taken)
    centroid = (C @ W_true).mean(axis=0)
    hub_vecs = centroid + 0.15 * rng.standard_normal((n_hubs, dim)) * np.abs(C).mean()
    for w in hub_words:
        b_pol[w] = 0
    bnum_vecs = num_vecs @ W_true + noise * rng.standard_normal((n_num, dim))
    for w in numerals:
        b_pol[w] = 0

    B_words = b_words + syn_words + own_words + hub_words + numerals
    B_vecs = np.vstack([b_vecs, syn_vecs, own_vecs, hub_vecs, bnum_vecs])
    # B's frequency order follows the concepts' rank in A, jittered; synonyms are rarer.
    a_rank = {w: i for i, w in enumerate(A_words)}
    concept_rank = {c: a_rank[a_words[c]] for c in range(n_concepts)}
    base = ([concept_rank[c] for c in b_concept] + [concept_rank[int(c)] * 3 for c in syn_of]
            + list(rng.integers(0, len(A_words), n_own)) + list(rng.integers(0, 200, n_hubs))
            + [a_rank[w] for w in numerals])
    keys = (np.asarray(base, dtype=float) + 1) * np.exp(rng.normal(0, frequency_jitter, len(base)))
    b_order = np.argsort(keys, kind="stable")
    B_words = [B_words[i] for i in b_order]
    B_vecs = B_vecs[b_order]

    # Gold dictionary in A's frequency order (numerals included: they are real pairs).
    word_to_concept = {w: i for i, w in enumerate(a_words)}
    gold_pairs = []
    for w in A_words:
        if w in word_to_concept:
            for t in gold.get(word_to_concept[w], []):
                gold_pairs.append((w, t))
        else:  # numeral
            gold_pairs.append((w, w))
    n_src = len(dict.fromkeys(s for s, _ in gold_pairs))
    n_train = int(0.5 * n_src) if n_train is None else n_train
    n_test = int(0.15 * n_src) if n_test is None else n_test
    # Train on the most frequent half, test on the next words (as MUSE: 0-5000 / 5000-6500).
    from ..dictionaries import split_by_source

    train_pairs, test_pairs = split_by_source(gold_pairs, n_train, n_test)

    src = WordVectors(A_words, A_vecs.astype(np.float32), lang=src_lang, source=f"synthetic:seed={seed}:src")
    tgt = WordVectors(B_words, B_vecs.astype(np.float32), lang=tgt_lang, source=f"synthetic:seed={seed}:tgt")
    return BilingualWorld(src, tgt, W_true.astype(np.float32), gold_pairs, train_pairs, test_pairs,
                          a_pol, b_pol, s_dir.astype(np.float32), hub_words, seed)


def make_documents(world: BilingualWorld, n_docs: int = 1000, *, side: str = "src",
                   length: tuple[int, int] = (8, 30), polar_rate: float = 0.3,
                   polar_purity: float = 0.9, label_noise: float = 0.02,
                   positive_rate: float = 0.5, seed: int = 0):
    """Labelled documents (lists of tokens) in one language of the world.

    Each document draws its label (1 positive, 0 negative; ``positive_rate``), then a length,
    then words: with probability ``polar_rate`` a polar word (of the document's polarity with
    probability ``polar_purity``), otherwise a Zipf-frequent neutral word. ``label_noise``
    flips labels.

    Returns
    -------
    docs : list of list of str
    labels : ndarray of int
    """
    rng = np.random.default_rng(seed)
    wv = world.src if side == "src" else world.tgt
    pol = world.polarity_src if side == "src" else world.polarity_tgt
    words = np.array(wv.words, dtype=object)
    p_arr = np.array([pol.get(w, 0) for w in wv.words])
    neutral = np.flatnonzero(p_arr == 0)
    pos, neg = np.flatnonzero(p_arr > 0), np.flatnonzero(p_arr < 0)
    zipf = 1.0 / (np.arange(len(neutral)) + 10.0)
    zipf /= zipf.sum()
    pw = 1.0 / (np.arange(len(pos)) + 5.0)
    pw /= pw.sum()
    nw = 1.0 / (np.arange(len(neg)) + 5.0)
    nw /= nw.sum()
    # rng.choice(len(p), p=p) draws one uniform and finds it in p's normalised cumulative sum,
    # after checking p (O(vocabulary) per token): the same draw on sums computed once gives the
    # same words from the same stream, without the check
    cdf = {id(p): p.cumsum() / p.cumsum()[-1] for p in (zipf, pw, nw)}

    def draw(p):
        return int(cdf[id(p)].searchsorted(rng.random(), side="right"))

    labels = (rng.random(n_docs) < positive_rate).astype(int)
    docs = []
    for y in labels:
        n = rng.integers(length[0], length[1] + 1)
        kinds = rng.random(n)
        toks = []
        for u in kinds:
            if u < polar_rate:
                same = rng.random() < polar_purity
                use_pos = (y == 1) == same
                arr, p = (pos, pw) if use_pos else (neg, nw)
                toks.append(words[arr[draw(p)]])
            else:
                toks.append(words[neutral[draw(zipf)]])
        docs.append(toks)
    flip = rng.random(n_docs) < label_noise
    labels = np.where(flip, 1 - labels, labels)
    return docs, labels
