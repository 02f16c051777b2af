"""Text measured and wrapped as DejaVu Sans draws it, for pictures drawn without a browser."""

from __future__ import annotations

from boards.exports.text_metrics import clean, runs, text_em, wrap


def test_words_wrap_at_spaces_and_lines_stay_within_the_width():
    lines = wrap("Busse öfter fahren lassen, auch am Abend und am Wochenende", 12)
    assert lines == ["Busse öfter fahren", "lassen, auch am Abend", "und am Wochenende"]
    assert all(text_em(line) <= 12 for line in lines)


def test_a_word_longer_than_the_line_is_broken_and_nothing_is_lost():
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
    lines = wrap(f"{word} und mehr", 10)
    assert len(lines) >= 4
    assert "".join(lines).replace(" ", "") == f"{word}undmehr"
    assert all(text_em(line) <= 10 for line in lines)


def test_line_breaks_in_the_text_are_kept():
    assert wrap("| a | b |\n- c", 40) == ["| a | b |", "- c"]


def test_an_emoji_sequence_is_not_broken_apart():
    lines = wrap("👩🏽‍💻👩🏽‍💻👩🏽‍💻", 1.5)
    assert all(not line.startswith(("\u200d", "\U0001f3fd")) for line in lines)
    assert "".join(lines) == "👩🏽‍💻👩🏽‍💻👩🏽‍💻"


def test_emoji_are_cut_out_for_the_emoji_font_with_their_joiners():
    assert runs("Rad 🚲 und ❤️ ❤ 👩🏽‍💻!") == [
        ("Rad ", False),
        ("🚲", True),
        (" und ", False),
        ("❤️", True),
        (" ❤ ", False),
        ("👩🏽‍💻", True),
        ("!", False),
    ]


def test_characters_xml_cannot_hold_are_dropped():
    assert clean("a\x00b\x1bc\td\ne\ud800f\ufffe") == "abc\td\nef"
