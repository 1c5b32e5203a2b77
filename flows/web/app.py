"""The archivist's web app (Starlette): search, an article's versions, syndicated copies
and captures, replay, and the operators' view of each outlet's runs.

Read-only by construction: every route answers GET (and HEAD) only, the search
index is opened read-only, and the store is opened read-only. Nothing from a
request becomes a path or a store key: articles are looked up by their canonical
URL in the index, captures by their timestamp among the article's captures in the
CDXJ index, outlets by slug in the registry; the one endpoint that takes a key
(pywb's Range reads) accepts only keys of the ``warc/`` layout. Archived strings
are escaped by Jinja2 (autoescape on every template); the pages carry no script
and a Content-Security-Policy that allows none, and frame only the replay origin.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from flows.dedup.versions import describe_diff
from flows.exports.capture import url_variants, warc_records_of
from flows.records.article import paragraphs_of
from flows.records.jsonl import read_records
from flows.web.diff import text_diff
from flows.web.index import Filters, SearchIndex, SearchIndexError
from flows.web.replay import frame_path
from flows.web.runs import COUNTS, Manifests, PrefectLinks, outlet_runs
from spiders.outlets import SLUGS, get_outlet
from storage.store import Store, StoreError

HERE = Path(__file__).resolve().parent
_TIMESTAMP = re.compile(r"^\d{14}$")
_LOCAL_MOMENT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_WARC_KEY = re.compile(r"^warc/[a-z][a-z0-9_]{1,31}/\d{4}/\d{2}/\d{2}/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.warc\.gz$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
_CHUNK = 1024 * 1024
RECORD_FILES_CACHED = 16
LANGUAGES_TTL = 60.0


@dataclass
class WebSettings:
    store_uri: str
    index_path: Path
    replay_origin: str | None = None  # where browsers reach pywb, e.g. http://127.0.0.1:8401
    replay_note: str | None = None  # why replay is off, when it is
    allowed_hosts: list[str] = field(default_factory=lambda: ["127.0.0.1", "localhost"])
    prefect: PrefectLinks | None = None


class RecordCache:
    """Article records by (canonical URL, version), from the ``articles/`` objects the index names."""

    def __init__(self, store: Store, files: int = RECORD_FILES_CACHED):
        self.store = store
        self.files = files
        self._by_key: OrderedDict[str, dict[tuple[str, int], dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, articles_key: str, canonical_url: str, version: int) -> dict | None:
        with self._lock:
            records = self._by_key.get(articles_key)
            if records is not None:
                self._by_key.move_to_end(articles_key)
        if records is None:
            records = {(r["canonical_url"], int(r.get("version") or 1)): r
                       for r in read_records(self.store.get_bytes(articles_key))}
            with self._lock:
                self._by_key[articles_key] = records
                while len(self._by_key) > self.files:
                    self._by_key.popitem(last=False)
        return records.get((canonical_url, version))


def security_headers(replay_origin: str | None) -> list[tuple[bytes, bytes]]:
    frame = replay_origin or "'none'"
    policy = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
              f"frame-ancestors 'none'; frame-src {frame}")
    return [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"), (b"cache-control", b"no-store")]


class SecurityHeaders:
    """Adds the security headers to every response, error pages and static files included."""

    def __init__(self, app, replay_origin: str | None):
        self.app = app
        self.headers = security_headers(replay_origin)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in self.headers}
                message["headers"] = [h for h in message.get("headers", []) if h[0].lower() not in names]
                message["headers"] += self.headers
            await send(message)

        return await self.app(scope, receive, with_headers)


def _link(path: str, **params) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(clean) if clean else "")


def _when(text: str | None) -> str:
    """An ISO 8601 time or a 14-digit timestamp, as ``2026-11-20 13:35 UTC`` (or as given)."""
    if not text:
        return ""
    try:
        if _TIMESTAMP.match(text):
            moment = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.globals["link"] = _link
    env.filters["when"] = _when
    env.filters["describe_diff"] = describe_diff
    return env


class WebApp:
    """The routes, over one store and one search index."""

    def __init__(self, settings: WebSettings, store: Store):
        self.settings = settings
        self.store = store
        self.templates = Jinja2Templates(env=_environment())
        self.records = RecordCache(store)
        self.manifests = Manifests(store)
        self._local = threading.local()
        self._languages: tuple[float, list[str]] | None = None

    # -- plumbing ------------------------------------------------------------------------

    def index(self) -> SearchIndex:
        """This thread's read-only connection to the search index."""
        index = getattr(self._local, "index", None)
        if index is None:
            index = self._local.index = SearchIndex(self.settings.index_path, read_only=True)
        return index

    def languages(self) -> list[str]:
        """The languages of the indexed articles, for the filter (looked up once a minute)."""
        cached = self._languages
        if cached is None or time.monotonic() - cached[0] > LANGUAGES_TTL:
            cached = self._languages = (time.monotonic(), self.index().languages())
        return cached[1]

    def page(self, request: Request, name: str, context: dict, status: int = 200) -> Response:
        base = {"store_uri": self.settings.store_uri, "outlets": SLUGS, "replay_origin": self.settings.replay_origin}
        return self.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)

    def error(self, request: Request, status: int, title: str, message: str) -> Response:
        return self.page(request, "error.html", {"title": title, "message": message, "status": status}, status)

    def routes(self) -> list:
        return [
            Route("/", self.search, name="search"),
            Route("/article", self.article, name="article"),
            Route("/replay", self.replay, name="replay"),
            Route("/capture.warc.gz", self.capture_warc, name="capture_warc"),
            Route("/captures.wacz", self.captures_wacz, name="captures_wacz"),
            Route("/outlets", self.outlets, name="outlets"),
            Route("/outlets/{slug}", self.outlet, name="outlet"),
            Route("/_replay/cdx", self.replay_cdx, name="replay_cdx"),
            Route("/_replay/store/{key:path}", self.replay_store, name="replay_store"),
            Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
        ]

    # -- search --------------------------------------------------------------------------

    def search(self, request: Request) -> Response:
        params = request.query_params
        problems: list[str] = []
        text = params.get("q", "")[:500]
        outlet = params.get("outlet") or None
        if outlet and outlet not in SLUGS:
            problems.append(f"unknown outlet {outlet!r}: not applied")
            outlet = None
        language = params.get("language") or None
        if language and not _LANGUAGE.match(language):
            problems.append(f"language must be a code such as en or fr, not {language!r}: not applied")
            language = None
        filters = Filters(outlet=outlet, published_from=_day_param(params.get("from"), "from", problems),
                          published_to=_day_param(params.get("to"), "to", problems), language=language,
                          has_versions=params.get("versions") == "1", in_cluster=params.get("syndicated") == "1")
        page = int(params["page"]) if params.get("page", "").isdigit() else 1
        searched = bool(text.strip()) or filters.active()
        index = self.index()
        results = index.search(text, filters, page) if searched else None
        stats = None if searched else index.stats()  # a count over every article: only on the start page
        form = {"q": text, "outlet": outlet or "", "from": params.get("from", ""), "to": params.get("to", ""),
                "language": language or "", "versions": "1" if filters.has_versions else "",
                "syndicated": "1" if filters.in_cluster else ""}
        return self.page(request, "search.html", {
            "results": results, "form": form, "problems": problems, "languages": self.languages(),
            "stats": stats})

    # -- an article ----------------------------------------------------------------------

    def _article_or_404(self, request: Request):
        from spiders.urls import canonical_url

        given = request.query_params.get("url", "").strip()
        index = self.index()
        found = index.article(given) if given else None
        if found is None and given:
            try:
                found = index.article(canonical_url(given if "://" in given else "https://" + given))
            except ValueError:
                found = None
        if found is None:
            raise HTTPException(404, "This article is not in the archive's index." if given else
                                "No article was asked for: the page needs ?url=<the article's URL>.")
        return found

    def _captures(self, article) -> tuple[list, list[str]]:
        from storage.retrieval import list_captures

        variants = list(dict.fromkeys(url_variants(article.url) + url_variants(article.canonical_url)))
        return list_captures(self.store, variants), variants

    def article(self, request: Request) -> Response:
        article = self._article_or_404(request)
        index = self.index()
        versions = index.versions(article.canonical_url)
        timeline, previous_text, current = [], None, None
        for version in versions:
            record = self.records.get(version.articles_key, article.canonical_url, version.version)
            entry = {"version": version, "record": record, "diff": None}
            if version.status == "ok" and record is not None:
                if previous_text is not None:
                    entry["diff"] = text_diff(previous_text, record["text"])
                previous_text, current = record["text"], record
            timeline.append(entry)
        captures, _ = self._captures(article)
        latest = captures[-1].timestamp if captures else None
        return self.page(request, "article.html", {
            "article": article, "timeline": timeline, "current": current,
            "paragraphs": paragraphs_of(current["text"]) if current else [],
            "cluster": index.cluster(article.canonical_url), "captures": captures,
            "replay_at": _local_input(latest)})

    def replay(self, request: Request) -> Response:
        from storage.retrieval import closest_capture

        article = self._article_or_404(request)
        at_text = request.query_params.get("at", "")
        at = _moment(at_text)
        if at_text and at is None:
            return self.error(request, 400, "Bad time",
                              "The time must be YYYY-MM-DDTHH:MM (UTC) or a 14-digit timestamp.")
        captures, variants = self._captures(article)
        capture = closest_capture(self.store, variants, at)
        if capture is None:
            return self.error(request, 404, "No capture", "The archive holds no capture of this article.")
        frame = None
        if self.settings.replay_origin:
            frame = self.settings.replay_origin + frame_path(capture.timestamp, capture.url)
        return self.page(request, "replay.html", {
            "article": article, "capture": capture, "captures": captures, "frame": frame,
            "replay_note": self.settings.replay_note, "replay_at": _local_input(capture.timestamp)})

    # -- downloads -----------------------------------------------------------------------

    def _capture_at(self, request: Request):
        article = self._article_or_404(request)
        at = request.query_params.get("at", "")
        captures, variants = self._captures(article)
        chosen = [c for c in captures if c.timestamp == at] if _TIMESTAMP.match(at) else []
        if not chosen:
            raise HTTPException(404, "This article has no capture at that time.")
        return article, chosen[0], variants

    def capture_warc(self, request: Request) -> Response:
        from storage.retrieval import retrieve

        article, capture, variants = self._capture_at(request)
        members = warc_records_of(self.store, retrieve(self.store, capture, variants))
        name = f"{article.outlet}-{capture.timestamp}.warc.gz"
        return Response(b"".join(members), media_type="application/warc",
                        headers={"content-disposition": f'attachment; filename="{name}"'})

    def captures_wacz(self, request: Request) -> Response:
        from flows.exports.wacz import ExportError, export_records_wacz
        from storage.retrieval import retrieve

        article = self._article_or_404(request)
        captures, variants = self._captures(article)
        if not captures:
            raise HTTPException(404, "The archive holds no capture of this article.")
        members, seen, pages = [], set(), []
        for capture in captures:
            for member in warc_records_of(self.store, retrieve(self.store, capture, variants)):
                if member not in seen:
                    seen.add(member)
                    members.append(member)
            pages.append({"id": f"{capture.timestamp}-{capture.offset}", "url": capture.url,
                          "ts": capture.when.isoformat().replace("+00:00", "Z"),
                          "title": article.title or capture.url})
        work = Path(tempfile.mkdtemp(prefix="newsarchive-wacz-"))
        output = work / f"{article.outlet}-article.wacz"
        try:
            export_records_wacz(members, pages, output, title=f"{article.title or article.canonical_url}",
                                description=f"newsarchive: the captures of {article.canonical_url}")
        except ExportError as exc:
            shutil.rmtree(work, ignore_errors=True)
            return self.error(request, 500, "WACZ not made", str(exc))
        return FileResponse(output, media_type="application/wacz", filename=output.name,
                            background=BackgroundTask(shutil.rmtree, work, ignore_errors=True))

    # -- operators -----------------------------------------------------------------------

    def outlets(self, request: Request) -> Response:
        counts = self.index().outlet_counts()
        manifests = self.manifests.recent()
        rows = []
        for slug in SLUGS:
            runs = outlet_runs(manifests, slug)
            rows.append({"outlet": get_outlet(slug), "articles": counts.get(slug, 0),
                         "last": runs[0] if runs else None})
        return self.page(request, "outlets.html", {"rows": rows})

    def outlet(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        if slug not in SLUGS:
            raise HTTPException(404, "No outlet of that name is in the registry.")
        prefect = self.settings.prefect
        runs = outlet_runs(self.manifests.recent(outlet=slug), slug, prefect)
        return self.page(request, "outlet.html", {
            "outlet": get_outlet(slug), "runs": runs, "articles": self.index().outlet_counts().get(slug, 0),
            "counts": COUNTS,
            "prefect": prefect, "prefect_error": prefect.last_error if prefect else None})

    # -- for pywb ------------------------------------------------------------------------

    def replay_cdx(self, request: Request) -> Response:
        """CDXJ lines of a URL's captures, closest to ``closest`` first: pywb's remote index."""
        from storage.cdxj import url_key
        from storage.retrieval import list_captures

        url = request.query_params.get("url", "")
        if not url:
            return PlainTextResponse("", status_code=400)
        captures = list_captures(self.store, [url])
        closest = request.query_params.get("closest", "")
        if _TIMESTAMP.match(closest):
            wanted = datetime.strptime(closest, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
            captures.sort(key=lambda c: abs((c.when - wanted).total_seconds()))
        limit = request.query_params.get("limit", "")
        if limit.isdigit():
            captures = captures[: int(limit)]
        lines = []
        for c in captures:
            fields = {"url": c.url, "mime": c.mime or "-", "status": str(c.status) if c.status else "-",
                      "digest": c.digest or "-", "length": str(c.length), "offset": str(c.offset),
                      "filename": c.warc_key}
            lines.append(f"{url_key(c.url)} {c.timestamp} {json.dumps(fields)}\n")
        return PlainTextResponse("".join(lines))

    def replay_store(self, request: Request) -> Response:
        """Byte ranges of a ``warc/...`` object: how pywb reads the WARCs of an S3 store."""
        key = request.path_params["key"]
        if not _WARC_KEY.match(key):
            raise HTTPException(404, "Only WARC files of the store layout are served here.")
        match = _RANGE.match(request.headers.get("range", "bytes=0-"))
        if not match:
            return PlainTextResponse("only one byte range is served", status_code=416)
        start = int(match.group(1))
        if match.group(2):
            end = int(match.group(2))
        else:
            info = self.store.head(key)
            if info is None:
                raise HTTPException(404, "No such WARC file in the store.")
            end = info.size - 1
        if end < start:
            return PlainTextResponse("empty range", status_code=416)
        try:
            first = self.store.get_range(key, start, min(_CHUNK, end - start + 1))
        except StoreError as exc:
            if "no object" in str(exc):
                raise HTTPException(404, "No such WARC file in the store.") from None
            if "beyond the end" in str(exc):
                return PlainTextResponse("range not satisfiable", status_code=416)
            raise

        def chunks():
            yield first
            offset = start + len(first)
            while offset <= end:
                data = self.store.get_range(key, offset, min(_CHUNK, end - offset + 1))
                yield data
                offset += len(data)

        status = 206 if "range" in request.headers else 200
        headers = {"content-length": str(end - start + 1), "accept-ranges": "bytes"}
        if status == 206:
            headers["content-range"] = f"bytes {start}-{end}/*"
        return StreamingResponse(chunks(), status_code=status, media_type="application/octet-stream",
                                 headers=headers)


def _day_param(text: str | None, name: str, problems: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{name} must be a date YYYY-MM-DD, not {text!r}: not applied")
        return None


def _moment(text: str) -> datetime | None:
    """A 14-digit timestamp or YYYY-MM-DD[THH:MM[:SS]], in UTC; None when empty or bad."""
    if _TIMESTAMP.match(text):
        try:
            return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
    match = _LOCAL_MOMENT.match(text)
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()]
    try:
        return datetime(*parts, tzinfo=timezone.utc)
    except ValueError:
        return None


def _local_input(timestamp: str | None) -> str:
    """A 14-digit timestamp as the value of a ``datetime-local`` input."""
    if not timestamp:
        return ""
    return f"{timestamp[0:4]}-{timestamp[4:6]}-{timestamp[6:8]}T{timestamp[8:10]}:{timestamp[10:12]}"


def create_app(settings: WebSettings, store: Store, on_shutdown: list | None = None) -> Starlette:
    """The ASGI app; ``on_shutdown`` callables run when the server stops (before it exits)."""
    from contextlib import asynccontextmanager

    from starlette.concurrency import run_in_threadpool

    web = WebApp(settings, store)

    @asynccontextmanager
    async def lifespan(_app):
        try:
            yield
        finally:
            for stop in on_shutdown or []:
                await run_in_threadpool(stop)

    async def not_found(request: Request, exc: HTTPException) -> Response:
        titles = {404: "Not found", 405: "Not allowed"}
        message = exc.detail if exc.status_code != 405 else "This app only reads: no page accepts that method."
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = "There is no page at this address."
        return web.error(request, exc.status_code, titles.get(exc.status_code, "Error"), message)

    async def unreadable(request: Request, exc: Exception) -> Response:
        return web.error(request, 503, "The archive cannot be read", str(exc).splitlines()[0] if str(exc) else
                         type(exc).__name__)

    async def failed(request: Request, exc: Exception) -> Response:
        return web.error(request, 500, "Internal error", f"The page failed ({type(exc).__name__}).")

    app = Starlette(
        routes=web.routes(),
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)],
        exception_handlers={HTTPException: not_found, StoreError: unreadable, SearchIndexError: unreadable,
                            Exception: failed}, lifespan=lifespan)
    app.state.web = web
    return SecurityHeaders(app, settings.replay_origin)
