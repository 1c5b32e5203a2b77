"""``reextract``: an outlet's stored WARCs extracted again; new versions only where text or metadata changed.

The archive is one demo run over the replica. A rules fix is simulated the way a
developer makes one: a new version of the outlet's rules in the registry (here
patched in this process, where extraction then runs: one extraction worker).
"""
from __future__ import annotations

import dataclasses
import io
import json

import pyarrow.parquet as pq
import pytest

import spiders.outlets as registry
from flows.pipeline.reextract import ReextractRequest, reextract
from flows.records.jsonl import read_records
from storage.state import StateStore
from storage.workspace import workspace_for
from tests.integration.archive_fixtures import a_word_in_some, newsarchive, rules_dropping, stored_records

OUTLET = "sputnik"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    work = tmp_path_factory.mktemp("reextract")
    run = newsarchive("demo", "--store", str(work / "archive"), "--articles-per-outlet", "12",
                      "--outlets", f"{OUTLET},menafn", cwd=work)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    return work / "archive"


@pytest.fixture
def one_worker(monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_EXTRACT_WORKERS", "1")  # extraction in this process, with its registry


def _latest(archive) -> dict:
    with StateStore(workspace_for(str(archive)).state_db) as state:
        return state.latest_versions(OUTLET)


def test_with_unchanged_rules_nothing_changes(archive, one_worker) -> None:
    summary = reextract(ReextractRequest(OUTLET, str(archive)))
    assert (summary.warcs, summary.pages, summary.changed, summary.unchanged) == (1, 12, 0, 12)
    assert summary.unextracted == 0 and summary.superseded == 0
    assert all(v.version == 1 for v in _latest(archive).values())


def test_a_rules_fix_writes_new_versions_where_the_text_changed_and_only_there(archive, one_worker, monkeypatch):
    before = {r["canonical_url"]: r for r in stored_records(archive) if r["outlet"] == OUTLET}
    word = a_word_in_some([r["text"] for r in before.values()])
    touched = {url for url, r in before.items() if any(word in p for p in r["text"].split("\n\n"))}
    assert 0 < len(touched) < len(before)
    outlet = registry._BUILTIN[OUTLET]
    monkeypatch.setitem(registry._BUILTIN, OUTLET, dataclasses.replace(outlet, rules=rules_dropping(outlet, word)))

    summary = reextract(ReextractRequest(OUTLET, str(archive)))
    assert summary.changed == len(touched) and summary.unchanged == len(before) - len(touched)
    latest = _latest(archive)
    assert {url for url, v in latest.items() if v.version == 2} == touched
    [records_key] = [f["key"] for f in summary.files if f["key"].startswith("articles/")]
    new = {r["canonical_url"]: r for r in read_records((archive / records_key).read_bytes())}
    assert set(new) == touched
    for url, record in new.items():
        assert record["version"] == 2 and word not in record["text"]
        assert record["diff"]["reason"] == "reextracted" and record["diff"]["previous_version"] == 1
        assert record["diff"]["changed"] == ["text"] and record["diff"]["words_removed"] > 0
        assert record["fetched_at"] == before[url]["fetched_at"]  # a new reading of the same capture
        assert latest[url].text_sha256 == record["text_sha256"]
    manifest = json.loads((archive / "manifests" / f"{summary.run_id}.json").read_text())
    assert manifest["kind"] == "reextract" and manifest["outlets"][OUTLET]["changed"] == len(touched)
    day = records_key.split("/")[2:5]
    table = pq.read_table(io.BytesIO((archive / "parquet" / OUTLET / "/".join(day[:2]) / f"{day[2]}.parquet").read_bytes()))
    assert {(u, v) for u, v in zip(table["canonical_url"].to_pylist(), table["version"].to_pylist()) if v == 2} == \
        {(url, 2) for url in touched}

    again = reextract(ReextractRequest(OUTLET, str(archive)))  # idempotent: the fix is in the archive now
    assert (again.changed, again.unchanged) == (0, len(before))
    assert _latest(archive) == latest


def test_the_period_limits_the_warcs_read(archive, one_worker) -> None:
    from datetime import date

    assert reextract(ReextractRequest(OUTLET, str(archive), start=date(2099, 1, 1))).warcs == 0


def test_the_command_prints_a_summary_and_refuses_bad_input(archive) -> None:
    # two outlets in one process, one after the other, each with its summary and manifest
    ok = newsarchive("reextract", "--outlet", "menafn,sputnik", "--store", str(archive), cwd=archive.parent)
    assert ok.returncode == 0, ok.stderr.decode()
    lines = ok.stdout.decode().splitlines()
    assert lines[0].startswith("menafn: 1 WARC(s) read, 0 already done, 12 page(s): 0 changed, 12 unchanged")
    assert lines[2].startswith("sputnik: 1 WARC(s) read, 0 already done, 12 page(s): ")
    manifests = [line.removeprefix("manifest: ") for line in lines[1::2]]
    assert len(lines) == 4 and len(set(manifests)) == 2
    assert [json.loads((archive / key).read_text())["outlets"].keys() for key in manifests] == [{"menafn"}, {"sputnik"}]
    for args, message in ((["--outlet", "nosuch"], "unknown outlet 'nosuch'"),
                          (["--outlet", "sputnik,nosuch"], "unknown outlet 'nosuch'"),
                          (["--outlet", "sputnik", "--from", "2026-12-02", "--to", "2026-12-01"], "is after --to")):
        bad = newsarchive("reextract", *args, "--store", str(archive), cwd=archive.parent)
        lines = bad.stderr.decode().strip().splitlines()
        assert bad.returncode == 2 and len(lines) == 1 and message in lines[0], bad.stderr
