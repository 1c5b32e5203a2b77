"""Shared test set-up: servers are started by fixtures as subprocesses on free loopback ports."""
import os

# Prefect: no telemetry, and a project-local home so tests never touch a user's ~/.prefect.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

pytest_plugins = ["tests.servers.replica", "tests.servers.s3_fixtures", "tests.servers.prefect"]
