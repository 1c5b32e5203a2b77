"""The servers the tests start as subprocesses on free loopback ports, each stopped by its PID:
the outlet replica, SeaweedFS (S3), PostgreSQL, Prefect and pywb."""
import socket
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
