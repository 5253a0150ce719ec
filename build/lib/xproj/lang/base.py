"""The :class:`Preprocessor` base class: options, validation, batching and the token pass.

A preprocessor turns a document into the list of tokens that will be looked up in aligned
word vectors. Work is split in three stages so that subclasses only write the middle one:

1. text pass (per document, C-speed regexes): clean control characters and surrogates,
   decode HTML entities, write apostrophes between letters as "'", Unicode-normalise, language-specific normalisation (e.g. Arabic diacritics), replace URLs,
   e-mails and @users by sentinels, squeeze repeated letters;
2. tokenisation (subclass, per batch): :meth:`Preprocessor._tokenize_batch`;
3. token pass: each distinct token string is analysed once (lowercase, number placeholder,
   punctuation/stop-word filtering, lemma, accent stripping) and the result cached in a dict,
   so a corpus costs one dict lookup per token after its vocabulary has been seen.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

from ..errors import ConfigError
from . import negation as _neg
from .lemmas import LemmaTable, lemma_table_languages, load_lemma_table  # noqa: F401  (their old home)
from .limits import tokenize_in_pieces
from .normalize import (
    PLACEHOLDERS,
    SENTINEL_TO_PLACEHOLDER,
    clean_text,
    is_number,
    is_punct,
    replace_placeholders,
    squeeze_repeats,
    strip_accents,
    unescape_html,
    unify_apostrophes,
)
from .parallel import effective_jobs, pipe_in_workers

__all__ = ["Preprocessor", "LemmaTable", "load_lemma_table", "lemma_table_languages"]

_ALL_PLACEHOLDERS = frozenset(PLACEHOLDERS)
_DEFAULT_PLACEHOLDERS = ("url", "email", "user")
# Past this many cached token types the cache is cleared (bounded memory on endless streams).
_CACHE_LIMIT = 1_000_000
# Below this many documents, worker start-up costs more than it saves: stay in-process.
_MIN_PARALLEL_DOCS = 2_000
# With max_tokens set, text beyond max_tokens * this many characters is cut before
# tokenising, so a 100 MB "document" does not have to be tokenised to keep 500 tokens.
_CHARS_PER_TOKEN_BOUND = 64


def _check_text(text, where: str = "text") -> str:
    if isinstance(text, str):
        return text
    if text is None:
        raise TypeError(f"{where} is None: expected str (use '' for an empty document)")
    raise TypeError(f"{where} is {type(text).__name__}: expected str")


class Preprocessor:
    """Turn documents into lists of normalised tokens (base class of all languages).

    Instances are callable on one document and have :meth:`pipe` for many. Get one with
    :func:`xproj.lang.get_preprocessor` rather than instantiating subclasses directly.

    Parameters
    ----------
    lowercase : bool, default True
        Lowercase tokens. On by default because the published aligned fastText vectors
        (``wiki.xx.align.vec``) are lowercased.
    strip_accents : bool, default False
        Remove Latin accents ("habitación" -> "habitacion"). Off by default: accents
        distinguish words in Spanish, Catalan, French... and the vectors keep them.
    placeholders : bool or collection of {"url", "email", "user", "num"}, default ("url", "email", "user")
        Replace URLs, e-mail addresses, @user mentions and numbers by ``<url>``, ``<email>``,
        ``<user>`` and ``<num>``. ``True`` enables all four, ``False`` none. Numbers are not
        replaced by default because aligned vectors have entries for common numerals.
    max_repeat : int or None, default 2
        Squeeze runs of the same letter to at most this many ("sooooo" -> "soo"); digits are
        never squeezed. ``None`` disables.
    keep_punct : bool, default False
        Keep punctuation tokens (every character punctuation or a stray accent, see
        :func:`~xproj.lang.normalize.is_punct`). Other symbols, emoji and
        emoticons (":)", spaCy's list) are always kept.
    remove_stopwords : bool, default False
        Drop spaCy's stop words of the language (compared in lower case). Negators (see
        :mod:`xproj.lang.negation`) are never dropped, even though spaCy lists "not", "no".
    negation : bool, default False
        Prefix the tokens after a negator, up to the next punctuation, with
        `negation_prefix`. Raises :class:`~xproj.errors.ConfigError` for languages without a
        negator list (Japanese).
    negation_prefix : str, default "NEG_"
    max_tokens : int or None, default None
        Keep only the first `max_tokens` output tokens of each document.
    lemmatize : bool, default False
        Replace tokens by their lemma (language-specific; see the subclass). Lemmas are
        looked up in lower case, so they come out lower case.
    unicode_form : {"NFKC", "NFC", None}, default "NFKC"
        Unicode normalisation applied first. NFKC maps full-width Latin letters and digits
        (common in Chinese and Japanese text) and ligatures to their plain forms.

    Examples
    --------
    >>> from xproj.lang import get_preprocessor
    >>> pre = get_preprocessor("en")
    >>> pre("The rooms were sooooo CLEAN!!")
    ['the', 'rooms', 'were', 'soo', 'clean']
    >>> pre.pipe(["Great hotel.", "", "Not good, sadly"], batch_size=2)
    [['great', 'hotel'], [], ['not', 'good', 'sadly']]
    """

    #: ISO 639-1 code, set by subclasses / the registry.
    lang: str = ""
    #: Symbol characters the language writes as punctuation (Chinese and Japanese "～" after
    #: reviews' words): treated like punctuation (dropped, ending a negation scope).
    punct_symbols: frozenset[str] = frozenset()

    def __init__(
        self,
        *,
        lowercase: bool = True,
        strip_accents: bool = False,
        placeholders=_DEFAULT_PLACEHOLDERS,
        max_repeat: int | None = 2,
        keep_punct: bool = False,
        remove_stopwords: bool = False,
        negation: bool = False,
        negation_prefix: str = "NEG_",
        max_tokens: int | None = None,
        lemmatize: bool = False,
        unicode_form: str | None = "NFKC",
    ):
        if placeholders is True:
            placeholders = _ALL_PLACEHOLDERS
        elif placeholders is False or placeholders is None:
            placeholders = frozenset()
        elif isinstance(placeholders, str):
            placeholders = frozenset([placeholders])
        placeholders = frozenset(placeholders)
        unknown = placeholders - _ALL_PLACEHOLDERS
        if unknown:
            raise ConfigError(
                f"unknown placeholder kind(s) {sorted(unknown)}: choose from {sorted(PLACEHOLDERS)}"
            )
        if max_repeat is not None and (not isinstance(max_repeat, int) or max_repeat < 1):
            raise ConfigError(f"max_repeat must be a positive int or None, got {max_repeat!r}")
        if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens < 1):
            raise ConfigError(f"max_tokens must be a positive int or None, got {max_tokens!r}")
        if unicode_form not in ("NFKC", "NFC", None):
            raise ConfigError(f"unicode_form must be 'NFKC', 'NFC' or None, got {unicode_form!r}")
        if negation and not self.negators:
            raise ConfigError(
                f"negation marking is not defined for language {self.lang!r}; languages with "
                f"negator lists: {', '.join(sorted(_neg.NEGATORS))}"
            )
        self.lowercase = bool(lowercase)
        self.strip_accents = bool(strip_accents)
        self.placeholders = placeholders
        self.max_repeat = max_repeat
        self.keep_punct = bool(keep_punct)
        self.remove_stopwords = bool(remove_stopwords)
        self.negation = bool(negation)
        self.negation_prefix = negation_prefix
        self.max_tokens = max_tokens
        self.lemmatize = bool(lemmatize)
        self.unicode_form = unicode_form
        self._text_placeholders = placeholders - {"num"}
        self._cache: dict = {}
        self._setup()

    # ----------------------------------------------------------------- subclass hooks
    def _setup(self) -> None:
        """Load language resources (called at construction and after unpickling)."""

    @property
    def negators(self) -> frozenset[str]:
        """Lower-case negator tokens of the language (empty if none are defined)."""
        return _neg.negators_for(self.lang)

    @property
    def stop_words(self) -> frozenset[str]:
        """Stop words of the language (spaCy's list; empty if spaCy has none)."""
        return _spacy_stop_words(self.lang)

    def _normalize_text(self, text: str) -> str:
        """Language-specific text normalisation before tokenisation (default: none)."""
        return text

    def _tokenize_batch(self, texts: list[str], batch_size: int) -> Iterable[list[str]]:
        """Yield the raw token strings of each text, in order (one list per text)."""
        raise NotImplementedError

    def _input_limits(self) -> tuple[int | None, int | None]:
        """Longest text the tokenizer accepts: (UTF-8 bytes, characters), None for no limit.

        Longer texts are tokenised in pieces (:mod:`xproj.lang.limits`) instead of failing.
        """
        return None, None

    def _tokenize(self, texts: list[str], batch_size: int) -> Iterable[list[str]]:
        max_bytes, max_chars = self._input_limits()
        return tokenize_in_pieces(self._tokenize_batch, texts, batch_size,
                                  max_bytes=max_bytes, max_chars=max_chars)

    def _lemma(self, word: str) -> str:
        """Lemma of a lower-case word (default: the word itself)."""
        return word

    # ----------------------------------------------------------------- public API
    def options(self) -> dict:
        """The constructor options, e.g. to rebuild an equal preprocessor or to log a run."""
        return {
            "lowercase": self.lowercase,
            "strip_accents": self.strip_accents,
            "placeholders": tuple(sorted(self.placeholders)),
            "max_repeat": self.max_repeat,
            "keep_punct": self.keep_punct,
            "remove_stopwords": self.remove_stopwords,
            "negation": self.negation,
            "negation_prefix": self.negation_prefix,
            "max_tokens": self.max_tokens,
            "lemmatize": self.lemmatize,
            "unicode_form": self.unicode_form,
            **self._extra_options(),
        }

    def _extra_options(self) -> dict:
        return {}

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}(lang={self.lang!r}, {opts})"

    def __call__(self, text: str) -> list[str]:
        """Tokens of one document.

        Raises
        ------
        TypeError
            `text` is None or not a str.
        """
        prepared = self._prepare(_check_text(text))
        if not prepared:
            return []
        (tokens,) = self._tokenize([prepared], 1)
        return self._finish(tokens)

    def pipe(self, texts, batch_size: int = 1000, n_jobs: int = 1) -> list[list[str]]:
        """Tokens of many documents, in input order.

        Parameters
        ----------
        texts : iterable of str
            Consumed once. Every item must be a str; the output has exactly one list per
            input item (empty documents give ``[]``).
        batch_size : int, default 1000
            Documents handed to the tokenizer at once.
        n_jobs : int, default 1
            Worker processes (joblib, loky backend); -1 for all cores. Inputs smaller than
            a few thousand documents are processed in-process whatever `n_jobs` is, since
            starting workers would cost more than it saves.

        Returns
        -------
        list of list of str

        Raises
        ------
        TypeError
            An item is not a str (the message gives its index).

        Examples
        --------
        >>> from xproj.lang import get_preprocessor
        >>> get_preprocessor("es").pipe(["Muy buen hotel", "   "])
        [['muy', 'buen', 'hotel'], []]
        """
        if isinstance(texts, str):
            raise TypeError("pipe() expects an iterable of str, not a single str; use pre(text)")
        texts = list(texts)
        for i, t in enumerate(texts):
            _check_text(t, f"texts[{i}]")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError(f"batch_size must be a positive int, got {batch_size!r}")
        n_workers = effective_jobs(n_jobs)
        if n_workers > 1 and len(texts) >= _MIN_PARALLEL_DOCS:
            out = pipe_in_workers(self, texts, batch_size, n_workers)
        else:
            out = self._pipe_serial(texts, batch_size)
        # The contract the featuriser relies on: one token list per input document.
        assert len(out) == len(texts), (len(out), len(texts))
        return out

    # ----------------------------------------------------------------- internals
    def _pipe_serial(self, texts: list[str], batch_size: int) -> list[list[str]]:
        out: list[list[str]] = []
        finish = self._finish
        for start in range(0, len(texts), batch_size):
            prepared = [self._prepare(t) for t in texts[start : start + batch_size]]
            out.extend(finish(toks) for toks in self._tokenize(prepared, batch_size))
        return out

    def __getstate__(self):
        # Send options only: workers rebuild resources via the per-process caches.
        state = self.__dict__.copy()
        state["_cache"] = {}
        for key in self._transient_attrs():
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._setup()

    def _transient_attrs(self) -> tuple[str, ...]:
        """Attributes holding heavy resources, rebuilt by :meth:`_setup` after unpickling."""
        return ()

    def _prepare(self, text: str) -> str:
        """Text pass: everything that can be done on the whole string with C-speed calls."""
        if not text or text.isspace():
            return ""
        if self.max_tokens is not None:
            limit = self.max_tokens * _CHARS_PER_TOKEN_BOUND
            if len(text) > limit:
                cut = text.rfind(" ", 0, limit)  # avoid cutting a word in two
                text = text[: cut if cut > limit // 2 else limit]
        text = unify_apostrophes(unescape_html(clean_text(text)))
        if self.unicode_form and not text.isascii():
            text = unicodedata.normalize(self.unicode_form, text)
        text = self._normalize_text(text)
        if self._text_placeholders:
            text = replace_placeholders(text, self._text_placeholders)
        if self.max_repeat is not None:
            text = squeeze_repeats(text, self.max_repeat)
        return text

    def _analyse(self, raw: str):
        """(output token or None, flag) for one raw token string; cached by the caller."""
        placeholder = SENTINEL_TO_PLACEHOLDER.get(raw)
        if placeholder is not None:
            kind = placeholder[1:-1]
            return (placeholder if kind in self.placeholders else None), _neg.PLAIN
        if not raw or raw.isspace():
            return None, _neg.PLAIN
        low = raw.lower()
        if is_punct(raw) or (self.punct_symbols and set(raw) <= self.punct_symbols):
            if raw in _emoticons():  # ":)" carries sentiment: keep it, but end the scope
                return raw, _neg.BOUNDARY
            return (low if self.lowercase else raw) if self.keep_punct else None, _neg.BOUNDARY
        if "num" in self.placeholders and is_number(raw):
            return PLACEHOLDERS["num"], _neg.PLAIN
        is_negator = low in self.negators
        flag = _neg.NEGATOR if (self.negation and is_negator) else _neg.PLAIN
        if self.remove_stopwords and not is_negator and low in self.stop_words:
            return None, flag
        word = low if self.lowercase else raw
        if self.lemmatize:
            word = self._lemma(low)
        if self.strip_accents:
            word = strip_accents(word)
        return word, flag

    def _finish(self, tokens: list[str]) -> list[str]:
        """Token pass over one document's raw tokens."""
        cache = self._cache
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        analyse = self._analyse
        results = []
        for tok in tokens:
            r = cache.get(tok)
            if r is None:
                r = cache[tok] = analyse(tok)
            results.append(r)
        if self.negation:
            out = _neg.mark_negation([r[0] for r in results], [r[1] for r in results],
                                     self.negation_prefix)
        else:
            out = [r[0] for r in results if r[0] is not None]
        if self.max_tokens is not None:
            del out[self.max_tokens :]
        return out


@functools.lru_cache(maxsize=None)
def _emoticons() -> frozenset[str]:
    """spaCy's emoticon list (":)", ":-(", "^_^"...): made of punctuation, but they carry
    sentiment, so they are kept even when punctuation is dropped."""
    from spacy.lang.tokenizer_exceptions import emoticons  # noqa: PLC0415

    return frozenset(emoticons)


@functools.lru_cache(maxsize=None)
def _spacy_stop_words(lang: str) -> frozenset[str]:
    try:
        from spacy.util import get_lang_class  # noqa: PLC0415

        return frozenset(get_lang_class(lang).Defaults.stop_words)
    except Exception:  # a language spaCy does not know: no stop list rather than a crash
        return frozenset()
