"""Golden files: dated HTML captures per outlet and the record expected from each.

    python -m tests.quality.golden_tool                  # regenerate every expected JSON
    python -m tests.quality.golden_tool replica          # (re)import replica articles, then regenerate
    python -m tests.quality.golden_tool add PAGE --outlet SLUG --url URL --date YYYY-MM-DD --name NAME

``tests/outlets/<outlet>/<YYYY-MM-DD>_<name>.html`` is the page as captured; the
``.json`` beside it holds the capture's URL and date (the extractor's input) and
the expected extraction (no volatile fields). Review the diff after regenerating.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from flows.extract.page import extract_html

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "outlets"
REPLICA_PER_OUTLET = 2
REPLICA_CAPTURE_DAY = "2026-11-20"  # the replica's publication day (BASE_TIME)


def golden_pages(outlet: str | None = None) -> list[Path]:
    pattern = f"{outlet}/*.html" if outlet else "*/*.html"
    return sorted(GOLDEN_DIR.glob(pattern))


def capture_time(page: Path) -> datetime:
    """The capture date is the file name's prefix (noon UTC, so no zone moves the day)."""
    return datetime.fromisoformat(page.name[:10]).replace(hour=12, tzinfo=timezone.utc)


def expected_of(page: Path, url: str) -> dict | None:
    article = extract_html(page.read_bytes(), url, fetched_at=capture_time(page))
    return asdict(article) if article else None


def write_expected(page: Path, url: str) -> None:
    document = {"url": url, "captured": page.name[:10], "expected": expected_of(page, url)}
    page.with_suffix(".json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def regenerate() -> int:
    pages = golden_pages()
    for page in pages:
        url = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))["url"]
        write_expected(page, url)
    print(f"regenerated {len(pages)} expected records under {GOLDEN_DIR}")
    return 0


def add(source: Path, outlet: str, url: str, day: str, name: str) -> Path:
    target = GOLDEN_DIR / outlet / f"{day}_{name}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    write_expected(target, url)
    return target


def import_replica() -> int:
    """The first article of each outlet, and the most telling one after it.

    Telling: a republished article, else one crediting another outlet, else a bylined one.
    """
    from spiders.replica.catalogue import Replica

    replica = Replica(articles_per_outlet=50, seed=1)
    for outlet in replica.outlets:
        truths = [t for t in replica.articles(outlet) if t.status == 200]
        chosen = [truths[0]]
        name = replica.outlets[outlet].name
        rest = truths[1:]
        notable = (
            [t for t in rest if t.syndicated_from]
            or [t for t in rest if t.original_source and t.original_source != name]
            or [t for t in rest if t.authors]
            or rest
        )
        chosen.append(notable[0])
        for old in golden_pages(outlet):
            if "_replica-" in old.name:
                old.unlink()
                old.with_suffix(".json").unlink(missing_ok=True)
        for truth in chosen[:REPLICA_PER_OUTLET]:
            target = GOLDEN_DIR / outlet / f"{REPLICA_CAPTURE_DAY}_replica-{truth.index:03d}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(replica.article_html(outlet, truth.index))
            write_expected(target, truth.url)
    return regenerate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.quality.golden_tool", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("regenerate", help="regenerate every expected JSON (the default)")
    commands.add_parser("replica", help="re-import the replica's golden pages, then regenerate")
    adding = commands.add_parser("add", help="add one captured page")
    adding.add_argument("page", type=Path)
    adding.add_argument("--outlet", required=True)
    adding.add_argument("--url", required=True)
    adding.add_argument("--date", required=True, help="capture date, YYYY-MM-DD")
    adding.add_argument("--name", required=True)
    args = parser.parse_args(argv)
    if args.command == "replica":
        return import_replica()
    if args.command == "add":
        print(add(args.page, args.outlet, args.url, args.date, args.name))
        return 0
    return regenerate()


if __name__ == "__main__":
    sys.exit(main())
