"""What changed between two versions of an article's text, for showing inline.

The same two-level comparison as :func:`flows.dedup.versions.diff_summary`
(difflib over paragraphs, then over the words of the paragraphs that differ),
kept as segments to render: unchanged paragraphs far from a change fold into
one "N unchanged paragraphs" line.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flows.records.article import paragraphs_of

CONTEXT = 1  # unchanged paragraphs shown around a change


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass
class Block:
    """One paragraph of the diff (its words marked), or a run of folded unchanged paragraphs."""
    segments: list[Segment] = field(default_factory=list)
    folded: int = 0  # > 0: this many unchanged paragraphs, not shown

    @property
    def changed(self) -> bool:
        return any(s.kind != "same" for s in self.segments)


@dataclass(frozen=True)
class TextDiff:
    blocks: list[Block]
    words_added: int
    words_removed: int


def _words(old: list[str], new: list[str]) -> tuple[list[Block], int, int]:
    """The changed paragraphs ``old`` -> ``new`` as word-marked blocks, one per paragraph."""
    old_words, new_words = " ".join(old).split(), " ".join(new).split()
    segments: list[Segment] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            segments.append(Segment("removed", " ".join(old_words[a1:a2])))
            removed += a2 - a1
        if b2 > b1:
            segments.append(Segment("added", " ".join(new_words[b1:b2])))
            added += b2 - b1
    return [Block(segments)], added, removed


def text_diff(old_text: str, new_text: str, context: int = CONTEXT) -> TextDiff:
    old, new = paragraphs_of(old_text), paragraphs_of(new_text)
    blocks: list[Block] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for position, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag != "equal":
            changed, plus, minus = _words(old[i1:i2], new[j1:j2])
            blocks += changed
            added, removed = added + plus, removed + minus
            continue
        same = old[i1:i2]
        head = same[:context] if position > 0 else []
        tail = same[-context:] if position < len(opcodes) - 1 and context else []
        if len(head) + len(tail) >= len(same):
            blocks += [Block([Segment("same", p)]) for p in same]
            continue
        blocks += [Block([Segment("same", p)]) for p in head]
        blocks.append(Block(folded=len(same) - len(head) - len(tail)))
        blocks += [Block([Segment("same", p)]) for p in tail]
    return TextDiff(blocks, added, removed)
