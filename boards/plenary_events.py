"""The plenary's pushes: a group's section when its board changed, the spotlight when it moved.

Rendered once per audience and language from `boards.selectors.plenary`, handed to
`workshop.live` (the same partials the pages render, so a push and a page never differ).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from boards.models import Board
from boards.selectors import plenary as read
from workshop import live
from workshop.live import Audience
from workshop.models import Workshop

TEMPLATE = "boards/_plenary.html"
PROJECTOR_TEMPLATE = "boards/_plenary_projector.html"


def _template(audience: Audience) -> str:
    return PROJECTOR_TEMPLATE if audience == Audience.PROJECTOR else TEMPLATE


def plenary_html(workshop: Workshop, audience: Audience) -> str:
    """The whole plenary as `audience` sees it: the snapshot a plenary socket gets on connect."""
    context = {"plenary": read.plenary(workshop, audience), "audience": str(audience), "oob": True}
    return render_to_string(f"{_template(audience)}#plenary", context)


def spotlight_html(workshop: Workshop, audience: Audience) -> str:
    context = {
        "spot": read.spotlight(workshop, audience),
        "workshop": workshop,
        "audience": str(audience),
    }
    return render_to_string(f"{TEMPLATE}#spotlight", context)


def spotlight_changed(workshop_id: int) -> None:
    """After commit, every screen of the workshop shows what is in the spotlight now."""

    def render() -> dict[str, str]:
        workshop = Workshop.objects.get(pk=workshop_id)
        out = {}
        for audience in Audience:
            spot = read.spotlight(workshop, audience)  # the queries once per audience
            context = {"spot": spot, "workshop": workshop, "audience": str(audience)}
            for language in live.languages():
                with translation.override(language):
                    out[live.workshop_group(workshop_id, audience, language)] = render_to_string(
                        f"{TEMPLATE}#spotlight", context
                    )
        return out

    live.send_html_on_commit(render)


def board_changed(board_id: int, audiences: tuple[Audience, ...] = tuple(Audience)) -> None:
    """After commit, the plenary screens follow a change on a group's board (its section
    only), and the spotlight follows when its thing is on that board; the facilitators'
    suggested parallels follow too."""

    def render() -> dict[str, str]:
        board = Board.objects.select_related("group", "workshop").get(pk=board_id)
        workshop = board.workshop
        spotlighted = read.spotlight_target_on(workshop, board_id)
        out = {}
        for audience in audiences:
            context: dict[str, object] = {"audience": str(audience), "oob": True}
            if board.group_id is not None:
                context["group"] = read.plenary_group(board, audience)
            if spotlighted:
                context["spot"] = read.spotlight(workshop, audience)
                context["workshop"] = workshop
            for language in live.languages():
                with translation.override(language):
                    if "group" in context:
                        out[live.plenary_group(workshop.pk, audience, language)] = render_to_string(
                            f"{_template(audience)}#group", context
                        )
                    if spotlighted:
                        out[live.workshop_group(workshop.pk, audience, language)] = (
                            render_to_string(f"{TEMPLATE}#spotlight", context)
                        )
        return out

    live.send_html_on_commit(render)
    # What participants see changed, so may the suggestions: after the section, coalesced.
    if Audience.PARTICIPANTS in audiences:
        workshop_id = (
            Board.objects.filter(pk=board_id).values_list("workshop_id", flat=True).first()
        )
        if workshop_id is not None:
            parallels_changed(workshop_id)


def parallels_html(workshop: Workshop) -> dict[str, str]:
    """The suggested parallels for the facilitators' plenary screens, once per language."""
    from boards.selectors.parallels import suggestions_for

    context = {"suggestions": suggestions_for(workshop), "workshop": workshop, "oob": True}
    out = {}
    for language in live.languages():
        with translation.override(language):
            group = live.plenary_group(workshop.pk, Audience.FACILITATORS, language)
            out[group] = render_to_string("boards/_parallels.html#parallels", context)
    return out


def parallels_changed(workshop_id: int) -> None:
    """After commit, and at most twice a second however fast the walls change, the consoles'
    plenary shows the suggestions as they are now (they follow new cards without a reload)."""

    def render() -> dict[str, str]:
        workshop = Workshop.objects.filter(pk=workshop_id).first()
        return parallels_html(workshop) if workshop is not None else {}

    live.send_html_coalesced(f"parallels.{workshop_id}", render)
