"""``xproj._io``: damaged compressed files, byte-order marks, unreadable files, and what
atomic writes leave behind (stale temporaries, permissions)."""

import gzip
import lzma
import os
import subprocess
import sys
import time

import pytest

from xproj._io import atomic_write, open_binary, open_text
from xproj.errors import InputFormatError, XprojError

TEXT = "".join(f"word{i} {i}\n" for i in range(5000)).encode()


def damaged(tmp_path, kind):
    """A file named for its compression whose content is not what the name says."""
    if kind == "plain.gz":  # not gzip at all
        p, data = tmp_path / "a.txt.gz", TEXT
    elif kind == "truncated.gz":
        p, data = tmp_path / "b.txt.gz", gzip.compress(TEXT)[:400]
    elif kind == "corrupt.gz":  # a valid header, then garbage
        good = gzip.compress(TEXT)
        p, data = tmp_path / "c.txt.gz", good[:30] + bytes(200) + good[230:]
    elif kind == "truncated.xz":
        p, data = tmp_path / "d.txt.xz", lzma.compress(TEXT)[:300]
    else:  # "plain.xz"
        p, data = tmp_path / "e.txt.xz", TEXT
    p.write_bytes(data)
    return p


KINDS = ["plain.gz", "truncated.gz", "corrupt.gz", "truncated.xz", "plain.xz"]


@pytest.mark.parametrize("kind", KINDS)
def test_damaged_compressed_files_raise_one_input_format_error(tmp_path, kind):
    p = damaged(tmp_path, kind)
    for read in (lambda f: f.read(), lambda f: list(f), lambda f: f.readline() and f.read()):
        with pytest.raises(InputFormatError) as err, open_binary(p) as f:
            read(f)
        msg = str(err.value)
        assert msg.startswith(f"{p}: ") and "\n" not in msg
        assert ("truncated" in msg) if kind.startswith("truncated") else ("not a valid" in msg)
    with pytest.raises(InputFormatError), open_text(p) as f:
        f.read()


@pytest.mark.parametrize("kind", ["plain.gz", "truncated.xz"])
def test_vectors_and_dictionaries_on_damaged_files(tmp_path, kind):
    from xproj.dictionaries import read_dictionary
    from xproj.vectors import read_vec

    p = damaged(tmp_path, kind)
    with pytest.raises(InputFormatError, match="not a valid|truncated"):
        read_vec(p)
    with pytest.raises(InputFormatError, match="not a valid|truncated"):
        read_dictionary(p)


def test_good_compressed_files_read_as_before(tmp_path):
    p = tmp_path / "ok.txt.gz"
    p.write_bytes(gzip.compress(TEXT))
    with open_binary(p) as f:
        assert f.readline() == b"word0 0\n" and f.read() == TEXT[8:]
    q = tmp_path / "ok.txt.xz"
    q.write_bytes(lzma.compress(TEXT))
    with open_binary(q) as f:
        assert list(f) == TEXT.splitlines(keepends=True)


def test_open_text_drops_a_byte_order_mark(tmp_path):
    p = tmp_path / "bom.csv.gz"
    p.write_bytes(gzip.compress("\ufeffid,text\n1,\ufeffa\n".encode()))
    with open_text(p) as f:
        assert f.read() == "id,text\n1,\ufeffa\n"  # only the leading one is a mark
    with open_binary(p, skip_bom=True) as f:
        assert f.read() == "id,text\n1,\ufeffa\n".encode()


def unreadable(path, monkeypatch):
    """Make ``path`` unreadable: chmod 0, or, as root (who reads anything), an ``open`` that
    fails as it would."""
    path.chmod(0)
    if os.access(path, os.R_OK):
        path.chmod(0o644)

        def denied(name, *a, **k):
            if os.fspath(name) == os.fspath(path):
                raise PermissionError(13, "Permission denied", os.fspath(name))
            return open(name, *a, **k)

        monkeypatch.setattr("xproj._io.open", denied, raising=False)
    return path


def test_unreadable_file_is_one_xproj_error(tmp_path, monkeypatch):
    p = unreadable(tmp_path / "secret.csv", monkeypatch) if (tmp_path / "secret.csv").write_text("id\n") else None
    with pytest.raises(XprojError, match=r"secret\.csv: cannot read it: permission denied"):
        open_binary(p)


def test_atomic_write_respects_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        with atomic_write(tmp_path / "out.csv", "w") as f:
            f.write("x\n")
    finally:
        os.umask(old)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o640
    (tmp_path / "out.csv").chmod(0o600)  # an existing file keeps its own permissions
    with atomic_write(tmp_path / "out.csv", "w") as f:
        f.write("y\n")
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o600


def dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid  # just ended: no process has it (pids are not reused this fast)


def test_atomic_write_removes_stale_temporaries_of_its_target(tmp_path):
    target = tmp_path / "scored.csv"
    dead = tmp_path / f".scored.csv.{dead_pid()}.abcd_123.tmp"     # its writer was killed
    alive = tmp_path / f".scored.csv.{os.getppid()}.efgh_456.tmp"  # a writer still at work
    old_alive = tmp_path / f".scored.csv.{os.getppid()}.ijkl_789.tmp"  # not touched for hours
    legacy = tmp_path / ".scored.csv.mnop_012.tmp"                 # old naming (no pid), old
    other = tmp_path / f".scored.csv.gz.{dead_pid()}.qrst_345.tmp"  # another target's
    for p in (dead, alive, old_alive, legacy, other):
        p.write_bytes(b"partial")
    hours_ago = time.time() - 3 * 3600
    for p in (old_alive, legacy):
        os.utime(p, (hours_ago, hours_ago))
    with atomic_write(target, "w") as f:
        mine = [p.name for p in tmp_path.iterdir() if p.name.startswith(f".scored.csv.{os.getpid()}.")]
        assert len(mine) == 1 and mine[0].endswith(".tmp")  # the writer's pid is in its name
        f.write("ok\n")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([target.name, alive.name, other.name])


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    with pytest.raises(RuntimeError), atomic_write(tmp_path / "o.csv", "w") as f:
        f.write("half")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_a_temporary_named_after_no_possible_pid_neither_stops_a_write_nor_is_removed(tmp_path):
    # a number too large for a pid (os.kill raised OverflowError, a traceback on every write of
    # that target): it may be another program's file, so it is left as it is
    odd = tmp_path / ".scored.csv.99999999999999999999.abcd_123.tmp"
    odd.write_bytes(b"partial")
    with atomic_write(tmp_path / "scored.csv", "w") as f:
        f.write("ok\n")
    assert (tmp_path / "scored.csv").read_text() == "ok\n" and odd.exists()


def test_dead_stage_folders_are_found_by_one_rule(tmp_path):
    import re

    from xproj._io import process_alive, remove_dead_folders

    assert process_alive(os.getpid()) and not process_alive(dead_pid()) and process_alive(10 ** 20)
    pattern = re.compile(r"\.stage\.(\d+)\.\w+")
    gone = dead_pid()
    dead, alive, huge = (tmp_path / f".stage.{pid}.x1" for pid in (gone, os.getpid(), 10 ** 20))
    for p in (dead, alive, huge):
        p.mkdir()
    (tmp_path / f".stage.{gone}.file").write_text("not a folder")
    remove_dead_folders(tmp_path, pattern)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, huge.name, f".stage.{gone}.file"])
