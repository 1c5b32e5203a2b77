"""Two workers on one pool share the outlets of one run of the scheduled ``all-outlets``
deployment: one bucket, one PostgreSQL state database, no article archived twice."""
from __future__ import annotations

import gzip
import json
import re

import pytest

from storage.state import StateStore
from tests.servers.postgres import PostgresServer
from tests.servers.prefect import running_worker, worker_env

OUTLETS = ["southfront", "sputnik", "alwaght"]


@pytest.fixture
def state_database():
    server = PostgresServer().start()
    try:
        yield server.create_database("newsarchive_state")
    finally:
        server.stop()


def _article_records(seaweed, store: str) -> list[dict]:
    bucket, _, prefix = store.removeprefix("s3://").partition("/")
    client = seaweed.client()
    records = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/articles/"):
        for obj in page.get("Contents", []):
            body = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            records += [json.loads(line) for line in gzip.decompress(body).splitlines() if line.strip()]
    return records


def _worker_of(server, flow_run: dict) -> str:
    """The worker that submitted a flow run, from the run's own log."""
    for entry in server.logs([flow_run["id"]]):
        if match := re.match(r"Worker '([^']+)' submitting flow run", entry["message"]):
            return match.group(1)
    raise AssertionError(f"no worker log line for flow run {flow_run['name']}")


def test_two_workers_share_the_outlets_of_one_run_without_archiving_twice(
        prefect_server, replica, seaweed, state_database, tmp_path):
    server = prefect_server.server
    store = f"{prefect_server.store}/two-workers"
    # Two runs at a time each: whichever worker takes the parent still has room for an outlet,
    # and neither can take every outlet run at once.
    with running_worker(server, "worker-a", limit=2, **worker_env(seaweed, tmp_path / "a")), \
            running_worker(server, "worker-b", limit=2, **worker_env(seaweed, tmp_path / "b")):
        parent_id = server.run_deployment("newsarchive/all-outlets", {
            "outlets": OUTLETS, "replica": replica.proxy_url, "max_articles": 3, "delay": 0,
            "store": store, "state": state_database, "concurrency": 3})
        parent = server.wait_final(parent_id)

    assert parent["state_type"] == "COMPLETED", parent["state"]["message"]
    assert parent["state"]["message"] == f"archived {3 * len(OUTLETS)} new article(s)"
    outlet_runs = server.subflow_runs(parent_id)
    assert sorted(r["name"] for r in outlet_runs) == sorted(OUTLETS)
    fan_out = server.deployment("archive-outlet/fan-out")
    assert all(r["deployment_id"] == fan_out["id"] and r["state_type"] == "COMPLETED" for r in outlet_runs)
    workers = {_worker_of(server, r) for r in outlet_runs}
    assert workers == {"worker-a", "worker-b"}, f"outlet runs were all taken by {workers}"

    [summary] = [a for a in server.artifacts(parent_id) if a["key"] == "archive-run-summary"]
    assert {row["outlet"]: row["new"] for row in json.loads(summary["data"])} == {o: 3 for o in OUTLETS}

    records = _article_records(seaweed, store)
    urls = [r["canonical_url"] for r in records]
    assert len(urls) == 3 * len(OUTLETS) and len(set(urls)) == len(urls)
    with StateStore(state_database) as db:  # both workers committed to the one database
        assert db.seen_urls() == set(urls)
