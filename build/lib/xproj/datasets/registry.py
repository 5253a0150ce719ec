"""Every dataset xproj can load, described once: its loader, how its files are split, its
tasks and languages, other names, and where it is found by default.

The dispatch (:func:`load_dataset`), the run configuration's allowed values
(``data.dataset``, ``data.target_dataset``, ``data.task``) and the corpus builder
(:func:`xproj.datasets.splits.load_split`) all derive from :data:`DATASETS`.

Examples
--------
>>> dataset_spec("multibooked").name, dataset_spec("opener").tasks
('opener', ('binary', '4class'))
>>> "chnsenticorp" in run_datasets()
True
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

from ..errors import ConfigError
from .base import Dataset
from .chnsenticorp import CHNSENTICORP_FILE, load_chnsenticorp
from .common import TASKS
from .marc import MARC_TASKS, load_marc
from .opener import OPENER_TASKS, load_opener, load_opener_translated
from .shared_sets import SHARED_SETS, load_binary_csv
from .table import load_table
from .webis import load_webis_cls

__all__ = ["LAYOUTS", "DatasetSpec", "DATASETS", "LOADERS", "dataset_spec", "load_dataset", "run_datasets"]

#: How a corpus provides its splits (see :func:`xproj.datasets.splits.load_split`):
#: ``splits`` train/dev/test per language; ``train-test`` no dev; ``one-file`` one file per
#: language, split by xproj.
LAYOUTS = ("splits", "train-test", "one-file")


@dataclass(frozen=True)
class DatasetSpec:
    """What xproj knows about one dataset.

    Attributes
    ----------
    name : str
        The canonical name (``data.dataset``).
    loader : callable
        Takes the location first; other arguments by keyword (those it does not take are
        not passed).
    layout : str
        One of :data:`LAYOUTS`.
    tasks : tuple of str
        Tasks it has (:data:`xproj.datasets.common.TASKS` spellings).
    languages : tuple of str
        Languages it has; ``()`` for any.
    aliases : tuple of str
        Other accepted names.
    resource : str or None
        Resource spec of its download (``{lang}`` replaced), used when no location is given
        and the shared folder has no copy.
    shared : str or None
        Its folder under ``<shared>/data``.
    file : str or None
        ``one-file`` corpora: the file inside a folder given as location.
    in_runs : bool
        Whether a run may name it as ``data.dataset``.
    defaults : dict
        Keyword arguments always given to the loader (e.g. ``format``).
    """

    name: str
    loader: Callable
    layout: str
    tasks: tuple = ("binary",)
    languages: tuple = ()
    aliases: tuple = ()
    resource: str | None = None
    shared: str | None = None
    file: str | None = None
    in_runs: bool = True
    defaults: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.layout not in LAYOUTS:
            raise ValueError(f"{self.name}: layout must be one of {LAYOUTS}")

    def call(self, location, **kwargs) -> Dataset:
        """The loader on ``location`` with those of ``kwargs`` it takes (and :attr:`defaults`)."""
        sig = inspect.signature(self.loader)
        taken = {k: v for k, v in {**self.defaults, **kwargs}.items() if k in sig.parameters}
        _check_arguments(self, sig, location, **taken)
        return self.loader(location, **taken)


def _specs(*specs) -> dict:
    return {s.name: s for s in specs}


DATASETS: dict = _specs(
    DatasetSpec("opener", load_opener, "splits", OPENER_TASKS, ("en", "es", "ca", "eu"), ("multibooked",),
                resource="opener:{lang}", shared="opener"),
    DatasetSpec("opener-translated", load_opener_translated, "splits", OPENER_TASKS, ("es", "ca", "eu"),
                ("opener-mt",), shared="opener", in_runs=False),
    DatasetSpec("webis-cls-10", load_webis_cls, "train-test", languages=("en", "de", "fr", "ja"),
                aliases=("webis", "webis-cls", "cls-10"), resource="webis-cls-10", shared="webis-cls-10"),
    DatasetSpec("marc", load_marc, "splits", MARC_TASKS, ("de", "en", "es", "fr", "ja", "zh"),
                resource="marc", shared="marc"),
    DatasetSpec("chnsenticorp", load_chnsenticorp, "one-file", languages=("zh",), shared="chnsenticorp",
                file=CHNSENTICORP_FILE),
    # one label,text CSV file each in the shared folder, 0/1 read as negative/positive
    *(DatasetSpec(s.name, load_binary_csv, "one-file", languages=(s.lang,), aliases=s.aliases, shared=s.folder,
                  file=s.file, defaults={"name": s.name}) for s in SHARED_SETS),
    # labels come from the file, so any task name is accepted
    DatasetSpec("table", load_table, "one-file", TASKS),
    DatasetSpec("csv", load_table, "one-file", TASKS, in_runs=False, defaults={"format": "csv"}),
    DatasetSpec("tsv", load_table, "one-file", TASKS, in_runs=False, defaults={"format": "tsv"}),
    DatasetSpec("jsonl", load_table, "one-file", TASKS, in_runs=False, defaults={"format": "jsonl"}),
)

#: name -> loader function
LOADERS = {name: spec.loader for name, spec in DATASETS.items()}

_BY_ALIAS = {alias: spec.name for spec in DATASETS.values() for alias in spec.aliases}


def dataset_spec(name: str) -> DatasetSpec:
    """The :class:`DatasetSpec` of a name or alias (case, ``_``/``-`` ignored).

    Raises
    ------
    ConfigError
        Unknown name; the message lists the known ones.
    """
    key = str(name).strip().lower().replace("_", "-")
    key = _BY_ALIAS.get(key, key)
    if key not in DATASETS:
        raise ConfigError(f"unknown dataset {name!r}; known datasets: {', '.join(DATASETS)}")
    return DATASETS[key]


def run_datasets() -> tuple:
    """Names a run may use as ``data.dataset`` / ``data.target_dataset``."""
    return tuple(name for name, spec in DATASETS.items() if spec.in_runs)


def load_dataset(name: str, /, *args, **kwargs) -> Dataset:
    """Load a corpus by name: ``opener``, ``opener-translated``, ``webis-cls-10``, ``marc``,
    ``chnsenticorp``, the shared sets (:data:`~xproj.datasets.shared_sets.SHARED_SETS`:
    ``online-shopping``, ``sb10k``, ``allocine-tv``, ``tripadvisor-restaurants``, ``chabsa``),
    ``table`` (also ``csv``, ``tsv``, ``jsonl``: :func:`load_table` with that
    ``format`` unless one is given). Other arguments go to the loader.

    >>> load_dataset("opener", "../shared/data/opener", lang="es", split="test")  # doctest: +SKIP

    Raises
    ------
    ConfigError
        Unknown name (the message lists the known ones) or arguments the loader does not take.
    """
    spec = dataset_spec(name)
    for k, v in spec.defaults.items():
        kwargs.setdefault(k, v)
    _check_arguments(spec, inspect.signature(spec.loader), *args, **kwargs)
    return spec.loader(*args, **kwargs)


def _check_arguments(spec: DatasetSpec, sig, *args, **kwargs):
    try:
        sig.bind(*args, **kwargs)
    except TypeError as exc:
        raise ConfigError(f"dataset {spec.name!r}: {exc} "
                          f"(see help({spec.loader.__module__}.{spec.loader.__name__}))") from None
