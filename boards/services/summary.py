"""The organiser's edits of the summary: wording, order, what is left out, the language.

Each edit asks the same predicate (Action.EDIT_SUMMARY) with the caller's actor. An edited
section keeps its wording when the boards change; it remembers the draft it was made from, so
that the editor can offer the new draft (`Section.stale`).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boards.models import Summary, SummarySection
from boards.permissions import require
from boards.selectors.summary import Section, draft_digest, summary_document, summary_settings
from workshop.models import Workshop
from workshop.permissions import Action, Actor
from workshop.text import clean_text

# A section's text: what fits the request size limit even in umlauts (six bytes each, encoded).
MAX_BODY = 8_000
MAX_TITLE = 200
_DIGEST = re.compile(r"(de|en):[0-9a-f]{40}")


def _section(workshop: Workshop, key: str) -> tuple[Summary, Section, list[Section]]:
    """The summary row locked (two first edits at once create each row once), the section
    and every section in order."""
    summary_settings(workshop)
    summary = Summary.objects.select_for_update().get(workshop=workshop)
    document = summary_document(workshop)
    found = next((s for s in document.sections if s.key == key), None)
    if found is None:
        raise ValidationError(_("This section is no longer in the summary."))
    return summary, found, document.sections


def _store_order(summary: Summary, sections: list[Section]) -> dict[str, SummarySection]:
    """Every section gets a row with its place, so that the order is the organiser's."""
    rows = {r.key: r for r in summary.sections.select_for_update()}
    for n, section in enumerate(sections):
        row = rows.get(section.key)
        if row is None:
            row = SummarySection.objects.create(
                summary=summary, key=section.key, position=n, included=section.included
            )
            rows[section.key] = row
        elif row.position != n:
            row.position = n
            row.save(update_fields=["position", "updated_at"])
    return rows


def _body(body: str) -> str:
    body = body.replace("\r\n", "\n").replace("\x00", "")
    if len(body) > MAX_BODY:
        raise ValidationError(
            _("The text is too long: at most %(n)d characters.") % {"n": MAX_BODY}
        )
    return body.strip()


def section_save(
    actor: Actor, workshop: Workshop, key: str, *, title: str, body: str, seen: str = ""
) -> None:
    """Keep the organiser's wording of one section (its heading and text). `seen` is the
    digest of the draft the editor showed: a board change while they typed stays news."""
    require(actor, Action.EDIT_SUMMARY, workshop=workshop)
    title = clean_text(title)[:MAX_TITLE]
    body = _body(body)
    with transaction.atomic():
        summary, section, sections = _section(workshop, key)
        rows = _store_order(summary, sections)
        row = rows[key]
        if title == section.draft_title and body == section.draft.strip():
            row.edited, row.title, row.body = False, "", ""  # back to the draft
        else:
            row.edited, row.title, row.body = True, title or section.draft_title, body
            row.draft_digest = (
                seen if _DIGEST.fullmatch(seen) else draft_digest(section, summary.language)
            )
        row.save()


def section_take_draft(actor: Actor, workshop: Workshop, key: str) -> None:
    """Drop the organiser's wording: the section follows the boards again."""
    require(actor, Action.EDIT_SUMMARY, workshop=workshop)
    with transaction.atomic():
        summary, _found, sections = _section(workshop, key)
        row = _store_order(summary, sections)[key]
        row.edited, row.title, row.body, row.draft_digest = False, "", "", ""
        row.save()


def section_include(actor: Actor, workshop: Workshop, key: str, *, included: bool) -> None:
    require(actor, Action.EDIT_SUMMARY, workshop=workshop)
    with transaction.atomic():
        summary, _found, sections = _section(workshop, key)
        row = _store_order(summary, sections)[key]
        row.included = included
        row.save(update_fields=["included", "updated_at"])


def section_move(actor: Actor, workshop: Workshop, key: str, *, step: int) -> None:
    """Move a section one place up (-1) or down (+1)."""
    require(actor, Action.EDIT_SUMMARY, workshop=workshop)
    if step not in (-1, 1):
        raise ValidationError(_("A section moves one place up or down."))
    with transaction.atomic():
        summary, _found, sections = _section(workshop, key)
        keys = [s.key for s in sections]
        at = keys.index(key)
        to = at + step
        if not 0 <= to < len(keys):
            return
        sections[at], sections[to] = sections[to], sections[at]
        _store_order(summary, sections)


def language_set(actor: Actor, workshop: Workshop, *, language: str) -> Summary:
    require(actor, Action.EDIT_SUMMARY, workshop=workshop)
    if language not in Summary.Language.values:
        raise ValidationError(_("Please choose German or English."))
    summary = summary_settings(workshop)
    summary.language = language
    summary.save(update_fields=["language", "updated_at"])
    return summary
