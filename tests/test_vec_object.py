"""The compiled .vec kernel kept as machine code (xproj/vectors/_vec_object.py): built once with
numba, saved, loaded by later processes with llvmlite alone, never a crash or a stale file."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba")
pytest.importorskip("llvmlite")

from xproj.vectors import _vec_object, text_numba  # noqa: E402

POW10 = np.array([float(10**k) for k in range(23)])
BLOCK = b"a 0.1 -2.5e-3\nbb 1 2\nc x 3\n"


def _args(block=BLOCK, dim=2):
    buf = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    starts = np.concatenate([[0], ends[:-1] + 1])
    return buf, starts, ends, dim, np.zeros((len(ends), dim), np.float32), np.zeros(len(ends), np.int64), POW10


@pytest.fixture(scope="module")
def built():
    """One object built for this machine (numba compiles it: ~3 s), shared by the tests."""
    return _vec_object.build_object()


def test_the_loaded_kernel_parses_plain_lines_and_flags_the_others(built):
    kernel = _vec_object.CompiledRows(_vec_object.load_object(built))
    buf, starts, ends, dim, out, word_ends, pow10 = _args()
    assert kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, 0, 2) is True
    assert out[:2].tolist() == [[np.float32(0.1), np.float32(-0.0025)], [1.0, 2.0]]
    assert word_ends[:2].tolist() == [1, 16]
    assert kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, 0, 3) is False  # "c x 3"
    assert word_ends[2] == -1


@pytest.mark.parametrize("bad", ["dtype", "shape", "strided", "rows", "readonly"])
def test_the_loaded_kernel_refuses_arguments_it_cannot_trust(built, bad):
    # The machine code reads and writes through raw pointers: a wrong array must be an error
    # before the call, never memory written out of bounds.
    kernel = _vec_object.CompiledRows(_vec_object.load_object(built))
    buf, starts, ends, dim, out, word_ends, pow10 = _args()
    first, stop = 0, 3
    if bad == "dtype":
        out = out.astype(np.float64)
    elif bad == "shape":
        out = np.zeros((2, dim), np.float32)
    elif bad == "strided":
        ends = np.repeat(ends, 2)[::2]
    elif bad == "rows":
        stop = 4
    else:
        out.flags.writeable = False
    with pytest.raises(ValueError):
        kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, first, stop)


def test_built_once_then_loaded_from_the_saved_object(tmp_path, monkeypatch, built):
    builds = []

    def build():
        builds.append(1)
        return built

    monkeypatch.setattr(_vec_object, "build_object", build)
    first = _vec_object.load_kernel([tmp_path])
    saved = list(tmp_path.iterdir())
    assert builds == [1] and [p.name for p in saved] == [f"vec-kernel-{_vec_object.cache_key()}.o"]
    second = _vec_object.load_kernel([tmp_path])
    assert builds == [1]  # loaded, not built
    for kernel in (first, second):
        buf, starts, ends, dim, out, word_ends, pow10 = _args()
        assert kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, 0, 2)
        assert out[1].tolist() == [1.0, 2.0]


def test_a_damaged_saved_object_is_built_again_and_replaced(tmp_path, monkeypatch, caplog, built):
    path = tmp_path / f"vec-kernel-{_vec_object.cache_key()}.o"
    # e.g. a disk that filled up under a writer of another tool; loaded, it would crash LLVM
    path.write_bytes(_vec_object._with_checksum(built)[: len(built) // 3])
    monkeypatch.setattr(_vec_object, "build_object", lambda: built)
    with caplog.at_level("WARNING", logger="xproj.vectors._vec_object"):
        kernel = _vec_object.load_kernel([tmp_path])
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"cannot load the saved .vec kernel {path}"]
    assert _vec_object._checked(path.read_bytes()) == built
    buf, starts, ends, dim, out, word_ends, pow10 = _args()
    assert kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, 0, 2)


def test_no_writable_folder_says_so_once_and_still_parses(tmp_path, monkeypatch, caplog, built):
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where a folder should be: mkdir fails
    monkeypatch.setattr(_vec_object, "build_object", lambda: built)
    with caplog.at_level("WARNING", logger="xproj.vectors._vec_object"):
        kernel = _vec_object.load_kernel([blocked / "a", blocked / "b"])
    assert len(caplog.records) == 1 and "set XPROJ_CACHE" in caplog.records[0].getMessage()
    buf, starts, ends, dim, out, word_ends, pow10 = _args()
    assert kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, 0, 2)


def test_the_key_changes_with_the_kernel_source(monkeypatch, tmp_path):
    key = _vec_object.cache_key()
    changed = tmp_path / "_vec_kernel.py"
    changed.write_bytes(_vec_object._KERNEL_SOURCE.read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(_vec_object, "_KERNEL_SOURCE", changed)
    assert _vec_object.cache_key() != key


def test_self_contained_ir_defines_every_external_symbol():
    ir = ("@PyExc_RuntimeError = external global i8\n"
          "define i64 @\"cfunc.entry$1\"(i8* %a) {\n  call void @helper(i8* %a)\n  ret i64 1\n}\n"
          "declare void @helper(i8*) local_unnamed_addr\n"
          "declare i8 @llvm.x86.atomic.sub.cc.i64(i8*, i64, i32 immarg)\n")
    out = _vec_object.self_contained(ir, "cfunc.entry$1")
    assert "define void @helper(i8*) {\n  call void @llvm.trap()\n  unreachable\n}" in out
    assert "declare i8 @llvm.x86.atomic.sub.cc.i64" in out  # intrinsics stay declared
    assert "@PyExc_RuntimeError = internal global i8 zeroinitializer" in out
    assert f"define i64 @{_vec_object.ENTRY_NAME}(i8* %a)" in out
    import llvmlite.binding as llvm

    llvm.parse_assembly(out).verify()
    with pytest.raises(RuntimeError, match="not defined once"):
        _vec_object.self_contained(ir, "cfunc.other")


def test_a_later_process_parses_without_importing_numba(tmp_path):
    # The point of the saved object: numba's start-up (~0.25 s, ~30 MiB) is not paid again.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(Path(__file__).parents[1]),
                                                                    os.environ.get("PYTHONPATH")])))
    script = ("import sys\n"
              "from xproj.vectors import text_numba\n"
              "parsed = text_numba.parse_block(b'a 0.5 -1e-3\\n', 1, 2)\n"
              "print(parsed[0], parsed[1].tolist(), 'numba' in sys.modules)\n")
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                           timeout=300) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert runs[1].stdout.split("] ")[0] == runs[0].stdout.split("] ")[0]
    assert runs[1].stdout.strip().endswith("False")  # the second process loaded the saved object
    assert text_numba.kernel() is not None


@pytest.mark.parametrize("bad", ["end past the buffer", "negative start"])
def test_the_loaded_kernel_refuses_line_bounds_outside_the_buffer(built, bad):
    # The kernel reads buf[starts[row]:ends[row]] unchecked: a bound outside the buffer would read
    # memory beyond it (a few bytes here, so that the unfixed code does not crash the test run).
    kernel = _vec_object.CompiledRows(_vec_object.load_object(built))
    buf, starts, ends, dim, out, word_ends, pow10 = _args()
    buf = buf[:-1]  # "c x 3" now ends at the buffer's end, without its newline
    if bad == "end past the buffer":
        ends = ends.copy()
        ends[2] = len(buf) + 3
    else:
        starts = starts.copy()
        starts[2] = -1
    with pytest.raises(ValueError, match="outside the buffer"):
        kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, 0, 3)
    # rows outside first:stop are not read: not checked either
    assert kernel.parse_rows(buf, starts, ends, dim, out, word_ends, pow10, 0, 2) is True


def test_the_saved_object_is_readable_as_the_umask_allows(tmp_path, monkeypatch, built):
    # A shared install (or XPROJ_CACHE) is read by other users: a file only its writer may read
    # (mkstemp's 0600) would make each of their processes warn and compile again.
    monkeypatch.setattr(_vec_object, "build_object", lambda: built)
    old = os.umask(0o022)
    try:
        _vec_object.load_kernel([tmp_path])
    finally:
        os.umask(old)
    (saved,) = tmp_path.iterdir()
    assert saved.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("variable, value", [("NUMBA_OPT", "0"), ("NUMBA_BOUNDSCHECK", "1")])
def test_the_key_changes_with_numba_settings_that_change_the_code(monkeypatch, variable, value):
    # NUMBA_OPT=0 builds unoptimised code (~5x the IR), NUMBA_BOUNDSCHECK=1 adds IndexError paths
    # that would reach the trap stubs: neither may be loaded by a process that did not ask for it.
    monkeypatch.delenv(variable, raising=False)
    key = _vec_object.cache_key()
    monkeypatch.setenv(variable, value)
    assert _vec_object.cache_key() != key


def test_objects_of_earlier_keys_beside_the_module_are_removed(tmp_path, monkeypatch, built):
    beside, shared = tmp_path / "__pycache__", tmp_path / "cache"
    for folder in (beside, shared):
        folder.mkdir()
        (folder / "vec-kernel-0123456789abcdef01234567.o").write_bytes(b"old")
    monkeypatch.setattr(_vec_object, "_MODULE_CACHE", beside)
    monkeypatch.setattr(_vec_object, "build_object", lambda: built)
    _vec_object.load_kernel([beside, shared])
    assert [p.name for p in beside.iterdir()] == [f"vec-kernel-{_vec_object.cache_key()}.o"]
    # xproj's cache may serve other installs: their objects stay
    assert [p.name for p in shared.iterdir()] == ["vec-kernel-0123456789abcdef01234567.o"]


def test_no_object_beside_the_module_when_python_writes_no_bytecode(monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert _vec_object._MODULE_CACHE not in _vec_object.candidate_dirs()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert _vec_object.candidate_dirs()[0] == _vec_object._MODULE_CACHE


@pytest.mark.parametrize("value, disabled", [("1", True), ("00", False), ("0", False), ("", False),
                                             ("yes", False)])
def test_numba_disable_jit_is_read_as_numba_reads_it(value, disabled):
    assert text_numba._flag(value) is disabled


def test_a_damaged_object_we_cannot_remove_is_not_warned_in_every_process(tmp_path, monkeypatch,
                                                                           caplog, built):
    # e.g. a bad copy left in a read-only install: the next folder's good copy is what loads
    locked, cache = tmp_path / "install", tmp_path / "cache"
    locked.mkdir()
    damaged = locked / f"vec-kernel-{_vec_object.cache_key()}.o"
    damaged.write_bytes(b"not an object")
    real_unlink = Path.unlink

    def unlink(self, *args, **kwargs):
        if self.parent == locked:
            raise PermissionError(13, "Read-only file system", str(self))
        return real_unlink(self, *args, **kwargs)

    real_write = _vec_object._write_atomically

    def write(path, data):
        if path.parent == locked:
            raise PermissionError(13, "Read-only file system", str(path))
        return real_write(path, data)

    monkeypatch.setattr(Path, "unlink", unlink)
    monkeypatch.setattr(_vec_object, "_write_atomically", write)
    monkeypatch.setattr(_vec_object, "build_object", lambda: built)
    with caplog.at_level("WARNING", logger="xproj.vectors._vec_object"):
        for _ in range(2):  # the first builds and saves in cache, the second loads from there
            _vec_object.load_kernel([locked, cache])
    assert caplog.records == [] and damaged.exists() and any(cache.iterdir())


def test_the_key_changes_with_a_numba_config_file_in_the_working_directory(tmp_path, monkeypatch):
    # numba reads NUMBA_* settings from .numba_config.yaml in the working directory too
    monkeypatch.chdir(tmp_path)
    keys = [_vec_object.cache_key()]
    for settings in ("opt: 0\n", "boundscheck: 1\n"):
        (tmp_path / ".numba_config.yaml").write_text(settings)
        keys.append(_vec_object.cache_key())
    assert len(set(keys)) == 3
