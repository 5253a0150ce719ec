"""Loaders of real sentiment corpora: small files written here, and the shared real files."""

import gzip
import io
import json
import tarfile

import numpy as np
import pytest
from conftest import shared_file

from xproj.datasets.base import Dataset
from xproj.datasets.loaders import (
    BINARY_LABELS,
    OPENER_4CLASS_LABELS,
    load_chnsenticorp,
    load_dataset,
    load_marc,
    load_opener,
    load_opener_translated,
    load_table,
    load_webis_cls,
)
from xproj.errors import ConfigError, InputFormatError, ResourceNotFoundError

# --- OpeNER -----------------------------------------------------------------------------------

#: class -> number of sentences written per split
OPENER_SIZES = {"strneg": 1, "neg": 2, "pos": 3, "strpos": 4, "mixed": 5}


def write_opener(base, lang="es", splits=("train", "dev", "test"), encoding="utf-8", prefix=""):
    for split in splits:
        d = base / split
        d.mkdir(parents=True, exist_ok=True)
        for cls, n in OPENER_SIZES.items():
            lines = [f"{prefix}{lang} {split} {cls} {i} café ." for i in range(n)]
            (d / f"{cls}.txt").write_bytes(("\n".join(lines) + "\n").encode(encoding))


def test_opener_shared_layout_binary_and_4class(tmp_path):
    write_opener(tmp_path / "es")
    d = load_opener(tmp_path, "es", "train")
    assert isinstance(d, Dataset)
    assert d.lang == "es" and d.split == "train" and d.name == "opener"
    assert d.label_names == BINARY_LABELS
    assert d.counts() == {"negative": 3, "positive": 7}
    assert not any("mixed" in t for t in d.texts)
    assert d.meta["encoding"] == "utf-8"
    assert "es train pos 0 café ." in d.texts
    d4 = load_opener(tmp_path, "es", "train", task="4-class")
    assert d4.label_names == OPENER_4CLASS_LABELS
    assert d4.counts() == dict(zip(OPENER_4CLASS_LABELS, [1, 2, 3, 4]))
    # same sentences, same order: the 4-class labels collapse onto the binary ones
    assert d4.texts == d.texts
    assert np.array_equal(d4.labels >= 2, d.labels == 1)


def test_opener_split_all(tmp_path):
    write_opener(tmp_path / "en", lang="en")
    d = load_opener(tmp_path, "en", "all")
    assert d.split == "all" and len(d) == 30
    assert d.meta["splits"].count("dev") == 10
    assert [d.meta["splits"][i] for i in range(len(d)) if d.texts[i].startswith("en test")] == ["test"] * 10


def test_opener_blse_layout_latin1(tmp_path):
    # BLSE repository: datasets/{lang}/opener_sents/{split}/{cls}.txt, read as latin-1 there
    base = tmp_path / "blse" / "datasets" / "ca" / "opener_sents"
    write_opener(base, lang="ca", encoding="latin-1")
    for root in (tmp_path / "blse", tmp_path / "blse" / "datasets", base):
        d = load_opener(root, "ca", "test")
        assert len(d) == 10
        assert d.meta["encoding"] == "latin-1"
        assert "ca test neg 1 café ." in d.texts  # decoded correctly, not mojibake


def test_opener_mixed_encodings_recorded(tmp_path):
    write_opener(tmp_path / "eu", lang="eu")
    (tmp_path / "eu" / "dev" / "neg.txt").write_bytes("ezta ona \xe9\n".encode("latin-1"))
    d = load_opener(tmp_path, "eu", "dev")
    assert d.meta["encoding"] == "mixed"
    assert d.meta["encodings"]["dev/neg.txt"] == "latin-1"
    assert "ezta ona é" in d.texts


def test_opener_blank_lines_and_crlf(tmp_path):
    write_opener(tmp_path / "es")
    (tmp_path / "es" / "train" / "pos.txt").write_bytes(b"uno .\r\n\r\n  dos .  \r\n")
    d = load_opener(tmp_path, "es", "train")
    assert "uno ." in d.texts and "dos ." in d.texts
    assert d.meta["blank_lines"] == 1


def test_opener_missing_files(tmp_path):
    write_opener(tmp_path / "es")
    with pytest.raises(ResourceNotFoundError, match="no OpeNER data for language 'fr'.*folders present: \\['es'\\]"):
        load_opener(tmp_path, "fr", "train")
    (tmp_path / "es" / "test" / "strpos.txt").unlink()
    with pytest.raises(ResourceNotFoundError, match=r"strpos\.txt: missing OpeNER class file(.|\n)*strneg,neg,pos,strpos"):
        load_opener(tmp_path, "es", "test")
    with pytest.raises(ResourceNotFoundError, match="no such directory"):
        load_opener(tmp_path / "nowhere", "es", "train")


def test_opener_bad_options_and_empty(tmp_path):
    write_opener(tmp_path / "es")
    with pytest.raises(ConfigError, match="task"):
        load_opener(tmp_path, "es", "train", task="3-class")
    with pytest.raises(ConfigError, match="split"):
        load_opener(tmp_path, "es", "validation")
    for cls in ("strneg", "neg", "pos", "strpos"):
        (tmp_path / "es" / "dev" / f"{cls}.txt").write_text("")
    with pytest.raises(InputFormatError, match="no examples"):
        load_opener(tmp_path, "es", "dev")


def test_opener_translated_layouts(tmp_path):
    write_opener(tmp_path / "translated-to-en" / "es", lang="es", prefix="EN ")
    write_opener(tmp_path / "es", lang="es")
    d = load_opener_translated(tmp_path, "es", "test")
    assert d.lang == "en" and d.meta["original_lang"] == "es" and d.name == "opener-translated"
    assert all(t.startswith("EN ") for t in d.texts)
    orig = load_opener(tmp_path, "es", "test")
    assert np.array_equal(orig.labels, d.labels)  # line-aligned with the originals
    # BLSE: datasets/trans/{lang}/opener_sents, where dev/strpos.txt is shipped as strpos.txt~
    base = tmp_path / "blse" / "datasets" / "trans" / "ca" / "opener_sents"
    write_opener(base, lang="ca")
    (base / "dev" / "strpos.txt").rename(base / "dev" / "strpos.txt~")
    d = load_opener_translated(tmp_path / "blse", "ca", "dev", task="4-class")
    assert d.counts()["strong positive"] == 4
    assert any("strpos.txt~" in n for n in d.meta["notes"])
    with pytest.raises(ResourceNotFoundError, match="translated-to-English"):
        load_opener_translated(tmp_path, "eu", "test")


# --- Webis-CLS-10 ------------------------------------------------------------------------------

WEBIS = """\
<item><category>Books</category><rating>5.0</rating><asin>1</asin>
<summary>Great &amp; fun</summary>
<text>Loved it & would read again &lt;3 &quot;yes&quot;</text>
</item>
<item><rating>1.0</rating><text>Terrible.
Two lines.</text></item>
<item><rating>3.0</rating><text>Meh.</text></item>
<item><rating>2.0</rating><text><![CDATA[Bad <b>book</b>]]></text></item>
<item><rating>4.0</rating><summary>no text here</summary></item>
<item><rating>great</rating><text>rating unreadable</text></item>
<item><rating>4.0</rating><text>never closed
<item><rating>4.0</rating><text>Fine &eacute;dition</text></item>
"""


def write_webis(root, lang="de", domain="books", split="train", text=WEBIS):
    d = root / lang / domain
    d.mkdir(parents=True, exist_ok=True)
    (d / f"{split}.review").write_text(text, encoding="utf-8")


def test_webis_parses_robustly(tmp_path):
    write_webis(tmp_path)
    d = load_webis_cls(tmp_path, "de", "books", "train")
    assert d.name == "webis-cls-10" and d.lang == "de"
    assert d.texts == [
        'Loved it & would read again <3 "yes"',
        "Terrible.\nTwo lines.",
        "Bad <b>book</b>",
        "Fine édition",
    ]
    assert d.labels.tolist() == [1, 0, 0, 1]
    assert d.meta["neutral_dropped"] == 1
    assert d.meta["unreadable"] == d.meta["skipped"] == 3
    assert len(d.meta["problems"]) == 3
    s = load_webis_cls(tmp_path, "de", "books", "train", include_summary=True)
    assert s.texts[0].startswith("Great & fun\nLoved it")


def test_webis_strict_names_line(tmp_path):
    write_webis(tmp_path)
    with pytest.raises(InputFormatError, match=r"train\.review, line 9: item has no <text>"):
        load_webis_cls(tmp_path, "de", "books", "train", errors="raise")


def test_webis_tarball_and_ja_folder(tmp_path):
    buf = WEBIS.encode("utf-8")
    tar_path = tmp_path / "cls-acl10-unprocessed.tar.gz"
    with tarfile.open(tar_path, "w:gz") as tar:
        info = tarfile.TarInfo("cls-acl10-unprocessed/jp/music/test.review")
        info.size = len(buf)
        tar.addfile(info, io.BytesIO(buf))
    for root in (tar_path, tmp_path):
        d = load_webis_cls(root, "ja", "music", "test")
        assert len(d) == 4 and d.lang == "ja"
        assert "cls-acl10-unprocessed/jp/music/test.review" in d.meta["source"]
    with pytest.raises(ResourceNotFoundError, match="jp/dvd/test.review"):
        load_webis_cls(tar_path, "ja", "dvd", "test")


def test_webis_errors(tmp_path):
    with pytest.raises(ResourceNotFoundError, match=r"fr/dvd/test\.review"):
        load_webis_cls(tmp_path, "fr", "dvd", "test")
    with pytest.raises(ConfigError, match="domain"):
        load_webis_cls(tmp_path, "fr", "kitchen", "test")
    write_webis(tmp_path, "fr", "dvd", "test", text="<item><rating>3.0</rating><text>x</text></item>\n")
    with pytest.raises(InputFormatError, match="no examples"):
        load_webis_cls(tmp_path, "fr", "dvd", "test")
    p = tmp_path / "en" / "music"
    p.mkdir(parents=True)
    (p / "train.review").write_bytes(b"<item><rating>5.0</rating>\n<text>ok \xff</text></item>\n")
    with pytest.raises(InputFormatError, match="line 2.*not valid utf-8"):
        load_webis_cls(tmp_path, "en", "music", "train")


# --- MARC ----------------------------------------------------------------------------------------


def marc_rows(lang="de"):
    rows = []
    for i, stars in enumerate([1, 2, 3, 4, 5, 5]):
        rows.append({
            "review_id": f"{lang}_{i}", "product_id": "p", "reviewer_id": "r", "stars": stars,
            "review_body": f"body {i}", "review_title": f"title {i}", "language": lang,
            "product_category": "home",
        })
    return rows


def write_marc(root, lang="de", split="train", rows=None, extra_lines=()):
    d = root / split
    d.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in (rows or marc_rows(lang))] + list(extra_lines)
    p = d / f"dataset_{lang}_{split}.json"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_marc_layout_binary_5class_title(tmp_path):
    write_marc(tmp_path)
    d = load_marc(tmp_path, "de", "train")
    assert d.name == "marc" and d.lang == "de" and d.label_names == BINARY_LABELS
    assert d.labels.tolist() == [0, 0, 1, 1, 1]
    assert d.meta["neutral_dropped"] == 1 and d.texts[0] == "body 0"
    d5 = load_marc(tmp_path, "de", "train", task="5-class")
    assert d5.labels.tolist() == [0, 1, 2, 3, 4, 4] and len(d5.label_names) == 5
    t = load_marc(tmp_path, "de", "train", include_title=True, title_sep=" . ")
    assert t.texts[0] == "title 0 . body 0"
    with pytest.raises(ConfigError, match="task"):
        load_marc(tmp_path, "de", "train", task="3-class")


def test_marc_csv_and_language_filter(tmp_path):
    rows = marc_rows("en") + marc_rows("fr")
    p = tmp_path / "all.csv"
    cols = list(rows[0])
    with open(p, "w", encoding="utf-8", newline="") as f:
        import csv

        w = csv.DictWriter(f, cols)
        w.writeheader()
        w.writerows(rows)
    d = load_marc(p, "fr", "test")
    assert len(d) == 5 and d.meta["other_language"] == 6 and d.meta["format"] == "csv"
    assert all(r.startswith("body") for r in d.texts)


def test_marc_malformed_lines(tmp_path):
    bad = ['{"stars": 5, "review_body": "unterminated', '{"review_body": "no stars"}', '{"stars": 9, "review_body": "x"}']
    p = write_marc(tmp_path, extra_lines=bad)
    with pytest.raises(InputFormatError, match=r"dataset_de_train\.json, line 7: invalid JSON line"):
        load_marc(tmp_path, "de", "train")
    d = load_marc(tmp_path, "de", "train", errors="skip")
    assert len(d) == 5 and d.meta["skipped"] == 3
    assert any("line 8" in m and "stars" in m for m in d.meta["problems"])
    assert d.meta["source"] == str(p)


def test_marc_missing(tmp_path, monkeypatch):
    write_marc(tmp_path)
    with pytest.raises(ResourceNotFoundError, match=r"dataset_es_train\.json"):
        load_marc(tmp_path, "es", "train")
    with pytest.raises(ResourceNotFoundError, match="no such file"):
        load_marc(tmp_path / "nope", "es", "train")
    # the spec 'marc' finds the user's copy through $XPROJ_MARC
    monkeypatch.setenv("XPROJ_MARC", str(tmp_path))
    assert len(load_marc("marc", "de", "train", offline=True)) == 5


# --- ChnSentiCorp --------------------------------------------------------------------------------

CHN = '1,"距离较近,但是""指示""不对"\n0,房间很差\n0,\n1,不错!\n'


def test_chnsenticorp_small(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(CHN, encoding="utf-8")
    d = load_chnsenticorp(p)
    assert d.lang == "zh" and d.label_names == BINARY_LABELS
    assert d.texts == ['距离较近,但是"指示"不对', "房间很差", "不错!"]
    assert d.labels.tolist() == [1, 0, 1]
    assert d.meta["empty_dropped"] == 1 and d.meta["header"] is False
    p.write_text("label,review\n" + CHN, encoding="utf-8")
    d = load_chnsenticorp(p)
    assert len(d) == 3 and d.meta["header"] is True
    p.write_bytes(CHN.encode("gb18030"))
    d = load_chnsenticorp(p)
    assert d.meta["encoding"] == "gb18030" and d.texts[1] == "房间很差"


def test_chnsenticorp_malformed(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(CHN + "2,什么\n1,a,b\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="line 5: label must be 0 or 1"):
        load_chnsenticorp(p)
    d = load_chnsenticorp(p, errors="skip")
    assert len(d) == 3 and d.meta["skipped"] == 2
    with pytest.raises(ResourceNotFoundError, match="missing.csv"):
        load_chnsenticorp(tmp_path / "missing.csv")
    p.write_text("0,\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="no examples"):
        load_chnsenticorp(p)


# --- generic tables --------------------------------------------------------------------------------


def test_table_csv_names_and_string_labels(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('id,text,sentiment\n1,"good, very",pos\n2,bad,neg\n3,ok,neu\n4,,pos\n', encoding="utf-8")
    d = load_table(p, text_column="text", label_column="sentiment", lang="en")
    assert d.label_names == ["neg", "neu", "pos"]
    assert d.labels.tolist() == [2, 0, 1] and d.texts[0] == "good, very"
    assert d.meta["empty_dropped"] == 1 and d.split == "all" and d.name == "table"
    m = load_table(p, text_column=1, label_column=2, lang="en", label_map={"neg": 0, "pos": 1, "neu": None})
    assert m.labels.tolist() == [1, 0] and m.meta["dropped"] == 1 and m.label_names == ["neg", "pos"]
    with pytest.raises(InputFormatError, match="line 4: label 'neu' not in label_map"):
        load_table(p, text_column="text", label_column="sentiment", lang="en", label_map={"neg": 0, "pos": 1})


def test_table_tsv_no_header_int_labels(tmp_path):
    p = tmp_path / "t.tsv.gz"
    with gzip.open(p, "wt", encoding="utf-8") as f:
        f.write("1\tgut\n0\tschlecht\n2\tso so\n")
    d = load_table(p, text_column=1, label_column=0, lang="de", has_header=False,
                   label_names=["neg", "pos", "neu"])
    assert d.meta["format"] == "tsv" and d.labels.tolist() == [1, 0, 2] and d.counts()["neu"] == 1
    d = load_table(p, text_column=1, label_column=0, lang="de", has_header=False)
    assert d.label_names == ["0", "1", "2"]
    with pytest.raises(ConfigError, match="no header"):
        load_table(p, text_column="text", label_column=0, lang="de", has_header=False)


def test_table_malformed_rows(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("text,label\ngood,1\nbad,0,extra\nhmm,x\nfine,1\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"t\.csv, line 3: 3 columns, expected 2"):
        load_table(p, text_column="text", label_column="label", lang="en")
    d = load_table(p, text_column="text", label_column="label", lang="en", errors="skip")
    # 'x' among integer labels is reported, not turned into a class
    assert d.texts == ["good", "fine"] and d.meta["skipped"] == 2
    assert any("line 4" in m and "unparseable label" in m for m in d.meta["problems"])
    with pytest.raises(ConfigError, match="errors"):
        load_table(p, text_column="text", label_column="label", lang="en", errors="ignore")
    with pytest.raises(ConfigError, match="no text column 'body'; its header: text, label"):  # the option, not a row
        load_table(p, text_column="body", label_column="label", lang="en")


def test_table_jsonl_and_json_array(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_text('{"t": "a", "y": 1}\n\n{"t": "b", "y": 0}\n{"t": "c", "y": \n', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"t\.jsonl, line 4: invalid JSON line"):
        load_table(p, text_column="t", label_column="y", lang="en")
    d = load_table(p, text_column="t", label_column="y", lang="en", errors="skip")
    assert d.texts == ["a", "b"] and d.labels.tolist() == [1, 0] and d.meta["skipped"] == 1
    q = tmp_path / "t.json"
    q.write_text(json.dumps([{"t": "a", "y": "pos"}, {"t": "b", "y": "neg"}]), encoding="utf-8")
    d = load_table(q, text_column="t", label_column="y", lang="en")
    assert d.label_names == ["neg", "pos"] and d.labels.tolist() == [1, 0]
    r = tmp_path / "lists.json"
    r.write_text('["a", 1]\n["b", 0]\n', encoding="utf-8")
    d = load_table(r, text_column=0, label_column=1, lang="en")
    assert d.texts == ["a", "b"]


def test_table_encodings_and_format(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes("text,label\nbien,1\nmal \xe9t\xe9,0\n".encode("latin-1"))
    with pytest.raises(InputFormatError, match=r"t\.csv, line 3: .*not valid utf-8"):
        load_table(p, text_column="text", label_column="label", lang="fr")
    d = load_table(p, text_column="text", label_column="label", lang="fr", encoding="latin-1")
    assert d.texts[1] == "mal été" and d.meta["encoding"] == "latin-1"
    q = tmp_path / "t.txt"
    q.write_text("a,1\n")
    with pytest.raises(ConfigError, match="format"):
        load_table(q, text_column=0, label_column=1, lang="en")
    d = load_table(q, text_column=0, label_column=1, lang="en", format="csv", has_header=False)
    assert len(d) == 1
    e = tmp_path / "e.csv"
    e.write_text("text,label\n")
    with pytest.raises(InputFormatError, match="no examples"):
        load_table(e, text_column="text", label_column="label", lang="en")
    with pytest.raises(ResourceNotFoundError, match="nope.csv"):
        load_table(tmp_path / "nope.csv", text_column=0, label_column=1, lang="en")


# --- dispatch ------------------------------------------------------------------------------------


def test_load_dataset_dispatch(tmp_path):
    write_opener(tmp_path / "es")
    d = load_dataset("opener", tmp_path, lang="es", split="dev", task="4-class")
    assert len(d) == 10 and d.label_names == OPENER_4CLASS_LABELS
    p = tmp_path / "t.data"
    p.write_text("a\t1\nb\t0\n")
    d = load_dataset("tsv", p, text_column=0, label_column=1, lang="en", has_header=False)
    assert d.meta["format"] == "tsv"


def test_load_dataset_unknown_name_and_bad_args(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown dataset 'imdb'.*opener.*webis-cls-10.*marc.*chnsenticorp.*table"):
        load_dataset("imdb")
    with pytest.raises(ConfigError, match="opener"):
        load_dataset("opener", tmp_path, lang="es", domain="books")


# --- real data (skipped when ../shared/data is absent) ---------------------------------------------


@pytest.fixture
def opener_root():
    return shared_file("data", "opener")


@pytest.mark.data
def test_real_opener_required_counts(opener_root):
    en = load_opener(opener_root, "en", "train")
    assert en.counts() == {"negative": 330, "positive": 880}
    es = load_opener(opener_root, "es", "test")
    assert es.counts() == {"negative": 52, "positive": 244}
    assert en.meta["encoding"] == "utf-8"


@pytest.mark.data
@pytest.mark.parametrize("lang", ["en", "es", "ca", "eu"])
def test_real_opener_4class_sums_to_binary(opener_root, lang):
    for split in ("train", "dev", "test", "all"):
        b = load_opener(opener_root, lang, split).counts()
        f = load_opener(opener_root, lang, split, task="4-class").counts()
        assert f["strong negative"] + f["negative"] == b["negative"] > 0
        assert f["strong positive"] + f["positive"] == b["positive"] > 0
    total = sum(len(load_opener(opener_root, lang, s)) for s in ("train", "dev", "test"))
    assert len(load_opener(opener_root, lang, "all")) == total


@pytest.mark.data
def test_real_opener_ca_eu(opener_root):
    ca = load_opener(opener_root, "ca", "train")
    eu = load_opener(opener_root, "eu", "test")
    assert ca.counts() == {"negative": 326, "positive": 477}
    assert eu.counts() == {"negative": 35, "positive": 192}


@pytest.mark.data
@pytest.mark.parametrize("lang", ["es", "ca", "eu"])
def test_real_opener_translated(opener_root, lang):
    for split in ("train", "test"):
        tr = load_opener_translated(opener_root, lang, split)
        orig = load_opener(opener_root, lang, split)
        assert tr.lang == "en" and tr.meta["original_lang"] == lang
        assert len(tr) == len(orig) and np.array_equal(tr.labels, orig.labels)
        assert tr.texts != orig.texts


@pytest.mark.data
def test_real_chnsenticorp():
    p = shared_file("data", "chnsenticorp", "ChnSentiCorp_htl_all.csv")
    d = load_chnsenticorp(p)
    assert d.meta["header"] is False and d.meta["encoding"] == "utf-8" and d.meta["skipped"] == 0
    # 7,766 rows: 5,322 positive / 2,444 negative, one negative row has an empty review
    assert len(d) + d.meta["empty_dropped"] == 7766
    assert d.meta["empty_dropped"] == 1
    assert d.counts() == {"negative": 2443, "positive": 5322}
    assert load_dataset("chnsenticorp", p).counts() == d.counts()


def test_webis_large_file_is_fast(tmp_path):
    import time

    item = "<item><rating>{r}.0</rating><summary>s</summary><text>review number {i} &amp; more</text></item>\n"
    write_webis(tmp_path, "en", "dvd", "unlabeled", "".join(item.format(r=1 + i % 5, i=i) for i in range(30000)))
    t = time.perf_counter()
    d = load_webis_cls(tmp_path, "en", "dvd", "unlabeled")
    assert time.perf_counter() - t < 10
    assert len(d) == 24000 and d.meta["neutral_dropped"] == 6000 and d.meta["unreadable"] == 0


def test_opener_spec_from_cache(tmp_path):
    # the autouse fixture points XPROJ_DATA at tmp_path / "xproj-data"
    write_opener(tmp_path / "xproj-data" / "datasets" / "opener" / "eu", lang="eu")
    d = load_opener("opener:eu", "eu", "train", offline=True)
    assert len(d) == 10 and d.meta["source"].endswith("eu")
    with pytest.raises(ResourceNotFoundError):
        load_opener("opener:ca", "ca", "train", offline=True)
