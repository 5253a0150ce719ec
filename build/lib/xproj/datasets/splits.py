"""One split of one language of any registered dataset, the way a run needs it.

:func:`load_split` hides how each corpus stores its splits (:attr:`DatasetSpec.layout`):
per-split files, no dev split, or one file per language that is split here (70/10/20,
stratified, for the source language; all of it as test for a target language). An empty
location falls back to :func:`dataset_location`: the shared data folder, else the download
cache.

Examples
--------
>>> ds = load_split("opener", "", "es", "test", task="4class")        # doctest: +SKIP
>>> load_split("webis-cls-10", "", "de", "dev", options={"domain": "books"}) is None  # doctest: +SKIP
True
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ..errors import ConfigError, ResourceNotFoundError
from ..locate import expand, locate
from ..paths import shared_dir
from .base import Dataset
from .common import canonical_task
from .registry import dataset_spec

__all__ = ["SPLITS", "dataset_location", "load_split"]

SPLITS = ("train", "dev", "test")
# A source language's one-file corpus: 20 % test, then 12.5 % of the rest (10 % of the
# whole) dev, 70 % train. Written as the two fractions train_test_split is given, so that
# the sizes do not depend on float rounding.
_TEST_SHARE, _DEV_SHARE_OF_REST = 0.2, 0.125


def dataset_location(name: str, lang: str, *, offline: bool = False) -> Path:
    """Where a dataset is when no location is configured (``data.root = ""``).

    The shared data folder's copy (``<shared>/data/<folder>``) when present, else the
    dataset's resource fetched into the download cache (``opener:es`` ->
    ``<XPROJ_DATA>/datasets/opener/es``).

    Raises
    ------
    ResourceNotFoundError
        Neither is available (the message says what was looked for and how to fix it).
    """
    spec = dataset_spec(name)
    looked = []
    if spec.shared:
        shared = shared_dir() / "data" / spec.shared
        if shared.exists():
            return shared
        looked.append(str(shared))
    if spec.resource:
        return locate(spec.resource.format(lang=lang), "data.root", offline=offline)
    where = f" (not in {looked[0]})" if looked else ""
    raise ResourceNotFoundError(f"data.root is empty and {spec.name} cannot be downloaded{where}: "
                                f"set data.root to the {spec.name} file or folder")


def load_split(name: str, root, lang: str, split: str, *, task: str = "binary", options=None,
               source: bool = True, seed: int = 0, offline: bool = False) -> Dataset | None:
    """One split of one language, or None when the corpus has no such split.

    Parameters
    ----------
    name : str
        A dataset of :data:`xproj.datasets.registry.DATASETS` (or an alias).
    root : str or Path
        Its location: a folder, a file or a resource spec, ``{shared}``/``{data}`` expanded;
        ``{lang}`` is replaced by ``lang``, and a ``{split}`` in it names one file per split.
        ``""``: :func:`dataset_location`.
    lang : str
    split : {"train", "dev", "test"}
    task : str
        Checked against the dataset's tasks (``4-class`` is read as ``4class``).
    options : dict, optional
        Run options the loader may take (``domain``, ``text_column``, ``label_column``);
        those it does not take are ignored.
    source : bool
        For one-file corpora: the source language's file is split 70/10/20 (stratified,
        ``seed``); a target language's is all test (train and dev are None).
    seed : int
    offline : bool
        Do not download a missing resource.

    Returns
    -------
    Dataset or None
        None for a split the corpus does not have (a missing dev split, a target language's
        train split of a one-file corpus); a missing train or test split raises.
    """
    spec = dataset_spec(name)
    task = canonical_task(task, spec.tasks, corpus=spec.name)
    if split not in SPLITS:
        raise ConfigError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
    opts = dict(options or {})
    template = expand(str(root or "")).replace("{lang}", lang)
    if "{split}" in template:  # one file per split, whatever the corpus's own layout
        path = Path(template.replace("{split}", split)).expanduser()
        if not path.exists():
            if split == "dev":
                return None
            raise ResourceNotFoundError(f"data.root: {path}: no such file")
        return spec.call(path, lang=lang, split=split, task=task, offline=offline, **opts)
    where = locate(template, "data.root", offline=offline) if template else dataset_location(spec.name, lang,
                                                                                             offline=offline)
    if spec.layout == "one-file":
        path = where / spec.file if spec.file and where.is_dir() else where
        stat = path.stat() if path.exists() else None
        key = (str(path), stat and (stat.st_mtime_ns, stat.st_size))
        whole = _whole_file(spec.name, key, lang, task, tuple(sorted(opts.items())), offline)
        return _split_whole(whole, split, source=source, seed=seed)
    if spec.layout == "train-test" and split == "dev":
        return None
    try:
        return spec.call(where, lang=lang, split=split, task=task, offline=offline, **opts)
    except ResourceNotFoundError:
        if split == "dev":
            return None
        raise


@functools.lru_cache(maxsize=8)
def _whole_file(name, key, lang, task, opts, offline) -> Dataset:
    # The three splits of a one-file corpus come from one read of the file (the key holds
    # its modification time and size: a changed file is read again).
    return dataset_spec(name).call(Path(key[0]), lang=lang, task=task, offline=offline, **dict(opts))


def _split_whole(ds: Dataset, split: str, *, source: bool, seed: int) -> Dataset | None:
    if not source:
        return ds.subset(np.arange(len(ds))) if split == "test" else None
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(ds))
    rest, test = train_test_split(idx, test_size=_TEST_SHARE, random_state=seed, stratify=ds.labels)
    train, dev = train_test_split(rest, test_size=_DEV_SHARE_OF_REST, random_state=seed, stratify=ds.labels[rest])
    return ds.subset({"train": train, "dev": dev, "test": test}[split])
