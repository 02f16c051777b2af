"""The timer and "I'm done" on every screen: rendered per audience and language, pushed
through `workshop.live` within the board's budget (coalesced: at most two sends a second)."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from boards.models import Board
from boards.permissions import can
from boards.timing import (
    TimerState,
    done_count,
    group_timer,
    is_done,
    room_timer,
)
from workshop import live
from workshop.live import Audience
from workshop.models import BreakoutGroup, Participant, Workshop
from workshop.permissions import Action, Actor

TEMPLATE = "boards/_timer.html"
PLACES = {
    Audience.FACILITATORS: "console",
    Audience.PROJECTOR: "projector",
    Audience.PARTICIPANTS: "phone",
}


def timer_html(
    state: TimerState, audience: Audience, *, sound: bool = False, oob: bool = True
) -> str:
    """One countdown as `audience` sees it; the sound rings only on console and projector."""
    # "4:59 left" / "Noch 4:59": the words around the digits, which the screen counts down.
    before, _digits, after = (gettext("%(time)s left") % {"time": "\0"}).partition("\0")
    context = {
        "t": state,
        "left_before": before,
        "left_after": after,
        "place": PLACES[Audience(audience)],
        "sound": sound and audience != Audience.PARTICIPANTS,
        "oob": oob,
    }
    return render_to_string(f"{TEMPLATE}#clock", context)


def done_button_html(board: Board, participant: Participant, *, oob: bool = True) -> str:
    workshop = participant.workshop
    context = {
        "board": board,
        "done": is_done(participant, workshop),
        "allowed": can(Actor.of(participant), Action.MARK_DONE, workshop=workshop),
        "oob": oob,
    }
    return render_to_string(f"{TEMPLATE}#done-button", context)


def done_count_html(group: BreakoutGroup, *, oob: bool = True) -> str:
    context = {"count": done_count(group), "oob": oob}
    return render_to_string(f"{TEMPLATE}#done-count", context)


def _per_language(render: Callable[[str], dict[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for language in live.languages():
        with translation.override(language):
            out.update(render(language))
    return out


def _board_of(group_id: int) -> int | None:
    return Board.objects.filter(group_id=group_id).values_list("pk", flat=True).first()


def timer_changed(workshop_id: int, group_id: int | None) -> None:
    """After commit, every screen that shows this countdown gets it, with the time left
    counted when the push goes out."""
    if group_id is None:

        def render_room() -> dict[str, str]:
            workshop = Workshop.objects.get(pk=workshop_id)
            state = room_timer(workshop_id)
            return _per_language(
                lambda language: {
                    live.workshop_group(workshop_id, audience, language): timer_html(
                        state, audience, sound=workshop.timer_sound
                    )
                    for audience in Audience
                }
            )

        live.send_html_coalesced(f"workshop:{workshop_id}", render_room, part="timer")
        return
    board_id = _board_of(group_id)
    if board_id is None:
        return

    def render_group() -> dict[str, str]:
        group = BreakoutGroup.objects.select_related("workshop").get(pk=group_id)
        state = group_timer(group)
        return _per_language(
            lambda language: {
                live.board_group(board_id, audience, language): timer_html(
                    state, audience, sound=group.workshop.timer_sound
                )
                for audience in Audience
            }
        )

    live.send_html_coalesced(f"board:{board_id}", render_group, part="timer")


def timers_changed(workshop_id: int) -> None:
    """Every countdown of the workshop again (the sound was switched on or off)."""
    timer_changed(workshop_id, None)
    for group_id in BreakoutGroup.objects.filter(workshop_id=workshop_id).values_list(
        "pk", flat=True
    ):
        timer_changed(workshop_id, group_id)


def done_counts_changed(board_id: int, group_id: int) -> None:
    """After commit, the facilitators see how many of the group are done (coalesced)."""

    def render() -> dict[str, str]:
        group = BreakoutGroup.objects.select_related("workshop__current_phase").get(pk=group_id)
        return _per_language(
            lambda language: {
                live.board_group(board_id, Audience.FACILITATORS, language): done_count_html(group)
            }
        )

    live.send_html_coalesced(f"board:{board_id}", render, part="done")


def done_changed(participant: Participant) -> None:
    """After a tap on "I'm done": the participant's phones, and the group's count."""
    participant_id, group_id = participant.pk, participant.group_id
    board_id = _board_of(group_id) if group_id else None
    if board_id is None:
        return

    def render_button() -> dict[str, str]:
        fresh = Participant.objects.select_related("workshop__current_phase").get(pk=participant_id)
        board = Board.objects.get(pk=board_id)
        return _per_language(
            lambda language: {
                live.personal_group(participant_id, language): done_button_html(board, fresh)
            }
        )

    live.send_html_on_commit(render_button)
    done_counts_changed(board_id, group_id)


def done_buttons_changed(workshop_id: int) -> None:
    """After a phase change: every phone's "I'm done" (shown or not, pressed or not) and
    every group's count. For the agenda's phase services to call."""

    def render() -> dict[str, str]:
        people = Participant.objects.filter(
            workshop_id=workshop_id, removed_at=None, group__isnull=False
        ).select_related("workshop__current_phase")
        boards = dict(
            Board.objects.filter(workshop_id=workshop_id, group__isnull=False).values_list(
                "group_id", "pk"
            )
        )
        boards_by_pk = Board.objects.in_bulk(list(boards.values()))
        return _per_language(
            lambda language: {
                live.personal_group(p.pk, language): done_button_html(
                    boards_by_pk[boards[p.group_id]], p
                )
                for p in people
                if p.group_id in boards
            }
        )

    live.send_html_on_commit(render)
    for group_id, board_id in Board.objects.filter(
        workshop_id=workshop_id, group__isnull=False
    ).values_list("group_id", "pk"):
        done_counts_changed(board_id, group_id)


def snapshot_html(
    workshop: Workshop, audience: Audience, participant: Participant | None
) -> list[str]:
    """What a (re)connecting socket needs of the timers and "I'm done" besides its walls
    (which carry their group's countdown and count): the room's countdown; on a phone
    also its group's countdown and its "I'm done"."""
    out = [timer_html(room_timer(workshop.pk), audience, sound=workshop.timer_sound)]
    if participant is not None and participant.group is not None:
        out.append(timer_html(group_timer(participant.group), audience))
        board = Board.objects.filter(group_id=participant.group_id).first()
        if board is not None:
            out.append(done_button_html(board, participant))
    return out
