"""Every action x phase x role, as a literal table, each cell through the view.

One predicate per action (`boards.permissions.can`) decides from the role, the running
phase and the board; the views, the socket and the services ask it. This table states what
the predicate must answer, and each cell is tried as a real request would be.

ok: the action happened. refused: 403 with a reason. hidden: 404 (the asker may not even
see the thing). login: sent to the login page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from boards import services
from boards.models import Card
from boards.services import agenda
from tests.boards.wall import add
from tests.conftest import join_via_http
from tests.factories import BreakoutGroupFactory, UserFactory, WorkshopFactory
from workshop.permissions import Actor

OK, REFUSED, HIDDEN, LOGIN = "ok", "refused", "hidden", "login"
PHASES = {
    "none": None,
    "talk": "Begrüßung und Impulsvortrag",
    "brainstorm": "Gruppenarbeit: Brainstorming",
    "voting": "Gruppenarbeit: Punkte kleben",
    "plenary": "Plenum: Ergebnisse der Gruppen",
    "synergies": "Plenum: Parallelen und Synergien",
}
ROLES = ("facilitator", "member", "other_group", "stranger")

# action              phase         facilitator member   other_group stranger
MATRIX = """
add_group_card        none          ok          ok       hidden      hidden
add_group_card        talk          ok          refused  hidden      hidden
add_group_card        brainstorm    ok          ok       hidden      hidden
add_group_card        voting        ok          refused  hidden      hidden
add_group_card        plenary       ok          refused  hidden      hidden
add_group_card        synergies     ok          refused  hidden      hidden
add_plenary_card      none          ok          refused  refused     hidden
add_plenary_card      talk          ok          refused  refused     hidden
add_plenary_card      brainstorm    ok          refused  refused     hidden
add_plenary_card      voting        ok          refused  refused     hidden
add_plenary_card      plenary       ok          refused  refused     hidden
add_plenary_card      synergies     ok          ok       ok          hidden
edit_own_card         none          hidden      ok       hidden      hidden
edit_own_card         talk          hidden      refused  hidden      hidden
edit_own_card         brainstorm    hidden      ok       hidden      hidden
edit_own_card         voting        hidden      refused  hidden      hidden
edit_own_card         plenary       hidden      refused  hidden      hidden
edit_own_card         synergies     hidden      refused  hidden      hidden
vote                  none          refused     ok       hidden      hidden
vote                  talk          refused     refused  hidden      hidden
vote                  brainstorm    refused     ok       hidden      hidden
vote                  voting        refused     ok       hidden      hidden
vote                  plenary       refused     refused  hidden      hidden
vote                  synergies     refused     refused  hidden      hidden
run_agenda            none          ok          login    login       login
run_agenda            talk          ok          login    login       login
run_agenda            brainstorm    ok          login    login       login
run_agenda            voting        ok          login    login       login
run_agenda            plenary       ok          login    login       login
run_agenda            synergies     ok          login    login       login
moderate              none          ok          login    login       login
moderate              brainstorm    ok          login    login       login
moderate              plenary       ok          login    login       login
link                  none          ok          login    login       login
link                  brainstorm    ok          login    login       login
link                  plenary       ok          login    login       login
link                  synergies     ok          login    login       login
conclude              none          ok          login    login       login
conclude              brainstorm    ok          login    login       login
conclude              plenary       ok          login    login       login
conclude              synergies     ok          login    login       login
mark_done             none          hidden      refused  hidden      hidden
mark_done             talk          hidden      refused  hidden      hidden
mark_done             brainstorm    hidden      ok       hidden      hidden
mark_done             voting        hidden      ok       hidden      hidden
mark_done             plenary       hidden      refused  hidden      hidden
mark_done             synergies     hidden      ok       hidden      hidden
change_group          none          hidden      ok       hidden      hidden
change_group          talk          hidden      ok       hidden      hidden
change_group          brainstorm    hidden      ok       hidden      hidden
change_group          voting        hidden      refused  hidden      hidden
change_group          plenary       hidden      ok       hidden      hidden
run_timer             none          ok          login    login       login
run_timer             brainstorm    ok          login    login       login
run_timer             plenary       ok          login    login       login
spotlight             none          ok          login    login       login
spotlight             voting        ok          login    login       login
spotlight             plenary       ok          login    login       login
assign                none          ok          login    login       login
assign                brainstorm    ok          login    login       login
assign                voting        ok          login    login       login
"""

HTMX = {"HX-Request": "true"}


def cells() -> list[tuple[str, str, str, str]]:
    out = []
    for line in MATRIX.strip().splitlines():
        action, phase, *outcomes = line.split()
        assert len(outcomes) == len(ROLES), line
        out += [
            (action, phase, role, outcome) for role, outcome in zip(ROLES, outcomes, strict=True)
        ]
    return out


@dataclass
class Room:
    workshop: object
    clients: dict[str, Client]
    board_a: object
    plenary: object
    kim_card: Card
    card_a: Card
    kim: object
    group_b: object


def room(phase_key: str) -> Room:
    andrea = UserFactory(username="andrea")
    workshop = WorkshopFactory(facilitator=andrea)
    group_a = BreakoutGroupFactory(workshop=workshop, name="Mobilität")
    group_b = BreakoutGroupFactory(workshop=workshop, name="Einzelhandel")
    clients = {role: Client() for role in ROLES}
    clients["facilitator"].force_login(andrea)
    kim = join_via_http(clients["member"], group_a, "Kim")
    join_via_http(clients["other_group"], group_b, "Lou")
    kim_card = add(group_a.board, "Kims Karte", participant=kim)
    card_a = add(group_a.board, "Eine Karte", user=andrea)
    title = PHASES[phase_key]
    if title is not None:
        agenda.phase_enter(
            actor=Actor.facilitator(andrea),
            workshop=workshop,
            phase=workshop.phases.get(title=title),
        )
    board_a = group_a.board
    board_a.refresh_from_db()
    if not board_a.voting_rounds.filter(closed_at=None).exists():
        # A round opened by hand: the phase still decides whether it can be voted on.
        services.voting_start(board=board_a, user=andrea)
    plenary = workshop.boards.plenary().get()
    return Room(workshop, clients, board_a, plenary, kim_card, card_a, kim, group_b)


def card_data() -> dict[str, str]:
    return {"text": "Eine neue Idee", "client_uuid": str(uuid.uuid4())}


def attempt(action: str, room: Room, client: Client):
    """Do `action` as a real request; returns the response and whether it took effect."""
    w = room.workshop
    if action in ("add_group_card", "add_plenary_card"):
        board = room.board_a if action == "add_group_card" else room.plenary
        before = board.cards.count()
        response = client.post(reverse("card-post", args=[board.pk]), card_data(), headers=HTMX)
        return response, board.cards.count() == before + 1
    if action == "edit_own_card":
        card = room.kim_card
        url = reverse("own-card-edit", args=[card.board_id, card.pk])
        version = Card.objects.get(pk=card.pk).version
        response = client.post(url, {"text": "Geändert", "version": version}, headers=HTMX)
        return response, Card.objects.get(pk=card.pk).text == "Geändert"
    if action == "vote":
        voting = room.board_a.voting_rounds.get(closed_at=None)
        before = voting.votes.count()
        url = reverse("vote-cast", args=[room.board_a.pk])
        response = client.post(url, {"card": room.card_a.pk}, headers=HTMX)
        return response, voting.votes.count() == before + 1
    if action == "run_agenda":
        before = type(w).objects.get(pk=w.pk).current_phase_id
        url = reverse("workshop:phase-step", args=[w.pk])
        response = client.post(url, {"step": "next"}, headers=HTMX)
        return response, type(w).objects.get(pk=w.pk).current_phase_id != before
    if action == "moderate":
        url = reverse("workshop:board-configure", args=[w.pk, room.board_a.pk])
        response = client.post(url, {"locked": "true"}, headers=HTMX)
        room.board_a.refresh_from_db()
        return response, room.board_a.locked
    if action == "link":
        retail = w.boards.get(group__name="Einzelhandel")
        other = add(retail, "Gegenüber", user=w.facilitators.first())
        data = {
            "source": f"card-{room.card_a.pk}",
            "target": f"card-{other.pk}",
            "kind": "synergy",
        }
        response = client.post(reverse("workshop:link-create", args=[w.pk]), data, headers=HTMX)
        return response, w.links.exists()
    if action == "conclude":
        url = reverse("workshop:conclusion-create", args=[w.pk])
        data = {"kind": "conclusion", "text": "Gemeinsam handeln"}
        response = client.post(url, data, headers=HTMX)
        return response, w.conclusions.exists()
    if action == "mark_done":
        url = reverse("done", args=[room.board_a.pk])
        response = client.post(url, {"done": "on"}, headers=HTMX)
        room.kim.refresh_from_db()
        return response, room.kim.done_phase_id is not None
    if action == "change_group":
        url = reverse("group-change", args=[room.board_a.pk])
        response = client.post(url, {"group": room.group_b.pk}, headers=HTMX)
        room.kim.refresh_from_db()
        return response, room.kim.group_id == room.group_b.pk
    if action == "run_timer":
        url = reverse("workshop:timer", args=[w.pk])
        response = client.post(url, {"action": "start", "minutes": "5"}, headers=HTMX)
        return response, w.timers.filter(ends_at__isnull=False).exists()
    if action == "spotlight":
        url = reverse("workshop:spotlight", args=[w.pk])
        response = client.post(url, {"kind": "card", "id": room.card_a.pk}, headers=HTMX)
        fresh = type(w).objects.get(pk=w.pk)
        return response, fresh.spotlight_id == room.card_a.pk
    if action == "assign":
        url = reverse("workshop:participant-move", args=[w.pk, room.kim.pk])
        response = client.post(url, {"group": room.group_b.pk}, headers=HTMX)
        room.kim.refresh_from_db()
        return response, room.kim.group_id == room.group_b.pk
    raise AssertionError(action)


def outcome(response, happened: bool) -> str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    if response.status_code == 404:
        return HIDDEN
    if response.status_code == 403:
        return REFUSED
    assert response.status_code in (200, 204, 302), response.content.decode()[:500]
    return OK if happened else f"no effect ({response.status_code})"


@pytest.mark.parametrize(("action", "phase", "role", "expected"), cells())
def test_matrix_cell_through_the_view(db, action, phase, role, expected):
    here = room(phase)
    response, happened = attempt(action, here, here.clients[role])
    assert outcome(response, happened) == expected
    if expected != OK:
        assert not happened


def test_every_phase_of_the_template_is_in_the_matrix(db):
    workshop = WorkshopFactory()
    titles = set(workshop.phases.values_list("view", "allows"))
    covered = {
        (p.view, p.allows)
        for p in workshop.phases.filter(title__in=[t for t in PHASES.values() if t])
    }
    assert titles <= covered, "a kind of phase without a row in the matrix"
