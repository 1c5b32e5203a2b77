"""A 429 or 503 with Retry-After holds the outlet's next request (the retry) that long."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from flows.pipeline.crawl import run_crawl
from spiders.retry_after import retry_after_seconds
from storage.warc_reader import iter_responses
from spiders.replica.catalogue import Replica
from tests.servers.replica import running_replica

ARTICLES = 3


def _first_article_path() -> str:
    article = next(t for t in Replica(articles_per_outlet=ARTICLES, seed=1).articles("sputnik") if t.status == 200)
    return urlsplit(article.url).path


def _gap_before_success(fault: str, tmp_path) -> float:
    """Seconds between the faulty answer for an article and its successful retry."""
    path = _first_article_path()
    with running_replica(ARTICLES, faults=[f"sputnikglobe.com{path}={fault}"]) as replica:
        result = run_crawl("sputnik", tmp_path, ARTICLES, set(), proxy=replica.proxy_url, delay=0)
    answers = sorted((r.date, r.status) for warc in result.warc_paths for r in iter_responses(warc)
                     if urlsplit(r.url).path == path)
    statuses = [status for _, status in answers]
    assert statuses[0] in (429, 503) and statuses[-1] == 200, statuses
    return (answers[-1][0] - answers[0][0]).total_seconds()


def test_the_retry_waits_what_retry_after_asks(tmp_path):
    assert _gap_before_success("503:retry-after=2,times=1", tmp_path / "asked") >= 2.0
    assert _gap_before_success("429:retry-after=2,times=1", tmp_path / "asked-429") >= 2.0
    # Without the header the retry goes out as soon as the slot allows.
    assert _gap_before_success("503:times=1", tmp_path / "not-asked") < 1.5


@pytest.mark.parametrize(("value", "seconds"), [
    (b"120", 120.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 30.0),  # an HTTP date, 30 s after ``now``
    ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),   # already past
    (b"soon", None),
    (None, None),
])
def test_retry_after_values(value, seconds):
    now = 1445412450.0  # 2015-10-21 07:27:30 UTC
    assert retry_after_seconds(value, now) == seconds
