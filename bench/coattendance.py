"""What the co-attendance rule for events above 100 attendees changes (METRICS.md 0).

An event of ``k`` attendees ties every pair (a clique, weight ``1/(k-1)``) up to
``CLIQUE_LIMIT`` = 100 attendees; above, each attendee is tied to the 8 nearest in a seeded
ring (weight 1/8). This script builds the tie graph of one attendance table both ways (the
rule, and cliques for every event: ``clique_limit`` above the largest event) and prints the
section-5 figures of each side by side, with the time and the ties each way took.

Tables:

* ``davis``: the Southern Women attendance table (Davis, Gardner & Gardner 1941, as NetworkX
  ships it): 18 women at 14 events of 3-14 people, a real table. No event is above 100, so
  the rule changes nothing: shown to make that visible.
* ``demo-100k``, ``demo-1M``: the attend rows of the bench's demo networks
  (``bench/demo_data.py``) in the report's period (the last 90 days): 4 meetings of about
  230 and 2,300 people.

    .venv/bin/python bench/coattendance.py                 # davis and demo-100k
    .venv/bin/python bench/coattendance.py --tables demo-1M
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import demo_data  # noqa: E402
from netweave.core.logreader import SCHEMA  # noqa: E402
from netweave.core.measure.data import NetworkData, Period  # noqa: E402
from netweave.core.measure.structure import structure_figures  # noqa: E402
from netweave.core.measure.ties import CLIQUE_LIMIT, tie_graph  # noqa: E402

FIGURES = ("people", "ties", "density", "mean_degree", "components", "largest_component_share",
           "centralisation", "max_coreness", "articulation_point_count", "bridge_count")


def davis() -> tuple[NetworkData, Period]:
    import networkx as nx

    g = nx.davis_southern_women_graph()
    women = sorted(g.graph["top"])
    events = sorted(g.graph["bottom"])
    t0 = datetime(1932, 1, 1, tzinfo=UTC)
    rows = [(women.index(w) + 1, events.index(e) + 1, t0 + timedelta(days=7 * events.index(e)))
            for w in women for e in g[w]]
    log = pl.DataFrame({
        "actor": [r[0] for r in rows], "kind": ["attend"] * len(rows),
        "object_type": ["event"] * len(rows), "object_id": [r[1] for r in rows],
        "channel": ["offline"] * len(rows), "at": [r[2] for r in rows],
        "weight": [1.0] * len(rows)}).with_columns(
        id=pl.int_range(1, len(rows) + 1), network=pl.lit(1), target=pl.lit(None),
        source=pl.lit("davis"), corrects=pl.lit(None))
    log = log.select(list(SCHEMA)).cast(SCHEMA)   # type: ignore[arg-type]
    return NetworkData(log=log), Period(t0, t0 + timedelta(days=120))


def demo(size: str) -> tuple[NetworkData, Period]:
    path = demo_data.build(size, Path("var/bench/report"))
    data = demo_data.load(path)
    return data, Period.ending(demo_data.history_end(path), days=90)


def fmt(x: float | int | None) -> str:
    return "—" if x is None else f"{x:,.4g}" if isinstance(x, float) else f"{x:,}"


def side(data: NetworkData, period: Period, limit: int) -> tuple[dict, float]:
    t = time.perf_counter()
    graph = tie_graph(data, period, clique_limit=limit)
    figures = structure_figures(data, period, graph, per_person=False)
    return figures, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", default="davis,demo-100k")
    args = parser.parse_args()
    for name in args.tables.split(","):
        data, period = davis() if name == "davis" else demo(name.split("-", 1)[1])
        att = (data.log.filter((pl.col("kind") == "attend") & (pl.col("at") >= period.start)
                               & (pl.col("at") < period.end))
               .group_by("object_id").agg(pl.col("actor").n_unique()))
        sizes = sorted(att.get_column("actor").to_list(), reverse=True)
        rule, t_rule = side(data, period, CLIQUE_LIMIT)
        clique, t_clique = side(data, period, max(sizes, default=0) + 1)
        print(f"\n### {name}: {len(sizes)} events in the period, attendees "
              f"{', '.join(map(str, sizes[:8]))}{' …' if len(sizes) > 8 else ''}\n")
        print("| figure | ring above 100 (the rule) | clique for every event |")
        print("|---|---:|---:|")
        for key in FIGURES:
            a, b = rule.get(key), clique.get(key)
            print(f"| {key} | {fmt(a)} | {fmt(b)} |")
        top_a = [p["person"] for p in rule["brokers"]["top"]]
        top_b = [p["person"] for p in clique["brokers"]["top"]]
        print(f"| top-10 brokers in common | {len(set(top_a) & set(top_b))} of "
              f"{len(top_a)} | |")
        print(f"| clusters (people with ties) | {len(rule['clusters']['sizes'])} | "
              f"{len(clique['clusters']['sizes'])} |")
        print(f"| modularity | {fmt(rule['clusters']['modularity'])} | "
              f"{fmt(clique['clusters']['modularity'])} |")
        print(f"| two-step reach, mean | {rule['two_step_reach']['mean']:.3f} | "
              f"{clique['two_step_reach']['mean']:.3f} |")
        print(f"| graph and figures, seconds | {t_rule:.2f} | {t_clique:.2f} |")


if __name__ == "__main__":
    main()
