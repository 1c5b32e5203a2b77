"""Deployments from ``deploy/prefect.yaml`` on a real Prefect server, run by a real worker.

The store is a SeaweedFS bucket and the outlets are the offline replica. One
session server is shared (``tests.servers.prefect``).
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer

import pytest
import yaml

from flows.orchestration.credentials import CredentialsError, apply_s3_block, s3_environment
from spiders.outlets import SLUGS
from tests.servers import PROJECT_ROOT
from tests.servers.alerts import AlertReceiver, wait_for
from tests.servers.prefect import running_worker, worker_env
from tests.servers.replica import running_replica

DEPLOY = PROJECT_ROOT / "deploy"
OUTLET_DEPLOYMENTS = list(SLUGS)


def _keys(seaweed, prefix: str) -> list[str]:
    bucket, _, path = prefix.removeprefix("s3://").partition("/")
    pages = seaweed.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=path + "/")
    return [obj["Key"][len(path) + 1:] for page in pages for obj in page.get("Contents", [])]


def test_prefect_yaml_deploys_every_outlet_on_a_schedule_with_a_typed_form(prefect_server):
    server = prefect_server.server
    for name in OUTLET_DEPLOYMENTS + ["all-outlets"]:
        deployment = server.deployment(f"newsarchive/{name}")
        assert deployment["work_pool_name"] == "newsarchive"
        [schedule] = deployment["schedules"]
        assert schedule["active"] and schedule["schedule"]["cron"]
        assert schedule["schedule"]["timezone"] in {"UTC", "Europe/London"}
        assert deployment["parameters"]["store"] == prefect_server.store
        form = deployment["parameter_openapi_schema"]["properties"]
        assert {"outlets", "max_articles", "store", "state", "s3_block", "fan_out"} <= set(form)
        assert form["max_articles"]["description"]
    assert server.deployment("newsarchive/sputnik")["parameters"]["outlets"] == ["sputnik"]
    assert server.deployment("newsarchive/all-outlets")["parameters"]["fan_out"] == "deployments"
    fan_out = server.deployment("archive-outlet/fan-out")
    assert fan_out["schedules"] == [] and fan_out["work_pool_name"] == "newsarchive"


def test_deployment_run_completes_with_its_artifacts_and_files_in_the_bucket(finished_run, prefect_server, seaweed):
    server = prefect_server.server
    run = finished_run.flow_run
    assert run["state_type"] == "COMPLETED", run["state"]["message"]
    artifacts = {a["key"]: a for a in server.artifacts(run["id"])}
    [row] = json.loads(artifacts["archive-run-summary"]["data"])
    assert row["outlet"] == "sputnik" and row["new"] == 5 and row["fetched"] == 5 and row["status"] == "ok"
    assert row["bytes_written"] > 0 and row["warc_files"].endswith(".warc.gz")
    assert "## Files written" in artifacts["archive-run-details"]["data"]
    [outlet_run] = server.subflow_runs(run["id"])
    assert outlet_run["name"] == "sputnik" and outlet_run["state_type"] == "COMPLETED"
    keys = _keys(seaweed, finished_run.store)
    assert any(k.startswith("warc/sputnik/") for k in keys) and any(k.startswith("articles/sputnik/") for k in keys)
    assert any(k.startswith("manifests/") for k in keys)


def test_s3_credentials_from_a_secret_block_never_show_in_logs_or_artifacts(finished_run, prefect_server):
    """The worker had no AWS keys: the upload worked with the block's, and no log line,
    artifact or parameter of the run carries them."""
    server = prefect_server.server
    run = finished_run.flow_run
    assert run["state_type"] == "COMPLETED" and run["parameters"]["s3_block"] == "newsarchive-s3"
    run_ids = [run["id"]] + [r["id"] for r in server.subflow_runs(run["id"])]
    logs = server.wait_for_log(run_ids, "sputnik: 5 new")
    assert any("sputnik: 5 new" in entry["message"] for entry in logs)
    shown = json.dumps([logs, [server.artifacts(i) for i in run_ids], [server.get(f"/flow_runs/{i}") for i in run_ids]])
    for secret in finished_run.secret_values:
        assert secret not in shown


def test_failing_outlet_fails_alone_with_its_reason_and_the_automation_alerts(prefect_server, seaweed, tmp_path):
    server = prefect_server.server
    webhook = ThreadingHTTPServer(("127.0.0.1", 0), AlertReceiver)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    try:
        created = subprocess.run([sys.executable, "deploy/automations.py", "--allow-private",
                                  "--webhook", f"http://127.0.0.1:{webhook.server_port}/alerts"],
                                 cwd=PROJECT_ROOT, env=server.env(), capture_output=True, text=True, timeout=120)
        assert created.returncode == 0, created.stderr
        [automation] = server.post("/automations/filter", {"automations": {"name": {"any_": ["newsarchive-run-failed"]}}})
        assert automation["enabled"]

        faults = ["sputnikglobe.com/*=500",           # the whole outlet answers 500
                  "alwaght.net/en/News/*=500"]        # feeds list new articles, every article page fails
        store = f"{prefect_server.store}/failing"
        with running_replica(4, faults=faults) as replica, \
                running_worker(server, "failing-worker", **worker_env(seaweed, tmp_path / "worker")):
            flow_run_id = server.run_deployment("newsarchive/sputnik", {
                "outlets": ["sputnik", "alwaght", "menafn"], "replica": replica.proxy_url,
                "max_articles": 4, "store": store, "delay": 0})
            run = server.wait_final(flow_run_id)

        assert run["state_type"] == "FAILED"
        assert run["state"]["message"].startswith("2 of 3 outlet(s) failed: sputnik: ")
        outlets = {r["name"]: r for r in server.subflow_runs(flow_run_id)}
        assert outlets["menafn"]["state_type"] == "COMPLETED"
        assert outlets["sputnik"]["state_type"] == "FAILED"
        assert "500" in outlets["sputnik"]["state"]["message"]
        assert outlets["alwaght"]["state_type"] == "FAILED"
        assert "archived nothing although discovery found 4 unseen article(s); 4 failed" in \
            outlets["alwaght"]["state"]["message"]
        [summary] = [a for a in server.artifacts(flow_run_id) if a["key"] == "archive-run-summary"]
        rows = {row["outlet"]: row for row in json.loads(summary["data"])}
        assert rows["menafn"]["new"] == 4 and rows["menafn"]["status"] == "ok"
        assert rows["sputnik"]["status"].startswith("FAILED: ")

        failed_ids = {flow_run_id, outlets["sputnik"]["id"], outlets["alwaght"]["id"]}
        alerts = wait_for(lambda: [a for a in AlertReceiver.received if any(i in a["body"] for i in failed_ids)]
                           if len({i for a in AlertReceiver.received for i in failed_ids if i in a["body"]}) == 3 else None)
        assert alerts, f"no alert for each failed run; received {AlertReceiver.received}"
        alwaght_alert = next(a for a in alerts if outlets["alwaght"]["id"] in a["body"])
        assert "archived nothing although discovery found" in alwaght_alert["body"]
        assert alwaght_alert["subject"] == "newsarchive: alwaght Failed"
        assert not any(outlets["menafn"]["id"] in a["body"] for a in AlertReceiver.received)
        executed = server.events("prefect.automation.action.executed")
        assert any(r["prefect.resource.id"] == f"prefect.automation.{automation['id']}"
                   for e in executed for r in [e["resource"], *e["related"]])
    finally:
        webhook.shutdown()
        webhook.server_close()


def test_compose_file_validates_offline(tmp_path):
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is needed (make test installs Debian's package)"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([compose, "-f", str(DEPLOY / "compose.yaml"), "config"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    config = yaml.safe_load(proc.stdout)
    assert {"prefect-server", "postgres", "seaweedfs", "worker"} <= set(config["services"])
    worker = config["services"]["worker"]
    assert worker["environment"]["PREFECT_API_URL"] == "http://prefect-server:4200/api"
    assert "postgresql" in config["services"]["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]


def test_kubernetes_worker_manifests_parse():
    documents = [d for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
                 for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    kinds = {d["kind"]: d for d in documents}
    assert {"Deployment", "ConfigMap"} <= set(kinds)
    for document in documents:
        assert document["apiVersion"] and document["metadata"]["name"]
    [container] = kinds["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert container["command"][:4] == ["prefect", "worker", "start", "--pool"]
    assert kinds["Deployment"]["spec"]["replicas"] >= 2


@pytest.mark.parametrize("path", sorted(str(p.relative_to(DEPLOY)) for p in DEPLOY.glob("*.yaml")))
def test_deploy_yaml_files_parse(path):
    assert yaml.safe_load((DEPLOY / path).read_text(encoding="utf-8"))


def test_s3_secret_block_maps_to_the_aws_variables_and_rejects_half_credentials():
    env = s3_environment({"aws_access_key_id": "AK", "aws_secret_access_key": "SK",
                          "endpoint_url": "http://127.0.0.1:1", "region_name": "eu-west-1", "aws_session_token": ""})
    assert env == {"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK",
                   "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_REGION": "eu-west-1"}
    with pytest.raises(CredentialsError, match="needs both"):
        s3_environment({"aws_access_key_id": "AK"})
    with pytest.raises(CredentialsError, match="unknown key in the S3 Secret block: 'password'") as raised:
        s3_environment({"password": "hunter2"})
    assert "hunter2" not in str(raised.value)
    with pytest.raises(CredentialsError, match="JSON object"):
        s3_environment("AK:SK")


def test_a_missing_s3_block_is_a_one_line_error(prefect_server):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: prefect_server.server.api_url}):
        with pytest.raises(CredentialsError, match="^no Secret block named 'no-such-block' on the Prefect server$"):
            apply_s3_block("no-such-block")
