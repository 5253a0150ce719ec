"""Where ``xproj predict --scheduler`` runs its tasks: this process, a local Dask cluster it
starts, or a running Dask scheduler (see :mod:`xproj.distributed`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import ConfigError, MissingExtraError, XprojError

#: ``--scheduler`` forms: a local cluster of N worker processes (default: one per core), or
#: the address of a running Dask scheduler.
SCHEDULERS = ("local", "local:N", "tcp://HOST:PORT")
#: a scheduler's address: a host name, IPv4 or [IPv6] address, and a port (Dask's 8786 when left out)
ADDRESS = r"tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:[0-9]{1,5})?/?"


def _bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def _has_dashboard(client) -> bool:
    """A remote scheduler's dashboard is its own business; a local one needs bokeh here
    (without it the link would lead to a 404 page)."""
    return getattr(client, "cluster", None) is None or _bokeh()


def check_scheduler(scheduler) -> int | None:
    """A ``--scheduler`` value checked before any work (its form, and that Dask is installed):
    the number of local workers (``local``: one per core), or None for a scheduler's address.
    Whether the address answers is known only when :func:`connect` reaches it."""
    value = str(scheduler).strip()
    head, sep, n = value.partition(":")
    local = head == "local" and (not sep or n.isdigit() and int(n) >= 1)
    if not local and not re.fullmatch(ADDRESS, value):
        raise ConfigError(f"--scheduler {scheduler}: expected one of {', '.join(SCHEDULERS)}")
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        raise MissingExtraError("--scheduler: needs Dask: pip install 'xproj[cluster]'")
    return (int(n) if sep else os.cpu_count() or 1) if local else None


def connect(scheduler: str):
    """A ``distributed.Client`` for a ``--scheduler`` value (see :data:`SCHEDULERS`)."""
    n_workers = check_scheduler(scheduler)
    from distributed import Client, LocalCluster

    value = str(scheduler).strip()
    if n_workers is not None:
        dashboard = ":0" if _bokeh() else None
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1,
                               processes=True, host="127.0.0.1", dashboard_address=dashboard)
        return Client(cluster)
    try:
        return Client(value, timeout="10s")
    except OSError as exc:
        raise ConfigError(f"--scheduler {scheduler}: cannot reach the scheduler ({exc}); "
                          f"is `dask scheduler` running there?") from None


def one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__) if isinstance(exc, XprojError) else \
        f"{type(exc).__name__}: {text[0] if text else ''}"


def _bar(progress, total):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="task", desc="predict")


class _Runner:
    """``run(fn, calls, name, progress)``: yields ``(tag, result or exception)`` for each
    ``(tag, args, kwargs)`` call, in this process (``client`` None) or as cluster tasks finish."""

    def __init__(self, client=None):
        self.client = client

    def once(self, fn, *args):
        """``fn(*args)`` run once, here or as one cluster task, for a check: ``fn`` returns None
        or the :class:`XprojError` to raise here (returned, not raised, so that the workers do
        not log it with a traceback); a task that fails otherwise is an XprojError of one line."""
        try:
            problem = fn(*args) if self.client is None else self.client.submit(fn, *args, pure=False).result()
        except Exception as exc:  # noqa: BLE001  (e.g. the worker died)
            raise XprojError(one_line(exc)) from None
        if problem is not None:
            raise problem

    def __call__(self, fn, calls, name, progress):
        bar = _bar(progress, len(calls))
        for tag, result in (self._cluster if self.client is not None else self._local)(fn, calls, name):
            if bar:
                bar.update()
            yield tag, result
        if bar:
            bar.close()

    @staticmethod
    def _local(fn, calls, _name):
        for tag, args, kwargs in calls:
            try:
                yield tag, fn(*args, **kwargs)
            except (XprojError, OSError) as exc:
                yield tag, exc

    def _cluster(self, fn, calls, name):
        import uuid

        from distributed import as_completed

        token = uuid.uuid4().hex[:8]
        futures = {self.client.submit(fn, *args, **kwargs, key=f"xproj-{name}-{Path(args[2 if name == 'score' else 0]).name}"
                                      f"-{i}-{token}", pure=False): tag for i, (tag, args, kwargs) in enumerate(calls)}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001  (a bad file, or a worker lost too often: redone next run)
                result = exc
            yield futures[future], result


class executor:
    """A :class:`_Runner` for ``--scheduler`` (None: this process); a local cluster it
    started is closed on exit."""

    def __init__(self, scheduler, log):
        self.scheduler, self.log, self.client = scheduler, log, None

    def __enter__(self):
        if self.scheduler is not None:
            self.client = connect(self.scheduler)
            if self.log and _has_dashboard(self.client):
                self.log(f"Dask dashboard: {self.client.dashboard_link}")
        return _Runner(self.client)

    def __exit__(self, *exc):
        if self.client is not None:
            cluster = getattr(self.client, "cluster", None)
            self.client.close()
            if cluster is not None:
                cluster.close()
