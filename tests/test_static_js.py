"""Our scripts declare each function once per scope: a second `function hold(...)` at the same
level silently replaces the first (it once sent every held push into the outbox's pause)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

JS = Path(__file__).resolve().parent.parent / "static" / "js"
DECLARATION = re.compile(r"^(?P<indent>[ ]*)function (?P<name>[A-Za-z_$][\w$]*)\s*\(", re.M)


def test_no_function_is_declared_twice_at_the_same_level():
    doubled = []
    for script in sorted(JS.glob("*.js")):
        found = Counter(
            (len(m.group("indent")), m.group("name"))
            for m in DECLARATION.finditer(script.read_text(encoding="utf-8"))
        )
        doubled += [f"{script.name}: {name}" for (_level, name), n in found.items() if n > 1]
    assert doubled == []
