"""The agenda: phases, "next phase" for every board at once, and the one rule that joins
phases and the per-board controls."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from boards import services
from boards.models import Board, Card
from boards.permissions import Refused
from boards.services import agenda
from tests.boards.wall import add
from workshop.models import Phase
from workshop.permissions import Actor

HTMX = {"HX-Request": "true"}


def phase(workshop, title) -> Phase:
    return workshop.phases.get(title=title)


def enter(workshop, facilitator, title, voting=None):
    return agenda.phase_enter(
        actor=Actor.facilitator(facilitator),
        workshop=workshop,
        phase=phase(workshop, title),
        voting=voting,
    )


BRAINSTORM = "Gruppenarbeit: Brainstorming"
CLUSTER = "Gruppenarbeit: Clustern"
VOTING = "Gruppenarbeit: Punkte kleben"
TALK = "Begrüßung und Impulsvortrag"
PLENARY = "Plenum: Ergebnisse der Gruppen"


def test_a_new_workshop_has_the_seed_agenda_its_actors_and_a_plenary_board(facilitator):
    workshop = services.workshop_create_with_groups(
        user=facilitator,
        title="Werkstatt 8",
        groups=[services.GroupSpec("Mobilität"), services.GroupSpec("Einzelhandel")],
    )
    titles = list(workshop.phases.values_list("title", "view", "allows"))
    assert titles == [
        (TALK, "room", "read"),
        ("Dialog mit dem Referenten", "room", "read"),
        (BRAINSTORM, "groups", "write"),
        (CLUSTER, "groups", "write"),
        (VOTING, "groups", "vote"),
        (PLENARY, "plenary", "read"),
        ("Plenum: Parallelen und Synergien", "plenary", "write"),
        ("Fazit und nächste Schritte", "plenary", "read"),
    ]
    assert [a.name for a in workshop.actors.all()] == [
        "Wirtschaft",
        "Verwaltung",
        "Zivilgesellschaft",
    ]
    assert workshop.boards.plenary().count() == 1
    assert workshop.current_phase is None


def test_entering_hidden_brainstorming_sets_every_group_board(
    workshop, board_a, board_b, facilitator
):
    entered = enter(workshop, facilitator, BRAINSTORM)
    assert entered.boards == 3  # two groups and the plenary
    for board in (board_a, board_b):
        board.refresh_from_db()
        assert board.mode == Board.Mode.HIDDEN
        assert not board.locked
    workshop.refresh_from_db()
    assert workshop.current_phase.title == BRAINSTORM
    assert workshop.phase_started_at is not None


def test_clustering_reveals_and_going_back_never_hides_again(workshop, board_a, kim, facilitator):
    enter(workshop, facilitator, BRAINSTORM)
    secret = add(board_a, "Geheim bis zum Aufdecken", participant=kim)
    assert secret.state == Card.State.SECRET
    entered = enter(workshop, facilitator, CLUSTER)
    assert entered.revealed == 1
    secret.refresh_from_db()
    assert secret.state == Card.State.PINNED
    enter(workshop, facilitator, BRAINSTORM)
    secret.refresh_from_db()
    assert secret.state == Card.State.PINNED  # a reveal is never undone
    later = add(board_a, "Neu und verdeckt", participant=kim)
    assert later.state == Card.State.SECRET


def test_voting_opens_a_round_on_every_group_board_and_leaving_closes_them(
    workshop, board_a, board_b, facilitator
):
    enter(workshop, facilitator, VOTING)
    for board in (board_a, board_b):
        voting = board.voting_rounds.get()
        assert voting.is_open
        assert voting.dots_per_participant == 5
    assert not workshop.boards.plenary().get().voting_rounds.exists()
    enter(workshop, facilitator, PLENARY)
    for board in (board_a, board_b):
        assert not board.voting_rounds.get().is_open


def test_going_back_into_voting_asks_then_continues_or_starts_anew(
    workshop, board_a, kim, facilitator
):
    card = add(board_a, "Mehr Busse", participant=kim)
    enter(workshop, facilitator, VOTING)
    voting = board_a.voting_rounds.get()
    services.vote_cast(voting=voting, participant=kim, card=card)
    enter(workshop, facilitator, PLENARY)
    with pytest.raises(agenda.VotingChoiceNeeded):
        enter(workshop, facilitator, VOTING)
    enter(workshop, facilitator, VOTING, voting=agenda.CONTINUE)
    assert board_a.voting_rounds.get().is_open
    assert board_a.voting_rounds.get().votes.count() == 1
    enter(workshop, facilitator, PLENARY)
    enter(workshop, facilitator, VOTING, voting=agenda.NEW)
    assert board_a.voting_rounds.count() == 2
    assert board_a.voting_rounds.filter(closed_at=None).get().votes.count() == 0


def test_a_change_by_hand_lasts_until_the_next_phase(workshop, board_a, board_b, facilitator):
    enter(workshop, facilitator, BRAINSTORM)
    services.board_configure(board=board_a, locked=True)
    board_a.refresh_from_db()
    assert board_a.locked
    assert board_a.changed_by_hand
    board_b.refresh_from_db()
    assert not board_b.changed_by_hand
    enter(workshop, facilitator, CLUSTER)
    board_a.refresh_from_db()
    assert not board_a.locked
    assert not board_a.changed_by_hand


def test_the_phase_and_the_board_both_decide(workshop, board_a, kim, facilitator):
    enter(workshop, facilitator, TALK)
    with pytest.raises(Refused) as refused:
        add(board_a, "Während des Vortrags", participant=kim)
    assert "Begrüßung und Impulsvortrag" in refused.value.message
    enter(workshop, facilitator, BRAINSTORM)
    add(board_a, "Jetzt geht es", participant=kim)
    services.board_configure(board=board_a, locked=True)
    with pytest.raises(Refused):
        add(board_a, "Gesperrt", participant=kim)
    add(board_a, "Die Moderation darf", user=facilitator)


def test_participants_cannot_run_the_agenda(workshop, kim):
    with pytest.raises(Refused):
        agenda.phase_step(actor=Actor.of(kim), workshop=workshop, step=1)


def test_step_next_and_back_and_the_ends(workshop, facilitator):
    actor = Actor.facilitator(facilitator)
    assert agenda.phase_step(actor=actor, workshop=workshop, step=1).phase.title == TALK
    with pytest.raises(ValidationError):
        agenda.phase_step(actor=actor, workshop=workshop, step=-1)
    for _ in range(7):
        agenda.phase_step(actor=actor, workshop=workshop, step=1)
    assert workshop.current_phase.title == "Fazit und nächste Schritte"
    with pytest.raises(ValidationError):
        agenda.phase_step(actor=actor, workshop=workshop, step=1)


def test_add_rename_reorder_remove(workshop, facilitator):
    actor = Actor.facilitator(facilitator)
    added = agenda.phase_create(
        actor=actor, workshop=workshop, title="  Kaffeepause ", view="room", allows="read"
    )
    assert added.title == "Kaffeepause"
    assert list(workshop.phases.values_list("title", flat=True))[-1] == "Kaffeepause"
    agenda.phase_update(actor=actor, phase=added, title="Pause", planned_minutes=15)
    agenda.phase_move(actor=actor, phase=added, step=-1)
    assert list(workshop.phases.values_list("title", flat=True))[-2] == "Pause"
    enter(workshop, facilitator, "Pause")
    agenda.phase_delete(actor=actor, phase=added)
    workshop.refresh_from_db()
    assert workshop.current_phase is None
    with pytest.raises(ValidationError):
        agenda.phase_create(actor=actor, workshop=workshop, title=" ")


def test_a_phase_change_reaches_every_audience_of_the_workshop_only(
    workshop, other_workshop, facilitator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enter(workshop, facilitator, BRAINSTORM)
    groups = {group for group, _message in sent if group.startswith("workshop.")}
    for audience in ("participants", "projector", "facilitators"):
        for language in ("de", "en"):
            assert f"workshop.{workshop.pk}.{audience}.{language}" in groups
    assert not any(g.startswith(f"workshop.{other_workshop.pk}.") for g in groups)
    phone = next(m["html"] for g, m in sent if g == f"workshop.{workshop.pk}.participants.de")
    assert 'data-may-write="true"' in phone
    assert BRAINSTORM in phone


def test_console_steps_through_the_agenda(facilitator_client, workshop, board_a):
    url = reverse("workshop:phase-step", args=[workshop.pk])
    response = facilitator_client.post(url, {"step": "next"}, headers=HTMX)
    assert response.status_code == 200
    assert 'aria-current="step"' in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.current_phase.title == TALK
    response = facilitator_client.post(url, {"step": "previous"}, headers=HTMX)
    assert response.status_code == 400
    assert "erste Phase" in response.content.decode()


def test_console_asks_which_round_when_going_back_into_voting(
    facilitator_client, workshop, board_a, facilitator
):
    enter(workshop, facilitator, VOTING)
    enter(workshop, facilitator, PLENARY)
    url = reverse("workshop:phase-step", args=[workshop.pk])
    response = facilitator_client.post(url, {"step": "previous"}, headers=HTMX)
    html = response.content.decode()
    assert "Letzte Runde fortsetzen" in html
    workshop.refresh_from_db()
    assert workshop.current_phase.title == PLENARY
    voting = phase(workshop, VOTING)
    enter_url = reverse("workshop:phase-enter", args=[workshop.pk, voting.pk])
    facilitator_client.post(enter_url, {"voting": "new"}, headers=HTMX)
    workshop.refresh_from_db()
    assert workshop.current_phase == voting
    assert board_a.voting_rounds.count() == 2


def test_agenda_page_edits_phases(facilitator_client, workshop):
    response = facilitator_client.get(reverse("workshop:agenda", args=[workshop.pk]))
    assert response.status_code == 200
    assert BRAINSTORM in response.content.decode()
    talk = phase(workshop, TALK)
    data = {
        f"phase-{talk.pk}-title": "Impuls: Innenstadt 2030",
        f"phase-{talk.pk}-view": "room",
        f"phase-{talk.pk}-allows": "read",
        f"phase-{talk.pk}-board_mode": "",
        f"phase-{talk.pk}-planned_minutes": "25",
        f"phase-{talk.pk}-dots_per_participant": "5",
        f"phase-{talk.pk}-max_per_target": "3",
    }
    url = reverse("workshop:phase-edit", args=[workshop.pk, talk.pk])
    assert facilitator_client.post(url, data).status_code == 302
    talk.refresh_from_db()
    assert (talk.title, talk.planned_minutes) == ("Impuls: Innenstadt 2030", 25)


def test_phone_page_shows_the_phase_and_hides_the_composer_where_it_may_not_write(
    workshop, group_a, joined_client, facilitator
):
    client, _kim = joined_client(group_a)
    enter(workshop, facilitator, TALK)
    html = client.get(reverse("board", args=[group_a.board.pk])).content.decode()
    assert 'data-may-write="false"' in html
    assert TALK in html
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]),
        {"text": "Frage", "client_uuid": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"},
        headers=HTMX,
    )
    assert response.status_code == 403
    assert "Begrüßung und Impulsvortrag" in response.content.decode()
