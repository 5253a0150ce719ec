"""Text- and token-level normalisation helpers shared by every language.

These are plain functions on strings so that they can be tested on their own and reused by
:class:`xproj.lang.lookup.VocabularyLookup`. Everything here is stdlib-only (``re`` and
``unicodedata``) so that ``import xproj.lang`` stays cheap.

Examples
--------
>>> clean_text("a\\x00b\\ud800c")
'a bc'
>>> strip_accents("Café niño")
'Cafe nino'
>>> squeeze_repeats("sooooo goooood!!!!", 2)
'soo good!!!!'
>>> is_punct("..."), is_punct("<3")
(True, False)
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = [
    "PLACEHOLDERS",
    "clean_text",
    "unescape_html",
    "unify_apostrophes",
    "strip_accents",
    "fold_spelling",
    "squeeze_repeats",
    "replace_placeholders",
    "is_punct",
    "is_number",
]

#: Placeholder token emitted for each kind of replaced span.
PLACEHOLDERS = {"url": "<url>", "email": "<email>", "user": "<user>", "num": "<num>"}

# Sentinels substituted into the raw text before tokenisation. They are plain ASCII letters so
# that every tokenizer (spaCy's rules, jieba's regex for Latin runs, Sudachi's ALPHA class)
# keeps each one as a single token; the token pass maps them back to the ``<...>`` forms, which
# spaCy would otherwise split into "<", "url", ">".
SENTINELS = {"url": "xxurlxx", "email": "xxemailxx", "user": "xxuserxx"}
SENTINEL_TO_PLACEHOLDER = {v: PLACEHOLDERS[k] for k, v in SENTINELS.items()}

# C0/C1 control characters except tab/newline/CR (which are whitespace the tokenizers handle),
# zero-width space, BOM: replaced by a space.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
# Removed: lone UTF-16 surrogates (e.g. from badly decoded JSON), which cannot even be encoded
# as UTF-8 and would crash any later write, and invisible format characters that would stick to
# the word they touch and make it miss its vector: soft hyphen, word joiner, bidi marks,
# embeddings, overrides and isolates ("ho\xadtel" is "hotel"). Zero-width (non-)joiners are
# kept: they change the spelling of Persian, Indic and emoji sequences.
_INVISIBLE = re.compile("[\ud800-\udfff\u00ad\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069]")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# ASCII URL characters only, so that a URL glued to Chinese/Japanese text ("见http://x.cn酒店")
# stops at the first CJK character; no \b before the scheme for the same reason (CJK is \w).
# The last character may not be sentence punctuation ("see www.x.com.").
_URL = re.compile(
    r"(?:(?<![A-Za-z0-9])(?:https?|ftp)://|(?<![A-Za-z0-9.])www\.)"
    r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9/#=_\-~%&+]",
    re.IGNORECASE,
)
_USER = re.compile(r"(?<![\w@])@\w+")
# Letters only: squeezing digits would turn "1000" into "100".
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
_NUMBER = re.compile(r"^[+\-±]?(?:\d+(?:[.,:/]\d+)*|\d*[.,]\d+)(?:%|st|nd|rd|th|º|ª)?$")

# Combining Diacritical Marks block only: removing every nonspacing mark would also remove
# the Japanese (han)dakuten (U+3099/U+309A) and Devanagari vowel signs, changing words.
_COMBINING = re.compile("[\u0300-\u036f]")


def clean_text(text: str) -> str:
    """Replace control characters by spaces; drop lone surrogates and invisible format marks.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        The text without characters that break tokenizers or UTF-8 encoding. Control
        characters become spaces (so "a\\x00b" stays two words); surrogates, soft hyphens
        and bidi marks are removed.

    Examples
    --------
    >>> clean_text("ok\\x07ok\\udc80")
    'ok ok'
    """
    if text.isascii() and text.isprintable():  # fast path for the common case
        return text
    text = _CONTROL.sub(" ", text)
    return _INVISIBLE.sub("", text)


# An HTML entity: named (&amp;), decimal (&#39;) or hexadecimal (&#x27;). Scraped tweets and
# reviews keep them ("&lt;3", "&amp;"), and the tokens "lt;3", "amp" are in no vocabulary.
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def unescape_html(text: str) -> str:
    """Replace HTML entities by their characters ("&lt;3" -> "<3", "&#39;" -> "'").

    Examples
    --------
    >>> unescape_html("Fish &amp; chips &lt;3, a&b")
    'Fish & chips <3, a&b'
    """
    if "&" not in text or not _ENTITY.search(text):
        return text
    return clean_text(html.unescape(text))  # an entity may spell a control character


# A typographic apostrophe or stray accent between two letters ("l’hôtel", "don´t",
# "aujourd`hui"): written as the ASCII "'" that tokenizers, lemma tables and the vectors use.
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[\u2019\u02bc\u2018\u00b4`](?=[^\W\d_])")


def unify_apostrophes(text: str) -> str:
    """Write apostrophes between letters as ASCII "'" (before NFKC, which would turn "´" into
    a space and a combining accent).

    Examples
    --------
    >>> unify_apostrophes("l’hôtel, l´accueil et ‘quotes’")
    "l'hôtel, l'accueil et ‘quotes’"
    """
    if text.isascii() and "`" not in text:
        return text
    return _APOSTROPHE.sub("'", text)


def strip_accents(word: str) -> str:
    """Remove Latin combining accents (é -> e, ñ -> n, ç -> c).

    Only the Combining Diacritical Marks block (U+0300-U+036F) is removed, so Japanese kana
    (が), Arabic and Indic scripts are left unchanged.

    Examples
    --------
    >>> strip_accents("habitación")
    'habitacion'
    >>> strip_accents("がっこう")
    'がっこう'
    """
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    stripped = _COMBINING.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped)


def fold_spelling(word: str) -> str:
    """`word` without Latin accents and with "ß" written "ss": the key under which spellings
    that users type without accents or the German sharp s meet.

    Examples
    --------
    >>> fold_spelling("très"), fold_spelling("scheiße"), fold_spelling("酒店")
    ('tres', 'scheisse', '酒店')
    """
    return strip_accents(word).replace("ß", "ss")


def squeeze_repeats(text: str, max_repeat: int = 2) -> str:
    """Shorten runs of the same letter to at most `max_repeat` characters.

    Examples
    --------
    >>> squeeze_repeats("Goooood hotel, 1000 stars", 2)
    'Good hotel, 1000 stars'
    """
    if max_repeat < 1:
        raise ValueError(f"max_repeat must be >= 1, got {max_repeat}")
    if max_repeat == 2:
        return _REPEAT.sub(r"\1\1", text)
    pattern = re.compile(r"([^\W\d_])\1{%d,}" % max_repeat)
    return pattern.sub(lambda m: m.group(1) * max_repeat, text)


def replace_placeholders(text: str, kinds) -> str:
    """Replace e-mails, URLs and @user mentions by tokenizer-safe sentinels.

    Parameters
    ----------
    text : str
    kinds : collection of str
        Any of ``"email"``, ``"url"``, ``"user"`` (``"num"`` is handled per token).

    Returns
    -------
    str
        Text with each span replaced by a sentinel surrounded by spaces (see ``SENTINELS``).

    Examples
    --------
    >>> replace_placeholders("mail me@x.org or see www.x.org", {"email", "url"}).split()
    ['mail', 'xxemailxx', 'or', 'see', 'xxurlxx']
    """
    # e-mails first: the URL and user patterns would otherwise eat parts of them.
    if "email" in kinds and "@" in text:
        text = _EMAIL.sub(" xxemailxx ", text)
    if "url" in kinds and ("/" in text or "ww" in text or "WW" in text):
        text = _URL.sub(" xxurlxx ", text)
    if "user" in kinds and "@" in text:
        text = _USER.sub(" xxuserxx ", text)
    return text


# Punctuation (P*), plus stray accents: modifier symbols (Sk: ´ ` ¨ ^) and combining marks
# (M*). NFKC turns "´" into space + U+0301, which would otherwise survive as a token.
_PUNCT_CATEGORIES = frozenset(["Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sk", "Mn", "Me"])


def is_punct(token: str) -> bool:
    """True when every character is punctuation (Unicode P*) or a stray accent (Sk, Mn, Me).

    Other symbols (currency, emoji, "+") are *not* punctuation: emoji carry sentiment.

    Examples
    --------
    >>> [is_punct(t) for t in ["!?", "、", "´", "€", "🙂", "n't"]]
    [True, True, True, False, False, False]
    """
    if not token:
        return False
    return all(unicodedata.category(ch) in _PUNCT_CATEGORIES for ch in token)


def is_number(token: str) -> bool:
    """True for numerals such as ``42``, ``3,5``, ``1.000.000``, ``50%``, ``2nd``, ``１２``.

    Examples
    --------
    >>> [is_number(t) for t in ["42", "3,5", "-1.5%", "2nd", "covid19", "٣"]]
    [True, True, True, True, False, True]
    """
    return bool(_NUMBER.match(token))
