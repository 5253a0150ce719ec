"""read_vec reads the next block on another thread while it parses one (xproj.vectors.text._read_ahead):
the same rows and the same errors as reading in turn, and no thread left behind."""

import gzip
import lzma
import threading

import numpy as np
import pytest

from xproj.errors import InputFormatError, XprojError
from xproj.vectors import read_vec
from xproj.vectors import text as vec_text


def _body(n, dim, seed=0):
    rng = np.random.default_rng(seed)
    return b"".join(f"w{i} ".encode() + " ".join(f"{v:.4f}" for v in rng.normal(size=dim)).encode() + b"\n"
                    for i in range(n))


def _reading_threads():
    return [t for t in threading.enumerate() if t.name == "xproj-read-ahead"]


def _in_turn(monkeypatch):
    """read_vec with each block read when it is parsed (the read-ahead thread bypassed)."""
    monkeypatch.setattr(vec_text, "_read_ahead", lambda blocks: (item for item in blocks))


@pytest.mark.parametrize("suffix, compress", [(".vec", bytes), (".vec.gz", gzip.compress),
                                              (".vec.xz", lzma.compress)])
def test_rows_are_those_read_in_turn(tmp_path, monkeypatch, suffix, compress):
    path = tmp_path / f"v{suffix}"
    path.write_bytes(compress(b"300 6\n" + _body(300, 6)))
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 500)  # ~60 blocks
    ahead = read_vec(path)
    with monkeypatch.context() as m:
        _in_turn(m)
        in_turn = read_vec(path)
    assert ahead.words == in_turn.words
    assert ahead.vectors.view(np.uint32).tobytes() == in_turn.vectors.view(np.uint32).tobytes()
    assert _reading_threads() == []


def test_a_file_cut_inside_its_body_gives_the_same_error(tmp_path, monkeypatch):
    # The decompressor fails on the reading thread: the error must reach the caller unchanged.
    data = lzma.compress(b"300 6\n" + _body(300, 6))
    path = tmp_path / "cut.vec.xz"
    path.write_bytes(data[: len(data) * 2 // 3])
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 500)
    with pytest.raises(XprojError) as ahead:
        read_vec(path)
    with monkeypatch.context() as m:
        _in_turn(m)
        with pytest.raises(XprojError) as in_turn:
            read_vec(path)
    assert str(ahead.value) == str(in_turn.value) and "cut.vec.xz" in str(ahead.value)
    assert _reading_threads() == []


def test_a_malformed_line_stops_the_reading_thread(tmp_path, monkeypatch):
    # The parser raises while the thread has read ahead (and may wait to hand over a block).
    body = _body(300, 6).split(b"\n")
    body[40] = b"bad 1 2 x 4 5 6"
    path = tmp_path / "bad.vec"
    path.write_bytes(b"300 6\n" + b"\n".join(body))
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 200)
    with pytest.raises(InputFormatError, match="line 42"):
        read_vec(path)
    assert _reading_threads() == []


def test_limit_stops_reading_early(tmp_path, monkeypatch):
    path = tmp_path / "v.vec"
    path.write_bytes(b"300 6\n" + _body(300, 6))
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 200)
    wv = read_vec(path, limit=17)
    assert wv.words == [f"w{i}" for i in range(17)] and _reading_threads() == []


def test_no_thread_to_spare_reads_in_turn(tmp_path, monkeypatch):
    # "can't start new thread" (a process at its limit): read as before, not fail the read.
    path = tmp_path / "v.vec"
    path.write_bytes(b"300 6\n" + _body(300, 6))
    monkeypatch.setattr(vec_text, "_BLOCK_BYTES", 500)
    expected = read_vec(path)
    start = threading.Thread.start

    def refuse(thread):
        if thread.name == "xproj-read-ahead":
            raise RuntimeError("can't start new thread")
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", refuse)
    wv = read_vec(path)
    assert wv.words == expected.words
    assert wv.vectors.tobytes() == expected.vectors.tobytes()


def test_a_second_interrupt_during_the_cleanup_leaves_no_thread_waiting(monkeypatch):
    # Ctrl-C twice: the second lands while the generator's finally waits for the thread. The thread
    # must still end by itself (stop is set), not wait forever to hand over its last message.
    queues, base = [], vec_text.queue.Queue

    class Queue(base):
        def __init__(self, maxsize):
            super().__init__(maxsize)
            queues.append(self)

        def get(self, block=True, timeout=None):
            if timeout is not None:  # the cleanup's drain: interrupted
                raise KeyboardInterrupt
            return super().get(block, timeout)

    monkeypatch.setattr(vec_text.queue, "Queue", Queue)
    blocks = vec_text._read_ahead(iter(["a", "b"]))
    assert next(blocks) == "a"
    while not queues[0].full():  # "b" handed over; then the thread waits to say "end"
        threading.Event().wait(0.01)
    with pytest.raises(KeyboardInterrupt):
        blocks.close()
    try:
        for _ in range(100):
            if not _reading_threads():
                break
            threading.Event().wait(0.01)
        assert _reading_threads() == []
    finally:
        while _reading_threads():  # unblock it if it waits (the unfixed code): no thread leaks
            base.get(queues[0], timeout=0.05)
