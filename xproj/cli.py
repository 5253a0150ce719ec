"""Command-line entry point: ``xproj <command>`` and ``python run_pipeline.py``.

Each subcommand lives in its own module, imported only when used, exposing
``configure_parser(parser)`` and ``run_from_args(args) -> int`` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import XprojError

# name -> (module, one-line help)
COMMANDS = {
    "run": ("xproj.experiment", "run a cross-lingual sentiment experiment from a TOML config"),
    "predict": ("xproj.predict", "score a CSV/JSON-lines file with a saved model"),
    "adapt": ("xproj.adapt", "learn a language's statistics from unlabelled texts; save the adapted model"),
    "download": ("xproj.download", "fetch real resources (vectors, dictionaries, datasets)"),
    "train-vectors": ("xproj.train_vectors", "train fastText vectors on your own corpus"),
}

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser(argv=None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xproj", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = None
    if argv:
        wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        # Importing every command costs time (spaCy, matplotlib): configure only the one asked for.
        if wanted is None or wanted == name:
            importlib.import_module(module).configure_parser(p)
        p.set_defaults(_module=module)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return importlib.import_module(args._module).run_from_args(args)
    except XprojError as exc:
        print(f"xproj {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
