"""``newsarchive web``: the archivist's web app over a local or S3 store (read-only).

Before serving, the search index is brought up to date with the store's article
records (or rebuilt from them with ``--rebuild-index``), and pywb is started on
the replay port when it can be found (``make install-replay``).
"""
from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from flows.cli.checks import add_store_option
from flows.cli.errors import EXIT_FAILED, CliError

DEFAULT_PORT = 8400
_WILDCARD = ("0.0.0.0", "::", "")


def _say(message: str) -> None:
    print(f"newsarchive web: {message}", file=sys.stderr, flush=True)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return int(text)


def _origin(text: str) -> str:
    """An origin (scheme, host, port) for the Content-Security-Policy and the frame."""
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or any(c in text for c in " ;,'\""):
        raise argparse.ArgumentTypeError(f"not an origin such as https://replay.example.org: {text!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _check_host(host: str) -> str:
    if host in _WILDCARD or host == "localhost":
        return host
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise CliError(f"--host must be an IP address to bind (such as 127.0.0.1), not {host!r}") from None
    return host


def _allowed_hosts(host: str) -> list[str]:
    """Host headers the app answers (others get 400: no DNS rebinding onto a loopback app)."""
    if host in _WILDCARD:
        return ["*"]
    return sorted({host, "127.0.0.1", "localhost", "[::1]"} if host in ("127.0.0.1", "localhost", "::1") else {host})


def _url_host(host: str) -> str:
    if host in _WILDCARD:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def cmd_web(args: argparse.Namespace) -> int:
    import uvicorn

    from flows.web.app import WebSettings, create_app
    from flows.web.index import SearchIndex, SearchIndexError
    from flows.web.replay import PywbReplay, ReplayUnavailable, find_wayback
    from flows.web.runs import PrefectLinks
    from storage.factory import open_store
    from storage.store import StoreError
    from storage.workspace import workspace_for

    host = _check_host(args.host)
    replay_port = args.replay_port or args.port + 1
    if replay_port == args.port:
        raise CliError("--replay-port must differ from --port: replay needs its own origin")
    try:
        store = open_store(args.store, read_only=True)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    try:
        next(iter(store.list("manifests/")), None)  # reachable, and we may list it
    except StoreError as exc:
        raise CliError(f"the store cannot be read: {exc}", EXIT_FAILED) from None

    index_path = Path(args.index) if args.index else workspace_for(args.store).search_db
    try:
        with SearchIndex(index_path) as index:
            result = index.rebuild(store) if args.rebuild_index else index.update(store)
            stats = index.stats()
    except SearchIndexError as exc:
        raise CliError(f"{exc} (--index PATH puts it elsewhere)", EXIT_FAILED) from None
    except StoreError as exc:
        raise CliError(f"the store cannot be read: {exc}", EXIT_FAILED) from None
    _say(f"search index {index_path}: {stats['articles']} articles; "
         f"{'rebuilt from' if args.rebuild_index else 'indexed'} {result.files} new record file(s) "
         f"in {result.seconds:.1f} s")
    for skipped in result.skipped:
        _say(f"skipped unreadable records: {skipped}")

    base = f"http://{_url_host(host)}:{args.port}"
    replay, replay_origin, replay_note = None, None, None
    if args.no_replay:
        replay_note = "started with --no-replay"
    else:
        try:
            wayback = find_wayback(args.pywb)
            if wayback is None:
                raise ReplayUnavailable("pywb is not installed (make install-replay, or --pywb PATH)")
            local_root = getattr(store, "root", None)
            # pywb reads a local store's files itself; an S3 store's through the app's Range endpoint.
            archive_paths = f"{local_root}/" if local_root is not None else f"{_internal(host, args.port)}/_replay/store/"
            replay = PywbReplay(wayback, host or "127.0.0.1", replay_port,
                                cdx_url=f"{_internal(host, args.port)}/_replay/cdx",
                                archive_paths=archive_paths).start()
            replay_origin = args.replay_url.rstrip("/") if args.replay_url else f"http://{_url_host(host)}:{replay_port}"
        except (ReplayUnavailable, OSError) as exc:
            replay_note = str(exc)
            _say(f"replay is off: {exc}")

    settings = WebSettings(store_uri=args.store, index_path=index_path, replay_origin=replay_origin,
                           replay_note=replay_note, allowed_hosts=_allowed_hosts(host),
                           prefect=PrefectLinks.from_env())
    # pywb stops with the server (uvicorn ends the process by the signal it caught, once shut down).
    app = create_app(settings, store, on_shutdown=[replay.stop] if replay else [])
    if host not in ("127.0.0.1", "localhost", "::1"):
        _say(f"listening on {host}: the app has no login; anyone who reaches this address can read the archive")
    _say(f"{base}/" + (f" (replay on {replay_origin})" if replay_origin else ""))
    try:
        uvicorn.run(app, host=host or "0.0.0.0", port=args.port, log_level="warning", access_log=False)
    finally:
        if replay is not None:
            replay.stop()
    return 0


def _internal(host: str, port: int) -> str:
    """The app's address as pywb, on this machine, reaches it."""
    return f"http://{'127.0.0.1' if host in _WILDCARD else _url_host(host)}:{port}"


def add_commands(subparsers) -> None:
    """Register ``web`` on the CLI's subparsers."""
    web = subparsers.add_parser(
        "web", help="serve the archivist's web app (search, versions, syndication, replay)",
        description="Serve a read-only web app over the store: full-text search with filters, each article's "
                    "versions with diffs, its syndicated copies and captures with downloads, replay of the "
                    "captures in pywb on a separate origin, and each outlet's recent runs.")
    add_store_option(web)
    web.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    web.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"the app's port (default: {DEFAULT_PORT})")
    web.add_argument("--replay-port", type=_port, default=None, help="pywb's port (default: the app's port + 1)")
    web.add_argument("--replay-url", type=_origin, default=None, metavar="URL",
                     help="pywb's address as browsers reach it, e.g. behind a reverse proxy "
                          "(default: http://HOST:REPLAY-PORT)")
    web.add_argument("--rebuild-index", action="store_true",
                     help="rebuild the search index from the store's article records before serving")
    web.add_argument("--index", default=None, metavar="PATH",
                     help="search index file (default: the store's workspace, e.g. ARCHIVE/.newsarchive/search.sqlite)")
    web.add_argument("--pywb", default=None, metavar="PATH",
                     help="pywb's wayback program (default: $NEWSARCHIVE_PYWB, .venv-replay/bin/wayback, or PATH)")
    web.add_argument("--no-replay", action="store_true", help="do not start pywb")
    web.set_defaults(handler=cmd_web)
