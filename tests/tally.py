"""What a test run tried, counted: the evidence behind "nothing lost, nothing doubled".

Tests call `tally.count(kind)` for each bad input they send, each property-based step they
take and each fault they inject; the run's summary prints the totals per process (the
PostgreSQL pass and the browser tests print their own).
"""

from __future__ import annotations

from collections import Counter

KINDS = {
    "odd-request": "odd HTTP requests (every route, every role)",
    "odd-socket": "odd WebSocket connects",
    "property-step": "property-based steps (stateful services test)",
    "property-example": "property-based examples (stateful services test)",
    "fault": "faults injected (pushes dropped, held or swapped; connections cut; workers "
    "killed; Redis stopped)",
}

totals: Counter[str] = Counter()


def count(kind: str, n: int = 1) -> None:
    assert kind in KINDS, kind
    totals[kind] += n


def summary() -> list[str]:
    return [f"{totals[kind]:>8} {KINDS[kind]}" for kind in KINDS if totals[kind]]
