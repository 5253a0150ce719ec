"""Stage 1-2 of a run: the labelled documents of every language and split, then their tokens.

:func:`build_corpus` reads the configured datasets (or generates the synthetic world) into a
:class:`Corpus` of raw texts; :func:`tokenize` returns the same corpus with every text turned
into tokens by its language's preprocessor. Unlabelled target texts for adaptation
(``data.unlabelled``) travel in the corpus too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
import numpy as np

from ..errors import ConfigError, ResourceNotFoundError, XprojError
from ..locate import locate


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


def _unlabelled_texts(cfg) -> dict:
    """``data.unlabelled``: lang -> file of unlabelled target texts (column data.text_column);
    unreadable rows and empty texts are skipped."""
    from ..tables import Table

    column, out = cfg["data"]["text_column"], {}
    for lang, value in cfg["data"]["unlabelled"].items():
        path = locate(value, f"data.unlabelled.{lang}")
        table = Table(path)
        if column not in table.columns():
            raise ConfigError(f"data.unlabelled.{lang}: {path} has no column {column!r} (data.text_column); "
                              f"it has {table.columns()}")
        texts = (rec.fields.get(column) for rec in table if rec.error is None)
        out[lang] = [t for t in texts if isinstance(t, str) and t.strip()]
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
