"""Progress bars on stderr (tqdm), or a no-op bar when they are off."""

from __future__ import annotations

import contextlib
import os
import sys


def progress_enabled(progress: bool) -> bool:
    # CI logs fill up with progress bars redrawn thousands of times.
    return bool(progress) and not os.environ.get("CI")


def progress_bar(enabled: bool, **kwargs):
    if not enabled:
        return contextlib.nullcontext(_NoBar())
    from tqdm.auto import tqdm

    return tqdm(file=sys.stderr, dynamic_ncols=True, miniters=1, **kwargs)


class _NoBar:
    def update(self, n=1):
        pass

    def set_postfix_str(self, s):
        pass
