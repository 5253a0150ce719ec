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

This package only describes resources (no network, no file system); :mod:`xproj.download`
fetches them. Sizes and checksums are given where known; ``None`` means unknown, and the
downloader then skips that check.

========================  ==================================================================
module                    job
========================  ==================================================================
:mod:`.record`            :class:`Resource` and :class:`UnknownResourceError`
:mod:`.sources`           language tables and one builder per source: :data:`SOURCES`
:mod:`.specs`             specs parsed and looked up: :func:`lookup`, :func:`list_resources`
:mod:`.filenames`         a cached file's name back to its spec: :func:`spec_of_filename`
========================  ==================================================================
"""

from .record import Resource, UnknownResourceError
from .sources import (  # noqa: F401  (the other constants: attributes since 0.1)
    ALIGNED_LANGS,
    BLSE_RAW,
    CC_LANGS,
    DICT_PAIRS,
    FB_BASE_URL,
    LICENCE_FASTTEXT,
    LICENCE_MUSE,
    MARC_LAYOUT,
    MUSE_LANGS,
    OPENER_CLASSES,
    OPENER_LANGS,
    OPENER_SPLITS,
    SOURCES,
    ZENODO_WEBIS,
)
from .specs import languages, list_resources, lookup, parse_spec
from .filenames import spec_of_filename

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
    "spec_of_filename",
]
