"""What a projector screen shows of the workshop itself: how to join, and which page.

One read path for the page and its pushes: the projector page renders these contexts with its
request, `workshop.events` renders the same partials after a change without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from workshop.models import Workshop

JOIN_TEMPLATE = "workshop/_projector.html"
# Pages turning by themselves: slow enough to read a page of cards from the back of the room.
PAGE_SECONDS = 20


@dataclass(frozen=True)
class JoinPanel:
    """How people join, as the room sees it; `state` says why nobody can, if so."""

    state: str  # "open", "joining-closed" or "closed"
    code: str
    # What people type into a browser (host and path, no scheme). Empty when no public URL is
    # configured and no request is at hand (a push): the screen fills in the host it reached.
    address: str
    token: str


def join_address(request: HttpRequest | None) -> str:
    """The address to type the code into: the join link's host, as `workshop.links` builds it."""
    base = settings.STELLWAND_PUBLIC_URL
    if not base and request is not None:
        base = request.build_absolute_uri("/")
    if not base:
        return ""
    parts = urlsplit(base)
    return (parts.netloc + parts.path).rstrip("/")


def join_panel(workshop: Workshop, request: HttpRequest | None = None) -> JoinPanel:
    if workshop.is_closed:
        state = "closed"
    elif not workshop.joining_open:
        state = "joining-closed"
    else:
        state = "open"
    return JoinPanel(
        state=state,
        code=workshop.join_code,
        address=join_address(request),
        token=workshop.projector_token,
    )


@dataclass(frozen=True)
class Pager:
    """The page the facilitators turned to; with `auto`, pages turn every `seconds` from then."""

    page: int
    auto: bool
    elapsed: int
    seconds: int = PAGE_SECONDS

    @property
    def turned(self) -> int:
        """Pages turned by themselves since the facilitators last turned one."""
        return self.elapsed // self.seconds if self.auto else 0


def pager(workshop: Workshop) -> Pager:
    since = workshop.projector_paged_at
    elapsed = int((timezone.now() - since).total_seconds()) if since else 0
    return Pager(
        page=workshop.projector_page, auto=workshop.projector_auto, elapsed=max(0, elapsed)
    )
