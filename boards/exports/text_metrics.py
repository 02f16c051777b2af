"""How wide text is in DejaVu Sans, and text wrapped to a width: for pictures drawn without a
browser (boards/exports/wall_picture.py), where nothing measures text but us."""

from __future__ import annotations

import unicodedata

# DejaVu Sans advance widths of " " to "~" in 1/1000 em, regular and bold.
_REGULAR = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 "
    "636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 "
    "748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 "
    "615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 "
    "337 636 838"
)
_BOLD = (
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 "
    "696 696 696 400 400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 "
    "837 850 733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 500 500 675 716 593 716 "
    "678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924 645 652 582 712 "
    "365 712 838"
)
WIDTHS = {
    bold: {chr(32 + i): int(w) / 1000 for i, w in enumerate(table.split())}
    for bold, table in ((False, _REGULAR), (True, _BOLD))
}


def _modifier(code: int) -> bool:
    return 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF


def char_em(char: str, bold: bool = False) -> float:
    """About how wide `char` is in DejaVu Sans, in em (emoji as Noto draws them)."""
    table = WIDTHS[bold]
    if char in table:
        return table[char]
    if unicodedata.category(char) in ("Mn", "Me", "Cf") or _modifier(ord(char)):
        return 0.0  # combining marks, joiners, variation selectors, skin tones
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.25
    base = unicodedata.normalize("NFD", char)[0]  # "ä" as wide as "a"
    return table.get(base, 0.75 if bold else 0.7)


def text_em(text: str, bold: bool = False) -> float:
    return sum(char_em(c, bold) for c in text)


def _joins(char: str) -> bool:
    """A character a line must not start with (it belongs to the one before)."""
    return char_em(char) == 0.0 or char == "\u200d"


def wrap(text: str, width_em: float, bold: bool = False) -> list[str]:
    """`text` in lines no wider than `width_em`: at spaces, and inside words too long."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, line_em = "", 0.0
        space = char_em(" ", bold)
        for word in paragraph.split():
            word_em = text_em(word, bold)
            if line and line_em + space + word_em <= width_em:
                line, line_em = f"{line} {word}", line_em + space + word_em
                continue
            if line:
                lines.append(line)
            line, line_em = "", 0.0
            for char in word:  # a word wider than the line is broken where it must
                em = char_em(char, bold)
                if line and line_em + em > width_em and not _joins(char) and line[-1] != "\u200d":
                    lines.append(line)
                    line, line_em = "", 0.0
                line, line_em = line + char, line_em + em
        if line or not lines:
            lines.append(line)
    return [line for line in lines if line.strip()] or [""]


def clean(text: str) -> str:
    """Only characters XML may hold (no control characters, no lone surrogates)."""
    return "".join(
        c
        for c in text
        if c in "\t\n" or (c >= " " and not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff")
    )


def _emoji(char: str, after: str) -> bool:
    code = ord(char)
    if 0x1F000 <= code <= 0x1FAFF or 0xE0020 <= code <= 0xE007F:
        return True
    # A symbol DejaVu has too ("❤") is an emoji when asked for as one (U+FE0F after it).
    return 0x2190 <= code <= 0x2BFF and after == "\ufe0f"


def runs(line: str) -> list[tuple[str, bool]]:
    """`line` cut into text and emoji: resvg does not fall back from DejaVu Sans to the emoji
    font by itself, so emoji are asked for in Noto Color Emoji."""
    out: list[tuple[str, bool]] = []
    for i, char in enumerate(line):
        emoji = _emoji(char, line[i + 1 : i + 2])
        if not emoji and out and out[-1][1] and (char in "\u200d\ufe0f\u20e3"):
            emoji = True  # joiners and selectors stay with their emoji
        if out and out[-1][1] == emoji:
            out[-1] = (out[-1][0] + char, emoji)
        else:
            out.append((char, emoji))
    return out
