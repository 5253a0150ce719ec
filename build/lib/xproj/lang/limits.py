"""Tokenisers with a hard input limit: split long texts, tokenise the pieces, join the tokens.

SudachiPy refuses input over 49,149 UTF-8 bytes and spaCy's ``Language`` over
``nlp.max_length`` characters; one long review must not fail the batch it is in. A text over
its tokeniser's limit is cut into pieces that fit, preferably after a sentence end (。！？!?
or a newline), else after the last space, else at the last character that fits (never inside
a UTF-8 character), and the tokens of the pieces are concatenated.

Examples
--------
>>> split_text("良い。悪い。", max_bytes=10)
['良い。', '悪い。']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["split_text", "tokenize_in_pieces"]

# Full-width forms are kept for callers that skip NFKC (which maps ！？ to !?).
_SENTENCE_ENDS = "。！？!?\n"
_SPACES = " \t\r\u3000"
_MAX_UTF8_CHAR = 4  # bytes


def split_text(text: str, *, max_bytes: int | None = None, max_chars: int | None = None) -> list[str]:
    """Cut `text` into pieces of at most `max_bytes` UTF-8 bytes and `max_chars` characters.

    Parameters
    ----------
    text : str
        Must be encodable as UTF-8 (no lone surrogates: preprocessors clean them first).
    max_bytes, max_chars : int, optional
        Limits of the tokeniser; None for no limit of that kind.

    Returns
    -------
    list of str
        ``[text]`` when it fits (the common case, decided without encoding short texts);
        otherwise pieces whose concatenation is `text`.

    Raises
    ------
    ValueError
        A limit is too small to hold every character (``max_bytes < 4`` or ``max_chars < 1``).
    """
    if (max_bytes is not None and max_bytes < _MAX_UTF8_CHAR) or (
            max_chars is not None and max_chars < 1):
        raise ValueError(f"limits too small to cut text: max_bytes={max_bytes}, max_chars={max_chars}")
    pieces, start = [], 0
    while True:
        window = _fitting_prefix(text, start, max_bytes, max_chars)
        if start + len(window) >= len(text):
            pieces.append(text[start:])
            return pieces
        cut = _last_break(window)
        pieces.append(window[:cut])
        start += cut


def _fitting_prefix(text: str, start: int, max_bytes: int | None, max_chars: int | None) -> str:
    """The longest slice of `text` from `start` within both limits."""
    end = len(text)
    if max_chars is not None:
        end = min(end, start + max_chars)
    if max_bytes is not None:
        end = min(end, start + max_bytes)  # every character takes at least one byte
    window = text[start:end]
    if max_bytes is not None and len(window) * _MAX_UTF8_CHAR > max_bytes:
        encoded = window.encode("utf-8")
        if len(encoded) > max_bytes:
            # "ignore" drops the character whose bytes the cut would split
            window = encoded[:max_bytes].decode("utf-8", errors="ignore")
    return window


def _last_break(window: str) -> int:
    """Where to end a piece of `window`: after its last sentence end, else its last space."""
    for chars in (_SENTENCE_ENDS, _SPACES):
        cut = max(window.rfind(c) for c in chars) + 1
        if cut > 0:
            return cut
    return len(window)


def tokenize_in_pieces(
    tokenize_batch: Callable[[list[str], int], Iterable[list[str]]],
    texts: list[str],
    batch_size: int,
    *,
    max_bytes: int | None = None,
    max_chars: int | None = None,
) -> Iterable[list[str]]:
    """``tokenize_batch(texts, batch_size)``, with texts over the limits split (see module doc).

    Returns one token list per text, in order, as ``tokenize_batch`` does.
    """
    if max_bytes is None and max_chars is None:
        return tokenize_batch(texts, batch_size)
    parts = [split_text(t, max_bytes=max_bytes, max_chars=max_chars) for t in texts]
    if all(len(p) == 1 for p in parts):
        return tokenize_batch(texts, batch_size)
    tokens = iter(tokenize_batch([piece for p in parts for piece in p], batch_size))
    out = []
    for p in parts:
        doc: list[str] = []
        for _ in p:
            doc.extend(next(tokens))
        out.append(doc)
    return out
