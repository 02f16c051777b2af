"""Workshop-level pushes (who joined), rendered per language and handed to `workshop.live`."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from workshop import live
from workshop.models import Workshop


def group_counts_changed(workshop: Workshop) -> None:
    """After commit, send the facilitators' consoles every group's count and the total."""

    def render() -> dict[str, str]:
        counts = workshop.participant_counts()
        context = {"counts": counts, "total": sum(counts.values())}
        out = {}
        for language in live.languages():
            with translation.override(language):
                html = render_to_string("workshop/_group_counts.html", context)
            out[live.workshop_group(workshop.pk, live.Audience.FACILITATORS, language)] = html
        return out

    live.send_html_on_commit(render)
