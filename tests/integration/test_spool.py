import hashlib
import json
import os

import pytest

from storage.local import LocalStore
from storage.s3 import S3Store
from storage.spool import Spool
from storage.store import ObjectInfo, StoreUnavailable
from tests.servers.s3 import SeaweedS3


def _file(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_stage_moves_the_file_and_records_key_and_checksum(tmp_path):
    spool = Spool(tmp_path / "spool")
    source = _file(tmp_path, "a.warc.gz", b"warc data")
    entry = spool.stage("warc/a/2026/11/22/a.warc.gz", source)
    assert not source.exists()
    assert entry.sha256 == hashlib.sha256(b"warc data").hexdigest()
    sidecar = json.loads(entry.path.with_suffix(".json").read_text())
    assert sidecar["key"] == "warc/a/2026/11/22/a.warc.gz" and sidecar["size"] == 9
    copied = _file(tmp_path, "b.json", b"{}")
    spool.stage("manifests/b.json", copied, move=False)
    assert copied.exists()
    assert [e.key for e in spool.pending()] == ["warc/a/2026/11/22/a.warc.gz", "manifests/b.json"]


def test_partial_entries_are_never_uploaded(tmp_path):
    spool = Spool(tmp_path / "spool")
    spool.stage("k/complete", _file(tmp_path, "c", b"complete"))
    # A crash while staging: data without a sidecar, a temp file, a truncated data file.
    (spool.dir / ("0" * 32 + ".data")).write_bytes(b"no sidecar")
    (spool.dir / ".1234.data.tmp-99").write_bytes(b"half")
    truncated = spool.stage("k/truncated", _file(tmp_path, "t", b"full length"))
    truncated.path.write_bytes(b"full")
    store = LocalStore(tmp_path / "store")
    result = spool.flush(store)
    assert [i.key for i in result.uploaded] == ["k/complete"]
    assert list(store.list("")) == ["k/complete"]


def test_flush_uploads_and_empties_the_spool(tmp_path):
    spool = Spool(tmp_path / "spool")
    store = LocalStore(tmp_path / "store")
    for n in range(3):
        spool.stage(f"articles/a/{n}.jsonl.gz", _file(tmp_path, f"{n}", f"record {n}".encode()))
    seen = []
    result = spool.flush(store, progress=lambda done, total, info: seen.append((done, total, info.key)))
    assert result.ok and result.remaining == 0
    assert [i.key for i in result.uploaded] == [f"articles/a/{n}.jsonl.gz" for n in range(3)]
    assert seen[-1] == (3, 3, "articles/a/2.jsonl.gz")
    assert spool.pending() == []
    assert store.get_bytes("articles/a/1.jsonl.gz") == b"record 1"
    assert spool.flush(store).uploaded == []


def test_corrupt_spooled_file_is_kept_and_reported(tmp_path):
    spool = Spool(tmp_path / "spool")
    entry = spool.stage("k/file", _file(tmp_path, "f", b"original"))
    entry.path.write_bytes(b"flipped!")  # same size, other bytes
    result = spool.flush(LocalStore(tmp_path / "store"))
    assert result.failed == [("k/file", "spooled file for k/file is corrupt (checksum differs from when staged)")]
    assert [e.key for e in spool.pending()] == ["k/file"]


def test_conflict_is_reported_and_the_rest_uploaded(tmp_path):
    spool = Spool(tmp_path / "spool")
    store = LocalStore(tmp_path / "store")
    store.put_bytes("k/a", b"already different")
    spool.stage("k/a", _file(tmp_path, "a", b"new"))
    spool.stage("k/b", _file(tmp_path, "b", b"bee"))
    result = spool.flush(store)
    assert [key for key, _ in result.failed] == ["k/a"]
    assert "conflicting object k/a" in result.failed[0][1]
    assert [i.key for i in result.uploaded] == ["k/b"]
    assert [e.key for e in spool.pending()] == ["k/a"]


@pytest.mark.integration
def test_outage_keeps_the_spool_and_a_later_flush_finishes(tmp_path, monkeypatch):
    files = {f"warc/a/2026/11/22/f{n}.warc.gz": os.urandom(20_000 + n) for n in range(5)}
    with SeaweedS3(tmp_path / "seaweed") as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        store = S3Store(server.bucket, "outage")
        spool = Spool(tmp_path / "spool")
        for n, (key, content) in enumerate(files.items()):
            spool.stage(key, _file(tmp_path, f"f{n}", content))

        def stop_after_two(done, _total, _info: ObjectInfo):
            if done == 2:
                server.stop()

        result = spool.flush(store, progress=stop_after_two)
        assert len(result.uploaded) == 2
        assert len(result.failed) == 1
        key, reason = result.failed[0]
        assert key == list(files)[2]
        assert reason.startswith(f"s3://{server.bucket}/outage: cannot upload {key}: store unreachable")
        assert result.remaining == 3
        assert sorted(e.key for e in spool.pending()) == list(files)[2:]
        with pytest.raises(StoreUnavailable):
            store.head(key)

        server.restart()  # same data directory and ports
        again = spool.flush(store)
        assert again.ok and again.remaining == 0
        assert [i.key for i in again.uploaded] == list(files)[2:]
        assert list(store.list("warc/")) == list(files)
        for key, content in files.items():
            assert store.get_bytes(key) == content
            assert store.head(key).sha256 == hashlib.sha256(content).hexdigest()
