"""The overlap finder's API: similar networks and discussions for a draft, with reasons.

``GET /api/design/overlap?text=...&kind=network|discussion&network=<slug>&tags=...&region=...
&type=...``. Only items the asking user may see are suggested; a ``network`` the user may not
see is a 404, as everywhere.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.responses import Status

from netweave.networks.apikit import ErrorOut
from netweave.networks.models import CommunityType
from netweave.networks.permissions import Capability, network_for

from . import finder

router = Router(tags=["design"])
PREFIX = "/design"

MAX_TEXT = 2000
MAX_HITS = 10


class OverlapQuery(Schema):
    text: str = ""
    kind: Literal["network", "discussion"] = "network"
    network: str = ""
    tags: str = ""
    region: str = ""
    type: str = ""
    top: int = 5


class OverlapHitOut(Schema):
    kind: str
    id: int
    title: str
    url: str
    network_name: str
    network_slug: str
    score: float
    reasons: list[str]
    active_participants: int
    days_since_last_contribution: float | None


class OverlapOut(Schema):
    kind: str
    heading: str
    hits: list[OverlapHitOut]




def _split(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


@router.get("/overlap", response={200: OverlapOut, 400: ErrorOut, 404: ErrorOut},
            summary="Existing networks and discussions like a draft")
def overlap(request: HttpRequest, params: Query[OverlapQuery]) -> Status:
    """Suggest existing items like the draft ``text`` (never blocking: only suggestions).

    With ``network`` (a slug), the network's types and region (and for a network draft its
    focus tags) fill in what the query leaves out, and the network itself is not suggested.
    """
    if len(params.text) > MAX_TEXT:
        return Status(400, {"detail": _("The text is longer than %(n)s characters.")
                            % {"n": MAX_TEXT}})
    types = _split(params.type)
    unknown = [t for t in types if t not in CommunityType.values]
    if unknown:
        return Status(400, {"detail": _("Unknown community type “%(type)s”; use one of "
                                        "%(types)s.")
                            % {"type": unknown[0], "types": ", ".join(CommunityType.values)}})
    tags, region, exclude = _split(params.tags), params.region, ()
    if params.network:
        network = network_for(request.user, params.network, Capability.SEE_CHARTER).network
        if params.kind == "network":
            # Every discussion carries its network's tags: for discussions they would
            # match the whole network, so only a network draft takes them.
            tags = tags or tuple(network.focus_tags or ())
        types = types or tuple(network.community_types)
        region = region or network.region
        exclude = (("network", network.pk),)
    top = max(1, min(MAX_HITS, params.top))
    lang = (get_language() or "en").split("-")[0]
    found = finder.find_overlap(request.user, params.text, kinds=(params.kind,),
                                focus_tags=tags, community_types=types, region=region,
                                exclude=exclude, k=top, lang=lang)
    heading = (_("Similar networks already exist. Perhaps join one instead of starting anew?")
               if params.kind == "network" else
               _("Similar discussions already exist. Perhaps add to one of them?"))
    hits = [OverlapHitOut(
        kind=s.entry.kind, id=s.entry.id, title=s.entry.title, url=s.url,
        network_name=s.entry.network_name, network_slug=s.entry.network_slug,
        score=round(s.hit.score, 4), reasons=s.hit.reasons,
        active_participants=int(s.item.active_participants),
        days_since_last_contribution=s.item.days_since_last_contribution) for s in found]
    return Status(200, {"kind": params.kind, "heading": heading if hits else "", "hits": hits})
