"""The summary's text: a small, safe subset of Markdown that every format renders the same way.

A section's body (drafted or edited in the browser) is plain text in blocks separated by blank
lines:

    ### A subheading
    A paragraph, over one or more lines.
    - a list item
      - a nested item (two spaces)
    | a table | with a header row |
    | ------- | ----------------- |
    | and     | rows              |

Nothing else is markup: no links, no images, no HTML, no emphasis. Text from the walls goes in
through `escape`, so that a card reading "# Überschrift" or "| a |" or "- b" stays a card's
text; `parse` gives it back unescaped. Every renderer (Markdown, HTML, DOCX, PDF) works on the
parsed blocks, so a payload comes out as plain text in each of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# What would be markup anywhere in a line (CommonMark lets a backslash make any ASCII
# punctuation text); and what would be at its start.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
_LEADING = re.compile(r"^([#+=-]|\d+(?=[.)]))")
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def escape(text: str) -> str:
    """`text` as literal text inside a block (line breaks become spaces)."""
    flat = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    match = _LEADING.match(flat)
    if match:
        lead = match.group(1)
        flat = (f"\\{lead}" if not lead.isdigit() else f"{lead}\\") + flat[len(lead) :]
    return flat


def unescape(text: str) -> str:
    """Literal text from markup, its whitespace made single spaces (as `escape` leaves it)."""
    return " ".join(_UNESCAPE.sub(r"\1", text).split())


@dataclass
class Heading:
    kind = "heading"  # for the templates
    text: str


@dataclass
class Paragraph:
    kind = "paragraph"  # for the templates
    text: str


@dataclass
class Item:
    text: str
    children: list[Item] = field(default_factory=list)


@dataclass
class BulletList:
    kind = "list"  # for the templates
    items: list[Item]


@dataclass
class Table:
    kind = "table"  # for the templates
    header: list[str]
    rows: list[list[str]]


Block = Heading | Paragraph | BulletList | Table


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    cells, current, i = [], [], 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\" and i + 1 < len(inner):
            current.append(inner[i : i + 2])
            i += 2
            continue
        if ch == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    cells.append("".join(current))
    return [unescape(c.strip()) for c in cells]


def _list(lines: list[str]) -> BulletList:
    items: list[Item] = []
    for line in lines:
        nested = line.startswith("  ")
        text = unescape(line.strip()[2:].strip())
        if nested and items:
            items[-1].children.append(Item(text))
        else:
            items.append(Item(text))
    return BulletList(items)


def _is_item(line: str) -> bool:
    stripped = line.lstrip(" ")
    return stripped.startswith(("- ", "* ")) and len(line) - len(stripped) <= 3


def parse(text: str) -> list[Block]:
    """The blocks of a section's body. Never fails: what is not markup is a paragraph."""
    blocks: list[Block] = []
    chunks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    for chunk in chunks:
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        while lines:
            first = lines[0]
            if first.startswith("#") and re.match(r"^#{1,6}\s", first):
                blocks.append(Heading(unescape(first.lstrip("#").strip())))
                lines = lines[1:]
            elif _is_item(first):
                n = 0
                while n < len(lines) and (_is_item(lines[n]) or lines[n].startswith("    ")):
                    n += 1
                blocks.append(_list(lines[:n]))
                lines = lines[n:]
            elif first.lstrip().startswith("|"):
                n = 0
                while n < len(lines) and lines[n].lstrip().startswith("|"):
                    n += 1
                rows = [line for line in lines[:n] if not _RULE.match(line.strip())]
                if not rows:  # only divider lines: text, not a table
                    blocks.append(Paragraph(unescape(" ".join(s.strip() for s in lines[:n]))))
                    lines = lines[n:]
                    continue
                header, *body = [_cells(r) for r in rows]
                width = len(header)
                body = [(r + [""] * width)[:width] for r in body]
                blocks.append(Table(header, body))
                lines = lines[n:]
            else:
                n = 0
                while n < len(lines) and not (
                    _is_item(lines[n]) or lines[n].lstrip().startswith(("|", "#"))
                ):
                    n += 1
                n = max(n, 1)
                blocks.append(Paragraph(unescape(" ".join(s.strip() for s in lines[:n]))))
                lines = lines[n:]
    return blocks


def table(header: list[str], rows: list[list[str]]) -> str:
    """A table's markup from plain texts."""
    out = ["| " + " | ".join(escape(h) for h in header) + " |"]
    out.append("| " + " | ".join("---" for _h in header) + " |")
    out += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def bullets(items: list[tuple[str, list[str]]]) -> str:
    """A list's markup from plain texts: (item, its nested items)."""
    out = []
    for text, children in items:
        out.append(f"- {escape(text)}")
        out += [f"  - {escape(child)}" for child in children]
    return "\n".join(out)


def serialize(blocks: list[Block]) -> str:
    """The blocks as markup (and as Markdown: the same text), every text escaped again."""
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"### {escape(block.text)}")
        elif isinstance(block, Paragraph):
            out.append(escape(block.text))
        elif isinstance(block, BulletList):
            out.append(bullets([(i.text, [c.text for c in i.children]) for i in block.items]))
        else:
            out.append(table(block.header, block.rows))
    return "\n\n".join(out)
