"""Negator word lists and negation-scope marking.

Scope follows the classic rule of Das & Chen (2001) / Pang et al. (2002): every token after a
negator up to the next punctuation token gets a prefix (``NEG_``), so that "not good" and
"good" become different features.

The lists hold lower-case *tokens as the tokenizers emit them* (spaCy splits "don't" into
"do" + "n't" and French "n'aime" into "n'" + "aime"; jieba keeps "没有" whole). They are
deliberately short: only words that negate what follows. Japanese is left out on purpose:
its negation (ない, ず, ません) follows the verb, so forward scope marking would mark the wrong
words. Arabic entries are in the normalised form produced by :mod:`xproj.lang.ar`.

Examples
--------
>>> mark_negation(["not", "good", ",", "nice"], [2, 0, 1, 0])
['not', 'NEG_good', ',', 'nice']
"""

from __future__ import annotations

__all__ = ["NEGATORS", "negators_for", "mark_negation"]

NEGATORS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "not n't nt no never nothing nobody none neither nor nowhere cannot without "
        "hardly barely dont didnt doesnt isnt wasnt arent werent wont cant couldnt "
        "shouldnt wouldnt havent hasnt hadnt aint".split()
    ),
    "es": frozenset(
        "no nunca jamás jamas nada nadie ninguno ninguna ningún ningun ni tampoco sin".split()
    ),
    "fr": frozenset(
        "ne n' n’ pas jamais rien personne aucun aucune nul nulle sans ni guère".split()
    ),
    "de": frozenset(
        "nicht kein keine keinen keinem keiner keines nie niemals nichts niemand nirgends "
        "ohne weder".split()
    ),
    "it": frozenset(
        "non mai niente nulla nessuno nessuna nessun né ne' senza neanche nemmeno neppure".split()
    ),
    "pt": frozenset(
        "não nao nunca jamais nada nenhum nenhuma ninguém ninguem nem sem tampouco".split()
    ),
    # "cap" (none) is left out: it more often means "towards" ("cap a").
    "ca": frozenset("no mai res ningú ningu gens sense ni tampoc".split()),
    # "ez" is the Basque verbal negator ("ez zegoen" = there was not); "ezin" = cannot.
    "eu": frozenset("ez ezin ezta inoiz ezer inor inon".split()),
    "nl": frozenset("niet geen nooit niets niemand nergens zonder noch".split()),
    "zh": frozenset(
        "不 没 没有 无 非 未 别 莫 勿 毋 不是 不会 不要 不能 不用 并不 并没有 从不 从来不 "
        "从没 毫无 绝不 决不 没什么 不太 不够 不怎么 无法 甭".split()
    ),
    "ar": frozenset("لا لم لن ليس ليست ليسوا لست غير بدون دون".split()),
}


def negators_for(lang: str) -> frozenset[str]:
    """The negator set of `lang` (empty when the language defines none)."""
    return NEGATORS.get(lang, frozenset())


# Flag values used by the preprocessors' per-token cache (see xproj.lang.base).
PLAIN, BOUNDARY, NEGATOR = 0, 1, 2


def mark_negation(tokens, flags, prefix: str = "NEG_") -> list[str]:
    """Prefix the tokens inside negation scopes.

    Parameters
    ----------
    tokens : sequence of str or None
        Output tokens; ``None`` entries (dropped tokens) are skipped but still carry a flag.
    flags : sequence of int
        Per token: ``PLAIN`` (0), ``BOUNDARY`` (1, punctuation: ends a scope) or
        ``NEGATOR`` (2, opens a scope; the negator itself is not marked).
    prefix : str

    Returns
    -------
    list of str

    Examples
    --------
    >>> mark_negation(["no", "me", "gustó", None, "bien"], [2, 0, 0, 1, 0])
    ['no', 'NEG_me', 'NEG_gustó', 'bien']
    """
    out = []
    in_scope = False
    for tok, flag in zip(tokens, flags):
        if flag == BOUNDARY:
            in_scope = False
        elif flag == NEGATOR:
            in_scope = True
        elif in_scope and tok is not None and not tok.startswith("<"):
            # placeholders such as <url> are not words: leave them unmarked
            tok = prefix + tok
        if tok is not None:
            out.append(tok)
    return out
