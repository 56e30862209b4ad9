"""Suggested introductions (PRODUCT.md, "Weave"): who should meet whom, and why.

Pure core: Polars, NumPy, SciPy and scikit-learn; no web framework.

Input is a :class:`MatchInput` (columnar tables, see its docstring). For every pair of
members the matcher combines these signals (each in ``[0, 1]``) into a weighted sum; the
weights are :class:`Weights` (our design, defaults in brackets):

* ``need_offer`` [1.0]: the best text similarity of a need of one with an offer of the other,
  in either direction (``s = max(s_ab, s_ba)``; ``s_ab`` = a's need met by b's offer).
* ``mutual`` [0.5]: ``min(s_ab, s_ba)``: both can help each other (mutual benefit).
* ``interests`` [0.4]: cosine of the two members' interest/focus tags (idf-weighted).
* ``new_tie`` [0.3]: ``exp(-AA)``, AA the Adamic-Adar index of the pair on the tie graph
  (``Σ_{z common contact} 1/ln(deg z)``, unweighted; = ``networkx.adamic_adar_index``): 1
  for two people with no contact in common, near 0 for two who already share many. Weaving
  makes new ties; people inside one tight group meet anyway.
* ``bridge_sector`` [0.15], ``bridge_organisation`` [0.05], ``bridge_cluster`` [0.1]: 1 when
  both are known and differ.
* ``newcomer`` [0.15]: 1 when one is a newcomer or isolated (no tie) and the other a
  connector.

Text (Dutch and English): each offer/need text plus its tags is analysed with the shared text
analyser (the steps of :func:`netweave.core.text.words.analyse_text`, with shared caches:
language guessed unless the
member's ``language`` is given, stop words dropped, Snowball stems). Its vector is the
concatenation of a TF-IDF vector over the stems (weight 0.6) and one over character n-grams
(``char_wb``, 3-5) of the stemmed text (weight 0.4), each L2-normalised, so the cosine is
``0.6·cos_stems + 0.4·cos_chars`` and compounds ("warmtepompsubsidie" and "subsidie voor een
warmtepomp") meet. Languages only meet where they share words (STACK-NOTES, text).

Candidates (near-linear): identical analysed texts (and identical interest sets) are grouped;
the similarity of distinct texts is computed in chunks; for every need the ``candidates``
best offers (ties: text order, then person id) are kept, and the same for every offer over
the needs and every interest set over the others. Only pairs found this way are scored (no
``n x n`` matrix); a pair never scores on bridging or newcomer alone. Pairs below
``min_similarity`` are not candidates.

Never suggested: oneself, people already tied (any tie in the tie graph), pairs introduced
within ``recent_days`` before ``now``, members with ``opted_out`` or not ``allowed``
(pseudonymity rules, applied by the caller), people missing from ``members``.

Order: score descending, then the other person's id ascending (deterministic).

Reasons are sentences built only when asked (``reasons=True``, or :func:`explain` for the
suggestions that are shown), in one of two voices: ``"member"`` speaks to ``person_a`` ("You
seek …", "you share 2 contacts"), ``"pair"`` speaks about both in the third person ("Anna and
Bram share 2 contacts"), for a facilitator or anyone else reading about two other people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp

from netweave.core.measure.card import Plural, gettext_noop, ngettext, translator
from netweave.core.measure.ties import TieGraph
from netweave.core.text.tfidf import vectorise
from netweave.core.text.words import Analyser, guess_language

__all__ = ["MatchInput", "Suggestion", "Weights", "explain", "messages", "pair_signals",
           "suggest_all", "suggest_for"]

_ = gettext_noop

# --- input -----------------------------------------------------------------------------------

MEMBERS_SCHEMA: dict[str, pl.DataType] = {
    "person": pl.Int64(), "sector": pl.String(), "organisation": pl.String(),
    "newcomer": pl.Boolean(), "opted_out": pl.Boolean(), "allowed": pl.Boolean(),
}
#: Optional member columns: ``language`` ("nl"/"en"), ``cluster`` (Int64, e.g. Leiden
#: labels), ``connector`` (Float64, e.g. betweenness; higher is more of a connector).
OPTIONAL_MEMBER_COLUMNS: dict[str, pl.DataType] = {
    "language": pl.String(), "cluster": pl.Int64(), "connector": pl.Float64(),
}
TEXTS_SCHEMA: dict[str, pl.DataType] = {"person": pl.Int64(), "text": pl.String()}
INTERESTS_SCHEMA: dict[str, pl.DataType] = {"person": pl.Int64(), "tag": pl.String()}
INTRODUCED_SCHEMA: dict[str, pl.DataType] = {
    "person_a": pl.Int64(), "person_b": pl.Int64(), "at": pl.Datetime("us", "UTC"),
}


def _frame(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


@dataclass(eq=False)
class MatchInput:
    """Everything the matcher reads; plain tables, no names looked up.

    * ``members``: one row per person: ``person`` (int), ``sector``, ``organisation``
      (strings or null), ``newcomer``, ``opted_out``, ``allowed`` (bools; ``allowed`` False
      for pseudonymous members outside their network's rules); optional ``language``,
      ``cluster``, ``connector`` (see :data:`OPTIONAL_MEMBER_COLUMNS`).
    * ``offers``, ``needs``: ``person``, ``text``; optional ``tags`` (list of strings,
      appended to the text).
    * ``interests``: ``person``, ``tag`` (interests and focus tags, one row each).
    * ``ties``: the tie graph (:class:`TieGraph`, or ``(people, symmetric CSR)``); any
      stored entry is a tie.
    * ``introduced``: ``person_a``, ``person_b``, ``at`` (UTC); pairs introduced at or after
      ``now - recent_days`` are not suggested (a null ``at`` counts as recent).
    * ``names``: display name per person for the reasons (default ``#id``);
      ``cluster_names``: a name per cluster label (optional).
    * Connectors: people whose ``connector`` score (default: tie count) is positive and at
      least the ``connector_quantile`` of the positive scores among members.
    """

    members: pl.DataFrame
    offers: pl.DataFrame = field(default_factory=lambda: _frame(TEXTS_SCHEMA))
    needs: pl.DataFrame = field(default_factory=lambda: _frame(TEXTS_SCHEMA))
    interests: pl.DataFrame = field(default_factory=lambda: _frame(INTERESTS_SCHEMA))
    ties: TieGraph | tuple[np.ndarray, sp.csr_matrix] | None = None
    introduced: pl.DataFrame = field(default_factory=lambda: _frame(INTRODUCED_SCHEMA))
    names: Mapping[int, str] = field(default_factory=dict)
    cluster_names: Mapping[int, str] = field(default_factory=dict)
    now: datetime | None = None
    recent_days: int = 365
    default_language: str = "nl"
    connector_quantile: float = 0.9
    _prepared: Any = field(default=None, repr=False)


@dataclass(frozen=True)
class Weights:
    """Weight of each signal in the score (module docstring)."""

    need_offer: float = 1.0
    mutual: float = 0.5
    interests: float = 0.4
    new_tie: float = 0.3
    bridge_sector: float = 0.15
    bridge_organisation: float = 0.05
    bridge_cluster: float = 0.1
    newcomer: float = 0.15


SIGNALS: tuple[str, ...] = tuple(f.name for f in fields(Weights))


@dataclass(frozen=True)
class Suggestion:
    """Introduce ``person_b`` to ``person_a``: ``score`` = sum of ``breakdown`` (weighted).

    ``reasons`` is empty unless asked for (:func:`explain`); ``evidence`` is what the
    reasons are built from (the matched need and offer, common contacts; the values of
    ``_EVIDENCE``).
    """

    person_a: int
    person_b: int
    score: float
    breakdown: dict[str, float]
    reasons: list[str]
    evidence: tuple[Any, ...] = field(default=(), repr=False, compare=False)


# --- messages ----------------------------------------------------------------------------------

#: Voices of the reasons: to ``person_a`` ("member") or about both ("pair", module docstring).
VOICES = ("member", "pair")

NEED_MET = _("%(seeker)s seeks “%(need)s”; %(giver)s offers “%(offer)s”.")
YOU_SEEK = _("You seek “%(need)s”; %(giver)s offers “%(offer)s”.")
YOU_OFFER = _("%(seeker)s seeks “%(need)s”; you offer “%(offer)s”.")
MUTUAL = _("It works both ways: you can help each other.")
MUTUAL_PAIR = _("It works both ways: %(a)s and %(b)s can help each other.")
INTERESTS = ngettext("You share an interest: %(tags)s.", "You share %(n)s interests: %(tags)s.")
INTERESTS_PAIR = ngettext("%(a)s and %(b)s share an interest: %(tags)s.",
                          "%(a)s and %(b)s share %(n)s interests: %(tags)s.")
NEW_TIE = _("You don't know each other yet; you have no contacts in common: a new tie.")
NEW_TIE_PAIR = _("%(a)s and %(b)s don't know each other yet; they have no contacts in common: "
                 "a new tie.")
CONTACTS = ngettext("You don't know each other yet; you share %(n)s contact.",
                    "You don't know each other yet; you share %(n)s contacts.")
CONTACTS_PAIR = ngettext("%(a)s and %(b)s don't know each other yet; they share %(n)s contact.",
                         "%(a)s and %(b)s don't know each other yet; they share %(n)s contacts.")
SECTORS_DIFFER = _("%(a)s works in %(sector_a)s, %(b)s in %(sector_b)s: a bridge between "
                   "sectors.")
ORGANISATIONS_DIFFER = _("You are from different organisations.")
ORGANISATIONS_DIFFER_PAIR = _("%(a)s and %(b)s are from different organisations.")
CLUSTERS_DIFFER = _("You move in different circles of the network.")
CLUSTERS_DIFFER_PAIR = _("%(a)s and %(b)s move in different circles of the network.")
NEW_TO_CONNECTOR = _("%(newcomer)s is new; %(connector)s is a connector.")
NEW_TO_CONNECTOR_IN = _("%(newcomer)s is new; %(connector)s is a connector in %(cluster)s.")
ISOLATED_TO_CONNECTOR = _("%(newcomer)s has no contacts in the network yet; %(connector)s is a "
                          "connector.")
SECTOR_LABELS: dict[str, str] = {
    "government": _("government"),
    "business": _("business"),
    "civil_society": _("civil society"),
    "knowledge": _("a knowledge institution"),
    "residents": _("the residents' sector"),
    "other": _("another sector"),
}


def messages() -> list[str | Plural]:
    """Every message the reasons use (for tests and catalogue checks)."""
    return [NEED_MET, YOU_SEEK, YOU_OFFER, MUTUAL, MUTUAL_PAIR, INTERESTS, INTERESTS_PAIR,
            NEW_TIE, NEW_TIE_PAIR, CONTACTS, CONTACTS_PAIR, SECTORS_DIFFER,
            ORGANISATIONS_DIFFER, ORGANISATIONS_DIFFER_PAIR, CLUSTERS_DIFFER,
            CLUSTERS_DIFFER_PAIR, NEW_TO_CONNECTOR, NEW_TO_CONNECTOR_IN, ISOLATED_TO_CONNECTOR,
            *SECTOR_LABELS.values()]


# --- preparation ----------------------------------------------------------------------------------

#: Weights of the stem and the character n-gram parts of a text vector (cosine mixes them).
STEM_WEIGHT, CHAR_WEIGHT = 0.6, 0.4


@dataclass
class _Texts:
    person: np.ndarray      # member index of each row
    uid: np.ndarray         # distinct analysed text of each row
    raw: list[str]          # the text as written


@dataclass
class _Prepared:
    pid: np.ndarray                       # sorted person ids of members
    eligible: np.ndarray
    sector: np.ndarray                    # category codes, -1 unknown
    organisation: np.ndarray
    cluster: np.ndarray
    newcomer: np.ndarray
    pull_from: np.ndarray                 # newcomer or isolated
    connector: np.ndarray
    node: np.ndarray                      # tie-graph node of each member, -1 none
    adj: sp.csr_matrix                    # binary tie graph
    inv_log: np.ndarray                   # 1/ln(deg) per node (Adamic-Adar), 0 below 2
    tie_keys: np.ndarray                  # sorted u*n+v of ties (node space)
    intro_keys: np.ndarray                # sorted a*N+b of recent introductions (members)
    needs: _Texts
    offers: _Texts
    text_vectors: sp.csr_matrix           # one row per distinct analysed text
    interest_set: np.ndarray              # distinct interest set per member, -1 none
    interest_vectors: sp.csr_matrix
    tags: list[frozenset[str]]            # interest tags per member (for the reasons)
    sector_names: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


def _codes(col: pl.Series) -> tuple[np.ndarray, list[str]]:
    values = col.cast(pl.String)
    cats = sorted(v for v in values.unique().to_list() if v is not None)
    lookup = {c: i for i, c in enumerate(cats)}
    return np.array([lookup.get(v, -1) if v is not None else -1 for v in values.to_list()],
                    dtype=np.int64), cats


def _index(pid: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Member index of each id, -1 when not a member."""
    ids = np.asarray(ids, dtype=np.int64)
    if pid.size == 0:
        return np.full(ids.shape, -1, dtype=np.int64)
    pos = np.minimum(np.searchsorted(pid, ids), pid.size - 1)
    return np.where(pid[pos] == ids, pos, -1).astype(np.int64)


def _prepare(inp: MatchInput) -> _Prepared:
    if inp._prepared is not None:
        return inp._prepared
    missing = set(MEMBERS_SCHEMA) - set(inp.members.columns)
    if missing:
        raise ValueError(f"members table lacks columns {sorted(missing)}")
    members = inp.members.sort("person")
    pid = members.get_column("person").to_numpy().astype(np.int64)
    if pid.size and np.any(pid[1:] == pid[:-1]):
        raise ValueError("members has a person twice")
    n = pid.size
    eligible = (~members.get_column("opted_out").fill_null(False).to_numpy().astype(bool)
                & members.get_column("allowed").fill_null(False).to_numpy().astype(bool))
    sector, sector_names = _codes(members.get_column("sector"))
    organisation, _orgs = _codes(members.get_column("organisation"))
    cluster = (members.get_column("cluster").fill_null(-1).to_numpy().astype(np.int64)
               if "cluster" in members.columns else np.full(n, -1, dtype=np.int64))
    language = (members.get_column("language").to_list() if "language" in members.columns
                else [None] * n)

    # tie graph
    if isinstance(inp.ties, TieGraph):
        people, matrix = inp.ties.people, inp.ties.undirected
    elif inp.ties is not None:
        people, matrix = inp.ties
    else:
        people, matrix = np.empty(0, np.int64), sp.csr_matrix((0, 0))
    people = np.asarray(people, dtype=np.int64)
    order = np.argsort(people, kind="stable")
    people = people[order]
    adj = sp.csr_matrix(matrix)[order][:, order].tocsr()
    adj = (adj + adj.T).tocsr()
    adj.setdiag(0)
    adj.eliminate_zeros()
    adj.data[:] = 1.0
    adj.sort_indices()
    gdeg = np.diff(adj.indptr)
    inv_log = np.where(gdeg >= 2, 1.0 / np.log(np.maximum(gdeg, 2)), 0.0)
    nn = people.size
    rows = np.repeat(np.arange(nn, dtype=np.int64), gdeg)
    tie_keys = rows * max(nn, 1) + adj.indices.astype(np.int64)
    node = _index(people, pid) if nn else np.full(n, -1, dtype=np.int64)
    degree = np.where(node >= 0, gdeg[np.maximum(node, 0)] if nn else 0, 0)

    newcomer = members.get_column("newcomer").fill_null(False).to_numpy().astype(bool)
    pull_from = newcomer | (degree == 0)
    score = (members.get_column("connector").fill_null(0.0).to_numpy().astype(np.float64)
             if "connector" in members.columns else degree.astype(np.float64))
    positive = score[(score > 0) & eligible]
    connector = np.zeros(n, dtype=bool)
    if positive.size:
        connector = (score > 0) & (score >= np.quantile(positive, inp.connector_quantile))

    # recent introductions
    intro = inp.introduced
    now = inp.now or datetime.now(UTC)
    if intro.height:
        cutoff = now - timedelta(days=inp.recent_days)
        intro = intro.filter(pl.col("at").is_null() | (pl.col("at") >= cutoff))
    ia = _index(pid, intro.get_column("person_a").to_numpy()) if intro.height else np.empty(0)
    ib = _index(pid, intro.get_column("person_b").to_numpy()) if intro.height else np.empty(0)
    ok = (ia >= 0) & (ib >= 0)
    lo, hi = np.minimum(ia[ok], ib[ok]), np.maximum(ia[ok], ib[ok])
    intro_keys = np.unique(lo.astype(np.int64) * n + hi.astype(np.int64))

    # texts
    cache: dict[tuple[str, str | None], str] = {}
    docs: dict[str, int] = {}
    analyser = Analyser()   # analyse_text's steps with caches shared by all texts

    def texts(frame: pl.DataFrame) -> _Texts:
        if frame.height == 0:
            return _Texts(np.empty(0, np.int64), np.empty(0, np.int64), [])
        idx = _index(pid, frame.get_column("person").to_numpy())
        raw = frame.get_column("text").fill_null("").to_list()
        tags = (frame.get_column("tags").to_list() if "tags" in frame.columns
                else [None] * frame.height)
        keep, uids = [], []
        for r in range(frame.height):
            i = int(idx[r])
            if i < 0 or not eligible[i]:
                continue
            tag_list = tags[r]
            body = raw[r] + (" " + " ".join(tag_list) if tag_list else "")
            key = (body, language[i])
            stems = cache.get(key)
            if stems is None:
                tokens = analyser.tokens(body)
                lang = (language[i] or guess_language(f for _, f in tokens)
                        or inp.default_language)
                stems = cache[key] = " ".join(s for s, _ in analyser.stems(tokens, lang))
            if not stems:
                continue
            keep.append(r)
            uids.append(docs.setdefault(stems, len(docs)))
        keep_a = np.asarray(keep, dtype=np.int64)
        return _Texts(idx[keep_a] if keep else np.empty(0, np.int64),
                      np.asarray(uids, dtype=np.int64), [raw[r] for r in keep])

    needs, offers = texts(inp.needs), texts(inp.offers)
    distinct = list(docs)
    if distinct:
        stems = vectorise(doc.split() for doc in distinct)
        chars = vectorise(distinct, ngrams=(3, 5))
        text_vectors = sp.hstack([stems * math.sqrt(STEM_WEIGHT),
                                  chars * math.sqrt(CHAR_WEIGHT)], format="csr")
    else:
        text_vectors = sp.csr_matrix((0, 0))

    # interests
    tags_of: list[frozenset[str]] = [frozenset()] * n
    interest_set = np.full(n, -1, dtype=np.int64)
    interest_vectors = sp.csr_matrix((0, 0))
    if inp.interests.height:
        grouped = (inp.interests.drop_nulls()
                   .with_columns(pl.col("tag").str.strip_chars().str.to_lowercase())
                   .filter(pl.col("tag") != "").unique()
                   .group_by("person").agg(pl.col("tag").sort()))
        gi = _index(pid, grouped.get_column("person").to_numpy())
        sets: dict[tuple[str, ...], int] = {}
        for i, tag_list in zip(gi.tolist(), grouped.get_column("tag").to_list(), strict=True):
            if i < 0 or not eligible[i]:
                continue
            key = tuple(tag_list)
            tags_of[i] = frozenset(key)
            interest_set[i] = sets.setdefault(key, len(sets))
        if sets:
            interest_vectors = vectorise(sets)
    prepared = _Prepared(pid=pid, eligible=eligible, sector=sector, organisation=organisation,
                         cluster=cluster, newcomer=newcomer, pull_from=pull_from,
                         connector=connector, node=node,
                         adj=adj, inv_log=inv_log, tie_keys=tie_keys, intro_keys=intro_keys,
                         needs=needs, offers=offers, text_vectors=text_vectors,
                         interest_set=interest_set, interest_vectors=interest_vectors,
                         tags=tags_of, sector_names=sector_names)
    inp._prepared = prepared
    return prepared


# --- candidates ----------------------------------------------------------------------------------

#: Candidates kept per need, per offer and per interest set (module docstring).
CANDIDATES = 10
#: Text or interest similarity below this makes no candidate and no signal.
MIN_SIMILARITY = 0.05
#: Budget of dense similarity entries per chunk.
_CHUNK_CELLS = 4_000_000


def _groups(uid: np.ndarray, person: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows grouped by distinct text (CSR-style ``indptr``, rows ordered by person)."""
    order = np.lexsort((person, uid))
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.add.at(indptr, uid + 1, 1)
    return np.cumsum(indptr), order


def _ranked(q: sp.csr_matrix, t: sp.csr_matrix, indptr: np.ndarray, rows: np.ndarray,
            want: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per query vector the ``want`` best target rows (by similarity, text order, person)."""
    nt = t.shape[0]
    out_rows: list[np.ndarray] = []
    out_sims: list[np.ndarray] = []
    if nt == 0:
        empty = np.empty(0, np.int64)
        return [empty] * q.shape[0], [np.empty(0)] * q.shape[0]
    tt = t.T.tocsc()
    step = max(1, _CHUNK_CELLS // nt)
    m = min(nt, want)
    for lo in range(0, q.shape[0], step):
        s = (q[lo:lo + step] @ tt).toarray()
        top = (np.argpartition(-s, m - 1, axis=1)[:, :m] if m < nt
               else np.broadcast_to(np.arange(nt), s.shape))
        for i in range(s.shape[0]):
            cols = top[i]
            sims = s[i, cols]
            keep = sims >= MIN_SIMILARITY
            cols, sims = cols[keep], sims[keep]
            o = np.lexsort((cols, -sims))
            got, rr, ss = 0, [], []
            for c, v in zip(cols[o].tolist(), sims[o].tolist(), strict=True):
                h = rows[indptr[c]:indptr[c + 1]][:want - got]
                rr.append(h)
                ss.append(np.full(h.size, v))
                got += h.size
                if got >= want:
                    break
            out_rows.append(np.concatenate(rr) if rr else np.empty(0, np.int64))
            out_sims.append(np.concatenate(ss) if ss else np.empty(0))
    return out_rows, out_sims


def _expand(query_uid: np.ndarray, lists: list[np.ndarray],
            sims: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(query row, target row, similarity)`` for every query row and its text's list."""
    if query_uid.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    lengths = np.array([a.size for a in lists], dtype=np.int64)
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    flat_rows = np.concatenate(lists) if lists else np.empty(0, np.int64)
    flat_sims = np.concatenate(sims) if sims else np.empty(0)
    c = lengths[query_uid]
    q = np.repeat(np.arange(query_uid.size, dtype=np.int64), c)
    pos = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c) + np.repeat(ptr[query_uid], c)
    return q, flat_rows[pos].astype(np.int64), flat_sims[pos]


def _text_pairs(p: _Prepared, query: np.ndarray | None) -> pl.DataFrame:
    """Directed ``seeker, giver, sim, need_row, offer_row`` for the candidate text pairs."""
    frames = []
    nu = p.text_vectors.shape[0]
    for q_side, t_side, seeks in ((p.needs, p.offers, True), (p.offers, p.needs, False)):
        q_rows = (np.arange(q_side.person.size) if query is None
                  else np.flatnonzero(np.isin(q_side.person, query)))
        if q_rows.size == 0 or t_side.person.size == 0:
            continue
        q_uids, q_local = np.unique(q_side.uid[q_rows], return_inverse=True)
        indptr, rows = _groups(t_side.uid, t_side.person, nu)
        lists, sims = _ranked(p.text_vectors[q_uids], p.text_vectors, indptr, rows,
                              CANDIDATES + 1)
        qi, ti, s = _expand(q_local, lists, sims)
        qi = q_rows[qi]
        a, b = q_side.person[qi], t_side.person[ti]
        cols = {"seeker": a, "giver": b, "need_row": qi, "offer_row": ti} if seeks else \
            {"seeker": b, "giver": a, "need_row": ti, "offer_row": qi}
        frames.append(pl.DataFrame({**cols, "sim": s}))
    if not frames:
        return pl.DataFrame(schema={"seeker": pl.Int64, "giver": pl.Int64, "need_row": pl.Int64,
                                    "offer_row": pl.Int64, "sim": pl.Float64})
    return (pl.concat(frames).filter(pl.col("seeker") != pl.col("giver"))
            .sort(["seeker", "giver", "sim", "need_row", "offer_row"],
                  descending=[False, False, True, False, False])
            .unique(["seeker", "giver"], keep="first", maintain_order=True))


def _interest_pairs(p: _Prepared, query: np.ndarray | None) -> pl.DataFrame:
    """Unordered ``u < v`` candidate pairs from shared interests."""
    has = np.flatnonzero(p.interest_set >= 0)
    q_rows = has if query is None else has[np.isin(has, query)]
    if q_rows.size == 0:
        return pl.DataFrame(schema={"u": pl.Int64, "v": pl.Int64})
    q_sets, q_local = np.unique(p.interest_set[q_rows], return_inverse=True)
    indptr, rows = _groups(p.interest_set[has], has, p.interest_vectors.shape[0])
    lists, sims = _ranked(p.interest_vectors[q_sets], p.interest_vectors, indptr, has[rows],
                          CANDIDATES + 1)
    qi, b, _s = _expand(q_local, lists, sims)
    a = q_rows[qi]
    keep = a != b
    return pl.DataFrame({"u": np.minimum(a, b)[keep], "v": np.maximum(a, b)[keep]})


# --- signals -----------------------------------------------------------------------------------


def _rowwise(x: sp.csr_matrix, y: sp.csr_matrix, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``Σ_j x[u_k, j]·y[v_k, j]`` for each pair ``k``, in chunks."""
    out = np.zeros(u.size)
    for lo in range(0, u.size, 200_000):
        su, sv = u[lo:lo + 200_000], v[lo:lo + 200_000]
        out[lo:lo + su.size] = np.asarray(x[su].multiply(y[sv]).sum(axis=1)).ravel()
    return out


def _common(adj: sp.csr_matrix, weight: np.ndarray, u: np.ndarray,
            v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Common neighbours of each pair ``(u_k, v_k)`` on binary ``adj``: their count and the
    sum of ``weight`` over them, in chunks."""
    count, weighted = np.zeros(u.size), np.zeros(u.size)
    for lo in range(0, u.size, 200_000):
        su, sv = u[lo:lo + 200_000], v[lo:lo + 200_000]
        both = adj[su].multiply(adj[sv]).tocsr()
        count[lo:lo + su.size] = np.asarray(both.sum(axis=1)).ravel()
        weighted[lo:lo + su.size] = np.asarray(both @ weight).ravel()
    return count, weighted


def pair_signals(p: _Prepared, u: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
    """Unweighted signals besides text for member pairs ``(u, v)`` (indices), and filters.

    Keys: ``interests``, ``aa`` (Adamic-Adar), ``common`` (common contacts), the three
    ``bridge_*`` and ``newcomer`` (0/1), ``allowed`` (False: tied, recently introduced,
    ineligible, or the same person).
    """
    n = p.pid.size
    nu_, nv_ = p.node[u], p.node[v]
    both = (nu_ >= 0) & (nv_ >= 0)
    aa, common, tied = np.zeros(u.size), np.zeros(u.size), np.zeros(u.size, dtype=bool)
    if both.any() and p.adj.nnz:
        gu, gv = nu_[both], nv_[both]
        common[both], aa[both] = _common(p.adj, p.inv_log, gu, gv)
        keys = gu * p.adj.shape[0] + gv
        pos = np.minimum(np.searchsorted(p.tie_keys, keys), max(p.tie_keys.size - 1, 0))
        tied[both] = p.tie_keys[pos] == keys if p.tie_keys.size else False
    interests = np.zeros(u.size)
    iu, iv = p.interest_set[u], p.interest_set[v]
    has = (iu >= 0) & (iv >= 0)
    if has.any():
        interests[has] = _rowwise(p.interest_vectors, p.interest_vectors, iu[has], iv[has])
    interests[interests < MIN_SIMILARITY] = 0.0
    ikeys = np.minimum(u, v) * n + np.maximum(u, v)
    introduced = np.isin(ikeys, p.intro_keys)

    def differ(x: np.ndarray) -> np.ndarray:
        return ((x[u] >= 0) & (x[v] >= 0) & (x[u] != x[v])).astype(np.float64)

    pull = ((p.pull_from[u] & p.connector[v] & ~p.connector[u])
            | (p.pull_from[v] & p.connector[u] & ~p.connector[v]))
    allowed = p.eligible[u] & p.eligible[v] & (u != v) & ~tied & ~introduced
    return {"interests": interests, "aa": aa, "common": common,
            "bridge_sector": differ(p.sector), "bridge_organisation": differ(p.organisation),
            "bridge_cluster": differ(p.cluster), "newcomer": pull.astype(np.float64),
            "allowed": allowed}


def _scored(p: _Prepared, query: np.ndarray | None, weights: Weights) -> pl.DataFrame:
    """Scored unordered pairs ``u < v`` with every signal, filters applied."""
    tp = _text_pairs(p, query)
    directed = tp.select(
        pl.min_horizontal("seeker", "giver").alias("u"),
        pl.max_horizontal("seeker", "giver").alias("v"),
        (pl.col("seeker") < pl.col("giver")).alias("u_seeks"),
        "sim", "need_row", "offer_row")
    uv = (directed.filter("u_seeks").drop("u_seeks")
          .rename({"sim": "s_uv", "need_row": "need_uv", "offer_row": "offer_uv"}))
    vu = (directed.filter(~pl.col("u_seeks")).drop("u_seeks")
          .rename({"sim": "s_vu", "need_row": "need_vu", "offer_row": "offer_vu"}))
    pairs = pl.concat([tp.select(pl.min_horizontal("seeker", "giver").alias("u"),
                                 pl.max_horizontal("seeker", "giver").alias("v")),
                       _interest_pairs(p, query)]).unique()
    pairs = (pairs.join(uv, on=["u", "v"], how="left").join(vu, on=["u", "v"], how="left")
             .with_columns(pl.col("s_uv").fill_null(0.0), pl.col("s_vu").fill_null(0.0)))
    u = pairs.get_column("u").to_numpy().astype(np.int64)
    v = pairs.get_column("v").to_numpy().astype(np.int64)
    sig = pair_signals(p, u, v)
    s_uv, s_vu = pairs.get_column("s_uv").to_numpy(), pairs.get_column("s_vu").to_numpy()
    parts = {
        "need_offer": weights.need_offer * np.maximum(s_uv, s_vu),
        "mutual": weights.mutual * np.minimum(s_uv, s_vu),
        "interests": weights.interests * sig["interests"],
        "new_tie": weights.new_tie * np.exp(-sig["aa"]),
        "bridge_sector": weights.bridge_sector * sig["bridge_sector"],
        "bridge_organisation": weights.bridge_organisation * sig["bridge_organisation"],
        "bridge_cluster": weights.bridge_cluster * sig["bridge_cluster"],
        "newcomer": weights.newcomer * sig["newcomer"],
    }
    relevant = (np.maximum(s_uv, s_vu) > 0) | (sig["interests"] > 0)
    score = np.sum(list(parts.values()), axis=0) if u.size else np.zeros(0)
    return (pairs.with_columns(score=score, common=sig["common"],
                               **{k: v for k, v in parts.items()})
            .filter(pl.Series(sig["allowed"] & relevant)))


def _ranked_lists(pairs: pl.DataFrame, k: int, query: np.ndarray | None,
                  pid: np.ndarray) -> pl.DataFrame:
    """Both directions of each pair, top ``k`` per member by (score desc, other id asc)."""
    u = pairs.get_column("u").to_numpy()
    v = pairs.get_column("v").to_numpy()
    score = pairs.get_column("score").to_numpy()
    row = np.arange(u.size, dtype=np.int64)
    a, b = np.concatenate([u, v]), np.concatenate([v, u])
    score, row = np.concatenate([score, score]), np.concatenate([row, row])
    if query is not None:
        keep = np.isin(a, query)
        a, b, score, row = a[keep], b[keep], score[keep], row[keep]
    ranked = (pl.DataFrame({"a": a, "b": b, "score": score, "row": row})
              .sort(["a", "score", "b"], descending=[False, True, False])
              .group_by("a", maintain_order=True).head(k))   # member indices: person id order
    a, b = ranked.get_column("a").to_numpy(), ranked.get_column("b").to_numpy()
    top = pairs[ranked.get_column("row").to_numpy()]
    return top.with_columns(a=pl.Series(a), b=pl.Series(b), a_id=pl.Series(pid[a]),
                            b_id=pl.Series(pid[b]))


# --- reasons and output -------------------------------------------------------------------------

#: Columns of a ranked pair kept as a suggestion's evidence.
_EVIDENCE = ("a", "b", "u", "v", "s_uv", "s_vu", "need_uv", "offer_uv", "need_vu", "offer_vu",
             "common")


class _Reasons:
    def __init__(self, inp: MatchInput, p: _Prepared, lang: str, voice: str) -> None:
        if voice not in VOICES:
            raise ValueError(f"voice must be one of {VOICES}, not {voice!r}")
        self.inp, self.p, self.voice = inp, p, voice
        self.t = translator((lang or "en").replace("-", "_").split("_")[0].lower())

    def name(self, i: int) -> str:
        pid = int(self.p.pid[i])
        return self.inp.names.get(pid, f"#{pid}")

    def sector(self, i: int) -> str:
        key = self.p.sector_names[self.p.sector[i]]
        return self.t.gettext(SECTOR_LABELS[key]) if key in SECTOR_LABELS else key

    def need_met(self, a: int, seeker: int, giver: int, need_row: int, offer_row: int) -> str:
        message = NEED_MET
        if self.voice == "member":
            message = YOU_SEEK if seeker == a else YOU_OFFER
        return self.t.gettext(message) % {
            "seeker": self.name(seeker), "giver": self.name(giver),
            "need": self.p.needs.raw[need_row], "offer": self.p.offers.raw[offer_row]}

    def plural(self, pair: Plural, n: int, **args: str) -> str:
        return self.t.ngettext(pair.singular, pair.plural, n) % {"n": n, **args}

    def __call__(self, s: Suggestion) -> list[str]:
        e, w = dict(zip(_EVIDENCE, s.evidence, strict=True)), s.breakdown
        a, b, u, v = e["a"], e["b"], e["u"], e["v"]
        pair = self.voice == "pair"
        both = {"a": self.name(a), "b": self.name(b)} if pair else {}

        def say(member: str, about: str) -> str:
            return self.t.gettext(about) % both if pair else self.t.gettext(member)

        out: list[str] = []
        directions = [(u, v, e["need_uv"], e["offer_uv"]) if e["s_uv"] > 0 else None,
                      (v, u, e["need_vu"], e["offer_vu"]) if e["s_vu"] > 0 else None]
        if a == v:
            directions.reverse()
        for d in directions:
            if d is not None:
                out.append(self.need_met(a, *d))
        if w["mutual"] > 0:
            out.append(say(MUTUAL, MUTUAL_PAIR))
        if w["interests"] > 0:
            shared = sorted(self.p.tags[a] & self.p.tags[b])
            if shared:
                out.append(self.plural(INTERESTS_PAIR if pair else INTERESTS, len(shared),
                                       tags=", ".join(shared), **both))
        common = round(e["common"])
        if common:
            out.append(self.plural(CONTACTS_PAIR if pair else CONTACTS, common, **both))
        else:
            out.append(say(NEW_TIE, NEW_TIE_PAIR))
        if w["bridge_sector"] > 0:
            out.append(self.t.gettext(SECTORS_DIFFER) % {
                "a": self.name(a), "b": self.name(b),
                "sector_a": self.sector(a), "sector_b": self.sector(b)})
        if w["bridge_organisation"] > 0:
            out.append(say(ORGANISATIONS_DIFFER, ORGANISATIONS_DIFFER_PAIR))
        if w["bridge_cluster"] > 0:
            out.append(say(CLUSTERS_DIFFER, CLUSTERS_DIFFER_PAIR))
        if w["newcomer"] > 0:
            pulled, conn = (a, b) if self.p.connector[b] and not self.p.connector[a] else (b, a)
            args = {"newcomer": self.name(pulled), "connector": self.name(conn)}
            label = int(self.p.cluster[conn])
            message = NEW_TO_CONNECTOR if self.p.newcomer[pulled] else ISOLATED_TO_CONNECTOR
            if message == NEW_TO_CONNECTOR and label in self.inp.cluster_names:
                message = NEW_TO_CONNECTOR_IN
                args["cluster"] = self.inp.cluster_names[label]
            out.append(self.t.gettext(message) % args)
        return out


def _suggestions(top: pl.DataFrame) -> dict[int, list[Suggestion]]:
    """Suggestions without reasons, per member, from the ranked pairs."""
    top = top.with_columns(pl.col("a_id", "b_id", *_EVIDENCE[:4], "need_uv", "offer_uv",
                                  "need_vu", "offer_vu").fill_null(-1),
                           pl.col("score", *SIGNALS, "s_uv", "s_vu", "common").cast(pl.Float64))
    out: dict[int, list[Suggestion]] = {}
    heads = top.select("a_id", "b_id", "score").rows()
    for (a_id, b_id, score), parts, evidence in zip(heads, top.select(SIGNALS).rows(),
                                                    top.select(_EVIDENCE).rows(), strict=True):
        out.setdefault(a_id, []).append(Suggestion(
            person_a=a_id, person_b=b_id, score=score,
            breakdown=dict(zip(SIGNALS, parts, strict=True)), reasons=[], evidence=evidence))
    return out


def explain(inp: MatchInput, suggestions: list[Suggestion], lang: str = "en", *,
            voice: str = "pair") -> list[Suggestion]:
    """``suggestions`` (from this ``inp``) with their reasons in ``lang``, in ``voice``
    (``"member"``: to ``person_a``; ``"pair"``: about both, third person)."""
    reasons = _Reasons(inp, _prepare(inp), lang, voice)
    return [replace(s, reasons=reasons(s)) for s in suggestions]


def suggest_for(person: int, inp: MatchInput, k: int = 5, lang: str = "en", *,
                weights: Weights = Weights(), reasons: bool = True,
                voice: str = "member") -> list[Suggestion]:
    """The ``k`` best introductions for ``person`` (empty if not an eligible member).

    Candidates come from the person's own needs, offers and interests (module docstring).
    Reasons (``reasons=True``) are in ``voice``, by default spoken to ``person``.
    """
    p = _prepare(inp)
    i = _index(p.pid, np.array([person]))[0]
    if i < 0 or not p.eligible[i]:
        return []
    query = np.array([i], dtype=np.int64)
    top = _ranked_lists(_scored(p, query, weights), k, query, p.pid)
    found = _suggestions(top).get(int(person), [])
    return explain(inp, found, lang, voice=voice) if reasons else found


def suggest_all(inp: MatchInput, k: int = 5, lang: str = "en", *,
                weights: Weights = Weights(), reasons: bool = False,
                voice: str = "pair") -> dict[int, list[Suggestion]]:
    """The ``k`` best introductions for every eligible member (the facilitator's view).

    Members without any candidate are absent. Reasons are built only with ``reasons=True``
    (in ``voice``); otherwise :func:`explain` builds them for the suggestions shown.
    """
    p = _prepare(inp)
    top = _ranked_lists(_scored(p, None, weights), k, None, p.pid)
    found = _suggestions(top)
    if reasons:
        explainer = _Reasons(inp, p, lang, voice)
        found = {a: [replace(s, reasons=explainer(s)) for s in items]
                 for a, items in found.items()}
    return found
