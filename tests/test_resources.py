"""Tests of the resource registry: specs, URLs, file names, unknown languages."""

from __future__ import annotations

import pytest

from xproj.errors import UnknownLanguageError, XprojError
from xproj.resources import (
    ALIGNED_LANGS,
    CC_LANGS,
    MUSE_LANGS,
    OPENER_LANGS,
    Resource,
    languages,
    list_resources,
    lookup,
)

FB = "https://dl.fbaipublicfiles.com"


def test_language_tables_have_the_published_sizes():
    assert len(ALIGNED_LANGS) == len(set(ALIGNED_LANGS)) == 44
    assert "ja" not in ALIGNED_LANGS and {"en", "es", "zh"} <= set(ALIGNED_LANGS)
    assert len(MUSE_LANGS) == 30 and not {"ja", "zh"} & set(MUSE_LANGS)
    assert set(MUSE_LANGS) <= set(ALIGNED_LANGS)
    assert "ja" in CC_LANGS and len(CC_LANGS) >= 157
    assert OPENER_LANGS == ("en", "es", "ca", "eu")


@pytest.mark.parametrize(
    "spec, url, filename, fmt",
    [
        ("aligned:es", f"{FB}/fasttext/vectors-aligned/wiki.es.align.vec", "vectors/wiki.es.align.vec", "vec"),
        ("muse:fr", f"{FB}/arrival/vectors/wiki.multi.fr.vec", "vectors/wiki.multi.fr.vec", "vec"),
        ("wiki:de", f"{FB}/fasttext/vectors-wiki/wiki.de.vec", "vectors/wiki.de.vec", "vec"),
        ("cc:ja", f"{FB}/fasttext/vectors-crawl/cc.ja.300.vec.gz", "vectors/cc.ja.300.vec.gz", "vec.gz"),
        ("cc-bin:ja", f"{FB}/fasttext/vectors-crawl/cc.ja.300.bin.gz", "vectors/cc.ja.300.bin", "bin.gz"),
        ("dict:en-es", f"{FB}/arrival/dictionaries/en-es.txt", "dictionaries/en-es.txt", "dict"),
        ("dict:en-es@train", f"{FB}/arrival/dictionaries/en-es.0-5000.txt", "dictionaries/en-es.0-5000.txt", "dict"),
        ("dict:en-es@test", f"{FB}/arrival/dictionaries/en-es.5000-6500.txt", "dictionaries/en-es.5000-6500.txt", "dict"),
        ("webis-cls-10", "https://zenodo.org/records/3251672/files/cls-acl10-unprocessed.tar.gz?download=1",
         "datasets/webis-cls-10/cls-acl10-unprocessed.tar.gz", "tar.gz"),
    ],
)
def test_specs_map_to_urls_and_cache_names(spec, url, filename, fmt):
    res = lookup(spec)
    assert isinstance(res, Resource)
    assert (res.name, res.url, res.filename, res.format) == (spec, url, filename, fmt)
    assert res.licence


def test_top_n_spec():
    res = lookup("aligned:es@50000")
    assert res.top == 50000 and res.name == "aligned:es@50000"
    assert res.filename == "vectors/wiki.es.align.top50000.vec"
    assert res.url == lookup("aligned:es").url and res.sha256 is None
    gz = lookup("cc:ja@1000")
    assert gz.filename == "vectors/cc.ja.300.top1000.vec" and gz.format == "vec.gz"
    assert lookup("aligned:es").with_top(10) == lookup("aligned:es@10")
    assert lookup(" Aligned:ES@10 ") == lookup("aligned:es@10")


def test_opener_layout_follows_the_blse_repository():
    res = lookup("opener:es")
    assert res.filename == "datasets/opener/es" and len(res.files) == 12
    rel, url = res.files[0]
    assert rel == "train/strneg.txt"
    assert url == ("https://raw.githubusercontent.com/jerbarnes/blse/master/"
                   "datasets/es/opener_sents/train/strneg.txt")
    assert {r.split("/")[0] for r, _ in res.files} == {"train", "dev", "test"}


def test_marc_is_user_supplied():
    res = lookup("marc")
    assert res.url is None and res.format == "user" and res.urls == ()


@pytest.mark.parametrize(
    "spec, listed",
    [("aligned:ja", "zh"), ("muse:zh", "vi"), ("cc:xx", "ja"), ("opener:fr", "eu"), ("dict:en-xx", "en-es")],
)
def test_unknown_language_lists_what_exists(spec, listed):
    with pytest.raises(UnknownLanguageError) as info:
        lookup(spec)
    assert listed in str(info.value)


@pytest.mark.parametrize(
    "spec", ["nope:es", "aligned", "aligned:es@many", "dict:en-es@dev", "cc-bin:ja@100", "marc:es", ""]
)
def test_malformed_specs(spec):
    with pytest.raises(XprojError) as info:
        lookup(spec)
    assert str(info.value)


def test_list_resources_covers_every_source():
    rows = list_resources()
    assert [r["source"] for r in rows] == [
        "aligned", "muse", "wiki", "cc", "cc-bin", "dict", "opener", "webis-cls-10", "marc"
    ]
    assert languages("aligned") == ALIGNED_LANGS and languages("wiki") == ()
