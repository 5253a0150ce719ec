"""What ``xproj align`` writes into ``--out`` (:mod:`xproj.align_cmd`): the mapping, the mapped
vectors and the BLI table, staged in a hidden folder and moved in together
(:func:`save_outputs`), so a folder never mixes two aligns' files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from .align.mapping import INSTANCE_SUFFIX
from .bli_cmd import MAPPING_NAME, mapped_spaces

#: files written besides the mapping
VECTOR_FILES = {"source": "src.mapped.vec", "target": "tgt.mapped.vec"}
BLI_FILE = "bli.json"
#: every file an align writes into ``--out``: a run replaces those it writes and removes the others
OUTPUT_NAMES = (MAPPING_NAME + ".npy", MAPPING_NAME + ".json", MAPPING_NAME + ".tgt.npy",
                MAPPING_NAME + INSTANCE_SUFFIX, *VECTOR_FILES.values(), BLI_FILE)
#: the hidden stage folder of :func:`save_outputs`: ``.align.<pid>.<random>.partial`` in ``--out``
STAGE_PREFIX = ".align."


def save_outputs(mapping, src, tgt, out: Path, args, bli=None) -> list[Path]:
    """The mapping, (``--write-vectors``) both mapped spaces and (``bli``) the BLI table,
    written into a hidden folder inside ``out`` and moved into ``out`` only when all are
    written, with the files of :data:`OUTPUT_NAMES` this run does not write (an earlier run's
    ``bli.json`` or mapped vectors) removed: ``out`` then holds this run's outputs and no
    other align's. The removals and renames happen with Ctrl-C and ``kill`` held
    (:func:`~xproj._io.held_interrupts`), so an align that fails or is interrupted leaves
    ``out`` as it was or as this run made it, never a mix. Other files in ``out`` are left
    alone; stage folders of aligns that were killed (``kill -9``) are removed. Returns the
    paths written in ``out``."""
    from ._io import held_interrupts
    from .vectors import write_vec

    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    remove_dead_stages(out)
    stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}.", suffix=".partial", dir=out))
    try:
        names = [MAPPING_NAME + ".npy", MAPPING_NAME + ".json"] + ([MAPPING_NAME + ".tgt.npy"]
                                                                   if mapping.two_sided else []) \
            + ([] if mapping.linear else [MAPPING_NAME + INSTANCE_SUFFIX])
        mapping.save(stage / MAPPING_NAME)
        if args.write_vectors:
            for side, space in zip(VECTOR_FILES, mapped_spaces(src, tgt, mapping)):
                write_vec(space, stage / VECTOR_FILES[side], precision=args.precision)
                names.append(VECTOR_FILES[side])
        if bli is not None:
            write_json(stage / BLI_FILE, {"test_dictionary": args.test_dictionary, **bli})
            names.append(BLI_FILE)
        stale = [out / name for name in OUTPUT_NAMES if name not in names]
        with held_interrupts():  # removed first: a failing rename leaves none of the earlier run's extras
            for path in stale:
                if path.is_file() or path.is_symlink():  # not a folder of that name: not ours
                    path.unlink()
            for name in names:
                os.replace(stage / name, out / name)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only when empty: the folder this call made
        raise
    shutil.rmtree(stage, ignore_errors=True)
    return [out / name for name in names]


def remove_dead_stages(out: Path) -> None:
    """Remove the stage folders in ``out`` of aligns whose process is gone (killed while the
    mapped vectors were written: they can take gigabytes)."""
    import re

    from ._io import remove_dead_folders

    remove_dead_folders(out, re.compile(rf"{re.escape(STAGE_PREFIX)}(\d+)\.\w+\.partial"))


def write_json(path: Path, obj) -> Path:
    from ._io import atomic_write

    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=2)
    return path
