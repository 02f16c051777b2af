"""Links between the groups' walls, conclusions and actors (issue 7): the services, the read
model and the pushes. Messages are checked in English (the pending German is merged later)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from boards import services
from boards.models import Board, Conclusion, Link
from boards.permissions import Refused
from boards.selectors.synergies import link_choices, synergies_for
from boards.services import Conflict, synergies as syn
from boards.synergy_events import synergies_snapshot
from tests.boards.wall import add
from tests.factories import BreakoutGroupFactory, ParticipantFactory, UserFactory
from workshop.live import Audience
from workshop.permissions import PROJECTOR, Actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def me(facilitator) -> Actor:
    return Actor.facilitator(facilitator)


@pytest.fixture
def bus(board_a):
    return add(board_a, "Busse im 10-Minuten-Takt")


@pytest.fixture
def shops(board_b):
    return add(board_b, "Lieferverkehr bündeln")


@pytest.fixture
def centre(board_b, facilitator, shops):
    return services.cluster_create(
        board=board_b, title="Innenstadt erreichbar", user=facilitator, cards=[shops]
    )


def link(me, workshop, a, b, kind="synergy", note=""):
    def end(thing):
        return ("card", thing.pk) if hasattr(thing, "text") else ("cluster", thing.pk)

    return syn.link_create(me, workshop, source=end(a), target=end(b), kind=kind, note=note)


# ---------------------------------------------------------------- links


def test_a_link_joins_a_card_and_a_cluster_of_two_groups(me, workshop, bus, centre):
    made = link(me, workshop, bus, centre, kind="synergy", note="Beide brauchen Erreichbarkeit")
    stored = Link.objects.get()
    assert (stored.from_card, stored.to_cluster, stored.kind) == (bus, centre, "synergy")
    assert stored.note == "Beide brauchen Erreichbarkeit"
    assert made.version == 1


def test_two_ends_on_one_groups_wall_are_refused(me, workshop, board_a, bus):
    other = add(board_a, "Radwege")
    with pytest.raises(ValidationError, match="two different groups"):
        link(me, workshop, bus, other)
    assert not Link.objects.exists()


def test_an_end_on_the_plenary_board_is_refused(me, workshop, bus):
    plenary = Board.objects.plenary().get(workshop=workshop)
    card = add(plenary, "Im Plenum geschrieben")
    with pytest.raises(ValidationError, match="walls of two groups"):
        link(me, workshop, bus, card)


def test_an_end_of_another_workshop_is_refused(me, workshop, bus, other_group):
    foreign = add(other_group.board, "Fremd")
    with pytest.raises(ValidationError, match="not on a wall of this workshop"):
        link(me, workshop, bus, foreign)
    assert not Link.objects.exists()


def test_a_facilitator_of_another_workshop_is_refused(workshop, bus, shops):
    stranger = Actor.facilitator(UserFactory(username="fremd"))
    with pytest.raises(Refused):
        link(stranger, workshop, bus, shops)
    assert not Link.objects.exists()


@pytest.mark.parametrize("how", ["hidden", "deleted", "secret"])
def test_a_card_that_is_not_on_the_wall_for_everyone_is_refused(
    me, workshop, facilitator, board_b, bus, how
):
    if how == "secret":
        services.board_configure(board=board_b, mode=Board.Mode.HIDDEN)
        lou = ParticipantFactory(group=board_b.group)
        card = add(board_b, "Noch verdeckt", participant=lou)
    else:
        card = add(board_b, "Weg damit")
        if how == "hidden":
            services.card_hide(card=card, hidden=True, user=facilitator)
        else:
            services.card_delete(card=card, user=facilitator, version=card.version)
    with pytest.raises(ValidationError, match="not on the wall for everyone"):
        link(me, workshop, bus, card)
    assert not Link.objects.exists()


def test_the_same_pair_twice_is_refused_in_either_direction(me, workshop, bus, centre):
    link(me, workshop, bus, centre)
    for a, b in ((bus, centre), (centre, bus)):
        with pytest.raises(ValidationError, match="linked already"):
            link(me, workshop, a, b, kind="parallel")
    assert Link.objects.count() == 1


def test_an_unknown_kind_and_a_long_note_are_refused(me, workshop, bus, centre):
    with pytest.raises(ValidationError, match="parallel, synergy or conflict"):
        link(me, workshop, bus, centre, kind="love")
    with pytest.raises(ValidationError, match="at most 300"):
        link(me, workshop, bus, centre, note="x" * 301)
    assert not Link.objects.exists()


@pytest.mark.parametrize("action", ["link", "conclude", "actor"])
def test_participants_and_the_projector_may_not_link_or_conclude(workshop, bus, centre, action):
    kim = ParticipantFactory(group=bus.board.group)
    attempts = {
        "link": lambda who: link(who, workshop, bus, centre),
        "conclude": lambda who: syn.conclusion_create(who, workshop, text="Zusammen handeln"),
        "actor": lambda who: syn.actor_create(who, workshop, name="Wissenschaft"),
    }
    for who in (Actor.of(kim), PROJECTOR):
        with pytest.raises(Refused):
            attempts[action](who)
    assert not Link.objects.exists()
    assert not Conclusion.objects.exists()
    assert workshop.actors.count() == 3


def test_a_link_update_with_a_stale_version_conflicts(me, workshop, bus, centre):
    made = link(me, workshop, bus, centre, note="alt")
    changed = syn.link_update(me, made, kind="conflict", note="neu", version=1)
    assert (changed.kind, changed.note, changed.version) == ("conflict", "neu", 2)
    with pytest.raises(Conflict):
        syn.link_update(me, made, kind="parallel", note="überholt", version=1)
    with pytest.raises(ValidationError):
        syn.link_update(me, made, kind="parallel", note="ohne Version", version=None)
    assert Link.objects.get().note == "neu"


def test_a_removed_link_keeps_its_conclusions(me, workshop, bus, centre):
    made = link(me, workshop, bus, centre)
    conclusion = syn.conclusion_create(me, workshop, from_link=made)
    syn.link_delete(me, made)
    assert not Link.objects.exists()
    assert Conclusion.objects.get(pk=conclusion.pk).from_link is None
    with pytest.raises(Conflict):
        syn.link_update(me, made, kind="parallel", note="", version=1)


# ---------------------------------------------------------------- actors


def test_actors_are_unique_per_workshop_whatever_the_case(me, workshop, other_workshop):
    first, second, _third = (a.name for a in workshop.actors.all())  # the seeded three
    science = syn.actor_create(me, workshop, name="  Wissenschaft ")
    assert science.name == "Wissenschaft"
    assert science.position > 2
    for taken in (first.lower(), "WISSENSCHAFT"):
        with pytest.raises(ValidationError, match="already an actor"):
            syn.actor_create(me, workshop, name=taken)
    with pytest.raises(ValidationError, match="already an actor"):
        syn.actor_rename(me, science, name=second.upper())
    with pytest.raises(ValidationError, match="a name"):
        syn.actor_create(me, workshop, name=" \u200b ")
    # Another workshop has its own list.
    other = Actor.facilitator(other_workshop.facilitators.first())
    syn.actor_create(other, other_workshop, name="Wissenschaft")
    assert syn.actor_rename(me, science, name="Forschung").name == "Forschung"
    syn.actor_rename(me, science, name="forschung")  # its own name in another case
    assert workshop.actors.filter(name="forschung").exists()


def test_a_removed_actor_leaves_its_conclusions_with_the_others(me, workshop):
    economy, administration, _society = workshop.actors.all()
    conclusion = syn.conclusion_create(
        me, workshop, text="Gemeinsam planen", actor_ids=[economy.pk, administration.pk]
    )
    syn.actor_delete(me, economy)
    assert list(conclusion.actors.all()) == [administration]


# ---------------------------------------------------------------- conclusions


def test_a_conclusion_with_actors_who_and_by_when(me, workshop):
    economy, administration, _society = workshop.actors.all()
    due = datetime.date(2026, 12, 31)
    made = syn.conclusion_create(
        me,
        workshop,
        kind=Conclusion.Kind.NEXT_STEP,
        text="Runder Tisch Innenstadt",
        actor_ids=[administration.pk, economy.pk],
        who="Wirtschaftsförderung",
        due=due,
    )
    assert (made.kind, made.who, made.due) == ("step", "Wirtschaftsförderung", due)
    assert set(made.actors.all()) == {economy, administration}
    view = synergies_for(workshop, Audience.PARTICIPANTS).conclusions[0]
    assert view.actors == [economy.name, administration.name]  # in the list's order
    assert view.kind_label == "Next step"


def test_a_conclusion_without_text_or_with_a_foreign_actor_is_refused(me, workshop, other_workshop):
    with pytest.raises(ValidationError, match="Write the conclusion"):
        syn.conclusion_create(me, workshop, text="  ")
    foreign = other_workshop.actors.first()
    with pytest.raises(ValidationError, match="actor was removed"):
        syn.conclusion_create(me, workshop, text="Zusammen", actor_ids=[foreign.pk])
    assert not Conclusion.objects.exists()


def test_derived_from_a_cluster_it_starts_with_the_heading(me, workshop, centre):
    made = syn.conclusion_create(me, workshop, from_cluster=centre)
    assert (made.text, made.from_cluster) == ("Innenstadt erreichbar", centre)
    view = synergies_for(workshop, Audience.PROJECTOR).conclusions[0]
    assert view.source == "From the cluster “Innenstadt erreichbar” (Einzelhandel)"
    # Its own words win over the heading.
    own = syn.conclusion_create(me, workshop, text="Erreichbarkeit zuerst", from_cluster=centre)
    assert own.text == "Erreichbarkeit zuerst"


def test_derived_from_a_link_it_starts_with_the_note_and_the_ends(me, workshop, bus, centre):
    made = link(me, workshop, bus, centre, note="Beide brauchen Erreichbarkeit")
    conclusion = syn.conclusion_create(me, workshop, from_link=made)
    assert conclusion.text == (
        "Beide brauchen Erreichbarkeit (Busse im 10-Minuten-Takt ↔ Innenstadt erreichbar)"
    )
    plain = link(me, workshop, bus, add(centre.board, "Parken"), kind="conflict")
    assert syn.conclusion_create(me, workshop, from_link=plain).text == (
        "Conflict of goals: Busse im 10-Minuten-Takt ↔ Parken"
    )


def test_a_cluster_or_link_of_another_workshop_is_refused(me, workshop, other_group):
    foreign = services.cluster_create(
        board=other_group.board, title="Anderswo", user=other_group.workshop.facilitators.first()
    )
    with pytest.raises(ValidationError):
        syn.conclusion_create(me, workshop, from_cluster=foreign)
    assert not Conclusion.objects.exists()


def test_a_conclusion_update_with_a_stale_version_conflicts(me, workshop):
    made = syn.conclusion_create(me, workshop, text="Erst so")
    syn.conclusion_update(
        me, made, kind="step", text="Dann so", actor_ids=[], who="", due=None, version=1
    )
    with pytest.raises(Conflict):
        syn.conclusion_update(
            me, made, kind="step", text="Überholt", actor_ids=[], who="", due=None, version=1
        )
    assert Conclusion.objects.get().text == "Dann so"


def test_conclusions_move_and_go(me, workshop):
    one, two, three = (syn.conclusion_create(me, workshop, text=t) for t in ("A", "B", "C"))
    syn.conclusion_move(me, three, index=0, version=1)
    assert list(workshop.conclusions.values_list("text", flat=True)) == ["C", "A", "B"]
    with pytest.raises(Conflict):
        syn.conclusion_move(me, three, index=2, version=1)
    syn.conclusion_move(me, one, index=99, version=1)
    assert list(workshop.conclusions.values_list("text", flat=True)) == ["C", "B", "A"]
    syn.conclusion_delete(me, two)
    assert list(workshop.conclusions.values_list("text", flat=True)) == ["C", "A"]


# ---------------------------------------------------------------- the read model


def test_participants_never_see_a_link_to_a_card_hidden_later(
    me, workshop, facilitator, bus, centre
):
    made = link(me, workshop, bus, centre)
    services.card_hide(card=bus, hidden=True, user=facilitator)
    for audience in (Audience.PARTICIPANTS, Audience.PROJECTOR):
        assert synergies_for(workshop, audience).links == []
    (seen,) = synergies_for(workshop, Audience.FACILITATORS).links
    assert seen.link == made
    assert seen.source.hidden
    assert seen.has_hidden_end
    # Nor the link a conclusion came from.
    syn.conclusion_create(me, workshop, text="Trotzdem", from_link=made)
    assert synergies_for(workshop, Audience.PARTICIPANTS).conclusions[0].source == ""


def test_the_read_model_takes_a_fixed_number_of_queries(me, workshop, bus, centre, board_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            synergies_for(workshop, Audience.PARTICIPANTS)
        return len(queries)

    link(me, workshop, bus, centre)
    syn.conclusion_create(me, workshop, text="Eins", actor_ids=[workshop.actors.first().pk])
    few = count()
    group_c = BreakoutGroupFactory(workshop=workshop, name="Verwaltung")
    for n in range(5):
        card = add(group_c.board, f"Karte {n}")
        link(me, workshop, bus if n % 2 else add(board_a, f"A{n}"), card, note=f"N{n}")
        made = syn.conclusion_create(
            me,
            workshop,
            from_link=Link.objects.last(),
            actor_ids=[a.pk for a in workshop.actors.all()],
        )
        assert made.actors.count() == 3
    assert count() == few == 4


def test_the_pickers_list_each_groups_clusters_and_cards_on_the_wall(
    workshop, facilitator, bus, centre, board_a
):
    hidden = add(board_a, "Versteckt")
    services.card_hide(card=hidden, hidden=True, user=facilitator)
    mobility, retail = link_choices(workshop)
    assert mobility.group == "Mobilität"
    assert retail.group == "Einzelhandel"
    assert [c.value for c in mobility.cards] == [f"card-{bus.pk}"]
    assert [c.label for c in retail.clusters] == ["Cluster: Innenstadt erreichbar"]
    assert [c.label for c in retail.cards] == ["Lieferverkehr bündeln (Innenstadt erreichbar)"]


# ---------------------------------------------------------------- pushes


def test_a_change_reaches_every_audience_of_the_workshop_and_no_other(
    me, workshop, other_workshop, bus, centre, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link(me, workshop, bus, centre, note="Zusammen denken")
    groups = {group for group, _message in sent}
    assert groups == {
        f"workshop.{workshop.pk}.{audience}.{language}"
        for audience in ("facilitators", "participants", "projector")
        for language in ("de", "en")
    }
    for _group, message in sent:
        assert 'id="synergies-links"' in message["html"]
        assert 'id="synergies-conclusions"' in message["html"]
        assert message["html"].count('hx-swap-oob="true"') == 2
        assert "Zusammen denken" in message["html"]
    english = dict(sent)[f"workshop.{workshop.pk}.participants.en"]["html"]
    assert "Synergy" in english


def test_a_hidden_end_is_pushed_to_the_facilitators_only(
    me, workshop, facilitator, bus, centre, sent, django_capture_on_commit_callbacks
):
    link(me, workshop, bus, centre)
    with django_capture_on_commit_callbacks(execute=True):
        services.card_hide(card=bus, hidden=True, user=facilitator)
    pushed = {g: m["html"] for g, m in sent if g.startswith(f"workshop.{workshop.pk}.")}
    assert "Busse im 10-Minuten-Takt" in pushed[f"workshop.{workshop.pk}.facilitators.en"]
    for audience in ("participants", "projector"):
        for language in ("de", "en"):
            html = pushed[f"workshop.{workshop.pk}.{audience}.{language}"]
            assert "Busse im 10-Minuten-Takt" not in html
            assert 'id="synergies-links"' in html


def test_a_rolled_back_change_pushes_nothing(
    me, workshop, sent, django_capture_on_commit_callbacks
):
    def then_fail() -> None:
        with transaction.atomic():
            syn.actor_create(me, workshop, name="Wissenschaft")
            raise RuntimeError("something after it failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        then_fail()
    assert sent == []
    assert not workshop.actors.filter(name="Wissenschaft").exists()


def test_a_socket_catches_up_once_there_is_something_to_show(me, workshop, bus, centre):
    assert synergies_snapshot(workshop.pk, Audience.PROJECTOR) == []
    link(me, workshop, bus, centre, note="Gemeinsam")
    (html,) = synergies_snapshot(workshop.pk, Audience.PROJECTOR)
    assert "Gemeinsam" in html
    assert 'id="synergies-conclusions"' in html
