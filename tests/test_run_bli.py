"""A run's BLI scores what the mapping generalises to: test queries that are seed words (a
sentiment lexicon added to a training split shares some) are left out, counted and reported."""

import pytest

from xproj.config import load_config
from xproj.dictionaries import write_dictionary
from xproj.report import bli_section
from xproj.run import align_target, build_corpus, load_run_vectors, tokenize

SMALL = ["synthetic.n_words=1200", "synthetic.dim=24", "synthetic.n_train_docs=200", "synthetic.n_test_docs=100",
         "alignment.refine=0", "alignment.dictionary_anchor=0"]


def quiet(*a, **k):
    pass


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    cfg = load_config("synthetic", SMALL)
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, echo=quiet)
    d = tmp_path_factory.mktemp("run-bli")
    world = corpus.world
    leaked = world.test_pairs[:30]
    write_dictionary(list(world.train_pairs), d / "train.txt")
    write_dictionary(list(world.train_pairs) + leaked, d / "train+leak.txt")
    write_dictionary(world.test_pairs, d / "test.txt")
    return cfg, vectors, d, len({s for s, _ in leaked}), len({s for s, _ in world.test_pairs})


def _aligned(cfg, vectors, seed, test):
    cfg = {**cfg, "alignment": {**cfg["alignment"], "dictionary": {"es": str(seed)},
                                "test_dictionary": {"es": str(test)}, "polarity_lexicon": {}}}
    lines = []
    return align_target(cfg, vectors, "es", None, echo=lines.append), lines


def test_seed_words_among_the_test_queries_are_left_out(staged):
    cfg, vectors, d, n_leaked, n_queries = staged
    clean, _ = _aligned(cfg, vectors, d / "train.txt", d / "test.txt")
    leaky, printed = _aligned(cfg, vectors, d / "train+leak.txt", d / "test.txt")
    assert clean.bli["queries"] == n_queries and clean.bli["seed_queries_left_out"] == 0
    assert leaky.bli["queries"] == n_queries - n_leaked
    assert leaky.bli["seed_queries_left_out"] == n_leaked
    assert any(f"({n_leaked:,} left out: seed words)" in line for line in printed)
    assert not any("no BLI" in w for w in leaky.warnings)


def test_a_test_dictionary_inside_the_seed_gives_no_bli_and_says_so(staged):
    cfg, vectors, d, _, _ = staged
    ts, _ = _aligned(cfg, vectors, d / "test.txt", d / "test.txt")
    assert ts.bli is None
    assert any("every query is a source word of the seed dictionary" in w for w in ts.warnings)


def test_the_report_names_the_count(staged):
    cfg, vectors, d, n_leaked, _ = staged
    leaky, _ = _aligned(cfg, vectors, d / "train+leak.txt", d / "test.txt")
    clean, _ = _aligned(cfg, vectors, d / "train.txt", d / "test.txt")
    text = "\n".join(bli_section({"bli": {"es": leaky.bli}, "source_lang": "en"}))
    assert f"en-es {n_leaked:,}." in text and "left out" in text
    assert "left out" not in "\n".join(bli_section({"bli": {"es": clean.bli}, "source_lang": "en"}))


def test_a_seed_holding_every_covered_test_query_gives_no_bli(staged, tmp_path):
    """The queries left after the seed words may all lack vectors: no BLI of 0 covered queries."""
    cfg, vectors, d, _, _ = staged
    test = tmp_path / "test.txt"
    covered = [p for p in _pairs(d / "test.txt") if p[0] in vectors["en"].index][:20]
    write_dictionary(covered + [(f"zzq{i}", f"yyq{i}") for i in range(5)], test)
    seed = tmp_path / "seed.txt"
    write_dictionary(_pairs(d / "train.txt") + covered, seed)
    ts, _ = _aligned(cfg, vectors, seed, test)
    assert ts.bli is None
    assert any("every query with vectors is a source word of the seed dictionary" in w for w in ts.warnings)


def _pairs(path):
    from xproj.dictionaries import read_dictionary

    return read_dictionary(path)
