"""The metaplan wall's services: modes, colours, versions, moving, merging, hiding, revealing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boards import services
from boards.events import personal_context, wall_context, wall_html
from boards.models import Board, Card, Cluster, Color, ModerationStep
from boards.permissions import Refused
from tests.boards.wall import (
    PUSHES_PER_CHANGE,
    add,
    at_once,
    board_pushes,
    fresh,
    in_cluster,
    is_snapshot,
    loose,
    personal_pushes,
    positions,
    rev,
)
from tests.factories import ParticipantFactory, UserFactory
from workshop.live import Audience


def configure(board, **kwargs) -> Board:
    services.board_configure(board=board, **kwargs)
    return Board.objects.select_related("group", "workshop").get(pk=board.pk)


def wall_texts(board, audience) -> list[str]:
    wall = wall_context(fresh(board), audience)["wall"]
    cards = list(wall.cards) + [c for cluster in wall.clusters for c in cluster.card_list]
    return sorted(card.text for card in cards)


# card_create per mode -----------------------------------------------------------------------


def test_open_mode_card_is_pinned_and_pushed_to_every_wall(
    board_a, kim, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        card = add(board_a, "Busse im Zehn-Minuten-Takt", participant=kim)
    assert card.state == Card.State.PINNED
    pushed = board_pushes(sent, board_a)
    assert len(pushed) == PUSHES_PER_CHANGE
    assert all("Busse im Zehn-Minuten-Takt" in html for _group, html in pushed)
    # Kim's own element learns the card is Kim's (by id, without its text).
    own = personal_pushes(sent)
    assert list(own) == [kim.pk]
    assert all(f'data-own-cards="{card.pk}"' in html for html in own[kim.pk])
    assert not any("Busse" in html for html in own[kim.pk])
    assert rev(board_a) == 1


def test_hidden_mode_card_is_secret_and_only_its_author_is_sent_its_text(
    board_a, kim, lou, sent, django_capture_on_commit_callbacks
):
    board = configure(board_a, mode=Board.Mode.HIDDEN)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        card = add(board, "Geheime Idee von Kim", participant=kim)
    assert fresh(card).state == Card.State.SECRET
    # Every wall hears that something changed (the count), as one snapshot per audience.
    pushed = board_pushes(sent, board)
    assert len(pushed) == PUSHES_PER_CHANGE
    assert all(is_snapshot(html) for _group, html in pushed)
    assert not [g for g, html in pushed if "Geheime Idee von Kim" in html]
    # Only Kim's personal element carries the text, once per language.
    personal = personal_pushes(sent)
    assert set(personal) == {kim.pk}
    assert all("Geheime Idee von Kim" in html for html in personal[kim.pk])
    assert lou.pk not in personal
    # The stored state agrees: on nobody's wall, in Kim's personal view only.
    for audience in Audience:
        assert "Geheime Idee von Kim" not in wall_texts(board, audience)
        assert wall_context(fresh(board), audience)["wall"].secret_count == 1
    assert [c.text for c in personal_context(fresh(board), kim)["own_cards"]] == [
        "Geheime Idee von Kim"
    ]
    assert personal_context(fresh(board), lou)["own_cards"] == []


def test_facilitators_own_card_goes_to_the_wall_in_hidden_mode(board_a, facilitator):
    board = configure(board_a, mode=Board.Mode.HIDDEN)
    card = add(board, "Impuls der Moderation", user=facilitator)
    assert card.state == Card.State.PINNED
    assert "Impuls der Moderation" in wall_texts(board, Audience.PARTICIPANTS)


def test_collect_mode_card_goes_to_the_facilitators_inbox(
    board_a, kim, lou, sent, django_capture_on_commit_callbacks
):
    board = configure(board_a, mode=Board.Mode.COLLECT)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        card = add(board, "Abgegebene Karte", participant=kim)
    assert fresh(card).state == Card.State.INBOX
    facilitators = wall_context(fresh(board), Audience.FACILITATORS)["wall"]
    assert [c.text for c in facilitators.inbox] == ["Abgegebene Karte"]
    for audience in (Audience.PARTICIPANTS, Audience.PROJECTOR):
        wall = wall_context(fresh(board), audience)["wall"]
        assert wall.inbox == []
        assert wall.inbox_count == 1
        assert "Abgegebene Karte" not in wall_texts(board, audience)
    for group, html in board_pushes(sent, board):
        assert ("Abgegebene Karte" in html) is (".facilitators." in group), group
    assert set(personal_pushes(sent)) == {kim.pk}


def test_board_configure_refuses_an_unknown_mode_or_colour(board_a):
    with pytest.raises(ValidationError):
        services.board_configure(board=board_a, mode="chaos")
    with pytest.raises(ValidationError):
        services.board_configure(board=board_a, card_color="purple")
    assert fresh(board_a).mode == Board.Mode.OPEN
    assert fresh(board_a).card_color == Color.YELLOW


# colours and kinds --------------------------------------------------------------------------


def test_participant_cards_take_the_facilitators_colour(board_a, kim):
    board = configure(board_a, card_color=Color.BLUE)
    assert add(board, "Blau", participant=kim, color=Color.PINK).color == Color.BLUE
    assert add(board, "Ohne Wahl", participant=kim).color == Color.BLUE


def test_participant_chooses_the_colour_only_where_allowed(board_a, kim):
    board = configure(board_a, card_color=Color.GREEN, participants_choose_color=True)
    assert add(board, "Rosa", participant=kim, color=Color.PINK).color == Color.PINK
    assert add(board, "Keine Wahl", participant=kim).color == Color.GREEN
    assert add(board, "Unsinn", participant=kim, color="purple").color == Color.GREEN


def test_facilitator_chooses_colour_and_kind(board_a, facilitator, kim):
    card = add(board_a, "Überschrift", user=facilitator, color=Color.ORANGE, kind="heading")
    assert (card.color, card.kind) == (Color.ORANGE, Card.Kind.HEADING)
    # A participant cannot make headings or ovals.
    assert add(board_a, "Oval?", participant=kim, kind="oval").kind == Card.Kind.NORMAL


def test_locked_board_refuses_participant_cards(
    board_a, kim, facilitator, sent, django_capture_on_commit_callbacks
):
    board = configure(board_a, locked=True)
    before = rev(board)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        add(board, "Zu spät", participant=kim)
    assert not Card.objects.filter(text="Zu spät").exists()
    assert rev(board) == before
    assert sent == []
    # The facilitators still write on a locked wall.
    assert add(board, "Nachtrag der Moderation", user=facilitator).state == Card.State.PINNED


# edit and delete with versions ---------------------------------------------------------------


def test_edit_with_current_version(board_a, kim):
    card = add(board_a, "Tippfeler", participant=kim)
    edited = services.card_edit(
        card=card, participant=card.author, text="Tippfehler", version=card.version
    )
    assert fresh(card).text == "Tippfehler"
    assert edited.version == card.version + 1 == fresh(card).version
    assert rev(board_a) == 2
    # A participant's own edit is not a moderation step.
    assert not ModerationStep.objects.exists()


def test_stale_edit_is_a_conflict_and_changes_nothing(
    board_a, kim, sent, django_capture_on_commit_callbacks
):
    card = add(board_a, "Erste Fassung", participant=kim)
    services.card_edit(card=card, participant=card.author, text="Zweite Fassung", version=1)
    before = rev(board_a)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.Conflict):
        services.card_edit(card=card, participant=card.author, text="Veraltete Fassung", version=1)
    stored = fresh(card)
    assert (stored.text, stored.version) == ("Zweite Fassung", 2)
    assert rev(board_a) == before
    assert sent == []


def test_stale_delete_is_a_conflict_and_the_card_stays(board_a, kim):
    card = add(board_a, "Bleibt", participant=kim)
    services.card_edit(card=card, participant=card.author, text="Bleibt, geändert", version=1)
    with pytest.raises(services.Conflict):
        services.card_delete(card=card, participant=card.author, version=1)
    assert Card.objects.alive().filter(pk=card.pk).exists()


def test_facilitator_edit_changes_colour_and_kind_and_is_recorded(board_a, facilitator, kim):
    card = add(board_a, "Idee", participant=kim)
    services.card_edit(
        card=card, text="Idee!", version=1, user=facilitator, color=Color.PINK, kind="oval"
    )
    stored = fresh(card)
    assert (stored.text, stored.color, stored.kind) == ("Idee!", Color.PINK, Card.Kind.OVAL)
    assert ModerationStep.objects.get().action == "edit"
    # Without a facilitator, colour and kind stay.
    services.card_edit(
        card=card,
        participant=card.author,
        text="Idee?",
        version=2,
        color=Color.WHITE,
        kind="heading",
    )
    assert (fresh(card).color, fresh(card).kind) == (Color.PINK, Card.Kind.OVAL)


def test_edit_refuses_empty_text(board_a, kim):
    card = add(board_a, "Text", participant=kim)
    with pytest.raises(ValidationError):
        services.card_edit(card=card, participant=card.author, text="  ", version=1)
    assert fresh(card).text == "Text"


def test_deleted_card_never_comes_back_through_a_stale_write(board_a, facilitator, kim):
    card = add(board_a, "Gelöscht", participant=kim)
    cluster = services.cluster_create(board=board_a, title="Verkehr", user=facilitator)
    other = add(board_a, "Andere")
    services.card_delete(card=card, participant=card.author, version=1)
    deleted_at = fresh(card).deleted_at
    assert deleted_at is not None
    attempts = [
        lambda: services.card_edit(
            card=card, participant=card.author, text="Wieder da?", version=1
        ),
        lambda: services.card_edit(
            card=card, participant=card.author, text="Wieder da?", version=None
        ),
        lambda: services.card_delete(card=card, participant=card.author, version=2),
        lambda: services.card_move(
            card=card, cluster=cluster, index=0, version=None, user=facilitator
        ),
        lambda: services.card_hide(card=card, hidden=True, user=facilitator),
        lambda: services.card_merge(target=other, sources=[card], user=facilitator),
        lambda: services.card_merge(target=card, sources=[other], user=facilitator),
    ]
    for attempt in attempts:
        with pytest.raises(services.Conflict):
            attempt()
    stored = fresh(card)
    assert stored.deleted_at == deleted_at
    assert stored.text == "Gelöscht"
    assert stored.cluster is None
    assert not Card.objects.alive().filter(pk=card.pk).exists()
    assert fresh(other).merged_into is None
    for audience in Audience:
        assert "Gelöscht" not in wall_texts(board_a, audience)


def test_merged_card_cannot_be_edited_back(board_a, facilitator):
    target, source = add(board_a, "Ziel"), add(board_a, "Dublette")
    services.card_merge(target=target, sources=[source], user=facilitator)
    with pytest.raises(services.Conflict):
        services.card_edit(
            card=source, participant=source.author, text="Doch eigenständig", version=None
        )
    assert fresh(source).merged_into_id == target.pk
    assert fresh(source).text == "Dublette"


# two facilitators at once --------------------------------------------------------------------


def test_two_facilitators_move_the_same_card_from_the_same_version(board_a, facilitator):
    colleague = UserFactory(username="alex")
    board_a.workshop.facilitators.add(colleague)
    left = services.cluster_create(board=board_a, title="Links", user=facilitator)
    right = services.cluster_create(board=board_a, title="Rechts", user=colleague)
    card = add(board_a, "Umstritten")
    seen = fresh(card).version
    services.card_move(card=card, cluster=left, index=0, version=seen, user=facilitator)
    with pytest.raises(services.Conflict):
        services.card_move(card=card, cluster=right, index=0, version=seen, user=colleague)
    stored = fresh(card)
    assert stored.cluster_id == left.pk
    assert stored.version == seen + 1
    assert in_cluster(right) == []


def test_edit_then_stale_move_is_a_conflict(board_a, facilitator):
    cluster = services.cluster_create(board=board_a, title="Ziel", user=facilitator)
    card = add(board_a, "Karte")
    services.card_edit(card=card, text="Karte, neu", version=1, user=facilitator)
    with pytest.raises(services.Conflict):
        services.card_move(card=card, cluster=cluster, index=0, version=1, user=facilitator)
    assert fresh(card).cluster is None


def _race(calls):
    """Run the calls at once in threads; returns ['ok' | exception class name, ...]."""
    return [type(r).__name__ if isinstance(r, Exception) else "ok" for r in at_once(calls)]


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_move_at_once_one_wins(board_a, facilitator):
    colleague = UserFactory(username="alex")
    left = services.cluster_create(board=board_a, title="Links", user=facilitator)
    right = services.cluster_create(board=board_a, title="Rechts", user=colleague)
    card = add(board_a, "Umstritten")
    seen = fresh(card).version
    results = _race(
        [
            lambda: services.card_move(
                card=card, cluster=left, index=0, version=seen, user=facilitator
            ),
            lambda: services.card_move(
                card=card, cluster=right, index=0, version=seen, user=colleague
            ),
        ]
    )
    assert sorted(results) == ["Conflict", "ok"]
    winner = left if results[0] == "ok" else right
    stored = fresh(card)
    assert stored.cluster_id == winner.pk
    assert stored.version == seen + 1
    assert ModerationStep.objects.filter(action="move").count() == 1


@pytest.mark.django_db(transaction=True)
def test_delete_and_edit_at_once_never_resurrect(board_a, facilitator):
    card = add(board_a, "Wackelig")
    results = _race(
        [
            lambda: services.card_delete(card=card, version=1, user=facilitator),
            lambda: services.card_edit(card=card, text="Geändert", version=1, user=facilitator),
        ]
    )
    assert sorted(results) == ["Conflict", "ok"]
    stored = fresh(card)
    if results[0] == "ok":
        assert stored.deleted_at is not None
        assert stored.text == "Wackelig"
    else:
        assert stored.deleted_at is None
        assert stored.text == "Geändert"
    assert stored.version == 2


# card_move --------------------------------------------------------------------------------


def test_move_into_out_of_and_between_clusters(board_a, facilitator):
    one, two, three = (add(board_a, t) for t in ("Eins", "Zwei", "Drei"))
    left = services.cluster_create(board=board_a, title="Links", user=facilitator)
    right = services.cluster_create(board=board_a, title="Rechts", user=facilitator)

    def move(card, cluster, index):
        services.card_move(
            card=card, cluster=cluster, index=index, version=fresh(card).version, user=facilitator
        )

    move(one, left, 0)
    move(two, left, 0)
    assert in_cluster(left) == ["Zwei", "Eins"]
    assert positions(board_a, left) == [0, 1]
    assert loose(board_a) == ["Drei"]
    move(one, right, 5)  # an index past the end appends
    assert in_cluster(left) == ["Zwei"]
    assert in_cluster(right) == ["Eins"]
    move(three, right, 0)
    assert in_cluster(right) == ["Drei", "Eins"]
    move(one, None, 0)
    assert loose(board_a) == ["Eins"]
    assert in_cluster(right) == ["Drei"]
    assert positions(board_a, right) == [0]


def test_reorder_keeps_positions_contiguous(board_a, facilitator):
    cards = [add(board_a, t) for t in ("A", "B", "C", "D")]
    services.card_move(card=cards[3], cluster=None, index=1, version=1, user=facilitator)
    assert loose(board_a) == ["A", "D", "B", "C"]
    assert positions(board_a) == [0, 1, 2, 3]
    services.card_move(card=cards[0], cluster=None, index=3, version=1, user=facilitator)
    assert loose(board_a) == ["D", "B", "C", "A"]
    assert positions(board_a) == [0, 1, 2, 3]
    services.card_move(card=cards[2], cluster=None, index=-4, version=1, user=facilitator)
    assert loose(board_a) == ["C", "D", "B", "A"]


def test_reorder_counts_only_the_cards_on_the_wall(board_a, facilitator, kim):
    """Cards in the inbox are not on the wall: an index is the place among the visible cards."""
    board = configure(board_a, mode=Board.Mode.COLLECT)
    first = add(board, "Früh abgegeben", participant=kim)
    later = add(board, "Später abgegeben", participant=kim)
    waiting = add(board, "Wartet noch", participant=kim)
    services.cards_pin(board=board, user=facilitator, card=later)
    services.cards_pin(board=board, user=facilitator, card=first)
    assert loose(board) == ["Später abgegeben", "Früh abgegeben"]
    # The facilitator drags "Später abgegeben" behind "Früh abgegeben" (index 1 of 2).
    services.card_move(
        card=later, cluster=None, index=1, version=fresh(later).version, user=facilitator
    )
    assert loose(board) == ["Früh abgegeben", "Später abgegeben"]
    assert positions(board) == [0, 1]
    assert fresh(waiting).state == Card.State.INBOX


def test_move_from_the_inbox_pins_the_card(board_a, facilitator, kim):
    board = configure(board_a, mode=Board.Mode.COLLECT)
    card = add(board, "Aus dem Eingang", participant=kim)
    cluster = services.cluster_create(board=board, title="Thema", user=facilitator)
    services.card_move(card=card, cluster=cluster, index=0, version=1, user=facilitator)
    assert fresh(card).state == Card.State.PINNED
    assert "Aus dem Eingang" in wall_texts(board, Audience.PARTICIPANTS)


def test_move_into_a_cluster_of_another_board_is_refused(board_a, board_b, facilitator):
    card = add(board_a, "Hier")
    foreign = services.cluster_create(board=board_b, title="Dort", user=facilitator)
    with pytest.raises(ValidationError):
        services.card_move(card=card, cluster=foreign, index=0, version=1, user=facilitator)
    assert fresh(card).cluster is None
    assert fresh(card).version == 1


def test_move_into_a_dissolved_cluster_is_a_conflict(board_a, facilitator):
    card = add(board_a, "Karte")
    cluster = services.cluster_create(board=board_a, title="Weg", user=facilitator)
    services.cluster_dissolve(cluster=cluster, user=facilitator)
    with pytest.raises(services.Conflict):
        services.card_move(card=card, cluster=cluster, index=0, version=1, user=facilitator)
    assert fresh(card).cluster is None


def test_move_announces_one_snapshot_per_audience(
    board_a, facilitator, sent, django_capture_on_commit_callbacks
):
    card = add(board_a, "Karte")
    cluster = services.cluster_create(board=board_a, title="Thema", user=facilitator)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.card_move(card=card, cluster=cluster, index=0, version=1, user=facilitator)
    pushed = board_pushes(sent, board_a)
    assert len(pushed) == PUSHES_PER_CHANGE
    assert all(is_snapshot(html) and f'data-rev="{rev(board_a)}"' in html for _g, html in pushed)


# merge ------------------------------------------------------------------------------------


def test_merge_keeps_the_texts_of_merged_cards(board_a, facilitator, kim):
    target = add(board_a, "Mehr Radwege", participant=kim)
    dup1 = add(board_a, "Radwege ausbauen")
    dup2 = add(board_a, "Fahrradstraßen")
    other = add(board_a, "Anderes Thema")
    merged = services.card_merge(target=target, sources=[dup1, dup2, target], user=facilitator)
    assert merged.pk == target.pk
    assert sorted(fresh(target).merged_cards.values_list("text", flat=True)) == [
        "Fahrradstraßen",
        "Radwege ausbauen",
    ]
    counts = dict(Card.objects.annotate_merged().values_list("pk", "merged_count"))
    assert counts[target.pk] == 2
    assert counts[other.pk] == 0
    assert loose(board_a) == ["Mehr Radwege", "Anderes Thema"]
    facilitators = wall_context(fresh(board_a), Audience.FACILITATORS)["wall"]
    shown = {c.pk: c.merged_count for c in facilitators.cards}
    assert shown == {target.pk: 2, other.pk: 0}


def test_merge_a_card_with_merged_cards_brings_them_along(board_a, facilitator):
    a, b, c = add(board_a, "A"), add(board_a, "B"), add(board_a, "C")
    services.card_merge(target=b, sources=[c], user=facilitator)
    services.card_merge(target=a, sources=[b], user=facilitator)
    assert sorted(fresh(a).merged_cards.values_list("text", flat=True)) == ["B", "C"]
    assert loose(board_a) == ["A"]


def test_merge_needs_another_card(board_a, facilitator):
    card = add(board_a, "Allein")
    with pytest.raises(ValidationError):
        services.card_merge(target=card, sources=[card], user=facilitator)
    assert not ModerationStep.objects.filter(action="merge").exists()


@pytest.mark.parametrize("hidden", ["source", "target"])
def test_a_card_hidden_from_participants_is_merged_with_nothing(board_a, facilitator, hidden):
    # Found while writing the model of tests/boards/test_wall_properties.py (its walls check
    # catches it): a hidden card merged into a visible one showed its text on every phone,
    # among the visible card's merged cards.
    texts = ["Verborgen: Beleidigung", "Sichtbar"]
    target, source = (add(board_a, t) for t in (texts if hidden == "target" else texts[::-1]))
    services.card_hide(card=target if hidden == "target" else source, hidden=True, user=facilitator)
    steps = ModerationStep.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.card_merge(target=fresh(target), sources=[fresh(source)], user=facilitator)
    assert refused.value.messages == [
        "Eine vor den Teilnehmenden verborgene Karte lässt sich nicht zusammenführen. "
        "Blenden Sie sie zuerst wieder ein."
    ]
    assert fresh(source).merged_into is None
    assert ModerationStep.objects.count() == steps
    assert "Verborgen" not in wall_html(fresh(board_a), Audience.PARTICIPANTS)
    facilitators = wall_html(fresh(board_a), Audience.FACILITATORS)
    assert f'value="{(target if hidden == "target" else source).pk}" form="merge-form' not in (
        facilitators
    )  # its wall offers no box to pick it for a merge


def test_merge_refuses_a_card_of_another_board(board_a, board_b, facilitator):
    target, foreign = add(board_a, "Hier"), add(board_b, "Dort")
    with pytest.raises(services.Conflict):
        services.card_merge(target=target, sources=[foreign], user=facilitator)
    assert fresh(foreign).merged_into is None


# hide -------------------------------------------------------------------------------------


def test_hidden_card_leaves_participants_and_projector_but_not_facilitators(
    board_a, facilitator, sent, django_capture_on_commit_callbacks
):
    card = add(board_a, "Beleidigend")
    add(board_a, "Harmlos")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.card_hide(card=card, hidden=True, user=facilitator)
    assert wall_texts(board_a, Audience.FACILITATORS) == ["Beleidigend", "Harmlos"]
    assert wall_texts(board_a, Audience.PARTICIPANTS) == ["Harmlos"]
    assert wall_texts(board_a, Audience.PROJECTOR) == ["Harmlos"]
    for group, html in board_pushes(sent, board_a):
        assert ("Beleidigend" in html) is (".facilitators." in group), group
    # Showing it again brings it back everywhere.
    services.card_hide(card=card, hidden=False, user=facilitator)
    assert wall_texts(board_a, Audience.PARTICIPANTS) == ["Beleidigend", "Harmlos"]


def test_hiding_twice_is_one_step(board_a, facilitator):
    card = add(board_a, "Karte")
    services.card_hide(card=card, hidden=True, user=facilitator)
    before = rev(board_a)
    services.card_hide(card=card, hidden=True, user=facilitator)
    assert rev(board_a) == before
    assert ModerationStep.objects.filter(action="hide").count() == 1


# reveal and pin ---------------------------------------------------------------------------


def test_reveal_shows_every_hidden_card_at_once(
    board_a, board_b, kim, lou, facilitator, sent, django_capture_on_commit_callbacks
):
    board = configure(board_a, mode=Board.Mode.HIDDEN)
    configure(board_b, mode=Board.Mode.HIDDEN)
    add(board, "Von Kim", participant=kim)
    add(board, "Noch von Kim", participant=kim)
    add(board, "Von Lou", participant=lou)
    elsewhere = add(board_b, "Andere Gruppe", participant=ParticipantFactory(group=board_b.group))
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cards_reveal(board=board, user=facilitator) == 3
    assert fresh(board).mode == Board.Mode.OPEN
    assert not board.cards.filter(state=Card.State.SECRET).exists()
    expected = ["Noch von Kim", "Von Kim", "Von Lou"]
    for audience in Audience:
        assert wall_texts(board, audience) == expected
    # One snapshot per audience and language, each with all three cards.
    pushed = board_pushes(sent, board)
    assert len(pushed) == PUSHES_PER_CHANGE
    assert all(is_snapshot(html) and all(t in html for t in expected) for _g, html in pushed)
    # The authors' personal elements are emptied of their hidden cards.
    personal = personal_pushes(sent)
    assert set(personal) == {kim.pk, lou.pk}
    assert not [html for htmls in personal.values() for html in htmls if "Von " in html]
    # Another board's hidden cards stay hidden.
    assert fresh(elsewhere).state == Card.State.SECRET
    assert board_pushes(sent, board_b) == []


def test_pin_one_card_from_the_inbox(board_a, kim, facilitator):
    board = configure(board_a, mode=Board.Mode.COLLECT)
    add(board, "Schon da", user=facilitator)
    first = add(board, "Erste", participant=kim)
    second = add(board, "Zweite", participant=kim)
    assert services.cards_pin(board=board, user=facilitator, card=second) == 1
    assert loose(board) == ["Schon da", "Zweite"]
    assert fresh(first).state == Card.State.INBOX
    assert services.cards_pin(board=board, user=facilitator, card=second) == 0


def test_pin_all_keeps_the_order_they_were_handed_in(
    board_a, kim, lou, facilitator, sent, django_capture_on_commit_callbacks
):
    board = configure(board_a, mode=Board.Mode.COLLECT)
    for text, who in (("Eins", kim), ("Zwei", lou), ("Drei", kim)):
        add(board, text, participant=who)
    before = rev(board)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cards_pin(board=board, user=facilitator) == 3
    assert loose(board) == ["Eins", "Zwei", "Drei"]
    assert rev(board) == before + 1
    assert len(board_pushes(sent, board)) == PUSHES_PER_CHANGE
    assert set(personal_pushes(sent)) == {kim.pk, lou.pk}
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cards_pin(board=board, user=facilitator) == 0
    assert sent == []
    assert rev(board) == before + 1


# clusters ---------------------------------------------------------------------------------


def test_cluster_create_with_cards(board_a, facilitator):
    one, _two, three = (add(board_a, t) for t in ("Eins", "Zwei", "Drei"))
    cluster = services.cluster_create(
        board=board_a, title="  Erste Muster ", user=facilitator, cards=[three, one]
    )
    assert cluster.title == "Erste Muster"
    assert in_cluster(cluster) == ["Drei", "Eins"]
    assert loose(board_a) == ["Zwei"]
    second = services.cluster_create(board=board_a, title="Zweites", user=facilitator)
    assert list(board_a.clusters.values_list("title", flat=True)) == ["Erste Muster", "Zweites"]
    assert second.position > cluster.position


def test_cluster_needs_a_heading(board_a, facilitator):
    with pytest.raises(ValidationError):
        services.cluster_create(board=board_a, title=" \x00 ", user=facilitator)
    with pytest.raises(ValidationError):
        services.cluster_create(board=board_a, title="x" * 121, user=facilitator)
    assert not Cluster.objects.exists()


def test_cluster_rename_with_versions(board_a, facilitator):
    cluster = services.cluster_create(board=board_a, title="Alt", user=facilitator)
    renamed = services.cluster_rename(cluster=cluster, title="Neu", version=1, user=facilitator)
    assert (renamed.title, renamed.version) == ("Neu", 2)
    with pytest.raises(services.Conflict):
        services.cluster_rename(cluster=cluster, title="Veraltet", version=1, user=facilitator)
    assert fresh(cluster).title == "Neu"


def test_cluster_rename_of_a_dissolved_cluster_is_a_conflict(board_a, facilitator):
    cluster = services.cluster_create(board=board_a, title="Weg", user=facilitator)
    services.cluster_dissolve(cluster=cluster, user=facilitator)
    with pytest.raises(services.Conflict):
        services.cluster_rename(cluster=cluster, title="Doch da", version=None, user=facilitator)
    assert not Cluster.objects.exists()


def test_cluster_dissolve_keeps_the_cards_on_the_wall(board_a, facilitator):
    add(board_a, "Lose")
    one, two = add(board_a, "Eins"), add(board_a, "Zwei")
    cluster = services.cluster_create(
        board=board_a, title="Thema", user=facilitator, cards=[two, one]
    )
    services.cluster_dissolve(cluster=cluster, user=facilitator)
    assert not Cluster.objects.exists()
    assert loose(board_a) == ["Lose", "Zwei", "Eins"]
    assert positions(board_a) == [0, 1, 2]
    for audience in Audience:
        assert wall_texts(board_a, audience) == ["Eins", "Lose", "Zwei"]
    before = rev(board_a)
    services.cluster_dissolve(cluster=cluster, user=facilitator)  # twice: nothing happens
    assert rev(board_a) == before


def test_cluster_changes_announce_a_snapshot(
    board_a, facilitator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cluster = services.cluster_create(
            board=board_a, title="Muster <b>fett</b>", user=facilitator
        )
    pushed = board_pushes(sent, board_a)
    assert len(pushed) == PUSHES_PER_CHANGE
    assert all("Muster &lt;b&gt;fett&lt;/b&gt;" in html for _g, html in pushed)
    assert not [g for g, html in pushed if "<b>fett" in html]
    assert cluster.title == "Muster <b>fett</b>"


# people on the wall -------------------------------------------------------------------------


def test_renaming_an_offensive_name_updates_every_wall_at_once(
    board_a, kim, sent, django_capture_on_commit_callbacks
):
    add(board_a, "Mehr Bänke an Haltestellen", participant=kim)
    before = rev(board_a)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_rename(participant=kim, display_name="Kim B.")
    assert rev(board_a) == before + 1
    pushed = board_pushes(sent, board_a)
    assert len(pushed) == PUSHES_PER_CHANGE
    assert all(is_snapshot(html) for _group, html in pushed)
    facilitator_walls = [html for group, html in pushed if ".facilitators." in group]
    assert all("Kim B." in html for html in facilitator_walls)


def test_a_cluster_never_reveals_a_hidden_card(board_a, facilitator, kim, lou):
    board = configure(board_a, mode=Board.Mode.HIDDEN)
    secret = add(board, "Nur für Kim", participant=kim)
    services.cluster_create(board=board, title="Alles", user=facilitator, cards=[secret])
    secret.refresh_from_db()
    assert secret.state == Card.State.SECRET
    assert secret.cluster is None
    assert "Nur für Kim" not in wall_texts(board, Audience.PARTICIPANTS)


def test_hidden_cards_cannot_be_merged(board_a, facilitator, kim):
    board = configure(board_a, mode=Board.Mode.HIDDEN)
    secret = add(board, "Verdeckt", participant=kim)
    visible = add(board, "Offen", user=facilitator)
    with pytest.raises(ValidationError):
        services.card_merge(target=visible, sources=[secret], user=facilitator)
    secret.refresh_from_db()
    assert secret.merged_into is None


def test_a_wall_costs_the_same_queries_for_few_or_many_cards(board_a, facilitator, kim):
    def queries(audience) -> int:
        with CaptureQueriesContext(connection) as captured:
            wall_context(fresh(board_a), audience)
        return len(captured)

    cluster = services.cluster_create(board=board_a, title="Takt", user=facilitator)
    for n in range(3):
        add(board_a, f"Karte {n}", participant=kim)
    voting = services.voting_start(board=board_a, user=facilitator)
    services.voting_close(voting=voting, user=facilitator)
    few = {a: queries(a) for a in Audience}
    for n in range(3, 30):
        card = add(board_a, f"Karte {n}", participant=kim)
        if n % 2:
            services.card_move(card=card, cluster=cluster, index=0, version=1, user=facilitator)
    assert {a: queries(a) for a in Audience} == few
