"""What is on the walls: boards and their cards."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from workshop.models import BreakoutGroup, Participant, Workshop


class Color(models.TextChoices):
    """Metaplan card colours: each has a name, so it is never told by colour alone."""

    YELLOW = "yellow", _("Yellow")
    BLUE = "blue", _("Blue")
    GREEN = "green", _("Green")
    PINK = "pink", _("Pink")
    ORANGE = "orange", _("Orange")
    WHITE = "white", _("White")


class BoardQuerySet(models.QuerySet["Board"]):
    def of_groups(self) -> BoardQuerySet:
        """The groups' walls, without the plenary's."""
        return self.filter(group__isnull=False)

    def plenary(self) -> BoardQuerySet:
        return self.filter(group__isnull=True)


class Board(models.Model):
    """One metaplan wall. A group's board has a group; the plenary's board has none."""

    class Mode(models.TextChoices):
        OPEN = "open", _("Open: cards appear for everyone at once")
        HIDDEN = "hidden", _("Hidden: cards stay private until revealed")
        COLLECT = "collect", _("Collect: cards arrive in the facilitators' inbox")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="boards", verbose_name=_("workshop")
    )
    group = models.OneToOneField(
        BreakoutGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="board",
        verbose_name=_("breakout group"),
    )
    # Bumped in the same transaction as every change; clients use it to notice a missed push.
    rev = models.PositiveBigIntegerField(default=0)
    mode = models.CharField(_("brainstorming mode"), max_length=10, choices=Mode, default=Mode.OPEN)
    locked = models.BooleanField(_("locked"), default=False)
    card_color = models.CharField(
        _("card colour"), max_length=10, choices=Color, default=Color.YELLOW
    )
    participants_choose_color = models.BooleanField(
        _("participants choose the colour"), default=False
    )
    # A facilitator changed this board's lock, mode or round since the phase began: the
    # change lasts until the next phase, and the console says so.
    changed_by_hand = models.BooleanField(default=False)

    objects = BoardQuerySet.as_manager()

    class Meta:
        # The plenary's board (no group) after the groups', on SQLite and PostgreSQL alike.
        ordering = [models.F("group__position").asc(nulls_last=True), "pk"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop"], condition=models.Q(group=None), name="one_plenary_board"
            )
        ]

    def __str__(self) -> str:
        return str(self.group) if self.group else str(_("Plenary"))

    @property
    def is_plenary(self) -> bool:
        return self.group_id is None


class Cluster(models.Model):
    """Cards that belong together, named by a heading: a pattern the facilitator found."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="clusters", verbose_name=_("board")
    )
    title = models.CharField(_("heading"), max_length=120)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.title


class CardQuerySet(models.QuerySet["Card"]):
    def alive(self) -> CardQuerySet:
        """Not deleted and not merged into another card."""
        return self.filter(deleted_at__isnull=True, merged_into__isnull=True)

    def on_wall(self) -> CardQuerySet:
        """What participants and the projector see."""
        return self.alive().filter(state=Card.State.PINNED, hidden=False)

    def annotate_merged(self) -> CardQuerySet:
        """`merged_count`: how many cards were merged into each card."""
        return self.annotate(merged_count=models.Count("merged_cards", distinct=True))


class Card(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "card", _("Card")
        HEADING = "heading", _("Heading card")
        OVAL = "oval", _("Highlight (oval)")

    class State(models.TextChoices):
        PINNED = "pinned", _("on the wall")
        SECRET = "secret", _("hidden until revealed")
        INBOX = "inbox", _("in the facilitators' inbox")

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="cards", verbose_name=_("board")
    )
    text = models.CharField(_("text"), max_length=1000)
    author = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("author"),
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Generated by the client: a retried POST carries the same id and creates nothing new.
    client_uuid = models.UUIDField()
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.NORMAL)
    color = models.CharField(_("colour"), max_length=10, choices=Color, default=Color.YELLOW)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PINNED)
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("cluster"),
    )
    position = models.PositiveIntegerField(default=0)
    # Optimistic concurrency: a write names the version it saw; a stale one gets 409.
    version = models.PositiveIntegerField(default=1)
    hidden = models.BooleanField(_("hidden by the facilitators"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_cards",
        verbose_name=_("merged into"),
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["cluster_id", "position", "created_at", "pk"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(fields=["board", "client_uuid"], name="card_client_uuid_unique")
        ]

    def __str__(self) -> str:
        return self.text[:40]


class VotingRound(models.Model):
    """Dot voting on one board: each participant has a budget of dots."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="voting_rounds", verbose_name=_("board")
    )
    dots_per_participant = models.PositiveSmallIntegerField(_("dots per participant"), default=5)
    max_per_target = models.PositiveSmallIntegerField(_("most dots on one card"), default=3)
    show_totals = models.BooleanField(_("totals visible while voting"), default=False)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["board"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_voting_round_per_board",
            ),
            models.CheckConstraint(
                condition=models.Q(dots_per_participant__gte=1, max_per_target__gte=1),
                name="voting_round_positive_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} ({self.opened_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Vote(models.Model):
    """One dot, on a card or on a cluster."""

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(card__isnull=False, cluster__isnull=True)
                    | models.Q(card__isnull=True, cluster__isnull=False)
                ),
                name="vote_on_card_or_cluster",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.card or self.cluster}"


class ModerationStep(models.Model):
    """What a facilitator changed, with what is needed to take it back (undo)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="moderation_steps")
    action = models.CharField(max_length=30)
    payload = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} on {self.board}"


class Link(models.Model):
    """What the plenary found between two groups' clusters or cards."""

    class Kind(models.TextChoices):
        PARALLEL = "parallel", _("Parallel")
        SYNERGY = "synergy", _("Synergy")
        CONFLICT = "conflict", _("Conflict of goals")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PARALLEL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    from_cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    from_card = models.ForeignKey(
        Card, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_card = models.ForeignKey(
        Card, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(from_cluster__isnull=False, from_card__isnull=True)
                    | models.Q(from_cluster__isnull=True, from_card__isnull=False)
                )
                & (
                    models.Q(to_cluster__isnull=False, to_card__isnull=True)
                    | models.Q(to_cluster__isnull=True, to_card__isnull=False)
                ),
                name="link_joins_two_things",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} ↔ {self.target}"

    @property
    def source(self) -> Cluster | Card:
        return self.from_cluster or self.from_card  # type: ignore[return-value]

    @property
    def target(self) -> Cluster | Card:
        return self.to_cluster or self.to_card  # type: ignore[return-value]


class Actor(models.Model):
    """Who a conclusion needs (Wirtschaft, Verwaltung, ...): a list per workshop."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="actor_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Conclusion(models.Model):
    """A conclusion or next step of the plenary, with the actors it needs."""

    class Kind(models.TextChoices):
        CONCLUSION = "conclusion", _("Conclusion")
        NEXT_STEP = "step", _("Next step")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="conclusions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.CONCLUSION)
    text = models.CharField(_("text"), max_length=500)
    actors = models.ManyToManyField(Actor, blank=True, related_name="conclusions")
    who = models.CharField(_("who"), max_length=120, blank=True)
    due = models.DateField(_("by when"), null=True, blank=True)
    # Derived from a cluster or a link of the plenary (kept when those go).
    from_cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_link = models.ForeignKey(
        Link, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")

    def __str__(self) -> str:
        return self.text[:40]


class Summary(models.Model):
    """The organiser's side of the summary (Ergebnisprotokoll): its language, and the
    sections as edited. Everything else is drafted from the boards when it is read
    (boards/selectors/summary.py)."""

    class Language(models.TextChoices):
        GERMAN = "de", pgettext_lazy("language of a document", "German")
        ENGLISH = "en", pgettext_lazy("language of a document", "English")

    workshop = models.OneToOneField(Workshop, on_delete=models.CASCADE, related_name="summary")
    language = models.CharField(
        _("language of the document"), max_length=5, choices=Language, default=Language.GERMAN
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")

    def __str__(self) -> str:
        return str(self.workshop)


class SummarySection(models.Model):
    """One section as the organiser left it: its place, whether it is in the document, and
    (once edited) its own wording, with the digest of the draft it was edited from."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="sections")
    # "intro", "agenda", "group-<id>", "links", "conclusions", "people", "closing"
    key = models.CharField(max_length=40)
    position = models.PositiveIntegerField(default=0)
    included = models.BooleanField(_("in the document"), default=True)
    title = models.CharField(_("heading"), max_length=200, blank=True)
    body = models.TextField(_("text"), blank=True, max_length=50_000)
    edited = models.BooleanField(default=False)
    draft_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "key"], name="summary_section_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class DismissedSuggestion(models.Model):
    """A suggested parallel the facilitators dismissed: it does not come back."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="dismissed_suggestions"
    )
    key = models.CharField(max_length=80)  # "card-12:cluster-3", ends sorted
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "key"], name="dismissed_suggestion_unique")
        ]

    def __str__(self) -> str:
        return self.key
