"""The plenary (issue 7): the read model, the spotlight's services, the pages and the pushes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from boards import services
from boards.models import Board, Card
from boards.permissions import Refused
from boards.selectors import plenary as read
from boards.services.plenary import spotlight_clear, spotlight_set
from tests.boards.wall import add, fresh
from tests.conftest import join_via_http
from tests.factories import BreakoutGroupFactory, ParticipantFactory, UserFactory
from workshop.live import Audience
from workshop.models import Workshop
from workshop.permissions import STRANGER, Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def walls(board_a, board_b, facilitator):
    """Two groups' walls: clusters with cards, a loose card, a hidden and a handed-in card."""
    bus, rad, takt, nacht = (
        add(board_a, t) for t in ("Busse", "Radwege", "Takt verdichten", "Nachtbus")
    )
    loose = add(board_a, "Carsharing")
    hidden = add(board_a, "Geheim verborgen")
    services.card_hide(card=hidden, hidden=True, user=facilitator)
    oepnv = services.cluster_create(
        board=board_a, title="ÖPNV", user=facilitator, cards=[bus, takt, nacht]
    )
    rad_cluster = services.cluster_create(
        board=board_a, title="Rad", user=facilitator, cards=[rad, hidden]
    )
    shop = add(board_b, "Lokale Aktionen")
    beratung = add(board_b, "Beratung")
    handel = services.cluster_create(
        board=board_b, title="Handel vor Ort", user=facilitator, cards=[shop, beratung]
    )
    return {
        "oepnv": oepnv, "rad": rad_cluster, "handel": handel, "bus": bus, "rad_card": rad,
        "takt": takt, "nacht": nacht, "loose": loose, "hidden": hidden, "shop": shop,
    }  # fmt: skip


def vote(board, facilitator, votes, *, close=True):
    """Dots by fresh participants: votes = [(target, n), ...]."""
    voting = services.voting_start(
        board=board, user=facilitator, dots_per_participant=20, max_per_target=20
    )
    voter = ParticipantFactory(group=board.group)
    for target, n in votes:
        kind = "card" if isinstance(target, Card) else "cluster"
        for _ in range(n):
            services.vote_cast(voting=voting, participant=voter, **{kind: target})
    if close:
        services.voting_close(voting=voting, user=facilitator)
    return voting


def texts(section: read.PlenaryGroup) -> set[str]:
    return {c.text for c, _n in section.cards} | {
        c.text for r in section.clusters for c, _n in r.cards
    }


# the read model ---------------------------------------------------------------------------


def test_groups_in_order_with_name_question_and_their_cards(workshop, walls, group_a, group_b):
    group_a.question = "Wie kommen alle gut in die Stadt?"
    group_a.save()
    plenary = read.plenary(Workshop.objects.get(pk=workshop.pk), Audience.PARTICIPANTS)
    assert [g.name for g in plenary.groups] == ["Mobilität", "Einzelhandel"]
    assert plenary.groups[0].question == "Wie kommen alle gut in die Stadt?"
    assert plenary.board is not None
    assert plenary.board.is_plenary
    mobility = plenary.groups[0]
    assert [c.text for c, _n in mobility.cards] == ["Carsharing"]
    assert mobility.card_count == 5


@pytest.mark.parametrize("audience", [Audience.PARTICIPANTS, Audience.PROJECTOR])
def test_hidden_secret_and_inbox_cards_never_in_the_plenary(
    workshop, walls, board_a, kim, facilitator, audience
):
    services.board_configure(board=board_a, mode=Board.Mode.HIDDEN)
    add(board_a, "Noch verdeckt", participant=kim)
    services.board_configure(board=board_a, mode=Board.Mode.COLLECT)
    add(board_a, "Im Eingang", participant=kim)
    plenary = read.plenary(workshop, audience)
    seen = texts(plenary.groups[0])
    assert "Geheim verborgen" not in seen
    assert "Noch verdeckt" not in seen
    assert "Im Eingang" not in seen
    assert {"Busse", "Radwege", "Carsharing"} <= seen


def test_clusters_ranked_by_dots_with_their_cards_and_top_results(
    workshop, walls, board_a, facilitator
):
    # Rad: 4 on its card; ÖPNV: 2 on the cluster + 1 on a card; the loose card 5.
    vote(
        board_a,
        facilitator,
        [(walls["rad_card"], 4), (walls["oepnv"], 2), (walls["nacht"], 1), (walls["loose"], 5)],
    )
    mobility = read.plenary(workshop, Audience.PARTICIPANTS).groups[0]
    assert mobility.voted
    assert [(r.cluster.title, r.dots) for r in mobility.clusters] == [("Rad", 4), ("ÖPNV", 3)]
    assert [(c.text, n) for c, n in mobility.clusters[1].cards] == [
        ("Nachtbus", 1), ("Busse", 0), ("Takt verdichten", 0),
    ]  # fmt: skip
    assert [(t.kind, t.title, t.dots) for t in mobility.top] == [
        ("card", "Carsharing", 5), ("cluster", "Rad", 4), ("cluster", "ÖPNV", 3),
    ]  # fmt: skip


def test_without_a_round_the_top_results_are_the_largest_clusters(workshop, walls):
    mobility = read.plenary(workshop, Audience.PARTICIPANTS).groups[0]
    assert not mobility.voted
    assert [(t.title, t.size, t.dots) for t in mobility.top] == [
        ("ÖPNV", 3, None),
        ("Rad", 1, None),
    ]
    assert all(r.dots is None for r in mobility.clusters)


def test_a_running_round_shows_dots_to_the_facilitators_only(workshop, walls, board_a, facilitator):
    vote(board_a, facilitator, [(walls["loose"], 2)], close=False)
    assert not read.plenary(workshop, Audience.PARTICIPANTS).groups[0].voted
    assert not read.plenary(workshop, Audience.PROJECTOR).groups[0].voted
    facilitators = read.plenary(workshop, Audience.FACILITATORS).groups[0]
    assert facilitators.voted
    assert facilitators.top[0].dots == 2


def test_a_fixed_number_of_queries_however_many_groups(
    workshop, walls, board_a, facilitator, django_assert_max_num_queries
):
    vote(board_a, facilitator, [(walls["loose"], 1)])
    spotlight_set(Actor.facilitator(facilitator), workshop, "cluster", walls["oepnv"].pk)
    for n in range(6):
        group = BreakoutGroupFactory(workshop=workshop, name=f"Gruppe {n}")
        services.cluster_create(
            board=group.board, title="Cluster", user=facilitator, cards=[add(group.board, "Karte")]
        )
    fresh_workshop = Workshop.objects.get(pk=workshop.pk)
    # The groups (5), the spotlight (a few) and the links and conclusions (4).
    with django_assert_max_num_queries(16):
        plenary = read.plenary(fresh_workshop, Audience.PARTICIPANTS)
    assert len(plenary.groups) == 8
    assert plenary.spotlight is not None
    assert plenary.spotlight.title == "ÖPNV"


# the spotlight ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["group", "cluster", "card"])
def test_spotlight_on_a_group_cluster_or_card_and_back(workshop, walls, group_a, facilitator, kind):
    target = {"group": group_a, "cluster": walls["oepnv"], "card": walls["bus"]}[kind]
    actor = Actor.facilitator(facilitator)
    spotlight_set(actor, workshop, kind, target.pk)
    stored = Workshop.objects.get(pk=workshop.pk)
    assert (stored.spotlight_kind, stored.spotlight_id) == (kind, target.pk)
    spot = read.spotlight(stored, Audience.PARTICIPANTS)
    assert spot.kind == kind
    assert spot.group.name == "Mobilität"
    assert spot.title == {"group": "Mobilität", "cluster": "ÖPNV", "card": "Busse"}[kind]
    spotlight_clear(actor, workshop)
    stored = Workshop.objects.get(pk=workshop.pk)
    assert (stored.spotlight_kind, stored.spotlight_id) == ("", None)
    assert read.spotlight(stored, Audience.PARTICIPANTS) is None


def test_spotlight_refuses_another_workshops_things_and_hidden_cards(
    workshop, walls, other_group, facilitator
):
    actor = Actor.facilitator(facilitator)
    foreign = add(other_group.board, "Fremd", user=UserFactory())
    for kind, pk in [
        ("group", other_group.pk),
        ("card", foreign.pk),
        ("card", walls["hidden"].pk),
        ("cluster", 10**12),
        ("board", walls["bus"].pk),
    ]:
        with pytest.raises(ValidationError):
            spotlight_set(actor, workshop, kind, pk)
    assert Workshop.objects.get(pk=workshop.pk).spotlight_kind == ""


def test_spotlight_refused_to_participants_and_strangers(workshop, walls, kim):
    for actor in (Actor.of(kim), STRANGER):
        with pytest.raises(Refused):
            spotlight_set(actor, workshop, "card", walls["bus"].pk)
    assert Workshop.objects.get(pk=workshop.pk).spotlight_kind == ""


def test_a_spotlighted_card_hidden_or_deleted_drops_out(workshop, walls, facilitator):
    spotlight_set(Actor.facilitator(facilitator), workshop, "card", walls["bus"].pk)
    services.card_hide(card=walls["bus"], hidden=True, user=facilitator)
    assert read.spotlight(fresh(workshop), Audience.PARTICIPANTS) is None
    assert read.spotlight(fresh(workshop), Audience.PROJECTOR) is None
    spotlight_set(Actor.facilitator(facilitator), workshop, "card", walls["takt"].pk)
    card = fresh(walls["takt"])
    services.card_delete(card=card, version=card.version, user=facilitator)
    assert read.spotlight(fresh(workshop), Audience.PARTICIPANTS) is None


def test_hiding_the_spotlighted_card_pushes_the_empty_spotlight(
    workshop, walls, facilitator, sent, django_capture_on_commit_callbacks
):
    spotlight_set(Actor.facilitator(facilitator), workshop, "card", walls["bus"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.card_hide(card=walls["bus"], hidden=True, user=facilitator)
    spots = [m["html"] for g, m in sent if g.startswith(f"workshop.{workshop.pk}.")]
    assert len(spots) == 6
    assert all('id="spotlight"' in html and "spotlight--on" not in html for html in spots)


# pages ------------------------------------------------------------------------------------


def plenary_board(workshop) -> Board:
    return workshop.boards.plenary().get()


def test_phone_opens_the_plenary_with_every_group(workshop, walls, group_a, facilitator):
    phone = Client()
    join_via_http(phone, group_a, "Kim")
    vote(walls["oepnv"].board, facilitator, [(walls["oepnv"], 3)])
    response = phone.get(reverse("board", args=[plenary_board(workshop).pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plenary"' in html
    assert "Mobilität" in html
    assert "Einzelhandel" in html
    assert "Handel vor Ort" in html
    assert "ÖPNV" in html
    assert "Carsharing" in html
    assert "Geheim verborgen" not in html
    assert "data-composer" in html  # the plenary's own board takes cards


def test_strangers_get_404_on_the_plenary(workshop, walls, other_group):
    stranger = Client()
    assert stranger.get(reverse("board", args=[plenary_board(workshop).pk])).status_code == 404
    other_phone = Client()
    join_via_http(other_phone, other_group, "Olga")
    response = other_phone.get(reverse("board", args=[plenary_board(workshop).pk]))
    assert response.status_code in (302, 404)
    assert "Mobilität" not in response.content.decode()


def test_projector_plenary_page(workshop, walls):
    url = reverse("projector-plenary", args=[workshop.projector_token])
    html = Client().get(url).content.decode()
    assert "data-plenary-stage" in html
    assert "?view=plenary" in html
    assert "ÖPNV" in html
    assert "Handel vor Ort" in html
    assert "Geheim verborgen" not in html
    assert Client().get(url.replace(workshop.projector_token, "x" * 20)).status_code == 404


def test_projector_shows_the_plenary_when_the_phase_is_the_plenary(workshop, walls):
    phase = workshop.phases.filter(view="plenary").first()
    workshop.current_phase = phase
    workshop.save()
    html = Client().get(reverse("projector", args=[workshop.projector_token])).content.decode()
    assert "data-plenary-stage" in html
    assert "data-pager-stage" not in html


def test_console_plenary_for_facilitators_only(workshop, walls, facilitator_client):
    url = reverse("workshop:plenary", args=[workshop.pk])
    response = facilitator_client.get(url)
    assert response.status_code == 200
    assert "spot-button" in response.content.decode()
    other = Client()
    other.force_login(UserFactory(username="fremd"))
    assert other.get(url).status_code == 404


def test_console_spotlight_form_sets_and_clears(workshop, walls, facilitator_client):
    url = reverse("workshop:spotlight", args=[workshop.pk])
    response = facilitator_client.post(url, {"kind": "cluster", "id": walls["oepnv"].pk})
    assert response.status_code == 302
    assert fresh(workshop).spotlight_id == walls["oepnv"].pk
    response = facilitator_client.post(
        url,
        {"kind": "card", "id": walls["hidden"].pk},
        headers={"HX-Request": "true", "Accept-Language": "en"},
    )
    assert "cannot be put in the spotlight" in response.content.decode()
    assert fresh(workshop).spotlight_id == walls["oepnv"].pk
    facilitator_client.post(reverse("workshop:spotlight-clear", args=[workshop.pk]))
    assert fresh(workshop).spotlight_kind == ""


def test_spotlight_shows_on_group_walls_and_the_console(
    workshop, walls, group_a, facilitator, facilitator_client
):
    spotlight_set(Actor.facilitator(facilitator), workshop, "cluster", walls["oepnv"].pk)
    phone = Client()
    join_via_http(phone, group_a, "Kim")
    html = phone.get(reverse("board", args=[group_a.board.pk])).content.decode()
    assert "spotlight--on" in html
    assert "ÖPNV" in html
    html = facilitator_client.get(reverse("workshop:console", args=[workshop.pk])).content.decode()
    assert "spotlight--on" in html
