"""``newsarchive web`` in Debian's Chromium (driven by Playwright), over a store the replica filled.

The store is the three-run revisit scenario (versions, tombstones, MENAFN's
syndicated copies), plus one article planted with warcio whose archived page
carries a script that tries to reach the app's origin (its DOM through
``window.top``, its cookies, its localStorage) and a title full of markup. The app
runs as the real command, with pywb from ``.venv-replay`` on its own port.
``make screenshots`` keeps the screenshots in ``docs/``.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest

from spiders.replica.process import stop_process
from spiders.urls import canonical_url
from storage.local import LocalStore
from storage.state import StateStore
from tests.integration.archive_fixtures import SmallArchive, stored_records
from tests.integration.revisit_scenario import OUTLETS, scenario
from tests.servers import PROJECT_ROOT, free_port
from tests.servers.pywb import pywb_bin_dir

pytestmark = pytest.mark.integration
VENV_BIN = Path(sys.executable).parent
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

PLANTED_URL = "http://sputnikglobe.com/20261201/harbour-talks-stall-1108299001.html"
PLANTED_TITLE = 'Harbour Talks Stall <img src=x id=planted-img> & "quotes"'
PLANTED_MOMENT = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
# Runs in the archived page. It marks its own document (so the test knows it ran), then
# tries to leave a marker in the app's origin in every way a page could.
PLANTED_SCRIPT = """
var log = [];
try { window.top.document.body.setAttribute('data-pwned', 'dom'); log.push('top dom: reached'); }
catch (e) { log.push('top dom: blocked'); }
try { window.top.document.title = 'PWNED'; } catch (e) {}
try { document.cookie = 'pwned=cookie; path=/'; log.push('cookie: set'); } catch (e) { log.push('cookie: blocked'); }
try { window.localStorage.setItem('pwned', 'storage'); log.push('storage: set'); }
catch (e) { log.push('storage: blocked'); }
try { window.top.location.href = window.top.location.href + '#pwned'; } catch (e) {}
document.getElementById('planted').textContent = 'planted script ran: ' + log.join(', ');
"""
PLANTED_HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour Talks Stall</title></head><body>"
    "<article><h1>Harbour Talks Stall</h1><p id='planted'>planted script did not run</p>"
    "<p>Negotiators left the harbour authority without an agreement on berthing fees.</p>"
    f"<script>{PLANTED_SCRIPT}</script></article></body></html>").encode()



@pytest.fixture(scope="module")
def wayback() -> Path:
    return pywb_bin_dir() / "wayback"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return scenario(tmp_path_factory)


@pytest.fixture(scope="module")
def store(runs, tmp_path_factory) -> Path:
    """A copy of the scenario's store (no workspace), with the planted article added."""
    root = tmp_path_factory.mktemp("web") / "archive"
    shutil.copytree(runs.store, root, ignore=shutil.ignore_patterns(".newsarchive"))
    archive = SmallArchive(LocalStore(root), tmp_path_factory.mktemp("planted"), outlet="sputnik")
    day = PLANTED_MOMENT.replace(hour=0, minute=0)
    archive.add_warc(day, [(PLANTED_URL, PLANTED_MOMENT, PLANTED_HTML)])
    written = archive.written[0]
    # The record's title is the hostile one (the page's own title is plain, for the WARC).
    written.body = written.body.replace(b"<title>Harbour Talks Stall</title>",
                                        f"<title>{PLANTED_TITLE}</title>".encode())
    archive.add_articles(day, "20261201T093000Z-0badc0de", [written])
    return root


def start_web(store: str, tmp: Path, wayback: Path | None, cwd: Path | None = None, *extra: str):
    """``newsarchive web`` on free ports, run in ``cwd`` (default ``tmp``), its log in ``tmp``."""
    port, replay_port = free_port(), free_port()
    args = [str(VENV_BIN / "newsarchive"), "web", "--store", store, "--port", str(port),
            "--replay-port", str(replay_port), *extra]
    args += ["--pywb", str(wayback)] if wayback else ["--no-replay"]
    log = tmp / f"web-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=cwd or tmp, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"newsarchive web exited with {process.returncode}: {log.read_text()[-3000:]}")
        try:
            with _NO_PROXY.open(base + "/outlets", timeout=2) as response:
                if response.status == 200:
                    return process, base, f"http://127.0.0.1:{replay_port}", log
        except OSError:
            time.sleep(0.3)
    stop_process(process)
    raise RuntimeError(f"newsarchive web did not answer: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def web(store, wayback, tmp_path_factory):
    # Run beside the store and name it as a user would (the pages show the store as given).
    process, base, replay, log = start_web(store.name, tmp_path_factory.mktemp("web-run"), wayback, store.parent)
    try:
        yield base, replay
    finally:
        stop_process(process, timeout=15)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is needed (make test installs Debian's chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str, full_page: bool = False) -> None:
    target = os.environ.get("NEWSARCHIVE_SCREENSHOT_DIR")
    if target:
        page.screenshot(path=str(PROJECT_ROOT / target / name), full_page=full_page)


def _latest(runs, status: str, version: int) -> list[str]:
    with StateStore(runs.store / ".newsarchive" / "state.sqlite") as state:
        return sorted(url for slug in OUTLETS for url, v in state.latest_versions(slug).items()
                      if v.status == status and v.version == version)


def _edited(runs):
    """An edited article: (canonical URL, truth before, truth after)."""
    url = next(u for u in _latest(runs, "ok", 2) if "sputnikglobe.com" in u)
    truth = {canonical_url(t.url): t for t in runs.after.articles("sputnik")}[url]
    before = {canonical_url(t.url): t for t in runs.before.articles("sputnik")}[url]
    return url, before, truth


def _phrase(paragraph: str, words: int = 8) -> str:
    tokens = paragraph.split()
    return " ".join(tokens[len(tokens) // 2: len(tokens) // 2 + words]).strip(".,;:")


def test_a_phrase_search_finds_the_article_and_its_page_shows_both_versions_and_the_diff(web, runs, page):
    base, _ = web
    url, before, after = _edited(runs)
    old, new = before.body.split("\n\n"), after.body.split("\n\n")
    added = next(p for p in new if p not in old)
    removed = next(p for p in old if p not in new)
    page.goto(base + "/")
    page.fill("input[name=q]", f'"{_phrase(added)}"')
    page.click("button[type=submit]")
    hits = page.locator("li.hit")
    assert hits.count() >= 1
    assert hits.first.locator(".url").inner_text() == url
    assert "<mark>" in hits.first.locator(".snippet").inner_html()
    shot(page, "web-search.png")

    hits.first.locator("a.title").click()
    assert page.locator("#article-title").inner_text() == after.title
    versions = page.locator("#versions li.version")
    assert versions.count() == 2
    # The changed paragraph, read without its <del> words, is the new text; without its <ins>, the old.
    changed = versions.nth(1).locator(".diff p.changed")
    assert changed.count() == 1 and changed.locator("ins").count() >= 1 and changed.locator("del").count() >= 1
    new_text, old_text = changed.evaluate("""p => ['del', 'ins'].map(drop => {
        const copy = p.cloneNode(true);
        copy.querySelectorAll(drop).forEach(e => e.remove());
        return copy.textContent; })""")
    assert new_text.split() == added.split() and old_text.split() == removed.split()
    assert "+1/-1 paragraphs" in versions.nth(1).inner_text()
    assert _phrase(added) in page.locator("#clean-text").inner_text()
    assert page.locator("#captures tbody tr").count() == 2
    shot(page, "web-article.png", full_page=True)


def test_the_cluster_lists_the_copy_on_the_other_outlet_and_names_the_original(web, runs, page):
    base, _ = web
    # A copy the replica made (ground truth) that the pipeline found: either record names the cluster
    # (which one does depends on which outlet's run indexed its article first).
    clustered = {r["canonical_url"] for r in stored_records(runs.store) if r.get("cluster_id")}
    pairs = [(t, canonical_url(t.syndicated_from)) for replica in (runs.before, runs.after)
             for t in replica.articles("menafn") if t.syndicated_from]
    copy, original = next((t, o) for t, o in pairs if {canonical_url(t.url), o} & clustered)
    page.goto(f"{base}/article?url={quote(original, safe='')}")
    rows = page.locator("#cluster tbody tr")
    assert rows.count() >= 2
    copy_row = rows.filter(has_text=copy.title).filter(has_text="menafn")
    assert copy_row.count() == 1 and copy_row.inner_text().strip().endswith("copy")
    assert "original" in rows.filter(has_text="(this page)").inner_text()
    copy_row.locator("a").click()
    assert "menafn.com" in page.locator("#article-title ~ dl .url").inner_text()
    assert page.locator("#cluster .badge.original").count() == 1


def test_a_removed_article_shows_its_tombstone(web, runs, page):
    base, _ = web
    url = next(u for u in _latest(runs, "gone", 2) if "southfront.press" in u)
    page.goto(f"{base}/article?url={quote(url, safe='')}")
    assert re.search(r"Gone on 2026-12-30 \d\d:\d\d UTC, HTTP 410", page.locator("#tombstone").inner_text())
    assert "Version 2: gone" in page.locator("#versions").inner_text()
    statuses = page.locator("#captures tbody tr td:nth-child(2)").all_inner_texts()
    assert statuses == ["200", "410"]


def test_view_as_archived_replays_the_capture_closest_to_the_chosen_time(web, runs, page):
    base, replay = web
    url, before, after = _edited(runs)
    removed = next(p for p in before.body.split("\n\n") if p not in after.body.split("\n\n"))
    page.goto(f"{base}/article?url={quote(url, safe='')}")
    page.fill("input[name=at]", "2026-11-21T00:00")  # nearer the first capture than the second
    page.click("#view-as-archived")
    assert "2026-11-20" in page.locator("#capture-time").inner_text()
    frame = page.locator("#replay-frame")
    assert frame.get_attribute("src").startswith(replay + "/")
    assert "allow-same-origin" not in frame.get_attribute("sandbox")
    from playwright.sync_api import expect

    archived = page.frame_locator("#replay-frame")
    expect(archived.locator("h1").first).to_contain_text(after.title, timeout=30_000)  # the frame has loaded
    assert _phrase(removed) in " ".join(archived.locator("body").inner_text().split())
    shot(page, "web-replay.png")


def test_a_script_planted_in_an_archived_page_runs_only_in_its_sandbox(web, page):
    from playwright.sync_api import expect

    base, _ = web
    app_url = f"{base}/replay?url={quote(canonical_url(PLANTED_URL), safe='')}"

    page.goto(app_url)
    ran = page.frame_locator("#replay-frame").locator("#planted")
    # The script did run inside the frame, and every attempt on the app's origin failed.
    expect(ran).to_have_text(re.compile(r"^planted script ran: "), timeout=20_000)
    assert page.evaluate("document.body.getAttribute('data-pwned')") is None
    assert page.evaluate("document.title") != "PWNED"
    assert page.evaluate("window.localStorage.getItem('pwned')") is None
    assert not [c for c in page.context.cookies() if c["name"] == "pwned"]
    assert page.url == app_url


def test_archived_strings_are_escaped_on_the_apps_pages(web, page):
    base, _ = web
    page.goto(f"{base}/?q=harbour+talks+stall")
    hit = page.locator("li.hit").filter(has=page.locator(".url", has_text=canonical_url(PLANTED_URL)))
    assert hit.locator("a.title").inner_text() == PLANTED_TITLE
    page.goto(f"{base}/article?url={quote(canonical_url(PLANTED_URL), safe='')}")
    assert page.locator("#article-title").inner_text() == PLANTED_TITLE
    assert page.locator("#planted-img").count() == 0


def test_the_outlet_page_shows_its_last_runs_and_their_counts(web, runs, page):
    base, _ = web
    page.goto(f"{base}/outlets/sputnik")
    rows = page.locator("#runs tbody tr.run-ok")
    assert rows.count() == 3
    newest = runs.manifests[2]
    first = rows.first.inner_text()
    assert newest["run_id"] in first
    counts = newest["outlets"]["sputnik"]
    assert f"\t{counts['revisited']}\t{counts['changed']}\t{counts['gone']}\t" in first
    assert "Last 3 runs: 3 ok, 0 failed" in page.locator("#health").inner_text()
    shot(page, "web-outlet.png")


def test_unknown_pages_and_articles_get_a_clear_error_page(web, page):
    base, _ = web
    response = page.goto(f"{base}/no-such-page")
    assert response.status == 404 and "There is no page at this address." in page.inner_text("main")
    response = page.goto(f"{base}/article?url={quote('https://sputnikglobe.com/never-archived', safe='')}")
    assert response.status == 404 and "not in the archive" in page.inner_text("main")
    response = page.goto(f"{base}/outlets/..%2F..%2Fetc")
    assert response.status == 404


def test_an_s3_store_is_searched_and_replayed_through_the_apps_range_endpoint(store, runs, wayback, s3_prefix,
                                                                               tmp_path):
    from storage.s3 import S3Store

    bucket = S3Store.from_uri(s3_prefix)
    for path in sorted(store.rglob("*")):
        key = path.relative_to(store).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in key.split("/")):
            bucket.put_file(key, path)
    url, before, after = _edited(runs)
    removed = next(p for p in before.body.split("\n\n") if p not in after.body.split("\n\n"))
    process, base, replay, log = start_web(s3_prefix, tmp_path, wayback, None, "--index", str(tmp_path / "s.sqlite"))
    try:
        added = next(p for p in after.body.split("\n\n") if p not in before.body.split("\n\n"))
        with _NO_PROXY.open(f"{base}/?q={quote(chr(34) + _phrase(added) + chr(34))}", timeout=30) as response:
            assert response.status == 200 and quote(url, safe="") in response.read().decode()
        with _NO_PROXY.open(f"{base}/replay?url={quote(url, safe='')}&at=2026-11-21T00:00", timeout=30) as response:
            frame = re.search(r'<iframe id="replay-frame"[^>]* src="([^"]+)"', response.read().decode()).group(1)
        assert frame.startswith(replay + "/archive/20261120")
        with _NO_PROXY.open(frame.replace("&amp;", "&"), timeout=60) as response:
            page = " ".join(response.read().decode().split())
        assert _phrase(removed) in page and after.title in page
    finally:
        stop_process(process, timeout=15)


def test_each_archive_run_indexed_the_records_it_wrote(runs):
    from flows.web.index import SearchIndex

    written = {f["key"] for m in runs.manifests for f in m["files"] if f["key"].startswith("articles/")}
    assert written
    with SearchIndex(runs.store / ".newsarchive" / "search.sqlite", read_only=True) as index:
        assert index.indexed_files() == written
        url, _, after = _edited(runs)
        assert index.article(url).version == 2
        assert url in [hit.canonical_url for hit in index.search(f'"{_phrase(after.body.split(chr(10) * 2)[-1])}"').hits]


def test_pywb_stops_with_the_app(store, wayback, tmp_path):
    process, base, replay, _ = start_web(str(store), tmp_path, wayback, None, "--index", str(tmp_path / "s.sqlite"))
    port = int(replay.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # pywb answers while the app runs
    stop_process(process, timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(0.3)
        except OSError:
            return
    pytest.fail(f"pywb still answers on port {port} after the app stopped")
