"""A fault-injecting HTTP proxy in front of an S3 server (set as ``AWS_ENDPOINT_URL``).

It forwards every request unchanged (the ``Host`` header too, so SigV4
signatures still match) unless told otherwise:

* ``fail(code, times)`` answers the next ``times`` uploads (PUT and POST) with
  S3's ``SlowDown`` (503) or ``InternalError`` (500); ``hits`` counts the failures
  sent. The store's conditional-write probe (keys under ``_probe/``) is let through:
  the faults are meant for a run's uploads.
* ``ignore_if_none_match`` (with the server's credentials) removes ``If-None-Match``
  from every request and signs it again, as the server would see it from a client
  that never sent the header: the proxy and server together behave like an
  S3-compatible server that ignores conditional writes.
"""
from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ERRORS = {
    "SlowDown": (503, "Please reduce your request rate."),
    "InternalError": (500, "We encountered an internal error. Please try again."),
}
_RESIGNED_AWAY = {"if-none-match", "authorization", "x-amz-date"}


class _Resigner(S3SigV4Auth):
    """SigV4 for S3 that keeps the client's ``X-Amz-Content-SHA256`` (the body is forwarded as is)."""

    def _modify_request_before_signing(self, request) -> None:
        SigV4Auth._modify_request_before_signing(self, request)


class S3FaultProxy:
    def __init__(self, upstream_port: int, *, ignore_if_none_match: bool = False,
                 credentials: tuple[str, str] | None = None, region: str = "us-east-1") -> None:
        if ignore_if_none_match and credentials is None:
            raise ValueError("dropping If-None-Match needs the credentials to sign the request again")
        self.upstream_port = upstream_port
        self.code: str | None = None
        self.remaining = 0
        self.hits = 0
        self.dropped = 0  # If-None-Match headers removed
        self.lock = threading.Lock()
        self.signer = _Resigner(Credentials(*credentials), "s3", region) if ignore_if_none_match else None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if self.command in ("PUT", "POST") and "/_probe/" not in self.path and proxy._take_failure():
                    status, message = ERRORS[proxy.code]
                    payload = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{proxy.code}</Code>'
                               f"<Message>{message}</Message></Error>").encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                headers = list(self.headers.items())
                if proxy.signer is not None and self.headers.get("If-None-Match") is not None:
                    headers = proxy._resigned(self.command, self.path, headers, body)
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                try:
                    upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                    for name, value in headers:
                        upstream.putheader(name, value)
                    upstream.endheaders(body)
                    response = upstream.getresponse()
                    data = response.read()
                    self.send_response(response.status, response.reason)
                    for name, value in response.getheaders():
                        if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                finally:
                    upstream.close()

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _resigned(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
        """The headers without If-None-Match, signed again for the same host, path and body."""
        kept = [(name, value) for name, value in headers if name.lower() not in _RESIGNED_AWAY]
        host = next(value for name, value in kept if name.lower() == "host")
        request = AWSRequest(method=method, url=f"http://{host}{path}", data=body, headers=dict(kept))
        self.signer.add_auth(request)
        with self.lock:
            self.dropped += 1
        return list(request.headers.items())

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail(self, code: str | None, times: int = 0) -> None:
        with self.lock:
            self.code, self.remaining = code, times

    def _take_failure(self) -> bool:
        with self.lock:
            if self.code and self.remaining > 0:
                self.remaining -= 1
                self.hits += 1
                return True
            return False

    def __enter__(self) -> S3FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
