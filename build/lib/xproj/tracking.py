"""Experiment tracking (optional extra ``xproj[tracking]``): a run or a retrain round logs its
parameters, metrics and artifacts to MLflow.

Nothing in the core needs MLflow: :func:`make_tracker` returns a no-op :class:`Tracker` for
``"none"`` and imports MLflow only for ``"mlflow"`` (a missing extra is an ``ImportError``
naming ``pip install 'xproj[tracking]'``, raised before any work). Logging happens after a
run's own outputs are written; a tracking failure (a server down, a full disk) is returned as
a warning line by :func:`track_safely`, never raised: the run's results are already on disk,
and losing them to an optional side channel would be worse than a missing MLflow entry.

Examples
--------
>>> tracker = make_tracker("none", "")
>>> track_safely(tracker, "demo", {"cfg.seed": "0"}, {"es.macro_f1": 0.8}, [], experiment="x")
[]
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from .errors import MissingExtraError

#: allowed values of ``output.tracking`` (xproj.config.choices)
TRACKERS = ("none", "mlflow")

INSTALL_HINT = "experiment tracking needs MLflow: pip install 'xproj[tracking]' (or mlflow-skinny)"
_BATCH = 100            # MLflow's limit of params (and tags) per batch call
_MAX_VALUE = 500        # MLflow 2.x's shortest param value limit; longer values are cut
_NAME = re.compile(r"[^A-Za-z0-9.\-]+")


class Tracker:
    """The no-op tracker (``output.tracking = "none"``); :class:`MlflowTracker` logs for real."""

    def start(self, experiment: str, run_name: str, tags: dict) -> None:
        """Open a run named ``run_name`` in ``experiment`` with string ``tags``."""

    def log_params(self, params: dict) -> None:
        """Log ``{name: string}`` parameters."""

    def log_metrics(self, metrics: dict, step: int = 0) -> None:
        """Log ``{name: number}`` metrics at ``step``."""

    def log_artifacts(self, paths) -> None:
        """Copy these files into the run's artifacts."""

    def end(self, status: str = "FINISHED") -> None:
        """Close the run (``FINISHED`` or ``FAILED``)."""


class MlflowTracker(Tracker):
    """Logs through ``mlflow.tracking.MlflowClient`` (no global active run: safe in a library)."""

    def __init__(self, uri: str):
        if _is_file_store(uri):
            # MLflow 3 refuses its file store unless asked (it prefers sqlite, which needs
            # SQLAlchemy, not in mlflow-skinny): the local folder is what works offline.
            os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        # MLflow 3 sends usage telemetry unless told not to: a batch tool must not phone home
        # unasked (set MLFLOW_DISABLE_TELEMETRY=false to allow it).
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        from mlflow.tracking import MlflowClient

        self.uri = uri
        self.client = MlflowClient(tracking_uri=uri)
        self.run_id = None

    def start(self, experiment, run_name, tags):
        found = self.client.get_experiment_by_name(experiment)
        exp_id = found.experiment_id if found else self.client.create_experiment(experiment)
        self.run_id = self.client.create_run(exp_id, tags=tags, run_name=run_name).info.run_id

    def log_params(self, params):
        from mlflow.entities import Param

        items = [Param(k, v) for k, v in params.items()]
        for i in range(0, len(items), _BATCH):
            self.client.log_batch(self.run_id, params=items[i:i + _BATCH])

    def log_metrics(self, metrics, step=0):
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        items = [Metric(k, float(v), now, step) for k, v in metrics.items()]
        for i in range(0, len(items), 10 * _BATCH):
            self.client.log_batch(self.run_id, metrics=items[i:i + 10 * _BATCH])

    def log_artifacts(self, paths):
        for p in paths:
            self.client.log_artifact(self.run_id, str(p))

    def end(self, status="FINISHED"):
        if self.run_id is not None:
            self.client.set_terminated(self.run_id, status)


def make_tracker(kind: str, uri: str, option: str = "output.tracking_uri") -> Tracker:
    """The tracker of ``output.tracking`` (:data:`TRACKERS`); MLflow imported here, so a
    missing extra (``ImportError`` with the install command) or a URI MLflow cannot use
    (:class:`~xproj.errors.ConfigError` naming ``option``) fails before any work."""
    if kind == "none":
        return Tracker()
    try:
        import mlflow  # noqa: F401  (the check: the client below imports it again)
    except ImportError as exc:
        raise MissingExtraError(INSTALL_HINT) from exc
    try:
        return MlflowTracker(uri)
    except Exception as exc:  # noqa: BLE001  MLflow's own exception types vary by version
        from .errors import ConfigError

        first = str(exc).strip().split(". ")[0]
        raise ConfigError(f"{option} = {uri!r}: MLflow cannot use it ({first}); give a folder, a file: "
                          "or http(s): URI") from None


def resolve_uri(uri: str, default_store) -> str:
    """``uri`` as given, else ``$MLFLOW_TRACKING_URI``, else the folder ``default_store``; a
    plain path becomes an absolute ``file:`` URI (the same store whatever the working folder)."""
    uri = uri or os.environ.get("MLFLOW_TRACKING_URI", "") or str(default_store)
    if not _is_file_store(uri):
        return uri
    path = uri[len("file:"):] if uri.startswith("file:") else uri
    return Path(path).resolve().as_uri()


def default_store(output_dir) -> Path:
    """``mlruns/`` beside the runs' parent folder: ``./mlruns`` for the default ``runs``,
    where ``mlflow ui`` looks."""
    return Path(output_dir).resolve().parent / "mlruns"


def _is_file_store(uri: str) -> bool:
    scheme = uri.split(":", 1)[0] if ":" in uri else ""
    return (scheme in ("", "file") or len(scheme) == 1) and not uri.startswith("databricks")  # 1: a drive letter


def metric_name(*parts) -> str:
    """A name MLflow accepts: ``("es", "xproj (aligned)", "macro_f1")`` -> ``es.xproj_aligned.macro_f1``."""
    return ".".join(_NAME.sub("_", str(p)).strip("_") for p in parts)


def config_params(cfg: dict, prefix="") -> dict:
    """The resolved config flattened to ``{"section.key": string}`` (long values cut)."""
    out = {}
    for k, v in cfg.items():
        if isinstance(v, dict) and not prefix:  # sections; tables inside a section stay whole
            out.update(config_params(v, f"{k}."))
        else:
            text = str(v)
            out[f"{prefix}{k}"] = text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE - 3] + "..."
    return out


def run_metrics(metrics: dict) -> dict:
    """The numbers of a run's ``metrics.json`` worth a chart: per target set and row,
    macro-F1 and accuracy with their 95% interval bounds; per language, BLI P@k."""
    out = {}
    for tgt, rows in metrics.get("results", {}).items():
        for row, scores in rows.items():
            for score in ("macro_f1", "accuracy"):
                if isinstance(scores.get(score), (int, float)):
                    out[metric_name(tgt, row, score)] = scores[score]
                ci = scores.get(f"{score}_ci")
                if ci:
                    out[metric_name(tgt, row, f"{score}_lo")], out[metric_name(tgt, row, f"{score}_hi")] = ci
    for lang, bli in metrics.get("bli", {}).items():
        for retrieval in ("nn", "csls"):
            for k, v in (bli.get(retrieval) or {}).items():
                if isinstance(v, (int, float)):
                    out[metric_name("bli", lang, retrieval, k.replace("@", "_at_"))] = v
    return out


def track_run(tracker, cfg, folder, metrics) -> list:
    """Log a finished run (its folder already written); warning lines, empty when logged."""
    from . import __version__

    folder = Path(folder)
    artifacts = [folder / n for n in ("report.md", "metrics.json", "config.toml")] + sorted(folder.glob("*.png"))
    tags = {"xproj.command": "run", "xproj.version": __version__, "xproj.run_folder": str(folder.resolve()),
            "synthetic": metrics.get("synthetic"), "targets": ",".join(metrics.get("targets", {}))}
    return track_safely(tracker, cfg["name"], config_params(cfg), run_metrics(metrics), artifacts,
                        experiment=cfg["output"]["experiment"] or cfg["name"], tags=tags)


def track_retrain(tracker, result, parent, *, experiment=None) -> list:
    """Log a retrain round (:class:`xproj.loop.retrain.RetrainResult`, its model written):
    step = the model version; the lineage file beside the model is an artifact."""
    import json

    meta = Path(str(result.output) + ".json")
    info = json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}
    lineage, cfg = info.get("lineage", {}), info.get("config") or {}
    rounds = lineage.get("rounds", [])
    params = {"parent": str(parent), "parent_sha256": str(lineage.get("parent", "")), "lang": str(lineage.get("lang", "")),
              "rounds": ",".join(map(str, rounds)), "label_files": ",".join(f["path"] for f in lineage.get("label_files", []))}
    metrics = {"n_labels": result.n_labels, "new_labels": result.new, "changed_labels": result.changed,
               "empty_rows": result.empty, "round": max(rounds, default=0)}
    for when, scores in (result.dev or {}).items():
        metrics[f"dev.{when}.macro_f1"] = scores["macro_f1"]
        if scores.get("macro_f1_ci"):
            metrics[f"dev.{when}.macro_f1_lo"], metrics[f"dev.{when}.macro_f1_hi"] = scores["macro_f1_ci"]
    name = (cfg.get("output") or {}).get("experiment") or cfg.get("name") or "xproj-loop"
    tags = {"xproj.command": "retrain", "model_version": result.version, "model": str(result.output)}
    return track_safely(tracker, f"retrain v{result.version}", params, metrics, [meta],
                        experiment=experiment or name, tags=tags, step=result.version)


def track_safely(tracker, run_name, params, metrics, artifacts, *, experiment, tags=None, step=0) -> list:
    """Log one run; a failure ends the MLflow run as FAILED and comes back as a warning line
    (an empty list: all logged). Every error is caught on purpose: see the module docstring."""
    try:
        tracker.start(experiment, run_name, {k: str(v) for k, v in (tags or {}).items()})
        tracker.log_params(params)
        tracker.log_metrics(metrics, step=step)
        tracker.log_artifacts([p for p in artifacts if Path(p).is_file()])
        tracker.end("FINISHED")
        return []
    except Exception as exc:  # noqa: BLE001  tracking must never cost the run its outputs
        try:
            tracker.end("FAILED")
        except Exception:  # noqa: BLE001
            pass
        where = getattr(tracker, "uri", "tracker")
        return [f"experiment tracking ({where}): not logged: {type(exc).__name__}: {exc}"]
