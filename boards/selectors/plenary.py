"""The plenary as one audience sees it: every group's wall brought together, and the spotlight.

Participants and the projector see only what is on the walls (pinned, not hidden); the
facilitators see the same cards (what the room sees is what they put in the spotlight), and
also the dots of a round still running. A fixed number of queries, however many groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from boards.models import Board, Card, Cluster, Vote, VotingRound
from boards.selectors.synergies import Synergies, synergies_for
from workshop.live import Audience
from workshop.models import BreakoutGroup, Workshop

TOP = 3  # a group's top results


class Kind:
    GROUP = "group"
    CLUSTER = "cluster"
    CARD = "card"
    ALL = ("group", "cluster", "card")


@dataclass
class RankedCluster:
    cluster: Cluster
    dots: int | None
    cards: list[tuple[Card, int | None]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.cards)


@dataclass
class TopResult:
    """One of a group's best: a cluster (with its cards) or a loose card."""

    kind: str
    title: str
    dots: int | None
    size: int
    cluster: RankedCluster | None = None
    card: Card | None = None

    @property
    def target_id(self) -> int:
        return self.cluster.cluster.pk if self.cluster else self.card.pk  # type: ignore[union-attr]


@dataclass
class PlenaryGroup:
    """One group's wall in the plenary: its clusters ranked, its loose cards, its top results."""

    board: Board
    group: BreakoutGroup | None
    clusters: list[RankedCluster] = field(default_factory=list)
    cards: list[tuple[Card, int | None]] = field(default_factory=list)
    top: list[TopResult] = field(default_factory=list)
    voted: bool = False  # dots are shown (a closed round, or totals visible)

    @property
    def name(self) -> str:
        return self.group.name if self.group else ""

    @property
    def question(self) -> str:
        return self.group.question if self.group else ""

    @property
    def card_count(self) -> int:
        return len(self.cards) + sum(c.size for c in self.clusters)

    @property
    def dom_id(self) -> str:
        return f"plenary-group-{self.group.pk if self.group else 'room'}"


@dataclass
class Spotlight:
    """What every screen shows large: one group, cluster or card."""

    kind: str
    group: PlenaryGroup
    cluster: RankedCluster | None = None
    card: Card | None = None
    dots: int | None = None

    @property
    def title(self) -> str:
        if self.kind == Kind.GROUP:
            return self.group.name
        if self.kind == Kind.CLUSTER:
            return self.cluster.cluster.title  # type: ignore[union-attr]
        return self.card.text  # type: ignore[union-attr]


@dataclass
class Plenary:
    workshop: Workshop
    audience: str
    groups: list[PlenaryGroup]
    spotlight: Spotlight | None
    board: Board | None  # the plenary's own board
    # The links between the groups and the conclusions (boards/selectors/synergies.py).
    synergies: Synergies | None = None


def _totals_shown(voting: VotingRound | None, audience: Audience) -> bool:
    if voting is None:
        return False
    return voting.closed_at is not None or voting.show_totals or audience == Audience.FACILITATORS


def plenary_groups(boards: list[Board], audience: Audience) -> list[PlenaryGroup]:
    """The plenary sections of `boards` (groups' or the plenary's), in five queries."""
    ids = [b.pk for b in boards]
    if not ids:
        return []
    clusters = list(Cluster.objects.filter(board__in=ids).order_by("position", "pk"))
    cards = list(
        Card.objects.on_wall()
        .filter(board__in=ids)
        .order_by("position", "created_at", "pk")
        .only(
            "pk",
            "board_id",
            "cluster_id",
            "text",
            "color",
            "kind",
            "position",
            "version",
            "created_at",
            "author_id",
        )
    )
    latest: dict[int, VotingRound] = {}
    for voting in VotingRound.objects.filter(board__in=ids):  # newest first
        latest.setdefault(voting.board_id, voting)
    counted = [v.pk for b, v in latest.items() if _totals_shown(v, audience)]
    card_dots: dict[int, int] = {}
    direct: dict[int, int] = {}
    if counted:
        votes = Vote.objects.filter(round__in=counted)
        rows = votes.values("card", "cluster").annotate(n=Count("pk"))
        for row in rows:
            if row["card"]:
                card_dots[row["card"]] = row["n"]
            else:
                direct[row["cluster"]] = row["n"]
    out = []
    for board in boards:
        voted = board.pk in latest and latest[board.pk].pk in counted
        mine = [c for c in clusters if c.board_id == board.pk]
        wall = [c for c in cards if c.board_id == board.pk]
        # A cluster's dots: those on it plus those on its cards still on the wall.
        cluster_dots = {c.pk: direct.get(c.pk, 0) for c in mine}
        for card in wall:
            if card.cluster_id in cluster_dots:
                cluster_dots[card.cluster_id] += card_dots.get(card.pk, 0)
        out.append(_group(board, mine, wall, card_dots, cluster_dots, voted))
    return out


def _group(
    board: Board,
    clusters: list[Cluster],
    wall: list[Card],
    card_dots: dict[int, int],
    cluster_dots: dict[int, int],
    voted: bool,
) -> PlenaryGroup:
    def dots(card: Card) -> int | None:
        return card_dots.get(card.pk, 0) if voted else None

    def by_dots(pairs: list[tuple[Card, int | None]]) -> list[tuple[Card, int | None]]:
        return sorted(pairs, key=lambda p: -(p[1] or 0)) if voted else pairs

    ranked = []
    by_cluster: dict[int | None, list[Card]] = {}
    for card in wall:
        by_cluster.setdefault(card.cluster_id, []).append(card)
    for cluster in clusters:
        own = by_dots([(c, dots(c)) for c in by_cluster.get(cluster.pk, [])])
        ranked.append(RankedCluster(cluster, cluster_dots[cluster.pk] if voted else None, own))
    loose = by_dots([(c, dots(c)) for c in by_cluster.get(None, [])])
    if voted:
        from boards.services.voting import rank  # the services import the events, which import us

        order = rank(clusters, wall, card_dots, cluster_dots).clusters
        place = {c.pk: i for i, (c, _n) in enumerate(order)}
        ranked.sort(key=lambda r: place[r.cluster.pk])
        candidates = [
            TopResult(Kind.CLUSTER, r.cluster.title, r.dots, r.size, cluster=r) for r in ranked
        ] + [TopResult(Kind.CARD, c.text, n, 1, card=c) for c, n in loose]
        # Stable: a cluster before a card with as many dots.
        top = [t for t in sorted(candidates, key=lambda t: -(t.dots or 0)) if t.dots][:TOP]
    else:
        ranked.sort(key=lambda r: -r.size)  # stable: the wall's order among equals
        top = [
            TopResult(Kind.CLUSTER, r.cluster.title, None, r.size, cluster=r)
            for r in ranked
            if r.size
        ][:TOP]
    return PlenaryGroup(board, board.group, ranked, loose, top, voted)


def group_boards(workshop: Workshop) -> tuple[list[Board], Board | None]:
    """The groups' boards in their order, and the plenary's own board (one query)."""
    boards = list(workshop.boards.select_related("group", "workshop"))
    plenary = next((b for b in boards if b.group_id is None), None)
    return [b for b in boards if b.group_id is not None], plenary


def plenary(workshop: Workshop, audience: Audience) -> Plenary:
    """The whole plenary for one audience."""
    boards, own = group_boards(workshop)
    return Plenary(
        workshop=workshop,
        audience=str(audience),
        groups=plenary_groups(boards, audience),
        spotlight=spotlight(workshop, audience),
        board=own,
        synergies=synergies_for(workshop, audience),
    )


def plenary_group(board: Board, audience: Audience) -> PlenaryGroup:
    """One group's section (pushed when its board changed)."""
    return plenary_groups([board], audience)[0]


def _target_board(workshop: Workshop) -> Board | None:
    """The board the spotlight's thing is on, if it is still in this workshop."""
    kind, pk = workshop.spotlight_kind, workshop.spotlight_id
    boards = Board.objects.select_related("group", "workshop").filter(workshop=workshop)
    if pk is None:
        return None
    if kind == Kind.GROUP:
        return boards.filter(group_id=pk).first()
    if kind == Kind.CLUSTER:
        return boards.filter(clusters__pk=pk).first()
    if kind == Kind.CARD:
        return boards.filter(cards__pk=pk).first()
    return None


def spotlight(workshop: Workshop, audience: Audience) -> Spotlight | None:
    """The thing in the spotlight as `audience` sees it; None when nothing is, or when it is no
    longer visible (a hidden or deleted card, a dissolved cluster drop out)."""
    board = _target_board(workshop)
    if board is None:
        return None
    section = plenary_group(board, audience)
    kind, pk = workshop.spotlight_kind, workshop.spotlight_id
    if kind == Kind.GROUP:
        return Spotlight(kind, section)
    if kind == Kind.CLUSTER:
        found = next((r for r in section.clusters if r.cluster.pk == pk), None)
        return Spotlight(kind, section, cluster=found, dots=found.dots) if found else None
    pairs = section.cards + [p for r in section.clusters for p in r.cards]
    card = next(((c, n) for c, n in pairs if c.pk == pk), None)
    if card is None:
        return None
    cluster = next((r for r in section.clusters if r.cluster.pk == card[0].cluster_id), None)
    return Spotlight(kind, section, cluster=cluster, card=card[0], dots=card[1])


def spotlight_target_on(workshop: Workshop, board_id: int) -> bool:
    """Whether the spotlight's thing is on `board_id` (its change may change the spotlight)."""
    if not workshop.spotlight_kind:
        return False
    board = _target_board(workshop)
    return board is not None and board.pk == board_id
