"""The flow process's one fork server, shared by the extraction workers and the crawls.

multiprocessing's forkserver imports the preload modules once; every process forked
from it starts with them loaded. Importing Scrapy with the components a crawl loads,
or trafilatura, costs about half a second of CPU each: paid once per flow process
instead of once per crawl or worker. A process has one fork server and one preload
list, so both users take the context from here.

Forking from the server, not from the flow process, also keeps children clear of the
flow process's threads (Prefect's, and the subflows'), which a plain fork would copy
mid-flight.
"""
from __future__ import annotations

import multiprocessing
from multiprocessing.context import ForkServerContext

PRELOAD = ["flows.extract.warc", "spiders.preload"]


def context() -> ForkServerContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx
