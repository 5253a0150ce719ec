"""Spec strings (``source:arg@option``) parsed and looked up, and the listing of every source."""

from __future__ import annotations

import re

from .record import Resource, UnknownResourceError
from .sources import (
    ALIGNED_LANGS,
    CC_LANGS,
    DICT_PAIRS,
    MUSE_LANGS,
    OPENER_LANGS,
    SOURCES,
    build_dict,
    build_marc,
    build_webis,
)

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
        return build_webis() if source == "webis-cls-10" else build_marc()
    if not arg:
        raise UnknownResourceError(f"{spec!r}: {source} needs a language, e.g. {source}:es")
    if source == "dict":
        return build_dict(arg, opt)
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
    """One row per source for ``xproj download list``: source, description, example, url,
    licence, languages and the example's ``sha256`` (``None`` when the registry has none)."""
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
                "sha256": res.sha256,  # None: the publisher gives no checksum
            }
        )
    return rows
