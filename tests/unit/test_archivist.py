"""``newsarchive list`` and ``get`` over small archives written with warcio, on local and S3 stores."""
from __future__ import annotations

import io
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from flows.cli.archivist import url_variants
from flows.cli.errors import CliError
from flows.cli.main import main
from storage.local import LocalStore
from storage.s3 import S3Store
from tests.integration.archive_fixtures import VENV_BIN, SmallArchive, html_page

DAY1 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
DAY2 = datetime(2026, 11, 21, 9, 30, tzinfo=timezone.utc)
ALPHA = "http://sputnikglobe.com/20261120/alpha-talks-resume-1108199894.html"
BETA = "http://sputnikglobe.com/20261120/beta-port-reopens-1108199895.html"
ALPHA_HTML = html_page("Alpha Talks Resume", ["Delegations met in Vienna.", "No date was set."])
BETA_V1 = html_page("Beta Port Reopens", ["The port reopened on Monday."])
BETA_V2 = html_page("Beta Port Reopens", ["The port reopened on Monday.", "Update: ferries run again."])


def build(archive: SmallArchive) -> SmallArchive:
    """Day 1: ALPHA and BETA. Day 2: ALPHA unchanged (a revisit), BETA changed (a new response)."""
    archive.add_warc(DAY1, [(ALPHA, DAY1 + timedelta(minutes=1), ALPHA_HTML),
                            (BETA, DAY1 + timedelta(minutes=2), BETA_V1)])
    alpha_first = archive.written[0]
    archive.add_warc(DAY2, [(BETA, DAY2 + timedelta(minutes=1), BETA_V2)],
                     revisits=[(ALPHA, DAY2 + timedelta(minutes=2), alpha_first)])
    return archive


@pytest.fixture
def local(tmp_path) -> SmallArchive:
    return build(SmallArchive(LocalStore(tmp_path / "store"), tmp_path))


def run(capsysbinary, *argv: str) -> tuple[int, bytes, str]:
    status = main(list(argv))
    captured = capsysbinary.readouterr()
    return status, captured.out, captured.err.decode()


def test_url_variants_cover_canonical_form_former_host_and_both_schemes():
    variants = url_variants("https://sputniknews.com/20261120/x-1.html?utm_source=feed")
    assert "https://sputnikglobe.com/20261120/x-1.html" in variants
    assert "http://sputnikglobe.com/20261120/x-1.html" in variants
    assert "http://sputniknews.com/20261120/x-1.html?utm_source=feed" in variants
    assert url_variants("sputnikglobe.com/a")[:2] == ["http://sputnikglobe.com/a", "https://sputnikglobe.com/a"]
    with pytest.raises(CliError):
        url_variants("ftp://sputnikglobe.com/a")


def test_list_prints_every_capture_oldest_first_with_its_location(local, capsysbinary):
    status, out, err = run(capsysbinary, "list", ALPHA, "--store", str(local.store.root))
    assert status == 0, err
    lines = out.decode().splitlines()
    assert len(lines) == 2
    first, second = (line.split(" ") for line in lines)
    response, revisit = [w for w in local.written if w.url == ALPHA]
    assert first == ["20261120080100", "200", "text/html", response.digest, response.warc_key,
                     str(response.offset), str(response.length), "-", ALPHA]
    assert second[0] == "20261121093200"
    assert second[2] == "warc/revisit"
    assert second[4:8] == [revisit.warc_key, str(revisit.offset), str(revisit.length), "revisit"]


def test_list_finds_the_captures_under_the_canonical_url_of_a_former_host(local, capsysbinary):
    status, out, _ = run(capsysbinary, "list", BETA.replace("http://sputnikglobe.com", "https://sputniknews.com"),
                         "--store", str(local.store.root))
    assert status == 0
    assert [line.split(" ")[0] for line in out.decode().splitlines()] == ["20261120080200", "20261121093100"]


def test_list_without_captures_exits_1_with_one_line(local, capsysbinary):
    status, out, err = run(capsysbinary, "list", "http://sputnikglobe.com/never-archived", "--store",
                           str(local.store.root))
    assert status == 1
    assert out == b""
    assert err.count("\n") == 1 and "no captures of http://sputnikglobe.com/never-archived" in err


def test_get_prints_the_decoded_payload_and_a_revisit_resolves_to_its_original(local, capsysbinary):
    status, out, err = run(capsysbinary, "get", ALPHA, "--store", str(local.store.root))
    assert status == 0, err
    assert out == ALPHA_HTML  # the newest capture is the revisit; its payload is the day-1 response's


def test_get_at_picks_the_closest_capture(local, capsysbinary):
    root = str(local.store.root)
    assert run(capsysbinary, "get", BETA, "--store", root)[1] == BETA_V2
    assert run(capsysbinary, "get", BETA, "--at", "20261120", "--store", root)[1] == BETA_V1
    assert run(capsysbinary, "get", BETA, "--at", "20261120200000", "--store", root)[1] == BETA_V1
    assert run(capsysbinary, "get", BETA, "--at", "20261121", "--store", root)[1] == BETA_V2


class RecordingStore:
    """Passes every call to a store and remembers it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.uri = inner.uri
        self.calls: list[tuple[str, tuple]] = []

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def recorded(*args, **kwargs):
            self.calls.append((name, args))
            return method(*args, **kwargs)
        return recorded


def test_get_reads_exactly_one_record_of_one_warc_by_range(local, capsysbinary, monkeypatch):
    recording = RecordingStore(local.store)
    monkeypatch.setattr("storage.factory.open_store", lambda uri, **options: recording)
    status, out, _ = run(capsysbinary, "get", BETA, "--at", "20261120", "--store", "ignored")
    assert status == 0 and out == BETA_V1
    warc_reads = [(name, args) for name, args in recording.calls if str(args[0]).startswith("warc/")]
    beta_v1 = next(w for w in local.written if w.url == BETA)
    assert warc_reads == [("get_range", (beta_v1.warc_key, beta_v1.offset, beta_v1.length))]


def test_get_warc_writes_the_revisit_and_its_original_with_their_requests(local, capsysbinary, tmp_path):
    out_file = tmp_path / "alpha.warc.gz"
    status, out, err = run(capsysbinary, "get", ALPHA, "--store", str(local.store.root), "--warc", str(out_file))
    assert status == 0, err
    assert b"4 WARC record(s)" in out
    with open(out_file, "rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(stream)]
    assert [(kind, url) for kind, url, _ in records] == [
        ("response", ALPHA), ("request", ALPHA), ("revisit", ALPHA), ("request", ALPHA)]
    assert records[0][2] == ALPHA_HTML
    check = subprocess.run([str(VENV_BIN / "warcio"), "check", "-v", str(out_file)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout


def test_get_warc_of_a_response_holds_its_response_and_request(local, capsysbinary, tmp_path):
    out_file = tmp_path / "beta.warc.gz"
    status, _, err = run(capsysbinary, "get", BETA, "--at", "20261120", "--store", str(local.store.root),
                         "--warc", str(out_file))
    assert status == 0, err
    with open(out_file, "rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream)]
    assert kinds == ["response", "request"]


@pytest.mark.parametrize("argv, message", [
    (["get", ALPHA, "--at", "yesterday"], "--at must be YYYYMMDDhhmmss"),
    (["get", ALPHA, "--at", "20261340"], "--at is not a valid date and time"),
    (["get", "ftp://sputnikglobe.com/a"], "not an http(s) URL"),
    (["list", ALPHA, "--store", "ftp://somewhere/else"], "unsupported store URI"),
])
def test_bad_input_exits_2_with_one_line(local, capsysbinary, argv, message):
    if "--store" not in argv:
        argv = [*argv, "--store", str(local.store.root)]
    status, out, err = run(capsysbinary, *argv)
    assert status == 2
    assert out == b""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


@pytest.mark.integration
def test_get_and_list_on_an_s3_store(s3_prefix, tmp_path, capsysbinary):
    build(SmallArchive(S3Store.from_uri(s3_prefix), tmp_path))
    status, out, err = run(capsysbinary, "get", ALPHA, "--store", s3_prefix)
    assert status == 0, err
    assert out == ALPHA_HTML
    status, out, _ = run(capsysbinary, "list", BETA, "--store", s3_prefix)
    assert status == 0 and len(out.splitlines()) == 2
    out_file = tmp_path / "alpha.warc.gz"
    assert run(capsysbinary, "get", ALPHA, "--store", s3_prefix, "--warc", str(out_file))[0] == 0
    with open(out_file, "rb") as stream:
        assert [r.rec_type for r in ArchiveIterator(io.BytesIO(stream.read()))] == [
            "response", "request", "revisit", "request"]
