"""Batch independence of `xproj predict`: does a review's label depend on the rest of its file?

Correctness, not speed. One set of target-language reviews (3,000 by default, each with an
`id`) is scored with the CLI as users run it (`python -m xproj.cli predict ...` in a child
process, from the repo root, so the repo's code is used) in several ways, and every way is
joined with the reference (a) on `id` (or on the output's `row` number mapped back to the
`id` of that row of the scored file, when the output has no `id` column):

    (a)  the file as is, --chunk-size 5000 (the reference)
    (a2) (a) run again: a control, must always be identical
    (b)  the file reversed, --chunk-size 7
    (c)  the file shuffled (seeded permutation), --chunk-size 500
    (d)  the first 1,000 rows alone, compared with the same rows inside the whole file (a)
    (e)  the file as is, --n-jobs 2

Counted against (a): rows whose label changed; rows whose probability changed at all (string
comparison of the written `probability` and `p_<class>` values); max |dp| over the `p_<class>`
columns (the `probability` column when there are none). Scoring should not depend on the
order, the chunking, the neighbours or the number of workers: after a fix every count is 0.

Model and data, one of:

    python bench/batch_independence.py
        builds the synthetic demo model (`python run_pipeline.py --quiet --out <work>/demo`)
        and scores new synthetic target ("es") documents of the same world
        (`make_documents(world, n, side="tgt")`, seeded with --doc-seed, unseen by training)
    python bench/batch_independence.py --model runs/opener-en-es/model-es.joblib --lang es \\
        --opener-splits test,train
        the given model; texts: the OpeNER/MultiBooked sentences of --lang (binary classes, as
        `load_opener` reads them) of those splits, from ../shared/data/opener or --opener-root
    python bench/batch_independence.py --model M.joblib --lang es --input reviews.csv \\
        --text-column review [--id-column id]
        the given model and the first --n readable rows of a CSV/TSV/JSON-lines file
        (optionally .gz/.xz/.bz2); ids from --id-column, else the 1-based data row number

Fewer rows than --n: all of them are used (and (d) takes half of them if --first is not below n).
`--assert-identical` exits 1 if anything changed (for use after the fix); 2 means a child
failed. Scored files stay in --work-dir when given (default: a temporary folder, removed).
"""

import argparse
import bz2
import csv
import gzip
import io
import json
import lzma
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

# -- the reviews ----------------------------------------------------------------------------


def demo_model(work: Path, python: str) -> Path:
    out = work / "demo"
    cmd = [python, "run_pipeline.py", "--quiet", "--out", str(out)]
    print("$ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return out


def demo_texts(n: int, doc_seed: int):
    """New target-language documents of the demo's world (same config, same seed)."""
    from xproj.config import load_config
    from xproj.datasets.synthetic import make_bilingual_world, make_documents

    cfg = load_config("synthetic")
    s, d = cfg["synthetic"], cfg["data"]
    world = make_bilingual_world(n_words=s["n_words"], dim=s["dim"], noise=s["noise"],
                                 src_lang=d["source_lang"], tgt_lang=d["target_langs"][0], seed=cfg["seed"])
    docs, _ = make_documents(world, n, side="tgt", positive_rate=s["positive_rate"], seed=doc_seed)
    return d["target_langs"][0], [str(i) for i in range(1, n + 1)], [" ".join(doc) for doc in docs]


def opener_texts(root, lang: str, splits, n: int):
    from xproj.datasets import load_opener
    from xproj.paths import shared_dir

    root = Path(root) if root else shared_dir() / "data" / "opener"
    ids, texts = [], []
    for split in splits:
        ds = load_opener(root, lang, split)
        for i, t in enumerate(ds.texts, 1):
            ids.append(f"{split}-{i}")
            texts.append(t)
    return ids[:n], texts[:n]


def _open_text(path: Path):
    name = path.name.lower()
    opener = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}.get(path.suffix.lower(), open)
    raw = opener(path, "rb")
    for suffix in (".gz", ".xz", ".bz2"):
        name = name.removesuffix(suffix)
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline=""), name


def file_texts(path, text_column: str, id_column, n: int):
    """The first ``n`` rows of ``path`` with a non-empty string text (unreadable rows skipped)."""
    stream, name = _open_text(Path(path))
    ids, texts = [], []
    with stream:
        if name.endswith((".jsonl", ".json", ".ndjson")):
            records = []
            for line in stream:
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    records.append(None)
        else:
            records = csv.DictReader(stream, delimiter="\t" if name.endswith(".tsv") else ",")
        for number, rec in enumerate(records, 1):
            if len(texts) >= n:
                break
            if not isinstance(rec, dict) or not isinstance(rec.get(text_column), str) or not rec[text_column].strip():
                continue
            ids.append(str(rec[id_column]) if id_column else str(number))
            texts.append(rec[text_column])
    if len(set(ids)) != len(ids):
        sys.exit(f"{path}: the ids in {id_column!r} are not unique")
    if not texts:
        sys.exit(f"{path}: no rows with a text in column {text_column!r}")
    return ids, texts


# -- scoring and comparing ------------------------------------------------------------------


def write_input(path: Path, ids, texts):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "text"])
        w.writerows(zip(ids, texts))


def score(python, model, lang, inp: Path, out: Path, *, chunk_size=5000, n_jobs=1):
    cmd = [python, "-m", "xproj.cli", "predict", "--model", str(model), "--lang", lang,
           "--input", str(inp), "--text-column", "text", "--output", str(out),
           "--chunk-size", str(chunk_size), "--n-jobs", str(n_jobs), "--quiet"]
    t = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        print("$ " + " ".join(cmd) + f"\nexit {res.returncode}\n{res.stdout}{res.stderr}", file=sys.stderr)
        sys.exit(2)
    return time.perf_counter() - t


def read_output(path: Path, ids):
    """``id -> row dict`` of a predictions CSV; the key is the output's ``id`` column when it
    has one (input columns kept), else ``ids[row - 1]`` (the id of that row of the input)."""
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        by_id = "id" in reader.fieldnames
        for rec in reader:
            key = rec["id"] if by_id else ids[int(rec["row"]) - 1]
            if key in out:
                sys.exit(f"{path}: id {key} appears twice")
            out[key] = rec
    if len(out) != len(ids):
        sys.exit(f"{path}: {len(out)} rows out for {len(ids)} rows in")
    return out


def compare(ref: dict, other: dict):
    """(rows compared, labels changed, probabilities changed, max |dp|, rows with an error)."""
    keys = [k for k in other if k in ref]
    cols = [c for c in next(iter(ref.values())) if c.startswith("p_")] or ["probability"]
    labels = probs = errors = 0
    max_dp = 0.0
    for k in keys:
        a, b = ref[k], other[k]
        if a.get("error") or b.get("error"):
            errors += 1
            continue
        labels += a["label"] != b["label"]
        probs += any(a[c] != b[c] for c in ["probability"] + cols)
        for c in cols:
            if a[c] and b[c]:
                max_dp = max(max_dp, abs(float(a[c]) - float(b[c])))
    return len(keys), labels, probs, max_dp, errors


# -- main -----------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="a model-<lang>.joblib (default: build the synthetic demo model)")
    ap.add_argument("--lang", help="language of the texts (required with --model)")
    ap.add_argument("--input", help="CSV/TSV/JSON-lines file of texts (with --model)")
    ap.add_argument("--text-column", default="text", help="text column/field of --input (default: text)")
    ap.add_argument("--id-column", default=None, help="id column of --input (default: the row number)")
    ap.add_argument("--opener-splits", default=None,
                    help="texts: these OpeNER splits of --lang instead of --input, e.g. test,train")
    ap.add_argument("--opener-root", default=None, help="OpeNER folder (default: <shared>/data/opener)")
    ap.add_argument("--n", type=int, default=3000, help="reviews (default 3000; fewer if the data has fewer)")
    ap.add_argument("--first", type=int, default=1000, help="rows scored alone in (d) (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the shuffle in (c)")
    ap.add_argument("--doc-seed", type=int, default=12345, help="seed of the demo's new target documents")
    ap.add_argument("--python", default=sys.executable, help="interpreter that runs the CLI")
    ap.add_argument("--work-dir", default=None, help="keep inputs, outputs (and the demo model) here")
    ap.add_argument("--assert-identical", action="store_true", help="exit 1 if any row changed")
    args = ap.parse_args()

    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="xproj-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.model:
            if not args.lang:
                ap.error("--model needs --lang")
            model, lang = Path(args.model).resolve(), args.lang
            if args.opener_splits:
                splits = [s.strip() for s in args.opener_splits.split(",") if s.strip()]
                ids, texts = opener_texts(args.opener_root, lang, splits, args.n)
                source = f"OpeNER {lang} {'+'.join(splits)}"
            elif args.input:
                ids, texts = file_texts(args.input, args.text_column, args.id_column, args.n)
                source = f"{args.input} ({args.text_column})"
            else:
                ap.error("--model needs --input FILE or --opener-splits SPLITS")
        else:
            if args.input or args.opener_splits:
                ap.error("--input/--opener-splits need --model")
            lang, ids, texts = demo_texts(args.n, args.doc_seed)
            model = demo_model(work, args.python) / f"model-{lang}.joblib"
            source = f"synthetic demo world, {lang} documents (doc seed {args.doc_seed})"
        n = len(ids)
        first = args.first if args.first < n else n // 2
        rng = np.random.default_rng(args.seed)
        perm = rng.permutation(n)
        orders = {
            "a": (list(range(n)), 5000, 1),
            "a2": (list(range(n)), 5000, 1),
            "b": (list(range(n))[::-1], 7, 1),
            "c": (perm.tolist(), 500, 1),
            "d": (list(range(first)), 5000, 1),
            "e": (list(range(n)), 5000, 2),
        }
        labels_of = {
            "a": "(a) file as is, chunk 5000 (reference)",
            "a2": "(a2) (a) run again (control)",
            "b": "(b) reversed, chunk 7",
            "c": f"(c) shuffled (seed {args.seed}), chunk 500",
            "d": f"(d) first {first:,} alone vs inside all {n:,}",
            "e": "(e) as is, chunk 5000, --n-jobs 2",
        }
        print(f"model: {model}\nreviews: {n:,} from {source}\nwork dir: {work}\n", file=sys.stderr)
        outputs, times = {}, {}
        for name, (order, chunk, jobs) in orders.items():
            sids = [ids[i] for i in order]
            inp, out = work / f"input-{name}.csv", work / f"scored-{name}.csv"
            write_input(inp, sids, [texts[i] for i in order])
            times[name] = score(args.python, model, lang, inp, out, chunk_size=chunk, n_jobs=jobs)
            outputs[name] = read_output(out, sids)
        ref = outputs["a"]
        print(f"`xproj predict` of {n:,} reviews ({source}), each way joined with (a) on id:\n")
        print("| scenario | rows compared | labels changed | probabilities changed | max \\|dp\\| | time (s) |")
        print("|---|---:|---:|---:|---:|---:|")
        changed = False
        for name in orders:
            if name == "a":
                print(f"| {labels_of[name]} | {n:,} | - | - | - | {times[name]:.1f} |")
                continue
            rows, labs, probs, dp, errs = compare(ref, outputs[name])
            changed |= bool(labs or probs or errs or rows != len(orders[name][0]))
            err = f" ({errs} rows with an error)" if errs else ""
            print(f"| {labels_of[name]} | {rows:,}{err} | {labs:,} ({labs / rows:.1%}) | "
                  f"{probs:,} ({probs / rows:.1%}) | {dp:.4f} | {times[name]:.1f} |")
        counts = {}
        for r in ref.values():
            counts[r["label"]] = counts.get(r["label"], 0) + 1
        print("\n(a) labels: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
        if args.assert_identical and changed:
            print("not batch-independent: some rows changed", file=sys.stderr)
            return 1
        return 0
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
