"""Reads of the Design area: charter history with what changed, guidance for a charter,
and the directory of networks."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from netweave.core.design import regions
from netweave.core.design.guidance import Advice, Finding, guidance, sharpness
from netweave.networks.models import (
    CommunityType,
    IdentityMode,
    Mode,
    Network,
    Sector,
    Visibility,
)
from netweave.networks.selectors import AnyUser, author_names, visible_networks

from . import finder
from .models import CharterVersion
from .services import CHARTER_FIELDS, EXTRA_FIELDS

_CHOICES: dict[str, Any] = {
    "primary_type": CommunityType, "secondary_types": CommunityType, "mode": Mode,
    "visibility": Visibility, "identity_mode": IdentityMode,
}


def field_label(name: str) -> str:
    """The label of a charter field (the model's verbose name)."""
    if name == "goal_date":
        return _("Date of the first goal")
    return str(Network._meta.get_field(name).verbose_name).capitalize()


def display_value(name: str, value: Any) -> str:
    """A charter answer as text: choice labels, lists joined, the mix as percentages."""
    if value in (None, "", [], {}):
        return ""
    if name == "language":
        return str(dict(settings.LANGUAGES).get(value, value))
    choices = _CHOICES.get(name)
    if choices is not None:
        labels = dict(choices.choices)
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if name == "target_mix":
        labels = dict(Sector.choices)
        return ", ".join(f"{labels.get(k, k)} {round(float(v) * 100)}%"
                         for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class Change:
    """One changed answer between two versions; ``segments`` mark words as kept, removed
    ("delete") or added ("insert")."""

    field: str
    label: str
    old: str
    new: str
    segments: list[tuple[str, str]]


@dataclass(frozen=True)
class VersionRow:
    version: CharterVersion
    author: str
    changes: list[Change] = field(default_factory=list)


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed from the snapshot ``old`` to ``new``, in wizard order."""
    out = []
    for name in (*CHARTER_FIELDS, *EXTRA_FIELDS):
        before, after = display_value(name, old.get(name)), display_value(name, new.get(name))
        if before != after:
            out.append(Change(name, field_label(name), before, after, _word_diff(before, after)))
    return out


def charter_history(network: Network) -> list[VersionRow]:
    """Every version of the charter, newest first, each with what it changed."""
    versions = list(CharterVersion.objects.filter(network=network).select_related("author")
                    .order_by("number"))
    names = author_names(network, [v.author for v in versions if v.author is not None])
    rows, previous = [], None
    for v in versions:
        author = names.get(v.author_id, "") if v.author_id else _("(before the history)")
        diff = changes(previous.data, v.data) if previous is not None else []
        rows.append(VersionRow(v, author, diff))
        previous = v
    return rows[::-1]


def charter_answers(network: Network, *, is_new: bool = False,
                    extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answers the core guidance reads, for a saved network."""
    from .services import latest_extra, snapshot

    data = snapshot(network, extra if extra is not None else latest_extra(network))
    data["is_new"] = is_new
    return data


def advice_for(answers: dict[str, Any], lang: str) -> tuple[list[Advice], list[Finding]]:
    """The guidance rules that apply and the sharpness findings, in ``lang``."""
    return guidance(answers, lang), sharpness(answers, lang)


# --- the directory ----------------------------------------------------------------------------

ACTIVITY_LEVELS = ("lively", "quiet", "dormant")
LIVELY_DAYS, QUIET_DAYS = 30, 90
NEAR_KM = 25.0


def activity_level(days: float | None) -> str:
    """"lively" (a contribution in the last 30 days), "quiet" (in 90) or "dormant"."""
    if days is not None and days <= LIVELY_DAYS:
        return "lively"
    if days is not None and days <= QUIET_DAYS:
        return "quiet"
    return "dormant"


@dataclass(frozen=True)
class DirectoryRow:
    network: Network
    active_participants: int
    days_since_last_contribution: float | None
    level: str
    reasons: list[str] = field(default_factory=list)


def _region_matches(wanted: str, region: str) -> bool:
    key, other = regions.normalise_region(wanted), regions.normalise_region(region)
    if not key:
        return True
    if not other:
        return False
    if key == other or key in other:
        return True
    km = regions.distance_km(wanted, region)
    return km is not None and km <= NEAR_KM


def directory(user: AnyUser | None, *, q: str = "", type_: str = "", region: str = "",
              tag: str = "", mode: str = "", activity: str = "",
              lang: str = "en") -> list[DirectoryRow]:
    """The networks ``user`` may see that pass the filters; ranked by the overlap finder
    when ``q`` is given (its reasons kept), else by name."""
    networks: QuerySet[Network] = visible_networks(user)
    if mode:
        networks = networks.filter(mode=mode)
    by_id = {n.pk: n for n in networks}
    cached = finder.instance_index()
    figures = {item.id: item for item in cached.index.items if item.kind == "network"}
    reasons: dict[int, list[str]] = {}
    order = sorted(by_id, key=lambda pk: by_id[pk].name.lower())
    if q.strip():
        hits = finder.find_overlap(user, q, kinds=("network",), k=len(by_id) or 1, lang=lang)
        order = [s.entry.id for s in hits if s.entry.id in by_id]
        reasons = {s.entry.id: s.hit.reasons for s in hits}
    tag_key = tag.strip().lower()
    rows = []
    for pk in order:
        n = by_id[pk]
        if type_ and type_ not in n.community_types:
            continue
        if tag_key and tag_key not in {t.strip().lower() for t in n.focus_tags or ()}:
            continue
        if region and not _region_matches(region, n.region):
            continue
        item = figures.get(pk)
        active = item.active_participants if item else 0
        days = item.days_since_last_contribution if item else None
        level = activity_level(days)
        if activity and level != activity:
            continue
        rows.append(DirectoryRow(n, active, days, level, reasons.get(pk, [])))
    return rows


def directory_tags(user: AnyUser | None) -> list[str]:
    """Every focus tag of the networks ``user`` may see, sorted."""
    tags: set[str] = set()
    for tags_ in visible_networks(user).values_list("focus_tags", flat=True):
        tags.update(t.strip() for t in tags_ or () if t.strip())
    return sorted(tags, key=str.lower)
