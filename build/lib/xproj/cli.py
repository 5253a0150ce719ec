"""Command-line entry point: ``xproj <command>`` and ``python run_pipeline.py``.

``run`` is defined here; every other subcommand lives in its own module, imported only when
used, exposing ``configure_parser(parser)`` and ``run_from_args(args) -> int`` (the exit code).
Exit codes: 0 success, 1 a data or resource error, 2 a configuration (usage) error; `xproj monitor`
also 3, drift above its thresholds.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .errors import ConfigError, XprojError

# name -> (module, one-line help); module None: defined in this file
COMMANDS = {
    "run": (None, "run a cross-lingual sentiment experiment from a TOML config"),
    "predict": ("xproj.predict", "score a CSV/JSON-lines file with a saved model"),
    "adapt": ("xproj.adapt", "learn a language's statistics from unlabelled texts; save the adapted model"),
    "download": ("xproj.download", "fetch real resources (vectors, dictionaries, datasets)"),
    "train-vectors": ("xproj.train_vectors", "train fastText vectors on your own corpus"),
    "cache": ("xproj.cache_cmd", "verify or clear the cache of loaded vectors"),
    "align": ("xproj.align_cmd", "align two vector files (with or without a dictionary); save the mapping"),
    "bli": ("xproj.bli_cmd", "lexicon induction (P@1/5/10) of two aligned spaces or through a saved mapping"),
    "label-queue": ("xproj.label_queue_cmd", "write the rows the model is least sure about, for people to label"),
    "retrain": ("xproj.retrain_cmd", "retrain a saved model with filled-in label queues; a new model version"),
    "monitor": ("xproj.monitor_cmd", "compare a new batch of texts with the reference: drift report, exit 3 on drift"),
}

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class OneLineErrorParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose usage errors are one line, exit 2.

    argparse prints the whole usage block before its error; in a batch log that buries the
    one line that matters (which option, what is wrong). Subparsers inherit the class
    (``add_subparsers`` makes parsers of the parent's type), so every command gets it.
    """

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- xproj run -----------------------------------------------------------------------------

SYNTHETIC_BANNER = """\
xproj synthetic demo: a seeded synthetic bilingual world (no downloads, no real data).
  Real data: xproj run opener-en-es   (OpeNER en->es with ../shared or downloaded vectors)
             xproj run my.toml --set vectors.paths.es=wiki.es.align.vec ...   (see --help)"""


def configure_run_parser(p):
    from .config import options_help, presets

    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.description = ("Run a cross-lingual sentiment experiment: config -> stages -> outputs in runs/<name>/."
                     "\n\nPresets: " + ", ".join(presets())
                     + "\n\nOptions (set in a TOML file or with --set key=value):\n" + options_help())
    p.add_argument("config", nargs="?", default="synthetic",
                   help="a preset name or a .toml file (default: synthetic, the offline demo)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override one option, e.g. --set features.pooling=sif (repeatable)")
    p.add_argument("--seed", type=int, default=None, help="seed of every random step")
    p.add_argument("--out", default=None, help="output folder (default: <output.dir>/<name>)")
    p.add_argument("--quiet", action="store_true", help="print only errors and the results")


def run_command(args) -> int:
    from .config import load_config
    from .report import format_results
    from .run import run_dir, run_experiment

    try:
        if args.out is not None and not args.out.strip():  # not a silent fall-back to the default folder
            raise ConfigError("--out is empty: give a folder, or leave --out out for <output.dir>/<name>")
        cfg = load_config(args.config, args.overrides, seed=args.seed)
    except ConfigError as exc:
        print(f"xproj run: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    echo = (lambda *a, **k: None) if args.quiet else print
    if cfg["data"]["dataset"] == "synthetic":
        print(SYNTHETIC_BANNER)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    metrics = run_experiment(cfg, out_dir=args.out, echo=echo)
    print(format_results(metrics))  # even with --quiet: the results are the point
    wrote = ["report.md", "metrics.json"] + (["plots"] if cfg["output"]["plots"] else []) + (
        ["model"] if cfg["output"]["save_model"] else [])
    print(f"outputs: {run_dir(cfg, args.out)}/ ({', '.join(wrote)})")
    failures = metrics.get("failures") or {}
    if failures:  # the others' results are written; a batch script must still see that some failed
        print(f"xproj run: error: {len(failures)} of {len(metrics['targets'])} target sets failed "
              f"({', '.join(failures)}; each row of report.md says why); the other sets' results are written",
              file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


# -- dispatch ------------------------------------------------------------------------------

def _command(name):
    """``(configure_parser, run_from_args)`` of a subcommand."""
    module = COMMANDS[name][0]
    if module is None:
        return configure_run_parser, run_command
    mod = importlib.import_module(module)
    return mod.configure_parser, mod.run_from_args


def build_parser(argv=None) -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="xproj", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = next((a for a in argv if not a.startswith("-")), None) if argv else None
    for name, (_, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        # Importing every command costs time (spaCy, matplotlib): configure only the one asked for.
        if wanted is None or wanted == name:
            _command(name)[0](p)
    return parser


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return _command(args.command)[1](args)
    except ConfigError as exc:
        print(f"xproj {args.command}: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except XprojError as exc:
        print(f"xproj {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ImportError as exc:  # an optional extra is missing; the message names what to install
        print(f"xproj {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
