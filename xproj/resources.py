"""Registry of the real resources xproj can fetch: word vectors, dictionaries, datasets.

Every resource is named by a short *spec* string, so that a config, a notebook and a test
all ask for the same thing in the same words:

=========================  ===========================================================
spec                       resource
=========================  ===========================================================
``aligned:es``             fastText aligned Wikipedia vectors (RCSLS), 44 languages
``aligned:es@50000``       the same, only the 50,000 most frequent words
``muse:fr``                MUSE aligned Wikipedia vectors (``wiki.multi``), 30 languages
``wiki:de``                fastText Wikipedia vectors (not aligned), ~294 languages
``cc:ja``                  fastText Common Crawl + Wikipedia vectors, text (``.vec.gz``)
``cc-bin:ja``              the same as a fastText ``.bin`` model (subword information)
``dict:en-es``             MUSE ground-truth dictionary, full
``dict:en-es@train``       its training split (``0-5000``)
``dict:en-es@test``        its test split (``5000-6500``)
``opener:es``              OpeNER (en, es) / MultiBooked (ca, eu) sentences, BLSE layout
``webis-cls-10``           Webis-CLS-10 cross-lingual Amazon reviews (Zenodo archive)
``marc``                   Multilingual Amazon Reviews Corpus (user-supplied path)
=========================  ===========================================================

``@N`` (top N words) works with every text vector source; the published ``.vec`` files list
words by decreasing frequency, so the first N lines are the N most frequent words and the
downloader fetches only those bytes (see :mod:`xproj.download`).

This module only describes resources (no network, no file system); :mod:`xproj.download`
fetches them. Sizes and checksums are given where known; ``None`` means unknown, and the
downloader then skips that check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .errors import UnknownLanguageError, XprojError

__all__ = [
    "Resource",
    "UnknownResourceError",
    "FB_BASE_URL",
    "ALIGNED_LANGS",
    "MUSE_LANGS",
    "CC_LANGS",
    "DICT_PAIRS",
    "OPENER_LANGS",
    "SOURCES",
    "lookup",
    "parse_spec",
    "list_resources",
    "languages",
]

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


class UnknownResourceError(XprojError, KeyError):
    """A spec string that names no resource in the registry."""

    def __str__(self):  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Resource:
    """One fetchable resource.

    Attributes
    ----------
    name : str
        Canonical spec, e.g. ``"aligned:es@50000"``.
    kind : str
        ``"vectors"``, ``"dictionary"`` or ``"dataset"``.
    source : str
        Registry source (``"aligned"``, ``"muse"``, ``"wiki"``, ``"cc"``, ``"cc-bin"``,
        ``"dict"``, ``"opener"``, ``"webis-cls-10"``, ``"marc"``).
    url : str or None
        Where the (single) file is published; ``None`` for user-supplied resources.
    format : str
        ``"vec"``, ``"vec.gz"``, ``"bin.gz"``, ``"dict"``, ``"opener"``, ``"tar.gz"``, ``"user"``.
    lang : str or None
        Language code, or ``"src-tgt"`` for dictionaries.
    licence : str
        Licence as stated by the publisher.
    filename : str
        Path of the cached copy, relative to the data directory (``xproj.paths.data_dir()``).
        For multi-file resources, the directory holding ``files``.
    size : int or None
        Size in bytes of the published file, when known.
    sha256 : str or None
        Hex digest of the published file, when known (verified after whole-file downloads).
    top : int or None
        Only the ``top`` most frequent words are wanted (text vectors only).
    dim : int or None
        Vector dimension, when known (used to estimate how many bytes ``top`` words take).
    files : tuple of (str, str)
        For multi-file resources: ``(path relative to filename, url)`` pairs.
    description : str
        One line for ``xproj download list`` and error messages.
    """

    name: str
    kind: str
    source: str
    url: str | None
    format: str
    lang: str | None
    licence: str
    filename: str
    size: int | None = None
    sha256: str | None = None
    top: int | None = None
    dim: int | None = None
    files: tuple = field(default=())
    description: str = ""

    @property
    def urls(self) -> tuple:
        """All URLs this resource is fetched from."""
        if self.files:
            return tuple(url for _, url in self.files)
        return (self.url,) if self.url else ()

    def with_top(self, top: int | None) -> "Resource":
        """The same resource restricted to its ``top`` most frequent words."""
        if top is None:
            return self
        if self.format not in ("vec", "vec.gz"):
            raise XprojError(f"{self.name}: only text vectors (.vec) can be cut to the top N words")
        if int(top) <= 0:
            raise XprojError(f"{self.name}: top must be a positive number of words, got {top}")
        top = int(top)
        base = self.name.split("@", 1)[0]
        stem = self.filename
        for ext in (".vec.gz", ".vec"):
            if stem.endswith(ext):
                stem = stem[: -len(ext)]
                break
        # The top-N file is always written uncompressed: it is small and read often.
        return replace(
            self,
            name=f"{base}@{top}",
            top=top,
            filename=f"{stem}.top{top}.vec",
            size=None,
            sha256=None,  # the checksum is of the whole published file
            description=f"{self.description} (top {top} words)",
        )


# --- builders, one per source ---------------------------------------------------------------


def _check_lang(source: str, lang: str, known) -> str:
    lang = lang.strip().lower()
    if lang not in known:
        raise UnknownLanguageError(
            f"{source}: no resource for language {lang!r}. Available ({len(known)}): "
            + " ".join(sorted(known))
        )
    return lang


def _aligned(lang: str) -> Resource:
    lang = _check_lang("aligned", lang, ALIGNED_LANGS)
    name = f"wiki.{lang}.align.vec"
    return Resource(
        name=f"aligned:{lang}",
        kind="vectors",
        source="aligned",
        url=f"{FB_BASE_URL}/fasttext/vectors-aligned/{name}",
        format="vec",
        lang=lang,
        licence=LICENCE_FASTTEXT,
        filename=f"vectors/{name}",
        dim=300,
        description=f"fastText aligned Wikipedia vectors (RCSLS), {lang}, 300d",
    )


def _muse(lang: str) -> Resource:
    lang = _check_lang("muse", lang, MUSE_LANGS)
    name = f"wiki.multi.{lang}.vec"
    return Resource(
        name=f"muse:{lang}",
        kind="vectors",
        source="muse",
        url=f"{FB_BASE_URL}/arrival/vectors/{name}",
        format="vec",
        lang=lang,
        licence=f"{LICENCE_MUSE} (MUSE; from {LICENCE_FASTTEXT} fastText vectors)",
        filename=f"vectors/{name}",
        dim=300,
        description=f"MUSE aligned Wikipedia vectors (wiki.multi), {lang}, 300d",
    )


def _wiki(lang: str) -> Resource:
    lang = lang.strip().lower()
    if not _WIKI_CODE.match(lang):
        raise UnknownLanguageError(
            f"wiki: {lang!r} is not a Wikipedia language code (e.g. 'de', 'zh', 'simple'); "
            "see https://fasttext.cc/docs/en/pretrained-vectors.html"
        )
    name = f"wiki.{lang}.vec"
    return Resource(
        name=f"wiki:{lang}",
        kind="vectors",
        source="wiki",
        url=f"{FB_BASE_URL}/fasttext/vectors-wiki/{name}",
        format="vec",
        lang=lang,
        licence=LICENCE_FASTTEXT,
        filename=f"vectors/{name}",
        dim=300,
        description=f"fastText Wikipedia vectors (not aligned), {lang}, 300d",
    )


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


def _dict(pair: str, split: str | None) -> Resource:
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


def _webis() -> Resource:
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


def _marc() -> Resource:
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

_SPEC = re.compile(r"^(?P<source>[a-z0-9-]+)(?::(?P<arg>[^@\s]+))?(?:@(?P<opt>[^@\s]+))?$")


def parse_spec(spec: str) -> tuple[str, str | None, str | None]:
    """Split ``"source:arg@option"`` into its three parts (``arg``/``option`` may be None).

    Raises
    ------
    UnknownResourceError
        When ``spec`` is not of that shape or names no known source.
    """
    m = _SPEC.match(spec.strip().lower()) if isinstance(spec, str) else None
    if not m or m.group("source") not in SOURCES:
        raise UnknownResourceError(
            f"{spec!r} is not a resource spec; expected one of: "
            "aligned:XX[@N], muse:XX[@N], wiki:XX[@N], cc:XX[@N], cc-bin:XX, "
            "dict:SRC-TGT[@train|@test], opener:XX, webis-cls-10, marc "
            "(run 'xproj download list')"
        )
    return m.group("source"), m.group("arg"), m.group("opt")


def lookup(spec: str) -> Resource:
    """The :class:`Resource` a spec string names.

    Parameters
    ----------
    spec : str
        E.g. ``"aligned:es"``, ``"aligned:es@50000"``, ``"dict:en-es@test"``, ``"opener:eu"``.

    Returns
    -------
    Resource

    Raises
    ------
    UnknownResourceError
        Malformed spec or unknown source.
    UnknownLanguageError
        The source has no file for that language; the message lists those that exist.
    """
    if isinstance(spec, Resource):
        return spec
    source, arg, opt = parse_spec(spec)
    if source in ("webis-cls-10", "marc"):
        if arg or opt:
            raise UnknownResourceError(f"{spec!r}: {source} takes no language or option")
        return _webis() if source == "webis-cls-10" else _marc()
    if not arg:
        raise UnknownResourceError(f"{spec!r}: {source} needs a language, e.g. {source}:es")
    if source == "dict":
        return _dict(arg, opt)
    resource = SOURCES[source][0](arg)
    if opt is not None:
        if not opt.isdigit():
            raise UnknownResourceError(
                f"{spec!r}: expected '@N' with N a number of words, e.g. {source}:{arg}@50000"
            )
        resource = resource.with_top(int(opt))
    return resource


def languages(source: str) -> tuple:
    """Language codes (or pairs, for ``dict``) published for ``source``; ``()`` if open-ended."""
    return {
        "aligned": ALIGNED_LANGS,
        "muse": MUSE_LANGS,
        "cc": CC_LANGS,
        "cc-bin": CC_LANGS,
        "dict": DICT_PAIRS,
        "opener": OPENER_LANGS,
    }.get(source, ())


def list_resources() -> list[dict]:
    """One row per source for ``xproj download list``: source, description, example, languages."""
    examples = {
        "aligned": "aligned:es@50000",
        "muse": "muse:fr",
        "wiki": "wiki:de",
        "cc": "cc:ja@100000",
        "cc-bin": "cc-bin:ja",
        "dict": "dict:en-es@train",
        "opener": "opener:es",
        "webis-cls-10": "webis-cls-10",
        "marc": "marc",
    }
    rows = []
    for source, (_, help_) in SOURCES.items():
        res = lookup(examples[source])
        rows.append(
            {
                "source": source,
                "description": help_,
                "example": examples[source],
                "url": res.url or (res.files[0][1] if res.files else "(user-supplied)"),
                "licence": res.licence,
                "languages": languages(source),
            }
        )
    return rows
