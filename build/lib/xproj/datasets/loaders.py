"""Loaders of real sentiment corpora, in one place. Every loader returns one
:class:`~xproj.datasets.base.Dataset`; each lives in a module of its own (:mod:`.opener`,
:mod:`.webis`, :mod:`.marc`, :mod:`.chnsenticorp`, :mod:`.table`) and is described in
:mod:`.registry`.

=====================  =====================================================================
loader                 corpus
=====================  =====================================================================
:func:`load_opener`    OpeNER (en, es) / MultiBooked (ca, eu) sentences, binary or 4-class
:func:`load_opener_translated`  the same target sentences machine-translated into English
:func:`load_webis_cls` Webis-CLS-10 Amazon reviews (en, de, fr, ja), ``.review`` files or the
                       unextracted ``cls-acl10-unprocessed.tar.gz``
:func:`load_marc`      Multilingual Amazon Reviews Corpus (JSON lines or CSV)
:func:`load_chnsenticorp`  ChnSentiCorp hotel reviews (``label,review`` CSV)
:func:`load_table`     any CSV / TSV / JSON-lines file with a text and a label column
:func:`load_dataset`   dispatch by name: ``load_dataset("opener", root=..., lang="es", ...)``
=====================  =====================================================================

Conventions shared by all loaders
---------------------------------
* Binary sentiment labels are ``0 = "negative"``, ``1 = "positive"``.
* A missing file raises :class:`~xproj.errors.ResourceNotFoundError` naming the path (and, for
  OpeNER, the expected layout).
* A malformed row (wrong number of columns, unparseable label, invalid JSON line) raises
  :class:`~xproj.errors.InputFormatError` naming the file and the 1-based line, unless
  ``errors="skip"``: the row is then left out and counted in ``meta["skipped"]`` (the first
  few problems are kept in ``meta["problems"]``).
* Bytes that are not valid in the file's encoding raise :class:`InputFormatError` naming the
  line, except where a fallback is documented (OpeNER: latin-1, as the BLSE code reads these
  files; ChnSentiCorp: GB18030). The encoding actually used is recorded in ``meta["encoding"]``.
* A dataset with no examples left raises :class:`InputFormatError`.
* ``meta["source"]`` is the file (or directory) read.
* Where a loader takes a root directory, a resource spec (``"opener:es"``, ``"webis-cls-10"``,
  ``"marc"``) is accepted too and resolved through :func:`xproj.locate.locate`.
* Tasks are spelled ``binary``, ``4class``, ``5class`` (``4-class``, ``5-class`` accepted).
"""

from __future__ import annotations

from .chnsenticorp import load_chnsenticorp
from .common import BINARY_LABELS, TASKS
from .marc import MARC_5CLASS_LABELS, load_marc
from .opener import OPENER_4CLASS_LABELS, OPENER_LAYOUT, load_opener, load_opener_translated
from .registry import LOADERS, load_dataset
from .table import load_table
from .webis import load_webis_cls

__all__ = [
    "BINARY_LABELS",
    "MARC_5CLASS_LABELS",
    "OPENER_4CLASS_LABELS",
    "OPENER_LAYOUT",
    "TASKS",
    "LOADERS",
    "load_opener",
    "load_opener_translated",
    "load_webis_cls",
    "load_marc",
    "load_chnsenticorp",
    "load_table",
    "load_dataset",
]
