"""Applying an outlet's extraction rules around trafilatura.

Before trafilatura: the outlet's article container is copied into a small document of
its own (``article_document``), and the rule's XPath prunes go to trafilatura's
``prune_xpath`` hook. After it: paragraph patterns remove what markup could not (a
disclaimer typed into the article body), and credit lines become metadata.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from functools import lru_cache

from lxml import etree, html

_WORD = re.compile(r"\w+", re.UNICODE)
# Less text than this is a navigation stub or an empty shell, not an article.
MIN_ARTICLE_WORDS = 10
# Runs of blanks that normalise to one space: two or more, or any that is not a plain space
# (a single space is left alone, which makes the substitution a third faster on prose).
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f]{2,}|[\t\r\f\v\u00a0\u2009\u202f]")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main ol p pre section table tbody td th thead tr ul".split()
)
_SECTIONING_TAGS = frozenset("article div main section".split())  # may hold loose text runs
_LAYOUT_CHILD_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 div blockquote table".split())  # not inside a text list
_SKIP_TAGS = frozenset("script style noscript template iframe form button select input textarea svg object embed".split())


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.UNICODE)


# The class test of the outlets' rules: the word ``name`` among the element's classes.
_CLASS_TEST = re.compile(r'contains\(concat\(" ", normalize-space\(@class\), " "\), " ([^" ]+) "\)')


@lru_cache(maxsize=512)
def xpath(expression: str) -> etree.XPath:
    """``expression`` compiled once (``element.xpath(string)`` compiles it at every call).

    A class test (``contains(concat(" ", normalize-space(@class), " "), " name ")``) is
    preceded by the plain ``contains(@class, "name")``, which selects the same elements (a
    class word is a substring of the attribute) and spares the normalisation of every
    element's attribute: a third of the time of an outlet's container XPath.
    """
    return etree.XPath(_CLASS_TEST.sub(lambda m: f'(contains(@class, "{m[1]}") and {m[0]})', expression))


def article_document(tree: html.HtmlElement, body_xpath: str,
                     matches: Sequence[etree._Element] | None = None) -> html.HtmlElement | None:
    """A new document holding only the containers matched by ``body_xpath``, ready for trafilatura.

    The containers (say a lead and the text below it) go, in page order, into one
    ``<article itemprop="articleBody">`` so that trafilatura takes all of them as the main
    content: left as they were, it would pick the first container it recognises (often
    the one marked ``itemprop="articleBody"``) and drop a lead beside it. The containers
    lose their own attributes, which served only to find them. Loose text in a container
    (a lead that is a bare ``<div>`` of text) becomes a ``<p>``: trafilatura reads
    paragraphs, not bare divs; a list used as layout becomes blocks. A node inside an
    already chosen node is not taken twice.
    ``matches``: what ``body_xpath`` selects on ``tree``, when the caller evaluated it already.
    Returns None when no container matches.
    """
    matches = [m for m in (xpath(body_xpath)(tree) if matches is None else matches) if isinstance(m, etree._Element)]
    if not matches:
        return None
    chosen: list[etree._Element] = []
    for element in matches:  # XPath returns document order: ancestors come first
        if not any(c in chosen for c in element.iterancestors()):
            chosen.append(element)
    document = html.Element("html")
    article = etree.SubElement(etree.SubElement(document, "body"), "article", itemprop="articleBody")
    for element in chosen:
        container = deepcopy(element)
        container.tail = None
        container.attrib.clear()
        _unlist_layout_lists(container)
        unwrap_layout_tables(container)
        if container.tag in _SECTIONING_TAGS:
            _wrap_loose_text(container)
        article.append(container)
    return document


def _unlist_layout_lists(root: etree._Element) -> None:
    """Turn lists whose items hold paragraphs or headings (live-update feeds) into plain blocks.

    Trafilatura writes a list item as one line, which would run an update's headline and
    paragraphs together; such a list is layout, its items are sections of the article.
    """
    for item in list(root.iter("li")):
        if any(isinstance(child.tag, str) and child.tag in _LAYOUT_CHILD_TAGS for child in item.iterdescendants()):
            item.tag = "div"
            parent = item.getparent()
            if parent is not None and parent.tag in ("ul", "ol"):
                parent.tag = "div"


_LAYOUT_CELL_CHILDREN = frozenset("p div h1 h2 h3 h4 h5 h6 ul ol blockquote table".split())


def unwrap_layout_tables(root: etree._Element) -> None:
    """Turn tables used as page layout (a cell holds paragraphs) into plain blocks.

    Trafilatura reads a table as data: one line per row, cells joined by "|", which
    would run an old table-layout page's paragraphs into one line.
    """
    for table in list(root.iter("table")):
        cells = [c for c in table.iter("td", "th")]
        if not any(isinstance(child.tag, str) and child.tag in _LAYOUT_CELL_CHILDREN for c in cells for child in c):
            continue
        for element in [table, *table.iter("tbody", "thead", "tfoot", "tr", "td", "th")]:
            element.tag = "div"
            for name in ("width", "border", "cellpadding", "cellspacing", "valign", "align"):
                element.attrib.pop(name, None)


def _is_block(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and (element.tag in _BLOCK_TAGS or element.tag in _SKIP_TAGS)


def _wrap_loose_text(container: etree._Element) -> None:
    """Gather each run of text and inline elements lying directly in ``container`` into a ``<p>``."""
    children = list(container)
    text, container.text = container.text, None
    for child in children:
        container.remove(child)
    paragraph: etree._Element | None = None

    def add_text(value: str | None) -> None:
        nonlocal paragraph
        if not value:
            return
        if paragraph is None:
            if not value.strip():
                return  # whitespace between blocks
            paragraph = etree.SubElement(container, "p")
        if len(paragraph):
            paragraph[-1].tail = (paragraph[-1].tail or "") + value
        else:
            paragraph.text = (paragraph.text or "") + value

    add_text(text)
    for child in children:
        tail, child.tail = child.tail, None
        if _is_block(child):
            container.append(child)
            paragraph = None
        else:
            if paragraph is None:
                paragraph = etree.SubElement(container, "p")
            paragraph.append(child)
        add_text(tail)


# Both are asked about the same strings again and again within a page (a paragraph is
# counted by the caption, prompt, byline and headline checks, a node's text by three
# structural passes): about three in four calls repeat one of the last 256 strings. The
# caches are small, so a worker holds a few pages' worth at most.
@lru_cache(maxsize=256)
def words(text: str) -> tuple[str, ...]:
    """The words of ``text`` (``\\w+`` runs): what "words per article" counts."""
    return tuple(_WORD.findall(text or ""))


def word_count(text: str) -> int:
    """``len(words(text))`` for a whole article, uncached: a process that counts a run's
    articles once each would otherwise keep the last 256 texts and their words. (The list
    of one text's words lives for the call alone: a quarter faster than counting matches.)"""
    return len(_WORD.findall(text or ""))


@lru_cache(maxsize=256)
def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def output_paragraphs(text: str) -> list[str]:
    """Trafilatura's text output (one block per line) as a list of non-empty paragraphs."""
    return [p for p in (normalize_space(line) for line in text.splitlines()) if p]


def strip_spans(paragraph_list: Sequence[str], patterns: Iterable[str]) -> list[str]:
    """Remove the spans matched by ``patterns`` (credits inside a paragraph); drop emptied ones."""
    regexes = [compiled(p) for p in patterns]
    kept = []
    for paragraph in paragraph_list:
        for regex in regexes:
            paragraph = regex.sub(" ", paragraph)
        paragraph = normalize_space(paragraph)
        if re.search(r"\w", paragraph):
            kept.append(paragraph)
    return kept


def apply_paragraph_rules(
    paragraph_list: Sequence[str], drop: Iterable[str], stop: Iterable[str]
) -> list[str]:
    """Cut at the first ``stop`` match, then drop every paragraph matching ``drop``."""
    stop_res = [compiled(p) for p in stop]
    drop_res = [compiled(p) for p in drop]
    kept: list[str] = []
    for paragraph in paragraph_list:
        if any(r.search(paragraph) for r in stop_res):
            break
        if any(r.search(paragraph) for r in drop_res):
            continue
        kept.append(paragraph)
    return kept


def find_credit(tree: html.HtmlElement, patterns: Iterable[str]) -> str | None:
    """The first group of the first pattern matching a line (block or ``<br>`` line) of the page."""
    regexes = [compiled(p) for p in patterns]
    if not regexes:
        return None
    for line in page_lines(tree):
        for regex in regexes:
            match = regex.search(line)
            if match and match.group(1).strip():
                return normalize_space(match.group(1)).strip(" .,:;-–—")
    return None


def page_lines(root: etree._Element) -> list[str]:
    """The text of ``root`` as lines: one per block element or ``<br>``-separated line.

    Credit lines ("The original source of this article is ...") sit in page furniture
    that trafilatura rightly leaves out, so they are looked for here, on the whole page.
    """
    blocks: list[str] = []
    line: list[str] = []

    def flush() -> None:
        text = normalize_space("".join(line))
        if text:
            blocks.append(text)
        line.clear()

    def walk(element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP_TAGS or not tag:  # comments and processing instructions too
            if element.tail:
                line.append(element.tail)
            return
        block = tag in _BLOCK_TAGS
        if block or tag == "br":
            flush()
        if element.text:
            line.append(element.text)
        for child in element:
            walk(child)
        if block:
            flush()
        if element.tail:
            line.append(element.tail)

    walk(root)
    flush()
    return blocks
