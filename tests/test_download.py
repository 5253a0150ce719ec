"""Tests of xproj.download against a local HTTP server (127.0.0.1 only, never the internet).

The server serves in-memory files under the real registry paths; ``XPROJ_MIRROR`` points the
registry at it. Modes: honour ``Range`` (like the real CDN), ignore it (answer 200), or drop
the connection halfway through the first answer for each file. Like the CDN it sends ``ETag``
and ``Last-Modified`` (unless ``validators`` is off) and answers a ``Range`` whose ``If-Range``
no longer matches with the whole new file (200); ``swap`` replaces a file after its first answer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import gzip
import hashlib
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from xproj import cli, download
from xproj.download import ChecksumError, fetch, resolve
from xproj.errors import ResourceNotFoundError
from xproj.resources import lookup

ALIGNED_ES = "/fasttext/vectors-aligned/wiki.es.align.vec"
CC_XX = "/fasttext/vectors-crawl/cc.eu.300.vec.gz"
DICT_EN_ES = "/arrival/dictionaries/en-es.txt"


# --- the local server ------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one answer per connection, closed afterwards

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        self.server.busy += 1
        try:
            self._get()
        finally:
            self.server.busy -= 1

    def _get(self):
        srv = self.server
        rng = self.headers.get("Range")
        srv.requests.append((self.path, rng))
        body = srv.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        status, first, payload = 200, 0, body
        etag, modified = validators(body)
        if_range = self.headers.get("If-Range")
        if if_range is not None and if_range not in (etag, modified):
            rng = None  # the file changed since the client's first request: send all of it
        m = re.match(r"bytes=(\d+)-(\d*)$", rng or "")
        if m and srv.mode != "norange":
            first = int(m.group(1))
            last = int(m.group(2)) if m.group(2) else len(body) - 1
            if first >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            last = min(last, len(body) - 1)
            status, payload = 206, body[first : last + 1]
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        if srv.validators:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
        if status == 206:
            self.send_header("Content-Range", f"bytes {first}-{first + len(payload) - 1}/{len(body)}")
        self.end_headers()
        if self.path in srv.swap:  # the next request sees the new version
            srv.files[self.path] = srv.swap.pop(self.path)
        drop = srv.mode == "drop_once" and self.path not in srv.dropped
        if drop:
            srv.dropped.add(self.path)
            payload = payload[: len(payload) // 2]
        self._send(payload)
        if drop:  # cut the connection without sending the rest
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, payload):
        step = 1 << 16
        try:
            for i in range(0, len(payload), step):
                self.wfile.write(payload[i : i + step])
                self.server.sent += len(payload[i : i + step])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: expected when it has enough lines


def validators(body: bytes) -> tuple[str, str]:
    """The ``ETag`` and ``Last-Modified`` of a version of a file (both change with it)."""
    digest = hashlib.sha1(body).hexdigest()
    return f'"{digest[:16]}"', email.utils.formatdate(1e9 + int(digest[:6], 16), usegmt=True)


def settled(srv, timeout=5.0):
    """The server once every handler has returned: the client can finish reading before the
    handler thread counts its last block in ``sent``."""
    import time

    end = time.monotonic() + timeout
    while srv.busy and time.monotonic() < end:
        time.sleep(0.005)
    return srv


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.files, srv.requests, srv.sent, srv.mode, srv.dropped, srv.busy = {}, [], 0, "range", set(), 0
    srv.validators, srv.swap = True, {}
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("XPROJ_DATA", str(tmp_path / "data"))
    for var in ("XPROJ_OFFLINE", "XPROJ_MIRROR", "CI", "XPROJ_MARC", "XPROJ_LOCK"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def mirror(server, monkeypatch):
    monkeypatch.setenv("XPROJ_MIRROR", server.url)
    return server


def make_vec(n=20000, dim=50, seed=0) -> bytes:
    """A .vec file: header, then ``n`` words with 4-decimal values."""
    rng = np.random.default_rng(seed)
    values = rng.normal(scale=0.3, size=(n, dim))
    lines = [f"{n} {dim}"]
    for i in range(n):
        lines.append(f"w{i} " + " ".join(f"{v:.4f}" for v in values[i]))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module")
def vec_bytes():
    return make_vec()


def expected_top(data: bytes, n: int) -> bytes:
    lines = data.split(b"\n")
    dim = lines[0].split()[1].decode()
    return f"{n} {dim}\n".encode() + b"\n".join(lines[1 : n + 1]) + b"\n"


# --- top N words ---------------------------------------------------------------------------


def test_top_n_by_range_requests_fetches_a_small_part(mirror, vec_bytes, tmp_path):
    mirror.files[ALIGNED_ES] = vec_bytes
    path, stats = fetch("aligned:es@1000", progress=False, return_stats=True)
    assert path == tmp_path / "data" / "vectors" / "wiki.es.align.top1000.vec"
    assert path.read_bytes() == expected_top(vec_bytes, 1000)
    assert all(rng and rng.startswith("bytes=") for _, rng in mirror.requests)
    assert stats.ranged and stats.requests == len(mirror.requests)
    # 1000 of 20000 lines: the transfer is a small fraction of the file
    assert settled(mirror).sent < 0.12 * len(vec_bytes), (mirror.sent, len(vec_bytes))
    assert stats.bytes == mirror.sent


def test_top_n_reads_with_vectors_module(mirror, vec_bytes):
    vectors = pytest.importorskip("xproj.vectors")
    mirror.files[ALIGNED_ES] = vec_bytes
    wv = vectors.load_vectors(fetch("aligned:es", top=300, progress=False), cache=False)
    assert len(wv.words) == 300 and wv.dim == 50 and wv.words[0] == "w0"


def test_top_n_when_server_ignores_range(mirror, vec_bytes):
    mirror.mode = "norange"
    mirror.files[ALIGNED_ES] = vec_bytes
    path, stats = fetch("aligned:es@700", progress=False, return_stats=True)
    assert path.read_bytes() == expected_top(vec_bytes, 700)
    assert not stats.ranged
    assert len(mirror.requests) == 1
    # the client stopped reading after 700 lines instead of taking the whole file
    assert stats.bytes < 0.2 * len(vec_bytes)


@pytest.mark.parametrize("mode", ["range", "norange"])
def test_top_n_from_gz_source(mirror, vec_bytes, mode):
    mirror.mode = mode
    mirror.files[CC_XX] = gzip.compress(vec_bytes, compresslevel=6)
    path, stats = fetch("cc:eu@1500", progress=False, return_stats=True)
    assert path.name == "cc.eu.300.top1500.vec"
    assert path.read_bytes() == expected_top(vec_bytes, 1500)
    assert stats.bytes < 0.3 * len(mirror.files[CC_XX])


def test_top_n_larger_than_file_rewrites_header(mirror):
    data = make_vec(n=40, dim=5)
    mirror.files[ALIGNED_ES] = data
    path = fetch("aligned:es@100", progress=False)
    lines = path.read_bytes().splitlines()
    assert lines[0] == b"40 5" and len(lines) == 41


def test_top_n_tolerates_a_dropped_range(mirror, vec_bytes):
    mirror.mode = "drop_once"
    mirror.files[ALIGNED_ES] = vec_bytes
    path = fetch("aligned:es@2000", progress=False)
    assert path.read_bytes() == expected_top(vec_bytes, 2000)
    assert len(mirror.requests) >= 2


def test_smaller_top_is_cut_from_a_cached_larger_one_offline(mirror, vec_bytes):
    mirror.files[ALIGNED_ES] = vec_bytes
    fetch("aligned:es@2000", progress=False)
    n_requests = len(mirror.requests)
    path = fetch("aligned:es@500", offline=True, progress=False)
    assert path.read_bytes() == expected_top(vec_bytes, 500)
    assert len(mirror.requests) == n_requests  # no network


# --- whole files -----------------------------------------------------------------------------


def dictionary_bytes(n=20000) -> bytes:
    return "".join(f"word{i} palabra{i}\n" for i in range(n)).encode()


def test_whole_file_download(mirror):
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    path = fetch("dict:en-es", progress=False)
    assert path.name == "en-es.txt" and path.read_bytes() == data
    assert not list(path.parent.glob("*.part"))
    # cached: no second request
    assert fetch("dict:en-es", progress=False, return_stats=True) == (path, download.TransferStats())
    assert len(mirror.requests) == 1


def test_last_stats_global_is_gone_with_a_pointer():
    with pytest.raises(AttributeError, match="return_stats=True"):
        download.last_stats  # noqa: B018


def test_interrupted_download_resumes_with_range(mirror):
    mirror.mode = "drop_once"
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    path, stats = fetch("dict:en-es", progress=False, return_stats=True)
    assert path.read_bytes() == data
    (first, r1), (second, r2) = mirror.requests
    assert r1 is None
    assert r2 == f"bytes={len(data) // 2}-"  # continued where the first answer stopped
    assert stats.resumed and stats.requests == 2


def test_leftover_part_file_is_resumed(mirror, tmp_path):
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    part = tmp_path / "data" / "dictionaries" / "en-es.txt.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(data[:1234])
    # the version the .part holds, recorded when its transfer started (without it: restarted)
    url = mirror.url + DICT_EN_ES
    part.with_name(part.name + ".json").write_text(json.dumps({"url": url, "validator": validators(data)[0]}))
    path = fetch("dict:en-es", progress=False)
    assert path.read_bytes() == data
    assert mirror.requests == [(DICT_EN_ES, "bytes=1234-")]
    assert settled(mirror).sent == len(data) - 1234
    assert not part.exists() and not part.with_name(part.name + ".json").exists()


def test_part_restarted_when_server_ignores_range(mirror, tmp_path):
    mirror.mode = "norange"
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    part = tmp_path / "data" / "dictionaries" / "en-es.txt.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"garbage")
    assert fetch("dict:en-es", progress=False).read_bytes() == data


def test_checksum_mismatch_leaves_nothing_in_cache(mirror, tmp_path):
    mirror.files[DICT_EN_ES] = dictionary_bytes()
    bad = dataclasses.replace(lookup("dict:en-es"), sha256="0" * 64)
    with pytest.raises(ChecksumError, match=r"en-es\.txt.*sha256"):
        fetch(bad, progress=False)
    folder = tmp_path / "data" / "dictionaries"
    assert list(folder.iterdir()) == []


def test_checksum_match_is_accepted(mirror):
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    good = dataclasses.replace(
        lookup("dict:en-es"), sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )
    assert fetch(good, progress=False).read_bytes() == data


def test_dataset_of_several_files_through_mirror_host_path(mirror):
    resource = lookup("opener:es")
    for rel, url in resource.files:
        path = "/" + url.split("://", 1)[1]  # /raw.githubusercontent.com/jerbarnes/...
        mirror.files[path] = f"{rel} sentence\n".encode()
    folder = fetch("opener:es", progress=False)
    assert (folder / "train" / "pos.txt").read_text() == "train/pos.txt sentence\n"
    assert len(list(folder.rglob("*.txt"))) == 12


def test_404_names_the_url(mirror):
    with pytest.raises(ResourceNotFoundError, match=r"wiki\.es\.align\.vec.*404"):
        fetch("aligned:es@10", progress=False)


def test_progress_bar_does_not_break(mirror, vec_bytes, capsys):
    mirror.files[DICT_EN_ES] = dictionary_bytes()
    mirror.files[ALIGNED_ES] = vec_bytes
    fetch("dict:en-es", progress=True)
    fetch("aligned:es@100", progress=True)
    assert "en-es.txt" in capsys.readouterr().err


# --- offline and unreachable ---------------------------------------------------------------


def test_offline_message_lists_url_and_path(tmp_path, monkeypatch):
    monkeypatch.setenv("XPROJ_OFFLINE", "1")
    with pytest.raises(ResourceNotFoundError) as info:
        fetch("aligned:es@50000")
    msg = str(info.value)
    assert "aligned:es@50000" in msg and "offline" in msg
    assert "https://dl.fbaipublicfiles.com/fasttext/vectors-aligned/wiki.es.align.vec" in msg
    assert str(tmp_path / "data" / "vectors" / "wiki.es.align.top50000.vec") in msg
    assert str(tmp_path / "data" / "vectors" / "wiki.es.align.vec") in msg


def test_offline_argument_for_dataset_lists_every_file(tmp_path):
    with pytest.raises(ResourceNotFoundError) as info:
        fetch("opener:eu", offline=True)
    msg = str(info.value)
    assert msg.count("raw.githubusercontent.com/jerbarnes/blse") == 12
    assert str(tmp_path / "data" / "datasets" / "opener" / "eu" / "test" / "strneg.txt") in msg


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("spec", ["aligned:es@100", "dict:en-es"])
def test_unreachable_network_gives_the_same_clear_error(monkeypatch, tmp_path, spec):
    url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("XPROJ_MIRROR", url)
    with pytest.raises(ResourceNotFoundError) as info:
        fetch(spec, progress=False)
    msg = str(info.value)
    assert "unreachable" in msg and url in msg
    assert str(tmp_path / "data") in msg
    assert not list((tmp_path / "data").rglob("*.part"))


def test_marc_is_user_supplied(tmp_path, monkeypatch):
    with pytest.raises(ResourceNotFoundError, match=r"train/dataset_\{de,en,es,fr,ja,zh\}_train.json"):
        fetch("marc")
    folder = tmp_path / "marc"
    folder.mkdir()
    monkeypatch.setenv("XPROJ_MARC", str(folder))
    assert fetch("marc") == folder


# --- resolve ------------------------------------------------------------------------------


def test_resolve_returns_existing_path_as_is(tmp_path):
    f = tmp_path / "mine.vec"
    f.write_text("1 2\na 0 0\n")
    assert resolve(f) == f
    assert resolve(str(f)) == f


def test_resolve_spec_fetches_then_uses_cache(mirror, vec_bytes):
    mirror.files[ALIGNED_ES] = vec_bytes
    first = resolve("aligned:es@200", progress=False)
    n = len(mirror.requests)
    assert resolve("aligned:es@200", offline=True) == first
    assert len(mirror.requests) == n


def test_resolve_rejects_missing_path_that_is_no_spec(tmp_path):
    with pytest.raises(ResourceNotFoundError, match="no such file, and not a resource spec"):
        resolve(tmp_path / "nope.vec")


def test_mirror_url_rewrites_hosts(monkeypatch):
    monkeypatch.setenv("XPROJ_MIRROR", "http://127.0.0.1:9/m/")
    assert download.base_url() == "http://127.0.0.1:9/m"
    assert (
        download.mirror_url("https://dl.fbaipublicfiles.com/arrival/dictionaries/en-es.txt")
        == "http://127.0.0.1:9/m/arrival/dictionaries/en-es.txt"
    )
    assert download.mirror_url("https://zenodo.org/records/1/files/a.tgz?download=1") == (
        "http://127.0.0.1:9/m/zenodo.org/records/1/files/a.tgz?download=1"
    )


# --- command line ----------------------------------------------------------------------------


def test_cli_download_vectors_prints_path(mirror, vec_bytes, tmp_path, capsys):
    mirror.files[ALIGNED_ES] = vec_bytes
    data_dir = tmp_path / "elsewhere"
    code = cli.main(
        ["download", "vectors", "es", "--source", "aligned", "--top", "100", "--quiet",
         "--data-dir", str(data_dir)]
    )
    assert code == 0
    out = capsys.readouterr().out.strip()
    assert out == str(data_dir / "vectors" / "wiki.es.align.top100.vec")


def test_cli_download_dictionary_split_and_dataset(mirror, capsys):
    mirror.files["/arrival/dictionaries/en-es.0-5000.txt"] = b"a b\n"
    assert cli.main(["download", "dictionary", "en-es", "--split", "train", "--quiet"]) == 0
    assert capsys.readouterr().out.strip().endswith("en-es.0-5000.txt")
    for _, url in lookup("opener:ca").files:
        mirror.files["/" + url.split("://", 1)[1]] = b"x\n"
    assert cli.main(["download", "dataset", "opener", "ca", "-q"]) == 0
    assert capsys.readouterr().out.strip().endswith("opener/ca")


def test_cli_list(capsys):
    assert cli.main(["download", "list"]) == 0
    out = capsys.readouterr().out
    assert "aligned:es@50000" in out and "dict:en-es@train" in out and "CC BY-SA 3.0" in out


def test_cli_offline_error_exit_code(capsys):
    assert cli.main(["download", "get", "muse:fr@1000", "--offline"]) == 1
    err = capsys.readouterr().err
    assert "wiki.multi.fr.vec" in err and "Put the file by hand" in err
