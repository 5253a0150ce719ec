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


def stray_quote_file(path, sep=","):
    """100 rows; row 11 opens a quote it never closes; some later rows quote their text."""
    lines = [f"id{sep}text"]
    for i in range(1, 101):
        text = '"unclosed text' if i == 11 else f'"row {i}{sep} quoted"' if i % 7 == 0 else f"row {i}"
        lines.append(f"{i}{sep}{text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name, sep", [("q.csv", ","), ("q.tsv", "\t")])
def test_a_stray_quote_costs_only_its_row(tmp_path, name, sep):
    recs = list(Table(stray_quote_file(tmp_path / name, sep)))
    assert len(recs) == 100 and [r.row for r in recs] == list(range(1, 101))
    bad = [r for r in recs if r.error]
    assert [(r.row, r.line) for r in bad] == [(11, 12)] and "quote" in bad[0].error
    assert recs[11].fields == {"id": "12", "text": "row 12"}
    assert recs[13].fields == {"id": "14", "text": f"row 14{sep} quoted"}
    assert all(r.end_line == r.line for r in recs)  # one physical line each


def test_quoted_line_breaks_still_join_lines(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text('id,text\n1,"two\nlines"\n2,"bad "quote" inside"\n3,ok\n4,"never closed\n', encoding="utf-8")
    recs = list(Table(p))
    assert [(r.row, r.line, r.end_line) for r in recs] == [(1, 2, 3), (2, 4, 4), (3, 5, 5), (4, 6, 6)]
    assert recs[0].fields["text"] == "two\nlines" and recs[2].fields["text"] == "ok"
    assert recs[1].error.startswith("malformed quoting") and recs[3].error.startswith("unclosed quote")


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    p = tmp_path / "bom.csv"
    p.write_bytes("\ufeffid,text\n1,a\n".encode())
    assert Table(p).columns() == ["id", "text"] and list(Table(p))[0].fields == {"id": "1", "text": "a"}
    j = tmp_path / "bom.jsonl"
    j.write_bytes('\ufeff{"text": "a"}\n'.encode())
    assert [r.fields for r in Table(j)] == [{"text": "a"}]
    import io

    from xproj.tables import iter_records

    assert next(iter_records(io.StringIO("\ufeffid,text\n1,a\n", newline=""), "csv")).fields == {"id": "1", "text": "a"}


def test_damaged_compressed_table_is_one_error(tmp_path):
    p = tmp_path / "t.csv.gz"
    p.write_bytes(gzip.compress(b"id,text\n" + "".join(f"{i},{i * i}\n" for i in range(2000)).encode())[:300])
    with pytest.raises(InputFormatError, match=r"t\.csv\.gz: truncated gzip file"):
        list(Table(p))


def test_dataset_loader_reads_past_a_stray_quote_and_a_bad_gz(tmp_path):
    from xproj.datasets.table import load_table

    p = tmp_path / "labelled.csv"
    rows = ['"oops' if i == 3 else f"t{i}" for i in range(50)]
    p.write_text("text,label\n" + "".join(f"{t},{i % 2}\n" for i, t in enumerate(rows)), encoding="utf-8")
    d = load_table(p, text_column="text", label_column="label", lang="en", errors="skip")
    assert len(d) == 49 and d.meta["skipped"] == 1 and "quote" in d.meta["problems"][0]
    z = tmp_path / "labelled.csv.gz"
    z.write_bytes(p.read_bytes())  # named .gz, not compressed
    with pytest.raises(InputFormatError, match=r"labelled\.csv\.gz: not a valid gzip file"):
        load_table(z, text_column="text", label_column="label", lang="en")


@pytest.mark.parametrize("content, fmt, looks", [
    ("id,text\n" + "".join(f"{i},review {i}\n" for i in range(150)), "jsonl", "csv"),
    ("id\ttext\n" + "".join(f"{i}\tr, {i}, x\n" for i in range(30)), "csv", "tsv"),
])
def test_a_file_read_in_the_wrong_format_stops_at_once(tmp_path, content, fmt, looks):
    p = tmp_path / "data.txt"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputFormatError) as err:
        list(Table(p, fmt=fmt, format_option="--format"))
    msg = str(err.value)
    assert msg.startswith(f"{p}: ") and f"as {fmt}" in msg and f"--format {looks}" in msg and "\n" not in msg


def test_a_few_bad_rows_are_not_a_wrong_format(tmp_path):
    p = tmp_path / "some.jsonl"
    p.write_text("".join('{"text": "a"}\n' if i % 3 else "{oops\n" for i in range(300)), encoding="utf-8")
    recs = list(Table(p))
    assert len(recs) == 300 and sum(r.error is not None for r in recs) == 100
