"""``_manifest.json`` of ``xproj predict --scheduler``: what is done, per task, and how each
input was cut (see :mod:`xproj.distributed`)."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from ._io import atomic_write, file_sha256

MANIFEST = "_manifest.json"


def model_sha256(path) -> str:
    """The model's identity: its file's sha256, or for a folder of models (``--lang auto``)
    the sha256 of its ``*.joblib`` files' names and sha256s."""
    path = Path(path)
    if not path.is_dir():
        return file_sha256(path)
    digest = hashlib.sha256()
    for f in sorted(path.glob("*.joblib")):
        digest.update(f"{f.name}\0{file_sha256(f)}\n".encode())
    return digest.hexdigest()


#: Bytes hashed at each end of an input for its identity.
ENDS = 1 << 16
IDENTITY = ("size", "mtime_ns", "ends_sha256")


def identity(path) -> dict:
    """What says an input is unchanged: size, modification time (ns) and the sha256 of its
    first and last :data:`ENDS` bytes. Taken on the client before its tasks are submitted
    (a file changed while being scored is redone next run). The ends catch a file replaced
    by another of the same size with its time kept (``cp -p``, ``rsync -t``) for the cost of
    two small reads; only a full hash would catch an edit in the middle that keeps size and
    time (see README "Running on a cluster" for why it is not taken)."""
    st = Path(path).stat()
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        digest.update(f.read(ENDS))
        if st.st_size > 2 * ENDS:
            f.seek(st.st_size - ENDS)
        digest.update(f.read(ENDS))
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ends_sha256": digest.hexdigest()}


class Manifest:
    """``_manifest.json``: what is done, per input part, and how each input was cut (see the
    module's docstring). Written atomically at most once a second while a job runs (a task
    finished since is redone by the next run if this one dies), and at the end."""

    FLUSH_SECONDS = 1.0

    def __init__(self, out_dir, settings: dict):
        self.path = Path(out_dir) / MANIFEST
        self.settings = settings
        self.entries, self.plans, self._flushed, self._dirty = {}, {}, time.monotonic(), False
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries, self.plans = dict(data.get("inputs", {})), dict(data.get("plans", {}))
            except (ValueError, AttributeError):  # unreadable: everything is redone
                self.entries, self.plans = {}, {}

    def plan(self, input_path, identity, rows_per_task):
        """The cached plan of an unchanged input cut the same way, or None."""
        cached = self.plans.get(str(Path(input_path).resolve()))
        if cached and cached.get("rows_per_task") == rows_per_task and \
                {k: cached.get(k) for k in IDENTITY} == identity:
            return cached["plan"]
        return None

    def set_plan(self, input_path, identity, rows_per_task, plan, keys):
        """Keep ``plan``, and forget the parts of the input that are not in it (their outputs removed)."""
        resolved = str(Path(input_path).resolve())
        self.plans[resolved] = {**identity, "rows_per_task": rows_per_task, "plan": plan}
        for key in [k for k, e in self.entries.items() if e.get("resolved", k) == resolved and k not in keys]:
            stale = self.path.parent / self.entries.pop(key)["output"]
            stale.unlink(missing_ok=True)
        self._dirty = True

    def is_done(self, key, identity, output_path) -> bool:
        entry = self.entries.get(key)
        if not entry or {k: entry.get(k) for k in self.settings} != self.settings:
            return False
        if {k: entry.get(k) for k in IDENTITY} != identity:
            return False
        out = Path(output_path)
        return out.name == entry.get("output") and out.is_file() and out.stat().st_size == entry.get("output_size")

    def record(self, key, input_path, identity, output_path, result: dict):
        self.entries[key] = {
            "input": str(input_path), "resolved": str(Path(input_path).resolve()), **identity,
            **self.settings, "rows_in": result["rows_in"], "rows_out": result["rows_out"],
            "not_scored": result["not_scored"], "output": Path(output_path).name,
            "output_size": result["output_size"]}
        self._dirty = True
        if time.monotonic() - self._flushed >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self):
        if self._dirty:
            with atomic_write(self.path, "w") as f:
                json.dump({"inputs": self.entries, "plans": self.plans}, f, indent=1, sort_keys=True)
            self._flushed, self._dirty = time.monotonic(), False
