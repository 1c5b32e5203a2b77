"""Extraction quality, in one run: the public benchmark and the outlet replica.

    python -m tests.quality.evaluate [--benchmark DIR] [--dates DIR] [--replica-articles N]
        [--furniture-epoch N] [--skip-benchmark] [--skip-dates] [--skip-replica] [--markdown]

Benchmarks (the vendored ScrapingHub set and WCXB's test-split article pages under ``tests/quality/data``, or
each ``--benchmark DIR``): word 4-shingle P/R/F1 of our
extractor beside plain ``trafilatura.extract(html, include_comments=False)``, both
run here on the same pages. Dates (``--dates DIR``, a set in htmldate's evaluation
layout, or the dated outlet captures in ``tests/outlets``): days right, ours beside
plain htmldate. Replica: per outlet, 4-gram P/R/F1 against the true body,
boilerplate leaks, the accuracy of title, date (to the day), authors and original
source, and CPU time per page beside plain trafilatura's on the same pages; then the
same with generated furniture wordings of an epoch the rules never saw.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from flows.extract.furniture import FurnitureBook
from flows.extract.page import extract_html
from flows.records.article import paragraphs_of
from spiders.outlet import ExtractionRules
from tests.quality.metric import Score, score

# The ScrapingHub article-extraction benchmark, vendored with its licence (MIT).
BENCHMARK_DIR = Path(__file__).resolve().parent / "data" / "scrapinghub-aeb"
# WCXB's held-out test split, its article pages (CC-BY-4.0): pages the generic path was not chosen on.
WCXB_TEST_ARTICLES = BENCHMARK_DIR.parent / "wcxb-test-articles"


@dataclass(frozen=True)
class BenchmarkPage:
    page_id: str
    url: str
    html: str
    truth: str


def benchmark_pages(directory: Path = BENCHMARK_DIR) -> list[BenchmarkPage]:
    """Pages of a benchmark in the ScrapingHub layout: ``ground-truth.json`` (``{id: {url,
    articleBody}}``) beside ``html/<id>.html.gz``, or ``<id>.html`` (other sets converted to it)."""
    truth_file = directory / "ground-truth.json"
    if not truth_file.is_file():
        raise FileNotFoundError(f"benchmark ground truth not found: {truth_file}")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        packed, plain = directory / "html" / f"{page_id}.html.gz", directory / f"{page_id}.html"
        raw = gzip.decompress(packed.read_bytes()) if packed.is_file() else plain.read_bytes()
        pages.append(BenchmarkPage(page_id, item["url"], raw.decode("utf-8", errors="replace"), item["articleBody"]))
    return pages


@dataclass
class Measured:
    score: Score
    ms_per_page: float  # CPU time: steadier than wall time on a shared machine


def _measure(pages: list[BenchmarkPage], extractor: Callable[[BenchmarkPage], str]) -> Measured:
    started = time.process_time()
    outputs = [extractor(page) for page in pages]
    elapsed = time.process_time() - started
    return Measured(score((p.truth, o) for p, o in zip(pages, outputs)), 1000 * elapsed / max(len(pages), 1))


def ours(page: BenchmarkPage) -> str:
    article = extract_html(page.html, page.url)
    return article.text if article else ""


def plain_trafilatura(page: BenchmarkPage) -> str:
    return trafilatura.extract(page.html, include_comments=False) or ""


@dataclass
class BenchmarkResult:
    ours: Measured
    trafilatura: Measured


def evaluate_benchmark(directory: Path = BENCHMARK_DIR) -> BenchmarkResult:
    pages = benchmark_pages(directory)
    return BenchmarkResult(ours=_measure(pages, ours), trafilatura=_measure(pages, plain_trafilatura))


# --- replica ---------------------------------------------------------------------------


@dataclass
class OutletResult:
    outlet: str
    pages: int = 0
    score: Score | None = None
    leaks: int = 0
    leaked: list[str] = field(default_factory=list)
    titles: int = 0
    dates: int = 0
    authors: int = 0
    original_sources: int = 0
    missing: int = 0  # pages where extraction returned nothing
    ms_per_page: float = 0.0
    trafilatura_ms_per_page: float = 0.0  # plain trafilatura on the same pages, for scale


def replica_results(articles_per_outlet: int, seed: int = 1, furniture_epoch: int | None = None) -> Iterator[OutletResult]:
    """Per outlet, the replica's pages extracted one by one against their ground truth.

    With ``furniture_epoch`` the pages carry generated furniture wordings of that epoch
    (``spiders.replica.furniture``): the furniture is first learned from all the outlet's
    pages, as a crawl does, then each page is extracted alone with what was learned.
    """
    from spiders.replica import furniture
    from spiders.replica.catalogue import Replica

    replica = Replica(articles_per_outlet=articles_per_outlet, seed=seed, furniture_epoch=furniture_epoch)
    for outlet in replica.outlets:
        truths = replica.articles(outlet)
        result = OutletResult(outlet)
        pairs = []
        pages = [replica.article_html(outlet, t.index) for t in truths]
        started = time.process_time()
        book = learned_from(pages, truths) if furniture_epoch is not None else None
        extracted = [extract_html(page, t.url, furniture=book) for page, t in zip(pages, truths)]
        result.ms_per_page = 1000 * (time.process_time() - started) / max(len(truths), 1)
        started = time.process_time()
        for page in pages:
            trafilatura.extract(page, include_comments=False)
        result.trafilatura_ms_per_page = 1000 * (time.process_time() - started) / max(len(truths), 1)
        for truth, article in zip(truths, extracted):
            result.pages += 1
            if article is None:
                result.missing += 1
                pairs.append((truth.body, ""))
                continue
            pairs.append((truth.body, article.text))
            art = replica.article(outlet, replica.entries(outlet)[truth.index].rank)
            snippets = (*replica.furniture(outlet), *furniture.page_snippets(replica, art),
                        *furniture.dateline_snippets(replica, art, truth.original_source or "MENAFN"))
            for snippet in dict.fromkeys(snippets):
                if snippet in article.text:
                    result.leaks += 1
                    result.leaked.append(snippet)
            result.titles += article.title == truth.title
            result.dates += bool(article.published) and article.published[:10] == str(truth.published)[:10]
            result.authors += list(article.authors) == list(truth.authors)
            result.original_sources += (article.original_source or None) == (truth.original_source or None)
        result.score = score(pairs)
        yield result


def learned_from(pages: list[bytes], truths) -> FurnitureBook:
    """What a crawl of these pages teaches: every page extracted, its paragraphs counted."""
    book = FurnitureBook()
    for page, truth in zip(pages, truths):
        article = extract_html(page, truth.url)
        if article is not None and article.rules_version:
            book.entry(article.outlet, article.rules_version.split("/", 1)[0]).learn(
                article.canonical_url, paragraphs_of(article.text))
    return book


# --- dates -----------------------------------------------------------------------------


@dataclass
class DatesResult:
    pages: int = 0
    ours: int = 0  # right to the day (or both undated)
    htmldate: int = 0  # plain htmldate.find_date(html, url=url)
    htmldate_original: int = 0  # htmldate with original_date=True
    ms_per_page: float = 0.0


def date_pages(directory: Path) -> list[tuple[str, str, str | None]]:
    """``(html, url, day or None)`` of a date set in htmldate's evaluation layout: ``truth.json``
    (``{name: {url, date}}``) beside ``<name>.html``, and undated pages as ``undated/<name>.html``
    (with their URLs in ``undated/truth-undated.json``), right when both are undated."""
    truth_file = directory / "truth.json"
    if not truth_file.is_file():
        raise FileNotFoundError(f"date set truth not found: {truth_file}")
    pages = []
    for folder, truth in ((directory, truth_file), (directory / "undated", directory / "undated" / "truth-undated.json")):
        if not truth.is_file():
            continue
        for name, item in sorted(json.loads(truth.read_text(encoding="utf-8")).items()):
            html = (folder / f"{name}.html").read_bytes().decode("utf-8", errors="replace")
            pages.append((html, item["url"], item.get("date") or None))
    return pages


def golden_date_pages() -> list[tuple[str, str, str | None]]:
    """The dated outlet captures shipped in tests/outlets (pages with outlet rules)."""
    from tests.quality.golden_tool import golden_pages

    pages = []
    for page in golden_pages():
        document = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        expected = document.get("expected") or {}
        pages.append((page.read_bytes().decode("utf-8", errors="replace"), document["url"],
                      (expected.get("published") or "")[:10] or None))
    return pages


def evaluate_dates(pages: list[tuple[str, str, str | None]]) -> DatesResult:
    from htmldate import find_date

    result = DatesResult(pages=len(pages))
    started = time.process_time()
    ours = [extract_page_date(html, url) for html, url, _ in pages]
    result.ms_per_page = 1000 * (time.process_time() - started) / max(len(pages), 1)
    for (html, url, day), found in zip(pages, ours):
        result.ours += found == day
        result.htmldate += find_date(html, url=url) == day
        result.htmldate_original += find_date(html, url=url, original_date=True) == day
    return result


def extract_page_date(html: str, url: str) -> str | None:
    """The day our extractor gives the page (the metadata path, as in ``extract_html``)."""
    from trafilatura.utils import load_html

    from flows.extract.metadata import extract_published
    from flows.extract.page import _rules_day, outlet_for_url

    tree = load_html(html)
    if tree is None:
        return None
    outlet = outlet_for_url(url)
    rules = outlet.rules_for(_rules_day(tree, url, None)) if outlet else ExtractionRules()
    published = extract_published(tree, rules, url, rules_known=outlet is not None, source=html)
    return published.value[:10] if published else None


# --- report ----------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]], markdown: bool = False) -> str:
    """Rows under headers: aligned columns for a terminal, or a GitHub Markdown table."""
    if markdown:
        lines = [headers, ["---"] + ["---:"] * (len(headers) - 1), *rows]
        return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    aligned = lambda cells: "  ".join(  # noqa: E731 - first column left, numbers right
        cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(cells, widths))
    )
    return "\n".join([aligned(headers), aligned(["-" * w for w in widths]), *map(aligned, rows)])


def benchmark_table(result: BenchmarkResult, markdown: bool = False) -> str:
    rows = []
    for name, measured in (("ours (extract_html)", result.ours), ("plain trafilatura", result.trafilatura)):
        s = measured.score
        rows.append([name, f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}", f"{measured.ms_per_page:.1f}"])
    return table(["extractor", "precision", "recall", "F1", "CPU ms/page"], rows, markdown)


def replica_table(results: list[OutletResult], markdown: bool = False) -> str:
    rows = []
    for r in results:
        n = max(r.pages, 1)
        s = r.score
        rows.append([
            r.outlet, str(r.pages), f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}", str(r.leaks),
            str(r.missing), f"{r.titles / n:.0%}", f"{r.dates / n:.0%}", f"{r.authors / n:.0%}",
            f"{r.original_sources / n:.0%}", f"{r.ms_per_page:.1f}", f"{r.trafilatura_ms_per_page:.1f}",
        ])
    headers = ["outlet", "pages", "precision", "recall", "F1", "leaks", "missing", "title", "date", "authors",
               "source", "CPU ms/page", "plain trafilatura"]
    return table(headers, rows, markdown)


def dates_table(result: DatesResult, markdown: bool = False) -> str:
    rows = [[name, f"{count}/{result.pages}", f"{count / max(result.pages, 1):.1%}"] for name, count in (
        ("ours (extract_html metadata)", result.ours), ("plain htmldate", result.htmldate),
        ("htmldate, original_date=True", result.htmldate_original))]
    return table(["dates", "right to the day", "share"], rows, markdown)


def main(argv: list[str] | None = None) -> int:
    import random

    parser = argparse.ArgumentParser(prog="python -m tests.quality.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--benchmark",
        type=Path,
        action="append",
        metavar="DIR",
        help="a benchmark in the ScrapingHub layout, repeatable (default: the vendored ScrapingHub set and "
             "WCXB's test-split article pages)",
    )
    parser.add_argument("--dates", type=Path, default=None, metavar="DIR",
                        help="a date set in htmldate's evaluation layout (truth.json + <name>.html); "
                             "default: the dated outlet captures in tests/outlets")
    parser.add_argument("--replica-articles", type=int, default=50, help="replica articles per outlet (default 50)")
    parser.add_argument("--furniture-epoch", type=int, default=None, metavar="N",
                        help="the wording epoch of the generated-furniture replica (default: a new one each run)")
    parser.add_argument("--skip-benchmark", action="store_true", help="only evaluate on the replica")
    parser.add_argument("--skip-dates", action="store_true", help="leave the date comparison out")
    parser.add_argument("--skip-replica", action="store_true", help="only evaluate on the benchmark")
    parser.add_argument("--markdown", action="store_true", help="print the tables as GitHub Markdown")
    args = parser.parse_args(argv)
    if args.replica_articles < 1:
        parser.error("--replica-articles must be at least 1")
    benchmarks = [] if args.skip_benchmark else args.benchmark or [BENCHMARK_DIR, WCXB_TEST_ARTICLES]
    for directory in benchmarks:
        if not (directory / "ground-truth.json").is_file():
            parser.error(f"no ground-truth.json under {directory} (use --benchmark DIR or --skip-benchmark)")
    if args.dates is not None and not (args.dates / "truth.json").is_file():
        parser.error(f"no truth.json under {args.dates} (a date set in htmldate's layout)")

    for number, directory in enumerate(benchmarks):
        result = evaluate_benchmark(directory)
        if number:
            print()
        print(f"Article-extraction benchmark {directory.name}: {result.ours.score.pages} pages, word 4-gram metric\n")
        print(benchmark_table(result, args.markdown))
    if not args.skip_dates:
        pages = date_pages(args.dates) if args.dates else golden_date_pages()
        where = args.dates.name if args.dates else "tests/outlets (outlet captures)"
        print(f"\nPublication dates, {where}: {len(pages)} pages, right to the day (undated: right when none is given)\n")
        print(dates_table(evaluate_dates(pages), args.markdown))
    if not args.skip_replica:
        results = list(replica_results(args.replica_articles))
        print(f"\nOutlet replica: {args.replica_articles} articles per outlet, 4-gram metric against the true body;")
        print("leaks = boilerplate strings found in the text; title/date/authors/source = share of exact matches;")
        print("plain trafilatura = CPU ms/page of trafilatura.extract on the same pages, for scale\n")
        print(replica_table(results, args.markdown))
        _print_leaks(results)
        epoch = args.furniture_epoch if args.furniture_epoch is not None else random.SystemRandom().randrange(1000, 10**6)
        results = list(replica_results(args.replica_articles, furniture_epoch=epoch))
        print(f"\nOutlet replica, generated furniture wordings of epoch {epoch} (unseen by the rules; "
              f"--furniture-epoch {epoch} repeats it): learned from the outlet's pages, then each page alone;")
        print("CPU ms/page includes the learning pass\n")
        print(replica_table(results, args.markdown))
        _print_leaks(results)
    return 0


def _print_leaks(results: list[OutletResult]) -> None:
    for r in results:
        for snippet in sorted(set(r.leaked))[:5]:
            print(f"  {r.outlet} leaked: {snippet[:90]!r}")


if __name__ == "__main__":
    sys.exit(main())
