"""xproj: classical cross-lingual sentiment classification with aligned word vectors.

Data flows one way: text -> tokens (:mod:`xproj.lang`) -> word vectors (:mod:`xproj.vectors`)
-> aligned vectors (:mod:`xproj.align`) -> document features (:mod:`xproj.features`) ->
per-language statistics (:mod:`xproj.standardize`) -> labels (:mod:`xproj.model`). Runs are the
stages of :mod:`xproj.run`; the README's "How the code is laid out" has the map.
"""

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    ConfigError,
    InputFormatError,
    ResourceNotFoundError,
    ShapeError,
    UnknownLanguageError,
    XprojError,
)

__all__ = [
    "__version__",
    "XprojError",
    "InputFormatError",
    "ResourceNotFoundError",
    "ShapeError",
    "UnknownLanguageError",
    "ConfigError",
]
