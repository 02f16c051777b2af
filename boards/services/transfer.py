"""A workshop from a file or from another workshop: the JSON export imported again, and
"Use as template".

An import is checked completely before anything is written (the schema first, then what a
schema cannot say: names that must be unique, ids that must be there), and written in one
transaction: a refused file stores nothing. The new workshop has nobody on its sockets yet,
so its rows are written directly, without the live services' pushes.
"""

from __future__ import annotations

import copy
import datetime
import json
import uuid
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boards.exports.workshop_json import SCHEMA, VERSION, Document, workshop_document
from boards.models import (
    Actor,
    Board,
    Card,
    Cluster,
    Conclusion,
    Link,
    Summary,
    Vote,
    VotingRound,
)
from boards.permissions import Refused, require
from workshop.models import BreakoutGroup, Participant, Phase, Workshop
from workshop.permissions import Action, Actor as Asker, is_facilitator
from workshop.services import workshop_create
from workshop.text import clean_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MAX_DOTS = 100_000  # each a row: a file cannot make the import write millions
SCHEMA_FILE = settings.BASE_DIR / "docs" / f"export-schema-v{VERSION}.json"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


def _invalid(detail: str) -> ValidationError:
    return ValidationError(
        _("This file cannot be imported: %(detail)s") % {"detail": detail}, code="invalid"
    )


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "/"


def parse_document(data: bytes | str | dict[str, Any]) -> Document:
    """The document in `data`, checked against the schema; ValidationError if it is none."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ValidationError(
                _("This file is not a readable JSON file. Please choose a Stellwand JSON export."),
                code="broken",
            ) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValidationError(
            _("This file is not a Stellwand workshop export."), code="other-schema"
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise ValidationError(
            _(
                "This file comes from a newer version of Stellwand (format version "
                "%(version)s). This installation reads format version %(supported)s."
            )
            % {"version": version, "supported": VERSION},
            code="newer",
        )
    try:
        data = _cleaned(data)
    except RecursionError:
        raise _invalid(_("it is nested far too deeply.")) from None
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        raise _invalid(_("the entry at “%(where)s” is not as expected.") % {"where": _where(error)})
    _check(data)
    return data


def _cleaned(value: Any, *, multiline: bool = False) -> Any:
    """Every text as the forms would store it (no control characters, no bidi overrides):
    a file is typed input too."""
    if isinstance(value, str):
        return clean_text(value, multiline=multiline)
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    if isinstance(value, dict):
        return {k: _cleaned(v, multiline=k == "description") for k, v in value.items()}
    return value


def _unique(names: list[str]) -> bool:
    folded = [n.casefold() for n in names]
    return len(folded) == len(set(folded))


def _check(doc: Document) -> None:
    """What the schema cannot say."""
    groups = [g["name"] for g in doc["groups"]]
    if not _unique(groups):
        raise _invalid(_("two groups have the same name."))
    walls = [b["group"] for b in doc["boards"]]
    if len(walls) != len(set(walls)) or not set(walls) <= {*groups, None}:
        raise _invalid(_("every wall must belong to one group of the file, or to the plenary."))
    current = doc["agenda"]["current_phase"]
    if current is not None and current > len(doc["agenda"]["phases"]):
        raise _invalid(_("the current phase is not in the agenda."))
    ids: set[str] = set()
    for board in doc["boards"]:
        if _wall_dots(board) and not _dots_shown(board["voting"]):
            raise _invalid(_("a wall has dots without a voting round that shows them."))
        for cluster in board["clusters"]:
            ids.add(cluster["id"])
            ids.update(card["id"] for card in cluster["cards"])
            inside = sum(card["dots"] or 0 for card in cluster["cards"])
            if cluster["dots"] is not None and cluster["dots"] < inside:
                raise _invalid(_("a cluster has fewer dots than its cards."))
        ids.update(card["id"] for card in board["cards"])
    count = sum(
        len(b["cards"]) + sum(len(c["cards"]) for c in b["clusters"]) for b in doc["boards"]
    )
    if len(ids) != count + sum(len(b["clusters"]) for b in doc["boards"]):
        raise _invalid(_("two cards or clusters have the same id."))
    links = {link["id"] for link in doc["links"]}
    if len(links) != len(doc["links"]):
        raise _invalid(_("two links have the same id."))
    if any(link["from"] not in ids or link["to"] not in ids for link in doc["links"]):
        raise _invalid(_("a link joins something that is not in the file."))
    if not _unique(doc["actors"]):
        raise _invalid(_("two actors have the same name."))
    actors = set(doc["actors"])
    for conclusion in doc["conclusions"]:
        if not set(conclusion["actors"]) <= actors:
            raise _invalid(_("a conclusion names an actor who is not in the list of actors."))
        if conclusion["from_cluster"] not in {None, *ids}:
            raise _invalid(_("a conclusion comes from a cluster that is not in the file."))
        if conclusion["from_link"] not in {None, *links}:
            raise _invalid(_("a conclusion comes from a link that is not in the file."))
    people = doc["participants"]
    in_groups = sum(g["participants"] for g in doc["groups"])
    named: dict[str | None, int] = {}
    for person in people["named"]:
        named[person["group"]] = named.get(person["group"], 0) + 1
    seats = {g["name"]: g["participants"] for g in doc["groups"]} | {
        None: people["count"] - in_groups
    }
    if any(n > seats.get(group, 0) for group, n in named.items()) or seats[None] < 0:
        raise _invalid(_("the participants' numbers do not add up."))
    if _dots(doc) > MAX_DOTS:
        raise _invalid(_("it has more dots than a workshop can have."))
    if _dots(doc) and not people["count"]:
        raise _invalid(_("it has dots but nobody who placed them."))
    try:
        for text in _times(doc):
            datetime.datetime.fromisoformat(text)
        for text in _dates(doc):
            datetime.date.fromisoformat(text)
    except ValueError:
        raise _invalid(_("a date or a time is not written as expected.")) from None


def _dots_shown(voting: Document | None) -> bool:
    """As the plenary shows them: once the round is closed, or while its totals are shown."""
    return voting is not None and (not voting["open"] or voting["show_totals"])


def _wall_dots(board: Document) -> int:
    """How many votes the import writes on a wall (a cluster's dots include its cards')."""
    loose = sum(c["dots"] or 0 for c in board["cards"])
    inside = sum(c["dots"] or 0 for k in board["clusters"] for c in k["cards"])
    return loose + max(inside, sum(k["dots"] or 0 for k in board["clusters"]))


def _dots(doc: Document) -> int:
    return sum(_wall_dots(board) for board in doc["boards"])


def _times(doc: Document) -> list[str]:
    phases = doc["agenda"]["phases"]
    values = [doc["workshop"]["closed_at"]]
    values += [p["started_at"] for p in phases] + [p["ended_at"] for p in phases]
    return [v for v in values if v is not None]


def _dates(doc: Document) -> list[str]:
    values = [doc["workshop"]["date"]] + [c["due"] for c in doc["conclusions"]]
    return [v for v in values if v is not None]


def _time(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    moment = datetime.datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value is not None else None


def _people(workshop: Workshop, doc: Document, groups: dict[str, BreakoutGroup]) -> dict:
    """The named participants first (in their order), then as many without a name as
    joined each group; returns the named ones by name."""
    people = doc["participants"]
    rows = [
        Participant(
            workshop=workshop,
            group=groups.get(p["group"]) if p["group"] else None,
            display_name=p["name"],
            named_in_summary=True,
        )
        for p in people["named"]
    ]
    seats = {g["name"]: g["participants"] for g in doc["groups"]}
    seats_none = people["count"] - sum(seats.values())
    for person in people["named"]:
        if person["group"] is None:
            seats_none -= 1
        else:
            seats[person["group"]] -= 1
    for name, n in seats.items():
        rows += [Participant(workshop=workshop, group=groups[name]) for _n in range(n)]
    rows += [Participant(workshop=workshop) for _n in range(seats_none)]
    created = Participant.objects.bulk_create(rows)
    by_name: dict[str, Participant] = {}
    for person in created:
        if person.named_in_summary:
            by_name.setdefault(person.display_name, person)
    return {"named": by_name, "all": created}


def _cards(
    board: Board, cluster: Cluster | None, cards: list[Document], named: dict[str, Participant]
) -> list[tuple[Card, int]]:
    rows = [
        Card(
            board=board,
            cluster=cluster,
            text=card["text"],
            kind=card["kind"],
            color=card["color"],
            position=position,
            author=named.get(card["author"]) if card["author"] else None,
            client_uuid=uuid.uuid4(),
        )
        for position, card in enumerate(cards)
    ]
    Card.objects.bulk_create(rows)
    return [(row, card["dots"] or 0) for row, card in zip(rows, cards, strict=True)]


def _voting(board: Board, spec: Document) -> VotingRound | None:
    voting = spec["voting"]
    if voting is None:
        return None
    return VotingRound.objects.create(
        board=board,
        dots_per_participant=voting["dots_per_participant"],
        max_per_target=voting["max_per_target"],
        show_totals=voting["show_totals"],
        closed_at=None if voting["open"] else timezone.now(),
    )


def _board(board: Board, spec: Document, people: dict, refs: dict[str, Cluster | Card]) -> None:
    board.mode = spec["mode"]
    board.locked = spec["locked"]
    board.card_color = spec["card_color"]
    board.participants_choose_color = spec["participants_choose_color"]
    board.save()
    votes: list[Vote] = []
    voting = _voting(board, spec)
    for position, cluster_spec in enumerate(spec["clusters"]):
        cluster = Cluster.objects.create(
            board=board, title=cluster_spec["title"], position=position
        )
        refs[cluster_spec["id"]] = cluster
        pairs = _cards(board, cluster, cluster_spec["cards"], people["named"])
        direct = (cluster_spec["dots"] or 0) - sum(n for _card, n in pairs)
        votes += [Vote(cluster=cluster) for _n in range(direct)]
        for (card, n), card_spec in zip(pairs, cluster_spec["cards"], strict=True):
            refs[card_spec["id"]] = card
            votes += [Vote(card=card) for _n in range(n)]
    for (card, n), card_spec in zip(
        _cards(board, None, spec["cards"], people["named"]), spec["cards"], strict=True
    ):
        refs[card_spec["id"]] = card
        votes += [Vote(card=card) for _n in range(n)]
    if voting is None or not votes:
        return
    # Only the totals travel: the dots are placed in the name of one participant of the
    # wall's group (or of anyone, on the plenary's wall).
    everyone = people["all"]
    voter = next((p for p in everyone if p.group_id == board.group_id), everyone[0])
    for vote in votes:
        vote.round = voting
        vote.participant = voter
    Vote.objects.bulk_create(votes)


def _end(thing: Cluster | Card) -> dict[str, Cluster | Card]:
    return {"cluster": thing} if isinstance(thing, Cluster) else {"card": thing}


def _create(doc: Document, user: AbstractBaseUser) -> Workshop:
    """The workshop of a checked document, with `user` as its facilitator."""
    spec = doc["workshop"]
    with transaction.atomic():
        workshop = workshop_create(
            user=user,
            title=spec["title"],
            subtitle=spec["subtitle"],
            date=_date(spec["date"]),
            place=spec["place"],
            description=spec["description"],
        )
        # The file's agenda and actors, not the template's.
        workshop.phases.all().delete()
        workshop.actors.all().delete()
        Summary.objects.update_or_create(workshop=workshop, defaults={"language": spec["language"]})
        phases = Phase.objects.bulk_create(
            Phase(
                workshop=workshop,
                position=position,
                title=p["title"],
                instruction=p["instruction"],
                view=p["view"],
                allows=p["allows"],
                board_mode=p["board_mode"],
                reveal=p["reveal"],
                planned_minutes=p["planned_minutes"],
                dots_per_participant=p["dots_per_participant"],
                max_per_target=p["max_per_target"],
                started_at=_time(p["started_at"]),
                ended_at=_time(p["ended_at"]),
            )
            for position, p in enumerate(doc["agenda"]["phases"], start=1)
        )
        current = doc["agenda"]["current_phase"]
        workshop.current_phase = phases[current - 1] if current else None
        workshop.phase_started_at = timezone.now() if current else None
        workshop.assignment = spec["assignment"]
        workshop.max_group_size = spec["max_group_size"]
        workshop.joining_open = spec["joining_open"]
        workshop.results_public = spec["results_public"]
        workshop.timer_sound = spec["timer_sound"]
        workshop.closed_at = _time(spec["closed_at"])
        workshop.save()
        groups = {}
        for position, g in enumerate(doc["groups"], start=1):
            group = BreakoutGroup.objects.create(
                workshop=workshop, name=g["name"], question=g["question"], position=position
            )
            groups[group.name] = group
            Board.objects.create(workshop=workshop, group=group)
        people = _people(workshop, doc, groups)
        boards = {
            b.group.name if b.group else None: b for b in workshop.boards.select_related("group")
        }
        refs: dict[str, Cluster | Card] = {}
        for board_spec in doc["boards"]:
            _board(boards[board_spec["group"]], board_spec, people, refs)
        actors = {
            name: Actor.objects.create(workshop=workshop, name=name, position=position)
            for position, name in enumerate(doc["actors"], start=1)
        }
        links = {}
        for link_spec in doc["links"]:
            ends = _end(refs[link_spec["from"]]), _end(refs[link_spec["to"]])
            links[link_spec["id"]] = Link.objects.create(
                workshop=workshop,
                kind=link_spec["kind"],
                note=link_spec["note"],
                created_by=user,
                **{f"from_{k}": v for k, v in ends[0].items()},
                **{f"to_{k}": v for k, v in ends[1].items()},
            )
        for position, c in enumerate(doc["conclusions"], start=1):
            conclusion = Conclusion.objects.create(
                workshop=workshop,
                kind=c["kind"],
                text=c["text"],
                who=c["who"],
                due=_date(c["due"]),
                from_cluster=refs.get(c["from_cluster"]) if c["from_cluster"] else None,
                from_link=links.get(c["from_link"]) if c["from_link"] else None,
                position=position,
            )
            conclusion.actors.set([actors[name] for name in c["actors"]])
    return workshop


def import_workshop(data: bytes | str | dict[str, Any], *, user: AbstractBaseUser) -> Workshop:
    """A new workshop from a JSON export, run by `user`; a refused file stores nothing."""
    if not user.is_authenticated:
        raise Refused(_("Please sign in to import a workshop."))
    return _create(parse_document(data), user)


def _as_template(doc: Document) -> Document:
    """The document without what happened: no cards, dots, links, conclusions or people."""
    doc = copy.deepcopy(doc)
    doc["workshop"] |= {"date": None, "closed_at": None, "joining_open": True}
    doc["agenda"]["current_phase"] = None
    for phase in doc["agenda"]["phases"]:
        phase["started_at"] = phase["ended_at"] = None
    for group in doc["groups"]:
        group["participants"] = 0
    for board in doc["boards"]:
        board |= {"locked": False, "voting": None, "clusters": [], "cards": []}
    doc |= {"links": [], "conclusions": [], "participants": {"count": 0, "named": []}}
    return doc


def workshop_from_template(workshop: Workshop, *, user: AbstractBaseUser) -> Workshop:
    """Use as template: a new workshop with the same agenda, groups, questions, actors and
    settings, without cards or people; `user` (a facilitator of `workshop`) runs it."""
    if not is_facilitator(user, workshop):
        raise Refused(_("Only the workshop's facilitators can use it as a template."))
    require(Asker.facilitator(user), Action.EXPORT, workshop=workshop)
    return _create(_as_template(workshop_document(workshop)), user)
