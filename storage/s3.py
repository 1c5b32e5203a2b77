"""S3 backend (boto3): checksum-verified, write-once uploads and ranged reads.

Endpoint, region and credentials come from the standard AWS environment and
profile (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_REGION``, ``AWS_PROFILE``...), resolved by boto3 itself.
``NEWSARCHIVE_S3_ADDRESSING=path|virtual`` picks the addressing style (default:
path when a custom endpoint is set, else boto3's choice).

Every upload carries our SHA-256: the server checks the body against it
(single PUT) or against each part (multipart, whose composite checksum we
recompute and compare after a HEAD), and it is kept in the object metadata
(``x-amz-meta-sha256``) so ``head`` can report it. Writes are conditional
(``If-None-Match: *``): when the key exists, its stored checksum decides
between "already there" (success) and "conflicting object" (error). Two workers
adding to the merged CDXJ index rely on that to never overwrite each other's
index generation, so before its first write-once put a process checks, once per
endpoint and bucket, that the server honours the header (a probe object put twice
under ``_probe/``, then deleted); a server that ignores it is refused with a
one-line :class:`StoreError`.
Retries are bounded (standard mode, short timeouts) so an outage surfaces as
:class:`StoreUnavailable` within about 30 seconds.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError as BotoConnectionError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)
from s3transfer.utils import ChunksizeAdjuster

from storage.store import ConflictingObject, ObjectInfo, StoreError, StoreUnavailable, check_key

log = logging.getLogger(__name__)

MULTIPART_THRESHOLD = int(os.environ.get("NEWSARCHIVE_S3_MULTIPART_MB", "64")) * 1024 * 1024
# Bounded: 3 attempts x (3 s connect or 8 s read) plus backoff stays near 30 s.
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 8
MAX_ATTEMPTS = 3

# (endpoint, bucket) -> None when the server honours If-None-Match, else why it is refused.
_CONDITIONAL_WRITES: dict[tuple[str, str], str | None] = {}
_CONDITIONAL_WRITES_LOCK = threading.Lock()

_UNAVAILABLE_CODES = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "503", "500"}
_CHUNK = 1024 * 1024


class S3Store:
    def __init__(self, bucket: str, prefix: str = "", *, multipart_threshold: int = MULTIPART_THRESHOLD,
                 multipart_chunksize: int | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.uri = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        chunksize = multipart_chunksize or max(8 * 1024 * 1024, min(multipart_threshold, 64 * 1024 * 1024))
        self.transfer_config = TransferConfig(multipart_threshold=multipart_threshold,
                                              multipart_chunksize=chunksize)
        self.client = self._make_client()
        self._conditional = threading.local()
        # s3transfer does not pass If-None-Match through: add it to the completing call.
        self.client.meta.events.register(
            "before-parameter-build.s3.CompleteMultipartUpload", self._add_if_none_match)

    @classmethod
    def from_uri(cls, uri: str) -> S3Store:
        rest = uri[len("s3://"):]
        bucket, _, prefix = rest.partition("/")
        if not bucket:
            raise StoreError(f"invalid S3 store URI {uri!r}: use s3://bucket/prefix")
        return cls(bucket, prefix)

    def _make_client(self):
        try:
            session = boto3.session.Session()
        except ProfileNotFound as exc:
            raise StoreError(f"{self.uri}: {exc}") from None
        if session.get_credentials() is None:
            raise StoreError(
                f"{self.uri}: no S3 credentials found "
                "(set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)")
        config = Config(
            retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
            connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
            s3={"addressing_style": _addressing_style()},
        )
        region = session.region_name or "us-east-1"
        return session.client("s3", region_name=region, config=config)

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    # -- writing -------------------------------------------------------------

    def put_file(self, key: str, path: Path, *, overwrite: bool = False) -> ObjectInfo:
        path = Path(path)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise StoreError(f"{self.uri}: cannot upload {key}: source file {path} is missing") from None
        if size >= self.transfer_config.multipart_threshold:
            return self._put_multipart(key, path, size, overwrite)
        with open(path, "rb") as fh:
            sha = _sha256_of(fh)
            fh.seek(0)
            return self._put_single(key, fh, size, sha, overwrite)

    def put_bytes(self, key: str, data: bytes, *, overwrite: bool = False) -> ObjectInfo:
        return self._put_single(key, data, len(data), hashlib.sha256(data).digest(), overwrite)

    def require_conditional_writes(self) -> None:
        """Raise StoreError unless the server honours ``If-None-Match: *`` (checked once per process)."""
        where = (self.client.meta.endpoint_url, self.bucket)
        with _CONDITIONAL_WRITES_LOCK:
            if where not in _CONDITIONAL_WRITES:
                _CONDITIONAL_WRITES[where] = self._probe_conditional_writes()
            refusal = _CONDITIONAL_WRITES[where]
        if refusal:
            raise StoreError(refusal)

    def _probe_conditional_writes(self) -> str | None:
        """Put a probe object twice with If-None-Match: the second put must be refused (412)."""
        probe = f"_probe/conditional-write-{secrets.token_hex(8)}"
        refusal = (f"{self.uri}: the S3 server ignores If-None-Match (conditional writes), so concurrent "
                   "workers could overwrite each other's index; use a server that honours it")
        try:
            for body in (b"first", b"second"):
                self.client.put_object(Bucket=self.bucket, Key=self._key(probe), Body=body, IfNoneMatch="*")
            return refusal
        except ClientError as exc:
            if _is_precondition_failed(exc):
                return None
            if _code(exc) == "NotImplemented" or _status(exc) == 501:
                return refusal.replace("ignores If-None-Match", "does not support If-None-Match")
            raise self._error(exc, probe, "write") from None
        except (BotoCoreError, OSError) as exc:
            raise self._error(exc, probe, "write") from None
        finally:
            try:
                self.client.delete_object(Bucket=self.bucket, Key=self._key(probe))
            except (ClientError, BotoCoreError, OSError) as exc:
                log.warning("%s: could not delete the probe object %s: %s", self.uri, probe, exc)

    def _put_single(self, key: str, body, size: int, sha: bytes, overwrite: bool) -> ObjectInfo:
        info = ObjectInfo(key, size, sha.hex())
        if not overwrite:
            self.require_conditional_writes()
        extra = {} if overwrite else {"IfNoneMatch": "*"}
        try:
            response = self.client.put_object(
                Bucket=self.bucket, Key=self._key(key), Body=body, ContentLength=size,
                ChecksumAlgorithm="SHA256", ChecksumSHA256=_b64(sha), Metadata={"sha256": info.sha256},
                **extra)
        except ClientError as exc:
            if _is_precondition_failed(exc):
                return self._existing_must_match(info)
            raise self._error(exc, key, "upload") from None
        except (BotoCoreError, OSError) as exc:
            raise self._error(exc, key, "upload") from None
        echoed = response.get("ChecksumSHA256")
        if echoed is not None and echoed != _b64(sha):
            raise StoreError(f"{self.uri}: checksum mismatch after uploading {key}")
        return info

    def _put_multipart(self, key: str, path: Path, size: int, overwrite: bool) -> ObjectInfo:
        chunksize = ChunksizeAdjuster().adjust_chunksize(self.transfer_config.multipart_chunksize, size)
        whole, composite, parts = _multipart_digests(path, chunksize)
        info = ObjectInfo(key, size, whole.hex())
        if not overwrite:
            self.require_conditional_writes()
            existing = self.head(key)
            if existing is not None:
                return self._existing_must_match(info, existing)
        config = TransferConfig(multipart_threshold=self.transfer_config.multipart_threshold,
                                multipart_chunksize=chunksize)
        self._conditional.active = not overwrite
        try:
            self.client.upload_file(
                str(path), self.bucket, self._key(key), Config=config,
                ExtraArgs={"ChecksumAlgorithm": "SHA256", "Metadata": {"sha256": info.sha256}})
        except S3UploadFailedError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, ClientError) and _is_precondition_failed(cause):
                return self._existing_must_match(info)
            if isinstance(cause, ClientError):
                raise self._error(cause, key, "upload") from None
            raise self._error(exc, key, "upload") from None
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._error(exc, key, "upload") from None
        finally:
            self._conditional.active = False
        self._verify_multipart(info, f"{_b64(composite)}-{parts}", _b64(whole))
        return info

    def _verify_multipart(self, info: ObjectInfo, composite: str, whole: str) -> None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(info.key), ChecksumMode="ENABLED")
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._error(exc, info.key, "verify") from None
        stored = head.get("ChecksumSHA256")
        if head["ContentLength"] != info.size or head.get("Metadata", {}).get("sha256") != info.sha256:
            raise StoreError(f"{self.uri}: size or checksum mismatch after uploading {info.key}")
        if stored is not None and stored not in (composite, whole):
            raise StoreError(f"{self.uri}: checksum mismatch after uploading {info.key}")

    def _add_if_none_match(self, params, **_kwargs) -> None:
        if getattr(self._conditional, "active", False):
            params["IfNoneMatch"] = "*"

    def _existing_must_match(self, info: ObjectInfo, existing: ObjectInfo | None = None) -> ObjectInfo:
        existing = existing or self.head(info.key)
        if existing is None:
            raise StoreError(f"{self.uri}: write of {info.key} was refused but the object is missing")
        if existing.sha256 != info.sha256 or existing.size != info.size:
            raise ConflictingObject(
                f"{self.uri}: conflicting object {info.key}: stored sha256 "
                f"{existing.sha256[:12] or 'unknown'}..., new {info.sha256[:12]}...")
        return info

    # -- reading -------------------------------------------------------------

    def get_bytes(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
            return response["Body"].read()
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._error(exc, key, "read") from None

    def get_range(self, key: str, offset: int, length: int) -> bytes:
        if offset < 0 or length <= 0:
            raise StoreError(f"{self.uri}: invalid range {offset}+{length} for {key}")
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=self._key(key), Range=f"bytes={offset}-{offset + length - 1}")
            data = response["Body"].read()
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._error(exc, key, "read") from None
        if response["ResponseMetadata"]["HTTPStatusCode"] != 206:
            # A server that ignores Range sent the whole object: still correct, but slow.
            log.warning("%s ignored a Range request for %s and sent the whole object", self.uri, key)
            data = data[offset:offset + length]
        if len(data) != length:
            raise StoreError(f"{self.uri}: range {offset}+{length} is beyond the end of {key}")
        return data

    def head(self, key: str) -> ObjectInfo | None:
        try:
            response = self.client.head_object(Bucket=self.bucket, Key=self._key(key), ChecksumMode="ENABLED")
        except ClientError as exc:
            if _status(exc) == 404 or _code(exc) in ("NoSuchKey", "NotFound", "404"):
                return None
            raise self._error(exc, key, "inspect") from None
        except (BotoCoreError, OSError) as exc:
            raise self._error(exc, key, "inspect") from None
        sha = response.get("Metadata", {}).get("sha256", "")
        if not sha and "-" not in response.get("ChecksumSHA256", "-"):
            sha = base64.b64decode(response["ChecksumSHA256"]).hex()
        return ObjectInfo(key, response["ContentLength"], sha)

    def list(self, prefix: str) -> Iterator[str]:
        if ".." in prefix.split("/") or prefix.startswith("/"):
            raise StoreError(f"invalid store key prefix {prefix!r}")
        full = f"{self.prefix}/{prefix}" if self.prefix else prefix
        strip = len(self.prefix) + 1 if self.prefix else 0
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=full):
                for item in page.get("Contents", []):
                    yield item["Key"][strip:]
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._error(exc, prefix or "/", "list") from None

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except (ClientError, BotoCoreError, OSError) as exc:
            raise self._error(exc, key, "delete") from None

    # -- errors --------------------------------------------------------------

    def _error(self, exc: Exception, key: str, action: str) -> StoreError:
        where = f"{self.uri}: cannot {action} {key}"
        if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
            return StoreError(f"{where}: no usable S3 credentials")
        if isinstance(exc, (BotoConnectionError, HTTPClientError, OSError)):
            return StoreUnavailable(f"{where}: store unreachable ({type(exc).__name__})")
        if isinstance(exc, ClientError):
            code, status = _code(exc), _status(exc)
            if code in ("NoSuchKey", "404") or (status == 404 and code != "NoSuchBucket"):
                return StoreError(f"{self.uri}: no object {key}")
            if code in _UNAVAILABLE_CODES or (status or 0) >= 500:
                return StoreUnavailable(f"{where}: server error {code or status}")
            if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"):
                return StoreError(f"{where}: access denied ({code}); check the S3 credentials")
            return StoreError(f"{where}: {code or status}")
        if isinstance(exc, S3UploadFailedError):
            return StoreUnavailable(f"{where}: upload failed")
        return StoreError(f"{where}: {type(exc).__name__}")


def _addressing_style() -> str:
    style = os.environ.get("NEWSARCHIVE_S3_ADDRESSING", "").strip().lower()
    if style in ("path", "virtual"):
        return style
    if style:
        raise StoreError(f"NEWSARCHIVE_S3_ADDRESSING must be 'path' or 'virtual', not {style!r}")
    custom_endpoint = os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3")
    return "path" if custom_endpoint else "auto"


def _sha256_of(fh) -> bytes:
    digest = hashlib.sha256()
    while chunk := fh.read(_CHUNK):
        digest.update(chunk)
    return digest.digest()


def _multipart_digests(path: Path, chunksize: int) -> tuple[bytes, bytes, int]:
    """The whole-file SHA-256 and S3's composite one (SHA-256 of the parts' digests)."""
    whole, part_digests = hashlib.sha256(), []
    with open(path, "rb") as fh:
        while part := fh.read(chunksize):
            whole.update(part)
            part_digests.append(hashlib.sha256(part).digest())
    return whole.digest(), hashlib.sha256(b"".join(part_digests)).digest(), len(part_digests)


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: ClientError) -> int | None:
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _is_precondition_failed(exc: ClientError) -> bool:
    return _status(exc) == 412 or _code(exc) in ("PreconditionFailed", "412")
