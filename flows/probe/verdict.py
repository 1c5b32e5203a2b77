"""The verdict on one probed outlet, with its reasons.

In order of precedence:

unreachable
    no request got any HTTP answer (connection refused or reset, timeouts, DNS errors),
    or every answer was a server error (5xx) that is no block.
blocked
    the site refuses our crawler: an answer is a block (``spiders.blocking``: a 403, a
    429, a bot challenge with any status), or robots.txt forbids our agent every
    discovery path, or the article path. A run would archive nothing of it.
degraded
    reachable and not blocked, but something the runs rely on is missing or broken:
    robots.txt forbids some discovery path; an endpoint answers an error, does not
    parse or lists no article; no sample article; the sample's container is not on the
    page (the markup changed), it extracts fewer than ``SAMPLE_MIN_WORDS`` words, or no
    title or date.
ready
    none of the above.
"""
from __future__ import annotations

from flows.probe.results import OutletProbe
from spiders import settings
from spiders.blocking import Block

READY, DEGRADED, BLOCKED, UNREACHABLE = "ready", "degraded", "blocked", "unreachable"
VERDICTS = (READY, DEGRADED, BLOCKED, UNREACHABLE)
AGENT = settings.ROBOTSTXT_USER_AGENT  # the token robots.txt rules are matched against, as the crawler's
# Fewer words than this in the sample article: the extraction is not healthy (a news article says more).
SAMPLE_MIN_WORDS = 100


def judge(probe: OutletProbe) -> tuple[str, list[str]]:
    robots, endpoints, article = probe.robots, probe.endpoints, probe.article
    statuses = [s for s in (robots.status, *(e.status for e in endpoints), article.status if article else None)
                if s is not None]
    blocks = [b for b in (robots.block, *(e.block for e in endpoints), article.block if article else None) if b]
    if not blocks and (not statuses or all(s >= 500 for s in statuses)):
        errors = [e for e in (robots.error, *(e.error for e in endpoints)) if e]
        first = errors[0] if errors else f"HTTP {statuses[0]}" if statuses else "no answer"
        return UNREACHABLE, [f"no answer from {probe.base_url}: {first} ({probe.requests} request(s))"]

    reasons: list[str] = []
    by_evidence: dict[str, list[str]] = {}
    for b in blocks:
        by_evidence.setdefault(Block(**b).describe(), []).append(b["url"])
    for evidence, urls in by_evidence.items():
        more = f" and {len(urls) - 1} more" if len(urls) > 1 else ""
        reasons.append(f"blocked: {evidence} (at {urls[0]}{more})")
    forbidden = [e.path for e in endpoints if not e.allowed]
    article_forbidden = article is not None and article.url is not None and not article.allowed
    if endpoints and len(forbidden) == len(endpoints):
        reasons.append(f"robots.txt forbids {AGENT} every discovery path ({', '.join(forbidden)})")
    if article_forbidden:
        reasons.append(f"robots.txt forbids {AGENT} the article path ({article.url})")
    if reasons:
        return BLOCKED, reasons

    if forbidden:
        reasons.append(f"robots.txt forbids {AGENT} {', '.join(forbidden)}")
    for e in endpoints:
        if not e.allowed:
            continue
        where = f"{e.kind} {e.path}"
        if e.status is None:
            reasons.append(f"{where}: {e.error or e.note or 'no answer'}")
        elif not 200 <= e.status < 300:
            reasons.append(f"{where}: HTTP {e.status}")
        elif not e.parses:
            reasons.append(f"{where}: {e.note or 'does not parse'}")
        elif e.articles == 0:
            reasons.append(f"{where}: lists no article ({e.candidates} URL(s), none matches the article pattern)"
                           + (f"; {e.note}" if e.note else ""))
    if article is None or article.url is None:
        reasons.append("no article found to sample")
    elif article.status is None or not 200 <= article.status < 300:
        reasons.append(f"sample article {article.url}: {article.error or f'HTTP {article.status}'}")
    else:
        if article.container_found is False:
            reasons.append(f"sample article {article.url}: the article container is not on the page "
                           "(markup changed?); extraction falls back to the whole page")
        if not article.extracted:
            reasons.append(f"sample article {article.url}: no article text extracted")
        elif article.words < SAMPLE_MIN_WORDS:
            reasons.append(f"sample article {article.url}: only {article.words} words extracted")
        if article.extracted and not article.title:
            reasons.append(f"sample article {article.url}: no title")
        if article.extracted and not article.published:
            reasons.append(f"sample article {article.url}: no publication date")
    return (DEGRADED, reasons) if reasons else (READY, [])
