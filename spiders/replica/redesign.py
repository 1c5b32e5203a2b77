"""A site redesign, as the replica serves it: the same articles in a new theme.

From the redesign's epoch on, an outlet's pages keep their text but change the way
real redesigns do: every ``class`` and ``id`` token of the markup is renamed (a new
theme with new CSS names, so selectors written for the old markup find nothing), and
the article text gets a new box of furniture (a newsletter prompt) in its middle. The
rename is a fixed function of the token (``renamed``), so a test can write the rules
version a developer would write after reading the new markup.
"""
from __future__ import annotations

import re
from html import escape

PREFIX = "nx-"  # the new theme's class and id names start with it
PROMO_CLASS = "nx-inline-signup"
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


def redesign(html: bytes, paragraphs: tuple[str, ...] | list[str] = ()) -> bytes:
    """The page in the new theme: tokens renamed, and the signup box inside the article text,
    after its second paragraph (``paragraphs``: the article's text, to find it)."""
    page = _ATTRIBUTE.sub(_rename, html)
    if len(paragraphs) >= 3:
        found = page.find(escape(paragraphs[1], quote=True).encode())
        end = _PARAGRAPH_END.search(page, found) if found >= 0 else None
        if end is not None:
            box = f'<div class="{PROMO_CLASS}"><p>{PROMO_TEXT}</p></div>'.encode()
            page = page[:end.end()] + box + page[end.end():]
    return page
