"""Applying an outlet's extraction rules: structural pruning first, text patterns second.

Structural prunes remove page furniture (credits, appeals, related links, comment
forms) from the lxml tree before any text is read; paragraph patterns then catch
what markup alone cannot (a disclaimer typed into the article body).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from functools import lru_cache

from lxml import etree, html

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

    A node inside an already selected node is skipped so nothing is taken twice.
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
    """The first group of the first pattern matching a line (block or ``<br>`` line) of the page."""
    regexes = [compiled(p) for p in patterns]
    if not regexes:
        return None
    for line in block_texts(tree):
        for regex in regexes:
            match = regex.search(line)
            if match and match.group(1).strip():
                return normalize_space(match.group(1)).strip(" .,:;-–—")
    return None


# --- reading a known article container ------------------------------------------------

_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li main ol p pre section table tbody td th thead tr ul".split()
)
_SKIP_TAGS = frozenset("script style noscript template iframe form button select input textarea svg object embed".split())


def block_texts(container: etree._Element) -> list[str]:
    """The paragraphs of an article container: one per block element or ``<br>``-separated line.

    Used instead of trafilatura's heuristics when an outlet rule names the container:
    everything left in it after pruning is body, including a short lead.
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

    walk(container)
    flush()
    return blocks
