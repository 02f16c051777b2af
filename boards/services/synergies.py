"""Links between the groups' walls, the plenary's conclusions and the actors they need.

One transaction each, an explicit actor asked through `boards.permissions.require`; every
change is pushed after commit to the workshop's facilitators, phones and projector screens.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from boards import synergy_events
from boards.models import Actor as ActorName, Card, Cluster, Conclusion, Link
from boards.permissions import Refused, require
from boards.selectors.synergies import card_is_visible, link_view, shorten
from boards.services._common import Conflict, check_version, lock_workshop
from workshop.models import Workshop
from workshop.permissions import Action, Actor, is_facilitator
from workshop.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable

End = tuple[str, int]  # ("cluster", 12) or ("card", 34)
END_KINDS = ("cluster", "card")


def _require(actor: Actor, action: Action, workshop: Workshop) -> None:
    require(actor, action, workshop=workshop)
    # A facilitator acts in the workshops they run, not in another one.
    if actor.is_facilitator and not is_facilitator(actor.user, workshop):
        raise Refused(_("This is not possible now."))


def _lock(workshop: Workshop) -> Workshop:
    """Serialise the workshop's link and conclusion writes (no duplicate pair, no gaps)."""
    return lock_workshop(workshop.pk)


# ---------------------------------------------------------------- links


def _end(workshop: Workshop, end: End) -> Cluster | Card:
    kind, pk = end
    model = {"cluster": Cluster, "card": Card}.get(kind)
    found = (
        model.objects.select_related("board__group").filter(pk=pk, board__workshop=workshop).first()
        if model is not None
        else None
    )
    if found is None:
        raise ValidationError(_("This cluster or card is not on a wall of this workshop."))
    if found.board.group_id is None:
        raise ValidationError(
            _("A link joins the walls of two groups: choose a group's cluster or card.")
        )
    if isinstance(found, Card) and not card_is_visible(found):
        raise ValidationError(
            _("This card is not on the wall for everyone (hidden, removed or not yet revealed).")
        )
    return found


def _as(prefix: str, thing: Cluster | Card) -> dict[str, Cluster | Card]:
    field = "cluster" if isinstance(thing, Cluster) else "card"
    return {f"{prefix}_{field}": thing}


def _kind(kind: str) -> str:
    if kind not in Link.Kind.values:
        raise ValidationError(_("Choose what the link is: parallel, synergy or conflict of goals."))
    return kind


def _note(note: str) -> str:
    note = clean_text(note or "")
    limit = Link._meta.get_field("note").max_length
    if len(note) > limit:
        raise ValidationError(
            _("The note is too long: at most %(limit)d characters.") % {"limit": limit}
        )
    return note


def link_create(
    actor: Actor, workshop: Workshop, *, source: End, target: End, kind: str, note: str = ""
) -> Link:
    """Link two clusters or cards of different groups' walls: parallel, synergy or conflict."""
    _require(actor, Action.LINK, workshop)
    kind, note = _kind(kind), _note(note)
    with transaction.atomic():
        workshop = _lock(workshop)
        a, b = _end(workshop, source), _end(workshop, target)
        if a.board.group_id == b.board.group_id:
            raise ValidationError(
                _(
                    "A link joins two different groups: "
                    "choose the other end on another group's wall."
                )
            )
        pair = Q(**_as("from", a), **_as("to", b)) | Q(**_as("from", b), **_as("to", a))
        if workshop.links.filter(pair).exists():
            raise ValidationError(_("These two are linked already: change that link instead."))
        link = Link(
            workshop=workshop,
            kind=kind,
            note=note,
            created_by=actor.user,
            **_as("from", a),
            **_as("to", b),
        )
        link.full_clean()
        link.save()
        synergy_events.synergies_changed(workshop.pk)
    return link


def _fresh_link(link: Link) -> Link:
    fresh = Link.objects.select_for_update().filter(pk=link.pk).first()
    if fresh is None:
        raise Conflict(_("This link was removed just now."))
    return fresh


def link_update(actor: Actor, link: Link, *, kind: str, note: str, version: int | None) -> Link:
    """Change what a link is and its note; a stale version is a conflict."""
    _require(actor, Action.LINK, link.workshop)
    kind, note = _kind(kind), _note(note)
    with transaction.atomic():
        fresh = _fresh_link(link)
        check_version(version, fresh.version)
        fresh.kind, fresh.note = kind, note
        fresh.version += 1
        fresh.save(update_fields=["kind", "note", "version"])
        synergy_events.synergies_changed(fresh.workshop_id)
    return fresh


def link_delete(actor: Actor, link: Link) -> None:
    """Remove a link; conclusions derived from it stay."""
    _require(actor, Action.LINK, link.workshop)
    with transaction.atomic():
        Link.objects.filter(pk=link.pk).delete()
        synergy_events.synergies_changed(link.workshop_id)


# ---------------------------------------------------------------- actors


def _actor_name(workshop: Workshop, name: str, exclude_pk: int | None = None) -> str:
    name = clean_text(name or "")
    if not name:
        raise ValidationError(_("Please give the actor a name."))
    if len(name) > ActorName._meta.get_field("name").max_length:
        raise ValidationError(_("The name is too long."))
    # Compared in Python: SQLite's case-insensitive match folds ASCII only (Ä != ä there).
    taken = workshop.actors.exclude(pk=exclude_pk).values_list("name", flat=True)
    if any(other.casefold() == name.casefold() for other in taken):
        raise ValidationError(_("There is already an actor called “%(name)s”.") % {"name": name})
    return name


def _save_name(named: ActorName) -> None:
    try:
        with transaction.atomic():
            named.save()
    except IntegrityError:
        raise ValidationError(
            _("There is already an actor called “%(name)s”.") % {"name": named.name}
        ) from None


def actor_create(actor: Actor, workshop: Workshop, *, name: str) -> ActorName:
    """Add an actor (Wirtschaft, Verwaltung, …) that conclusions can name."""
    _require(actor, Action.CONCLUDE, workshop)
    with transaction.atomic():
        workshop = _lock(workshop)
        name = _actor_name(workshop, name)
        top = workshop.actors.aggregate(m=Max("position"))["m"]
        named = ActorName(workshop=workshop, name=name, position=0 if top is None else top + 1)
        _save_name(named)
        synergy_events.synergies_changed(workshop.pk)
    return named


def actor_rename(actor: Actor, target: ActorName, *, name: str) -> ActorName:
    _require(actor, Action.CONCLUDE, target.workshop)
    with transaction.atomic():
        workshop = _lock(target.workshop)
        fresh = workshop.actors.filter(pk=target.pk).first()
        if fresh is None:
            raise Conflict(_("This actor was removed just now."))
        fresh.name = _actor_name(workshop, name, exclude_pk=fresh.pk)
        _save_name(fresh)
        synergy_events.synergies_changed(workshop.pk)
    return fresh


def actor_delete(actor: Actor, target: ActorName) -> None:
    """Remove an actor; the conclusions that named it keep their other actors."""
    _require(actor, Action.CONCLUDE, target.workshop)
    with transaction.atomic():
        ActorName.objects.filter(pk=target.pk).delete()
        synergy_events.synergies_changed(target.workshop_id)


# ---------------------------------------------------------------- conclusions


def _conclusion_kind(kind: str) -> str:
    if kind not in Conclusion.Kind.values:
        raise ValidationError(_("Choose whether this is a conclusion or a next step."))
    return kind


def _text(text: str) -> str:
    text = clean_text(text or "")
    limit = Conclusion._meta.get_field("text").max_length
    if len(text) > limit:
        raise ValidationError(
            _("The text is too long: at most %(limit)d characters.") % {"limit": limit}
        )
    return text


def _who(who: str) -> str:
    who = clean_text(who or "")
    if len(who) > Conclusion._meta.get_field("who").max_length:
        raise ValidationError(_("“Who” is too long."))
    return who


def _actors(workshop: Workshop, actor_ids: Iterable[int]) -> list[ActorName]:
    wanted = set(actor_ids)
    found = list(workshop.actors.filter(pk__in=wanted)) if wanted else []
    if len(found) != len(wanted):
        raise ValidationError(_("An actor was removed meanwhile. Please choose the actors again."))
    return found


def derived_text(*, cluster: Cluster | None = None, link: Link | None = None) -> str:
    """What a conclusion derived from a cluster or a link starts with."""
    limit = Conclusion._meta.get_field("text").max_length
    if cluster is not None:
        return shorten(cluster.title, limit)
    if link is not None:
        view = link_view(link)
        if view.note:
            text = f"{view.note} ({view.source.text} ↔ {view.target.text})"
        else:
            text = f"{view.kind_label}: {view.source.text} ↔ {view.target.text}"
        return shorten(text, limit)
    return ""


def _derived_from(
    workshop: Workshop, cluster: Cluster | None, link: Link | None
) -> tuple[Cluster | None, Link | None]:
    if cluster is not None:
        cluster = (
            Cluster.objects.select_related("board__group")
            .filter(pk=cluster.pk, board__workshop=workshop)
            .first()
        )
        if cluster is None:
            raise ValidationError(_("This cluster is not on a wall of this workshop any more."))
    if link is not None:
        link = (
            workshop.links.select_related(
                "from_cluster__board__group",
                "from_card__board__group",
                "to_cluster__board__group",
                "to_card__board__group",
            )
            .filter(pk=link.pk)
            .first()
        )
        if link is None:
            raise ValidationError(_("This link was removed just now."))
    return cluster, link


def conclusion_create(
    actor: Actor,
    workshop: Workshop,
    *,
    kind: str = Conclusion.Kind.CONCLUSION,
    text: str = "",
    actor_ids: Iterable[int] = (),
    who: str = "",
    due: datetime.date | None = None,
    from_cluster: Cluster | None = None,
    from_link: Link | None = None,
) -> Conclusion:
    """Record a conclusion or next step; derived from a cluster or a link, its text starts
    as theirs."""
    _require(actor, Action.CONCLUDE, workshop)
    kind, text, who = _conclusion_kind(kind), _text(text), _who(who)
    with transaction.atomic():
        workshop = _lock(workshop)
        cluster, link = _derived_from(workshop, from_cluster, from_link)
        text = text or derived_text(cluster=cluster, link=link)
        if not text:
            raise ValidationError(_("Write the conclusion or next step first."))
        actors = _actors(workshop, actor_ids)
        top = workshop.conclusions.aggregate(m=Max("position"))["m"]
        conclusion = Conclusion(
            workshop=workshop,
            kind=kind,
            text=text,
            who=who,
            due=due,
            from_cluster=cluster,
            from_link=link,
            position=0 if top is None else top + 1,
        )
        conclusion.full_clean()
        conclusion.save()
        conclusion.actors.set(actors)
        synergy_events.synergies_changed(workshop.pk)
    return conclusion


def _fresh_conclusion(conclusion: Conclusion, version: int | None) -> Conclusion:
    fresh = Conclusion.objects.select_for_update().filter(pk=conclusion.pk).first()
    if fresh is None:
        raise Conflict(_("This conclusion was removed just now."))
    check_version(version, fresh.version)
    return fresh


def conclusion_update(
    actor: Actor,
    conclusion: Conclusion,
    *,
    kind: str,
    text: str,
    actor_ids: Iterable[int],
    who: str,
    due: datetime.date | None,
    version: int | None,
) -> Conclusion:
    """Change a conclusion; a stale version is a conflict."""
    _require(actor, Action.CONCLUDE, conclusion.workshop)
    kind, text, who = _conclusion_kind(kind), _text(text), _who(who)
    if not text:
        raise ValidationError(_("Write the conclusion or next step first."))
    with transaction.atomic():
        workshop = _lock(conclusion.workshop)
        fresh = _fresh_conclusion(conclusion, version)
        actors = _actors(workshop, actor_ids)
        fresh.kind, fresh.text, fresh.who, fresh.due = kind, text, who, due
        fresh.version += 1
        fresh.full_clean()
        fresh.save()
        fresh.actors.set(actors)
        synergy_events.synergies_changed(workshop.pk)
    return fresh


def conclusion_delete(actor: Actor, conclusion: Conclusion) -> None:
    _require(actor, Action.CONCLUDE, conclusion.workshop)
    with transaction.atomic():
        Conclusion.objects.filter(pk=conclusion.pk).delete()
        synergy_events.synergies_changed(conclusion.workshop_id)


def conclusion_move(
    actor: Actor, conclusion: Conclusion, *, index: int, version: int | None
) -> Conclusion:
    """Put a conclusion at `index` of the list (clamped to its ends)."""
    _require(actor, Action.CONCLUDE, conclusion.workshop)
    with transaction.atomic():
        workshop = _lock(conclusion.workshop)
        fresh = _fresh_conclusion(conclusion, version)
        others = [c for c in workshop.conclusions.all() if c.pk != fresh.pk]
        others.insert(max(0, min(index, len(others))), fresh)
        for position, item in enumerate(others):
            changed = item.position != position or item.pk == fresh.pk
            item.position = position
            if item.pk == fresh.pk:
                item.version = fresh.version + 1
            if changed:
                item.save(update_fields=["position", "version"])
        synergy_events.synergies_changed(workshop.pk)
    return Conclusion.objects.get(pk=fresh.pk)
