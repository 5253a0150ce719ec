"""The ``xproj download`` subcommand: vectors, dictionary, dataset, get, list."""

from __future__ import annotations

import argparse
import sys

from .. import paths
from ..errors import XprojError
from ..resources import list_resources
from .fetching import fetch
from .mirror import base_url


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add ``xproj download`` subcommands: vectors, dictionary, dataset, get, list."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--offline", action="store_true",
                        help="do not use the network; fail with instructions if not cached")
    common.add_argument("--data-dir", default=None,
                        help="cache directory (default: $XPROJ_DATA or the user cache dir)")
    common.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="what", metavar="WHAT")

    p = sub.add_parser("vectors", parents=[common], help="word vectors for one language")
    p.add_argument("lang", help="language code, e.g. es")
    p.add_argument("--source", default="aligned", choices=["aligned", "muse", "wiki", "cc", "cc-bin"],
                   help="which published vectors (default: aligned)")
    p.add_argument("--top", type=int, default=None,
                   help="only the N most frequent words (fetched with range requests)")

    p = sub.add_parser("dictionary", parents=[common], help="a MUSE bilingual dictionary")
    p.add_argument("pair", help="language pair, e.g. en-es")
    p.add_argument("--split", default="full", choices=["full", "train", "test"],
                   help="full file, train (0-5000) or test (5000-6500)")

    p = sub.add_parser("dataset", parents=[common], help="a sentiment dataset")
    p.add_argument("name", choices=["opener", "webis-cls-10", "marc"])
    p.add_argument("lang", nargs="?", help="language (opener: en, es, ca, eu)")

    p = sub.add_parser("get", parents=[common], help="any resource by spec, e.g. aligned:es@50000")
    p.add_argument("spec")

    sub.add_parser("list", help="print the registry of resources")


def _spec_from_args(args) -> str:
    if args.what == "vectors":
        return f"{args.source}:{args.lang}" + (f"@{args.top}" if args.top else "")
    if args.what == "dictionary":
        return f"dict:{args.pair}" + ("" if args.split == "full" else f"@{args.split}")
    if args.what == "dataset":
        if args.name == "opener":
            if not args.lang:
                raise XprojError("dataset opener needs a language: en, es, ca or eu")
            return f"opener:{args.lang}"
        return args.name
    return args.spec


def _print_list(out=None) -> None:
    out = out or sys.stdout  # looked up at call time (tests capture sys.stdout)
    for row in list_resources():
        print(f"{row['source']:<13} {row['description']}", file=out)
        print(f"{'':<13} e.g. {row['example']}   licence: {row['licence']}", file=out)
        print(f"{'':<13} {row['url']}", file=out)
        if row["languages"]:
            print(f"{'':<13} {len(row['languages'])}: {' '.join(row['languages'])}", file=out)
        print(file=out)
    print(f"cache: {paths.data_dir()}   mirror: {base_url()}", file=out)


def run_from_args(args) -> int:
    """Run ``xproj download ...``; print the local path of what was fetched."""
    if getattr(args, "what", None) in (None, "list"):
        _print_list()
        return 0
    spec = _spec_from_args(args)
    path = fetch(spec, offline=args.offline, data_dir=args.data_dir, progress=not args.quiet)
    print(path)
    return 0
