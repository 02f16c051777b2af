"""The summary's markup: what the walls say stays text; what an organiser types never breaks."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from boards.exports import markup
from boards.exports.markup import BulletList, Heading, Paragraph, Table


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1).filter(lambda t: t.split()))
def test_any_text_escaped_is_one_paragraph_of_that_text(text):
    assert markup.parse(markup.escape(text)) == [Paragraph(" ".join(text.split()))]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_whatever_an_organiser_types_parses_and_serialises_to_the_same_blocks(text):
    blocks = markup.parse(text)
    assert markup.parse(markup.serialize(blocks)) == blocks


def test_a_table_of_only_divider_lines_is_text_not_a_failure():
    for body in ("| --- |", "|---|---|", "a\n| --- |"):
        blocks = markup.parse(body)
        assert blocks
        assert not any(isinstance(b, Table) for b in blocks)


def test_the_blocks_an_organiser_writes():
    body = (
        "### Ergebnis\nZwei Zeilen\nin einem Absatz.\n\n"
        "- eins\n  - darunter\n- zwei\n\n"
        "| A | B |\n| --- | --- |\n| 1 | 2 |"
    )
    assert markup.parse(body) == [
        Heading("Ergebnis"),
        Paragraph("Zwei Zeilen in einem Absatz."),
        BulletList([markup.Item("eins", [markup.Item("darunter")]), markup.Item("zwei")]),
        Table(["A", "B"], [["1", "2"]]),
    ]
