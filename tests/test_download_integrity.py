"""A download is never two versions of a file spliced together, never a truncated or malformed
file in the cache, and can be checked against sizes and SHA-256s recorded by xproj (sidecars
beside the files it makes) or by the user (a lock file). Same local server as test_download.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from test_download import (  # noqa: F401  (fixtures: server, mirror, _env)
    ALIGNED_ES,
    CC_XX,
    DICT_EN_ES,
    _env,
    dictionary_bytes,
    expected_top,
    make_vec,
    mirror,
    server,
)
from xproj import cli
from xproj.download import ChecksumError, fetch
from xproj.errors import InputFormatError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cached_files(tmp_path):
    root = tmp_path / "data"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --- resumption is validated ---------------------------------------------------------------


def test_file_changed_between_requests_is_restarted_not_spliced(mirror):
    old = dictionary_bytes()
    new = old.replace(b"palabra", b"vocablo")  # same length: a blind resume would splice
    mirror.mode = "drop_once"
    mirror.files[DICT_EN_ES] = old
    mirror.swap[DICT_EN_ES] = new  # changes while the first transfer is under way
    path = fetch("dict:en-es", progress=False)
    assert path.read_bytes() == new
    assert not list(path.parent.glob("*.part*"))


def test_top_n_over_ranges_restarts_when_the_file_changes(mirror):
    old, new = make_vec(n=4000, seed=0), make_vec(n=4000, seed=1)
    mirror.files[ALIGNED_ES] = old
    mirror.swap[ALIGNED_ES] = new  # after the first range
    path = fetch("aligned:es@3000", progress=False)
    assert path.read_bytes() == expected_top(new, 3000)


def test_server_without_validators_restarts_from_zero(mirror):
    mirror.validators = False
    mirror.mode = "drop_once"
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    path, stats = fetch("dict:en-es", progress=False, return_stats=True)
    assert path.read_bytes() == data
    assert [rng for _, rng in mirror.requests] == [None, None]  # nothing to check a resume against
    assert not stats.resumed


def test_stale_part_of_nul_bytes_is_not_resumed(mirror, tmp_path):
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    part = tmp_path / "data" / "dictionaries" / "en-es.txt.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"\0" * 4096)  # e.g. preallocated by a crashed run: no validator recorded
    path = fetch("dict:en-es", progress=False)
    assert path.read_bytes() == data
    assert mirror.requests == [(DICT_EN_ES, None)]


def test_interrupted_part_records_its_validator_and_resumes(mirror, tmp_path):
    mirror.files[DICT_EN_ES] = data = dictionary_bytes()
    mirror.mode = "drop_once"
    path = fetch("dict:en-es", progress=False)
    assert path.read_bytes() == data
    assert mirror.requests[1][1] == f"bytes={len(data) // 2}-"  # resumed: the validator matched


# --- the final file's shape is checked before it enters the cache ---------------------------


def truncated_vec(lines: int, announced: int, dim: int = 50) -> bytes:
    body = make_vec(n=lines, dim=dim).split(b"\n", 1)[1]
    return f"{announced} {dim}\n".encode() + body


@pytest.mark.parametrize("mode", ["range", "norange"])
def test_truncated_top_n_is_an_error_and_nothing_is_cached(mirror, tmp_path, mode):
    mirror.mode = mode
    mirror.files[ALIGNED_ES] = truncated_vec(lines=500, announced=20000)
    with pytest.raises(InputFormatError, match=r"wiki\.es\.align\.vec.*500 .*20000"):
        fetch("aligned:es@1000", progress=False)
    assert cached_files(tmp_path) == []


def test_top_n_line_with_wrong_dimension_is_an_error(mirror, tmp_path):
    lines = make_vec(n=2000, dim=50).split(b"\n")
    lines[301] = lines[301].rsplit(b" ", 1)[0]  # word 301: 49 values
    mirror.files[ALIGNED_ES] = b"\n".join(lines)
    with pytest.raises(InputFormatError, match=r"line 302: 49 values, the header says 50"):
        fetch("aligned:es@1000", progress=False)
    assert cached_files(tmp_path) == []


def test_truncated_top_n_cli_says_so_in_one_line(mirror, capsys):
    mirror.files[ALIGNED_ES] = truncated_vec(lines=50, announced=900)
    assert cli.main(["download", "get", "aligned:es@100", "-q"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "truncated" in err


@pytest.mark.parametrize(
    "path, spec, body, problem",
    [
        (DICT_EN_ES, "dict:en-es", b"a b\nc d e\n", r"line 2: 3 columns, expected 2"),
        (DICT_EN_ES, "dict:en-es", b"a b\n\0\0c d\n", r"NUL"),
        (CC_XX, "cc:eu", b"\x1f\x8b\x08\x00not really gzip", r"not a complete gzip"),
        (ALIGNED_ES, "aligned:es", b"3 2\na 1 2\nb 1 2\n", r"2 .*3"),
    ],
)
def test_malformed_whole_download_is_deleted(mirror, tmp_path, path, spec, body, problem):
    mirror.files[path] = body
    with pytest.raises(InputFormatError, match=problem):
        fetch(spec, progress=False)
    assert cached_files(tmp_path) == []


# --- sizes and checksums recorded by xproj ---------------------------------------------------


def test_top_n_records_size_and_sha256_and_later_loads_check_them(mirror, tmp_path):
    mirror.files[ALIGNED_ES] = make_vec(n=2000)
    path = fetch("aligned:es@100", progress=False)
    record = json.loads(path.with_name(path.name + ".sha256.json").read_text())
    assert record["size"] == path.stat().st_size and record["sha256"] == sha256(path.read_bytes())
    data = bytearray(path.read_bytes())
    data[-3] = ord("7") if data[-3] != ord("7") else ord("8")  # same size, other content
    path.write_bytes(bytes(data))
    os.utime(path, ns=(1, 1))
    problem = rf"{path.name}: sha256 {sha256(bytes(data))}, expected {record['sha256']}"
    with pytest.raises(ChecksumError, match=problem):
        fetch("aligned:es@100", offline=True)


# --- the lock file -----------------------------------------------------------------------------


def test_lock_file_round_trip_and_mismatch(mirror, tmp_path, monkeypatch, capsys):
    mirror.files[ALIGNED_ES] = make_vec(n=2000)
    mirror.files[DICT_EN_ES] = dictionary_bytes(100)
    fetch("aligned:es@100", progress=False)
    dict_path = fetch("dict:en-es", progress=False)
    lock = tmp_path / "my.lock.json"
    assert cli.main(["download", "lock", "--file", str(lock)]) == 0
    entries = json.loads(lock.read_text())["resources"]
    assert set(entries) == {"aligned:es@100", "dict:en-es"}
    assert entries["dict:en-es"]["sha256"] == sha256(dictionary_bytes(100))
    assert entries["dict:en-es"]["url"].endswith("/arrival/dictionaries/en-es.txt")

    monkeypatch.setenv("XPROJ_LOCK", str(lock))
    assert fetch("dict:en-es", offline=True) == dict_path  # matches
    # the cached copy changes: one line naming the file, expected and actual
    changed = dictionary_bytes(100).replace(b"palabra7\n", b"vocablo7\n")
    dict_path.write_bytes(changed)
    capsys.readouterr()
    assert cli.main(["download", "get", "dict:en-es", "--offline"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "en-es.txt" in err and entries["dict:en-es"]["sha256"] in err
    assert sha256(changed) in err
    # a fresh download that differs from the lock (the server's file changed) is deleted
    dict_path.unlink()
    mirror.files[DICT_EN_ES] = changed
    with pytest.raises(ChecksumError, match="expected"):
        fetch("dict:en-es", progress=False)
    assert not dict_path.exists()


def test_lock_file_found_in_the_working_directory(mirror, tmp_path, monkeypatch):
    mirror.files[DICT_EN_ES] = dictionary_bytes(100)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "xproj.lock.json").write_text(json.dumps(
        {"resources": {"dict:en-es": {"size": 5, "sha256": "0" * 64}}}))
    with pytest.raises(ChecksumError, match=r"en-es\.txt: size \d+, expected 5"):
        fetch("dict:en-es", progress=False)


def test_download_list_marks_unverified_entries(tmp_path, monkeypatch, capsys):
    lock = tmp_path / "xproj.lock.json"
    lock.write_text(json.dumps({"resources": {"dict:en-es": {"size": 5, "sha256": "0" * 64}}}))
    monkeypatch.setenv("XPROJ_LOCK", str(lock))
    assert cli.main(["download", "list"]) == 0
    out = capsys.readouterr().out
    blocks = {b.split()[0]: b for b in out.strip().split("\n\n") if b.strip()}
    assert "unverified" in blocks["aligned"]
    assert "unverified" not in blocks["dict"].split("lock")[0] and "dict:en-es" in blocks["dict"]
    assert str(lock) in out
