import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from storage.local import LocalStore
from storage.factory import open_store
from storage.store import ConflictingObject, StoreError


def test_open_store_picks_the_backend(tmp_path):
    assert isinstance(open_store(str(tmp_path / "archive")), LocalStore)
    assert open_store(f"file://{tmp_path}/archive").root == tmp_path / "archive"
    with pytest.raises(StoreError) as err:
        open_store("ftp://x")
    assert str(err.value) == "unsupported store URI 'ftp://x': use a directory or s3://bucket/prefix"


def test_put_get_head_and_idempotent_put(tmp_path):
    store = LocalStore(tmp_path / "archive")
    source = tmp_path / "in.bin"
    source.write_bytes(b"warc bytes" * 1000)
    info = store.put_file("warc/a/2026/11/22/x.warc.gz", source)
    assert info.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert info.size == 10000
    assert (tmp_path / "archive/warc/a/2026/11/22/x.warc.gz").read_bytes() == source.read_bytes()
    assert store.put_file("warc/a/2026/11/22/x.warc.gz", source) == info
    assert store.head("warc/a/2026/11/22/x.warc.gz") == info
    assert store.head("warc/a/missing") is None
    assert store.get_bytes("warc/a/2026/11/22/x.warc.gz") == source.read_bytes()


def test_conflicting_put_keeps_the_original(tmp_path):
    store = LocalStore(tmp_path)
    store.put_bytes("m/run.json", b"first")
    with pytest.raises(ConflictingObject) as err:
        store.put_bytes("m/run.json", b"second")
    assert "conflicting object m/run.json" in str(err.value)
    assert "\n" not in str(err.value)
    assert store.get_bytes("m/run.json") == b"first"
    store.put_bytes("m/run.json", b"second", overwrite=True)
    assert store.get_bytes("m/run.json") == b"second"


def test_failed_write_leaves_no_partial_object(tmp_path):
    store = LocalStore(tmp_path)

    def failing_read(_size, calls=[]):
        calls.append(1)
        if len(calls) > 2:
            raise OSError(5, "Input/output error")
        return b"x" * 1024

    with pytest.raises(StoreError) as err:
        store._put("a/b.bin", failing_read, overwrite=False)
    assert "cannot write a/b.bin" in str(err.value)
    assert not (tmp_path / "a/b.bin").exists()
    assert os.listdir(tmp_path / "a") == []  # the temp file is gone too


def test_range_reads(tmp_path):
    store = LocalStore(tmp_path)
    store.put_bytes("k/data", bytes(range(256)))
    assert store.get_range("k/data", 10, 5) == bytes([10, 11, 12, 13, 14])
    assert store.get_range("k/data", 250, 6) == bytes(range(250, 256))
    with pytest.raises(StoreError, match="beyond the end"):
        store.get_range("k/data", 250, 10)
    with pytest.raises(StoreError, match="no object k/missing"):
        store.get_range("k/missing", 0, 1)


def test_list_is_sorted_and_hides_working_files(tmp_path):
    store = LocalStore(tmp_path)
    for key in ("cdxj/b/1.cdxj", "cdxj/a/2.cdxj", "warc/a/1.warc.gz", "cdxj/a/1.cdxj"):
        store.put_bytes(key, key.encode())
    (tmp_path / ".newsarchive").mkdir()
    (tmp_path / ".newsarchive" / "state.sqlite").write_bytes(b"")
    (tmp_path / "cdxj" / "a" / ".3.cdxj.tmp-abc").write_bytes(b"partial")
    assert list(store.list("cdxj/")) == ["cdxj/a/1.cdxj", "cdxj/a/2.cdxj", "cdxj/b/1.cdxj"]
    assert list(store.list("cdxj/a/")) == ["cdxj/a/1.cdxj", "cdxj/a/2.cdxj"]
    assert list(store.list("cdxj/b")) == ["cdxj/b/1.cdxj"]
    assert len(list(store.list(""))) == 4
    assert list(store.list("nothing/")) == []


@pytest.mark.parametrize("key", ["../escape", "/abs", "a//b", "a/./b", ".hidden/x", "a/.tmp", ""])
def test_invalid_keys_are_refused(tmp_path, key):
    with pytest.raises(StoreError, match="invalid store key"):
        LocalStore(tmp_path).put_bytes(key, b"x")


def test_directory_under_a_file_fails_at_open(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError) as err:
        LocalStore(tmp_path / "file" / "archive")
    assert str(err.value).count("\n") == 0
    assert "not a directory" in str(err.value)


def _run_as_unprivileged(code: str) -> subprocess.CompletedProcess:
    """Root ignores directory permissions, so the check runs as ``nobody`` then."""
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def shared_tmp():
    """A temp dir other users can enter (pytest's own base directory is private)."""
    path = tempfile.mkdtemp(prefix="newsarchive-test-")
    os.chmod(path, 0o755)
    yield Path(path)
    shutil.rmtree(path)


def test_unwritable_directory_fails_at_open_with_one_line(shared_tmp):
    locked = shared_tmp / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    code = (
        "from storage.factory import open_store\nfrom storage.store import StoreError\n"
        "try:\n"
        f"    open_store({str(locked / 'archive')!r})\n"
        "except StoreError as exc:\n"
        "    print(exc)\n"
    )
    result = _run_as_unprivileged(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert "is not writable" in result.stdout
    assert os.listdir(locked) == []


def test_a_dead_writers_temp_file_goes_with_the_next_write_of_its_key(tmp_path):
    store = LocalStore(tmp_path)
    (tmp_path / "a").mkdir()
    dead, live = tmp_path / "a" / ".b.bin.tmp-000000dead00", tmp_path / "a" / ".b.bin.tmp-000000live00"
    for path in (dead, live):
        path.write_bytes(b"half an upload")
        os.utime(path, (time.time() - 60, time.time() - 60))
    with open(live, "rb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX)  # a writer still at work holds its lock
        store.put_bytes("a/b.bin", b"the whole object")
        assert not dead.exists() and live.exists()
    assert store.get_bytes("a/b.bin") == b"the whole object"
    assert list(store.list("a/")) == ["a/b.bin"]
