"""``newsarchive demo`` into a real S3 server (SeaweedFS): same layout as a local store, verified checksums,
byte-identical retrieval, and an outage the next run recovers from."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import secrets
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from storage.workspace import workspace_for
from storage.local import LocalStore
from storage.s3 import S3Store
from storage.spool import Spool
from tests.integration.archive_fixtures import DEMO_ARTICLES, demo_archive, newsarchive
from tests.servers.s3 import SeaweedS3

pytestmark = pytest.mark.integration
MERGED = "cdxj/_merged/"

_SHAPES = [
    (re.compile(r"\d{4}/\d{2}/\d{2}"), "YYYY/MM/DD"),
    (re.compile(r"\d{8}T\d{6}Z-[0-9a-f]+"), "RUN"),
    (re.compile(r"newsarchive-([a-z]+)-\d{17}-\d{5}-[0-9a-f]+"), r"newsarchive-\1-TIMESTAMP-SERIAL-RANDOM"),
    (re.compile(r"base-[0-9a-f]{24}"), "base-SHA"),
    (re.compile(r"manifests/\d{12}\.json"), "manifests/GENERATION.json"),
    (re.compile(r"\d{6}-[0-9a-f]{12}\.json$"), "GENERATION-VERSION.json"),  # learned furniture
]


def shape(key: str) -> str:
    """A key with its run-specific parts (dates, run ids, file serials, hashes) replaced by names."""
    for pattern, replacement in _SHAPES:
        key = pattern.sub(replacement, key)
    return key


def s3_cli_env(server: SeaweedS3, work: Path) -> dict[str, str | None]:
    """The server's AWS variables and nothing of the caller's AWS set-up (None: removed)."""
    unset = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3",
             "AWS_DEFAULT_REGION", "NEWSARCHIVE_S3_ADDRESSING")
    return {**dict.fromkeys(unset), **server.env(), "AWS_CONFIG_FILE": str(work / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(work / "no-aws-credentials")}


@pytest.fixture(scope="module")
def s3_demo(seaweed, tmp_path_factory) -> tuple[str, Path]:
    work = tmp_path_factory.mktemp("s3-demo")
    uri = f"s3://{seaweed.bucket}/demo-{secrets.token_hex(4)}"
    run = newsarchive("demo", "--store", uri, "--articles-per-outlet", str(DEMO_ARTICLES), cwd=work,
                      env=s3_cli_env(seaweed, work))
    assert run.returncode == 0, run.stderr.decode()[-3000:]
    return uri, work


def manifests(store) -> list[dict]:
    return [json.loads(store.get_bytes(key)) for key in store.list("manifests/")]


def assert_store_matches_manifests(store) -> list[dict]:
    """Every file a manifest names is stored with its checksum, and every stored run file is named by one."""
    runs = manifests(store)
    named = {}
    for manifest in runs:
        for entry in manifest["files"]:
            info = store.head(entry["key"])
            assert info is not None, entry["key"]
            assert (info.size, info.sha256) == (entry["size"], entry["sha256"]), entry["key"]
            assert hashlib.sha256(store.get_bytes(entry["key"])).hexdigest() == entry["sha256"], entry["key"]
            named[entry["key"]] = entry["sha256"]
    # Derived views rebuilt from the stored files (merged index, daily Parquet) are not run files.
    run_files = {k for k in store.list("") if not k.startswith(("cdxj/_merged/", "parquet/", "manifests/"))}
    assert run_files == set(named)
    return runs


def test_s3_demo_writes_the_layout_of_a_local_demo(s3_demo, s3_env, tmp_path_factory):
    uri, _ = s3_demo
    local_keys = list(LocalStore(demo_archive(tmp_path_factory)).list(""))
    s3_keys = list(S3Store.from_uri(uri).list(""))
    assert {k.split("/")[0] for k in s3_keys} == {"warc", "cdxj", "articles", "parquet", "manifests", "furniture"}

    def run_files(keys):
        return Counter(shape(k) for k in keys if not k.startswith(MERGED))

    def merged_index(keys):
        return {shape(k) for k in keys if k.startswith(MERGED)}

    assert run_files(s3_keys) == run_files(local_keys)
    # Whether the recent lines were merged into a base segment yet depends on how concurrent
    # outlet uploads interleaved.
    for keys in (s3_keys, local_keys):
        assert {"cdxj/_merged/manifests/GENERATION.json", "cdxj/_merged/head.json"} <= merged_index(keys) <= {
            "cdxj/_merged/manifests/GENERATION.json", "cdxj/_merged/head.json", "cdxj/_merged/segments/base-SHA.cdxj.gz"}


def test_every_s3_object_has_the_checksum_its_manifest_lists(s3_demo, s3_env):
    store = S3Store.from_uri(s3_demo[0])
    runs = assert_store_matches_manifests(store)
    assert len(runs) == 1
    assert all(counts["new"] == DEMO_ARTICLES for counts in runs[0]["outlets"].values())


def test_get_from_s3_is_byte_identical_to_the_warc_payload(s3_demo, s3_env, seaweed):
    uri, work = s3_demo
    store = S3Store.from_uri(uri)
    records = [json.loads(line) for key in store.list("articles/") if key.endswith(".jsonl.gz")
               for line in gzip.decompress(store.get_bytes(key)).splitlines()]
    for record in records[:: max(1, len(records) // 4)]:  # a few, across outlets
        with io.BytesIO(store.get_bytes(record["warc_key"])) as stream:
            payload = next(r.content_stream().read() for r in ArchiveIterator(stream)
                           if r.rec_headers.get_header("WARC-Record-ID") == record["warc_record_id"])
        got = newsarchive("get", record["canonical_url"], "--store", uri, cwd=work, env=s3_cli_env(seaweed, work))
        assert got.returncode == 0, got.stderr.decode()
        assert got.stdout == payload
        assert b"<html" in payload.lower()


def test_a_run_during_an_outage_keeps_its_files_and_the_next_run_uploads_them(seaweed, s3_env, tmp_path,
                                                                            monkeypatch):
    uri = f"s3://{seaweed.bucket}/outage-{secrets.token_hex(4)}"
    env = {**s3_cli_env(seaweed, tmp_path), "NEWSARCHIVE_UPLOAD_RETRY_DELAYS": "1,2"}
    args = ("demo", "--store", uri, "--articles-per-outlet", str(DEMO_ARTICLES), "--outlets", "sputnik")
    seaweed.stop()
    try:
        failed = newsarchive(*args, cwd=tmp_path, env=env)
        unreachable = newsarchive("get", "http://sputnikglobe.com/any", "--store", uri, cwd=tmp_path, env=env)
    finally:
        seaweed.start()
    assert unreachable.returncode == 1
    assert unreachable.stderr.decode().count("\n") == 1 and uri in unreachable.stderr.decode()
    errors = [line for line in failed.stderr.decode().splitlines() if line.startswith("newsarchive: error:")]
    assert failed.returncode != 0
    assert len(errors) == 1, failed.stderr.decode()[-3000:]
    assert uri in errors[0] and "kept in the spool" in errors[0]

    monkeypatch.setenv("NEWSARCHIVE_HOME", str(tmp_path / ".newsarchive"))
    spool = Spool(workspace_for(uri).spool)
    spooled = {e.key.split("/")[0] for e in spool.pending()}
    assert spooled == {"warc", "cdxj", "articles", "manifests", "furniture"}
    store = S3Store.from_uri(uri)
    assert not list(store.list(""))

    recovered = newsarchive(*args, cwd=tmp_path, env=env)
    assert recovered.returncode == 0, recovered.stderr.decode()[-3000:]
    assert not spool.pending()
    first, second = assert_store_matches_manifests(store)
    assert first["outlets"]["sputnik"]["new"] == DEMO_ARTICLES
    assert second["outlets"]["sputnik"]["new"] == 0  # the first run's articles count as archived
    archived = next(k for k in store.list("articles/"))
    url = json.loads(gzip.decompress(store.get_bytes(archived)).splitlines()[0])["url"]
    listed = newsarchive("list", url, "--store", uri, cwd=tmp_path, env=env)
    assert listed.returncode == 0 and listed.stdout.count(b"\n") == 1  # the recovered index finds it
