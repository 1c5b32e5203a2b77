"""Loaded by every Python process of a run when this directory is first on PYTHONPATH.

``NEWSARCHIVE_FAKE_RESOLVE=<address>`` makes every host name (not ``localhost``, not an
address literal) resolve to ``<address>``, in whichever resolver asks: ``getaddrinfo``
(the address guard) or ``gethostbyname`` (Twisted's threaded resolver, which Scrapy's
downloader uses). A test thereby points an outlet's name at a private address.
"""
import ipaddress
import os
import socket

_ADDRESS = os.environ.get("NEWSARCHIVE_FAKE_RESOLVE")


def _faked(host) -> bool:
    if not isinstance(host, str) or host in ("", "localhost") or host.endswith(".localhost"):
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False


if _ADDRESS:
    _getaddrinfo, _gethostbyname, _gethostbyname_ex = socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex

    def getaddrinfo(host, port, *args, **kwargs):
        return _getaddrinfo(_ADDRESS if _faked(host) else host, port, *args, **kwargs)

    def gethostbyname(host):
        return _ADDRESS if _faked(host) else _gethostbyname(host)

    def gethostbyname_ex(host):
        return (host, [], [_ADDRESS]) if _faked(host) else _gethostbyname_ex(host)

    socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex = getaddrinfo, gethostbyname, gethostbyname_ex
