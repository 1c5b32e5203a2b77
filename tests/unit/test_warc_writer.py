"""WarcWriter: byte-exact records, rotation, and the ``.open`` -> final rename."""
from __future__ import annotations

import gzip
import itertools
import signal
import subprocess
import sys
import textwrap
import zlib
from datetime import datetime, timezone
from pathlib import Path

from storage.warc_reader import iter_records, iter_responses
from storage.warc_writer import HttpRequest, HttpResponse, WarcInfo, WarcWriter

BIN = Path(sys.executable).parent
WHEN = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
INFO = WarcInfo(software="newsarchive/0.1.0", is_part_of="globalresearch", operator="https://example.org/contact")
BODY = gzip.compress(b"<html>hi</html>", mtime=0)


def pinned_writer(directory: Path, **kwargs) -> WarcWriter:
    ids = (f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>" for n in itertools.count())
    return WarcWriter(
        directory, "newsarchive-test", INFO, record_id=lambda: next(ids), clock=lambda: WHEN,
        token=lambda: "abc123", **kwargs,
    )


def write_one_exchange(writer: WarcWriter, path: str = "/a") -> str:
    return writer.write_exchange(
        f"http://www.example.org{path}",
        HttpRequest("GET", path, [("Host", "www.example.org"), ("User-Agent", "x")]),
        HttpResponse(200, "OK", [("Content-Encoding", "gzip"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")], BODY),
        ip_address="10.0.0.1",
    )


def gzip_members(data: bytes) -> list[bytes]:
    members = []
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
        members.append(inflater.decompress(data))
        data = inflater.unused_data
    return members


EXPECTED_WARCINFO = (
    b"WARC/1.1\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
    b"WARC-Date: 2024-05-01T12:00:00.123456Z\r\n"
    b"WARC-Filename: newsarchive-test-20240501120000123-00000-abc123.warc.gz\r\n"
    b"WARC-Type: warcinfo\r\n"
    b"WARC-Block-Digest: sha1:2QD7UFEG4BMZ6NYYAR6EF3OZBJSXKKAX\r\n"
    b"Content-Type: application/warc-fields\r\n"
    b"Content-Length: 217\r\n"
    b"\r\n"
    b"software: newsarchive/0.1.0\r\n"
    b"format: WARC File Format 1.1\r\n"
    b"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
    b"isPartOf: globalresearch\r\n"
    b"operator: https://example.org/contact\r\n"
    b"\r\n\r\n"
)

EXPECTED_RESPONSE = (
    b"WARC/1.1\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    b"WARC-Date: 2024-05-01T12:00:00.123456Z\r\n"
    b"WARC-IP-Address: 10.0.0.1\r\n"
    b"WARC-Type: response\r\n"
    b"WARC-Target-URI: http://www.example.org/a\r\n"
    b"WARC-Payload-Digest: sha1:ZTLFWMGOXLTZXZHCONP4G4QPNSCAPHD4\r\n"
    b"WARC-Block-Digest: sha1:CUSLEKC4N3DVVKROUD4P3FAVI6ZO5SGO\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
    b"Content-Length: 108\r\n"
    b"\r\n"
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Encoding: gzip\r\n"
    b"Set-Cookie: a=1\r\n"
    b"Set-Cookie: b=2\r\n"
    b"\r\n" + BODY + b"\r\n\r\n"
)

EXPECTED_REQUEST = (
    b"WARC/1.1\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
    b"WARC-Date: 2024-05-01T12:00:00.123456Z\r\n"
    b"WARC-IP-Address: 10.0.0.1\r\n"
    b"WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    b"WARC-Type: request\r\n"
    b"WARC-Target-URI: http://www.example.org/a\r\n"
    b"WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ\r\n"
    b"WARC-Block-Digest: sha1:JXOUWXH2WR6MWNYM2GZOE64NEXNUEJQW\r\n"
    b"Content-Type: application/http; msgtype=request\r\n"
    b"Content-Length: 57\r\n"
    b"\r\n"
    b"GET /a HTTP/1.1\r\n"
    b"Host: www.example.org\r\n"
    b"User-Agent: x\r\n"
    b"\r\n"
    b"\r\n\r\n"
)

EXPECTED_REVISIT = (
    b"WARC/1.1\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000003>\r\n"
    b"WARC-Date: 2024-05-01T12:00:00.123456Z\r\n"
    b"WARC-Refers-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    b"WARC-Type: revisit\r\n"
    b"WARC-Target-URI: http://www.example.org/a\r\n"
    b"WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
    b"WARC-Refers-To-Target-URI: http://www.example.org/a\r\n"
    b"WARC-Refers-To-Date: 2024-05-01T12:00:00.123456Z\r\n"
    b"WARC-Payload-Digest: sha1:ZTLFWMGOXLTZXZHCONP4G4QPNSCAPHD4\r\n"
    b"WARC-Block-Digest: sha1:F4CYQVV33NASJLRDIL5FC6RHNFR3UIF2\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
    b"Content-Length: 44\r\n"
    b"\r\n"
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/html\r\n"
    b"\r\n"
    b"\r\n\r\n"
)


def test_records_are_written_byte_for_byte(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        response_id = write_one_exchange(writer)
        writer.write_revisit(
            "http://www.example.org/a",
            HttpResponse(200, "OK", [("Content-Type", "text/html")]),
            payload_digest="sha1:ZTLFWMGOXLTZXZHCONP4G4QPNSCAPHD4",
            refers_to_target_uri="http://www.example.org/a",
            refers_to_date=WHEN,
            refers_to=response_id,
        )
    path = tmp_path / "newsarchive-test-20240501120000123-00000-abc123.warc.gz"
    # one gzip member per record
    assert gzip_members(path.read_bytes()) == [EXPECTED_WARCINFO, EXPECTED_RESPONSE, EXPECTED_REQUEST, EXPECTED_REVISIT]
    result = subprocess.run([BIN / "warcio", "check", "-v", path], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_reader_gives_decoded_body_and_member_offsets(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        write_one_exchange(writer)
    path = writer.finished[0]
    (response,) = iter_responses(path)
    assert response.body == b"<html>hi</html>"
    assert response.date == WHEN
    assert response.status == 200
    assert response.headers[1:] == [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
    member = path.read_bytes()[response.offset : response.offset + response.length]
    assert gzip.decompress(member) == EXPECTED_RESPONSE
    assert [r.rec_type for r in iter_records(path)] == ["warcinfo", "response", "request"]


def test_file_is_open_until_closed_then_renamed(tmp_path: Path) -> None:
    writer = pinned_writer(tmp_path)
    write_one_exchange(writer)
    open_path = writer.current_path
    assert open_path is not None and open_path.name.endswith(".warc.gz.open")
    assert [p.name for p in tmp_path.iterdir()] == [open_path.name]
    final = writer.close()
    assert final == open_path.with_suffix("")
    assert [p.name for p in tmp_path.iterdir()] == [final.name]
    assert writer.close() is None


def test_rotation_starts_new_files_each_with_warcinfo(tmp_path: Path) -> None:
    with pinned_writer(tmp_path, max_bytes=1000) as writer:
        for n in range(5):
            write_one_exchange(writer, f"/page-{n}")
    names = [p.name for p in writer.finished]
    assert len(names) >= 3
    assert [name.split("-")[3] for name in names] == [f"{n:05d}" for n in range(len(names))]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    urls = []
    for path in writer.finished:
        records = list(iter_records(path))
        assert records[0].rec_type == "warcinfo"
        assert records[0].warc_header("WARC-Filename") == path.name
        # a pair never straddles two files
        assert [r.rec_type for r in records[1:]] == ["response", "request"] * ((len(records) - 1) // 2)
        urls += [r.url for r in records if r.rec_type == "response"]
    assert urls == [f"http://www.example.org/page-{n}" for n in range(5)]


def test_a_killed_writer_leaves_only_an_open_file(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys, time
        from storage.warc_writer import HttpRequest, HttpResponse, WarcInfo, WarcWriter
        writer = WarcWriter(sys.argv[1], "newsarchive-test", WarcInfo("newsarchive/0", "globalresearch"))
        writer.write_exchange("http://www.example.org/a", HttpRequest("GET", "/a"), HttpResponse(200, "OK", body=b"x"))
        print("written", flush=True)
        while True:
            page = HttpResponse(200, "OK", body=b"y" * 4096)
            writer.write_exchange("http://www.example.org/b", HttpRequest("GET", "/b"), page)
            time.sleep(0.01)
        """
    )
    root = Path(__file__).resolve().parents[1]
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "written"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.endswith(".warc.gz.open")
