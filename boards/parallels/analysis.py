"""German text as the suggestions see it: terms from stems, compound parts, abbreviations and
related words, each remembering the words it came from (for the reason shown).

Pure Python: Snowball's German stemmer (snowballstemmer, BSD, 100 KB) and the hand-written
lexicon; no model, no network.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from boards.parallels.lexicon import ABBREVIATIONS, OPPOSED, RELATED, STOP_WORDS

_STEMMER = snowballstemmer.stemmer("german")
# "Bürger:innen", "Bürger*innen", "Bürger_innen", "Bürger/innen", "BürgerInnen" -> "Bürger"
_GENDER = re.compile(r"(\w{3,})(?:[:*_/·]in(?:nen)?|In(?:nen)?)\b")
_WORD = re.compile(r"[\w+]+(?:-[\w+]+)*", re.UNICODE)
LINKS = ("", "s", "es", "n", "en", "e", "er")  # Fugenelemente between a compound's parts
MIN_PART = 4

# Weights of the kinds of term in a text's vector.
WEIGHTS = {
    "stem": 1.0,
    "part": 0.6,
    "abbr": 0.8,
    "related": 0.8,
    "synonym": 0.1,
}  # tuned on seed, klimaanpassung


def fold(text: str) -> str:
    """Lower case, umlauts and ß folded, accents dropped: "Straße" -> "strasse"."""
    text = text.lower().replace("ß", "ss").replace("ä", "a").replace("ö", "o").replace("ü", "u")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return fold(_STEMMER.stemWord(word.lower()))


def _related_index() -> dict[str, tuple[int, ...]]:
    index: dict[str, list[int]] = {}
    for n, line in enumerate(RELATED):
        for word in line.split():
            index.setdefault(stem(word.replace("_", " ")), []).append(n)
    return {k: tuple(v) for k, v in index.items()}


RELATED_INDEX = _related_index()
OPPOSED_STEMS = [({stem(w) for w in a}, {stem(w) for w in b}) for a, b in OPPOSED]
LEXICON_STEMS = frozenset(RELATED_INDEX)


def words(text: str) -> list[str]:
    """The words of a card, gender forms joined to their stem, hyphenated words kept whole."""
    text = _GENDER.sub(r"\1", text)
    return _WORD.findall(text)


@dataclass
class Terms:
    """A text's terms with weights, and the surface words each came from."""

    weights: dict[str, float] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=dict)

    def add(self, term: str, kind: str, source: str) -> None:
        weight = WEIGHTS[kind]
        if weight > self.weights.get(term, 0.0):
            self.weights[term] = weight
        self.sources.setdefault(term, set()).add(source)


def split_compound(word_stem: str, vocabulary: frozenset[str]) -> list[str]:
    """A compound's parts where both are known words: "innenstadtliefer" -> innenstadt, liefer.
    The longest known head first; one split, then the head's own split (three parts at most)."""
    if len(word_stem) < 2 * MIN_PART:
        return []
    best: list[str] = []
    for i in range(len(word_stem) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word_stem[:i], word_stem[i:]
        if tail not in vocabulary:
            continue
        for link in LINKS:
            if link and not head.endswith(link):
                continue
            left = head[: len(head) - len(link)] if link else head
            if len(left) >= MIN_PART and left in vocabulary:
                best = [left, tail]
                break
        if best:
            break
    if best:
        inner = split_compound(best[0], vocabulary)
        return [*inner, best[0], best[1]] if inner else best
    return []


def known_ends(word_stem: str, vocabulary: frozenset[str]) -> list[str]:
    """Known words a longer word ends or starts with: a German compound's head is its last
    part ("Oberflächenparkplätze" -> parkplatz, "überhitzen" -> hitz), its modifier its first
    ("Schattenplätze" -> schatt). The longest of each."""
    found = []
    for i in range(1, len(word_stem) - MIN_PART + 1):
        tail = word_stem[i:]
        if tail in vocabulary:
            found.append(tail)
            break
    for i in range(len(word_stem) - 1, MIN_PART, -1):
        head = word_stem[:i]
        if head in vocabulary:
            found.append(head)
            break
    return found


def analyse(
    text: str, vocabulary: frozenset[str], *, related: bool = True, synonyms: bool = False
) -> Terms:
    terms = Terms()
    for word in words(text):
        lower = word.lower()
        if lower in STOP_WORDS or len(lower) < 2:
            continue
        pieces = [lower] + (lower.split("-") if "-" in lower else [])
        for piece in pieces:
            if not piece or piece in STOP_WORDS:
                continue
            s = stem(piece)
            if len(s) < 2:
                continue
            terms.add(s, "stem", word)
            for part in split_compound(s, vocabulary) or known_ends(s, vocabulary):
                terms.add(part, "part", word)
            for extra in ABBREVIATIONS.get(piece, "").split():
                terms.add(stem(extra), "abbr", word)
            if synonyms:
                from boards.parallels.thesaurus import related_words

                for other in related_words(piece):
                    other_stem = stem(other)
                    if other_stem != s and other.lower() not in STOP_WORDS:
                        terms.add(other_stem, "synonym", word)
    if related:
        for term in list(terms.weights):
            for group in RELATED_INDEX.get(term, ()):
                terms.add(f"~{group}", "related", next(iter(terms.sources[term])))
    return terms


def vocabulary_of(texts: list[str]) -> frozenset[str]:
    """The known words a compound may be split into: the lexicon's and every word the workshop
    itself uses on its own (at least four letters)."""
    found = set(LEXICON_STEMS)
    for text in texts:
        for word in words(text):
            lower = word.lower()
            for piece in [lower, *lower.split("-")]:
                if len(piece) >= MIN_PART and piece not in STOP_WORDS:
                    found.add(stem(piece))
    return frozenset(found)
