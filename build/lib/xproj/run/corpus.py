"""Stage 1-2 of a run: the labelled documents of every language and split, then their tokens.

:func:`build_corpus` reads the configured datasets (or generates the synthetic world) into a
:class:`Corpus` of raw texts; :func:`tokenize` returns the same corpus with every text turned
into tokens by its language's preprocessor. Unlabelled target texts for adaptation
(``data.unlabelled``) travel in the corpus too.

A run's targets are *target sets* (:class:`TargetSet`, :func:`target_sets`): a dataset in one
language, named by an id that is the language alone when it is the run's only set of that
language (``es``), else ``lang/dataset`` (``zh/chnsenticorp``, ``zh/online-shopping``). A
target set that cannot be read is recorded in :attr:`Corpus.failed` and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
import numpy as np

from ..errors import ConfigError, InputFormatError, ResourceNotFoundError, XprojError
from ..locate import locate

#: what one target set's failure may raise without stopping the run's other sets
TARGET_ERRORS = (XprojError, OSError, ValueError)


@dataclass(frozen=True)
class TargetSet:
    """One labelled set a run applies its model to."""

    id: str        # key of its results, splits and files: "es", or "zh/chnsenticorp" beside another zh set
    lang: str
    dataset: str   # a run dataset (data.dataset's names)
    root: str      # its location ('' = the dataset's default location)


def parse_targets(items, source_lang) -> list:
    """``data.targets`` (``"dataset:lang"``, or ``"dataset"`` for a one-language set) as
    :class:`TargetSet` (ids and roots not yet set); a :class:`ConfigError` names a bad item."""
    from ..datasets.registry import dataset_spec

    out = []
    for item in items:
        if not isinstance(item, str) or item.count(":") > 1:
            raise ConfigError(f"data.targets: {item!r} is not dataset:lang (e.g. \"chnsenticorp:zh\")")
        name, _, lang = (x.strip() for x in item.partition(":"))
        spec = dataset_spec(name)
        if not spec.in_runs:
            raise ConfigError(f"data.targets: {item!r}: {spec.name} cannot be a run's dataset")
        if not lang and len(spec.languages) != 1:
            raise ConfigError(f"data.targets: {item!r} names no language: write {spec.name}:LANG")
        lang = lang or spec.languages[0]
        if spec.languages and lang not in spec.languages:
            raise ConfigError(f"data.targets: {item!r}: {spec.name} has {', '.join(spec.languages)}, not {lang!r}")
        if lang == source_lang:
            raise ConfigError(f"data.targets: {item!r} is in the source language {lang!r}: a target must be "
                              "another language")
        out.append(TargetSet("", lang, spec.name, ""))
    twice = [t for i, t in enumerate(out) if t in out[:i]]
    if twice:
        raise ConfigError(f"data.targets names {twice[0].dataset}:{twice[0].lang} twice")
    return out


def target_sets(cfg) -> list:
    """The run's target sets, in config order: ``data.targets``, else every language of
    ``data.target_langs`` in ``data.target_dataset`` (or the source's dataset)."""
    from ..datasets.registry import dataset_spec

    d = cfg["data"]
    if d["targets"]:
        sets = parse_targets(d["targets"], d["source_lang"])
    else:
        name = d["target_dataset"] or d["dataset"]
        sets = [TargetSet("", lang, name, "") for lang in d["target_langs"]]
    source = d["dataset"] if d["dataset"] == "synthetic" else dataset_spec(d["dataset"]).name
    chosen = d["target_dataset"] and dataset_spec(d["target_dataset"]).name

    def root(name):  # data.target_root for the target dataset, data.root for the source's, else its default
        if name == (chosen or source) and d["target_root"]:
            return d["target_root"]
        return d["root"] if name == source else ""

    langs = [t.lang for t in sets]
    return [replace(t, id=t.lang if langs.count(t.lang) == 1 else f"{t.lang}/{t.dataset}", root=root(t.dataset))
            for t in sets]


@dataclass(frozen=True)
class Corpus:
    """Documents of one run.

    ``splits[(key, split)] = (documents, labels)``: raw texts after :func:`build_corpus`,
    token lists after :func:`tokenize`; ``key`` is the source language or a target set's id.
    ``extra[(kind, key)]`` holds other labelled sets (e.g. ``("translate-test", "es")``: the
    machine-translated test set), ``unlabelled[lang]`` unlabelled target documents, ``world``
    the synthetic world when there is one. ``langs[id]`` is the language of a target set whose
    id is not its language; ``failed[id]`` the error of a target set that could not be read;
    ``warnings`` what was left out while reading (unreadable rows of ``data.unlabelled``).
    """

    label_names: list
    splits: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    unlabelled: dict = field(default_factory=dict)
    world: object = None
    tokenized: bool = False
    langs: dict = field(default_factory=dict)
    failed: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # rows left out while reading, in words

    def get(self, lang, split):
        return self.splits.get((lang, split))

    def lang_of(self, key) -> str:
        """The language of a split key (a language or a target set's id)."""
        return self.langs.get(key, key)

    def for_target(self, key) -> Corpus:
        """The corpus as one target set's evaluation sees it: that set's splits under its
        language (``get(lang, split)``), the source's as they are."""
        lang = self.lang_of(key)
        if lang == key:
            return self

        def rekey(d):
            return {(lang if k == key else k, part): v for (k, part), v in d.items()}

        extra = {(kind, lang if k == key else k): v for (kind, k), v in self.extra.items()}
        return replace(self, splits=rekey(self.splits), extra=extra)

    def counts(self) -> dict:
        """``{"key/split": {label: count}}``."""
        n = len(self.label_names)
        return {f"{lang}/{split}": {name: int(c) for name, c in zip(self.label_names, np.bincount(y, minlength=n))}
                for (lang, split), (_, y) in self.splits.items()}


# -- building ------------------------------------------------------------------------------

def build_corpus(cfg) -> Corpus:
    """Read (or generate) every split a run needs; raw texts. A target set that cannot be
    read (missing, malformed, other classes) is recorded in ``failed``; the source raises."""
    if cfg["data"]["dataset"] == "synthetic":
        return _synthetic_corpus(cfg)
    d, src, seed = cfg["data"], cfg["data"]["source_lang"], cfg["seed"]
    splits = _read_set(cfg, d["dataset"], d["root"], src, src, None)
    label_names = splits[(src, "train")][2]
    splits = {k: v[:2] for k, v in splits.items()}
    extra, langs, failed = {}, {}, {}
    for t in target_sets(cfg):
        if t.id != t.lang:
            langs[t.id] = t.lang
        try:
            splits.update({k: v[:2] for k, v in _read_set(cfg, t.dataset, t.root, t.lang, t.id, label_names).items()})
            if t.dataset == "opener" and "translate-test" in cfg["evaluation"]["baselines"]:
                mt = _translated_test(cfg, t.root, t.lang)
                if mt is not None:
                    extra[("translate-test", t.id)] = _cap(mt.texts, mt.labels, d["max_docs"], seed)
        except TARGET_ERRORS as exc:
            failed[t.id] = exc
    if (src, "dev") not in splits:
        splits.update(_hold_out_dev(splits[(src, "train")], src, d["dev_fraction"], seed))
    unlabelled, warnings = _unlabelled_texts(cfg)
    return Corpus(label_names, splits, extra, unlabelled, langs=langs, failed=failed, warnings=warnings)


def _read_set(cfg, name, root, lang, key, label_names) -> dict:
    """``{(key, split): (texts, labels, label names)}`` of one dataset in one language.
    ``label_names`` None: the source (its classes renamed by data.label_map); else a target
    set, renamed by data.target_label_map and put in that order. A target's one-file set is
    split 70/10/20 like the source's when the in-language baseline is asked for (every
    method then scores the same 20 %), else all of it is test."""
    from ..datasets.labels import match_labels, relabel

    d, is_src = cfg["data"], label_names is None
    option = "data.label_map" if is_src else "data.target_label_map"
    split_here = is_src or "in-language" in cfg["evaluation"]["baselines"]
    out = {}
    for split in ("train", "dev", "test"):
        ds = _load_split(cfg, name, root, lang, split, split_here)
        if ds is None:
            continue
        ds = relabel(ds, d[option.split(".")[1]])
        if is_src:
            label_names = list(ds.label_names)
        ds = match_labels(ds, label_names, f"{name} ({lang})", option)
        out[(key, split)] = (*_cap(ds.texts, ds.labels, d["max_docs"], cfg["seed"]), label_names)
    if is_src and (key, "train") not in out:
        raise ResourceNotFoundError(f"no training data for the source language {lang!r} in {name}")
    if not is_src and (key, "test") not in out:
        raise ResourceNotFoundError(f"no test data for target language {lang!r} in {name}")
    return out


def _load_split(cfg, name, root, lang, split, is_src):
    from ..datasets.splits import load_split

    d = cfg["data"]
    options = {"domain": d["domain"], "text_column": d["text_column"], "label_column": d["label_column"]}
    return load_split(name, root, lang, split, task=d["task"], options=options, source=is_src, seed=cfg["seed"])


def _translated_test(cfg, root, lang):
    try:
        return _load_split(cfg, "opener-translated", root, lang, "test", False)
    except (XprojError, ValueError, KeyError):
        return None  # no machine-translated test set: the baseline is skipped


def _cap(texts, labels, n, seed):
    if n and len(texts) > n:
        idx = np.sort(np.random.default_rng(seed).choice(len(texts), n, replace=False))
        return [texts[i] for i in idx], np.asarray(labels)[idx]
    return list(texts), np.asarray(labels)


def _hold_out_dev(train, src, fraction, seed) -> dict:
    from sklearn.model_selection import train_test_split

    texts, labels = train
    tr, dv = train_test_split(np.arange(len(texts)), test_size=fraction, random_state=seed, stratify=labels)
    return {(src, "train"): ([texts[i] for i in tr], labels[tr]), (src, "dev"): ([texts[i] for i in dv], labels[dv])}


def _unlabelled_texts(cfg):
    """``data.unlabelled``: ``({lang: texts}, warnings)`` from each file of unlabelled target
    texts (column data.text_column); empty texts are skipped, unreadable rows too, each file's
    count of them (and the first) in ``warnings``."""
    from ..tables import Table

    column, out, warnings = cfg["data"]["text_column"], {}, []
    for lang, value in cfg["data"]["unlabelled"].items():
        path = locate(value, f"data.unlabelled.{lang}")
        table = Table(path)
        columns = table.columns()
        if not columns:
            raise InputFormatError(path, f"empty file (data.unlabelled.{lang}): no header row (and no rows)")
        if column not in columns:
            raise ConfigError(f"data.unlabelled.{lang}: {path} has no column {column!r} (data.text_column); "
                              f"it has {columns}")
        texts, bad, first = [], 0, None
        for rec in table:
            problem = rec.error or (None if isinstance(rec.fields, dict) else "not a record with named fields")
            if problem is not None:
                bad, first = bad + 1, first or (rec.line, problem)
                continue
            text = rec.fields.get(column)
            if isinstance(text, str) and text.strip():
                texts.append(text)
        out[lang] = texts
        if bad:
            warnings.append(f"data.unlabelled.{lang}: {path}: {bad} unreadable row{'s' * (bad > 1)} left out "
                            f"(line {first[0]}: {first[1]})")
        if len(out[lang]) < 2:
            raise ResourceNotFoundError(f"data.unlabelled.{lang}: {path} has {len(out[lang])} readable texts; "
                                        "adaptation needs at least 2")
    return out, warnings


def _synthetic_corpus(cfg) -> Corpus:
    from ..datasets.synthetic import make_bilingual_world, make_documents

    s, seed, src = cfg["synthetic"], cfg["seed"], cfg["data"]["source_lang"]
    if len(cfg["data"]["target_langs"]) != 1:
        raise ConfigError("the synthetic world has one target language: set data.target_langs to one code")
    tgt = cfg["data"]["target_langs"][0]
    world = make_bilingual_world(n_words=s["n_words"], dim=s["dim"], noise=s["noise"],
                                 src_lang=src, tgt_lang=tgt, seed=seed)
    plan = [(src, "src", "train", s["n_train_docs"]), (src, "src", "dev", s["n_test_docs"] // 2),
            (src, "src", "test", s["n_test_docs"]), (tgt, "tgt", "train", s["n_train_docs"]),
            (tgt, "tgt", "dev", s["n_test_docs"] // 2), (tgt, "tgt", "test", s["n_test_docs"])]
    splits = {}
    for i, (lang, side, split, n) in enumerate(plan):
        docs, y = make_documents(world, n, side=side, positive_rate=s["positive_rate"], seed=seed * 100 + i)
        splits[(lang, split)] = ([" ".join(doc) for doc in docs], y)
    return Corpus(["negative", "positive"], splits, world=world)


# -- tokenising ----------------------------------------------------------------------------

def preprocess_options(cfg) -> dict:
    """Options of :func:`xproj.lang.get_preprocessor` from the ``preprocess`` section."""
    p = cfg["preprocess"]
    return dict(lemmatize=p["lemmatize"], negation=p["negation"],
                remove_stopwords=p["remove_stopwords"], strip_accents=p["strip_accents"])


def tokenize(corpus: Corpus, cfg, progress=None) -> Corpus:
    """The same corpus with every text turned into tokens by its language's preprocessor."""
    from ..features import Tokenizer

    tok = Tokenizer(preprocess_options(cfg))
    src = cfg["data"]["source_lang"]
    items = list(corpus.splits.items())
    splits = {key: (tok.transform(texts, lang=corpus.lang_of(key[0])), y)
              for key, (texts, y) in (progress(items, desc="tokenise") if progress else items)}
    extra = {key: (tok.transform(texts, lang=src if key[0] == "translate-test" else corpus.lang_of(key[1])), y)
             for key, (texts, y) in corpus.extra.items()}
    unlabelled = {lang: tok.transform(texts, lang=lang) for lang, texts in corpus.unlabelled.items()}
    return replace(corpus, splits=splits, extra=extra, unlabelled=unlabelled, tokenized=True)
