"""Scrapy settings for newsarchive crawls.

Defaults for every outlet live here as UPPER_CASE constants; ``for_outlet``
adds what depends on one outlet (politeness, WARC naming) and the runner's
command-line overrides.

    https://docs.scrapy.org/en/latest/topics/settings.html
"""
from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version

from spiders.outlet import Outlet

try:
    NEWSARCHIVE_VERSION = version("newsarchive")
except PackageNotFoundError:  # running from a source tree that was never installed
    NEWSARCHIVE_VERSION = "0.0.0"

# Where site operators can learn who we are and ask us to stop
# (NEWSARCHIVE_CONTACT_URL sets another: see ``from_environment``).
DEFAULT_CONTACT_URL = "https://github.com/newsarchive/newsarchive"

BOT_NAME = "newsarchive"


def user_agent(contact_url: str) -> str:
    """Identify honestly: name, version and a contact URL."""
    return f"newsarchive/{NEWSARCHIVE_VERSION} (+{contact_url})"


USER_AGENT = user_agent(DEFAULT_CONTACT_URL)
# The token robots.txt rules are matched against.
ROBOTSTXT_USER_AGENT = "newsarchive"
ROBOTSTXT_OBEY = True

# Politeness. CONCURRENT_REQUESTS_PER_DOMAIN and the delays are set per outlet
# by ``for_outlet``; AutoThrottle then adapts the delay to the server's latency.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay varies by +-50%, like a reader
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Retry transient failures, including rate limiting (429) and server errors.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Give up on slow or huge responses rather than stall the crawl.
DOWNLOAD_TIMEOUT = 30.0  # NEWSARCHIVE_DOWNLOAD_TIMEOUT sets another
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 5

# Each article is fetched as an anonymous reader: no cookies, no cache, no state.
COOKIES_ENABLED = False
HTTPCACHE_ENABLED = False
JOBDIR = None

# No listening sockets: the telnet console and the remote-control server
# (which runs code sent to it) stay off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Never reach private, loopback or link-local addresses, nor hosts off the outlet's domains.
# Wait what a 429 or 503 answer's Retry-After asks (at most RETRY_AFTER_MAX seconds) before
# the next request to that outlet; it sees answers before the RetryMiddleware (550).
DOWNLOADER_MIDDLEWARES = {"spiders.safety.AddressGuard": 760, "spiders.retry_after.RetryAfter": 560}
RETRY_AFTER_MAX = 120.0

# What an archive crawl does without. The spider's callbacks yield only requests, never
# items: processing them 100 at a time (the default) starts 100 asyncio tasks per response.
CONCURRENT_ITEMS = 1
# The archive records the page as served; following a meta refresh would decode every
# article page to look for one.
METAREFRESH_ENABLED = False
# Twisted's own epoll reactor, not Scrapy's default asyncio one: the crawl awaits nothing of
# asyncio, and bridging each callback through asyncio tasks costs about a tenth of its CPU.
TWISTED_REACTOR = "twisted.internet.epollreactor.EPollReactor"
# Scrapy's default, named because the spider relies on it: requests of one priority come
# out last in, first out (articles are pushed oldest first, so the newest is fetched first).
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.LifoMemoryQueue"
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None}  # no depth limit, no depth stats

# Every HTTP exchange is written to WARC by this extension.
EXTENSIONS = {
    "spiders.warc_recorder.WarcRecorder": 500,
}
WARC_DIR = "warc"
WARC_PREFIX = "newsarchive"
WARC_MAX_BYTES = 1024**3
# Whole records of the files being written, announced in parts of about this size in
# this file of WARC_DIR ("" for none): the flow extracts each part while the crawl goes on.
WARC_PARTS_FILE = "warc-parts.tsv"
WARC_PART_BYTES = 1024 * 1024
WARC_IS_PART_OF = ""
WARC_OPERATOR = DEFAULT_CONTACT_URL

# Discovery limits: pages followed per section, sub-sitemaps read per index
# (the newest first by lastmod).
SECTION_MAX_PAGES = 10
SITEMAP_MAX_CHILDREN = 20

LOG_LEVEL = "WARNING"


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """The settings the environment sets, read when a crawl starts (a fork server imports
    this module once, long before the crawls it forks)."""
    env = os.environ if environ is None else environ
    contact_url = env.get("NEWSARCHIVE_CONTACT_URL") or DEFAULT_CONTACT_URL
    return {
        "USER_AGENT": user_agent(contact_url),
        "WARC_OPERATOR": contact_url,
        "DOWNLOAD_TIMEOUT": float(env.get("NEWSARCHIVE_DOWNLOAD_TIMEOUT") or DOWNLOAD_TIMEOUT),
    }


def for_outlet(outlet: Outlet, *, delay: float | None = None) -> dict[str, object]:
    """Settings that depend on ``outlet``; ``delay`` overrides its politeness delay.

    ``delay=0`` turns throttling off (for a local replica only).
    """
    start_delay = outlet.politeness.delay if delay is None else delay
    return {
        # One crawl is one outlet: holding more requests in the downloader than
        # its slot may transfer only queues them there (and, measured with
        # Scrapy 2.19, slows the crawl several times over).
        "CONCURRENT_REQUESTS": outlet.politeness.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": outlet.politeness.concurrency,
        "DOWNLOAD_DELAY": start_delay,
        "AUTOTHROTTLE_ENABLED": start_delay > 0,
        "AUTOTHROTTLE_START_DELAY": start_delay,
        "AUTOTHROTTLE_MAX_DELAY": max(AUTOTHROTTLE_MAX_DELAY, start_delay),
        "WARC_PREFIX": f"newsarchive-{outlet.slug}",
        "WARC_IS_PART_OF": outlet.slug,
    }
