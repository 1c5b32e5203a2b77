"""The probe's HTTP client: one outlet, our User-Agent, timeouts, safe redirects, the runs' proxy.

Requests go where a run's would: with a proxy (``--proxy``, credentials from
``NEWSARCHIVE_PROXY``), the outlet is reached as ``http://<host>`` through it, as
``flows.pipeline.crawl`` does for crawls; without one, at the outlet's base URL.
Redirects are followed by hand, only on the outlet's domains, and every hop passes
the crawler's address checks (``spiders.safety.refusal``). Bodies are read up to the
crawler's size limit. A pause of the outlet's politeness delay separates two requests.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from flows.pipeline.crawl import _proxy_with_credentials
from spiders import blocking, settings
from spiders.outlet import Outlet
from spiders.safety import REDIRECT_STATUSES, refusal

MAX_REDIRECTS = settings.REDIRECT_MAX_TIMES
MAX_BYTES = settings.DOWNLOAD_MAXSIZE


@dataclass
class Fetched:
    """One request's outcome: an answer (status, headers, body) or the error that stopped it."""

    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    final_url: str | None = None
    block: blocking.Block | None = None

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.block is None

    def problem(self) -> str | None:
        """What went wrong, in a few words, or None."""
        if self.block is not None:
            return f"blocked: {self.block.describe()}"
        if self.error:
            return self.error
        if not self.ok:
            return f"HTTP {self.status}"
        return None


def base_url(outlet: Outlet, proxy: str | None) -> str:
    """Where the requests of a run go: ``http://<host>`` through a proxy, else the base URL."""
    return f"http://{outlet.host}" if proxy else outlet.base_url


class ProbeClient:
    def __init__(self, outlet: Outlet, proxy: str | None = None, timeout: float = 20.0,
                 user_agent: str = settings.USER_AGENT, delay: float | None = None,
                 environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.outlet = outlet
        self.proxy = proxy
        self.base = base_url(outlet, proxy)
        self.delay = outlet.politeness.delay if delay is None else delay
        self.timeout = timeout
        self.requests = 0
        self._last = 0.0
        self._http = httpx.Client(
            proxy=_proxy_with_credentials(proxy, dict(env)) if proxy else None,
            timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> ProbeClient:
        return self

    def __exit__(self, *exc) -> None:
        self._http.close()

    def url(self, path: str) -> str:
        return self.base + path

    def fetch_url(self, url: str) -> str:
        """``url`` on the configured base when it names one of the outlet's hosts (as the spider does)."""
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in self.outlet.domains:
            return url
        base = urlsplit(self.base)
        return parts._replace(scheme=base.scheme, netloc=base.netloc, fragment="").geturl()

    def get(self, url: str) -> Fetched:
        url = self.fetch_url(url)
        first = url
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            reason = refusal(parts.hostname or "", self.outlet.domains, proxied=bool(self.proxy),
                             port=parts.port or (443 if parts.scheme == "https" else 80))
            if reason:
                return Fetched(first, error=reason, final_url=url)
            answer = self._send(url)
            if answer.status in REDIRECT_STATUSES and answer.headers.get("location"):
                url = urljoin(url, answer.headers["location"])
                continue
            answer.url, answer.final_url = first, url
            if answer.status is not None:
                answer.block = blocking.detect(answer.status, answer.headers, answer.body, url)
            return answer
        return Fetched(first, error=f"more than {MAX_REDIRECTS} redirects", final_url=url)

    def _send(self, url: str) -> Fetched:
        pause = self.delay - (time.monotonic() - self._last)
        if self.requests and pause > 0:
            time.sleep(pause)
        self.requests += 1
        try:
            with self._http.stream("GET", url) as response:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_BYTES:
                        return Fetched(url, response.status_code, {k.lower(): v for k, v in response.headers.items()},
                                       error=f"larger than {MAX_BYTES} bytes")
                return Fetched(url, response.status_code, {k.lower(): v for k, v in response.headers.items()},
                               b"".join(chunks))
        except httpx.TimeoutException:
            return Fetched(url, error=f"timed out after {self.timeout:g} s")
        except (httpx.HTTPError, OSError) as exc:
            text = str(exc).strip()
            return Fetched(url, error=f"{type(exc).__name__}: {text}" if text else type(exc).__name__)
        finally:
            self._last = time.monotonic()
