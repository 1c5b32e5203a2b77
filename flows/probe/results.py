"""What the probe found for one outlet: robots.txt, each discovery endpoint, the sample article, the verdict."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class RobotsCheck:
    url: str
    status: int | None = None
    error: str | None = None
    found: bool = False  # a robots.txt was served (else everything is allowed)
    disallowed: list[str] = field(default_factory=list)  # paths our agent may not fetch
    block: dict | None = None


@dataclass
class EndpointCheck:
    kind: str  # feed, sitemap, section
    path: str
    url: str
    allowed: bool = True  # by robots.txt
    status: int | None = None
    error: str | None = None
    parses: bool = False
    candidates: int = 0  # URLs found (feed items, sitemap entries, links on the outlet's hosts)
    articles: int = 0  # of which match the outlet's article pattern
    newest: str | None = None  # the newest candidate's date (ISO 8601), when the endpoint dates them
    note: str | None = None
    block: dict | None = None
    article_urls: list[tuple[str, datetime | None]] = field(default_factory=list, repr=False)

    @property
    def share(self) -> float | None:
        return self.articles / self.candidates if self.candidates else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("article_urls")
        data["share"] = round(self.share, 3) if self.share is not None else None
        return data


@dataclass
class ArticleCheck:
    url: str | None
    allowed: bool = True
    status: int | None = None
    error: str | None = None
    block: dict | None = None
    container_found: bool | None = None  # the rule version's body XPath matches on the page
    rules: str | None = None  # which rules fired: "prune 2/4, paragraph 3/17"
    words: int = 0
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    extracted: bool = False


@dataclass
class OutletProbe:
    slug: str
    name: str
    base_url: str
    proxy: str | None
    robots: RobotsCheck
    endpoints: list[EndpointCheck]
    article: ArticleCheck | None
    requests: int = 0
    verdict: str = ""
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "slug": self.slug, "name": self.name, "base_url": self.base_url, "proxy": self.proxy,
            "verdict": self.verdict, "reasons": self.reasons, "requests": self.requests,
            "robots": asdict(self.robots), "endpoints": [e.to_dict() for e in self.endpoints],
            "article": asdict(self.article) if self.article else None,
        }
