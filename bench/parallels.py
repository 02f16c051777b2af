"""Suggested parallels: quality on the labelled workshops and time for 300 cards, per approach.

Quality: precision of the first 5 and recall of the first 10 against the labelled links of
tests/parallels/workshops/ (boards/parallels/evaluate.py), on the workshops used for tuning and
on those held out. Time: all cross-group pairs of a 300-card workshop in four groups (the
labelled workshops' cards, repeated with a number), against the plain word overlap measured in
the same run. The machine is noisy: read the ratios.

    .venv/bin/python bench/parallels.py [--cards 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def workshop_of(cards: int):
    from boards.parallels import evaluate
    from boards.parallels.engine import Item

    texts = [i.text for w in evaluate.workshops() for i in w.items if i.kind == "card"]
    headings = [i.text for w in evaluate.workshops() for i in w.items if i.kind == "cluster"]
    items, n = [], 0
    groups = ["A", "B", "C", "D"]
    per_group = cards // len(groups)
    for g, group in enumerate(groups):
        for c in range(per_group // 5):  # clusters of five cards
            cid = 100_000 + g * 1000 + c
            mine = [
                f"{texts[(g * per_group + c * 5 + k) % len(texts)]} {g}{c}{k}" for k in range(5)
            ]
            items.append(
                Item("cluster", cid, group, headings[(g * 50 + c) % len(headings)], tuple(mine))
            )
            for text in mine:
                n += 1
                items.append(Item("card", n, group, text, cluster_id=cid))
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from boards.parallels import evaluate
    from boards.parallels.engine import APPROACHES, DEFAULT, suggest

    items = workshop_of(args.cards)
    timings = {}
    for approach in APPROACHES:
        runs = []
        for _n in range(args.repeat):
            start = time.perf_counter()
            suggest(items, approach=approach, limit=10)
            runs.append(time.perf_counter() - start)
        timings[approach] = statistics.median(runs)
    base = timings["overlap"]
    cards = sum(1 for i in items if i.kind == "card")
    print(f"{cards} cards in {len({i.group for i in items})} groups, median of {args.repeat}")
    print(f"tuned on: {', '.join(evaluate.TUNING)}; held out: {', '.join(evaluate.held_out())}")
    header = f"{'approach':<10}{'P@5 tuning':>12}{'R@10 tuning':>13}{'P@5 held out':>14}"
    print(header + f"{'R@10 held out':>15}{'seconds':>9}{'x overlap':>11}")
    for approach in APPROACHES:
        pt, rt, _s = evaluate.table(approach, evaluate.TUNING)
        ph, rh, _s = evaluate.table(approach, evaluate.held_out())
        mark = " (default)" if approach == DEFAULT else ""
        print(
            f"{approach:<10}{pt:>12.2f}{rt:>13.2f}{ph:>14.2f}{rh:>15.2f}"
            f"{timings[approach]:>9.3f}{timings[approach] / base:>11.1f}{mark}"
        )


if __name__ == "__main__":
    main()
