"""Pushes the plenary's links and conclusions to every screen of a workshop.

Rendered once per audience (facilitators, phones, projector) and language from
`boards.selectors.synergies`, handed to `workshop.live`; the elements `#synergies-links`
and `#synergies-conclusions` replace themselves by id (hx-swap-oob).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from boards.selectors.synergies import Synergies, synergies_for
from workshop import live
from workshop.live import Audience
from workshop.models import Workshop

TEMPLATE = "boards/_synergies.html"


def synergies_html(synergies: Synergies) -> str:
    """Both elements, for an out-of-band swap (a push or a socket's snapshot)."""
    context = {"synergies": synergies, "oob": True}
    return render_to_string(f"{TEMPLATE}#synergies-links", context) + render_to_string(
        f"{TEMPLATE}#synergies-conclusions", context
    )


def synergies_snapshot(workshop_id: int, audience: Audience) -> list[str]:
    """What a socket gets on (re)connect, in the language active for it: nothing while the
    workshop has no links and no conclusions (the page renders those empty itself)."""
    from boards.models import Conclusion, Link

    if not (
        Link.objects.filter(workshop_id=workshop_id).exists()
        or Conclusion.objects.filter(workshop_id=workshop_id).exists()
    ):
        return []
    return [synergies_html(synergies_for(Workshop.objects.get(pk=workshop_id), audience))]


def render_all(workshop_id: int) -> dict[str, str]:
    """{group: html} for every audience and language of the workshop."""
    workshop = Workshop.objects.get(pk=workshop_id)
    # The queries once per audience; only the rendering once per language.
    selections = {audience: synergies_for(workshop, audience) for audience in Audience}
    out = {}
    for language in live.languages():
        with translation.override(language):
            for audience, synergies in selections.items():
                group = live.workshop_group(workshop_id, audience, language)
                out[group] = synergies_html(synergies)
    return out


def synergies_changed(workshop_id: int) -> None:
    """After commit, every screen of the workshop shows its links and conclusions anew."""
    live.send_html_on_commit(lambda: render_all(workshop_id))


def linked_board_changed(board_id: int) -> None:
    """After a wall changed (a card hidden, edited or merged, a cluster renamed): a workshop
    with links or conclusions gets them pushed again, so no phone keeps a hidden card's text."""
    from boards.models import Board, Conclusion, Link

    def render() -> dict[str, str]:
        workshop_id = (
            Board.objects.filter(pk=board_id).values_list("workshop_id", flat=True).first()
        )
        if workshop_id is None:
            return {}
        if not (
            Link.objects.filter(workshop_id=workshop_id).exists()
            or Conclusion.objects.filter(workshop_id=workshop_id).exists()
        ):
            return {}
        return render_all(workshop_id)

    live.send_html_on_commit(render)
