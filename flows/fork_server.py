"""The flow process's one fork server, shared by the crawls and the extraction workers.

multiprocessing's forkserver imports the preload modules once; every process forked
from it starts with them loaded. Importing Scrapy with the components a crawl loads
costs about 0.6 s of CPU: paid once per flow process instead of once per crawl. The
extraction workers import the extractor themselves, once each (they live as long as
the flow process), so the crawls do not carry it. A process has one fork server and
one preload list, so both users take the context from here.

Forking from the server, not from the flow process, also keeps children clear of the
flow process's threads (Prefect's, and the subflows'), which a plain fork would copy
mid-flight.
"""
from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

PRELOAD = ["spiders.preload"]


def context() -> ForkServerContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
