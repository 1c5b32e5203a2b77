"""Dated captures per outlet extract to the records reviewed beside them in tests/outlets/<outlet>/.

Regenerate after an intended change with ``python -m tests.quality.golden_tool`` and review the diff.
"""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from flows.extract.page import extract_html
from tests.quality.golden_tool import GOLDEN_DIR, capture_time, golden_pages

PAGES = golden_pages()


def _expected(page):
    return json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_golden_page_extracts_as_expected(page) -> None:
    document = _expected(page)
    article = extract_html(page.read_bytes(), document["url"], fetched_at=capture_time(page))
    assert (asdict(article) if article else None) == document["expected"]


@pytest.mark.parametrize(
    ("name", "day"),
    [("2020-04-29_sputniknews-radio", "2020-04-28"), ("2020-03-17_sputniknews-arabic", "2020-03-17")],
)
def test_real_sputnik_pages_have_their_known_publication_day(name: str, day: str) -> None:
    page = GOLDEN_DIR / "sputnik" / f"{name}.html"
    article = extract_html(page.read_bytes(), _expected(page)["url"])
    assert article is not None and article.published[:10] == day
