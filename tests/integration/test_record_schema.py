"""The JSON Schema of the article record matches the dataclass and the records the pipeline writes."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import flows.records
from flows.records.article import RECORD_VERSION, ArticleRecord
from tests.integration.archive_fixtures import demo_archive, stored_records

SCHEMA_PATH = Path(flows.records.__file__).parent / "article_record.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    checker = Draft202012Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers  # format checking is live, not just annotation
    return Draft202012Validator(schema, format_checker=checker)


def test_schema_lists_exactly_the_dataclass_fields_all_required(validator):
    fields = [f.name for f in dataclasses.fields(ArticleRecord)]
    assert list(validator.schema["properties"]) == fields
    assert validator.schema["required"] == fields
    assert validator.schema["properties"]["record_version"] == {"const": RECORD_VERSION}
    assert validator.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.integration
def test_every_record_of_a_demo_run_is_valid(validator, tmp_path_factory):
    records = stored_records(demo_archive(tmp_path_factory))
    assert len({r["outlet"] for r in records}) == 6
    for record in records:
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(record)]
        assert not errors, (record["url"], errors)


@pytest.mark.integration
def test_records_with_wrong_fields_are_rejected(validator, tmp_path_factory):
    record = stored_records(demo_archive(tmp_path_factory))[0]
    broken = [
        {**record, "published": "yesterday"},
        {**record, "fetched_at": "2026-11-22 05:21"},
        {**record, "authors": "A. Writer"},
        {**record, "record_version": 2},
        {**record, "warc_offset": -1},
        {**record, "surprise": True},
        {k: v for k, v in record.items() if k != "text_sha256"},
    ]
    for candidate in broken:
        assert not validator.is_valid(candidate), candidate
