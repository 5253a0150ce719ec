"""Chinese: jieba word segmentation after Traditional -> Simplified conversion.

jieba is imported on first use and its start-up log ("Building prefix dict...") silenced.
Conversion uses opencc-python-reimplemented (``OpenCC('t2s')``, extra ``xproj[zh]``): the
Chinese vectors (``../shared/vectors/zh...``, and most published ones) were trained on
Simplified text, so Traditional input (Taiwan, Hong Kong reviews) is converted first, by
default when the extra is installed (see ``traditional_to_simplified``). Dictionaries get the
same conversion through :func:`script_normalizer` (:mod:`xproj.lang.script`).

Chinese has no inflection: ``lemmatize=True`` is accepted and changes nothing.

Examples
--------
>>> from xproj.lang import get_preprocessor
>>> get_preprocessor("zh")("房间很干净，服务也不错！")
['房间', '很', '干净', '服务', '也', '不错']
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import warnings
from collections.abc import Iterable

from ..errors import MissingExtraError
from .base import Preprocessor
from .script import nfkc

__all__ = ["ChinesePreprocessor", "jieba_tokenizer", "script_normalizer", "t2s_converter"]


@functools.lru_cache(maxsize=None)
def jieba_tokenizer():
    """jieba's default tokenizer, initialised once per process with its logging quietened."""
    try:
        import jieba  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - jieba is a core dependency
        raise ImportError("Chinese segmentation needs jieba: pip install 'jieba>=0.42,<0.43'") from exc
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt


@functools.lru_cache(maxsize=None)
def t2s_converter():
    """An ``OpenCC('t2s')`` converter (opencc-python-reimplemented), built once per process."""
    try:
        from opencc import OpenCC  # noqa: PLC0415
    except ImportError as exc:
        raise MissingExtraError(
            "Traditional->Simplified conversion needs opencc-python-reimplemented: "
            "pip install 'xproj[zh]'"
        ) from exc
    return OpenCC("t2s")


def _t2s_available() -> bool:
    return importlib.util.find_spec("opencc") is not None


def script_normalizer():
    """``(name, function)`` writing a Chinese word in Simplified characters (NFKC, then t2s).

    Raises
    ------
    ImportError
        opencc-python-reimplemented is missing (the message gives ``pip install 'xproj[zh]'``).

    Examples
    --------
    >>> name, convert = script_normalizer()
    >>> name, convert("還有")
    ('NFKC + OpenCC t2s', '还有')
    """
    convert = t2s_converter().convert
    return "NFKC + OpenCC t2s", lambda word: convert(nfkc(word))


class ChinesePreprocessor(Preprocessor):
    """Chinese (zh) preprocessor.

    Parameters
    ----------
    traditional_to_simplified : bool or None, default None
        Convert Traditional characters to Simplified before segmenting, as the vectors are
        Simplified. ``None``: convert when ``xproj[zh]`` is installed (a warning otherwise);
        ``True``: convert, and raise ImportError without the extra; ``False``: never.
        Simplified text is left as is (a handful of characters shared by both scripts, such as
        乾, are mapped to their most common Simplified form).
    hmm : bool, default True
        Let jieba guess words missing from its dictionary with its HMM (better on reviews full
        of new words; slightly slower).
    **options
        Shared options of :class:`~xproj.lang.base.Preprocessor`.

    Examples
    --------
    >>> from xproj.lang import get_preprocessor
    >>> get_preprocessor("zh", traditional_to_simplified=True)("這家酒店的服務很好")
    ['这家', '酒店', '的', '服务', '很', '好']
    """

    lang = "zh"
    punct_symbols = frozenset("~")  # NFKC form of the full-width "～" ("好～")

    def __init__(self, *, traditional_to_simplified: bool | None = None, hmm: bool = True,
                 **options):
        if traditional_to_simplified is None:
            traditional_to_simplified = _t2s_available()
            if not traditional_to_simplified:
                warnings.warn("Chinese text is not converted to Simplified characters (the script "
                              "of the vectors): pip install 'xproj[zh]'", stacklevel=3)
        self.traditional_to_simplified = bool(traditional_to_simplified)
        self.hmm = bool(hmm)
        super().__init__(**options)

    def _extra_options(self):
        return {"traditional_to_simplified": self.traditional_to_simplified, "hmm": self.hmm}

    def _setup(self) -> None:
        self._jieba = jieba_tokenizer()
        self._t2s = t2s_converter() if self.traditional_to_simplified else None

    def _transient_attrs(self):
        return ("_jieba", "_t2s")

    def _normalize_text(self, text: str) -> str:
        if self._t2s is not None:
            text = self._t2s.convert(text)
        return text

    def _tokenize_batch(self, texts: list[str], batch_size: int) -> Iterable[list[str]]:
        lcut, hmm = self._jieba.lcut, self.hmm
        # Whitespace "tokens" from jieba are dropped by the token pass (cached as None).
        return (lcut(t, HMM=hmm) if t else [] for t in texts)
