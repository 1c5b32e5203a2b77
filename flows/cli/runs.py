"""``run``, ``demo`` and ``extract``: archive outlets, or re-extract records from WARC files."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from flows.cli.checks import add_store_option, check_outlets, check_proxy, check_store, day, positive_int
from flows.cli.errors import EXIT_FAILED, CliError
from flows.orchestration import prefect_settings

CONFIG_HELP = "settings (TOML) overriding the shipped flows/settings.toml (default: $NEWSARCHIVE_CONFIG)"


def archive(outlets: list[str], store: str, max_articles: int, replica: str | None, delay: float | None,
            state: str | None = None, verbose: bool = False, since: date | None = None) -> dict:
    """Run the archive pipeline with a progress bar; its manifest, or a CliError.

    With a Prefect API configured, the run is the ``newsarchive`` flow, reported to that
    server. Without one, the same pipeline runs as plain functions in this process:
    no temporary Prefect server, and Prefect is not even imported.
    """
    plain = not prefect_settings.api_url()
    if plain:
        from flows import fork_server

        # First thing: the server imports the crawls' Scrapy on the other core while this
        # process imports the pipeline (0.8 s of a 2.3-3.1 s no-op run, measured).
        fork_server.start()
    from flows.cli.summary import ProgressBar
    from flows.pipeline import progress
    from flows.pipeline.run import RunRequest
    from storage.state import StateError
    from storage.store import StoreError

    # Every outlet in its own thread: their crawls take turns (steps.CRAWLS_AT_ONCE), and an
    # outlet extracts and publishes while the next one's crawl runs.
    request = RunRequest(outlets=outlets, max_articles=max_articles, store=store, replica=replica, delay=delay,
                         state=state, since=since, concurrency=len(outlets))
    bar = ProgressBar()
    previous = progress.install(bar)
    try:
        with bar:
            result = _run_plain(request, verbose) if plain else _run_flow(request, verbose)
    finally:
        progress.install(previous)
    if isinstance(result, (StoreError, StateError)):
        raise CliError(str(result), EXIT_FAILED)
    if isinstance(result, BaseException):
        raise CliError(f"the run failed: {type(result).__name__}: {result}", EXIT_FAILED)
    return result


def _run_flow(request, verbose: bool) -> dict | BaseException:
    """The run as the Prefect flow: its manifest, or the exception that failed it."""
    prefect_settings.set_defaults(verbose)
    from flows.archive import archive as archive_flow

    with prefect_settings.run_settings():
        final = archive_flow(outlets=request.outlets, max_articles=request.max_articles, store=request.store,
                             replica=request.replica, delay=request.delay, state=request.state,
                             since=request.since, return_state=True)
    return final.result(raise_on_failure=False)


def _run_plain(request, verbose: bool) -> dict | BaseException:
    """The run as plain functions, outlets in threads, as the flow runs them: its manifest,
    or the exception that failed it. Log lines go to stderr with ``--verbose`` only."""
    from flows.pipeline.outlet import OutletRun, archive_outlet
    from flows.pipeline.run import archive_run
    from flows.pipeline.steps import PlainSteps

    _log_to_console(verbose)
    steps = PlainSteps(logging.getLogger("newsarchive"))

    def run_outlet(run: OutletRun) -> dict | str:
        try:
            return archive_outlet(run, steps).counts()
        except Exception as exc:  # as a failed subflow: this outlet fails, the others go on
            steps.logger.exception("%s failed", run.outlet)
            return str(exc) or type(exc).__name__

    try:
        return archive_run(request, steps, run_outlet)
    except Exception as exc:
        return exc


def _log_to_console(verbose: bool) -> None:
    """What Prefect's console handler shows for a flow run: INFO and up with ``--verbose``,
    else nothing (the CLI prints its own summary and one line per error)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d | %(levelname)-7s | %(name)s - %(message)s",
                                           datefmt="%H:%M:%S"))
    handler.setLevel(logging.INFO if verbose else logging.CRITICAL)
    logging.getLogger().addHandler(handler)
    logging.getLogger("newsarchive").setLevel(logging.INFO)


def report(manifest: dict) -> int:
    """The summary table, one error line per failed outlet, and the exit status."""
    from flows.cli.summary import print_summary

    from flows.pipeline.run import degraded_outlets, failed_outlets

    print_summary(manifest)
    errors, degraded = failed_outlets(manifest), degraded_outlets(manifest)
    for slug, error in errors.items():
        print(f"newsarchive: error: {slug}: {error}", file=sys.stderr)
    for slug, findings in degraded.items():
        for finding in findings:
            print(f"newsarchive: degraded: {slug}: {finding}", file=sys.stderr)
    if manifest.get("error") and not errors:
        print(f"newsarchive: error: {manifest['error']}", file=sys.stderr)
    return EXIT_FAILED if errors or degraded or manifest.get("error") else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from spiders.replica.process import ReplicaUnavailable, running_replica

    outlets = check_outlets(args.outlets)
    check_store(args.store)
    try:
        with running_replica(args.articles_per_outlet, seed=args.seed) as proxy:
            manifest = archive(outlets, args.store, args.articles_per_outlet, proxy, delay=0, state=args.state,
                               verbose=args.verbose)
    except ReplicaUnavailable as exc:
        raise CliError(str(exc), EXIT_FAILED) from None
    return report(manifest)


def cmd_run(args: argparse.Namespace) -> int:
    check_proxy(args.proxy)
    outlets = check_outlets(args.outlets)
    check_store(args.store)
    return report(archive(outlets, args.store, args.max_articles, args.proxy, args.delay, args.state,
                          verbose=args.verbose, since=args.since))


def _timestamp(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def cmd_extract(args: argparse.Namespace) -> int:
    """Records of the WARCs' article pages, one JSON line each, then one line per page that gave none.

    Furniture is learned from all the given WARCs together (with what the store knows of
    the outlets, given ``--store``; the new versions are written there), then removed.
    """
    from flows.extract.furniture_store import learn_and_finish_in_store
    from flows.extract.parallel import extract_warc_parallel
    from flows.extract.warc import learn_and_finish
    from spiders.outlets import SLUGS
    from storage.store import StoreError

    for path in args.warcs:
        if not path.is_file():
            raise CliError(f"no such WARC file: {path}")
    if args.store is not None:
        check_store(args.store)
    extractions = []
    for path in args.warcs:
        try:
            extractions.append(extract_warc_parallel(path, args.extracted_at, signatures=False))
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read {path}: {exc}", EXIT_FAILED) from None
    written: list[str] = []
    if args.store is not None:
        from storage.factory import open_store

        try:
            found, written = learn_and_finish_in_store(open_store(args.store), SLUGS, extractions, learn=args.learn)
        except StoreError as exc:
            raise CliError(str(exc), EXIT_FAILED) from None
    elif args.learn:
        found, _ = learn_and_finish(extractions)
    else:
        from flows.extract.warc import WarcExtraction, finish

        found = WarcExtraction()
        for extraction in extractions:
            found.extend(extraction)
        found = finish(found, None)
    for record in found.records:
        sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    for page in found.unextracted:
        sys.stdout.write(json.dumps(page.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    sys.stdout.flush()
    print(f"{len(found.records)} record(s), {len(found.unextracted)} unextracted page(s), "
          f"{found.other_responses} other response(s) (no article URL, or not 2xx)"
          + (f"; learned furniture written: {', '.join(written)}" if written else ""), file=sys.stderr)
    return 0


def add_commands(commands) -> None:
    """Register ``demo``, ``run`` and ``extract`` on the CLI's subparsers."""
    demo = commands.add_parser("demo", help="one full archive pass over the offline replica",
                               description="Start the offline replica of the six outlets, archive it, stop it, and print a summary.")
    add_store_option(demo)
    demo.add_argument("--articles-per-outlet", type=positive_int, default=20, metavar="N",
                      help="articles the replica publishes per outlet, all archived (default: 20)")
    demo.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all six)")
    demo.add_argument("--seed", type=int, default=1, help="replica content seed (default: 1)")
    demo.add_argument("--config", type=Path, default=None, metavar="FILE", help=CONFIG_HELP)
    demo.set_defaults(handler=cmd_demo, reads_settings=True)

    run = commands.add_parser("run", help="archive the live outlets",
                              description="Discover and archive new articles from the live outlets.")
    run.add_argument("--outlets", default=None, help="comma-separated outlet slugs (default: all six)")
    add_store_option(run)
    run.add_argument("--since", type=day, default=None, metavar="YYYY-MM-DD",
                     help="fetch no new article known to be published before this day (UTC)")
    run.add_argument("--max-articles", type=positive_int, default=50, metavar="N",
                     help="newest unseen articles to fetch per outlet (default: 50)")
    run.add_argument("--delay", type=float, default=None, metavar="SECONDS",
                     help="seconds between requests to one outlet (default: the outlet's politeness setting)")
    run.add_argument("--proxy", default=None, metavar="URL",
                     help="reach the outlets as http://<host> through this HTTP proxy (e.g. a replica)")
    run.add_argument("--config", type=Path, default=None, metavar="FILE", help=CONFIG_HELP)
    run.set_defaults(handler=cmd_run, reads_settings=True)

    extract = commands.add_parser(
        "extract", help="print article records from WARC files as JSON lines",
        description="Extract article records from WARC files (re-runnable over any old WARC). Furniture that recurs "
                    "across the given pages of an outlet is learned and removed; an article page that gives no "
                    "record prints {\"status\": \"unextracted\", \"url\": ..., \"reason\": ...}.")
    extract.add_argument("warcs", nargs="+", type=Path, metavar="FILE.warc.gz")
    extract.add_argument("--store", default=None, metavar="URI",
                         help="also use the learned furniture kept in this store (directory or s3://bucket/prefix), "
                              "and write what these WARCs add to it")
    extract.add_argument("--no-learn", dest="learn", action="store_false",
                         help="learn nothing from these WARCs: only apply what the store already knows")
    extract.add_argument("--extracted-at", type=_timestamp, default=None, metavar="ISO-TIME",
                         help="the records' extracted_at (default: now); with the same versions and this time, "
                              "re-extracting gives byte-identical records")
    extract.set_defaults(handler=cmd_extract)
