"""S3 faults during upload: retries, the spool kept, nothing lost; a server that ignores
conditional writes refused; and no credential leaks.

The S3 server is SeaweedFS (``tests.servers.s3``): stopped, frozen with SIGSTOP,
or fronted by ``S3FaultProxy`` answering uploads with ``SlowDown`` (503) or
``InternalError`` (500), or removing ``If-None-Match`` from every request.
"""
from __future__ import annotations

import gzip
import json
import os
import secrets
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest

from storage import layout
from storage.cdxj import MergedIndex, url_key
from storage.s3 import S3Store
from storage.spool import Spool
from tests.reliability.harness import (
    LEDGER,
    SESSION_SECRETS,
    audit,
    download_s3,
    newsarchive,
    run_args,
    run_env,
    secrets_found,
)
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
    found = audit(download_s3(s3_env.client(), s3_env.bucket, s3_prefix.split("/", 3)[3], tmp_path / "audited"))
    LEDGER.count(found)
    assert not found.lost() and not found.duplicates and not found.problems(), (found.lost(), found.problems())

    flow_runs = every_flow_run(server)  # this run's, and every earlier run of the session (crash trials too)
    # Flow-run parameters are left out: a proxy URL with a password is a parameter of the flow.
    api_text = json.dumps([server.logs([r["id"] for r in flow_runs]), [server.artifacts(r["id"]) for r in flow_runs]])
    secret_values = [s3_env.secret_key, s3_env.access_key, proxy_password, *sorted(SESSION_SECRETS)]
    leaks = secrets_found(secret_values, [downloaded, tmp_path / ".newsarchive"],
                          [run.stdout, run.stderr, api_text])
    LEDGER.leaked_secrets += len(leaks)
    LEDGER.add("security", "credentials in logs, WARCs, manifests, artifacts",
               f"searched {len(keys)} stored objects, the workspace, CLI output, Prefect logs and artifacts "
               f"of {len(flow_runs)} flow runs: {len(leaks)} leak(s)", not leaks)
    assert not leaks, leaks


def every_flow_run(server) -> list[dict]:
    runs: list[dict] = []
    while True:
        page = server.post("/flow_runs/filter", {"limit": 200, "offset": len(runs)})
        runs += page
        if len(page) < 200:
            return runs


@pytest.fixture
def no_conditional_writes(s3_env, monkeypatch):
    """SeaweedFS behind a proxy that removes If-None-Match: a server that ignores conditional writes."""
    with S3FaultProxy(s3_env.port, ignore_if_none_match=True,
                      credentials=(s3_env.access_key, s3_env.secret_key)) as running:
        yield running


def test_a_run_refuses_a_server_that_ignores_if_none_match_at_start_up(no_conditional_writes, s3_env, s3_prefix,
                                                                       tmp_path, prefect_env):
    """(Fails when ``open_store`` stops probing: the run starts, and fails later on its uploads.)"""
    env_extra = {**{k: v for k, v in os.environ.items() if k.startswith("AWS_")},
                 "AWS_ENDPOINT_URL": no_conditional_writes.endpoint, "NEWSARCHIVE_S3_ADDRESSING": "path"}
    run = newsarchive(run_args("sputnik", s3_prefix, "http://127.0.0.1:9"), tmp_path,
                      run_env(tmp_path, prefect_env, env_extra), timeout=120)
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    left = list(S3Store.from_uri(s3_prefix).list(""))  # through SeaweedFS directly
    ok = (run.returncode == 2 and len(lines) == 1 and "ignores If-None-Match" in lines[0]
          and no_conditional_writes.dropped >= 2 and not left)
    LEDGER.add("s3", "server ignoring If-None-Match, at start-up",
               f"exit {run.returncode}: {lines[-1][:110] if lines else '(no message)'}; {len(left)} object(s) left", ok)
    assert ok, (run.returncode, run.stderr[-1500:], left)


def _spool_of_one_warc(tmp: Path, name: str, url: str) -> tuple[Spool, str]:
    """A worker's spool: one WARC (its bytes do not matter here) and its per-WARC index line."""
    day = datetime(2026, 11, 22, tzinfo=timezone.utc)
    spool = Spool(tmp / name / "spool")
    warc, cdxj = tmp / name / "w.warc.gz", tmp / name / "w.cdxj"
    warc.write_bytes(secrets.token_bytes(512))
    key = layout.warc_key("sputnik", day, f"newsarchive-{name}.warc.gz")
    line = (f'{url_key(url)} 20261122050000 {{"url": "{url}", "status": "200", "filename": "{key}", '
            f'"offset": "0", "length": "512"}}\n')
    cdxj.write_text(line, encoding="utf-8")
    spool.stage(key, warc)
    spool.stage(layout.cdxj_key("sputnik", day, f"newsarchive-{name}.warc.gz"), cdxj)
    return spool, line.strip()


def test_two_workers_never_lose_each_others_index_entries_on_a_server_that_ignores_if_none_match(
        no_conditional_writes, s3_env, s3_prefix, tmp_path, monkeypatch):
    """Both workers read the same index generation, then both write the next one: without
    conditional writes the second would silently replace the first (and its entries).
    (Fails when ``S3Store._put_single`` stops probing: one worker's index line is lost.)"""
    urls = {name: f"http://sputnikglobe.com/20261122/{name}-1000{n}.html" for n, name in enumerate(("a", "b"))}
    spools = {name: _spool_of_one_warc(tmp_path, name, url) for name, url in urls.items()}
    barrier = threading.Barrier(2, timeout=10)
    current = MergedIndex.current

    def both_read_first(index):  # each worker's first read of the index waits for the other's
        if not getattr(index, "_met", False):
            index._met = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return current(index)

    monkeypatch.setattr(MergedIndex, "current", both_read_first)

    def flush_all(endpoint: str) -> dict:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(spool.flush, S3Store.from_uri(s3_prefix)) for name, (spool, _) in spools.items()}
            return {name: future.result() for name, future in futures.items()}

    refused = flush_all(no_conditional_writes.endpoint)
    kept = {name: len(spool.pending()) for name, (spool, _) in spools.items()}
    reasons = [reason for result in refused.values() for _, reason in result.failed]
    later = flush_all(s3_env.endpoint)  # the same spools, once the store honours conditional writes
    indexed = MergedIndex(S3Store.from_uri(s3_prefix)).lookup(url_key(url) for url in urls.values())
    ok = (all(not result.ok and not result.uploaded for result in refused.values()) and kept == {"a": 2, "b": 2}
          and reasons and all("ignores If-None-Match" in reason for reason in reasons)
          and all(result.ok for result in later.values()) and sorted(indexed) == sorted(l for _, l in spools.values()))
    LEDGER.add("s3", "server ignoring If-None-Match, two workers' index updates",
               f"refused, spools kept {kept}; with conditional writes both indexed: {len(indexed)}/2 lines", ok)
    assert ok, (refused, kept, later, indexed)
