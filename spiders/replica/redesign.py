"""A site redesign, as the replica serves it: the same articles in a new theme.

From the redesign's epoch on, an outlet's pages keep their text but change the way
real redesigns do: every ``class`` and ``id`` token of the markup is renamed (a new
theme with new CSS names, so selectors written for the old markup find nothing), and
the article text gets new furniture: a newsletter prompt in its middle, and a "more
stories" box of other articles' opening paragraphs at its end, inside the text's own
container, where a reader of the whole page cannot tell it from the article. The
rename is a fixed function of the token (``renamed``), so a test can write the rules
version a developer would write after reading the new markup.
"""
from __future__ import annotations

import re
from html import escape

PREFIX = "nx-"  # the new theme's class and id names start with it
PROMO_CLASS = "nx-inline-signup"
MORE_CLASS = "nx-story-more"
PROMO_TEXT = ("Get the day's reporting in your inbox every evening: join more than 40,000 readers of our "
              "briefing, free, and unsubscribe at any time.")

_ATTRIBUTE = re.compile(rb'\b(class|id)="([^"]*)"')
_PARAGRAPH_END = re.compile(rb"</p>")


def renamed(token: str) -> str:
    """The new theme's name for an old class or id token."""
    return PREFIX + token.replace("__", "-").replace("_", "-").lower()


def _rename(match: re.Match) -> bytes:
    tokens = match.group(2).decode("utf-8", "replace").split()
    return match.group(1) + b'="' + " ".join(renamed(t) for t in tokens).encode() + b'"'


def _after(page: bytes, paragraph: str) -> int | None:
    """The position just after the ``<p>`` holding ``paragraph``, if the page has it."""
    found = page.find(escape(paragraph, quote=True).encode())
    end = _PARAGRAPH_END.search(page, found) if found >= 0 else None
    return end.end() if end is not None else None


def redesign(html: bytes, paragraphs: tuple[str, ...] | list[str] = (), teasers: list[str] = ()) -> bytes:
    """The page in the new theme: tokens renamed, the signup box after the article's second
    paragraph, and ``teasers`` (other articles' openings) after its last (``paragraphs``: the
    article's text, to find them)."""
    page = _ATTRIBUTE.sub(_rename, html)
    if teasers and paragraphs and (at := _after(page, paragraphs[-1])) is not None:
        box = f'<div class="{MORE_CLASS}">' + "".join(f"<p>{escape(t)}</p>" for t in teasers) + "</div>"
        page = page[:at] + box.encode() + page[at:]
    if len(paragraphs) >= 3 and (at := _after(page, paragraphs[1])) is not None:
        box = f'<div class="{PROMO_CLASS}"><p>{PROMO_TEXT}</p></div>'.encode()
        page = page[:at] + box + page[at:]
    return page
