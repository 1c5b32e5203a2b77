"""Applying an outlet's extraction rules: structural pruning first, text patterns second.

Structural prunes remove page furniture (credits, appeals, related links, comment
forms) from the lxml tree before trafilatura sees it; paragraph patterns then catch
what markup alone cannot (a disclaimer typed into the article body).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from functools import lru_cache

from lxml import etree, html

# Block elements whose text can hold a credit line; bigger containers are skipped
# because their text is the sum of their children's.
_CREDIT_TAGS = ("p", "div", "span", "li", "td", "em", "strong", "small", "b", "i", "h4", "h5", "h6", "blockquote")
_MAX_CREDIT_TEXT = 1000
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2009\u202f]+")


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.UNICODE)


def remove_element(element: etree._Element) -> None:
    """Remove ``element`` but keep its tail text, which belongs to the parent."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def prune(tree: html.HtmlElement, xpaths: Iterable[str]) -> int:
    """Remove every node matched by any of ``xpaths``; returns how many went."""
    removed = 0
    for xpath in xpaths:
        for element in tree.xpath(xpath):
            if isinstance(element, etree._Element) and element.getparent() is not None:
                remove_element(element)
                removed += 1
    return removed


def select_body(tree: html.HtmlElement, body_xpath: str) -> html.HtmlElement | None:
    """A new document holding only the nodes matched by ``body_xpath``, in page order.

    Ancestors of an already selected node are skipped so nothing is taken twice.
    """
    matches = [m for m in tree.xpath(body_xpath) if isinstance(m, etree._Element)]
    if not matches:
        return None
    chosen: list[etree._Element] = []
    for element in matches:  # XPath returns document order: ancestors come first
        if not any(c in chosen for c in element.iterancestors()):
            chosen.append(element)
    document = html.Element("html")
    body = etree.SubElement(document, "body")
    for element in chosen:
        copy = deepcopy(element)
        copy.tail = None
        body.append(copy)
    return document


def normalize_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def paragraphs(text: str) -> list[str]:
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
    """The first group of the first pattern matching a short block of the page."""
    regexes = [compiled(p) for p in patterns]
    if not regexes:
        return None
    for element in tree.iter(*_CREDIT_TAGS):
        text = normalize_space(element.text_content())
        if not text or len(text) > _MAX_CREDIT_TEXT:
            continue
        for regex in regexes:
            match = regex.search(text)
            if match and match.group(1).strip():
                return normalize_space(match.group(1)).strip(" .,:;-–—")
    return None
