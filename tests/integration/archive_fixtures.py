"""Shared material for the archivist tests: small archives written with warcio, and demo runs.

``SmallArchive`` writes WARC/1.1 files (gzip members) holding gzip-encoded
responses, their request records and revisits, indexes them (per-WARC and
merged CDXJ) and writes article records, all through the store layout, into
any store. ``demo_archive`` runs ``newsarchive demo`` once per test session
and process (the tests of several modules read the same archive).
"""
from __future__ import annotations

import collections
import dataclasses
import gzip
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.records.jsonl import write_records
from flows.records.article import ArticleRecord, normalized_text_hash
from storage import layout
from storage.cdxj import MergedIndex, index_warc
from storage.store import Store

VENV_BIN = Path(sys.executable).parent
DEMO_ARTICLES = 3


def html_page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>").encode("utf-8")


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@dataclass
class Written:
    url: str
    moment: datetime
    record_id: str
    body: bytes  # decoded HTML
    warc_key: str
    offset: int = 0
    length: int = 0
    revisit: bool = False
    digest: str = ""  # WARC-Payload-Digest


@dataclass
class SmallArchive:
    store: Store
    tmp: Path  # scratch directory for indexing
    outlet: str = "sputnik"
    written: list[Written] = field(default_factory=list)
    _serial: int = 0

    def add_warc(self, day: datetime, captures: list[tuple[str, datetime, bytes]],
                 revisits: list[tuple[str, datetime, Written]] = ()) -> str:
        """One WARC of responses (url, moment, html) and revisits (url, moment, original), stored and indexed."""
        self._serial += 1
        name = f"newsarchive-{self.outlet}-{day:%Y%m%d%H%M%S}000-{self._serial:05d}-abc123.warc.gz"
        key = layout.warc_key(self.outlet, day, name)
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        for url, moment, html in captures:
            encoded = gzip.compress(html, mtime=0)
            http = StatusAndHeaders("200 OK", [
                ("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(encoded)))], protocol="HTTP/1.1")
            response = writer.create_warc_record(url, "response", payload=io.BytesIO(encoded), http_headers=http,
                                                 warc_headers_dict={"WARC-Date": iso(moment)})
            self._write(writer, buffer, response, Written(url, moment, "", html, key))
            self._write_request(writer, url, moment, response)
        for url, moment, original in revisits:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            revisit = writer.create_revisit_record(url, original.digest, original.url, iso(original.moment),
                                                   http_headers=http, warc_headers_dict={"WARC-Date": iso(moment)})
            self._write(writer, buffer, revisit, Written(url, moment, "", original.body, key, revisit=True))
            self._write_request(writer, url, moment, revisit)
        data = buffer.getvalue()
        self.store.put_bytes(key, data)
        path = self.tmp / name
        path.write_bytes(data)
        try:
            cdxj = index_warc(path, key)
        finally:
            path.unlink()
        self.store.put_bytes(layout.cdxj_key(self.outlet, day, name), cdxj)
        MergedIndex(self.store).add([cdxj])
        return key

    def _write(self, writer: WARCWriter, buffer: io.BytesIO, record, written: Written) -> None:
        written.offset = buffer.tell()
        writer.write_record(record)
        written.length = buffer.tell() - written.offset
        written.record_id = record.rec_headers.get_header("WARC-Record-ID")
        written.digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
        self.written.append(written)

    @staticmethod
    def _write_request(writer: WARCWriter, url: str, moment: datetime, concurrent) -> None:
        path = "/" + url.split("/", 3)[3]
        host = url.split("/")[2]
        http = StatusAndHeaders(f"GET {path} HTTP/1.1", [("Host", host), ("Accept", "text/html")],
                                is_http_request=True)
        request = writer.create_warc_record(url, "request", http_headers=http, warc_headers_dict={
            "WARC-Date": iso(moment), "WARC-Concurrent-To": concurrent.rec_headers.get_header("WARC-Record-ID")})
        writer.write_record(request)

    def add_articles(self, day: datetime, run_id: str, captures: list[Written]) -> str:
        """Article records for captures (responses), stored under ``articles/`` for ``day``."""
        records = [article_record(self.outlet, c) for c in captures]
        path = self.tmp / f"{run_id}.jsonl.gz"
        write_records(path, records)
        key = layout.articles_key(self.outlet, day, run_id)
        self.store.put_file(key, path)
        return key


def article_record(outlet: str, capture: Written) -> ArticleRecord:
    title = capture.body.split(b"<title>")[1].split(b"</title>")[0].decode()
    text = "\n\n".join(p.decode() for p in capture.body.split(b"<p>")[1:]).replace("</p>", "")
    text = text.split("</article>")[0]
    return ArticleRecord(
        url=capture.url, canonical_url=capture.url.replace("http://", "https://"), outlet=outlet, title=title,
        authors=["A. Writer", "B. Editor"], published="2026-11-20T13:35:00+03:00", language="en", text=text,
        tags=["Diplomacy", "Energy"], section="World", original_source=None,
        warc_filename=capture.warc_key.rsplit("/", 1)[1], warc_offset=capture.offset, warc_length=capture.length,
        warc_record_id=capture.record_id, fetched_at=capture.moment.isoformat(),
        text_sha256=normalized_text_hash(text), extracted_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        warc_key=capture.warc_key, extra={"published_precision": "second"},
    )


# -- demo runs -------------------------------------------------------------------

def newsarchive(*args: str, cwd: Path, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the CLI in ``cwd``; ``env`` adds variables to the environment (a None value removes one)."""
    full_env = {**os.environ, "PREFECT_HOME": str(cwd / ".prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                # Prefect's temporary server gets 20 s to start by default: not enough on a busy test machine.
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
                "NEWSARCHIVE_HOME": str(cwd / ".newsarchive"), **(env or {})}
    full_env = {name: value for name, value in full_env.items() if value is not None}
    return subprocess.run([str(VENV_BIN / "newsarchive"), *args], cwd=cwd, env=full_env,
                          capture_output=True, timeout=timeout)


_demo_cache: dict[str, Path | str] = {}


def demo_archive(tmp_path_factory) -> Path:
    """A local store holding one ``newsarchive demo`` run (made once per session; a failure is not retried)."""
    if "local" not in _demo_cache:
        work = tmp_path_factory.mktemp("archivist-demo")
        run = newsarchive("demo", "--store", str(work / "archive"), "--articles-per-outlet", str(DEMO_ARTICLES),
                          cwd=work)
        _demo_cache["local"] = work / "archive" if run.returncode == 0 else (
            f"newsarchive demo exited with {run.returncode}: {run.stderr.decode()[-3000:]}")
    result = _demo_cache["local"]
    if isinstance(result, str):
        pytest.fail(result, pytrace=False)
    return result


def stored_records(root: Path) -> list[dict]:
    """Every article record under a local store's ``articles/``."""
    from flows.records.jsonl import read_records

    return [record for path in sorted((root / "articles").rglob("*.jsonl.gz"))
            for record in read_records(path.read_bytes())]


def a_word_in_some(texts: list[str]) -> str:
    """A capitalised word that about half of ``texts`` contain: a rule dropping it changes only those."""
    counts = collections.Counter(w for text in texts for w in set(re.findall(r"\b[A-Z][a-z]{5,}\b", text)))
    return min(counts, key=lambda w: (abs(counts[w] - len(texts) / 2), w))


def rules_dropping(outlet, word: str) -> tuple:
    """The outlet's rule versions, each with one more paragraph pattern: paragraphs with ``word`` go
    (the rules fix a developer ships)."""
    return tuple(dataclasses.replace(v, drop_paragraphs=v.drop_paragraphs + (rf"\b{word}\b",)) for v in outlet.rules)
