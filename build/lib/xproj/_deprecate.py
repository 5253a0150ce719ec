"""Old names kept for one release: renamed keyword arguments and renamed module attributes.

Both warn with :class:`DeprecationWarning` pointing at the caller's line, then behave as the
new name does.
"""

from __future__ import annotations

import functools
import warnings


def renamed_keyword(old: str, new: str):
    """Decorator: accept the keyword ``old`` as the parameter ``new``, with a warning.

    Examples
    --------
    >>> @renamed_keyword("seed", "dictionary")
    ... def fit(dictionary):
    ...     return dictionary
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     fit(seed=[("a", "b")])
    [('a', 'b')]
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if old in kwargs:
                if new in kwargs:
                    raise TypeError(f"{func.__name__}() got both {new!r} and its deprecated name {old!r}")
                warnings.warn(f"{func.__name__}({old}=...) is deprecated; use {new}=...",
                              DeprecationWarning, stacklevel=2)
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper

    return decorate


def renamed_attributes(module: str, **aliases):
    """A module ``__getattr__`` that serves ``old=new_object`` aliases with a warning.

    Assign it as ``__getattr__ = renamed_attributes(__name__, Old=New)`` at the end of a
    module; Python calls it only for names the module does not define.
    """

    def __getattr__(name):
        try:
            obj = aliases[name]
        except KeyError:
            raise AttributeError(f"module {module!r} has no attribute {name!r}") from None
        warnings.warn(f"{module}.{name} is deprecated; use {module}.{obj.__name__}",
                      DeprecationWarning, stacklevel=2)
        return obj

    return __getattr__
