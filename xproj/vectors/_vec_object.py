"""The compiled ``.vec`` kernel as saved machine code: built once with numba, loaded with llvmlite alone.

Numba's own cache (``cache=True``) spends ~0.25 s of every process before its first call (it
builds its typing and target registries) and ~30 MiB of heap: more than the whole parse of a
50,000-word file. So :func:`load_kernel` keeps the kernel's machine code itself:

1. *Build* (once per kernel source, numba and llvmlite version and CPU): numba compiles
   :func:`xproj.vectors._vec_kernel.entry`, a C function of pointers and integers; its LLVM IR
   is made self-contained (:func:`self_contained`) and emitted as a native object file.
2. *Save* it beside this module, in ``__pycache__`` as Python keeps its bytecode, or else in
   xproj's cache directory; written to a temporary and renamed, so a reader never sees half a file.
3. *Load* it with llvmlite (the LLVM binding numba is built on; a few milliseconds) and call it
   through ctypes, which releases the GIL during the call as numba's ``nogil`` did.

As with Python's bytecode and numba's own cache, the saved code is run as found: a folder other
users may write to (a shared ``XPROJ_CACHE``) must be one they are trusted with. The checksum
line guards against damage, not against a writer. The key covers numba's settings: its ``NUMBA_*``
environment variables and a ``.numba_config.yaml`` in the working directory.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import logging
import os
import re
import sys
from pathlib import Path

import numpy as np

from .._io import atomic_write
from ..errors import XprojError

log = logging.getLogger(__name__)

_FORMAT = 1  # bump when the object's contents change meaning (signature, entry name, stubs)
ENTRY_NAME = "xproj_vec_parse_rows"
_KERNEL_SOURCE = Path(__file__).with_name("_vec_kernel.py")
_MODULE_CACHE = Path(__file__).with_name("__pycache__")
_NUMBA_CONFIG_FILE = ".numba_config.yaml"  # numba's settings file, read from the working directory
_ENGINES = []  # llvmlite execution engines own the loaded code: kept for the process's life

# (buf, len(buf), starts, ends, dim, out, n_rows, word_ends, pow10, first, stop) -> 0 or 1
_PROTOTYPE = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p,
                              ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p, ctypes.c_int64,
                              ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64)
_N_POW10 = 23  # = _vec_kernel.N_POW10, without importing numba


class CompiledRows:
    """The loaded kernel: ``parse_rows`` with the signature of
    :func:`xproj.vectors._vec_kernel.parse_rows`, called through a C function pointer."""

    def __init__(self, function):
        self._function = function

    def parse_rows(self, buf, starts, ends, dim, out, word_ends, pow10, first, stop) -> bool:
        """Parse lines ``first:stop`` of ``buf`` into ``out`` (see ``_vec_kernel.parse_rows``)."""
        n_rows = len(starts)
        # The machine code trusts every pointer and size: check them here, once per call.
        for array, dtype, shape in ((buf, np.uint8, (buf.size,)), (starts, np.int64, (n_rows,)),
                                    (ends, np.int64, (n_rows,)), (out, np.float32, (n_rows, dim)),
                                    (word_ends, np.int64, (n_rows,)), (pow10, np.float64, (_N_POW10,))):
            if array.dtype != dtype or array.shape != shape or not array.flags.c_contiguous:
                raise ValueError(f"kernel argument of dtype {array.dtype} and shape {array.shape}: "
                                 f"expected C-contiguous {np.dtype(dtype)} of shape {shape}")
        if not 0 <= first <= stop <= n_rows:
            raise ValueError(f"rows {first}:{stop} outside 0:{n_rows}")
        if not out.flags.writeable or not word_ends.flags.writeable:
            raise ValueError("kernel output arrays must be writeable")
        # The kernel reads buf[starts[row]:ends[row]] for these rows, unchecked (a negative index
        # wraps around): a line must lie inside the buffer.
        if stop > first and (starts[first:stop].min() < 0 or ends[first:stop].max() > buf.size):
            raise ValueError(f"a line of rows {first}:{stop} lies outside the buffer of {buf.size} bytes")
        return bool(self._function(buf.ctypes.data, buf.size, starts.ctypes.data, ends.ctypes.data,
                                   dim, out.ctypes.data, n_rows, word_ends.ctypes.data,
                                   pow10.ctypes.data, first, stop))


def cache_key() -> str:
    """What the saved machine code depends on: the kernel's source and this file's, numba's and
    llvmlite's versions, numba's settings, and the CPU (code built for one CPU's features may not
    run on another)."""
    import llvmlite.binding as llvm

    # NUMBA_OPT, NUMBA_BOUNDSCHECK (IndexError paths into the trap stubs), NUMBA_CPU_NAME...
    # change the code numba builds: read where numba reads them, without importing it (the
    # environment, and a .numba_config.yaml in the working directory, whose bytes are keyed).
    settings = sorted((k, v) for k, v in os.environ.items() if k.startswith("NUMBA_"))
    config_file = Path(_NUMBA_CONFIG_FILE)
    if config_file.is_file():
        settings.append((_NUMBA_CONFIG_FILE, hashlib.sha256(config_file.read_bytes()).hexdigest()))
    digest = hashlib.sha256()
    for part in (str(_FORMAT), _KERNEL_SOURCE.read_bytes(), Path(__file__).read_bytes(),
                 importlib.metadata.version("numba"), importlib.metadata.version("llvmlite"),
                 repr(settings), llvm.get_process_triple(), llvm.get_host_cpu_name(),
                 llvm.get_host_cpu_features().flatten()):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def candidate_dirs() -> list[Path]:
    """Where the object may be saved, in order: beside this module (as Python keeps bytecode,
    unless ``PYTHONDONTWRITEBYTECODE`` or ``PYTHONPYCACHEPREFIX`` says otherwise), then xproj's
    cache."""
    from ..paths import cache_dir

    beside = [] if sys.dont_write_bytecode or sys.pycache_prefix else [_MODULE_CACHE]
    return beside + [cache_dir() / "kernels"]


def _remove_stale(folder: Path, keep: str):
    """Objects of earlier keys beside this module: only this install's code reads them."""
    if folder != _MODULE_CACHE:  # xproj's cache may serve other installs (other numba versions)
        return
    for old in folder.glob("vec-kernel-*.o"):
        if old.name != keep:
            old.unlink(missing_ok=True)


def load_kernel(dirs=None) -> CompiledRows:
    """The kernel, loaded from a saved object, or built (numba, ~3 s) and saved for next time.

    Raises ImportError when numba or llvmlite is missing, any other exception when the kernel
    cannot be built; a saved object that cannot be loaded is built again.
    """
    dirs = candidate_dirs() if dirs is None else [Path(d) for d in dirs]
    name = f"vec-kernel-{cache_key()}.o"
    for folder in dirs:
        path = folder / name
        if path.is_file():
            try:
                return CompiledRows(load_object(_checked(path.read_bytes())))
            except Exception as exc:  # a damaged file: removed, built again and replaced
                try:
                    path.unlink()
                except OSError:  # a folder we cannot write to: said each time would be noise,
                    level = logging.DEBUG  # and the next folder's copy is loaded from now on
                else:
                    level = logging.WARNING
                log.log(level, "cannot load the saved .vec kernel %s (%s: %s); building it again",
                        path, type(exc).__name__, exc)
    data = build_object()
    kernel = CompiledRows(load_object(data))
    for folder in dirs:
        try:
            _write_atomically(folder / name, _with_checksum(data))
            _remove_stale(folder, name)
            break
        except (OSError, XprojError) as exc:  # atomic_write names the file in an XprojError
            log.debug("cannot save the .vec kernel in %s: %s", folder, exc)
    else:
        log.warning("cannot save the compiled .vec kernel in %s; each process will compile it "
                    "again (~3 s): set XPROJ_CACHE to a writable folder",
                    " or ".join(map(str, dirs)))
    return kernel


# LLVM does not check an object file before loading it: a truncated one crashes the process. So the
# saved file starts with a line holding the object's SHA-256, checked before LLVM sees a byte.
_MAGIC = b"xproj-vec-kernel"


def _with_checksum(data: bytes) -> bytes:
    return b"%s %s\n" % (_MAGIC, hashlib.sha256(data).hexdigest().encode()) + data


def _checked(saved: bytes) -> bytes:
    """The object of a saved file, after checking its checksum line (ValueError if it differs)."""
    header, _, data = saved.partition(b"\n")
    magic, _, digest = header.partition(b" ")
    if magic != _MAGIC or hashlib.sha256(data).hexdigest().encode() != digest:
        raise ValueError("checksum mismatch (a truncated or damaged file)")
    return data


def _write_atomically(path: Path, data: bytes):
    # atomic_write: a temporary beside it under a name no other writer picks, renamed into place,
    # with the umask's permissions (not mkstemp's 0600: other users of a shared install would
    # compile again in each process)
    with atomic_write(path) as f:
        f.write(data)


def _target_machine():
    import llvmlite.binding as llvm

    try:
        llvm.initialize()  # llvmlite < 0.45 needs it; later versions initialise LLVM themselves
    except RuntimeError:  # "initialize() is deprecated": and raises instead
        pass
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_triple(llvm.get_process_triple())
    return target.create_target_machine(cpu=llvm.get_host_cpu_name(),
                                        features=llvm.get_host_cpu_features().flatten(),
                                        opt=3, codemodel="jitdefault")


def build_object() -> bytes:
    """Compile the kernel with numba and return it as a native object file for this CPU."""
    import llvmlite.binding as llvm

    from . import _vec_kernel

    compiled = _vec_kernel.entry()
    ir = self_contained(compiled.inspect_llvm(), compiled.native_name)
    module = llvm.parse_assembly(ir)
    module.verify()
    return _target_machine().emit_object(module)


# Numba's C wrapper turns an exception of the compiled function into a Python one, which names
# helpers of numba's C extensions (numba_gil_ensure, numba_do_raise, NRT_Free, ...) and Python's C
# API; NRT_decref names NRT_MemInfo_call_dtor for arrays numba allocated. The kernel raises nothing
# (every `ret` of its functions returns status 0: no exception path is taken) and its arrays are
# views of our pointers (no numba allocation, so no destructor), so these calls are unreachable.
# They become functions that trap (an illegal instruction) rather than undefined symbols that
# would need numba loaded, or that LLVM would refuse to link.
_DECLARE = re.compile(r"^declare (?P<ret>[^@]+?) @(?P<name>[\w.$\"]+)\((?P<args>[^)]*)\)[^\n]*$", re.M)
_EXTERNAL_GLOBAL = re.compile(r"^(?P<name>@[\w.$\"]+) = external global (?P<type>\S+)[^\n]*$", re.M)


def self_contained(ir: str, entry_name: str) -> str:
    """``ir`` with its external functions and globals defined (traps and zeros), no symbol left to
    resolve at load time but LLVM intrinsics, and the C entry point renamed :data:`ENTRY_NAME`."""

    def stub(match):
        if match["name"].startswith("llvm."):  # an intrinsic: LLVM defines it
            return match[0]
        return (f"define {match['ret']} @{match['name']}({match['args']}) {{\n"
                f"  call void @llvm.trap()\n  unreachable\n}}")

    ir = _DECLARE.sub(stub, ir)
    ir = _EXTERNAL_GLOBAL.sub(r"\g<name> = internal global \g<type> zeroinitializer", ir)
    if "@llvm.trap()" not in ir.replace("call void @llvm.trap()", ""):
        ir += "\ndeclare void @llvm.trap()\n"
    renamed = re.sub(rf'@"?{re.escape(entry_name)}"?(?=\()', f"@{ENTRY_NAME}", ir)
    if renamed.count(f"@{ENTRY_NAME}(") != 1:
        raise RuntimeError(f"the kernel's entry point {entry_name} is not defined once in its IR")
    left = [m["name"] for m in _DECLARE.finditer(renamed) if not m["name"].startswith("llvm.")]
    if left or "external global" in renamed:
        raise RuntimeError(f"the kernel's IR still names external symbols: {left}")
    return renamed


def load_object(data: bytes):
    """The entry point of a native object file, as a ctypes function (its code kept loaded)."""
    import llvmlite.binding as llvm

    engine = llvm.create_mcjit_compiler(llvm.parse_assembly(""), _target_machine())
    engine.add_object_file(llvm.ObjectFileRef.from_data(data))
    engine.finalize_object()
    address = engine.get_function_address(ENTRY_NAME)
    if not address:
        raise RuntimeError(f"the object does not define {ENTRY_NAME}")
    _ENGINES.append(engine)
    return _PROTOTYPE(address)
