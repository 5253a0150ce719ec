"""xproj: classical cross-lingual sentiment classification with aligned word vectors.

Data flows one way: text -> tokens (:mod:`xproj.lang`) -> word vectors (:mod:`xproj.vectors`)
-> aligned vectors (:mod:`xproj.align`) -> document features (:mod:`xproj.features`) -> labels
(:mod:`xproj.model`).
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
