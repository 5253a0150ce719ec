"""``xproj cache verify|clear``: check and empty the cache of loaded vectors.

Every load already checks an entry cheaply (sizes, matrix header, vocabulary checksum);
``verify`` also hashes each matrix, which finds bytes overwritten inside it. ``clear``
removes entries: those of named vector files, named entries (as ``verify`` prints them), or
all. The next load of a removed entry rebuilds it from its source file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .errors import ConfigError, ResourceNotFoundError, XprojError
from .vectors.cache_entry import ENTRY_SUFFIXES, entry_prefixes, remove_entry, verify_entry

# Files the cache writes: "<source name>.<20 hex>" + a suffix, and atomic_write's temporaries
# (".<file name>.<random>.tmp"); nothing else in the folder is touched.
_SUFFIXES = "|".join(re.escape(s) for s in ENTRY_SUFFIXES)
_ENTRY_FILE = re.compile(rf"^(.+\.[0-9a-f]{{20}})({_SUFFIXES})$")
_TEMPORARY = re.compile(rf"^\..+\.[0-9a-f]{{20}}({_SUFFIXES})\..+\.tmp$")


def configure_parser(p):
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="hash every entry's files; one line per bad entry, exit 1 if any")
    clear = sub.add_parser("clear", help="remove the entries of vector files, named entries, or all")
    clear.add_argument("paths", nargs="*", metavar="PATH",
                       help="a vector file (all its entries) or a cache entry file")
    clear.add_argument("--all", action="store_true", help="remove every entry")
    for q in (verify, clear):
        q.add_argument("--cache-dir", default=None,
                       help="the cache folder (default $XPROJ_CACHE, or $XPROJ_DATA/cache)")


def run_from_args(args) -> int:
    from .paths import cache_dir

    cdir = Path(args.cache_dir) if args.cache_dir else cache_dir()
    where = f"--cache-dir {cdir}" if args.cache_dir else f"the cache folder {cdir}"
    if cdir.exists() and not cdir.is_dir():
        raise ConfigError(f"{where}: is a file, expected the cache folder")
    if args.cache_dir and not cdir.exists():  # a mistyped folder would pass as "0 entries, all good"
        raise ConfigError(f"{where}: no such folder")
    if args.action == "verify":
        return verify_cache(cdir)
    if args.all == bool(args.paths):
        raise ConfigError("clear: name vector files or cache entries to remove, or pass --all "
                          "(not both)")
    if cdir.is_dir() and not os.access(cdir, os.W_OK | os.X_OK):
        raise ConfigError(f"{where}: cannot remove files in it (permission denied)")
    try:
        return clear_cache(cdir, None if args.all else [Path(p) for p in args.paths])
    except XprojError:  # a file with no entries (ResourceNotFoundError is an OSError too): as it says
        raise
    except OSError as exc:  # a file that cannot be removed after all (another user's, a disk)
        raise XprojError(f"{exc.filename or cdir}: cannot remove it: {(exc.strerror or str(exc)).lower()}") from None


def verify_cache(cdir: Path, echo=print) -> int:
    """Fully check every entry of ``cdir``: 0 when all are good, 1 otherwise."""
    prefixes = entry_prefixes(cdir) if cdir.is_dir() else []
    bad = [problem for problem in map(verify_entry, prefixes) if problem]
    for problem in bad:
        echo(problem)
    n = _entries(len(prefixes))
    if not bad:
        echo(f"{cdir}: {n}, all good")
        return 0
    echo(f"{cdir}: {len(bad)} of {n} bad; remove them with 'xproj cache clear PATH' "
         "(the next load rebuilds them)")
    return 1


def clear_cache(cdir: Path, paths: list[Path] | None, echo=print) -> int:
    """Remove the entries of ``paths`` (vector files or entry files), or all when None."""
    if paths is None:
        files = [f for f in cdir.iterdir() if _ENTRY_FILE.match(f.name) or _TEMPORARY.match(f.name)
                 ] if cdir.is_dir() else []
        for f in files:
            f.unlink(missing_ok=True)
        echo(f"{cdir}: removed {len(files)} files")
        return 0
    # Find everything first: a path that matches nothing stops before any removal.
    prefixes = [prefix for path in paths for prefix in _entries_of(cdir, path)]
    for prefix in dict.fromkeys(prefixes):
        remove_entry(prefix)
    echo(f"{cdir}: removed {_entries(len(set(prefixes)))}")
    return 0


def _entries_of(cdir: Path, path: Path) -> list[Path]:
    """The entries a ``clear`` argument names: itself (a file of the cache) or its source's."""
    entry = _ENTRY_FILE.match(path.name)
    if entry and path.parent.resolve() == cdir.resolve():
        return [cdir / entry.group(1)]
    source = str(path.resolve())
    found = [p for p in entry_prefixes(cdir, path.name) if _source_of(p) == source]
    if not found:
        raise ResourceNotFoundError(f"{path}: no cache entries in {cdir} for this file")
    return found


def _source_of(prefix: Path) -> str | None:
    try:
        return json.loads((prefix.parent / (prefix.name + ".json")).read_text()).get("source")
    except (OSError, ValueError, AttributeError):
        return None


def _entries(n: int) -> str:
    return f"{n} entry" if n == 1 else f"{n} entries"
