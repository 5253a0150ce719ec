"""Stage 1-2 of a run: the labelled documents of every language and split, then their tokens.

:func:`build_corpus` reads the configured datasets (or generates the synthetic world) into a
:class:`Corpus` of raw texts; :func:`tokenize` returns the same corpus with every text turned
into tokens by its language's preprocessor. Unlabelled target texts for adaptation
(``data.unlabelled``) travel in the corpus too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..errors import ConfigError, ResourceNotFoundError, XprojError
from .resolve import expand, resolve_path


@dataclass(frozen=True)
class Corpus:
    """Documents of one run.

    ``splits[(lang, split)] = (documents, labels)``: raw texts after :func:`build_corpus`,
    token lists after :func:`tokenize`. ``extra[(kind, lang)]`` holds other labelled sets
    (e.g. ``("translate-test", "es")``: the machine-translated test set), ``unlabelled[lang]``
    unlabelled target documents, ``world`` the synthetic world when there is one.
    """

    label_names: list
    splits: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    unlabelled: dict = field(default_factory=dict)
    world: object = None
    tokenized: bool = False

    def get(self, lang, split):
        return self.splits.get((lang, split))

    def counts(self) -> dict:
        """``{"lang/split": {label: count}}``."""
        n = len(self.label_names)
        return {f"{lang}/{split}": {name: int(c) for name, c in zip(self.label_names, np.bincount(y, minlength=n))}
                for (lang, split), (_, y) in self.splits.items()}


# -- building ------------------------------------------------------------------------------

def build_corpus(cfg) -> Corpus:
    """Read (or generate) every split a run needs; raw texts."""
    if cfg["data"]["dataset"] == "synthetic":
        return _synthetic_corpus(cfg)
    d, src, seed = cfg["data"], cfg["data"]["source_lang"], cfg["seed"]
    label_names, splits, extra = None, {}, {}
    for lang in [src] + list(d["target_langs"]):
        is_src = lang == src
        name = d["dataset"] if is_src or not d["target_dataset"] else d["target_dataset"]
        root = d["root"] if is_src or not d["target_root"] else d["target_root"]
        for split in ("train", "dev", "test"):
            ds = _load_split(cfg, name, root, lang, split, is_src)
            if ds is None:
                continue
            if label_names is None:
                label_names = list(ds.label_names)
            elif list(ds.label_names) != label_names:
                raise ConfigError(f"{name} ({lang}) has classes {ds.label_names} but the source data "
                                  f"has {label_names}: choose datasets and data.task that agree")
            splits[(lang, split)] = _cap(ds.texts, ds.labels, d["max_docs"], seed)
        if is_src and (lang, "train") not in splits:
            raise ResourceNotFoundError(f"no training data for the source language {lang!r} in {name}")
        if not is_src and (lang, "test") not in splits:
            raise ResourceNotFoundError(f"no test data for target language {lang!r} in {name}")
        if not is_src and name == "opener" and "translate-test" in cfg["evaluation"]["baselines"]:
            mt = _translated_test(cfg, root, lang)
            if mt is not None:
                extra[("translate-test", lang)] = _cap(mt.texts, mt.labels, d["max_docs"], seed)
    if (src, "dev") not in splits:
        splits.update(_hold_out_dev(splits[(src, "train")], src, d["dev_fraction"], seed))
    return Corpus(label_names, splits, extra, _unlabelled_texts(cfg))


def _dataset_root(name, root):
    if root:
        return expand(root)
    from ..paths import shared_dir

    guess = shared_dir() / "data" / name
    return str(guess) if guess.exists() else f"{name}:"


def _load_split(cfg, name, root, lang, split, is_src):
    """One split of one language, or None when the corpus has no such split. Corpora with a
    single file per language (ChnSentiCorp, tables without {split}) are split here: 70/10/20
    for the source language, all of it as test for a target."""
    from ..datasets.loaders import load_dataset

    d = cfg["data"]
    task = {"5class": "5-class"}.get(d["task"], d["task"])
    root = _dataset_root(name, root)
    try:
        if name in ("opener", "marc"):
            return load_dataset(name, root, lang, split, task=task)
        if name == "webis-cls-10":
            return None if split == "dev" else load_dataset(name, root, lang, d["domain"], split)
    except ResourceNotFoundError:
        if split == "dev":
            return None
        raise
    if name == "table" and "{split}" in root:
        path = root.replace("{lang}", lang).replace("{split}", split)
        if not Path(path).exists():
            if split == "dev":
                return None
            raise ResourceNotFoundError(f"data.root: {path} does not exist")
        return load_dataset("table", path, text_column=d["text_column"], label_column=d["label_column"],
                            lang=lang, split=split)
    whole = _whole_file(cfg, name, root, lang)
    if not is_src:
        return whole if split == "test" else None
    return whole.subset(_split_indices(whole.labels, cfg["seed"])[split])


def _whole_file(cfg, name, root, lang):
    from ..datasets.loaders import load_dataset

    if name == "chnsenticorp":
        p = Path(root)
        return load_dataset("chnsenticorp", p / "ChnSentiCorp_htl_all.csv" if p.is_dir() else p)
    if name == "table":
        return load_dataset("table", root.replace("{lang}", lang), text_column=cfg["data"]["text_column"],
                            label_column=cfg["data"]["label_column"], lang=lang)
    raise ConfigError(f"dataset {name!r} is not supported by runs")


def _split_indices(labels, seed) -> dict:
    """70/10/20 train/dev/test, stratified and seeded."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    rest, test = train_test_split(idx, test_size=0.2, random_state=seed, stratify=labels)
    train, dev = train_test_split(rest, test_size=0.125, random_state=seed, stratify=labels[rest])
    return {"train": train, "dev": dev, "test": test}


def _translated_test(cfg, root, lang):
    from ..datasets.loaders import load_dataset

    try:
        return load_dataset("opener-translated", _dataset_root("opener", root), lang, "test", task=cfg["data"]["task"])
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


def _unlabelled_texts(cfg) -> dict:
    """``data.unlabelled``: lang -> file of unlabelled target texts (column data.text_column)."""
    from ..predict import iter_rows

    out = {}
    for lang, value in cfg["data"]["unlabelled"].items():
        path = resolve_path(value, f"data.unlabelled.{lang}")
        out[lang] = [r.text for r in iter_rows(path, text_column=cfg["data"]["text_column"]) if r.error is None]
        if len(out[lang]) < 2:
            raise ResourceNotFoundError(f"data.unlabelled.{lang}: {path} has {len(out[lang])} readable texts; "
                                        "adaptation needs at least 2")
    return out


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
    splits = {key: (tok.transform(texts, lang=key[0]), y)
              for key, (texts, y) in (progress(items, desc="tokenise") if progress else items)}
    extra = {key: (tok.transform(texts, lang=src if key[0] == "translate-test" else key[1]), y)
             for key, (texts, y) in corpus.extra.items()}
    unlabelled = {lang: tok.transform(texts, lang=lang) for lang, texts in corpus.unlabelled.items()}
    return replace(corpus, splits=splits, extra=extra, unlabelled=unlabelled, tokenized=True)
