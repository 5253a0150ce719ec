"""The one table reader (CSV/TSV/JSON lines) and the one location resolver."""

import gzip

import pytest

from xproj.errors import ConfigError, InputFormatError, ResourceNotFoundError
from xproj.locate import locate
from xproj.tables import Table, infer_format


def test_infer_format():
    assert [infer_format(n) for n in ("a.csv", "a.TSV.gz", "a.json", "a.ndjson.xz")] == ["csv", "tsv", "jsonl", "jsonl"]
    assert infer_format("a.txt", "json-lines") == "jsonl"
    with pytest.raises(ConfigError, match=r"a\.txt: cannot tell the format"):
        infer_format("a.txt")
    with pytest.raises(ConfigError, match="format must be"):
        infer_format("a.csv", "xml")


def test_csv_rows_keep_every_column_and_number_rows(tmp_path):
    p = tmp_path / "t.csv.gz"
    data = b'id,text\n1,"a, quoted\nline"\n\n2,b,extra\n3,\xff\n4,ok\n'
    p.write_bytes(gzip.compress(data))
    t = Table(p)
    assert t.columns() == ["id", "text"]
    recs = list(t)
    assert [r.row for r in recs] == [1, 2, 3, 4] and [r.line for r in recs] == [2, 5, 6, 7]
    assert recs[0].fields == {"id": "1", "text": "a, quoted\nline"}
    assert recs[1].error == "3 columns, expected 2 (id, text)"
    assert recs[2].error == "not valid UTF-8" and recs[3].fields == {"id": "4", "text": "ok"}
    assert list(t)[3] == recs[3]  # iterating again reads the file again


def test_jsonl_rows_and_columns(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(b'{"id": 1, "text": "a"}\n\n{oops\n{"text": "b", "extra": [1]}\n' + b'{"text": "\xff"}\n')
    t = Table(p)
    assert t.columns() == ["id", "text", "extra"]
    recs = list(t)
    assert [(r.row, r.line) for r in recs] == [(1, 1), (2, 3), (3, 4), (4, 5)]
    assert recs[1].error.startswith("invalid JSON line") and recs[3].error == "not valid UTF-8"
    q = tmp_path / "arr.json"
    q.write_text('[{"text": "a"},\n {"text": "b"}]\n', encoding="utf-8")
    assert [r.fields["text"] for r in Table(q)] == ["a", "b"]
    q.write_text('[{"text": "a"},\n {"text": }]\n', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"arr\.json, line 2: invalid JSON"):
        list(Table(q))


def test_tsv_without_header(tmp_path):
    p = tmp_path / "t.tsv"
    p.write_text("a\t1\nb\t0\n", encoding="utf-8")
    t = Table(p, header=False)
    assert t.columns() is None and [r.fields for r in t] == [["a", "1"], ["b", "0"]]


def test_locate_paths_specs_and_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("XPROJ_SHARED", str(tmp_path))
    (tmp_path / "v.vec").write_text("1 1\na 0\n")
    assert locate("{shared}/v.vec", "vectors.paths.es") == tmp_path / "v.vec"
    with pytest.raises(ResourceNotFoundError, match=r"vectors\.paths\.es: .*nope\.vec: no such file, and not a resource spec"):
        locate("{shared}/nope.vec", "vectors.paths.es")
    with pytest.raises(ResourceNotFoundError, match="data.root is empty"):
        locate("", "data.root")
    cached = tmp_path / "xproj-data" / "dictionaries" / "en-es.0-5000.txt"
    cached.parent.mkdir(parents=True)
    cached.write_text("a b\n")
    assert locate("dict:en-es@train", "alignment.dictionary", offline=True) == cached
    with pytest.raises(ResourceNotFoundError, match="offline"):
        locate("dict:en-fr@train", "alignment.dictionary", offline=True)
