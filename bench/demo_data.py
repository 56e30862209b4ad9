"""Engine inputs (:class:`NetworkData` frames) at benchmark sizes, straight from the demo generator.

Filling a database with ten million activity rows and reading them back is slow and not what
``bench/report.py`` measures, so this module turns the plain records of
:func:`netweave.core.demo.generate` into the frames the database reader
(:mod:`netweave.dashboard.reading`) would return after ``netweave demo`` had loaded them.

The activity rows mirror :mod:`netweave.networks.activity_rows` (one function per kind there,
one block per kind here), written in the order :mod:`netweave.networks.demo_loader` writes
them: join, leave, host, rsvp, attend, opening posts and replies, react, offer, need, give,
introduce, story. Primary keys are list index + 1 per kind of object (the loader's keys are
database-assigned; nothing the engine computes depends on their values). ``network`` is 1,
``source`` is ``demo``, ``corrects`` is empty (the demo never corrects a row).

Frames are cached as Parquet under ``var/bench/report/<size>/`` so every measurement process
reads the same data cheaply.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from netweave.core import activity as act
from netweave.core.demo import DemoNetwork, generate
from netweave.core.logreader import SCHEMA as LOG_SCHEMA
from netweave.core.measure.data import (
    PEOPLE_SCHEMA,
    POSTS_SCHEMA,
    STORIES_SCHEMA,
    TEXTS_SCHEMA,
    Charter,
    NetworkData,
)

#: People per benchmark size: the demo gives about 51 activity rows per person over 36 months.
SIZES: dict[str, int] = {"100k": 2_000, "1M": 20_000, "10M": 200_000}
MONTHS = 36
SEED = 1
#: Fixed start, so every run generates the same network (the demo defaults to "36 months ago").
START = datetime(2023, 1, 1, tzinfo=UTC)
NETWORK = 1
SOURCE = "demo"
#: ``activity_rows.RSVP_WEIGHT``: an intention, not a contribution.
RSVP_WEIGHT = {"going": 1.0, "maybe": 0.5, "not_going": 0.0}
#: ``Attendance.channel``: remote attendance is online, in person offline.
ATTEND_CHANNEL = {"remote": act.ONLINE, "in_person": act.OFFLINE}

_FILES = ("log", "people", "posts", "texts", "stories")


def _rows(kind: str, obj_type: str, actor: list, obj: list, at: list, *, target=None,
          weight=None, channel=None) -> pl.DataFrame:
    """One kind's activity rows (``activity_rows._row``): channel online, weight 1 by default."""
    n = len(actor)
    return pl.DataFrame({
        "actor": pl.Series(actor, dtype=pl.Int64),
        "kind": pl.Series([kind] * n, dtype=pl.String) if isinstance(kind, str)
        else pl.Series(kind, dtype=pl.String),
        "target": pl.Series(target if target is not None else [None] * n, dtype=pl.Int64),
        "object_type": pl.Series([obj_type] * n, dtype=pl.String),
        "object_id": pl.Series(obj, dtype=pl.Int64),
        "channel": pl.Series(channel if channel is not None else [act.ONLINE] * n,
                             dtype=pl.String),
        "at": pl.Series(at, dtype=pl.Datetime("us", "UTC")),
        "weight": pl.Series(weight if weight is not None else [1.0] * n, dtype=pl.Float64),
    })


def activity_log(d: DemoNetwork) -> pl.DataFrame:
    """The activity rows ``demo_loader`` writes for ``d``, as a frame of ``logreader.SCHEMA``."""
    pid = [i + 1 for i in range(len(d.people))]  # person index -> person id
    parts = []
    # join / leave (activity_rows.join, .leave): object = the membership
    ms = d.memberships
    parts.append(_rows(act.JOIN, "membership", [pid[m.person] for m in ms],
                       list(range(1, len(ms) + 1)), [m.joined_at for m in ms]))
    left = [(i, m) for i, m in enumerate(ms) if m.left_at is not None]
    parts.append(_rows(act.LEAVE, "membership", [pid[m.person] for _, m in left],
                       [i + 1 for i, _ in left], [m.left_at for _, m in left]))
    # host (activity_rows.host): at the event's start, offline unless the event is online
    hosts = [(k, e, h) for k, e in enumerate(d.events) for h in e.hosts]
    parts.append(_rows(act.HOST, "event", [pid[h] for _, _, h in hosts],
                       [k + 1 for k, _, _ in hosts], [e.starts_at for _, e, _ in hosts],
                       channel=[act.ONLINE if e.mode == "online" else act.OFFLINE
                                for _, e, _ in hosts]))
    # rsvp (activity_rows.rsvp): at its last change, weight by answer
    rs = d.registrations
    parts.append(_rows(act.RSVP, "event", [pid[r.person] for r in rs], [r.event + 1 for r in rs],
                       [r.updated_at for r in rs], weight=[RSVP_WEIGHT[r.status] for r in rs]))
    # attend (activity_rows.attend): channel from the attendance's mode
    ats = d.attendances
    parts.append(_rows(act.ATTEND, "event", [pid[a.person] for a in ats],
                       [a.event + 1 for a in ats], [a.checked_in_at for a in ats],
                       channel=[ATTEND_CHANNEL[a.mode] for a in ats]))
    # opening posts (activity_rows.opening_post): ask for a question, post otherwise,
    # object = the discussion; replies (activity_rows.reply): answer for a direct reply to a
    # question's opening post, reply otherwise, object = the post, target = parent's author
    ds, ps = d.discussions, d.posts
    open_ = [p for p in ps if p.parent is None]
    parts.append(_rows([act.ASK if ds[p.discussion].is_question else act.POST for p in open_],
                       "discussion", [pid[ds[p.discussion].author] for p in open_],
                       [p.discussion + 1 for p in open_], [p.created_at for p in open_]))
    replies = [(i, p) for i, p in enumerate(ps) if p.parent is not None]
    parts.append(_rows(
        [act.ANSWER if ds[p.discussion].is_question and ps[p.parent].parent is None
         else act.REPLY for _, p in replies],
        "post", [pid[p.author] for _, p in replies], [i + 1 for i, _ in replies],
        [p.created_at for _, p in replies],
        target=[pid[ps[p.parent].author] for _, p in replies]))
    # react (activity_rows.react): target = the post's author
    rx = d.reactions
    parts.append(_rows(act.REACT, "post", [pid[r.person] for r in rx], [r.post + 1 for r in rx],
                       [r.created_at for r in rx], target=[pid[ps[r.post].author] for r in rx]))
    # offer, need (activity_rows.offer, .need)
    for kind, items in ((act.OFFER, d.offers), (act.NEED, d.needs)):
        parts.append(_rows(kind, kind, [pid[o.person] for o in items],
                           list(range(1, len(items) + 1)), [o.created_at for o in items]))
    # give (activity_rows.give): confirmed exchanges only, giver -> receiver, with weight
    xs = [(i, x) for i, x in enumerate(d.exchanges) if x.confirmed_at is not None]
    parts.append(_rows(act.GIVE, "exchange", [pid[x.giver] for _, x in xs],
                       [i + 1 for i, _ in xs], [x.confirmed_at for _, x in xs],
                       target=[pid[x.receiver] for _, x in xs], weight=[x.weight for _, x in xs]))
    # introduce (activity_rows.introduce): two rows, one per person introduced
    intro = [(i, x, who) for i, x in enumerate(d.introductions)
             for who in (x.person_a, x.person_b)]
    parts.append(_rows(act.INTRODUCE, "introduction", [pid[x.introducer] for _, x, _ in intro],
                       [i + 1 for i, _, _ in intro], [x.created_at for _, x, _ in intro],
                       target=[pid[w] for _, _, w in intro]))
    # story (activity_rows.story)
    st = d.stories
    parts.append(_rows(act.STORY, "story", [pid[s.author] for s in st],
                       list(range(1, len(st) + 1)), [s.created_at for s in st]))

    log = pl.concat(parts)
    n = log.height
    return log.with_columns(
        id=pl.int_range(1, n + 1, dtype=pl.Int64), network=pl.lit(NETWORK, pl.Int64),
        source=pl.lit(SOURCE), corrects=pl.lit(None, pl.Int64),
    ).select(list(LOG_SCHEMA)).cast(LOG_SCHEMA)


def people_frame(d: DemoNetwork) -> pl.DataFrame:
    """``database._PEOPLE``: sector (person's, else organisation's, else other); organisation
    name left out for pseudonymous members; role from the membership."""
    member = {m.person: m for m in d.memberships}
    orgs = d.organisations
    rows = []
    for i, p in enumerate(d.people):
        m = member.get(i)
        pseudo = m is not None and m.identity == "pseudonym"
        org = orgs[p.organisation] if p.organisation is not None else None
        sector = p.sector or (org.sector if org else "") or "other"
        rows.append((i + 1, sector, "" if pseudo or org is None else org.name,
                     m.role if m else "guest", pseudo))
    frame = pl.DataFrame(rows, schema=list(PEOPLE_SCHEMA), orient="row")
    # to_frame(nullable_texts=("organisation",)): an empty organisation is null
    return frame.with_columns(organisation=pl.when(pl.col("organisation") != "")
                              .then(pl.col("organisation"))).cast(PEOPLE_SCHEMA)


def posts_frame(d: DemoNetwork) -> pl.DataFrame:
    """``database._POSTS``: every post with its discussion's question flag and accepted answer."""
    ds, ps = d.discussions, d.posts
    accepted = {x.accepted_answer for x in ds if x.accepted_answer is not None}
    return pl.DataFrame({
        "post": pl.Series(range(1, len(ps) + 1), dtype=pl.Int64),
        "discussion": pl.Series([p.discussion + 1 for p in ps], dtype=pl.Int64),
        "author": pl.Series([p.author + 1 for p in ps], dtype=pl.Int64),
        "parent": pl.Series([None if p.parent is None else p.parent + 1 for p in ps],
                            dtype=pl.Int64),
        "at": pl.Series([p.created_at for p in ps], dtype=pl.Datetime("us", "UTC")),
        "question": pl.Series([ds[p.discussion].is_question for p in ps], dtype=pl.Boolean),
        "accepted": pl.Series([i in accepted for i in range(len(ps))], dtype=pl.Boolean),
    }).cast(POSTS_SCHEMA)


#: Words appended to each post body (uniform between the two bounds), drawn Zipf-like from
#: the demo's own vocabulary, so that texts are distinct as in real discussions.
TAIL_WORDS = (4, 16)


def distinct_bodies(bodies: list[str], seed: int = SEED) -> list[str]:
    """``bodies`` each followed by a seeded tail of words from their own vocabulary.

    The demo fills a few hundred templates, so each post body occurs 7-10 times; real posts
    rarely repeat, and the cost of text analysis (topic drift) grows with distinct texts. The
    tail draws from the words of all bodies, most frequent first, with Zipf weights (rank
    ``r`` has weight ``1/r``), so word frequencies stay those of natural text.
    """
    rng = np.random.default_rng(seed)
    counts: dict[str, int] = {}
    for body in dict.fromkeys(bodies):
        for word in body.split():
            word = word.strip(".,;:!?\"“”„()").lower()
            if word.isalpha():
                counts[word] = counts.get(word, 0) + 1
    vocabulary = np.array(sorted(counts, key=lambda w: (-counts[w], w)))
    weights = 1.0 / np.arange(1, vocabulary.size + 1)
    lengths = rng.integers(TAIL_WORDS[0], TAIL_WORDS[1] + 1, len(bodies))
    words = vocabulary[rng.choice(vocabulary.size, int(lengths.sum()), p=weights / weights.sum())]
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [f"{body} {' '.join(words[a:b])}" for body, a, b in zip(bodies, starts, ends,
                                                                   strict=True)]


def texts_frame(d: DemoNetwork) -> pl.DataFrame:
    """``database._TEXTS``: discussion titles and post bodies, sorted by time; post bodies
    made distinct (:func:`distinct_bodies`)."""
    at = [x.created_at for x in d.discussions] + [p.created_at for p in d.posts]
    text = [x.title for x in d.discussions] + distinct_bodies([p.body for p in d.posts])
    return (pl.DataFrame({"at": pl.Series(at, dtype=pl.Datetime("us", "UTC")),
                          "text": pl.Series(text, dtype=pl.String)})
            .cast(TEXTS_SCHEMA).sort("at"))


def stories_frame(d: DemoNetwork) -> pl.DataFrame:
    """``database._STORIES``."""
    st = d.stories
    return pl.DataFrame({
        "story": pl.Series(range(1, len(st) + 1), dtype=pl.Int64),
        "author": pl.Series([s.author + 1 for s in st], dtype=pl.Int64),
        "at": pl.Series([s.created_at for s in st], dtype=pl.Datetime("us", "UTC")),
        "cycle": pl.Series([s.cycle for s in st], dtype=pl.String),
        "title": pl.Series([s.title for s in st], dtype=pl.String),
    }).cast(STORIES_SCHEMA)


def charter(d: DemoNetwork) -> Charter:
    """``database.read_charter``."""
    n = d.network
    return Charter(name=n.name, purpose=n.purpose, goals=n.goals,
                   focus_tags=tuple(n.focus_tags), primary_type=n.primary_type,
                   secondary_types=tuple(n.secondary_types), identity_mode=n.identity_mode,
                   target_mix={str(k): float(v) for k, v in n.target_mix.items()})


def build(size: str, directory: Path, *, log=print) -> Path:
    """Generate the demo network of ``size`` and write its frames to ``directory/size``.

    Returns that directory; an existing complete one is reused.
    """
    out = directory / size
    if (out / "meta.json").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    people = SIZES[size]
    t = time.perf_counter()
    d = generate(seed=SEED, people=people, months=MONTHS, start=START)
    log(f"  {size}: generated {people:,} people in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    frames = {"log": activity_log(d), "people": people_frame(d), "posts": posts_frame(d),
              "texts": texts_frame(d), "stories": stories_frame(d)}
    for name, frame in frames.items():
        frame.write_parquet(out / f"{name}.parquet")
    meta = {"size": size, "people": people, "months": MONTHS, "seed": SEED,
            "start": START.isoformat(), "end": d.end.isoformat(),
            "rows": frames["log"].height, "charter": charter(d).__dict__}
    (out / "meta.json").write_text(json.dumps(meta, indent=1, default=list))
    log(f"  {size}: {frames['log'].height:,} activity rows written in "
        f"{time.perf_counter() - t:.0f} s")
    return out


def meta(path: Path) -> dict:
    return json.loads((path / "meta.json").read_text())


def load(path: Path) -> NetworkData:
    """The :class:`NetworkData` written by :func:`build`."""
    m = meta(path)
    c = m["charter"]
    ch = Charter(name=c["name"], purpose=c["purpose"], goals=c["goals"],
                 focus_tags=tuple(c["focus_tags"]), primary_type=c["primary_type"],
                 secondary_types=tuple(c["secondary_types"]), identity_mode=c["identity_mode"],
                 target_mix=dict(c["target_mix"]))
    frames = {name: pl.read_parquet(path / f"{name}.parquet") for name in _FILES}
    return NetworkData(charter=ch, **frames)


def history_end(path: Path) -> datetime:
    """The moment the generated history ends (only the planned next meeting lies after it)."""
    return datetime.fromisoformat(meta(path)["end"])
