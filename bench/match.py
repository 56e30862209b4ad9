"""Benchmark: the Weave matcher's top-5 introductions for every member of a demo network.

Synthetic networks (built here with NumPy, seeded): members with a sector (6), an
organisation (n/20), 10% newcomers, 2% opted out, 1% pseudonyms not allowed, Dutch or English;
1-3 offers and 1-3 needs each, composed from a bilingual phrase vocabulary (template x topic x
qualifier); 1-4 interest tags of 40; a tie graph with heavy-tailed degrees (Chung-Lu, Pareto
weights, mean degree ~10); Leiden-like cluster labels are left out.

Times what the facilitator's view does: ``suggest_all`` (k=5 for every member, no
sentences) and the reasons of the 20 pairs shown (``explain``), at 10k (median of
``--repeat``) and 100k members (once); beside it, once, ``suggest_all`` with reasons for
every member (what it cost before reasons were built only for what is shown). At 10k, an
honest brute-force baseline on the pure text signal: sparse cosine of every need with every
offer in chunks, the per-pair maximum in a dense members x members matrix, and each
member's top 5 by ``np.argpartition`` (vectorised, chunks of rows), ties by person id.
Agreement: the share of members whose top-5 text scores by the matcher (weights: need_offer
only) equal the baseline's (same scores; equal scores are interchangeable). Wall and CPU
seconds and the load average are printed. Run by hand; see bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import time
from pathlib import Path

import numpy as np
import polars as pl
import scipy.sparse as sp

from netweave.core.weave import MatchInput, Weights, explain, suggest_all
from netweave.core.weave.matcher import MIN_SIMILARITY, _prepare

TOPICS = [
    ("heat pump subsidies", "warmtepompsubsidies"),
    ("solar panels on roofs", "zonnepanelen op daken"),
    ("home insulation", "isolatie van woningen"), ("district heating", "warmtenetten"),
    ("energy cooperatives", "energiecoöperaties"),
    ("electric car sharing", "elektrische deelauto's"),
    ("charging stations", "laadpalen"), ("green roofs", "groene daken"),
    ("rainwater storage", "regenwateropvang"), ("circular building", "circulair bouwen"),
    ("neighbourhood gardens", "buurttuinen"), ("youth work", "jongerenwerk"),
    ("loneliness among elderly", "eenzaamheid onder ouderen"), ("debt counselling", "schuldhulp"),
    ("language lessons", "taallessen"), ("volunteer recruitment", "werving van vrijwilligers"),
    ("grant applications", "subsidieaanvragen"), ("social media", "sociale media"),
    ("event planning", "evenementen organiseren"), ("data analysis", "data-analyse"),
    ("web design", "webdesign"), ("bookkeeping", "boekhouding"),
    ("legal advice", "juridisch advies"), ("public procurement", "aanbesteding"),
    ("citizen participation", "burgerparticipatie"), ("bike repair", "fietsreparatie"),
    ("food bank logistics", "voedselbanklogistiek"), ("sports clubs", "sportverenigingen"),
    ("mental health", "mentale gezondheid"), ("care for the sick", "mantelzorg"),
    ("heat stress in cities", "hittestress in de stad"), ("biodiversity", "biodiversiteit"),
    ("water management", "waterbeheer"), ("sustainable farming", "duurzame landbouw"),
    ("local shops", "lokale winkeliers"), ("tourism", "toerisme"),
    ("housing for starters", "starterswoningen"), ("mobility hubs", "mobiliteitshubs"),
    ("school partnerships", "samenwerking met scholen"), ("research methods", "onderzoeksmethoden"),
]
QUALIFIERS = [
    ("for small businesses", "voor kleine bedrijven"), ("in rural areas", "op het platteland"),
    ("for housing associations", "voor woningcorporaties"), ("in our municipality",
                                                              "in onze gemeente"),
    ("for volunteers", "voor vrijwilligers"), ("on a tight budget", "met een klein budget"),
    ("", ""), ("", ""),
]
OFFER = [("I can help with {t} {q}", "Ik kan helpen met {t} {q}"),
         ("Experience with {t} {q}", "Ervaring met {t} {q}"),
         ("Advice on {t} {q}", "Advies over {t} {q}")]
NEED = [("Looking for help with {t} {q}", "Ik zoek hulp bij {t} {q}"),
        ("Who knows about {t} {q}?", "Wie weet iets van {t} {q}?"),
        ("We need advice on {t} {q}", "Wij hebben advies nodig over {t} {q}")]
TAGS = [f"tag{i}" for i in range(40)]
SECTORS = ["government", "business", "civil_society", "knowledge", "residents", "other"]


def texts(rng: np.random.Generator, person: np.ndarray, lang: np.ndarray,
          templates: list[tuple[str, str]]) -> pl.DataFrame:
    count = rng.integers(1, 4, person.size)
    who = np.repeat(person, count)
    nl = np.repeat(lang == "nl", count).astype(int)
    topic = np.minimum(rng.zipf(1.3, who.size) - 1, len(TOPICS) - 1)
    qual = rng.integers(0, len(QUALIFIERS), who.size)
    tmpl = rng.integers(0, len(templates), who.size)
    body = [templates[m][d].format(t=TOPICS[t][d], q=QUALIFIERS[q][d]).strip()
            for m, d, t, q in zip(tmpl.tolist(), nl.tolist(), topic.tolist(), qual.tolist(),
                                  strict=True)]
    return pl.DataFrame({"person": who, "text": body})


def demo(n: int, seed: int = 1) -> MatchInput:
    rng = np.random.default_rng(seed)
    person = np.arange(1, n + 1, dtype=np.int64)
    lang = np.where(rng.random(n) < 0.5, "nl", "en")
    members = pl.DataFrame({
        "person": person,
        "sector": np.array(SECTORS)[rng.integers(0, len(SECTORS), n)],
        "organisation": [f"org{i}" for i in rng.integers(0, max(n // 20, 1), n)],
        "newcomer": rng.random(n) < 0.10, "opted_out": rng.random(n) < 0.02,
        "allowed": rng.random(n) >= 0.01, "language": lang})
    k = rng.integers(1, 5, n)
    interests = pl.DataFrame({"person": np.repeat(person, k),
                              "tag": np.array(TAGS)[np.minimum(rng.zipf(1.5, int(k.sum())) - 1,
                                                               len(TAGS) - 1)]})
    w = rng.pareto(2.0, n) + 1.0                       # Chung-Lu with heavy-tailed weights
    m = 5 * n
    p = w / w.sum()
    u, v = rng.choice(n, m, p=p), rng.choice(n, m, p=p)
    keep = u != v
    adj = sp.csr_matrix((np.ones(int(keep.sum())), (u[keep], v[keep])), shape=(n, n))
    adj = ((adj + adj.T) > 0).astype(np.float64).tocsr()
    return MatchInput(members=members, offers=texts(rng, person, lang, OFFER),
                      needs=texts(rng, person, lang, NEED), interests=interests,
                      ties=(person, adj))


def baseline(inp: MatchInput, k: int = 5) -> dict[int, list[float]]:
    """Brute force on the text signal: sparse cosine of all needs x offers in chunks, a dense
    members x members maximum, each member's top ``k`` by ``argpartition``."""
    p = _prepare(inp)
    n = p.pid.size
    x = p.text_vectors
    nv = x[p.needs.uid]
    order = np.argsort(p.offers.person, kind="stable")
    ov_t = x[p.offers.uid[order]].T.tocsc()
    o_person = p.offers.person[order]
    starts = np.flatnonzero(np.r_[True, o_person[1:] != o_person[:-1]])
    best = np.zeros((n, n), dtype=np.float32)          # best[a, b]: a's need met by b's offer
    for lo in range(0, nv.shape[0], 2000):
        s = (nv[lo:lo + 2000] @ ov_t).toarray().astype(np.float32)
        per_person = np.maximum.reduceat(s, starts, axis=1)
        np.maximum.at(best, (p.needs.person[lo:lo + 2000][:, None], o_person[starts][None, :]),
                      per_person)
    score = np.maximum(best, best.T)
    score[:, ~p.eligible] = 0.0
    np.fill_diagonal(score, 0.0)
    node_member = np.full(p.adj.shape[0], -1, dtype=np.int64)
    node_member[p.node[p.node >= 0]] = np.flatnonzero(p.node >= 0)
    tied = p.adj.tocoo()
    a_t, b_t = node_member[tied.row], node_member[tied.col]
    ok = (a_t >= 0) & (b_t >= 0)
    score[a_t[ok], b_t[ok]] = 0.0
    score[score < MIN_SIMILARITY] = 0.0
    out: dict[int, list[float]] = {}
    rows = np.flatnonzero(p.eligible)
    for lo in range(0, rows.size, 1000):
        chunk = rows[lo:lo + 1000]
        s = score[chunk]
        top = np.argpartition(-s, k, axis=1)[:, :k + 1]   # k+1: ties at the k-th by id
        vals = np.take_along_axis(s, top, axis=1)
        order = np.lexsort((top, -vals), axis=1)[:, :k]
        vals = np.take_along_axis(vals, order, axis=1)
        for a, row in zip(chunk.tolist(), vals.tolist(), strict=True):
            got = [v for v in row if v > 0]
            if got:
                out[int(p.pid[a])] = got
    return out


def agreement(fast: dict, slow: dict[int, list[float]]) -> float:
    same = sum(1 for person, scores in slow.items()
               if np.allclose([s.score for s in fast.get(person, [])][:len(scores)], scores,
                              atol=1e-5)
               and len(fast.get(person, [])) == len(scores))
    return same / max(len(slow), 1)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(make, fn, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of ``fn(make())`` over ``repeat`` runs (``make`` untimed)."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        arg = make()
        t, c = time.perf_counter(), _cpu()
        out = fn(arg)
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return statistics.median(walls), statistics.median(cpus), out


def facilitator_view(inp: MatchInput, shown: int = 20) -> dict:
    """Top 5 for every member, then the reasons of the ``shown`` best pairs."""
    everyone = suggest_all(inp, k=5)
    best = sorted((s for items in everyone.values() for s in items),
                  key=lambda s: (-s.score, s.person_a, s.person_b))[:shown]
    explain(inp, best, "en", voice="pair")
    return everyone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--readme", type=Path, default=Path(__file__).with_name("README.md"))
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        repeat = args.repeat if n <= 10_000 else 1
        load = os.getloadavg()[0]
        t, cpu, out = timed(lambda n=n: demo(n), facilitator_view, repeat)
        t_all, cpu_all, _ = timed(lambda n=n: demo(n),
                                  lambda i: suggest_all(i, k=5, reasons=True), 1)
        row = {"members": n, "matcher": t, "cpu": cpu, "with": len(out), "all_reasons": t_all,
               "all_reasons_cpu": cpu_all, "baseline": None, "baseline_cpu": None,
               "agree": None, "load": load}
        if n <= 10_000:
            text_only = Weights(**{f: 0.0 for f in Weights.__dataclass_fields__}
                                | {"need_offer": 1.0})
            base_inp = demo(n)
            _prepare(base_inp)                         # text analysis: the same for both
            tb, cb, slow = timed(lambda i=base_inp: i, baseline, 1)
            fast = suggest_all(base_inp, k=5, weights=text_only)
            row.update(baseline=tb, baseline_cpu=cb, agree=agreement(fast, slow))
        row["load_after"] = os.getloadavg()[0]
        rows.append(row)
        print(row, flush=True)
    table = ["| members | load | matcher: top 5 for all, reasons for the 20 shown (wall / CPU) "
             "| with reasons for all (wall / CPU) | members with a suggestion "
             "| brute force, argpartition (wall / CPU) | speed-up (wall / CPU) "
             "| same top-5 (text signal) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        base = (f"{r['baseline']:.1f} s / {r['baseline_cpu']:.1f} s" if r["baseline"]
                else "—")
        speed = (f"{r['baseline'] / r['matcher']:.1f}x / {r['baseline_cpu'] / r['cpu']:.1f}x"
                 if r["baseline"] else "—")
        agree = f"{100 * r['agree']:.1f}%" if r["agree"] is not None else "—"
        table.append(f"| {r['members']:,} | {r['load']:.1f} to {r['load_after']:.1f} "
                     f"| {r['matcher']:.1f} s / {r['cpu']:.1f} s "
                     f"| {r['all_reasons']:.1f} s / {r['all_reasons_cpu']:.1f} s "
                     f"| {r['with']:,} "
                     f"| {base} | {speed} | {agree} |")
    text = "\n".join(table)
    print(text)
    if not args.no_readme:
        readme = args.readme.read_text(encoding="utf-8")
        block = f"<!-- match.py table -->\n{text}\n<!-- /match.py table -->"
        readme = re.sub(r"<!-- match.py table -->.*<!-- /match.py table -->", lambda _m: block,
                        readme, flags=re.S)
        args.readme.write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
