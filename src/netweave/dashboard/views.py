"""Dashboard pages: a network's figures, its map, the rows behind a figure, a member's own
view, the host's overview and the full report page. Thin: reads come from
:mod:`.selectors`; a missing or stale snapshot or report page is queued through
:mod:`.services`, never computed here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from netweave.core.present import CHART_COLOURS, CLUSTER_COLOURS, SECTOR_COLOURS
from netweave.kit.net import client_key
from netweave.networks.models import Network
from netweave.networks.permissions import Access, Capability, network_for
from netweave.networks.selectors import member_name, person_id_for_ref

from . import selectors, services
from .periods import STANDARD_DAYS, PeriodChoice, PeriodError, parse_period

#: The dashboards' content security policy: plotly draws the map with WebGL (regl compiles
#: its shaders with ``new Function``) and styles its elements inline; no inline scripts.
CSP = "; ".join([
    "default-src 'self'", "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    "worker-src 'self' blob:", "connect-src 'self'", "font-src 'self'",
    "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
])


def _csp(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = CSP
        return response
    return wrapped


def _lang() -> str:
    return (get_language() or "en").split("-")[0]


def choice_from(request: HttpRequest, grant: Access) -> tuple[PeriodChoice, str]:
    """The period the page asks for and the error message ("" when fine: the default
    period is shown instead of a bad one, or of a custom one the viewer may not choose)."""
    try:
        choice = parse_period(request.GET.get("days"), request.GET.get("start"),
                              request.GET.get("end"))
    except PeriodError as exc:
        return parse_period(), str(exc)
    if choice.is_custom and not services.may_choose_period(grant):
        return parse_period(), services.custom_period_refused()
    return choice, ""


def _state(request: HttpRequest, network: Network,
           choice: PeriodChoice) -> tuple[selectors.Freshness, services.JobRefused | None]:
    """The period's figures, queuing their job when needed; and the refusal when this
    client has queued too many jobs."""
    fresh = selectors.freshness(network, choice)
    if (fresh.snapshot is None or fresh.stale) and fresh.job is None:
        try:
            fresh.job = services.request_snapshot(network, choice, request.user,
                                                  client=client_key(request))
        except services.JobRefused as exc:
            return fresh, exc
        if fresh.job.is_finished:  # run at once (NETWEAVE_JOBS_EAGER)
            fresh = selectors.freshness(network, choice)
    return fresh, None


def _refused(response: HttpResponse, refusal: services.JobRefused | None) -> HttpResponse:
    if refusal is not None:
        response.status_code = 429
        response["Retry-After"] = str(refusal.wait)
    return response


def _picker(request: HttpRequest, choice: PeriodChoice, error: str) -> dict:
    return {"choice": choice, "period_error": error, "standard_days": STANDARD_DAYS,
            "custom_start": request.GET.get("start", choice.first or ""),
            "custom_end": request.GET.get("end", choice.last or "")}


@_csp
@require_GET
def network_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Health card, period picker, monthly charts, retention, mix, warmth and stories."""
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    network = grant.network
    choice, error = choice_from(request, grant)
    fresh, refusal = _state(request, network, choice)
    context = {"network": network, "page": "dashboard", "fresh": fresh,
               "grant": grant, **_picker(request, choice, str(refusal or "") or error)}
    if fresh.snapshot is not None:
        context["figures_html"] = _figures_html(network, fresh.snapshot)
    response = render(request, "dashboard/network.html", context)
    response["Cache-Control"] = "private, no-cache"
    return _refused(response, refusal)


def _figures_html(network: Network, snapshot: selectors.Snapshot) -> str:
    """The dashboard's figures (card, charts, warmth, stories) rendered once per snapshot and
    language and reused for :data:`~.selectors.RENDER_CACHE_SECONDS`: they are the same for
    every viewer (names follow the same pseudonym rules for all)."""
    lang = _lang()
    key = (f"netweave:dashboard:figures:{snapshot.pk}:{snapshot.computed_at.timestamp()}:"
           f"{lang}")

    def build() -> str:
        snap = selectors.Snapshot.objects.defer("graph").get(pk=snapshot.pk)
        figures = snap.figures
        charts = selectors.charts(network, figures)
        return render_to_string("dashboard/_figures.html", {
            "network": network, "fresh": selectors.Freshness(snapshot=snap),
            "card": selectors.card_for(snap, network, lang), "charts": charts,
            "charts_data": [c.script() for c in charts],
            "warmth": selectors.warmth(network, figures),
            "rsvp": figures.get("events") or {},
            "stories": selectors.stories(network, figures)})

    body = selectors.reuse(key, build)
    return mark_safe(body)  # rendered by the template engine above, escaped there


@require_GET
def network_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's full report (the default period, last 90 days) as one self-contained
    page, as the ``dashboard.report`` job built it; while it is being built, a page that
    says so.

    Who may see it: as the network page (a secret network is a 404 for outsiders), and
    only those who see the network's contents (a closed network's outsiders get a 403).
    Its content security policy is the report's own (:mod:`netweave.trust.csp`).
    """
    network = network_for(request.user, slug, Capability.SEE_CONTENTS).network
    stored, job = services.report_page(network, _lang(), request.user)
    if stored is None:
        response = render(request, "dashboard/report_pending.html",
                          {"network": network, "job": job})
    else:
        response = HttpResponse(selectors.report_html(stored),
                                content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@_csp
@require_GET
def network_map(request: HttpRequest, slug: str) -> HttpResponse:
    """The network map page; its data comes from the API (``/api/dashboard/…/map``)."""
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    network = grant.network
    choice, error = choice_from(request, grant)
    fresh, refusal = _state(request, network, choice)
    context = {"network": network, "page": "map", "fresh": fresh, "map_text": _map_text(),
               "map_colours": MAP_COLOURS,
               **_picker(request, choice, str(refusal or "") or error)}
    if fresh.snapshot is not None:
        snap = selectors.Snapshot.objects.only("figures").get(pk=fresh.snapshot.pk)
        context["structure"] = snap.figures.get("structure") or {}
        context["drill_base"] = selectors.drill_url(
            network, "all", snap.figures["period"]["start"], snap.figures["period"]["end"])
    response = render(request, "dashboard/map.html", context)
    response["Cache-Control"] = "private, no-cache"
    return _refused(response, refusal)


#: The map's colours: the report's palette (one colour per sector and per cluster).
MAP_COLOURS = {"sector": SECTOR_COLOURS, "cluster": CLUSTER_COLOURS,
               "none": CHART_COLOURS["pale"]}


def _map_text() -> dict[str, str]:
    return {"sector": _("Sector"), "cluster": _("Cluster"), "ties": _("Ties"),
            "coreness": _("Coreness"), "brokerage": _("Brokerage"),
            "spof": _("Single point of failure"), "isolate": _("Without ties"),
            "yes": _("yes"), "no": _("no"), "name": _("Name"), "members": _("Members"),
            "clusterview": _("Too many people to show one by one: each point is a cluster."),
            "notfound": _("No one by that name on this map."), "ties_line": _("Ties")}


def _moment(value: str | None, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value or "")
    except ValueError as exc:
        raise PeriodError(f"{name}: expected a time like 2026-01-31T00:00:00+00:00, "
                          f"got “{value or ''}”") from exc
    if moment.tzinfo is None:
        raise PeriodError(f"{name}: the time needs a UTC offset, got “{value}”")
    return moment


@_csp
@require_GET
def activities(request: HttpRequest, slug: str) -> HttpResponse:
    """The activity rows a figure counts (drill-down), newest first, paged."""
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    network = grant.network
    set_name = request.GET.get("set", "all")
    if set_name not in selectors.DRILL_SETS:
        set_name = "all"
    context = {"network": network, "page": "activities",
               "set_label": selectors.DRILL_LABELS[set_name], "set_name": set_name,
               "sets": [(k, v) for k, v in selectors.DRILL_LABELS.items()]}
    try:
        start = _moment(request.GET.get("from"), "from")
        end = _moment(request.GET.get("to"), "to")
    except PeriodError as exc:
        context["error"] = str(exc)
        return render(request, "dashboard/activities.html", context, status=400)
    person_id = None
    if request.GET.get("person"):
        # Only a reference of this network finds someone: a global id, another network's
        # reference or a stranger to the network is "not found", never a name.
        person_id = person_id_for_ref(network, request.GET["person"])
        if person_id is None:
            raise Http404
    page, rows = selectors.activities(network, set_name, start, end, person=person_id,
                                      page=request.GET.get("page") or 1)
    person_name = selectors.map_names(network, [person_id])[0] if person_id else ""
    query = request.GET.copy()
    query.pop("page", None)
    context.update(start=start, end=end, page_obj=page, rows=rows, person_name=person_name,
                   query=query.urlencode())
    return render(request, "dashboard/activities.html", context)


@_csp
@login_required
@require_GET
def member(request: HttpRequest, slug: str) -> HttpResponse:
    """The viewer's own participation, give and take, introductions and stories."""
    grant = network_for(request.user, slug, Capability.SEE_CONTENTS)
    if grant.person is None or grant.membership is None:
        raise PermissionDenied
    view = selectors.member_view(grant.network, grant.person)
    return render(request, "dashboard/member.html", {
        "network": grant.network, "page": "member", "view": view,
        "name": member_name(grant.membership),
        "monthly": list(zip(view.months, view.contributions, strict=True)),
        "chart_list": [{"key": "mine", "kind": "stack", "x": view.months, "percent": False,
                        "title": _("My contributions per month"),
                        "series": [{"name": _("Contributions"),
                                    "values": view.contributions}]}],
    })


@_csp
@login_required
@require_GET
def host(request: HttpRequest) -> HttpResponse:
    """All networks side by side (staff only): headline figures, stage, overlap."""
    if not request.user.is_staff:
        raise PermissionDenied
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in selectors.HOST_SORTS:
        sort = "name"
    rows = selectors.host_rows(request.user, _lang(), sort.lstrip("-"), sort.startswith("-"))
    missing = [r.network for r in rows if r.computed_at is None]
    for network in missing:  # queued, not computed here (unless jobs run eagerly)
        services.request_snapshot(network, parse_period(), request.user)
    if missing and any(services.pending_job(n, "90") is None for n in missing):
        rows = selectors.host_rows(request.user, _lang(), sort.lstrip("-"),
                                   sort.startswith("-"))
    return render(request, "dashboard/host.html", {
        "rows": rows, "sort": sort, "columns": _host_headings(),
        "overlap": selectors.overlap([r.network for r in rows])[:30],
    })


def _host_headings() -> list[tuple[str, str]]:
    return [("name", _("Network")), ("stage", _("Stage")), ("members", _("Members")),
            ("active", _("Active")), ("new", _("New")), ("activities", _("Activities")),
            ("reciprocity", _("Reciprocity")), ("retention_3m", _("3-month retention"))]


@lru_cache(maxsize=1)
def plotly_path() -> Path:
    """plotly.min.js of the installed ``plotly`` package."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise Http404
    return path


@require_GET
def plotly_js(request: HttpRequest, version: str) -> FileResponse:
    """plotly.min.js from the installed package, cached for a year (the URL names the
    version, so an upgrade gets a new URL)."""
    import plotly

    if version != plotly.__version__:
        raise Http404
    response = FileResponse(plotly_path().open("rb"), content_type="text/javascript")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
