"""The photo protocol: a picture of each wall, as a paper workshop photographs its walls.

An A4 landscape SVG drawn from the plenary read model (what participants may see), and a PNG
rendered from it with resvg at 150 dpi; without a chosen wall, a ZIP with every wall's file.
Plain functions without shared state: they run in a worker thread.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

import resvg_py
from django.conf import settings
from django.utils import formats, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _, gettext_noop, ngettext

from boards.exports import ExportError, Format, Options, register
from boards.exports.text_metrics import clean, runs, wrap
from boards.models import Card
from boards.selectors.plenary import PlenaryGroup, group_boards, plenary_groups
from workshop.live import Audience
from workshop.models import Workshop

# The page in millimetres: A4 landscape; the PNG at 150 dpi.
PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 8.0
DPI = 150
PNG_SIZE = (1754, 1240)  # A4 at 150 dpi
FONT_DIR = "/usr/share/fonts"
FONT_FAMILY = "DejaVu Sans, Noto Color Emoji, sans-serif"
# Card text from 4 mm down to 2.5 mm (7 pt); smaller only when nothing else fits.
SIZES = [4.0, 3.75, 3.5, 3.25, 3.0, 2.875, 2.75, 2.625, 2.5]
LAST_RESORT = [2.25, 2.0, 1.75, 1.5, 1.25, 1.0]
# In units of the text size: a card's padding, the line height, the space between cards and
# around them in their cluster's frame.
PAD, LINE, GAP, INSET = 0.3, 1.2, 0.25, 0.15
MAX_COLUMN_W = 70.0
MIN_COLUMN_EM = 9.0  # no narrower than about 14 characters

INK, MUTED, DOT = "#1b1f24", "#505b68", "#b3261e"
EDGE = {"stroke": "#000", "stroke_opacity": "0.25", "stroke_width": "0.3"}
# The paper colours of static/css/stellwand.css.
PAPER = {
    "yellow": "#fff3b0",
    "blue": "#d6e9fb",
    "green": "#d7f1d9",
    "pink": "#fddbe7",
    "orange": "#ffdfc0",
    "white": "#ffffff",
}


@dataclass
class Block:
    """One thing in a column: a cluster's heading, a card, or the loose cards' label."""

    text: str
    kind: str  # "cluster", "label" or a Card.Kind
    color: str = "white"
    dots: int | None = None
    lines: list[str] = field(default_factory=list)
    height: float = 0.0


@dataclass
class Placed:
    block: Block
    x: float
    y: float
    width: float


@dataclass
class Layout:
    size: float
    width: float
    blocks: list[Placed]
    frames: list[tuple[float, float, float]]  # a column of a cluster: x, y, height


def _blocks(group: PlenaryGroup) -> list[list[Block]]:
    """The wall's columns: each cluster (heading, cards), then the loose cards."""

    def card(card: Card, dots: int | None) -> Block:
        return Block(clean(card.text), card.kind, card.color, dots)

    out = [
        [Block(clean(r.cluster.title), "cluster", dots=r.dots)] + [card(c, n) for c, n in r.cards]
        for r in group.clusters
    ]
    if group.cards:
        out.append([Block(_("Loose cards"), "label")] + [card(c, n) for c, n in group.cards])
    return out


def _measure(block: Block, width: float, size: float) -> None:
    bold = block.kind in ("cluster", Card.Kind.HEADING, "label")
    text_size = size * (1.1 if block.kind == "cluster" else 1.0)
    pad = PAD * size
    inner = width - 2 * pad
    if block.kind == Card.Kind.OVAL:
        inner = width * 0.7 - 2 * pad  # the text inside the ellipse
    block.lines = wrap(block.text, inner / text_size, bold)
    text_h = len(block.lines) * LINE * text_size
    if block.kind == "label":
        block.height = text_h + 0.3 * size
        return
    dots_h = 1.2 * size if block.dots else 0.0
    top = 0.4 * size if block.kind in ("cluster", Card.Kind.HEADING) else 0.0
    block.height = top + 2 * pad + text_h + dots_h
    if block.kind == Card.Kind.OVAL:
        block.height = (text_h + dots_h) / 0.7 + 2 * pad


def column_gap(size: float) -> float:
    return max(1.2, 0.5 * size)


def _pack(
    columns: list[list[Block]],
    size: float,
    width: float,
    area: tuple[float, float, float, float],
    stack: bool = False,
) -> Layout | None:
    """The columns laid out at `size` and `width`, flowing into further columns (`stack`: a
    cluster may start below the one before); None when they do not fit the area (x, y, w, h)."""
    left, top, area_w, area_h = area
    gap, inset = column_gap(size), INSET * size
    count = int((area_w + gap) / (width + gap) + 1e-6)  # not one fewer by rounding
    placed: list[Placed] = []
    frames: list[tuple[float, float, float]] = []
    column, y = -1, area_h
    for blocks in columns:
        for block in blocks:
            _measure(block, width - 2 * inset, size)
        head = blocks[0].height + (blocks[1].height + GAP * size if len(blocks) > 1 else 0)
        if not stack or y + head + 2 * inset > area_h:
            column, y = column + 1, 0.0
        start = y
        for block in blocks:
            if block.height > area_h - 2 * inset:
                return None
            if y > start and y + block.height + 2 * inset > area_h:
                frames.append((column, start, y - start))
                column, y, start = column + 1, 0.0, 0.0
            if column >= count:
                return None
            x = left + column * (width + gap) + inset
            placed.append(Placed(block, x, top + y + inset, width - 2 * inset))
            y += block.height + GAP * size
        frames.append((column, start, y - start))
        y += 2 * inset  # the space between two clusters in one column
    boxes = [
        (left + c * (width + gap), top + y, h + (2 * INSET - GAP) * size) for c, y, h in frames
    ]
    return Layout(size, width, placed, boxes)


def layout(columns: list[list[Block]], area: tuple[float, float, float, float]) -> Layout:
    """The largest text size, then the widest columns, at which the whole wall fits."""
    area_w = area[2]
    for size in SIZES + LAST_RESORT:
        gap = column_gap(size)
        most = max(1, int((area_w + gap) // (MIN_COLUMN_EM * size + gap)))
        for stack in (False, True):
            least = 1 if stack else max(1, min(len(columns), most))
            for count in range(least, most + 1):
                width = min(MAX_COLUMN_W, (area_w - (count - 1) * gap) / count)
                found = _pack(columns, size, width, area, stack)
                if found is not None:
                    return found
    # Nothing fits even at 1 mm: the smallest text, the overflow cut at the page's edge.
    size = LAST_RESORT[-1]
    return _pack(columns, size, MIN_COLUMN_EM * size, (*area[:2], 1e9, area[3]), True)  # type: ignore[return-value]


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text  # ElementTree escapes it
    return element


def _mm(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _line(text: ET.Element, line: str, **attrs: object) -> None:
    span = _el(text, "tspan", **attrs)
    last: ET.Element | None = None
    for part, emoji in runs(line):
        if emoji:
            last = _el(span, "tspan", part, font_family="Noto Color Emoji")
        elif last is None:
            span.text = part
        else:
            last.tail = part


def _text(parent: ET.Element, lines: list[str], x: float, y: float, size: float, **attrs: object):
    text = _el(parent, "text", x=_mm(x), y=_mm(y), font_size=_mm(size), **attrs)
    for i, line in enumerate(lines):
        _line(text, line, x=_mm(x), dy="0" if i == 0 else f"{LINE}em")
    return text


def _dots(parent: ET.Element, count: int, x: float, y: float, size: float) -> None:
    """Up to five filled dots and the count beside them, readable in black and white."""
    label = ngettext("%(counter)s dot", "%(counter)s dots", count) % {"counter": count}
    row = _el(parent, "g", aria_label=label)
    radius = 0.32 * size
    for i in range(min(count, 5)):
        cx = x + radius + i * 2.5 * radius
        _el(row, "circle", cx=_mm(cx), cy=_mm(y), r=_mm(radius), fill=DOT)
    after = x + min(count, 5) * 2.5 * radius + 0.3 * size
    _el(
        row,
        "text",
        str(count),
        x=_mm(after),
        y=_mm(y + 0.35 * size),
        font_size=_mm(size),
        font_weight="bold",
        fill=INK,
        **{"class": "dots"},
    )


def _draw(svg: ET.Element, placed: Placed, size: float) -> None:
    block, x, y, w = placed.block, placed.x, placed.y, placed.width
    pad = PAD * size
    if block.kind == "label":
        _text(svg, block.lines, x, y + size, size, font_weight="bold", fill=MUTED)
        return
    card = _el(svg, "g")
    h = block.height
    text_size = size * (1.1 if block.kind == "cluster" else 1.0)
    headed = block.kind in ("cluster", Card.Kind.HEADING)
    if block.kind == Card.Kind.OVAL:
        _el(
            card,
            "ellipse",
            cx=_mm(x + w / 2),
            cy=_mm(y + h / 2),
            rx=_mm(w / 2),
            ry=_mm(h / 2),
            fill=PAPER.get(block.color, "#fff"),
            **EDGE,
        )
        text_x = x + w * 0.15 + pad
        anchor = {"text_anchor": "middle"}  # centred in the oval
        text_y = (
            y
            + h / 2
            - (len(block.lines) - 1) * LINE * text_size / 2
            + 0.35 * text_size
            - (0.6 * size if block.dots else 0)
        )
    else:
        fill = "#ffffff" if headed else PAPER.get(block.color, "#fff")
        _el(
            card,
            "rect",
            x=_mm(x),
            y=_mm(y),
            width=_mm(w),
            height=_mm(h),
            fill=fill,
            **EDGE,
        )
        if headed:
            _el(card, "rect", x=_mm(x), y=_mm(y), width=_mm(w), height=_mm(0.4 * size), fill=INK)
        text_x = x + pad
        anchor = {}
        text_y = y + (0.4 * size if headed else 0) + pad + 0.9 * text_size
    weight = "bold" if headed else "normal"
    line_x = x + w / 2 if anchor else text_x
    _text(card, block.lines, line_x, text_y, text_size, font_weight=weight, fill=INK, **anchor)
    if block.dots:
        dots_y = text_y + (len(block.lines) - 1) * LINE * text_size + 0.9 * size
        _dots(card, block.dots, text_x, dots_y, size)


def wall_svg(group: PlenaryGroup, *, language: str) -> str:
    """The wall as an A4 landscape SVG: its name and question, clusters as columns, dots."""
    with translation.override(language):
        return _wall_svg(group)


def _name(group: PlenaryGroup) -> str:
    return clean(group.name) if group.group else _("The plenary's wall")


def _wall_svg(group: PlenaryGroup) -> str:
    name, question = _name(group), clean(group.question)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "version": "1.1",
            "width": f"{_mm(PAGE_W)}mm",
            "height": f"{_mm(PAGE_H)}mm",
            "viewBox": f"0 0 {_mm(PAGE_W)} {_mm(PAGE_H)}",
            "font-family": FONT_FAMILY,
            "role": "img",
            "lang": translation.get_language() or settings.LANGUAGE_CODE,
        },
    )
    _el(svg, "title", name)
    counts = [
        ngettext("%(counter)s card", "%(counter)s cards", group.card_count)
        % {"counter": group.card_count},
        ngettext("%(counter)s cluster", "%(counter)s clusters", len(group.clusters))
        % {"counter": len(group.clusters)},
    ]
    _el(svg, "desc", "\n".join([t for t in (question, ", ".join(counts)) if t]))
    _el(svg, "rect", x="0", y="0", width=_mm(PAGE_W), height=_mm(PAGE_H), fill="#ffffff")
    inner = PAGE_W - 2 * MARGIN
    title = wrap(name, inner / 6.5, bold=True)
    _text(svg, title, MARGIN, MARGIN + 5.5, 6.5, font_weight="bold", fill=INK)
    y = MARGIN + 5.5 + len(title) * LINE * 6.5
    if question:
        asked = wrap(question, inner / 4.2)
        _text(svg, asked, MARGIN, y + 0.5, 4.2, fill=MUTED)
        y += len(asked) * LINE * 4.2
    workshop = group.board.workshop
    footer = clean(workshop.title)
    if workshop.date:
        footer += f" · {formats.date_format(workshop.date, 'DATE_FORMAT')}"
    _el(svg, "text", footer, x=_mm(MARGIN), y=_mm(PAGE_H - 4), font_size="2.5", fill=MUTED)
    area = (MARGIN, y + 2, inner, PAGE_H - 7 - (y + 2))
    columns = _blocks(group)
    if not columns:
        _text(svg, [_("No cards on this wall yet.")], MARGIN, y + 12, 4.2, fill=MUTED)
        return ET.tostring(svg, encoding="unicode", xml_declaration=False)
    found = layout(columns, area)
    for x, top, height in found.frames:
        _el(
            svg,
            "rect",
            x=_mm(x),
            y=_mm(top),
            width=_mm(found.width),
            height=_mm(height),
            rx="1",
            fill="#f4f1ea",
            stroke="#000",
            stroke_opacity="0.12",
            stroke_width="0.25",
        )
    for placed in found.blocks:
        _draw(svg, placed, found.size)
    return ET.tostring(svg, encoding="unicode", xml_declaration=False)


def wall_png(svg: str) -> bytes:
    """The SVG as a PNG at 150 dpi, with the system's fonts (umlauts, emoji)."""
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            dpi=DPI,
            background="#ffffff",
            skip_system_fonts=True,
            font_dirs=[FONT_DIR],
            sans_serif_family="DejaVu Sans",
        )
    )


def _walls(workshop: Workshop, options: Options, language: str) -> list[PlenaryGroup]:
    boards, plenary = group_boards(workshop)
    if options.board_id is None:
        walls = plenary_groups(boards + ([plenary] if plenary else []), Audience.PARTICIPANTS)
        # The plenary's own wall only when something is on it.
        return [w for w in walls if w.group is not None or w.card_count]
    board = next((b for b in [*boards, plenary] if b and b.pk == options.board_id), None)
    if board is None:
        with translation.override(language):
            raise ExportError(_("This wall is not part of this workshop."))
    return plenary_groups([board], Audience.PARTICIPANTS)


def _render(workshop: Workshop, options: Options, png: bool) -> bytes:
    language = options.language or settings.LANGUAGE_CODE
    walls = _walls(workshop, options, language)

    def draw(wall: PlenaryGroup) -> bytes:
        svg = wall_svg(wall, language=language)
        return wall_png(svg) if png else svg.encode()

    if options.board_id is not None:
        return draw(walls[0])
    extension = "png" if png else "svg"
    taken: set[str] = set()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for wall in walls:
            with translation.override(language):
                base = slugify(_name(wall)) or f"wall-{wall.board.pk}"
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base}-{n}"
            taken.add(name)
            archive.writestr(f"{name}.{extension}", draw(wall))
    return out.getvalue()


def file_type(fmt: Format, options: Options) -> tuple[str, str]:
    """The extension and content type of what `fmt` makes: a ZIP when no wall is chosen
    (`Format` knows only the single wall's)."""
    if options.board_id is None:
        return "zip", "application/zip"
    return fmt.extension, fmt.content_type


def render_svg(workshop: Workshop, options: Options) -> bytes:
    return _render(workshop, options, png=False)


def render_png(workshop: Workshop, options: Options) -> bytes:
    return _render(workshop, options, png=True)


DESCRIPTION = gettext_noop(
    "A picture of each wall for the photo protocol, in A4 landscape: one wall, or all in a ZIP."
)
register(
    Format(
        "svg",
        gettext_noop("Wall pictures (SVG)"),
        "svg",
        "image/svg+xml",
        render_svg,
        description=DESCRIPTION,
    )
)
register(
    Format(
        "png",
        gettext_noop("Wall pictures (PNG)"),
        "png",
        "image/png",
        render_png,
        slow=True,
        description=DESCRIPTION,
    )
)
