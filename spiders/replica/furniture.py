"""Page furniture in wordings nobody wrote a rule for: a small grammar, one wording set per epoch.

Real outlets reword their appeals, prompts and notices every few months. A replica
whose furniture is a fixed list of strings only tests rules written against that
list; this module writes new wordings for each *wording epoch* (an integer): donation
appeals, messaging-app prompts, photo captions with credits, "related" lists of the
outlet's other articles, newsletter notes and, for a wire, datelines. Within an epoch
an outlet prints the same few appeals and notes on page after page, as a real site
does; captions and related lists change with each page.

The outlet templates call two hooks, each at one clearly marked place:
``inside(replica, art, blocks)`` mixes furniture blocks into the article's content
blocks (HTML strings), and ``around(replica, art)`` gives a block for the sidebar.
Both return their input unchanged (and "") unless the replica was built with a
``furniture_epoch``, so the default replica's pages stay as they were.
``page_snippets`` lists the strings a page carries that must never be article text.
"""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from spiders.replica import words

# -- the grammar ------------------------------------------------------------------------
# Each slot is a list of alternatives; a wording picks one per slot. The words avoid the
# phrasings the outlet rules name (tests/quality/test_furniture.py checks that none match).
_APPEAL = (
    ("{Reader} {keeps} {us} {going}.", "{Ask} {gift}", "{Why}"),
)
_SLOTS = {
    "Reader": ("Reader generosity", "Help from people like you", "Your modest contribution", "Every reader who chips in",
               "Small monthly gifts from readers", "The kindness of our audience"),
    "keeps": ("keeps", "is what keeps", "alone keeps", "has always kept"),
    "us": ("this newsroom", "our small desk", "these pages", "independent coverage like this"),
    "going": ("afloat", "on the air", "free of advertisers", "alive through hard times", "running every day"),
    "Ask": ("Chip in today:", "Consider a gift:", "Lend a hand:", "Stand with us:", "Back our reporters:"),
    "gift": ("even five euros makes a difference.", "a coffee's worth goes a long way.", "every amount is welcome.",
             "any sum helps us plan ahead.", "it takes less than a minute."),
    "Why": ("We answer to nobody but our readers.", "No billionaire owns us.", "Advertisers do not set our agenda.",
            "Our budget comes from the audience alone.", ""),
}
_PROMPTS = (
    "Our {desk} posts breaking updates first on {app}{handle}.",
    "Catch every update in our {app} channel{handle}.",
    "Readers can reach the {desk} on {app}{handle}.",
    "Get the {briefing} straight to your phone via {app}{handle}.",
    "The {desk} is now on {app}{handle}: tap to get the {briefing}.",
)
_DESKS = ("newsroom", "editors", "night desk", "front-line team", "news team")
_BRIEFINGS = ("evening digest", "morning roundup", "top stories", "latest headlines", "daily summary")
_APPS = (("Telegram", "https://t.me/{slug}_news"), ("WhatsApp", "https://wa.me/channel/{slug}"),
         ("VK", "https://vk.com/{slug}"), ("X", "https://x.com/{slug}_live"), ("Viber", "https://invite.viber.com/?g={slug}"))
_NOTES = (
    "The {briefing} lands in your inbox at {hour} every {day}; {cancel}.",
    "Want the {briefing} by e-mail? It arrives at {hour} on {day}s; {cancel}.",
    "One e-mail, every {day} at {hour}: the {briefing}. {Cancel}.",
)
_HOURS = ("six", "seven", "eight", "noon", "nine")
_DAYS = ("weekday", "Monday", "Friday", "Sunday", "day")
_CANCELS = ("you can leave whenever you like", "unsubscribing takes one click", "no spam, ever",
            "your address stays with us")
_RELATED = ("You may have missed", "Earlier on this story", "Also worth reading", "Keep reading", "From our archive",
            "Elsewhere on the site", "In the same file")
_CAPTION_SUBJECTS = ("Residents queue for water", "Delegates leave the conference hall", "Smoke rises over the port",
                     "A convoy moves along the highway", "Workers repair a damaged bridge", "Protesters gather outside parliament",
                     "Soldiers stand guard at a checkpoint", "Farmers inspect a flooded field")
_AGENCIES = ("Reuters", "AP", "AFP", "Anadolu Agency", "EPA", "Xinhua", "Getty Images", "Wikimedia Commons")
_PHOTOGRAPHERS = ("Lena Park", "Omar Haddad", "Ivan Sokolov", "Maria Estevez", "Tom Becker")
_CAPTION_FORMS = (
    "{subject} in {place} on {weekday}. Photo: {agency}",
    "{subject} in {place}. © {agency} / {photographer}",
    "{subject} near {place} (Image: {agency})",
    "{subject} in {place}. Source: {agency}",
    "{subject}, {place}",  # no credit at all: only its place beside the image tells
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _fill(template: str, rng: random.Random, **fixed: str) -> str:
    def pick(name: str) -> str:
        if name in fixed:
            return fixed[name]
        return rng.choice(_SLOTS[name])
    out, rest = "", template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        name, _, rest = tail.partition("}")
        out += head + pick(name)
    return " ".join((out + rest).split())


@dataclass(frozen=True)
class Wordings:
    """One outlet's furniture wordings for one epoch."""

    appeals: tuple[str, ...]
    prompts: tuple[tuple[str, str, str], ...]  # (text before the link, link text, href)
    note: str
    related: tuple[str, ...]
    caption_forms: tuple[str, ...]
    # Appeals set apart in bold, or plain paragraphs with nothing but their repetition to
    # give them away: real outlets do both.
    appeals_set_apart: bool = True


@lru_cache(maxsize=64)
def wordings(seed: int, outlet: str, epoch: int) -> Wordings:
    rng = random.Random(f"{seed}:{outlet}:{epoch}:furniture-wordings")
    appeals = tuple(" ".join(_fill(part, rng) for part in rng.choice(_APPEAL)).strip() for _ in range(2))
    prompts = []
    for _ in range(2):
        app, href = rng.choice(_APPS)
        template = rng.choice(_PROMPTS)
        text = template.format(desk=rng.choice(_DESKS), app=app, handle="", briefing=rng.choice(_BRIEFINGS))
        prompts.append((text, f"{app} \u2192", href.format(slug=outlet)))
    note = rng.choice(_NOTES).format(briefing=rng.choice(_BRIEFINGS), hour=rng.choice(_HOURS), day=rng.choice(_DAYS),
                                     cancel=rng.choice(_CANCELS), Cancel=rng.choice(_CANCELS).capitalize())
    return Wordings(appeals=appeals, prompts=tuple(prompts), note=note, related=tuple(rng.sample(_RELATED, 2)),
                    caption_forms=tuple(rng.sample(_CAPTION_FORMS, 3)), appeals_set_apart=rng.random() < 0.5)


# -- what one page carries --------------------------------------------------------------

@dataclass(frozen=True)
class PageFurniture:
    blocks: tuple[tuple[int, str], ...]  # (position among the content blocks, HTML)
    sidebar: str
    snippets: tuple[str, ...]  # visible strings that must never be article text


def _epoch(replica) -> int | None:
    return getattr(replica, "furniture_epoch", None)


def _href(replica, outlet: str, path: str) -> str:
    return f"http://{replica.outlets[outlet].host}{path}"


def page_furniture(replica, art, count: int) -> PageFurniture | None:
    """The furniture of the article page ``art`` whose content has ``count`` blocks."""
    epoch = _epoch(replica)
    if epoch is None:
        return None
    entry = art.entry
    outlet = entry.outlet
    w = wordings(replica.seed, outlet, epoch)
    rng = random.Random(f"{art.key}:{epoch}:furniture-page")  # what the page carries
    where = random.Random(f"{art.key}:{epoch}:furniture-places")  # where it goes (depends on ``count``)
    blocks: list[tuple[int, str]] = []
    snippets: list[str] = []
    inner = max(1, count - 1)

    # a captioned image inside the text
    if rng.random() < 0.7:
        caption = rng.choice(w.caption_forms).format(
            subject=rng.choice(_CAPTION_SUBJECTS), place=rng.choice(words.PLACES), weekday=rng.choice(_WEEKDAYS),
            agency=rng.choice(_AGENCIES), photographer=rng.choice(_PHOTOGRAPHERS))
        image = escape(_href(replica, outlet, f"/media/{zlib.crc32(caption.encode())}.jpg"))
        if rng.random() < 0.5:
            html = f'<p><img src="{image}" alt=""></p><p><em>{escape(caption)}</em></p>'
        else:
            html = f'<div class="media"><img src="{image}" alt="{escape(caption)}"></div><p>{escape(caption)}</p>'
        blocks.append((where.randint(1, inner), html))
        snippets.append(caption)
    # a related list of the outlet's other articles, inside the text
    others = _others(replica, entry, rng)
    if others and rng.random() < 0.7:
        heading = rng.choice(w.related)
        if rng.random() < 0.5:
            items = "".join(f'<li><a href="{escape(_href(replica, outlet, e.path))}">{escape(e.title)}</a></li>'
                            for e in others)
            html = f"<p><strong>{escape(heading)}</strong></p><ul>{items}</ul>"
            snippets += [e.title for e in others]
        else:
            other = others[0]
            html = f'<p>{escape(heading)}: <a href="{escape(_href(replica, outlet, other.path))}">{escape(other.title)}</a></p>'
            snippets.append(other.title)
        blocks.append((where.randint(1, inner), html))
        snippets.append(heading)
    # a messaging prompt, inside the text or closing it
    if rng.random() < 0.8:
        text, label, target = rng.choice(w.prompts)
        blocks.append((where.choice((where.randint(1, inner), count)),
                       f'<p>{escape(text)} <a href="{escape(target)}">{escape(label)}</a></p>'))
        snippets.append(text)
    # the epoch's appeal and newsletter note: the same wording on page after page
    if rng.random() < 0.85:
        appeal = rng.choice(w.appeals)
        markup = f"<strong>{escape(appeal)}</strong>" if w.appeals_set_apart else escape(appeal)
        blocks.append((where.choice((count, where.randint(1, inner))), f"<p>{markup}</p>"))
        snippets.append(appeal)
    if rng.random() < 0.6:
        blocks.append((where.choice((count, where.randint(1, inner))),
                       f'<p><em>{escape(w.note)}</em> <a href="{escape(_href(replica, outlet, "/newsletter"))}">\u2709</a></p>'))
        snippets.append(w.note)
    sidebar = (f'<div class="widget"><p>{escape(w.appeals[0])}</p><p>{escape(w.note)}</p></div>')
    snippets += [w.appeals[0], w.note]
    return PageFurniture(tuple(blocks), sidebar, tuple(dict.fromkeys(s for s in snippets if s)))


def _others(replica, entry, rng: random.Random) -> list:
    found = []
    for rank in rng.sample(range(replica.articles_per_outlet), min(8, replica.articles_per_outlet)):
        if rank != entry.rank:
            other = replica.entry(entry.outlet, rank)
            if other.status == 200 and other.title != entry.title:
                found.append(other)
    return found[: rng.randint(2, 4)]


# -- the hooks the templates call -------------------------------------------------------

def inside(replica, art, blocks: list[str]) -> list[str]:
    """``blocks`` (the article's content, HTML) with the page's furniture mixed in."""
    furniture = page_furniture(replica, art, len(blocks))
    if furniture is None:
        return blocks
    mixed = list(blocks)
    for position, html in sorted(furniture.blocks, key=lambda item: -item[0]):
        mixed.insert(min(position, len(mixed)), html)
    return mixed


def around(replica, art) -> str:
    """A sidebar block of the page's furniture ("" for the default replica)."""
    furniture = page_furniture(replica, art, len(art.paragraphs))
    return furniture.sidebar if furniture is not None else ""


def page_snippets(replica, art) -> tuple[str, ...]:
    furniture = page_furniture(replica, art, len(art.paragraphs))
    return furniture.snippets if furniture is not None else ()


def all_wordings(seed: int, outlet: str, epoch: int) -> list[str]:
    """Every fixed wording of an epoch (the texts rules must not have been written against)."""
    w = wordings(seed, outlet, epoch)
    return [*w.appeals, *(p[0] for p in w.prompts), w.note, *w.related]


def dateline(replica, art, source: str) -> str:
    """A wire's opening credit, "(MENAFN- Source)", in the epoch's shape: spacing and dashes vary,
    and some pages print the bare "(MENAFN)" of the wire's own stories."""
    default = f"(MENAFN- {source})"
    epoch = _epoch(replica)
    if epoch is None:
        return default
    rng = random.Random(f"{art.key}:{epoch}:furniture-dateline")
    shapes = ("(MENAFN- {s})", "(MENAFN - {s})", "(MENAFN\u2013 {s})", "(MENAFN)", "( MENAFN \u2014 {s} )")
    return rng.choice(shapes).format(s=source)


def container(replica, art, opening: str, inner: str, closing: str) -> str:
    """The article container as the template writes it, or, on some pages of an epoch, the
    old table layout without the container's class and id (the rules' container is missing)."""
    epoch = _epoch(replica)
    if epoch is None or random.Random(f"{art.key}:{epoch}:furniture-layout").random() >= 0.25:
        return f"{opening}\n{inner}\n{closing}"
    return f'<table width="100%" border="0" cellpadding="0"><tr><td valign="top">{inner}</td></tr></table>'


def dateline_snippets(replica, art, source: str) -> tuple[str, ...]:
    epoch = _epoch(replica)
    return (dateline(replica, art, source),) if epoch is not None else ()
