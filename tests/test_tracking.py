"""Experiment tracking (``output.tracking``, ``xproj retrain --track``) with MLflow's local file
store: what is logged is read back with ``MlflowClient``; ``none`` writes nothing; a missing
extra stops before any work; a tracking failure is a warning and the run's outputs stay."""

import builtins
import json

import pytest
from test_loop_queue import fill, pool, queue  # noqa: F401  (fixtures: a queued es pool)
from test_predict import model  # noqa: F401  (fixture: a small saved synthetic en->es model)

from xproj.cli import main
from xproj.config import load_config
from xproj.tracking import config_params, default_store, metric_name, resolve_uri

mlflow = pytest.importorskip("mlflow")

# the smallest world the config allows (tests/test_run.py FAST), with intervals and plots
FAST = [a for o in ["synthetic.n_words=300", "synthetic.dim=10", "synthetic.n_train_docs=100",
                    "synthetic.n_test_docs=40", "evaluation.bootstrap=20", "model.C=[1.0]",
                    "model.class_weight=['none']", "evaluation.baselines=[]", "output.save_model=false",
                    "output.plots=true"] for a in ("--set", o)]


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")  # MLflow 3 would try to phone home
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)


def client(uri):
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=uri)


def only_run(uri, experiment):
    c = client(uri)
    runs = c.search_runs([c.get_experiment_by_name(experiment).experiment_id])
    assert len(runs) == 1
    return c, runs[0]


def test_run_logs_params_metrics_and_artifacts(tmp_path):
    uri = f"file:{tmp_path}/mlruns"
    out = tmp_path / "runs" / "demo"
    assert main(["run", "synthetic", "--quiet", "--out", str(out), *FAST, "--set", "output.tracking=mlflow",
                 "--set", f"output.tracking_uri='{uri}'", "--set", "output.experiment='tiny'"]) == 0
    assert not (tmp_path / "runs" / "mlruns").exists()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["warnings"] == []
    c, run = only_run(uri, "tiny")
    assert run.info.status == "FINISHED" and run.data.tags["xproj.command"] == "run"
    assert run.data.params["features.pooling"] == "mean" and run.data.params["seed"] == "0"
    method = metrics["results"]["es"]["xproj (aligned)"]
    assert run.data.metrics["es.xproj_aligned.macro_f1"] == pytest.approx(method["macro_f1"])
    assert run.data.metrics["es.xproj_aligned.macro_f1_lo"] == pytest.approx(method["macro_f1_ci"][0])
    assert run.data.metrics["bli.es.csls.p_at_1"] == pytest.approx(metrics["bli"]["es"]["csls"]["p@1"])
    artifacts = {a.path for a in c.list_artifacts(run.info.run_id)}
    assert {"report.md", "metrics.json", "config.toml", "confusion-es.png"} <= artifacts


def test_none_writes_no_store_and_the_default_store_sits_beside_output_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "synthetic", "--quiet", *FAST, "--set", "output.plots=false"]) == 0
    assert (tmp_path / "runs" / "synthetic-demo" / "metrics.json").is_file()
    assert not list(tmp_path.rglob("mlruns"))
    assert resolve_uri("", default_store("runs")) == (tmp_path / "mlruns").as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert resolve_uri("", default_store("runs")) == "http://127.0.0.1:5000"
    assert resolve_uri("rel/store", "x") == (tmp_path / "rel" / "store").as_uri()


def test_missing_extra_is_one_line_exit_1_before_any_work(tmp_path, monkeypatch, capsys):
    real_import = builtins.__import__

    def no_mlflow(name, *a, **k):
        if name == "mlflow" or name.startswith("mlflow."):
            raise ImportError("No module named 'mlflow'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_mlflow)
    out = tmp_path / "r"
    assert main(["run", "synthetic", "--quiet", "--out", str(out), *FAST, "--set", "output.tracking=mlflow"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'xproj[tracking]'" in err[0]
    assert not out.exists() and not list(tmp_path.rglob("mlruns"))


def test_unknown_tracker_or_unusable_uri_is_a_configuration_error(tmp_path, capsys):
    with pytest.raises(Exception, match="output.tracking = 'wandb' is not one of 'none', 'mlflow'"):
        load_config("synthetic", ["output.tracking=wandb"])
    out = tmp_path / "r"
    assert main(["run", "synthetic", "--out", str(out), *FAST, "--set", "output.tracking=mlflow",
                 "--set", "output.tracking_uri='foo://x'"]) == 2
    assert "output.tracking_uri = 'foo://x': MLflow cannot use it" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("key", ["tracking_uri", "experiment"])
def test_a_tracking_option_without_a_tracker_is_refused_before_work(tmp_path, capsys, key):
    out = tmp_path / "r"
    assert main(["run", "synthetic", "--out", str(out), *FAST, "--set", f"output.{key}='x'"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"output.{key} = 'x' is set but output.tracking = \"none\"" in err[0]
    assert not out.exists()


def test_a_tracking_failure_is_a_warning_and_the_run_is_kept(tmp_path, monkeypatch, capsys):
    from xproj.tracking import MlflowTracker

    def broken(self, *a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(MlflowTracker, "log_artifacts", broken)
    uri = f"file:{tmp_path}/mlruns"
    out = tmp_path / "r"
    assert main(["run", "synthetic", "--quiet", "--out", str(out), *FAST, "--set", "output.tracking=mlflow",
                 "--set", f"output.tracking_uri='{uri}'"]) == 0
    warnings = json.loads((out / "metrics.json").read_text())["warnings"]
    assert len(warnings) == 1 and "not logged: OSError: disk full" in warnings[0]
    assert "not logged" in capsys.readouterr().err and (out / "report.md").is_file()
    assert only_run(uri, "synthetic-demo")[1].info.status == "FAILED"


def test_retrain_round_is_logged(tmp_path, model, pool):  # noqa: F811
    pool_path, truth, dev = pool
    queue(model, pool_path, tmp_path / "queue.csv")
    labels = fill(tmp_path / "queue.csv", tmp_path / "filled.csv", truth)
    uri = f"file:{tmp_path}/mlruns"
    assert main(["retrain", "--model", str(model), "--labels", str(labels), "--out", str(tmp_path / "v1.joblib"),
                 "--dev", str(dev), "--bootstrap", "20", "--track", uri, "--experiment", "loop"]) == 0
    c, run = only_run(uri, "loop")
    assert run.data.metrics["round"] == 1 and run.data.metrics["n_labels"] == 10
    assert {"dev.before.macro_f1", "dev.after.macro_f1_hi"} <= set(run.data.metrics)
    assert run.data.params["rounds"] == "1" and run.data.params["lang"] == "es"
    assert [a.path for a in c.list_artifacts(run.info.run_id)] == ["v1.joblib.json"]


def test_names_and_params():
    assert metric_name("zh/chnsenticorp", "xproj (aligned)", "macro_f1") == "zh_chnsenticorp.xproj_aligned.macro_f1"
    params = config_params(load_config("synthetic"))
    assert params["output.tracking"] == "none" and params["name"] == "synthetic-demo"
    assert all(len(v) <= 500 for v in params.values())
