"""Hostile servers: every fault ends in a counted outcome, and the rest of the crawl completes.

Two crawls of the replica through the real CLI, side by side: one with a fault on
each article page and on some discovery pages of the six outlets, one where whole
outlets are blocked or down. Each fault's outcome is read back from the run's
manifest: fetched (after retries), failed with a reason, or skipped with a reason.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from spiders.outlets import SLUGS, get_outlet
from spiders.replica.catalogue import Replica
from tests.servers.replica import running_replica
from tests.reliability.harness import LEDGER, archived_urls, invalid_warcs, manifests, newsarchive, run_args, run_env

ARTICLES = 5
FETCHED, FAILED, COUNTED = "fetched", "failed", "counted"

# Per outlet, one fault per article (newest first); None leaves the article alone.
ARTICLE_FAULTS: dict[str, list[tuple[str | None, str]]] = {
    "globalresearch": [("500", FAILED), ("502", FAILED), ("503:retry-after=1,times=1", FETCHED),
                       ("503:times=2", FETCHED), ("429:retry-after=1", FAILED)],
    "mondialisation": [("403", FAILED), ("reset", FAILED), ("timeout", FAILED), ("drip:rate=60000", FETCHED),
                       ("truncated", FAILED)],
    "southfront": [("wrong-length", COUNTED), ("gzip-bomb", FAILED), ("huge:mb=50", FAILED),
                   ("redirect-loop", FAILED), ("redirect-offsite", FAILED)],
    "sputnik": [("redirect-private", FAILED), ("redirect-loopback", FAILED), ("redirect-link-local", FAILED),
                ("bad-charset", FETCHED), ("no-charset", FETCHED)],
    "alwaght": [("malformed-html", FETCHED), ("binary", COUNTED), ("redirect:to=http://[::1]:8080/", FAILED),
                ("502:times=2", FETCHED), (None, FETCHED)],
    "menafn": [("429:retry-after=1,times=1", FETCHED), ("drip:rate=2000", FAILED),
               ("redirect:to=http://localhost/", FAILED), ("500:times=1", FETCHED), (None, FETCHED)],
}
# Discovery pages: (outlet, path, fault).
DISCOVERY_FAULTS = [
    ("sputnik", "/robots.txt", "robots-disallow:paths=/world/"),
    ("mondialisation", "/sitemap.xml", "sitemap-malformed"),
    ("alwaght", "/home/rss/4", "xml-bomb"),
    ("globalresearch", "/feed", "xxe"),
    ("sputnik", "/sitemap_article_index.xml", "sitemap-huge"),
    ("southfront", "/feed/", "500"),
    ("menafn", "/qn_news_sections.aspx?src=c*", "reset"),
]
# Article faults that block the crawler (a 403 refusal, a 429 that outlasts the retries): the page
# is counted as failed, and its outlet reports blocked (and fails), with the evidence.
BLOCKING = {"globalresearch": "429:retry-after=1", "mondialisation": "403"}
# Whole outlets: (outlet, fault on every path). The other outlets of that run have none.
OUTLET_FAULTS = [
    ("sputnik", "403"),  # a crawler-blocking firewall
    ("menafn", "reset"),
    ("globalresearch", "503:retry-after=1"),
    ("alwaght", "robots-disallow:paths=/"),
]


@dataclass
class ArticleFault:
    slug: str
    path: str
    kind: str
    expect: str


def article_faults(catalogue: Replica) -> list[ArticleFault]:
    faults = []
    for slug, kinds in ARTICLE_FAULTS.items():
        for truth, (kind, expect) in zip(catalogue.articles(slug), kinds):
            faults.append(ArticleFault(slug, urlsplit(truth.url).path, kind or "none", expect))
    return faults


def host(slug: str) -> str:
    return get_outlet(slug, environ={}).host


def specs(faults: list[ArticleFault]) -> list[str]:
    out = [f"{host(f.slug)}{f.path}={f.kind}" for f in faults if f.kind != "none"]
    out += [f"{host(slug)}{path}={kind}" for slug, path, kind in DISCOVERY_FAULTS]
    return out


def crawl(tmp: Path, name: str, faults: list[str], prefect_env: dict[str, str]) -> tuple[dict, object, Path]:
    with running_replica(ARTICLES, faults=faults) as replica:
        work = tmp / name
        store = work / "archive"
        # Room for a bogus URL or two a malformed sitemap yields, beside the outlet's articles.
        result = newsarchive(run_args(",".join(SLUGS), store, replica.proxy_url, ARTICLES * 2), work,
                             run_env(work, prefect_env))
    found = manifests(store)
    assert len(found) == 1, f"{name}: exit {result.returncode}\n{result.stderr[-3000:]}"
    return found[0], result, store


@pytest.fixture(scope="module")
def fault_runs(tmp_path_factory, prefect_env):
    tmp = tmp_path_factory.mktemp("faults")
    faults = article_faults(Replica(ARTICLES, seed=1))
    outlet_specs = [f"{host(slug)}/*={kind}" for slug, kind in OUTLET_FAULTS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pages = pool.submit(crawl, tmp, "pages", specs(faults), prefect_env)
        outlets = pool.submit(crawl, tmp, "outlets", outlet_specs, prefect_env)
        return faults, pages.result(), outlets.result()


def _outcome(fault: ArticleFault, outlet: dict, archived: set[str]) -> tuple[str, str]:
    """(category, text) of what the manifest says about one faulty article page."""
    for failure in outlet["failures"]:
        if failure.get("url") and urlsplit(failure["url"]).path.rstrip("/") == fault.path.rstrip("/"):
            return FAILED, f"failed: {_short(failure['reason'])}"
    if any(urlsplit(url).path.rstrip("/") == fault.path.rstrip("/") for url in archived):
        return FETCHED, "fetched and archived"
    unextracted = [f for f in outlet["failures"] if f.get("url") is None]
    if unextracted:
        return COUNTED, f"fetched, counted as failed: {unextracted[0]['reason']}"
    return "lost", "LOST: neither archived nor counted"


def _short(reason: str) -> str:
    reason = re.sub(r"<\d{3} http\S+>", "<response>", reason)
    reason = re.sub(r"https?://\S+", "<url>", reason)
    return reason if len(reason) <= 90 else reason[:87] + "..."


def test_every_page_fault_is_counted_and_the_crawl_completes(fault_runs):
    faults, (manifest, result, store), _ = fault_runs
    archived = set(archived_urls(store))
    bad = []
    for fault in faults:
        outlet = manifest["outlets"][fault.slug]
        category, text = _outcome(fault, outlet, archived)
        ok = category != "lost" and (fault.expect == COUNTED or category == fault.expect)
        if fault.kind != "none":
            LEDGER.add("fault", f"{fault.slug} article: {fault.kind}", text, ok)
        if not ok:
            bad.append((fault.slug, fault.kind, fault.expect, text))
    for slug in SLUGS:
        counts = manifest["outlets"][slug]
        if slug in BLOCKING:
            assert counts["blocked"] == 1 and counts["error"].startswith("blocked: HTTP"), (slug, counts["error"])
        else:
            assert counts["error"] is None, (slug, counts["error"])
    assert not bad, bad
    assert result.returncode == 1, result.stderr[-2000:]  # the blocked outlets fail the run, one line each
    errors = [line for line in result.stderr.splitlines() if line.startswith("newsarchive: error: ")]
    assert sorted(line.split(":")[2].strip() for line in errors) == sorted(BLOCKING), errors
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


def test_every_discovery_fault_is_counted_or_harmless(fault_runs):
    _, (manifest, result, store), _ = fault_runs
    bad = []
    for slug, path, kind in DISCOVERY_FAULTS:
        outlet = manifest["outlets"][slug]
        failed = [f for f in outlet["failures"] if f.get("stage") == "discovery"
                  and (fnmatchcase(urlsplit(f["url"]).path + (f"?{urlsplit(f['url']).query}" if urlsplit(f["url"]).query else ""), path)
                       or urlsplit(f["url"]).path == path or (kind.startswith("robots") and "robots" in f["reason"]))]
        if failed:
            text, ok = f"skipped {urlsplit(failed[0]['url']).path}: {_short(failed[0]['reason'])}", True
        else:
            # Read what was readable; the outlet's other discovery found its articles.
            text = f"read safely; outlet discovered {outlet['discovered']}, error {outlet['error']}"
            ok = (outlet["error"] is None or slug in BLOCKING) and outlet["discovered"] > 0
        LEDGER.add("fault", f"{slug} {path}: {kind}", text, ok)
        if not ok:
            bad.append((slug, path, kind, text))
    assert not bad, bad
    # robots.txt forbids /world/ and the section was skipped, with the reason.
    sputnik = manifest["outlets"]["sputnik"]["failures"]
    assert any("robots" in f["reason"].lower() and "/world/" in f["url"] for f in sputnik), sputnik


def test_entity_expansion_and_external_entities_stay_off(fault_runs):
    _, (manifest, result, store), _ = fault_runs
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else None
    urls = archived_urls(store)
    assert not [u for u in urls if "lol" in u or "xxe" in u or "bomb" in u]
    if hostname:
        assert not [u for u in urls if hostname in u]
    warcs = sorted(store.rglob("*.warc.gz"))
    assert warcs and not invalid_warcs(warcs)


def test_whole_outlet_faults_fail_that_outlet_only(fault_runs):
    _, _, (manifest, result, store) = fault_runs
    blocked = {slug for slug, _ in OUTLET_FAULTS}
    bad = []
    for slug, kind in OUTLET_FAULTS:
        error = manifest["outlets"][slug]["error"]
        LEDGER.add("fault", f"{slug} every path: {kind}", f"outlet failed: {_short(error or 'none')}", bool(error))
        if not error:
            bad.append(slug)
    assert not bad, manifest["outlets"]
    for slug in set(SLUGS) - blocked:
        counts = manifest["outlets"][slug]
        assert counts["error"] is None and counts["fetched"] == ARTICLES, (slug, counts)
    assert result.returncode == 1  # a run with a failed outlet says so, and ends with one line per outlet
    assert result.stderr.rstrip().splitlines()[-1].startswith("newsarchive: error: "), result.stderr[-2000:]
