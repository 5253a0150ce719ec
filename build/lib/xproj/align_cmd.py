"""``xproj align SRC TGT --dictionary D --recipe R --out DIR``: align two vector files.

Writes into DIR the mapping (``mapping.npy`` + ``mapping.json``, ``mapping.tgt.npy`` for a
two-sided recipe, ``mapping.instance.npz`` with ``--instance-k``'s InstaMap correction;
:meth:`~xproj.align.VectorMapping.save`), with ``--write-vectors`` both
mapped spaces as ``.vec`` text files (``src.mapped.vec``, ``tgt.mapped.vec``) that MUSE and
VecMap read, and with ``--test-dictionary`` a BLI table (printed, and ``bli.json``). A re-run
into the same DIR leaves only its own outputs (:func:`xproj.align_outputs.save_outputs`).
``xproj bli SRC TGT --dictionary TEST --mapping DIR`` evaluates the saved mapping again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .align_outputs import BLI_FILE, OUTPUT_NAMES, VECTOR_FILES, save_outputs  # noqa: F401  (their old home)
from .bli_cmd import (MAPPING_NAME, add_lang_arguments, add_vector_arguments, check_inputs_exist,
                      check_lang_arguments, check_positive, evaluate, read_test_dictionary)
from .bli_cmd import LANG_CODE, check_lang  # noqa: F401  (their old home)
from ._io import write_problem
from .errors import ConfigError
from .options import seed_option

#: ``--dictionary`` values that are not files ("none": the unsupervised recipe)
NAMED_DICTIONARIES = ("identical", "numerals", "none")
#: the self-learning recipes measure P@1 on the test dictionary every this many iterations
EVAL_EVERY = 10


def configure_parser(p):
    from .align import RECIPES
    from .config import OPTIONS

    add_vector_arguments(p)
    p.add_argument("--dictionary", required=True, metavar="TRAIN",
                   help="seed dictionary: a file of 'source target' pairs, 'identical', 'numerals', "
                        "or 'none' (with --recipe unsupervised)")
    p.add_argument("--recipe", choices=tuple(RECIPES), default=OPTIONS["alignment.recipe"][0],
                   help=f"how the mapping is learnt (default: {OPTIONS['alignment.recipe'][0]})")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the mapping (created)")
    p.add_argument("--test-dictionary", default=None, metavar="TEST",
                   help="print (and save) a BLI table on this dictionary")
    p.add_argument("--refine", type=refine_value, default=None, metavar="N|auto",
                   help="MUSE refinement rounds (procrustes, supervised, rcsls; default: the recipe's own, "
                        "supervised 1, others 0), or 'auto': the rounds (0-3) with the best CSLS P@1 on "
                        "held-out seed words")
    add_recipe_arguments(p)
    add_instance_arguments(p)
    add_lang_arguments(p)
    p.add_argument("--max-minutes", type=float, default=None,
                   help="time budget of the self-learning recipes (default: until converged)")
    p.add_argument("--seed", type=seed_option, default=0, help="seed of the self-learning recipes' random steps")
    p.add_argument("--write-vectors", action="store_true",
                   help=f"also write both mapped spaces ({', '.join(VECTOR_FILES.values())})")
    p.add_argument("--precision", type=int, default=5,
                   help="decimals of the written vectors (default 5, as MUSE)")


def flag(key: str) -> str:
    """The ``xproj align`` flag of a recipe parameter (``alignment.rcsls_lr`` -> ``--rcsls-lr``)."""
    return "--" + key.split(".", 1)[1].replace("_", "-")


def add_recipe_arguments(p) -> None:
    """One flag per recipe parameter of :data:`xproj.config.RECIPE_PARAMS`, typed, described and
    bounded as the run option (default: the recipe's own)."""
    import argparse

    from .config import OPTIONS, RANGES, RECIPE_PARAMS

    for key in RECIPE_PARAMS:
        default, typ, help_ = OPTIONS[key]
        allowed = f"; allowed {RANGES[key]}" if key in RANGES else ""
        kw = ({"action": argparse.BooleanOptionalAction} if typ is bool
              else {"type": typ, "metavar": {int: "N", float: "X", str: "NAME"}[typ]})
        p.add_argument(flag(key), dest=key.split(".", 1)[1], default=None,
                       help=f"{help_} (default {default}{allowed})", **kw)


def add_instance_arguments(p) -> None:
    """``--instance-k``, ``--instance-temperature``, ``--instance-iterations``: InstaMap's
    correction after the recipe (:mod:`xproj.align.instance`; their ranges are the run options'
    ``alignment.instance_*``, :data:`xproj.options.RANGES`)."""
    from .align.instance import INSTANCE_PARAMS, INSTANCE_RANGES, MIN_TEMPERATURE, RECIPE_INSTANCE_DEFAULTS

    helps = {"instance_k": "InstaMap after the recipe: dictionary neighbours averaged per source word "
                           "(0 = off: the recipe's linear mapping; a sentiment run's own option is "
                           "alignment.instance_k, off by default)",
             "instance_temperature": f"InstaMap: 0 = cosine similarities as weights, >= {MIN_TEMPERATURE:g} = "
                                     "softmax of similarity / this",
             "instance_iterations": "InstaMap: rotation + translation rounds"}
    for key, default in INSTANCE_PARAMS.items():
        typ = type(default)
        own = ", ".join(f"{recipe} {values[key]}" for recipe, values in RECIPE_INSTANCE_DEFAULTS.items())
        p.add_argument("--" + key.replace("_", "-"), dest=key, type=typ, default=None,
                       metavar={int: "N", float: "X"}[typ],
                       help=f"{helps[key]} (default {own}, other recipes {default}; allowed {INSTANCE_RANGES[key]})")


def instance_flags(args) -> dict:
    """The InstaMap keywords of the flags given, checked (:class:`ConfigError` naming the flag)."""
    from .align.instance import INSTANCE_PARAMS, check_instance_params

    given = {key: getattr(args, key) for key in INSTANCE_PARAMS if getattr(args, key, None) is not None}
    try:
        effective = check_instance_params(args.recipe, **given)
    except ConfigError as exc:  # "instance_k: ..." -> "--instance-k: ..."
        name, _, problem = str(exc).partition(":")
        raise ConfigError(f"--{name.replace('_', '-')}:{problem}") from None
    if given and not effective["instance_k"]:
        other = next((key for key in given if key != "instance_k"), None)
        if other:
            raise ConfigError(f"--{other.replace('_', '-')}: only used with --instance-k > 0")
    if given.get("instance_k") and args.dictionary == "none":
        raise ConfigError("--instance-k: InstaMap moves words by the seed dictionary's translations; "
                          "--dictionary none has none")
    return given


def refine_value(text: str):
    """``--refine``: a whole number or "auto"; anything else is kept as text for
    :func:`check_options` to reject in one line."""
    try:
        return int(text)
    except ValueError:
        return text


def run_from_args(args) -> int:
    from .align import fit_mapping
    from .bli_cmd import load_pair
    from .dictionaries import bli_test_pairs
    from .evaluation import format_bli

    recipe_options = check_options(args)
    check_inputs_exist(args, named=NAMED_DICTIONARIES)  # the options first (exit 2), then the files (exit 1)
    src, tgt = load_pair(args.src, args.tgt, limit=args.limit, lowercase=args.lowercase,
                         on_bad_line=args.on_bad_line)
    if recipe_options.get("dim_reduction", 0) > src.dim:
        raise ConfigError(f"--dim-reduction {recipe_options['dim_reduction']}: the vectors have only "
                          f"{src.dim} dimensions")
    langs = (args.src_lang, args.tgt_lang)
    seed = seed_dictionary(args.dictionary, src, tgt, lowercase=args.lowercase, langs=langs)
    test = (read_test_dictionary(args.test_dictionary, src, tgt, lowercase=args.lowercase,
                                 option="--test-dictionary", langs=langs) if args.test_dictionary else None)
    left_out = 0
    if test is not None:  # BLI scores what the mapping generalises to, not the seed it was fitted on
        test, left_out, problem = bli_test_pairs(test, seed, src, tgt, f"--dictionary {args.dictionary}")
        if problem:
            raise ConfigError(f"--test-dictionary {args.test_dictionary}: {problem}, so BLI would only score the fit")
    if test is not None and (refine_rounds(args) or is_self_learning(args.recipe)):
        recipe_options["eval_pairs"] = test  # P@1 of every round / EVAL_EVERY-th iteration
    start = time.perf_counter()
    with iteration_bar(args) as callback:
        mapping = fit_mapping(src, tgt, seed, recipe=args.recipe, callback=callback,
                              seed_name=args.dictionary, src_lang=args.src_lang, tgt_lang=args.tgt_lang,
                              **recipe_options)
    seconds = time.perf_counter() - start
    mapping.metadata["loaded_with"] = {"limit": args.limit, "lowercase": args.lowercase, "on_bad_line": args.on_bad_line}
    bli = evaluate(src, tgt, test, mapping) if test is not None else None  # before any file is written
    if bli is not None and isinstance(seed, list):  # compared with the seed's pairs (as in a run's metrics.json)
        bli["seed_queries_left_out"] = left_out
    written = save_outputs(mapping, src, tgt, Path(args.out), args, bli=bli)
    print(f"{args.recipe}: {args.src} -> {args.tgt} ({len(src):,} x {len(tgt):,} words, "
          f"dimension {src.dim}) aligned in {seconds:.1f} s")
    if bli is not None:
        print(format_bli(bli, f"BLI on {args.test_dictionary}:"))
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def is_self_learning(recipe: str) -> bool:
    from .align.learned import SELF_LEARNING_RECIPES

    return recipe in SELF_LEARNING_RECIPES


def refine_rounds(args) -> int:
    """``--refine``, or the recipe's own default number of refinement rounds."""
    import inspect

    from .align import RECIPES
    from .align.fit import AUTO_ROUNDS

    if args.refine is not None:
        return max(AUTO_ROUNDS) if args.refine == "auto" else args.refine
    default = inspect.signature(RECIPES[args.recipe]).parameters.get("refine")
    return default.default if default is not None and isinstance(default.default, int) else 0


def check_options(args) -> dict:
    """Usage errors (:class:`ConfigError`) before any file is read; the recipe's keywords."""
    if not str(args.out).strip():  # Path("") is the current folder: its earlier outputs would be removed
        raise ConfigError("--out is empty: give a folder for the mapping")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise ConfigError(f"--out {args.out}: is a file, expected a folder for the mapping")
    problem = write_problem(Path(args.out) / "mapping.npy")
    if problem:
        raise ConfigError(f"--out {args.out}: {problem}")
    outputs = [MAPPING_NAME + ".npy", MAPPING_NAME + ".json", *(VECTOR_FILES.values() if args.write_vectors else [])]
    for name, value in (("SRC", args.src), ("TGT", args.tgt), ("--dictionary", args.dictionary),
                        ("--test-dictionary", args.test_dictionary)):
        clash = next((o for o in OUTPUT_NAMES if value and (Path(args.out) / o).resolve() == Path(value).resolve()),
                     None)
        if clash in outputs:  # e.g. aligning last run's mapped vectors again into the same folder
            raise ConfigError(f"--out {args.out}: would write {clash} over {name} {value}; choose another folder")
        if clash:  # an earlier run's output that this run does not write: removed with the others
            raise ConfigError(f"--out {args.out}: would remove {clash}, an earlier align's output, which is "
                              f"{name} {value}; choose another folder")
    if isinstance(args.refine, str) and args.refine != "auto":
        raise ConfigError(f"--refine {args.refine}: expected a whole number of rounds or 'auto'")
    if args.refine not in (None, "auto"):
        check_positive("--refine", args.refine, zero_ok=True)
    check_lang_arguments(args)
    params = {**recipe_flags(args), **instance_flags(args)}
    check_positive("--max-minutes", args.max_minutes)
    check_positive("--limit", args.limit)
    if not 1 <= args.precision <= 9:
        raise ConfigError(f"--precision: must be 1 to 9 decimals (got {args.precision})")
    no_dictionary = args.dictionary == "none"
    if no_dictionary and args.recipe != "unsupervised":
        raise ConfigError(f"--dictionary none: the {args.recipe} recipe needs a dictionary; only "
                          "--recipe unsupervised aligns without one")
    if args.recipe == "unsupervised" and not no_dictionary:
        raise ConfigError("--recipe unsupervised: uses no dictionary; pass --dictionary none "
                          "(or --recipe self-learning to start from this one)")
    if is_self_learning(args.recipe):
        if args.refine == "auto":
            raise ConfigError(f"--refine auto: the {args.recipe} recipe iterates by itself; "
                              "bound it with --max-minutes instead")
        if args.refine:
            raise ConfigError(f"--refine: the {args.recipe} recipe iterates by itself; "
                              "bound it with --max-minutes instead")
        return {**params, "random_seed": args.seed, "max_minutes": args.max_minutes, "eval_every": EVAL_EVERY}
    if args.max_minutes is not None:
        raise ConfigError(f"--max-minutes: the {args.recipe} recipe has no time budget (only "
                          "self-learning and unsupervised do)")
    return params if args.refine is None else {**params, "refine": args.refine}


def recipe_flags(args) -> dict:
    """The recipe keywords of the recipe-parameter flags given, checked against their ranges
    and against the recipe (:data:`xproj.config.RECIPE_PARAMS`)."""
    from .config import RANGES, RECIPE_PARAMS, choices

    out, allowed = {}, choices()
    for key, (keyword, recipes) in RECIPE_PARAMS.items():
        value = getattr(args, key.split(".", 1)[1])
        if value is None:
            continue
        if args.recipe not in recipes:
            raise ConfigError(f"{flag(key)}: only the {' and '.join(recipes)} recipe uses it "
                              f"(--recipe {args.recipe})")
        if key in RANGES and value not in RANGES[key]:
            raise ConfigError(f"{flag(key)} {value}: out of range, allowed {RANGES[key]}")
        if key in allowed and value not in allowed[key]:
            raise ConfigError(f"{flag(key)} {value}: not one of {', '.join(allowed[key])}")
        out[keyword] = value
    return out


def seed_dictionary(value: str, src, tgt, *, lowercase=False, langs=(None, None)):
    """The ``--dictionary`` value for :func:`~xproj.align.fit_mapping`: ``None`` for "none",
    "identical"/"numerals" as they are, a file's pairs; checked (not reversed, some pairs
    covered, enough for a mapping), weak seeds warned about on stderr."""
    from .run.spaces import check_seed_pairs

    if value == "none":
        return None
    if value in NAMED_DICTIONARIES:
        pairs = value
    else:
        pairs = read_test_dictionary(value, src, tgt, lowercase=lowercase, langs=langs)
    for warning in check_seed_pairs(pairs, src, tgt, f"--dictionary {value}", "source", "target"):
        print(f"warning: {warning}", file=sys.stderr)
    return pairs


class iteration_bar:
    """A progress bar (on a terminal only) fed by the recipe's ``callback(round, record)``:
    the refinement rounds, or the self-learning iterations against the ``--max-minutes``
    budget (in seconds) when there is one."""

    def __init__(self, args):
        self.budget = round(args.max_minutes * 60) if args.max_minutes else None
        if self.budget:
            self.kw = {"total": self.budget, "unit": "s", "desc": f"{args.recipe} (budget)"}
        elif is_self_learning(args.recipe):
            self.kw = {"unit": "it", "desc": args.recipe}
        else:
            self.kw = {"total": refine_rounds(args), "unit": "round", "desc": "refinement"}

    def __enter__(self):
        from .run import progress

        self.bar = progress(**self.kw)
        return self.update

    def update(self, round_, record):
        if round_ == 0:  # the seed mapping, before refinement
            return
        step = min(record.get("seconds", 0), self.budget) - self.bar.n if self.budget else 1
        self.bar.update(step)
        shown = {k: record[k] for k in ("pairs", "objective", "keep_prob", "p@1_csls") if k in record}
        self.bar.set_postfix({k: round(v, 4) if isinstance(v, float) else v for k, v in shown.items()})

    def __exit__(self, *exc):
        self.bar.close()
