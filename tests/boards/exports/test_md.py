"""The summary as Markdown, read as a CommonMark reader would: texts from the walls are only
ever text."""

from __future__ import annotations

import re

from boards.exports import export
from tests.boards.exports.conftest import EMOJI, PAYLOADS, RIGHT_TO_LEFT, UMLAUTS
from tests.boards.exports.test_html import flat, plant_payloads

# What CommonMark reads as markup inside a line: a tag or autolink (<), a link or image ([),
# an entity (&), emphasis (* _), code (`). A backslash before ASCII punctuation makes it text.
ACTIVE = re.compile(r"(?<!\\)[<>\[\]&*_`]")
BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def literal(line: str) -> str:
    """A line's text as CommonMark shows it: every backslash escape undone."""
    return BACKSLASH_ESCAPE.sub(r"\1", line)


def blocks(markdown: str) -> list[str]:
    return [block.strip() for block in markdown.split("\n\n")]


def test_payloads_in_cards_names_and_headings_are_plain_text(seed_workshop):
    plant_payloads(seed_workshop)
    markdown = export(seed_workshop, "md").decode()
    lines = markdown.splitlines()

    # Nothing a payload brought is markup: no tag, link, image, entity, emphasis or code.
    assert ACTIVE.search(markdown) is None, ACTIVE.search(markdown)
    # No payload starts a block: no heading, list, quote or HTML block of its own.
    headings = [literal(line) for line in lines if line.startswith("#")]
    assert all("Überschrift" not in h for h in headings)
    assert "## {{ secret }} {% debug %} ${jndi:ldap://127.0.0.1:9/a}" in headings  # the closing
    assert "## Gruppe „<img src=http://127.0.0.1:9/leak.png>“" in headings  # a group's name
    assert not [line for line in lines if line.startswith((">", "<", "    ")) or line == "- c"]

    # The closing section: its heading, then every payload as one paragraph, as it was typed.
    closing = blocks(markdown)
    start = closing.index("## {{ secret }} {% debug %} ${jndi:ldap://127.0.0.1:9/a}")
    paragraphs = [literal(p) for p in closing[start + 1 : start + 1 + len(PAYLOADS)]]
    assert paragraphs == [flat(p) for p in PAYLOADS]
    # Every payload is a card in a cluster's list, and one is the cluster's heading.
    items = [literal(line.lstrip()[2:]) for line in lines if line.lstrip().startswith("- ")]
    for payload in PAYLOADS:
        assert any(item.startswith(flat(payload)) for item in items), payload
    assert "<script>alert('x')</script> (7 Punkte)" in items  # the cluster's heading
    assert "Mit ihrem Einverständnis genannt: Alex, Cem, Dana, Fritzi." in blocks(markdown)


def test_umlauts_emoji_and_right_to_left_text_come_out_unchanged(seed_workshop):
    plant_payloads(seed_workshop)
    markdown = export(seed_workshop, "md").decode()
    for text in (UMLAUTS, EMOJI, RIGHT_TO_LEFT):
        assert text in blocks(markdown), text  # a paragraph of its own, code point for code point
        assert f"  - {text} (" in markdown  # and a card
