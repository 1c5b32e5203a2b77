"""Article titles and bodies: real seed texts, hand-written texts, and generated text.

Every body is a list of paragraphs. A body mixes paragraphs drawn from the
hand-written pool with generated paragraphs whose sentences join short pieces
from ``words``; the mix is seeded, so the same article always gets the same text
and no two articles get the same (or a nearly identical) text.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from spiders.replica import words as w

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Text:
    title: str
    paragraphs: tuple[str, ...]
    meta: dict[str, str] = field(default_factory=dict)


def _parse(name: str) -> list[Text]:
    texts: list[Text] = []
    for block in re.split(r"^=== ", (DATA / name).read_text(encoding="utf-8"), flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        meta: dict[str, str] = {}
        lines = rest.split("\n")
        while lines and lines[0].startswith("@"):
            key, _, value = lines.pop(0)[1:].partition(":")
            meta[key.strip()] = value.strip()
        paragraphs = tuple(p.strip() for p in "\n".join(lines).split("\n\n") if p.strip())
        texts.append(Text(head.strip(), paragraphs, meta))
    return texts


@cache
def seed_texts() -> dict[str, list[Text]]:
    """Real articles (boilerplate removed), by outlet slug."""
    by_outlet: dict[str, list[Text]] = {}
    for text in _parse("seeds.txt"):
        by_outlet.setdefault(text.meta["outlet"], []).append(text)
    return by_outlet


@cache
def written_texts(language: str) -> list[Text]:
    return _parse("articles_fr.txt" if language == "fr" else "articles_en.txt")


@cache
def _pool(language: str) -> tuple[str, ...]:
    return tuple(p for text in written_texts(language) for p in text.paragraphs)


def title_for(code: int, language: str) -> tuple[str, str, str]:
    """(title, place, topic), the title unique for each ``code`` below ``title_space(language)``."""
    if language == "fr":
        code, template = divmod(code, len(w.TITRES))
        code, place = divmod(code, len(w.LIEUX))
        lieu, sujet = w.LIEUX[place], w.SUJETS[code % len(w.SUJETS)]
        title = french_elisions(w.TITRES[template].format(lieu=lieu, sujet=sujet))
        return title[0].upper() + title[1:], lieu, sujet
    code, template = divmod(code, len(w.TITLE_TEMPLATES))
    code, place = divmod(code, len(w.PLACES))
    city, topic = w.PLACES[place], w.TOPICS[code % len(w.TOPICS)]
    return w.TITLE_TEMPLATES[template].format(place=city, topic=topic), city, topic


_ELISIONS = (
    (re.compile(r"\b([dD])e les\b"), r"\1es"),
    (re.compile(r"\b([dD])e le\b"), r"\1u"),
    (re.compile(r"\b([dD])e Le\b"), r"\1u"),
    (re.compile(r"\b([àÀ]) les\b"), "aux"),
    (re.compile(r"\b([àÀ]) [lL]e\b"), "au"),
    (re.compile(r"\b([dD])e ([AEIOUYÉaeiouyé])"), r"\1'\2"),
    (re.compile(r"\bque ([AEIOUYÉaeiouyé])"), r"qu'\1"),
)


def french_elisions(text: str) -> str:
    """de les -> des, à le -> au, de Alger -> d'Alger."""
    for pattern, replacement in _ELISIONS:
        text = pattern.sub(replacement, text)
    return text


def title_space(language: str) -> int:
    if language == "fr":
        return len(w.TITRES) * len(w.LIEUX) * len(w.SUJETS)
    return len(w.TITLE_TEMPLATES) * len(w.PLACES) * len(w.TOPICS)


def _sentence(rng: random.Random, language: str, place: str, topic: str) -> str:
    draw = rng.random

    def pick(options: tuple[str, ...]) -> str:  # rng.choice, without its per-call overhead
        return options[int(draw() * len(options))]

    name = f"{pick(w.FIRST_NAMES)} {pick(w.LAST_NAMES)}"
    number = str(2 + int(draw() * 4799))
    if language == "fr":
        slots = {
            "name": name, "role": pick(w.ROLES_FR), "org": pick(w.ORGS_FR), "num": number,
            "lieu": place if draw() < 0.67 else pick(w.LIEUX),
            "sujet": topic if draw() < 0.67 else pick(w.SUJETS),
            "jour": pick(w.JOURS), "mois": pick(w.MOIS),
        }
        parts = (pick(w.CONNECTORS_FR), pick(w.ATTRIBUTIONS_FR), " ", pick(w.CLAIMS_FR), pick(w.TAILS_FR), ".")
    else:
        slots = {
            "name": name, "role": pick(w.ROLES), "org": pick(w.ORGS), "num": number,
            "place": place if draw() < 0.67 else pick(w.PLACES),
            "topic": (topic if draw() < 0.67 else pick(w.TOPICS)).lower(),
            "day": pick(w.DAYS), "month": pick(w.MONTHS),
        }
        parts = (pick(w.CONNECTORS), pick(w.ATTRIBUTIONS), " ", pick(w.CLAIMS), pick(w.TAILS), ".")
    sentence = "".join(parts).format(**slots)
    if language == "fr":
        sentence = french_elisions(sentence)
    return sentence[0].upper() + sentence[1:]


def generated_paragraph(rng: random.Random, language: str, place: str, topic: str) -> str:
    return " ".join(_sentence(rng, language, place, topic) for _ in range(rng.randint(2, 5)))


def compose_body(rng: random.Random, language: str, place: str, topic: str) -> list[str]:
    """250-1200 words: generated paragraphs mixed with hand-written ones (never the same one twice)."""
    target = rng.choice((rng.randint(250, 400), rng.randint(400, 700), rng.randint(400, 700), rng.randint(700, 1200)))
    pool = _pool(language)
    paragraphs = [generated_paragraph(rng, language, place, topic)]
    used: set[int] = set()
    count = len(paragraphs[0].split())
    while count < target:
        # the French pool is small: drawing from it less keeps unrelated articles apart
        if rng.random() < (0.1 if language == "fr" else 0.3) and len(used) < len(pool):
            pick = rng.randrange(len(pool))
            if pick in used:
                continue
            used.add(pick)
            paragraph = pool[pick]
        else:
            paragraph = generated_paragraph(rng, language, place, topic)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return paragraphs


def small_edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A republisher's light touch: one sentence dropped, or a short sentence added."""
    edited = list(paragraphs)
    index = rng.randrange(len(edited))
    sentences = re.split(r"(?<=[.!?])\s+", edited[index])
    if len(sentences) > 1:
        del sentences[rng.randrange(1, len(sentences))]
        edited[index] = " ".join(sentences)
    else:
        edited[index] += " No further details were given."
    return edited


def revised_paragraph(rng: random.Random, language: str, place: str, topic: str) -> str:
    """The text an editor puts in place of a paragraph when an article is updated."""
    return generated_paragraph(rng, language, place, topic)
