"""``newsarchive history URL``: every capture and version of an article, from the store's state."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spiders.urls import canonical_url
from storage.state import StateStore
from tests.integration.revisit_scenario import scenario

VENV_BIN = Path(sys.executable).parent


def history(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "newsarchive"), "history", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return scenario(tmp_path_factory)


def _urls_with(runs, status: str, version: int) -> list[str]:
    with StateStore(runs.store / ".newsarchive" / "state.sqlite") as state:
        return sorted(url for slug in ("southfront", "sputnik", "menafn")
                      for url, v in state.latest_versions(slug).items() if v.status == status and v.version == version)


def test_history_of_an_edited_article_shows_captures_and_versions_with_the_diff(runs):
    url = _urls_with(runs, "ok", 2)[0]
    given = url.replace("https://", "http://") + "?utm_source=feed"  # any form of the URL
    result = history(given, "--store", str(runs.store))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == url
    captures = [line for line in lines if " capture " in line]
    versions = [line for line in lines if " version " in line]
    assert len(captures) == 2 and " 200  response " in captures[0] and "sha1:" in captures[0]
    assert len(versions) == 2 and "paragraphs" in versions[1] and "words" in versions[1]
    assert lines.index(captures[1]) < lines.index(versions[1])  # time order


def test_history_of_a_removed_article_ends_with_its_tombstone(runs):
    url = _urls_with(runs, "gone", 2)[0]
    result = history(url, "--store", str(runs.store), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["canonical_url"] == canonical_url(url)
    assert [c["kind"] for c in data["captures"]] == ["response", "gone"]
    assert [v["status"] for v in data["versions"]] == ["ok", "gone"]
    assert data["versions"][-1]["http_status"] in (301, 404, 410)


def test_history_of_an_unknown_url_is_one_line_and_exit_1(runs, tmp_path):
    result = history("https://sputnikglobe.com/never-archived", "--store", str(runs.store))
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "no history" in result.stderr
    result = history("ftp://example.org/x", "--store", str(runs.store))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    result = history("https://sputnikglobe.com/x", "--store", str(tmp_path / "empty"))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
