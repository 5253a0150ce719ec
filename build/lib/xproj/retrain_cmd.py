"""``xproj retrain``: a new model version from filled-in label queues (:mod:`xproj.loop.retrain`).

Examples
--------
::

    xproj retrain --model runs/demo/model-es.joblib --labels queue.csv --out model-es-v1.joblib \\
        --dev es-dev.csv
"""

from __future__ import annotations

import sys

from .options import seed_option


def configure_parser(p):
    p.add_argument("--model", required=True, help="the model the labels were queued with (the parent)")
    p.add_argument("--labels", action="append", required=True, metavar="FILE",
                   help="a queue file with its label column filled (repeatable)")
    p.add_argument("--out", required=True, help="the new model file (joblib; a .json is written beside it)")
    p.add_argument("--project", default=None,
                   help="the loop's project folder (default: loop/ beside the first --labels)")
    p.add_argument("--dev", default=None,
                   help="labelled target dev file (text, label columns): before/after macro-F1")
    p.add_argument("--bootstrap", type=int, default=1000,
                   help="bootstrap resamples of the dev intervals (default 1000)")
    p.add_argument("--seed", type=seed_option, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--track", nargs="?", const="", default=None, metavar="URI",
                   help="log the round to MLflow (pip install 'xproj[tracking]'): at URI, or without one at "
                        "$MLFLOW_TRACKING_URI, else ./mlruns (where runs log by default)")
    p.add_argument("--experiment", default=None,
                   help="MLflow experiment (default: the model's run experiment, else its run name)")


def run_from_args(args) -> int:
    from .errors import ConfigError
    from .loop.retrain import retrain

    if args.bootstrap < 0:
        raise ConfigError(f"--bootstrap must be >= 0, got {args.bootstrap}")
    if args.experiment is not None and args.track is None:  # else silently not logged anywhere
        raise ConfigError("--experiment: names the MLflow experiment of --track; add --track (or drop it)")
    tracker = None
    if args.track is not None:  # before any work: a missing extra stops here
        from .tracking import make_tracker, resolve_uri

        tracker = make_tracker("mlflow", resolve_uri(args.track, "mlruns"), "--track")
    r = retrain(args.model, args.labels, args.out, project=args.project, dev=args.dev, n_boot=args.bootstrap,
                seed=args.seed)
    print(f"model version {r.version} -> {r.output}: trained on {r.n_labels} labelled target documents "
          f"({r.new} new, {r.changed} changed{f', {r.again} as accepted before' if r.again else ''}; "
          f"{r.empty} rows left unlabelled, skipped)")
    for warning in r.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for line in r.kept:
        print(f"  kept: {line}" if not line.startswith("not kept") else f"  {line}")
    if r.dev:
        for name in ("before", "after"):
            s = r.dev[name]
            ci = s.get("macro_f1_ci")
            interval = f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""
            print(f"  dev macro-F1 {name:6s} {s['macro_f1']:.3f}{interval} (n={s['n']})")
    if tracker is not None:
        from .tracking import track_retrain

        for message in track_retrain(tracker, r, args.model, experiment=args.experiment):
            print(f"warning: {message}", file=sys.stderr)
    return 0
