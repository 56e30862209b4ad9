"""Dynamics (docs/metrics.md#dynamics): topic drift, lifecycle stage and growth.

Pure core: plain Python, Polars, NumPy, SciPy and scikit-learn; no web framework.

Topic drift (docs/metrics.md#dynamics, "Topic drift")
-----------------------------------------
Each discussion text (``NetworkData.texts``: titles and post bodies) is turned into stems as
:mod:`netweave.core.text.words` says (tokenise, fold accents, guess the language, drop stop
words and stem). A text whose language is a tie (typically a short title without stop
words) takes the corpus language: the majority language of the texts that could be decided,
or ``default_language`` ("nl") when none could. The charter text is guessed the same way.

The stems of every text up to ``end`` plus the charter (purpose, goals and focus tags as one
document) are fitted *once* into one TF-IDF space (:mod:`netweave.core.text.tfidf`:
smoothed idf, sublinear tf, L2-normalised rows; computed on the distinct texts, each
weighted by its number of copies, which gives the same space as fitting every copy).
Including the charter in the fit keeps its terms in the space, so a charter subject nobody
talks about lowers the similarity.

Per calendar quarter (UTC) the *centroid* is the mean of its texts' vectors, and
``similarity_to_charter`` is the cosine of that centroid with the charter vector. *Rising
terms* of a quarter are the terms whose centroid weight grew most against the most recent
earlier quarter that had text (normally the previous quarter; after a quarter without text
the comparison skips it, and ``compared_with`` says which quarter was used): the top 10 with
a positive rise, each shown as its most frequent surface form. The overall *trend* is the
least-squares slope of similarity against the quarter index (gaps keep their place), in
similarity per quarter; it needs two quarters with a similarity.

Texts in different languages only meet where they share stems: a Dutch charter against
English discussion reads as low similarity (STACK-NOTES, text section).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from scipy import sparse

from netweave.core.measure.data import NetworkData
from netweave.core.text import tfidf
from netweave.core.text.words import EN_ONLY, NL_ONLY, Analyser, guess_language

__all__ = [
    "growth",
    "lifecycle_stage",
    "quarter_label",
    "topic_drift",
]

# --- quarters -----------------------------------------------------------------------------

def _quarter_index(at: datetime) -> int:
    at = at.astimezone(UTC)
    return at.year * 4 + (at.month - 1) // 3


def quarter_label(index: int) -> str:
    """``2026Q1`` for the quarter index ``year * 4 + quarter - 1``."""
    return f"{index // 4}Q{index % 4 + 1}"


# --- topic drift --------------------------------------------------------------------------

def topic_drift(data: NetworkData, end: datetime | None = None, *, top_terms: int = 10,
                default_language: str = "nl") -> dict:
    """Topic drift per calendar quarter against the charter (docs/metrics.md#dynamics).

    Texts at or after ``end`` are left out; with ``end`` the quarters run up to the one that
    holds the last instant before ``end`` (trailing quarters without text included),
    otherwise up to the last text's quarter. The first quarter is the first with text.

    Returns::

        {"quarters": [{"quarter": "2026Q1", "documents": 12,
                       "similarity_to_charter": 0.31 | None,
                       "compared_with": "2025Q4" | None,
                       "rising_terms": [{"term": "warmtepompen", "stem": "warmtepomp",
                                         "weight": 0.12, "rise": 0.09}, ...]}, ...],
         "trend": slope of similarity per quarter | None,
         "charter_has_text": bool,
         "languages": {"nl": texts, "en": texts}}

    ``documents`` counts the quarter's texts with at least one term after stop words;
    ``similarity_to_charter`` is None for quarters without documents and when the charter has
    no text; ``rising_terms`` is empty for the first quarter with text.

    Texts repeat a lot (titles above every post of a discussion, copied bodies), so each
    distinct text is analysed once and weighted by how often it occurs: its TF-IDF row is the
    same for every copy, the idf counts every copy as a document, and a quarter's centroid is
    the count-weighted mean of its distinct texts' rows.
    """
    if end is not None and end.tzinfo is None:
        raise ValueError("end must be a time-zone-aware datetime")
    texts = data.texts.drop_nulls()
    if end is not None:
        texts = texts.filter(pl.col("at") < end)
    counted, first, last = _distinct_texts(texts)

    charter = data.charter
    charter_text = "\n".join([charter.purpose or "", charter.goals or "",
                              " ".join(charter.focus_tags)])

    # Each distinct text is tokenised once, into token ids (one per distinct surface form):
    # an int32 array of every token of every distinct text keeps memory flat.
    analyser = Analyser()
    weight = counted["n"].to_numpy().astype(np.float64)
    tokens_of = array("i")
    lengths = np.empty(counted.height, dtype=np.int64)
    for i, body in enumerate(counted["text"].to_list()):
        ids = analyser.token_ids(body)
        tokens_of.extend(ids)
        lengths[i] = len(ids)
    tokens = np.frombuffer(tokens_of, dtype=np.int32)
    text_of = np.repeat(np.arange(counted.height, dtype=np.int32), lengths)
    n_tokens = len(analyser.folds)

    # Language votes of every distinct text (text.words step 3), weighted by its copies.
    def votes(words: frozenset[str]) -> np.ndarray:
        voting = np.fromiter((f in words for f in analyser.folds), dtype=bool, count=n_tokens)
        return np.bincount(text_of, weights=voting[tokens], minlength=counted.height)

    guess = np.sign(votes(NL_ONLY) - votes(EN_ONLY))  # 1 Dutch, -1 English, 0 a tie
    nl_votes, en_votes = weight[guess > 0].sum(), weight[guess < 0].sum()
    if nl_votes == en_votes:
        corpus_language = default_language
    else:
        corpus_language = "nl" if nl_votes > en_votes else "en"
    dutch = (guess > 0) | ((guess == 0) & (corpus_language == "nl"))

    # Stems in the resolved language: each distinct token stemmed once per language.
    term_ids: dict[str, int] = {}
    term_of = np.full(len(tokens), -1, dtype=np.int32)
    dutch_token = dutch[text_of]
    for lang, where in (("nl", dutch_token), ("en", ~dutch_token)):
        stem_of = np.full(n_tokens, -1, dtype=np.int32)
        for t in np.unique(tokens[where]).tolist():
            stem = analyser.stem(analyser.folds[t], lang)
            if stem is not None:
                stem_of[t] = term_ids.setdefault(stem, len(term_ids))
        term_of[where] = stem_of[tokens[where]]
    kept = term_of >= 0
    tokens, text_of, term_of = tokens[kept], text_of[kept], term_of[kept]
    del kept, dutch_token, tokens_of
    lengths = np.bincount(text_of, minlength=counted.height)
    is_doc = lengths > 0
    doc_of_text = np.where(is_doc, np.cumsum(is_doc) - 1, -1)
    doc_weights = weight[is_doc]
    languages = {"nl": int(weight[is_doc & dutch].sum()),
                 "en": int(weight[is_doc & ~dutch].sum())}
    charter_tokens = analyser.tokens(charter_text)
    charter_lang = guess_language(f for _, f in charter_tokens) or corpus_language
    charter_stems = [stem for stem, _ in analyser.stems(charter_tokens, charter_lang)]

    result: dict = {"quarters": [], "trend": None, "charter_has_text": bool(charter_stems),
                    "languages": languages}
    if first is None or last is None:
        return result
    if end is not None:
        last = max(last, _quarter_index(end - _EPSILON))
    n_quarters = last - first + 1

    rows: list[dict[str, Any]] = [
        {"quarter": quarter_label(first + q), "documents": 0, "similarity_to_charter": None,
         "compared_with": None, "rising_terms": []}
        for q in range(n_quarters)
    ]
    result["quarters"] = rows
    n_docs = len(doc_weights)
    if not n_docs:
        return result

    # One TF-IDF space over every copy of every text and the charter (its last row).
    for stem in charter_stems:
        if stem not in term_ids:
            term_ids[stem] = len(term_ids)
    terms = np.array(sorted(term_ids), dtype=object)  # the vocabulary in sorted order
    order_of = np.empty(len(term_ids), dtype=np.int64)
    for new, stem in enumerate(terms.tolist()):
        order_of[term_ids[stem]] = new
    doc_rows, term_cols = doc_of_text[text_of], order_of[term_of]
    if charter_stems:
        doc_rows = np.append(doc_rows, np.full(len(charter_stems), n_docs))
        term_cols = np.append(term_cols, order_of[[term_ids[s] for s in charter_stems]])
        doc_weights = np.append(doc_weights, 1.0)
    matrix, _idf = tfidf.tfidf(
        tfidf.counts(doc_rows, term_cols, len(doc_weights), len(terms)), doc_weights)
    del doc_rows, term_cols
    doc_matrix = matrix[:n_docs]
    charter_vec = matrix[n_docs] if charter_stems else None
    del matrix

    # Centroids: one sparse product with a (quarters x distinct texts) averaging matrix.
    quarter_docs = (counted.select("q", "qn", doc=pl.Series(doc_of_text))
                    .filter(pl.col("doc") >= 0).explode("q", "qn", empty_as_null=True))
    q_of = quarter_docs["q"].to_numpy().astype(np.int64) - first
    qn = quarter_docs["qn"].to_numpy().astype(np.float64)
    counts = np.bincount(q_of, weights=qn, minlength=n_quarters).astype(np.int64)
    averaging = sparse.csr_matrix(
        (qn / counts[q_of], (q_of, quarter_docs["doc"].to_numpy())), shape=(n_quarters, n_docs)
    )
    centroids = (averaging @ doc_matrix).tocsr()
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    sims = None
    if charter_vec is not None:
        dots = np.asarray((centroids @ charter_vec.T).todense()).ravel()
        charter_norm = float(np.sqrt(charter_vec.multiply(charter_vec).sum()))
        with np.errstate(invalid="ignore", divide="ignore"):
            sims = dots / (norms * charter_norm)

    # Each stem's most frequent surface form (ties: the first in sorted order).
    pairs, pair_of = np.unique(term_of.astype(np.int64) * n_tokens + tokens,
                               return_inverse=True)
    pair_weights = np.bincount(pair_of, weights=weight[text_of], minlength=len(pairs))
    stems_by_id = list(term_ids)
    surfaces: dict[str, tuple[float, str]] = {}
    for pair, n in zip(pairs.tolist(), pair_weights.tolist(), strict=True):
        stem, surface = stems_by_id[pair // n_tokens], analyser.surfaces[pair % n_tokens]
        best = surfaces.get(stem)
        if best is None or n > best[0] or (n == best[0] and surface < best[1]):
            surfaces[stem] = (n, surface)

    previous: int | None = None
    for q in range(n_quarters):
        row = rows[q]
        row["documents"] = int(counts[q])
        if not counts[q]:
            continue
        if sims is not None and norms[q] > 0:
            row["similarity_to_charter"] = min(1.0, float(sims[q]))
        if previous is not None:
            row["compared_with"] = quarter_label(first + previous)
            rise = centroids[q].toarray().ravel() - centroids[previous].toarray().ravel()
            row["rising_terms"] = _top_rising(rise, centroids[q], terms, surfaces, top_terms)
        previous = q

    points = [(q, r["similarity_to_charter"]) for q, r in enumerate(rows)
              if r["similarity_to_charter"] is not None]
    if len(points) >= 2:
        x = np.array([p[0] for p in points], dtype=float)
        y = np.array([p[1] for p in points], dtype=float)
        result["trend"] = float(np.polyfit(x, y, 1)[0])
    return result


def _distinct_texts(texts: pl.DataFrame) -> tuple[pl.DataFrame, int | None, int | None]:
    """Distinct texts (sorted) with their total count ``n`` and their quarters ``q`` with the
    count in each ``qn``; and the first and last quarter index of any text (None without)."""
    at = pl.col("at")
    dtype = texts.schema["at"]
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        at = at.dt.convert_time_zone("UTC")
    keyed = texts.select(
        "text", q=at.dt.year().cast(pl.Int64) * 4 + (at.dt.month().cast(pl.Int64) - 1) // 3)
    if not keyed.height:
        return pl.DataFrame({"text": [], "n": [], "q": [], "qn": []},
                            schema={"text": pl.String, "n": pl.Int64,
                                    "q": pl.List(pl.Int64), "qn": pl.List(pl.Int64)}), None, None
    first, last = keyed["q"].min(), keyed["q"].max()
    per_quarter = keyed.group_by("text", "q").agg(qn=pl.len().cast(pl.Int64))
    counted = (per_quarter.group_by("text")
               .agg(pl.col("q"), pl.col("qn"), n=pl.col("qn").sum())
               .sort("text"))
    return counted, int(first), int(last)  # type: ignore[arg-type]


_EPSILON = timedelta(microseconds=1)


def _top_rising(rise: np.ndarray, centroid: sparse.csr_matrix, terms: np.ndarray,
                surfaces: dict[str, tuple[float, str]], top: int) -> list[dict]:
    positive = np.flatnonzero(rise > 0)
    if not positive.size:
        return []
    # Largest rise first; ties broken by term for a stable order.
    order = sorted(positive.tolist(), key=lambda i: (-rise[i], terms[i]))[:top]
    weights = centroid.toarray().ravel()
    out = []
    for i in order:
        stem = str(terms[i])
        surface = surfaces[stem][1] if stem in surfaces else stem
        out.append({"term": surface, "stem": stem, "weight": float(weights[i]),
                    "rise": float(rise[i])})
    return out


# --- lifecycle ----------------------------------------------------------------------------

#: Lifecycle stages (FeverBee), in order.
STAGES = ("inception", "establishment", "maturity", "mitosis")


def lifecycle_stage(
    months_active: int,
    active_now: int,
    returning_share_by_month: Sequence[float | None],
    cluster_history: Sequence[Sequence[dict]],
    *,
    min_months: int = 3,
    min_active: int = 15,
    mitosis_size: int = 15,
    mitosis_internal_share: float = 0.6,
    mitosis_quarters: int = 2,
    same_cluster_overlap: float = 0.5,
    maturity_returning_share: float = 0.5,
    maturity_months: int = 6,
) -> dict:
    """The network's lifecycle stage by the rule of docs/metrics.md#dynamics (FeverBee stages).

    Inputs (the engine feeds them from sections 1 and 5):

    - ``months_active``: whole calendar months from the month of the network's first
      contribution up to and including the current month.
    - ``active_now``: active participants in the current period (section 1).
    - ``returning_share_by_month``: per calendar month, oldest first, returning / active
      (section 1); None for a month without active participants.
    - ``cluster_history``: per quarter, oldest first and ending with the current quarter, the
      Leiden clusters of that quarter's tie graph (section 5), each a dict
      ``{"size": people, "internal_share": share of the tie weight touching the cluster that
      lies inside it, "members": optional collection of person ids}``.

    Rule, first match wins:

    1. *inception* while ``months_active < 3`` (reason ``too_young``) or
       ``active_now < 15`` (reason ``too_few_active``);
    2. *mitosis* when in each of the last two quarters a cluster of >= 15 people keeps
       >= 60% of its ties inside (reason ``cluster_holds_together``). It must be the same
       cluster: when both quarters give ``members``, the later cluster must hold at least
       half of the smaller of the two (overlap coefficient >= 0.5); without members any
       qualifying cluster counts. A quarter with a single cluster (the whole network, no
       split) does not count: our reading of "a cluster that grows its own rhythm";
    3. *maturity* once there has been a run of 6 consecutive months with a returning share
       >= 50% (reason ``returning_sustained``); a month without data breaks the run; the
       stage is not lost afterwards ("establishment until ..., then maturity");
    4. else *establishment* (reason ``returning_not_yet_sustained``).

    Returns ``{"stage": ..., "reason": ..., "data": {...}}``; ``data`` holds the figures the
    sentence needs (see ``netweave.core.measure.card.lifecycle_sentence``).
    """
    shares = list(returning_share_by_month)
    run = best = 0
    for share in shares:
        run = run + 1 if share is not None and share >= maturity_returning_share else 0
        best = max(best, run)
    base = {"months_active": months_active, "active_now": active_now,
            "min_months": min_months, "min_active": min_active,
            "longest_returning_run": best, "maturity_months": maturity_months,
            "maturity_returning_share": maturity_returning_share}

    if months_active < min_months:
        return {"stage": "inception", "reason": "too_young", "data": base}
    if active_now < min_active:
        return {"stage": "inception", "reason": "too_few_active", "data": base}

    cluster = _mitosis_cluster(cluster_history, mitosis_size, mitosis_internal_share,
                               mitosis_quarters, same_cluster_overlap)
    if cluster is not None:
        data = {**base, "cluster_size": cluster["size"],
                "cluster_internal_share": cluster["internal_share"],
                "mitosis_quarters": mitosis_quarters, "mitosis_size": mitosis_size,
                "mitosis_internal_share": mitosis_internal_share}
        return {"stage": "mitosis", "reason": "cluster_holds_together", "data": data}
    if best >= maturity_months:
        return {"stage": "maturity", "reason": "returning_sustained", "data": base}
    return {"stage": "establishment", "reason": "returning_not_yet_sustained", "data": base}


def _mitosis_cluster(history: Sequence[Sequence[dict]], size: int, share: float,
                     quarters: int, overlap: float) -> dict | None:
    if quarters < 1 or len(history) < quarters:
        return None
    window = [list(q) for q in history[-quarters:]]
    candidates = [
        [c for c in q if len(q) >= 2 and (c.get("size") or 0) >= size
         and (c.get("internal_share") or 0) >= share]
        for q in window
    ]
    # Chains of the same cluster through the window (any cluster when members are unknown).
    chains: list[dict] = list(candidates[0])
    for later in candidates[1:]:
        chains = [c for c in later if any(_same(p, c, overlap) for p in chains)]
        if not chains:
            return None
    return max(chains, key=lambda c: (c["size"], c["internal_share"])) if chains else None


def _same(a: dict, b: dict, overlap: float) -> bool:
    ma, mb = a.get("members"), b.get("members")
    if ma is None or mb is None:
        return True
    ma, mb = set(ma), set(mb)
    if not ma or not mb:
        return False
    return len(ma & mb) / min(len(ma), len(mb)) >= overlap


# --- growth -------------------------------------------------------------------------------

def _month_key(value: object) -> int:
    if isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value
        return value.year * 12 + value.month - 1
    if isinstance(value, date):
        return value.year * 12 + value.month - 1
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2}.*)?", value.strip())
        if match:
            return int(match[1]) * 12 + int(match[2]) - 1
    raise ValueError(f"not a month: {value!r} (use 'YYYY-MM', a date or a datetime)")


def _change(now: float | None, base: float | None) -> tuple[float | None, float | None]:
    if now is None or base is None:
        return None, None
    diff = now - base
    return diff, (diff / base if base else None)


def growth(series: Sequence[dict], key: str) -> dict:
    """Month-over-month and year-over-year change of a monthly series (docs/metrics.md#dynamics).

    ``series``: dicts with ``"month"`` ("YYYY-MM", a date or a datetime; ``"start"`` is read
    when ``"month"`` is absent, as for ``Period.months()``) and the figure under ``key``
    (a number or None). Months are matched by calendar month, not position, so gaps are
    allowed; the previous month / the same month a year earlier must be present to compare.

    Returns ``{"key": key, "series": [{"month": "2026-03", "value": v, "mom": change,
    "mom_pct": relative change | None, "yoy": change, "yoy_pct": ...}, ...],
    "latest": the last of those | None}``. ``*_pct`` is a fraction (0.1 = +10%), None when the
    base is 0 or missing.
    """
    values: dict[int, float | None] = {}
    for item in series:
        month = item.get("month", item.get("start"))
        raw = item.get(key)
        values[_month_key(month)] = None if raw is None else float(raw)
    rows = []
    for month in sorted(values):
        now = values[month]
        mom, mom_pct = _change(now, values.get(month - 1))
        yoy, yoy_pct = _change(now, values.get(month - 12))
        rows.append({"month": f"{month // 12:04d}-{month % 12 + 1:02d}", "value": now,
                     "mom": mom, "mom_pct": mom_pct, "yoy": yoy, "yoy_pct": yoy_pct})
    return {"key": key, "series": rows, "latest": rows[-1] if rows else None}
