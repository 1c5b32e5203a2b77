"""Pytest fixtures for a real S3 server (SeaweedFS) and stores on it.

Registered by ``tests/conftest.py`` (``pytest_plugins``).
``seaweed`` is one server per session; ``s3_store`` gives each test a fresh
prefix in its bucket, so tests never see each other's objects.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from storage.s3 import S3Store
from tests.servers.s3 import SeaweedS3


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory) -> Iterator[SeaweedS3]:
    with SeaweedS3(tmp_path_factory.mktemp("seaweed")) as server:
        yield server


@pytest.fixture
def s3_env(seaweed: SeaweedS3, monkeypatch, tmp_path) -> SeaweedS3:
    """The AWS variables of the session server, and nothing else of the caller's AWS setup."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3",
                 "AWS_DEFAULT_REGION", "NEWSARCHIVE_S3_ADDRESSING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    for name, value in seaweed.env().items():
        monkeypatch.setenv(name, value)
    return seaweed


@pytest.fixture
def s3_prefix(s3_env: SeaweedS3) -> str:
    """A fresh ``s3://bucket/prefix`` URI for one test."""
    return f"s3://{s3_env.bucket}/t-{secrets.token_hex(6)}"


@pytest.fixture
def s3_store(s3_prefix: str) -> S3Store:
    return S3Store.from_uri(s3_prefix)
