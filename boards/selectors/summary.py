"""The summary (Ergebnisprotokoll) as a document: drafted from the boards, edited by the organiser.

Drafted from the same read model as the plenary (`plenary_groups`, `synergies_for`), as the
participants' audience sees it: hidden cards that were never revealed, dots of a round still
running and links to a card nobody may see are in no section. Every export (Markdown, HTML,
DOCX, PDF) renders this document; none queries the boards itself.

A section's body is the small markup of `boards/exports/markup.py`; the wall's texts go in
escaped, so that they come out as plain text in every format.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _, ngettext

from boards.exports import markup
from boards.models import Conclusion, Summary, SummarySection
from boards.selectors.plenary import PlenaryGroup, group_boards, plenary_groups
from boards.selectors.synergies import Synergies, synergies_for
from workshop.live import Audience
from workshop.models import Participant, Workshop

INTRO, AGENDA, LINKS, CONCLUSIONS, PEOPLE, CLOSING = (
    "intro",
    "agenda",
    "links",
    "conclusions",
    "people",
    "closing",
)
GROUP_PREFIX = "group-"
PLENARY_WALL = "plenary-wall"


def _digest(language: str, title: str, body: str) -> str:
    """What an edit remembers of the draft it was made from: its language and a hash."""
    return f"{language}:" + hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:40]


def _stale(stored: str, language: str, title: str, body: str) -> bool:
    """The boards changed the draft since the edit (in the same language: a draft in another
    language is no news about the boards)."""
    if not stored.startswith(f"{language}:"):
        return False
    return stored != _digest(language, title, body)


@dataclass
class Section:
    key: str
    title: str
    body: str  # markup
    draft_title: str
    draft: str
    included: bool = True
    edited: bool = False
    stale: bool = False  # edited, and the boards changed the draft since
    digest: str = ""  # of the draft as shown: an edit posts it back

    @property
    def blocks(self) -> list[markup.Block]:
        return markup.parse(self.body)

    @property
    def is_empty(self) -> bool:
        return not self.body.strip()

    @property
    def dom_id(self) -> str:
        return f"section-{self.key}"


@dataclass
class SummaryDocument:
    workshop: Workshop
    language: str
    title: str
    subtitle: str
    date: str  # in the document's language, "" when the workshop has no date
    place: str
    facilitators: list[str]
    sections: list[Section] = field(default_factory=list)

    @property
    def shown(self) -> list[Section]:
        """What goes into the exports: included sections with a text, in their order."""
        return [s for s in self.sections if s.included and not s.is_empty]

    @property
    def byline(self) -> str:
        """Date, place and who facilitated, in one line."""
        parts = [p for p in (self.date, self.place) if p]
        if self.facilitators:
            parts.append(
                ngettext(
                    "Facilitation: %(names)s", "Facilitation: %(names)s", len(self.facilitators)
                )
                % {"names": ", ".join(self.facilitators)}
            )
        return " · ".join(parts)


def named_people(workshop: Workshop):
    """Who may be named in anything exported: agreed, with a name, not removed. The summary,
    the cards' CSV and the workshop's JSON all ask this."""
    return Participant.objects.filter(
        workshop=workshop, named_in_summary=True, removed_at=None
    ).exclude(display_name="")


def summary_settings(workshop: Workshop) -> Summary:
    summary, _created = Summary.objects.get_or_create(workshop=workshop)
    return summary


def _user_name(user: object) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""  # type: ignore[attr-defined]
    return full or str(user)


def quoted(text: str) -> str:
    """A text in the language's quotation marks („…“ in German)."""
    return _("“%(text)s”") % {"text": text}


def listed(items: list[str]) -> str:
    """ "a, b and c" in the language being rendered."""
    if len(items) == 1:
        return items[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _dots(n: int | None) -> str:
    return ngettext("%(n)d dot", "%(n)d dots", n or 0) % {"n": n or 0}


def _top_sentence(group: PlenaryGroup) -> str:
    """The group's top results as one sentence, with the wall's texts escaped."""
    if not group.top:
        return ""
    names = [
        markup.escape(quoted(t.title)) + (f" ({_dots(t.dots)})" if t.dots is not None else "")
        for t in group.top
    ]
    values = {
        "group": markup.escape(quoted(group.name) if group.name else ""),
        "top": listed(names),
    }
    if not group.name:
        return _("The plenary focused above all on %(top)s.") % values
    if group.voted:
        return _("In the group %(group)s, most dots went to %(top)s.") % values
    return _("The group %(group)s gathered most of its cards under %(top)s.") % values


def _group_draft(group: PlenaryGroup) -> str:
    parts = []
    if group.question:
        parts.append(
            _("Guiding question: %(question)s") % {"question": markup.escape(group.question)}
        )
    sentence = _top_sentence(group)
    if sentence:
        parts.append(sentence)
    if group.clusters:
        heading = _("Clusters by dots") if group.voted else _("Clusters")
        items = []
        for ranked in group.clusters:
            label = ranked.cluster.title
            if ranked.dots is not None:
                label = f"{label} ({_dots(ranked.dots)})"
            cards = []
            for card, n in ranked.cards:
                cards.append(card.text + (f" ({_dots(n)})" if n else ""))
            items.append((label, cards))
        parts.append(f"### {heading}\n" + markup.bullets(items))
    if group.cards:
        loose = [(card.text + (f" ({_dots(n)})" if n else ""), []) for card, n in group.cards]
        title = _("More cards") if group.clusters else _("Cards")
        parts.append(f"### {title}\n" + markup.bullets(loose))
    if not group.card_count:
        parts.append(_("No cards were pinned on this wall."))
    return "\n\n".join(parts)


def _agenda_draft(workshop: Workshop) -> str:
    phases = list(workshop.phases.order_by("position", "pk"))
    ran = [p for p in phases if p.started_at is not None]
    shown = ran or phases
    if not shown:
        return ""
    rows = []
    for phase in shown:
        when = ""
        if phase.started_at is not None:
            when = formats.time_format(timezone.localtime(phase.started_at), "TIME_FORMAT")
        minutes = ""
        if phase.started_at is not None and phase.ended_at is not None:
            took = max(1, round((phase.ended_at - phase.started_at).total_seconds() / 60))
            minutes = ngettext("%(n)d minute", "%(n)d minutes", took) % {"n": took}
        elif phase.planned_minutes:
            minutes = _("%(n)d minutes planned") % {"n": phase.planned_minutes}
        rows.append([when, phase.title, minutes])
    intro = "" if ran else _("The agenda as planned (it was not run in Stellwand):") + "\n\n"
    return intro + markup.table([_("Time"), _("Phase"), _("Duration")], rows)


def _links_draft(synergies: Synergies) -> str:
    if not synergies.links:
        return ""
    rows = [
        [
            link.kind_label,
            f"{link.source.text} ({link.source.group})" if link.source.group else link.source.text,
            f"{link.target.text} ({link.target.group})" if link.target.group else link.target.text,
            link.note,
        ]
        for link in synergies.links
    ]
    lead = ngettext(
        "The plenary found %(n)d link between the groups:",
        "The plenary found %(n)d links between the groups:",
        len(rows),
    ) % {"n": len(rows)}
    return lead + "\n\n" + markup.table([_("Kind"), _("From"), _("To"), _("Note")], rows)


def _conclusions_draft(synergies: Synergies) -> str:
    conclusions = [c for c in synergies.conclusions if c.kind != Conclusion.Kind.NEXT_STEP]
    steps = [c for c in synergies.conclusions if c.kind == Conclusion.Kind.NEXT_STEP]
    parts = []
    if conclusions:
        parts.append(
            markup.bullets([(c.text, [c.source] if c.source else []) for c in conclusions])
        )
    if steps:
        rows = [
            [
                step.text,
                step.who,
                ", ".join(step.actors),
                formats.date_format(step.due, "SHORT_DATE_FORMAT") if step.due else "",
            ]
            for step in steps
        ]
        heading = _("Next steps")
        table = markup.table([_("What"), _("Who"), _("Actors involved"), _("By when")], rows)
        parts.append(f"### {markup.escape(heading)}\n{table}")
    return "\n\n".join(parts)


def _people_draft(workshop: Workshop, groups: list[PlenaryGroup]) -> str:
    people = Participant.objects.filter(workshop=workshop)
    total = people.count()
    if not total:
        return _("Nobody joined on a phone.")
    by_group = dict(
        people.filter(group__isnull=False)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    parts = [
        ngettext(
            "%(n)d person took part on a phone.", "%(n)d people took part on their phones.", total
        )
        % {"n": total}
    ]
    listed = [
        f"{g.name} ({by_group.get(g.group.pk, 0)})"
        for g in groups
        if g.group is not None and by_group.get(g.group.pk)
    ]
    if listed:
        parts[0] += " " + _("By group: %(groups)s.") % {"groups": markup.escape(", ".join(listed))}
    names = sorted(named_people(workshop).values_list("display_name", flat=True), key=str.casefold)
    if names:
        parts.append(
            _("Named with their consent: %(names)s.") % {"names": markup.escape(", ".join(names))}
        )
    return "\n\n".join(parts)


def _intro_draft(workshop: Workshop, date: str) -> str:
    if workshop.description.strip():
        return markup.escape(workshop.description)
    values = {
        "title": markup.escape(quoted(workshop.title)),
        "date": date,
        "place": markup.escape(workshop.place),
    }
    if date and workshop.place:
        return _("The workshop %(title)s took place on %(date)s (%(place)s).") % values
    if date:
        return _("The workshop %(title)s took place on %(date)s.") % values
    return _("This is the summary of the workshop %(title)s.") % values


def drafts(workshop: Workshop, date: str) -> list[tuple[str, str, str]]:
    """Every section as drafted from the boards: (key, heading, body), in the default order."""
    boards, own = group_boards(workshop)
    groups = plenary_groups([*boards, *([own] if own else [])], Audience.PARTICIPANTS)
    synergies = synergies_for(workshop, Audience.PARTICIPANTS)
    out = [
        (INTRO, _("Introduction"), _intro_draft(workshop, date)),
        (AGENDA, _("Agenda"), _agenda_draft(workshop)),
    ]
    for group in groups:
        if group.group is None:
            if group.card_count:
                out.append((PLENARY_WALL, _("The plenary's wall"), _group_draft(group)))
            continue
        heading = _("Group “%(name)s”") % {"name": group.name}
        out.append((f"{GROUP_PREFIX}{group.group.pk}", heading, _group_draft(group)))
    out += [
        (LINKS, _("Parallels and synergies between the groups"), _links_draft(synergies)),
        (CONCLUSIONS, _("Conclusions and next steps"), _conclusions_draft(synergies)),
        (PEOPLE, _("Participation"), _people_draft(workshop, groups)),
        (CLOSING, _("Closing"), ""),
    ]
    return out


def summary_document(workshop: Workshop, language: str | None = None) -> SummaryDocument:
    """The summary as it stands: drafts where untouched, the organiser's edits where edited,
    in the organiser's order, in the document's language (or `language`)."""
    settings = summary_settings(workshop)
    language = language or settings.language
    stored = {s.key: s for s in SummarySection.objects.filter(summary=settings)}
    with translation.override(language):
        date = formats.date_format(workshop.date, "DATE_FORMAT") if workshop.date else ""
        drafted = drafts(workshop, date)
        user_model = get_user_model()
        facilitators = [
            _user_name(u) for u in user_model.objects.filter(facilitated_workshops=workshop)
        ]
    sections = []
    for key, title, draft in drafted:
        row = stored.get(key)
        section = Section(key, title, draft, title, draft, digest=_digest(language, title, draft))
        if row is not None:
            section.included = row.included
            if row.edited:
                section.title, section.body, section.edited = row.title or title, row.body, True
                section.stale = _stale(row.draft_digest, language, title, draft)
        sections.append(section)

    if stored:
        # Unplaced sections (a group added later, the plenary's wall) follow the drafted
        # section before them that has a place; at the start if none has.
        keys, last = {}, -1
        for n, section in enumerate(sections):
            row = stored.get(section.key)
            if row is not None:
                last = row.position
                keys[section.key] = (row.position, 0, n)
            else:
                keys[section.key] = (last, 1, n)
        sections.sort(key=lambda s: keys[s.key])
    return SummaryDocument(
        workshop=workshop,
        language=language,
        title=workshop.title,
        subtitle=workshop.subtitle,
        date=date,
        place=workshop.place,
        facilitators=facilitators,
        sections=sections,
    )


def draft_digest(section: Section, language: str) -> str:
    """What an edit remembers of the draft it was made from (the editor sends it back)."""
    return _digest(language, section.draft_title, section.draft)
