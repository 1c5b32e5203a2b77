"""``newsarchive export-wacz``: a WACZ of an outlet's WARCs that ``wacz validate`` accepts, pages from the records."""
from __future__ import annotations

import json
import subprocess
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from flows.cli.main import main
from storage.local import LocalStore
from tests.integration.archive_fixtures import VENV_BIN, SmallArchive, demo_archive, html_page, stored_records

DAY1 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc)
DAY3 = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)


def url(n: int) -> str:
    return f"http://sputnikglobe.com/20261120/story-{n}-11081998{n:02d}.html"


@pytest.fixture
def three_days(tmp_path) -> SmallArchive:
    archive = SmallArchive(LocalStore(tmp_path / "store"), tmp_path)
    for n, day in enumerate((DAY1, DAY2, DAY3)):
        pages = [(url(10 * n + k), day + timedelta(minutes=k), html_page(f"Story {10 * n + k}", [f"Text {k}."]))
                 for k in range(2)]
        archive.add_warc(day, pages)
        archive.add_articles(day, f"{day:%Y%m%d}T080000Z-0000{n}abc", archive.written[-2:])
    return archive


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "wacz"), "validate", "-f", str(path)], capture_output=True, text=True)


def wacz_pages(path: Path) -> list[dict]:
    with zipfile.ZipFile(path) as package:
        return [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()]


def test_export_packages_the_days_in_range_and_lists_their_articles(three_days, tmp_path, capsys):
    out = tmp_path / "sputnik.wacz"
    status = main(["export-wacz", "--outlet", "sputnik", "--from", "2026-11-21", "--to", "2026-11-22",
                   "--store", str(three_days.store.root), str(out)])
    assert status == 0, capsys.readouterr().err
    assert "2 WARC file(s), 4 page(s)" in capsys.readouterr().out
    check = validate(out)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Validation succeeded" in check.stdout
    with zipfile.ZipFile(out) as package:
        names = set(package.namelist())
        assert {"datapackage.json", "datapackage-digest.json", "pages/pages.jsonl", "indexes/index.cdx.gz"} <= names
        archived = sorted(n for n in names if n.startswith("archive/"))
        datapackage = json.loads(package.read("datapackage.json"))
    assert archived == sorted("archive/" + k.rsplit("/", 1)[1] for k in three_days.store.list("warc/")
                              if "/2026/11/20/" not in k)
    assert datapackage["wacz_version"] == "1.1.1"
    header, *pages = wacz_pages(out)
    assert header["format"] == "json-pages-1.0"
    expected = [w for w in three_days.written if w.moment >= DAY2]
    assert [(p["url"], p["ts"], p["title"]) for p in pages] == [
        (w.url, w.moment.isoformat(), w.body.split(b"<title>")[1].split(b"</title>")[0].decode()) for w in expected]


def test_export_without_bounds_takes_every_day(three_days, tmp_path, capsys):
    out = tmp_path / "all.wacz"
    assert main(["export-wacz", "--outlet", "sputnik", "--store", str(three_days.store.root), str(out)]) == 0
    assert len(wacz_pages(out)) == 1 + 6
    assert validate(out).returncode == 0


def test_export_of_days_without_articles_still_has_a_page_list(tmp_path, capsys):
    archive = SmallArchive(LocalStore(tmp_path / "store"), tmp_path)
    archive.add_warc(DAY1, [(url(1), DAY1, html_page("Story", ["Text."]))])  # no article record: discovery only
    out = tmp_path / "empty.wacz"
    assert main(["export-wacz", "--outlet", "sputnik", "--store", str(archive.store.root), str(out)]) == 0
    assert [p.get("format") for p in wacz_pages(out)] == ["json-pages-1.0"]
    check = validate(out)
    assert check.returncode == 0, check.stdout


def test_export_with_nothing_in_range_exits_1_and_writes_nothing(three_days, tmp_path, capsys):
    out = tmp_path / "none.wacz"
    status = main(["export-wacz", "--outlet", "sputnik", "--from", "2027-01-01", "--store",
                   str(three_days.store.root), str(out)])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and "no WARC files of sputnik from 2027-01-01" in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".wacz-export-")]


@pytest.mark.parametrize("argv, message", [
    (["--outlet", "nosuch"], "unknown outlet 'nosuch'"),
    (["--outlet", "sputnik", "--from", "2026-13-01"], "--from must be a date YYYY-MM-DD"),
    (["--outlet", "sputnik", "--from", "2026-11-22", "--to", "2026-11-20"], "is after --to"),
])
def test_bad_input_exits_2_with_one_line(three_days, tmp_path, capsys, argv, message):
    status = main(["export-wacz", *argv, "--store", str(three_days.store.root), str(tmp_path / "x.wacz")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and message in err


@pytest.mark.integration
def test_export_of_a_demo_run_lists_every_archived_article(tmp_path_factory, tmp_path, capsys):
    store = demo_archive(tmp_path_factory)
    for outlet in ("sputnik", "menafn"):
        out = tmp_path / f"{outlet}.wacz"
        assert main(["export-wacz", "--outlet", outlet, "--store", str(store), str(out)]) == 0
        check = validate(out)
        assert check.returncode == 0, check.stdout + check.stderr
        records = [r for r in stored_records(store) if r["outlet"] == outlet]
        assert records
        pages = wacz_pages(out)[1:]
        assert sorted((p["url"], p["ts"], p["title"]) for p in pages) == sorted(
            (r["url"], r["fetched_at"], r["title"]) for r in records)
