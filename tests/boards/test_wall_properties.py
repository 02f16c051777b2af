"""Random workshops against the wall services: a Hypothesis state machine and its own model.

Three participants of one group and two facilitators create, edit, move, merge, hide, delete
and undo cards, vote and take dots back, reveal hidden brainstorming and step through the
agenda's phases, in any order. The machine keeps its own model of the workshop (plain Python,
never the selectors under test) and predicts the outcome of every call: done, or refused with
nothing changed. After every step:

- the database holds exactly the model's cards (none lost, none doubled, none back from the
  deleted without an undo) and its dots;
- no participant has more dots counted than the budget, nor placed more on one card than the
  cap (dots moved along by a merge aside);
- every audience's wall, as the pushes and snapshots render it (each phone with its personal
  element, the facilitators' wall, the projector), shows what the model says it may, with the
  totals where they are shown; no text it may not see is anywhere in its HTML (another's hidden
  brainstorming card, a card hidden by the facilitators, a deleted or overwritten text).

A rule reloads the pages themselves (phone board pages, the moderation page, the projector).
`STELLWAND_PROPERTIES=thorough` runs many more and longer examples than the suite's default.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from boards import services
from boards.events import personal_html, wall_html
from boards.models import Board, Card, Cluster, ModerationStep, Vote, VotingRound
from boards.services import agenda
from tests import tally
from tests.conftest import join_via_http
from tests.factories import BreakoutGroupFactory, UserFactory, WorkshopFactory
from workshop.live import Audience
from workshop.models import Phase
from workshop.permissions import Actor

pytestmark = pytest.mark.django_db

THOROUGH = os.environ.get("STELLWAND_PROPERTIES") == "thorough"
# The suite's default keeps `make test` short (it runs twice: SQLite and PostgreSQL).
PROFILE = settings(
    max_examples=100 if THOROUGH else 15,
    stateful_step_count=50 if THOROUGH else 25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pages cost more than the pushes' renderings: they are loaded after this many calls or more.
RELOAD_EVERY = 8
PARTICIPANTS = 3
FACILITATORS = 2
DOTS, CAP = 3, 2  # a small budget and cap, so that both are reached often
# What people write after the card's unique mark: markup and umlauts must come out as text.
SUFFIXES = ["Mehr Radwege", "Bus & Bahn", "<b>fett</b>", 'Sagt "Ja"', "Ärger über Öffis", "🚲"]
REFUSED = (services.Conflict, ValidationError, PermissionDenied, agenda.VotingChoiceNeeded)
# The agenda's phases this machine enters (template names from workshop/agenda.py).
PHASES = ("none", "talk", "brainstorm", "cluster", "vote")

# How much ran, for the report (the test prints it).
FIGURES: Counter[str] = Counter()


# -- the model -----------------------------------------------------------------------------


@dataclass
class MCard:
    id: int
    text: str
    author: str  # "p0".."p2" or "f0", "f1"
    client_uuid: uuid.UUID
    state: str = "pinned"  # or "secret"
    hidden: bool = False
    deleted: bool = False
    merged_into: int | None = None
    cluster: int | None = None
    version: int = 1

    @property
    def alive(self) -> bool:
        return not self.deleted and self.merged_into is None

    @property
    def on_wall(self) -> bool:
        """What participants and the projector see."""
        return self.alive and self.state == "pinned" and not self.hidden


@dataclass
class MRound:
    id: int
    dots: int
    cap: int
    show_totals: bool
    open: bool = True


@dataclass
class MVote:
    round: int
    voter: int
    card: int | None = None
    cluster: int | None = None


@dataclass
class Model:
    cards: dict[int, MCard] = field(default_factory=dict)
    votes: dict[int, MVote] = field(default_factory=dict)
    rounds: list[MRound] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)  # the facilitators' undo stack
    mode: str = "open"
    locked: bool = False
    phase: str = "none"
    # Texts ever written (each with its unique mark) and cards ever taken off the wall.
    marks: dict[str, int] = field(default_factory=dict)
    merged_votes: set[tuple[int, int]] = field(default_factory=set)  # (voter, card)

    def open_round(self) -> MRound | None:
        return next((r for r in self.rounds if r.open), None)

    def latest_round(self) -> MRound | None:
        return self.rounds[-1] if self.rounds else None

    def phase_allows(self, action: str) -> bool:
        """What participants may do on their group's wall in the current phase."""
        return {
            "none": {"add", "edit", "vote"},
            "talk": set(),
            "brainstorm": {"add", "edit", "vote"},
            "cluster": {"add", "edit", "vote"},
            "vote": {"vote"},
        }[self.phase].__contains__(action)

    def spent(self, voter: int, round_id: int) -> int:
        return sum(
            1
            for v in self.votes.values()
            if v.round == round_id
            and v.voter == voter
            and (v.cluster is not None or self.cards[v.card].on_wall)
        )

    def fit_budgets(self, card_ids: list[int]) -> None:
        """Cards back on the wall bring back only the dots that still fit: the newest go."""
        for r in self.rounds:
            for voter in range(PARTICIPANTS):
                excess = self.spent(voter, r.id) - r.dots
                returning = sorted(
                    pk
                    for pk, v in self.votes.items()
                    if v.round == r.id and v.voter == voter and v.card in card_ids
                )
                for pk in returning[-excess:] if excess > 0 else []:
                    del self.votes[pk]

    def on_target(self, voter: int, round_id: int, card: int | None, cluster: int | None) -> int:
        return sum(
            1
            for v in self.votes.values()
            if v.round == round_id and v.voter == voter and v.card == card and v.cluster == cluster
        )


# -- reading rendered walls ----------------------------------------------------------------


VOID = {"input", "br", "img", "meta", "link", "hr", "rect", "path", "circle", "source"}


@dataclass
class Seen:
    cards: dict[int, dict] = field(default_factory=dict)
    clusters: dict[int, dict] = field(default_factory=dict)
    own: dict[int, str] = field(default_factory=dict)
    personal: dict[str, str] = field(default_factory=dict)


class WallReader(HTMLParser):
    """The cards, clusters and personal element of rendered walls, as a reader sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen = Seen()
        self.stack: list[tuple[str, str | None]] = []
        self.card: dict | None = None
        self.cluster: dict | None = None
        self.capture: list[str] | None = None
        self.target: tuple[dict, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        ident, classes = a.get("id") or "", (a.get("class") or "").split()
        role = None
        if tag == "li" and "data-card" in a and ident.startswith("card-"):
            self.card = {
                "text": "",
                "cluster": self.cluster["id"] if self.cluster else None,
                "dots": None,
                "sources": [],
                "hidden": "card--hidden" in classes,
                "version": int(a["data-version"]),
            }
            self.seen.cards[int(ident.removeprefix("card-"))] = self.card
            role = "card"
        elif tag == "li" and ident.startswith("own-card-"):
            self.card = {"own": int(ident.removeprefix("own-card-")), "text": ""}
            role = "own"
        elif tag == "section" and "data-cluster" in a:
            self.cluster = {"id": int(a["data-cluster-id"]), "dots": None}
            self.seen.clusters[self.cluster["id"]] = self.cluster
            role = "cluster"
        elif tag == "div" and "data-personal" in a:
            self.seen.personal = {k: v or "" for k, v in a.items() if k.startswith("data-")}
        elif tag == "p" and "card__text" in classes and self.card is not None:
            self._start(self.card, "text")
        elif tag == "p" and "dots-total" in classes:
            owner = self.card if self.card is not None else self.cluster
            if owner is not None:
                self._start(owner, "dots")
        elif tag == "li" and self.card is not None and "sources" in self.card:
            self._start(self.card, "source")
        if tag not in VOID:
            self.stack.append((tag, role))

    def _start(self, owner: dict, key: str) -> None:
        self.capture, self.target = [], (owner, key)

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.capture.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.capture is not None and tag in {"p", "li"}:
            owner, key = self.target
            text = unescape("".join(self.capture)).strip()
            if key == "dots":
                owner["dots"] = int(text)
            elif key == "source":
                owner["sources"].append(text)
            else:
                owner[key] = text
            self.capture = self.target = None
        while self.stack:
            open_tag, role = self.stack.pop()
            if role == "card":
                self.card = None
            elif role == "own":
                self.seen.own[self.card["own"]] = self.card["text"]
                self.card = None
            elif role == "cluster":
                self.cluster = None
            if open_tag == tag:
                break


def read(html: str) -> Seen:
    reader = WallReader()
    reader.feed(html)
    reader.close()
    return reader.seen


# -- the world and the machine ---------------------------------------------------------------


@dataclass
class World:
    board_id: int
    workshop_id: int
    users: list
    participants: list
    phones: list[Client]
    laptops: list[Client]
    clusters: list[int]
    phases: dict[str, Phase | None]
    projector_url: str
    moderation_url: str


@pytest.fixture
def world(db) -> World:
    andrea, bruno = UserFactory(username="andrea"), UserFactory(username="bruno")
    workshop = WorkshopFactory(title="In Silos oder innovativ?", facilitator=andrea)
    workshop.facilitators.add(bruno)
    group = BreakoutGroupFactory(workshop=workshop, name="Mobilität")
    board = group.board
    phones = [Client() for _ in range(PARTICIPANTS)]
    people = [join_via_http(phone, group, name) for phone, name in zip(phones, "ABC", strict=True)]
    laptops = []
    for user in (andrea, bruno):
        laptop = Client()
        laptop.force_login(user)
        laptops.append(laptop)
    # The clusters are the stage, not under test: made directly, so undo never reaches them.
    clusters = [
        Cluster.objects.create(board=board, title=title, position=i).pk
        for i, title in enumerate(("Nahverkehr", "Radverkehr"))
    ]
    by_mode = {p.board_mode: p for p in workshop.phases.filter(view=Phase.View.GROUPS)}
    voting = workshop.phases.get(allows=Phase.Allows.VOTE)
    voting.dots_per_participant, voting.max_per_target = DOTS, CAP
    voting.save()
    phases = {
        "none": None,
        "talk": workshop.phases.filter(view=Phase.View.ROOM).first(),
        "brainstorm": by_mode[Phase.BoardMode.HIDDEN],
        "cluster": by_mode[Phase.BoardMode.OPEN],
        "vote": voting,
    }
    assert phases["cluster"].reveal
    assert phases["brainstorm"].allows == Phase.Allows.WRITE
    return World(
        board_id=board.pk,
        workshop_id=workshop.pk,
        users=[andrea, bruno],
        participants=people,
        phones=phones,
        laptops=laptops,
        clusters=clusters,
        phases=phases,
        projector_url=reverse("projector-board", args=[workshop.projector_token, board.pk]),
        moderation_url=reverse("workshop:board", args=[workshop.pk, board.pk]),
    )


def db_state(board_id: int) -> tuple:
    """Everything a refused call must leave as it was."""
    board = Board.objects.get(pk=board_id)
    return (
        (board.rev, board.mode, board.locked),
        list(Card.objects.filter(board_id=board_id).order_by("pk").values_list()),
        list(Vote.objects.filter(round__board_id=board_id).order_by("pk").values_list()),
        list(VotingRound.objects.filter(board_id=board_id).order_by("pk").values_list()),
        list(ModerationStep.objects.filter(board_id=board_id).order_by("pk").values_list()),
        board.workshop.current_phase_id,
    )


@dataclass
class Done:
    result: object = None


class WallMachine(RuleBasedStateMachine):
    """One group's wall under random use; `world` is set by the test."""

    world: World
    cards = Bundle("cards")

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint of the test's transaction, rolled back at the end.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.model = Model()
        self.marks = 0
        self.changed = True  # the walls are rendered again after a change only
        self.calls = self.reloaded_at = 0
        FIGURES["examples"] += 1

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # -- helpers -----------------------------------------------------------------------------

    @property
    def board(self) -> Board:
        return Board.objects.select_related("group", "workshop").get(pk=self.world.board_id)

    def text(self, suffix: str) -> str:
        self.marks += 1
        mark = f"#{self.marks:04d}#"
        return f"{mark} {suffix}"

    def act(self, name: str, expected: type[Exception] | None, call) -> Done | None:
        """Run `call`; it must be done (expected None) or refused with nothing changed."""
        FIGURES["steps"] += 1
        self.calls += 1
        before = db_state(self.world.board_id)
        refusal: Exception | None = None
        try:
            result = call()
        except REFUSED as exc:
            refusal = exc
        if refusal is not None:
            assert expected is not None, f"{name}: refused unexpectedly: {refusal!r}"
            assert isinstance(refusal, expected), f"{name}: {refusal!r}, not {expected.__name__}"
            assert db_state(self.world.board_id) == before, f"{name}: refused, yet changed"
            FIGURES["refused"] += 1
            FIGURES[f"refused:{expected.__name__}"] += 1
            return None
        assert expected is None, f"{name}: done, but {expected.__name__} was expected"
        FIGURES["done"] += 1
        self.changed = True
        return Done(result)

    def card_row(self, card_id: int) -> Card:
        return Card.objects.select_related("board").get(pk=card_id)

    def version_for(self, card: MCard, stale: int) -> int:
        """The version a writer names: the current one, or one `stale` changes old."""
        return card.version - stale if stale and card.version > stale else card.version + stale

    def who(self, author: str):
        kind, index = author[0], int(author[1:])
        return (
            (self.world.participants[index], None)
            if kind == "p"
            else (None, self.world.users[index])
        )

    def participant_may(self, action: str) -> bool:
        if not self.model.phase_allows(action):
            return False
        return action == "vote" or not self.model.locked

    # -- writing cards -------------------------------------------------------------------------

    @rule(target=cards, p=st.integers(0, PARTICIPANTS - 1), suffix=st.sampled_from(SUFFIXES))
    def participant_writes(self, p, suffix):
        text = self.text(suffix)
        client_uuid = uuid.uuid4()
        expected = None if self.participant_may("add") else PermissionDenied
        done = self.act(
            "participant writes",
            expected,
            lambda: services.card_create(
                board=self.board,
                text=text,
                client_uuid=client_uuid,
                participant=self.world.participants[p],
            ),
        )
        if done is None:
            return multiple()
        card, created = done.result
        assert created
        state = "secret" if self.model.mode == "hidden" else "pinned"
        self.model.cards[card.pk] = MCard(card.pk, text, f"p{p}", client_uuid, state=state)
        self.model.marks[text] = card.pk
        return card.pk

    @rule(target=cards, f=st.integers(0, FACILITATORS - 1), suffix=st.sampled_from(SUFFIXES))
    def facilitator_writes(self, f, suffix):
        text = self.text(suffix)
        client_uuid = uuid.uuid4()
        card, created = self.act(
            "facilitator writes",
            None,
            lambda: services.card_create(
                board=self.board, text=text, client_uuid=client_uuid, user=self.world.users[f]
            ),
        ).result
        assert created
        self.model.cards[card.pk] = MCard(card.pk, text, f"f{f}", client_uuid)
        self.model.marks[text] = card.pk
        self.model.steps.append({"action": "create", "card": card.pk})
        return card.pk

    @rule(p=st.integers(0, PARTICIPANTS - 1), blank=st.sampled_from(["", "   ", "\x00\x07"]))
    def participant_writes_nothing(self, p, blank):
        self.act(
            "empty card",
            ValidationError,
            lambda: services.card_create(
                board=self.board,
                text=blank,
                client_uuid=uuid.uuid4(),
                participant=self.world.participants[p],
            ),
        )

    @rule(card=cards, p=st.integers(0, PARTICIPANTS - 1))
    def phone_retries(self, card, p):
        """A phone sends a card's client id again (its own retry, or somebody else's id)."""
        m = self.model.cards[card]
        own = m.author == f"p{p}"
        if not own:
            expected = services.Conflict  # ClientIdTaken: nothing of that card is handed out
        elif not m.alive or m.hidden:
            expected = services.Conflict  # CardGone
        else:
            expected = None
        done = self.act(
            "retry",
            expected,
            lambda: services.card_create(
                board=self.board,
                text=m.text,
                client_uuid=m.client_uuid,
                participant=self.world.participants[p],
            ),
        )
        if done is not None:
            returned, created = done.result
            assert (returned.pk, created) == (card, False)

    # -- changing cards ------------------------------------------------------------------------

    def _edit(self, author: str, card: int, version: int, suffix: str) -> None:
        m = self.model.cards[card]
        participant, user = self.who(author)
        text = self.text(suffix)
        if not m.alive or version != m.version:
            expected = services.Conflict
        elif participant is not None and (m.author != author or not self.participant_may("edit")):
            expected = PermissionDenied
        else:
            expected = None
        done = self.act(
            f"{author} edits",
            expected,
            lambda: services.card_edit(
                card=self.card_row(card),
                text=text,
                version=version,
                participant=participant,
                user=user,
            ),
        )
        if done is None:
            return
        if user is not None:
            self.model.steps.append({"action": "edit", "card": card, "before": m.text})
        m.text = text
        m.version += 1
        self.model.marks[text] = card

    def _delete(self, author: str, card: int, version: int) -> None:
        m = self.model.cards[card]
        participant, user = self.who(author)
        if not m.alive or version != m.version:
            expected = services.Conflict
        elif participant is not None and (m.author != author or not self.participant_may("edit")):
            expected = PermissionDenied
        else:
            expected = None
        done = self.act(
            f"{author} deletes",
            expected,
            lambda: services.card_delete(
                card=self.card_row(card), version=version, participant=participant, user=user
            ),
        )
        if done is None:
            return
        m.deleted = True
        m.version += 1
        if user is not None:
            self.model.steps.append({"action": "delete", "card": card})

    def _move(self, f: int, card: int, version: int, cluster: int | None, index: int) -> None:
        m = self.model.cards[card]
        cluster_id = None if cluster is None else self.world.clusters[cluster]
        expected = services.Conflict if not m.alive or version != m.version else None
        done = self.act(
            "facilitator moves",
            expected,
            lambda: services.card_move(
                card=self.card_row(card),
                cluster=None if cluster_id is None else Cluster.objects.get(pk=cluster_id),
                index=index,
                version=version,
                user=self.world.users[f],
            ),
        )
        if done is None:
            return
        self.model.steps.append(
            {"action": "move", "card": card, "cluster": m.cluster, "state": m.state}
        )
        m.cluster = cluster_id
        m.version += 1

    @rule(
        card=cards,
        p=st.integers(0, PARTICIPANTS - 1),
        suffix=st.sampled_from(SUFFIXES),
        stale=st.sampled_from([0, 0, 1, 2]),
    )
    def participant_edits(self, card, p, suffix, stale):
        m = self.model.cards[card]
        self._edit(f"p{p}", card, self.version_for(m, stale), suffix)

    @rule(card=cards, p=st.integers(0, PARTICIPANTS - 1), stale=st.sampled_from([0, 0, 1]))
    def participant_deletes(self, card, p, stale):
        self._delete(f"p{p}", card, self.version_for(self.model.cards[card], stale))

    @rule(
        card=cards,
        f=st.integers(0, FACILITATORS - 1),
        suffix=st.sampled_from(SUFFIXES),
        stale=st.sampled_from([0, 0, 1]),
    )
    def facilitator_edits(self, card, f, suffix, stale):
        self._edit(f"f{f}", card, self.version_for(self.model.cards[card], stale), suffix)

    @rule(card=cards, f=st.integers(0, FACILITATORS - 1), stale=st.sampled_from([0, 0, 1]))
    def facilitator_deletes(self, card, f, stale):
        self._delete(f"f{f}", card, self.version_for(self.model.cards[card], stale))

    @rule(
        card=cards,
        f=st.integers(0, FACILITATORS - 1),
        cluster=st.sampled_from([None, 0, 1]),
        index=st.integers(0, 5),
        stale=st.sampled_from([0, 0, 1]),
    )
    def facilitator_moves(self, card, f, cluster, index, stale):
        self._move(f, card, self.version_for(self.model.cards[card], stale), cluster, index)

    @rule(
        card=cards,
        first=st.sampled_from(["edit", "move", "delete"]),
        second=st.sampled_from(["edit", "move", "delete"]),
    )
    def two_facilitators_from_one_version(self, card, first, second):
        """Both saw the same version: the first write wins, the second is a conflict."""
        version = self.model.cards[card].version
        for f, op in ((0, first), (1, second)):
            match op:
                case "edit":
                    self._edit(f"f{f}", card, version, "Gleichzeitig")
                case "move":
                    self._move(f, card, version, 1, 0)
                case "delete":
                    self._delete(f"f{f}", card, version)

    @rule(card=cards, f=st.integers(0, FACILITATORS - 1), hidden=st.booleans())
    def facilitator_hides(self, card, f, hidden):
        m = self.model.cards[card]
        expected = None if m.alive else services.Conflict
        done = self.act(
            "facilitator hides",
            expected,
            lambda: services.card_hide(
                card=self.card_row(card), hidden=hidden, user=self.world.users[f]
            ),
        )
        if done is None or m.hidden == hidden:
            return
        m.hidden = hidden
        m.version += 1
        self.model.steps.append({"action": "hide", "card": card, "hidden": hidden})
        if not hidden:
            self.model.fit_budgets([card])

    @rule(
        target_card=cards,
        sources=st.lists(cards, min_size=1, max_size=2),
        f=st.integers(0, FACILITATORS - 1),
    )
    def facilitator_merges(self, target_card, sources, f):
        cards = self.model.cards
        target = cards[target_card]
        expected = None
        if not target.alive:
            expected = services.Conflict
        elif target.state != "pinned" or target.hidden:
            expected = ValidationError  # only cards on the wall, none hidden from participants
        else:
            taken: set[int] = set()
            for source in sources:
                if source == target_card:
                    continue
                if not cards[source].alive or source in taken:
                    expected = services.Conflict
                    break
                if cards[source].state != "pinned" or cards[source].hidden:
                    expected = ValidationError
                    break
                taken.add(source)
            else:
                if all(source == target_card for source in sources):
                    expected = ValidationError
        done = self.act(
            "facilitator merges",
            expected,
            lambda: services.card_merge(
                target=self.card_row(target_card),
                sources=[self.card_row(pk) for pk in sources],
                user=self.world.users[f],
            ),
        )
        if done is None:
            return
        step = {"action": "merge", "target": target_card, "sources": [], "votes": {}, "adopted": {}}
        for source in dict.fromkeys(sources):
            if source == target_card:
                continue
            cards[source].merged_into = target_card
            cards[source].version += 1
            step["sources"].append(source)
            for pk, vote in self.model.votes.items():
                if vote.card == source:
                    step["votes"][pk] = source
                    vote.card = target_card
                    self.model.merged_votes.add((vote.voter, target_card))
            for other in cards.values():
                if other.merged_into == source:
                    step["adopted"][other.id] = source
                    other.merged_into = target_card
        target.version += 1
        self.model.steps.append(step)

    @rule(f=st.integers(0, FACILITATORS - 1))
    def facilitator_undoes(self, f):
        steps = self.model.steps
        expected = None if steps else ValidationError
        done = self.act(
            "undo",
            expected,
            lambda: services.moderation_undo(board=self.board, user=self.world.users[f]),
        )
        if done is None:
            return
        step = steps.pop()
        cards = self.model.cards
        match step["action"]:
            case "create":
                cards[step["card"]].deleted = True
            case "edit":
                cards[step["card"]].text = step["before"]
            case "delete":
                cards[step["card"]].deleted = False
            case "hide":
                cards[step["card"]].hidden = not step["hidden"]
            case "move":
                cards[step["card"]].cluster = step["cluster"]
                cards[step["card"]].state = step["state"]
            case "merge":
                for source in step["sources"]:
                    cards[source].merged_into = None
                for adopted, source in step["adopted"].items():
                    cards[adopted].merged_into = source
                for pk, source in step["votes"].items():
                    if pk in self.model.votes:
                        self.model.votes[pk].card = source
                self.model.fit_budgets(step["sources"])
                return  # the undo of a merge changes no version
        cards[step["card"]].version += 1
        self.model.fit_budgets([step["card"]])

    # -- the board, the agenda, hidden brainstorming ---------------------------------------------

    @rule(f=st.integers(0, FACILITATORS - 1))
    def facilitator_reveals(self, f):
        count = self.act(
            "reveal",
            None,
            lambda: services.cards_reveal(board=self.board, user=self.world.users[f]),
        ).result
        secret = [c for c in self.model.cards.values() if c.alive and c.state == "secret"]
        assert count == len(secret)
        for card in secret:
            card.state = "pinned"
        self.model.mode = "open"

    @rule(mode=st.sampled_from(["open", "hidden"]), locked=st.booleans())
    def facilitator_configures(self, mode, locked):
        self.act(
            "configure",
            None,
            lambda: services.board_configure(board=self.board, mode=mode, locked=locked),
        )
        self.model.mode, self.model.locked = mode, locked

    @rule(
        f=st.integers(0, FACILITATORS - 1),
        phase=st.sampled_from(PHASES),
        choice=st.sampled_from([None, "continue", "new"]),
    )
    def facilitator_enters_phase(self, f, phase, choice):
        model = self.model
        old, last = model.phase, model.latest_round()
        new_voting = phase == "vote"
        needs_choice = new_voting and last is not None and not last.open
        expected = agenda.VotingChoiceNeeded if needs_choice and choice is None else None
        done = self.act(
            "phase",
            expected,
            lambda: agenda.phase_enter(
                actor=Actor.facilitator(self.world.users[f]),
                workshop=self.board.workshop,
                phase=self.world.phases[phase],
                voting=choice,
            ),
        )
        if done is None:
            return
        if old == "vote" and not new_voting:
            for r in model.rounds:
                r.open = False
        model.locked = False
        if phase in {"brainstorm", "cluster", "vote"}:  # the phases at the groups' walls
            if phase == "brainstorm":
                model.mode = "hidden"
            if phase == "cluster":
                model.mode = "open"
                for card in model.cards.values():
                    if card.alive and card.state == "secret":
                        card.state = "pinned"
            if new_voting and model.open_round() is None:
                if last is not None and choice == "continue":
                    last.open = True
                else:
                    created = VotingRound.objects.filter(board_id=self.world.board_id).latest("pk")
                    model.rounds.append(MRound(created.pk, DOTS, CAP, show_totals=False))
        model.phase = phase

    @rule(f=st.integers(0, FACILITATORS - 1), show_totals=st.booleans())
    def facilitator_starts_voting(self, f, show_totals):
        expected = ValidationError if self.model.open_round() else None
        done = self.act(
            "voting start",
            expected,
            lambda: services.voting_start(
                board=self.board,
                user=self.world.users[f],
                dots_per_participant=DOTS,
                max_per_target=CAP,
                show_totals=show_totals,
            ),
        )
        if done is not None:
            self.model.rounds.append(MRound(done.result.pk, DOTS, CAP, show_totals))

    @precondition(lambda self: self.model.rounds)
    @rule(f=st.integers(0, FACILITATORS - 1))
    def facilitator_closes_voting(self, f):
        current = self.model.open_round() or self.model.latest_round()
        self.act(
            "voting close",
            None,
            lambda: services.voting_close(
                voting=VotingRound.objects.get(pk=current.id), user=self.world.users[f]
            ),
        )
        current.open = False

    # -- dots ----------------------------------------------------------------------------------

    def _vote_call(self, p: int, card: int | None, cluster: int | None, cast: bool):
        model = self.model
        current = model.open_round() or model.latest_round()
        if current is None:
            return  # no round ever: the phone shows no dots
        if not current.open:
            expected = ValidationError
        elif not self.participant_may("vote"):
            expected = PermissionDenied
        elif not cast:
            expected = None
        elif (
            (card is not None and not model.cards[card].on_wall)
            or model.spent(p, current.id) >= current.dots
            or model.on_target(p, current.id, card, cluster) >= current.cap
        ):
            expected = ValidationError  # not on the wall, no dots left, or the most on it
        else:
            expected = None
        target = (
            {"card": self.card_row(card)}
            if card is not None
            else {"cluster": Cluster.objects.get(pk=cluster)}
        )
        action = services.vote_cast if cast else services.vote_retract
        done = self.act(
            "vote" if cast else "retract",
            expected,
            lambda: action(
                voting=VotingRound.objects.get(pk=current.id),
                participant=self.world.participants[p],
                **target,
            ),
        )
        if done is None:
            return
        if cast:
            pk = Vote.objects.filter(participant=self.world.participants[p]).latest("pk").pk
            model.votes[pk] = MVote(current.id, p, card, cluster)
        else:
            mine = [
                pk
                for pk, v in model.votes.items()
                if v.round == current.id
                and v.voter == p
                and v.card == card
                and v.cluster == cluster
            ]
            if mine:
                del model.votes[max(mine)]
        assert done.result == current.dots - model.spent(p, current.id)

    @rule(card=cards, p=st.integers(0, PARTICIPANTS - 1))
    def participant_votes_for_card(self, card, p):
        self._vote_call(p, card, None, cast=True)

    @rule(cluster=st.integers(0, 1), p=st.integers(0, PARTICIPANTS - 1))
    def participant_votes_for_cluster(self, cluster, p):
        self._vote_call(p, None, self.world.clusters[cluster], cast=True)

    @rule(card=cards, p=st.integers(0, PARTICIPANTS - 1))
    def participant_takes_a_dot_back(self, card, p):
        self._vote_call(p, card, None, cast=False)

    @rule(cluster=st.integers(0, 1), p=st.integers(0, PARTICIPANTS - 1))
    def participant_takes_a_cluster_dot_back(self, cluster, p):
        self._vote_call(p, None, self.world.clusters[cluster], cast=False)

    # -- what everybody sees -------------------------------------------------------------------

    @precondition(lambda self: self.calls - self.reloaded_at >= RELOAD_EVERY)
    @rule()
    def everyone_reloads(self):
        """The pages themselves: each phone's board page, the moderation page, the projector."""
        FIGURES["page loads"] += PARTICIPANTS + 2
        self.reloaded_at = self.calls
        for p, phone in enumerate(self.world.phones):
            response = phone.get(reverse("board", args=[self.world.board_id]))
            assert response.status_code == 200
            self.check_phone(p, response.content.decode())
        laptop = self.world.laptops[self.marks % FACILITATORS]
        response = laptop.get(self.world.moderation_url)
        assert response.status_code == 200
        self.check_facilitators(response.content.decode())
        response = Client().get(self.world.projector_url)
        assert response.status_code == 200
        self.check_projector(response.content.decode())

    @invariant()
    def database_equals_the_model(self):
        FIGURES["checks"] += 1  # after each example's start and each of its steps
        rows = {
            c.pk: c
            for c in Card.objects.filter(board_id=self.world.board_id).select_related(
                "author", "author_user"
            )
        }
        assert set(rows) == set(self.model.cards), "cards lost or doubled"
        people = {p.pk: f"p{i}" for i, p in enumerate(self.world.participants)}
        users = {u.pk: f"f{i}" for i, u in enumerate(self.world.users)}
        for pk, m in self.model.cards.items():
            row = rows[pk]
            author = people[row.author_id] if row.author_id else users[row.author_user_id]
            stored = (
                row.text,
                author,
                row.state,
                row.hidden,
                row.deleted_at is not None,
                row.merged_into_id,
                row.cluster_id,
                row.version,
            )
            expected = (
                m.text,
                m.author,
                m.state,
                m.hidden,
                m.deleted,
                m.merged_into,
                m.cluster,
                m.version,
            )
            assert stored == expected, f"card {pk}: stored {stored}, model {expected}"
        votes = {
            v.pk: MVote(v.round_id, voter(self.world, v.participant_id), v.card_id, v.cluster_id)
            for v in Vote.objects.filter(round__board_id=self.world.board_id)
        }
        assert votes == self.model.votes, "dots lost, doubled or moved"
        board = Board.objects.get(pk=self.world.board_id)
        assert (board.mode, board.locked) == (self.model.mode, self.model.locked)
        opened = set(
            VotingRound.objects.filter(board=board, closed_at=None).values_list("pk", flat=True)
        )
        assert opened == {r.id for r in self.model.rounds if r.open}

    @invariant()
    def budgets_and_caps_hold(self):
        for r in self.model.rounds:
            for p in range(PARTICIPANTS):
                assert self.model.spent(p, r.id) <= r.dots, f"p{p} has more than {r.dots} dots"
        placed = Counter(
            (v.round, v.voter, v.card, v.cluster)
            for v in self.model.votes.values()
            if (v.voter, v.card) not in self.model.merged_votes
        )
        assert all(n <= CAP for n in placed.values()), placed

    @invariant()
    def every_wall_shows_what_its_audience_may_see(self):
        # A refused call changed nothing (act checks the database), so neither did the walls.
        if not self.changed:
            return
        self.changed = False
        board = self.board
        FIGURES["walls rendered"] += PARTICIPANTS + 2
        shared = wall_html(board, Audience.PARTICIPANTS)
        for p, participant in enumerate(self.world.participants):
            self.check_phone(p, shared + personal_html(board, participant))
        self.check_facilitators(wall_html(board, Audience.FACILITATORS))
        self.check_projector(wall_html(board, Audience.PROJECTOR))

    # -- what the model says each audience sees --------------------------------------------------

    def totals_shown(self, facilitators: bool) -> MRound | None:
        latest = self.model.latest_round()
        if latest is None:
            return None
        return latest if facilitators or not latest.open or latest.show_totals else None

    def expected_wall(self, facilitators: bool, sources: bool) -> dict[int, dict]:
        model = self.model
        shown = [
            c
            for c in model.cards.values()
            if c.alive and c.state == "pinned" and (facilitators or not c.hidden)
        ]
        totals = self.totals_shown(facilitators)
        out = {}
        for card in shown:
            merged = [
                c.text
                for c in model.cards.values()
                if c.merged_into == card.id and (facilitators or not c.hidden)
            ]
            out[card.id] = {
                "text": card.text,
                "cluster": card.cluster,
                "dots": None
                if totals is None
                else sum(
                    1 for v in model.votes.values() if v.round == totals.id and v.card == card.id
                ),
                "sources": sorted(merged) if sources else [],
                "hidden": card.hidden,
                "version": card.version,
            }
        return out

    def expected_clusters(self, facilitators: bool) -> dict[int, dict]:
        totals = self.totals_shown(facilitators)
        out = {}
        for cluster in self.world.clusters:
            dots = None
            if totals is not None:
                dots = sum(
                    1
                    for v in self.model.votes.values()
                    if v.round == totals.id
                    and (
                        v.cluster == cluster
                        or (
                            v.card is not None
                            and self.model.cards[v.card].on_wall
                            and self.model.cards[v.card].cluster == cluster
                        )
                    )
                )
            out[cluster] = {"id": cluster, "dots": dots}
        return out

    def compare(self, seen: Seen, facilitators: bool, sources: bool, who: str) -> None:
        got = {pk: dict(card, sources=sorted(card["sources"])) for pk, card in seen.cards.items()}
        want = self.expected_wall(facilitators, sources)
        assert got == want, f"{who}'s wall:\n seen  {got}\n model {want}"
        assert seen.clusters == self.expected_clusters(facilitators), f"{who}'s cluster totals"

    def assert_unseen(self, html: str, allowed: set[str], who: str) -> None:
        for text, card in self.model.marks.items():
            mark = text.split(" ", 1)[0]
            if text not in allowed and mark in html:
                pytest.fail(f"{who} sees {text!r} (card {card}), which they may not")

    def allowed_texts(self, facilitators: bool, sources: bool) -> set[str]:
        wall = self.expected_wall(facilitators, sources)
        texts = {c["text"] for c in wall.values()}
        for card in wall.values():
            texts.update(card["sources"])
        # A current text is also allowed where an old one of the same card was overwritten:
        # only current texts count, so older marks stay forbidden.
        return texts

    def check_phone(self, p: int, html: str) -> None:
        seen = read(html)
        self.compare(seen, facilitators=False, sources=True, who=f"p{p}")
        model = self.model
        own = {
            c.id: c.text
            for c in model.cards.values()
            if c.author == f"p{p}" and c.alive and c.state == "secret"
        }
        assert seen.own == own, f"p{p}'s own hidden cards: seen {seen.own}, model {own}"
        current = model.open_round()
        left = current.dots - model.spent(p, current.id) if current else 0
        assert int(seen.personal["data-dots-left"]) == left, f"p{p}'s dots left"
        assert 0 <= left <= DOTS
        shown = sorted(c.id for c in model.cards.values() if c.author == f"p{p}" and c.on_wall)
        listed = [int(pk) for pk in seen.personal["data-own-cards"].split(",") if pk]
        assert sorted(listed) == shown, f"p{p}'s own cards on the wall"
        allowed = self.allowed_texts(False, True) | set(own.values())
        self.assert_unseen(html, allowed, f"p{p}")

    def check_facilitators(self, html: str) -> None:
        self.compare(read(html), facilitators=True, sources=True, who="the facilitators")
        self.assert_unseen(html, self.allowed_texts(True, True), "the facilitators")

    def check_projector(self, html: str) -> None:
        self.compare(read(html), facilitators=False, sources=False, who="the projector")
        self.assert_unseen(html, self.allowed_texts(False, False), "the projector")


def voter(world: World, participant_id: int) -> int:
    return next(i for i, p in enumerate(world.participants) if p.pk == participant_id)


def test_random_workshops_keep_every_promise(world):
    FIGURES.clear()
    WallMachine.world = world
    started = time.monotonic()
    run_state_machine_as_test(WallMachine, settings=PROFILE)
    seconds = time.monotonic() - started
    tally.count("property-example", FIGURES["examples"])
    tally.count("property-step", FIGURES["checks"] - FIGURES["examples"])
    print(  # the figures for docs/reliability.md (pytest -s shows them)
        f"\nwall properties ({'thorough' if THOROUGH else 'default'}): "
        f"{FIGURES['examples']} examples, {FIGURES['checks'] - FIGURES['examples']} steps, "
        f"{FIGURES['steps']} service calls "
        f"({FIGURES['done']} done, {FIGURES['refused']} refused: "
        + ", ".join(f"{k.split(':')[1]} {v}" for k, v in sorted(FIGURES.items()) if ":" in k)
        + f"), {FIGURES['walls rendered']} walls rendered, {FIGURES['page loads']} pages loaded, "
        f"{seconds:.1f} s"
    )
    assert FIGURES["examples"] >= PROFILE.max_examples // 2
    assert FIGURES["refused"]
    assert FIGURES["done"]
