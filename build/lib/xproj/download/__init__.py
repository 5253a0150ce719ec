"""Fetch the resources of :mod:`xproj.resources` into the data directory, and only what is needed.

* **Top N words.** Published ``.vec`` files list words by decreasing frequency, so the N most
  frequent words are the first N lines. :func:`fetch` asks for them with HTTP ``Range``
  requests: the first range is an estimate (``N * dim * 8`` bytes), each further range is
  sized from the average line length seen so far (plus 5 %), until N complete lines have
  arrived; the file written says ``N dim`` in its header. A server that ignores ``Range``
  (answers 200) is read as a stream and the connection is closed after N lines. ``.gz``
  sources are decompressed on the fly (``zlib``, ``wbits=31``) and read the same way.
* **Whole files** go to ``<name>.part`` and are renamed when complete: an interrupted download
  resumes from the size of the ``.part`` file (``Range: bytes=<size>-``), also automatically
  when the connection drops mid-transfer, but only with ``If-Range`` and the validator (ETag or
  Last-Modified) recorded in ``<name>.part.json`` when the transfer started: a file changed on
  the server comes back whole, and a ``.part`` with no record is restarted from zero. The
  SHA-256 is checked where the registry knows it; on a mismatch the download is deleted and
  :class:`ChecksumError` raised.
* **Shape.** Nothing malformed enters the cache: every line of a top-N cut has the header's
  dimension and there are as many as the header announces; a whole ``.vec`` is checked at its
  ends and counted, a dictionary has two columns, a gzip file decompresses to its end. A failed
  check deletes the download and raises one :class:`~xproj.errors.InputFormatError`.
* **Checksums.** Files xproj writes (top-N cuts, whole downloads) get their size and SHA-256 in
  ``<name>.sha256.json``, checked when they are used again. ``xproj download lock`` writes a
  lock file of the cache; :func:`fetch` checks against ``$XPROJ_LOCK`` or ``./xproj.lock.json``.
* **Offline.** With ``offline=True``, ``--offline`` or ``XPROJ_OFFLINE=1``, and whenever the
  network cannot be reached, a missing resource raises one :class:`ResourceNotFoundError`
  naming the resource, the URL and the exact path where the file can be put by hand.
* **Mirror.** ``XPROJ_MIRROR`` (a URL prefix) replaces ``https://dl.fbaipublicfiles.com``; other
  hosts are looked up under ``<mirror>/<host>/...`` (``raw.githubusercontent.com``,
  ``zenodo.org``). This is how tests point the real registry at a local server.

Everything lands under :func:`xproj.paths.data_dir` (``$XPROJ_DATA`` or the user cache dir):
``vectors/``, ``dictionaries/``, ``datasets/``. Use :func:`resolve` to turn a config value
(a path or a spec such as ``aligned:es@50000``) into a local path.

========================  ==================================================================
module                    job
========================  ==================================================================
:mod:`.mirror`            published URLs rewritten to ``XPROJ_MIRROR``: :func:`mirror_url`
:mod:`.progress`          tqdm progress bars on stderr, or none
:mod:`.transfer`          one GET or byte range, ``Content-Range``, :class:`TransferStats`
:mod:`.toplines`          the header and first N lines of a ``.vec`` byte stream
:mod:`.gunzip`            gzip decompressed on the fly, or a whole downloaded ``.gz``
:mod:`.verify`            size and SHA-256 checks: :class:`ChecksumError`
:mod:`.sidecar`           size and SHA-256 recorded beside the files xproj writes
:mod:`.shape`             a whole download's shape (``.vec``, dictionary, gzip)
:mod:`.resume`            the validator a ``.part`` was started with (``.part.json``)
:mod:`.cache`             where a resource is cached (:func:`cache_path`), what is there
:mod:`.lock`              lock files: written from the cache, checked by :func:`fetch`
:mod:`.top`               top N words: cut from a cached copy, or over growing ranges
:mod:`.whole`             whole files through ``.part``, resumed and retried
:mod:`.fetching`          :func:`fetch`, :func:`resolve`, offline messages
:mod:`.cli`               the ``xproj download`` subcommand
========================  ==================================================================

Each module imports only those above it in this table.

Examples
--------
>>> path = resolve("aligned:es@50000")            # doctest: +SKIP
>>> path.name                                      # doctest: +SKIP
'wiki.es.align.top50000.vec'
"""

from .cache import cache_path
from .cli import configure_parser, run_from_args
from .fetching import fetch, is_offline, resolve
from .transfer import TIMEOUT, USER_AGENT, TransferStats  # noqa: F401  (attributes since 0.1)
from .mirror import BASE_URL, base_url, mirror_url  # noqa: F401  (BASE_URL: since 0.1)
from .verify import ChecksumError

__all__ = [
    "ChecksumError",
    "TransferStats",
    "base_url",
    "mirror_url",
    "is_offline",
    "cache_path",
    "fetch",
    "resolve",
    "configure_parser",
    "run_from_args",
]


def __getattr__(name):
    if name == "last_stats":  # a module global until xproj 0.1
        raise AttributeError("xproj.download.last_stats was removed: "
                             "fetch(..., return_stats=True) returns (path, TransferStats)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
