"""Measuring the suggestions against labelled workshops (tests/parallels/workshops/*.json).

A labelled workshop holds its groups (clusters with cards, loose cards), the cross-group links
a facilitator would make, and decoys they would not. Every cross-group pair is ranked; a
suggestion hits a label when its two ends are the label's ends, or one end is the labelled
cluster's card or the labelled card's cluster (a facilitator accepting either has made the
link). Each label counts once.

    precision@5 = suggestions among the first 5 that hit a label / 5
    recall@10   = labels hit by the first 10 suggestions / all labels
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from boards.parallels.engine import Item, suggest

LABELS = Path(__file__).resolve().parents[2] / "tests" / "parallels" / "workshops"
# Tuned on these; the figures that count are those of the others.
TUNING = ("seed", "klimaanpassung")


@dataclass
class Labelled:
    name: str
    items: list[Item]
    links: list[tuple[str, str]]  # (item key, item key)
    not_links: list[tuple[str, str]]
    cluster_of: dict[str, str]  # a card's key -> its cluster's key


def load(path: Path) -> Labelled:
    data = json.loads(path.read_text())
    items: list[Item] = []
    keys: dict[tuple[str, str, str], str] = {}
    cluster_of: dict[str, str] = {}
    next_id = 1
    for group in data["groups"]:
        name = group["name"]
        for cluster in group.get("clusters", []):
            cid = next_id
            next_id += 1
            items.append(Item("cluster", cid, name, cluster["title"], tuple(cluster["cards"])))
            keys[(name, "cluster", cluster["title"])] = f"cluster-{cid}"
            for text in cluster["cards"]:
                items.append(Item("card", next_id, name, text, cluster_id=cid))
                keys[(name, "card", text)] = f"card-{next_id}"
                cluster_of[f"card-{next_id}"] = f"cluster-{cid}"
                next_id += 1
        for text in group.get("cards", []):
            items.append(Item("card", next_id, name, text))
            keys[(name, "card", text)] = f"card-{next_id}"
            next_id += 1

    def end(e: dict) -> str:
        kind = "cluster" if "cluster" in e else "card"
        return keys[(e["group"], kind, e[kind])]

    links = [(end(link["a"]), end(link["b"])) for link in data["links"]]
    not_links = [(end(link["a"]), end(link["b"])) for link in data.get("not_links", [])]
    return Labelled(path.stem, items, links, not_links, cluster_of)


def workshops() -> list[Labelled]:
    return [load(p) for p in sorted(LABELS.glob("*.json"))]


def _near(one: str, other: str, cluster_of: dict[str, str]) -> bool:
    return one == other or cluster_of.get(one) == other or cluster_of.get(other) == one


def _hits(ranked: list[tuple[str, str]], label: tuple[str, str], cluster_of) -> bool:
    a, b = label
    return any(
        (_near(x, a, cluster_of) and _near(y, b, cluster_of))
        or (_near(x, b, cluster_of) and _near(y, a, cluster_of))
        for x, y in ranked
    )


@dataclass
class Score:
    name: str
    precision_at_5: float
    recall_at_10: float
    decoys_in_top_10: int
    seconds: float


def score(labelled: Labelled, approach: str) -> Score:
    start = time.perf_counter()
    ranked = suggest(labelled.items, approach=approach, limit=10)
    seconds = time.perf_counter() - start
    pairs = [(s.a.key, s.b.key) for s in ranked]
    right = [
        p
        for p in pairs[:5]
        if any(_hits([p], label, labelled.cluster_of) for label in labelled.links)
    ]
    hit10 = sum(1 for label in labelled.links if _hits(pairs, label, labelled.cluster_of))
    precision = len(right) / 5
    recall = hit10 / max(1, len(labelled.links))
    decoys = sum(1 for d in labelled.not_links if _hits(pairs, d, {}))
    return Score(labelled.name, precision, recall, decoys, seconds)


def table(approach: str, names: tuple[str, ...] | None = None) -> tuple[float, float, list[Score]]:
    """Mean precision@5 and recall@10 over the workshops (all, or those named)."""
    scores = [score(w, approach) for w in workshops() if names is None or w.name in names]
    if not scores:
        return 0.0, 0.0, []
    p = sum(s.precision_at_5 for s in scores) / len(scores)
    r = sum(s.recall_at_10 for s in scores) / len(scores)
    return p, r, scores


def held_out() -> tuple[str, ...]:
    return tuple(w.name for w in workshops() if w.name not in TUNING)
