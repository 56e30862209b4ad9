"""Dynamics (METRICS.md section 7): topic drift, lifecycle stage and growth.

Pure core: plain Python, Polars, NumPy, SciPy and scikit-learn; no web framework.

Topic drift (METRICS.md 7, "Topic drift")
-----------------------------------------
Each discussion text (``NetworkData.texts``: titles and post bodies) is turned into stems:

1. *Tokenise*: lower-case, drop apostrophes (``auto's`` -> ``autos``, ``don't`` -> ``dont``),
   split on anything that is not a letter or digit (so ``warmte-pomp`` is two words), drop
   tokens without a letter and one-letter tokens. The unstemmed, lower-cased token (accents
   kept) is remembered as its *surface form*.
2. *Fold accents*: Unicode NFKD and drop the combining marks (``één`` -> ``een``,
   ``café`` -> ``cafe``; the ligature ``ĳ`` -> ``ij``); ``ß`` -> ``ss``, ``æ`` -> ``ae``,
   ``ø`` -> ``o``. Stop-word lists and stemmers see folded tokens.
3. *Guess the language* of the text: count its tokens that are Dutch-only stop words and its
   tokens that are English-only stop words (words on both lists, such as ``in``, ``is``,
   ``was``, ``over``, do not vote). More Dutch votes -> Dutch, more English votes -> English.
   A tie (typically a short title without stop words) takes the corpus language: the
   majority language of the texts that could be decided, or ``default_language`` ("nl") when
   none could. The charter text is guessed the same way.
4. *Drop stop words* of the guessed language and *stem* the rest with that language's
   Snowball stemmer (``snowballstemmer``: "warmtepompen" and "warmtepomp" -> "warmtepomp";
   "heat pumps" -> "heat", "pump").

The stems of every text up to ``end`` plus the charter (purpose, goals and focus tags as one
document) are fitted *once* into one TF-IDF space (scikit-learn ``TfidfVectorizer``'s
formula: smoothed idf, sublinear tf, L2-normalised rows; computed on the distinct texts, each
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
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import snowballstemmer
from scipy import sparse
from sklearn.preprocessing import normalize

from netweave.core.measure.data import NetworkData

__all__ = [
    "DUTCH_STOP_WORDS",
    "ENGLISH_STOP_WORDS",
    "analyse_text",
    "growth",
    "guess_language",
    "lifecycle_stage",
    "quarter_label",
    "tokenize",
    "topic_drift",
]

# --- words --------------------------------------------------------------------------------

#: Short English stop-word list (accent-folded, apostrophes removed).
ENGLISH_STOP_WORDS: frozenset[str] = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can cannot cant could couldnt did didnt do does doesnt doing
dont down during each few for from further get gets got had hadnt has hasnt have havent having
he her here hers herself him himself his how i if im in into is isnt it its itself ive just
lets may me might more most must my myself no nor not now of off on once only or other ought
our ours ourselves out over own same shall she should so some such than that thats the their
theirs them themselves then there these they this those through to too under until up upon us
very was wasnt we were werent what when where which while who whom why will with wont would
wouldnt you youre your yours yourself yourselves
""".split())

#: Short Dutch stop-word list (accent-folded: "één" is "een").
DUTCH_STOP_WORDS: frozenset[str] = frozenset("""
aan al alle alles als altijd andere ben bent bij daar dan dat de der deze die dit doch doen
door dus een eens en er ge geen geweest graag haar had heb hebben hebt heeft hem het hier hij
hoe hun iemand iets ik in is ja je jij jou jouw jullie kan kon kunnen maar me meer men met mij
mijn moet moeten na naar niet niets nog nu of om omdat onder ons onze ook op over reeds te
tegen toch toen tot u uit uw van veel voor waar want waren was wat we wel welke werd wezen wie
wij wil worden wordt zal ze zelf zich zij zijn zo zoals zonder zou zullen
""".split())

_NL_ONLY = DUTCH_STOP_WORDS - ENGLISH_STOP_WORDS
_EN_ONLY = ENGLISH_STOP_WORDS - DUTCH_STOP_WORDS
_STOP = {"nl": DUTCH_STOP_WORDS, "en": ENGLISH_STOP_WORDS}
_STEMMERS = {"nl": "dutch", "en": "english"}

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_WORD = re.compile(r"[^\W_]+")
_FOLD_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "þ": "th"})
_MISSING = object()


def _fold(surface: str) -> str | None:
    """The accent-folded token, or None when it is dropped (no letter, shorter than 2)."""
    if len(surface) < 2 or surface.isdigit():
        return None
    if not surface.isascii():
        decomposed = unicodedata.normalize("NFKD", surface.translate(_FOLD_EXTRA))
        surface = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if len(surface) < 2 or not any(ch.isalpha() for ch in surface):
        return None
    return surface


def guess_language(folded: Iterable[str]) -> str | None:
    """"nl" or "en" by exclusive stop-word votes; None on a tie (step 3 above)."""
    folded = list(folded)
    nl = sum(map(_NL_ONLY.__contains__, folded))
    en = sum(map(_EN_ONLY.__contains__, folded))
    if nl == en:
        return None
    return "nl" if nl > en else "en"


class Analyser:
    """Dutch and English tokeniser and stemmers with caches: tokens repeat a lot, so each
    distinct one is folded and stemmed once per analyser. Shared by topic drift, the overlap
    finder and the matcher, so all three read text the same way."""

    def __init__(self) -> None:
        self._stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in _STEMMERS.items()}
        self._folded: dict[str, str | None] = {}
        self._stems: dict[str, dict[str, str | None]] = {lang: {} for lang in _STEMMERS}

    def tokens(self, text: str) -> list[tuple[str, str]]:
        cache, out = self._folded, []
        for surface in _WORD.findall(_APOSTROPHES.sub("", text.lower())):
            folded = cache.get(surface, _MISSING)
            if folded is _MISSING:
                folded = cache[surface] = _fold(surface)
            if folded is not None:
                out.append((surface, folded))
        return out

    def stems(self, tokens: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
        """``(stem, surface)`` pairs, the language's stop words dropped."""
        cache, stop, stemmer, out = self._stems[lang], _STOP[lang], self._stemmers[lang], []
        for surface, folded in tokens:
            stem = cache.get(folded, _MISSING)
            if stem is _MISSING:
                stem = cache[folded] = None if folded in stop else stemmer.stemWord(folded)
            if stem is not None:
                out.append((stem, surface))
        return out


def tokenize(text: str) -> list[tuple[str, str]]:
    """``(surface, folded)`` pairs of a text, stop words still in (steps 1-2 above)."""
    return Analyser().tokens(text)


def analyse_text(text: str, language: str | None = None,
                 default_language: str = "nl") -> tuple[str, list[tuple[str, str]]]:
    """Language and ``(stem, surface)`` pairs of one text, stop words dropped.

    ``language`` forces the language; otherwise it is guessed, a tie taking
    ``default_language``. (``topic_drift`` uses the corpus language for ties.)
    """
    analyser = Analyser()
    tokens = analyser.tokens(text)
    lang = language or guess_language(f for _, f in tokens) or default_language
    return lang, analyser.stems(tokens, lang)


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
    """Topic drift per calendar quarter against the charter (METRICS.md 7).

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

    # Pass 1: language votes of every distinct text, weighted by its copies. Tokens are not
    # kept (pass 2 tokenises again from the analyser's caches): that keeps memory flat.
    analyser = Analyser()
    bodies: list[str] = counted["text"].to_list()
    weights: list[int] = counted["n"].to_list()
    guesses: list[str | None] = []
    votes: Counter[str] = Counter()
    for body, n in zip(bodies, weights, strict=True):
        guess = guess_language(f for _, f in analyser.tokens(body))
        guesses.append(guess)
        if guess is not None:
            votes[guess] += n
    if votes["nl"] == votes["en"]:
        corpus_language = default_language
    else:
        corpus_language = "nl" if votes["nl"] > votes["en"] else "en"

    # Pass 2: stems in the resolved language, as flat (document, term) and pair arrays.
    term_ids: dict[str, int] = {}
    pair_ids: dict[tuple[str, str], int] = {}
    doc_of_text = np.full(len(bodies), -1, dtype=np.int64)
    doc_weights: list[int] = []
    doc_lengths: list[int] = []
    flat_terms: list[int] = []
    flat_pairs: list[int] = []
    languages: Counter[str] = Counter()
    for i, (body, n, guess) in enumerate(zip(bodies, weights, guesses, strict=True)):
        lang = guess or corpus_language
        pairs = analyser.stems(analyser.tokens(body), lang)
        if not pairs:
            continue
        languages[lang] += n
        doc_of_text[i] = len(doc_weights)
        doc_weights.append(n)
        doc_lengths.append(len(pairs))
        for pair in pairs:
            stem = pair[0]
            term = term_ids.get(stem)
            if term is None:
                term = term_ids[stem] = len(term_ids)
            flat_terms.append(term)
            pid = pair_ids.get(pair)
            if pid is None:
                pid = pair_ids[pair] = len(pair_ids)
            flat_pairs.append(pid)
    del bodies, guesses
    charter_tokens = analyser.tokens(charter_text)
    charter_lang = guess_language(f for _, f in charter_tokens) or corpus_language
    charter_stems = [stem for stem, _ in analyser.stems(charter_tokens, charter_lang)]

    result: dict = {"quarters": [], "trend": None, "charter_has_text": bool(charter_stems),
                    "languages": {"nl": languages["nl"], "en": languages["en"]}}
    if first is None:
        return result
    if end is not None:
        last = max(last, _quarter_index(end - _EPSILON))
    n_quarters = last - first + 1

    rows = [
        {"quarter": quarter_label(first + q), "documents": 0, "similarity_to_charter": None,
         "compared_with": None, "rising_terms": []}
        for q in range(n_quarters)
    ]
    result["quarters"] = rows
    if not doc_weights:
        return result

    # The vocabulary in sorted order, as TfidfVectorizer has it.
    for stem in charter_stems:
        if stem not in term_ids:
            term_ids[stem] = len(term_ids)
    terms = np.array(sorted(term_ids), dtype=object)
    order_of = np.empty(len(term_ids), dtype=np.int64)
    for new, stem in enumerate(terms.tolist()):
        order_of[term_ids[stem]] = new
    n_docs = len(doc_weights)
    doc_matrix = _tfidf_rows(
        np.repeat(np.arange(n_docs), doc_lengths), order_of[np.asarray(flat_terms)],
        n_docs, len(terms))
    del flat_terms
    weight = np.asarray(doc_weights, dtype=np.float64)
    charter_vec = (_tfidf_rows(np.zeros(len(charter_stems), dtype=np.int64),
                               order_of[[term_ids[s] for s in charter_stems]], 1, len(terms))
                   if charter_stems else None)
    # Smoothed idf over every copy of every text (and the charter): sklearn's formula.
    df = np.bincount(doc_matrix.indices, weights=np.repeat(weight, np.diff(doc_matrix.indptr)),
                     minlength=len(terms))
    n_samples = float(weight.sum())
    if charter_vec is not None:
        df[charter_vec.indices] += 1.0
        n_samples += 1.0
    df += 1.0
    idf = np.full_like(df, n_samples + 1.0)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    doc_matrix.data *= idf[doc_matrix.indices]
    doc_matrix = normalize(doc_matrix, norm="l2", copy=False)
    if charter_vec is not None:
        charter_vec.data *= idf[charter_vec.indices]
        charter_vec = normalize(charter_vec, norm="l2", copy=False)

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

    pair_counts = np.bincount(np.asarray(flat_pairs),
                              weights=np.repeat(weight, doc_lengths), minlength=len(pair_ids))
    surfaces: dict[str, tuple[int, str]] = {}
    for (stem, surface), n in zip(pair_ids, pair_counts.tolist(), strict=True):
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
    if texts.schema["at"].time_zone is not None:  # type: ignore[union-attr]
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


def _tfidf_rows(rows: np.ndarray, cols: np.ndarray, n_rows: int,
                n_cols: int) -> sparse.csr_matrix:
    """Sublinear tf (1 + log count) of (row, term) occurrences, not yet idf-weighted."""
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)),
                               shape=(n_rows, n_cols))
    matrix.sum_duplicates()
    matrix.sort_indices()
    np.log(matrix.data, out=matrix.data)
    matrix.data += 1.0
    return matrix


_EPSILON = timedelta(microseconds=1)


def _top_rising(rise: np.ndarray, centroid: sparse.csr_matrix, terms: np.ndarray,
                surfaces: dict[str, tuple[int, str]], top: int) -> list[dict]:
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
    """The network's lifecycle stage by the rule of METRICS.md 7 (FeverBee stages).

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
    """Month-over-month and year-over-year change of a monthly series (METRICS.md 7).

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
