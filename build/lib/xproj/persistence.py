"""Saving and loading fitted models: joblib (atomic) plus a JSON file of the config, label
names and package versions beside it."""

from __future__ import annotations

import json
import platform
from pathlib import Path

from . import __version__
from .errors import InputFormatError, ResourceNotFoundError


def save_model(model, path, *, mapping=None, config=None, label_names=None, lineage=None):
    """Save a fitted model with joblib (atomic), with its mapping and config beside it.

    Writes ``path`` (joblib), and ``path`` + ``.json`` (config, label names, translation vote,
    versions; ``lineage``, a retrained model's, in the same write). The aligned space (every
    language's mapped vectors) is stored inside the model file, so a saved model predicts
    without the original vector files.
    """
    import joblib

    from ._io import atomic_write

    path = Path(path)
    meta = {"format": "xproj-model/2", "label_names": label_names, "config": config,
            "translation_vote": _translation_votes(model), "student": _students(model), "versions": package_versions(),
            **({"lineage": lineage} if lineage is not None else {})}
    text = json.dumps(meta, indent=2, default=str)
    # Both files are written in full before either is renamed into place: a failure while
    # writing either leaves the old pair as it was (only the last rename can still fail alone).
    with atomic_write(path.with_name(path.name + ".json"), "w") as meta_file:
        meta_file.write(text)
        meta_file.flush()
        with atomic_write(path, "wb") as f:
            joblib.dump({"model": model, "mapping": mapping, "label_names": label_names,
                         "config": config}, f, compress=3)
    return path


def _translation_votes(model) -> dict:
    """``{lang: weight, words, origin}`` of the translations the model carries (the vote is
    part of the pickled model; models saved before it load with the vote off)."""
    return {lang: model.translation_vote(lang) for lang in getattr(model, "translations_", None) or {}}


def _students(model) -> dict:
    """``{lang: kind, weight, ...}`` of the target-native students the model carries
    (:mod:`xproj.student`; part of the pickled model)."""
    return {lang: model.student(lang) for lang in getattr(model, "students_", None) or {}}


def model_lineage(path) -> dict:
    """The ``lineage`` :func:`save_model` wrote beside the model at ``path`` ({} for a model
    that was not retrained, or whose ``.json`` is missing or unreadable)."""
    meta_path = Path(path).with_name(Path(path).name + ".json")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    lineage = meta.get("lineage") if isinstance(meta, dict) else None
    return lineage if isinstance(lineage, dict) else {}


def load_model(path):
    """Load what :func:`save_model` wrote: a dict with ``model``, ``mapping``, ``label_names``,
    ``config``."""
    import joblib

    path = Path(path)
    if not path.exists():
        raise ResourceNotFoundError(f"{path}: no such model file")
    try:
        bundle = joblib.load(path)
    except Exception as exc:  # joblib raises many kinds on a damaged file
        raise InputFormatError(path, f"not an xproj model file ({type(exc).__name__}: {exc})") from None
    if not isinstance(bundle, dict) or "model" not in bundle:
        raise InputFormatError(path, "not an xproj model file (no 'model' entry)")
    if not hasattr(bundle["model"], "pipeline_"):
        raise InputFormatError(path, "saved by an older xproj (statistics taken from each batch); "
                               "re-run the experiment to save a model with explicit adaptation")
    return bundle


def package_versions() -> dict:
    """Versions of Python and the packages a run depends on (recorded beside outputs)."""
    from importlib import metadata

    out = {"python": platform.python_version(), "xproj": __version__}
    for name in ("numpy", "scipy", "scikit-learn", "spacy", "jieba", "fasttext-numpy2-wheel", "joblib"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
