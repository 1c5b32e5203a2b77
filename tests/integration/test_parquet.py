"""One Parquet file per outlet per day, rebuilt from that day's article records."""
from __future__ import annotations

import dataclasses
import io
import json
import shutil
from datetime import date, datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.records.jsonl import read_records
from flows.exports.parquet import (
    SCHEMA,
    articles_day_prefix,
    days_in_manifest,
    write_day_parquet,
    write_run_parquet,
)
from flows.records.article import ArticleRecord
from storage import layout
from storage.local import LocalStore
from storage.s3 import S3Store
from tests.integration.archive_fixtures import SmallArchive, demo_archive, html_page

DAY = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
NEXT_DAY = DAY + timedelta(days=1)


def add_run(archive: SmallArchive, day: datetime, run: int, count: int) -> str:
    start = len(archive.written)
    pages = [(f"http://sputnikglobe.com/20261120/run{run}-story{k}-110819{run}{k:02d}.html",
              day + timedelta(minutes=run, seconds=k), html_page(f"Run {run} story {k}", [f"Paragraph {k}."]))
             for k in range(count)]
    archive.add_warc(day, pages)
    return archive.add_articles(day, f"{day:%Y%m%d}T0{run}0000Z-00000{run}ab", archive.written[start:])


def read_table(store, key: str) -> pa.Table:
    return pq.read_table(io.BytesIO(store.get_bytes(key)))


def test_schema_has_exactly_the_record_fields_with_list_columns():
    assert SCHEMA.names == [f.name for f in dataclasses.fields(ArticleRecord)]
    assert SCHEMA.field("authors").type == pa.list_(pa.string())
    assert SCHEMA.field("tags").type == pa.list_(pa.string())
    assert SCHEMA.field("warc_offset").type == pa.int64()


def test_day_prefix_is_where_the_layout_puts_the_days_records():
    assert articles_day_prefix("sputnik", DAY.date()) == \
        layout.articles_key("sputnik", DAY, "20261120T060000Z-abcdef12").rsplit("/", 1)[0] + "/"
    assert layout.parquet_key("sputnik", DAY.date()) == "parquet/sputnik/2026/11/20.parquet"
    with pytest.raises(layout.BadKeyPart):
        layout.parquet_key("../x", DAY.date())


def test_day_file_holds_every_record_of_the_day_and_is_overwritten_by_later_runs(tmp_path):
    archive = SmallArchive(LocalStore(tmp_path / "store"), tmp_path)
    first = add_run(archive, DAY, 1, 2)
    add_run(archive, NEXT_DAY, 2, 1)  # another day: not in this day's file

    key = write_day_parquet(archive.store, "sputnik", DAY.date())
    assert key == "parquet/sputnik/2026/11/20.parquet"
    table = read_table(archive.store, key)
    assert table.schema.equals(SCHEMA, check_metadata=False)
    records = list(read_records(archive.store.get_bytes(first)))
    rows = table.to_pylist()
    assert len(rows) == 2
    for row, record in zip(rows, records):
        assert row["authors"] == record["authors"] == ["A. Writer", "B. Editor"]
        assert json.loads(row["extra"]) == record["extra"]
        assert row["diff"] is None and row["version"] == 1 and row["status"] == "ok"
        assert {k: v for k, v in row.items() if k != "extra"} == {k: v for k, v in record.items() if k != "extra"}

    third = add_run(archive, DAY, 3, 3)
    assert write_day_parquet(archive.store, "sputnik", DAY.date()) == key
    urls = read_table(archive.store, key).column("url").to_pylist()
    assert len(urls) == 5
    assert urls[2:] == [r["url"] for r in read_records(archive.store.get_bytes(third))]


def test_run_parquet_covers_the_days_a_manifest_wrote_records_for(tmp_path):
    archive = SmallArchive(LocalStore(tmp_path / "store"), tmp_path)
    keys = [add_run(archive, DAY, 1, 1), add_run(archive, NEXT_DAY, 2, 2)]
    manifest = {"files": [{"key": k, "size": 1, "sha256": ""} for k in keys]
                + [{"key": "warc/sputnik/2026/11/20/x.warc.gz", "size": 1, "sha256": ""}]}
    assert days_in_manifest(manifest) == [("sputnik", date(2026, 11, 20)), ("sputnik", date(2026, 11, 21))]
    written = write_run_parquet(archive.store, [manifest])
    assert written == ["parquet/sputnik/2026/11/20.parquet", "parquet/sputnik/2026/11/21.parquet"]
    assert [read_table(archive.store, k).num_rows for k in written] == [1, 2]


@pytest.mark.integration
def test_overwrite_on_s3(s3_prefix, tmp_path):
    archive = SmallArchive(S3Store.from_uri(s3_prefix), tmp_path)
    add_run(archive, DAY, 1, 1)
    key = write_day_parquet(archive.store, "sputnik", DAY.date())
    add_run(archive, DAY, 2, 2)
    write_day_parquet(archive.store, "sputnik", DAY.date())
    assert read_table(archive.store, key).num_rows == 3
    assert archive.store.head(key).sha256


@pytest.mark.integration
def test_parquet_of_a_demo_run_matches_its_records(tmp_path_factory, tmp_path):
    # A copy: the demo archive is shared with other tests, which expect it as the run left it.
    root = shutil.copytree(demo_archive(tmp_path_factory), tmp_path / "archive",
                           ignore=shutil.ignore_patterns(".newsarchive"))
    store = LocalStore(root)
    manifests = [json.loads(store.get_bytes(k)) for k in store.list("manifests/")]
    written = write_run_parquet(store, manifests)
    assert len(written) == 6  # one day, six outlets
    for key in written:
        outlet, day = key.split("/")[1], date(*map(int, key.removesuffix(".parquet").split("/")[2:]))
        records = [r for k in store.list(articles_day_prefix(outlet, day)) for r in read_records(store.get_bytes(k))]
        table = read_table(store, key)
        assert table.column("canonical_url").to_pylist() == [r["canonical_url"] for r in records]
        assert table.column("tags").to_pylist() == [r["tags"] for r in records]
