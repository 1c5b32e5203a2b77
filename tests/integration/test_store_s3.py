"""The S3 backend against a real S3 server (SeaweedFS on loopback)."""
import base64
import io
import hashlib
import os

import pytest

from storage.s3 import S3Store
from storage.factory import open_store
from storage.store import ConflictingObject, StoreError

pytestmark = pytest.mark.integration


def test_open_store_gives_s3_without_credentials_in_uri(s3_prefix, s3_env):
    store = open_store(s3_prefix)
    assert isinstance(store, S3Store)
    assert store.uri == s3_prefix
    assert s3_env.secret_key not in repr(vars(store)) and s3_env.access_key not in store.uri


def test_put_get_head_range(s3_store):
    data = bytes(range(256)) * 100
    info = s3_store.put_bytes("warc/a/2026/11/22/x.warc.gz", data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert s3_store.get_bytes("warc/a/2026/11/22/x.warc.gz") == data
    assert s3_store.head("warc/a/2026/11/22/x.warc.gz") == info
    assert s3_store.head("warc/a/2026/11/22/missing.warc.gz") is None

    statuses = []
    s3_store.client.meta.events.register(
        "after-call.s3.GetObject", lambda http_response, **_: statuses.append(http_response.status_code))
    assert s3_store.get_range("warc/a/2026/11/22/x.warc.gz", 1000, 300) == data[1000:1300]
    assert statuses == [206]
    with pytest.raises(StoreError, match="no object warc/a/nothing"):
        s3_store.get_range("warc/a/nothing", 0, 10)


def test_upload_carries_and_verifies_sha256(s3_store, tmp_path):
    path = tmp_path / "file.bin"
    path.write_bytes(os.urandom(50_000))
    sent = []
    s3_store.client.meta.events.register(
        "before-send.s3.PutObject", lambda request, **_: sent.append(dict(request.headers)))
    info = s3_store.put_file("articles/a/x.jsonl.gz", path)
    expected = hashlib.sha256(path.read_bytes()).digest()
    assert sent[0]["x-amz-checksum-sha256"] == base64.b64encode(expected)
    raw = s3_store.client.head_object(Bucket=s3_store.bucket, Key=f"{s3_store.prefix}/articles/a/x.jsonl.gz",
                                      ChecksumMode="ENABLED")
    assert raw["Metadata"]["sha256"] == info.sha256 == expected.hex()
    assert raw["ChecksumSHA256"] == base64.b64encode(expected).decode()


def test_server_rejects_a_body_that_does_not_match_the_checksum(s3_store):
    # The server, not only the client, checks the digest we send.
    def corrupt(params, **_):
        original = params["body"].read()
        params["body"] = io.BytesIO(b"tampered" + original[8:])

    s3_store.client.meta.events.register("before-call.s3.PutObject", corrupt)
    with pytest.raises(StoreError) as err:
        s3_store.put_bytes("k/corrupt", b"original content")
    assert "BadDigest" in str(err.value) or "InvalidDigest" in str(err.value) or "XAmzContentChecksumMismatch" in str(err.value)
    assert s3_store.head("k/corrupt") is None


def test_multipart_upload_is_verified(s3_env, s3_prefix, tmp_path):
    store = S3Store.from_uri(s3_prefix)
    store = S3Store(store.bucket, store.prefix, multipart_threshold=5 * 1024 * 1024,
                    multipart_chunksize=5 * 1024 * 1024)
    path = tmp_path / "big.warc.gz"
    path.write_bytes(os.urandom(11 * 1024 * 1024))
    calls = []
    store.client.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))
    info = store.put_file("warc/a/big.warc.gz", path)
    assert calls.count("UploadPart") == 3 and "CompleteMultipartUpload" in calls
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert store.head("warc/a/big.warc.gz") == info
    assert store.get_range("warc/a/big.warc.gz", 6 * 1024 * 1024, 100) == path.read_bytes()[6 * 1024 * 1024:][:100]
    # Idempotent re-put: found by checksum, nothing uploaded again.
    calls.clear()
    assert store.put_file("warc/a/big.warc.gz", path) == info
    assert "UploadPart" not in calls
    other = tmp_path / "other.warc.gz"
    other.write_bytes(os.urandom(6 * 1024 * 1024))
    with pytest.raises(ConflictingObject, match="conflicting object warc/a/big.warc.gz"):
        store.put_file("warc/a/big.warc.gz", other)


def test_conditional_write_and_conflict(s3_store):
    sent = []
    s3_store.client.meta.events.register(
        "before-send.s3.PutObject", lambda request, **_: sent.append(request.headers.get("If-None-Match")))
    first = s3_store.put_bytes("manifests/run.json", b"{}")
    assert s3_store.put_bytes("manifests/run.json", b"{}") == first
    assert sent == [b"*", b"*"]
    with pytest.raises(ConflictingObject) as err:
        s3_store.put_bytes("manifests/run.json", b"{\"other\": 1}")
    assert str(err.value).startswith(f"{s3_store.uri}: conflicting object manifests/run.json")
    assert s3_store.get_bytes("manifests/run.json") == b"{}"
    s3_store.put_bytes("manifests/run.json", b"[]", overwrite=True)
    assert s3_store.get_bytes("manifests/run.json") == b"[]"


def test_listing_is_scoped_to_the_prefix(s3_store, s3_env):
    keys = ["cdxj/a/1.cdxj", "cdxj/a/2.cdxj", "cdxj/b/1.cdxj", "warc/a/1.warc.gz"]
    for key in keys:
        s3_store.put_bytes(key, key.encode())
    assert list(s3_store.list("cdxj/")) == keys[:3]
    assert list(s3_store.list("cdxj/a")) == keys[:2]
    assert list(s3_store.list("")) == keys
    s3_store.delete("cdxj/a/2.cdxj")
    assert list(s3_store.list("cdxj/a/")) == ["cdxj/a/1.cdxj"]


def test_missing_credentials_is_one_line(s3_env, s3_prefix, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(StoreError) as err:
        open_store(s3_prefix)
    assert str(err.value) == (f"{s3_prefix}: no S3 credentials found "
                              "(set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)")


def test_wrong_secret_is_one_line_without_the_secret(s3_env, s3_prefix, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(StoreError) as err:
        open_store(s3_prefix).put_bytes("k/x", b"x")
    message = str(err.value)
    assert "\n" not in message and "SignatureDoesNotMatch" in message
    assert "not-the-secret" not in message and s3_env.access_key not in message


def test_bad_addressing_setting(s3_env, s3_prefix, monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_S3_ADDRESSING", "sideways")
    with pytest.raises(StoreError, match="NEWSARCHIVE_S3_ADDRESSING must be"):
        open_store(s3_prefix)
