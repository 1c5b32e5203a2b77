"""Crash safety of ``reextract``: SIGKILL at each durable step of a re-extraction, then rerun and audit.

The archive is one run of one outlet over the replica (local store, SQLite state in
its workspace). Each trial copies it, ships a rules fix that changes some of the
outlet's texts (a rule dropping paragraphs with a word some articles contain) and
re-extracts in its own process group (``tests.reliability.reextract_worker``), killed
with SIGKILL at one crash point; then re-extracts again without a kill.

After the rerun every article touched by the fix must have exactly one new version
(version 2, without the word) in the store and in the state, every other article its
first version only, the store must pass the audit of the crash suite (valid WARCs,
indexed, Parquet views covering every record, no partial file), nothing may wait in
the spool or among the pending commits, and a third re-extraction must change nothing.
"""
from __future__ import annotations

import json
import re
import shutil
import signal
from pathlib import Path

import pytest

from storage.state import StateStore
from storage.workspace import workspace_for
from tests.integration.archive_fixtures import a_word_in_some
from tests.reliability.harness import (
    LEDGER,
    VENV_BIN,
    article_records,
    audit,
    hidden_temp_files,
    newsarchive,
    run_args,
    run_env,
    run_group,
)
from tests.servers.replica import running_replica

OUTLET = "sputnik"
ARTICLES = 8
# One WARC is one batch: extraction of its pages, the pending commit, the furniture and
# records files staged and uploaded, the Parquet view, the state commit.
POINTS = ("extract:4", "pending:1", "staged:1", "uploaded:1", "parquet:1", "committed:1")


def _reextract(store: Path, word: str, work: Path, env: dict[str, str]):
    command = [str(VENV_BIN / "python"), "-m", "tests.reliability.reextract_worker", OUTLET, str(store), word]
    return run_group([(command, env)], work)[0]


def _leftovers(store: Path) -> list[str]:
    space = workspace_for(str(store))
    return [p.name for p in space.spool.glob("*.json")] + [p.name for p in space.pending.glob("*.json*")]


@pytest.fixture(scope="module")
def archived(tmp_path_factory, prefect_env):
    work = tmp_path_factory.mktemp("reextract-crash")
    store = work / "archive"
    with running_replica(ARTICLES) as replica:
        run = newsarchive(run_args(OUTLET, store, replica.proxy_url, ARTICLES), work, run_env(work, prefect_env))
    assert run.returncode == 0, run.stderr[-1500:]
    records = [r for r in article_records(store) if r["outlet"] == OUTLET]
    word = a_word_in_some([r["text"] for r in records])
    touched = {r["canonical_url"] for r in records if any(word in p for p in r["text"].split("\n\n"))}
    assert 0 < len(touched) < len(records)
    return store, word, touched, {r["canonical_url"] for r in records}


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_reextract_is_finished_by_the_next_exactly_once(archived, point, tmp_path, prefect_env):
    source, word, touched, urls = archived
    store = tmp_path / "archive"
    shutil.copytree(source, store, symlinks=True)
    env = run_env(tmp_path, prefect_env)

    first = _reextract(store, word, tmp_path, run_env(tmp_path, prefect_env, crash_at=point))
    killed = first.returncode == -signal.SIGKILL
    second = _reextract(store, word, tmp_path, env)
    third = _reextract(store, word, tmp_path, env)
    summaries = [json.loads(r.stdout.splitlines()[-1]) if r.returncode == 0 and r.stdout.strip() else {}
                 for r in (second, third)]

    found = audit(store)
    with StateStore(workspace_for(str(store)).state_db) as db:
        latest = {url: v.version for url, v in db.latest_versions(OUTLET).items()}
    expected = {url: 2 if url in touched else 1 for url in urls}
    new_texts = [r["text"] for r in article_records(store) if r.get("version") == 2]
    problems = {
        "not killed": not killed,
        "rerun failed": second.returncode != 0 or third.returncode != 0,
        "versions in the store": set(found.records) != {(url, v) for url in urls for v in range(1, expected[url] + 1)},
        "a version stored twice": found.duplicates != 0,
        "state disagrees": latest != expected,
        "word kept": any(re.search(rf"\b{word}\b", p) for t in new_texts for p in t.split("\n\n")),
        "store audit": bool(found.problems() or found.dangling),
        "partial files": bool(hidden_temp_files(store)),
        "left waiting": bool(_leftovers(store)),
        "third run changed something": summaries[1].get("changed", -1) != 0,
    }
    bad = [name for name, failed in problems.items() if failed]
    if killed:
        LEDGER.crash_trials += 1
        LEDGER.crash_points.add(f"reextract {point.split(':')[0]}")
        LEDGER.configurations.add("local+sqlite")
    LEDGER.count(found, urls)
    outcome = (f"{'killed' if killed else 'NOT KILLED'}; rerun changed {summaries[0].get('changed')}, "
               f"third run {summaries[1].get('changed')}; {len([u for u in latest if latest[u] == 2])}/{len(touched)} "
               f"new versions" + (f"; {', '.join(bad)}" if bad else ""))
    LEDGER.add("crash", f"local+sqlite reextract {point}", outcome, not bad)
    assert not bad, (bad, first.stderr[-800:], second.stderr[-800:], found.problems()[:3])
