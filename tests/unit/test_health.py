"""Extraction health signals, and drift against an outlet's baseline."""
from __future__ import annotations

import pytest

from flows.config import ConfigError, load_settings
from flows.extract.cleaning import words
from flows.health.drift import BASELINE, DEGRADED, HEALTHY, TOO_FEW, Thresholds, judge
from flows.health.signals import OutletHealth, measure
from flows.records.article import ArticleRecord, normalized_text_hash

WORDS = " ".join(f"word{i}" for i in range(300))


def record(i: int, text: str = WORDS, step: str = "container", matched: bool = True, title: str | None = "T",
           published: str | None = "2026-11-20T12:00:00+00:00", authors=("A",), removed: int = 0) -> ArticleRecord:
    return ArticleRecord(
        url=f"https://example.org/{i}", canonical_url=f"https://example.org/{i}", outlet="sputnik", title=title,
        authors=list(authors), published=published, language="en", text=text, tags=[], section=None,
        original_source=None, warc_filename="a.warc.gz", warc_offset=0, warc_length=1, warc_record_id=f"<urn:{i}>",
        fetched_at="2026-11-20T12:00:00+00:00", text_sha256=normalized_text_hash(text),
        extracted_at="2026-11-20T12:00:00+00:00",
        extraction_step=step, container_matched=matched, extra={"removed_words": {"rules": removed} if removed else {}})


def healthy(n: int = 40) -> OutletHealth:
    return measure([record(i) for i in range(n)])


def test_signals_are_shares_of_the_pages_and_word_counts() -> None:
    records = [record(i) for i in range(30)] + [record(30 + i, step="page", matched=False, title=None, published=None,
                                                       authors=(), text=WORDS + " " + WORDS, removed=100)
                                                for i in range(10)]
    health = measure(records, unextracted=[{"reason": "no article text"}] * 2, blocked=1, duplicates=4,
                     near_duplicates=2)
    assert health.pages == 42 and health.records == 40
    assert health.container_matched == 0.75
    assert health.steps == {"container": 0.75, "page": 0.25}
    assert health.unextracted == round(2 / 42, 4) and health.unextracted_reasons == {"no article text": 2}
    assert health.words_median == 300 and health.words_spread == 225  # quartiles 300 and 525
    assert (health.title_filled, health.date_filled, health.authors_filled, health.language_filled) == (0.75, 0.75, 0.75, 1.0)
    assert health.furniture_removed == round(1000 / (1000 + 30 * 300 + 10 * 600), 4)
    assert health.blocked == round(1 / 43, 4) and health.duplicate == 0.1 and health.near_duplicate == 0.05
    assert OutletHealth.from_dict(health.to_dict()) == health


def test_measuring_a_run_keeps_none_of_its_texts() -> None:
    # The flow process measures every outlet of a run: the per-page word cache would hold
    # the last 256 article texts and their words (about 10 MB at 10,002 replica articles).
    words.cache_clear()
    health = measure([record(i, text=f"{WORDS} extra{i}") for i in range(40)])
    assert health.words_median == 301 and words.cache_info().currsize == 0


def test_a_run_with_too_few_pages_is_not_judged() -> None:
    verdict = judge(measure([record(i) for i in range(3)]), [healthy()], Thresholds(min_pages=10))
    assert verdict.status == TOO_FEW and "3 page(s)" in verdict.note and not verdict.findings


def test_the_first_judged_run_starts_the_baseline() -> None:
    assert judge(healthy(), []).status == BASELINE


def test_a_run_like_its_baseline_is_healthy() -> None:
    verdict = judge(healthy(35), [healthy(), healthy(50)])
    assert verdict.status == HEALTHY and verdict.findings == [] and verdict.baseline["container_matched"] == 1.0


def test_a_lost_container_is_drift_naming_the_signal_and_both_values() -> None:
    broken = measure([record(i, step="page", matched=False, text=" ".join([WORDS] * 3)) for i in range(40)])
    verdict = judge(broken, [healthy(), healthy()])
    assert verdict.status == DEGRADED
    assert "container matched 0% of 40 pages, baseline 100%" in verdict.findings
    assert "median words per article 900, baseline 300" in verdict.findings
    assert verdict.summary("menafn").startswith("menafn: container matched 0% of 40 pages, baseline 100%")


def test_a_date_that_stops_being_found_is_drift() -> None:
    verdict = judge(measure([record(i, published=None) for i in range(20)]), [healthy()])
    assert verdict.findings == ["date found 0% of 20 pages, baseline 100%"]


def test_small_moves_are_not_drift_and_thresholds_are_settings() -> None:
    some_lost = measure([record(i) for i in range(30)] + [record(30 + i, published=None) for i in range(10)])
    assert judge(some_lost, [healthy()]).status == HEALTHY  # 75% against 100%: under the default 0.3
    assert judge(some_lost, [healthy()], Thresholds(share_change=0.2)).status == DEGRADED


def test_health_thresholds_come_from_the_settings_file(tmp_path) -> None:
    assert load_settings(environ={}).health == Thresholds()
    mine = tmp_path / "mine.toml"
    mine.write_text("[health]\nmin_pages = 3\nshare_change = 0.5\n")
    assert load_settings(mine, environ={}).health == Thresholds(min_pages=3, share_change=0.5)
    for text, message in (("[health]\nmin_pages = 0\n", "health.min_pages is out of range"),
                          ("[health]\nwords_factor = 1\n", "health.words_factor is out of range"),
                          ("[health]\nmin_pages = 2.5\n", "health.min_pages must be a whole number"),
                          ("[health]\nnosuch = 1\n", "unknown key health.nosuch")):
        mine.write_text(text)
        with pytest.raises(ConfigError, match=message):
            load_settings(mine, environ={})
