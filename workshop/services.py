"""Who/when operations. Each runs in one transaction and announces itself after commit."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workshop import agenda, events, live, projector
from workshop.breakouts import (
    group_full_message,
    group_has_room,
    group_pick,
    group_sizes,
    lock_workshop,
)
from workshop.ids import parse_id
from workshop.models import (
    Assignment,
    BreakoutGroup,
    Participant,
    Workshop,
    new_join_code,
    new_projector_token,
    normalize_join_code,
)
from workshop.text import clean_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "stellwand_participants"


def workshop_create(
    *,
    user: AbstractBaseUser,
    title: str,
    subtitle: str = "",
    date: datetime.date | None = None,
    place: str = "",
    description: str = "",
) -> Workshop:
    """Create a workshop run by `user`, with a fresh join code."""
    for _attempt in range(10):
        workshop = Workshop(
            title=clean_text(title),
            subtitle=clean_text(subtitle),
            date=date,
            place=clean_text(place),
            description=clean_text(description, multiline=True),
            created_by=user,
        )
        # Uniqueness is the database's job: a join code collision is drawn again below.
        workshop.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                workshop.save()
                workshop.facilitators.add(user)
                agenda.furnish(workshop)
        except IntegrityError:
            continue  # join code collision: draw again
        return workshop
    raise ValidationError(_("Could not create a unique join code. Please try again."))


def workshop_update(*, workshop: Workshop, **fields: object) -> Workshop:
    """Change the title, subtitle, date, place or description."""
    for name, value in fields.items():
        if isinstance(value, str):
            value = clean_text(value, multiline=name == "description")
        setattr(workshop, name, value)
    workshop.full_clean()
    workshop.save()
    return workshop


def participant_sockets(workshop: Workshop) -> list[str]:
    """The groups every participant's socket of the workshop is in (to close them)."""
    return [live.participant_group(pk) for pk in workshop.participants.values_list("pk", flat=True)]


def workshop_close(*, workshop: Workshop) -> Workshop:
    """Make the workshop read-only, close every participant's socket, tell the projectors."""
    with transaction.atomic():
        workshop.closed_at = timezone.now()
        workshop.save(update_fields=["closed_at", "updated_at"])
        live.close_on_commit(participant_sockets(workshop), live.CLOSE_WORKSHOP_CLOSED)
        events.projector_join_changed(workshop.pk)
    return workshop


def workshop_reopen(*, workshop: Workshop) -> Workshop:
    """Let participants write again; projectors invite people to join again."""
    with transaction.atomic():
        workshop.closed_at = None
        workshop.save(update_fields=["closed_at", "updated_at"])
        events.projector_join_changed(workshop.pk)
    return workshop


def facilitator_add(*, workshop: Workshop, username: str) -> AbstractBaseUser:
    """Add an existing user as co-facilitator."""
    user = _user_named(username)
    workshop.facilitators.add(user)
    return user


def _user_named(username: str) -> AbstractBaseUser:
    user_model = get_user_model()
    try:
        return user_model.objects.get(**{user_model.USERNAME_FIELD: username.strip()})
    except user_model.DoesNotExist:
        raise ValidationError(
            _("There is no user called “%(name)s”.") % {"name": username.strip()}
        ) from None


def organiser_add(*, workshop: Workshop, username: str) -> AbstractBaseUser:
    """Add an existing user as organiser: sees the results, edits the summary, exports."""
    user = _user_named(username)
    if workshop.facilitators.filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(name)s already facilitates this workshop, and sees its results anyway.")
            % {"name": user.get_full_name() or user}
        )
    workshop.organisers.add(user)
    return user


def organiser_remove(*, workshop: Workshop, user: AbstractBaseUser) -> None:
    workshop.organisers.remove(user)


def results_public_set(*, workshop: Workshop, public: bool) -> Workshop:
    """Whether participants may open the read-only results page after the workshop."""
    workshop.results_public = public
    workshop.save(update_fields=["results_public", "updated_at"])
    return workshop


def facilitator_remove(*, workshop: Workshop, user: AbstractBaseUser) -> None:
    """Remove a co-facilitator; the last one cannot leave."""
    if workshop.facilitators.count() <= 1:
        raise ValidationError(_("A workshop needs at least one facilitator."))
    with transaction.atomic():
        workshop.facilitators.remove(user)
        live.close_on_commit([live.facilitator_group(workshop.pk, user.pk)], live.CLOSE_REMOVED)


def projector_link_revoke(*, workshop: Workshop) -> Workshop:
    """Issue a new secret projector link; screens on the old one are closed."""
    with transaction.atomic():
        workshop.projector_token = new_projector_token()
        workshop.save(update_fields=["projector_token", "updated_at"])
        live.close_on_commit(
            [live.workshop_group(workshop.pk, live.Audience.PROJECTOR)],
            live.CLOSE_PROJECTOR_REVOKED,
        )
    return workshop


def join_code_renew(*, workshop: Workshop) -> Workshop:
    """Give the workshop a new join code (the old link and QR code stop working)."""
    for _attempt in range(10):
        try:
            with transaction.atomic():
                workshop.join_code = new_join_code()
                workshop.save(update_fields=["join_code", "updated_at"])
                events.projector_join_changed(workshop.pk)
        except IntegrityError:
            continue
        return workshop
    raise ValidationError(_("Could not create a unique join code. Please try again."))


def workshop_by_code(code: str) -> Workshop | None:
    """Find a workshop by its join code, forgiving case, spaces and dashes."""
    normalized = normalize_join_code(code)
    if normalized is None:
        return None
    return Workshop.objects.filter(join_code=normalized).first()


def joined_workshops(session: SessionBase) -> dict[str, int]:
    """{workshop id: participant id} of this browser; an odd (old, tampered) entry is skipped."""
    joined = session.get(SESSION_KEY)
    if not isinstance(joined, dict):
        return {}
    return {
        key: participant_id
        for key, value in joined.items()
        if isinstance(key, str) and (participant_id := parse_id(value)) is not None
    }


def participant_for_session(session: SessionBase, workshop: Workshop) -> Participant | None:
    """The participant this browser is in `workshop`, if it has joined."""
    participant_id = joined_workshops(session).get(str(workshop.pk))
    if participant_id is None:
        return None
    return (
        Participant.objects.select_related("group", "workshop")
        .filter(pk=participant_id, workshop=workshop, removed_at=None)
        .first()
    )


def session_was_removed(session: SessionBase, workshop: Workshop) -> bool:
    """This browser's participant was removed from `workshop` by a facilitator."""
    participant_id = joined_workshops(session).get(str(workshop.pk))
    return (
        participant_id is not None
        and Participant.objects.filter(pk=participant_id, removed_at__isnull=False).exists()
    )


def participant_remove(*, participant: Participant) -> None:
    """Remove a participant: their open pages are closed and their session opens nothing."""
    with transaction.atomic():
        participant.removed_at = timezone.now()
        # Their name goes with them (their cards stay, without it).
        participant.display_name, participant.named_in_summary = "", False
        participant.save(update_fields=["removed_at", "display_name", "named_in_summary"])
        live.close_on_commit([live.participant_group(participant.pk)], live.CLOSE_REMOVED)
        events.group_counts_changed(participant.workshop)


def participant_rename(
    *, participant: Participant, display_name: str, named_in_summary: bool | None = None
) -> Participant:
    """Change a display name (empty makes them anonymous): a facilitator replacing an
    offensive one, or the participant themselves, who may also change their consent to be
    named in the summary (None leaves it alone; without a name there is nothing to name)."""
    participant.display_name = clean_text(display_name)
    consent = participant.named_in_summary if named_in_summary is None else named_in_summary
    participant.named_in_summary = consent and bool(participant.display_name)
    participant.full_clean()
    participant.save(update_fields=["display_name", "named_in_summary"])
    events.people_changed(participant.workshop_id)  # the consoles' participants panel
    return participant


def consent_set(*, participant: Participant, named: bool) -> Participant:
    """A participant gives or withdraws consent to be named in the summary, at any time (also
    after the workshop): the next export follows it."""
    participant.named_in_summary = named and bool(participant.display_name)
    participant.save(update_fields=["named_in_summary"])
    events.people_changed(participant.workshop_id)
    return participant


def joining_set(*, workshop: Workshop, is_open: bool) -> Workshop:
    """Open or close joining; people who already joined stay in. Projectors show which."""
    with transaction.atomic():
        workshop.joining_open = is_open
        workshop.save(update_fields=["joining_open", "updated_at"])
        events.projector_join_changed(workshop.pk)
    return workshop


PAGER_FIELDS = ["projector_page", "projector_auto", "projector_paged_at"]


def _lock_pager(workshop: Workshop) -> None:
    """Lock the workshop row and read its projector page afresh (two consoles may turn)."""
    fresh = Workshop.objects.select_for_update().only(*PAGER_FIELDS).get(pk=workshop.pk)
    for name in PAGER_FIELDS:
        setattr(workshop, name, getattr(fresh, name))


def projector_page_turn(*, workshop: Workshop, step: int) -> Workshop:
    """Turn every projector screen `step` pages on (back when negative); they wrap around."""
    with transaction.atomic():
        _lock_pager(workshop)
        # While pages turn by themselves, count on from the page shown now.
        workshop.projector_page += projector.pager(workshop).turned + step
        workshop.projector_paged_at = timezone.now()
        workshop.save(update_fields=[*PAGER_FIELDS, "updated_at"])
        events.projector_pager_changed(workshop.pk)
    return workshop


def projector_auto_set(*, workshop: Workshop, auto: bool) -> Workshop:
    """Let the projector's pages turn by themselves (slowly), or stop them where they are."""
    with transaction.atomic():
        _lock_pager(workshop)
        workshop.projector_page += projector.pager(workshop).turned
        workshop.projector_auto = auto
        workshop.projector_paged_at = timezone.now()
        workshop.save(update_fields=[*PAGER_FIELDS, "updated_at"])
        events.projector_pager_changed(workshop.pk)
    return workshop


def participant_join(
    *,
    session: SessionBase,
    workshop: Workshop,
    group: BreakoutGroup | None = None,
    display_name: str = "",
    named_in_summary: bool = False,
) -> Participant:
    """Join `workshop`; the same browser joining again stays the same participant.

    The group comes from the workshop's assignment: the one chosen (self-chosen), the
    least-filled (random), or none until a facilitator assigns one (facilitator).
    """
    if workshop.is_closed:
        raise ValidationError(_("This workshop is closed."))
    if group is not None and group.workshop_id != workshop.pk:
        raise ValidationError(_("This group does not belong to the workshop."))
    name = clean_text(display_name)
    with transaction.atomic():
        lock_workshop(workshop)
        participant = participant_for_session(session, workshop)
        if participant is None:
            if session_was_removed(session, workshop):
                raise ValidationError(_("You were removed from this workshop."))
            if not workshop.joining_open:
                raise ValidationError(_("Joining this workshop is closed."))
            participant = Participant(workshop=workshop)
        if workshop.assignment == Assignment.SELF:
            if group is None:
                raise ValidationError(_("Please choose a group."))
            if group.pk != participant.group_id and not group_has_room(
                workshop, group, group_sizes(workshop)
            ):
                raise ValidationError(group_full_message(workshop, group))
            participant.group = group
        elif workshop.assignment == Assignment.RANDOM and participant.group_id is None:
            participant.group = group_pick(workshop)
        # Assigned by the facilitators: the group stays as it is (none: waiting for one).
        participant.display_name = name
        participant.named_in_summary = named_in_summary and bool(name)
        participant.full_clean()
        participant.save()
        events.group_counts_changed(workshop)
    # A new session key on joining: a session id seen before joining is worth nothing after.
    session.cycle_key()
    joined = joined_workshops(session)
    joined[str(workshop.pk)] = participant.pk
    session[SESSION_KEY] = joined
    return participant
