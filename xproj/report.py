"""``report.md`` and PNG plots of a run (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._io import atomic_write
from .report_calibration import format_priors_line, markdown_section


def _plt():
    import matplotlib

    matplotlib.use("Agg")  # no screen on servers and CI
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path):
    path = Path(path)
    with atomic_write(path, "wb") as f:
        fig.savefig(f, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return path.name


def plot_confusion(y_true, y_pred, label_names, path, *, title=""):
    """Confusion matrix heat map with counts and row percentages."""
    from .evaluation import confusion

    plt = _plt()
    C = confusion(y_true, y_pred, len(label_names))
    rows = C.sum(axis=1, keepdims=True)
    share = np.divide(C, rows, out=np.zeros_like(C, dtype=float), where=rows > 0)
    fig, ax = plt.subplots(figsize=(1.6 + 1.1 * len(label_names), 1.2 + 1.0 * len(label_names)))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            ax.text(j, i, f"{C[i, j]}\n{share[i, j]:.0%}", ha="center", va="center",
                    color="white" if share[i, j] > 0.6 else "black", fontsize=9)
    ax.set_xticks(range(len(label_names)), label_names, rotation=30, ha="right")
    ax.set_yticks(range(len(label_names)), label_names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title or "confusion matrix")
    return _save(fig, path)


def plot_pca_pairs(space, src, tgt, pairs, path, *, n_pairs=40, seed=0):
    """Both languages' aligned vectors for a few dozen translation pairs, projected on the
    first two principal components of those points, each pair joined by a line."""
    plt = _plt()
    S, T = space[src], space[tgt]
    ok = [(s, t) for s, t in dict(pairs).items() if s in S and t in T]
    if not ok:
        return None
    rng = np.random.default_rng(seed)
    pick = [ok[i] for i in sorted(rng.choice(len(ok), size=min(n_pairs, len(ok)), replace=False))]
    A = np.array([S[s] for s, _ in pick])
    B = np.array([T[t] for _, t in pick])
    both = np.vstack([A, B]).astype(np.float64)
    both -= both.mean(axis=0)
    _, _, Vt = np.linalg.svd(both, full_matrices=False)
    P = both @ Vt[:2].T
    Pa, Pb = P[: len(pick)], P[len(pick):]
    fig, ax = plt.subplots(figsize=(8, 7))
    for (s, t), a, b in zip(pick, Pa, Pb):
        ax.plot([a[0], b[0]], [a[1], b[1]], color="0.8", lw=0.8, zorder=1)
        ax.annotate(s, a, fontsize=7, color="tab:blue")
        ax.annotate(t, b, fontsize=7, color="tab:red")
    ax.scatter(Pa[:, 0], Pa[:, 1], s=12, color="tab:blue", label=src, zorder=2)
    ax.scatter(Pb[:, 0], Pb[:, 1], s=12, color="tab:red", label=tgt, zorder=2)
    ax.legend()
    ax.set_title(f"{len(pick)} translation pairs in the aligned space (PCA of these points)")
    return _save_words(fig, path)


def _save_words(fig, path):
    """:func:`_save` for a plot labelled with words: matplotlib warns once per character its
    font lacks (dozens of lines for Chinese or Japanese words without a CJK font); one line
    instead, saying which plot and what to install."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        name = _save(fig, path)
    missing = [w for w in caught if "missing from font" in str(w.message)]
    for w in caught:
        if w not in missing:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if missing:
        warnings.warn(f"{Path(path).name}: {len(missing)} characters of the words have no glyph in the "
                      "installed fonts and are drawn as boxes (install a CJK font, e.g. Debian's "
                      "fonts-noto-cjk)", stacklevel=2)
    return name


def _ci(r, key):
    ci = r.get(key + "_ci")
    return f"{r[key]:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else f"{r[key]:.3f}"


def results_table(rows) -> str:
    """Markdown table: method, macro-F1 [95% CI], accuracy [95% CI], n."""
    out = ["| method | macro-F1 [95% CI] | accuracy [95% CI] | n |", "|---|---|---|---|"]
    for name, r in rows.items():
        out.append(f"| {name} | {_ci(r, 'macro_f1')} | {_ci(r, 'accuracy')} | {r['n']} |")
    return "\n".join(out)


def file_stem(target_id) -> str:
    """A target set's id as part of a file name (``zh/chnsenticorp`` -> ``zh-chnsenticorp``)."""
    return str(target_id).replace("/", "-")


def reliability_plot_name(target_id) -> str:
    """File name of a target set's reliability diagram."""
    return f"reliability-{file_stem(target_id)}.png"


#: baselines shown beside the method in the table over target sets, in this order
SUMMARY_BASELINES = ("word-by-word", "unaligned", "majority", "translate-test", "in-language")


def summary_columns(metrics) -> list:
    """Row titles of the table over target sets: the method, then the baselines that at
    least one target set has."""
    from .run.baselines import BASELINES
    from .run.evaluate import METHOD

    present = {title for rows in metrics["results"].values() for title in rows}
    few_shot = sorted({(r["k"], title) for rows in metrics["results"].values() for title, r in rows.items()
                       if "k" in r})
    return ([METHOD] + [BASELINES[b][0] for b in SUMMARY_BASELINES if BASELINES[b][0] in present]
            + [title for _, title in few_shot])


def _summary_cells(metrics, tid, columns, cell) -> list:
    """One target set's cells: scores, or its failure in the first cell."""
    if tid in metrics.get("failures", {}):
        return [f"failed: {metrics['failures'][tid]}"] + [""] * (len(columns) - 1)
    rows = metrics["results"].get(tid, {})
    return [cell(rows[c]) if c in rows else "—" for c in columns]


def targets_table(metrics) -> str:
    """Markdown table over target sets: macro-F1 [95% CI] of the method and each baseline,
    with the test size; a set that failed says why on its row."""
    columns = summary_columns(metrics)
    out = ["| target set | dataset | n | " + " | ".join(columns) + " |", "|---|---|---|" + "---|" * len(columns)]
    for tid, t in metrics["targets"].items():
        n = metrics["results"].get(tid, {}).get(columns[0], {}).get("n", "")
        cells = _summary_cells(metrics, tid, columns, lambda r: _ci(r, "macro_f1"))
        out.append(f"| {tid} | {t['dataset']} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def _many_targets(metrics) -> bool:
    return len(metrics.get("targets", {})) > 1 or bool(metrics.get("failures"))


def translation_vote_line(vote) -> str:
    """What the method's probabilities are made of (``model.translation_weight``)."""
    if not vote:
        return "Translation vote: off (the aligned model alone)."
    w = vote["weight"]
    return (f"Translation vote: weight {w}, {vote['words']:,} words of the {vote['origin']} "
            f"(probabilities = {1 - w:g} x aligned + {w:g} x word-by-word translation scored as the source language).")


def warnings_section(warnings) -> list:
    """Markdown lines of a run's warnings (none: no section)."""
    if not warnings:
        return []
    return ["## Warnings", "", *(f"- {w}" for w in warnings), ""]


def bli_section(metrics) -> list:
    """The report's BLI section (lines), with the test queries left out as seed words."""
    if not metrics["bli"]:
        return []
    lines = ["## Bilingual lexicon induction", "",
              "Precision at k over covered queries (source word and a gold translation have vectors); "
              "'all' counts uncovered queries as wrong.", "",
              "| pair | method | P@1 | P@5 | P@10 | P@1 (all) | covered / queries |", "|---|---|---|---|---|---|---|"]
    for tgt, r in metrics["bli"].items():
        for m in ("nn", "csls"):
            s = r[m]
            lines.append(f"| {metrics['source_lang']}-{tgt} | {m.upper()} | {s['p@1']:.3f} | {s['p@5']:.3f} | "
                         f"{s['p@10']:.3f} | {s['p@1_all']:.3f} | {r['covered']} / {r['queries']} |")
    lines.append("")
    left_out = {tgt: r["seed_queries_left_out"] for tgt, r in metrics["bli"].items()
                if r.get("seed_queries_left_out")}
    if left_out:
        lines += ["Test queries that are source words of the seed dictionary are left out (they would score "
                  "the fit, not what the mapping generalises to): "
                  + ", ".join(f"{metrics['source_lang']}-{t} {n:,}" for t, n in left_out.items()) + ".", ""]
    return lines


def few_shot_draws_line(metrics) -> list:
    """A line saying that the few-shot rows are means over draws, with each draw's macro-F1
    (``evaluation.few_shot_draws`` > 1), as lines; [] otherwise."""
    each = {f"{tgt} {title.removeprefix('few-shot ')}": row["macro_f1_each"]
            for tgt, rows in metrics["results"].items() for title, row in rows.items()
            if len(row.get("macro_f1_each", ())) > 1}
    if not each:
        return []
    n = len(next(iter(each.values())))
    out = [f"{name}: " + ", ".join(f"{f:.3f}" for f in f1s) for name, f1s in each.items()]
    return [f"Few-shot rows: the mean over {n} seeded draws of the k target documents (each draw a nested "
            "learning curve); the interval resamples the test documents of every draw together. "
            "Each draw's macro-F1:", ""] + [f"- {line}" for line in out] + [""]


def write_report(path, cfg, metrics, plots, *, run_folder=None):
    """Write ``report.md``: warnings, data, lexicon induction, results with baselines,
    per-class scores, confusion matrix and plots. ``run_folder``: where the run folder ends
    up (default: the folder of ``path``), for the command that re-runs it."""
    lines = [f"# {cfg['name']}", ""]
    if cfg.get("description"):
        lines += [cfg["description"], ""]
    lines += warnings_section(metrics.get("warnings"))
    if metrics.get("synthetic"):
        lines += ["> This is the **synthetic demo**: a seeded synthetic bilingual world, not real data. "
                  "Run a real preset (`xproj run opener-en-es`) for real figures.", ""]
    names = metrics["label_names"]
    lines += ["## Data", "", "| split | " + " | ".join(names) + " | total |", "|---|" + "---|" * (len(names) + 1)]
    for split, counts in metrics["data"].items():
        lines.append(f"| {split} | " + " | ".join(str(counts[n]) for n in names) + f" | {sum(counts.values())} |")
    lines.append("")
    lines += bli_section(metrics)
    if metrics.get("instance"):
        lines += [f"{metrics['source_lang']} words moved by InstaMap after the linear mapping (alignment.instance_k; "
                  "BLI above reads the corrected mapping):", ""]
        lines += [f"- {lang}: k {r['instance_k']}, temperature {r['instance_temperature']}, "
                  f"{r['instance_iterations']} iterations, {r['dictionary_sources']:,} dictionary source words"
                  for lang, r in metrics["instance"].items()]
        lines.append("")
    if metrics.get("dictionary_anchor"):
        lines += ["Dictionary words pulled toward their mapped translations (alignment.dictionary_anchor):", ""]
        lines += [f"- {lang}: strength {r['strength']}, {r['words_moved']:,} of {r['vocabulary']:,} words moved "
                  f"({r['pairs_used']:,} pairs)" for lang, r in metrics["dictionary_anchor"].items()]
        lines.append("")
    if metrics.get("polarity_lexicon"):
        lines += ["Sentiment lexicon words paired with good/bad anchors, anchored and voted "
                  "(alignment.polarity_lexicon):", ""]
        lines += [f"- {lang}: {r['words']:,} words, {r['pairs']:,} pairs" for lang, r in metrics["polarity_lexicon"].items()]
        lines.append("")
    if metrics.get("scripts"):
        from .dictionaries import ScriptNormalization

        lines += ["Dictionaries brought to one script per language before use:", ""]
        lines += [f"- {lang} {role}: {ScriptNormalization(**record).describe()}"
                  for lang, roles in metrics["scripts"].items() for role, record in roles.items()]
        lines.append("")
    lines += ["## Results", "",
              "Trained on the source language's labels only (zero-shot), except rows marked few-shot or "
              "in-language; how the hyper-parameters were chosen is said under each target.", ""]
    lines += few_shot_draws_line(metrics)
    if _many_targets(metrics):
        lines += ["### Every target set (macro-F1 [95% CI])", "",
                  ("A target set read from one file is split 70/10/20 when the in-language row is asked for; "
                   "every row then scores the same 20 % test part (n)."), "", targets_table(metrics), ""]
    for tgt, rows in metrics["results"].items():
        lines += [f"### {metrics['source_lang']} -> {tgt}", "", results_table(rows), ""]
        adaptation = metrics.get("adaptation", {}).get(tgt)
        if adaptation:
            transductive = rows.get("xproj (aligned)", {}).get("transductive")
            lines += [f"Target statistics (centering and scaling): {adaptation}"
                      + (" — transductive: the test texts themselves, without their labels." if transductive else ".")
                      + " They are saved in the model; `xproj predict` uses them for every row.", ""]
        main = rows.get("xproj (aligned)")
        if main and "translation_vote" in main:
            lines += [translation_vote_line(main["translation_vote"]), ""]
        if main:
            lines += ["Per class (xproj, aligned):", "", "| class | precision | recall | F1 | support |",
                      "|---|---|---|---|---|"]
            for n, s in main["per_class"].items():
                lines.append(f"| {n} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
            lines += ["", "Confusion matrix (rows true, columns predicted):", "",
                      "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
            for n, row in zip(names, main["confusion"]):
                lines.append(f"| {n} | " + " | ".join(str(x) for x in row) + " |")
            if main.get("oov_rate") is not None:
                chosen = main.get("chosen") or "chosen on the source dev split"  # runs saved before "chosen"
                lines += ["", f"Target-language token OOV rate: {main['oov_rate']:.1%}; {chosen}: "
                          f"C={main.get('C')}, class_weight={main.get('class_weight')}"
                          + (f"; features.scale = {main['scale']!r}." if main.get("scale") else ".")]
            if main.get("empty_docs") is not None:
                lines += ["", f"Test documents with no known word: {main['empty_docs']} of {main['n']} "
                          "(no word with a vector: classified from no evidence)."]
            lines.append("")
        lang = metrics.get("targets", {}).get(tgt, {}).get("lang", tgt)
        for name in (f"confusion-{file_stem(tgt)}.png", f"pca-{lang}.png"):
            if plots.get(name):
                lines += [f"![{name}]({name})", ""]
        lines += markdown_section(metrics.get("priors", {}).get(tgt), metrics.get("calibration", {}).get(tgt),
                                  names, plots.get(reliability_plot_name(tgt)))
    lines += ["## Reproduce", "", "The resolved configuration is in `config.toml`, package versions in "
              "`versions.json`:", "", "```", "xproj run " + str(Path(run_folder or Path(path).parent) / "config.toml"), "```", ""]
    with atomic_write(path, "w") as f:
        f.write("\n".join(lines))


def format_results(metrics) -> str:
    """The results tables of a run as plain text (printed at the end of ``xproj run``)."""
    lines = []
    for tgt, rows in metrics["results"].items():
        lines.append(f"target {tgt}:  {'method':<34} {'macro-F1 [95% CI]':<24} accuracy")
        for name, r in rows.items():
            ci = r.get("macro_f1_ci")
            ci_s = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""
            lines.append(f"            {name:<34} {r['macro_f1']:.3f} {ci_s:<18} {r['accuracy']:.3f}")
        if metrics.get("adaptation", {}).get(tgt):
            lines.append(f"            adaptation: {metrics['adaptation'][tgt]}")
        if metrics.get("priors", {}).get(tgt):
            lines.append(f"            {format_priors_line(metrics['priors'][tgt], metrics['label_names'])}")
        if metrics.get("calibration", {}).get(tgt):
            lines.append(f"            ECE {metrics['calibration'][tgt]['ece']:.3f}")
        if metrics.get("empty_docs", {}).get(tgt):
            lines.append(f"            test documents with no known word: {metrics['empty_docs'][tgt]}")
    for tgt, message in metrics.get("failures", {}).items():
        lines.append(f"target {tgt}:  failed: {message}")
    if _many_targets(metrics):
        lines += ["", "every target set, macro-F1 [95% CI]:", format_targets_table(metrics)]
    return "\n".join(lines)


def format_targets_table(metrics) -> str:
    """The table over target sets as plain text (a failed set says why on its row)."""
    columns = summary_columns(metrics)

    def cell(r):
        ci = r.get("macro_f1_ci")
        return f"{r['macro_f1']:.3f}" + (f" [{ci[0]:.2f},{ci[1]:.2f}]" if ci else "")

    width = max(len(t) for t in metrics["targets"]) + 2
    lines = [f"{'target set':<{width}}" + "".join(f"{c[:24]:<26}" for c in columns)]
    for tid in metrics["targets"]:
        cells = _summary_cells(metrics, tid, columns, cell)
        failed = tid in metrics.get("failures", {})
        lines.append(f"{tid:<{width}}" + (cells[0] if failed else "".join(f"{c:<26}" for c in cells)))
    return "\n".join(lines)
