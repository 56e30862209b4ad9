"""Read one network into the Measure engine: its :class:`NetworkData`, from the database.

The web layer's adapter to the engine. The SQL is written here from the models' table and
column names (``Model._meta``) and run by :mod:`netweave.core.logreader` through ADBC into
Arrow, with no ORM objects, so a report over millions of rows never builds Python objects
per row; the core keeps the frames' schemas (:mod:`netweave.core.measure.data`) and knows
no table. :func:`network_data` is the one way the app reads a network for the engine (the
dashboard's snapshot job, the report page and ``netweave report`` all call it).

A member's profile in the network (sector, organisation) comes before the person's own; a
person with none of them has no sector (unknown, docs/metrics.md#composition), never "other".

Privacy: the engine gets no names. For members who take part under a pseudonym the
organisation is left out as well (a small organisation can give a person away); their
sector, a coarse category, stays.
"""

from __future__ import annotations

import json

from netweave.core.logreader import query, to_frame
from netweave.core.measure.data import (
    EVENTS_SCHEMA,
    PEOPLE_SCHEMA,
    POSTS_SCHEMA,
    STORIES_SCHEMA,
    TEXTS_SCHEMA,
    Charter,
    NetworkData,
)
from netweave.networks.activity_log import column, database_url, read_activity, table
from netweave.networks.models import (
    Activity,
    Discussion,
    Event,
    Identity,
    Membership,
    Network,
    Organisation,
    Person,
    Post,
    ValueStory,
)

__all__ = ["UnknownNetwork", "network_data", "read_charter", "read_network_data"]


class UnknownNetwork(LookupError):
    """No network with that id in the database (or not committed yet)."""


def _people_sql() -> str:
    p, o, m, a = Person, Organisation, Membership, Activity
    pseudonym = Identity.PSEUDONYM.value
    return f"""
SELECT p.{column(p, 'id')} AS person,
       COALESCE(NULLIF(m.{column(m, 'sector')}, ''), NULLIF(mo.{column(o, 'sector')}, ''),
                NULLIF(p.{column(p, 'sector')}, ''), NULLIF(o.{column(o, 'sector')}, ''), '')
           AS sector,
       CASE WHEN m.{column(m, 'identity')} = '{pseudonym}' THEN ''
            ELSE COALESCE(mo.{column(o, 'name')}, o.{column(o, 'name')}, '') END
           AS organisation,
       COALESCE(m.{column(m, 'role')}, 'guest') AS role,
       CASE WHEN m.{column(m, 'identity')} = '{pseudonym}' THEN 1 ELSE 0 END AS pseudonymous
FROM {table(p)} p
LEFT JOIN {table(o)} o ON o.{column(o, 'id')} = p.{column(p, 'organisation')}
LEFT JOIN {table(m)} m ON m.{column(m, 'person')} = p.{column(p, 'id')}
                      AND m.{column(m, 'network')} = ?
LEFT JOIN {table(o)} mo ON mo.{column(o, 'id')} = m.{column(m, 'organisation')}
WHERE m.{column(m, 'id')} IS NOT NULL
   OR p.{column(p, 'id')} IN (SELECT {column(a, 'actor')} FROM {table(a)}
                              WHERE {column(a, 'network')} = ?)
   OR p.{column(p, 'id')} IN (SELECT {column(a, 'target')} FROM {table(a)}
                              WHERE {column(a, 'network')} = ?
                              AND {column(a, 'target')} IS NOT NULL)
ORDER BY p.{column(p, 'id')}
"""


def _posts_sql() -> str:
    po, d = Post, Discussion
    return f"""
SELECT po.{column(po, 'id')} AS post, po.{column(po, 'discussion')} AS discussion,
       po.{column(po, 'author')} AS author, COALESCE(po.{column(po, 'parent')}, 0) AS parent,
       {{po.{column(po, 'created_at')}}} AS at,
       CASE WHEN d.{column(d, 'is_question')} THEN 1 ELSE 0 END AS question,
       CASE WHEN d.{column(d, 'accepted_answer')} = po.{column(po, 'id')} THEN 1 ELSE 0 END
           AS accepted
FROM {table(po)} po JOIN {table(d)} d ON d.{column(d, 'id')} = po.{column(po, 'discussion')}
WHERE d.{column(d, 'network')} = ?
ORDER BY po.{column(po, 'id')}
"""


def _texts_sql() -> str:
    po, d = Post, Discussion
    return f"""
SELECT {{d.{column(d, 'created_at')}}} AS at, d.{column(d, 'title')} AS text
FROM {table(d)} d WHERE d.{column(d, 'network')} = ?
UNION ALL
SELECT {{po.{column(po, 'created_at')}}} AS at, po.{column(po, 'body')} AS text
FROM {table(po)} po JOIN {table(d)} d ON d.{column(d, 'id')} = po.{column(po, 'discussion')}
WHERE d.{column(d, 'network')} = ?
"""


def _events_sql() -> str:
    """The network's events themselves, cancelled ones left out (docs/metrics.md#data, "Event")."""
    e = Event
    return f"""
SELECT {column(e, 'id')} AS event, {{{column(e, 'starts_at')}}} AS at,
       {column(e, 'mode')} AS mode
FROM {table(e)} WHERE {column(e, 'network')} = ? AND NOT {column(e, 'cancelled')}
ORDER BY {column(e, 'starts_at')}, {column(e, 'id')}
"""


def _stories_sql() -> str:
    s = ValueStory
    return f"""
SELECT {column(s, 'id')} AS story, {column(s, 'author')} AS author,
       {{{column(s, 'created_at')}}} AS at, {column(s, 'cycle')} AS cycle,
       {column(s, 'title')} AS title
FROM {table(s)} WHERE {column(s, 'network')} = ? ORDER BY {column(s, 'id')}
"""


def _charter_sql() -> str:
    n = Network
    return f"""
SELECT {column(n, 'name')} AS name, {column(n, 'purpose')} AS purpose,
       {column(n, 'goals')} AS goals, CAST({column(n, 'focus_tags')} AS TEXT) AS focus_tags,
       {column(n, 'primary_type')} AS primary_type,
       CAST({column(n, 'secondary_types')} AS TEXT) AS secondary_types,
       {column(n, 'identity_mode')} AS identity_mode,
       CAST({column(n, 'target_mix')} AS TEXT) AS target_mix
FROM {table(n)} WHERE {column(n, 'id')} = ?
"""


def read_charter(url: str, network: int) -> Charter:
    """The charter of ``network`` as the engine judges against it; :class:`UnknownNetwork`
    when the database at ``url`` has no such network."""
    rows = query(url, _charter_sql(), [network]).to_pylist()
    if not rows:
        raise UnknownNetwork(f"no network with id {network}")
    row = rows[0]
    mix = json.loads(row["target_mix"] or "{}")
    return Charter(
        name=row["name"], purpose=row["purpose"], goals=row["goals"],
        focus_tags=tuple(json.loads(row["focus_tags"] or "[]")),
        primary_type=row["primary_type"],
        secondary_types=tuple(json.loads(row["secondary_types"] or "[]")),
        identity_mode=row["identity_mode"],
        target_mix={str(k): float(v) for k, v in mix.items()},
    )


def read_network_data(url: str, network: int) -> NetworkData:
    """Everything the engine needs about ``network``, from the database at ``url``."""
    charter = read_charter(url, network)
    people = to_frame(query(url, _people_sql(), [network] * 3), PEOPLE_SCHEMA,
                      nullable_texts=("sector", "organisation"))
    posts = to_frame(query(url, _posts_sql(), [network]), POSTS_SCHEMA,
                     nullable_ids=("parent",), times=("at",))
    texts = to_frame(query(url, _texts_sql(), [network, network]), TEXTS_SCHEMA,
                     times=("at",))
    stories = to_frame(query(url, _stories_sql(), [network]), STORIES_SCHEMA, times=("at",))
    events = to_frame(query(url, _events_sql(), [network]), EVENTS_SCHEMA, times=("at",))
    return NetworkData(
        log=read_activity(url, network), people=people, charter=charter, posts=posts,
        texts=texts.sort("at"), stories=stories, events=events,
    )


def network_data(network: Network) -> NetworkData:
    """``network`` read from the app's database into the engine's input.

    :class:`UnknownNetwork` when the network is not in the database as the reader sees it
    (it reads committed rows only: a network created inside a request's open transaction
    is not there yet).
    """
    return read_network_data(database_url(), network.pk)
