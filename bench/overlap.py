"""Benchmark: the overlap finder on 100k indexed networks and discussions.

Builds a synthetic instance (``--items``, default 100,000; half networks, half discussions)
from a Dutch/English vocabulary: the concept table's phrases, filler words, focus tags,
community types, Dutch places and random liveliness. Then it times, in the same run:

* the index build (``OverlapIndex.build``);
* ``--queries`` (default 200) overlap queries through the index (inverted columns,
  ``argpartition`` top 300, combined re-ranking, then the exactness step over the other
  items with a word in common);
* the same queries brute force (``OverlapIndex.brute_force``: the whole matrix times a dense
  query vector, combined score for every item),

and prints median and 95th percentile per query and how often both give the same top 10.
Run by hand; see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from netweave.core.design.overlap import CONCEPTS, OverlapIndex, OverlapItem
from netweave.core.design.regions import MUNICIPALITIES

FILLER_NL = ("samen", "avond", "project", "bijeenkomst", "vragen", "ervaring", "plan", "start",
             "nieuw", "lokaal", "hulp", "gesprek", "aanpak", "ideeën", "de", "het", "een", "voor",
             "met", "in", "over", "en")
FILLER_EN = ("together", "evening", "project", "meeting", "questions", "experience", "plan",
             "start", "new", "local", "help", "conversation", "approach", "ideas", "the", "for",
             "with", "in", "about", "and")
TAGS = ("energie", "zorg", "buurt", "groen", "wonen", "jeugd", "ouderen", "klimaat", "werk",
        "onderwijs", "cultuur", "sport", "mobiliteit", "armoede", "water")
TYPES = ("action", "practice", "place", "interest", "circumstance")


def text(rng: random.Random, phrases: list[str]) -> str:
    filler = FILLER_NL if rng.random() < 0.6 else FILLER_EN
    words = rng.sample(phrases, rng.randint(1, 3)) + rng.choices(filler, k=rng.randint(3, 9))
    rng.shuffle(words)
    return " ".join(words) + f" {rng.randint(0, 5000)}"


def items(n: int, seed: int) -> list[OverlapItem]:
    rng = random.Random(seed)
    phrases = [p for _label, ps in CONCEPTS.values() for p in ps]
    places = [*MUNICIPALITIES, "Ergens", ""]
    out = []
    for i in range(n):
        types = tuple(rng.sample(TYPES, rng.randint(1, 2)))
        out.append(OverlapItem(
            "network" if i % 2 == 0 else "discussion", i, text(rng, phrases),
            tuple(rng.sample(TAGS, rng.randint(0, 3))), types, rng.choice(places),
            active_participants=int(rng.expovariate(1 / 8)),
            days_since_last_contribution=None if rng.random() < 0.1 else rng.expovariate(1 / 40)))
    return out


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data = items(args.items, args.seed)
    t = time.perf_counter()
    index = OverlapIndex.build(data)
    build = time.perf_counter() - t
    print(f"indexed {len(index):,} items, {len(index.vocabulary):,} terms, "
          f"{index.matrix.nnz:,} non-zeros in {build:.1f} s", flush=True)

    rng = random.Random(args.seed + 1)
    phrases = [p for _label, ps in CONCEPTS.values() for p in ps]
    places = list(MUNICIPALITIES)
    queries = [dict(text=text(rng, phrases), focus_tags=rng.sample(TAGS, rng.randint(0, 2)),
                    community_types=rng.sample(TYPES, 1), region=rng.choice(places))
               for _ in range(args.queries)]
    index.query(**queries[0])  # warm caches
    fast, slow, same = [], [], 0
    for q in queries:
        t = time.perf_counter()
        a = index.query(**q)
        fast.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = index.brute_force(**q)
        slow.append(time.perf_counter() - t)
        same += [h.id for h in a] == [h.id for h in b]

    def ms(x: float) -> str:
        return f"{x * 1000:.1f} ms"

    print(f"\n| {len(index):,} items | median | p95 |\n|---|---|---|")
    print(f"| index query | {ms(statistics.median(fast))} | {ms(percentile(fast, 0.95))} |")
    print(f"| brute force | {ms(statistics.median(slow))} | {ms(percentile(slow, 0.95))} |")
    print(f"\nindex build {build:.1f} s; speed-up (median) "
          f"{statistics.median(slow) / statistics.median(fast):.1f}x; same top 10 in "
          f"{same}/{len(queries)} queries")


if __name__ == "__main__":
    main()
