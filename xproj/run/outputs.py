"""Stage 7 of a run: everything written to ``runs/<name>/``, in one place.

``metrics.json``, ``config.toml``, ``versions.json``, plots, the fitted models and mappings,
and ``report.md``; each file written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import __version__
from .._io import atomic_write


def json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


def write_outputs(out_dir, cfg, corpus, spaces, results, timings) -> dict:
    """Write the run folder; returns the metrics dict (what ``metrics.json`` holds)."""
    from ..config import to_toml
    from ..model import package_versions, save_model
    from ..report import plot_confusion, plot_pca_pairs, write_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    src = cfg["data"]["source_lang"]
    metrics = {"name": cfg["name"], "synthetic": corpus.world is not None, "source_lang": src,
               "label_names": corpus.label_names, "data": corpus.counts(),
               "bli": {tgt: ts.bli for tgt, ts in spaces.items() if ts.bli is not None},
               "adaptation": {tgt: r.adaptation for tgt, r in results.items()},
               "results": {tgt: r.rows for tgt, r in results.items()},
               "timings_s": timings, "xproj_version": __version__}
    with atomic_write(out / "metrics.json", "w") as f:
        json.dump(metrics, f, indent=2, default=json_default)
    with atomic_write(out / "config.toml", "w") as f:
        f.write(to_toml(cfg))
    with atomic_write(out / "versions.json", "w") as f:
        json.dump(package_versions(), f, indent=2)
    plots = {}
    if cfg["output"]["plots"]:
        for tgt, r in results.items():
            plots[f"confusion-{tgt}.png"] = plot_confusion(r.y_test, r.predicted, corpus.label_names,
                                                           out / f"confusion-{tgt}.png", title=f"{src} -> {tgt}")
            # held-out pairs when there are some: they show what the mapping generalises to
            pairs = spaces[tgt].test_dictionary or spaces[tgt].dictionary
            if isinstance(pairs, list) and pairs:
                plots[f"pca-{tgt}.png"] = plot_pca_pairs(spaces[tgt].space, src, tgt, pairs,
                                                         out / f"pca-{tgt}.png", seed=cfg["seed"])
    if cfg["output"]["save_model"]:
        for tgt, r in results.items():
            mapping = spaces[tgt].mapping
            save_model(r.fitted.model, out / f"model-{tgt}.joblib", mapping=mapping, config=cfg,
                       label_names=corpus.label_names)
            if mapping is not None:
                mapping.save(out / f"mapping-{src}-{tgt}")
    write_report(out / "report.md", cfg, metrics, plots)
    return metrics
