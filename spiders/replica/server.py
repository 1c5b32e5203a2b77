"""An asyncio HTTP/1.1 forward proxy front for ``Site`` (keep-alive, pipelining-safe).

Cached answers are written from the event loop; building an uncached answer runs
in a worker thread so that one slow page never stalls the other connections.
``latency`` delays each response without blocking anything else.
"""
from __future__ import annotations

import asyncio
import signal
import sys
from concurrent.futures import ThreadPoolExecutor

from spiders.replica.catalogue import Replica
from spiders.replica.faults import FaultTable, act, request_host_target
from spiders.replica.site import Site

MAX_HEAD = 64 * 1024
CACHE_SIZE = 4096  # answers kept (pages and their encodings), the most recently asked


class ReplicaServer:
    def __init__(self, site: Site, latency: float = 0.0, workers: int = 4, faults: FaultTable | None = None):
        self.site = site
        self.latency = latency
        self.faults = faults or FaultTable([])
        self.port = 0
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="replica-render")

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    break
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = request_line.split(" ", 2)
                except ValueError:
                    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    break
                headers: dict[str, str] = {}
                for line in header_lines:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                if length:
                    await reader.readexactly(length)
                fault = self.faults.match(*request_host_target(target, headers)) if self.faults else None
                if fault is not None:
                    if not await act(fault, self.site, method, target, headers, reader, writer, self.port):
                        break
                    continue
                response = await loop.run_in_executor(self.executor, self.site.respond, method, target, headers)
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(response)
                await writer.drain()
                connection = headers.get("connection", "").lower()
                if method == "CONNECT" or connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive"):
                    break
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def serve(self, port: int, ready=None) -> None:
        server = await asyncio.start_server(self.handle, "127.0.0.1", port, limit=MAX_HEAD, backlog=512)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        bound = self.port = server.sockets[0].getsockname()[1]
        if ready:
            ready(bound)
        warming = loop.run_in_executor(self.executor, self.site.warm)
        async with server:
            await stop.wait()
        warming.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)


def serve(articles_per_outlet: int, seed: int, epoch: int, port: int, latency_ms: float, new_per_epoch: int = 5,
          faults: list[str] | None = None, redesigns: dict[str, int] | None = None, prerender: bool = False) -> None:
    """Serve the replica; with ``prerender``, every article's answer is rendered before it reports ready."""
    replica = Replica(articles_per_outlet, seed=seed, epoch=epoch, new_per_epoch=new_per_epoch, redesigns=redesigns)
    if prerender:
        articles = sum(len(replica.live_entries(slug)) for slug in replica.outlets)
        site = Site(replica, cache_size=max(CACHE_SIZE, articles + CACHE_SIZE))  # the articles and what else is asked
        site.prerender()
    else:
        site = Site(replica)

    def ready(bound: int) -> None:
        sys.stdout.write(f"READY port={bound}\n")
        sys.stdout.flush()

    table = FaultTable.from_specs(faults or [])
    asyncio.run(ReplicaServer(site, latency=latency_ms / 1000, faults=table).serve(port, ready))
