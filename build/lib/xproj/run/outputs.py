"""Stage 7 of a run: everything written to ``runs/<name>/``, in one place.

``metrics.json``, ``config.toml``, ``versions.json``, plots, the fitted models and mappings,
and ``report.md``; written into a temporary folder that replaces the run folder whole when
complete (:mod:`xproj.run.folder`), so a folder never mixes two runs or holds half of one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import __version__
from .._io import atomic_write
from .folder import staged_run_dir


def json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def run_warnings(spaces, results) -> list:
    """Every warning of a run's stages, in order (alignment, then evaluation)."""
    return [w for ts in spaces.values() for w in ts.warnings] + [w for r in results.values() for w in r.warnings]


def add_warnings(out_dir, metrics, warnings) -> list:
    """Append late ``warnings`` (after the folder was written: tracking) to ``metrics`` and
    its ``metrics.json``; returns them. ``report.md`` keeps the warnings it was written with."""
    if warnings:
        metrics["warnings"] = list(metrics["warnings"]) + list(warnings)
        with atomic_write(Path(out_dir) / "metrics.json", "w") as f:
            json.dump(metrics, f, indent=2, default=json_default)
    return warnings


def write_outputs(out_dir, cfg, corpus, spaces, results, timings, *, option="output folder",
                  failures=None) -> dict:
    """Write the run folder (replacing an earlier run's folder whole); returns the metrics
    dict (what ``metrics.json`` holds). ``spaces`` are keyed by language, ``results`` by
    target set id (:func:`xproj.run.corpus.target_sets`), ``failures`` (id -> message) are
    the sets that gave no result. ``option`` names the place in errors."""
    from .corpus import target_sets
    from .evaluate import METHOD

    src = cfg["data"]["source_lang"]
    metrics = {"name": cfg["name"], "synthetic": corpus.world is not None, "source_lang": src,
               "label_names": corpus.label_names, "data": corpus.counts(),
               "targets": {t.id: {"lang": t.lang, "dataset": t.dataset} for t in target_sets(cfg)},
               "failures": dict(failures or {}),
               "bli": {lang: ts.bli for lang, ts in spaces.items() if ts.bli is not None},
               # alignment.instance_k: the source side's InstaMap correction (its parameters, dictionary words)
               "instance": {lang: ts.mapping.metadata["instance"] for lang, ts in spaces.items()
                            if ts.mapping is not None and not ts.mapping.linear},
               "dictionary_anchor": {lang: ts.anchor for lang, ts in spaces.items() if ts.anchor},
               "polarity_lexicon": {lang: {"words": len({w for _, w in ts.lexicon_pairs}), "pairs": len(ts.lexicon_pairs)}
                                    for lang, ts in spaces.items() if ts.lexicon_pairs},
               "scripts": {lang: ts.script_normalization for lang, ts in spaces.items() if ts.script_normalization},
               "adaptation": {tgt: r.adaptation for tgt, r in results.items()},
               "empty_docs": {tgt: r.rows[METHOD]["empty_docs"] for tgt, r in results.items()},
               "priors": {tgt: r.diagnostics["priors"] for tgt, r in results.items() if r.diagnostics},
               "calibration": {tgt: r.diagnostics["calibration"] for tgt, r in results.items() if r.diagnostics},
               "warnings": list(corpus.warnings) + run_warnings(spaces, results),
               "results": {tgt: r.rows for tgt, r in results.items()},
               "timings_s": timings, "xproj_version": __version__}
    with staged_run_dir(out_dir, option) as tmp:
        _write_files(tmp, Path(out_dir), cfg, corpus, spaces, results, metrics)
    return metrics


def _write_files(out, final, cfg, corpus, spaces, results, metrics):
    from .. import report
    from ..config import to_toml
    from ..model import package_versions, save_model
    from ..report_calibration import plot_reliability

    src = cfg["data"]["source_lang"]
    with atomic_write(out / "metrics.json", "w") as f:
        json.dump(metrics, f, indent=2, default=json_default)
    with atomic_write(out / "config.toml", "w") as f:
        f.write(to_toml(cfg))
    with atomic_write(out / "versions.json", "w") as f:
        json.dump(package_versions(), f, indent=2)
    plots = {}
    if cfg["output"]["plots"]:
        for tgt, r in results.items():
            name = f"confusion-{report.file_stem(tgt)}.png"
            plots[name] = report.plot_confusion(r.y_test, r.predicted, corpus.label_names, out / name,
                                                title=f"{src} -> {tgt}")
            if r.diagnostics:
                name = report.reliability_plot_name(tgt)
                plots[name] = plot_reliability(r.diagnostics["calibration"], out / name, title=f"{src} -> {tgt}")
        for lang, ts in spaces.items():
            # held-out pairs when there are some: they show what the mapping generalises to
            pairs = ts.test_dictionary or ts.dictionary
            if isinstance(pairs, list) and pairs:
                plots[f"pca-{lang}.png"] = report.plot_pca_pairs(ts.space, src, lang, pairs,
                                                                 out / f"pca-{lang}.png", seed=cfg["seed"])
    if cfg["output"]["save_model"]:
        for tgt, r in results.items():
            save_model(r.fitted.model, out / f"model-{report.file_stem(tgt)}.joblib",
                       mapping=spaces[corpus.lang_of(tgt)].mapping, config=cfg, label_names=corpus.label_names)
        for lang, ts in spaces.items():
            if ts.mapping is not None:
                ts.mapping.save(out / f"mapping-{src}-{lang}")
    report.write_report(out / "report.md", cfg, metrics, plots, run_folder=final)
