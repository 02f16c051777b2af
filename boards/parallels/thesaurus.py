"""OpenThesaurus as Debian packages it (`mythes-de`, LGPL-2.1, 2.9 MB download, 29 MB on disk):
synonyms and broader terms of German words, read from the local file, never from the network.

Optional: the approach "thesaurus" uses it when the file is there (bench/parallels.py measures
whether it is worth its size); the default does not need it.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings

DEFAULT_PATH = Path("/usr/share/mythes/th_de_DE_v2.dat")
_NOTE = re.compile(r"\s*\([^)]*\)")
_lock = threading.Lock()


def path() -> Path:
    return Path(getattr(settings, "STELLWAND_THESAURUS", "") or DEFAULT_PATH)


def available() -> bool:
    return path().is_file()


@lru_cache(maxsize=1)
def _entries() -> dict[str, tuple[str, ...]]:
    """Every head word (lower case) and its one-word synonyms and broader terms."""
    entries: dict[str, set[str]] = {}
    with _lock, path().open(encoding="utf-8", errors="replace") as f:
        f.readline()  # the encoding
        head = None
        for line in f:
            if not line.startswith("-|") and not line.startswith("("):
                head = line.split("|", 1)[0].strip().lower()
                continue
            if head is None:
                continue
            words = set()
            for raw in line.rstrip("\n").split("|")[1:]:
                word = _NOTE.sub("", raw).strip()
                if word and " " not in word and len(word) >= 3:
                    words.add(word.lower())
            entries.setdefault(head, set()).update(words)
    return {head: tuple(sorted(words)) for head, words in entries.items()}


def related_words(word: str) -> tuple[str, ...]:
    """The word's synonyms and broader terms (empty when the thesaurus is not installed)."""
    if not available():
        return ()
    return _entries().get(word.lower(), ())
