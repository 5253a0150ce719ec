"""What several benchmarks share: a preset's corpus and its English model, built with the
run's own stages (never the target's labels)."""

from dataclasses import dataclass

import numpy as np

from xproj.config import load_config
from xproj.run import align_targets, build_corpus, load_run_vectors, select_and_fit, tokenize


@dataclass(frozen=True)
class SourceModel:
    cfg: dict
    corpus: object   # tokenised Corpus
    fitted: object   # Fitted: the English model, chosen on the English dev split
    tgt: str

    def target_train_dev(self):
        """The target's train+dev documents and labels (never its test split)."""
        c, t = self.corpus, self.tgt
        return c.get(t, "train")[0] + c.get(t, "dev")[0], np.concatenate([c.get(t, "train")[1], c.get(t, "dev")[1]])


def source_model(preset, seed=0) -> SourceModel:
    cfg = load_config(preset, seed=seed)
    src, tgt = cfg["data"]["source_lang"], cfg["data"]["target_langs"][0]
    quiet = lambda *a, **k: None  # noqa: E731
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, quiet)
    space = align_targets(cfg, vectors, corpus.world, quiet)[tgt].space
    return SourceModel(cfg, corpus, select_and_fit(cfg, space, corpus, src), tgt)
