"""Who is online now: one Presence row per open socket of a participant.

The consumer opens a row on connect, refreshes it with every heartbeat and deletes it on
disconnect. A server killed mid-workshop leaves rows behind: only rows seen within two
heartbeats count, and older ones are swept away when the next socket opens.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from workshop.models import BreakoutGroup, Participant, Presence, Workshop


def cutoff() -> datetime.datetime:
    """Rows seen before this are stale (a dead server's sockets, a missed disconnect)."""
    return timezone.now() - datetime.timedelta(seconds=2 * settings.STELLWAND_HEARTBEAT_SECONDS)


def presence_open(*, channel_name: str, participant: Participant) -> None:
    """A participant's socket opened."""
    Presence.objects.filter(seen_at__lt=cutoff()).delete()
    Presence.objects.update_or_create(
        channel_name=channel_name, defaults={"participant": participant}
    )


def presence_seen(*, channel_name: str) -> bool:
    """The socket is alive (its heartbeat went out); False if its row was swept meanwhile."""
    return Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now()) > 0


def presence_close(*, channel_name: str) -> None:
    """The socket closed."""
    Presence.objects.filter(channel_name=channel_name).delete()


def online_ids(workshop: Workshop) -> set[int]:
    """The participants of `workshop` with at least one live socket now."""
    return set(
        Presence.objects.filter(
            participant__workshop=workshop,
            participant__removed_at=None,
            seen_at__gte=cutoff(),
        ).values_list("participant_id", flat=True)
    )


@dataclass
class GroupPeople:
    """One group's people as the console's participants panel shows them."""

    group: BreakoutGroup | None  # None: waiting to be assigned
    members: list[Participant] = field(default_factory=list)
    online: list[Participant] = field(default_factory=list)

    @property
    def full(self) -> bool:
        limit = self.group.workshop.max_group_size if self.group else None
        return limit is not None and len(self.members) >= limit


def people(workshop: Workshop) -> tuple[list[GroupPeople], GroupPeople]:
    """Every group with its members and who of them is online; and those still waiting."""
    live = online_ids(workshop)
    groups = list(workshop.groups.all())
    for group in groups:
        group.workshop = workshop
    by_group = {group.pk: GroupPeople(group) for group in groups}
    waiting = GroupPeople(None)
    for person in workshop.participants.filter(removed_at=None).order_by("joined_at", "pk"):
        person.is_online = person.pk in live
        entry = by_group.get(person.group_id, waiting)
        entry.members.append(person)
        if person.is_online:
            entry.online.append(person)
    return [by_group[g.pk] for g in groups], waiting
