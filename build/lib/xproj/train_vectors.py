"""Train fastText word vectors on your own corpus: ``xproj train-vectors``.

For languages or domains without good published vectors, or when the published ones cannot be
downloaded. The corpus goes through the same preprocessing as the documents to classify
(:func:`xproj.lang.get_preprocessor`), so that the vectors' vocabulary matches the tokens the
classifier will look up.

Outputs, beside each other:

* ``<prefix>.bin`` -- the fastText model (vectors for unseen words from character n-grams);
* ``<prefix>.vec`` -- text vectors, words in fastText's frequency order, header ``count dim``
  (read by :func:`xproj.vectors.load_vectors`, whose cache is warmed here).

Reproducibility: fastText trains with lock-free parallel SGD (Hogwild), so with ``threads > 1``
two runs give different vectors even with the same ``seed``. Only ``threads=1`` with a fixed
``seed`` repeats exactly (and is slower).

Examples
--------
>>> from xproj.train_vectors import train_vectors                          # doctest: +SKIP
>>> train_vectors("es", ["reviews.txt.xz"], "vectors/es.100d", dim=100)   # doctest: +SKIP
PosixPath('vectors/es.100d.vec')
"""

from __future__ import annotations

import math
import numbers
import os
import tempfile
from pathlib import Path

from ._io import open_text
from .errors import ConfigError, InputFormatError, ResourceNotFoundError, UnknownLanguageError, XprojError

__all__ = ["train_vectors", "check_options", "write_training_file", "configure_parser",
           "run_from_args"]

MODELS = ("skipgram", "cbow")
_BATCH = 2000  # lines per preprocessing batch


def write_training_file(lang, corpus_paths, out, *, preprocess=True, max_lines=None, n_jobs=1) -> int:
    """Write the corpora as one training file: one line per input line, tokens space-joined.

    Parameters
    ----------
    lang : str
        Language code for :func:`xproj.lang.get_preprocessor`.
    corpus_paths : sequence of str or Path
        UTF-8 text files, plain, ``.gz``, ``.xz`` or ``.bz2``.
    out : binary file object
        Where the training text goes.
    preprocess : bool
        Tokenise and normalise with the language's preprocessor; when False, lines are only
        split on whitespace (for corpora that are already tokenised).
    max_lines : int, optional
        Read at most this many lines from each corpus.
    n_jobs : int
        Processes for preprocessing.

    Returns
    -------
    int
        Number of tokens written.
    """
    pre = _preprocessor(lang) if preprocess else None
    tokens = 0
    for path in corpus_paths:
        with open_text(path, errors="surrogateescape") as f:
            batch = []
            for i, line in enumerate(f):
                if max_lines is not None and i >= max_lines:
                    break
                _check_utf8(path, line, i + 1)
                batch.append(line.strip())
                if len(batch) >= _BATCH:
                    tokens += _write_batch(batch, pre, out, n_jobs)
                    batch = []
            tokens += _write_batch(batch, pre, out, n_jobs)
    return tokens


def _check_utf8(path, line: str, number: int) -> None:
    """Bytes that are not UTF-8 stop the corpus at their line: decoded with replacement they
    became words of their own ('caf', '\ufffd' from a Latin-1 'café'), silently."""
    try:
        line.encode("utf-8")
    except UnicodeEncodeError as exc:  # undecodable bytes were kept as lone surrogates
        byte = line[exc.start].encode("utf-8", "surrogateescape")
        raise InputFormatError(path, f"not valid UTF-8 (byte {byte!r} at column {exc.start + 1}); "
                                     "save the corpus as UTF-8", number) from None


def _preprocessor(lang):
    from .lang import get_preprocessor

    return get_preprocessor(lang)


def _write_batch(lines, pre, out, n_jobs) -> int:
    if not lines:
        return 0
    docs = pre.pipe(lines, batch_size=len(lines), n_jobs=n_jobs) if pre else [line.split() for line in lines]
    n = 0
    for toks in docs:
        if toks:
            # fastText splits on whitespace: a token must not contain any
            out.write((" ".join(t.replace(" ", "_") for t in toks) + "\n").encode("utf-8"))
            n += len(toks)
    return n


def train_vectors(
    lang,
    corpus_paths,
    out_prefix,
    *,
    model: str = "skipgram",
    dim: int = 100,
    epochs: int = 5,
    min_count: int = 5,
    threads: int = 2,
    minn: int = 3,
    maxn: int = 6,
    seed: int | None = None,
    preprocess: bool = True,
    max_lines: int | None = None,
    lr: float = 0.05,
    ws: int = 5,
    warm_cache: bool = True,
) -> Path:
    """Train fastText vectors on ``corpus_paths``; write ``<prefix>.bin`` and ``<prefix>.vec``.

    Parameters
    ----------
    lang : str
        Language code; picks the preprocessor (:func:`xproj.lang.get_preprocessor`).
    corpus_paths : str, Path or sequence of them
        Raw text, one document or paragraph a line; plain, ``.gz``, ``.xz`` or ``.bz2``.
    out_prefix : str or Path
        Output path without extension; parent directories are created.
    model : {"skipgram", "cbow"}
    dim, epochs, min_count, minn, maxn, lr, ws
        fastText's ``dim``, ``epoch``, ``minCount``, ``minn``, ``maxn``, ``lr``, ``ws``.
        ``minn=maxn=0`` trains without subwords.
    threads : int
        Training threads. With more than one, results vary from run to run (Hogwild SGD).
    seed : int, optional
        fastText's random seed; makes single-thread runs repeatable.
    preprocess : bool
        Run the language preprocessor over the corpus (default), or only split on spaces.
    max_lines : int, optional
        Use at most this many lines of each corpus.
    warm_cache : bool
        Load the ``.vec`` once with :func:`xproj.vectors.load_vectors`, so that the first
        experiment reading it finds the memory-mappable cache ready.

    Returns
    -------
    Path
        The ``.vec`` file (the ``.bin`` is beside it).

    Raises
    ------
    ConfigError
        An option is out of range (see :func:`check_options`) or `out_prefix` cannot be
        written (its folder is a file); raised before any work.
    ResourceNotFoundError
        A corpus file is missing (checked before any work).
    InputFormatError
        A corpus file is empty, holds no tokens, or none occurs ``min_count`` times.
    XprojError
        The outputs cannot be written (disk full...). Outputs are written under temporary
        names and renamed at the end, so a failed run leaves no ``.bin`` or ``.vec``.
    """
    check_options(model=model, dim=dim, epochs=epochs, min_count=min_count, threads=threads,
                  minn=minn, maxn=maxn, seed=seed, max_lines=max_lines, lr=lr, ws=ws)
    if isinstance(corpus_paths, (str, os.PathLike)):
        corpus_paths = [corpus_paths]
    corpus_paths = [Path(p) for p in corpus_paths]
    _check_corpus(corpus_paths)
    prefix = Path(out_prefix)
    bin_path, vec_path = _with_suffix(prefix, ".bin"), _with_suffix(prefix, ".vec")
    _check_output(prefix, (bin_path, vec_path), corpus_paths)
    if preprocess:
        try:
            _preprocessor(lang)  # an unknown language fails here, before any work
        except UnknownLanguageError as exc:
            raise ConfigError(f"{_name('lang')}: {exc}") from None
    prefix.parent.mkdir(parents=True, exist_ok=True)

    # Everything is written in a temporary folder beside the outputs (the training text can be
    # as large as the corpus) and the outputs are renamed into place only when both are
    # complete: a failed run leaves neither a .bin nor a .vec.
    with tempfile.TemporaryDirectory(prefix=".xproj-train-", dir=prefix.parent) as tmp:
        train_file = Path(tmp) / "train.txt"
        with open(train_file, "wb") as out:
            n_tokens = write_training_file(
                lang, corpus_paths, out, preprocess=preprocess, max_lines=max_lines
            )
        if n_tokens == 0:
            raise InputFormatError(corpus_paths[0], "no tokens to train on (empty corpus?)")
        options = dict(
            input=str(train_file), model=model, dim=int(dim), epoch=int(epochs),
            minCount=int(min_count), thread=int(threads), minn=int(minn), maxn=int(maxn),
            lr=float(lr), ws=int(ws), verbose=0,
        )
        try:
            ft = _train(options, seed)
        except (RuntimeError, ValueError, MemoryError) as exc:  # e.g. "Empty vocabulary. Try a smaller -minCount value."
            hint = ""
            if "NaN" in str(exc) and maxn == 0:
                # seen with fasttext-numpy2-wheel 0.9.x: training without subwords diverges
                hint = " (training without subwords, maxn=0, fails with this binding: use maxn>0)"
            raise InputFormatError(corpus_paths[0], f"fastText could not train: "
                                   f"{exc or type(exc).__name__}{hint}") from None
        tmp_bin, tmp_vec = Path(tmp) / "model.bin", Path(tmp) / "model.vec"
        try:
            ft.save_model(str(tmp_bin))
            _write_vec(ft, tmp_vec, lang)
        except (OSError, RuntimeError, ValueError) as exc:
            raise XprojError(f"{vec_path}: cannot write the vectors ({exc})") from None
        _publish([(tmp_bin, bin_path), (tmp_vec, vec_path)])
    if warm_cache:
        from .vectors import load_vectors

        try:
            load_vectors(vec_path, lang=lang)
        except Exception:  # the .vec cannot be read back: it is of no use, do not leave it
            _remove(bin_path, vec_path)
            raise
    return vec_path


# --- validation, before any work ------------------------------------------------------------

FASTTEXT_MAX_SEED = 2**31 - 1

# Library argument -> command-line option, so that messages make sense to both callers.
_OPTIONS = {"model": "--model", "dim": "--dim", "epochs": "--epochs", "min_count": "--min-count",
            "threads": "--threads", "minn": "--minn", "maxn": "--maxn", "seed": "--seed",
            "max_lines": "--max-lines", "out_prefix": "--out", "lang": "--lang"}


def _name(arg: str) -> str:
    return f"{arg} ({_OPTIONS[arg]})" if arg in _OPTIONS else arg


def _check_int(arg: str, value, minimum: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(f"{_name(arg)}: must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{_name(arg)}: must be at least {minimum}, got {value}")


def check_options(*, model, dim, epochs, min_count, threads, minn, maxn, seed, max_lines, lr, ws) -> None:
    """Raise :class:`~xproj.errors.ConfigError` for the first invalid training option.

    ``dim``, ``epochs``, ``min_count``, ``threads``, ``ws`` and ``max_lines`` (unless None)
    must be integers >= 1; ``minn`` and ``maxn`` integers >= 0 with ``minn <= maxn`` when
    subwords are on (``maxn > 0``); ``lr`` a positive number; ``model`` one of :data:`MODELS`.
    """
    if model not in MODELS:
        raise ConfigError(f"{_name('model')}: must be one of {', '.join(MODELS)}, got {model!r}")
    for arg, value in (("dim", dim), ("epochs", epochs), ("min_count", min_count),
                       ("threads", threads), ("ws", ws)):
        _check_int(arg, value, 1)
    _check_int("minn", minn, 0)
    _check_int("maxn", maxn, 0)
    if maxn > 0 and minn > maxn:
        raise ConfigError(f"{_name('minn')}: must not exceed maxn ({maxn}), got {minn}")
    if max_lines is not None:
        _check_int("max_lines", max_lines, 1)
    if seed is not None:
        _check_int("seed", seed, 0)
        if seed > FASTTEXT_MAX_SEED:  # fastText's seed is a C int: the binding raises a TypeError
            raise ConfigError(f"{_name('seed')}: must be at most {FASTTEXT_MAX_SEED}, got {seed}")
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not (math.isfinite(lr) and lr > 0):
        raise ConfigError(f"lr: must be a positive number, got {lr!r}")


def _check_corpus(paths: list[Path]) -> None:
    if not paths:
        raise ConfigError("corpus_paths (--corpus): no corpus file given")
    for path in paths:
        if not path.is_file():
            what = "is a folder, expected a text file" if path.is_dir() else "no such corpus file"
            raise ResourceNotFoundError(f"{path}: {what}")
        if path.stat().st_size == 0:
            raise InputFormatError(path, "empty corpus file: nothing to train on")


def _check_output(prefix: Path, outputs, corpus_paths=()) -> None:
    folder = prefix.parent
    while not folder.exists():  # the nearest folder that exists must be a writable folder
        folder = folder.parent
    if not folder.is_dir():
        raise ConfigError(f"{_name('out_prefix')} {prefix}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{_name('out_prefix')} {prefix}: cannot write in {folder}")
    for path in outputs:
        if path.is_dir():
            raise ConfigError(f"{_name('out_prefix')} {prefix}: {path} is a folder")
        for corpus in corpus_paths:  # the output would replace the text it is trained on
            if path.resolve() == corpus.resolve() or (path.exists() and os.path.samefile(path, corpus)):
                raise ConfigError(f"{_name('out_prefix')} {prefix}: would write {path}, a --corpus file; "
                                  "choose another prefix")


# --- outputs --------------------------------------------------------------------------------


def _publish(moves) -> None:
    """Rename each finished temporary onto its output; on failure remove those already moved."""
    done = []
    try:
        for src, dst in moves:
            os.replace(src, dst)  # same folder, so each rename is atomic
            done.append(dst)
    except OSError as exc:
        _remove(*done)
        raise XprojError(f"{dst}: cannot write ({exc})") from None


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _train(options: dict, seed: int | None):
    """``fasttext.train_unsupervised(**options)`` with ``seed`` set.

    The binding's ``train_unsupervised`` does not take ``seed`` as an argument, but it fills
    unset arguments from ``unsupervised_default``, which has it (fastText's own default is 0):
    set it there for the duration of the call.
    """
    import fasttext
    from fasttext import FastText as _ft

    defaults = getattr(_ft, "unsupervised_default", None)
    if seed is None:
        return fasttext.train_unsupervised(**options)
    if not isinstance(defaults, dict) or "seed" not in defaults:
        raise XprojError("this fasttext binding cannot set a seed; leave seed=None (fastText uses 0)")
    saved = defaults["seed"]
    defaults["seed"] = int(seed)
    try:
        return fasttext.train_unsupervised(**options)
    finally:
        defaults["seed"] = saved


def _with_suffix(prefix: Path, suffix: str) -> Path:
    # not Path.with_suffix: "es.100d" must become "es.100d.vec", not "es.vec"
    return prefix.with_name(prefix.name + suffix)


def _write_vec(ft, path: Path, lang) -> Path:
    """Write every word of the model, in fastText's frequency order, as a ``.vec`` file."""
    import numpy as np

    from .vectors import WordVectors, write_vec

    words = ft.get_words()  # most frequent first, as in fastText's own .vec output
    matrix = np.stack([ft.get_word_vector(w) for w in words]).astype(np.float32)
    return write_vec(WordVectors(words, matrix, lang=lang), path)


# --- command line ----------------------------------------------------------------------------


def configure_parser(parser) -> None:
    """Options of ``xproj train-vectors``."""
    parser.add_argument("--lang", required=True, help="language code (selects the preprocessor)")
    parser.add_argument("--corpus", nargs="+", required=True, metavar="FILE",
                        help="raw text files, one document a line (.gz/.xz/.bz2 ok)")
    parser.add_argument("--out", required=True, metavar="PREFIX",
                        help="output prefix: writes PREFIX.bin and PREFIX.vec")
    parser.add_argument("--model", choices=MODELS, default="skipgram")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2,
                        help="more than 1 is faster but not repeatable")
    parser.add_argument("--minn", type=int, default=3, help="shortest character n-gram (0: none)")
    parser.add_argument("--maxn", type=int, default=6, help="longest character n-gram (0: none)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable with --threads 1)")
    parser.add_argument("--max-lines", type=int, default=None, help="read at most N lines of each corpus")
    parser.add_argument("--no-preprocess", action="store_true",
                        help="corpus is already tokenised: only split on whitespace")


def run_from_args(args) -> int:
    """Run ``xproj train-vectors``; print the paths written."""
    vec = train_vectors(
        args.lang, args.corpus, args.out, model=args.model, dim=args.dim, epochs=args.epochs,
        min_count=args.min_count, threads=args.threads, minn=args.minn, maxn=args.maxn,
        seed=args.seed, preprocess=not args.no_preprocess, max_lines=args.max_lines,
    )
    print(_with_suffix(vec.with_suffix(""), ".bin"))
    print(vec)
    return 0
