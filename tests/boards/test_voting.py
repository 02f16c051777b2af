"""Dot voting: one round per board, a budget per participant that holds under load, the ranking."""

from __future__ import annotations

import re
import threading

import pytest
import tinyhtml5
from django.core.exceptions import ValidationError
from django.db import connections

from boards import services
from boards.events import personal_context, wall_context
from boards.models import Board, Card, Vote, VotingRound
from tests.boards.wall import (
    PUSHES_PER_CHANGE,
    add,
    at_once,
    board_pushes,
    fresh,
    personal_pushes,
    rev,
)
from tests.factories import ParticipantFactory
from workshop import live
from workshop.live import Audience


def start(board, user, **kwargs) -> VotingRound:
    return services.voting_start(board=board, user=user, **kwargs)


def cast(voting, participant, target) -> int:
    kind = "card" if target.__class__.__name__ == "Card" else "cluster"
    return services.vote_cast(voting=voting, participant=participant, **{kind: target})


def retract(voting, participant, target) -> int:
    kind = "card" if target.__class__.__name__ == "Card" else "cluster"
    return services.vote_retract(voting=voting, participant=participant, **{kind: target})


# starting and closing ---------------------------------------------------------------------


def test_only_one_open_round_per_board(board_a, board_b, facilitator):
    first = start(board_a, facilitator)
    with pytest.raises(ValidationError):
        start(board_a, facilitator)
    assert VotingRound.objects.filter(board=board_a).count() == 1
    start(board_b, facilitator)  # another board has its own round
    services.voting_close(voting=first, user=facilitator)
    second = start(board_a, facilitator)
    assert second.pk != first.pk
    assert fresh(board_a).voting_rounds.filter(closed_at=None).get() == second


@pytest.mark.parametrize("dots", [0, -1, 21])
def test_dot_budget_out_of_bounds_refused(board_a, facilitator, dots):
    with pytest.raises(ValidationError):
        start(board_a, facilitator, dots_per_participant=dots)
    assert not VotingRound.objects.exists()


@pytest.mark.parametrize(
    ("dots", "per_target", "cumulative", "expected"),
    [(1, 3, True, 1), (20, 3, True, 3), (5, 9, True, 5), (5, 0, True, 1), (5, 3, False, 1)],
)
def test_most_dots_per_target(board_a, facilitator, dots, per_target, cumulative, expected):
    voting = start(
        board_a,
        facilitator,
        dots_per_participant=dots,
        max_per_target=per_target,
        cumulative=cumulative,
    )
    assert (voting.dots_per_participant, voting.max_per_target) == (dots, expected)


def test_start_and_close_announce_to_every_wall(
    board_a, facilitator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        voting = start(board_a, facilitator)
    assert len(board_pushes(sent, board_a)) == PUSHES_PER_CHANGE
    assert rev(board_a) == 1
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.voting_close(voting=voting, user=facilitator)
        services.voting_close(voting=voting, user=facilitator)  # twice: nothing more
    assert closed.closed_at is not None
    assert len(board_pushes(sent, board_a)) == PUSHES_PER_CHANGE
    assert rev(board_a) == 2


# casting and retracting -------------------------------------------------------------------


def test_budget_and_dots_left(board_a, facilitator, kim, lou):
    cards = [add(board_a, f"Karte {i}") for i in range(4)]
    voting = start(board_a, facilitator, dots_per_participant=3, max_per_target=2)
    assert cast(voting, kim, cards[0]) == 2
    assert cast(voting, kim, cards[1]) == 1
    assert cast(voting, kim, cards[2]) == 0
    with pytest.raises(ValidationError):
        cast(voting, kim, cards[3])
    assert Vote.objects.filter(participant=kim).count() == 3
    # Lou's budget is Lou's own.
    assert cast(voting, lou, cards[3]) == 2
    context = personal_context(fresh(board_a), kim)
    assert context["dots_left"] == 0
    assert context["my_votes"] == {f"card-{c.pk}": 1 for c in cards[:3]}


def test_most_dots_on_one_card(board_a, facilitator, kim):
    card = add(board_a, "Beliebt")
    voting = start(board_a, facilitator, dots_per_participant=5, max_per_target=2)
    cast(voting, kim, card)
    cast(voting, kim, card)
    with pytest.raises(ValidationError):
        cast(voting, kim, card)
    assert Vote.objects.filter(card=card).count() == 2


def test_not_cumulative_means_one_dot_per_target(board_a, facilitator, kim):
    card, other = add(board_a, "Eins"), add(board_a, "Zwei")
    cluster = services.cluster_create(board=board_a, title="Thema", user=facilitator)
    voting = start(board_a, facilitator, dots_per_participant=5, cumulative=False)
    cast(voting, kim, card)
    with pytest.raises(ValidationError):
        cast(voting, kim, card)
    cast(voting, kim, cluster)
    with pytest.raises(ValidationError):
        cast(voting, kim, cluster)
    assert cast(voting, kim, other) == 2


def test_retract_gives_the_dot_back(board_a, facilitator, kim, lou):
    card = add(board_a, "Karte")
    voting = start(board_a, facilitator, dots_per_participant=3)
    cast(voting, kim, card)
    cast(voting, kim, card)
    cast(voting, lou, card)
    assert retract(voting, kim, card) == 2
    assert Vote.objects.filter(participant=kim).count() == 1
    assert Vote.objects.filter(participant=lou).count() == 1  # only Kim's own
    assert retract(voting, kim, card) == 3
    assert retract(voting, kim, card) == 3  # nothing left to take back
    assert Vote.objects.filter(participant=lou).count() == 1


def test_closed_round_takes_no_dots(board_a, facilitator, kim):
    card = add(board_a, "Karte")
    voting = start(board_a, facilitator)
    cast(voting, kim, card)
    services.voting_close(voting=voting, user=facilitator)
    with pytest.raises(ValidationError):
        cast(voting, kim, card)
    with pytest.raises(ValidationError):
        retract(voting, kim, card)
    assert Vote.objects.count() == 1


def test_dots_only_on_cards_on_this_wall(board_a, board_b, facilitator, kim):
    hidden, deleted, foreign = add(board_a, "Versteckt"), add(board_a, "Weg"), add(board_b, "Dort")
    services.card_hide(card=hidden, hidden=True, user=facilitator)
    services.card_delete(card=deleted, user=facilitator, version=1)
    foreign_cluster = services.cluster_create(board=board_b, title="Dort", user=facilitator)
    secret_board = fresh(board_a)
    services.board_configure(board=secret_board, mode=Board.Mode.HIDDEN)
    secret = add(secret_board, "Geheim", participant=kim)
    voting = start(board_a, facilitator)
    for target in (hidden, deleted, foreign, foreign_cluster, secret):
        with pytest.raises(ValidationError):
            cast(voting, kim, target)
    with pytest.raises(ValidationError):
        services.vote_cast(voting=voting, participant=kim)
    with pytest.raises(ValidationError):
        services.vote_cast(voting=voting, participant=kim, card=hidden, cluster=foreign_cluster)
    assert not Vote.objects.exists()


def test_dots_are_private_unless_totals_are_shown(
    board_a, facilitator, kim, sent, django_capture_on_commit_callbacks
):
    card = add(board_a, "Karte")
    voting = start(board_a, facilitator, show_totals=False)
    before = rev(board_a)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cast(voting, kim, card)
    # Only the facilitators' walls follow the totals, at the same revision.
    pushed = board_pushes(sent, board_a)
    assert pushed
    assert {group.split(".")[2] for group, _html in pushed} == {"facilitators"}
    assert all(f'data-rev="{before}"' in html for _group, html in pushed)
    assert set(personal_pushes(sent)) == {kim.pk}
    assert all('data-dots-left="4"' in html for html in personal_pushes(sent)[kim.pk])
    assert rev(board_a) == before
    assert wall_context(fresh(board_a), Audience.PARTICIPANTS)["wall"].totals_visible is False
    assert wall_context(fresh(board_a), Audience.PROJECTOR)["wall"].totals_visible is False
    assert wall_context(fresh(board_a), Audience.FACILITATORS)["wall"].totals_visible is True


def test_shown_totals_go_to_every_wall(
    board_a, facilitator, kim, sent, django_capture_on_commit_callbacks
):
    card = add(board_a, "Karte")
    voting = start(board_a, facilitator, show_totals=True)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cast(voting, kim, card)
    assert len(board_pushes(sent, board_a)) == PUSHES_PER_CHANGE
    wall = wall_context(fresh(board_a), Audience.PROJECTOR)["wall"]
    assert wall.totals_visible is True
    assert [c.dots for c in wall.cards] == [1]


# ranking ----------------------------------------------------------------------------------


def test_ranking_clusters_by_their_sum_and_cards_by_theirs(board_a, facilitator, kim, lou):
    a1, a2, b1, loose_card, quiet = (add(board_a, t) for t in ("A1", "A2", "B1", "Lose", "Still"))
    cluster_a = services.cluster_create(board=board_a, title="A", user=facilitator, cards=[a1, a2])
    cluster_b = services.cluster_create(board=board_a, title="B", user=facilitator, cards=[b1])
    empty = services.cluster_create(board=board_a, title="Leer", user=facilitator)
    voting = start(board_a, facilitator, dots_per_participant=5, max_per_target=3)
    # B: 3 dots on its card + 2 on the cluster = 5; A: 1 + 1 + 1 on the cluster = 3.
    for who, target in [
        (kim, b1),
        (kim, b1),
        (kim, b1),
        (lou, cluster_b),
        (lou, cluster_b),
        (kim, a1),
        (lou, a2),
        (lou, cluster_a),
        (kim, loose_card),
    ]:
        cast(voting, who, target)
    assert services.cluster_totals(voting) == {cluster_a.pk: 3, cluster_b.pk: 5}
    services.voting_close(voting=voting, user=facilitator)
    result = services.ranking(fresh(voting))
    assert [(c.title, n) for c, n in result.clusters] == [("B", 5), ("A", 3), ("Leer", 0)]
    assert [(c.text, n) for c, n in result.cards] == [("B1", 3), ("A1", 1), ("A2", 1), ("Lose", 1)]
    assert quiet.pk not in {c.pk for c, _n in result.cards}
    assert empty.pk in {c.pk for c, _n in result.clusters}
    # Every wall shows the ranking once the round is closed.
    for audience in Audience:
        wall = wall_context(fresh(board_a), audience)["wall"]
        assert wall.ranking is not None
        assert wall.totals_visible is True


def test_ranking_leaves_out_cards_taken_off_the_wall(board_a, facilitator, kim):
    kept, gone = add(board_a, "Bleibt"), add(board_a, "Gelöscht")
    cluster = services.cluster_create(
        board=board_a, title="Thema", user=facilitator, cards=[kept, gone]
    )
    voting = start(board_a, facilitator)
    cast(voting, kim, kept)
    cast(voting, kim, gone)
    cast(voting, kim, gone)
    services.card_delete(card=gone, version=fresh(gone).version, user=facilitator)
    result = services.ranking(fresh(voting))
    assert [(c.text, n) for c, n in result.cards] == [("Bleibt", 1)]
    # The cluster's sum is what the wall still shows: its cards' dots and its own.
    assert result.clusters == [(cluster, 1)]


def test_votes_on_a_merged_card_count_for_the_target(board_a, facilitator, kim, lou):
    target, dup = add(board_a, "Radwege"), add(board_a, "Mehr Radwege")
    voting = start(board_a, facilitator)
    cast(voting, kim, dup)
    cast(voting, lou, target)
    services.card_merge(target=target, sources=[dup], user=facilitator)
    assert [(c.text, n) for c, n in services.ranking(fresh(voting)).cards] == [("Radwege", 2)]


# the budget under load --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_dots_fired_at_once_with_five_in_the_budget(board_a, facilitator, kim):
    cards = [add(board_a, f"Karte {i}") for i in range(10)]
    voting = start(board_a, facilitator, dots_per_participant=5, max_per_target=1)
    barrier = threading.Barrier(10)
    results: list[object] = [None] * 10

    def fire(i):
        try:
            barrier.wait(timeout=10)
            results[i] = services.vote_cast(voting=voting, participant=kim, card=cards[i])
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stored = Vote.objects.filter(round=voting, participant=kim)
    assert stored.count() == 5
    left = sorted(r for r in results if isinstance(r, int))
    refused = [r for r in results if isinstance(r, Exception)]
    assert left == [0, 1, 2, 3, 4]
    assert len(refused) == 5
    assert all(isinstance(r, ValidationError) for r in refused), refused
    assert personal_context(fresh(board_a), kim)["dots_left"] == 0


def shown_dots(html: str) -> dict[int, int]:
    """{card id: the total its dot shows} on a pushed wall; empty when it shows no totals."""
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    shown = {}
    for li in root.iter("li"):
        total = [p for p in li.iter("p") if "dots-total" in (p.get("class") or "")]
        if li.get("data-card-id") and total:
            shown[int(li.get("data-card-id"))] = int("".join(total[0].itertext()))
    return shown


def newest_walls(sent, board) -> dict[str, str]:
    """{group: the wall it was pushed with the highest revision}: what each screen keeps
    (a client applies no revision older than the one it has)."""
    walls: dict[str, tuple[int, int, str]] = {}
    for n, (group, html) in enumerate(board_pushes(sent, board)):
        found = re.search(rf'id="board-{board.pk}-rev"[^>]*data-rev="(\d+)"', html)
        if found and "data-snapshot" in html:
            walls[group] = max(walls.get(group, (-1, -1, "")), (int(found.group(1)), n, html))
    return {group: html for group, (_rev, _n, html) in walls.items()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("show_totals", [True, False], ids=["totals-shown", "totals-hidden"])
def test_after_a_burst_of_ten_dots_every_screen_shows_the_stored_totals(
    board_a, facilitator, kim, lou, sent, show_totals
):
    cards = [add(board_a, f"Karte {i}") for i in range(10)]
    voting = start(board_a, facilitator, dots_per_participant=5, show_totals=show_totals)
    cast(voting, lou, cards[0])  # another's dot, so the totals are not only Kim's
    sent.clear()
    answers = at_once(
        [lambda c=c: services.vote_cast(voting=voting, participant=kim, card=c) for c in cards]
    )
    refused = [a for a in answers if isinstance(a, Exception)]
    assert all(isinstance(a, ValidationError) for a in refused)  # the five over the budget
    live.flush_coalesced()  # the facilitators' walls follow the dots at most twice a second

    assert Vote.objects.filter(round=voting, participant=kim).count() == 5
    stored = {card.pk: Vote.objects.filter(round=voting, card=card).count() for card in cards}
    assert sum(stored.values()) == 6
    walls = newest_walls(sent, board_a)
    audiences = list(Audience) if show_totals else [Audience.FACILITATORS]
    for audience in audiences:
        for language in live.languages():
            group = live.board_group(board_a.pk, audience, language)
            assert shown_dots(walls[group]) == stored, group
    if not show_totals:  # phones and the projector see no totals while the round runs
        assert all(
            not shown_dots(html)
            for group, html in board_pushes(sent, board_a)
            if ".facilitators." not in group
        )


def test_a_coalesced_wall_carries_the_newest_revision_and_the_state_it_covers(
    board_a, facilitator, kim, lou, sent, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(live.coalescer, "clock", lambda: 1000.0)  # all within the half second
    first = add(board_a, "Busse öfter")
    voting = start(board_a, facilitator, dots_per_participant=5)  # totals for the console only
    console = live.board_group(board_a.pk, Audience.FACILITATORS, "de")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cast(voting, kim, first)  # goes out at once
    with django_capture_on_commit_callbacks(execute=True):
        cast(voting, lou, first)  # waits
    with django_capture_on_commit_callbacks(execute=True):
        second = add(board_a, "Radwege")  # a new revision, announced on its own
    with django_capture_on_commit_callbacks(execute=True):
        cast(voting, kim, second)  # waits, replacing the waiting one
    walls = [m["html"] for g, m in sent if g == console and "data-snapshot" in m["html"]]
    assert len(walls) == 1
    live.flush_coalesced()

    walls = [m["html"] for g, m in sent if g == console and "data-snapshot" in m["html"]]
    assert len(walls) == 2  # two sends for three dots
    newest = walls[-1]
    found = re.search(rf'id="board-{board_a.pk}-rev"[^>]*data-rev="(\d+)"', newest)
    assert int(found.group(1)) == rev(board_a)  # the card's revision, not the first dot's
    assert shown_dots(newest) == {first.pk: 2, second.pk: 1}  # every dot it covers
    assert "Radwege" in newest


@pytest.mark.django_db(transaction=True)
def test_ten_dots_on_one_card_at_once_respect_the_most_per_card(board_a, facilitator, kim):
    card = add(board_a, "Begehrt")
    voting = start(board_a, facilitator, dots_per_participant=10, max_per_target=3)
    barrier = threading.Barrier(10)
    errors: list[Exception] = []

    def fire():
        try:
            barrier.wait(timeout=10)
            services.vote_cast(voting=voting, participant=kim, card=card)
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Vote.objects.filter(card=card).count() == 3
    assert len(errors) == 7


# found in review ----------------------------------------------------------------------------


def test_starting_a_round_tells_every_phone_its_dots(
    board_a, facilitator, kim, lou, sent, django_capture_on_commit_callbacks
):
    add(board_a, "Karte")
    with django_capture_on_commit_callbacks(execute=True):
        start(board_a, facilitator, dots_per_participant=4)
    personal = personal_pushes(sent)
    assert set(personal) == {kim.pk, lou.pk}
    assert all('data-dots-left="4"' in html for htmls in personal.values() for html in htmls)


def test_a_deleted_card_gives_its_dots_back(board_a, facilitator, kim):
    first = add(board_a, "Erste")
    second = add(board_a, "Zweite")
    voting = start(board_a, facilitator, dots_per_participant=2)
    cast(voting, kim, first)
    assert cast(voting, kim, second) == 0
    services.card_delete(card=first, version=1, user=facilitator)
    assert personal_context(fresh(board_a), kim)["dots_left"] == 1
    assert cast(voting, kim, second) == 0  # the freed dot can be placed again


def test_a_cluster_with_dots_in_a_running_vote_is_not_dissolved(board_a, facilitator, kim):
    cluster = services.cluster_create(board=board_a, title="Takt", user=facilitator)
    voting = start(board_a, facilitator)
    cast(voting, kim, cluster)
    with pytest.raises(ValidationError):
        services.cluster_dissolve(cluster=cluster, user=facilitator)
    assert Vote.objects.filter(cluster=cluster).count() == 1
    services.voting_close(voting=voting, user=facilitator)
    services.cluster_dissolve(cluster=cluster, user=facilitator)  # after the vote it may go


def test_merging_moves_dots_and_tells_their_owners(
    board_a, facilitator, kim, sent, django_capture_on_commit_callbacks
):
    target, duplicate = add(board_a, "Ein Ticket"), add(board_a, "Ein Ticket für alles")
    voting = start(board_a, facilitator)
    cast(voting, kim, duplicate)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.card_merge(target=target, sources=[duplicate], user=facilitator)
    assert set(personal_pushes(sent)) == {kim.pk}
    assert personal_context(fresh(board_a), kim)["my_votes"] == {f"card-{target.pk}": 1}


# what the facilitators and the phones see of a round ----------------------------------


def test_facilitators_see_live_who_has_voted_and_how_many_dots_are_placed(
    board_a, facilitator, kim, lou, sent, django_capture_on_commit_callbacks
):
    first, second = add(board_a, "Busse"), add(board_a, "Bahnen")
    voting = start(board_a, facilitator, dots_per_participant=3)
    with django_capture_on_commit_callbacks(execute=True):
        cast(voting, kim, first)
        cast(voting, kim, second)
    progress = wall_context(fresh(board_a), Audience.FACILITATORS)["wall"].progress
    assert (progress.voters, progress.participants, progress.placed, progress.dots) == (1, 2, 2, 6)
    pushed = [
        html for group, html in board_pushes(sent, board_a) if group.endswith("facilitators.de")
    ]
    assert pushed, "every dot updates the facilitators' walls"
    assert "Gepunktet: 1 von 2 Teilnehmenden" in pushed[-1]
    assert "Gesetzt: 2 von 6 Punkten" in pushed[-1]
    # Participants and the projector learn nothing of it.
    for audience in (Audience.PARTICIPANTS, Audience.PROJECTOR):
        assert wall_context(fresh(board_a), audience)["wall"].progress is None


def test_after_a_round_closes_the_phone_shows_the_ranking_also_after_a_reload(
    board_a, facilitator, joined_client, group_a
):
    client, kim = joined_client(group_a)
    card = add(board_a, "Busse")
    voting = start(board_a, facilitator)
    cast(voting, kim, card)
    services.voting_close(voting=voting, user=facilitator)
    page = client.get(f"/b/{board_a.pk}/").content.decode()
    assert 'data-task="result"' in page
    assert "Die Punktabfrage ist beendet" in page
    assert 'data-task="write"' not in page
    assert "Ergebnis der Punktabfrage" in page  # the ranking itself


def test_a_card_shown_again_brings_back_only_the_dots_that_still_fit(
    board_a, facilitator, kim, lou, sent, django_capture_on_commit_callbacks
):
    # Found while writing the model of tests/boards/test_wall_properties.py (its budget
    # invariant catches it): Kim's dot on a hidden card came back to her, she placed it
    # elsewhere, and showing the card again gave her two dots of one.
    x, y = add(board_a, "Seilbahn"), add(board_a, "Nachtbus")
    voting = start(board_a, facilitator, dots_per_participant=1, max_per_target=1)
    cast(voting, kim, x)
    cast(voting, lou, x)
    services.card_hide(card=fresh(x), hidden=True, user=facilitator)
    assert cast(voting, kim, y) == 0  # the hidden card gave her dot back
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.card_hide(card=fresh(x), hidden=False, user=facilitator)
    assert personal_context(board_a, kim)["dots_left"] == 0
    assert personal_context(board_a, kim)["my_votes"] == {f"card-{y.pk}": 1}
    # Lou placed nothing meanwhile: his dot on the card is back with it.
    assert personal_context(board_a, lou)["my_votes"] == {f"card-{x.pk}": 1}
    assert services.card_totals(voting) == {x.pk: 1, y.pk: 1}
    # Her phone shows the dot she lost, his the dot that is on the wall again.
    assert set(personal_pushes(sent)) == {kim.pk, lou.pk}


@pytest.mark.parametrize("how", ["hide", "delete"])
def test_a_card_taken_off_the_wall_tells_its_voters_they_have_their_dots_back(
    board_a, facilitator, kim, lou, sent, django_capture_on_commit_callbacks, how
):
    x, y = add(board_a, "Seilbahn"), add(board_a, "Nachtbus")
    voting = start(board_a, facilitator, dots_per_participant=2, max_per_target=2)
    cast(voting, kim, x)
    cast(voting, lou, y)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "hide":
            services.card_hide(card=fresh(x), hidden=True, user=facilitator)
        else:
            services.card_delete(card=fresh(x), version=fresh(x).version, user=facilitator)
    assert set(personal_pushes(sent)) == {kim.pk}  # Lou's dot is where it was
    pushed = next(m["html"] for g, m in sent if g.startswith(f"participant.{kim.pk}."))
    assert 'data-dots-left="2"' in pushed


def test_an_undone_delete_brings_back_only_the_dots_that_still_fit(board_a, facilitator, kim):
    x, y, z = add(board_a, "Seilbahn"), add(board_a, "Nachtbus"), add(board_a, "Radweg")
    voting = start(board_a, facilitator, dots_per_participant=2, max_per_target=2)
    cast(voting, kim, x)
    cast(voting, kim, x)
    services.card_delete(card=fresh(x), version=fresh(x).version, user=facilitator)
    cast(voting, kim, y)  # one of the two dots given back is placed again
    services.moderation_undo(board=board_a, user=facilitator)
    assert fresh(x).deleted_at is None
    assert personal_context(board_a, kim)["dots_left"] == 0
    assert services.card_totals(voting) == {x.pk: 1, y.pk: 1}
    with pytest.raises(ValidationError):
        cast(voting, kim, z)  # the budget holds: no third dot


def test_undoing_a_hide_tells_the_cards_voters(
    board_a, facilitator, kim, sent, django_capture_on_commit_callbacks
):
    x = add(board_a, "Seilbahn")
    voting = start(board_a, facilitator, dots_per_participant=2, max_per_target=2)
    cast(voting, kim, x)
    services.card_hide(card=fresh(x), hidden=True, user=facilitator)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_undo(board=board_a, user=facilitator)
    assert set(personal_pushes(sent)) == {kim.pk}  # the card and her dot are back
    pushed = next(m["html"] for g, m in sent if g.startswith(f"participant.{kim.pk}."))
    assert 'data-dots-left="1"' in pushed


@pytest.mark.parametrize("how", ["pin", "drag"])
def test_a_card_pinned_again_from_the_inbox_brings_back_only_the_dots_that_still_fit(
    board_a, facilitator, group_a, how
):
    # Found in review: an undo put a voted card back into the inbox (its dots freed), they
    # were placed elsewhere, and pinning the card again made six dots of three.
    kim = ParticipantFactory(group=group_a, display_name="Kim")
    services.board_configure(board=board_a, mode=Board.Mode.COLLECT)
    others = [add(board_a, f"Karte {n}", participant=kim) for n in range(3)]
    services.cards_pin(board=board_a, user=facilitator)
    card = add(board_a, "Abgegeben", participant=kim)
    services.card_move(card=card, cluster=None, index=0, version=1, user=facilitator)
    voting = start(board_a, facilitator, dots_per_participant=3, max_per_target=3)
    for _ in range(3):
        cast(voting, kim, fresh(card))
    services.moderation_undo(board=board_a, user=facilitator)  # back into the inbox
    assert fresh(card).state == Card.State.INBOX
    for other in others:
        cast(voting, kim, other)
    if how == "pin":
        services.cards_pin(board=board_a, user=facilitator, card=fresh(card))
    else:
        services.card_move(
            card=fresh(card), cluster=None, index=0, version=fresh(card).version, user=facilitator
        )
    assert fresh(card).state == Card.State.PINNED
    assert personal_context(board_a, kim)["dots_left"] == 0
    assert Vote.objects.filter(round=voting, participant=kim).count() == 3
