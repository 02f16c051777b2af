"""The facilitators' undo: every moderation step can be taken back, the last one first."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from boards import services
from boards.events import wall_context
from boards.models import Board, Card, Cluster, Color, ModerationStep, Vote
from tests.boards.wall import PUSHES_PER_CHANGE, add, board_pushes, fresh, in_cluster, loose, rev
from tests.factories import ParticipantFactory
from workshop.live import Audience


def undo(board, user):
    return services.moderation_undo(board=board, user=user)


def test_nothing_to_undo(board_a, facilitator, kim_card):
    # A participant's own card and edits are no moderation steps.
    services.card_edit(card=kim_card, participant=kim_card.author, text="Geändert", version=1)
    before = rev(board_a)
    with pytest.raises(ValidationError):
        undo(board_a, facilitator)
    assert rev(board_a) == before
    assert fresh(kim_card).text == "Geändert"


@pytest.fixture
def kim_card(board_a):
    return add(board_a, "Original", participant=ParticipantFactory(group=board_a.group))


def test_undo_edit(board_a, facilitator, kim_card, sent, django_capture_on_commit_callbacks):
    services.card_edit(
        card=kim_card, text="Umformuliert", version=1, user=facilitator, color=Color.PINK
    )
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        step = undo(board_a, facilitator)
    assert step.action == "edit"
    stored = fresh(kim_card)
    assert (stored.text, stored.color) == ("Original", Color.YELLOW)
    assert stored.version == 3  # the undo is a change too: older versions are stale
    assert fresh(step).undone_at is not None
    assert len(board_pushes(sent, board_a)) == PUSHES_PER_CHANGE
    with pytest.raises(ValidationError):
        undo(board_a, facilitator)  # undone steps are not undone twice


def test_undo_delete_brings_the_card_back(board_a, facilitator, kim_card):
    services.card_delete(card=kim_card, version=1, user=facilitator)
    assert "Original" not in loose(board_a)
    undo(board_a, facilitator)
    assert loose(board_a) == ["Original"]
    assert fresh(kim_card).deleted_at is None


def test_undo_hide(board_a, facilitator, kim_card):
    services.card_hide(card=kim_card, hidden=True, user=facilitator)
    undo(board_a, facilitator)
    assert fresh(kim_card).hidden is False
    wall = wall_context(fresh(board_a), Audience.PARTICIPANTS)["wall"]
    assert [c.text for c in wall.cards] == ["Original"]


def test_undo_move_puts_the_card_back(board_a, facilitator, kim_card):
    other = add(board_a, "Zweite")
    left = services.cluster_create(board=board_a, title="Links", user=facilitator)
    services.card_move(card=kim_card, cluster=left, index=0, version=1, user=facilitator)
    assert loose(board_a) == ["Zweite"]
    undo(board_a, facilitator)
    assert fresh(kim_card).cluster is None
    assert loose(board_a) == ["Original", "Zweite"]
    assert in_cluster(left) == []
    assert fresh(other).cluster is None


def test_undo_steps_go_back_one_at_a_time(board_a, facilitator, kim_card):
    services.card_edit(card=kim_card, text="Zwei", version=1, user=facilitator)
    services.card_edit(card=kim_card, text="Drei", version=2, user=facilitator)
    undo(board_a, facilitator)
    assert fresh(kim_card).text == "Zwei"
    undo(board_a, facilitator)
    assert fresh(kim_card).text == "Original"


def test_undo_is_per_board(board_a, board_b, facilitator, kim_card):
    theirs = add(board_b, "Drüben")
    services.card_edit(card=kim_card, text="Hier geändert", version=1, user=facilitator)
    services.card_edit(card=theirs, text="Drüben geändert", version=1, user=facilitator)
    undo(board_a, facilitator)
    assert fresh(kim_card).text == "Original"
    assert fresh(theirs).text == "Drüben geändert"


def test_undo_merge_returns_cards_and_their_votes(board_a, facilitator):
    target, dup = add(board_a, "Radwege"), add(board_a, "Mehr Radwege")
    kim = ParticipantFactory(group=board_a.group)
    voting = services.voting_start(
        board=board_a, user=facilitator, dots_per_participant=5, max_per_target=5
    )
    services.vote_cast(voting=voting, participant=kim, card=dup)
    services.vote_cast(voting=voting, participant=kim, card=dup)
    services.vote_cast(voting=voting, participant=kim, card=target)
    services.card_merge(target=target, sources=[dup], user=facilitator)
    assert Vote.objects.filter(card=target).count() == 3
    assert services.card_totals(voting) == {target.pk: 3}
    # A dot given to the merged card after the merge stays there.
    services.vote_cast(voting=voting, participant=kim, card=target)
    undo(board_a, facilitator)
    assert fresh(dup).merged_into is None
    assert loose(board_a) == ["Radwege", "Mehr Radwege"]
    assert services.card_totals(voting) == {target.pk: 2, dup.pk: 2}
    assert not fresh(target).merged_cards.exists()


def test_undo_merge_of_a_card_that_had_merged_cards(board_a, facilitator):
    a, b, c = add(board_a, "A"), add(board_a, "B"), add(board_a, "C")
    services.card_merge(target=b, sources=[c], user=facilitator)
    services.card_merge(target=a, sources=[b], user=facilitator)
    undo(board_a, facilitator)
    # B is back with what was merged into it; A has nothing merged any more.
    assert loose(board_a) == ["A", "B"]
    assert list(fresh(b).merged_cards.values_list("text", flat=True)) == ["C"]
    assert not fresh(a).merged_cards.exists()
    counts = dict(Card.objects.annotate_merged().values_list("text", "merged_count"))
    assert (counts["A"], counts["B"]) == (0, 1)
    undo(board_a, facilitator)
    assert loose(board_a) == ["A", "B", "C"]


def test_undo_cluster_create(board_a, facilitator, kim_card):
    cluster = services.cluster_create(
        board=board_a, title="Thema", user=facilitator, cards=[kim_card]
    )
    undo(board_a, facilitator)
    assert not Cluster.objects.filter(pk=cluster.pk).exists()
    assert loose(board_a) == ["Original"]


def test_undo_cluster_rename(board_a, facilitator):
    cluster = services.cluster_create(board=board_a, title="Alt", user=facilitator)
    services.cluster_rename(cluster=cluster, title="Neu", version=1, user=facilitator)
    undo(board_a, facilitator)
    stored = fresh(cluster)
    assert stored.title == "Alt"
    # Whoever still sees "Neu" holds a stale version now.
    with pytest.raises(services.Conflict):
        services.cluster_rename(cluster=cluster, title="Neuer", version=2, user=facilitator)
    assert fresh(cluster).title == "Alt"


def test_undo_cluster_dissolve_rebuilds_it_in_order(board_a, facilitator):
    add(board_a, "Lose")
    one, two = add(board_a, "Eins"), add(board_a, "Zwei")
    cluster = services.cluster_create(
        board=board_a, title="Thema", user=facilitator, cards=[two, one]
    )
    services.cluster_dissolve(cluster=cluster, user=facilitator)
    undo(board_a, facilitator)
    (rebuilt,) = Cluster.objects.all()
    assert (rebuilt.title, rebuilt.position) == ("Thema", cluster.position)
    assert in_cluster(rebuilt) == ["Zwei", "Eins"]
    assert loose(board_a) == ["Lose"]


def test_every_step_is_recorded_with_its_author(board_a, facilitator, kim_card):
    other = add(board_a, "Zweite")
    third = add(board_a, "Dritte", participant=kim_card.author)  # a participant's: no step
    cluster = services.cluster_create(board=board_a, title="T", user=facilitator)
    services.cluster_rename(cluster=cluster, title="U", version=1, user=facilitator)
    services.card_edit(card=kim_card, text="X", version=1, user=facilitator)
    services.card_move(card=kim_card, cluster=cluster, index=0, version=2, user=facilitator)
    services.card_hide(card=other, hidden=True, user=facilitator)
    services.card_merge(target=kim_card, sources=[third], user=facilitator)
    services.cluster_dissolve(cluster=cluster, user=facilitator)
    services.card_delete(
        card=kim_card, version=Card.objects.get(pk=kim_card.pk).version, user=facilitator
    )
    steps = list(ModerationStep.objects.order_by("pk").values_list("action", "created_by"))
    assert steps == [
        (action, facilitator.pk)
        for action in (
            "create",  # "Zweite", written by the facilitator
            "cluster-create",
            "cluster-rename",
            "edit",
            "move",
            "hide",
            "merge",
            "cluster-dissolve",
            "delete",
        )
    ]
    for _ in steps[1:]:  # every step but writing "Zweite"
        undo(board_a, facilitator)
    assert loose(board_a) == ["Original", "Zweite", "Dritte"]
    assert not Cluster.objects.exists()
    assert fresh(other).hidden is False


def test_undoing_a_new_cluster_puts_its_cards_back_where_they_were(board_a, facilitator):
    first = services.cluster_create(board=board_a, title="Erst", user=facilitator)
    card = add(board_a, "Wandert", user=facilitator)
    services.card_move(card=card, cluster=first, index=0, version=1, user=facilitator)
    card.refresh_from_db()
    services.cluster_create(board=board_a, title="Dann", user=facilitator, cards=[card])
    services.moderation_undo(board=board_a, user=facilitator)
    assert in_cluster(first) == ["Wandert"]


def test_undoing_a_drag_out_of_the_inbox_puts_the_card_back_in_the_inbox(
    board_a, facilitator, group_a
):
    services.board_configure(board=board_a, mode=Board.Mode.COLLECT)
    card = add(board_a, "Abgegeben", participant=ParticipantFactory(group=group_a))
    services.card_move(card=card, cluster=None, index=0, version=1, user=facilitator)
    assert Card.objects.get(pk=card.pk).state == Card.State.PINNED
    services.moderation_undo(board=board_a, user=facilitator)
    assert Card.objects.get(pk=card.pk).state == Card.State.INBOX
