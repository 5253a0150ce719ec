"""``xproj label-queue``: write the rows of an unlabelled file the model is least sure about,
for people to label (:mod:`xproj.loop.queue`).

Examples
--------
::

    xproj label-queue --model runs/demo/model-es.joblib --input unlabelled.csv --lang es \\
        --n 50 --strategy margin --out queue.csv       # state in loop/ beside queue.csv
"""

from __future__ import annotations

from .loop.strategies import STRATEGIES
from .options import seed_option


def configure_parser(p):
    p.add_argument("--model", required=True, help="a saved model (the model-<lang>.joblib that xproj run writes)")
    p.add_argument("--input", required=True, help="unlabelled CSV/TSV/JSON-lines file with id and text columns")
    p.add_argument("--lang", required=True, help="language of the texts (ISO 639-1)")
    p.add_argument("--n", type=int, default=50, help="rows to queue (default 50)")
    p.add_argument("--strategy", choices=STRATEGIES, default="margin",
                   help="query strategy (default margin; random is the baseline)")
    p.add_argument("--out", required=True, help="the queue file to write, label column left empty: .csv, .tsv "
                                                   "or .jsonl (.gz/.xz/.bz2 compressed), as xproj retrain reads back")
    p.add_argument("--project", default=None, help="the loop's project folder (default: loop/ beside --out)")
    p.add_argument("--seed", type=seed_option, default=0, help="seed of random and of diverse's k-means (default 0)")
    p.add_argument("--id-column", default="id", help="column holding each row's id (default: id)")
    p.add_argument("--text-column", default="text", help="column holding the text (default: text)")


def run_from_args(args) -> int:
    import sys

    from .loop.queue import label_queue

    r = label_queue(args.model, args.input, args.out, lang=args.lang, n=args.n, strategy=args.strategy,
                    project=args.project, seed=args.seed, id_column=args.id_column, text_column=args.text_column)
    print(f"round {r.round}: {r.queued} rows to label -> {r.output} ({args.strategy}, from {r.pool} candidates; "
          f"{r.already} already queued or labelled, {r.unscorable} with no known word)")
    if r.unreadable:
        shown = ", ".join(f"line {line} ({why})" for line, why in r.unreadable[:10])
        print(f"{len(r.unreadable)} rows skipped: {shown}{' ...' if len(r.unreadable) > 10 else ''}", file=sys.stderr)
    if not r.queued:
        why = [f"{n} {what}" for n, what in ((r.already, "queued or labelled before"),
                                              (r.unscorable, "with no word the model knows")) if n]
        print(f"nothing left to queue: of the readable rows, {' and '.join(why)}", file=sys.stderr)
    return 0
