"""Cleaning of user-typed text: what is stored is printable and trimmed."""

from __future__ import annotations

import unicodedata


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Drop control characters (NUL included), keep newlines where wanted, trim."""
    allowed = {"\n"} if multiline else set()
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    kept = []
    for ch in value:
        if ch in allowed:
            kept.append(ch)
        elif unicodedata.category(ch) in {"Cc", "Cs"}:
            continue  # control characters and lone surrogates
        else:
            kept.append(ch)
    cleaned = "".join(kept)
    if not multiline:
        cleaned = " ".join(cleaned.split())
    return unicodedata.normalize("NFC", cleaned.strip())
