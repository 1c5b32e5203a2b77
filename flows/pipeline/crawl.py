"""Run one outlet's crawl in its own process (Twisted's reactor cannot restart).

The process is forked from the flow process's fork server (``flows.fork_server``),
which has Scrapy and the crawl's components imported already: a crawl that finds
nothing new (five conditional requests) costs 0.25 s of CPU instead of 0.7-0.8 s. It runs
``spiders.crawl.main``, as ``python -m spiders.crawl`` does, with the environment
given and its output in files.

The crawl's exit status does not depend on multiprocessing's report of it: the crawl
writes it to a file of its own as it ends. multiprocessing learns a forked child's
status from the fork server over a pipe, and reports 255 whenever its read of that pipe
finds nothing, which happens when

- two threads read the pipe at once: ``Process.start()`` in any thread polls every
  other child (``multiprocessing.process._cleanup``), so an outlet's crawl starting as
  another's ends can take the status from under that one's join (CPython 3.11);
- the fork server is gone (killed) while the crawl still runs: then the flow waits
  for the crawl's process itself (a pidfd) before reading its status file.

The server is started again for the next crawl; a crawl whose start it lost is started
again once.
"""
from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flows import fork_server
from spiders.outlets import get_outlet

if TYPE_CHECKING:  # the crawl's process imports this module: it must stay within the fork server's preload
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
    arguments = [
        "--outlet", outlet,
        "--out", str(out_dir / "warc"),
        "--max-articles", str(max_articles),
        "--seen", str(seen_file),
        "--revisit", str(revisit_file),
        "--validators", str(validators_file),
        "--stats", str(stats_file),
    ]
    if delay is not None:
        arguments += ["--delay", str(delay)]
    if since is not None:
        arguments += ["--since", since.isoformat()]
    env = crawl_env(outlet, proxy)
    if now is not None:
        env["NEWSARCHIVE_NOW"] = now.isoformat()
    log_file, error_file, status_file = out_dir / "crawl.log", out_dir / "crawl.err", out_dir / "crawl.status"
    status_file.unlink(missing_ok=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    process = _start(outlet, (arguments, env, log_file, error_file, status_file))
    process.join(timeout)
    if process.exitcode is None:
        _kill(process)
        raise CrawlFailed(f"crawl of {outlet} timed out after {timeout:.0f} s")
    exitcode = _exit_status(status_file)
    if exitcode is None and process.exitcode == LOST:  # the fork server is gone: ask the process itself
        if not _wait_gone(process.pid, deadline):
            _kill(process)
            raise CrawlFailed(f"crawl of {outlet} timed out after {timeout:.0f} s")
        exitcode = _exit_status(status_file)
    if exitcode is None:
        exitcode = process.exitcode
    if exitcode != 0:
        errors = error_file.read_text("utf-8", "replace") if error_file.exists() else ""
        lines = [line for line in errors.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"crawler exited with status {exitcode}"
        raise CrawlFailed(reason.removeprefix("newsarchive crawl: "))
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    warc_dir = out_dir / "warc"
    paths = [warc_dir / name for name in stats.get("warc_files", [])]
    return CrawlResult(outlet=outlet, stats=stats, warc_paths=[p for p in paths if p.exists()])


# What multiprocessing reports for a forked child whose status the fork server did not pass on.
LOST = 255


def _start(outlet: str, args: tuple):
    """The crawl's process, started from the fork server (once more if the server was lost
    before it forked: multiprocessing starts a new one)."""
    for attempt in (1, 2):
        process = fork_server.context().Process(target=_crawl, args=args, name=f"crawl {outlet}")
        try:
            process.start()
            return process
        except (EOFError, ConnectionError) as error:
            if attempt == 2:
                raise CrawlFailed(f"the crawl of {outlet} could not be started: {error}") from error


def _kill(process) -> None:
    try:
        os.kill(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.join(5)


def _exit_status(status_file: Path) -> int | None:
    """The status the crawl wrote as it ended, or None if it wrote none."""
    try:
        return int(status_file.read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        return None


def _wait_gone(pid: int, deadline: float | None) -> bool:
    """Wait until process ``pid`` (not a child of this process) has ended; False at ``deadline``."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], remaining)
        return bool(ready)
    finally:
        os.close(fd)


def _crawl(arguments: list[str], env: dict[str, str], log_file: Path, error_file: Path,
           status_file: Path) -> None:
    """The crawl process: ``python -m spiders.crawl ARGUMENTS`` with ``env``, stdout to
    ``log_file`` and stderr (its last line is the reason of a failure) to ``error_file``;
    its exit status goes to ``status_file`` as well (written whole, then renamed)."""
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, log_file), (2, error_file)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    from spiders import crawl

    code = 1  # an exception's, as multiprocessing reports it
    try:
        code = crawl.main(arguments)
    except SystemExit as leaving:
        code = leaving.code if isinstance(leaving.code, int) else int(leaving.code is not None)
        raise
    finally:
        partial = status_file.with_name(status_file.name + ".tmp")
        partial.write_text(str(code), encoding="ascii")
        os.replace(partial, status_file)
    sys.exit(code)
