"""A real Prefect server, work pool and workers for the deployment tests.

``PrefectServer`` runs ``prefect server start`` on a free loopback port with
its own PREFECT_HOME, and talks to it over its REST API. Workers run
``prefect worker start`` as subprocesses. Background Prefect processes ignore
SIGINT, so everything is stopped with SIGTERM by its PID.

Register the fixtures with ``pytest_plugins = ["tests.servers.prefect"]``:
``prefect_server`` (one per session, with the pool and the deployments of
``deploy/prefect.yaml`` on a SeaweedFS bucket) and ``finished_run`` (one
completed deployment run with its artifacts, shared by the deployment and UI tests).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from spiders.replica.process import stop_process
from tests.servers import PROJECT_ROOT, free_port

POOL = "newsarchive"
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

_RETRY_DELAYS = (1, 2, 4, 8, 0)  # seconds before the next try after a 503; the last answer stands


class PrefectServer:
    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.http = httpx.Client(base_url=self.api_url, timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for any Prefect process of this server: its API, its home, no telemetry."""
        # Nothing of the caller's Prefect, AWS or newsarchive settings leaks into the servers and workers.
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("PREFECT_", "AWS_", "NEWSARCHIVE_"))}
        env.update({
            "PREFECT_HOME": str(self.home),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_WORKER_HEARTBEAT_SECONDS": "5",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
            "COLUMNS": "200",
        })
        env.update(extra)
        return env

    def start(self, timeout: float = 90.0) -> PrefectServer:
        self.home.mkdir(parents=True, exist_ok=True)
        log = open(self.home / "server.log", "ab")
        env = self.env(PREFECT_UI_API_URL=self.api_url)  # the UI's own default is port 4200
        env.pop("PREFECT_API_URL")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prefect server exited with {self.process.returncode}; see {self.home / 'server.log'}")
            with contextlib.suppress(httpx.HTTPError):
                if self.http.get("/health").status_code == 200:
                    return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"prefect server did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        self.http.close()

    def cli(self, *args: str, env: dict[str, str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
        """Run the ``prefect`` CLI against this server from the project root; raise with its output on failure."""
        proc = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=PROJECT_ROOT, env=env or self.env(),
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"prefect {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    # -- REST API -------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        # A busy server answers 503 while its database is locked; Prefect's own client retries
        # that answer too, so a test's request does as a worker's would.
        for delay in _RETRY_DELAYS:
            response = self.http.request(method, path, **kwargs)
            if response.status_code != 503:
                break
            time.sleep(delay)
        response.raise_for_status()
        return response

    def post(self, path: str, body: dict | None = None):
        response = self._request("POST", path, json=body or {})
        return response.json() if response.content else None

    def get(self, path: str):
        return self._request("GET", path).json()

    def deployment(self, name: str) -> dict:
        return self.get(f"/deployments/name/{name}")

    def run_deployment(self, name: str, parameters: dict) -> str:
        """Create a run of deployment ``flow/deployment`` (the deployment's parameters, updated); return its id."""
        run = self.post(f"/deployments/{self.deployment(name)['id']}/create_flow_run", {"parameters": parameters})
        return run["id"]

    def wait_final(self, flow_run_id: str, timeout: float = 240.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.get(f"/flow_runs/{flow_run_id}")
            if run["state_type"] in FINAL_STATES:
                return run
            time.sleep(1)
        raise TimeoutError(f"flow run {flow_run_id} is still {run['state_type']} after {timeout:.0f} s")

    def wait_for_worker(self, name: str, timeout: float = 90.0) -> None:
        """Until the worker ``name`` has reported to the pool (it does as it starts polling)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(w["name"] == name for w in self.post(f"/work_pools/{POOL}/workers/filter")):
                return
            time.sleep(0.5)
        raise TimeoutError(f"worker {name} did not report to pool {POOL} within {timeout:.0f} s")

    def flow_runs(self, **flow_run_filter) -> list[dict]:
        return self.post("/flow_runs/filter", {"flow_runs": flow_run_filter, "limit": 200})

    def subflow_runs(self, parent_flow_run_id: str) -> list[dict]:
        """Flow runs started from the parent: in-process subflows and deployment runs alike."""
        return self.flow_runs(parent_flow_run_id={"any_": [parent_flow_run_id]})

    def artifacts(self, flow_run_id: str) -> list[dict]:
        return self.post("/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}})

    def logs(self, flow_run_ids: list[str]) -> list[dict]:
        """Every log line of the runs, oldest first (the API pages at 200)."""
        entries: list[dict] = []
        while True:
            page = self.post("/logs/filter", {"logs": {"flow_run_id": {"any_": flow_run_ids}},
                                              "sort": "TIMESTAMP_ASC", "limit": 200, "offset": len(entries)})
            entries += page
            if len(page) < 200:
                return entries

    def wait_for_log(self, flow_run_ids: list[str], text: str, timeout: float = 60.0) -> list[dict]:
        """The runs' logs once a line containing ``text`` has arrived: a flow process ships its
        log lines in batches, after its final state is already visible."""
        deadline = time.monotonic() + timeout
        while True:
            entries = self.logs(flow_run_ids)
            if any(text in entry["message"] for entry in entries) or time.monotonic() > deadline:
                return entries
            time.sleep(0.5)

    def events(self, event_prefix: str) -> list[dict]:
        page = self.post("/events/filter", {"filter": {"event": {"prefix": [event_prefix]}}, "limit": 50})
        return page["events"]


@contextlib.contextmanager
def running_worker(server: PrefectServer, name: str, limit: int | None = None, **env: str) -> Iterator[subprocess.Popen]:
    """``prefect worker start`` on the pool, running at most ``limit`` flow runs at once;
    the flow runs it starts inherit ``env``."""
    log = open(server.home / f"worker-{name}.log", "ab")
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL, "--type", "process", "--name", name]
    process = subprocess.Popen(
        command + (["--limit", str(limit)] if limit else []),
        cwd=PROJECT_ROOT, env=server.env(**env), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    try:
        server.wait_for_worker(name)  # a run scheduled before it polls would go to the other workers
        yield process
    finally:
        stop_process(process)


def deploy(server: PrefectServer, store: str, **env: str) -> str:
    """``prefect deploy --all`` from ``deploy/prefect.yaml`` as an operator would; return its output."""
    server.cli("work-pool", "create", POOL, "--type", "process", "--overwrite")
    env = server.env(NEWSARCHIVE_PROJECT_DIR=str(PROJECT_ROOT), NEWSARCHIVE_STORE=store, **env)
    return server.cli("deploy", "--all", "--prefect-file", "deploy/prefect.yaml", env=env).stdout


@dataclass
class DeployedServer:
    server: PrefectServer
    store: str  # the deployments' store: a prefix of the SeaweedFS bucket
    worker_env: dict[str, str]  # what a worker needs to reach that bucket


@pytest.fixture(scope="session")
def prefect_server(seaweed) -> Iterator[DeployedServer]:
    """A Prefect server with the pool and every deployment of ``deploy/prefect.yaml``."""
    home = Path(tempfile.mkdtemp(prefix="newsarchive-prefect-"))
    server = PrefectServer(home).start()
    try:
        store = f"s3://{seaweed.bucket}/prefect-tests"
        deploy(server, store)
        yield DeployedServer(server, store, worker_env(seaweed, home / "worker"))
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def worker_env(seaweed, home: Path) -> dict[str, str]:
    """A worker's bucket credentials (and nothing of the caller's AWS setup) and its own workspace,
    as on a machine of its own."""
    return {**seaweed.env(), "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"), "NEWSARCHIVE_HOME": str(home)}


@dataclass
class FinishedRun:
    flow_run: dict  # the parent run, as the API shows it
    store: str
    secret_values: list[str]  # what must never appear in logs or artifacts


@pytest.fixture(scope="session")
def finished_run(prefect_server: DeployedServer, replica, seaweed) -> FinishedRun:
    """One run of the ``newsarchive/sputnik`` deployment, taken by a worker whose only S3
    credentials come from a Secret block (``s3_block``)."""
    server = prefect_server.server
    subprocess.run([sys.executable, "-m", "flows.orchestration.credentials", "save", "newsarchive-s3"], cwd=PROJECT_ROOT,
                   env=server.env(**seaweed.env()), check=True, capture_output=True, timeout=120)
    env = {key: value for key, value in prefect_server.worker_env.items() if key not in seaweed.env()}
    store = f"{prefect_server.store}/sputnik-run"
    with running_worker(server, "block-worker", **env):
        flow_run_id = server.run_deployment("newsarchive/sputnik", {
            "replica": replica.proxy_url, "max_articles": 5, "store": store, "s3_block": "newsarchive-s3"})
        flow_run = server.wait_final(flow_run_id)
        # The engine's last line: the flow process has shipped its logs before the worker stops.
        server.wait_for_log([flow_run_id], "Finished in state")
    return FinishedRun(flow_run, store, [seaweed.access_key, seaweed.secret_key])
