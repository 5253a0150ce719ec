"""Combining the seed dictionary with the mapping, measured on the target sets' *dev* parts
(never a test part): which variant, and which ``alignment.dictionary_anchor`` strength.

Variants (each language aligned once, as a run does with ``alignment.dictionary_anchor=0``;
every variant reuses that alignment):

- ``target a=A``: the target's dictionary words pulled toward their mapped English
  translations (:func:`xproj.anchor.anchor_to_dictionary`, strength ``A``; 0 = the mapping alone);
- ``source a=A``: the English dictionary words pulled toward their target translations
  (the English model is trained on the moved vectors);
- ``average``: the aligned model's probabilities on the target document averaged with its
  probabilities on the document's word-by-word translation (late fusion of the two);
- ``word-by-word``: the reference, the aligned model on the word-by-word translation (first
  English translation in the seed dictionary, as the run's baseline).

``--vote`` measures the translation vote as the model does it
(:meth:`xproj.model.CrossLingualClassifier.add_translations`, ``model.translation_weight`` =
w in ``VOTE_WEIGHTS``; w = 0 is the aligned model alone), with and without anchoring
(``target a=0`` and ``a=0.5``): ``vote w=W a=A``.

``--weighted`` measures the dictionary pairs weighted in the mapping instead, without
refinement (``alignment.refine=0``: weighting the seed pairs is only cheap to compare there):
``procrustes`` (plain, the seed pairs alone) against ``frequency-weighted`` (weighted
Procrustes, pair weight ``1 / (1 + log(1 + r / 1000))`` for the rarer word's frequency rank
``r``: frequent words, better trained, count more), each with and without anchoring.

``--recipes R [R ...]`` measures the alignment recipes instead (``RECIPE_RUNS``: the preset's
Procrustes with 3 refinement rounds, ``supervised`` with its 1 round or ``refine="auto"``,
``rcsls``): each language aligned once per recipe, then the mapping alone (``a=0``) and with the
default anchoring (``a=0.5``), no translation vote: ``R a=A``. With ``--with-vote`` the run's
translation vote is on too (the preset's ``model.translation_weight``, the seed dictionary's pairs
and the polarity lexicon's, as a run attaches them): ``R a=A vote``.

For each variant and language the English model is chosen on the English dev split (the run's
rule), adapted to each target set's unlabelled training part, and scored on its dev part.
Macro-F1 with 95% bootstrap intervals (``--bootstrap`` resamples, seeded).

Run (about 12 minutes on 2 shared cores, most of it alignment; ``--mappings`` skips it)::

    python bench/dictionary_and_mapping.py                       # opener-en-multi
    python bench/dictionary_and_mapping.py --mappings runs/opener-en-multi   # its saved mappings
    python bench/dictionary_and_mapping.py --set data.target_langs='["de"]'
    python bench/dictionary_and_mapping.py --vote --mappings runs/opener-en-multi   # about 6 minutes
    python bench/dictionary_and_mapping.py --recipes procrustes supervised supervised-auto rcsls
    python bench/dictionary_and_mapping.py --recipes procrustes supervised rcsls --with-vote
"""

import argparse
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from xproj.anchor import anchor_to_dictionary  # noqa: E402
from xproj.config import for_language, load_config  # noqa: E402
from xproj.evaluation import classification_scores  # noqa: E402
from xproj.run import align_targets, build_corpus, load_run_vectors, select_and_fit, target_sets, tokenize  # noqa: E402
from xproj.run.train import translation_pairs  # noqa: E402
from xproj.translation_vote import first_translations  # noqa: E402
from xproj.translation_vote import translate as translate_tokens  # noqa: E402

STRENGTHS = (0.0, 0.5, 0.75, 1.0)
SOURCE_STRENGTHS = (0.5, 1.0)
VOTE_WEIGHTS = (0.0, 0.25, 0.5, 0.75)
VOTE_STRENGTHS = (0.0, 0.5)


#: --recipes: name -> the options that select it (on top of the preset's alignment section)
RECIPE_RUNS = {
    "procrustes": [],  # the preset's: 3 refinement rounds keeping the seed
    "supervised": ["alignment.recipe=\"supervised\"", "alignment.refine=1"],
    "supervised-auto": ["alignment.recipe=\"supervised\"", "alignment.refine=\"auto\""],
    "rcsls": ["alignment.recipe=\"rcsls\"", "alignment.refine=0"],
}
RECIPE_STRENGTHS = (0.0, 0.5)
#: --recipes --with-vote: where recipe_spaces keeps a language's vote pairs
VOTE_PAIRS = "vote pairs"


def recipe_spaces(args, fixed, corpus, vectors, lang_sets, echo) -> dict:
    """``--recipes``: ``{lang: {"R a=A": AlignedSpace}}``, each language aligned once per recipe;
    with ``--with-vote`` also ``{lang: vote pairs}`` under ``out[lang][VOTE_PAIRS]`` (the same for
    every recipe: the seed dictionary and the lexicon)."""
    out = {}
    for name in args.recipes:
        cfg = load_config(args.preset, args.overrides + fixed + RECIPE_RUNS[name])
        spaces = align_targets(cfg, vectors, corpus.world, echo)
        src = cfg["data"]["source_lang"]
        for lang in lang_sets:
            ts = spaces[lang]
            suffix = " vote" if args.with_vote else ""
            for a in RECIPE_STRENGTHS:
                out.setdefault(lang, {})[f"{name} a={a}{suffix}"] = anchor_to_dictionary(ts.space, ts.dictionary,
                                                                                          src, lang, a)[0]
            if args.with_vote:
                out[lang][VOTE_PAIRS] = translation_pairs(cfg, ts)
        print(f"  {name} aligned", file=sys.stderr, flush=True)
    return out


def spaces_to_try(space, pairs, src, tgt) -> dict:
    """``{variant name: AlignedSpace}`` for one language (anchoring variants)."""
    out = {f"target a={a}": anchor_to_dictionary(space, pairs, src, tgt, a)[0] for a in STRENGTHS}
    out |= {f"source a={a}": anchor_to_dictionary(space, pairs, src, tgt, a, move="source")[0]
            for a in SOURCE_STRENGTHS}
    return out


def weighted_spaces(cfg, vectors, ts, src, tgt) -> dict:
    """``--weighted``: the seed-only mapping and a frequency-weighted one, each plain and anchored."""
    from xproj.align import VectorMapping, procrustes
    from xproj.features import AlignedSpace

    norm = cfg["alignment"]["normalization"]
    S, T = vectors[src], vectors[tgt]
    rows = np.array([(S.index[s], T.index[t]) for s, t in ts.dictionary if s in S.index and t in T.index])
    X, Z = ts.mapping.prepare(S).vectors[rows[:, 0]], ts.mapping.prepare(T).vectors[rows[:, 1]]
    weight = 1.0 / (1.0 + np.log1p(rows.max(axis=1) / 1000.0))
    out = {}
    for name, w in (("procrustes", np.ones(len(rows))), ("frequency-weighted", weight)):
        root = np.sqrt(w)[:, None].astype(np.float32)
        mapping = VectorMapping(procrustes(X * root, Z * root), norm, src, tgt)
        space = AlignedSpace.from_mappings(tgt, T, {src: (S, mapping)})
        out[name] = space
        for a in (0.5, 1.0) if name == "procrustes" else (1.0,):
            out[f"{name} + target a={a}"] = anchor_to_dictionary(space, ts.dictionary, src, tgt, a)[0]
    return out


def saved_spaces(cfg, vectors, folder, echo) -> dict:
    """``{lang: TargetSpace}`` from a run folder's saved ``mapping-<src>-<lang>`` files (the same
    preset: refinement is what takes the time) and the seed dictionaries as a run reads them."""
    from xproj.align import VectorMapping
    from xproj.features import AlignedSpace
    from xproj.run.spaces import TargetSpace, one_script, seed_dictionary

    src, out = cfg["data"]["source_lang"], {}
    for lang in cfg["data"]["target_langs"]:
        mapping = VectorMapping.load(Path(folder) / f"mapping-{src}-{lang}")
        pairs = one_script(seed_dictionary(cfg["alignment"]["dictionary"], src, lang), src, lang, "seed", {}, [])
        space = AlignedSpace.from_mappings(lang, vectors[lang], {src: (vectors[src], mapping)})
        out[lang] = TargetSpace(space, mapping, pairs)
        echo(f"  {lang}: mapping read from {folder}")
    return out


def translate(docs, pairs):
    """Each target word replaced by its first English translation (the run's word-by-word)."""
    return translate_tokens(docs, first_translations(pairs))


def score_votes(cfg, corpus, ts, lang, sets, args) -> dict:
    """``--vote``: ``{(set id, "vote w=W a=A"): scores}``, the model's own translation vote."""
    cfg = for_language(cfg, lang)  # the language's own options (features.scale_by_lang), as in a run
    src, pairs, out = cfg["data"]["source_lang"], ts.dictionary, {}
    for a in VOTE_STRENGTHS:
        space = anchor_to_dictionary(ts.space, pairs, src, lang, a)[0] if a else ts.space
        model = select_and_fit(cfg, space, corpus, src, translations={lang: pairs}).model
        for t in sets:
            view = corpus.for_target(t.id)
            adapted = copy.deepcopy(model).adapt(view.get(lang, "train")[0], lang)
            Xd, yd = view.get(lang, "dev")
            for w in VOTE_WEIGHTS:
                adapted.set_params(translation_weight=w)
                out[(t.id, f"vote w={w} a={a}")] = _score(yd, adapted.predict(Xd, lang=lang), corpus, args)
    return out


def score_language(cfg, corpus, vectors, ts, lang, sets, args) -> dict:
    """``{(set id, variant): scores}`` for every target set of ``lang``."""
    cfg = for_language(cfg, lang)  # the language's own options (features.scale_by_lang), as in a run
    src = cfg["data"]["source_lang"]
    if args.vote:
        return score_votes(cfg, corpus, ts, lang, sets, args)
    out = {}
    translations = None
    if args.recipes:
        variants, pairs = dict(ts), None  # {variant: space} from recipe_spaces
        vote = variants.pop(VOTE_PAIRS, None)
        translations = {lang: vote} if vote else None
    else:
        pairs = ts.dictionary
        variants = (weighted_spaces(cfg, vectors, ts, src, lang) if args.weighted
                    else spaces_to_try(ts.space, pairs, src, lang))
    for i, (name, space) in enumerate(variants.items()):
        model = select_and_fit(cfg, space, corpus, src, translations=translations).model
        for t in sets:
            view = corpus.for_target(t.id)
            adapted = copy.deepcopy(model).adapt(view.get(lang, "train")[0], lang)
            Xd, yd = view.get(lang, "dev")
            out[(t.id, name)] = _score(yd, adapted.predict(Xd, lang=lang), corpus, args)
            if i == 0 and not args.recipes:  # the references use the first (plain aligned) model
                wbw = translate(Xd, pairs)
                out[(t.id, "word-by-word")] = _score(yd, adapted.predict(wbw, lang=src), corpus, args)
                proba = (adapted.predict_proba(Xd, lang=lang) + adapted.predict_proba(wbw, lang=src)) / 2
                out[(t.id, "average")] = _score(yd, proba.argmax(axis=1), corpus, args)
    return out


def _score(y, predicted, corpus, args):
    return classification_scores(y, predicted, corpus.label_names, n_boot=args.bootstrap, seed=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-multi")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--mappings", help="a run folder of the same preset: its saved mappings, no alignment")
    ap.add_argument("--weighted", action="store_true", help="weighted Procrustes variants (alignment.refine=0)")
    ap.add_argument("--vote", action="store_true", help="the model's translation vote: weights x anchoring")
    ap.add_argument("--recipes", nargs="+", choices=tuple(RECIPE_RUNS),
                    help="align with each of these recipes (mapping alone and anchored a=0.5)")
    ap.add_argument("--with-vote", action="store_true",
                    help="--recipes with the run's translation vote on (the preset's model.translation_weight)")
    args = ap.parse_args()
    if args.with_vote and not args.recipes:
        ap.error("--with-vote goes with --recipes (--vote measures the vote's weights)")
    vote_off = [] if args.with_vote else ["model.translation_weight=0"]
    fixed = (["evaluation.few_shot=[]", "alignment.dictionary_anchor=0"] + vote_off
             + (["alignment.refine=0"] if args.weighted else []))
    cfg = load_config(args.preset, args.overrides + fixed)
    quiet = lambda *a, **k: None  # noqa: E731
    corpus = tokenize(build_corpus(cfg), cfg)
    vectors = load_run_vectors(cfg, corpus.world, quiet)
    sets = [t for t in target_sets(cfg) if corpus.for_target(t.id).get(t.lang, "dev") is not None]
    if args.recipes:
        spaces = recipe_spaces(args, fixed, corpus, vectors, sorted({t.lang for t in sets}), quiet)
    else:
        spaces = (saved_spaces(cfg, vectors, args.mappings, quiet) if args.mappings
                  else align_targets(cfg, vectors, corpus.world, quiet))
    scores = {}
    for lang in sorted({t.lang for t in sets}):
        scores |= score_language(cfg, corpus, vectors, spaces[lang], lang, [t for t in sets if t.lang == lang], args)
        print(f"  {lang} done", file=sys.stderr, flush=True)
    variants = list(dict.fromkeys(v for _, v in scores))
    print(f"{args.preset}: dev macro-F1 [95% CI] of {len(sets)} target sets "
          f"(n = " + ", ".join(f"{t.id} {scores[(t.id, variants[0])]['n']}" for t in sets) + ")\n")
    print("| variant | " + " | ".join(t.id for t in sets) + " | mean |\n|---|" + "---|" * (len(sets) + 1))
    for v in variants:
        row = [scores[(t.id, v)] for t in sets]
        cells = [f"{s['macro_f1']:.3f} [{s['macro_f1_ci'][0]:.3f}, {s['macro_f1_ci'][1]:.3f}]"
                 if "macro_f1_ci" in s else f"{s['macro_f1']:.3f}" for s in row]
        print(f"| {v} | " + " | ".join(cells) + f" | {np.mean([s['macro_f1'] for s in row]):.3f} |")


if __name__ == "__main__":
    main()
