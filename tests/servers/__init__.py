"""The servers the tests start as subprocesses on free loopback ports, each stopped by its PID:
the outlet replica, SeaweedFS (S3), PostgreSQL and Prefect."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
