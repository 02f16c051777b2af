"""Suggested parallels as the facilitators see them: from the walls as participants see them
(so an accepted suggestion never links a hidden card), without pairs already linked or
dismissed, each with its reason in words and the shared words marked in both texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from boards.models import DismissedSuggestion, Link
from boards.parallels import thesaurus
from boards.parallels.engine import APPROACHES, DEFAULT, Item, Suggestion, cluster_of, suggest
from boards.selectors.plenary import group_boards, plenary_groups
from boards.selectors.summary import listed, quoted
from boards.selectors.synergies import KIND_SIGNS, kind_label
from workshop.live import Audience
from workshop.models import Workshop

SHOWN = 8  # suggestions listed at a time


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool


@dataclass(frozen=True)
class EndText:
    kind: str
    id: int
    group: str
    pieces: tuple[Piece, ...]

    @property
    def value(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    @property
    def is_cluster(self) -> bool:
        return self.kind == "cluster"


@dataclass(frozen=True)
class SuggestionView:
    key: str
    a: EndText
    b: EndText
    kind: str
    reason: str
    score: float

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def sign(self) -> str:
        return KIND_SIGNS.get(self.kind, "·")  # type: ignore[call-overload]

    @property
    def dom_id(self) -> str:
        return "suggestion-" + self.key.replace(":", "-")


def approach() -> str:
    """The approach in use: the setting's, where it can run here, else the default."""
    chosen = getattr(settings, "STELLWAND_PARALLELS", DEFAULT)
    if chosen == "thesaurus" and not thesaurus.available():
        return DEFAULT
    return chosen if chosen in APPROACHES else DEFAULT


def items_of(workshop: Workshop) -> list[Item]:
    """Every cluster and card on the groups' walls, as participants see them."""
    boards, _own = group_boards(workshop)
    items = []
    for group in plenary_groups(boards, Audience.PARTICIPANTS):
        for ranked in group.clusters:
            texts = tuple(card.text for card, _n in ranked.cards)
            items.append(
                Item("cluster", ranked.cluster.pk, group.name, ranked.cluster.title, texts)
            )
            for card, _n in ranked.cards:
                items.append(
                    Item("card", card.pk, group.name, card.text, cluster_id=ranked.cluster.pk)
                )
        for card, _n in group.cards:
            items.append(Item("card", card.pk, group.name, card.text))
    return items


def _linked(workshop: Workshop) -> set[str]:
    keys = set()
    for link in workshop.links.all():
        ends = []
        for cluster, card in (
            (link.from_cluster_id, link.from_card_id),
            (link.to_cluster_id, link.to_card_id),
        ):
            ends.append(f"cluster-{cluster}" if cluster else f"card-{card}")
        keys.add(":".join(sorted(ends)))
    return keys


def _lifted(item: Item) -> str:
    """An end as the cluster it is in (a cluster is its own)."""
    cluster = cluster_of(item)
    return f"cluster-{cluster}" if cluster else item.key


def _covered(suggestion: Suggestion, linked: set[str]) -> bool:
    """Already said by a link: the same ends, or a card's cluster linked to the other end."""
    a, b = suggestion.a, suggestion.b
    pairs = {(a.key, b.key), (_lifted(a), b.key), (a.key, _lifted(b)), (_lifted(a), _lifted(b))}
    return any(":".join(sorted(pair)) in linked for pair in pairs)


def _marked(text: str, words: set[str]) -> tuple[Piece, ...]:
    if not words:
        return (Piece(text, False),)
    pattern = re.compile(
        "(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
    )
    pieces = []
    for n, part in enumerate(pattern.split(text)):
        if part:
            pieces.append(Piece(part, n % 2 == 1))
    return tuple(pieces)


def _quoted(words: list[str]) -> str:
    return listed([quoted(w) for w in words])


def reason(suggestion: Suggestion) -> str:
    """Why, in one sentence: the words both use, or the related words on each side."""
    same = [s for s in suggestion.shared if not s.related]
    related = [s for s in suggestion.shared if s.related]
    text = ""
    if same:
        words = []
        for s in same:
            left, right = s.left[0], s.right[0]
            word = left if left.casefold() == right.casefold() else f"{left}/{right}"
            if word not in words:
                words.append(word)
        text = _("Both speak of %(words)s.") % {"words": _quoted(words[:3])}
    if related and (not same or len(same) < 2):
        r = related[0]
        extra = _("%(left)s and %(right)s belong to the same topic.") % {
            "left": _quoted(r.left[:1]),
            "right": _quoted(r.right[:1]),
        }
        text = f"{text} {extra}".strip()
    if suggestion.kind == Link.Kind.CONFLICT:
        text = f"{text} " + _("They may pull in different directions.")
    return text.strip()


def _end(item: Item, words: set[str]) -> EndText:
    return EndText(item.kind, item.id, item.group, _marked(item.text, words))


def suggestions_for(workshop: Workshop, *, limit: int = SHOWN) -> list[SuggestionView]:
    """The best suggestions not yet linked or dismissed."""
    items = items_of(workshop)
    linked = _linked(workshop)
    dismissed = set(
        DismissedSuggestion.objects.filter(workshop=workshop).values_list("key", flat=True)
    )
    out = []
    for suggestion in suggest(items, approach=approach()):
        if suggestion.key in dismissed or _covered(suggestion, linked):
            continue
        left = {w for s in suggestion.shared for w in s.left}
        right = {w for s in suggestion.shared for w in s.right}
        out.append(
            SuggestionView(
                key=suggestion.key,
                a=_end(suggestion.a, left),
                b=_end(suggestion.b, right),
                kind=suggestion.kind,
                reason=reason(suggestion),
                score=suggestion.score,
            )
        )
        if len(out) >= limit:
            break
    return out


def find(workshop: Workshop, key: str) -> SuggestionView | None:
    """One suggestion by its key, as it stands now (None when it no longer is one)."""
    return next((s for s in suggestions_for(workshop, limit=10_000) if s.key == key), None)
