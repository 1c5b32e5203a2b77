"""The block detector: refusals, challenges and denial pages of several fronts, in wordings and
structures other than the replica's, and no false alarm on ordinary pages."""
from __future__ import annotations

import pytest

from spiders.blocking import detect, summary
from spiders.outlets import SLUGS
from spiders.replica.catalogue import Replica
from spiders.replica.faults import challenge_page
from spiders.replica.outlet import outlet_site

HTML = {"Content-Type": "text/html; charset=utf-8"}

# Written here, not by the replica: other services, other languages, other structures.
DATADOME_FR = b"""<html lang="fr"><head><title>Acc\xc3\xa8s restreint</title></head><body>
<p>Nous avons d\xc3\xa9tect\xc3\xa9 un comportement inhabituel.</p>
<iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=AHrlqAAAAAMA&cid=x" width="100%" height="500"></iframe>
</body></html>"""
HCAPTCHA_DE = b"""<!doctype html><html lang="de"><head><title>Sicherheitspr\xc3\xbcfung</title>
<script src="https://js.hcaptcha.com/1/api.js" async defer></script></head><body>
<h1>Bitte best\xc3\xa4tigen Sie, dass Sie ein Mensch sind</h1>
<form method="post" action="/verify"><div class="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001"></div>
<button type="submit">Weiter</button></form></body></html>"""
COOKIE_CHALLENGE = b"""<html><head><meta name="robots" content="noindex"></head><body>
<script>var t=(function(){var a=1;for(var i=0;i<99;i++){a=(a*31+i)%1000003}return a})();
document.cookie="__js_p_=" + t + ",1800,0,0; max-age=1800; path=/";
location.reload(true);</script>
<noscript>Please turn JavaScript on and reload the page.</noscript></body></html>"""
AKAMAI_403 = b"""<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;www&#46;example&#46;com&#47;" on this server.<P>
Reference&#32;&#35;18&#46;2f1e3e17&#46;1764000000&#46;5a1b2c3d<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18</BODY></HTML>"""
VARNISH_403 = b"""<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html><head><title>403 Forbidden</title></head>
<body><h1>Error 403 Forbidden</h1><p>Forbidden</p><h3>Guru Meditation:</h3><p>XID: 123456789</p><hr><p>Varnish cache server</p></body></html>"""
VARNISH_503 = VARNISH_403.replace(b"403 Forbidden", b"503 Backend fetch failed").replace(b"Forbidden", b"Backend fetch failed")


@pytest.mark.parametrize("status, headers, body, marker", [
    (403, {"Server": "cloudflare", "cf-mitigated": "challenge", **HTML}, challenge_page("example.org", "/a"), "cf-mitigated"),
    (200, {"Server": "cloudflare", **HTML}, challenge_page("example.org", "/a"), "challenge-platform"),
    (403, {"Server": "nginx", **HTML}, DATADOME_FR, "DataDome"),
    (200, HTML, HCAPTCHA_DE, "hCaptcha"),
    (200, HTML, COOKIE_CHALLENGE, "script challenge"),
    (403, {"Server": "AkamaiGHost", **HTML}, AKAMAI_403, "Akamai"),
    (403, {"Server": "Varnish", **HTML}, VARNISH_403, "Varnish"),  # what Global Research answered a crawler in 2018
    (429, HTML, b"<html><body>Slow down</body></html>", "rate limited"),
    (403, {"Content-Type": "text/plain"}, b"Forbidden", "refused"),
    (503, {"Server": "cloudflare", **HTML}, b"<html><body>Service unavailable</body></html>", "cloudflare"),
])
def test_blocks_are_recognised_with_their_evidence(status, headers, body, marker):
    block = detect(status, headers, body, "http://example.org/a")
    assert block is not None and marker.lower() in block.marker.lower()
    assert block.status == status and block.url == "http://example.org/a"
    assert block.server == headers.get("Server")
    assert summary([block.to_dict()]).startswith(f"blocked: HTTP {status}")


@pytest.mark.parametrize("status, headers, body", [
    (503, {"Server": "Varnish", **HTML}, VARNISH_503),  # the cache says the site is down: an outage
    (503, {"Server": "nginx", **HTML}, b"<html><body><h1>503 Service Unavailable</h1></body></html>"),
    (404, HTML, b"<html><head><title>404 Not Found</title></head><body><h1>Not found</h1></body></html>"),
    (500, HTML, b"<html><body>Internal Server Error</body></html>"),
    (200, {"Content-Type": "application/rss+xml"}, b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'),
])
def test_errors_that_are_no_blocks(status, headers, body):
    assert detect(status, headers, body) is None


def test_no_ordinary_page_of_any_outlet_is_taken_for_a_block():
    replica = Replica(20, seed=1)
    for slug in SLUGS:
        for truth in replica.articles(slug)[:5]:
            page = replica.article_html(slug, truth.index)
            assert detect(200, HTML, page, truth.url) is None, truth.url
            # an article with a comment form protected by reCAPTCHA is still an article
            with_widget = page.replace(b"</body>", b'<form class="comments"><div class="g-recaptcha" '
                                                   b'data-sitekey="x"></div></form></body>')
            assert detect(200, HTML, with_widget, truth.url) is None, truth.url
            # fronts add their scripts to ordinary pages: Cloudflare's JavaScript detections, Imperva's
            with_scripts = page.replace(b"</body>", b"<script>(function(){var a=document.createElement('script');"
                                                    b"a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';})();</script>"
                                                    b'<script src="/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e"></script></body>')
            assert detect(200, {"Server": "cloudflare", **HTML}, with_scripts, truth.url) is None, truth.url
        assert outlet_site(slug).furniture  # (the pages above are full pages, furniture included)


def test_extraction_skips_a_challenge_kept_in_a_warc(tmp_path):
    """A 200 challenge at an article's URL, kept in the WARC as served, gives no article record,
    even with a paragraph of text (Cloudflare's "Attention Required" explains itself at length)."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from flows.extract.warc import extract_warc

    replica = Replica(3, seed=1)
    truth, challenged = replica.articles("southfront")[:2]
    explained = challenge_page("southfront.press", "/x").replace(b"</form>", b"</form><p>" + b" ".join(
        [b"This website is using a security service to protect itself from online attacks."] * 6) + b"</p>")
    path = tmp_path / "mixed.warc.gz"
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        for url, body in ((truth.url, replica.article_html("southfront", truth.index)), (challenged.url, explained)):
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Server", "cloudflare")]
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": "2026-11-21T08:30:00Z"}))
    assert [record.url for record in extract_warc(path)] == [truth.url]


@pytest.mark.parametrize("snippet", [
    '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>',
    "<script>window._cf_chl_opt = {cvId: '3'};</script>",
    '<input type="hidden" name="__cf_chl_jschl_tk__" value="x">',
    '<form id="challenge-form" action="/a">',
    '<div class="CF-Browser-Verification">',
    '<body class="cf-im-under-attack">',
    '<script src="https://geo.captcha-delivery.com/captcha/"></script>',
    '<div id="px-captcha"></div>',
    '<script>window._pxCaptcha = 1;</script>',
])
def test_each_challenge_marker_is_found_in_a_long_page(snippet):
    """A marker blocks whatever the page's size; the quick pre-check must let each through.
    (Fails when ``_CHALLENGE_ANCHORS`` misses a literal one of the markers needs.)"""
    article = "<p>" + " ".join(["words of a long article"] * 400) + "</p>"
    page = f"<html><head>{snippet}</head><body>{article}</body></html>".encode()
    assert detect(200, HTML, page, "http://example.org/a") is not None, snippet


def test_visible_words_skip_scripts_and_tags_and_stop_counting_at_the_limit():
    from spiders.blocking import visible_words

    page = ("<html><head><script>" + "var x = 1; " * 5000 + "</script><style>p { color: red }</style></head>"
            "<body><!-- a comment --><p class='lead'>One two <b>three</b></p><noscript>hidden words</noscript>"
            "<template><p>not shown</p></template>" + "<p>word</p>" * 300 + "</body></html>")
    assert visible_words(page) == 303
    assert visible_words(page, at_most=120) == 120
    assert visible_words("<p>Access <i>denied</i></p><script>never closed") == 4  # the tag goes, its text stays
