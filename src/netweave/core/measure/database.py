"""Read one network's :class:`NetworkData` straight from netweave's database.

Like :mod:`netweave.core.logreader` this reads through ADBC into Arrow, with no ORM and no
Django import, so a report over millions of rows never builds Python objects per row.

A member's profile in the network (sector, organisation) comes before the person's own.

Privacy: the engine gets no names. For members who take part under a pseudonym the
organisation is left out as well (a small organisation can give a person away); their
sector, a coarse category, stays.
"""

from __future__ import annotations

import json

from netweave.core.logreader import query, read_activity, to_frame

from .data import (
    PEOPLE_SCHEMA,
    POSTS_SCHEMA,
    STORIES_SCHEMA,
    TEXTS_SCHEMA,
    Charter,
    NetworkData,
)

_PEOPLE = """
SELECT p.id AS person,
       COALESCE(NULLIF(m.sector, ''), mo.sector, NULLIF(p.sector, ''), o.sector, 'other')
           AS sector,
       CASE WHEN m.identity = 'pseudonym' THEN '' ELSE COALESCE(mo.name, o.name, '') END
           AS organisation,
       COALESCE(m.role, 'guest') AS role,
       CASE WHEN m.identity = 'pseudonym' THEN 1 ELSE 0 END AS pseudonymous
FROM networks_person p
LEFT JOIN networks_organisation o ON o.id = p.organisation_id
LEFT JOIN networks_membership m ON m.person_id = p.id AND m.network_id = ?
LEFT JOIN networks_organisation mo ON mo.id = m.organisation_id
WHERE m.id IS NOT NULL
   OR p.id IN (SELECT actor_id FROM networks_activity WHERE network_id = ?)
   OR p.id IN (SELECT target_id FROM networks_activity WHERE network_id = ?
               AND target_id IS NOT NULL)
ORDER BY p.id
"""

_POSTS = """
SELECT po.id AS post, po.discussion_id AS discussion, po.author_id AS author,
       COALESCE(po.parent_id, 0) AS parent, {po.created_at} AS at,
       CASE WHEN d.is_question THEN 1 ELSE 0 END AS question,
       CASE WHEN d.accepted_answer_id = po.id THEN 1 ELSE 0 END AS accepted
FROM networks_post po JOIN networks_discussion d ON d.id = po.discussion_id
WHERE d.network_id = ?
ORDER BY po.id
"""

_TEXTS = """
SELECT {d.created_at} AS at, d.title AS text FROM networks_discussion d WHERE d.network_id = ?
UNION ALL
SELECT {po.created_at} AS at, po.body AS text
FROM networks_post po JOIN networks_discussion d ON d.id = po.discussion_id
WHERE d.network_id = ?
"""

_STORIES = """
SELECT id AS story, author_id AS author, {created_at} AS at, cycle, title
FROM networks_valuestory WHERE network_id = ? ORDER BY id
"""

_CHARTER = """
SELECT name, purpose, goals, CAST(focus_tags AS TEXT) AS focus_tags, primary_type,
       CAST(secondary_types AS TEXT) AS secondary_types, identity_mode,
       CAST(target_mix AS TEXT) AS target_mix
FROM networks_network WHERE id = ?
"""


class UnknownNetwork(LookupError):
    """No network with that id in the database."""


def read_charter(url: str, network: int) -> Charter:
    rows = query(url, _CHARTER, [network]).to_pylist()
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
    people = to_frame(query(url, _PEOPLE, [network] * 3), PEOPLE_SCHEMA,
                      nullable_texts=("organisation",))
    posts = to_frame(query(url, _POSTS, [network]), POSTS_SCHEMA, nullable_ids=("parent",),
                     times=("at",))
    texts = to_frame(query(url, _TEXTS, [network, network]), TEXTS_SCHEMA, times=("at",))
    stories = to_frame(query(url, _STORIES, [network]), STORIES_SCHEMA, times=("at",))
    return NetworkData(
        log=read_activity(url, network), people=people, charter=charter, posts=posts,
        texts=texts.sort("at"), stories=stories,
    )


__all__ = ["UnknownNetwork", "read_charter", "read_network_data"]
