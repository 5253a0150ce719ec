"""``xproj adapt``: give a saved model a language's own statistics, learnt from that
language's unlabelled texts, and save the result as a new model.

The statistics (the mean and spread of the language's document vectors) are what
``features.center = "language"`` and ``features.scale = "language"`` use; a model scores
a language without statistics of its own with the source language's. Adapting once on a
representative file, then scoring any number of files, gives every row the same label
whichever file or batch it comes in (``xproj predict --adapt-on`` does both in one go).

Examples
--------
::

    xproj adapt --model runs/opener-en-es/model-es.joblib --lang es \\
        --input unlabelled-es.csv --text-column review --out model-es-adapted.joblib
"""

from __future__ import annotations

import sys
from pathlib import Path

from .scoring import (Scorer, check_chunk_size, check_distinct, check_input, check_lang_code, check_n_jobs,
                      check_output, check_text_column)
from .tables import Table


def adapt_file(model_path, input_path, out_path, *, lang, text_column="text", fmt=None, chunk_size=5000,
               n_jobs=1) -> dict:
    """Adapt the model at ``model_path`` to ``lang`` on ``input_path``'s texts; save to ``out_path``.

    Returns
    -------
    dict
        ``documents`` (texts used), ``adaptation`` (one line), ``output``.
    """
    from .model import save_model

    check_lang_code(lang)
    check_chunk_size(chunk_size)
    check_n_jobs(n_jobs)
    table = Table(check_input(input_path), fmt=fmt, format_option="--format")
    check_input(model_path, "--model")
    check_distinct(out_path, model_path, "--out", "--model")
    check_distinct(out_path, input_path, "--out", "--input")
    check_output(out_path, "--out")
    check_text_column(table, text_column)
    scorer = Scorer.open(model_path, lang)
    adapted = scorer.adapt(table, text_column, chunk_size=chunk_size, n_jobs=n_jobs)
    b = scorer.bundle
    save_model(scorer.model, out_path, mapping=b.get("mapping"), config=b.get("config"),
               label_names=b.get("label_names"))
    return {"documents": adapted.documents, "adaptation": scorer.adaptation(), "output": str(out_path),
            "left_out": adapted.left_out_line(input_path)}


def configure_parser(p):
    p.add_argument("--model", required=True, help="a model-<lang>.joblib written by xproj run")
    p.add_argument("--lang", required=True, help="language of the texts (ISO 639-1)")
    p.add_argument("--input", required=True, help="unlabelled texts: CSV/TSV (with a header) or JSON lines")
    p.add_argument("--out", required=True, help="the adapted model (a new file; not --model)")
    p.add_argument("--text-column", default="text", help="column or JSON field holding the text (default: text)")
    p.add_argument("--format", choices=["csv", "tsv", "jsonl"], default=None, help="default: from the file name")
    p.add_argument("--chunk-size", type=int, default=5000, help="texts tokenised at a time (default 5000)")
    p.add_argument("--n-jobs", type=int, default=1, help="tokenisation workers (joblib; default 1)")


def run_from_args(args) -> int:
    summary = adapt_file(args.model, args.input, Path(args.out), lang=args.lang, text_column=args.text_column,
                         fmt=args.format, chunk_size=args.chunk_size, n_jobs=args.n_jobs)
    print(f"{summary['documents']:,} documents -> {summary['output']} ({summary['adaptation']})")
    if summary["left_out"]:
        print(summary["left_out"], file=sys.stderr)
    return 0
