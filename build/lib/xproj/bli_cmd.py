"""``xproj bli SRC TGT --dictionary TEST``: bilingual lexicon induction of two vector files.

The two spaces are already aligned, or go through a mapping saved by ``xproj align``
(``--mapping DIR``: the source side through ``W_`` and, when the mapping has one, its InstaMap
correction; the target side through ``W_tgt_``). The
output is that of MUSE's / VecMap's ``eval_translation.py``: coverage, then P@k over the
covered queries (source word and a gold translation both have vectors) and over all queries.

The loading and checking helpers here are shared with ``xproj align`` (:mod:`xproj.align_cmd`).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from .errors import ConfigError, InputFormatError, ShapeError, XprojError

#: the file name (without suffixes) of the mapping ``xproj align`` writes into its folder
MAPPING_NAME = "mapping"
#: the P@k reported by default
DEFAULT_KS = (1, 5, 10)


def add_vector_arguments(p) -> None:
    """SRC, TGT and the loading options, common to ``align`` and ``bli``."""
    p.add_argument("src", metavar="SRC", help="source vectors (.vec text, .gz/.xz, or fastText .bin)")
    p.add_argument("tgt", metavar="TGT", help="target vectors")
    p.add_argument("--limit", type=int, default=None,
                   help="read the N first (most frequent) words of each file (default: all)")
    p.add_argument("--lowercase", action="store_true",
                   help="lowercase words of the vectors and dictionaries (first occurrence kept)")
    p.add_argument("--on-bad-line", choices=("error", "skip"), default="error",
                   help="a malformed line of a vector file: error (stop, naming the file and line) or skip "
                        "(leave it out, counted in a warning); as the run option vectors.on_bad_line")


def configure_parser(p):
    from .retrieval import RETRIEVALS

    add_vector_arguments(p)
    p.add_argument("--dictionary", required=True, metavar="TEST",
                   help="test dictionary, one 'source target' pair a line (source word first)")
    p.add_argument("--retrieval", choices=RETRIEVALS, default="csls", help="default: csls")
    p.add_argument("--mapping", default=None, metavar="DIR",
                   help="a folder written by 'xproj align' (or a mapping's .npy/.json path)")
    p.add_argument("--k", default=",".join(map(str, DEFAULT_KS)), metavar="K,K,...",
                   help="precision at these k (default: 1,5,10)")
    p.add_argument("--csls-k", type=int, default=10, help="CSLS neighbourhood (default: 10)")
    add_lang_arguments(p)


def run_from_args(args) -> int:
    from .evaluation import format_bli

    check_positive("--limit", args.limit)
    check_positive("--csls-k", args.csls_k)
    check_lang_arguments(args)
    ks = parse_ks(args.k)
    check_inputs_exist(args)
    mapping = load_mapping(args.mapping) if args.mapping else None  # small: before the vectors
    src, tgt = load_pair(args.src, args.tgt, limit=args.limit, lowercase=args.lowercase,
                         on_bad_line=args.on_bad_line)
    for name, path, wv in (("SRC", args.src, src), ("TGT", args.tgt, tgt)):
        if mapping is not None and wv.dim != mapping.W_.shape[0]:
            raise ShapeError(f"--mapping {args.mapping}: maps {mapping.W_.shape[0]}-dimensional vectors, "
                             f"but {name} {path} has dimension {wv.dim}")
    langs = (args.src_lang, args.tgt_lang)
    if mapping is not None:  # the languages the mapping was learnt for, unless given
        langs = (langs[0] or mapping.src_lang, langs[1] or mapping.tgt_lang)
    test = read_test_dictionary(args.dictionary, src, tgt, lowercase=args.lowercase, langs=langs)
    for warning in other_vectors_warnings(mapping, args) if mapping is not None else ():  # after the errors
        print(f"warning: {warning}", file=sys.stderr)
    res = evaluate(src, tgt, test, mapping, methods=(args.retrieval,), ks=ks, csls_k=args.csls_k)
    how = f"through {args.mapping}" if mapping else "as aligned"
    print(format_bli(res, f"BLI {args.src} -> {args.tgt} ({how}), {args.retrieval} retrieval:"))
    return 0


def other_vectors_warnings(mapping, args) -> list:
    """A warning for SRC or TGT that is not the file the mapping was learnt on (neither the same
    path nor the same name: a copy elsewhere is fine): through another language's mapping every
    P@k is about 0, and nothing else would say why."""
    out = []
    for name, given, key in (("SRC", args.src, "src_vectors"), ("TGT", args.tgt, "tgt_vectors")):
        learnt = (mapping.metadata.get(key) or {}).get("source")
        if not learnt or Path(learnt).name == Path(given).name or Path(learnt).resolve() == Path(given).resolve():
            continue
        out.append(f"--mapping {args.mapping} was learnt on {learnt}, not on {name} {given}: "
                   "its scores on other vectors mean little")
    return out


# -- shared with xproj align ----------------------------------------------------------------

def check_positive(option: str, value, *, zero_ok=False) -> None:
    """:class:`ConfigError` for a number out of range (``None``: not given, fine)."""
    if value is None:
        return
    if not math.isfinite(value):  # nan passes every comparison below; inf is no budget (leave it out)
        raise ConfigError(f"{option}: must be a finite number (got {value})")
    if value < 0 or (value == 0 and not zero_ok):
        raise ConfigError(f"{option}: must be {'>= 0' if zero_ok else '> 0'} (got {value})")


def check_inputs_exist(args, named=()) -> None:
    """SRC, TGT and the dictionaries (but the ``named`` values) exist or are resource specs:
    a mistyped name stops before a vector file is read (:func:`xproj.locate.check_location`)."""
    from .locate import check_location, empty_problem

    given = [(option, value) for option, value in (
        ("SRC", args.src), ("TGT", args.tgt), ("--dictionary", args.dictionary),
        ("--test-dictionary", getattr(args, "test_dictionary", None)), ("--mapping", getattr(args, "mapping", None)))
        if value is not None and value not in named]
    for option, value in given:  # an empty argument is a usage error (exit 2), as an empty path in a config
        problem = empty_problem(value, option)
        if problem:
            raise ConfigError(problem)
    for option, value in given:
        if option != "--mapping":  # a folder, checked where it is read
            check_location(value, option)


def parse_ks(text: str) -> tuple[int, ...]:
    """``"1,5,10"`` -> ``(1, 5, 10)``; :class:`ConfigError` otherwise."""
    try:
        ks = tuple(sorted({int(k) for k in text.split(",")}))
    except ValueError:
        ks = ()
    if not ks or ks[0] < 1:
        raise ConfigError(f"--k: expected whole numbers >= 1 separated by commas, e.g. 1,5,10 (got {text!r})")
    return ks


def load_pair(src_path, tgt_path, *, limit=None, lowercase=False, on_bad_line="error"):
    """Both spaces, non-empty and of one dimension (:class:`~xproj.errors.ShapeError`)."""
    from .locate import locate
    from .self_learning import check_spaces
    from .vectors import load_vectors
    from .vectors.text import ON_BAD_LINE

    kwargs = dict(limit=limit, lowercase=lowercase, errors=ON_BAD_LINE[on_bad_line])
    src = load_vectors(locate(src_path, "SRC"), **kwargs)
    tgt = load_vectors(locate(tgt_path, "TGT"), **kwargs)
    check_spaces(src, tgt)
    return src, tgt


def add_lang_arguments(p) -> None:
    """``--src-lang`` / ``--tgt-lang``, common to ``align`` and ``bli``."""
    p.add_argument("--src-lang", default=None, metavar="LANG",
                   help="language code of SRC (e.g. en): recorded in the mapping; dictionary words "
                        "missing from SRC are looked up in the language's one script")
    p.add_argument("--tgt-lang", default=None, metavar="LANG",
                   help="language code of TGT (e.g. zh: a Traditional dictionary word missing from "
                        "Simplified vectors is looked up in Simplified)")


#: what ``--src-lang`` / ``--tgt-lang`` accept: an ISO 639 code, optionally with a region or script
LANG_CODE = r"[a-z]{2,3}([-_][A-Za-z0-9]{2,8})*"


def check_lang(option: str, value) -> None:
    """A language xproj tokenises, or one with published fastText vectors (aligning is not
    limited to the languages xproj classifies: MUSE has en-ru dictionaries); a region or script
    suffix is ignored, as :func:`xproj.lang.get_preprocessor` does."""
    import re

    from .lang import base_code, is_supported, supported_languages
    from .resources.sources import ALIGNED_LANGS, CC_LANGS, MUSE_LANGS

    if value is None:
        return
    if not re.fullmatch(LANG_CODE, value, flags=re.IGNORECASE):
        raise ConfigError(f"{option} {value!r}: expected a language code such as en, es or zh-Hant")
    code = base_code(value)
    if not is_supported(code) and code not in {*ALIGNED_LANGS, *MUSE_LANGS, *CC_LANGS}:
        raise ConfigError(f"{option} {value!r}: unknown language code {code!r}; expected one xproj tokenises "
                          f"({', '.join(supported_languages())}) or one with fastText vectors (xproj download list)")


def check_lang_arguments(args) -> None:
    """``--src-lang`` and ``--tgt-lang`` (:func:`check_lang`)."""
    for option in ("src_lang", "tgt_lang"):
        check_lang(f"--{option.replace('_', '-')}", getattr(args, option))


def spelt_as_in_vectors(pairs, src, tgt, langs, option):
    """``pairs`` with each word that its vectors lack replaced by its language's one-script
    spelling (:func:`xproj.lang.script.get_script_normalizer`; zh: Traditional -> Simplified,
    others NFKC) when the vectors have that one: the MUSE zh dictionaries are Traditional, most
    Chinese vectors Simplified. A word the vectors have is never changed, so coverage can only
    grow, whatever script the vectors are in. A note on stderr says how many words changed; a
    warning when a language's converter needs a missing extra. ``langs``: (source, target) codes,
    either ``None`` (that side left as it is)."""
    respelt, names = [], []
    for i, (lang, wv) in enumerate(zip(langs, (src, tgt))):
        name, words = _respelt_missing({pair[i] for pair in pairs}, wv, lang, option)
        respelt.append(words)
        names.append(name)
    if not any(respelt):
        return pairs
    out = list(dict.fromkeys((respelt[0].get(a, a), respelt[1].get(b, b)) for a, b in pairs))
    said = [f"{len(r):,} {role} word{'s' if len(r) > 1 else ''} ({name})"
            for r, role, name in zip(respelt, ("source", "target"), names) if r]
    print(f"note: {option}: {' and '.join(said)} missing from the vectors found in their language's one "
          f"script, e.g. {next(iter((respelt[1] or respelt[0]).items()))}", file=sys.stderr)
    return out


def _respelt_missing(words, wv, lang, option) -> tuple[str | None, dict]:
    """``(script name, {word: spelling})`` for the ``words`` that ``wv`` lacks and has in
    ``lang``'s one script; nothing for ``lang`` None, or (with a warning) a missing converter."""
    from .lang.script import get_script_normalizer

    if lang is None:
        return None, {}
    try:
        name, to_script = get_script_normalizer(lang)
    except ImportError as exc:
        print(f"warning: {option}: {lang} words not looked up in one script ({exc})", file=sys.stderr)
        return None, {}
    respelt = {}
    for word in words:
        if word not in wv:
            other = to_script(word)
            if other != word and other in wv:
                respelt[word] = other
    return name, respelt


def read_test_dictionary(path, src, tgt, *, lowercase=False, option="--dictionary", langs=(None, None)):
    """The pairs of a test dictionary, its words spelt as in the vectors where ``langs`` are
    known (:func:`spelt_as_in_vectors`), checked: not reversed (:class:`ConfigError`), at least
    one pair covered (:class:`~xproj.dictionaries.NoOverlapError`)."""
    from .dictionaries import read_dictionary, to_indices
    from .locate import locate
    from .run.spaces import check_direction

    pairs = read_dictionary(locate(path, option), lowercase=lowercase)
    pairs = spelt_as_in_vectors(pairs, src, tgt, langs, f"{option} {path}")
    check_direction(pairs, src, tgt, f"{option} {path}", "source", "target")
    to_indices(pairs, src, tgt, name=f"{option} {path}")
    return pairs


def mapping_path(path) -> Path:
    """A folder written by ``xproj align`` names its ``mapping``; a file names itself."""
    path = Path(path)
    return path / MAPPING_NAME if path.is_dir() else path


def load_mapping(path):
    """:meth:`VectorMapping.load`, any unreadable file reported as an
    :class:`~xproj.errors.InputFormatError` naming it."""
    from .align import VectorMapping

    base = mapping_path(path)
    try:
        return VectorMapping.load(base)
    except XprojError:
        raise
    except (ValueError, OSError, KeyError, TypeError) as exc:
        raise InputFormatError(base, f"not a mapping saved by xproj align ({exc})") from None


def mapped_spaces(src, tgt, mapping):
    """Both spaces in the shared space of ``mapping`` (``None``: as they are)."""
    if mapping is None:
        return src, tgt
    return mapping.transform(src, "source"), mapping.transform(tgt, "target")


def evaluate(src, tgt, pairs, mapping=None, **kwargs) -> dict:
    """:func:`~xproj.evaluation.bli_scores` of ``src`` -> ``tgt`` (through ``mapping``)."""
    from .evaluation import bli_scores

    return bli_scores(*mapped_spaces(src, tgt, mapping), pairs, **kwargs)
