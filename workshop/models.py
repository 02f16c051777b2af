"""Who and when: workshops, their breakout groups and their participants."""

from __future__ import annotations

import re
import secrets
import unicodedata

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# No look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B): codes are read off a projector and typed on phones.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6
JOIN_CODE_MAX_LENGTH = 12  # room for hand-set codes like the demo's WERK8K
_JOIN_CODE = re.compile(f"[A-Z0-9]{{1,{JOIN_CODE_MAX_LENGTH}}}")


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(typed: str) -> str | None:
    """A join code as typed, forgiving case, spaces and dashes; None if it cannot be one."""
    code = "".join(
        ch for ch in typed.upper() if not ch.isspace() and unicodedata.category(ch) != "Pd"
    )
    return code if _JOIN_CODE.fullmatch(code) else None


def new_projector_token() -> str:
    return secrets.token_urlsafe(24)


class WorkshopQuerySet(models.QuerySet["Workshop"]):
    def facilitated_by(self, user: settings.AUTH_USER_MODEL) -> WorkshopQuerySet:
        return self.filter(facilitators=user)


class Assignment(models.TextChoices):
    """How participants come into a breakout group."""

    SELF = "self", _("Participants choose their group")
    RANDOM = "random", _("At random, balanced")
    FACILITATOR = "facilitator", _("The facilitators assign them")


class Workshop(models.Model):
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    join_code = models.CharField(
        _("join code"), max_length=JOIN_CODE_MAX_LENGTH, unique=True, default=new_join_code
    )
    projector_token = models.CharField(max_length=64, unique=True, default=new_projector_token)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_workshops",
        verbose_name=_("facilitators"),
    )
    # Organisers see the results, edit the summary and export; they do not moderate.
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_workshops",
        verbose_name=_("organisers"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # After the workshop closes, participants may open the read-only results page.
    results_public = models.BooleanField(
        _("participants may see the results after the workshop"), default=False
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    joining_open = models.BooleanField(_("joining open"), default=True)
    # What the projector screens show when the walls take more than one screen: the page the
    # facilitators turned to, and whether the pages turn by themselves (from `paged_at` on).
    projector_page = models.IntegerField(default=0)
    projector_auto = models.BooleanField(default=False)
    projector_paged_at = models.DateTimeField(null=True, blank=True)
    # The agenda: the phase every screen shows now (None: not started yet, the walls are free).
    current_phase = models.ForeignKey(
        "Phase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phase_started_at = models.DateTimeField(null=True, blank=True)
    # Breakouts: how participants come into a group, and how many fit into one.
    assignment = models.CharField(
        _("group assignment"), max_length=12, choices=Assignment, default=Assignment.SELF
    )
    max_group_size = models.PositiveSmallIntegerField(
        _("largest group size"), null=True, blank=True
    )
    # The plenary's spotlight: a group, cluster or card every screen shows large.
    spotlight_kind = models.CharField(max_length=10, blank=True)
    spotlight_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The end of a countdown rings on the console and projector where the facilitator wants it.
    timer_sound = models.BooleanField(_("sound at the end of the timer"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def participant_counts(self) -> dict[int, int]:
        """Number of participants in each breakout group, by group id."""
        present = models.Count("participants", filter=models.Q(participants__removed_at=None))
        rows = self.groups.annotate(n=present).values_list("pk", "n")
        return dict(rows)


class BreakoutGroup(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="groups", verbose_name=_("workshop")
    )
    name = models.CharField(_("name"), max_length=80)
    question = models.CharField(_("guiding question"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("breakout group")
        verbose_name_plural = _("breakout groups")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "name"], name="group_name_unique_per_workshop"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="participants", verbose_name=_("workshop")
    )
    group = models.ForeignKey(
        BreakoutGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("breakout group"),
    )
    display_name = models.CharField(_("display name"), max_length=40, blank=True)
    named_in_summary = models.BooleanField(_("may be named in the summary"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Removed by a facilitator: their session no longer opens anything of this workshop.
    removed_at = models.DateTimeField(null=True, blank=True)
    # "I'm done" in this phase (it counts only while that phase is the current one).
    done_phase = models.ForeignKey(
        "Phase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.display_name or str(_("anonymous"))


class Phase(models.Model):
    """One step of the agenda: where the phones are, what participants may do, for how long."""

    class View(models.TextChoices):
        ROOM = "room", _("Everyone in the room (talk, dialogue)")
        GROUPS = "groups", _("Every group at its wall")
        PLENARY = "plenary", _("Plenary: all groups together")

    class Allows(models.TextChoices):
        WRITE = "write", _("Write cards")
        VOTE = "vote", _("Vote with dots")
        READ = "read", _("Only read")

    class BoardMode(models.TextChoices):
        KEEP = "", _("Leave as it is")
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Hidden until revealed")
        COLLECT = "collect", _("Collect in the inbox")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="phases", verbose_name=_("workshop")
    )
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=120)
    # What the phones say to do now, in the facilitators' words.
    instruction = models.CharField(_("what participants do now"), max_length=300, blank=True)
    view = models.CharField(_("where"), max_length=10, choices=View, default=View.GROUPS)
    allows = models.CharField(
        _("participants may"), max_length=10, choices=Allows, default=Allows.READ
    )
    board_mode = models.CharField(
        _("board mode"), max_length=10, choices=BoardMode, default=BoardMode.KEEP, blank=True
    )
    # Entering the phase shows every hidden card (a reveal is never undone by a phase).
    reveal = models.BooleanField(_("reveal hidden cards when it starts"), default=False)
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"), null=True, blank=True)
    dots_per_participant = models.PositiveSmallIntegerField(_("dots per participant"), default=5)
    max_per_target = models.PositiveSmallIntegerField(_("most dots on one card"), default=3)
    # When it ran (first entered, last left): the summary's agenda "as it ran".
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.title

    @property
    def is_voting(self) -> bool:
        return self.allows == self.Allows.VOTE


class Timer(models.Model):
    """A countdown for the room (no group) or one group. Clients count down themselves."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="timers")
    group = models.OneToOneField(
        BreakoutGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="timer"
    )
    duration_seconds = models.PositiveIntegerField(default=0)
    # Running: ends_at is set. Paused: remaining_seconds is set. Both unset: stopped.
    ends_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop"], condition=models.Q(group=None), name="one_room_timer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop}: {self.group or _('room')}"


class Presence(models.Model):
    """An open socket of a participant: who is online now, not who ever joined."""

    channel_name = models.CharField(max_length=200, unique=True)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="presences")
    seen_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.participant} ({self.channel_name})"
