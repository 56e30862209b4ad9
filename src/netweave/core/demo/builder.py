"""The builder of one demo network from a :class:`Profile`, and the public entry points."""

from __future__ import annotations

import bisect
import calendar
import functools
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from netweave.core.activity import SECTORS
from netweave.core.demo.profiles import CARE, ENERGY
from netweave.core.demo.records import (
    BUS,
    CIV,
    CYCLES,
    DAY,
    GOV,
    HOUR,
    KNOW,
    MONTH,
    OTH,
    RES,
    RSVP_STATUSES,
    Account,
    AttendanceRecord,
    DemoNetwork,
    DiscussionRecord,
    EventRecord,
    ExchangeRecord,
    GiveTakeRecord,
    IntroductionRecord,
    MembershipRecord,
    NetworkRecord,
    OrganisationRecord,
    PersonRecord,
    PostRecord,
    Profile,
    ReactionRecord,
    RegistrationRecord,
    StoryRecord,
    Topic,
)
from netweave.core.demo.words import NL_LAST, NL_MUNICIPALITIES, NL_PLACES
from netweave.core.text.words import fold_accents

# --- public API ------------------------------------------------------------------------------

def generate(*, seed: int = 42, people: int = 150, months: int = 24, events: int | None = None,
             start: datetime | None = None) -> DemoNetwork:
    """The Dutch regional energy-transition demo network ("Energieregio Rivierenland").

    ``people`` members over ``months`` calendar months from ``start`` (timezone-aware;
    default: ``months`` months before today, 00:00 UTC, so the history ends today).
    ``events`` defaults to about 1.25 a month; the last one is planned after the end.
    """
    return _Builder(ENERGY, seed=seed, people=people, months=months, events=events,
                    start=start).build()


def generate_peer_support(*, seed: int = 42, people: int = 20, months: int = 12,
                          events: int | None = None,
                          start: datetime | None = None) -> DemoNetwork:
    """The online-only, pseudonymous-only peer-support demo network ("Carers' Circle")."""
    return _Builder(CARE, seed=seed, people=people, months=months, events=events,
                    start=start).build()


def generate_all(*, seed: int = 42, people: int = 150, months: int = 24,
                 events: int | None = None, start: datetime | None = None) -> list[DemoNetwork]:
    """Both demo networks, ending at the same moment: :func:`generate` with these arguments
    and a :func:`generate_peer_support` circle over the last ``min(months, 12)`` months."""
    start = _normalise_start(start, months)
    peer_months = min(months, 12)
    return [generate(seed=seed, people=people, months=months, events=events, start=start),
            generate_peer_support(seed=seed + 1, months=peer_months,
                                  start=_add_months(start, months - peer_months))]


# --- time helpers ----------------------------------------------------------------------------

def _add_months(dt: datetime, k: int) -> datetime:
    y, m = divmod(dt.month - 1 + k, 12)
    year, month = dt.year + y, m + 1
    return dt.replace(year=year, month=month, day=min(dt.day, calendar.monthrange(year, month)[1]))


def start_for_end(end: date, months: int) -> datetime:
    """The ``start`` of a history of ``months`` months that ends on ``end`` at 00:00 UTC."""
    return _add_months(datetime(end.year, end.month, end.day, tzinfo=UTC), -months)


def _normalise_start(start: datetime | None, months: int) -> datetime:
    if start is None:
        return start_for_end(datetime.now(UTC).date(), months)
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware")
    return start.astimezone(UTC)


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(round(ts), UTC)


def _dts(ts: np.ndarray) -> list[datetime]:
    from_ts = datetime.fromtimestamp
    return [from_ts(s, UTC)
            for s in np.round(np.asarray(ts, dtype=np.float64)).astype(np.int64).tolist()]


@functools.lru_cache(maxsize=4096)
def _ascii(text: str) -> str:
    plain = fold_accents(text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "." for c in plain.lower()).strip(".").replace("..", ".")


# --- the builder -----------------------------------------------------------------------------

@dataclass
class _EventPlan:
    kind: str  # meeting, conference, online, upcoming
    start: float
    end: float
    mode: str
    topic: Topic
    created: float = 0.0


class _Builder:
    """Generates one network; the steps share the population arrays."""

    def __init__(self, profile: Profile, *, seed: int, people: int, months: int,
                 events: int | None, start: datetime | None) -> None:
        if people < 10:
            raise ValueError("a demo network needs at least 10 people")
        if months < 1:
            raise ValueError("a demo network needs at least 1 month")
        if events is not None and events < 0:
            raise ValueError("events cannot be negative")
        self.p = profile
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        #: Scalar draws (much faster than numpy's for one value at a time), seeded from ``rng``.
        self.r = random.Random(int(self.rng.integers(1 << 62)))
        self.n = people
        self.months = months
        self.start = _normalise_start(start, months)
        self.bounds = np.array([_add_months(self.start, k).timestamp()
                                for k in range(months + 1)])
        self.bounds_l = self.bounds.tolist()
        self.t0, self.t_end = float(self.bounds[0]), float(self.bounds[-1])
        self.tz = ZoneInfo(profile.charter["timezone"])
        self.n_events = (round(months * profile.events_per_month) if events is None
                         else events)
        self._active_cache: dict[tuple[int, str],
                                 tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    # -- helpers --

    def month_of(self, ts: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(self.bounds, ts, side="right") - 1, 0, self.months - 1)

    def p_late(self, ts: np.ndarray | float) -> np.ndarray:
        """Share of discussion on the late (drifted) topics at time ``ts``."""
        if not self.p.drift or not self.p.late:
            return np.zeros_like(np.asarray(ts, dtype=float))
        x = (np.asarray(ts, dtype=float) - self.t0) / (self.t_end - self.t0)
        return 0.05 + 0.85 / (1.0 + np.exp(-(x - 0.55) * 10.0))

    def topics_at(self, ts: np.ndarray) -> list[Topic]:
        ts = np.asarray(ts, dtype=float)
        late = self.rng.random(ts.shape) < self.p_late(ts)
        e_idx = self.rng.integers(0, len(self.p.early), ts.shape)
        l_idx = self.rng.integers(0, max(1, len(self.p.late)), ts.shape)
        return [self.p.late[j] if is_late else self.p.early[i]
                for is_late, i, j in zip(late.tolist(), e_idx.tolist(), l_idx.tolist(),
                                         strict=True)]

    def active(self, m: int, which: str = "on") -> tuple[np.ndarray, np.ndarray]:
        """People who can act in month ``m`` and their sampling probabilities."""
        key = (m, which)
        if key not in self._active_cache:
            lo, hi = self.bounds[m], self.bounds[m + 1]
            idx = np.nonzero((self.arr < hi) & (self.stop > lo))[0]
            w = (self.lam_on if which == "on" else self.lam)[idx]
            self._active_cache[key] = (idx, w / w.sum(), np.cumsum(w) / w.sum())
        return self._active_cache[key][:2]

    def pick(self, months_idx: np.ndarray, which: str = "on") -> np.ndarray:
        """One person per item, drawn by propensity among those active in the item's month."""
        out = np.empty(len(months_idx), dtype=np.int64)
        if len(months_idx) == 0:
            return out
        order = np.argsort(months_idx, kind="stable")
        counts = np.bincount(months_idx, minlength=self.months)
        pos = 0
        for m, c in enumerate(counts.tolist()):
            if c:
                idx, prob = self.active(m, which)
                out[order[pos:pos + c]] = self.rng.choice(idx, size=c, p=prob)
                pos += c
        return out

    def pick_one(self, t: float, *, exclude: tuple[int, ...] = (), tries: int = 20) -> int | None:
        """One person active at time ``t`` (by propensity), or None."""
        m = min(max(bisect.bisect_right(self.bounds_l, t) - 1, 0), self.months - 1)
        self.active(m)
        idx, _, cdf = self._active_cache[(m, "on")]
        draws = np.minimum(np.searchsorted(cdf, self.rng.random(tries)), len(idx) - 1)
        for cand in idx[draws].tolist():
            if self.arr[cand] <= t < self.stop[cand] and cand not in exclude:
                return int(cand)
        return None

    def pick_index(self, k: int) -> int:
        """A uniform index below ``k``."""
        return int(self.r.random() * k)

    def fill(self, template: str, topic: Topic | None = None) -> str:
        if "{" not in template:
            return template
        rand = self.r.random
        return template.format(place=self.p.places[int(rand() * len(self.p.places))],
                               n=int(3 + rand() * 57) * (5 if rand() < 0.3 else 1),
                               topic=topic.tag if topic else "")

    # -- steps --

    def build(self) -> DemoNetwork:
        self.plan_events()
        self.population()
        charter = dict(self.p.charter, created_at=_dt(self.t0))
        demo = DemoNetwork(network=NetworkRecord(**charter), seed=self.seed, start=self.start,
                           end=_dt(self.t_end))
        demo.organisations, person_org = self.organisations()
        demo.people = self.people(person_org)
        demo.memberships = self.memberships()
        demo.events = self.events()
        demo.registrations, demo.attendances = self.attendance()
        demo.discussions, demo.posts = self.discussions()
        demo.reactions = self.reactions()
        demo.offers, demo.needs = self.give_take()
        demo.introductions = self.introductions()
        demo.exchanges = self.exchanges(demo.offers, demo.needs, demo.introductions)
        demo.stories = self.stories()
        demo.accounts = self.accounts()
        return demo

    def plan_events(self) -> None:
        """Meeting times: roughly monthly offline, a few online, one conference, one planned."""
        p, n_ev, months = self.p, self.n_events, self.months
        self.plans: list[_EventPlan] = []
        self.historic = np.zeros(0)
        self.conference_t: float | None = None
        if n_ev == 0:
            return
        plans = self.plans
        n_off = n_ev if p.online_only else max(1, round(n_ev * 0.8))
        n_on = n_ev - n_off
        off_months = [min(months - 1, k * months // n_off) for k in range(n_off)]
        on_months = [min(months - 1, int((k + 0.5) * months / n_on)) for k in range(n_on)]
        conference = -1
        if not p.online_only and n_off >= 4:
            target = 0.4 * months
            conference = min(range(1, n_off - 1), key=lambda k: abs(off_months[k] - target))
        for k, m in enumerate(off_months):
            upcoming = k == n_off - 1 and n_ev >= 3
            if upcoming:
                day = datetime.fromtimestamp(self.t_end, self.tz).date() + timedelta(
                    days=self.r.randrange(9, 20))
            else:
                day = (datetime.fromtimestamp(self.bounds[m], self.tz).date()
                       + timedelta(days=self.r.randrange(5, 22)))
            if k == conference:
                kind, mode, (hh, mm, dur) = "conference", "offline", (9, 30, 7.0)
                if p.online_only:
                    mode = "online"
            else:
                kind = "upcoming" if upcoming else "meeting"
                mode = "online" if p.online_only else (
                    "hybrid" if self.r.random() < 0.2 else "offline")
                hh, mm, dur = p.meeting_time
                if not p.online_only and self.r.random() < 0.4:
                    hh, mm, dur = 15, 0, 2.5
            plans.append(self._plan(kind, mode, day, hh, mm, dur))
        for m in on_months:
            day = (datetime.fromtimestamp(self.bounds[m], self.tz).date()
                   + timedelta(days=self.r.randrange(3, 26)))
            mode = "hybrid" if self.r.random() < 0.2 else "online"
            plans.append(self._plan("online", mode, day, *p.online_time))
        plans.sort(key=lambda e: e.start)
        for e in plans:
            e.topic = self.topics_at(np.array([e.start]))[0]
        self.historic = np.array([e.start for e in plans if e.start < self.t_end])
        conf = [e.start for e in plans if e.kind == "conference"]
        self.conference_t = conf[0] if conf else None

    def _plan(self, kind: str, mode: str, day: date, hh: int, mm: int, dur: float) -> _EventPlan:
        if not self.p.online_only and kind != "online":
            while day.weekday() not in (1, 2, 3):  # Tuesday to Thursday
                day += timedelta(days=1)
        start = datetime.combine(day, time(hh, mm), tzinfo=self.tz).timestamp()
        return _EventPlan(kind, start, start + dur * HOUR, mode, self.p.early[0])

    def population(self) -> None:
        """Arrival, propensity, lapse and sector of every person."""
        p, rng, n = self.p, self.rng, self.n
        n_fac = p.facilitators if n >= 40 else 1
        n_found = min(n, max(n_fac + 4, round(p.founder_share * n)))
        self.n_fac, self.n_found = n_fac, n_found
        first = min(self.bounds[1], self.t0 + 14 * DAY)
        arr = np.empty(n)
        arr[:n_fac] = self.t0
        arr[n_fac:n_found] = np.sort(rng.uniform(self.t0 + HOUR, first, n_found - n_fac))
        k = n - n_found
        came = np.full(n, -1, dtype=np.int64)  # newcomers who arrived at a meeting
        if k:
            lo = self.bounds[1] if self.months > 1 else self.t0 + 14 * DAY
            base = lo + (self.t_end - lo) * rng.beta(1.3, 1.1, k)
            how = rng.random(k)
            if len(self.historic):
                nxt = np.searchsorted(self.historic, base)
                snap = (how < 0.45) & (nxt < len(self.historic))
                base[snap] = self.historic[nxt[snap]]
                came[n_found:][snap] = nxt[snap]
                if self.conference_t is not None:
                    ci = int(np.searchsorted(self.historic, self.conference_t))
                    burst = how > 0.9
                    base[burst] = self.conference_t
                    came[n_found:][burst] = ci
            order = np.argsort(base, kind="stable")
            arr[n_found:] = base[order]
            came[n_found:] = came[n_found:][order]
        self.arr, self.came = arr, came

        lam = rng.lognormal(0.0, p.sigma, n)
        lam[n_fac:n_found] *= 1.6
        lam[:n_fac] = max(float(np.quantile(lam, 0.99)), 4.0)
        self.lam = lam / lam.mean()
        self.lam_on = self.lam * rng.lognormal(0.0, 0.5, n)
        self.lam_off = self.lam * rng.lognormal(0.0, 0.5, n)

        p_lapse = np.where(self.lam < 1.0, p.lapse_p, p.lapse_p * 0.5)
        p_lapse[:n_fac] = 0.0
        lapse_t = arr + 14 * DAY + rng.exponential(p.lapse_months * MONTH, n)
        lapsed = (rng.random(n) < p_lapse) & (lapse_t < self.t_end - 30 * DAY)
        self.stop = np.where(lapsed, lapse_t, np.inf)
        left = lapse_t + rng.uniform(DAY, 60 * DAY, n)
        leaves = lapsed & (rng.random(n) < p.leave_p) & (left < self.t_end)
        self.left = np.where(leaves, left, np.nan)

        sector = rng.choice(6, size=n, p=np.array(p.sector_mix) / sum(p.sector_mix))
        sector[0] = p.facilitator_sectors[0]
        if n_fac > 1:
            sector[1] = p.facilitator_sectors[1]
        self.sector = sector

    def organisations(self) -> tuple[list[OrganisationRecord], np.ndarray]:
        """Organisations (only those with members) and each person's organisation or -1."""
        n, rng = self.n, self.rng
        org_of = np.full(n, -1, dtype=np.int64)
        if not self.p.organisations:
            return [], org_of
        names: list[str] = []
        sectors: list[int] = []
        seen: set[str] = set()
        for s in range(6):
            members = np.nonzero(self.sector == s)[0]
            if s == RES:
                members = members[rng.random(len(members)) < 0.1]
            else:
                members = members[rng.random(len(members)) < 0.95]
            if s == GOV and self.n_fac >= 1:
                members = np.union1d(members, [0])
            if s == CIV and self.n_fac >= 2:
                members = np.union1d(members, [1])
            if not len(members):
                continue
            pool = self._org_names(s, max(1, len(members) // (12 if s == GOV else 3)), seen)
            w = 1.0 / np.arange(1, len(pool) + 1) ** 0.9
            choice = rng.choice(len(pool), size=len(members), p=w / w.sum())
            if s == GOV:
                choice[members == 0] = pool.index("Regio Rivierenland") if (
                    "Regio Rivierenland" in pool) else 0
            base = len(names)
            names.extend(pool)
            sectors.extend([s] * len(pool))
            org_of[members] = base + choice
        used = np.unique(org_of[org_of >= 0])
        remap = np.full(len(names), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        org_of = np.where(org_of >= 0, remap[np.maximum(org_of, 0)], -1)
        muni = rng.integers(0, len(NL_MUNICIPALITIES), len(used))
        orgs = []
        for j, i in enumerate(used.tolist()):
            name = names[i]
            slug = _ascii(name).replace(".", "-")
            orgs.append(OrganisationRecord(
                name=name, sector=SECTORS[sectors[i]],
                municipality=NL_MUNICIPALITIES[int(muni[j])],
                website=f"https://www.{slug}.example" if j % 3 else ""))
        return orgs, org_of

    def _org_names(self, sector: int, count: int, seen: set[str]) -> list[str]:
        if sector == GOV:
            fixed = ["Regio Rivierenland", "Provincie Gelderland", "Waterschap Rivierenland",
                     *(f"Gemeente {m}" for m in NL_MUNICIPALITIES),
                     "Omgevingsdienst Rivierenland"]
            names = [x for x in fixed if x not in seen][:max(count, 4)]
            seen.update(names)
            return names
        templates = {
            BUS: ("{s} Installatietechniek", "Installatiebedrijf {s}", "{s} Elektrotechniek",
                  "Bouwbedrijf {s}", "Zonnestroom {p}", "{s} Isolatie", "{s} Klimaattechniek",
                  "Warmtepompcentrum {p}", "Adviesbureau {s}", "{s} Energieadvies",
                  "Fruitbedrijf {s}", "Transportbedrijf {s}", "Kwekerij {s}",
                  "{s} Laadoplossingen", "Loonbedrijf {s}", "Netwerkbedrijf {p}",
                  "{s} & {s2} Techniek", "{s} & {s2} Adviseurs", "Bouwcombinatie {s}-{s2}"),
            CIV: ("Energiecoöperatie {p}", "Stichting Duurzaam {p}", "Dorpsraad {p}",
                  "Wijkraad {p}-{d}", "Repair Café {p}", "Natuur- en Milieugroep {p}",
                  "Stichting Zon op {p}", "Energieloket {p}"),
            KNOW: ("Hogeschool Rivierenland", "Kenniscentrum Energie Betuwe", "ROC Rivierenland",
                   "Lectoraat Warmtetransitie", "Living Lab {p}", "Techniekcollege {p}",
                   "Kennispunt Energie {p}"),
            RES: ("Bewonersinitiatief {p}", "Buurtinitiatief {p}-{d}", "Bewonersgroep {p}"),
            OTH: ("Woonstichting {p}", "Zorgcentrum De {w}", "Sportvereniging {p}",
                  "Basisschool De {w}", "Woningcorporatie {w}"),
        }[sector]
        words = ("Linde", "Waard", "Boomgaard", "Uiterwaard", "Kersenbongerd", "Dijk", "Haven",
                 "Klaproos", "Appelhof", "Wielewaal")
        dirs = ("Noord", "Zuid", "Oost", "West", "Centrum")
        out: list[str] = []
        attempts = 0
        while len(out) < count and attempts < count * 20 + 100:
            attempts += 1
            t = templates[self.pick_index(len(templates))]
            name = t.format(s=NL_LAST[self.pick_index(len(NL_LAST))],
                            s2=NL_LAST[self.pick_index(len(NL_LAST))],
                            p=NL_PLACES[self.pick_index(len(NL_PLACES))],
                            d=dirs[self.pick_index(len(dirs))],
                            w=words[self.pick_index(len(words))])
            name = name[0].upper() + name[1:]
            if name in seen:
                continue
            seen.add(name)
            out.append(name)
        k = 0
        while len(out) < count:  # very large networks: numbered branches
            name = f"{out[k % len(out)]} {k // len(out) + 2}" if out else f"Organisatie {k}"
            k += 1
            if name not in seen:
                seen.add(name)
                out.append(name)
        return out

    def people(self, org_of: np.ndarray) -> list[PersonRecord]:
        p, rng, n = self.p, self.rng, self.n
        other = rng.random(n) < 0.1
        other[:self.n_fac] = False
        fi = rng.integers(0, 1 << 30, n)
        li = rng.integers(0, 1 << 30, n)
        n_tags = rng.integers(1, 4, n)
        all_topics = p.early + p.late
        late_share = self.p_late(self.arr)
        created = _dts(self.arr)
        out = []
        for i in range(n):
            if other[i]:
                first = p.other_first_names[fi[i] % len(p.other_first_names)]
                last = p.other_last_names[li[i] % len(p.other_last_names)]
            else:
                first = p.first_names[fi[i] % len(p.first_names)]
                last = p.last_names[li[i] % len(p.last_names)]
            name = f"{first} {last}"
            interests: list[str] = []
            for _ in range(int(n_tags[i])):
                group = p.late if (p.late and self.r.random() < late_share[i]) else p.early
                tag = group[self.pick_index(len(group))].tag
                if tag not in interests:
                    interests.append(tag)
            if not all_topics:
                interests = []
            org = int(org_of[i])
            out.append(PersonRecord(
                name=name, email=f"{_ascii(first)}.{_ascii(last)}.{i}@example.org",
                organisation=org if org >= 0 else None, sector=SECTORS[int(self.sector[i])],
                interests=interests, created_at=created[i]))
        return out

    def memberships(self) -> list[MembershipRecord]:
        p, rng, n = self.p, self.rng, self.n
        joined = _dts(self.arr)
        pseudo = rng.random(n) < (p.pseudonym_share * np.where(self.sector == RES, 3.0, 0.5))
        if p.pseudonym_share >= 1.0:
            pseudo[:] = True
        else:
            pseudo[:self.n_fac] = False
        adjectives, nouns = p.pseudonym_words
        taken: set[str] = set()
        out = []
        for i in range(n):
            pseudonym = ""
            if pseudo[i]:
                base = (adjectives[self.pick_index(len(adjectives))]
                        + nouns[self.pick_index(len(nouns))])
                pseudonym, k = base, 2
                while pseudonym in taken:
                    pseudonym = f"{base}{k}"
                    k += 1
                taken.add(pseudonym)
            left = None if math.isnan(self.left[i]) else _dt(float(self.left[i]))
            out.append(MembershipRecord(
                person=i, role="facilitator" if i < self.n_fac else "member",
                identity="pseudonym" if pseudo[i] else "real", pseudonym=pseudonym,
                joined_at=joined[i], left_at=left))
        self.pseudonymous = pseudo
        return out

    def events(self) -> list[EventRecord]:
        p = self.p
        out = []
        self.hosts: list[tuple[int, ...]] = []
        for k, e in enumerate(self.plans):
            local = datetime.fromtimestamp(e.start, self.tz)
            theme = e.topic.theme
            if e.kind == "conference":
                title = p.conference_title.format(year=local.year, theme=theme)
                desc = p.conference_description.format(theme=theme)
            elif e.kind == "online":
                title = p.online_title.format(theme=theme)
                desc = p.online_description.format(theme=theme)
            else:
                title = p.meeting_title.format(month=p.month_names[local.month - 1], theme=theme)
                desc = p.meeting_description.format(theme=theme)
            online = e.mode != "offline"
            location = "" if e.mode == "online" else self.fill(
                p.venues[self.pick_index(len(p.venues))])
            url = f"https://meet.example.org/{p.charter['slug']}-{k + 1}" if online else ""
            hosts = [0]
            if self.n_fac > 1 and self.r.random() < 0.5:
                hosts.append(1)
            if e.kind in ("meeting", "upcoming") and not p.online_only and self.r.random() < 0.4:
                cand = self.pick_one(min(e.start, self.t_end - HOUR), exclude=tuple(hosts))
                if (cand is not None and cand >= self.n_fac and self.came[cand] != k
                        and not self.pseudonymous[cand]):
                    hosts.append(cand)
            self.hosts.append(tuple(hosts))
            created = max(self.t0, e.start - self.r.uniform(21, 42) * DAY)
            if e.kind == "upcoming":
                created = min(created, self.t_end - 7 * DAY)
            e.created = created
            out.append(EventRecord(
                title=title, description=desc, mode=e.mode, location=location, online_url=url,
                starts_at=_dt(e.start), ends_at=_dt(e.end), capacity=None,
                hosts=tuple(hosts), created_at=_dt(created)))
        self.event_records = out
        return out

    def attendance(self) -> tuple[list[RegistrationRecord], list[AttendanceRecord]]:
        """RSVPs and attendance per event: no-shows, walk-ins and newcomers at the door."""
        p, rng = self.p, self.rng
        regs: list[tuple[np.ndarray, ...]] = []
        atts: list[tuple[np.ndarray, ...]] = []
        scale = {"meeting": 1.0, "upcoming": 1.0, "conference": 3.5, "online": 0.5}
        for k, e in enumerate(self.plans):
            upcoming = e.start >= self.t_end
            at = self.t_end - HOUR if upcoming else e.start
            elig = np.nonzero((self.arr <= at) & (self.stop > at))[0]
            here = elig[self.came[elig] == k]
            others = elig[self.came[elig] != k]
            lam = self.lam_off[others] if e.mode != "online" else (
                0.5 * (self.lam_off[others] + self.lam_on[others]))
            boost = np.where(e.start - self.arr[others] < 60 * DAY, 1.8, 1.0)
            q = 1.0 - np.exp(-p.attend_scale * scale[e.kind] * lam * boost)
            hosts = np.isin(others, self.hosts[k])
            intend = (rng.random(len(others)) < q) | hosts
            r = rng.random(len(others))
            status = np.full(len(others), -1)
            status[intend & (r < 0.78)] = 0
            status[intend & (r >= 0.78) & (r < 0.88)] = 1
            status[~intend & (r < 0.05)] = 2
            status[~intend & (r >= 0.05) & (r < 0.08)] = 1
            status[hosts] = 0
            can_rsvp = self.arr[others] < e.start - 2 * HOUR
            if upcoming:
                can_rsvp &= self.arr[others] < self.t_end - 2 * HOUR
            status[~can_rsvp] = -1
            has = status >= 0
            if has.any():
                who = others[has]
                lo = np.maximum(e.created, self.arr[who] + HOUR)
                hi = np.full(len(who), (min(e.start, self.t_end) if upcoming else e.start)
                             - 2 * HOUR)
                lo = np.minimum(lo, hi)
                created = lo + (hi - lo) * rng.beta(2.0, 1.2, len(who))
                changed = rng.random(len(who)) < 0.1
                updated = np.where(changed, created + (hi - created) * rng.random(len(who)),
                                   created)
                regs.append((np.full(len(who), k), who, status[has], created, updated))
            if upcoming:
                continue
            u = rng.random(len(others))
            attend = np.zeros(len(others), dtype=bool)
            attend |= (status == 0) & (u < 0.86)
            attend |= (status == 1) & intend & (u < 0.6)
            attend |= (status == 1) & ~intend & (u < 0.1)
            attend |= (status == -1) & intend
            attend |= hosts
            walk_in = (status == -1) & intend
            new_here = here[rng.random(len(here)) < 0.9]
            who = np.concatenate([others[attend], new_here])
            walk = np.concatenate([walk_in[attend], np.ones(len(new_here), dtype=bool)])
            if e.mode == "online":
                remote = np.ones(len(who), dtype=bool)
            elif e.mode == "hybrid":
                remote = (rng.random(len(who)) < 0.35) & ~walk
            else:
                remote = np.zeros(len(who), dtype=bool)
            method = np.where(walk & ~remote, 2, np.where(
                remote | (rng.random(len(who)) < 0.6), 1, 0))
            t = e.start + np.clip(rng.normal(5 * 60, 8 * 60, len(who)), -20 * 60, 45 * 60)
            t = np.maximum(t, self.arr[who])
            atts.append((np.full(len(who), k), who, remote, method, t))
            if e.kind == "conference":
                cap = max(len(who), int((status == 0).sum()))
                self.event_records[k].capacity = int(math.ceil(cap * 1.2 / 50.0) * 50)

        registrations: list[RegistrationRecord] = []
        if regs:
            ev, who, st, cr, up = (np.concatenate(c) for c in zip(*regs, strict=True))
            crs, ups = _dts(cr), _dts(up)
            registrations = [
                RegistrationRecord(a, b, RSVP_STATUSES[c], d, f)
                for a, b, c, d, f in zip(ev.tolist(), who.tolist(), st.tolist(), crs, ups,
                                         strict=True)]
        attendances: list[AttendanceRecord] = []
        if atts:
            ev, who, remote, method, t = (np.concatenate(c) for c in zip(*atts, strict=True))
            self.att_event, self.att_person = ev, who
            methods = ("code", "list", "walk_in")
            attendances = [
                AttendanceRecord(a, b, "remote" if c else "in_person", methods[d], f)
                for a, b, c, d, f in zip(ev.tolist(), who.tolist(), remote.tolist(),
                                         method.tolist(), _dts(t), strict=True)]
        else:
            self.att_event = self.att_person = np.zeros(0, dtype=np.int64)
        return registrations, attendances

    def discussions(self) -> tuple[list[DiscussionRecord], list[PostRecord]]:
        """Threads between meetings: openings by propensity, replies that target a parent."""
        p, rng = self.p, self.rng
        # Openings, month by month.
        d_m_parts, d_a_parts, d_t_parts = [], [], []
        for m in range(self.months):
            idx, prob = self.active(m, "on")
            expected = p.discussion_rate * float(self.lam_on[idx].sum())
            c = int(rng.poisson(expected))
            if not c:
                continue
            authors = rng.choice(idx, size=c, p=prob)
            lo = np.maximum(self.bounds[m], self.arr[authors])
            hi = np.minimum(self.bounds[m + 1], self.stop[authors])
            d_m_parts.append(np.full(c, m))
            d_a_parts.append(authors)
            d_t_parts.append(lo + (hi - lo) * rng.random(c))
        # Recaps by a facilitator after past meetings.
        recap_event = []
        for k, e in enumerate(self.plans):
            if e.kind != "online" and e.start < self.t_end and self.r.random() < 0.75:
                t = e.end + self.r.uniform(0.5, 3.0) * DAY
                if t < self.t_end:
                    recap_event.append(k)
                    d_m_parts.append(self.month_of(np.array([t])))
                    d_a_parts.append(np.array([self.hosts[k][0]]))
                    d_t_parts.append(np.array([t]))
        n_recaps = len(recap_event)
        if not d_t_parts:
            self.post_t = np.zeros(0)
            self.post_author = self.post_parent = self.post_disc = np.zeros(0, dtype=np.int64)
            return [], []
        d_a = np.concatenate(d_a_parts)
        d_t = np.concatenate(d_t_parts)
        d_m = np.concatenate(d_m_parts)
        is_recap = np.zeros(len(d_t), dtype=bool)
        recap_of = np.full(len(d_t), -1)
        if n_recaps:
            is_recap[-n_recaps:] = True
            recap_of[-n_recaps:] = recap_event
        order = np.argsort(d_t, kind="stable")
        d_a, d_t, d_m, is_recap, recap_of = (x[order] for x in (d_a, d_t, d_m, is_recap,
                                                                   recap_of))
        n_d = len(d_t)
        question = (rng.random(n_d) < p.question_share) & ~is_recap
        topics = self.topics_at(d_t)
        for j in np.nonzero(is_recap)[0].tolist():
            topics[j] = self.plans[int(recap_of[j])].topic

        # Replies: counts, delays, authors.
        mean = np.where(is_recap, p.replies_mean * 0.5, p.replies_mean)
        disp = 1.2
        counts = rng.negative_binomial(disp, disp / (disp + mean))
        r_d = np.repeat(np.arange(n_d), counts)
        r_t = d_t[r_d] + np.exp(rng.normal(math.log(6 * HOUR), 1.4, len(r_d)))
        r_a = self.pick(d_m[r_d], "on")
        own = rng.random(len(r_d)) < 0.25
        r_a[own] = d_a[r_d[own]]
        r_t = np.maximum(r_t, self.arr[r_a] + 10 * 60)
        keep = (r_t < self.stop[r_a]) & (r_t < self.t_end)
        r_d, r_t, r_a = r_d[keep], r_t[keep], r_a[keep]
        order = np.lexsort((r_t, r_d))
        r_d, r_t, r_a = r_d[order], r_t[order], r_a[order]
        first = np.searchsorted(r_d, np.arange(n_d), side="left").tolist()
        last = np.searchsorted(r_d, np.arange(n_d), side="right").tolist()
        u1 = rng.random(len(r_d)).tolist()
        u2 = rng.random(len(r_d)).tolist()
        r_a_l, r_t_l = r_a.tolist(), r_t.tolist()
        d_a_l = d_a.tolist()
        q_l = question.tolist()

        post_disc: list[int] = []
        post_author: list[int] = []
        post_parent: list[int] = []  # -1: opening post
        post_t: list[float] = []
        for d in range(n_d):
            opening = len(post_author)
            post_disc.append(d)
            post_author.append(d_a_l[d])
            post_parent.append(-1)
            post_t.append(float(d_t[d]))
            kept: list[int] = []
            p_open = 0.7 if q_l[d] else 0.5
            for r in range(first[d], last[d]):
                a = r_a_l[r]
                j = len(kept)
                parent = opening if (j == 0 or u1[r] < p_open) else kept[int(u2[r] * j)]
                if post_author[parent] == a:
                    if post_author[opening] != a:
                        parent = opening
                    else:
                        parent = next((x for x in reversed(kept) if post_author[x] != a), -1)
                        if parent < 0:
                            continue
                kept.append(len(post_author))
                post_disc.append(d)
                post_author.append(a)
                post_parent.append(parent)
                post_t.append(r_t_l[r])
        self.post_t = np.array(post_t)
        self.post_author = np.array(post_author, dtype=np.int64)
        self.post_parent = np.array(post_parent, dtype=np.int64)
        self.post_disc = np.array(post_disc, dtype=np.int64)

        # Accepted answers: a direct answer to some questions.
        accepted: dict[int, int] = {}
        direct = np.nonzero((self.post_parent >= 0)
                            & (self.post_parent == np.searchsorted(self.post_disc,
                                                                   self.post_disc)))[0]
        dq = direct[question[self.post_disc[direct]]]
        if len(dq):
            discs, start_at = np.unique(self.post_disc[dq], return_index=True)
            ends = np.append(start_at[1:], len(dq))
            pick = rng.random(len(discs))
            chosen = rng.random(len(discs))
            for dd, s, e_, pk, ch in zip(discs.tolist(), start_at.tolist(), ends.tolist(),
                                        pick.tolist(), chosen.tolist(), strict=True):
                if pk < 0.6:
                    accepted[dd] = int(dq[s + int(ch * (e_ - s))])

        # Text.
        d_times = _dts(d_t)
        p_times = _dts(self.post_t)
        texts = rng.integers(0, 1 << 30, (len(post_t), 4)).tolist()
        discussions = []
        for d in range(n_d):
            topic = topics[d]
            if is_recap[d]:
                title = p.recap_title.format(event=self.event_records[int(recap_of[d])].title)
            elif q_l[d]:
                title = self.fill(topic.questions[texts[d][0] % len(topic.questions)])
            else:
                title = self.fill(topic.titles[texts[d][0] % len(topic.titles)])
            discussions.append(DiscussionRecord(
                title=title[:200], author=d_a_l[d], is_question=q_l[d],
                created_at=d_times[d], accepted_answer=accepted.get(d)))
        posts = []
        for i in range(len(post_t)):
            d = post_disc[i]
            topic = topics[d]
            x = texts[i]
            parent = post_parent[i]
            if parent < 0:
                if is_recap[d]:
                    body = p.recap_body.format(theme=topic.theme)
                else:
                    s1 = topic.sentences[x[1] % len(topic.sentences)]
                    s2 = topic.sentences[x[2] % len(topic.sentences)]
                    parts = [p.openers[x[0] % len(p.openers)], self.fill(s1)]
                    if s2 != s1:
                        parts.append(self.fill(s2))
                    parts.append(discussions[d].title if q_l[d] else "")
                    parts.append(p.closers[x[3] % len(p.closers)])
                    body = " ".join(s for s in parts if s)
                posts.append(PostRecord(d, post_author[i], None, body, p_times[i]))
                continue
            if q_l[d] and post_parent[parent] < 0:
                body = self.fill(topic.answers[x[1] % len(topic.answers)])
            elif x[0] % 3 == 0:
                body = p.generic_replies[x[1] % len(p.generic_replies)]
            else:
                body = self.fill(topic.replies[x[1] % len(topic.replies)])
                if x[2] % 3 == 0:
                    body += " " + p.generic_replies[x[3] % len(p.generic_replies)]
            posts.append(PostRecord(d, post_author[i], parent, body, p_times[i]))
        return discussions, posts

    def reactions(self) -> list[ReactionRecord]:
        p, rng = self.p, self.rng
        n_posts = len(self.post_t)
        if not n_posts:
            return []
        pop = rng.lognormal(0.0, 0.7, n_posts)
        k = rng.poisson(p.reactions_mean * pop / pop.mean())
        post = np.repeat(np.arange(n_posts), k)
        person = self.pick(self.month_of(self.post_t[post]), "on")
        t = self.post_t[post] + np.exp(rng.normal(math.log(5 * HOUR), 1.3, len(post)))
        t = np.maximum(t, self.arr[person] + 60)
        keep = ((person != self.post_author[post]) & (t < self.stop[person])
                & (t < self.t_end))
        post, person, t = post[keep], person[keep], t[keep]
        _, first = np.unique(post * self.n + person, return_index=True)
        first.sort()
        post, person, t = post[first], person[first], t[first]
        emoji = rng.choice(len(p.emojis), size=len(post), p=p.emoji_p)
        order = np.lexsort((t, post))
        post, person, t, emoji = post[order], person[order], t[order], emoji[order]
        return [ReactionRecord(a, b, p.emojis[c], d)
                for a, b, c, d in zip(post.tolist(), person.tolist(), emoji.tolist(), _dts(t),
                                      strict=True)]

    def _give_take(self, rate: float, texts: dict) -> tuple[list[GiveTakeRecord], np.ndarray,
                                                            np.ndarray]:
        rng, n = self.rng, self.n
        count = np.minimum(rng.poisson(rate * np.minimum(self.lam, 4.0) ** 0.5), 3)
        who = np.repeat(np.arange(n), count)
        t = self.arr[who] + DAY + rng.exponential(45 * DAY, len(who))
        keep = (t < self.stop[who]) & (t < self.t_end)
        who, t = who[keep], t[keep]
        order = np.argsort(t, kind="stable")
        who, t = who[order], t[order]
        pick = rng.integers(0, 1 << 30, len(who)).tolist()
        out = []
        for i, (person, created) in enumerate(zip(who.tolist(), _dts(t), strict=True)):
            options = texts.get(int(self.sector[person])) or next(iter(texts.values()))
            text, tags = options[pick[i] % len(options)]
            out.append(GiveTakeRecord(person, text, list(tags), "open", created, None))
        return out, who, t

    def give_take(self) -> tuple[list[GiveTakeRecord], list[GiveTakeRecord]]:
        offers, self.offer_who, self.offer_t = self._give_take(self.p.offer_rate, self.p.offers)
        needs, self.need_who, self.need_t = self._give_take(self.p.need_rate, self.p.needs)
        return offers, needs

    def _person_months(self) -> float:
        stop = np.minimum(self.stop, self.t_end)
        return float(np.maximum(stop - self.arr, 0).sum() / MONTH)

    def introductions(self) -> list[IntroductionRecord]:
        """Facilitators introduce newcomers to connectors and people across sectors."""
        p, rng = self.p, self.rng
        lo, hi = self.t0 + 30 * DAY, self.t_end - 3 * DAY
        if hi <= lo:
            return []
        count = int(rng.poisson(p.intro_rate * self._person_months()))
        times = np.sort(rng.uniform(lo, hi, count))
        out = []
        all_topics = p.early + p.late
        for t in times.tolist():
            introducer = self.r.randrange(self.n_fac)
            recent = np.nonzero((self.arr <= t) & (self.arr > t - 90 * DAY) & (self.stop > t))[0]
            recent = recent[recent >= self.n_fac]
            newcomer = len(recent) > 0 and self.r.random() < 0.5
            a: int | None
            if newcomer:
                a = int(recent[self.pick_index(len(recent))])
            else:
                a = self.pick_one(t, exclude=tuple(range(self.n_fac)))
            if a is None:
                continue
            b = None
            for _ in range(4):
                b = self.pick_one(t, exclude=(*range(self.n_fac), a))
                if b is None or self.sector[b] != self.sector[a]:
                    break
            if b is None:
                continue
            topic = self.topics_at(np.array([t]))[0] if all_topics else None
            reason = (p.newcomer_reason if newcomer else
                      p.intro_reasons[self.pick_index(len(p.intro_reasons))])
            reason = reason.format(topic=topic.tag if topic else "",
                                   a=p.sector_names[int(self.sector[a])],
                                   b=p.sector_names[int(self.sector[b])])
            met = valuable = None
            if t + 30 * DAY < self.t_end:
                r = self.r.random()
                met = True if r < 0.6 else (False if r < 0.75 else None)
                if met:
                    r = self.r.random()
                    valuable = True if r < 0.7 else (False if r < 0.85 else None)
            out.append(IntroductionRecord(introducer, a, b, reason, _dt(t), met, valuable))
        return out

    def exchanges(self, offers: list[GiveTakeRecord], needs: list[GiveTakeRecord],
                  intros: list[IntroductionRecord]) -> list[ExchangeRecord]:
        """Exchanges answering offers and needs (most confirmed), and after good introductions."""
        p, rng = self.p, self.rng
        count = int(rng.poisson(p.exchange_rate * self._person_months()))
        used_offer: set[int] = set()
        used_need: set[int] = set()
        out: list[ExchangeRecord] = []
        offer_w = np.minimum(self.lam[self.offer_who], 10.0) if len(offers) else None
        need_w = np.minimum(self.lam[self.need_who], 10.0) if len(needs) else None

        def add(giver: int, receiver: int, offer: int | None, need: int | None, text: str,
                created: float) -> None:
            end = min(self.stop[giver], self.stop[receiver], self.t_end)
            if giver == receiver or created >= end:
                return
            confirmed = None
            if self.r.random() < 0.8:
                c = created + HOUR + self.r.expovariate(1.0 / (4 * DAY))
                confirmed = c if c < self.t_end else None
            weight = 2.0 if self.r.random() < 0.1 else 1.0
            if confirmed is not None:
                for item, used, records in ((offer, used_offer, offers),
                                            (need, used_need, needs)):
                    if item is not None:
                        used.add(item)
                        records[item].status = "fulfilled"
                        records[item].fulfilled_at = _dt(confirmed)
            out.append(ExchangeRecord(giver, receiver, offer, need, text, weight, _dt(created),
                                      None if confirmed is None else _dt(confirmed)))

        # Without offers no exchange is drawn; without needs none answers a need.
        offer_cdf = np.cumsum(offer_w) / offer_w.sum() if offer_w is not None else np.empty(0)
        need_cdf = np.cumsum(need_w) / need_w.sum() if need_w is not None else None
        for _ in range(count if offer_w is not None else 0):
            o = min(int(np.searchsorted(offer_cdf, rng.random())), len(offers) - 1)
            if o in used_offer:
                o_link = None
            else:
                o_link = o
            giver = int(self.offer_who[o])
            need: int | None = None
            if need_cdf is not None and self.r.random() < 0.5:
                need = min(int(np.searchsorted(need_cdf, rng.random())), len(needs) - 1)
                receiver = int(self.need_who[need])
                after = max(self.offer_t[o], self.need_t[need])
                if need in used_need:
                    need = None
            else:
                after = float(self.offer_t[o])
                found = self.pick_one(after + 7 * DAY, exclude=(giver,))
                receiver = giver if found is None else found
                after = max(after, float(self.arr[receiver]))
            created = after + DAY + self.r.expovariate(1.0 / (20 * DAY))
            text = offers[o].text if o_link is not None else p.exchange_texts[
                self.pick_index(len(p.exchange_texts))]
            add(giver, receiver, o_link, need, text, created)
        for intro in intros:
            if intro.valuable and self.r.random() < 0.35:
                giver, receiver = ((intro.person_a, intro.person_b) if self.r.random() < 0.5
                                   else (intro.person_b, intro.person_a))
                created = intro.created_at.timestamp() + self.r.uniform(7, 40) * DAY
                add(giver, receiver, None, None,
                    p.exchange_texts[self.pick_index(len(p.exchange_texts))], created)
        out.sort(key=lambda x: x.created_at)
        return out

    def stories(self) -> list[StoryRecord]:
        """Value-creation stories; later ones reach further cycles (docs/metrics.md#stories)."""
        p, rng = self.p, self.rng
        count = max(5, int(rng.poisson(p.story_rate * self._person_months())))
        span = self.t_end - self.t0
        times = np.sort(self.t0 + span * (0.05 + 0.95 * rng.beta(1.6, 1.0, count)))
        forced = rng.permutation(count)[:5]
        out = []
        for i, t in enumerate(times.tolist()):
            x = (t - self.t0) / span
            w = np.array([0.45 - 0.25 * x, 0.3 - 0.1 * x, 0.12 + 0.12 * x, 0.08 + 0.15 * x,
                          0.05 + 0.08 * x])
            cycle = int(rng.choice(5, p=w / w.sum()))
            hit = np.nonzero(forced == i)[0]
            if len(hit):
                cycle = int(hit[0])
            author = self.pick_one(t)
            if author is None:
                continue
            topic = self.topics_at(np.array([t]))[0]
            options = p.stories[CYCLES[cycle]]
            title, text = options[self.pick_index(len(options))]
            place = p.places[self.pick_index(len(p.places))]
            n = self.r.randrange(4, 40) * 5
            out.append(StoryRecord(author, title.format(place=place, n=n, topic=topic.tag),
                                   text.format(place=place, n=n, topic=topic.tag),
                                   CYCLES[cycle], _dt(t)))
        return out

    def accounts(self) -> list[Account]:
        names = self.p.accounts
        out = [Account(names[0], 0)]
        if self.n_fac > 1 and names[1]:
            out.append(Account(names[1], 1))
        candidates = [i for i in range(self.n_fac, self.n_found)
                      if math.isinf(self.stop[i])
                      and (self.p.pseudonym_share >= 1.0 or not self.pseudonymous[i])]
        if not candidates:
            candidates = [i for i in range(self.n_fac, self.n) if math.isinf(self.stop[i])]
        if candidates:
            out.append(Account(names[2], max(candidates, key=lambda i: self.lam[i])))
        return out

