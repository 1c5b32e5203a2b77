"""Run one outlet's crawl in this process: ``python -m spiders.crawl --outlet SLUG --out DIR``.

Twisted's reactor cannot be restarted, so every crawl is its own process.
Exit status: 0 when the crawl ran (some articles may have failed, or the
outlet's answers blocked the crawler: see ``failed`` and ``blocked`` in the
stats file), 1 when the outlet could not be reached at all (every discovery
request failed, none of them blocked; one line on stderr), 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from spiders import settings as default_settings
from spiders.spider import OutletSpider
from spiders.outlets import SLUGS, get_outlet

EXIT_OK = 0
EXIT_UNREACHABLE = 1
EXIT_USAGE = 2

# Per-request failures are reported once, in the stats file; at the default
# log level these loggers would repeat each of them on stderr.
_FAILURE_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _byte_count(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m spiders.crawl", description=__doc__.splitlines()[0])
    parser.add_argument("--outlet", required=True, choices=SLUGS)
    parser.add_argument("--out", required=True, type=Path, help="directory for the WARC files")
    parser.add_argument("--max-articles", type=_non_negative_int, default=50)
    parser.add_argument("--seen", type=Path, help="canonical URLs already archived, one per line")
    parser.add_argument("--revisit", type=Path,
                        help="archived articles to fetch again: JSON lines of canonical_url, url, payload_digest, "
                             "refers_to_uri, refers_to_date, etag, last_modified")
    parser.add_argument("--validators", type=Path,
                        help="JSON object: discovery URL -> {etag, last_modified, lastmod} of the last complete crawl")
    parser.add_argument("--stats", type=Path, help="write crawl statistics (JSON) here")
    parser.add_argument("--delay", type=_non_negative_float, help="seconds between requests (0: no throttling)")
    parser.add_argument("--since", type=_moment, metavar="ISO",
                        help="fetch no article known to be published before this date or time (UTC if no offset)")
    parser.add_argument("--warc-max-bytes", type=_byte_count, default=default_settings.WARC_MAX_BYTES)
    parser.add_argument(
        "--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    )
    return parser


def read_seen(path: Path | None) -> frozenset[str]:
    if path is None:
        return frozenset()
    with open(path, encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def read_revisits(path: Path | None) -> list[dict]:
    if path is None:
        return []
    revisits = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                revisit = json.loads(line)
            except ValueError:
                raise ValueError(f"{path}:{number}: not a JSON object") from None
            if not isinstance(revisit, dict) or not revisit.get("url") or not revisit.get("canonical_url"):
                raise ValueError(f"{path}:{number}: a revisit needs url and canonical_url")
            revisits.append(revisit)
    return revisits


def read_validators(path: Path | None) -> dict[str, dict]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise ValueError(f"{path}: not JSON") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of URL -> validators")
    return data


def crawl_settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.update(default_settings.from_environment(), priority="project")
    settings.update(default_settings.for_outlet(get_outlet(args.outlet), delay=args.delay), priority="cmdline")
    settings.update(
        {"WARC_DIR": str(args.out), "WARC_MAX_BYTES": args.warc_max_bytes, "LOG_LEVEL": args.log_level},
        priority="cmdline",
    )
    if os.environ.get("NEWSARCHIVE_NOW"):
        settings.set("NEWSARCHIVE_NOW", os.environ["NEWSARCHIVE_NOW"], priority="cmdline")
    return settings


def summary(spider: OutletSpider, crawler: Crawler, started: datetime, finished: datetime) -> dict:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return {
        "outlet": spider.outlet.slug,
        "discovered": len(spider.candidates) + len(spider.skipped_seen),
        "skipped_seen": len(spider.skipped_seen),
        "skipped_old": spider.skipped_old,
        "article_requests": spider.article_requests,
        "fetched": spider.fetched,
        "failed": spider.failed,
        "blocked": spider.blocked,
        "skipped_sitemaps": spider.skipped_sitemaps,
        "requests": stats.get("downloader/request_count", 0),
        "discovery_requests": spider.discovery_requests,
        "discovery_failures": spider.discovery_failures,
        "warc_files": stats.get("warc/files", []),
        "warc_bytes": stats.get("warc/bytes", 0),
        "revisit_requests": len(spider.revisits),
        "revisit_outcomes": spider.revisit_outcomes,
        "not_modified": len(spider.not_modified),
        "unchanged_sitemaps": len(spider.unchanged_sitemaps),
        "complete": spider.complete,
        "validators": spider.new_validators,
        "captures": spider.captures,
        "started": started.isoformat(),
        "finished": finished.isoformat(),
    }


def write_json_atomically(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    # Written as it is encoded: a crawl's stats carry every capture, and ``json.dumps``
    # of 1,667 of them held 4.6 MB at once in the crawl process (0.05 MB this way).
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        seen = read_seen(args.seen)
        revisits = read_revisits(args.revisit)
        validators = read_validators(args.validators)
        args.out.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as error:
        print(f"newsarchive crawl: {error}", file=sys.stderr)
        return EXIT_USAGE

    process = CrawlerProcess(crawl_settings(args))
    if logging.getLevelName(args.log_level) > logging.INFO:
        for name in _FAILURE_LOGGERS:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(OutletSpider)
    started = datetime.now(timezone.utc)
    process.crawl(crawler, outlet=args.outlet, max_articles=args.max_articles, seen=seen, revisits=revisits,
                  validators=validators, since=args.since)
    process.start()
    finished = datetime.now(timezone.utc)

    spider = crawler.spider
    assert isinstance(spider, OutletSpider)
    if args.stats:
        write_json_atomically(args.stats, summary(spider, crawler, started, finished))
    failure = spider.unreachable()
    if failure:
        print(f"newsarchive crawl: cannot reach {failure['url']}: {failure['reason']}", file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
