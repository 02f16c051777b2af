"""What one audience sees of the plenary's findings: links between groups, conclusions, actors.

A fixed number of queries, however many links and conclusions there are. Participants and
the projector never see a link with an end they may not see (a hidden, deleted, merged or
not yet revealed card); facilitators see it, marked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from boards.models import Actor, Board, Card, Cluster, Conclusion, Link
from workshop.live import Audience
from workshop.models import Workshop

# The badge of each kind: a sign next to its name, so it is never told by colour alone.
KIND_SIGNS = {Link.Kind.PARALLEL: "∥", Link.Kind.SYNERGY: "+", Link.Kind.CONFLICT: "≠"}
SHORT = 60  # characters of a card's text in a select or a derived conclusion


def kind_label(kind: str) -> str:
    """The kind's name in the interface: Parallele, Synergie, Zielkonflikt."""
    labels = {
        Link.Kind.PARALLEL: _("Parallel"),
        Link.Kind.SYNERGY: _("Synergy"),
        Link.Kind.CONFLICT: _("Conflict of goals"),
    }
    return labels.get(kind, kind)  # type: ignore[call-overload]


def conclusion_kind_label(kind: str) -> str:
    return _("Next step") if kind == Conclusion.Kind.NEXT_STEP else _("Conclusion")


def shorten(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def card_is_visible(card: Card) -> bool:
    """On the wall for everyone: pinned, not hidden, not deleted, not merged away."""
    return (
        card.deleted_at is None
        and card.merged_into_id is None
        and card.state == Card.State.PINNED
        and not card.hidden
    )


@dataclass(frozen=True)
class EndView:
    """One end of a link: a cluster or a card, on a group's wall."""

    kind: str  # "cluster" or "card"
    id: int
    text: str
    group: str
    hidden: bool = False  # only facilitators get such ends

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


@dataclass(frozen=True)
class LinkView:
    link: Link
    kind: str
    sign: str
    note: str
    source: EndView
    target: EndView

    # Labels are read while rendering, in the language being rendered (a push renders one
    # selection in every language).
    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def has_hidden_end(self) -> bool:
        return self.source.hidden or self.target.hidden


@dataclass(frozen=True)
class ConclusionView:
    conclusion: Conclusion
    kind: str
    text: str
    actors: list[str]
    actor_ids: list[int]
    who: str
    due: datetime.date | None
    from_cluster: EndView | None = None
    from_link: LinkView | None = None

    @property
    def kind_label(self) -> str:
        return conclusion_kind_label(self.kind)

    @property
    def source(self) -> str:
        """Where it came from, in words; empty when written from scratch."""
        if self.from_cluster is not None:
            return _("From the cluster “%(title)s” (%(group)s)") % {
                "title": self.from_cluster.text,
                "group": self.from_cluster.group,
            }
        if self.from_link is not None:
            return _("From the link “%(source)s” ↔ “%(target)s”") % {
                "source": shorten(self.from_link.source.text),
                "target": shorten(self.from_link.target.text),
            }
        return ""


@dataclass(frozen=True)
class Synergies:
    links: list[LinkView] = field(default_factory=list)
    conclusions: list[ConclusionView] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    audience: str = Audience.PARTICIPANTS


def _cluster_end(cluster: Cluster) -> EndView:
    group = cluster.board.group
    return EndView("cluster", cluster.pk, cluster.title, group.name if group else "")


def _card_end(card: Card) -> EndView:
    group = card.board.group
    return EndView(
        "card", card.pk, card.text, group.name if group else "", hidden=not card_is_visible(card)
    )


def end_view(cluster: Cluster | None, card: Card | None) -> EndView:
    return _cluster_end(cluster) if cluster is not None else _card_end(card)  # type: ignore[arg-type]


def link_view(link: Link) -> LinkView:
    return LinkView(
        link=link,
        kind=link.kind,
        sign=KIND_SIGNS.get(link.kind, "·"),  # type: ignore[call-overload]
        note=link.note,
        source=end_view(link.from_cluster, link.from_card),
        target=end_view(link.to_cluster, link.to_card),
    )


END_RELATED = (
    "from_cluster__board__group",
    "from_card__board__group",
    "to_cluster__board__group",
    "to_card__board__group",
)


def _links(workshop: Workshop, audience: Audience) -> list[LinkView]:
    views = [link_view(link) for link in workshop.links.select_related(*END_RELATED)]
    if audience == Audience.FACILITATORS:
        return views
    return [v for v in views if not v.has_hidden_end]


def synergies_for(workshop: Workshop, audience: Audience) -> Synergies:
    """The plenary's links, conclusions and actors as `audience` sees them (4 queries)."""
    links = _links(workshop, audience)
    by_id = {v.link.pk: v for v in links}
    actors = list(workshop.actors.all())
    names = {a.pk: a.name for a in actors}
    order = {a.pk: n for n, a in enumerate(actors)}
    conclusions = workshop.conclusions.select_related(
        "from_cluster__board__group"
    ).prefetch_related(Prefetch("actors", queryset=Actor.objects.only("pk")))
    views = []
    for conclusion in conclusions:
        ids = sorted((a.pk for a in conclusion.actors.all() if a.pk in names), key=order.get)
        views.append(
            ConclusionView(
                conclusion=conclusion,
                kind=conclusion.kind,
                text=conclusion.text,
                actors=[names[pk] for pk in ids],
                actor_ids=ids,
                who=conclusion.who,
                due=conclusion.due,
                from_cluster=(
                    _cluster_end(conclusion.from_cluster) if conclusion.from_cluster else None
                ),
                # A link the audience does not see is not named to it.
                from_link=by_id.get(conclusion.from_link_id),  # type: ignore[arg-type]
            )
        )
    return Synergies(links=links, conclusions=views, actors=actors, audience=str(audience))


@dataclass(frozen=True)
class EndChoice:
    value: str  # "cluster-12" or "card-34"
    label: str


@dataclass(frozen=True)
class GroupEnds:
    """One group's clusters and cards, for the facilitator's pickers."""

    group: str
    clusters: list[EndChoice]
    cards: list[EndChoice]


def link_choices(workshop: Workshop) -> list[GroupEnds]:
    """Every group's clusters and cards on the wall, by group (3 queries)."""
    boards = list(Board.objects.of_groups().filter(workshop=workshop).select_related("group"))
    ids = [b.pk for b in boards]
    clusters: dict[int, list[EndChoice]] = {pk: [] for pk in ids}
    cards: dict[int, list[EndChoice]] = {pk: [] for pk in ids}
    titles = {}
    for cluster in Cluster.objects.filter(board__in=ids):
        titles[cluster.pk] = cluster.title
        clusters[cluster.board_id].append(
            EndChoice(f"cluster-{cluster.pk}", _("Cluster: %(title)s") % {"title": cluster.title})
        )
    for card in (
        Card.objects.on_wall().filter(board__in=ids).order_by("cluster_id", "position", "pk")
    ):
        label = shorten(card.text)
        if card.cluster_id in titles:
            label = f"{label} ({shorten(titles[card.cluster_id], 30)})"
        cards[card.board_id].append(EndChoice(f"card-{card.pk}", label))
    return [GroupEnds(b.group.name, clusters[b.pk], cards[b.pk]) for b in boards]  # type: ignore[union-attr]
