"""Extraction quality, in one run: the public benchmark and the outlet replica.

    python -m flows.evaluate [--shared DIR] [--replica-articles N] [--skip-replica]

Benchmark (``<shared>/eval/scrapinghub-aeb``): word 4-shingle P/R/F1 of our
extractor beside plain ``trafilatura.extract(html, include_comments=False)``, both
run here on the same pages. Replica: per outlet, 4-gram P/R/F1 against the true
body, boilerplate leaks, and the accuracy of title, date (to the day) and authors.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from flows.extract import extract_html
from flows.metric import Score, score

BENCHMARK = Path("eval") / "scrapinghub-aeb"


def default_shared_dir() -> Path:
    """``NEWSARCHIVE_SHARED``, else the ``shared`` directory beside the project."""
    env = os.environ.get("NEWSARCHIVE_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared"


@dataclass(frozen=True)
class BenchmarkPage:
    page_id: str
    url: str
    html: str
    truth: str


def benchmark_pages(shared: Path) -> list[BenchmarkPage]:
    directory = shared / BENCHMARK
    truth_file = directory / "ground-truth.json"
    if not truth_file.is_file():
        raise FileNotFoundError(f"benchmark ground truth not found: {truth_file}")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        raw = gzip.decompress((directory / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(BenchmarkPage(page_id, item["url"], raw.decode("utf-8", errors="replace"), item["articleBody"]))
    return pages


@dataclass
class Measured:
    score: Score
    ms_per_page: float


def _measure(pages: list[BenchmarkPage], extractor: Callable[[BenchmarkPage], str]) -> Measured:
    started = time.perf_counter()
    outputs = [extractor(page) for page in pages]
    elapsed = time.perf_counter() - started
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


def evaluate_benchmark(shared: Path) -> BenchmarkResult:
    pages = benchmark_pages(shared)
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


def replica_results(articles_per_outlet: int, seed: int = 1) -> Iterator[OutletResult]:
    from tests.replica.boilerplate import CATALOGUE
    from tests.replica.catalogue import Replica

    replica = Replica(articles_per_outlet=articles_per_outlet, seed=seed)
    for outlet in replica.outlets:
        truths = replica.articles(outlet)
        result = OutletResult(outlet)
        pairs = []
        started = time.perf_counter()
        extracted = [extract_html(replica.article_html(outlet, t.index), t.url) for t in truths]
        result.ms_per_page = 1000 * (time.perf_counter() - started) / max(len(truths), 1)
        for truth, article in zip(truths, extracted):
            result.pages += 1
            if article is None:
                result.missing += 1
                pairs.append((truth.body, ""))
                continue
            pairs.append((truth.body, article.text))
            for snippet in CATALOGUE.get(outlet, []):
                if snippet in article.text:
                    result.leaks += 1
                    result.leaked.append(snippet)
            result.titles += article.title == truth.title
            result.dates += bool(article.published) and article.published[:10] == str(truth.published)[:10]
            result.authors += list(article.authors) == list(truth.authors)
            result.original_sources += (article.original_source or None) == (truth.original_source or None)
        result.score = score(pairs)
        yield result


# --- report ----------------------------------------------------------------------------


def _line(name: str, measured: Measured) -> str:
    s = measured.score
    return f"  {name:<22} F1 {s.f1:.4f}  P {s.precision:.4f}  R {s.recall:.4f}  {measured.ms_per_page:6.1f} ms/page"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=None,
        help="directory holding eval/scrapinghub-aeb (default: $NEWSARCHIVE_SHARED, else ../shared)",
    )
    parser.add_argument("--replica-articles", type=int, default=50, help="replica articles per outlet (default 50)")
    parser.add_argument("--skip-benchmark", action="store_true", help="only evaluate on the replica")
    parser.add_argument("--skip-replica", action="store_true", help="only evaluate on the benchmark")
    args = parser.parse_args(argv)
    shared = args.shared or default_shared_dir()

    if not args.skip_benchmark:
        result = evaluate_benchmark(shared)
        print(f"ScrapingHub article-extraction benchmark ({result.ours.score.pages} pages, {shared / BENCHMARK})")
        print(_line("ours (extract_html)", result.ours))
        print(_line("plain trafilatura", result.trafilatura))
    if not args.skip_replica:
        print(f"\nReplica ({args.replica_articles} articles per outlet)")
        header = f"  {'outlet':<15} {'F1':>6} {'P':>6} {'R':>6} {'leaks':>5} {'title':>6} {'date':>6} {'author':>6} {'source':>6} {'ms':>6}"
        print(header)
        for r in replica_results(args.replica_articles):
            s = r.score
            n = max(r.pages, 1)
            print(
                f"  {r.outlet:<15} {s.f1:6.4f} {s.precision:6.4f} {s.recall:6.4f} {r.leaks:5d} "
                f"{r.titles / n:6.2f} {r.dates / n:6.2f} {r.authors / n:6.2f} {r.original_sources / n:6.2f} {r.ms_per_page:6.1f}"
            )
            for snippet in sorted(set(r.leaked))[:5]:
                print(f"    leaked: {snippet[:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
