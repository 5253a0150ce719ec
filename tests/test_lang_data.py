"""xproj.lang on real text: OpeNER (en, es, ca, eu) and ChnSentiCorp (zh).

The data lives beside the project in ../shared/data (or $XPROJ_SHARED); these tests skip
when it is absent. Nothing is copied into the repository.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from xproj.lang import VocabularyLookup, get_preprocessor
from xproj.lang.base import _emoticons
from xproj.lang.normalize import is_punct

pytestmark = pytest.mark.data


def _data_dir() -> Path:
    env = os.environ.get("XPROJ_SHARED")
    root = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"
    # accept either the shared folder or its data/ subfolder
    return root / "data" if (root / "data").is_dir() else root


DATA = _data_dir()


def _opener(lang: str, split: str = "train", classes=("pos", "neg", "strpos", "strneg")):
    folder = DATA / "opener" / lang / split
    if not folder.is_dir():
        pytest.skip(f"OpeNER data not found at {folder}")
    lines = []
    for cls in classes:
        lines += (folder / f"{cls}.txt").read_text(encoding="utf-8").splitlines()
    return lines


def _chnsenticorp(limit: int | None = None) -> list[tuple[int, str]]:
    path = DATA / "chnsenticorp" / "ChnSentiCorp_htl_all.csv"
    if not path.is_file():
        pytest.skip(f"ChnSentiCorp not found at {path}")
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(int(label), review) for label, review in csv.reader(f)]
    # the file is sorted by label: sample with a stride to get both classes
    return rows[:: max(1, len(rows) // limit)][:limit] if limit else rows


@pytest.mark.parametrize("lang", ["en", "es", "ca", "eu"])
def test_opener_lines(lang):
    lines = _opener(lang)
    pre = get_preprocessor(lang, max_repeat=None)
    docs = pre.pipe(lines, batch_size=256)
    assert len(docs) == len(lines)
    # every non-blank sentence yields tokens; all tokens are clean, non-empty strings
    assert all(doc for doc, line in zip(docs, lines) if line.strip())
    assert all(tok and not tok.isspace() and not is_punct(tok) for doc in docs for tok in doc)
    # The OpeNER lines are already tokenised: spaCy must agree on nearly all word types.
    ours = {t for doc in docs for t in doc}
    theirs = {w.lower() for line in lines for w in line.split() if not is_punct(w)}
    assert len(ours & theirs) / len(theirs) > 0.95


@pytest.mark.parametrize("lang, word, lemma", [("es", "hoteles", "hotel"),
                                               ("en", "rooms", "room")])
def test_opener_lemmas(lang, word, lemma):
    lines = [line for line in _opener(lang) if word in line.lower().split()]
    assert lines, f"{word!r} should occur in OpeNER {lang}"
    docs = get_preprocessor(lang, lemmatize=True).pipe(lines)
    assert all(lemma in doc and word not in doc for doc in docs)


def test_opener_negation_is_more_frequent_in_negative_sentences():
    pre = get_preprocessor("es", negation=True)

    def rate(classes):
        docs = pre.pipe(_opener("es", classes=classes))
        return sum(t.startswith("NEG_") for d in docs for t in d) / sum(map(len, docs))

    assert rate(("neg", "strneg")) > 1.5 * rate(("pos", "strpos"))


def test_opener_oov_between_splits():
    pre = get_preprocessor("en")
    train = pre.pipe(_opener("en", "train"))
    test = pre.pipe(_opener("en", "test"))
    vocab = sorted({t for d in train for t in d})
    exact = VocabularyLookup(vocab, None, lemmatize=False, strip_accents=False).oov_report(test)
    fuzzy = VocabularyLookup(vocab, "en").oov_report(test)
    assert 0 < fuzzy["token_oov_rate"] <= exact["token_oov_rate"] < 0.2
    assert fuzzy["found_by"]["lemma"] > 0
    assert len(fuzzy["top_oov"]) == 20


def test_chnsenticorp_rows():
    rows = _chnsenticorp()[:600]  # first rows, where "-_-" occurs
    pre = get_preprocessor("zh")
    docs = pre.pipe([review for _, review in rows])
    assert len(docs) == len(rows)
    assert all(doc for doc, (_, review) in zip(docs, rows) if review.strip())
    assert "酒店" in {t for d in docs for t in d}
    # punctuation is dropped, emoticons such as "-_-" are kept
    assert all(not is_punct(t) or t in _emoticons() for d in docs for t in d)


def test_chnsenticorp_negation_more_frequent_in_negative_reviews():
    rows = _chnsenticorp(limit=3000)
    pre = get_preprocessor("zh", negation=True)
    docs = pre.pipe([review for _, review in rows])

    def rate(label):
        sel = [d for d, (y, _) in zip(docs, rows) if y == label]
        return sum(t.startswith("NEG_") for d in sel for t in d) / sum(map(len, sel))

    assert rate(0) > 1.5 * rate(1)


def test_real_data_parallel_equals_serial():
    lines = _opener("es", "train") + _opener("es", "dev") + _opener("es", "test")
    lines = (lines * 2)[:3000]  # >= 2,000 to take the parallel path
    pre = get_preprocessor("es", lemmatize=True, negation=True)
    assert pre.pipe(lines, n_jobs=2) == pre.pipe(lines, n_jobs=1)


@pytest.mark.slow
def test_chnsenticorp_all_rows_parallel():
    rows = _chnsenticorp()
    pre = get_preprocessor("zh")
    texts = [review for _, review in rows]
    assert pre.pipe(texts, n_jobs=2) == pre.pipe(texts)
