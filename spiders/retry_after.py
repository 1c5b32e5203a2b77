"""Honour ``Retry-After`` on 429 and 503 answers.

Scrapy's RetryMiddleware retries such an answer as soon as the outlet's download
slot allows, whatever the server asked. This middleware, which sees the answer
first, makes the slot wait what ``Retry-After`` says (seconds or an HTTP date, at
most ``RETRY_AFTER_MAX`` seconds) before its next request, the retry included.

    https://www.rfc-editor.org/rfc/rfc9110#name-retry-after
"""
from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.http import Request, Response

THROTTLED = (429, 503)


def retry_after_seconds(value: bytes | str | None, now: float) -> float | None:
    """The wait a ``Retry-After`` value asks for (``now``: epoch seconds), or None if unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - now)
    except (TypeError, ValueError, IndexError):
        return None


class RetryAfter:
    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self._held: dict[str, tuple[float, float]] = {}  # slot -> (its delay before, held until)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfter:
        return cls(crawler, crawler.settings.getfloat("RETRY_AFTER_MAX", 120.0))

    def process_response(self, request: Request, response: Response) -> Response:
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return response
        if response.status not in THROTTLED:
            # Answers to requests sent before the hold may still arrive during it.
            if key in self._held and time.monotonic() >= self._held[key][1]:
                slot.delay = self._held.pop(key)[0]
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"), time.time())
        if wait:
            # The slot sends its next request ``delay`` after ``lastseen``: put ``lastseen`` the
            # wait ahead. A slot without delay skips that check, so it gets a token one until
            # the hold is over.
            until = time.monotonic() + min(wait, self.max_wait)
            normal, held_until = self._held.get(key, (slot.delay, 0.0))
            self._held[key] = (normal, max(until, held_until))
            slot.delay = slot.delay or 1e-6
            slot.lastseen = max(slot.lastseen, until)
            self.crawler.stats.inc_value("retry_after/honoured")
        return response
