"""Config variants of today's method, each against the preset, on the target sets' *dev* parts
and the dev checks (never a test part): the way choices are made for ``opener-en-multi``.

Each variant is a list of ``--set`` overrides. For each variant and target set, the English
model is built as a run builds the method's row (:func:`xproj.config.for_language` for the
set's language, model selection on the English dev split, the set's translation vote through
the seed dictionary), adapted on the set's unlabelled training part and scored on its dev
part. Dev checks (``--checks``, as ``bench/features_by_set.py``: train+dev documents of a set
resampled to a class balance, adapted on one stratified half and scored on the other, then
swapped). Printed per set: macro-F1 [95% bootstrap CI], per-class recall, the token OOV rate
of the scored documents and the change against the first variant with a paired bootstrap 95%
interval (same documents, same resamples).

The mappings come from a run folder of the same preset (``--mappings``: its saved
``mapping-<src>-<lang>``, then the preset's dictionary anchoring, as the run), so nothing is
re-aligned unless a variant changes the alignment (then it is aligned again, slowly); InstaMap
variants (``alignment.instance_*``) add the correction to each saved linear mapping instead
(:func:`with_instance`, what a run fits after its refined linear map: seconds, not minutes).
Variants that change only the English side (``model.*``) share nothing with each other
either: each is fitted as a run would. A variant that changes ``preprocess.*`` (e.g.
``preprocess.negation=true``) gets its own tokenisation of the corpus (one per distinct
preprocessing); the share of documents with a negation scope (at least one ``NEG_``-marked
token) of each scored part is printed beside the OOV rates.

Run::

    python bench/dev_variants.py --mappings runs/opener-en-multi \\
        --variant 'preset=' --variant 'fallback=features.source_fallback=["de"]' --sets sb10k:de
    python bench/dev_variants.py --mappings runs/opener-en-multi \\
        --checks "ChnSentiCorp, 50/50; sb10k tweets, natural" \\
        --variant 'preset=' --variant 'em=features.priors=em'
    python bench/dev_variants.py --mappings runs/opener-en-multi --variant 'preset=' \\
        --variant 'neg=preprocess.negation=true' \\
        --variant 'flip=preprocess.negation=true;features.negation=flip'
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from xproj.config import for_language, load_config  # noqa: E402
from xproj.run import build_corpus, load_run_vectors, target_sets, tokenize  # noqa: E402
from xproj.run.corpus import preprocess_options  # noqa: E402
from xproj.run.spaces import align_target, with_dictionary_pairs  # noqa: E402
from xproj.run.train import adaptation_documents, select_and_fit, translation_pairs  # noqa: E402
from xproj.translation_vote import first_translations, translate  # noqa: E402
from dictionary_and_mapping import saved_spaces  # noqa: E402
from features_by_set import (  # noqa: E402
    CHECKS,
    cell,
    check_documents,
    paired_delta_ci,
    print_rows,
    print_summary,
    score_check,
    scores,
)

ALIGNMENT_KEYS = ("alignment.", "vectors.")
# applied after the linear mapping: the saved mappings serve (anchoring; InstaMap's correction,
# fitted on the seed dictionary after the refined linear map, as fit_mapping does in a run)
AFTER_MAPPING_KEYS = ("alignment.dictionary_anchor", "alignment.instance_")


def dev_sets(cfg, corpus, wanted: str) -> list:
    """The preset's target sets that have a dev part, narrowed to ``wanted`` (``--sets``:
    comma-separated set ids or ``dataset:lang``; empty = all)."""
    names = [s.strip() for s in wanted.split(",") if s.strip()]
    return [t for t in target_sets(cfg) if corpus.for_target(t.id).get(t.lang, "dev") is not None
            and (not names or t.id in names or f"{t.dataset}:{t.lang}" in names)]


def run_spaces(cfg, vectors, folder, echo, saved=None) -> dict:
    """``{lang: TargetSpace}`` as the run built them: saved mappings (``saved``: already read),
    then what ``cfg`` adds after the mapping (polarity lexicon pairs, anchoring), as a run."""
    return {lang: with_dictionary_pairs(cfg, vectors, ts, lang, echo=echo)
            for lang, ts in (saved or saved_spaces(cfg, vectors, folder, echo)).items()}


def with_instance(cfg, vectors, saved, echo) -> dict:
    """``saved`` (``{lang: TargetSpace}`` of linear mappings) with ``cfg``'s InstaMap correction
    (``alignment.instance_*``) added to a copy of each mapping, fitted on the run's seed
    dictionary (one script per language, as read by :func:`saved_spaces`), and the space rebuilt
    through it: what a run with those options maps. ``saved`` itself when ``instance_k`` = 0."""
    import copy
    from dataclasses import replace

    from xproj.align.instance import add_instance_correction
    from xproj.config import instance_params
    from xproj.features import AlignedSpace

    params, src = instance_params(cfg["alignment"]), cfg["data"]["source_lang"]
    if not params["instance_k"]:
        return saved
    out = {}
    for lang, ts in saved.items():
        mapping = add_instance_correction(copy.deepcopy(ts.mapping), vectors[src], vectors[lang], ts.dictionary,
                                          seed_name=f"alignment.dictionary.{lang}", **params)
        space = AlignedSpace.from_mappings(lang, vectors[lang], {src: (vectors[src], mapping)})
        out[lang] = replace(ts, space=space, mapping=mapping)
        echo(f"  {lang}: InstaMap {params} added to the saved mapping "
             f"({mapping.metadata['instance']['dictionary_sources']:,} dictionary source words)")
    return out


def method_model(cfg, ts, corpus, set_id, lang):
    """The method's model of one target set, as :func:`xproj.run.evaluate_target` fits it."""
    cfg = for_language(cfg, lang)
    view = corpus.for_target(set_id)
    pairs = translation_pairs(cfg, ts)
    # student=True: the run's method row fits the target's student (model.student) after the
    # vote; without it this script measured the method without its student
    return select_and_fit(cfg, ts.space, view, cfg["data"]["source_lang"],
                          adaptation=adaptation_documents(cfg, view, lang),
                          translations={lang: pairs} if pairs else None, student=True).model


def negated_share(docs, prefix="NEG_") -> float:
    """Share of documents with a negation scope: at least one token marked ``prefix``."""
    n = len(prefix)
    return sum(any(len(t) > n and t.startswith(prefix) for t in doc) for doc in docs) / max(len(docs), 1)


class TokenisedCorpora:
    """The corpus tokenised once per distinct ``preprocess`` section (variants that leave it
    alone share one tokenisation)."""

    def __init__(self, raw):
        self.raw, self.done = raw, {}

    def __call__(self, cfg):
        key = tuple(sorted(preprocess_options(cfg).items()))
        if key not in self.done:
            self.done[key] = tokenize(self.raw, cfg)
        return self.done[key]


def measure(cfg, spaces, corpus, sets, checks, seed) -> dict:
    """``{("set", id) or ("check", name): scores + oov + negated share}`` of one variant."""
    names, out = corpus.label_names, {}
    for t in sets:
        model = method_model(cfg, spaces[t.lang], corpus, t.id, t.lang)
        Xd, yd = corpus.for_target(t.id).get(t.lang, "dev")
        s = out[("set", t.id)] = scores(yd, model.predict(Xd, lang=t.lang).astype(np.int64), names, seed)
        s["oov"] = model.embedder_.coverage(Xd, t.lang)["oov_rate"]
        s["negated"] = negated_share(Xd)
        pairs = spaces[t.lang].dictionary
        if isinstance(pairs, list):  # the run's word-by-word row: the same model, first translations
            wbw = translate(Xd, first_translations(pairs))
            w = out[("word-by-word", t.id)] = scores(yd, model.predict(wbw, lang=model.fitted_lang_).astype(np.int64),
                                                     names, seed)
            w["oov"] = model.embedder_.coverage(wbw, model.fitted_lang_)["oov_rate"]
            w["negated"] = s["negated"]
    for name in checks:
        set_id, share, group = CHECKS[name]
        lang = corpus.lang_of(set_id)
        model = method_model(cfg, spaces[lang], corpus, set_id, lang)
        docs, y = check_documents(corpus, set_id, group, seed)
        s = out[("check", name)] = score_check(_PriorsAfterAdapt(model, cfg, corpus), docs, y, share, lang,
                                               names, seed)
        s["oov"] = model.embedder_.coverage(docs, lang)["oov_rate"]
        s["negated"] = negated_share(docs)
    src = cfg["data"]["source_lang"]
    out[("source", "train")] = {"negated": negated_share(corpus.get(src, "train")[0])}
    return out


class _PriorsAfterAdapt:
    """The model as a check uses it (``copy.deepcopy(m).adapt(half, lang)``), with the target
    prior re-estimated on the same unlabelled half when ``features.priors`` asks for one
    (``adapt`` drops the prior estimated on the set's training part)."""

    def __init__(self, model, cfg, corpus):
        self.model, self.method = model, cfg["features"]["priors"]
        self.dev = corpus.get(cfg["data"]["source_lang"], "dev")

    def __deepcopy__(self, memo):
        import copy

        return _PriorsAfterAdapt.__new__(_PriorsAfterAdapt)._with(copy.deepcopy(self.model, memo), self)

    def _with(self, model, other):
        self.model, self.method, self.dev = model, other.method, other.dev
        return self

    def adapt(self, docs, lang):
        self.model.adapt(docs, lang)
        if self.method != "none":
            self.model.adapt_priors(docs, lang, method=self.method, dev=self.dev)
        return self.model


def parse_variant(text):
    name, _, overrides = text.partition("=")
    return name.strip(), [o for o in overrides.split(";") if o.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="opener-en-multi")
    ap.add_argument("--mappings", required=True, help="a run folder of the preset: its saved mappings")
    ap.add_argument("--variant", action="append", required=True,
                    help="NAME=override;override... (the first is the reference; 'preset=' for none)")
    ap.add_argument("--sets", default="", help="comma-separated set ids (default: every set with a dev part)")
    ap.add_argument("--checks", default="", help=f"dev checks, separated by ';': {'; '.join(CHECKS)}")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    echo = lambda *a, **k: print(*a, file=sys.stderr, **k)  # noqa: E731
    base = args.overrides + ["evaluation.few_shot=[]"]
    cfg = load_config(args.preset, base)
    corpora = TokenisedCorpora(build_corpus(cfg))
    corpus = corpora(cfg)
    vectors = load_run_vectors(cfg, None, echo)
    mappings = saved_spaces(cfg, vectors, args.mappings, echo)
    sets = dev_sets(cfg, corpus, args.sets)
    checks = [c.strip() for c in args.checks.split(";") if c.strip()]
    results = {}
    for text in args.variant:
        name, over = parse_variant(text)
        echo(f"variant {name}: {over}")
        vcfg = load_config(args.preset, base + over)
        # the variant's InstaMap correction, then its anchoring
        vspaces = run_spaces(vcfg, vectors, args.mappings, echo, with_instance(vcfg, vectors, mappings, echo))
        if any(o.startswith(ALIGNMENT_KEYS) and not o.startswith(AFTER_MAPPING_KEYS) for o in over):
            vspaces = {lang: align_target(vcfg, vectors, lang, None, echo) for lang in {t.lang for t in sets}}
        results[name] = measure(vcfg, vspaces, corpora(vcfg), sets, checks, args.seed)
    first = next(iter(results))
    keys = [("set", t.id) for t in sets] + [("check", c) for c in checks]
    print(f"{args.preset}: dev parts and dev checks (test never read); reference: {first}; overrides "
          f"{args.overrides or 'none'}")
    print("\nToken OOV rate of the scored documents:\n\n| variant | " + " | ".join(k[1] for k in keys)
          + " |\n|---|" + "---:|" * len(keys))
    for name, res in results.items():
        print(f"| {name} | " + " | ".join(f"{res[k]['oov']:.1%}" for k in keys) + " |")
    print("\nShare of documents with a negation scope (a NEG_-marked token; English training part, then the "
          "scored documents):\n\n| variant | en train | " + " | ".join(k[1] for k in keys)
          + " |\n|---|---:|" + "---:|" * len(keys))
    for name, res in results.items():
        print(f"| {name} | {res[('source', 'train')]['negated']:.1%} | "
              + " | ".join(f"{res[k]['negated']:.1%}" for k in keys) + " |")
    print_summary(results, keys, first)
    print_rows("set / check", results, corpus.label_names, keys, first)
    print("\nEach variant against word-by-word translation scored by the same model (the run's baseline), "
          "dev parts:\n\n| set | variant | method | word-by-word | method - word-by-word [paired 95% CI] |"
          "\n|---|---|---|---|---|")
    for t in sets:
        for name, res in results.items():
            if ("word-by-word", t.id) in res:
                m, w = res[("set", t.id)], res[("word-by-word", t.id)]
                lo, hi = paired_delta_ci(w, m, len(corpus.label_names), 0)
                print(f"| {t.id} | {name} | {cell(m)} | {cell(w)} | {m['f1'] - w['f1']:+.3f} [{lo:+.3f}, {hi:+.3f}] |")


if __name__ == "__main__":
    main()
