"""The facilitator's page "Synergies & conclusions" through the client: facilitators only,
odd ids refused at the edge, messages at the form they belong to (read in English here)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boards import services
from boards.models import Conclusion, Link
from boards.services import synergies as syn
from tests.boards.wall import add
from tests.factories import UserFactory
from workshop.permissions import Actor

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true", **EN}


@pytest.fixture
def bus(board_a):
    return add(board_a, "Busse im 10-Minuten-Takt")


@pytest.fixture
def centre(board_b, facilitator):
    card = add(board_b, "Lieferverkehr bündeln")
    return services.cluster_create(
        board=board_b, title="Innenstadt erreichbar", user=facilitator, cards=[card]
    )


@pytest.fixture
def a_link(facilitator, workshop, bus, centre) -> Link:
    return syn.link_create(
        Actor.facilitator(facilitator),
        workshop,
        source=("card", bus.pk),
        target=("cluster", centre.pk),
        kind="synergy",
        note="Beide brauchen Erreichbarkeit",
    )


def url(name: str, workshop, *args) -> str:
    return reverse(f"workshop:{name}", args=[workshop.pk, *args])


def test_the_console_links_to_the_page(facilitator_client, workshop):
    page = facilitator_client.get(url("console", workshop), **EN).content.decode()
    assert f'href="{url("synergies", workshop)}"' in page
    assert "Synergies & conclusions" in page


def test_the_page_lists_each_groups_ends_links_conclusions_and_actors(
    facilitator_client, workshop, a_link, bus, centre
):
    syn.conclusion_create(
        Actor.facilitator(workshop.facilitators.first()),
        workshop,
        text="Wirtschaft und Verwaltung planen gemeinsam",
        actor_ids=[a.pk for a in workshop.actors.all()[:2]],
        who="Stadt",
    )
    page = facilitator_client.get(url("synergies", workshop), **EN).content.decode()
    assert '<optgroup label="Mobilität">' in page
    assert '<optgroup label="Einzelhandel">' in page
    assert f'value="card-{bus.pk}"' in page
    assert f'value="cluster-{centre.pk}"' in page
    assert "Beide brauchen Erreichbarkeit" in page
    assert "Take over as a conclusion" in page
    assert "Wirtschaft und Verwaltung planen gemeinsam" in page
    for actor in workshop.actors.all():
        assert f'value="{actor.pk}"' in page


@pytest.mark.parametrize("who", ["other facilitator", "participant"])
def test_others_are_refused_everywhere(who, workshop, a_link, group_a, joined_client):
    if who == "participant":
        client, _kim = joined_client(group_a)
    else:
        client = Client()
        client.force_login(UserFactory(username="fremd"))
    conclusion = syn.conclusion_create(
        Actor.facilitator(workshop.facilitators.first()), workshop, text="Zusammen"
    )
    actor = workshop.actors.first()
    # A phone has no account: it is asked to log in, and its session changes nothing here.
    refused = 302 if who == "participant" else 404
    assert client.get(url("synergies", workshop)).status_code == refused
    for name, args in (
        ("link-create", ()),
        ("link-update", (a_link.pk,)),
        ("link-delete", (a_link.pk,)),
        ("conclusion-create", ()),
        ("conclusion-update", (conclusion.pk,)),
        ("conclusion-delete", (conclusion.pk,)),
        ("conclusion-move", (conclusion.pk,)),
        ("actor-create", ()),
        ("actor-rename", (actor.pk,)),
        ("actor-delete", (actor.pk,)),
    ):
        response = client.post(url(name, workshop, *args), {"name": "X", "text": "Y"})
        assert response.status_code == refused, name
    assert Link.objects.get().note == "Beide brauchen Erreichbarkeit"
    assert Conclusion.objects.count() == 1
    assert workshop.actors.count() == 3


def test_anonymous_visitors_are_sent_to_log_in(workshop):
    response = Client().get(url("synergies", workshop))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_link_created_through_htmx_shows_in_the_editor(facilitator_client, workshop, bus, centre):
    response = facilitator_client.post(
        url("link-create", workshop),
        {
            "source": f"card-{bus.pk}",
            "target": f"cluster-{centre.pk}",
            "kind": "parallel",
            "note": "Gleiches Ziel",
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="synergies-editor"')
    link = Link.objects.get()
    assert (link.from_card, link.to_cluster, link.kind, link.note) == (
        bus,
        centre,
        "parallel",
        "Gleiches Ziel",
    )
    assert f'data-focus="link-{link.pk}"' in html
    assert "The link was saved." in html


def test_a_refused_link_says_why_at_its_form(facilitator_client, workshop, board_a, bus, centre):
    other = add(board_a, "Radwege")
    response = facilitator_client.post(
        url("link-create", workshop),
        {"source": f"card-{bus.pk}", "target": f"card-{other.pk}", "kind": "synergy", "note": "N"},
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="link-new-error"' in html
    assert "A link joins two different groups" in html
    assert 'value="N"' in html  # what was typed stays
    assert f'<option value="card-{other.pk}" selected>' in html
    assert not Link.objects.exists()


@pytest.mark.parametrize(
    ("source", "status"),
    [("card-abc", 422), ("card-99999999999999999999", 422), ("box-1", 422), ("", 422)],
)
def test_odd_ends_are_refused_with_their_message(
    facilitator_client, workshop, centre, source, status
):
    response = facilitator_client.post(
        url("link-create", workshop),
        {"source": source, "target": f"cluster-{centre.pk}", "kind": "synergy"},
        **HTMX,
    )
    assert response.status_code == status
    assert not Link.objects.exists()


def test_a_stale_link_edit_gets_409_and_the_current_state(facilitator_client, workshop, a_link):
    ok = facilitator_client.post(
        url("link-update", workshop, a_link.pk),
        {"kind": "conflict", "note": "Neu", "version": "1"},
        **HTMX,
    )
    assert ok.status_code == 200
    stale = facilitator_client.post(
        url("link-update", workshop, a_link.pk),
        {"kind": "parallel", "note": "Alt", "version": "1"},
        **HTMX,
    )
    assert stale.status_code == 409
    assert "Someone else changed this just now" in stale.content.decode()
    assert Link.objects.get().note == "Neu"


def test_ids_of_another_workshop_or_none_at_all_are_404(
    facilitator_client, workshop, other_workshop, a_link
):
    other = Actor.facilitator(other_workshop.facilitators.first())
    foreign = syn.conclusion_create(other, other_workshop, text="Fremd")
    for name, pk in (
        ("link-update", 987654),
        ("conclusion-update", foreign.pk),
        ("conclusion-delete", foreign.pk),
        ("actor-rename", other_workshop.actors.first().pk),
    ):
        response = facilitator_client.post(
            url(name, workshop, pk), {"name": "X", "text": "X", "version": "1"}, **HTMX
        )
        assert response.status_code == 404, name
    assert Conclusion.objects.get(pk=foreign.pk).text == "Fremd"
    huge = f"/w/{workshop.pk}/synergies/links/{2**63}/"
    assert facilitator_client.post(huge, {"kind": "synergy", "version": "1"}).status_code == 404


def test_without_js_a_form_post_redirects_back_with_a_message(facilitator_client, workshop, a_link):
    response = facilitator_client.post(
        url("conclusion-create", workshop), {"from_link": a_link.pk, "kind": "conclusion"}, **EN
    )
    conclusion = Conclusion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"{url('synergies', workshop)}?open=conclusion-{conclusion.pk}"
        f"#conclusion-{conclusion.pk}-text"
    )
    page = facilitator_client.get(response["Location"], **EN).content.decode()
    # Its editor is open without JS, so the facilitator can put it in their words at once.
    assert '<details class="synergy-edit" open>' in page
    assert "The conclusion was added: you can change its words now." in page
    assert conclusion.from_link == a_link
    assert conclusion.text.startswith("Beide brauchen Erreichbarkeit")


def test_without_js_a_refused_form_shows_the_page_with_the_message(facilitator_client, workshop):
    taken = workshop.actors.first().name
    response = facilitator_client.post(url("actor-create", workshop), {"name": taken.upper()}, **EN)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert 'id="actor-new-error"' in html
    assert "There is already an actor called" in html


def test_a_conclusion_with_actors_who_and_by_when(facilitator_client, workshop):
    economy, administration, _society = workshop.actors.all()
    response = facilitator_client.post(
        url("conclusion-create", workshop),
        {
            "kind": "step",
            "text": "Runder Tisch Innenstadt",
            "actors": [economy.pk, administration.pk],
            "who": "Wirtschaftsförderung",
            "due": "2026-12-31",
        },
        **HTMX,
    )
    assert response.status_code == 200
    made = Conclusion.objects.get()
    assert (made.kind, made.who, str(made.due)) == ("step", "Wirtschaftsförderung", "2026-12-31")
    assert set(made.actors.all()) == {economy, administration}
    bad_date = facilitator_client.post(
        url("conclusion-create", workshop),
        {"kind": "step", "text": "Noch einer", "due": "2026-02-30"},
        **HTMX,
    )
    assert bad_date.status_code == 422
    assert "Enter the date as day, month and year." in bad_date.content.decode()
    assert Conclusion.objects.count() == 1


def test_moving_and_removing_through_the_page(facilitator_client, workshop):
    me = Actor.facilitator(workshop.facilitators.first())
    first, second = (syn.conclusion_create(me, workshop, text=t) for t in ("Erst", "Dann"))
    moved = facilitator_client.post(
        url("conclusion-move", workshop, second.pk),
        {"index": "0", "version": "1", "direction": "up"},
        **HTMX,
    )
    assert moved.status_code == 200
    assert list(workshop.conclusions.values_list("text", flat=True)) == ["Dann", "Erst"]
    gone = facilitator_client.post(url("conclusion-delete", workshop, first.pk), **EN)
    assert gone.status_code == 302
    assert list(workshop.conclusions.values_list("text", flat=True)) == ["Dann"]
    actor = workshop.actors.last()
    facilitator_client.post(url("actor-rename", workshop, actor.pk), {"name": "Bürgerschaft"})
    assert workshop.actors.last().name == "Bürgerschaft"
    facilitator_client.post(url("actor-delete", workshop, actor.pk))
    assert workshop.actors.count() == 2


def test_a_conclusion_derived_from_a_cluster_picked_in_the_form(
    facilitator_client, workshop, centre, other_group
):
    page = facilitator_client.get(url("synergies", workshop), **EN).content.decode()
    assert f'<option value="{centre.pk}">Cluster: Innenstadt erreichbar</option>' in page
    response = facilitator_client.post(
        url("conclusion-create", workshop),
        {"kind": "conclusion", "text": "", "from_cluster": str(centre.pk)},
        **HTMX,
    )
    assert response.status_code == 200
    made = Conclusion.objects.get()
    assert (made.text, made.from_cluster) == ("Innenstadt erreichbar", centre)
    html = response.content.decode()
    assert f'data-focus="conclusion-{made.pk}-text"' in html
    assert "From the cluster “Innenstadt erreichbar” (Einzelhandel)" in html
    foreign = services.cluster_create(
        board=other_group.board, title="Fremd", user=other_group.workshop.facilitators.first()
    )
    refused = facilitator_client.post(
        url("conclusion-create", workshop),
        {"kind": "conclusion", "from_cluster": str(foreign.pk)},
        **HTMX,
    )
    assert refused.status_code == 422
    assert Conclusion.objects.count() == 1
