"""The state of a labelling loop: a small project folder with one JSON manifest.

The manifest (``<project>/manifest.json``, written atomically) records

- ``models``: every model version seen, by content hash (sha256 of the joblib file), with
  its path, its parent's hash and, for a retrained one, its lineage (label files and ids,
  the rounds they came from);
- ``rounds``: each ``xproj label-queue`` call: round number, model hash, input identity
  (path and sha256) and the id and text columns read, strategy, seed, and the queued rows
  (id and text, so that a retrain does not depend on the input file still being there,
  unless the model has a student, which relearns from the inputs' texts);
- ``labels``: ``{id: label name}``, every label a retrain has accepted.

A row id is handed out at most once (:meth:`Project.queued_ids`), so running
``label-queue`` twice, or after an interruption, never queues the same row twice.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from .._io import atomic_write, file_sha256, write_problem
from ..errors import ConfigError, InputFormatError

MANIFEST = "manifest.json"
FORMAT = "xproj-loop/1"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Project:
    """A loop's project folder; :meth:`save` writes the manifest (atomically).

    Parameters
    ----------
    folder : str or Path
        Created on the first :meth:`save`.
    """

    def __init__(self, folder):
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST
        problem = write_problem(self.path)  # before the model is loaded and the rows scored
        if problem:
            raise ConfigError(f"--project {self.folder}: {problem}")
        self.data = self._load()

    def _load(self) -> dict:
        if not self.path.exists():
            return {"format": FORMAT, "lang": None, "models": [], "rounds": [], "labels": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputFormatError(self.path, f"not a loop manifest ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputFormatError(self.path, f"not a loop manifest (format is not {FORMAT!r})")
        return data

    def save(self):
        with atomic_write(self.path, "w") as f:
            json.dump(self.data, f, indent=1, ensure_ascii=False)

    # -- what has been handed out and labelled ------------------------------------------
    @property
    def rounds(self) -> list:
        return self.data["rounds"]

    @property
    def labels(self) -> dict:
        return self.data["labels"]

    def queued_ids(self) -> set:
        return {row["id"] for r in self.rounds for row in r["rows"]}

    def queued_rows(self) -> dict:
        """``{id: (round, text)}`` of every row ever queued."""
        return {row["id"]: (r["round"], row["text"]) for r in self.rounds for row in r["rows"]}

    def check_lang(self, lang: str, option: str = "--lang"):
        from ..errors import ConfigError
        from ..lang import base_code

        known = self.data.get("lang")
        # "es-MX" is scored as the model's "es" (xproj.scoring.Scorer): the same loop
        if known is not None and base_code(known) != base_code(lang):
            raise ConfigError(f"{option} {lang}: the project {self.folder} is a {known!r} loop; "
                              "use another --project for another language")

    # -- model versions -----------------------------------------------------------------
    def check_recorded(self, model_path, option: str = "--model") -> None:
        """Refuse a model that a retrain of this project wrote but never recorded: the retrain
        was interrupted between the model and the manifest (the model is written first, see
        :func:`xproj.loop.retrain.retrain`). Used as a parent, or registered as a new root,
        it would silently drop the labels that retrain accepted. Checked before any work."""
        from ..persistence import model_lineage

        if model_lineage(model_path).get("project") != str(self.folder.resolve()):
            return  # not retrained here: a root or another project's model
        digest = file_sha256(model_path)
        if not any(entry["sha256"] == digest for entry in self.data["models"]):
            raise ConfigError(f"{option} {model_path}: retrained in project {self.folder} but not recorded there "
                              "(its xproj retrain was interrupted before the manifest was written); run that "
                              "retrain again (the same --out)")

    def model_entry(self, model_path) -> dict:
        """The manifest entry of a model file (registered, as a root, when new)."""
        digest = file_sha256(model_path)
        for entry in self.data["models"]:
            if entry["sha256"] == digest:
                return entry
        entry = {"version": len(self.data["models"]), "sha256": digest, "path": str(model_path),
                 "parent": None, "created": now()}
        self.data["models"].append(entry)
        return entry

    def add_round(self, *, model: dict, input_path, queue, strategy: str, seed: int, rows: list,
                  id_column: str = "id", text_column: str = "text") -> dict:
        rnd = {"round": len(self.rounds) + 1, "model": model["sha256"], "strategy": strategy, "seed": seed,
               # absolute: retrain rereads it (the student's pool) from wherever it is run
               "input": {"path": str(Path(input_path).resolve()), "sha256": file_sha256(input_path),
                         "id_column": id_column,
                         "text_column": text_column},
               "queue": str(queue), "created": now(), "rows": rows}
        self.rounds.append(rnd)
        return rnd

    def add_version(self, model_path, lineage: dict, labels: dict) -> dict:
        """Record a retrained model (its hash and lineage) and the labels it was trained on;
        saves the manifest."""
        entry = {"version": len(self.data["models"]), "sha256": file_sha256(model_path), "path": str(model_path),
                 **lineage}
        self.data["models"].append(entry)
        self.data["labels"] = labels
        self.save()
        return entry
