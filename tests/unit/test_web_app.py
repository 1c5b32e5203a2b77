"""The web app's routes over a small archive written with warcio (Starlette's test client):
headers, read-only routes, escaping, downloads, pywb's endpoints, error pages, and the command."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from flows.cli.main import main
from flows.web.app import WebSettings, create_app
from flows.web.index import SearchIndex
from storage.local import LocalStore
from tests.integration.archive_fixtures import SmallArchive, html_page

DAY1 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)
URL = "http://sputnikglobe.com/20261120/alpha-talks-resume-1108199894.html"
CANONICAL = URL.replace("http://", "https://")
HOSTILE = html_page('Alpha <script>alert("t")</script> Talks', ["Delegations met in <b>Vienna</b> & Geneva.",
                                                                  "No date was set."])
REPLAY = "http://127.0.0.1:8401"


@pytest.fixture
def archive(tmp_path) -> SmallArchive:
    archive = SmallArchive(LocalStore(tmp_path / "store"), tmp_path)
    archive.add_warc(DAY1, [(URL, DAY1 + timedelta(minutes=1), HOSTILE)])
    first = archive.written[0]
    archive.add_warc(DAY2, [], revisits=[(URL, DAY2 + timedelta(minutes=2), first)])
    archive.add_articles(DAY1, "20261120T080000Z-aaaaaaaa", [first])
    return archive


@pytest.fixture
def client(archive, tmp_path) -> TestClient:
    index_path = tmp_path / "search.sqlite"
    with SearchIndex(index_path) as index:
        index.update(archive.store)
    app = create_app(WebSettings(str(archive.store.root), index_path, replay_origin=REPLAY), archive.store)
    return TestClient(app, base_url="http://127.0.0.1:8400", raise_server_exceptions=False)


def article(client: TestClient, path: str = "/article", **params):
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in {"url": CANONICAL, **params}.items())
    return client.get(f"{path}?{query}")


def test_every_page_carries_a_strict_policy_and_no_script(client):
    for response in (client.get("/"), client.get("/?q=vienna"), article(client), client.get("/outlets"),
                     client.get("/nowhere"), client.get("/static/style.css")):
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert f"frame-src {REPLAY}" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in response.text.replace("&lt;script", "")


def test_the_app_only_reads(client):
    for path in ("/", "/article", "/outlets", "/replay", "/_replay/cdx"):
        response = client.post(path, data={"q": "x"})
        assert response.status_code == 405 and "only reads" in response.text


def test_another_host_name_is_refused(client):
    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400


def test_archived_strings_are_escaped_on_the_article_page(client):
    response = article(client)
    assert response.status_code == 200
    page = response.text
    assert "Alpha &lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; Talks" in page
    assert "Delegations met in &lt;b&gt;Vienna&lt;/b&gt; &amp; Geneva." in page
    assert "<b>Vienna</b>" not in page


def test_search_snippets_mark_the_match_and_escape_the_rest(client):
    page = client.get("/?q=vienna").text
    assert "&lt;b&gt;<mark>Vienna</mark>&lt;/b&gt; &amp; Geneva" in page


def test_bad_filters_are_named_not_fatal(client):
    response = client.get("/?q=vienna&from=yesterday&outlet=../etc&language=%3Cx%3E")
    assert response.status_code == 200
    assert "from must be a date YYYY-MM-DD" in response.text and "unknown outlet" in response.text
    assert "language must be a code" in response.text and "1 result" in response.text


def test_the_capture_downloads_are_its_warc_records_and_a_wacz(client, archive):
    first, revisit = archive.written[0], archive.written[1]
    response = article(client, "/capture.warc.gz", at=revisit.moment.strftime("%Y%m%d%H%M%S"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/warc"
    kinds = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
             for r in ArchiveIterator(io.BytesIO(response.content))]
    # the revisit's original response first, each with its request record
    assert kinds == [("response", URL), ("request", URL), ("revisit", URL), ("request", URL)]
    assert article(client, "/capture.warc.gz", at="20261120080000").status_code == 404  # no capture then
    assert article(client, "/capture.warc.gz", at="../../etc").status_code == 404

    wacz = article(client, "/captures.wacz")
    assert wacz.status_code == 200
    with zipfile.ZipFile(io.BytesIO(wacz.content)) as package:
        names = package.namelist()
        assert "datapackage.json" in names and "pages/pages.jsonl" in names
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()[1:]]
        warc = package.read(next(n for n in names if n.startswith("archive/")))
    assert [p["url"] for p in pages] == [URL, URL]
    records = {r.rec_headers.get_header("WARC-Record-ID"): r.rec_type for r in ArchiveIterator(io.BytesIO(warc))}
    assert sorted(records.values()) == ["request", "request", "response", "revisit"]  # the original once
    assert records[first.record_id] == "response"


def test_pywbs_index_endpoint_answers_cdxj_closest_first(client, archive):
    late = client.get(f"/_replay/cdx?url={quote(URL, safe='')}&closest=20261122000000").text.splitlines()
    early = client.get(f"/_replay/cdx?url={quote(URL, safe='')}&closest=20261120000000").text.splitlines()
    assert len(late) == 2 and late == early[::-1]
    surt, timestamp, fields = early[0].split(" ", 2)
    fields = json.loads(fields)
    assert surt.startswith("com,sputnikglobe)/") and timestamp == "20261120080100"
    assert fields["filename"] == archive.written[0].warc_key and int(fields["offset"]) == archive.written[0].offset
    assert json.loads(late[0].split(" ", 2)[2])["mime"] == "warc/revisit"
    assert client.get("/_replay/cdx?url=http%3A%2F%2Fexample.org%2F").text == ""


def test_the_range_endpoint_serves_warc_bytes_only(client, archive):
    capture = archive.written[0]
    key = capture.warc_key
    stored = archive.store.get_bytes(key)
    response = client.get(f"/_replay/store/{key}",
                          headers={"range": f"bytes={capture.offset}-{capture.offset + capture.length - 1}"})
    assert response.status_code == 206 and response.content == stored[capture.offset:capture.offset + capture.length]
    tail = client.get(f"/_replay/store/{key}", headers={"range": f"bytes={len(stored) - 10}-"})
    assert tail.status_code == 206 and tail.content == stored[-10:]
    for other in ("articles/sputnik/2026/11/20/20261120T080000Z-aaaaaaaa.jsonl.gz", "warc/../.newsarchive/x.warc.gz",
                  ".newsarchive/search.sqlite", "warc/sputnik/2026/11/20/missing.warc.gz"):
        assert client.get(f"/_replay/store/{other}", headers={"range": "bytes=0-9"}).status_code == 404, other


def test_a_store_that_cannot_be_read_gets_a_clear_error_page(client, archive):
    archive.store.delete("articles/sputnik/2026/11/20/20261120T080000Z-aaaaaaaa.jsonl.gz")
    response = article(client)
    assert response.status_code == 503
    assert "The archive cannot be read" in response.text and "no object articles/sputnik" in response.text


def test_the_outlet_page_names_an_unknown_outlet_not_found(client):
    assert client.get("/outlets/sputnik").status_code == 200
    response = client.get("/outlets/nosuch")
    assert response.status_code == 404 and "registry" in response.text


def test_the_command_refuses_bad_input_with_one_line(tmp_path, capsys):
    assert main(["web", "--store", str(tmp_path / "missing"), "--no-replay"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err
    assert main(["web", "--store", str(tmp_path), "--host", "my-laptop", "--no-replay"]) == 2
    assert "--host must be an IP address" in capsys.readouterr().err
    assert main(["web", "--store", str(tmp_path), "--port", "8400", "--replay-port", "8400", "--no-replay"]) == 2
    assert "--replay-port must differ" in capsys.readouterr().err
