"""What each audience sees of the agenda: the phases, where the workshop is, what comes next."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from boards.models import Board
from workshop.models import Phase, Workshop
from workshop.permissions import Action, phase_allows


@dataclass
class AgendaView:
    workshop: Workshop
    phases: list[Phase] = field(default_factory=list)
    current: Phase | None = None
    index: int | None = None  # 1-based place of the current phase
    previous: Phase | None = None
    next: Phase | None = None
    started_at: datetime.datetime | None = None
    plenary_url: str = ""
    planned_minutes: int = 0

    @property
    def view(self) -> str:
        """Where the phones are: "groups" before the agenda starts, as they always were."""
        return self.current.view if self.current else Phase.View.GROUPS

    @property
    def may_write(self) -> bool:
        return phase_allows(self.current, Action.ADD_CARD) and self.view != Phase.View.ROOM

    @property
    def may_vote(self) -> bool:
        return phase_allows(self.current, Action.VOTE) and self.view != Phase.View.ROOM

    @property
    def may_mark_done(self) -> bool:
        return self.current is not None and phase_allows(self.current, Action.MARK_DONE)

    @property
    def total(self) -> int:
        return len(self.phases)


def agenda(workshop: Workshop) -> AgendaView:
    """The agenda of `workshop` with the running phase and its neighbours (two queries)."""
    phases = list(workshop.phases.order_by("position", "pk"))
    current = next((p for p in phases if p.pk == workshop.current_phase_id), None)
    view = AgendaView(workshop=workshop, phases=phases, current=current)
    view.planned_minutes = sum(p.planned_minutes or 0 for p in phases)
    view.started_at = workshop.phase_started_at if current else None
    plenary = Board.objects.plenary().filter(workshop=workshop).values_list("pk", flat=True)
    plenary_id = next(iter(plenary), None)
    view.plenary_url = reverse("board", args=[plenary_id]) if plenary_id else ""
    if current is not None:
        index = phases.index(current)
        view.index = index + 1
        view.previous = phases[index - 1] if index > 0 else None
        view.next = phases[index + 1] if index + 1 < len(phases) else None
    else:
        view.next = phases[0] if phases else None
    return view
