"""Furniture found by structure, whatever its wording.

An outlet rewords its appeals and prompts every few months, but their shape stays:
a caption sits in a figure or beside an image and carries a credit; a related list
is a list of links to the outlet's other articles; a messaging prompt links to a
social or messaging host; a dateline is a source in parentheses opening the first
paragraph; a disclaimer, a reprint notice or a translator's credit is set apart or sits
at the edge of the text; a call to action ends in a link to one of the outlet's pages
that is no article; a note on the author opens with the author's name. The DOM signals
run on the article document (a copy) before trafilatura reads it; the paragraph signals
run on the extracted paragraphs.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from flows.extract.cleaning import normalize_space, words

# Hosts of social networks, messengers and donation platforms: a short block whose link
# points there is a prompt ("join us on ...", "support us on ..."), not reporting.
SOCIAL_HOSTS = frozenset(
    """t.me telegram.me telegram.org telegram.dog twitter.com x.com facebook.com fb.com fb.me m.facebook.com
    vk.com vk.ru ok.ru whatsapp.com wa.me chat.whatsapp.com instagram.com youtube.com youtu.be rumble.com
    odysee.com bitchute.com gab.com truthsocial.com linkedin.com tiktok.com reddit.com threads.net
    bsky.app mastodon.social flipboard.com news.google.com viber.com invite.viber.com signal.me signal.group signal.org
    patreon.com paypal.com paypal.me subscribestar.com buymeacoffee.com ko-fi.com liberapay.com
    substack.com pinterest.com tumblr.com""".split()
)
_SOCIAL_SCHEMES = ("tg:", "whatsapp:", "viber:", "fb-messenger:", "mailto:")
_CAPTION_CLASS = re.compile(r"caption|credit|copyright|media__copy|photo-source|image-source", re.IGNORECASE)
# A credit's marks: the copyright sign, or "Photo"/"Image"/"Source"/"Credit" as a label.
_CREDIT_MARK = re.compile(
    r"©|\(c\)\s*\d{4}"
    r"|(?:^|[.|]\s)\s*(?:photo|image|picture|illustration|source|credit|foto|bild|fuente)s?\s*(?::|\||by\b|credit|courtesy)"
    r"|\((?:[^()]*\b)?(?:photo|image|picture)s?\b[^()]*\)\s*\.?\s*$"
    r"|\b(?:photo|image|picture)s?\s+(?:courtesy|credit|by)\b[^.!?]*$",
    re.IGNORECASE,
)
_BLOCK = frozenset("p div li dd dt blockquote section aside h1 h2 h3 h4 h5 h6 table ul ol figure header footer".split())
_TEXT_BLOCK = frozenset("p div li dd dt h2 h3 h4 h5 h6 section aside".split())
_CAPTION_BLOCK = frozenset("p div li dd dt".split())  # a heading beside an image is a heading
_LABEL_TAGS = frozenset("h2 h3 h4 h5 h6 p div strong b".split())
_EMPHASIS = frozenset("em i small strong b span cite".split())
CAPTION_MAX_WORDS = 40
SHORT_CAPTION_WORDS = 15  # beside an image, a line this short that is no sentence is its caption  # longer than this, a block beside an image is a paragraph
PROMPT_MAX_WORDS = 30
LABEL_MAX_WORDS = 6
LINK_LIST_SHARE = 0.7  # of a list's words inside links: more, and it is a list of links


@dataclass
class Removed:
    """What the structural signals removed, in words (for the record's health figures)."""

    captions: int = 0
    link_lists: int = 0
    prompts: int = 0

    @property
    def total(self) -> int:
        return self.captions + self.link_lists + self.prompts


def _text(element: etree._Element) -> str:
    return normalize_space("".join(element.itertext()))


def _host(href: str, base: str) -> str:
    try:
        return (urlsplit(urljoin(base, href.strip())).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def is_social(href: str, base: str) -> bool:
    href = href.strip().lower()
    if href.startswith(_SOCIAL_SCHEMES):
        return True
    host = _host(href, base)
    return host in SOCIAL_HOSTS or any(host.endswith("." + h) for h in SOCIAL_HOSTS)


def _link_words(element: etree._Element) -> int:
    return sum(len(words(_text(a))) for a in element.iter("a"))


def _is_image_holder(element: etree._Element | None) -> bool:
    """An image with no text of its own (an <img>, or a link or div around one)."""
    if element is None or not isinstance(element.tag, str):
        return False
    if element.tag in ("img", "picture", "video"):
        return True
    return element.find(".//img") is not None and not _text(element)


def _beside_image(element: etree._Element) -> bool:
    """Right after an image, or holding one (an <img> with its caption in one <p>)."""
    if _is_image_holder(element.getprevious()):
        return True
    first = next((c for c in element if isinstance(c.tag, str)), None)
    return first is not None and _is_image_holder(first) and not (element.text or "").strip()


def _looks_like_caption(element: etree._Element, text: str) -> bool:
    count = len(words(text))
    if not count or count > CAPTION_MAX_WORDS:
        return False
    if _CREDIT_MARK.search(text):
        return True
    # beside an image: a short line that is not a sentence, or set apart in emphasis
    if not _beside_image(element):
        return False
    children = [c for c in element if isinstance(c.tag, str) and c.tag not in ("img", "a", "picture", "br")]
    emphasised = len(children) == 1 and children[0].tag in _EMPHASIS and len(words(_text(children[0]))) == count
    return emphasised or (count <= SHORT_CAPTION_WORDS and not re.search(r"[.!?…:][\"”’»)]?\s*$", text))


def _drop(element: etree._Element) -> None:
    """Remove ``element`` but keep its tail text in the tree."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _leafish(element: etree._Element) -> bool:
    """A block holding no other text block: a paragraph, whatever its tag."""
    return not any(isinstance(c.tag, str) and c.tag in _BLOCK for c in element.iterdescendants())


def _remove_label_before(element: etree._Element, removed: Removed, plain: bool = False) -> None:
    """The short heading introducing a removed list ("Read more:", "Related"). ``plain``: the
    list has two items or more, so a short line before it that is no sentence is its label
    even without a colon, a heading tag or bold ("Further reading", "Sur le même sujet")."""
    label = element.getprevious()
    if label is None or not isinstance(label.tag, str) or label.tag not in _LABEL_TAGS or not _leafish(label):
        return
    text = _text(label)
    count = len(words(text))
    if 0 < count <= LABEL_MAX_WORDS and (text.endswith(":") or label.tag.startswith("h") or label.find("strong") is not None
                                         or label.find("b") is not None or label.tag in ("strong", "b")
                                         or (plain and not _SENTENCE_END.search(text))):
        removed.link_lists += count
        _drop(label)


_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]?\s*$")


def remove_link_lists(root: etree._Element, removed: Removed, plain_labels: bool = False) -> None:
    """Remove lists of two items or more whose words are mostly links (menus, "related"
    lists, tag clouds), with a short label just before them ("Read more:"; with
    ``plain_labels``, any short line that is no sentence)."""
    for element in list(root.iter("ul", "ol")):
        if element.getparent() is None:
            continue
        items = [li for li in element if isinstance(li.tag, str) and li.tag == "li"]
        total = len(words(_text(element)))
        if len(items) >= 2 and total and _link_words(element) >= LINK_LIST_SHARE * total:
            _remove_label_before(element, removed, plain_labels)
            removed.link_lists += total
            _drop(element)


def remove_structural_furniture(root: etree._Element, page_url: str,
                                is_other_article: Callable[[str], bool] | None = None) -> Removed:
    """Remove captions, link lists and social prompts from ``root`` (a copy of the page or container)."""
    removed = Removed()
    own = urlsplit(page_url)._replace(fragment="", query="").geturl()

    def other_article(href: str) -> bool:
        if is_other_article is None:
            return False
        target = urljoin(page_url, href.strip())
        return urlsplit(target)._replace(fragment="", query="").geturl() != own and is_other_article(target)

    # 1. captions: figures, caption/credit containers, short credited blocks, lines beside images
    for element in list(root.iter("figure", "figcaption")):
        if element.getparent() is not None:
            removed.captions += len(words(_text(element)))
            _drop(element)
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if marker.strip() and _CAPTION_CLASS.search(marker):
            count = len(words(_text(element)))
            if count <= CAPTION_MAX_WORDS:  # a wrapper named "...copyright..." may hold more than a credit
                removed.captions += count
                _drop(element)
    # (decided on the page as it is, then dropped: a caption gone must not put the next line
    # beside the image, and the next, down the text)
    captions = [(element, text) for element in root.iter(*_CAPTION_BLOCK)
                if _leafish(element) and _looks_like_caption(element, text := _text(element))]
    for element, text in captions:
        if element.getparent() is not None:
            removed.captions += len(words(text))
            _drop(element)

    # 2. link lists: lists whose items are links, blocks that are a link to another article
    remove_link_lists(root, removed, plain_labels=True)
    linking, prompts = [], []
    for element in root.iter(*_TEXT_BLOCK):
        if not _leafish(element):
            continue
        total = len(words(_text(element)))
        if not total:
            continue
        links = element.findall(".//a[@href]")
        linked = _link_words(element)
        if links and (linked >= 0.5 * total or total - linked <= LABEL_MAX_WORDS) and any(
                other_article(a.get("href", "")) for a in links):
            linking.append((element, total))
        elif any(is_social(a.get("href", ""), page_url) for a in links) and (
                total <= PROMPT_MAX_WORDS or linked >= 0.5 * total) and not element.xpath("ancestor::blockquote"):
            prompts.append((element, total))  # (inside a blockquote: an embedded post quoted in the article)
    # a run of two link blocks or more is a list written as paragraphs: its label may be plain
    blocks = {id(element) for element, _ in linking}
    for element, total in linking:
        if element.getparent() is None:
            continue  # (dropped as the label of the block before it)
        follower = element.getnext()
        _remove_label_before(element, removed, plain=follower is not None and id(follower) in blocks)
        removed.link_lists += total
        _drop(element)
    for element, total in prompts:
        if element.getparent() is not None:
            removed.prompts += total
            _drop(element)

    # 3. set-apart appeals and notices: a paragraph wholly in bold or italics that speaks to the
    # reader, or a disclaimer, a reprint notice, a translator's credit; and calls to action:
    # a block that ends in a link to one of the outlet's pages that is no article (a donation,
    # subscription or campaign page), after lines to the reader or a box of lines.
    for element in list(root.iter("p", "div")):
        if element.getparent() is None or not _leafish(element) or element.xpath("ancestor::blockquote"):
            continue
        text = _text(element)
        if (_is_set_apart(element, text) and (is_appeal(text) or is_notice(text))) or (
                is_other_article is not None and _is_call_to_action(element, text, page_url, is_other_article)):
            removed.prompts += len(words(text))
            _drop(element)
    return removed


def _is_call_to_action(element: etree._Element, text: str, page_url: str,
                       is_article: Callable[[str], bool]) -> bool:
    children = [c for c in element if isinstance(c.tag, str)]
    last = children[-1] if children else None
    if last is None or last.tag != "a" or (last.tail or "").strip() or not _text(last):
        return False
    if not 0 < len(words(text)) <= APPEAL_MAX_WORDS or _REPORTED.search(text):
        return False
    href = last.get("href", "")
    target = urljoin(page_url, href.strip())
    if _host(target, page_url) != _host(page_url, page_url):
        return False
    path = urlsplit(target).path.strip("/")
    if not path:
        return False  # the home page: a site's name as a link, not a call
    if is_article(target):  # (a site whose pages all look like articles: "/support-us/" on WordPress)
        return element.find("br") is not None and bool(_FUNDING.search(text))
    return bool(_READER_ADDRESS.search(text)) or element.find("br") is not None


def _is_set_apart(element: etree._Element, text: str) -> bool:
    """Every word of the block is inside emphasis (``<p><strong>...</strong></p>``); an icon
    or a link without words may stand beside it."""
    if not text:
        return False
    outside, inside = [element.text or ""], []
    for child in element:
        if isinstance(child.tag, str) and child.tag in _SET_APART:
            inside.append("".join(child.itertext()))
        else:
            outside.append("".join(child.itertext()) if isinstance(child.tag, str) else "")
        outside.append(child.tail or "")
    return bool(re.search(r"\w", "".join(inside))) and not re.search(r"\w", "".join(outside))


_SET_APART = frozenset("strong b em i small".split())  # (small: the fine print of notices)
APPEAL_MAX_WORDS = 60


def other_article_titles(root: etree._Element, page_url: str, is_other_article: Callable[[str], bool]) -> frozenset[str]:
    """Folded anchor texts of the page's links to the outlet's other articles: their titles."""
    own = urlsplit(page_url)._replace(fragment="", query="").geturl()
    titles = set()
    for anchor in root.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        title = _fold("".join(anchor.itertext()))
        if title.count(" ") < 2 or title in titles:  # a title has three words or more
            continue
        target = urljoin(page_url, href.strip())
        if urlsplit(target)._replace(fragment="", query="").geturl() != own and is_other_article(target):
            titles.add(title)
    return frozenset(titles)


def _fold(text: str) -> str:
    return " ".join(words(text.casefold()))


# --- paragraphs ------------------------------------------------------------------------

# "(MENAFN)", "(MENAFN- Source)", "(Reuters) -": a source in parentheses opening the first
# paragraph, one level of parentheses inside it ("Kuwait News Agency (KUNA)").
_DATELINE = re.compile(r"^\s*[|]?\s*\(\s*([^()\s][^()]{0,80}?(?:\([^()]{0,40}\)[^()]{0,40})?)\s*\)\s*[-–—:|]*\s*")
DATELINE_MAX_WORDS = 8
DATELINE_PARAGRAPHS = 3
_BY = re.compile(r"^\s*(?:by|par|von|por|written by|reporting by|author|auteur)\s*[:\-–]?\s+", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w’'.-]*|al|bin|da|de|del|della|der|di|du|el|ibn|la|le|van|von|and|et|&|,)$")


def strip_dateline(paragraph: str) -> str:
    """The first paragraph without a leading source in parentheses ("(MENAFN- Source) ...")."""
    match = _DATELINE.match(paragraph)
    if not match:
        return paragraph
    inside = match.group(1)
    if len(words(inside)) > DATELINE_MAX_WORDS or not re.match(r"[A-ZÀ-Þ]", inside):
        return paragraph
    return paragraph[match.end():]


def is_byline(paragraph: str, authors: Sequence[str]) -> bool:
    """A line that only names the authors: "By Jane Doe and John Roe", or the names alone."""
    text = normalize_space(paragraph)
    count = len(words(text))
    if not count or count > 14:
        return False
    rest = _BY.sub("", text, count=1)
    names = {w for a in authors for w in words(a.casefold())}
    tokens = words(rest.casefold())
    if names and tokens and all(t in names or t in ("and", "et") for t in tokens):
        return True
    if rest != text:  # "By ..." followed by capitalised names only
        parts = re.findall(r"[\w’'.-]+|,|&", rest)
        return 0 < len(parts) <= 10 and all(_NAME_WORD.match(p) for p in parts)
    return False


# A prompt without its link: a short line that speaks to the reader ("you", "us") about a
# messaging or social service, or a newsletter: "Follow our desk on Telegram", "Get the
# digest in your inbox". The services and channels are a closed list, like SOCIAL_HOSTS.
_SERVICE = re.compile(
    r"\b(?:telegram|whatsapp|viber|signal app|vk|vkontakte|twitter|facebook|instagram|youtube|rumble|odysee|"
    r"bitchute|tiktok|truth social|google news|newsletters?|inbox|mailing list|push notifications?|rss feed|"
    r"e-?mails?|(?:un)?subscri(?:be|bing|ption)s?|infolettres?|lettre d['’]information|courriels?|abonnez|abonnement)\b",
    re.IGNORECASE,
)
# The reader addressed, in English and in French (Mondialisation's language); an appeal may
# also name the readers themselves (``_READER_ADDRESS``).
_READER_WORDS = "you|your|we|us|our|vous|votre|vos|nous|notre|nos"
_READER = re.compile(rf"\b(?:{_READER_WORDS})\b", re.IGNORECASE)
_READER_ADDRESS = re.compile(rf"\b(?:{_READER_WORDS}|readers?|lecteurs|lectrices)\b", re.IGNORECASE)
# Reporting is not a prompt: a quotation, or a line that says who said or posted what.
_REPORTED = re.compile(r"[\"“”«»]|\b(?:said|says|wrote|writes|told|tweeted|posted|stated|according|reported|claimed"
                       r"|a déclaré|a dit|a affirmé|a écrit|selon|d['’]après)\b", re.IGNORECASE)
PROMPT_LINE_MAX_WORDS = 25


def is_appeal(paragraph: str) -> bool:
    """A line addressed to the reader about the outlet itself (an appeal, a note to readers),
    or a service (a newsletter, e-mail, a messenger), or about its funding, not reporting: it
    says "you", "we"/"us"/"our" or "readers", or names the service or the funding, and quotes
    or reports no one. A question that names no service is no appeal: set apart, it is an
    interviewer's ("What do you make of ...?")."""
    count = len(words(paragraph))
    if not 0 < count <= APPEAL_MAX_WORDS or _REPORTED.search(paragraph):
        return False
    service = _SERVICE.search(paragraph)
    if paragraph.rstrip().endswith("?") and not service:
        return False
    return bool(service or _READER_ADDRESS.search(paragraph) or _FUNDING.search(paragraph))


# What an appeal asks for: money, backing. A closed list, like the services.
_FUNDING = re.compile(
    r"\b(?:donat(?:e|es|ing|ion|ions)|crowd-?fund\w*|fund(?:-| )?(?:drive|raiser)s?|fundrais\w*|"
    r"funded by (?:its|our|their) (?:readers|audience|members)|support (?:us|our work|independent \w+)|"
    r"faire un don|soutenez|soutenir (?:notre|le site|ce site)|campagne de (?:dons|financement)|"
    r"financée? par ses lecteurs)\b",
    re.IGNORECASE,
)  # (not "donors", "sponsors", "supporters": a bold subheading may say "Donors pledge $2bn")


# Notices by their shape, not their wording: a disclaimer ("the views expressed ... are the
# author's"), a copyright or reprint notice ("may not be redistributed without permission"),
# a translator's credit ("Translated from the Russian by ...", "Traduit par ...").
_NOTICE = re.compile(
    r"\b(?:views?|opinions?|positions?)\b[^.!?]{0,80}\b(?:expressed|stated|exprimée?s?|expresadas?)\b"
    r"|\bdo(?:es)? not necessarily (?:reflect|represent|share|endorse)\b|\bn['’]engagen?t que\b"
    r"|\b(?:reflect|represent|express)\b[^.!?]{0,40}\b(?:of )?(?:their|the|its) (?:own )?(?:authors?|writers?|contributors?)\b"
    r"|\beditorial (?:stance|line|policy|position|board|view)s?\b[^.!?]{0,40}\b(?:differ|may|not|necessarily)\b"
    r"|\b(?:is|are) (?:solely|entirely|fully) responsible for\b|\bligne éditoriale\b"
    r"|\ball rights reserved\b|\btous droits réservés\b|\btodos los derechos\b|^\s*(?:©|\(c\)\s|copyright\b)"
    r"|\b(?:may|must|can|should)\s?not be (?:re)?(?:produced|published|printed|distributed|posted|copied|used)\b"
    r"|\bwithout (?:the )?(?:prior |express )?(?:written )?(?:permission|consent)\b"
    r"|\breproduction (?:interdite|autorisée|totale|partielle)\b"
    r"|\b(?:translated|traduit|traduite|traduction|traducido|traducción|übersetzt|übersetzung)\b[^.!?]{0,60}"
    r"\b(?:by|from|par|de|du|des|por|von|aus)\b"
    r"|^\s*(?:translation|traduction|traducción|übersetzung|proofreading|relecture)\s*:",
    re.IGNORECASE,
)
# "Tags: Caspian, Sanctions, Energy security": a tag label, then a list of short items.
_TAG_LINE = re.compile(
    r"^\s*(?:tags?|tagged(?: with)?|topics?|keywords?|filed under|mots[- ]clés|thèmes|étiquettes|sujets|"
    r"schlagwörter|etiquetas|temas)\s*:\s*(?P<items>.+)$",
    re.IGNORECASE,
)
TAG_ITEM_MAX_WORDS = 4


def is_tag_line(paragraph: str) -> bool:
    match = _TAG_LINE.match(normalize_space(paragraph))
    if not match or _SENTENCE_END.search(match.group("items")):
        return False
    items = [item for item in re.split(r"\s*[,;|•·]\s*", match.group("items")) if item]
    return len(items) >= 2 and all(len(words(item)) <= TAG_ITEM_MAX_WORDS for item in items)


NOTICE_MAX_WORDS = 60


def is_notice(paragraph: str) -> bool:
    """A disclaimer, a copyright or reprint notice or a translator's credit, by its shape."""
    count = len(words(paragraph))
    return 0 < count <= NOTICE_MAX_WORDS and bool(_NOTICE.search(paragraph)) and not _REPORTED.search(paragraph)


_SPOKE = re.compile(r"[\"“”«»]|\b(?:said|says|told|according|a déclaré|a dit|selon)\b", re.IGNORECASE)


def is_bio(paragraph: str, authors: Sequence[str]) -> bool:
    """A note on the author: the paragraph opens with one of the page's authors' names and
    tells about them ("Jane Doe is a researcher ...", "Jane Doe est chercheuse ..."), reporting no one."""
    count = len(words(paragraph))
    if not authors or not 0 < count <= NOTICE_MAX_WORDS or _SPOKE.search(paragraph):
        return False  # ("writes" is a bio's word: "... and writes about the Caucasus")
    opening = _fold(paragraph)
    return any(name and opening.startswith(name + " ") for name in (_fold(a) for a in authors if len(words(a)) >= 2))


def is_prompt(paragraph: str) -> bool:
    count = len(words(paragraph))
    if not 0 < count <= PROMPT_LINE_MAX_WORDS or _REPORTED.search(paragraph):
        return False
    if count <= SHARE_MAX_WORDS and _SHARE.search(paragraph):
        return True
    return bool(_SERVICE.search(paragraph)) and bool(_READER.search(paragraph))


# "Share this article", "Partagez cet article": a short line asking to pass the page on.
_SHARE = re.compile(r"\b(?:share|partagez|partager|teilen|comparte|compartir)\b[^.!?]{0,30}"
                    r"\b(?:article|story|stories|post|page|texte|artikel|artículo)\b", re.IGNORECASE)
SHARE_MAX_WORDS = 12


def remove_paragraph_furniture(paragraph_list: Sequence[str], authors: Sequence[str],
                               titles: frozenset[str] = frozenset()) -> list[str]:
    """Datelines, bylines, titles of other articles, prompts and tag lines, by shape; in the
    first and last three paragraphs also notes on the author and notices.

    The dateline is looked for at the start of the first paragraphs (a kicker or a
    date line may come before the text) and removed once.
    """
    kept: list[str] = []
    dated = False
    for index, paragraph in enumerate(paragraph_list):
        if not dated and index < DATELINE_PARAGRAPHS:
            stripped = strip_dateline(paragraph)
            dated = stripped != paragraph
            paragraph = stripped
            if not re.search(r"\w", paragraph):
                continue
        edge = index < 3 or index >= len(paragraph_list) - 3
        if edge and (is_byline(paragraph, authors) or is_bio(paragraph, authors) or is_notice(paragraph)):
            continue
        if titles and _fold(paragraph) in titles:
            continue
        if is_prompt(paragraph) or is_tag_line(paragraph):
            continue
        kept.append(paragraph)
    return kept
