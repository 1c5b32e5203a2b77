"""Run one outlet's crawl in its own process (Twisted's reactor cannot restart)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from spiders.outlets import get_outlet
from storage.state import RevisitDue, Validator


class CrawlFailed(Exception):
    """The crawl of one outlet failed as a whole; the message is one line."""


@dataclass
class CrawlResult:
    outlet: str
    stats: dict
    warc_paths: list[Path] = field(default_factory=list)


def _proxy_with_credentials(proxy: str, environ: dict[str, str]) -> str:
    """Proxy credentials never travel in flow parameters (the Prefect API stores those):
    they come from the worker's ``NEWSARCHIVE_PROXY`` when it names the same proxy. (Not
    ``http_proxy``: Prefect's and boto3's HTTP clients would send their traffic through it.)"""
    wanted = urlsplit(proxy)
    known = urlsplit(environ.get("NEWSARCHIVE_PROXY") or "")
    if known.username and (known.hostname, known.port) == (wanted.hostname, wanted.port):
        return environ["NEWSARCHIVE_PROXY"]
    return proxy


def crawl_env(outlet: str, proxy: str | None) -> dict[str, str]:
    """The crawler's environment. With a proxy (a replica), outlets are reached as
    ``http://<live host>`` through it, so requests and WARCs name the real hosts."""
    env = dict(os.environ)
    if proxy:
        proxy = _proxy_with_credentials(proxy, env)
        host = urlsplit(get_outlet(outlet, {}).base_url).hostname
        env.update(
            {
                "http_proxy": proxy,
                "HTTP_PROXY": proxy,
                "no_proxy": "",
                "NO_PROXY": "",
                f"NEWSARCHIVE_BASE_URL_{outlet.upper()}": f"http://{host}",
            }
        )
    return env


def run_crawl(
    outlet: str,
    out_dir: Path,
    max_articles: int,
    seen_urls: set[str],
    proxy: str | None = None,
    delay: float | None = None,
    timeout: float | None = None,
    revisits: Iterable[RevisitDue] = (),
    validators: Iterable[Validator] = (),
    now: datetime | None = None,
    since: datetime | None = None,
) -> CrawlResult:
    """Crawl ``outlet``: new articles, plus ``revisits`` fetched again with conditional
    headers, and feeds and sitemaps with the ``validators`` of the last complete crawl.
    ``now`` sets the clock of the WARC records (tests replay days in minutes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seen_file = out_dir / "seen.txt"
    seen_file.write_text("".join(f"{url}\n" for url in sorted(seen_urls)), encoding="utf-8")
    revisit_file = out_dir / "revisit.jsonl"
    revisit_file.write_text("".join(json.dumps(asdict(r), sort_keys=True) + "\n" for r in revisits), encoding="utf-8")
    validators_file = out_dir / "validators.json"
    validators_file.write_text(json.dumps({v.url: {"etag": v.etag, "last_modified": v.last_modified,
                                                   "lastmod": v.lastmod} for v in validators}), encoding="utf-8")
    stats_file = out_dir / "stats.json"
    command = [
        sys.executable, "-m", "spiders.crawl",
        "--outlet", outlet,
        "--out", str(out_dir / "warc"),
        "--max-articles", str(max_articles),
        "--seen", str(seen_file),
        "--revisit", str(revisit_file),
        "--validators", str(validators_file),
        "--stats", str(stats_file),
    ]
    if delay is not None:
        command += ["--delay", str(delay)]
    if since is not None:
        command += ["--since", since.isoformat()]
    env = crawl_env(outlet, proxy)
    if now is not None:
        env["NEWSARCHIVE_NOW"] = now.isoformat()
    log_file = out_dir / "crawl.log"
    with open(log_file, "wb") as log:
        try:
            proc = subprocess.run(
                command, env=env, stdout=log, stderr=subprocess.PIPE, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise CrawlFailed(f"crawl of {outlet} timed out after {timeout:.0f} s") from None
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        reason = lines[-1] if lines else f"crawler exited with status {proc.returncode}"
        raise CrawlFailed(reason.removeprefix("newsarchive crawl: "))
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    warc_dir = out_dir / "warc"
    paths = [warc_dir / name for name in stats.get("warc_files", [])]
    return CrawlResult(outlet=outlet, stats=stats, warc_paths=[p for p in paths if p.exists()])
