"""Exceptions raised by xproj.

Every error caused by user input names the file (and line, where there is one) and the
problem, so that a batch run ends with one readable message instead of a traceback.
"""

from __future__ import annotations

import os


class XprojError(Exception):
    """Base class of all errors raised by xproj on bad input or missing resources."""


class InputFormatError(XprojError, ValueError):
    """A file's content is malformed.

    Parameters
    ----------
    path : str or PathLike
        The file being read.
    problem : str
        What is wrong, in words.
    line : int, optional
        1-based line number of the offending line.
    """

    def __init__(self, path, problem: str, line: int | None = None):
        self.path = os.fspath(path) if path is not None else "<input>"
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):  # raised on a cluster worker, it reaches the client pickled
        return type(self), (self.path, self.problem, self.line)


class ResourceNotFoundError(XprojError, FileNotFoundError):
    """A file or resource that a step needs is missing."""


class ShapeError(XprojError, ValueError):
    """Arrays or spaces whose shapes do not fit together."""


class UnknownLanguageError(XprojError, KeyError):
    """A language code that xproj has no support for."""

    def __str__(self):  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class ConfigError(XprojError, ValueError):
    """An invalid run configuration (unknown key, wrong type, bad value)."""


class MissingExtraError(XprojError, ImportError):
    """An optional dependency that an option or language needs is not installed.

    The message names what needs it and the ``pip install 'xproj[...]'`` command. Exit 1 on the
    command line, like other missing resources: the option is valid, the environment lacks it.
    It is an ImportError, so code that tries an import and falls back still catches it.
    """
