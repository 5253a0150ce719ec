"""What ``xproj predict`` and ``xproj adapt`` share: a saved model opened for one language,
the texts of a table, and explicit adaptation to a language's unlabelled documents.

A row's label depends only on the row and on the model's saved statistics: statistics are
learnt from a whole file when asked (``adapt``), never from whichever rows happen to be
scored together.

Examples
--------
>>> scorer = Scorer.open("runs/demo/model-es.joblib", "es")         # doctest: +SKIP
>>> scorer.adapt(Table("unlabelled.csv"), "text")                    # doctest: +SKIP
2100
>>> scorer.adaptation()                                              # doctest: +SKIP
'es: own statistics from 2,100 unlabelled documents'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ._io import write_problem
from .errors import ConfigError, InputFormatError, ResourceNotFoundError
from .tables import SNIFF_ROWS, table_columns

__all__ = ["LanguageRouter", "Scorer", "check_chunk_size", "check_distinct", "check_input", "check_n_jobs",
           "check_output", "check_output_folder", "check_text_column", "text_of"]


def check_chunk_size(n: int, option: str = "--chunk-size") -> int:
    if n < 1:
        raise ConfigError(f"{option} must be at least 1, got {n}")
    return n


def check_n_jobs(n, option: str = "--n-jobs"):
    """Refuse a number of workers joblib cannot take (0), before the model is loaded."""
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n == 0):
        raise ConfigError(f"{option} must be a non-zero whole number (-1 = all cores), got {n!r}")
    return n


def check_lang_code(lang, option: str = "--lang", *, also: str = ""):
    """Refuse a language code no preprocessor knows, before any file is read (whether the
    model has it is known when it is opened); ``also`` names other accepted values."""
    from .lang import is_supported, supported_languages

    if not is_supported(lang):
        raise ConfigError(f"{option} {lang}: unknown language code {lang!r}; supported: "
                          f"{', '.join(supported_languages())}{also}")
    return lang


def check_input(path, option: str = "--input") -> Path:
    p = Path(path)
    if p.is_dir():
        raise ResourceNotFoundError(f"{option} {p}: is a directory, expected a file")
    if not p.is_file():
        raise ResourceNotFoundError(f"{option} {p}: no such file")
    return p


def check_distinct(out, source, out_option: str, source_option: str) -> Path:
    """Refuse to write over a file being read (the same file after resolving links)."""
    out = Path(out)
    same = out.exists() and Path(source).exists() and os.path.samefile(out, source)
    if same or out.resolve() == Path(source).resolve():
        raise ConfigError(f"{out_option} {out} is the {source_option} file; choose another name")
    return out


def check_output(path, option: str = "--output") -> Path:
    """Refuse an output that cannot be written (a folder, inside a file, a read-only folder)
    before any work starts."""
    problem = write_problem(path)
    if problem:
        raise ConfigError(f"{option} {path}: {problem}")
    return Path(path)


def check_output_folder(path, option: str = "--output-dir") -> Path:
    """Refuse a folder of outputs that cannot be made or written in (a file of that name, a
    file on its way, a read-only folder) before any work starts."""
    problem = write_problem(Path(path) / "_")
    if problem:
        raise ConfigError(f"{option} {path}: {problem}")
    return Path(path)


def check_text_column(table, text_column, option: str = "--text-column"):
    """Refuse a text column the table does not have (a name not in the header or in any of
    the first JSON records, an index past the last column), before any work starts."""
    is_index = str(text_column).isdigit()
    if table.fmt == "jsonl":
        fields = table_columns(islice(table, SNIFF_ROWS))
        if fields and not is_index and text_column not in fields:
            raise ConfigError(f"{option} {text_column!r}: none of the first {SNIFF_ROWS} records of {table.path} "
                              f"has that field (they have: {', '.join(fields)})")
        return
    columns = table.columns()
    if columns is None:  # no header: rows may differ; each one is checked when read
        return
    if not columns:
        raise InputFormatError(table.path, "empty file: no header row (and no rows)")
    if is_index and int(text_column) >= len(columns):
        raise ConfigError(f"{option} {text_column}: {table.path} has {len(columns)} columns "
                          f"(indexes 0 to {len(columns) - 1})")
    if not is_index and text_column not in columns:
        looks = table.looks_like()
        hint = f"; the file looks like {looks}: try --format {looks}" if looks != table.fmt else ""
        raise ConfigError(f"{option} {text_column!r}: {table.path} has no such column "
                          f"(its header: {', '.join(columns)}){hint}")


@dataclass(frozen=True)
class Adapted:
    """What :meth:`Scorer.adapt` learnt from: ``documents`` texts; ``left_out`` rows were
    unreadable or had no text, the first of them ``first_row`` (its ``first_problem``)."""

    documents: int
    left_out: int = 0
    first_row: int | None = None
    first_problem: str | None = None

    def left_out_line(self, path) -> str | None:
        """One line naming the rows left out of ``path``, or None when none was."""
        if not self.left_out:
            return None
        n = self.left_out
        return (f"{path}: {n} row{'s' if n > 1 else ''} left out of the adaptation (unreadable or without "
                f"a text; first: row {self.first_row}, {self.first_problem})")


_JSON_KINDS = {str: "string", int: "number", float: "number", bool: "true/false", type(None): "null"}


def text_of(fields, text_column):
    """``(text, None)`` or ``(None, problem)`` for one record's fields."""
    if isinstance(fields, dict):
        if text_column in fields:
            value = fields[text_column]
        elif str(text_column).isdigit() and int(text_column) < len(fields):
            value = list(fields.values())[int(text_column)]
        else:
            return None, f"no field {text_column!r}"
    elif isinstance(fields, list) and str(text_column).isdigit() and int(text_column) < len(fields):
        value = fields[int(text_column)]
    elif isinstance(fields, list):
        return None, f"no field {text_column!r} (the row is a list of values, not an object with named fields)"
    else:  # a JSON line holding a string, a number, true/false or null
        return None, f"no field {text_column!r} (the line is a JSON {_JSON_KINDS.get(type(fields), 'value')}, not an object)"
    if not isinstance(value, str):
        return None, f"field {text_column!r} is not a string"
    return value, None


def _unscorable(text: str, n_tokens: int) -> str:
    if not text.strip():
        return "empty text"
    if not n_tokens:
        return "no words in the text"
    return f"no word with a vector (0 of {n_tokens} tokens known)"


def model_languages(model) -> list:
    return list(model.embedder_.space_.languages)


class Scorer:
    """A saved model with the preprocessor of one language.

    Attributes
    ----------
    bundle : dict
        What :func:`xproj.model.load_model` returned (model, mapping, config, label_names).
    model, lang, label_names, preprocessor
    """

    def __init__(self, bundle: dict, lang: str):
        from .features import preprocessor_for
        from .lang import base_code

        self.bundle = bundle
        self.model = bundle["model"]
        known = model_languages(self.model)
        if lang not in known and isinstance(lang, str) and base_code(lang) in known:
            lang = base_code(lang)  # "zh-TW", "pt_BR": the model's language without region or script
        self.lang = lang
        if lang not in known:
            raise ConfigError(f"--lang {lang}: the model has no vectors for {lang!r}; it knows {', '.join(known)}")
        self.label_names = _labels(bundle)
        self.preprocessor = preprocessor_for(lang, self.model.preprocess)  # the model's tokeniser

    @classmethod
    def open(cls, model_path, lang: str) -> "Scorer":
        from .model import load_model

        return cls(load_model(model_path), lang)

    @property
    def has_proba(self) -> bool:
        return self.model.has_proba

    def tokens(self, texts, n_jobs: int = 1) -> list:
        return self.preprocessor.pipe(texts, n_jobs=n_jobs)

    def score(self, texts, n_jobs: int = 1) -> list:
        """One ``(label, probabilities, coverage, problem)`` per text: the index of the label
        in :attr:`label_names` (None when the text cannot be scored), the class probabilities
        (None without ``predict_proba``), the share of tokens that have a vector, and why a
        text is not scored: it has no word with a vector (the empty-document rule of
        :meth:`xproj.model.CrossLingualClassifier.scorable`)."""
        tokens = self.tokens(texts, n_jobs) if texts else []
        if not tokens:
            return []
        cov = self.model.coverage(tokens, self.lang)
        ok = [i for i, k in enumerate(cov["known"]) if k > 0]
        scored = [tokens[i] for i in ok]
        probs = labels = None
        if scored and self.has_proba:
            probs = self.model.predict_proba(scored, lang=self.lang)
            labels = probs.argmax(axis=1)
        elif scored:
            labels = [list(self.model.classes_).index(c) for c in self.model.predict(scored, lang=self.lang)]
        out = [(None, None, float(c), _unscorable(text, n)) for text, c, n in zip(texts, cov["coverage"], cov["tokens"])]
        for j, i in enumerate(ok):
            out[i] = (int(labels[j]), None if probs is None else [float(p) for p in probs[j]], out[i][2], None)
        return out

    def adapt(self, table, text_column, *, chunk_size: int = 5000, n_jobs: int = 1) -> Adapted:
        """Learn the language's statistics from every readable text of ``table`` (one call of
        ``model.adapt``); returns the number of documents and the rows left out (unreadable,
        or without a text) as an :class:`Adapted`."""
        tokens, chunk = [], []
        left_out, first_row, first_problem = 0, None, None
        for rec in table:
            text, problem = text_of(rec.fields, text_column) if rec.error is None else (None, rec.error)
            if text is not None and not text.strip():  # no text: no document (a zero vector would move the mean)
                text, problem = None, "empty text"
            if text is not None:
                chunk.append(text)
            else:
                if not left_out:
                    first_row, first_problem = rec.row, problem
                left_out += 1
            if len(chunk) >= chunk_size:
                tokens += self.tokens(chunk, n_jobs)
                chunk = []
        tokens += self.tokens(chunk, n_jobs) if chunk else []
        if not tokens:
            raise ConfigError(f"{table.path}: no readable texts in column {text_column!r} to adapt on")
        try:
            self.model.adapt(tokens, self.lang, origin=f"unlabelled documents of {Path(table.path).name}")
        except ValueError as exc:  # e.g. the training language, whose statistics come from fit
            raise ConfigError(f"--lang {self.lang}: cannot adapt on {table.path}: {exc}") from None
        return Adapted(len(tokens), left_out, first_row, first_problem)

    def adaptation(self) -> str:
        """Which statistics the language uses, in one line."""
        return self.model.adaptation(self.lang)



class LanguageRouter:
    """Rows routed to the scorer of their own language, detected row by row.

    Built from one model file (every language of its aligned space) or a folder of model
    files (each language to the model that has it as a target language; the source language,
    which every model of the folder was trained on, to the first such file by name). A row
    whose language is not identified, or has no model, is not scored: its ``problem`` says
    why. Scorers are made on the first row of their language.

    Attributes
    ----------
    models : dict
        Language -> path of the model file that scores it.
    label_names : list
    """

    def __init__(self, bundles: dict, models: dict, candidates=None):
        self._bundles, self.models, self.candidates = bundles, models, candidates
        self._scorers = {}
        first = bundles[next(iter(models.values()))]
        for path, bundle in bundles.items():
            if _labels(bundle) != _labels(first):
                raise ConfigError(f"--model {path}: its labels ({', '.join(_labels(bundle))}) differ from "
                                  f"those of the other models ({', '.join(_labels(first))})")
        self.label_names = _labels(first)
        self.has_proba = first["model"].has_proba

    @classmethod
    def open(cls, model_path, candidates=None) -> "LanguageRouter":
        from .model import load_model

        path = Path(model_path)
        files = sorted(path.glob("*.joblib")) if path.is_dir() else [path]
        if not files:
            raise ResourceNotFoundError(f"--model {path}: no model file (*.joblib) in that folder")
        bundles = {f: load_model(f) for f in files}
        return cls(bundles, _language_models(bundles), candidates)

    def _scorer(self, lang: str) -> Scorer:
        if lang not in self._scorers:
            self._scorers[lang] = Scorer(self._bundles[self.models[lang]], lang)
        return self._scorers[lang]

    def score_rows(self, texts, n_jobs: int = 1) -> list:
        """One ``(lang, label, probabilities, coverage, problem)`` per text (see
        :meth:`Scorer.score`); ``lang`` is the detected language (None when not identified)."""
        from .lang.detect import detect

        found = detect(texts, self.candidates)
        out = [(d.lang, None, None, None, d.reason) for d in found]
        known = ", ".join(sorted(self.models))
        by_lang = {}
        for i, d in enumerate(found):
            if d.lang is not None and d.lang not in self.models:
                out[i] = (d.lang, None, None, None, f"no model for language {d.lang!r} (models for {known})")
            elif d.lang is not None:
                by_lang.setdefault(d.lang, []).append(i)
        for lang, rows in by_lang.items():
            for i, result in zip(rows, self._scorer(lang).score([texts[i] for i in rows], n_jobs)):
                out[i] = (lang, *result)
        return out

    def adaptation(self) -> str:
        """Which statistics each language used so far, in one line."""
        return "; ".join(self._scorers[lang].adaptation() for lang in sorted(self._scorers)) or "no row scored"


def _labels(bundle) -> list:
    return bundle.get("label_names") or [str(c) for c in bundle["model"].classes_]


def _language_models(bundles: dict) -> dict:
    """Language -> model file: a language's target model; the source language from the first
    file (by name) trained on it. Two files with the same target language are refused."""
    targets, sources = {}, {}
    for path, bundle in bundles.items():
        model = bundle["model"]
        for lang in model_languages(model):
            if lang == model.source_lang:
                sources.setdefault(lang, path)
            elif lang in targets:
                raise ConfigError(f"--model {path.parent}: {targets[lang].name} and {path.name} are both models "
                                  f"for {lang!r}; keep one model per language in the folder")
            else:
                targets[lang] = path
    return {**sources, **targets}
