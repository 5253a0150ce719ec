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
from xproj.datasets.labels import match_labels, relabel
from xproj.datasets.opener import OPENER_4CLASS_LABELS
from xproj.datasets.shared_sets import SHARED_SETS
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


# --- the shared one-file sets and class renaming ---------------------------------------------

# README of the shared data folder: rows, positive, negative
SHARED_COUNTS = {"online-shopping": (20000, 10088, 9912), "sb10k": (2847, 1717, 1130),
                 "allocine-tv": (3725, 2045, 1680), "tripadvisor-restaurants": (4058, 3367, 691),
                 "chabsa": (2221, 1339, 882)}


def test_shared_sets_are_registered_one_file_datasets(tmp_path):
    for s in SHARED_SETS:
        spec = dataset_spec(s.name)
        assert (spec.layout, spec.languages, spec.shared, spec.file) == ("one-file", (s.lang,), s.folder, s.file)
        folder = tmp_path / s.folder
        folder.mkdir()
        rows = ["label,text"] + [f'{i % 2},"text {i}, with a comma"' for i in range(30)]
        (folder / s.file).write_text("\n".join(rows) + "\n", encoding="utf-8")
        d = load_split(s.name, folder, s.lang, "test", source=False)
        assert d.label_names == ["negative", "positive"] and d.counts() == {"negative": 15, "positive": 15}
        assert d.texts[1] == "text 1, with a comma" and d.labels[1] == 1 and d.name == s.name
    assert dataset_spec("online_shopping_10_cats").name == "online-shopping"
    (tmp_path / "bad.csv").write_text("label,text\n2,huh\n", encoding="utf-8")
    with pytest.raises(Exception, match="line 2: label '2' not in label_map"):
        load_split("sb10k", tmp_path / "bad.csv", "de", "test", source=False)


@pytest.mark.data
@pytest.mark.parametrize("name", sorted(SHARED_COUNTS))
def test_real_shared_sets_load_with_their_readme_counts(name):
    from conftest import shared_file

    s = next(s for s in SHARED_SETS if s.name == name)
    shared_file("data", s.folder, s.file)
    d = load_split(name, "", s.lang, "test", source=False)  # the shared folder: data.root = ""
    n, pos, neg = SHARED_COUNTS[name]
    assert len(d) == n and d.counts() == {"negative": neg, "positive": pos} and d.lang == s.lang


def test_relabel_renames_merges_and_drops():
    from xproj.datasets.base import Dataset

    d = Dataset(["a", "b", "c", "d"], [0, 1, 2, 3], "fr", "all", ["1", "2", "3", "4"])
    r = relabel(d, {1: "negative", "2": "negative", "3": "", "4": "positive"})
    assert r.label_names == ["negative", "positive"] and r.labels.tolist() == [0, 0, 1] and r.texts == ["a", "b", "d"]
    assert relabel(d, {}) is d and relabel(d, {"9": "x"}).label_names == d.label_names
    # same names in another order: ids follow the source's order
    flipped = Dataset(["good", "bad"], [0, 1], "de", "all", ["positive", "negative"])
    m = match_labels(flipped, ["negative", "positive"], "sb10k (de)", "data.target_label_map")
    assert m.labels.tolist() == [1, 0] and m.label_names == ["negative", "positive"]
    with pytest.raises(ConfigError, match=r"classes \['0', '1'\] but the source data has \['negative', 'positive'\]: "
                                          r"rename them with data.target_label_map \(e.g. --set "
                                          r"data.target_label_map.0=negative --set data.target_label_map.1=positive\)"):
        match_labels(Dataset(["x"], [0], "de", "all", ["0", "1"]), ["negative", "positive"], "table (de)",
                     "data.target_label_map")
