"""Furniture in wordings the rules never saw: found by structure and learned by repetition.

The replica's generated furniture (``spiders.replica.furniture``) writes new appeals,
prompts, captions, related lists, newsletter notes and datelines for each wording
epoch; the rules are taken as they are. The epochs here were not used while the
thresholds were chosen (that was done on epochs 3, 5 and 7).
"""
from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from flows.extract.cleaning import page_lines
from flows.extract.furniture import MIN_PAGES, FurnitureBook, LearnedFurniture, passage_key
from flows.extract.page import STEP_CONTAINER, STEP_PAGE, extract_html, extract_page
from flows.extract.structure import remove_paragraph_furniture, remove_structural_furniture, strip_dateline
from spiders.outlets import SLUGS, get_outlet
from spiders.replica import furniture
from spiders.replica.catalogue import Replica
from tests.quality.evaluate import replica_results

FRESH_EPOCHS = (41, 1729)


@pytest.mark.parametrize("epoch", FRESH_EPOCHS)
def test_a_fresh_epoch_of_generated_wordings_leaks_nothing(epoch: int) -> None:
    problems = []
    for result in replica_results(30, furniture_epoch=epoch):
        s = result.score
        if result.leaks or result.missing or s.precision < 0.99 or s.recall < 0.99:
            problems.append(f"{result.outlet}: {result.leaks} leaks {sorted(set(result.leaked))[:3]}, "
                            f"{result.missing} missing, P {s.precision:.4f} R {s.recall:.4f}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("slug", SLUGS)
def test_no_rule_names_a_generated_wording(slug: str) -> None:
    """The generator does not flatter the rules: no drop, stop or credit pattern matches its wordings."""
    patterns = [re.compile(p, re.IGNORECASE) for rules in get_outlet(slug, environ={}).rules
                for p in (*rules.drop_paragraphs, *rules.stop_paragraphs, *rules.original_source_patterns)]
    replica = Replica(20, furniture_epoch=FRESH_EPOCHS[0])
    texts = list(furniture.all_wordings(replica.seed, slug, FRESH_EPOCHS[0]))
    for truth in replica.articles(slug):
        art = replica.article(slug, replica.entries(slug)[truth.index].rank)
        texts += [t for t in furniture.page_snippets(replica, art) if t not in {e.title for e in replica.entries(slug)}]
    named = sorted({t for t in texts for p in patterns if p.search(t)})
    assert not named, f"rules of {slug} match generated furniture: {named[:5]}"


def test_set_apart_appeals_and_notes_go_from_a_single_page_by_their_shape() -> None:
    """A paragraph wholly in bold or italics that speaks to the reader or names a newsletter:
    removed on a page extracted alone, before anything is learned. (Fails without the
    set-apart signal of ``remove_structural_furniture``.)"""
    replica = Replica(20, furniture_epoch=FRESH_EPOCHS[0])
    wordings = furniture.wordings(replica.seed, "southfront", FRESH_EPOCHS[0])
    pages = []
    for t in replica.articles("southfront"):
        page = replica.article_html("southfront", t.index).decode()
        for appeal in wordings.appeals:  # set apart, whichever way the epoch prints them
            page = page.replace(f"<p>{appeal}</p>", f"<p><strong>{appeal}</strong></p>")
        pages.append((page, t.url))
    assert any(f"<strong>{appeal}" in page for appeal in wordings.appeals for page, _ in pages)
    texts = [extract_html(page, url).text for page, url in pages]
    assert not [w for w in (*wordings.appeals, wordings.note) for text in texts if w in text]


def test_without_learning_appeals_in_plain_paragraphs_leak() -> None:
    """Set in plain paragraphs, the appeals have no shape that gives them away: their repetition
    across pages does (the learning tests below), so a page extracted alone keeps them."""
    replica = Replica(20, furniture_epoch=FRESH_EPOCHS[0])
    appeals = furniture.wordings(replica.seed, "southfront", FRESH_EPOCHS[0]).appeals
    texts = []
    for t in replica.articles("southfront"):
        page = replica.article_html("southfront", t.index).decode()
        for appeal in appeals:
            page = page.replace(f"<p><strong>{appeal}</strong></p>", f"<p>{appeal}</p>")
        texts.append(extract_html(page, t.url).text)
    assert any(appeal in text for appeal in appeals for text in texts)


# --- learning --------------------------------------------------------------------------

APPEAL = "Readers keep this desk going: a small gift each month pays for the next report."
SERIES = "This article is part of our series on water rights in the Euphrates basin."


def _pages(count: int) -> list[list[str]]:
    return [[f"Paragraph one of article {i} about the border talks.", f"Paragraph two of article {i}, with details."]
            for i in range(count)]


def test_a_passage_on_most_pages_is_learned_and_a_series_paragraph_is_not() -> None:
    entry = LearnedFurniture("southfront", "start")
    for i, paragraphs in enumerate(_pages(40)):
        extra = [APPEAL] if i % 4 != 0 else []  # on three pages in four
        extra += [SERIES] if i < 4 else []  # a series of four articles out of forty
        extra += ["The minister quoted the treaty in full."] if i in (7, 9) else []  # quoted in two articles
        entry.learn(f"https://southfront.press/article-{i}/", paragraphs + extra)
    assert passage_key(APPEAL) in entry.furniture_keys()
    assert passage_key(SERIES) not in entry.furniture_keys()
    kept = entry.remove([SERIES, "The minister quoted the treaty in full.", APPEAL, "Paragraph one."])
    assert kept == [SERIES, "The minister quoted the treaty in full.", "Paragraph one."]


def test_a_batch_learns_and_is_cleaned_with_each_paragraphs_key_computed_once(monkeypatch) -> None:
    """``learn_and_finish`` keys each paragraph once for both passes, with the result of two."""
    from flows.extract import furniture as furniture_module
    from flows.extract import warc
    from flows.records.article import ArticleRecord, normalized_text_hash

    names = ["Aleppo", "Basra", "Cairo", "Damascus", "Erbil", "Fallujah", "Gaza", "Homs", "Idlib", "Jenin"]
    bodies = [[f"Paragraph one of the {name} story about the border talks.", f"Paragraph two of the {name} story."]
              for name in names]

    def record(i: int, paragraphs: list[str]) -> ArticleRecord:
        text = "\n\n".join(paragraphs)
        url = f"https://southfront.press/article-{i}/"
        return ArticleRecord(url=url, canonical_url=url, outlet="southfront", title="T", authors=[], published=None,
                             language="en", text=text, tags=[], section=None, original_source=None,
                             warc_filename="a.warc.gz", warc_offset=i, warc_length=1, warc_record_id=f"<urn:{i}>",
                             fetched_at="2026-11-20T12:00:00+00:00", text_sha256=normalized_text_hash(text),
                             extracted_at="now", rules_version="start/abc")

    calls = []
    counted = lambda paragraph: calls.append(paragraph) or passage_key(paragraph)  # noqa: E731
    monkeypatch.setattr(warc, "passage_key", counted)
    monkeypatch.setattr(furniture_module, "passage_key", counted)
    records = [record(i, body + [APPEAL]) for i, body in enumerate(bodies)]
    done, book = warc.learn_and_finish([warc.WarcExtraction(records=records)])
    assert len(calls) == 3 * len(records)  # three paragraphs a page, each keyed once
    assert not done.unextracted
    assert [r.text for r in done.records] == ["\n\n".join(body) for body in bodies]
    # as learning every page, then removing page by page, would give
    entry = LearnedFurniture("southfront", "start")
    for i, body in enumerate(bodies):
        entry.learn(f"https://southfront.press/article-{i}/", body + [APPEAL])
    assert [entry.remove(body + [APPEAL]) for body in bodies] == bodies
    assert book.get("southfront", "start").version == entry.version


def test_a_counter_in_a_notice_does_not_hide_it() -> None:
    """Digits are not words of the notice: "14 days left" and "13 days left" are one passage."""
    assert passage_key("Only 14 days left to fund the newsroom!") == passage_key("only 13 days left to fund the Newsroom")
    assert passage_key("Tags") is None  # one word: a label, never learned


def test_learning_the_same_pages_again_changes_nothing() -> None:
    entry = LearnedFurniture("menafn", "start")
    for i, paragraphs in enumerate(_pages(6)):
        entry.learn(f"https://menafn.com/{1000000 + i}/Story", paragraphs + [APPEAL])
    version = entry.version
    assert not entry.learn("https://menafn.com/1000003/Story", [APPEAL])
    assert entry.version == version and entry.pages == 6
    again = LearnedFurniture.from_json(entry.to_json())
    assert again.version == version and again.furniture_keys() == entry.furniture_keys()


def test_only_the_outlets_own_pages_count() -> None:
    """A story syndicated to other outlets is counted under each outlet, never pooled."""
    book = FurnitureBook()
    for slug in ("southfront", "globalresearch", "menafn"):
        book.entry(slug, "start").learn(f"https://example.org/{slug}/story", [APPEAL, "Other text of the story here."])
    for slug in ("southfront", "globalresearch", "menafn"):
        entry = book.get(slug, "start")
        assert entry.pages == 1 and passage_key(APPEAL) not in entry.furniture_keys()
    assert MIN_PAGES >= 3


# --- structure -------------------------------------------------------------------------

PAGE = "https://southfront.press/talks-resume-on-the-border/"
TEXT = "The delegations met again on Tuesday and agreed to extend the ceasefire by another month, officials said."


def _clean(body: str) -> list[str]:
    tree = lxml_html.fromstring(f"<html><body><div class='c'>{body}</div></body></html>")
    remove_structural_furniture(tree, PAGE, get_outlet("southfront", environ={}).is_article)
    return page_lines(tree)


@pytest.mark.parametrize("furniture_html", [
    "<p><img src='/a.jpg'></p><p><em>Delegates outside the hall</em></p>",
    "<div><img src='/a.jpg'></div><p>Delegates outside the hall</p>",
    "<p>Delegates outside the hall. © Lena Park / EPA</p>",
    "<p>Delegates outside the hall (Image: Wikimedia Commons)</p>",
    "<p>Delegates outside the hall. Photo: Anadolu</p>",
    "<p><strong>In the same file</strong></p><ul><li><a href='/army-advances-near-kharkiv/'>Army advances near "
    "Kharkiv</a></li><li><a href='https://southfront.press/oil-prices-climb-again/'>Oil prices climb again</a></li></ul>",
    "<p>Keep reading: <a href='/army-advances-near-kharkiv/'>Army advances near Kharkiv as talks stall</a></p>",
    "<p>The night desk posts breaking updates first here. <a href='https://t.me/sf_news'>Telegram</a></p>",
    "<p>Get the evening digest on your phone <a href='https://wa.me/channel/x'>WhatsApp</a></p>",
    "<p>Alerts before anyone else <a href='https://signal.group/#abc'>in our group</a></p>",
    # a label without colon or bold before a list written as linked paragraphs
    "<p>Further on this</p><p><a href='/army-advances-near-kharkiv/'>Army advances near Kharkiv</a></p>"
    "<p><a href='https://southfront.press/oil-prices-climb-again/'>Oil prices climb again</a></p>",
    # set-apart notices and an appeal in French
    "<p><em>The opinions expressed here are the contributor's own.</em></p>",
    "<p><em>Translated from the Spanish by the night desk.</em></p>",
    "<p><strong>Soutenez notre travail : chaque don nous aide à rester libres.</strong></p>",
    "<p><small>Columns speak for their writers; the editorial board's view may differ.</small></p>",
    "<p><strong>Spring fund drive: 40 more monthly gifts keep the site running.</strong></p>",
    # a box of lines asking for money, ending in a link to a page shaped like an article
    "<p>This outlet has no owner but its readers.<br>Monthly donations: 60% of the goal.<br>"
    "<a href='/donate/'>Chip in</a></p>",
])
def test_furniture_is_found_by_its_shape(furniture_html: str) -> None:
    assert _clean(f"<p>{TEXT}</p>{furniture_html}<p>{TEXT}</p>") == [TEXT, TEXT]


@pytest.mark.parametrize("body_html", [
    # reporting that names a messenger or links to one, at length or inside a quoted post
    "<p>Russia threatened to block Telegram after the leaks, the regulator said on Monday, and ordered Apple and "
    "Google to remove the app from their stores within a week, citing <a href='https://t.me/rkn'>its channel</a>.</p>",
    "<blockquote><p>We will not sign. <a href='https://x.com/minister/status/1'>March 3, 2024</a></p></blockquote>",
    # sources and photos in ordinary sentences
    "<p>Sources close to the ministry said the plan would be ready by June.</p>",
    "<p>A photo by the agency showed the convoy near the border crossing at dawn, officials said.</p>",
    # a link to another article inside a long sentence
    "<p>As we <a href='/army-advances-near-kharkiv/'>reported</a> last week, the army advanced on the town while "
    "the talks were still under way in Doha, and the two sides traded accusations.</p>",
])
def test_article_text_with_the_same_words_stays(body_html: str) -> None:
    assert _clean(body_html) == page_lines(lxml_html.fromstring(f"<div>{body_html}</div>"))


@pytest.mark.parametrize("body_html", [
    # an interviewer's question set in bold
    "<p><strong>What do you make of the new sanctions on the ports?</strong></p>",
    # a subheading set in bold that names funders
    "<p><strong>Donors pledge $2bn for the port</strong></p>",
    # short lines after an image and its caption: only the caption goes
    "<p>Version notes</p><p>Faster maps</p>",
])
def test_a_caption_or_an_appeal_takes_no_article_text_with_it(body_html: str) -> None:
    image = "<p><img src='/a.jpg'></p><p><em>Delegates outside the hall</em></p>"
    assert _clean(f"<p>{TEXT}</p>{image}{body_html}") == [TEXT, *page_lines(lxml_html.fromstring(f"<div>{body_html}</div>"))]


@pytest.mark.parametrize(("paragraph", "left"), [
    ("(MENAFN) The talks ended without a deal.", "The talks ended without a deal."),
    ("(MENAFN- Kuwait News Agency (KUNA)) The talks ended.", "The talks ended."),
    ("( MENAFN — AzerNews ) The talks ended.", "The talks ended."),
    ("(Reuters) - The talks ended.", "The talks ended."),
    ("(This is an aside in parentheses that is far too long to be a source) The talks ended.",
     "(This is an aside in parentheses that is far too long to be a source) The talks ended."),
    ("(updated) The talks ended.", "(updated) The talks ended."),
])
def test_a_dateline_is_found_by_its_shape(paragraph: str, left: str) -> None:
    assert strip_dateline(paragraph) == left


@pytest.mark.parametrize(("paragraph", "prompt"), [
    ("Our night desk now posts its first updates on Telegram.", True),
    ("The morning digest lands in your inbox at seven; leave whenever you like.", True),
    ("Share this story with a friend", True),
    ("Partagez ce texte autour de vous", True),
    ("Shares of the company fell after the story ran on Monday.", False),
    ("Russia threatened to block Telegram after the leaks, Roskomnadzor said.", False),
    ("Follow-up talks on Telegram's legal status are due next week.", False),
    ("Trump wrote on Twitter: \"We will win this trade war.\"", False),
    ("We reported on Telegram's ban in our Monday edition.", False),
    ("We asked the ministry about the Facebook posts, but it declined to comment on the accusations made by the "
     "opposition leader, who had published the documents on the platform the day before the vote.", False),
])
def test_a_prompt_without_its_link_goes_by_its_shape(paragraph: str, prompt: bool) -> None:
    assert (remove_paragraph_furniture([TEXT, paragraph, TEXT], []) == [TEXT, TEXT]) is prompt


def test_a_call_to_action_ends_in_a_link_to_a_page_that_is_no_article() -> None:
    page = "https://www.globalresearch.ca/talks-resume-on-the-border/5800001"
    box = "<p>Keep this site free to read.<br>It costs money to run.<br><a href='/donate-now'>Chip in</a></p>"
    to_article = "<p>Keep this site free to read.<br><a href='/army-advances/5800000'>Army advances</a></p>"
    for body, left in ((box, [TEXT, TEXT]), (to_article, [TEXT, TEXT])):
        tree = lxml_html.fromstring(f"<html><body><div class='c'><p>{TEXT}</p>{body}<p>{TEXT}</p></div></body></html>")
        remove_structural_furniture(tree, page, get_outlet("globalresearch", environ={}).is_article)
        assert page_lines(tree) == left  # the second: a label and a link to another article
    sentence = f"<p>{TEXT} The full list is on <a href='/documents'>the documents page</a></p>"
    tree = lxml_html.fromstring(f"<html><body><div class='c'>{sentence}</div></body></html>")
    remove_structural_furniture(tree, page, get_outlet("globalresearch", environ={}).is_article)
    assert len(page_lines(tree)) == 1  # one line, no reader addressed: reporting that links a page


@pytest.mark.parametrize(("paragraph", "furniture"), [
    ("Tags: Donbass, Air defence, Black Sea", True),
    ("Mots-clés : Iran | Irak | Énergie", True),
    ("Lena Park is a reporter on the foreign desk and writes about the Caucasus.", True),
    ("All rights reserved. Reprints only with the publisher's consent.", True),
    ("This text may not be republished without written permission.", True),
    ("Tags: the ministry published a long list of new sanctions on Monday.", False),
    ("Lena Park said the talks would resume on Monday.", False),
    ("The copyright dispute went to court on Monday, lawyers for both sides said.", False),
])
def test_tags_bios_and_notices_at_the_edges_go_by_their_shape(paragraph: str, furniture: bool) -> None:
    assert (remove_paragraph_furniture([TEXT, TEXT, TEXT, paragraph], ["Lena Park"]) == [TEXT] * 3) is furniture


def test_bylines_go_by_shape_or_by_the_authors_names() -> None:
    paragraphs = ["By Jane Doe and Omar Haddad", TEXT, "Lena Park", "By the numbers, the deal is a good one.", TEXT]
    assert remove_paragraph_furniture(paragraphs, ["Lena Park"]) == [TEXT, "By the numbers, the deal is a good one.", TEXT]


# --- the chain -------------------------------------------------------------------------

ARTICLE = "".join(f"<p>Paragraph {i} says what the ministry said about the talks on the border and what comes next.</p>"
                  for i in range(6))


def test_without_its_container_the_page_is_read_whole_and_says_so() -> None:
    """MENAFN's old table layout: no article container, the paragraphs in a layout table."""
    page = ("<html><head><title>Talks</title></head><body><table><tr><td class='side'><a href='/'>Home</a></td>"
            f"<td><p>(MENAFN) {TEXT}</p>{ARTICLE}</td></tr></table>"
            "<a id='ContentPlaceHolder1_a_logo_anchor' href='/source/Wire'><img src='/l.png'><h2>Gulf Wire Desk</h2></a>"
            "</body></html>")
    article = extract_html(page, "https://menafn.com/1109300001/Talks-Resume")
    assert article.extraction_step == STEP_PAGE and not article.container_matched
    assert article.text.startswith(TEXT) and "(MENAFN)" not in article.text
    assert "Gulf Wire Desk" not in article.text  # the provider's name under its logo is no text
    assert "Paragraph 5 says" in article.text.split("\n\n")[-1]  # one paragraph per <p>, not one table row


def test_a_container_that_holds_no_text_falls_back_to_the_page() -> None:
    page = (f"<html><body><div class='NewsText'></div><main><article>{ARTICLE}</article></main></body></html>")
    article = extract_html(page, "https://alwaght.net/en/News/123456/Talks-Resume")
    assert article is not None and article.container_matched and article.extraction_step != STEP_CONTAINER


def test_a_page_without_article_text_says_why() -> None:
    found = extract_page("<html><body><div class='NewsText'><p>Short.</p></div></body></html>",
                         "https://alwaght.net/en/News/123456/Talks-Resume")
    assert not hasattr(found, "text") and "container matched" in found.reason and found.outlet == "alwaght"


def test_the_credited_source_is_a_field_not_a_line_of_the_text() -> None:
    """MENAFN prints the source's name under its logo after the story: it is ``original_source``.
    (Fails when ``extract_page`` stops dropping a paragraph that is only the credit.)"""
    replica = Replica(50, furniture_epoch=90210)
    credited = 0
    for t in replica.articles("menafn"):
        article = extract_html(replica.article_html("menafn", t.index), t.url)
        if article.original_source:
            credited += 1
            assert article.original_source not in article.text.split("\n\n"), t.url
    assert credited >= 10
