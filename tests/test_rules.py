"""Per-outlet rules: versions in force by date, and text patterns that survive variants."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from flows.cleaning import apply_paragraph_rules, block_texts, find_credit, prune, strip_spans
from flows.extract import extract_html
from spiders.outlets import SLUGS, get_outlet

GOLDEN = Path(__file__).resolve().parent / "golden"
OLD_SPUTNIK = GOLDEN / "sputnik" / "2019-11-19_sputniknews-columnist.html"
OLD_SPUTNIK_URL = "https://sputniknews.com/columnists/201911181077343476-royal-self-indicting-arrogance/"


@pytest.mark.parametrize("slug", SLUGS)
def test_rule_versions_cover_time_without_gaps_or_overlaps(slug: str) -> None:
    versions = get_outlet(slug, environ={}).rules
    assert versions[0].valid_from is None and versions[-1].valid_until is None
    for older, newer in zip(versions, versions[1:]):
        assert older.valid_until is not None and older.valid_until == newer.valid_from


def test_sputnik_has_a_sputniknews_era_and_a_current_version() -> None:
    sputnik = get_outlet("sputnik", environ={})
    old, new = sputnik.rules_for(date(2019, 11, 18)), sputnik.rules_for(date(2026, 11, 20))
    assert old is not new
    assert old.valid_until is not None and new.valid_from is not None
    assert sputnik.rules_for(None) is new  # unknown date: the newest markup


def test_an_old_capture_extracts_with_the_old_rules() -> None:
    html = OLD_SPUTNIK.read_bytes()
    captured = datetime(2019, 11, 19, tzinfo=timezone.utc)
    article = extract_html(html, OLD_SPUTNIK_URL, fetched_at=captured)
    assert article is not None
    assert article.extra["rules_valid_from"] is None  # the sputniknews.com version
    # The lead (b-article__lead) is body; the credit, short-URL button and disclaimer are not.
    assert article.text.startswith("What was this British royal and his PR aides thinking")
    assert "keep his royal pants dry this time." in article.text
    for furniture in ("Get short URL", "REUTERS", "The views and opinions expressed", "Comment via"):
        assert furniture not in article.text
    assert article.authors == ["Finian Cunningham"]
    assert article.section == "Columnists"
    assert article.published == "2019-11-18T21:17:27+00:00"  # JSON-LD, with its offset
    assert article.canonical_url == "https://sputnikglobe.com/columnists/201911181077343476-royal-self-indicting-arrogance"


def test_without_a_capture_date_the_publication_date_chooses_the_rules() -> None:
    article = extract_html(OLD_SPUTNIK.read_bytes(), OLD_SPUTNIK_URL)
    assert article is not None and article.extra["rules_valid_from"] is None


def _clean(slug: str, paragraphs: list[str]) -> list[str]:
    rules = get_outlet(slug, environ={}).rules_for(None)
    kept = strip_spans(paragraphs, rules.original_source_patterns)
    return apply_paragraph_rules(kept, rules.drop_paragraphs, rules.stop_paragraphs)


BODY = ["The army advanced on the town at dawn, officials said.", "Talks are expected to resume next week."]

# Variants of the furniture: other years, names, links, punctuation, quotes and languages.
FURNITURE = {
    "globalresearch": [
        "By Peter Koenig",
        "Global Research, March 3, 2024",
        "Region: Latin America & Caribbean",
        "Theme: Law and Justice, Police State & Civil Rights",
        "In-depth Report: UKRAINE REPORT",
        "Copyright © Prof Michel Chossudovsky, Global Research, 2024",
        "Comment on Global Research Articles on our Facebook page",
        "Become a Member of Global Research",
        "Articles by: Prof Michel Chossudovsky and Peter Koenig",
        "If you are able, and if you like our content and approach, please support the project.",
        "Tanks near the border | © Syrian Arab Army media wing",
        "Disclaimer: The contents of this article are of sole responsibility of the author(s).",
        "Anything after the disclaimer is furniture too.",
    ],
    "mondialisation": [
        "Par Michel Chossudovsky",
        "Mondialisation.ca, 12 février 2023",
        "Région : Europe",
        "Thème: Guerre USA OTAN",
        "Articles Par : Michel Chossudovsky",
        "Copyright © Michel Chossudovsky, Mondialisation.ca, 2023",
        "Devenez membre de Mondialisation.ca",
        "Avis de non-responsabilité : Les opinions exprimées dans cet article n’engagent que le ou les auteurs.",
        "Contact média: media@globalresearch.ca",
    ],
    "southfront": [
        "If you’re able, and if you like our content and approach, please support the project. Our work wouldn’t "
        "be possible without your help: PayPal: southfront@internet.ru or via: https://southfront.press/donate/",
        "Subscribe to our channel!",
        "Visit us:",
        "Follow us on Social Media:",
        "Our Info-partners:",
        "Fighters near Idlib | © Hezbollah Military Media Center",
        "© SANA",
    ],
    "sputnik": [
        "© AFP 2019/ Delil Souleiman",
        "© REUTERS/ Omar Sanadiki",
        "© Sputnik / Mikhail Voskresenskiy",
        "Get short URL",
        "Never miss a story again - sign up to our Telegram channel and we’ll send you the news",
        "The views and opinions expressed in the article do not necessarily reflect those of Sputnik.",
    ],
    "alwaght": ["Editor’s Choice", "Most Viewed", "Day Week Month", "In Focus", "Tags : Russia Turkey Idlib", "Name :"],
    "menafn": [
        "Legal Disclaimer:",
        "MENAFN provides the information \"as is\" without warranty of any kind.",
    ],
}


@pytest.mark.parametrize("slug", SLUGS)
def test_text_patterns_remove_furniture_variants_and_keep_the_body(slug: str) -> None:
    kept = _clean(slug, BODY + FURNITURE[slug])
    assert kept == BODY


@pytest.mark.parametrize(
    ("slug", "paragraph", "credit", "left"),
    [
        ("menafn", "(MENAFN- Asia Times) The talks ended without a deal.", "Asia Times", "The talks ended without a deal."),
        ("menafn", "(MENAFN – The Journal Of Turkish Weekly) Putin met Hollande.", "The Journal Of Turkish Weekly", "Putin met Hollande."),
        ("globalresearch", "The original source of this article is South Front", "South Front", None),
        ("mondialisation", "La source originale de cet article est Mondialisation.ca", "Mondialisation.ca", None),
    ],
)
def test_credits_become_metadata_and_leave_the_text(slug: str, paragraph: str, credit: str, left: str | None) -> None:
    from lxml import html

    rules = get_outlet(slug, environ={}).rules_for(None)
    tree = html.fromstring(f"<html><body><div><p>{paragraph}</p><p>{BODY[0]}</p></div></body></html>")
    assert find_credit(tree, rules.original_source_patterns) == credit
    kept = strip_spans([paragraph, BODY[0]], rules.original_source_patterns)
    assert kept == ([left] if left else []) + [BODY[0]]


def test_prune_keeps_the_text_that_follows_a_removed_node() -> None:
    from lxml import html

    tree = html.fromstring("<html><body><p>Before <span class='credit'>© AFP</span> after.</p></body></html>")
    assert prune(tree, ["//span[@class='credit']"]) == 1
    assert block_texts(tree) == ["Before after."]


def test_block_texts_splits_blocks_and_line_breaks_and_skips_scripts() -> None:
    from lxml import html

    tree = html.fromstring(
        "<div><p>One <b>bold</b> line<br>Second line</p><script>var x;</script><ul><li>item</li></ul>tail</div>"
    )
    assert block_texts(tree) == ["One bold line", "Second line", "item", "tail"]
