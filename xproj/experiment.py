"""A cross-lingual sentiment experiment: config -> stages -> outputs in ``runs/<name>/``.

Stages: load data -> preprocess -> load vectors -> align (+ lexicon induction when a test
dictionary is given) -> featurise -> train (model selection on the source dev split only)
-> evaluate (method and baselines, side by side) -> report.

Only this module and :mod:`xproj.cli` know about runs, paths and printing.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from ._io import atomic_write
from .config import load_config, options_help, presets, to_toml
from .errors import ConfigError, ResourceNotFoundError, XprojError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


# -- small utilities -----------------------------------------------------------------------

def _progress(iterable=None, **kw):
    from tqdm import tqdm  # the plain bar: no ipywidgets needed in notebooks

    quiet = bool(os.environ.get("CI")) or not sys.stderr.isatty()
    return tqdm(iterable, disable=quiet, **kw)


def expand(value: str) -> str:
    """Expand ``{shared}`` and ``{data}`` in a configured path."""
    from .paths import data_dir, shared_dir

    return value.replace("{shared}", str(shared_dir())).replace("{data}", str(data_dir()))


def resolve_path(value: str, what: str) -> Path:
    """A configured file: a path (after expansion) or a registry spec fetched to the cache."""
    value = expand(value)
    p = Path(value).expanduser()
    if p.exists():
        return p
    if ":" in value and not value.startswith(("/", ".")) and not Path(value).drive:
        from .download import resolve

        return Path(resolve(value))
    raise ResourceNotFoundError(f"{what}: {p} does not exist")


@dataclass
class Corpus:
    """The documents of one run, tokenised: ``splits[(lang, split)] = (tokens, labels)``."""

    label_names: list
    splits: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # e.g. machine-translated test sets

    def get(self, lang, split):
        return self.splits.get((lang, split))


# -- stages --------------------------------------------------------------------------------

class Experiment:
    """Runs one config. ``Experiment(cfg).run()`` returns the metrics dict."""

    def __init__(self, cfg: dict, *, out_dir=None, echo=print):
        self.cfg = cfg
        self.echo = echo
        self.out = Path(out_dir) if out_dir else Path(cfg["output"]["dir"]) / cfg["name"]
        self.seed = cfg["seed"]
        self.src = cfg["data"]["source_lang"]
        self.tgts = list(cfg["data"]["target_langs"])
        self.timings = {}
        self.world = None
        self.predictions = {}  # target lang -> (gold, predicted) of the main method

    def _stage(self, name):
        exp = self

        class _T:
            def __enter__(self):
                self.t = time.perf_counter()
                exp.echo(f"[{name}]")

            def __exit__(self, *a):
                exp.timings[name] = round(time.perf_counter() - self.t, 3)

        return _T()

    # 1. data -------------------------------------------------------------------------------
    def load_data(self) -> Corpus:
        cfg = self.cfg
        if cfg["data"]["dataset"] == "synthetic":
            return self._synthetic_data()
        d = cfg["data"]
        corpus = None
        for lang in [self.src] + self.tgts:
            is_src = lang == self.src
            name = d["dataset"] if is_src or not d["target_dataset"] else d["target_dataset"]
            root = d["root"] if is_src or not d["target_root"] else d["target_root"]
            for split in ("train", "dev", "test"):
                ds = self._load_split(name, root, lang, split)
                if ds is None:
                    continue
                if corpus is None:
                    corpus = Corpus(list(ds.label_names))
                elif list(ds.label_names) != corpus.label_names:
                    raise ConfigError(f"{name} ({lang}) has classes {ds.label_names} but the source data "
                                      f"has {corpus.label_names}: choose datasets and data.task that agree")
                corpus.raw[(lang, split)] = self._cap(ds.texts, ds.labels)
            if is_src and (lang, "train") not in corpus.raw:
                raise ResourceNotFoundError(f"no training data for the source language {lang!r} in {name}")
            if not is_src and (lang, "test") not in corpus.raw:
                raise ResourceNotFoundError(f"no test data for target language {lang!r} in {name}")
            if not is_src and name == "opener" and "translate-test" in cfg["evaluation"]["baselines"]:
                from .datasets.loaders import load_dataset

                try:
                    ds = load_dataset("opener-translated", self._root(name, root), lang, "test", task=d["task"])
                    corpus.extra[("translate-test", lang)] = self._cap(ds.texts, ds.labels)
                except (XprojError, ValueError, KeyError):
                    pass  # no machine-translated test set: the baseline is skipped
        if (self.src, "dev") not in corpus.raw:
            self._hold_out_dev(corpus)
        return corpus

    def _root(self, name, root):
        if root:
            return expand(root)
        from .paths import shared_dir

        guess = shared_dir() / "data" / name
        return str(guess) if guess.exists() else f"{name}:"

    def _load_split(self, name, root, lang, split):
        """One split of one language, or None when the corpus has no such split. Corpora
        with a single file per language (ChnSentiCorp, tables without {split}) are split
        here: 70/10/20 for a source language, all of it as test for a target."""
        from .datasets.loaders import load_dataset

        d = self.cfg["data"]
        task = {"5class": "5-class"}.get(d["task"], d["task"])
        root = self._root(name, root)
        try:
            if name == "opener":
                return load_dataset(name, root, lang, split, task=task)
            if name == "marc":
                return load_dataset(name, root, lang, split, task=task)
            if name == "webis-cls-10":
                return None if split == "dev" else load_dataset(name, root, lang, d["domain"], split)
        except ResourceNotFoundError:
            if split == "dev":
                return None
            raise
        # one file per language (or per split for tables with {split})
        if name == "table" and "{split}" in root:
            path = root.replace("{lang}", lang).replace("{split}", split)
            if not Path(path).exists():
                if split == "dev":
                    return None
                raise ResourceNotFoundError(f"data.root: {path} does not exist")
            return load_dataset("table", path, text_column=d["text_column"], label_column=d["label_column"],
                                lang=lang, split=split)
        whole = self._whole_file(name, root, lang)
        return self._split_whole(whole, lang, split)

    def _whole_file(self, name, root, lang):
        from .datasets.loaders import load_dataset

        cache = self.__dict__.setdefault("_files", {})
        if lang not in cache:
            if name == "chnsenticorp":
                p = Path(root)
                path = p / "ChnSentiCorp_htl_all.csv" if p.is_dir() else p
                cache[lang] = load_dataset("chnsenticorp", path)
            elif name == "table":
                path = root.replace("{lang}", lang)
                cache[lang] = load_dataset("table", path, text_column=self.cfg["data"]["text_column"],
                                           label_column=self.cfg["data"]["label_column"], lang=lang)
            else:
                raise ConfigError(f"dataset {name!r} is not supported by runs")
        return cache[lang]

    def _split_whole(self, ds, lang, split):
        from sklearn.model_selection import train_test_split

        if lang != self.src:
            return ds.subset(np.arange(len(ds))) if split == "test" else None
        idx = np.arange(len(ds))
        rest, test = train_test_split(idx, test_size=0.2, random_state=self.seed, stratify=ds.labels)
        train, dev = train_test_split(rest, test_size=0.125, random_state=self.seed, stratify=ds.labels[rest])
        return ds.subset({"train": train, "dev": dev, "test": test}[split])

    def _cap(self, texts, labels):
        n = self.cfg["data"]["max_docs"]
        if n and len(texts) > n:
            rng = np.random.default_rng(self.seed)
            idx = np.sort(rng.choice(len(texts), n, replace=False))
            return [texts[i] for i in idx], np.asarray(labels)[idx]
        return list(texts), np.asarray(labels)

    def _hold_out_dev(self, corpus):
        from sklearn.model_selection import train_test_split

        texts, labels = corpus.raw[(self.src, "train")]
        tr, dv = train_test_split(np.arange(len(texts)), test_size=self.cfg["data"]["dev_fraction"],
                                  random_state=self.seed, stratify=labels)
        corpus.raw[(self.src, "train")] = ([texts[i] for i in tr], labels[tr])
        corpus.raw[(self.src, "dev")] = ([texts[i] for i in dv], labels[dv])

    def _synthetic_data(self) -> Corpus:
        from .datasets.synthetic import make_bilingual_world, make_documents

        s = self.cfg["synthetic"]
        if len(self.tgts) != 1:
            raise ConfigError("the synthetic world has one target language: set data.target_langs to one code")
        tgt = self.tgts[0]
        self.world = make_bilingual_world(n_words=s["n_words"], dim=s["dim"], noise=s["noise"],
                                          src_lang=self.src, tgt_lang=tgt, seed=self.seed)
        corpus = Corpus(["negative", "positive"])
        plan = [(self.src, "src", "train", s["n_train_docs"]), (self.src, "src", "dev", s["n_test_docs"] // 2),
                (self.src, "src", "test", s["n_test_docs"]), (tgt, "tgt", "train", s["n_train_docs"]),
                (tgt, "tgt", "dev", s["n_test_docs"] // 2), (tgt, "tgt", "test", s["n_test_docs"])]
        for i, (lang, side, split, n) in enumerate(plan):
            docs, y = make_documents(self.world, n, side=side, positive_rate=s["positive_rate"],
                                     seed=self.seed * 100 + i)
            corpus.raw[(lang, split)] = ([" ".join(d) for d in docs], y)
        return corpus

    # 2. preprocessing ----------------------------------------------------------------------
    def preprocess(self, corpus: Corpus):
        from .lang import get_preprocessor

        p = self.cfg["preprocess"]
        opts = dict(lemmatize=p["lemmatize"], negation=p["negation"],
                    remove_stopwords=p["remove_stopwords"], strip_accents=p["strip_accents"])
        self.pre_opts = opts
        self.preprocessors = {}
        for (lang, split), (texts, labels) in _progress(list(corpus.raw.items()), desc="tokenise"):
            pre = self.preprocessors.get(lang) or get_preprocessor(lang, **opts)
            self.preprocessors[lang] = pre
            corpus.splits[(lang, split)] = (pre.pipe(texts), labels)
        for key, (texts, labels) in list(corpus.extra.items()):
            corpus.extra[key] = (self.preprocessors.get(self.src, get_preprocessor(self.src, **opts)).pipe(texts), labels)

    # 3. vectors ----------------------------------------------------------------------------
    def load_vectors(self):
        from .vectors import load_vectors

        if self.world is not None:
            return {self.src: self.world.src, self.tgts[0]: self.world.tgt}
        v = self.cfg["vectors"]
        out = {}
        for lang in [self.src] + self.tgts:
            if lang not in v["paths"]:
                raise ConfigError(f"vectors.paths has no file for {lang!r}: add "
                                  f"--set vectors.paths.{lang}=FILE (or a spec such as aligned:{lang}@200000)")
            path = resolve_path(v["paths"][lang], f"vectors.paths.{lang}")
            out[lang] = load_vectors(path, limit=v["limit"] or None, lowercase=v["lowercase"], lang=lang)
            self.echo(f"  {lang}: {len(out[lang]):,} words x {out[lang].dim} from {path}")
        return out

    # 4. alignment --------------------------------------------------------------------------
    def align(self, vectors):
        """Map the source language onto each target language's space (the direction of the
        MUSE dictionaries, en->xx), then express everything in one space per target."""
        from .align import fit_mapping
        from .dictionaries import read_dictionary
        from .evaluation import bli_scores
        from .features import AlignedSpace
        from .vectors import normalize

        a = self.cfg["alignment"]
        self.mappings, self.bli, self.dictionaries, self.test_dictionaries = {}, {}, {}, {}
        spaces = {}
        for tgt in self.tgts:
            src_wv, tgt_wv = vectors[self.src], vectors[tgt]
            if a["method"] == "none":
                spaces[tgt] = AlignedSpace({self.src: normalize(src_wv, a["normalization"]),
                                            tgt: normalize(tgt_wv, a["normalization"])})
                continue
            if self.world is not None:
                seed, test = self.world.train_pairs, self.world.test_pairs
            else:
                seed = self._dictionary(a["dictionary"], tgt, "alignment.dictionary")
                test = (read_dictionary(resolve_path(a["test_dictionary"][tgt], "alignment.test_dictionary"))
                        if tgt in a["test_dictionary"] else None)
            self.dictionaries[tgt] = seed
            if test is not None:
                self.test_dictionaries[tgt] = test
            mapping = fit_mapping(src_wv, tgt_wv, seed, normalization=a["normalization"],
                                  refine=a["refine"], refine_vocab=a["refine_vocab"],
                                  keep_seed=a["keep_seed"], eval_pairs=test if a["refine"] else None,
                                  src_lang=self.src, tgt_lang=tgt)
            self.mappings[tgt] = mapping
            space = AlignedSpace.from_mappings(tgt, tgt_wv, {self.src: (src_wv, mapping)})
            spaces[tgt] = space
            if test is not None:
                res = bli_scores(space[self.src], space[tgt], test, ks=(1, 5, 10))
                self.bli[tgt] = res
                self.echo(f"  BLI {self.src}->{tgt}: P@1 NN {res['nn']['p@1']:.3f}, CSLS "
                          f"{res['csls']['p@1']:.3f} over {res['covered']}/{res['queries']} covered queries")
        return spaces

    def _dictionary(self, table, tgt, key):
        from .dictionaries import read_dictionary

        if tgt not in table:
            raise ConfigError(f"{key} has no entry for {tgt!r}: add --set {key}.{tgt}=FILE "
                              f"(or dict:{self.src}-{tgt}@train, or 'identical')")
        value = table[tgt]
        if value in ("identical", "numerals"):
            return value
        pairs = []
        for v in [value] if isinstance(value, str) else value:
            pairs += read_dictionary(resolve_path(v, f"{key}.{tgt}"))
        return list(dict.fromkeys(pairs))  # pooled, first occurrence order, no duplicates

    # 5-6. features, model selection, training ---------------------------------------------
    def _estimator(self, C, class_weight):
        from .model import make_estimator

        m = self.cfg["model"]
        return make_estimator(m["estimator"], C=C, class_weight=None if class_weight == "none" else "balanced",
                              seed=self.seed)

    def _classifier(self, space, params, lang):
        from .model import CrossLingualClassifier

        f = self.cfg["features"]
        return CrossLingualClassifier(space, source_lang=lang, pooling=f["pooling"], center=f["center"],
                                      remove_pc=f["remove_pc"], scale=f["scale"],
                                      preprocess=getattr(self, "pre_opts", None),
                                      estimator=self._estimator(*params))

    def select_and_fit(self, space, corpus, lang, *, extra=None):
        """Choose C and class weighting on ``lang``'s dev split (macro-F1), refit on train.
        Zero-shot honesty: only the training language's own dev split is looked at."""
        from sklearn.metrics import f1_score

        Xtr, ytr = corpus.get(lang, "train")
        dev = corpus.get(lang, "dev")
        m = self.cfg["model"]
        grid = [(C, w) for w in m["class_weight"] for C in m["C"]]
        scores = {}
        if dev is not None and len(grid) > 1:
            for params in _progress(grid, desc=f"model selection ({lang} dev)", leave=False):
                clf = self._classifier(space, params, lang).fit(Xtr, ytr, extra=extra)
                scores[params] = f1_score(dev[1], clf.predict(dev[0], lang=lang), average="macro")
            # ties: the earlier grid entry (config order), then milder regularisation changes
            best = max(grid, key=lambda p: (round(scores[p], 6), -grid.index(p)))
        else:
            best = grid[0]
        clf = self._classifier(space, best, lang).fit(Xtr, ytr, extra=extra)
        return clf, best, {f"C={c},class_weight={w}": s for (c, w), s in scores.items()}

    # 7. evaluation -------------------------------------------------------------------------
    def evaluate(self, corpus, vectors, spaces):
        from .evaluation import classification_scores
        from .features import AlignedSpace
        from .vectors import normalize

        ev = self.cfg["evaluation"]
        names = corpus.label_names
        results = {}
        score = lambda y, p, s=0: classification_scores(y, p, names, n_boot=ev["bootstrap"], seed=self.seed + s)  # noqa: E731
        self.models = {}
        for tgt in self.tgts:
            test = corpus.get(tgt, "test")
            if test is None:
                raise ResourceNotFoundError(f"no test split for target language {tgt!r}")
            Xte, yte = test
            rows = {}
            space = spaces[tgt]
            clf, (C, weight), dev_scores = self.select_and_fit(space, corpus, self.src)
            self.models[tgt] = clf
            pred = clf.predict(Xte, lang=tgt)
            rows["xproj (aligned)"] = score(yte, pred) | {
                "C": C, "class_weight": weight, "dev_macro_f1": dev_scores.get(f"C={C},class_weight={weight}")}
            self.predictions[tgt] = (yte, pred)
            oov = clf.embedder_.oov_.get(tgt, {})
            rows["xproj (aligned)"]["oov_rate"] = oov.get("oov_rate")
            src_test = corpus.get(self.src, "test")
            if src_test is not None:
                rows[f"source test (in-language, {self.src})"] = score(src_test[1], clf.predict(src_test[0], lang=self.src))
            bl = ev["baselines"]
            if "majority" in bl:
                ytr = corpus.get(self.src, "train")[1]
                major = np.bincount(ytr).argmax()
                rows["majority class"] = score(yte, np.full(len(yte), major))
            if "unaligned" in bl:
                a = self.cfg["alignment"]["normalization"]
                un = AlignedSpace({self.src: normalize(vectors[self.src], a), tgt: normalize(vectors[tgt], a)})
                m, _, _ = self.select_and_fit(un, corpus, self.src)
                rows["unaligned vectors"] = score(yte, m.predict(Xte, lang=tgt))
            if "word-by-word" in bl and tgt in self.dictionaries and not isinstance(self.dictionaries[tgt], str):
                t2s = {}
                for s_word, t_word in self.dictionaries[tgt]:
                    t2s.setdefault(t_word, s_word)
                translated = [[t2s.get(w, w) for w in doc] for doc in Xte]
                rows["word-by-word translation"] = score(yte, clf.predict(translated, lang=self.src))
            if "translate-test" in bl and ("translate-test", tgt) in corpus.extra:
                Xmt, ymt = corpus.extra[("translate-test", tgt)]
                rows["machine-translated test (MT)"] = score(ymt, clf.predict(Xmt, lang=self.src))
            if "in-language" in bl and corpus.get(tgt, "train") is not None:
                m, _, _ = self.select_and_fit(space, corpus, tgt)
                rows["in-language upper bound"] = score(yte, m.predict(Xte, lang=tgt))
            k = ev["few_shot"]
            if k and corpus.get(tgt, "train") is not None:
                Xt, yt = corpus.get(tgt, "train")
                rng = np.random.default_rng(self.seed)
                idx = rng.choice(len(Xt), size=min(k, len(Xt)), replace=False)
                m, _, _ = self.select_and_fit(space, corpus, self.src,
                                              extra=[([Xt[i] for i in idx], yt[idx], tgt)])
                rows[f"few-shot (+{len(idx)} labelled {tgt})"] = score(yte, m.predict(Xte, lang=tgt))
            results[tgt] = rows
        return results

    # 8. outputs ----------------------------------------------------------------------------
    def write_outputs(self, corpus, spaces, results):
        from .model import package_versions, save_model
        from .report import plot_confusion, plot_pca_pairs, write_report

        self.out.mkdir(parents=True, exist_ok=True)
        counts = {f"{l}/{s}": {n: int(c) for n, c in zip(corpus.label_names, np.bincount(y, minlength=len(corpus.label_names)))}
                  for (l, s), (_, y) in corpus.splits.items()}
        metrics = {"name": self.cfg["name"], "synthetic": self.world is not None, "source_lang": self.src,
                   "label_names": corpus.label_names, "data": counts, "bli": self.bli, "results": results,
                   "timings_s": self.timings, "xproj_version": __version__}
        with atomic_write(self.out / "metrics.json", "w") as f:
            json.dump(metrics, f, indent=2, default=_json_default)
        with atomic_write(self.out / "config.toml", "w") as f:
            f.write(to_toml(self.cfg))
        with atomic_write(self.out / "versions.json", "w") as f:
            json.dump(package_versions(), f, indent=2)
        plots = {}
        if self.cfg["output"]["plots"]:
            for tgt in self.tgts:
                y, p = self.predictions[tgt]
                plots[f"confusion-{tgt}.png"] = plot_confusion(y, p, corpus.label_names, self.out / f"confusion-{tgt}.png",
                                                               title=f"{self.src} -> {tgt}")
                # held-out pairs when there are some: they show what the mapping generalises to
                pairs = self.test_dictionaries.get(tgt) or self.dictionaries.get(tgt)
                if isinstance(pairs, list) and pairs:
                    plots[f"pca-{tgt}.png"] = plot_pca_pairs(spaces[tgt], self.src, tgt, pairs,
                                                             self.out / f"pca-{tgt}.png", seed=self.seed)
        if self.cfg["output"]["save_model"]:
            for tgt in self.tgts:
                save_model(self.models[tgt], self.out / f"model-{tgt}.joblib", mapping=self.mappings.get(tgt),
                           config=self.cfg, label_names=corpus.label_names)
                if tgt in self.mappings:
                    self.mappings[tgt].save(self.out / f"mapping-{self.src}-{tgt}")
        write_report(self.out / "report.md", self.cfg, metrics, plots)
        return metrics

    def run(self):
        with self._stage("load data"):
            corpus = self.load_data()
            for (lang, split), (texts, y) in sorted(corpus.raw.items()):
                self.echo(f"  {lang}/{split}: {len(texts)} documents")
        with self._stage("preprocess"):
            self.preprocess(corpus)
        with self._stage("load vectors"):
            vectors = self.load_vectors()
        with self._stage("align"):
            spaces = self.align(vectors)
        with self._stage("train and evaluate"):
            results = self.evaluate(corpus, vectors, spaces)
        with self._stage("report"):
            metrics = self.write_outputs(corpus, spaces, results)
        print(format_results(results))  # even with --quiet: the results are the point
        wrote = ["report.md", "metrics.json"] + (["plots"] if self.cfg["output"]["plots"] else []) + (
            ["model"] if self.cfg["output"]["save_model"] else [])
        print(f"outputs: {self.out}/ ({', '.join(wrote)})")
        return metrics


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def format_results(results) -> str:
    lines = []
    for tgt, rows in results.items():
        lines.append(f"target {tgt}:  {'method':<34} {'macro-F1 [95% CI]':<24} accuracy")
        for name, r in rows.items():
            ci = r.get("macro_f1_ci")
            ci_s = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""
            lines.append(f"            {name:<34} {r['macro_f1']:.3f} {ci_s:<18} {r['accuracy']:.3f}")
    return "\n".join(lines)


# -- command line --------------------------------------------------------------------------

SYNTHETIC_BANNER = """\
xproj synthetic demo: a seeded synthetic bilingual world (no downloads, no real data).
  Real data: xproj run opener-en-es   (OpeNER en->es with ../shared or downloaded vectors)
             xproj run my.toml --set vectors.paths.es=wiki.es.align.vec ...   (see --help)"""


def configure_parser(p):
    import argparse

    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.description = (__doc__.split("\n\n")[0] + "\n\nPresets: " + ", ".join(presets())
                     + "\n\nOptions (set in a TOML file or with --set key=value):\n" + options_help())
    p.add_argument("config", nargs="?", default="synthetic",
                   help="a preset name or a .toml file (default: synthetic, the offline demo)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override one option, e.g. --set features.pooling=sif (repeatable)")
    p.add_argument("--seed", type=int, default=None, help="seed of every random step")
    p.add_argument("--out", default=None, help="output folder (default: <output.dir>/<name>)")
    p.add_argument("--quiet", action="store_true", help="print only errors and the results")


def run_from_args(args) -> int:
    try:
        cfg = load_config(args.config, args.overrides, seed=args.seed)
    except ConfigError as exc:
        print(f"xproj run: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    echo = (lambda *a, **k: None) if args.quiet else print
    if cfg["data"]["dataset"] == "synthetic":
        print(SYNTHETIC_BANNER)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    Experiment(cfg, out_dir=args.out, echo=echo).run()
    return EXIT_OK
