"""Cleaning of user-typed text: what is stored is printable, visible and trimmed."""

from __future__ import annotations

import unicodedata

# Bidi embeddings, overrides and isolates: one of them flips the text around it (an RTL
# override makes "gnp.exe" of "exe.png"). Pages isolate user text anyway (dir="auto",
# <bdi>); stored text does without them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that render as nothing (fillers, blank patterns).
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Categories that show nothing on their own: format characters (zero-width space, joiners,
# marks), combining marks without a base, separators.
INVISIBLE = frozenset({"Cf", "Mn", "Me", "Zs", "Zl", "Zp"})


def is_visible(ch: str) -> bool:
    return unicodedata.category(ch) not in INVISIBLE and ch not in BLANK_LOOKING


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Drop control characters (NUL included) and bidi overrides, keep newlines where
    wanted, trim; text with nothing visible in it (only zero-width, combining or blank
    characters) is empty."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    kept = []
    for ch in value:
        if ch == "\n" and multiline:
            kept.append(ch)
        elif ch in BIDI_CONTROLS or unicodedata.category(ch) in {"Cc", "Cs"}:
            continue  # control characters, lone surrogates, bidi overrides
        else:
            kept.append(ch)
    cleaned = "".join(kept)
    if not multiline:
        cleaned = " ".join(cleaned.split())
    cleaned = unicodedata.normalize("NFC", cleaned.strip())
    if not any(is_visible(ch) for ch in cleaned):
        return ""
    # Invisible characters before and after the text (a zero-width space, a filler); at the
    # end, combining marks and variation selectors stay: they belong to the last letter.
    start, end = 0, len(cleaned)
    while not is_visible(cleaned[start]):
        start += 1
    while unicodedata.category(cleaned[end - 1]) in {"Cf", "Zs", "Zl", "Zp"} or (
        cleaned[end - 1] in BLANK_LOOKING
    ):
        end -= 1
    return cleaned[start:end]
