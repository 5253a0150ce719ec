"""The dataset registry, load_split (every layout) and the default location of a dataset."""

import contextlib
import functools
import http.server
import threading

import numpy as np
import pytest
from test_datasets import write_opener

from xproj.config import load_config
from xproj.datasets import DATASETS, dataset_location, dataset_spec, load_split
from xproj.datasets.common import canonical_task
from xproj.datasets.opener import OPENER_4CLASS_LABELS
from xproj.errors import ConfigError, ResourceNotFoundError


def test_registry_drives_config_choices_and_aliases():
    assert dataset_spec("MultiBooked").name == "opener" and dataset_spec("webis_cls").name == "webis-cls-10"
    with pytest.raises(ConfigError, match="unknown dataset 'imdb'.*opener"):
        dataset_spec("imdb")
    for name, spec in DATASETS.items():
        if spec.in_runs:
            assert load_config("synthetic", [f"data.target_dataset={name}"])["data"]["target_dataset"] == name
    with pytest.raises(ConfigError, match="data.dataset"):
        load_config("synthetic", ["data.dataset=opener-translated"])
    # one spelling per task, the other accepted in one place
    assert canonical_task("4-class") == canonical_task("4class") == "4class"
    assert load_config("synthetic", ["data.task=5-class"])["data"]["task"] == "5-class"
    with pytest.raises(ConfigError, match="marc task must be 'binary' or '5class'"):
        load_split("marc", "x", "de", "train", task="4class")


def test_splits_layout_and_missing_dev(tmp_path):
    write_opener(tmp_path / "es", splits=("train", "test"))
    d = load_split("opener", tmp_path, "es", "train", task="4-class")
    assert len(d) == 10 and d.label_names == OPENER_4CLASS_LABELS and d.meta["task"] == "4class"
    assert load_split("opener", tmp_path, "es", "dev") is None
    with pytest.raises(ResourceNotFoundError, match="data.root: .*nowhere: no such file"):
        load_split("opener", tmp_path / "nowhere", "es", "train")


def test_train_test_layout_has_no_dev(tmp_path):
    assert load_split("webis-cls-10", tmp_path, "de", "dev", options={"domain": "books"}) is None


def write_table(path, n=60):
    rows = ["text,label"] + [f"doc {i} {'good' if i % 3 else 'bad'},{int(i % 3 > 0)}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_one_file_layout_is_split_here(tmp_path):
    write_table(tmp_path / "en.csv", 100)
    opts = {"text_column": "text", "label_column": "label", "domain": "books"}  # domain: not the table's
    parts = {s: load_split("table", str(tmp_path / "{lang}.csv"), "en", s, options=opts, seed=1)
             for s in ("train", "dev", "test")}
    assert [len(parts[s]) for s in ("train", "dev", "test")] == [70, 10, 20]
    assert sorted(sum((p.texts for p in parts.values()), [])) == sorted(f"doc {i} {'good' if i % 3 else 'bad'}"
                                                                          for i in range(100))
    # a target language's file is all test
    assert load_split("table", str(tmp_path / "{lang}.csv"), "en", "train", options=opts, source=False) is None
    assert len(load_split("table", str(tmp_path / "{lang}.csv"), "en", "test", options=opts, source=False)) == 100
    # a changed file is read again
    write_table(tmp_path / "en.csv", 50)
    assert len(load_split("table", str(tmp_path / "{lang}.csv"), "en", "test", options=opts, source=False)) == 50
    with pytest.raises(ConfigError, match="text_column"):
        load_split("table", str(tmp_path / "{lang}.csv"), "en", "test")


def test_split_template_and_chnsenticorp_folder(tmp_path):
    for s in ("train", "test"):
        write_table(tmp_path / f"fr-{s}.csv", 30)
    opts = {"text_column": "text", "label_column": "label"}
    assert len(load_split("table", str(tmp_path / "{lang}-{split}.csv"), "fr", "test", options=opts)) == 30
    assert load_split("table", str(tmp_path / "{lang}-{split}.csv"), "fr", "dev", options=opts) is None
    (tmp_path / "chn").mkdir()
    rows = "".join(f"{i % 2},评论{i}\n" for i in range(40))
    (tmp_path / "chn" / "ChnSentiCorp_htl_all.csv").write_text(rows, encoding="utf-8")
    assert len(load_split("chnsenticorp", tmp_path / "chn", "zh", "test", source=False)) == 40


# --- empty data.root: the shared folder, else the download cache --------------------------------


@pytest.fixture
def no_shared(tmp_path, monkeypatch):
    empty = tmp_path / "empty-shared"
    empty.mkdir()
    monkeypatch.setenv("XPROJ_SHARED", str(empty))
    for var in ("XPROJ_OFFLINE", "XPROJ_MIRROR", "XPROJ_MARC"):
        monkeypatch.delenv(var, raising=False)
    return empty


def test_empty_root_uses_shared_folder_first(no_shared):
    write_opener(no_shared / "data" / "opener" / "es")
    assert dataset_location("opener", "es") == no_shared / "data" / "opener"
    assert len(load_split("opener", "", "es", "test")) == 10


def test_empty_root_uses_prepopulated_cache(no_shared, tmp_path):
    # the autouse fixture points XPROJ_DATA at tmp_path / "xproj-data"
    write_opener(tmp_path / "xproj-data" / "datasets" / "opener" / "eu", lang="eu")
    assert len(load_split("opener", "", "eu", "train", offline=True)) == 10
    with pytest.raises(ResourceNotFoundError, match="opener:ca"):
        load_split("opener", "", "ca", "train", offline=True)
    with pytest.raises(ResourceNotFoundError, match="data.root is empty and table cannot be downloaded"):
        load_split("table", "", "en", "train")


@contextlib.contextmanager
def serve(folder):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_empty_root_downloads_from_mirror(no_shared, tmp_path, monkeypatch):
    site = tmp_path / "site"
    write_opener(site / "raw.githubusercontent.com/jerbarnes/blse/master/datasets/es/opener_sents")
    with serve(site) as url:
        monkeypatch.setenv("XPROJ_MIRROR", url)
        d = load_split("opener", "", "es", "dev")
    assert len(d) == 10 and np.bincount(d.labels).tolist() == [3, 7]
    assert (tmp_path / "xproj-data" / "datasets" / "opener" / "es" / "dev" / "pos.txt").is_file()
