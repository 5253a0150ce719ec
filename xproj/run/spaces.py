"""Stages 3-4 of a run: every language's vectors, then one aligned space per target.

The source language is mapped onto each target language's space (the direction of the MUSE
dictionaries, en->xx); lexicon induction is measured when a test dictionary is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ..locate import locate


@dataclass(frozen=True)
class TargetSpace:
    """The source and one target language in one space, and how it was made."""

    space: object                    # AlignedSpace
    mapping: object = None           # the fitted mapping (None without alignment)
    dictionary: object = None        # seed pairs, or "identical"/"numerals"
    test_dictionary: list | None = None
    bli: dict | None = None          # lexicon-induction scores on the test dictionary


def load_run_vectors(cfg, world=None, echo=print) -> dict:
    """``{lang: WordVectors}`` for the source and every target language."""
    from ..vectors import load_vectors

    src, tgts = cfg["data"]["source_lang"], list(cfg["data"]["target_langs"])
    if world is not None:
        return {src: world.src, tgts[0]: world.tgt}
    v = cfg["vectors"]
    out = {}
    for lang in [src] + tgts:
        if lang not in v["paths"]:
            raise ConfigError(f"vectors.paths has no file for {lang!r}: add "
                              f"--set vectors.paths.{lang}=FILE (or a spec such as aligned:{lang}@200000)")
        path = locate(v["paths"][lang], f"vectors.paths.{lang}")
        out[lang] = load_vectors(path, limit=v["limit"] or None, lowercase=v["lowercase"], lang=lang)
        echo(f"  {lang}: {len(out[lang]):,} words x {out[lang].dim} from {path}")
    return out


def unaligned_space(cfg, vectors, tgt):
    """Both languages normalised but not mapped (the "unaligned vectors" baseline)."""
    from ..features import AlignedSpace
    from ..vectors import normalize

    src, norm = cfg["data"]["source_lang"], cfg["alignment"]["normalization"]
    return AlignedSpace({src: normalize(vectors[src], norm), tgt: normalize(vectors[tgt], norm)})


def align_targets(cfg, vectors, world=None, echo=print) -> dict:
    """``{target: TargetSpace}``."""
    return {tgt: align_target(cfg, vectors, tgt, world, echo) for tgt in cfg["data"]["target_langs"]}


def align_target(cfg, vectors, tgt, world=None, echo=print) -> TargetSpace:
    from ..align import fit_mapping
    from ..dictionaries import read_dictionary
    from ..evaluation import bli_scores
    from ..features import AlignedSpace

    a, src = cfg["alignment"], cfg["data"]["source_lang"]
    if a["method"] == "none":
        return TargetSpace(unaligned_space(cfg, vectors, tgt))
    if world is not None:
        seed_pairs, test = world.train_pairs, world.test_pairs
    else:
        seed_pairs = seed_dictionary(a["dictionary"], src, tgt)
        test = (read_dictionary(locate(a["test_dictionary"][tgt], "alignment.test_dictionary"))
                if tgt in a["test_dictionary"] else None)
    mapping = fit_mapping(vectors[src], vectors[tgt], seed_pairs, normalization=a["normalization"],
                          refine=a["refine"], refine_vocab=a["refine_vocab"], keep_seed=a["keep_seed"],
                          eval_pairs=test if a["refine"] else None, src_lang=src, tgt_lang=tgt)
    space = AlignedSpace.from_mappings(tgt, vectors[tgt], {src: (vectors[src], mapping)})
    bli = None
    if test is not None:
        bli = bli_scores(space[src], space[tgt], test, ks=(1, 5, 10))
        echo(f"  BLI {src}->{tgt}: P@1 NN {bli['nn']['p@1']:.3f}, CSLS {bli['csls']['p@1']:.3f} "
             f"over {bli['covered']}/{bli['queries']} covered queries")
    return TargetSpace(space, mapping, seed_pairs, test, bli)


def seed_dictionary(table, src, tgt):
    """``alignment.dictionary.<tgt>``: one file, several pooled (first occurrence order, no
    duplicates), or ``"identical"``/``"numerals"``."""
    from ..dictionaries import read_dictionary

    key = "alignment.dictionary"
    if tgt not in table:
        raise ConfigError(f"{key} has no entry for {tgt!r}: add --set {key}.{tgt}=FILE "
                          f"(or dict:{src}-{tgt}@train, or 'identical')")
    value = table[tgt]
    if value in ("identical", "numerals"):
        return value
    pairs = []
    for v in [value] if isinstance(value, str) else value:
        pairs += read_dictionary(locate(v, f"{key}.{tgt}"))
    return list(dict.fromkeys(pairs))
