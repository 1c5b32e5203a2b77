"""The preflight probe: can this network archive the outlets, and how well?

Run before the first scheduled run, from the network the runs will use, and
whenever in doubt (``newsarchive probe``, or the ``newsarchive-probe`` Prefect
flow). Per outlet it reads robots.txt and asks whether our user agent may fetch
each discovery path and the sample article; fetches every feed, sitemap and
section (status, does it parse, how many candidates, which share of them match
the article pattern, the newest candidate's date); fetches and extracts one
sample article (container found, rules fired, words, title, date, authors);
and gives a verdict with its reasons (``verdict.py``):

    ready        everything answered and parsed, and the sample article extracted well
    degraded     reachable, but something the runs rely on is missing or broken
    blocked      the site refuses us: a 403/429 or a bot challenge, or robots.txt forbids our agent
    unreachable  no answer at all (connection refused or reset, timeouts, DNS)

The checks are plain functions (``checks.py``) over a small HTTP client
(``http.py``: our User-Agent, timeouts, robots.txt respected, redirects followed
only on the outlet's domains, the crawler's address checks). The probe goes
through the same proxy mechanism as runs. It never works around a block.
"""
