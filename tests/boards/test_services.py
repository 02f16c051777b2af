"""Operations on the walls: cards, groups with their boards, the demo, and what they announce."""

from __future__ import annotations

import threading
import unicodedata
import uuid

import pytest
import tinyhtml5
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from boards import services
from boards.management.commands import demo
from boards.models import Board, Card
from tests.factories import CardFactory, ParticipantFactory, UserFactory
from workshop import live
from workshop.live import Audience
from workshop.models import BreakoutGroup, Workshop
from workshop.text import clean_text

AUDIENCES = [Audience.FACILITATORS, Audience.PARTICIPANTS, Audience.PROJECTOR]
# One fragment per audience and interface language.
PUSHES_PER_CHANGE = len(AUDIENCES) * len(live.languages())


def create(board, text="Mehr Radwege", client_uuid=None, **kwargs):
    if "participant" not in kwargs and "user" not in kwargs:
        kwargs["user"] = board.workshop.facilitators.first()  # somebody acts
    return services.card_create(
        board=board, text=text, client_uuid=client_uuid or uuid.uuid4(), **kwargs
    )


def fragments(sent, board):
    """{audience: html} of what was pushed to `board`'s groups."""
    out = {}
    for group, message in sent:
        for audience in AUDIENCES:
            if group == live.board_group(board.pk, audience):
                assert audience not in out, f"two pushes to {group}"
                out[audience] = message["html"]
    return out


# card_create --------------------------------------------------------------------------------


def test_card_create_pins_card_and_bumps_rev_by_one(board_a):
    author = ParticipantFactory(group=board_a.group)
    before = Board.objects.get(pk=board_a.pk).rev
    card, created = create(
        board_a, "  Echtzeit-Auskunft\x00 an jeder Haltestelle ", participant=author
    )
    assert created is True
    assert Card.objects.get(pk=card.pk).text == "Echtzeit-Auskunft an jeder Haltestelle"
    assert card.author == author
    assert Board.objects.get(pk=board_a.pk).rev == before + 1
    assert board_a.rev == before + 1  # the caller's object follows
    create(board_a, "Zweite Idee")
    assert Board.objects.get(pk=board_a.pk).rev == before + 2
    assert list(board_a.cards.values_list("text", flat=True)) == [
        "Echtzeit-Auskunft an jeder Haltestelle",
        "Zweite Idee",
    ]


def test_card_create_does_not_touch_other_boards(board_a, board_b):
    create(board_a)
    assert Board.objects.get(pk=board_b.pk).rev == 0
    assert not board_b.cards.exists()


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x02", "\n\t"])
def test_empty_card_refused_with_german_message(
    board_a, text, sent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        translation.override("de"),
        pytest.raises(ValidationError) as excinfo,
    ):
        create(board_a, text)
    assert excinfo.value.messages == ["Die Karte ist leer. Schreiben Sie zuerst ein paar Worte."]
    assert not Card.objects.exists()
    assert Board.objects.get(pk=board_a.pk).rev == 0
    assert sent == []


def test_too_long_card_refused_with_german_message(
    board_a, sent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        translation.override("de"),
        pytest.raises(ValidationError) as excinfo,
    ):
        create(board_a, "x" * 141)
    assert excinfo.value.messages == ["Eine Karte fasst höchstens 140 Zeichen (diese hat 141)."]
    assert not Card.objects.exists()
    assert Board.objects.get(pk=board_a.pk).rev == 0
    assert sent == []


def test_card_at_the_limit_is_accepted(board_a):
    card, created = create(board_a, "ä" * 140)
    assert created
    assert len(card.text) == 140


def test_card_limit_counts_cleaned_text(board_a):
    # Whitespace and control characters around the text do not count against the limit.
    card, _created = create(board_a, "  " + "a" * 140 + "\x00\x00  ")
    assert card.text == "a" * 140


def test_card_limit_follows_the_setting(board_a, settings):
    settings.STELLWAND_CARD_MAX_LENGTH = 10
    with pytest.raises(ValidationError):
        create(board_a, "elf Zeichen")
    assert create(board_a, "zehn Zeich")[1] is True


def test_same_client_uuid_twice_is_one_card(board_a, sent, django_capture_on_commit_callbacks):
    client_uuid = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first, created_first = create(board_a, "Ein Ticket für alles", client_uuid)
        again, created_again = create(board_a, "Ein Ticket für alles", client_uuid)
    assert (created_first, created_again) == (True, False)
    assert again.pk == first.pk
    assert Card.objects.count() == 1
    assert Board.objects.get(pk=board_a.pk).rev == 1
    # The retry announced nothing: one push per audience and language to the board, one to
    # the plenary.
    assert len([g for g, _m in sent if g.startswith("board.")]) == PUSHES_PER_CHANGE
    plenary = [(g, m) for g, m in sent if g.startswith("plenary.")]
    sections = [g for g, m in plenary if not m["html"].startswith('<section id="parallels"')]
    assert len(sections) == PUSHES_PER_CHANGE
    # and the facilitators' suggested parallels, once per language (coalesced)
    assert len(plenary) - len(sections) <= len(live.languages())


def test_same_client_uuid_on_another_board_is_another_card(board_a, board_b):
    client_uuid = uuid.uuid4()
    one, _ = create(board_a, "Idee", client_uuid)
    two, created = create(board_b, "Idee", client_uuid)
    assert created
    assert one.pk != two.pk


def test_rolled_back_card_sends_nothing(board_a, sent, django_capture_on_commit_callbacks):
    class Boom(Exception):
        pass

    def pin_then_fail():
        with transaction.atomic():
            create(board_a, "Wird zurückgerollt")
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        pin_then_fail()
    assert callbacks == []
    assert sent == []
    assert not Card.objects.exists()
    assert Board.objects.get(pk=board_a.pk).rev == 0


def test_committed_card_is_announced_once_per_audience(
    board_a, sent, django_capture_on_commit_callbacks
):
    create(board_a, "Vorher")
    with django_capture_on_commit_callbacks(execute=True):
        card, _ = create(board_a, "Takt in den Außenbezirken verdichten")
    assert len([g for g, _m in sent if g.startswith("board.")]) == PUSHES_PER_CHANGE
    pushed = fragments(sent, board_a)
    assert set(pushed) == set(AUDIENCES)
    for audience, html in pushed.items():
        assert all(message["type"] == "board.fragment" for _group, message in sent)
        assert f'id="card-{card.pk}"' in html, audience
        assert "Takt in den Außenbezirken verdichten" in html
        assert 'data-rev="2"' in html
        assert f'hx-swap-oob="beforeend:#board-{board_a.pk}-cards"' in html
        assert "Vorher" not in html  # an event carries the change, not the wall


def test_card_author_is_not_shown_on_the_projector(
    board_a, sent, django_capture_on_commit_callbacks
):
    author = ParticipantFactory(group=board_a.group, display_name="Kim Beispiel")
    with django_capture_on_commit_callbacks(execute=True):
        create(board_a, "Idee", participant=author)
    pushed = fragments(sent, board_a)
    assert "Kim Beispiel" in pushed[Audience.PARTICIPANTS]
    assert "Kim Beispiel" in pushed[Audience.FACILITATORS]
    assert "Kim Beispiel" not in pushed[Audience.PROJECTOR]


def test_markup_in_card_text_is_pushed_as_text(board_a, sent, django_capture_on_commit_callbacks):
    text = '<script>alert(1)</script><img src=x onerror=alert(2)> hx-get="/x"'
    with django_capture_on_commit_callbacks(execute=True):
        card, _ = create(board_a, text)
    assert card.text == text  # stored as typed
    for html in fragments(sent, board_a).values():
        assert "<script>" not in html
        assert "<img" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Names and headings with markup in them, each short enough for its field.
NAME = "<img src=x onerror=alert('name')>"
GROUP = '<b hx-get="/" hx-trigger="load">Gruppe</b>'
HEADING = "<script>alert('heading')</script>"


def only_text(html: str) -> str:
    """The fragment's text, after checking that nothing of a payload became an element or
    an attribute."""
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    for element in root.iter():
        assert element.tag not in {"script", "img", "svg"}, html
        assert not [name for name in element.attrib if name.startswith("on")], html
        assert element.get("hx-trigger") != "load", html
        assert element.get("hx-get") != "/", html
    return "".join(root.itertext())


def test_names_and_headings_are_pushed_as_text(
    workshop, facilitator, sent, django_capture_on_commit_callbacks
):
    from workshop.services import participant_rename

    with django_capture_on_commit_callbacks(execute=True):
        group = services.group_create(workshop=workshop, name=GROUP)
        kim = ParticipantFactory(workshop=workshop, group=group)
        participant_rename(participant=kim, display_name=NAME)
        create(group.board, "Mehr Bänke", participant=kim)
        services.cluster_create(board=group.board, title=HEADING, user=facilitator)
    live.flush_coalesced()  # the consoles' participants panel

    pushed = [(group_name, only_text(m["html"])) for group_name, m in sent if "html" in m]

    def seen(prefix: str) -> list[str]:
        return [text for name, text in pushed if name.startswith(prefix)]

    board = group.board.pk
    for audience in AUDIENCES:  # the wall's title (the group's name) and the cluster's heading
        assert any(GROUP in t and HEADING in t for t in seen(f"board.{board}.{audience}.")), (
            audience
        )
        assert any(GROUP in t for t in seen(f"plenary.{workshop.pk}.{audience}.")), audience
    for audience in (Audience.PARTICIPANTS, Audience.FACILITATORS):  # the card's author
        assert any(NAME in t for t in seen(f"board.{board}.{audience}.")), audience
    assert not any(NAME in t for t in seen(f"board.{board}.projector."))
    people = seen(f"workshop.{workshop.pk}.facilitators.")
    assert people
    assert any(NAME in t and GROUP in t for t in people)


def test_card_factory_goes_through_the_service(db):
    card = CardFactory(text="Fabrikkarte")
    assert card.board.rev == 1
    assert Card.objects.get().text == "Fabrikkarte"


# groups -------------------------------------------------------------------------------------


def test_group_create_gives_the_group_a_board(workshop):
    group = services.group_create(workshop=workshop, name=" Mobilität\x00 ", question="Wie?")
    board = Board.objects.get(group=group)
    assert board.workshop == workshop
    assert board.rev == 0
    assert group.name == "Mobilität"
    assert group.question == "Wie?"


def test_group_create_appends_in_order(workshop):
    first = services.group_create(workshop=workshop, name="Mobilität")
    second = services.group_create(workshop=workshop, name="Einzelhandel")
    assert list(workshop.groups.all()) == [first, second]
    assert [b.group for b in workshop.boards.all()] == [first, second, None]


@pytest.mark.parametrize("duplicate", ["Mobilität", "mobilität", "MOBILITÄT", " Mobilität "])
def test_group_names_unique_per_workshop_case_insensitive(workshop, duplicate):
    services.group_create(workshop=workshop, name="Mobilität")
    with pytest.raises(ValidationError) as excinfo, translation.override("de"):
        services.group_create(workshop=workshop, name=duplicate)
    assert excinfo.value.messages[0].startswith("Es gibt schon eine Gruppe „")
    assert workshop.groups.count() == 1
    assert workshop.boards.of_groups().count() == 1


def test_same_group_name_in_another_workshop_is_fine(workshop, other_workshop):
    services.group_create(workshop=workshop, name="Mobilität")
    services.group_create(workshop=other_workshop, name="Mobilität")
    assert BreakoutGroup.objects.filter(name="Mobilität").count() == 2


def test_group_create_without_a_name_refused(workshop):
    with pytest.raises(ValidationError):
        services.group_create(workshop=workshop, name=" \x00 ")
    assert not workshop.groups.exists()
    assert not workshop.boards.of_groups().exists()


def test_group_update_renames_bumps_rev_and_resends_the_wall(
    group_a, sent, django_capture_on_commit_callbacks
):
    CardFactory(board=group_a.board, text="Bestehende Karte")
    with django_capture_on_commit_callbacks(execute=True):
        services.group_update(group=group_a, name="Verkehr", question="Wie kommen wir hin?")
    group_a.refresh_from_db()
    assert (group_a.name, group_a.question) == ("Verkehr", "Wie kommen wir hin?")
    board = Board.objects.get(group=group_a)
    assert board.rev == 2
    pushed = fragments(sent, board)
    assert set(pushed) == set(AUDIENCES)
    for html in pushed.values():
        assert "Verkehr" in html
        assert "Wie kommen wir hin?" in html
        assert "Bestehende Karte" in html  # a snapshot: the whole wall
        assert "data-snapshot" in html
        assert 'data-rev="2"' in html


def test_group_update_keeps_its_own_name(group_a):
    services.group_update(group=group_a, name="mobilität", question="")
    group_a.refresh_from_db()
    assert group_a.name == "mobilität"


def test_group_update_to_a_taken_name_refused(group_a, group_b, sent):
    with pytest.raises(ValidationError):
        services.group_update(group=group_b, name="MOBILITÄT", question="")
    group_b.refresh_from_db()
    assert group_b.name == "Einzelhandel"
    assert Board.objects.get(group=group_b).rev == 0


def test_group_delete_removes_board_and_cards(group_a, group_b):
    CardFactory(board=group_a.board)
    CardFactory(board=group_b.board)
    services.group_delete(group=group_a)
    assert not Board.objects.filter(pk=group_a.board.pk).exists()
    assert Card.objects.count() == 1


def test_workshop_create_with_groups(db):
    user = UserFactory()
    workshop = services.workshop_create_with_groups(
        user=user,
        groups=[services.GroupSpec("Mobilität", "Wie?"), services.GroupSpec("Einzelhandel")],
        title="Co-Creation",
    )
    assert workshop.facilitators.get() == user
    assert [g.name for g in workshop.groups.all()] == ["Mobilität", "Einzelhandel"]
    assert workshop.boards.of_groups().count() == 2
    assert {b.group.name for b in workshop.boards.of_groups()} == {"Mobilität", "Einzelhandel"}
    assert workshop.boards.plenary().count() == 1
    assert workshop.phases.count() == 8


def test_workshop_create_with_duplicate_groups_creates_nothing(db):
    with pytest.raises(ValidationError):
        services.workshop_create_with_groups(
            user=UserFactory(),
            groups=[services.GroupSpec("Mobilität"), services.GroupSpec("mobilität")],
            title="Doppelt",
        )
    assert not Workshop.objects.exists()
    assert not Board.objects.exists()


# the demo -----------------------------------------------------------------------------------


def counts():
    return (
        Workshop.objects.count(),
        BreakoutGroup.objects.count(),
        Board.objects.count(),
        Card.objects.count(),
        list(Board.objects.order_by("pk").values_list("rev", flat=True)),
    )


def test_demo_is_idempotent(db):
    call_command("demo", stdout=_Sink())
    first = counts()
    call_command("demo", stdout=_Sink())
    assert counts() == first
    workshop = Workshop.objects.get(title=demo.DEMO_TITLE)
    assert workshop.join_code == demo.DEMO_CODE
    assert workshop.facilitators.get().username == demo.DEMO_USER
    assert [g.name for g in workshop.groups.all()] == ["Mobilität", "Einzelhandel"]
    for board in workshop.boards.of_groups():
        texts = list(board.cards.values_list("text", flat=True))
        assert texts == demo.CARDS[board.group.name]
    assert Card.objects.filter(board__workshop=workshop).count() == 8
    # Beside it, the same workshop as it ran: closed, with clusters, links and conclusions.
    finished = Workshop.objects.get(title=demo.DEMO_RESULTS_TITLE)
    assert finished.is_closed
    assert finished.results_public
    assert finished.links.count() == 3
    assert finished.conclusions.count() == 3
    assert first[0] == 2


def test_demo_facilitator_can_log_in(db):
    call_command("demo", stdout=_Sink())
    assert Client().login(username=demo.DEMO_USER, password=demo.DEMO_PASSWORD)


def test_demo_password_can_be_replaced_for_a_room_network(db):
    call_command("demo", stdout=_Sink())
    call_command("demo", "--password", "nur-fuer-heute-7", stdout=_Sink())
    assert not Client().login(username=demo.DEMO_USER, password=demo.DEMO_PASSWORD)
    assert Client().login(username=demo.DEMO_USER, password="nur-fuer-heute-7")


class _Sink:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


# concurrency --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_same_card_posted_five_times_at_once_is_one_card(group_a, joined_client, sent):
    phone, participant = joined_client(group_a)
    cookie = phone.cookies["sessionid"].value
    url = reverse("card-post", args=[group_a.board.pk])
    data = {"text": "Gleichzeitig gesendet", "client_uuid": str(uuid.uuid4())}
    barrier = threading.Barrier(5)
    responses = [None] * 5
    errors = []

    def post(i):
        try:
            client = Client(headers={"HX-Request": "true"})
            client.cookies["sessionid"] = cookie
            barrier.wait(timeout=10)
            responses[i] = client.post(url, data)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [r.status_code for r in responses] == [200] * 5
    card = Card.objects.get()
    assert card.text == "Gleichzeitig gesendet"
    assert card.author == participant
    assert all(f'id="card-{card.pk}"' in r.content.decode() for r in responses)
    assert Board.objects.get(pk=group_a.board.pk).rev == 1
    card_pushes = [g for g, m in sent if g.startswith(f"board.{group_a.board.pk}.")]
    assert len(card_pushes) == PUSHES_PER_CHANGE


# property: any text is a clean card or a ValidationError -------------------------------------


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(alphabet=st.characters(), max_size=200),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
        st.text(alphabet=st.sampled_from("aä 🚲\x00\x07\t\n\r\u202e\u200f\ud800"), max_size=160),
    )
)
def test_any_text_is_a_clean_card_or_a_validation_error(board_a, text):
    before = Card.objects.count()
    cleaned = clean_text(text)
    if not cleaned or len(cleaned) > 140:
        # Refused with a message; any other exception fails the test (it would be a 500).
        with pytest.raises(ValidationError) as excinfo:
            create(board_a, text)
        assert excinfo.value.messages
        assert Card.objects.count() == before
        return
    card, created = create(board_a, text)
    assert created
    assert Card.objects.count() == before + 1
    stored = Card.objects.get(pk=card.pk).text
    assert stored == clean_text(text)
    assert 1 <= len(stored) <= 140
    assert stored == stored.strip()
    assert not [ch for ch in stored if unicodedata.category(ch) in {"Cc", "Cs"}]
