"""Suggested parallels between the groups' walls: every cross-group pair of clusters and cards,
ranked by how much their texts share, each with its reason and a proposed kind.

Two approaches and a baseline, measured on the labelled workshops (bench/parallels.py):
- "overlap": plain word overlap (Jaccard of the lower-cased words), the baseline;
- "stems": TF-IDF cosine of Snowball stems, compound parts and abbreviations;
- "related" (the default): "stems" plus groups of related words (lexicon.RELATED), so that
  "Busse öfter fahren lassen" meets "dichterer Takt im Nahverkehr";
- "thesaurus": "related" plus OpenThesaurus's synonyms and broader terms (Debian's
  mythes-de, optional; boards/parallels/thesaurus.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from boards.parallels.analysis import OPPOSED_STEMS, Terms, analyse, fold, vocabulary_of, words
from boards.parallels.lexicon import RELATED, STOP_WORDS

APPROACHES = ("overlap", "stems", "related", "thesaurus")
DEFAULT = "related"
CARD_IN_CLUSTER = 0.3  # a cluster is its heading and, at this weight, its cards (tuned)


@dataclass(frozen=True)
class Item:
    """One end a link may have: a cluster (its heading and cards) or a card, of one group."""

    kind: str  # "cluster" or "card"
    id: int
    group: str
    text: str  # the heading or the card's text
    cards: tuple[str, ...] = ()  # a cluster's cards
    cluster_id: int | None = None  # a card's cluster

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


@dataclass
class Shared:
    """What two texts share: the words on each side, and how they are related."""

    left: list[str]
    right: list[str]
    related: bool  # related words, not the same stem


@dataclass
class Suggestion:
    a: Item
    b: Item
    score: float
    kind: str  # "parallel", "synergy" or "conflict"
    shared: list[Shared] = field(default_factory=list)

    @property
    def key(self) -> str:
        first, second = sorted([self.a.key, self.b.key])
        return f"{first}:{second}"


def _vector(item: Item, vocabulary: frozenset[str], related: bool, synonyms: bool = False) -> Terms:
    terms = analyse(item.text, vocabulary, related=related, synonyms=synonyms)
    for card in item.cards:
        inner = analyse(card, vocabulary, related=related, synonyms=synonyms)
        for term, weight in inner.weights.items():
            terms.weights[term] = max(terms.weights.get(term, 0.0), weight * CARD_IN_CLUSTER)
            terms.sources.setdefault(term, set()).update(inner.sources[term])
    return terms


def _overlap_words(text: str) -> set[str]:
    return {w.lower() for w in words(text) if w.lower() not in STOP_WORDS}


# How much the overlap coefficient counts beside the cosine: short cards share one or two words
# with a long cluster, which the cosine alone ranks low.
TOPIC = 0.3  # how much the topics alone may count (tuned)
BLEND = 0.0  # tuned: the cosine alone ranked best on the tuning workshops


def _similarity(a: dict[str, float], b: dict[str, float], idf: dict[str, float]) -> float:
    common = a.keys() & b.keys()
    if not common:
        return 0.0
    dot = sum(a[t] * b[t] * idf[t] ** 2 for t in common)
    na = math.sqrt(sum((w * idf[t]) ** 2 for t, w in a.items()))
    nb = math.sqrt(sum((w * idf[t]) ** 2 for t, w in b.items()))
    cosine = dot / (na * nb) if na and nb else 0.0
    shared = sum(min(a[t], b[t]) * idf[t] for t in common)
    smaller = min(sum(w * idf[t] for t, w in a.items()), sum(w * idf[t] for t, w in b.items()))
    overlap = shared / smaller if smaller else 0.0
    return (1 - BLEND) * cosine + BLEND * overlap


def _kind(a: Terms, b: Terms, shared_stems: int) -> str:
    """A conflict of goals where each side holds one of two opposed sets and not the other
    (a wall that weighs both itself is no conflict with the other)."""
    ka, kb = a.weights.keys(), b.weights.keys()
    for one, other in OPPOSED_STEMS:
        if (ka & one and not ka & other and kb & other and not kb & one) or (
            ka & other and not ka & one and kb & one and not kb & other
        ):
            return "conflict"
    return "parallel" if shared_stems >= 2 else "synergy"


def _shared(a: Terms, b: Terms, idf: dict[str, float]) -> list[Shared]:
    common = sorted(a.weights.keys() & b.weights.keys(), key=lambda t: -idf[t] * a.weights[t])
    out, seen = [], set()
    for term in common:
        left = sorted(a.sources[term], key=str.casefold)
        right = sorted(b.sources[term], key=str.casefold)
        if (tuple(left), tuple(right)) in seen:
            continue
        seen.add((tuple(left), tuple(right)))
        out.append(Shared(left, right, term.startswith("~")))
    # Same words first, then the related ones.
    return sorted(out, key=lambda s: s.related)[:3]


def _pairs(items: list[Item]) -> Iterable[tuple[Item, Item]]:
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if a.group != b.group:
                yield a, b


def suggest(
    items: list[Item],
    *,
    approach: str = DEFAULT,
    limit: int | None = None,
    minimum: float = 0.08,
) -> list[Suggestion]:
    """Every cross-group pair worth suggesting, best first."""
    if approach == "overlap":
        sets = {item.key: _overlap_words(" ".join([item.text, *item.cards])) for item in items}
        out = []
        for a, b in _pairs(items):
            common = sets[a.key] & sets[b.key]
            union = sets[a.key] | sets[b.key]
            if common:
                score = len(common) / len(union)
                shared = [Shared(sorted(common), sorted(common), False)]
                out.append(Suggestion(a, b, score, "parallel", shared))
        out.sort(key=lambda s: (-s.score, s.key))
        return out[:limit] if limit else out
    related = approach in ("related", "thesaurus")
    synonyms = approach == "thesaurus"
    vocabulary = vocabulary_of([t for item in items for t in (item.text, *item.cards)])
    vectors = {item.key: _vector(item, vocabulary, related, synonyms) for item in items}
    # Inverse document frequency over the workshop's own items: a word every wall uses says
    # little; the related groups count as terms of their own.
    df: dict[str, int] = {}
    for terms in vectors.values():
        for term in terms.weights:
            df[term] = df.get(term, 0) + 1
    n = len(items)
    idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
    out = []
    for a, b in _pairs(items):
        if a.kind == "card" and b.kind == "card" and a.cluster_id and a.cluster_id == b.cluster_id:
            continue
        va, vb = vectors[a.key], vectors[b.key]
        score = _similarity(va.weights, vb.weights, idf)
        if TOPIC and related:
            # What the two are about, by the related-word groups alone: a cluster's many words
            # dilute the cosine of two walls that speak of the same topic in other words.
            ta = {t: w for t, w in va.weights.items() if t.startswith("~")}
            tb = {t: w for t, w in vb.weights.items() if t.startswith("~")}
            # Two topics at least: one broad topic alone ("digital") says little.
            if len(ta.keys() & tb.keys()) >= 2:
                score = max(score, TOPIC * _similarity(ta, tb, idf))
        if score < minimum:
            continue
        same = len([t for t in va.weights.keys() & vb.weights.keys() if not t.startswith("~")])
        out.append(Suggestion(a, b, score, _kind(va, vb, same), _shared(va, vb, idf)))
    out.sort(key=lambda s: (-s.score, s.key))
    return _without_echoes(out)[:limit] if limit else _without_echoes(out)


def _without_echoes(ranked: list[Suggestion]) -> list[Suggestion]:
    """A card pair right below its clusters' pair says the same again: keep the better one."""
    kept: list[Suggestion] = []
    covered: set[tuple[int | None, int | None]] = set()
    for s in ranked:
        ends = (cluster_of(s.a), cluster_of(s.b))
        if s.a.kind == "card" and s.b.kind == "card" and ends in covered:
            continue
        if s.a.kind == "cluster" and s.b.kind == "cluster":
            covered.add((s.a.id, s.b.id))
            covered.add((s.b.id, s.a.id))
        kept.append(s)
    return kept


def cluster_of(item: Item) -> int | None:
    return item.id if item.kind == "cluster" else item.cluster_id


def related_topics() -> list[str]:
    """The lexicon's related-word groups (for the README and the tests)."""
    return [fold(line.split()[0]) for line in RELATED]
