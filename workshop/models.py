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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    joining_open = models.BooleanField(_("joining open"), default=True)
    # What the projector screens show when the walls take more than one screen: the page the
    # facilitators turned to, and whether the pages turn by themselves (from `paged_at` on).
    projector_page = models.IntegerField(default=0)
    projector_auto = models.BooleanField(default=False)
    projector_paged_at = models.DateTimeField(null=True, blank=True)
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

    class Meta:
        ordering = ["joined_at"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.display_name or str(_("anonymous"))
