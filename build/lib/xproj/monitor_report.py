"""What ``xproj monitor`` shows: a one-screen summary, ``report.md`` with two plots, and
``summary.json``, written together into a folder staged beside its place and swapped in
(:func:`xproj.run.folder.staged_run_dir`), so a reader never sees half a report."""

from __future__ import annotations

from .loop.drift import MIN_GROUP_SIZE


def _flag(check) -> str:
    return "DRIFT" if check["drift"] else "ok"


def _shares(check, labels) -> str:
    return ", ".join(f"{n} {r:.2f}->{b:.2f}" for n, r, b in zip(labels, check["reference"], check["batch"]))


def check_lines(summary) -> list:
    """One line per check: name, figures, verdict."""
    c, labels = summary["checks"], summary["labels"]
    s = c["class_shares"]
    lines = [(f"  class shares   {_shares(s, labels)}; max change {s['max_diff']:.3f}, "
              f"chi-square p={s['p_value']:.3g}  [{_flag(s)}]")]
    if "confidence" in c:
        k = c["confidence"]
        lines.append(f"  confidence     mean {k['mean'][0]:.3f}->{k['mean'][1]:.3f}; PSI {k['psi']:.3f} "
                     f"({k['reading']}), KS D={k['ks']['statistic']:.3f} p={k['ks']['p_value']:.3g}  [{_flag(k)}]")
    else:
        lines.append("  confidence     (the model gives no probabilities)")
    o = c["oov"]
    lines.append(f"  OOV rate       {o['reference']:.3f}->{o['batch']:.3f} ({o['increase']:+.3f})  [{_flag(o)}]")
    v = c["vectors"]
    m = v["mmd"]
    lines.append(f"  doc vectors    mean shift {v['mean_shift']:.3f} SD; MMD^2 {m['mmd2']:.4f} p={m['p_value']:.3g} "
                 f"({m['n_reference']}+{m['n_batch']} rows, {m['permutations']} permutations)  [{_flag(v)}]")
    return lines


def format_summary(summary) -> str:
    ref, new = summary["reference"], summary["batch"]
    words = summary["new_words"]
    head = (f"xproj monitor ({summary['lang']}): batch {new['path']} ({new['scored']} of {new['rows']} rows "
            f"scored) vs reference {ref['path']} ({ref['scored']} of {ref['rows']})")
    lines = [head, *check_lines(summary)]
    lines.append("  new words      " + (", ".join(f"{w['token']} ({w['batch_count']})" for w in words[:10])
                                      + (" ..." if len(words) > 10 else "") if words else "none"))
    quality = summary["group_quality"]
    if quality:
        lines += ["  group quality  " + "; ".join(
            f"{g} macro-F1 {q['macro_f1']:.3f}{_ci(q['macro_f1_ci'])}" for g, q in quality["groups"].items())]
        gap = quality["gap"]
        if gap:
            lines.append(f"  largest gap    macro-F1 {gap['macro_f1']:.3f}{_ci(gap['macro_f1_ci'])} "
                         f"(lowest {gap['between'][0]}, highest {gap['between'][1]})")
        elif len(quality["groups"]) > 1:
            lines.append(f"  largest gap    not computed: fewer than two groups with {MIN_GROUP_SIZE}+ labelled rows")
    flagged = summary["drift"]
    lines.append(f"verdict: drift in {', '.join(flagged)} (exit 3)" if flagged else "verdict: no drift (exit 0)")
    return "\n".join(lines)


def _ci(ci) -> str:
    return f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""


def _num(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def markdown(summary, plots) -> str:
    t = summary["thresholds"]
    lines = ["# Drift watch", "", f"Model `{summary['model']}`, language `{summary['lang']}`, seed {summary['seed']}.",
             "", "```", format_summary(summary), "```", "",
             "Thresholds: " + ", ".join(f"{k}={v:g}" for k, v in t.items())
             + " (a check is flagged when its test rejects at alpha and its effect passes its threshold).", ""]
    lines += [f"![{name}]({name})" for name in plots] + [""]
    words = summary["new_words"]
    if words:
        lines += ["## New frequent words", "", "| token | batch | reference | rate ratio |", "|---|---:|---:|---:|"]
        lines += [f"| {w['token']} | {w['batch_count']} | {w['reference_count']} | {w['ratio']:.1f} |" for w in words]
        lines.append("")
    quality = summary["group_quality"]
    if quality:
        lines += ["## Quality per group", "",
                  f"{quality['rows_with_label']} labelled rows; 95% bootstrap intervals (resampled within groups).", "",
                  "| group | n | macro-F1 | 95% CI | ECE | 95% CI |", "|---|---:|---:|---|---:|---|"]
        lines += [f"| {g} | {q['n']} | {q['macro_f1']:.3f} |{_ci(q['macro_f1_ci'])} | {_num(q['ece'])} |"
                  f"{_ci(q['ece_ci'])} |" for g, q in quality["groups"].items()]
        gap = quality["gap"]
        small = [g for g, q in quality["groups"].items() if not q.get("in_gap", True)]
        if small:
            lines += ["", f"Groups with fewer than {MIN_GROUP_SIZE} labelled rows, listed but not compared: "
                      + ", ".join(small) + "."]
        if gap:
            lines += ["", (f"Largest macro-F1 gap: {gap['macro_f1']:.3f}{_ci(gap['macro_f1_ci'])} "
                           f"(lowest {gap['between'][0]}, highest {gap['between'][1]}); the interval of a max-min "
                           "gap is biased upward (it cannot go below 0)."), ""]
        else:
            lines.append("")
    return "\n".join(lines)


def plot_confidence(ref, new, labels, path, bins=10):
    """Histograms of the confidence (top probability) of both samples, as shares."""
    from .report import _plt, _save

    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    edges = [1 / len(labels) + i * (1 - 1 / len(labels)) / bins for i in range(bins + 1)]
    for sample, name, color in ((ref, "reference", "tab:blue"), (new, "batch", "tab:orange")):
        c = sample.proba.max(axis=1)
        ax.hist(c, bins=edges, weights=[1 / len(c)] * len(c), alpha=0.55, label=name, color=color)
    ax.set_xlabel("confidence (top class probability)")
    ax.set_ylabel("share of documents")
    ax.legend()
    return _save(fig, path)


def plot_shares(summary, path):
    """Share of each predicted class, reference and batch side by side."""
    from .report import _plt, _save

    plt = _plt()
    s, labels = summary["checks"]["class_shares"], summary["labels"]
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    x = range(len(labels))
    ax.bar([i - 0.2 for i in x], s["reference"], width=0.4, label="reference", color="tab:blue")
    ax.bar([i + 0.2 for i in x], s["batch"], width=0.4, label="batch", color="tab:orange")
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("share of predictions")
    ax.set_ylim(0, 1)
    ax.legend()
    return _save(fig, path)


def write_report(summary, out, **kinds):
    """``report.md``, ``summary.json`` and the plots into ``out``, all or nothing."""
    from .monitor_cmd import summary_json
    from .run.folder import staged_run_dir

    ref, new = summary["samples"]
    with staged_run_dir(out, "--out", **kinds) as tmp:
        plots = ["class-shares.png"]
        plot_shares(summary, tmp / "class-shares.png")
        if ref.proba is not None:
            plot_confidence(ref, new, summary["labels"], tmp / "confidence.png")
            plots.insert(0, "confidence.png")
        (tmp / "report.md").write_text(markdown(summary, plots), encoding="utf-8")
        (tmp / "summary.json").write_text(summary_json(summary) + "\n", encoding="utf-8")
