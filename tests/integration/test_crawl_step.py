"""The crawl step's own failure modes: a crawl that overruns its time limit fails its outlet clearly."""
from __future__ import annotations

import pytest

from flows.pipeline.crawl import CrawlFailed, run_crawl
from tests.servers.replica import running_replica


def test_a_crawl_over_its_time_limit_fails_with_one_line_and_leaves_no_complete_warc(tmp_path):
    # Every response takes 0.3 s: the crawl of 20 articles needs some seconds, its limit is 1 s.
    with running_replica(20, latency_ms=300) as slow, pytest.raises(CrawlFailed) as failure:
        run_crawl("sputnik", tmp_path, 20, set(), proxy=slow.proxy_url, delay=0, timeout=1)
    assert str(failure.value).startswith("crawl of sputnik timed out after")
    assert "\n" not in str(failure.value)
    assert not list(tmp_path.rglob("*.warc.gz"))


def test_since_fetches_only_articles_published_from_that_moment(replica, tmp_path):
    from datetime import datetime

    truths = replica.catalogue.articles("sputnik")
    since = datetime.fromisoformat(truths[3].published)  # the fourth newest article's publication time
    expected = {t.url for t in truths if datetime.fromisoformat(t.published) >= since and t.status == 200}
    result = run_crawl("sputnik", tmp_path, 50, set(), proxy=replica.proxy_url, delay=0, since=since)
    assert result.stats["fetched"] == len(expected) >= 4
    assert result.stats["skipped_old"] == result.stats["discovered"] - len(expected)


def test_a_crawl_ends_right_though_the_fork_server_is_lost_while_it_runs(tmp_path):
    # multiprocessing learns a forked crawl's status from the fork server: with the server
    # killed mid-crawl it reports 255 at once, while the crawl goes on. The crawl's own
    # status file and its process tell the truth; the next crawl gets a new server.
    import multiprocessing.forkserver
    import os
    import signal
    import threading
    import time

    from flows import fork_server

    fork_server.start()
    server = multiprocessing.forkserver._forkserver._forkserver_pid
    first = tmp_path / "first"

    def kill_the_server_once_the_crawl_runs() -> None:
        while not (first / "crawl.log").exists():
            time.sleep(0.01)
        os.kill(server, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_server_once_the_crawl_runs, daemon=True)
    with running_replica(8, latency_ms=150) as slow:
        killer.start()
        result = run_crawl("sputnik", first, 8, set(), proxy=slow.proxy_url, delay=0, timeout=120)
        killer.join(5)
        assert result.stats["fetched"] == 8
        again = run_crawl("alwaght", tmp_path / "again", 2, set(), proxy=slow.proxy_url, delay=0, timeout=120)
    assert again.stats["fetched"] == 2
    assert multiprocessing.forkserver._forkserver._forkserver_pid != server


def test_a_crawl_ends_right_though_another_thread_reads_its_status_first(tmp_path):
    # Process.start() in any thread polls every other child (multiprocessing.process._cleanup):
    # for a forked child that reads its status pipe, and the crawl's own join then reads EOF,
    # which multiprocessing reports as 255. Here another reader is blocked on the pipe when
    # the crawl ends; it wins the race most times (crawls are tried until it has won once).
    import multiprocessing
    import os
    import threading
    import time

    def read_the_status(stolen: list[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            crawls = [p for p in multiprocessing.active_children() if p.name == "crawl alwaght"]
            if crawls:
                stolen.append(os.read(crawls[0].sentinel, 8))
                return
            time.sleep(0.005)

    steals = 0
    with running_replica(4, latency_ms=100) as slow:
        for attempt in range(8):
            stolen: list[bytes] = []
            reader = threading.Thread(target=read_the_status, args=(stolen,), daemon=True)
            reader.start()
            result = run_crawl("alwaght", tmp_path / str(attempt), 4, set(), proxy=slow.proxy_url, delay=0,
                               timeout=120)
            reader.join(5)
            assert result.stats["fetched"] == 4
            steals += bool(stolen and len(stolen[0]) == 8)
            if steals:
                break
    assert steals  # the race was lost by the crawl's own join at least once
