"""S3 faults during upload: retries, the spool kept, nothing lost; and no credential leaks.

The S3 server is SeaweedFS (``tests.servers.s3``): stopped, frozen with SIGSTOP,
or fronted by ``S3FaultProxy`` answering uploads with ``SlowDown`` (503) or
``InternalError`` (500).
"""
from __future__ import annotations

import gzip
import json
import os
import secrets
import signal
import threading
from pathlib import Path

import pytest

from storage.s3 import S3Store
from storage.spool import Spool
from tests.reliability.harness import LEDGER, newsarchive, run_args, run_env, secrets_found
from tests.reliability.s3proxy import S3FaultProxy
from tests.servers.replica import running_replica

FILES = 3


def staged_spool(tmp_path: Path) -> tuple[Spool, dict[str, bytes]]:
    spool = Spool(tmp_path / "spool")
    contents = {}
    for i in range(FILES):
        key = f"articles/sputnik/2026/11/22/run-{i}.jsonl.gz"
        data = gzip.compress(json.dumps({"n": i, "pad": secrets.token_hex(64)}).encode())
        source = tmp_path / f"file-{i}"
        source.write_bytes(data)
        spool.stage(key, source)
        contents[key] = data
    return spool, contents


def assert_all_stored(store: S3Store, contents: dict[str, bytes]) -> None:
    for key, data in contents.items():
        assert store.get_bytes(key) == data, key


@pytest.fixture
def proxy(s3_env, monkeypatch):
    with S3FaultProxy(s3_env.port) as running:
        monkeypatch.setenv("AWS_ENDPOINT_URL", running.endpoint)
        monkeypatch.setenv("NEWSARCHIVE_S3_ADDRESSING", "path")
        yield running


@pytest.mark.parametrize("code", ["SlowDown", "InternalError"])
def test_a_few_error_answers_are_retried_and_the_upload_completes(proxy, s3_prefix, tmp_path, code):
    spool, contents = staged_spool(tmp_path)
    proxy.fail(code, times=2)
    result = spool.flush(S3Store.from_uri(s3_prefix))
    ok = result.ok and proxy.hits == 2 and not spool.pending()
    LEDGER.add("s3", f"{code} x2 during upload", f"retried {proxy.hits} time(s); uploaded {len(result.uploaded)}/{FILES}", ok)
    assert ok, result
    assert_all_stored(S3Store.from_uri(s3_prefix), contents)


@pytest.mark.parametrize("code", ["SlowDown", "InternalError"])
def test_a_lasting_error_keeps_the_spool_and_the_next_flush_uploads_it(proxy, s3_prefix, tmp_path, code):
    spool, contents = staged_spool(tmp_path)
    proxy.fail(code, times=10_000)
    failed = spool.flush(S3Store.from_uri(s3_prefix))
    kept = len(spool.pending())
    proxy.fail(None)
    later = spool.flush(S3Store.from_uri(s3_prefix))
    ok = not failed.ok and kept == FILES and later.ok and not spool.pending()
    LEDGER.add("s3", f"{code} on every upload", f"failed, spool kept {kept}/{FILES}; next flush uploaded {len(later.uploaded)}", ok)
    assert ok, (failed, later)
    assert_all_stored(S3Store.from_uri(s3_prefix), contents)


def test_a_stopped_server_keeps_the_spool_until_it_is_back(s3_env, s3_prefix, tmp_path):
    spool, contents = staged_spool(tmp_path)
    s3_env.stop()
    try:
        failed = spool.flush(S3Store.from_uri(s3_prefix))
        kept = len(spool.pending())
    finally:
        s3_env.start()
    later = spool.flush(S3Store.from_uri(s3_prefix))
    ok = not failed.ok and kept == FILES and later.ok and not spool.pending()
    LEDGER.add("s3", "server stopped during upload", f"failed ({failed.failed[0][1][-40:] if failed.failed else ''}), "
               f"spool kept {kept}/{FILES}; after restart uploaded {len(later.uploaded)}", ok)
    assert ok, (failed, later)
    assert_all_stored(S3Store.from_uri(s3_prefix), contents)


def test_a_frozen_server_delays_the_upload_without_losing_it(s3_env, s3_prefix, tmp_path):
    spool, contents = staged_spool(tmp_path)
    pid = s3_env.process.pid
    os.kill(pid, signal.SIGSTOP)
    thaw = threading.Timer(3.0, os.kill, (pid, signal.SIGCONT))
    thaw.start()
    try:
        first = spool.flush(S3Store.from_uri(s3_prefix))
    finally:
        thaw.join()
        os.kill(pid, signal.SIGCONT)
    second = spool.flush(S3Store.from_uri(s3_prefix)) if spool.pending() else first
    ok = second.ok and not spool.pending()
    LEDGER.add("s3", "server frozen 3 s (SIGSTOP)", f"first flush {'ok' if first.ok else 'failed, spool kept'}; "
               f"nothing left in the spool: {not spool.pending()}", ok)
    assert ok, (first, second)
    assert_all_stored(S3Store.from_uri(s3_prefix), contents)


def test_a_run_through_slowdowns_archives_everything_and_leaks_no_credential(
        proxy, s3_env, s3_prefix, tmp_path, reliability_prefect):
    """The real CLI into S3 while uploads meet SlowDown; then every credential is searched for."""
    proxy_password = "pw-" + secrets.token_hex(12)
    env_extra = {**{k: v for k, v in os.environ.items() if k.startswith("AWS_")},
                 "AWS_ENDPOINT_URL": proxy.endpoint, "NEWSARCHIVE_S3_ADDRESSING": "path"}
    server, prefect_env = reliability_prefect
    with running_replica(5) as replica:
        # Proxy credentials live in the environment; the --proxy parameter names the proxy alone.
        env_extra["NEWSARCHIVE_PROXY"] = replica.proxy_url.replace("http://", f"http://newsarchive:{proxy_password}@")
        # Four SlowDowns: the first upload gives up after three attempts, the task's retry goes through.
        proxy.fail("SlowDown", times=4)
        run = newsarchive(run_args("sputnik", s3_prefix, replica.proxy_url), tmp_path,
                          run_env(tmp_path, prefect_env, env_extra))
    store = S3Store.from_uri(s3_prefix)
    keys = list(store.list(""))
    records = [json.loads(line) for key in keys if key.startswith("articles/")
               for line in gzip.decompress(store.get_bytes(key)).decode().splitlines() if line.strip()]
    urls = [r["canonical_url"] for r in records]
    ok = run.returncode == 0 and proxy.hits == 4 and len(urls) == 5 == len(set(urls))
    LEDGER.add("s3", "SlowDown x4 during a run's upload",
               f"exit {run.returncode}; {proxy.hits} SlowDown(s) retried; {len(set(urls))} articles stored once each", ok)
    assert ok, run.stderr[-3000:]

    downloaded = tmp_path / "bucket"
    for key in keys:
        (downloaded / key).parent.mkdir(parents=True, exist_ok=True)
        (downloaded / key).write_bytes(store.get_bytes(key))
    flow_runs = server.flow_runs()
    # Flow-run parameters are left out: a proxy URL with a password is a parameter of the flow.
    api_text = json.dumps([server.logs([r["id"] for r in flow_runs]), [server.artifacts(r["id"]) for r in flow_runs]])
    secret_values = [s3_env.secret_key, s3_env.access_key, proxy_password]
    leaks = secrets_found(secret_values, [downloaded, tmp_path / ".newsarchive"],
                          [run.stdout, run.stderr, api_text])
    LEDGER.leaked_secrets += len(leaks)
    LEDGER.add("security", "credentials in logs, WARCs, manifests, artifacts",
               f"searched {len(keys)} stored objects, the workspace, CLI output, Prefect logs and artifacts: "
               f"{len(leaks)} leak(s)", not leaks)
    assert not leaks, leaks
