"""The ``xproj download`` subcommand: vectors, dictionary, dataset, get, list, lock."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import paths
from .._io import write_problem
from ..errors import ConfigError
from ..resources import UnknownResourceError, list_resources, lookup
from .fetching import fetch
from .lock import LOCK_ENV, LOCK_NAME, locked_entries, write_lock
from .mirror import base_url


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add ``xproj download`` subcommands: vectors, dictionary, dataset, get, list, lock."""
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

    sub.add_parser("list", help="print the registry of resources and which are verified")

    p = sub.add_parser("lock", help="write the URL, size and sha256 of every resource in the cache")
    p.add_argument("--data-dir", default=None,
                   help="cache directory (default: $XPROJ_DATA or the user cache dir)")
    p.add_argument("--file", default=None,
                   help=f"lock file to write (default: ${LOCK_ENV} or ./{LOCK_NAME}, which fetch checks)")


def _spec_from_args(args) -> str:
    if args.what == "vectors":
        return f"{args.source}:{args.lang}" + (f"@{args.top}" if args.top else "")
    if args.what == "dictionary":
        return f"dict:{args.pair}" + ("" if args.split == "full" else f"@{args.split}")
    if args.what == "dataset":
        if args.name == "opener":
            if not args.lang:
                raise ConfigError("dataset opener needs a language: en, es, ca or eu")
            return f"opener:{args.lang}"
        return args.name
    return args.spec


def _print_list(out=None) -> None:
    out = out or sys.stdout  # looked up at call time (tests capture sys.stdout)
    lock, entries = locked_entries()
    for row in list_resources():
        print(f"{row['source']:<13} {row['description']}", file=out)
        print(f"{'':<13} e.g. {row['example']}   licence: {row['licence']}", file=out)
        print(f"{'':<13} {row['url']}", file=out)
        if row["languages"]:
            print(f"{'':<13} {len(row['languages'])}: {' '.join(row['languages'])}", file=out)
        print(f"{'':<13} {_verification(row, entries)}", file=out)
        print(file=out)
    print(f"cache: {paths.data_dir()}   mirror: {base_url()}", file=out)
    print(f"lock: {lock} ({len(entries)} resources)" if lock else
          f"lock: none (${LOCK_ENV} or ./{LOCK_NAME}; 'xproj download lock' writes one)", file=out)


def _verification(row: dict, entries: dict) -> str:
    """Which of a source's resources are checked against a sha256, and which are not."""
    if row["sha256"]:
        return "verified: sha256 from the registry"
    source = row["source"]
    locked = sorted(name for name in entries if name == source or name.startswith(source + ":"))
    if not locked:
        return "unverified: no sha256 in the registry nor in a lock file"
    return f"verified by the lock file: {' '.join(locked)}; any other: unverified"


def _write_lock(args) -> int:
    target = Path(args.file or os.environ.get(LOCK_ENV, "").strip() or LOCK_NAME).expanduser()
    problem = write_problem(target)  # before every file of the cache is hashed
    if problem:
        raise ConfigError(f"{'--file' if args.file else 'lock file'} {target}: {problem}")
    entries = write_lock(target, args.data_dir)
    print(f"{target}: {len(entries)} resources locked" + (f" ({' '.join(entries)})" if entries else ""))
    return 0


def run_from_args(args) -> int:
    """Run ``xproj download ...``; print the local path of what was fetched."""
    if getattr(args, "what", None) in (None, "list"):
        _print_list()
        return 0
    if args.data_dir is not None and Path(args.data_dir).exists() and not Path(args.data_dir).is_dir():
        raise ConfigError(f"--data-dir {args.data_dir}: is a file, expected a folder")
    if getattr(args, "top", None) is not None and args.top < 1:  # 0 would fetch every word
        raise ConfigError(f"--top must be at least 1, got {args.top}")
    if args.what == "lock":
        return _write_lock(args)
    spec = _spec_from_args(args)
    try:
        lookup(spec)  # its form and source, before any fetch: a malformed spec is a usage error
    except UnknownResourceError as exc:  # (a language with no file stays a resource error, exit 1)
        raise ConfigError(str(exc)) from None
    path = fetch(spec, offline=args.offline, data_dir=args.data_dir, progress=not args.quiet)
    print(path)
    return 0
