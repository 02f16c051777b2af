"""The summary document: drafted from the read model, as participants may see it."""

from __future__ import annotations

from boards.exports import export
from boards.selectors.summary import summary_document


def test_the_seed_workshop_is_drafted_with_its_groups_clusters_by_dots_links_and_conclusions(
    seed_workshop,
):
    text = export(seed_workshop, "md").decode()
    assert text.startswith("# In Silos oder innovativ?")
    for expected in (
        "Mobilität",
        "Einzelhandel",
        "Modernisierter ÖPNV",
        "Erreichbare Innenstadt",
        "Eine erreichbare, belebte Innenstadt trägt ÖPNV und Handel",
        "Wirtschaft und Verwaltung müssen zusammenarbeiten",
        "Verkehrsbetriebe",
    ):
        assert expected in text
    # Ranked by dots: in Einzelhandel, "Erreichbare Innenstadt" (6) before "Beratung" (5).
    assert text.index("Erreichbare Innenstadt (6") < text.index("Beratung und Erlebnis (5")
    assert "6 people took part" in text or "6 Personen nahmen" in text
    # Only those who agreed are named.
    assert "Cem" in text
    assert "Emil" not in text
    assert "Bo," not in text


def test_sections_come_in_the_default_order_and_the_closing_is_left_out_while_empty(seed_workshop):
    document = summary_document(seed_workshop, "de")
    keys = [s.key for s in document.sections]
    assert keys[:2] == ["intro", "agenda"]
    assert keys[-4:] == [
        "links",
        "conclusions",
        "people",
        "closing",
    ]
    assert "closing" not in [s.key for s in document.shown]
