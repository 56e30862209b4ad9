"""Benchmark: the Weave matcher's top-5 introductions for every member of a demo network.

Synthetic networks (built here with NumPy, seeded): members with a sector (6), an
organisation (n/20), 10% newcomers, 2% opted out, 1% pseudonyms not allowed, Dutch or English;
1-3 offers and 1-3 needs each, composed from a bilingual phrase vocabulary (template x topic x
qualifier); 1-4 interest tags of 40; a tie graph with heavy-tailed degrees (Chung-Lu, Pareto
weights, mean degree ~10); Leiden-like cluster labels are left out.

Times ``suggest_all`` (k=5, reasons included) at 10k (median of ``--repeat``) and 100k
members (once), and at 10k a brute-force baseline on the pure text signal: dense cosine of
every need with every offer, the per-pair maximum in a members x members matrix, and a Python
loop taking each member's top 5. Agreement: the share of members whose top-5 text scores by
the matcher (weights: need_offer only) equal the baseline's (same scores; equal scores are
interchangeable). Run by hand; see bench/README.md.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

import numpy as np
import polars as pl
import scipy.sparse as sp

from netweave.core.weave import MatchInput, Weights, suggest_all
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
    """Brute force: dense cosine of all needs x offers, members x members max, Python top-k."""
    p = _prepare(inp)
    n = p.pid.size
    x = p.text_vectors
    nv = x[p.needs.uid].toarray().astype(np.float32)
    order = np.argsort(p.offers.person, kind="stable")
    ov = x[p.offers.uid[order]].toarray().astype(np.float32)
    o_person = p.offers.person[order]
    starts = np.flatnonzero(np.r_[True, o_person[1:] != o_person[:-1]])
    best = np.zeros((n, n), dtype=np.float32)          # best[a, b]: a's need met by b's offer
    for lo in range(0, nv.shape[0], 2000):
        s = nv[lo:lo + 2000] @ ov.T
        per_person = np.maximum.reduceat(s, starts, axis=1)
        np.maximum.at(best, (p.needs.person[lo:lo + 2000][:, None], o_person[starts][None, :]),
                      per_person)
    score = np.maximum(best, best.T)
    node_member = np.full(p.adj.shape[0], -1, dtype=np.int64)
    node_member[p.node[p.node >= 0]] = np.flatnonzero(p.node >= 0)
    out: dict[int, list[float]] = {}
    for a in range(n):
        if not p.eligible[a]:
            continue
        row = score[a].copy()
        row[~p.eligible] = 0.0
        row[a] = 0.0
        g = p.node[a]
        if g >= 0:
            row[node_member[p.adj.indices[p.adj.indptr[g]:p.adj.indptr[g + 1]]]] = 0.0
        top = sorted(((float(v), b) for b, v in enumerate(row) if v >= MIN_SIMILARITY),
                     key=lambda t: (-t[0], t[1]))[:k]
        if top:
            out[int(p.pid[a])] = [v for v, _ in top]
    return out


def agreement(fast: dict, slow: dict[int, list[float]]) -> float:
    same = sum(1 for person, scores in slow.items()
               if np.allclose([s.score for s in fast.get(person, [])][:len(scores)], scores,
                              atol=1e-5)
               and len(fast.get(person, [])) == len(scores))
    return same / max(len(slow), 1)


def timed(make, fn, repeat: int) -> tuple[float, object]:
    """Median time of ``fn(make())`` over ``repeat`` runs; ``make`` is not timed."""
    times, out = [], None
    for _ in range(repeat):
        arg = make()
        t = time.perf_counter()
        out = fn(arg)
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


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
        t, out = timed(lambda n=n: demo(n), lambda i: suggest_all(i, k=5), repeat)
        with_any = len(out)
        row = {"members": n, "matcher": t, "with": with_any, "baseline": None, "agree": None}
        if n <= 10_000:
            text_only = Weights(**{f: 0.0 for f in Weights.__dataclass_fields__}
                                | {"need_offer": 1.0})
            base_inp = demo(n)
            tb, slow = timed(lambda i=base_inp: i, baseline, 1)
            fast = suggest_all(base_inp, k=5, weights=text_only, reasons=False)
            row.update(baseline=tb, agree=agreement(fast, slow))
        rows.append(row)
        print(row, flush=True)
    table = ["| members | matcher (top-5 for all, with reasons) | members with a suggestion "
             "| brute-force baseline | speed-up | same top-5 (text signal) |",
             "|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        base = f"{r['baseline']:.1f} s" if r["baseline"] else "—"
        speed = f"{r['baseline'] / r['matcher']:.0f}x" if r["baseline"] else "—"
        agree = f"{100 * r['agree']:.1f}%" if r["agree"] is not None else "—"
        table.append(f"| {r['members']:,} | {r['matcher']:.1f} s | {r['with']:,} | {base} "
                     f"| {speed} | {agree} |")
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
