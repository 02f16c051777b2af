"""Workshop-level pushes (who joined, the projector's join panel and page), rendered per
language and handed to `workshop.live`."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation

from workshop import live, projector
from workshop.models import Workshop


def _per_language(
    workshop_id: int, audience: live.Audience, html: Callable[[], str]
) -> dict[str, str]:
    out = {}
    for language in live.languages():
        with translation.override(language):
            out[live.workshop_group(workshop_id, audience, language)] = html()
    return out


def group_counts_changed(workshop: Workshop) -> None:
    """After commit, send the facilitators' consoles every group's count and the total."""

    def render() -> dict[str, str]:
        counts = workshop.participant_counts()
        context = {"counts": counts, "total": sum(counts.values())}
        return _per_language(
            workshop.pk,
            live.Audience.FACILITATORS,
            lambda: render_to_string("workshop/_group_counts.html", context),
        )

    live.send_html_on_commit(render)


def join_panel_html(workshop: Workshop) -> str:
    """The projector's join panel as pushed: no request, so the address of STELLWAND_PUBLIC_URL."""
    context = {"join": projector.join_panel(workshop)}
    return render_to_string(f"{projector.JOIN_TEMPLATE}#join-panel", context)


def pager_html(workshop: Workshop) -> str:
    context = {"pager": projector.pager(workshop)}
    return render_to_string(f"{projector.JOIN_TEMPLATE}#pager", context)


def projector_join_changed(workshop_id: int) -> None:
    """After commit, projector screens show how to join now (or that nobody can)."""

    def render() -> dict[str, str]:
        workshop = Workshop.objects.get(pk=workshop_id)
        return _per_language(
            workshop_id, live.Audience.PROJECTOR, lambda: join_panel_html(workshop)
        )

    live.send_html_on_commit(render)


def projector_pager_changed(workshop_id: int) -> None:
    """After commit, projector screens turn to the page the facilitators chose."""

    def render() -> dict[str, str]:
        workshop = Workshop.objects.get(pk=workshop_id)
        return _per_language(workshop_id, live.Audience.PROJECTOR, lambda: pager_html(workshop))

    live.send_html_on_commit(render)


def phase_changed(workshop_id: int) -> None:
    """After commit, every screen of the workshop shows the phase now running: the phones
    (what to do now, and where: they follow to the plenary and back), the projector and the
    consoles' agenda. One fragment per audience and language."""

    def render() -> dict[str, str]:
        from boards.selectors.agenda import agenda

        workshop = Workshop.objects.get(pk=workshop_id)
        view = agenda(workshop)
        out: dict[str, str] = {}
        for audience, partial in PHASE_PARTIALS.items():
            context = {"workshop": workshop, "agenda": view, "oob": True}
            out |= _per_language(
                workshop_id,
                audience,
                lambda partial=partial, context=context: render_to_string(partial, context),
            )
        return out

    live.send_html_on_commit(render)


PHASE_PARTIALS = {
    live.Audience.PARTICIPANTS: "workshop/_phase.html#phone",
    live.Audience.PROJECTOR: "workshop/_phase.html#projector",
    live.Audience.FACILITATORS: "workshop/_phase.html#console",
}


def phase_html(workshop: Workshop, audience: live.Audience) -> str:
    """The phase as `audience` sees it, for the snapshot a socket gets on connect."""
    from boards.selectors.agenda import agenda

    context = {"workshop": workshop, "agenda": agenda(workshop), "oob": True}
    return render_to_string(PHASE_PARTIALS[audience], context)
