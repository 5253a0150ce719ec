"""What each source publishes: the language tables, and one builder per source turning a
language (or pair) into its :class:`~xproj.resources.Resource` (URL, cache file, licence)."""

from __future__ import annotations

import re

from ..errors import UnknownLanguageError
from .record import Resource, UnknownResourceError

#: Host of the fastText / MUSE files; ``XPROJ_MIRROR`` replaces it (see xproj.download).
FB_BASE_URL = "https://dl.fbaipublicfiles.com"

# --- language tables (ISO 639 codes exactly as they appear in the published file names) ---

#: fastText aligned vectors (fasttext.cc/docs/en/aligned-vectors.html): 44 languages, no ja.
ALIGNED_LANGS = tuple(
    "af ar bg bn bs ca cs da de el en es et fa fi fr he hi hr hu id it ko lt lv mk ms nl no pl "
    "pt ro ru sk sl sq sv ta th tl tr uk vi zh".split()
)

#: MUSE multilingual vectors ``wiki.multi.XX.vec`` (github.com/facebookresearch/MUSE): 30
#: languages, no ja or zh.
MUSE_LANGS = tuple(
    "ar bg ca cs da de el en es et fi fr he hr hu id it mk nl no pl pt ro ru sk sl sv tr uk vi".split()
)

#: Common Crawl vectors (fasttext.cc/docs/en/crawl-vectors.html): the 157 languages of the
#: table on that page plus English, which the page documents separately (cc.en.300.bin.gz).
CC_LANGS = tuple(
    sorted(
        set(
            "af sq als am ar an hy as ast az ba eu bar be bn bh bpy bs br bg my ca ceb bcl ce zh "
            "cv co hr cs da dv nl pa arz eml myv eo et hif fi fr gl ka de gom el gu ht he mrj hi "
            "hu is io ilo id ia ga it ja jv kn pam kk km ky ko ku ckb la lv li lt lmo nds lb mk "
            "mai mg ms ml mt gv mr mzn mhr min xmf mwl mn nah nap ne new frr nso no nn oc or os "
            "pfl ps fa pms pl pt qu ro rm ru sah sa sc sco gd sr sh scn sd si sk sl so azb es su "
            "sw sv tl tg ta tt te th bo tr tk uk hsb ur ug uz vec vi vo wa war cy vls fy pnb yi "
            "yo diq zea en".split()
        )
    )
)

# The Wikipedia vectors cover ~294 Wikipedia editions; rather than enumerate them we accept
# any syntactically valid Wikipedia code and let the server say 404 for the rest.
_WIKI_CODE = re.compile(r"^[a-z]{2,3}(-[a-z]+)*$")

#: MUSE dictionaries: English to and from these languages ...
_MUSE_DICT_OTHERS = tuple(sorted((set(ALIGNED_LANGS) - {"en"}) | {"ja"}))
#: ... plus every ordered pair among these six European languages.
_MUSE_DICT_EUROPEAN = ("de", "en", "es", "fr", "it", "pt")

DICT_PAIRS = tuple(
    sorted(
        {f"en-{x}" for x in _MUSE_DICT_OTHERS}
        | {f"{x}-en" for x in _MUSE_DICT_OTHERS}
        | {f"{a}-{b}" for a in _MUSE_DICT_EUROPEAN for b in _MUSE_DICT_EUROPEAN if a != b}
    )
)

#: OpeNER (en, es) and MultiBooked (ca, eu) as redistributed in the BLSE repository.
OPENER_LANGS = ("en", "es", "ca", "eu")
OPENER_SPLITS = ("train", "dev", "test")
OPENER_CLASSES = ("strneg", "neg", "pos", "strpos")
# Pinned to the branch name; the files have not changed since 2018.
BLSE_RAW = "https://raw.githubusercontent.com/jerbarnes/blse/master/datasets"

ZENODO_WEBIS = "https://zenodo.org/records/3251672/files/cls-acl10-unprocessed.tar.gz?download=1"

LICENCE_FASTTEXT = "CC BY-SA 3.0"
LICENCE_MUSE = "CC BY-NC 4.0"

# --- builders, one per source ---------------------------------------------------------------


def _check_lang(source: str, lang: str, known) -> str:
    lang = lang.strip().lower()
    if lang not in known:
        raise UnknownLanguageError(
            f"{source}: no resource for language {lang!r}. Available ({len(known)}): "
            + " ".join(sorted(known))
        )
    return lang


def _wiki_vectors(source, lang, path, licence, what) -> Resource:
    """A 300-d ``.vec`` of Wikipedia vectors published under ``{FB_BASE_URL}/{path}``."""
    name = path.rsplit("/", 1)[-1]
    return Resource(name=f"{source}:{lang}", kind="vectors", source=source, url=f"{FB_BASE_URL}/{path}",
                    format="vec", lang=lang, licence=licence, filename=f"vectors/{name}", dim=300,
                    description=f"{what}, {lang}, 300d")


def _aligned(lang: str) -> Resource:
    lang = _check_lang("aligned", lang, ALIGNED_LANGS)
    return _wiki_vectors("aligned", lang, f"fasttext/vectors-aligned/wiki.{lang}.align.vec", LICENCE_FASTTEXT,
                         "fastText aligned Wikipedia vectors (RCSLS)")


def _muse(lang: str) -> Resource:
    lang = _check_lang("muse", lang, MUSE_LANGS)
    return _wiki_vectors("muse", lang, f"arrival/vectors/wiki.multi.{lang}.vec",
                         f"{LICENCE_MUSE} (MUSE; from {LICENCE_FASTTEXT} fastText vectors)",
                         "MUSE aligned Wikipedia vectors (wiki.multi)")


def _wiki(lang: str) -> Resource:
    lang = lang.strip().lower()
    if not _WIKI_CODE.match(lang):
        raise UnknownLanguageError(
            f"wiki: {lang!r} is not a Wikipedia language code (e.g. 'de', 'zh', 'simple'); "
            "see https://fasttext.cc/docs/en/pretrained-vectors.html"
        )
    return _wiki_vectors("wiki", lang, f"fasttext/vectors-wiki/wiki.{lang}.vec", LICENCE_FASTTEXT,
                         "fastText Wikipedia vectors (not aligned)")


def _cc(lang: str, binary: bool) -> Resource:
    source = "cc-bin" if binary else "cc"
    lang = _check_lang(source, lang, CC_LANGS)
    ext = "bin" if binary else "vec"
    name = f"cc.{lang}.300.{ext}.gz"
    return Resource(
        name=f"{source}:{lang}",
        kind="vectors",
        source=source,
        url=f"{FB_BASE_URL}/fasttext/vectors-crawl/{name}",
        format=f"{ext}.gz",
        lang=lang,
        licence=LICENCE_FASTTEXT,
        # .bin models are cached decompressed: fastText cannot load a .bin.gz
        filename=f"vectors/{name[:-3]}" if binary else f"vectors/{name}",
        dim=300,
        description=(
            f"fastText Common Crawl + Wikipedia {'model with subwords' if binary else 'vectors'}, "
            f"{lang}, 300d"
        ),
    )


_DICT_SPLITS = {"full": "", "train": ".0-5000", "test": ".5000-6500"}


def build_dict(pair: str, split: str | None) -> Resource:
    pair = pair.strip().lower()
    split = (split or "full").lower()
    if split not in _DICT_SPLITS:
        raise UnknownResourceError(
            f"dict:{pair}@{split}: unknown split {split!r}; use one of {', '.join(_DICT_SPLITS)}"
        )
    if not re.match(r"^[a-z]{2,3}-[a-z]{2,3}$", pair):
        raise UnknownResourceError(f"dict:{pair}: expected a language pair such as 'en-es'")
    if pair not in DICT_PAIRS:
        src = pair.split("-")[0]
        near = [p for p in DICT_PAIRS if p.startswith(src + "-")] or list(DICT_PAIRS)
        raise UnknownLanguageError(
            f"dict: MUSE publishes no dictionary for {pair!r}. Available for {src!r}: "
            + " ".join(near)
        )
    name = f"{pair}{_DICT_SPLITS[split]}.txt"
    spec = f"dict:{pair}" + ("" if split == "full" else f"@{split}")
    return Resource(
        name=spec,
        kind="dictionary",
        source="dict",
        url=f"{FB_BASE_URL}/arrival/dictionaries/{name}",
        format="dict",
        lang=pair,
        licence=LICENCE_MUSE,
        filename=f"dictionaries/{name}",
        description=f"MUSE ground-truth dictionary {pair}, {split} ('src tgt' a line)",
    )


def _opener(lang: str) -> Resource:
    lang = _check_lang("opener", lang, OPENER_LANGS)
    files = tuple(
        (f"{split}/{cls}.txt", f"{BLSE_RAW}/{lang}/opener_sents/{split}/{cls}.txt")
        for split in OPENER_SPLITS
        for cls in OPENER_CLASSES
    )
    corpus = "OpeNER" if lang in ("en", "es") else "MultiBooked"
    return Resource(
        name=f"opener:{lang}",
        kind="dataset",
        source="opener",
        url=None,
        format="opener",
        lang=lang,
        licence="CC BY (BLSE repository, jerbarnes/blse)",
        filename=f"datasets/opener/{lang}",
        files=files,
        description=(
            f"{corpus} hotel-review sentences ({lang}), one tokenised sentence a line, "
            "{train,dev,test}/{strneg,neg,pos,strpos}.txt"
        ),
    )


def build_webis() -> Resource:
    return Resource(
        name="webis-cls-10",
        kind="dataset",
        source="webis-cls-10",
        url=ZENODO_WEBIS,
        format="tar.gz",
        lang="en,de,fr,ja",
        licence="research use; see https://zenodo.org/records/3251672",
        filename="datasets/webis-cls-10/cls-acl10-unprocessed.tar.gz",
        description=(
            "Webis-CLS-10 Amazon reviews (en, de, fr, ja; books, dvd, music), unprocessed XML, "
            "Zenodo record 3251672"
        ),
    )


#: Expected layout of the user-supplied Multilingual Amazon Reviews Corpus.
MARC_LAYOUT = """\
The Multilingual Amazon Reviews Corpus (Keung et al., 2020) is no longer served by its owner;
if you have a copy, put it (or point XPROJ_MARC at it) with this layout:

    <data_dir>/datasets/marc/
        train/dataset_{de,en,es,fr,ja,zh}_train.json
        dev/dataset_{de,en,es,fr,ja,zh}_dev.json
        test/dataset_{de,en,es,fr,ja,zh}_test.json

JSON lines, one review a line with the keys review_id, product_id, reviewer_id, stars (1-5),
review_body, review_title, language, product_category."""


def build_marc() -> Resource:
    return Resource(
        name="marc",
        kind="dataset",
        source="marc",
        url=None,
        format="user",
        lang="de,en,es,fr,ja,zh",
        licence="Amazon MARC licence (non-commercial research); user-supplied",
        filename="datasets/marc",
        description="Multilingual Amazon Reviews Corpus: user-supplied directory (not downloadable)",
    )


#: source name -> (builder taking the part after ':', help text)
SOURCES = {
    "aligned": (_aligned, "fastText aligned Wikipedia vectors, 44 languages (no ja)"),
    "muse": (_muse, "MUSE aligned Wikipedia vectors, 30 languages (no ja, zh)"),
    "wiki": (_wiki, "fastText Wikipedia vectors, not aligned (~294 languages)"),
    "cc": (lambda x: _cc(x, False), "fastText Common Crawl vectors, .vec.gz, 157 languages"),
    "cc-bin": (lambda x: _cc(x, True), "fastText Common Crawl models, .bin.gz (subwords)"),
    "dict": (None, "MUSE bilingual dictionaries: dict:en-es, dict:en-es@train|test"),
    "opener": (_opener, "OpeNER / MultiBooked sentence datasets: en, es, ca, eu"),
    "webis-cls-10": (None, "Webis-CLS-10 cross-lingual Amazon reviews (Zenodo)"),
    "marc": (None, "Multilingual Amazon Reviews Corpus (user-supplied path)"),
}
