"""The flow process's one fork server, from which the crawls are forked.

multiprocessing's forkserver imports the preload modules once; every process forked
from it starts with them loaded. Importing Scrapy with the components a crawl loads
costs about half a second of CPU: paid once per flow process instead of once per
crawl. (The extraction workers are spawned apart, see ``flows.extract.parallel``: a
fork of this server would carry Scrapy's memory along.)

Forking from the server, not from the flow process, also keeps children clear of the
flow process's threads (Prefect's, and the subflows'), which a plain fork would copy
mid-flight.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
from multiprocessing.context import ForkServerContext

PRELOAD = ["spiders.preload"]


def context() -> ForkServerContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start() -> None:
    """Start the fork server now: it imports Scrapy while this process opens the state and
    the store, instead of when the first crawl waits for it."""
    context()
    multiprocessing.forkserver.ensure_running()
